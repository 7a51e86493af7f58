/*
 * Tunings (src/tune.c and explore's tuning kind): every run is `clopt run`'s trajectory k
 * from the same starts with seed s, noise included, bit for bit; its auc is the mean of the
 * recorded per-step quantity; quantiles interpolate as numpy's default; the starts are
 * fixed, uniform in the view and exact floats; bad plans are named.
 *
 * auc tolerance: the device adds float32 terms q = log10(max(f - f*, 0) + 1e-12), |q| <= 12
 * here, each within a few ulps (OpenCL's log10 allows 3: 3 x 12 x 2^-23 = 4.3e-6), in a Kahan
 * sum whose own error is about 2 x 2^-24 of the sum; so the mean is within 1e-5 of the mean
 * computed in double from the recorded f.
 */
#include "harness.h"

#include "tune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define K 5 /* starts */
#define S 2 /* seeds */
#define STEPS 120

static void test_quantiles_interpolate_like_numpy(void)
{
    const double a[] = {1, 2, 3, 4};
    CU_ASSERT_EQUAL(clopt_tune_quantile(a, 4, 0.5), 2.5);
    CU_ASSERT_EQUAL(clopt_tune_quantile(a, 4, 0.25), 1.75);
    CU_ASSERT_EQUAL(clopt_tune_quantile(a, 4, 0.75), 3.25);
    const double b[] = {1, 2, INFINITY};
    CU_ASSERT_EQUAL(clopt_tune_quantile(b, 3, 0.5), 2.0);
    CU_ASSERT_EQUAL(clopt_tune_quantile(b, 3, 0.25), 1.5);
    CU_ASSERT(isinf(clopt_tune_quantile(b, 3, 0.75))); /* between 2 and a diverged run */
    const double c[] = {INFINITY, INFINITY};
    CU_ASSERT(isinf(clopt_tune_quantile(c, 2, 0.5)));
    const double d[] = {-3};
    CU_ASSERT_EQUAL(clopt_tune_quantile(d, 1, 0.25), -3.0);
}

