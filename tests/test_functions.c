/*
 * The test functions: analytic gradients against central differences (in double, on the
 * host, from the same cl/functions.cl the kernels use), the catalogue's minima, the values
 * at non-finite points, the landscape computed on the device against the host, its bad
 * input, and the noise generator against the published Philox4x32-10 vectors, its log and
 * normal quantile against libm.
 */
#include "harness.h"

#include "host_functions.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A point inside f's default view. */
static void random_point(const clopt_function_info *f, uint64_t *rng, double *x, double *y)
{
    *x = f->view[0] + (f->view[1] - f->view[0]) * (0.5 + 0.5 * test_uniform(rng));
    *y = f->view[2] + (f->view[3] - f->view[2]) * (0.5 + 0.5 * test_uniform(rng));
}

static void test_gradients_match_central_differences(void)
{
    uint64_t rng = 42;
    double worst = 0;
    for (unsigned id = 0; id < clopt_function_count(); id++) {
        const clopt_function_info *f = clopt_function_get(id);
        for (int i = 0; i < 500; i++) {
            double x, y, gx, gy, unused;
            random_point(f, &rng, &x, &y);
            const double fv = host_function(id, x, y, &gx, &gy);
            const double hx = 1e-5 * (1 + fabs(x)), hy = 1e-5 * (1 + fabs(y));
            const double dx = (host_function(id, x + hx, y, &unused, &unused) -
                               host_function(id, x - hx, y, &unused, &unused)) /
                              (2 * hx);
            const double dy = (host_function(id, x, y + hy, &unused, &unused) -
                               host_function(id, x, y - hy, &unused, &unused)) /
                              (2 * hy);
            /* truncation O(h^2 f''') plus cancellation eps |f| / h */
            const double tx = 1e-5 * (1 + fabs(gx)) + 8 * DBL_EPSILON * fabs(fv) / hx;
            const double ty = 1e-5 * (1 + fabs(gy)) + 8 * DBL_EPSILON * fabs(fv) / hy;
            if (fabs(dx - gx) / tx > worst) worst = fabs(dx - gx) / tx;
            if (fabs(dy - gy) / ty > worst) worst = fabs(dy - gy) / ty;
            if (!(fabs(dx - gx) <= tx && fabs(dy - gy) <= ty)) {
                CU_FAIL("analytic gradient differs from central differences");
                fprintf(stderr,
                        "\n  %s at (%g, %g): analytic (%.10g, %.10g), numeric (%.10g, %.10g)\n",
                        f->name, x, y, gx, gy, dx, dy);
                break;
            }
        }
    }
    fprintf(stderr, "\n  worst gradient error / tolerance: %.3g\n", worst);
}

static void test_catalogue_minima_are_minima(void)
{
    CU_ASSERT_EQUAL(clopt_function_count(), 15);
    for (unsigned id = 0; id < clopt_function_count(); id++) {
        const clopt_function_info *f = clopt_function_get(id);
        CU_ASSERT(f->view[0] < f->view[1] && f->view[2] < f->view[3]);
        CU_ASSERT(f->start[0] >= f->view[0] && f->start[0] <= f->view[1]);
        CU_ASSERT(f->start[1] >= f->view[2] && f->start[1] <= f->view[3]);
        for (size_t m = 0; m < f->nminima; m++) {
            double gx, gy;
            const clopt_point *p = &f->minima[m];
            const double v = host_function(id, p->x, p->y, &gx, &gy);
            const int ok = fabs(v - p->f) <= 2e-4 * (1 + fabs(p->f)) && hypot(gx, gy) < 1e-2;
            CU_ASSERT(ok);
            if (!ok)
                fprintf(stderr, "\n  %s minimum %zu (%g, %g): f = %.8g (catalogue %g), |g| = %g\n",
                        f->name, m, p->x, p->y, v, p->f, hypot(gx, gy));
            /* a minimum: every nearby point is higher */
            for (int k = 0; k < 8; k++) {
                double unused;
                const double a = k * 0.785398, r = 1e-2;
                CU_ASSERT(
                    host_function(id, p->x + r * cos(a), p->y + r * sin(a), &unused, &unused) > v);
            }
        }
    }
    CU_ASSERT_EQUAL(clopt_function_get(14)->nminima, 0); /* saddle */
    CU_ASSERT_PTR_NULL(clopt_function_get(15));
}

