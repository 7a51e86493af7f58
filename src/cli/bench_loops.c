/* The C baselines of `clopt bench trajectories` and `clopt bench explore` (bench_loops.h). */
#include "bench_loops.h"

#include <math.h>

#define BLOCK 256

/* f at (x, y), and its gradient. */
static inline float rosenbrock(float x, float y, float *gx, float *gy)
{
    const float a = 1.0f - x, b = y - x * x;
    *gx = -2.0f * a - 400.0f * x * b;
    *gy = 200.0f * b;
    return a * a + 100.0f * b * b;
}

/* The earlier of `at` and step s, if f at step s is past 1e30 or not a number. */
static inline unsigned diverged(unsigned at, float f, unsigned s)
{
    const unsigned d = fabsf(f) <= 1e30f ? BENCH_NEVER : s;
    return d < at ? d : at;
}

/* The earlier of `at` and step s, if f at step s is within tol of fstar. */
static inline unsigned converged(unsigned at, float f, unsigned s, float fstar, float tol)
{
    const unsigned c = fabsf(f - fstar) <= tol ? s : BENCH_NEVER;
    return c < at ? c : at;
}

void bench_naive(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps)
{
    float *x = io->x, *y = io->y;
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < n; t++) {
        float px = x[t], py = y[t], mx = 0, my = 0, vx = 0, vy = 0;
        for (size_t s = 0; s < steps; s++) {
            float gx, gy;
            (void)rosenbrock(px, py, &gx, &gy);
            mx = k[s].beta_1 * mx + k[s].one_minus_beta_1 * gx;
            my = k[s].beta_1 * my + k[s].one_minus_beta_1 * gy;
            vx = k[s].beta_2 * vx + k[s].one_minus_beta_2 * gx * gx;
            vy = k[s].beta_2 * vy + k[s].one_minus_beta_2 * gy * gy;
            px -= k[s].lr_t * mx / (sqrtf(vx) + k[s].epsilon);
            py -= k[s].lr_t * my / (sqrtf(vy) + k[s].epsilon);
        }
        x[t] = px;
        y[t] = py;
    }
}

enum { UPDATE, RECORD, REDUCE };

/* Point i's x, y, f at step s into record row `row`, NaN once it diverged. */
static inline void record(const bench_io *io, size_t n, size_t t, int row, float x, float y,
                          float f, unsigned dv)
{
    const int alive = dv == BENCH_NEVER;
    float *r = io->rec + (size_t)row * 3 * n + t;
    r[0] = alive ? x : NAN;
    r[n] = alive ? y : NAN;
    r[2 * n] = alive ? f : NAN;
}

/*
 * The block of trajectories from b in each mode (a constant where it is called, inside each
 * loop's own parallel region, so that each call is its own straight loop: a region here would
 * be outlined with the mode as a variable, and gcc did not vectorise it): every step one
 * `omp simd` loop over the block's lanes, which evaluates f (RECORD, REDUCE: with the
 * divergence and convergence checks) and the gradient and updates; step 0's record and the
 * last step's evaluation are loops of their own before and after.
 */
static inline __attribute__((always_inline)) void
block(const bench_io *io, size_t n, size_t b, const bench_adam_step *k, size_t steps, int mode)
{
    float px[BLOCK], py[BLOCK], mx[BLOCK] = {0}, my[BLOCK] = {0}, vx[BLOCK] = {0}, vy[BLOCK] = {0};
    unsigned cv[BLOCK], dv[BLOCK];
    const float fstar = io->fstar, tol = io->tol;
    const size_t m = n - b < BLOCK ? n - b : BLOCK;
    for (size_t i = 0; i < BLOCK; i++) { /* lanes past the end compute and are dropped */
        px[i] = i < m ? io->x[b + i] : 1.0f;
        py[i] = i < m ? io->y[b + i] : 1.0f;
        cv[i] = dv[i] = BENCH_NEVER;
    }
    if (mode == RECORD)
        for (size_t i = 0; i < m; i++) {
            float gx, gy;
            const float f = rosenbrock(px[i], py[i], &gx, &gy);
            dv[i] = diverged(dv[i], f, 0);
            record(io, n, b + i, 0, px[i], py[i], f, dv[i]);
        }
    for (size_t s = 0; s < steps; s++) {
        const bench_adam_step ks = k[s];
#pragma omp simd
        for (size_t i = 0; i < BLOCK; i++) {
            float gx, gy;
            const float f = rosenbrock(px[i], py[i], &gx, &gy);
            if (mode != UPDATE) dv[i] = diverged(dv[i], f, (unsigned)s);
            if (mode == REDUCE) cv[i] = converged(cv[i], f, (unsigned)s, fstar, tol);
            mx[i] = ks.beta_1 * mx[i] + ks.one_minus_beta_1 * gx;
            my[i] = ks.beta_1 * my[i] + ks.one_minus_beta_1 * gy;
            vx[i] = ks.beta_2 * vx[i] + ks.one_minus_beta_2 * gx * gx;
            vy[i] = ks.beta_2 * vy[i] + ks.one_minus_beta_2 * gy * gy;
            px[i] -= ks.lr_t * mx[i] / (sqrtf(vx[i]) + ks.epsilon);
            py[i] -= ks.lr_t * my[i] / (sqrtf(vy[i]) + ks.epsilon);
        }
    }
    for (size_t i = 0; i < m; i++) {
        if (mode != UPDATE) { /* the last step: evaluated, not updated */
            float gx, gy;
            const float f = rosenbrock(px[i], py[i], &gx, &gy);
            dv[i] = diverged(dv[i], f, (unsigned)steps);
            if (mode == RECORD) record(io, n, b + i, 1, px[i], py[i], f, dv[i]);
            if (mode == REDUCE) {
                io->f[b + i] = f;
                io->converged[b + i] = converged(cv[i], f, (unsigned)steps, fstar, tol);
                io->diverged[b + i] = dv[i];
            }
        }
        io->x[b + i] = px[i];
        io->y[b + i] = py[i];
    }
}

void bench_blocked(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps)
{
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < n; b += BLOCK)
        block(io, n, b, k, steps, UPDATE);
}

void bench_blocked_record(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps)
{
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < n; b += BLOCK)
        block(io, n, b, k, steps, RECORD);
}

void bench_blocked_reduce(const bench_io *io, size_t n, const bench_adam_step *k, size_t steps)
{
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < n; b += BLOCK)
        block(io, n, b, k, steps, REDUCE);
}
