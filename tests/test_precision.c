/*
 * Explorations in double precision (clopt_explore_options.precision): basin maps and sweeps
 * against the independent double reference (tests/reference.c) stepped on test functions
 * written here from docs/semantics.md, not from cl/functions.cl.
 *
 * Tolerance: the device and the reference evaluate the same formulas in double but in
 * their own order of operations, so each step differs by a few units of 2^-53 (1.1e-16)
 * relative. That difference is carried forward by the map's Jacobian; over 300 steps of
 * runs that settle into a minimum (contracting near it, expanding at most by |1 + lr H| per
 * step on the way, H <= 100 on these views) it grows by at most about 1e4..1e6, so 1e-9
 * (relative to 1 + |value|) holds with margin, while float's own rounding (6e-8 per step)
 * leaves errors of 1e-6 and more: a double path that computed in float would fail.
 * Not RMSprop at lr 0.01 on Himmelblau: it hovers around a minimum at an amplitude of about
 * lr, chaotically (moving a start by one unit in the last place moves the end by 1e-2), so
 * no two correct implementations agree there.
 */
#include "harness.h"

#include "context.h"
#include "reference.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-9

/* Himmelblau and Rosenbrock, f and gradient, from their textbook definitions. */
static double ref_f(const char *fn, double x, double y, double *gx, double *gy)
{
    if (strcmp(fn, "himmelblau") == 0) {
        const double a = x * x + y - 11.0, b = x + y * y - 7.0;
        *gx = 4.0 * x * a + 2.0 * b;
        *gy = 2.0 * a + 4.0 * y * b;
        return a * a + b * b;
    }
    const double a = 1.0 - x, b = y - x * x; /* rosenbrock */
    *gx = -2.0 * a - 400.0 * x * b;
    *gy = 200.0 * b;
    return a * a + 100.0 * b * b;
}

/* The reference run of h from (x, y), `steps` steps: the final point and f, or -1 diverged. */
static int ref_run(const char *fn, ref_hyper h, double x, double y, uint64_t steps, double out[3])
{
    ref_optimizer r;
    const size_t count[] = {2};
    const float p0[] = {0.0f, 0.0f};
    const float *p0s[] = {p0};
    ref_init(&r, h, 1, count, p0s);
    r.p[0][0] = x, r.p[0][1] = y; /* the start in double, not rounded to float */
    int diverged = 0;
    for (uint64_t s = 0; s <= steps && !diverged; s++) {
        double g[2];
        const double f = ref_f(fn, r.p[0][0], r.p[0][1], &g[0], &g[1]);
        diverged = !(fabs(f) <= 1e30);
        out[0] = r.p[0][0], out[1] = r.p[0][1], out[2] = f;
        if (s < steps && !diverged) {
            const double *gs[] = {g};
            ref_step_double(&r, gs);
        }
    }
    ref_free(&r);
    return diverged ? -1 : 0;
}

static clopt_exploration *explore_whole(const clopt_explore_options *o)
{
    clopt_error err;
    clopt_exploration *e = clopt_explore_create(test_context(), o, &err);
    if (!e) {
        fprintf(stderr, "\n  clopt_explore_create: %s\n", err.text);
        return NULL;
    }
    while (!clopt_explore_finished(e))
        if (clopt_explore_advance(e, 0, &err) != CLOPT_OK) {
            fprintf(stderr, "\n  clopt_explore_advance: %s\n", err.text);
            clopt_explore_release(e);
            return NULL;
        }
    return e;
}

static double rel_err(double got, double want)
{
    return fabs(got - want) / (1.0 + fabs(want));
}

/*
 * A basin map of Himmelblau for three optimizers in double: every cell's final point and f
 * within TOL of the reference from the cell's start; the same map in float is further off.
 */
