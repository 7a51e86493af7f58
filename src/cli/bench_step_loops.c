/* The C loop of `clopt bench step` (see bench_step_loops.h): SEMANTICS.md's rules. */
#include "bench_step_loops.h"

#include "catalogue.h"

#include <math.h>

void bench_step_loop(const bench_step_scalars *k, float *p, const float *g, float *s0,
                     float *s1, size_t n)
{
    const float lr = k->lr, eps = k->epsilon;
    switch (k->kind) {
    case CLOPT_SGD:
        if (!k->momentum_on) {
#pragma omp parallel for simd schedule(static)
            for (size_t i = 0; i < n; i++)
                p[i] -= lr * g[i];
        } else {
            const float mu = k->momentum;
#pragma omp parallel for simd schedule(static)
            for (size_t i = 0; i < n; i++) {
                const float v = mu * s0[i] - lr * g[i];
                s0[i] = v;
                p[i] += k->nesterov ? mu * v - lr * g[i] : v;
            }
        }
        break;
    case CLOPT_RMSPROP:
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float a = k->rho * s0[i] + (1.0f - k->rho) * g[i] * g[i];
            s0[i] = a;
            p[i] -= lr * g[i] / (sqrtf(a) + eps);
        }
        break;
    case CLOPT_ADAGRAD:
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float a = s0[i] + g[i] * g[i];
            s0[i] = a;
            p[i] -= lr * g[i] / (sqrtf(a) + eps);
        }
        break;
    case CLOPT_ADADELTA:
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float a = k->rho * s0[i] + (1.0f - k->rho) * g[i] * g[i];
            const float u = g[i] * sqrtf(s1[i] + eps) / sqrtf(a + eps);
            s0[i] = a;
            p[i] -= lr * u;
            s1[i] = k->rho * s1[i] + (1.0f - k->rho) * u * u;
        }
        break;
    case CLOPT_ADAM:
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float m = k->beta_1 * s0[i] + (1.0f - k->beta_1) * g[i];
            const float v = k->beta_2 * s1[i] + (1.0f - k->beta_2) * g[i] * g[i];
            s0[i] = m;
            s1[i] = v;
            p[i] -= k->lr_t * m / (sqrtf(v) + eps);
        }
        break;
    case CLOPT_ADAMAX:
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float m = k->beta_1 * s0[i] + (1.0f - k->beta_1) * g[i];
            const float b = k->beta_2 * s1[i], ag = fabsf(g[i]);
            const float u = b > ag ? b : ag; /* fmaxf does not vectorise without -ffast-math */
            s0[i] = m;
            s1[i] = u;
            p[i] -= k->lr_t * m / (u + eps);
        }
        break;
    default: /* Nadam */
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++) {
            const float m = k->beta_1 * s0[i] + (1.0f - k->beta_1) * g[i];
            const float v = k->beta_2 * s1[i] + (1.0f - k->beta_2) * g[i] * g[i];
            s0[i] = m;
            s1[i] = v;
            p[i] -= lr * ((1.0f - k->mu_t) * g[i] * k->g_scale + k->mu_t1 * m * k->m_scale) /
                    (sqrtf(v * k->v_scale) + eps);
        }
        break;
    }
}
