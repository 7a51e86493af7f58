/*
 * The hand-written C contenders of `clopt bench step` (see bench_step_loops.h): each
 * element-wise rule of cl/rules.cl, and Lamb, as a C programmer writes it for this machine, the
 * strongest C the bench races the step against.
 *
 * One form serves every kind: restrict arrays, the step's scalars copied into a local struct
 * that each thread keeps in registers (firstprivate), one pass with OpenMP over the cores and
 * SIMD within; each kind adds only its arithmetic, in the rule's order of operations (with
 * contraction off, as in ISO C, the same bits; the bench checks that before it times them).
 * Kinds that share arithmetic share it (Adam's moments in Adam, AdamW, Nadam and RAdam;
 * schedule-free's start and average in its SGD and AdamW).
 *
 * Vectorised: `gcc -O3 -march=native -fno-math-errno -fopenmp -fopt-info-vec-optimized`
 * (the flags CMake gives this file, CLOPT_BENCH_FLAGS) reports each of the 15 HAND_LOOP
 * lines, and Lamb's three loops, "loop vectorized" (64-byte vectors on AVX-512, 32-byte ones
 * on AVX2; gcc 12; -fopt-info-vec-missed
 * names only the check's loops below, which are not timed). The rule's fmax() is written as
 * a comparison: glibc has no vector fmaxf, and that call (in amsgrad's branch, there even
 * when amsgrad is off) keeps Adam, AdamW and Adamax scalar in the rule compiled as C. The
 * two differ only on NaN.
 */
#include "bench_step_loops.h"

#include "schedule.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * A step over n elements: x is the parameter, gi the gradient, a, b, c the kind's NSTATE
 * state values (catalogue order), q the step's scalars; the body updates x, a, b, c.
 */
#define HAND_LOOP(NAME, NSTATE, ...)                                                               \
    static void NAME(const clopt_scalars *k, float *restrict p, const float *restrict g,           \
                     float *restrict s0, float *restrict s1, float *restrict s2, size_t n)         \
    {                                                                                              \
        const clopt_scalars q = *k;                                                                \
        _Pragma("omp parallel for simd schedule(static) firstprivate(q)") for (size_t i = 0;       \
                                                                               i < n; i++)         \
        {                                                                                          \
            const float gi = g[i];                                                                 \
            float x = p[i];                                                                        \
            float a = (NSTATE) > 0 ? s0[i] : 0.0f, b = (NSTATE) > 1 ? s1[i] : 0.0f;                \
            float c = (NSTATE) > 2 ? s2[i] : 0.0f;                                                 \
            __VA_ARGS__                                                                            \
            p[i] = x;                                                                              \
            if ((NSTATE) > 0) s0[i] = a;                                                           \
            if ((NSTATE) > 1) s1[i] = b;                                                           \
            if ((NSTATE) > 2) s2[i] = c;                                                           \
        }                                                                                          \
    }

/* Pieces several kinds share. */
#define DECOUPLED x = q.weight_decay > 0.0f ? x - x * q.weight_decay : x;
#define MOMENTS                                                                                    \
    a = q.beta_1 * a + q.one_minus_beta_1 * gi;                                                    \
    b = q.beta_2 * b + q.one_minus_beta_2 * (gi * gi);
#define AMSGRAD c = c > b ? c : b; /* fmax(vhat, v) */
#define SF_START                                                                                   \
    if (q.start != 0.0f) a = b = x;                                                                \
    if (q.weight_decay > 0.0f) a = a - q.weight_decay * x;
#define SF_AVERAGE                                                                                 \
    b = q.g_scale * b + q.m_scale * a;                                                             \
    x = q.beta_1 * b + q.one_minus_beta_1 * a;

/* Plain SGD (the momentum state off): the rule's -lr g added to x. */
HAND_LOOP(hand_sgd_0, 0, x = x - q.lr * gi;)
HAND_LOOP(hand_sgd_1, 1, a = q.beta_1 * a - q.lr * gi;
          x = q.nesterov != 0.0f ? x + q.beta_1 * a - q.lr * gi : x + a;)
HAND_LOOP(hand_rmsprop_1, 1, a = q.beta_1 * a + q.one_minus_beta_1 * (gi * gi);
          x = x - q.lr * gi / (sqrtf(a) + q.epsilon);)
HAND_LOOP(hand_adagrad_1, 1, a = a + gi * gi; x = x - q.lr * gi / (sqrtf(a) + q.epsilon);)
HAND_LOOP(hand_adadelta_2, 2, a = q.beta_1 * a + q.one_minus_beta_1 * (gi * gi);
          const float u = gi * sqrtf(b + q.epsilon) / sqrtf(a + q.epsilon); x = x - q.lr * u;
          b = q.beta_1 * b + q.one_minus_beta_1 * (u * u);)
