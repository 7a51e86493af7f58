/*
 * The per-step scalars of one optimizer step, computed on the host in double precision
 * (src/schedule.c) and passed by value to every kernel that applies an update rule.
 * This header is both C and OpenCL C: the host includes it, and it opens the embedded
 * kernel source, so the two sides cannot disagree on the layout (all float, no padding).
 */
#ifndef CLOPT_SCALARS_H
#define CLOPT_SCALARS_H

typedef struct clopt_scalars {
    float lr; /* this step's step size: lr_e, lr_t (Adam, Adamax, AdamW), lr (Nadam), RAdam's */
    float beta_1;           /* momentum (SGD), rho (RMSprop, Adadelta), beta_1 */
    float one_minus_beta_1; /* 1 - rho, 1 - beta_1 */
    float beta_2;           /* beta_2 */
    float one_minus_beta_2; /* 1 - beta_2 */
    float epsilon;
    float nesterov;  /* SGD: 1 for Nesterov momentum */
    float g_scale; /* Nadam: (1 - mu_t) / (1 - m_schedule_new); schedule-free: 1 - c */
    float m_scale; /* Nadam: mu_t1 / (1 - m_schedule_next); Lamb: 1 / (1 - beta_1^t);
                      schedule-free: c, the weight of z in the average x */
    float v_scale;   /* Nadam, Lamb: 1 / (1 - beta_2^t) */
    float clipvalue; /* > 0: clip each gradient element to [-clipvalue, clipvalue] */
    float clipnorm;  /* > 0: gradients were rescaled by the global-norm reduction */
    float weight_decay; /* decoupled decay (AdamW, Lion, Lamb): weight_decay * lr_e */
    float amsgrad;      /* Adam, AdamW: 1 to divide by the running maximum vhat */
    float rectified;    /* RAdam: 1 when this step's variance is tractable (rho_t > 5) */
    float start; /* schedule-free: 1 on the first step, where z and x start at y */
    /* Muon: the Newton-Schulz coefficients and iterations, and the 2-D world's scale s of
     * adjust_lr for its 1 x 2 matrix (a tensor's s is a kernel argument of its own) */
    float ns_a, ns_b, ns_c, ns_steps, muon_scale;
} clopt_scalars;

#endif
