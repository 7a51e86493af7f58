/*
 * The update rules of docs/semantics.md, one inline function per optimizer, shared by every
 * kernel that updates parameters (and compiled as C for the host's benchmark loops). Each
 * takes the parameter, the (already clipped) gradient, up to three state values (a, b, c:
 * the kind's state buffers in catalogue order; unused ones are ignored) and the step's
 * scalars (scalars.h, computed on the host by src/schedule.c).
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
#ifndef CLOPT_RULE_FN
#define CLOPT_RULE_FN inline /* the host's C build makes them static inline */
#endif

/*
 * Gradient clipping, in Keras' order: clipnorm (a scale from the global norm), then
 * clipvalue. A NaN gradient stays NaN, so divergence remains visible.
 */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(clip)(CLOPT_T g, CLOPT_T norm_scale, clopt_scalars k)
{
    if (k.clipnorm > 0.0f)
        g = g * norm_scale;
    if (k.clipvalue > 0.0f) {
        g = select(g, (CLOPT_T)(-k.clipvalue), g < -k.clipvalue);
        g = select(g, (CLOPT_T)(k.clipvalue), g > k.clipvalue);
    }
    return g;
}

/* Decoupled weight decay (AdamW, Lion, Lamb): p - p * weight_decay * lr_e. */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(decoupled)(CLOPT_T p, clopt_scalars k)
{
    return k.weight_decay > 0.0f ? p - p * k.weight_decay : p;
}

CLOPT_RULE_FN void CLOPT_RULE(sgd)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *b_, CLOPT_T *c_,
                            clopt_scalars k)
{
    const CLOPT_T v = k.beta_1 * *m - k.lr * g;
    *m = v;
    *p = k.nesterov != 0.0f ? *p + k.beta_1 * v - k.lr * g : *p + v;
}

CLOPT_RULE_FN void CLOPT_RULE(rmsprop)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *b_, CLOPT_T *c_,
                                clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

CLOPT_RULE_FN void CLOPT_RULE(adagrad)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *b_, CLOPT_T *c_,
                                clopt_scalars k)
{
    *a = *a + g * g;
    *p = *p - k.lr * g / (sqrt(*a) + k.epsilon);
}

CLOPT_RULE_FN void CLOPT_RULE(adadelta)(CLOPT_T *p, CLOPT_T g, CLOPT_T *a, CLOPT_T *d, CLOPT_T *c_,
                                 clopt_scalars k)
{
    *a = k.beta_1 * *a + k.one_minus_beta_1 * (g * g);
    const CLOPT_T u = g * sqrt(*d + k.epsilon) / sqrt(*a + k.epsilon);
    *p = *p - k.lr * u;
    *d = k.beta_1 * *d + k.one_minus_beta_1 * (u * u);
}

/* Adam; with amsgrad the denominator uses vhat = max(vhat, v). */
CLOPT_RULE_FN void CLOPT_RULE(adam)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, CLOPT_T *vhat,
                             clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    CLOPT_T denominator = *v;
    if (k.amsgrad != 0.0f) {
        *vhat = fmax(*vhat, *v);
        denominator = *vhat;
    }
    *p = *p - k.lr * *m / (sqrt(denominator) + k.epsilon);
}

CLOPT_RULE_FN void CLOPT_RULE(adamax)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *u, CLOPT_T *c_,
                               clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    /* (CLOPT_T): k is double in a double build, and fmax(float, double) is ambiguous */
    *u = fmax((CLOPT_T)(k.beta_2) * *u, fabs(g));
    *p = *p - k.lr * *m / (*u + k.epsilon);
}

CLOPT_RULE_FN void CLOPT_RULE(nadam)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, CLOPT_T *c_,
                              clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    const CLOPT_T m_bar = k.g_scale * g + k.m_scale * *m;
    *p = *p - k.lr * m_bar / (sqrt(*v * k.v_scale) + k.epsilon);
}

/* AdamW: the decoupled decay, then Adam's rule (with amsgrad when on). */
CLOPT_RULE_FN void CLOPT_RULE(adamw)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, CLOPT_T *vhat,
                              clopt_scalars k)
{
    *p = CLOPT_RULE(decoupled)(*p, k);
    CLOPT_RULE(adam)(p, g, m, v, vhat, k);
}

/*
 * Lamb, in two halves around the per-tensor norms: lamb_moments decays p, updates m and v
 * and returns the direction u; once |p| and |u| of the whole tensor are known, lamb_apply
 * takes the step with the trust ratio r. lamb_direction recomputes u from m and v (same
 * bits), so the tensor path need not store it.
 */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(lamb_direction)(CLOPT_T m, CLOPT_T v, clopt_scalars k)
{
    return m * k.m_scale / (sqrt(v * k.v_scale) + k.epsilon);
}

CLOPT_RULE_FN CLOPT_T CLOPT_RULE(lamb_moments)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v,
                                        clopt_scalars k)
{
    *p = CLOPT_RULE(decoupled)(*p, k);
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    return CLOPT_RULE(lamb_direction)(*m, *v, k);
}

