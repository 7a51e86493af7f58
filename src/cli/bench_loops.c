/* The C baselines of `clopt bench trajectories` (see bench_loops.h). */
#include "bench_loops.h"

#include <math.h>

#define BLOCK 256

static inline void rosenbrock_grad(float x, float y, float *gx, float *gy)
{
    const float a = 1.0f - x, b = y - x * x;
    *gx = -2.0f * a - 400.0f * x * b;
    *gy = 200.0f * b;
}

void bench_naive(float *x, float *y, size_t n, const bench_adam_step *k, size_t steps)
{
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < n; t++) {
        float px = x[t], py = y[t], mx = 0, my = 0, vx = 0, vy = 0;
        for (size_t s = 0; s < steps; s++) {
            float gx, gy;
            rosenbrock_grad(px, py, &gx, &gy);
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

void bench_blocked(float *x, float *y, size_t n, const bench_adam_step *k, size_t steps)
{
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < n; b += BLOCK) {
        float px[BLOCK], py[BLOCK], mx[BLOCK] = {0}, my[BLOCK] = {0}, vx[BLOCK] = {0},
                                    vy[BLOCK] = {0};
        const size_t m = n - b < BLOCK ? n - b : BLOCK;
        for (size_t i = 0; i < BLOCK; i++) { /* lanes past the end compute and are dropped */
            px[i] = i < m ? x[b + i] : 1.0f;
            py[i] = i < m ? y[b + i] : 1.0f;
        }
        for (size_t s = 0; s < steps; s++) {
            const bench_adam_step ks = k[s];
#pragma omp simd
            for (size_t i = 0; i < BLOCK; i++) {
                float gx, gy;
                rosenbrock_grad(px[i], py[i], &gx, &gy);
                mx[i] = ks.beta_1 * mx[i] + ks.one_minus_beta_1 * gx;
                my[i] = ks.beta_1 * my[i] + ks.one_minus_beta_1 * gy;
                vx[i] = ks.beta_2 * vx[i] + ks.one_minus_beta_2 * gx * gx;
                vy[i] = ks.beta_2 * vy[i] + ks.one_minus_beta_2 * gy * gy;
                px[i] -= ks.lr_t * mx[i] / (sqrtf(vx[i]) + ks.epsilon);
                py[i] -= ks.lr_t * my[i] / (sqrtf(vy[i]) + ks.epsilon);
            }
        }
        for (size_t i = 0; i < m; i++) {
            x[b + i] = px[i];
            y[b + i] = py[i];
        }
    }
}
