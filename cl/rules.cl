/*
 * The update rules of SEMANTICS.md, one inline function per optimizer, shared by every
 * kernel that updates parameters. Each takes the parameter, the (already clipped)
 * gradient, two state values and the step's scalars.
 *
 * This file is embedded twice (see CLOPT_CL_SOURCES in CMakeLists.txt): once for the
 * tensor kernels with CLOPT_T = float and names clopt_rule_*, once for the trajectory
 * kernels with CLOPT_T = clopt_real (float or floatN, several trajectories per work-item)
 * and names clopt_trule_*. The arithmetic is element-wise and written once, so both
 * paths compute the same bits per element.
 *
 * Contraction is off so that a rule gives the same bits wherever it is inlined.
 */
#pragma OPENCL FP_CONTRACT OFF

/*
 * Gradient clipping, in Keras' order: clipnorm (a scale from the global norm), then
 * clipvalue. A NaN gradient stays NaN, so divergence remains visible.
 */
inline CLOPT_T CLOPT_RULE(clip)(CLOPT_T g, CLOPT_T norm_scale, clopt_scalars k)
{
    if (k.clipnorm > 0.0f)
        g = g * norm_scale;
    if (k.clipvalue > 0.0f) {
        g = select(g, (CLOPT_T)(-k.clipvalue), g < -k.clipvalue);
        g = select(g, (CLOPT_T)(k.clipvalue), g > k.clipvalue);
    }
    return g;
}

inline void CLOPT_RULE(sgd)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *unused, clopt_scalars k)
{
    const CLOPT_T v = k.beta_1 * *m - k.lr * g;
    *m = v;
    *p = k.nesterov != 0.0f ? *p + k.beta_1 * v - k.lr * g : *p + v;
}

inline void CLOPT_RULE(rmsprop)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *unused,
                                clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

inline void CLOPT_RULE(adagrad)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *unused,
                                clopt_scalars k)
{
    *a = *a + g * g;
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

inline void CLOPT_RULE(adadelta)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *d, clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    const CLOPT_T u = g * sqrt(*d + k.epsilon) / sqrt(*a + k.epsilon);
    *p = *p - k.lr * u;
    *d = k.beta_1 * *d + k.one_minus_beta_1 * (u * u);
}

inline void CLOPT_RULE(adam)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    *p = *p - k.lr * *m / (sqrt(*v) + k.epsilon);
}

inline void CLOPT_RULE(adamax)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *u, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *u = fmax(k.beta_2 * *u, fabs(g));
    *p = *p - k.lr * *m / (*u + k.epsilon);
}

inline void CLOPT_RULE(nadam)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    const CLOPT_T m_bar = k.g_scale * g + k.m_scale * *m;
    *p = *p - k.lr * m_bar / (sqrt(*v * k.v_scale) + k.epsilon);
}
