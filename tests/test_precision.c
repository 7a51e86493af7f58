/*
 * Double precision (clopt_explore_options.precision, clopt_run_options.precision).
 *
 * Explorations: basin maps and sweeps against the independent double reference
 * (tests/reference.c) stepped on test functions written here from docs/semantics.md, not
 * from cl/functions.cl.
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

#include "catalogue.h"
#include "config.h"
#include "context.h"
#include "host_functions.h"
#include "options.h"
#include "reference.h"
#include "spec.h"

#include <float.h>
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

/*
 * Runs in double (clopt_run_options.precision). A whole run's points as the slices give them:
 * data_d (double) and data (float), [(t * rows + r) * comp + c].
 */
typedef struct {
    clopt_run *run;
    size_t nt, rows, comp;
    double *d;
    float *f;
} double_run;

static int run_double(const clopt_run_options *o, uint64_t slice, double_run *w)
{
    clopt_error err;
    memset(w, 0, sizeof *w);
    if (!(w->run = clopt_run_create(test_context(), o, &err))) {
        fprintf(stderr, "\n  clopt_run_create: %s\n", err.text);
        return -1;
    }
    w->nt = clopt_run_trajectories(w->run);
    w->rows = (size_t)(o->steps / o->every) + 1;
    w->comp = o->state ? CLOPT_RUN_STATE_COMPONENTS : 3;
    w->d = malloc(w->nt * w->rows * w->comp * sizeof *w->d);
    w->f = malloc(w->nt * w->rows * w->comp * sizeof *w->f);
    size_t seen = 0;
    while (!clopt_run_finished(w->run)) {
        clopt_slice s;
        if (clopt_run_advance(w->run, slice, &s, &err) != CLOPT_OK) {
            fprintf(stderr, "\n  clopt_run_advance: %s\n", err.text);
            return -1;
        }
        if (s.rows && !s.data_d) return -1;
        for (size_t r = 0; r < s.rows; r++, seen++)
            for (size_t t = 0; t < w->nt; t++) {
                const size_t to = (t * w->rows + seen) * w->comp;
                const size_t from = (r * s.trajectories + t) * s.components;
                memcpy(&w->d[to], &s.data_d[from], w->comp * sizeof *w->d);
                memcpy(&w->f[to], &s.data[from], w->comp * sizeof *w->f);
            }
    }
    return seen == w->rows ? 0 : -1;
}

static void free_double(double_run *w)
{
    clopt_run_release(w->run);
    free(w->d);
    free(w->f);
}

static const double *dpoint(const double_run *w, size_t t, size_t r)
{
    return &w->d[(t * w->rows + r) * w->comp];
}

static unsigned function_id(const char *name)
{
    for (unsigned id = 0; id < clopt_function_count(); id++)
        if (strcmp(clopt_function_get(id)->name, name) == 0) return id;
    return 0;
}

/* The specs every double run test covers: two per catalogue optimizer (test_catalogue_options:
 * a small rate; every option on, nesterov, amsgrad, Muon's 2-D form, clipnorm), a
 * schedule and clipvalue. Returns how many; *sched_at is the one with the schedule. */
#define SCHEDULED "adam(lr=0.05, schedule=cosine(steps=250, warmup=20))"
static size_t double_specs(const char *specs[TEST_CATALOGUE_OPTIONS + 2])
{
    size_t n = test_catalogue_options(specs);
    specs[n++] = SCHEDULED;
    specs[n++] = "sgd(lr=0.002, momentum=0.9, nesterov=True, clipvalue=0.5)";
    return n;
}

static ref_hyper hyper_of(const char *spec)
{
    ref_hyper h = test_ref_hyper(test_context(), spec);
    if (strcmp(spec, SCHEDULED) == 0)
        h.sched = (ref_sched_spec){"cosine", 20, 250, 0, 0, 0, 0, 0, 0, 0};
    return h;
}

/*
 * Every step of every catalogue optimizer (both specs of double_specs), 300 steps on
 * Rosenbrock without noise and on Himmelblau with noise, in double with state: the device's
 * f and gradient against cl/functions.cl compiled as C in double (tests/host_functions.c)
 * plus the host's deviates, and each update against the reference's step from the device's
 * own point, state and gradient (so an error does not carry over: each step is compared
 * alone).
 *
 * Tolerances, from eps = 2^-52 (DBL_EPSILON). A step computes the same formulas as the
 * reference in another order; each operation rounds by eps/2 relative, and the deepest
 * update formula (Adam with amsgrad, Lamb's ratio, Muon's three Newton-Schulz iterations)
 * chains fewer than 32 of them, so the update u is off by at most 16 eps |u| and the new
 * value want = before - u by eps |want| more: tol = eps (2 |want| + 16 |want - before|), the
 * float test's bound (tests/test_trajectory.c) with eps 2^-52 for 2^-23. f and g: the same
 * formulas evaluated in another order are exact for inputs moved by a few eps (the functions
 * are short products and sums), so tol_f = 64 eps (1 + |f| + (|x| + |y|) |g|) and tol_g =
 * 64 eps (1 + |g| + (|x| + |y|) |f''|); the deviates (the same Philox bits through the same
 * quantile formulas) within 64 eps relative. A step computed in float misses these by 1e8.
 */