/*
 * Minima to double precision (docs/semantics.md), for convergence and "above the minimum": each
 * is a stationary point of the kernels' own f (in double) with that value. Their digits are
 * exact to about 1e-16 relative, where the gradient is the Hessian (at most ~100 here) times
 * that: |g| <= 1e-12 and |f - f*| <= 1e-12 max(1, |f*|). McCormick -1.9133 and six-hump camel
 * -1.0316 were rounded, the first below the true minimum.
 */
static void test_catalogue_minima_are_stationary_to_double_precision(void)
{
    for (unsigned id = 0; id < clopt_function_count(); id++) {
        const clopt_function_info *f = clopt_function_get(id);
        for (size_t m = 0; m < f->nminima; m++) {
            double gx, gy;
            const clopt_point *p = &f->minima[m];
            const double v = host_function(id, p->x, p->y, &gx, &gy);
            const int ok = fabs(v - p->f) <= 1e-12 * fmax(1, fabs(p->f)) && hypot(gx, gy) <= 1e-12;
            CU_ASSERT(ok);
            if (!ok)
                fprintf(stderr,
                        "\n  %s minimum %zu (%.17g, %.17g): f = %.17g (catalogue %.17g), "
                        "|g| = %g\n",
                        f->name, m, p->x, p->y, v, p->f, hypot(gx, gy));
        }
    }
}

/*
 * The trajectory kernel decides divergence from f alone (|f| > 1e30 or NaN), which counts
 * a non-finite x or y only because every function is then non-finite too.
 */
static void test_non_finite_points_give_non_finite_values(void)
{
    const double bad[] = {INFINITY, -INFINITY, NAN};
    const double any[] = {0, 1.5, -2, 1e3, INFINITY, -INFINITY, NAN};
    for (unsigned id = 0; id < clopt_function_count(); id++)
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            for (size_t j = 0; j < sizeof any / sizeof any[0]; j++)
                for (int swap = 0; swap < 2; swap++) {
                    const double x = swap ? any[j] : bad[i], y = swap ? bad[i] : any[j];
                    double gx, gy;
                    const double f = host_function(id, x, y, &gx, &gy);
                    const int diverged = !(fabs(f) <= 1e30);
                    CU_ASSERT(diverged);
                    if (!diverged)
                        fprintf(stderr, "\n  %s(%g, %g) = %g, finite\n",
                                clopt_function_get(id)->name, x, y, f);
                }
}

