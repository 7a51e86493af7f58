/*
 * Trainability windows (clopt_trainability) against a double-precision reference of the
 * paper's network written here from docs/trainability.md; the box-counting dimension on
 * boundaries whose dimension is known.
 *
 * Tolerances. The reference computes the same sums in double in another order, so each
 * loss differs from the device's double one by a few units of 2^-53 relative; gradient
 * descent carries that forward, at most doubling it per step on the cells compared (away
 * from the boundary, where training neither sits at the edge of stability nor blows up in
 * a way that 1e6 caps), so after 100 steps the losses, and the measure, a sum of 100 ratios
 * of them, agree to 1e-9 relative with room. Float rounds each operation to 6e-8: the
 * same growth leaves 1e-3 relative, and cells whose sign would flip on that are the
 * boundary's, which the comparison leaves out: a sampled cell counts as away from the
 * boundary when its four neighbours on a grid 1/16 of the window apart agree with it.
 * Some cells that train are chaotic (tanh at layer-1 rates above 30: moving the rate by
 * 1e-13 moves the reference's own measure by 1e-5); their sign is compared, their value
 * only where the reference's gain from such a nudge is at most 1e3, which bounds the
 * growth above: double then within 1e-9, float (1e3 x 100 steps x 6e-8) within 1e-2.
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The network of docs/trainability.md: one cell's measure and whether it converged. */
static double ref_measure(size_t w, int act, unsigned steps, const double *data, double lr1,
                          double lr2, int *converged)
{
    const size_t n = w * w + w;
    const double *X = data, *Y = X + n * w, *V1 = Y + n, *V2 = V1 + w * w;
    double W1[256], W2[16], G1[256], G2[16], z[16], h[16], d[16];
    memcpy(W1, V1, w * w * sizeof *W1);
    memcpy(W2, V2, w * sizeof *W2);
    const double s = sqrt((double)w);
    double l0 = 0, sum = 0, inv = 0, last = 0;
    for (unsigned t = 0; t < steps; t++) {
        memset(G1, 0, sizeof G1);
        memset(G2, 0, sizeof G2);
        double loss = 0;
        for (size_t p = 0; p < n; p++) {
            const double *x = X + p * w;
            double y = 0;
            for (size_t u = 0; u < w; u++) {
                z[u] = 0;
                for (size_t k = 0; k < w; k++)
                    z[u] += W1[u * w + k] * x[k];
                z[u] /= s;
                if (act == 0) {
                    h[u] = tanh(sqrt(2.0) * z[u]);
                    d[u] = sqrt(2.0) * (1 - h[u] * h[u]);
                } else if (act == 1) {
                    h[u] = z[u] > 0 ? sqrt(2.0) * z[u] : 0;
                    d[u] = z[u] > 0 ? sqrt(2.0) : 0;
                } else {
                    h[u] = z[u];
                    d[u] = 1;
                }
                y += W2[u] * h[u];
            }
            y /= w; /* sqrt(w) for the layer, once more for mean field */
            const double r = y - Y[p];
            loss += r * r / (double)n;
            const double dy = 2 * r / (double)n / (double)w;
            for (size_t u = 0; u < w; u++) {
                G2[u] += dy * h[u];
                for (size_t k = 0; k < w; k++)
                    G1[u * w + k] += dy * W2[u] * d[u] / s * x[k];
            }
        }
        if (!isfinite(loss)) loss = 1e6;
        if (t == 0) l0 = loss;
        const double v = fmin(loss / l0, 1e6);
        sum += v;
        inv += 1 / v;
        if (t + 20 >= steps) last += v;
        for (size_t k = 0; k < w * w; k++)
            W1[k] -= lr1 * G1[k];
        for (size_t u = 0; u < w; u++)
            W2[u] -= lr2 * G2[u];
    }
    *converged = last / (steps < 20 ? steps : 20) < 1;
    return *converged ? -sum : inv;
}

/* Standard normals from the test's own generator (an LCG and Box-Muller), not the library's. */
static void test_data(size_t size, double *out)
{
    uint64_t x = 12345;
    for (size_t i = 0; i < size; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const double u1 = ((double)(x >> 11) + 0.5) * 0x1p-53;
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const double u2 = ((double)(x >> 11) + 0.5) * 0x1p-53;
        out[i] = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    }
}

