/*
 * The C baselines of `clopt bench trajectories`: Adam on Rosenbrock over host memory, as a
 * C programmer would write it. Compiled with -O3 -march=native -fno-math-errno -fopenmp
 * (CMakeLists.txt), so they reflect what this machine's cores can do.
 */
#ifndef CLOPT_CLI_BENCH_LOOPS_H
#define CLOPT_CLI_BENCH_LOOPS_H

#include <stddef.h>

/* Per-step Adam scalars, precomputed once for every loop (as the engine's table). */
typedef struct {
    float lr_t, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, epsilon;
} bench_adam_step;

/* One trajectory after another (OpenMP over trajectories); x, y updated in place. */
void bench_naive(float *x, float *y, size_t n, const bench_adam_step *k, size_t steps);

/* Blocks of 256 trajectories, steps outside, `omp simd` over the block inside. */
void bench_blocked(float *x, float *y, size_t n, const bench_adam_step *k, size_t steps);

#endif