static void test_find_suggests(void)
{
    clopt_error err;
    CU_ASSERT_PTR_EQUAL(clopt_function_find("Rosenbrock", &err), clopt_function_get(0));
    CU_ASSERT_PTR_NULL(clopt_function_find("rosenbrok", &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "did you mean 'rosenbrock'");
    CU_ASSERT_PTR_NULL(clopt_function_find("zzz", &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "expected one of rosenbrock, beale");
    CU_ASSERT_PTR_NULL(clopt_function_find(NULL, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "NULL");
}

/*
 * The device's float landscape against the host's double f at the same float points.
 * A wrong formula or a function id out of step with the catalogue is off by O(|f|).
 */
static void test_landscape_matches_host(void)
{
    clopt_context *ctx = test_context();
    /* odd sizes: the vector lanes run past the end */
    const size_t nx = test_quick() ? 7 : 37, ny = test_quick() ? 5 : 23;
    float *values = malloc(nx * ny * sizeof *values);
    for (unsigned id = 0; id < clopt_function_count(); id++) {
        const clopt_function_info *f = clopt_function_get(id);
        float lo, hi;
        clopt_error err;
        CU_ASSERT_EQUAL_FATAL(clopt_landscape(ctx, f->name, nx, ny, NULL, values, &lo, &hi, &err),
                              CLOPT_OK);
        const float x0 = (float)f->view[0], dx = (float)((f->view[1] - f->view[0]) / (nx - 1));
        const float y0 = (float)f->view[2], dy = (float)((f->view[3] - f->view[2]) / (ny - 1));
        float hlo = INFINITY, hhi = -INFINITY;
        int bad = 0;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                const float x = x0 + dx * (float)i, y = y0 + dy * (float)j;
                double gx, gy;
                const double want = host_function(id, x, y, &gx, &gy);
                const float got = values[j * nx + i];
                hlo = fminf(hlo, got);
                hhi = fmaxf(hhi, got);
                /* float evaluation cancels: Goldstein-Price loses ~1e-5 relative */
                if (!(fabs(got - want) <= 1e-4 * (1 + fabs(want))) && !bad++)
                    fprintf(stderr, "\n  %s(%g, %g): device %.9g, host %.9g\n", f->name, x, y, got,
                            want);
            }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL(lo, hlo);
        CU_ASSERT_EQUAL(hi, hhi);
    }
    free(values);
}

static void test_landscape_bad_input(void)
{
    clopt_context *ctx = test_context();
    float v[16], lo = 7, hi = 7;
    clopt_error err;
    const double flat[4] = {1, 1, 0, 1}, nan_view[4] = {0, NAN, 0, 1};
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "rosenbrok", 4, 4, NULL, v, &lo, &hi, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "did you mean 'rosenbrock'");
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "sphere", 1, 4, NULL, v, &lo, &hi, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "nx = 1; expected 2 .. 4096");
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "sphere", 4, 4097, NULL, v, &lo, &hi, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "ny = 4097; expected 2 .. 4096");
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "sphere", 4, 4, flat, v, &lo, &hi, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "expected x0 < x1 and y0 < y1");
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "sphere", 4, 4, nan_view, v, &lo, &hi, &err),
                    CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "x1 = nan is not a finite number");
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "sphere", 4, 4, NULL, NULL, &lo, &hi, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "values is NULL");
    CU_ASSERT_EQUAL(clopt_landscape(NULL, "sphere", 4, 4, NULL, v, &lo, &hi, &err), CLOPT_EINVAL);
    CU_ASSERT(lo == 7 && hi == 7); /* outputs untouched on error */
}

/* Random123's known-answer vectors (Salmon et al., SC'11, tests/kat_vectors). */
static void test_philox_known_answers(void)
{
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1},
    };
    for (int i = 0; i < 3; i++) {
        uint32_t c[4] = {kat[i][0], kat[i][1], kat[i][2], kat[i][3]};
        host_philox(c, kat[i][4], kat[i][5]);
        for (int j = 0; j < 4; j++)
            CU_ASSERT_EQUAL(c[j], kat[i][6 + j]);
    }
}