static void test_double_runs_match_the_reference_step_by_step(void)
{
    const char *specs[TEST_CATALOGUE_OPTIONS + 2];
    const size_t nspecs = double_specs(specs);
    const uint64_t steps = test_quick() ? 10 : 300;
    const char *fns[] = {"rosenbrock", "himmelblau"};
    const double noise[] = {0.0, 0.05};
    double worst_fg = 0, worst_step = 0;
    size_t checked = 0;
    for (size_t fi = 0; fi < 2; fi++) {
        const unsigned id = function_id(fns[fi]);
        clopt_run_options o = {.function = fns[fi],
                               .optimizers = specs,
                               .noptimizers = nspecs,
                               .steps = steps,
                               .every = 1,
                               .noise = noise[fi],
                               .seed = 7,
                               .state = 1,
                               .precision = CLOPT_PRECISION_DOUBLE};
        double_run w;
        CU_ASSERT_EQUAL_FATAL(run_double(&o, 0, &w), 0);
        for (size_t t = 0; t < w.nt; t++) {
            ref_optimizer r;
            const size_t two = 2;
            const float zero[2] = {0, 0};
            const float *p0s[1] = {zero};
            ref_init(&r, hyper_of(specs[t]), 1, &two, p0s);
            clopt_config cfg;
            clopt_spec_parse(specs[t], &cfg, NULL);
            const size_t ncheck = 2 + 2 * clopt_catalogue_state_count(cfg.info, cfg.v);
            const int64_t d = clopt_run_diverged_at(w.run, t);
            int failed = 0;
            size_t mine = 0;
            for (size_t s = 0; s + 1 < w.rows && (d < 0 || (int64_t)s + 1 < d) && !failed; s++) {
                const double *q = dpoint(&w, t, s), *n = dpoint(&w, t, s + 1);
                double g[2], n0 = 0, n1 = 0;
                const double fv = host_function(id, q[0], q[1], &g[0], &g[1]);
                host_normal2((uint32_t)t, (uint32_t)s, o.seed, &n0, &n1);
                const double gx = g[0] + o.noise * n0, gy = g[1] + o.noise * n1;
                const double reach = fabs(q[0]) + fabs(q[1]);
                const double tf =
                    64 * DBL_EPSILON * (1 + fabs(fv) + reach * (fabs(g[0]) + fabs(g[1])));
                const double tg =
                    64 * DBL_EPSILON *
                    (1 + fabs(gx) + fabs(gy) + reach * host_curvature(id, q[0], q[1], 1e-5) +
                     o.noise * (fabs(n0) + fabs(n1)));
                const double e_fg =
                    fmax(fabs(q[2] - fv) / tf, fmax(fabs(q[3] - gx), fabs(q[4] - gy)) / tg);
                worst_fg = fmax(worst_fg, e_fg);
                for (int c = 0; c < 2; c++) {
                    r.p[0][c] = q[c];
                    for (int b = 0; b < REF_STATE; b++)
                        r.s[b][0][c] = q[5 + 2 * b + c];
                }
                const double dg[2] = {q[3], q[4]}; /* the device's gradient */
                const double *gs[1] = {dg};
                ref_step_double(&r, gs);
                const double want[8] = {r.p[0][0],    r.p[0][1],    r.s[0][0][0], r.s[0][0][1],
                                        r.s[1][0][0], r.s[1][0][1], r.s[2][0][0], r.s[2][0][1]};
                double before[8] = {q[0], q[1], q[5], q[6], q[7], q[8], q[9], q[10]};
                if (cfg.info->schedule_free && s == 0) /* z and x start at the point */
                    before[2] = before[4] = q[0], before[3] = before[5] = q[1];
                const double got[8] = {n[0], n[1], n[5], n[6], n[7], n[8], n[9], n[10]};
                for (size_t c = 0; c < ncheck; c++) {
                    /* schedule-free's y = beta_1 x + (1 - beta_1) z carries the roundings of
                     * x and z (as in tests/test_trajectory.c) */
                    const double sf = cfg.info->schedule_free && c < 2
                                          ? 2 * (fabs(want[2 + c]) + fabs(want[4 + c])) +
                                                16 * (fabs(want[2 + c] - before[2 + c]) +
                                                      fabs(want[4 + c] - before[4 + c]))
                                          : 0;
                    const double tol =
                        DBL_EPSILON * (2 * fabs(want[c]) + 16 * fabs(want[c] - before[c]) + sf) +
                        1e-300;
                    const double e = fabs(got[c] - want[c]) / tol;
                    worst_step = fmax(worst_step, e);
                    if (!(e <= 1)) failed = 1;
                }
                if (!(e_fg <= 1)) failed = 1;
                if (failed) {
                    CU_FAIL("a double trajectory step differs from the double reference");
                    fprintf(stderr,
                            "\n  %s %s step %zu: device (%.17g, %.17g) reference (%.17g, %.17g),"
                            " f %.17g vs %.17g\n",
                            fns[fi], specs[t], s + 1, n[0], n[1], want[0], want[1], q[2], fv);
                }
                checked++, mine++;
            }
            /* a rule that makes NaN early would otherwise be compared on no step */
            if (d < 0) CU_ASSERT_EQUAL(mine, steps);
            ref_free(&r);
        }
        free_double(&w);
    }
    fprintf(stderr, "\n  %zu double steps: worst f/g error %.3g and step error %.3g of tolerance\n",
            checked, worst_fg, worst_step);
    CU_ASSERT(checked >= (test_quick() ? 10 : 300) * nspecs);
}