HAND_LOOP(hand_adam_2, 2, MOMENTS x = x - q.lr * a / (sqrtf(b) + q.epsilon);)
HAND_LOOP(hand_adam_3, 3, MOMENTS AMSGRAD x = x - q.lr * a / (sqrtf(c) + q.epsilon);)
HAND_LOOP(hand_adamw_2, 2, DECOUPLED MOMENTS x = x - q.lr * a / (sqrtf(b) + q.epsilon);)
HAND_LOOP(hand_adamw_3, 3, DECOUPLED MOMENTS AMSGRAD x = x - q.lr * a / (sqrtf(c) + q.epsilon);)
HAND_LOOP(hand_nadam_2, 2, MOMENTS const float m_bar = q.g_scale * gi + q.m_scale * a;
          x = x - q.lr * m_bar / (sqrtf(b * q.v_scale) + q.epsilon);)
HAND_LOOP(hand_radam_2, 2,
          MOMENTS x = q.rectified != 0.0f ? x - q.lr * a / (sqrtf(b) + q.epsilon) : x - q.lr * a;)
HAND_LOOP(hand_adamax_2, 2, a = q.beta_1 * a + q.one_minus_beta_1 * gi;
          const float bu = q.beta_2 * b, ag = fabsf(gi); b = bu > ag ? bu : ag; /* fmax */
          x = x - q.lr * a / (b + q.epsilon);)
/* Lion: sign(u) with sign(0) = 0 and NaN kept (u * 0). */
HAND_LOOP(hand_lion_1, 1, DECOUPLED const float u = q.beta_1 * a + q.one_minus_beta_1 * gi;
          x = x - q.lr * (u > 0.0f   ? 1.0f
                          : u < 0.0f ? -1.0f
                                     : u * 0.0f);
          a = q.beta_2 * a + q.one_minus_beta_2 * gi;)
/* Schedule-free: a is z, b is x's average; AdamW's c is v. */
HAND_LOOP(hand_sgd_schedulefree_2, 2, SF_START a = a - q.lr * gi; SF_AVERAGE)
HAND_LOOP(hand_adamw_schedulefree_3, 3, SF_START c = q.beta_2 * c + q.one_minus_beta_2 * (gi * gi);
          a = a - q.lr * gi / (sqrtf(c) + q.epsilon); SF_AVERAGE)

/*
 * Lamb, the one tensor-wise kind: the whole array is one tensor. Two passes over memory, as
 * the kernels make them: per block of 2,048 elements the decay and the moments, u kept in a
 * buffer in L1, then the block's sums of p^2 and u^2 from cache (double accumulators, as the
 * rule's loop; a running sum in the update loop kept that loop from vectorising well: 15 GB/s
 * against 25 on a Zen 1 EPYC); then the step with the trust ratio r, u taken again from the
 * moments.
 */
enum { LAMB_BLOCK = 2048 };
#define LAMB_DIRECTION(M, V) ((M)*q.m_scale / (sqrtf((V)*q.v_scale) + q.epsilon))
static void hand_lamb_2(const clopt_scalars *k, float *restrict p, const float *restrict g,
                        float *restrict s0, float *restrict s1, float *restrict s2, size_t n)
{
    (void)s2;
    const clopt_scalars q = *k;
    double pp = 0.0, uu = 0.0;
#pragma omp parallel for schedule(static) firstprivate(q) reduction(+ : pp, uu)
    for (size_t lo = 0; lo < n; lo += LAMB_BLOCK) {
        const size_t hi = n - lo < LAMB_BLOCK ? n : lo + LAMB_BLOCK;
        float ub[LAMB_BLOCK];
#pragma omp simd
        for (size_t i = lo; i < hi; i++) {
            const float gi = g[i];
            float x = p[i], a = s0[i], b = s1[i];
            DECOUPLED MOMENTS ub[i - lo] = LAMB_DIRECTION(a, b);
            p[i] = x, s0[i] = a, s1[i] = b;
        }
#pragma omp simd reduction(+ : pp, uu)
        for (size_t i = lo; i < hi; i++) {
            pp += p[i] * p[i];
            /* the loop above wrote ub[0 .. hi - lo) */
            /* cppcheck-suppress uninitvar */
            uu += ub[i - lo] * ub[i - lo];
        }
    }
    const float pn = (float)sqrt(pp), un = (float)sqrt(uu);
    const float r = pn > 0.0f && un > 0.0f ? pn / un : 1.0f;
#pragma omp parallel for simd schedule(static) firstprivate(q)
    for (size_t i = 0; i < n; i++) {
        p[i] = p[i] - r * q.lr * LAMB_DIRECTION(s0[i], s1[i]);
    }
}

typedef void hand_fn(const clopt_scalars *k, float *restrict p, const float *restrict g,
                     float *restrict s0, float *restrict s1, float *restrict s2, size_t n);

/*
 * Per kind its loops by state count (lean, and full where the optional state is on);
 * expanded from cl/optimizers.h, so an element-wise kind without a hand-written loop does
 * not compile; so does a tensor-wise one. Muon (a matrix rule) has none.
 */