/* The normal deviates: mean, variance and tails of many draws. */
static void test_noise_is_standard_normal(void)
{
    const int n = 200000;
    double sum = 0, sum2 = 0, sum4 = 0;
    int beyond = 0;
    for (int i = 0; i < n / 2; i++) {
        double a, b;
        host_normal2((uint32_t)(i % 1000), (uint32_t)(i / 1000), 7, &a, &b);
        const double v[2] = {a, b};
        for (int k = 0; k < 2; k++) {
            sum += v[k];
            sum2 += v[k] * v[k];
            sum4 += v[k] * v[k] * v[k] * v[k];
            beyond += fabs(v[k]) > 1.959964;
        }
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    fprintf(stderr, "\n  mean %.4f variance %.4f kurtosis %.3f P(|z|>1.96) %.4f\n", mean, var,
            sum4 / n / (var * var), (double)beyond / n);
    CU_ASSERT(fabs(mean) < 0.01);     /* sd of the mean: 0.0022 */
    CU_ASSERT(fabs(var - 1) < 0.015); /* sd: 0.0032 */
    CU_ASSERT(fabs(sum4 / n / (var * var) - 3) < 0.05);
    CU_ASSERT(fabs((double)beyond / n - 0.05) < 0.003);
}

/*
 * The deviate's parts against libm, not against themselves (cl/noise.cl is also what
 * host_normal2 runs, so the other noise tests cannot see a wrong coefficient there): for
 * uniforms over the whole range the generator makes (2^-24 to 1 - 2^-24, the ends included),
 *   clopt_log(u) vs log(u): the atanh series stops at s^9 with |s| <= (sqrt 2 - 1) /
 *     (sqrt 2 + 1) = 0.172, so it leaves out at most 2 |s|^11 / 11 / (1 - s^2) = 7.1e-10;
 *   the quantile vs the exact one, from one Newton step on 0.5 erfc(-q / sqrt 2) = p (the
 *     start is within 1e-9, so the step is exact in double): Acklam's relative error
 *     < 1.15e-9, and in the tails the log's 7.1e-10 moves t = sqrt(-2 ln p) >= 2.7 by 2.6e-10.
 */
static void test_noise_log_and_quantile_against_libm(void)
{
    double worst_log = 0, worst_q = 0;
    size_t checked = 0;
    const uint32_t top = 1u << 23; /* the generator's uniforms: (2k + 1) 2^-24, k < 2^23 */
    for (uint32_t j = 0; j <= top / 97 + 1; j++) {
        const uint32_t k = j * 97 < top ? j * 97 : top - 1; /* every 97th, and the last */
        const double u = host_uniform(k << 9);
        CU_ASSERT(u == (2.0 * k + 1) / 16777216.0);
        const double e_log = fabs(host_log(u) - log(u)) / 7.2e-10;
        const double q = host_normal_quantile(u);
        const double exact = q - (0.5 * erfc(-q / sqrt(2.0)) - u) /
                                     (exp(-0.5 * q * q) / sqrt(2.0 * 3.14159265358979323846));
        const double e_q = fabs(q - exact) / (1.2e-9 * fabs(exact) + 3e-10 + 1e-15);
        worst_log = fmax(worst_log, e_log);
        worst_q = fmax(worst_q, e_q);
        if (!(e_log <= 1) || !(e_q <= 1)) {
            CU_FAIL("a deviate's log or quantile is off");
            fprintf(stderr, "\n  u %.17g: log %.17g (libm %.17g), quantile %.17g (exact %.17g)\n",
                    u, host_log(u), log(u), q, exact);
            break;
        }
        checked++;
    }
    fprintf(stderr, "\n  %zu uniforms: worst error / tolerance: log %.3g, quantile %.3g\n", checked,
            worst_log, worst_q);
    CU_ASSERT(checked > 80000);
}

CU_TestInfo functions_tests[] = {
    {"gradients match central differences", test_gradients_match_central_differences},
    {"catalogue minima are minima", test_catalogue_minima_are_minima},
    {"catalogue minima are stationary to double precision",
     test_catalogue_minima_are_stationary_to_double_precision},
    {"non-finite points give non-finite values", test_non_finite_points_give_non_finite_values},
    {"find suggests a name", test_find_suggests},
    {"landscape matches the host", test_landscape_matches_host},
    {"landscape rejects bad input", test_landscape_bad_input},
    {"philox known answers", test_philox_known_answers},
    {"noise is standard normal", test_noise_is_standard_normal},
    {"noise log and quantile against libm", test_noise_log_and_quantile_against_libm},
    CU_TEST_INFO_NULL,
};