static void test_starts_are_fixed_uniform_exact_floats(void)
{
    const clopt_function_info *f = clopt_function_find("rosenbrock", NULL);
    double a[2 * 64], b[2 * 64];
    clopt_tune_starts(f, 64, a);
    clopt_tune_starts(f, 64, b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    size_t quadrant[4] = {0};
    for (size_t k = 0; k < 64; k++) {
        const double x = a[2 * k], y = a[2 * k + 1];
        CU_ASSERT(x >= f->view[0] && x <= f->view[1] && y >= f->view[2] && y <= f->view[3]);
        CU_ASSERT_EQUAL(x, (double)(float)x);
        CU_ASSERT_EQUAL(y, (double)(float)y);
        quadrant[(x > 0) + 2 * (y > 1)]++; /* the view's centre is (0, 1) */
    }
    for (int q = 0; q < 4; q++) /* 16 expected; below 6 has probability < 1e-3 */
        CU_ASSERT(quadrant[q] >= 6);
}

/* Trajectory t's f at every step 0 .. STEPS of a run recorded at every step. */
static int run_all_f(const clopt_run_options *o, float f[][STEPS + 1], int64_t *diverged)
{
    clopt_error err;
    clopt_run *r = clopt_run_create(test_context(), o, &err);
    if (!r) {
        fprintf(stderr, "\n  clopt_run_create: %s\n", err.text);
        return -1;
    }
    while (!clopt_run_finished(r)) {
        clopt_slice s;
        if (clopt_run_advance(r, 0, &s, &err) != CLOPT_OK) {
            clopt_run_release(r);
            return -1;
        }
        for (size_t row = 0; row < s.rows; row++)
            for (size_t t = 0; t < s.trajectories; t++)
                f[t][s.first_step + row] = s.data[(row * s.trajectories + t) * s.components + 2];
    }
    for (size_t t = 0; t < clopt_run_trajectories(r); t++)
        diverged[t] = clopt_run_diverged_at(r, t);
    clopt_run_release(r);
    return 0;
}

static void test_tuning_runs_equal_runs_with_noise_per_seed(void)
{
    const clopt_function_info *fn = clopt_function_find("rosenbrock", NULL);
    double starts[2 * K];
    clopt_tune_starts(fn, K, starts);
    const char *spec[] = {"sgd(momentum=0.9)"};
    const clopt_explore_options o = {.kind = CLOPT_EXPLORE_TUNE,
                                     .function = "rosenbrock",
                                     .optimizers = spec,
                                     .noptimizers = 1,
                                     .axes = {{"lr", 0.0002, 0.002, 2, 1}},
                                     .naxes = 1,
                                     .steps = STEPS,
                                     .tol = 1e-4,
                                     .starts = starts,
                                     .nstarts = K,
                                     .nseeds = S,
                                     .noise = 0.5,
                                     .auc = 1};
    clopt_error err;
    clopt_exploration *e = clopt_explore_create(test_context(), &o, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    while (!clopt_explore_finished(e))
        CU_ASSERT_EQUAL_FATAL(clopt_explore_advance(e, 50, &err), CLOPT_OK); /* uneven slices */
    clopt_explore_map m;
    CU_ASSERT_EQUAL_FATAL(clopt_explore_map_get(e, 0, &m, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(m.runs, 2 * S * K);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.auc);
    size_t n, same = 0, diverged = 0;
    const double *values = clopt_explore_axis_values(e, 0, &n);
    for (size_t v = 0; v < 2; v++)
        for (size_t s = 0; s < S; s++) {
            char text[64];
            snprintf(text, sizeof text, "sgd(lr=%.17g, momentum=0.9)", values[v]);
            const char *one[] = {text};
            const clopt_run_options ro = {.function = "rosenbrock",
                                          .optimizers = one,
                                          .noptimizers = 1,
                                          .starts = starts,
                                          .nstarts = K,
                                          .steps = STEPS,
                                          .every = 1,
                                          .noise = 0.5,
                                          .seed = s};
            static float f[K][STEPS + 1];
            int64_t div[K];
            CU_ASSERT_EQUAL_FATAL(run_all_f(&ro, f, div), 0);
            for (size_t k = 0; k < K; k++) {
                const size_t r = (v * S + s) * K + k;
                CU_ASSERT_EQUAL(m.diverged_at[r], div[k]);
                if (div[k] >= 0) {
                    diverged++;
                    CU_ASSERT(isnan(m.f[r]) && isnan(m.auc[r]));
                    continue;
                }
                same += memcmp(&m.f[r], &f[k][STEPS], sizeof(float)) == 0;
                double sum = 0;
                for (size_t i = 0; i <= STEPS; i++)
                    sum += log10(fmax((double)f[k][i], 0.0) + 1e-12);
                CU_ASSERT_DOUBLE_EQUAL(m.auc[r], sum / (STEPS + 1), 1e-5);
            }
        }
    CU_ASSERT_EQUAL(same + diverged, 2 * S * K); /* every final f the run's, bit for bit */
    CU_ASSERT(diverged < 2 * S * K);
    /* The seeds differ: the same start and value end elsewhere with seed 1. */
    CU_ASSERT(m.f[0] != m.f[K] || m.x[0] != m.x[K]);
    clopt_explore_release(e);
}

/* A plan whose clopt_tune_create fails with `needle`. */
static void expect_refused(const clopt_tune_plan *p, const char *needle)
{
    clopt_error err;
    clopt_tune *t = clopt_tune_create(p, &err);
    CU_ASSERT_PTR_NULL(t);
    clopt_tune_release(t);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
}

static void test_bad_plans_are_named(void)
{
    const char *specs[17] = {"adam", "sgd(lr=0)"};
    for (int i = 2; i < 17; i++)
        specs[i] = "adam";
    const clopt_tune_plan good = {.function = "sphere",
                                  .optimizers = specs,
                                  .noptimizers = 1,
                                  .nstarts = 4,
                                  .nseeds = 1,
                                  .steps = 10,
                                  .tol = 1e-4};
    clopt_error err;
    clopt_tune *t = clopt_tune_create(&good, &err);
    CU_ASSERT_PTR_NOT_NULL(t);
    CU_ASSERT_EQUAL(clopt_tune_explore_options(t, 0)->axes[0].lo, 1e-7); /* 1e-4 x 0.001 */
    CU_ASSERT_EQUAL(clopt_tune_explore_options(t, 0)->axes[0].hi, 0.01);
    CU_ASSERT_EQUAL(clopt_tune_explore_options(t, 0)->axes[0].n, 25);
    CU_ASSERT_PTR_NULL(clopt_tune_json(t)); /* nothing collected yet */
    clopt_exploration *e =
        clopt_explore_create(test_context(), clopt_tune_explore_options(t, 0), &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(clopt_tune_collect(t, 0, e, &err), CLOPT_ESTATE); /* not finished */
    while (!clopt_explore_finished(e))
        CU_ASSERT_EQUAL_FATAL(clopt_explore_advance(e, 0, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_tune_collect(t, 0, e, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_tune_collect(t, 0, e, &err), CLOPT_ESTATE);
    ASSERT_ERROR(err, CLOPT_ESTATE, "optimizer 1 is scored already");
    CU_ASSERT_EQUAL(clopt_tune_curve_get(t, 0)->nvalues, 25);
    char *json = clopt_tune_json(t);
    CU_ASSERT_PTR_NOT_NULL(json);
    CU_ASSERT_PTR_NOT_NULL(json && strstr(json, "\"ranking\":[\"adam\"]"));
    free(json);
    clopt_explore_release(e);
    clopt_tune_release(t);
    clopt_tune_plan p = good;
    CU_ASSERT_PTR_NULL(clopt_tune_create(NULL, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "plan is NULL");
    p.noptimizers = 17;
    expect_refused(&p, "17 optimizers; expected 1 .. 16");
    p = good, p.noptimizers = 2;
    expect_refused(&p, "optimizer 2: lr = 0, so the default sweep");
    p = good, p.function = "saddle", p.score = CLOPT_TUNE_REACH;
    expect_refused(&p, "score reach: saddle has no known minimum");
    p = good, p.nseeds = 0;
    expect_refused(&p, "0 seeds; expected 1 .. 1024");
    p = good, p.noise = NAN;
    expect_refused(&p, "noise = nan; expected a finite standard deviation >= 0");
    p = good, p.nstarts = 0;
    expect_refused(&p, "0 starts; expected 1 .. 4194304");
    p = good, p.naxes = 1, p.axes[0] = (clopt_explore_axis){"lr", 1, 0.5, 3, 0};
    expect_refused(&p, "optimizer 1: vary 1: lr from 1 to 0.5; expected finite LO < HI");
    /* The tuning fields belong to tunings; a tuning has no single start. */
    const double start[2] = {1, 1};
    const clopt_explore_options basins = {.kind = CLOPT_EXPLORE_BASINS,
                                          .function = "sphere",
                                          .optimizers = specs,
                                          .noptimizers = 1,
                                          .nx = 4,
                                          .ny = 4,
                                          .steps = 10,
                                          .noise = 0.1};
    CU_ASSERT_EQUAL(clopt_explore_check(&basins, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "noise, auc and starts belong to tunings; expected 0");
    const clopt_explore_options tune = {.kind = CLOPT_EXPLORE_TUNE,
                                        .function = "sphere",
                                        .optimizers = specs,
                                        .noptimizers = 1,
                                        .axes = {{"lr", 0.1, 1, 2, 0}},
                                        .naxes = 1,
                                        .steps = 10,
                                        .start = start,
                                        .starts = start,
                                        .nstarts = 1,
                                        .nseeds = 1};
    CU_ASSERT_EQUAL(clopt_explore_check(&tune, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "a tuning runs from its list of starts; expected NULL");
    clopt_explore_options o = tune;
    o.start = NULL, o.starts = NULL;
    CU_ASSERT_EQUAL(clopt_explore_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "starts is NULL; expected nstarts = 1 points");
    const double inf[2] = {INFINITY, 0};
    o.starts = inf;
    CU_ASSERT_EQUAL(clopt_explore_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "start 1 = inf,0: expected two finite numbers");
}

CU_TestInfo tune_tests[] = {
    {"quantiles interpolate like numpy", test_quantiles_interpolate_like_numpy},
    {"starts are fixed, uniform, exact floats", test_starts_are_fixed_uniform_exact_floats},
    {"tuning runs equal runs, noise per seed", test_tuning_runs_equal_runs_with_noise_per_seed},
    {"bad plans are named", test_bad_plans_are_named},
    CU_TEST_INFO_NULL,
};
