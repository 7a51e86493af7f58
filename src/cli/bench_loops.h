/*
 * The C baselines of `clopt bench trajectories` and `clopt bench explore`: Adam on
 * Rosenbrock over host memory, as a C programmer would write it. Compiled with -O3
 * -march=native -mprefer-vector-width=512 -fno-math-errno -fno-trapping-math -fopenmp
 * (CMakeLists.txt: the widest vectors the machine has, conditionals as selects), so they
 * reflect what this machine's cores can do.
 */
#ifndef CLOPT_CLI_BENCH_LOOPS_H
#define CLOPT_CLI_BENCH_LOOPS_H

#include <stddef.h>

/* Per-step Adam scalars, precomputed once for every loop (as the engine's table). */
typedef struct {
    float lr_t, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, epsilon;
} bench_adam_step;

/* A step that has not happened (the engine's CLOPT_ALIVE: never converged, never diverged). */
#define BENCH_NEVER 0xFFFFFFFFu

/*
 * What a loop reads and writes, n entries per array: x, y the starts in and the final points
 * out, and, for the loops that give the engine's own outputs:
 *   rec   (bench_blocked_record) [2][3][n]: x, y and f at step 0 and at the last step, NaN
 *         once the trajectory diverged (|f| > 1e30 or not a number), as `clopt run` records
 *         them with --every steps;
 *   f, converged, diverged (bench_blocked_reduce): f at the last step and the first steps
 *         with |f - fstar| <= tol and with |f| > 1e30 (or BENCH_NEVER), as a basin map keeps.
 */
typedef struct {
    float *x, *y, *rec, *f;
    unsigned *converged, *diverged;
    float fstar, tol;
} bench_io;

typedef void (*bench_loop_fn)(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps);

/* One trajectory after another (OpenMP over trajectories); the update only. */
void bench_naive(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps);

/* Blocks of 256 trajectories, steps outside, `omp simd` over the block inside; the update
 * only: the gradient, not f, and no divergence. */
void bench_blocked(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps);

/* The blocked loop that also gives what `clopt run` records (io->rec): f and the divergence
 * step at every step, the first and the last points. */
void bench_blocked_record(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps);

/* The blocked loop that also gives what a basin map keeps (io->f, converged, diverged). */
void bench_blocked_reduce(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps);

#endif