static void compare(clopt_precision precision, int act, double tol)
{
    enum { N = 17 };
    const size_t w = 4;
    const unsigned steps = 60;
    double data[4 * 20 + 20 + 16 + 4];
    CU_ASSERT_EQUAL_FATAL(clopt_trainability_data_size(w), sizeof data / sizeof data[0]);
    test_data(sizeof data / sizeof data[0], data);
    clopt_trainability_options o = {.width = w,
                                    .activation = (clopt_activation)act,
                                    .steps = steps,
                                    .nx = N,
                                    .ny = N,
                                    .window = {-1.5, 2.5, -1.5, 2.5},
                                    .data = data,
                                    .precision = precision};
    double m[N * N], ref[N * N], gain[N * N];
    unsigned char conv[N * N];
    int rconv[N * N], nudged;
    clopt_error err;
    CU_ASSERT_EQUAL_FATAL(clopt_trainability(test_context(), &o, m, conv, &err), CLOPT_OK);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++) {
            const double lr1 = pow(10, -1.5 + 4.0 * (double)i / (N - 1));
            const double lr2 = pow(10, -1.5 + 4.0 * (double)j / (N - 1));
            ref[j * N + i] = ref_measure(w, act, steps, data, lr1, lr2, &rconv[j * N + i]);
            /* how much the reference itself moves when its rate moves by 1e-13 */
            const double r2 = ref_measure(w, act, steps, data, lr1 * (1 + 1e-13), lr2, &nudged);
            gain[j * N + i] = fabs(r2 - ref[j * N + i]) / fabs(ref[j * N + i]) / 1e-13;
        }
    size_t away = 0, both = 0, wrong_sign = 0, unstable = 0;
    double worst = 0;
    for (size_t j = 1; j + 1 < N; j++)
        for (size_t i = 1; i + 1 < N; i++) {
            const size_t c = j * N + i;
            const int r = rconv[c];
            if (rconv[c - 1] != r || rconv[c + 1] != r || rconv[c - N] != r || rconv[c + N] != r)
                continue;
            away++;
            both += r == 1;
            wrong_sign += (conv[c] != r) || ((m[c] < 0) != (ref[c] < 0));
            if (gain[c] > 1e3) { /* chaotic: no two implementations agree on its value */
                unstable++;
                continue;
            }
            worst = fmax(worst, fabs(m[c] - ref[c]) / fabs(ref[c]));
        }
    CU_ASSERT(away >= 100);
    CU_ASSERT(both >= 20 && both + 20 <= away); /* both sides of the boundary are sampled */
    CU_ASSERT_EQUAL(wrong_sign, 0);
    CU_ASSERT(worst <= tol);
    CU_ASSERT(2 * unstable < away); /* most values are compared */
    if (wrong_sign || worst > tol || away < 100 || both < 20 || both + 20 > away ||
        2 * unstable >= away || getenv("CLOPT_TEST_VERBOSE"))
        fprintf(stderr,
                "\n  %s act %d: %zu cells away (%zu trained, %zu chaotic), %zu wrong, worst %.3g\n",
                precision ? "double" : "float", act, away, both, unstable, wrong_sign, worst);
}

static void test_double_cells_match_the_double_reference(void)
{
    for (int act = 0; act < 3; act++)
        compare(CLOPT_PRECISION_DOUBLE, act, 1e-9);
}

static void test_float_cells_match_the_double_reference(void)
{
    for (int act = 0; act < 3; act++)
        compare(CLOPT_PRECISION_FLOAT, act, 1e-2);
}

/* The seed's data: the same for the same seed, standard normal (mean 0, variance 1). */
static void test_seed_data_is_standard_normal_and_repeatable(void)
{
    const size_t size = clopt_trainability_data_size(16);
    double *a = malloc(size * sizeof *a), *b = malloc(size * sizeof *b);
    CU_ASSERT_EQUAL_FATAL(size, 272 * 16 + 272 + 256 + 16);
    CU_ASSERT_EQUAL(clopt_trainability_data(16, 7, a, NULL), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_trainability_data(16, 7, b, NULL), CLOPT_OK);
    CU_ASSERT_EQUAL(memcmp(a, b, size * sizeof *a), 0);
    CU_ASSERT_EQUAL(clopt_trainability_data(16, 8, b, NULL), CLOPT_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(a, b, size * sizeof *a), 0);
    double mean = 0, var = 0;
    for (size_t i = 0; i < size; i++)
        mean += a[i] / (double)size;
    for (size_t i = 0; i < size; i++)
        var += (a[i] - mean) * (a[i] - mean) / (double)size;
    /* 4,896 draws: the mean's standard error is 0.014, the variance's 0.02 */
    CU_ASSERT(fabs(mean) < 0.06);
    CU_ASSERT(fabs(var - 1) < 0.08);
    free(a);
    free(b);
}

