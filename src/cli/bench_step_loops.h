/*
 * The C baseline of `clopt bench step`: one optimizer step over host memory as a C
 * programmer would write it (OpenMP over the cores, compiled -O3 -march=native
 * -fno-math-errno like bench_loops.c). The scalars are those of the step (lr_t, ...).
 */
#ifndef CLOPT_CLI_BENCH_STEP_LOOPS_H
#define CLOPT_CLI_BENCH_STEP_LOOPS_H

#include <stddef.h>

typedef struct {
    int kind;        /* clopt_kind */
    int momentum_on; /* SGD: momentum > 0 (a state buffer) */
    int nesterov;
    float lr, momentum, rho, beta_1, beta_2, epsilon;
    float lr_t;           /* Adam/Adamax/Nadam's per-step rate */
    float mu_t, mu_t1;    /* Nadam */
    float g_scale, m_scale, v_scale; /* Nadam's 1/(1-ms_new), 1/(1-ms_next), 1/(1-b2^t) */
} bench_step_scalars;

/* p, g, s0, s1 of n floats (s0, s1 may be unused by the kind). */
void bench_step_loop(const bench_step_scalars *k, float *p, const float *g, float *s0,
                     float *s1, size_t n);

#endif
