/* The C loops of `clopt bench step` (see bench_step_loops.h). */
#include "bench_step_loops.h"

#include <tgmath.h> /* sqrt, fabs, fmax of float stay float, as in OpenCL C */

/* rules.cl as C: OpenCL's select() and inline functions. */
#define select(a, b, c) ((c) ? (b) : (a))
#define CLOPT_T float
#define CLOPT_RULE(name) host_rule_##name
#define CLOPT_RULE_FN static inline
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas" /* OPENCL FP_CONTRACT */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../../cl/rules.cl"
#pragma GCC diagnostic pop

/*
 * An element-wise rule keeping NSTATE state buffers (the tensor kernels' lean or full).
 * gcc 12 does not vectorise it for Adam, AdamW (with or without amsgrad) and Adamax
 * (-fopt-info-vec-missed: "no vectype for stmt" where the rule calls fmax), so bench step
 * also times each rule written by hand (bench_step_hand.c).
 */
#define ELEMENT_LOOP(KEY, NSTATE)                                                                  \
    _Pragma("omp parallel for simd schedule(static)") for (size_t i = 0; i < n; i++)               \
    {                                                                                              \
        float pi = p[i];                                                                           \
        float a = (NSTATE) > 0 ? s[0][i] : 0.0f, b = (NSTATE) > 1 ? s[1][i] : 0.0f;                \
        float c = (NSTATE) > 2 ? s[2][i] : 0.0f;                                                   \
        host_rule_##KEY(&pi, g[i], &a, &b, &c, *k);                                                \
        p[i] = pi;                                                                                 \
        if ((NSTATE) > 0) s[0][i] = a;                                                             \
        if ((NSTATE) > 1) s[1][i] = b;                                                             \
        if ((NSTATE) > 2) s[2][i] = c;                                                             \
    }

/* A tensor-wise rule: the moments and both sums, the ratio, then the step. */
#define TENSOR_LOOP(KEY)                                                                           \
    {                                                                                              \
        double pp = 0.0, uu = 0.0;                                                                 \
        _Pragma("omp parallel for simd schedule(static) reduction(+ : pp, uu)") for (size_t i = 0; \
                                                                                     i < n; i++)   \
        {                                                                                          \
            float pi = p[i], m = s[0][i], v = s[1][i];                                             \
            const float u = host_rule_##KEY##_moments(&pi, g[i], &m, &v, *k);                      \
            p[i] = pi, s[0][i] = m, s[1][i] = v;                                                   \
            pp += pi * pi;                                                                         \
            uu += u * u;                                                                           \
        }                                                                                          \
        const float r = host_rule_##KEY##_ratio((float)sqrt(pp), (float)sqrt(uu));                 \
        _Pragma("omp parallel for simd schedule(static)") for (size_t i = 0; i < n; i++)           \
        {                                                                                          \
            float pi = p[i];                                                                       \
            host_rule_##KEY##_apply(&pi, host_rule_##KEY##_direction(s[0][i], s[1][i], *k), r,     \
                                    *k);                                                           \
            p[i] = pi;                                                                             \
        }                                                                                          \
    }

#define LOOPS_ELEMENT(KEY, LEAN, FULL)                                                             \
    if (live < (FULL)) {                                                                           \
        ELEMENT_LOOP(KEY, LEAN)                                                                    \
    } else {                                                                                       \
        ELEMENT_LOOP(KEY, FULL)                                                                    \
    }
#define LOOPS_TENSOR(KEY, LEAN, FULL) TENSOR_LOOP(KEY)
#define LOOPS_MATRIX(KEY, LEAN, FULL) /* matrix kinds take no flat tensor: bench step refuses */

void bench_step_loop(clopt_kind kind, size_t live, const clopt_scalars *k, float *p, const float *g,
                     float *const s[CLOPT_MAX_STATE], size_t n)
{
    switch (kind) {
#define LOOPS_KIND(K, KEY, LEAN, FULL, SHAPE)                                                      \
    case CLOPT_##K:                                                                                \
        LOOPS_##SHAPE(KEY, LEAN, FULL) break;
        CLOPT_OPTIMIZERS(LOOPS_KIND)
#undef LOOPS_KIND
    case CLOPT_KIND_COUNT:
        break;
    }
}

/* STREAM's copy (8 bytes an element) and triad (12 bytes), the machine's bandwidth. */
void bench_stream_copy(float *restrict c, const float *restrict a, size_t n)
{
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < n; i++)
        c[i] = a[i];
}

void bench_stream_triad(float *restrict a, const float *restrict b, const float *restrict c,
                        float s, size_t n)
{
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] + s * c[i];
}