static void test_double_basins_match_the_double_reference(void)
{
    CU_ASSERT_TRUE_FATAL(clopt_context_has_fp64(test_context()));
    const char *specs[] = {"sgd(lr=0.01, momentum=0.9)", "adam(lr=0.05)",
                           "sgd(lr=0.005, momentum=0.5, nesterov=True)"};
    const char *names[] = {"sgd", "adam", "sgd"};
    const double lrs[] = {0.01, 0.05, 0.005};
    const double view[] = {-5.0, 5.0, -4.5, 5.5};
    const uint64_t steps = 300;
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "himmelblau",
                               .optimizers = specs,
                               .noptimizers = 3,
                               .nx = 7,
                               .ny = 6,
                               .view = view,
                               .steps = steps,
                               .tol = 1e-4,
                               .precision = CLOPT_PRECISION_DOUBLE};
    clopt_exploration *ed = explore_whole(&o);
    o.precision = CLOPT_PRECISION_FLOAT;
    clopt_exploration *ef = explore_whole(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ef);
    double worst_d = 0.0, worst_f = 0.0;
    size_t compared = 0, mismatched_divergence = 0;
    for (size_t k = 0; k < 3; k++) {
        clopt_explore_map md, mf;
        clopt_error err;
        CU_ASSERT_EQUAL_FATAL(clopt_explore_map_get(ed, k, &md, &err), CLOPT_OK);
        CU_ASSERT_EQUAL_FATAL(clopt_explore_map_get(ef, k, &mf, &err), CLOPT_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(md.xd);
        CU_ASSERT_PTR_NULL(mf.xd);
        ref_hyper h = ref_defaults(names[k]);
        ref_set(&h, "lr", lrs[k]);
        if (k != 1) ref_set(&h, "momentum", k == 0 ? 0.9 : 0.5);
        if (k == 2) ref_set(&h, "nesterov", 1);
        for (size_t j = 0; j < o.ny; j++)
            for (size_t i = 0; i < o.nx; i++) {
                const size_t c = j * o.nx + i;
                const double x = view[0] + (double)i * (view[1] - view[0]) / (double)(o.nx - 1);
                const double y = view[2] + (double)j * (view[3] - view[2]) / (double)(o.ny - 1);
                double want[3];
                const int diverged = ref_run("himmelblau", h, x, y, steps, want) < 0;
                if (diverged != (md.diverged_at[c] >= 0)) mismatched_divergence++;
                if (diverged) continue;
                const double got[3] = {md.xd[c], md.yd[c], md.fd[c]};
                const double gotf[3] = {mf.x[c], mf.y[c], mf.f[c]};
                for (int v = 0; v < 3; v++) {
                    worst_d = fmax(worst_d, rel_err(got[v], want[v]));
                    worst_f = fmax(worst_f, rel_err(gotf[v], want[v]));
                }
                compared++;
            }
    }
    CU_ASSERT_EQUAL(mismatched_divergence, 0);
    CU_ASSERT(compared >= 100);
    CU_ASSERT(worst_d <= TOL);
    CU_ASSERT(worst_f > 100.0 * worst_d);
    if (worst_d > TOL || !(worst_f > 100.0 * worst_d))
        fprintf(stderr, "\n  worst relative error: double %.3g, float %.3g (%zu cells)\n", worst_d,
                worst_f, compared);
    clopt_explore_release(ed);
    clopt_explore_release(ef);
}

/*
 * A sweep of the rate over a window of 1e-9 of its centre, narrower than float resolves:
 * in float every value rounds to the same rate and the cells are equal; in double they
 * differ and each matches the reference with its own rate.
 */
static void test_double_sweep_resolves_a_window_float_cannot(void)
{
    const char *specs[] = {"sgd(momentum=0.9)"};
    const double start[] = {-1.25, 1.75};
    const uint64_t steps = 400;
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_SWEEP,
                               .function = "rosenbrock",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .start = start,
                               .naxes = 1,
                               .steps = steps,
                               .tol = 1e-4,
                               .precision = CLOPT_PRECISION_DOUBLE};
    o.axes[0] = (clopt_explore_axis){"lr", 1e-3, 1e-3 * (1.0 + 1e-9), 5, 0};
    clopt_exploration *ed = explore_whole(&o);
    o.precision = CLOPT_PRECISION_FLOAT;
    clopt_exploration *ef = explore_whole(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ef);
    clopt_explore_map md, mf;
    clopt_error err;
    CU_ASSERT_EQUAL_FATAL(clopt_explore_map_get(ed, 0, &md, &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_explore_map_get(ef, 0, &mf, &err), CLOPT_OK);
    size_t n;
    const double *lr = clopt_explore_axis_values(ed, 0, &n);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    double worst = 0.0;
    for (size_t r = 0; r < n; r++) {
        ref_hyper h = ref_defaults("sgd");
        ref_set(&h, "lr", lr[r]);
        ref_set(&h, "momentum", 0.9);
        double want[3];
        CU_ASSERT_EQUAL_FATAL(ref_run("rosenbrock", h, start[0], start[1], steps, want), 0);
        worst = fmax(worst, rel_err(md.xd[r], want[0]));
        worst = fmax(worst, rel_err(md.yd[r], want[1]));
        worst = fmax(worst, rel_err(md.fd[r], want[2]));
        CU_ASSERT_EQUAL(memcmp(&mf.x[r], &mf.x[0], sizeof(float)), 0); /* float: one rate */
        if (r) CU_ASSERT(md.xd[r] != md.xd[r - 1]);                    /* double: five */
    }
    CU_ASSERT(worst <= TOL);
    if (worst > TOL) fprintf(stderr, "\n  worst relative error %.3g\n", worst);
    clopt_explore_release(ed);
    clopt_explore_release(ef);
}

/* A precision that is neither float nor double is refused with the value named. */
static void test_precision_rejects_an_unknown_value(void)
{
    const char *specs[] = {"adam"};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "himmelblau",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .nx = 2,
                               .ny = 2,
                               .steps = 1,
                               .precision = (clopt_precision)7};
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "precision 7; expected float or double");
}

CU_TestInfo precision_tests[] = {
    {"double basins match the double reference", test_double_basins_match_the_double_reference},
    {"double sweep resolves a window float cannot",
     test_double_sweep_resolves_a_window_float_cannot},
    {"precision rejects an unknown value", test_precision_rejects_an_unknown_value},
    CU_TEST_INFO_NULL,
};
