/*
 * The update rules of SEMANTICS.md, one inline function per optimizer, shared by every
 * kernel that updates parameters (tensor steps here, trajectories later). Each takes the
 * parameter, the (already clipped) gradient, two state values and the step's scalars.
 *
 * Contraction is off so that a rule gives the same bits wherever it is inlined.
 */
#pragma OPENCL FP_CONTRACT OFF

inline void clopt_rule_sgd(float *p, float g, float *m, float *unused, clopt_scalars k)
{
    const float v = k.beta_1 * *m - k.lr * g;
    *m = v;
    *p = k.nesterov != 0.0f ? *p + k.beta_1 * v - k.lr * g : *p + v;
}

inline void clopt_rule_rmsprop(float *p, float g, float *a, float *unused, clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

inline void clopt_rule_adagrad(float *p, float g, float *a, float *unused, clopt_scalars k)
{
    *a = *a + g * g;
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

inline void clopt_rule_adadelta(float *p, float g, float *a, float *d, clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    const float u = g * sqrt(*d + k.epsilon) / sqrt(*a + k.epsilon);
    *p = *p - k.lr * u;
    *d = k.beta_1 * *d + k.one_minus_beta_1 * (u * u);
}

inline void clopt_rule_adam(float *p, float g, float *m, float *v, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    *p = *p - k.lr * *m / (sqrt(*v) + k.epsilon);
}

inline void clopt_rule_adamax(float *p, float g, float *m, float *u, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *u = fmax(k.beta_2 * *u, fabs(g));
    *p = *p - k.lr * *m / (*u + k.epsilon);
}

inline void clopt_rule_nadam(float *p, float g, float *m, float *v, clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    const float m_bar = k.g_scale * g + k.m_scale * *m;
    *p = *p - k.lr * m_bar / (sqrt(*v * k.v_scale) + k.epsilon);
}