/* r = |p| / |u| when both are > 0, else 1. */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(lamb_ratio)(CLOPT_T p_norm, CLOPT_T u_norm)
{
    const CLOPT_T one = (CLOPT_T)(1.0f);
    return select(one, p_norm / u_norm, p_norm > 0.0f && u_norm > 0.0f);
}

CLOPT_RULE_FN void CLOPT_RULE(lamb_apply)(CLOPT_T *p, CLOPT_T u, CLOPT_T r, clopt_scalars k)
{
    *p = *p - r * k.lr * u;
}

/*
 * RAdam: the step size k.lr already holds lr_e * r * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * when the variance is tractable (k.rectified), else lr_e / (1 - beta_1^t): un-adapted
 * momentum SGD.
 */
CLOPT_RULE_FN void CLOPT_RULE(radam)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *v, CLOPT_T *c_,
                              clopt_scalars k)
{
    *m = k.beta_1 * *m + k.one_minus_beta_1 * g;
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    if (k.rectified != 0.0f)
        *p = *p - k.lr * *m / (sqrt(*v) + k.epsilon);
    else
        *p = *p - k.lr * *m;
}

/* sign(c) with sign(0) = 0, and NaN kept (so that a diverged gradient stays visible). */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(sign)(CLOPT_T c)
{
    const CLOPT_T one = (CLOPT_T)(1.0f);
    return select(select(c * 0.0f, -one, c < 0.0f), one, c > 0.0f);
}

/* Lion: the decoupled decay, a step of exactly lr_e along the sign, then the momentum. */
CLOPT_RULE_FN void CLOPT_RULE(lion)(CLOPT_T *p, CLOPT_T g, CLOPT_T *m, CLOPT_T *b_, CLOPT_T *c_,
                                    clopt_scalars k)
{
    *p = CLOPT_RULE(decoupled)(*p, k);
    *p = *p - k.lr * CLOPT_RULE(sign)(k.beta_1 * *m + k.one_minus_beta_1 * g);
    *m = k.beta_2 * *m + k.one_minus_beta_2 * g;
}

/*
 * Schedule-free SGD and AdamW (Defazio et al. 2024; docs/semantics.md): the parameters are y,
 * state a is z (the base sequence) and b is x (its average, where a model is evaluated).
 * On the first step z and x start at y (k.start). k.lr is this step's lr_k, k.weight_decay
 * lr_k * weight_decay (applied at y), k.m_scale c and k.g_scale 1 - c.
 */
CLOPT_RULE_FN void CLOPT_RULE(schedulefree_start)(CLOPT_T *p, CLOPT_T *z, CLOPT_T *x,
                                                  clopt_scalars k)
{
    if (k.start != 0.0f) {
        *z = *p;
        *x = *p;
    }
    if (k.weight_decay > 0.0f)
        *z = *z - k.weight_decay * *p;
}

/* x = (1 - c) x + c z, then y = beta_1 x + (1 - beta_1) z. */
CLOPT_RULE_FN void CLOPT_RULE(schedulefree_average)(CLOPT_T *p, CLOPT_T *z, CLOPT_T *x,
                                                    clopt_scalars k)
{
    *x = k.g_scale * *x + k.m_scale * *z;
    *p = k.beta_1 * *x + k.one_minus_beta_1 * *z;
}

CLOPT_RULE_FN void CLOPT_RULE(sgd_schedulefree)(CLOPT_T *p, CLOPT_T g, CLOPT_T *z, CLOPT_T *x,
                                                CLOPT_T *c_, clopt_scalars k)
{
    CLOPT_RULE(schedulefree_start)(p, z, x, k);
    *z = *z - k.lr * g;
    CLOPT_RULE(schedulefree_average)(p, z, x, k);
}

CLOPT_RULE_FN void CLOPT_RULE(adamw_schedulefree)(CLOPT_T *p, CLOPT_T g, CLOPT_T *z, CLOPT_T *x,
                                                  CLOPT_T *v, clopt_scalars k)
{
    CLOPT_RULE(schedulefree_start)(p, z, x, k);
    *v = k.beta_2 * *v + k.one_minus_beta_2 * (g * g);
    *z = *z - k.lr * g / (sqrt(*v) + k.epsilon);
    CLOPT_RULE(schedulefree_average)(p, z, x, k);
}

/*
 * Muon's element-wise halves (docs/semantics.md, "Muon"); the Newton-Schulz iterations between
 * them are matrix products (tensors: src/muon.c; the 2-D world's 1 x 2 matrix:
 * clopt_tpoint_muon in trajectory.cl). muon_momentum updates buf and returns u (nesterov or
 * not); muon_apply takes the step along the orthogonalised O with the shape's scale s.
 */
CLOPT_RULE_FN CLOPT_T CLOPT_RULE(muon_momentum)(CLOPT_T g, CLOPT_T *buf, clopt_scalars k)
{
    *buf = k.beta_1 * *buf + k.one_minus_beta_1 * g;
    return k.nesterov != 0.0f ? k.one_minus_beta_1 * g + k.beta_1 * *buf : *buf;
}

CLOPT_RULE_FN void CLOPT_RULE(muon_apply)(CLOPT_T *p, CLOPT_T o, clopt_scalar s,
                                                clopt_scalars k)
{
    *p = CLOPT_RULE(decoupled)(*p, k);
    *p = *p - (k.lr * s) * o;
}
