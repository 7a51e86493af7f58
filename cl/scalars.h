/*
 * The per-step scalars of one optimizer step, computed on the host in double precision
 * (src/schedule.c) and passed by value to every kernel that applies an update rule.
 * This header is both C and OpenCL C: the host includes it, and it opens the embedded
 * kernel source, so the two sides cannot disagree on the layout (all float, or all double
 * in a program built with CLOPT_DOUBLE, no padding). The host keeps both: clopt_scalars
 * (float) and clopt_scalars64 (double), from the one list of fields below.
 *
 *   lr               this step's step size: lr_e, lr_t (Adam, Adamax, AdamW), lr (Nadam),
 *                    RAdam's
 *   beta_1           momentum (SGD), rho (RMSprop, Adadelta), beta_1
 *   one_minus_beta_1 1 - rho, 1 - beta_1
 *   beta_2, one_minus_beta_2
 *   epsilon
 *   nesterov         SGD: 1 for Nesterov momentum
 *   g_scale          Nadam: (1 - mu_t) / (1 - m_schedule_new); schedule-free: 1 - c
 *   m_scale          Nadam: mu_t1 / (1 - m_schedule_next); Lamb: 1 / (1 - beta_1^t);
 *                    schedule-free: c, the weight of z in the average x
 *   v_scale          Nadam, Lamb: 1 / (1 - beta_2^t)
 *   clipvalue        > 0: clip each gradient element to [-clipvalue, clipvalue]
 *   clipnorm         > 0: gradients were rescaled by the global-norm reduction
 *   weight_decay     decoupled decay (AdamW, Lion, Lamb): weight_decay * lr_e
 *   amsgrad          Adam, AdamW: 1 to divide by the running maximum vhat
 *   rectified        RAdam: 1 when this step's variance is tractable (rho_t > 5)
 *   start            schedule-free: 1 on the first step, where z and x start at y
 *   ns_a, ns_b, ns_c, ns_steps
 *                    Muon: the Newton-Schulz coefficients and iterations
 *   muon_scale       Muon: the 2-D world's scale s of adjust_lr for its 1 x 2 matrix (a
 *                    tensor's s is a kernel argument of its own)
 */
#ifndef CLOPT_SCALARS_H
#define CLOPT_SCALARS_H

#define CLOPT_SCALARS_FIELDS(X)                                                                \
    X(lr)                                                                                      \
    X(beta_1)                                                                                  \
    X(one_minus_beta_1)                                                                        \
    X(beta_2)                                                                                  \
    X(one_minus_beta_2)                                                                        \
    X(epsilon)                                                                                 \
    X(nesterov)                                                                                \
    X(g_scale)                                                                                 \
    X(m_scale)                                                                                 \
    X(v_scale)                                                                                 \
    X(clipvalue)                                                                               \
    X(clipnorm)                                                                                \
    X(weight_decay)                                                                            \
    X(amsgrad)                                                                                 \
    X(rectified)                                                                               \
    X(start)                                                                                   \
    X(ns_a)                                                                                    \
    X(ns_b)                                                                                    \
    X(ns_c)                                                                                    \
    X(ns_steps)                                                                                \
    X(muon_scale)

#if defined(__OPENCL_VERSION__) && defined(CLOPT_DOUBLE)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double clopt_scalar; /* a field's type: what a rule takes a scalar as */
#else
typedef float clopt_scalar;
#endif
#define CLOPT_SCALAR_FIELD(name) clopt_scalar name;
typedef struct clopt_scalars {
    CLOPT_SCALARS_FIELDS(CLOPT_SCALAR_FIELD)
} clopt_scalars;

#ifndef __OPENCL_VERSION__
#define CLOPT_SCALAR64_FIELD(name) double name;
typedef struct clopt_scalars64 {
    CLOPT_SCALARS_FIELDS(CLOPT_SCALAR64_FIELD)
} clopt_scalars64;
#endif

#endif