static void test_trainability_rejects_bad_options(void)
{
    clopt_trainability_options o = {
        .width = 17, .steps = 10, .nx = 4, .ny = 4, .window = {-1, 1, -1, 1}};
    double m[16];
    unsigned char c[16];
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_trainability(test_context(), &o, m, c, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "width 17; expected 1 .. 16");
    o.width = 4, o.window[1] = -2;
    CU_ASSERT_EQUAL(clopt_trainability(test_context(), &o, m, c, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "expected x0 < x1 and y0 < y1");
    o.window[1] = 11;
    CU_ASSERT_EQUAL(clopt_trainability(test_context(), &o, m, c, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "window[1] = 11; expected log10 of a rate in [-10, 10]");
}

/*
 * A grid computed in parts (clopt_trainability_cells) equals the whole call bit for bit:
 * parts that start mid-row, hold one cell, or cross a launch's 8,192 cells, in float (lanes
 * per work-item) and double.
 */
static void test_cells_in_parts_equal_the_whole_grid(void)
{
    enum { N = 91 }; /* 8,281 cells: more than one launch */
    static const size_t cuts[] = {0, 5, 6, 91, 8190, 8200, N * N};
    static double whole[N * N], parts[N * N];
    static unsigned char cw[N * N], cp[N * N];
    clopt_error err;
    for (int dbl = 0; dbl < 2; dbl++) {
        clopt_trainability_options o = {.width = 3,
                                        .activation = CLOPT_ACTIVATION_TANH,
                                        .steps = 12,
                                        .nx = N,
                                        .ny = N,
                                        .window = {-1, 3, -1, 3},
                                        .seed = 3,
                                        .precision =
                                            dbl ? CLOPT_PRECISION_DOUBLE : CLOPT_PRECISION_FLOAT};
        CU_ASSERT_EQUAL_FATAL(clopt_trainability(test_context(), &o, whole, cw, &err), CLOPT_OK);
        memset(parts, 0, sizeof parts);
        memset(cp, 2, sizeof cp);
        for (size_t k = 0; k + 1 < sizeof cuts / sizeof cuts[0]; k++)
            CU_ASSERT_EQUAL_FATAL(clopt_trainability_cells(test_context(), &o, cuts[k],
                                                           cuts[k + 1] - cuts[k], parts + cuts[k],
                                                           cp + cuts[k], &err),
                                  CLOPT_OK);
        CU_ASSERT_EQUAL(memcmp(whole, parts, sizeof whole), 0);
        CU_ASSERT_EQUAL(memcmp(cw, cp, sizeof cw), 0);
        size_t trained = 0;
        for (size_t c = 0; c < N * N; c++)
            trained += cw[c];
        CU_ASSERT(trained > N * N / 10 && trained < N * N * 9 / 10); /* a boundary to get wrong */
        CU_ASSERT_EQUAL(clopt_trainability_cells(test_context(), &o, N * N - 1, 2, parts, cp, &err),
                        CLOPT_EINVAL);
        ASSERT_ERROR(err, CLOPT_EINVAL,
                     "2 cells from cell 8280; expected 1 or more within the "
                     "grid's 8281");
        CU_ASSERT_EQUAL(clopt_trainability_cells(test_context(), &o, 0, 0, parts, cp, &err),
                        CLOPT_EINVAL);
    }
}

/* A straight boundary (a line at an angle): 1 within 0.05; a checkerboard fills: 2. */
static void test_boundary_dimension_of_a_line_and_a_filled_region(void)
{
    enum { N = 256 };
    double *m = malloc(N * N * sizeof *m);
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++)
            m[j * N + i] = (double)j < 0.6 * (double)i + 40 ? -1.0 : 1.0;
    const double line = clopt_boundary_dimension(m, N, N);
    CU_ASSERT(fabs(line - 1.0) <= 0.05);
    for (size_t c = 0; c < N * N; c++)
        m[c] = ((c % N) + (c / N)) % 2 ? -1.0 : 1.0;
    const double filled = clopt_boundary_dimension(m, N, N);
    CU_ASSERT(fabs(filled - 2.0) <= 0.05);
    for (size_t c = 0; c < N * N; c++)
        m[c] = -1.0;
    CU_ASSERT(isnan(clopt_boundary_dimension(m, N, N))); /* no boundary */
    CU_ASSERT(isnan(clopt_boundary_dimension(m, 4, 4))); /* too small a grid */
    if (fabs(line - 1.0) > 0.05 || fabs(filled - 2.0) > 0.05)
        fprintf(stderr, "\n  line %.4f, filled %.4f\n", line, filled);
    free(m);
}

CU_TestInfo trainability_tests[] = {
    {"double cells match the double reference", test_double_cells_match_the_double_reference},
    {"float cells match the double reference", test_float_cells_match_the_double_reference},
    {"seed data is standard normal and repeatable",
     test_seed_data_is_standard_normal_and_repeatable},
    {"trainability rejects bad options", test_trainability_rejects_bad_options},
    {"cells in parts equal the whole grid", test_cells_in_parts_equal_the_whole_grid},
    {"boundary dimension of a line and a filled region",
     test_boundary_dimension_of_a_line_and_a_filled_region},
    CU_TEST_INFO_NULL,
};