/*
 * The same optimizers from the start, 400 steps on the sphere with gradient noise, against
 * the reference run on its own (its gradient 2 (x, y) plus the host's deviates): no step is
 * corrected, so the roundings add up. Each step adds at most the bound derived above, about
 * 18 eps (1 + |p|) relative, and on the sphere at these rates every rule contracts or
 * carries errors along without amplifying them (no rule is near a minimum, where Adam-like
 * rules amplify: 400 steps of at most 0.01 from (-4, 3)), so after s steps the difference
 * stays within 32 (s + 1) eps (1 + |p|): a few ulps times the step count. Float's own
 * rounding is 6e-8 per step, 1e8 times that.
 */
static void test_double_runs_follow_the_reference_from_the_start(void)
{
    const char *specs[TEST_CATALOGUE_OPTIONS + 2];
    const size_t nspecs = double_specs(specs);
    const uint64_t steps = test_quick() ? 10 : 400;
    const double start[2] = {-4.0, 3.0};
    clopt_run_options o = {.function = "sphere",
                           .optimizers = specs,
                           .noptimizers = nspecs,
                           .starts = start,
                           .nstarts = 1,
                           .steps = steps,
                           .every = 1,
                           .noise = 0.05,
                           .seed = 3,
                           .precision = CLOPT_PRECISION_DOUBLE};
    double_run w;
    CU_ASSERT_EQUAL_FATAL(run_double(&o, 0, &w), 0);
    double worst = 0, worst_float = 0;
    size_t compared = 0;
    for (size_t t = 0; t < w.nt; t++) {
        ref_optimizer r;
        const size_t two = 2;
        const float zero[2] = {0, 0};
        const float *p0s[1] = {zero};
        ref_init(&r, hyper_of(specs[t]), 1, &two, p0s);
        r.p[0][0] = start[0], r.p[0][1] = start[1];
        CU_ASSERT_EQUAL(clopt_run_diverged_at(w.run, t), -1);
        for (uint64_t s = 0; s <= steps; s++) {
            const double *q = dpoint(&w, t, s);
            const size_t at = (t * w.rows + s) * w.comp;
            const double tol = 32 * (double)(s + 1) * DBL_EPSILON;
            for (int c = 0; c < 2; c++) {
                const double e = fabs(q[c] - r.p[0][c]) / (1 + fabs(r.p[0][c]));
                worst = fmax(worst, e / tol);
                worst_float = fmax(worst_float,
                                   fabs(w.f[at + (size_t)c] - r.p[0][c]) / (1 + fabs(r.p[0][c])));
                if (!(e <= tol)) {
                    CU_FAIL("a double trajectory left the double reference");
                    fprintf(stderr, "\n  %s step %llu: device %.17g reference %.17g\n", specs[t],
                            (unsigned long long)s, q[c], r.p[0][c]);
                    s = steps;
                }
            }
            compared++;
            double n0, n1;
            host_normal2((uint32_t)t, (uint32_t)s, o.seed, &n0, &n1);
            const double g[2] = {2 * r.p[0][0] + o.noise * n0, 2 * r.p[0][1] + o.noise * n1};
            const double *gs[1] = {g};
            if (s < steps) ref_step_double(&r, gs);
        }
        ref_free(&r);
    }
    fprintf(stderr, "\n  %zu points from the start: worst error %.3g of tolerance\n", compared,
            worst);
    CU_ASSERT_EQUAL(compared, w.nt * (steps + 1));
    /* data holds the float roundings of data_d, far from the reference by double's measure */
    for (size_t i = 0; i < w.nt * w.rows * w.comp; i++)
        if (w.f[i] != (float)w.d[i]) {
            CU_FAIL("data is not data_d rounded to float");
            break;
        }
    if (!test_quick()) CU_ASSERT(worst_float > 1e3 * 32 * (double)(steps + 1) * DBL_EPSILON);
    free_double(&w);
}