#define HAND_NONE NULL, NULL, NULL, NULL
#define HAND_ROW_ELEMENT(KEY, LEAN, FULL) HAND_ROW_##LEAN##_##FULL(KEY)
#define HAND_ROW_TENSOR(KEY, LEAN, FULL) HAND_ROW_##LEAN##_##FULL(KEY)
#define HAND_ROW_MATRIX(KEY, LEAN, FULL) {HAND_NONE},
#define HAND_ROW_0_1(KEY) {hand_##KEY##_0, hand_##KEY##_1, NULL, NULL},
#define HAND_ROW_1_1(KEY) {NULL, hand_##KEY##_1, NULL, NULL},
#define HAND_ROW_2_2(KEY) {NULL, NULL, hand_##KEY##_2, NULL},
#define HAND_ROW_2_3(KEY) {NULL, NULL, hand_##KEY##_2, hand_##KEY##_3},
#define HAND_ROW_3_3(KEY) {NULL, NULL, NULL, hand_##KEY##_3},
#define HAND_ROW(K, KEY, LEAN, FULL, SHAPE) HAND_ROW_##SHAPE(KEY, LEAN, FULL)
static hand_fn *const hand_loops[CLOPT_KIND_COUNT][CLOPT_MAX_STATE + 1] = {
    CLOPT_OPTIMIZERS(HAND_ROW)};

int bench_step_hand_has(clopt_kind kind, size_t live)
{
    return (size_t)kind < CLOPT_KIND_COUNT && live <= CLOPT_MAX_STATE && hand_loops[kind][live];
}

void bench_step_hand(clopt_kind kind, size_t live, const clopt_scalars *k, float *p, const float *g,
                     float *const s[CLOPT_MAX_STATE], size_t n)
{
    if (bench_step_hand_has(kind, live)) hand_loops[kind][live](k, p, g, s[0], s[1], s[2], n);
}

/*
 * The check: both loops on the same random data, compared element by element. With the
 * rule's operations in the rule's order and contraction off the two agree to the bit; the
 * tolerance, 1e-6 relative (8 ulps of float), only lets a compiler that contracts into FMAs
 * (one rounding less per product) pass. The data make every term count: magnitudes
 * log-uniform over 1e-12 .. 1 (a second moment of 1e-12 makes epsilon matter), signs random
 * for the parameter and the gradient (the state stays >= 0, as square roots need).
 */
#define CHECK_N 4099 /* a vector's tail too */

static float draw(uint64_t *x, int sign)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17; /* xorshift64 */
    const float m = powf(10.0f, -12.0f * (float)(*x >> 40) / 16777216.0f);
    return sign && (*x & 1) ? -m : m;
}

static int compare(const char *what, const float *hand, const float *rule, size_t n, uint64_t it,
                   char *text, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (hand[i] == rule[i] || fabsf(hand[i] - rule[i]) <= 1e-6f * fabsf(rule[i])) continue;
        snprintf(text, size,
                 "the hand-written C loop differs from the rule at step %llu, element %zu of the "
                 "%s: %.9g against the rule's %.9g",
                 (unsigned long long)it + 1, i, what, hand[i], rule[i]);
        return -1;
    }
    return 0;
}

int bench_step_hand_check(const clopt_config *c, char *text, size_t size)
{
    const clopt_kind kind = c->info->kind;
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    if (!bench_step_hand_has(kind, live)) return 0;
    float *mem = malloc(2 * (2 + CLOPT_MAX_STATE) * CHECK_N * sizeof *mem);
    if (!mem) return snprintf(text, size, "out of memory"), -1;
    static const char *const names[] = {"parameter", "gradient", "first state buffer",
                                        "second state buffer", "third state buffer"};
    _Static_assert(sizeof names / sizeof names[0] == 2 + CLOPT_MAX_STATE, "a name per array");
    float *h[2 + CLOPT_MAX_STATE], *r[2 + CLOPT_MAX_STATE];
    int rc = 0;
    for (uint64_t it = 0; it < 10 && rc == 0; it += 9) {
        uint64_t x = 0x9e3779b97f4a7c15ull ^ it;
        for (size_t b = 0; b < 2 + CLOPT_MAX_STATE; b++) {
            h[b] = mem + b * CHECK_N;
            r[b] = mem + (2 + CLOPT_MAX_STATE + b) * CHECK_N;
            for (size_t i = 0; i < CHECK_N; i++)
                h[b][i] = r[b][i] = draw(&x, b < 2);
        }
        clopt_scalars k;
        clopt_schedule_scalars(c, it, clopt_running_start(), &k);
        bench_step_hand(kind, live, &k, h[0], h[1], h + 2, CHECK_N);
        bench_step_loop(kind, live, &k, r[0], r[1], r + 2, CHECK_N);
        for (size_t b = 0; b < 2 + live && rc == 0; b += b ? 1 : 2) /* not the gradient */
            rc = compare(names[b], h[b], r[b], CHECK_N, it, text, size);
    }
    free(mem);
    return rc;
}