/*
 * A double run is the same bits on repeat and cut into 7-step slices; an expression runs in
 * double too (its own double program) and gives the catalogue's sphere for x^2 + y^2.
 */
static void test_double_runs_repeat_bit_for_bit(void)
{
    const char *specs[] = {"adam(lr=0.05, amsgrad=True)", "sgd(lr=0.01, momentum=0.9)",
                           "sgd_schedulefree(lr=0.5)", "muon(lr=0.02)"};
    const double starts[] = {-1.5, 2, 0.5, -0.5, 1.2, 1.2};
    clopt_run_options o = {.function = "rosenbrock",
                           .optimizers = specs,
                           .noptimizers = 4,
                           .starts = starts,
                           .nstarts = 3,
                           .steps = 100,
                           .every = 3,
                           .noise = 0.3,
                           .seed = 11,
                           .precision = CLOPT_PRECISION_DOUBLE};
    double_run a, b, c;
    CU_ASSERT_EQUAL_FATAL(run_double(&o, 0, &a), 0);
    CU_ASSERT_EQUAL_FATAL(run_double(&o, 0, &b), 0);
    CU_ASSERT_EQUAL_FATAL(run_double(&o, 7, &c), 0);
    const size_t n = a.nt * a.rows * a.comp;
    CU_ASSERT_EQUAL(memcmp(a.d, b.d, n * sizeof *a.d), 0);
    CU_ASSERT_EQUAL(memcmp(a.d, c.d, n * sizeof *a.d), 0);
    CU_ASSERT_EQUAL(dpoint(&a, 4, 0)[0], 0.5); /* optimizer 1 from start 1, unrounded */
    free_double(&a);
    free_double(&b);
    free_double(&c);

    const double start[] = {-1.3, 0.7};
    clopt_run_options e = {.function = "x^2 + y^2",
                           .optimizers = specs,
                           .noptimizers = 4,
                           .starts = start,
                           .nstarts = 1,
                           .steps = 200,
                           .every = 1,
                           .precision = CLOPT_PRECISION_DOUBLE};
    clopt_run_options s = e;
    s.function = "sphere";
    double_run x, y;
    CU_ASSERT_EQUAL_FATAL(run_double(&e, 0, &x), 0);
    CU_ASSERT_EQUAL_FATAL(run_double(&s, 0, &y), 0);
    size_t differ = 0, unrounded = 0;
    for (size_t i = 0; i < x.nt * x.rows * x.comp; i++) {
        differ += x.d[i] != y.d[i];
        unrounded += x.d[i] != (double)x.f[i];
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(unrounded > x.nt * x.rows); /* doubles, not floats widened */
    free_double(&x);
    free_double(&y);
}

/* A run's precision that is neither float nor double is refused with the value named. */
static void test_run_precision_rejects_an_unknown_value(void)
{
    const char *specs[] = {"adam"};
    clopt_run_options o = {.function = "rosenbrock",
                           .optimizers = specs,
                           .noptimizers = 1,
                           .steps = 10,
                           .every = 1,
                           .precision = (clopt_precision)2};
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_run_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "precision 2; expected float or double");
    CU_ASSERT_PTR_NULL(clopt_run_create(test_context(), &o, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "precision 2; expected float or double");
}

CU_TestInfo precision_tests[] = {
    {"double basins match the double reference", test_double_basins_match_the_double_reference},
    {"double sweep resolves a window float cannot",
     test_double_sweep_resolves_a_window_float_cannot},
    {"precision rejects an unknown value", test_precision_rejects_an_unknown_value},
    {"double runs match the reference step by step",
     test_double_runs_match_the_reference_step_by_step},
    {"double runs follow the reference from the start",
     test_double_runs_follow_the_reference_from_the_start},
    {"double runs repeat bit for bit", test_double_runs_repeat_bit_for_bit},
    {"run precision rejects an unknown value", test_run_precision_rejects_an_unknown_value},
    CU_TEST_INFO_NULL,
};
