/*
 * The trajectory engine: equivalence with the tensor path (clopt_optimizer_step on a
 * 2-element tensor), agreement with an independent double-precision computation on every
 * function and optimizer, slicing, noise, divergence and bad input.
 */
#include "harness.h"

#include "spec.h"

#include "catalogue.h"
#include "host_functions.h"
#include "options.h"
#include "optimizer.h"
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A whole run: points[(t * rows + r) * comp + c], NaN after divergence. */
typedef struct {
    clopt_run *run;
    size_t nt, rows, comp;
    float *points;
} whole_run;

static int run_whole(clopt_context *ctx, const clopt_run_options *o, uint64_t slice, whole_run *w)
{
    clopt_error err;
    w->run = clopt_run_create(ctx, o, &err);
    if (!w->run) {
        fprintf(stderr, "\n  clopt_run_create: %s\n", err.text);
        return -1;
    }
    w->nt = clopt_run_trajectories(w->run);
    w->rows = (size_t)(o->steps / o->every) + 1;
    w->comp = o->state ? CLOPT_RUN_STATE_COMPONENTS : 3;
    w->points = malloc(w->nt * w->rows * w->comp * sizeof(float));
    size_t seen = 0;
    while (!clopt_run_finished(w->run)) {
        clopt_slice s;
        if (clopt_run_advance(w->run, slice, &s, &err) != CLOPT_OK) {
            fprintf(stderr, "\n  clopt_run_advance: %s\n", err.text);
            return -1;
        }
        if (s.rows && s.first_step != seen * o->every) return -1;
        for (size_t r = 0; r < s.rows; r++, seen++)
            for (size_t t = 0; t < w->nt; t++)
                memcpy(&w->points[(t * w->rows + seen) * w->comp],
                       &s.data[(r * s.trajectories + t) * s.components], w->comp * sizeof(float));
    }
    return seen == w->rows ? 0 : -1;
}

static void free_whole(whole_run *w)
{
    clopt_run_release(w->run);
    free(w->points);
}

static const float *point(const whole_run *w, size_t t, size_t r)
{
    return &w->points[(t * w->rows + r) * w->comp];
}

/* Distance in units in the last place (0: the same float). */
static uint32_t ulps(float a, float b)
{
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    if (ia < 0) ia = INT32_MIN - ia;
    if (ib < 0) ib = INT32_MIN - ib;
    return ia > ib ? (uint32_t)ia - (uint32_t)ib : (uint32_t)ib - (uint32_t)ia;
}

/*
 * |a - b| in ulps of the larger magnitude of a and its pair `other` (x and y of a point, or
 * of a state): a matrix kind steps along a direction normalised over the pair, so an error of
 * its last bits is relative to the pair's length, not to a coordinate that is near 0.
 */
static uint32_t pair_ulps(float a, float b, float other)
{
    const float m = fmaxf(fabsf(a), fabsf(other));
    const double spacing = (double)nextafterf(m, INFINITY) - (double)m;
    const double u = fabs((double)a - (double)b) / spacing;
    return u < 1e9 ? (uint32_t)ceil(u) : UINT32_MAX;
}

static const char *every_option[TEST_CATALOGUE_OPTIONS];

/* The number of state values the optimizer of a spec keeps. */
static size_t live_state(clopt_context *ctx, const char *spec)
{
    clopt_optimizer *o = clopt_optimizer_create(ctx, spec, NULL);
    const size_t n = clopt_catalogue_state_count(o->cfg.info, o->cfg.v);
    clopt_optimizer_release(o);
    return n;
}

/*
 * The step at which the same run in double diverges (|f| > 1e30 or not a number, the
 * engine's rule), computed from docs/semantics.md alone (tests/reference.c, cl/functions.cl in
 * double), or `steps` + 1 if it does not: how many steps a comparison that stops at the
 * device's divergence must at least have compared. A rule that makes NaN at step 1 would
 * otherwise be compared on no step at all.
 */
static int64_t double_diverges_at(clopt_context *ctx, unsigned id, const char *spec,
                                  const float *p0, uint64_t steps)
{
    ref_optimizer r;
    const size_t two = 2;
    const float *p0s[1] = {p0};
    ref_init(&r, test_ref_hyper(ctx, spec), 1, &two, p0s);
    int64_t at = (int64_t)steps + 1;
    for (uint64_t s = 0; s <= steps; s++) {
        double g[2];
        const double f = host_function(id, r.p[0][0], r.p[0][1], &g[0], &g[1]);
        if (!(fabs(f) <= 1e30)) {
            at = (int64_t)s;
            break;
        }
        const double *gs[1] = {g};
        ref_step_double(&r, gs);
    }
    ref_free(&r);
    return at;
}

/*
 * Fails when a trajectory was compared on fewer steps than its run in double allows: the
 * comparisons stop where the device's run diverged, and without this a rule that made NaN at
 * step 1 would be compared on no step and pass.
 */
static void expect_compared(clopt_context *ctx, unsigned id, const char *spec, const float *p0,
                            uint64_t steps, size_t compared)
{
    const int64_t d = double_diverges_at(ctx, id, spec, p0, steps);
    const size_t want = d > (int64_t)steps ? (size_t)steps : (size_t)(d > 0 ? d - 1 : 0);
    CU_ASSERT(compared >= want);
    if (compared < want)
        fprintf(stderr, "\n  %s on %s: %zu steps compared; in double it runs %zu steps\n", spec,
                clopt_function_get(id)->name, compared, want);
}

/* The catalogue's index of a function. */
static unsigned function_id(const char *name)
{
    unsigned id = 0;
    while (id < clopt_function_count() && strcmp(clopt_function_get(id)->name, name) != 0)
        id++;
    return id;
}

/* The tensor's parameters and state set to a trajectory row's (`row`: x, y, f, gx, gy, ...). */
static void start_at(clopt_optimizer *opt, cl_mem param, const float *row)
{
    cl_command_queue q = clopt_context_queue(opt->ctx);
    test_write(param, 0, 2, row);
    for (size_t k = 0; k < opt->lay.nstate; k++)
        if (opt->lay.state[k])
            CU_ASSERT_EQUAL(clEnqueueWriteBuffer(q, opt->lay.state[k], CL_TRUE,
                                                 opt->lay.tensors[0].state_offset * sizeof(float),
                                                 2 * sizeof(float), &row[5 + 2 * k], 0, NULL, NULL),
                            CL_SUCCESS);
}

/*
 * Each trajectory step against clopt_optimizer_step fed the trajectory's own gradient:
 * the same rule code, the same per-step scalars, so the same bits are expected; the
 * issue allows 4 ulp. Parameters and both state values are compared after every step.
 * Matrix kinds (Muon) compute Newton-Schulz differently on the two paths (CLBlast's GEMM
 * with its own order and fused multiply-adds, against the trajectory's closed form for a
 * 1 x 2 matrix), so their last bits differ by an ulp or two and a free run drifts (6 ulp
 * after 958 steps on Rosenbrock): their tensor starts each step from the trajectory's, and
 * a coordinate's error counts in ulps of its pair's length (pair_ulps).
 */
static void equivalence_on(const char *function)
{
    clopt_context *ctx = test_context();
    const uint64_t steps = test_quick() ? 50 : 1000;
    const size_t noptions = test_catalogue_options(every_option);
    clopt_run_options o = {function, every_option,         noptions, NULL, 0, steps, 1, 0, 0,
                           1,        CLOPT_PRECISION_FLOAT};
    whole_run w;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &w), 0);
    uint32_t worst = 0;
    size_t identical = 0, compared = 0;
    for (size_t t = 0; t < w.nt; t++) {
        clopt_error err;
        clopt_optimizer *opt = clopt_optimizer_create(ctx, every_option[t], &err);
        const float *p0 = point(&w, t, 0);
        cl_mem param = test_buffer(2, p0), grad = test_buffer(2, NULL);
        /* the point as the 1 x 2 matrix it is for Muon; others ignore the shape */
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add_matrix(opt, param, grad, 0, 1, 2, &err),
                              CLOPT_OK);
        const int64_t d = clopt_run_diverged_at(w.run, t);
        const bool matrix = clopt_catalogue_matrix(opt->cfg.info->kind);
        size_t mine = 0;
        for (size_t r = 0; r + 1 < w.rows && (d < 0 || (int64_t)r + 1 < d); r++) {
            const float *now = point(&w, t, r), *next = point(&w, t, r + 1);
            float p[2], s[2 * CLOPT_MAX_STATE] = {0};
            if (matrix) /* each step from where the trajectory's starts (see above) */
                start_at(opt, param, now);
            test_write(grad, 0, 2, &now[3]);
            clopt_optimizer_step(opt, &err);
            test_read(param, 0, 2, p);
            for (size_t k = 0; k < opt->lay.nstate; k++)
                clopt_optimizer_read_state(opt, 0, k, &s[2 * k], &err);
            const float want[8] = {p[0], p[1], s[0], s[1], s[2], s[3], s[4], s[5]};
            const float got[8] = {next[0], next[1], next[5], next[6],
                                  next[7], next[8], next[9], next[10]};
            uint32_t step_worst = 0;
            for (int c = 0; c < 8; c++) {
                const uint32_t u =
                    matrix ? pair_ulps(want[c], got[c], want[c ^ 1]) : ulps(want[c], got[c]);
                step_worst = u > step_worst ? u : step_worst;
            }
            worst = step_worst > worst ? step_worst : worst;
            identical += step_worst == 0;
            compared++, mine++;
            if (step_worst > 4) {
                CU_FAIL("trajectory differs from clopt_optimizer_step by more than 4 ulp");
                fprintf(stderr,
                        "\n  %s on %s, step %zu: tensor (%.9g, %.9g) trajectory (%.9g, %.9g)\n",
                        every_option[t], function, r + 1, p[0], p[1], next[0], next[1]);
                break;
            }
        }
        expect_compared(ctx, function_id(function), every_option[t], p0, steps, mine);
        clReleaseMemObject(param);
        clReleaseMemObject(grad);
        clopt_optimizer_release(opt);
    }
    fprintf(stderr, "\n  %s: %zu of %zu steps bit-identical, worst %u ulp\n", function, identical,
            compared, worst);
    free_whole(&w);
}

static void test_equivalence_with_tensor_path(void)
{
    equivalence_on("rosenbrock");
    if (test_quick()) /* oclgrind: one function is enough to check the kernels' accesses */
        return;
    equivalence_on("rastrigin");
    equivalence_on("goldstein_price");
}

/*
 * Every optimizer on every function, every step, against double precision. A trajectory
 * is a feedback loop: float32 and double runs drift apart wherever the landscape
 * amplifies differences (oscillation across Rosenbrock's valley, Rastrigin's ripples),
 * so comparing two free runs measures the landscape, not the code. Instead each step is
 * checked where it starts (shadowing):
 *   1. f and the gradient the device reports at (x_s, y_s) against cl/functions.cl in
 *      double at the same point: 1e-4 relative, what float evaluation with cancellation
 *      keeps (Goldstein-Price loses ~1e-5), plus the effect of rounding inside the
 *      evaluation, which acts like moving the point by a few eps: 16 eps (|x| + |y|)
 *      times the slope (for f) or the curvature (for g; Rastrigin's ripples);
 *   2. the update: tests/reference.c (independent of the library) takes the device's
 *      point, state and gradient at step s and makes one double step; the device's
 *      point and state at s + 1 must agree within the few roundings of one float step:
 *      |d| <= eps * (2 |x_{s+1}| + 16 |x_{s+1} - x_s|) (same for the state values).
 * Over 300 steps (quick: 40) from each function's default start.
 */
static int near(double got, double want, double tol)
{
    return fabs(got - want) <= tol;
}

static void test_matches_double_reference(void)
{
    clopt_context *ctx = test_context();
    const uint64_t steps = test_quick() ? 10 : 300;
    double worst_fg = 0, worst_step = 0;
    size_t checked = 0;
    for (unsigned id = 0; id < clopt_function_count(); id += test_quick() ? 4 : 1) {
        const clopt_function_info *f = clopt_function_get(id);
        const size_t noptions = test_catalogue_options(every_option);
        clopt_run_options o = {f->name, every_option,         noptions, NULL, 0, steps, 1, 0, 0,
                               1,       CLOPT_PRECISION_FLOAT};
        whole_run w;
        CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &w), 0);
        for (size_t t = 0; t < w.nt; t++) {
            ref_optimizer r;
            const size_t two = 2;
            const float *p0 = point(&w, t, 0);
            const float *p0s[1] = {p0};
            ref_init(&r, test_ref_hyper(ctx, every_option[t]), 1, &two, p0s);
            const int64_t d = clopt_run_diverged_at(w.run, t);
            int failed = 0;
            size_t mine = 0;
            for (size_t s = 0; s + 1 < w.rows && (d < 0 || (int64_t)s + 1 < d) && !failed; s++) {
                const float *q = point(&w, t, s), *n = point(&w, t, s + 1);
                double g[2], curv;
                const double fv = host_function(id, q[0], q[1], &g[0], &g[1]);
                const double sens = 16 * FLT_EPSILON * (fabs(q[0]) + fabs(q[1]));
                curv = host_curvature(id, q[0], q[1], 1e-6);
                const double tf = 1e-4 * (1 + fabs(fv)) + sens * (fabs(g[0]) + fabs(g[1]));
                const double tg = 1e-4 * (1 + fabs(g[0]) + fabs(g[1])) + sens * curv;
                const double e_fg =
                    fmax(fabs(q[2] - fv) / tf, fmax(fabs(q[3] - g[0]), fabs(q[4] - g[1])) / tg);
                worst_fg = e_fg > worst_fg ? e_fg : worst_fg;
                for (int c = 0; c < 2; c++) {
                    r.p[0][c] = q[c];
                    for (int b = 0; b < REF_STATE; b++)
                        r.s[b][0][c] = q[5 + 2 * b + c];
                }
                const double dg[2] = {q[3], q[4]}; /* the device's gradient */
                const double *gs[1] = {dg};
                r.slack[0][0] = r.slack[0][1] = 0;
                ref_step_double(&r, gs);
                const double want[8] = {r.p[0][0],    r.p[0][1],    r.s[0][0][0], r.s[0][0][1],
                                        r.s[1][0][0], r.s[1][0][1], r.s[2][0][0], r.s[2][0][1]};
                float before[8] = {q[0], q[1], q[5], q[6], q[7], q[8], q[9], q[10]};
                clopt_config cfg;
                clopt_spec_parse(every_option[t], &cfg, NULL);
                if (cfg.info->schedule_free && s == 0) /* z and x start at the point */
                    before[2] = before[4] = q[0], before[3] = before[5] = q[1];
                const float got[8] = {n[0], n[1], n[5], n[6], n[7], n[8], n[9], n[10]};
                /* The state the optimizer keeps (plain SGD: none; Adam: no vhat). */
                const size_t ncheck = 2 + 2 * live_state(ctx, every_option[t]);
                for (size_t c = 0; c < ncheck; c++) {
                    /* Schedule-free's y = beta_1 x + (1 - beta_1) z: it carries the errors of
                     * z and x (their own tolerances below, z at 2 + c, x at 4 + c) and the
                     * rounding of the sum, relative to x and z, which may be far larger
                     * than y where they lie on either side of it. */
                    const double sf = cfg.info->schedule_free && c < 2
                                          ? 2 * (fabs(want[2 + c]) + fabs(want[4 + c])) +
                                                16 * (fabs(want[2 + c] - before[2 + c]) +
                                                      fabs(want[4 + c] - before[4 + c]))
                                          : 0;
                    const double tol =
                        FLT_EPSILON * (2 * fabs(want[c]) + 16 * fabs(want[c] - before[c]) + sf) +
                        (c < 2 ? r.slack[0][c] : 0) + 1e-37;
                    const double e = fabs(got[c] - want[c]) / tol;
                    worst_step = e > worst_step ? e : worst_step;
                    if (!near(got[c], want[c], tol)) failed = 1;
                }
                if (!(e_fg <= 1)) failed = 1;
                if (failed) {
                    CU_FAIL("a trajectory step differs from the double reference");
                    fprintf(stderr,
                            "\n  %s %s step %zu: device (%.9g, %.9g) double (%.9g, %.9g),"
                            " f %.9g vs %.9g\n",
                            f->name, every_option[t], s + 1, n[0], n[1], want[0], want[1], q[2],
                            fv);
                }
                checked++, mine++;
            }
            if (!failed) expect_compared(ctx, id, every_option[t], p0, steps, mine);
            ref_free(&r);
        }
        free_whole(&w);
    }
    fprintf(stderr, "\n  %zu steps: worst f/g error %.3g and step error %.3g of tolerance\n",
            checked, worst_fg, worst_step);
}

/* A run cut into 7-step slices equals the same run in one go; rows land on multiples. */
static void test_slices_equal_whole_run(void)
{
    clopt_context *ctx = test_context();
    const char *specs[] = {"adam(lr=0.05)", "sgd(lr=0.001, momentum=0.9)", "nadam"};
    const double starts[] = {-1.5, 2, 0.5, -0.5, 1.2, 1.2};
    clopt_run_options o = {"rosenbrock",         specs, 3, starts, 3, 100, 3, 0.3, 11, 1,
                           CLOPT_PRECISION_FLOAT};
    whole_run a, b;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &a), 0);
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 7, &b), 0);
    CU_ASSERT_EQUAL(a.rows, 34); /* steps 0, 3, ..., 99 */
    CU_ASSERT_EQUAL(a.nt, 9);
    CU_ASSERT_EQUAL(memcmp(a.points, b.points, a.nt * a.rows * a.comp * sizeof(float)), 0);
    CU_ASSERT_EQUAL(clopt_run_progress(b.run), 100);
    /* optimizer-major order: trajectory 4 is optimizer 1 from start 1 */
    CU_ASSERT_PTR_NOT_NULL(strstr(clopt_run_optimizer(a.run, 4), "\"name\":\"SGD\""));
    CU_ASSERT_EQUAL(clopt_run_start(a.run, 4)[0], 0.5);
    CU_ASSERT_EQUAL(point(&a, 4, 0)[0], 0.5f);
    CU_ASSERT_EQUAL(point(&a, 4, 0)[1], -0.5f);
    const char *names[CLOPT_RUN_MAX_STATE];
    clopt_run_state_names(a.run, 0, names);
    CU_ASSERT_STRING_EQUAL(names[0], "m");
    CU_ASSERT_STRING_EQUAL(names[1], "v");
    clopt_slice s;
    CU_ASSERT_EQUAL(clopt_run_advance(a.run, 0, &s, NULL), CLOPT_OK); /* finished: no rows */
    CU_ASSERT_EQUAL(s.rows, 0);
    free_whole(&a);
    free_whole(&b);
}

/*
 * Noise: the gradient a trajectory reports is the exact gradient plus sigma times the
 * host's Philox/quantile deviates for (trajectory, step, seed); the same seed gives the
 * same bits, another seed other bits.
 */
static void test_noise_matches_host_generator(void)
{
    clopt_context *ctx = test_context();
    const char *specs[] = {"sgd(lr=0.01)", "adam(lr=0.1)"};
    double starts[2 * 40];
    for (int i = 0; i < 40; i++) {
        starts[2 * i] = -3 + 0.15 * i;
        starts[2 * i + 1] = 2 - 0.1 * i;
    }
    const double sigma = 0.5;
    clopt_run_options o = {"sphere",
                           specs,
                           2,
                           starts,
                           40,
                           test_quick() ? 8 : 64,
                           1,
                           sigma,
                           0x123456789abcull,
                           1,
                           CLOPT_PRECISION_FLOAT};
    whole_run a, b, c;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &a), 0);
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 5, &b), 0);
    o.seed = 8;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &c), 0);
    const size_t bytes = a.nt * a.rows * a.comp * sizeof(float);
    CU_ASSERT_EQUAL(memcmp(a.points, b.points, bytes), 0);
    CU_ASSERT_NOT_EQUAL(memcmp(a.points, c.points, bytes), 0);
    double worst = 0;
    for (size_t t = 0; t < a.nt; t++)
        for (size_t r = 0; r < a.rows; r++) {
            const float *q = point(&a, t, r);
            double gx, gy, n0, n1;
            host_function(5, q[0], q[1], &gx, &gy);
            host_normal2((uint32_t)t, (uint32_t)r, 0x123456789abcull, &n0, &n1);
            /* sphere's gradient 2x is exact in float: what remains is the deviate */
            const double dx = (q[3] - gx) / sigma, dy = (q[4] - gy) / sigma;
            /* Acklam's rational functions cancel in float: ~1e-4 is what float keeps */
            const double e = fmax(fabs(dx - n0) / (1e-4 * (1 + fabs(n0))),
                                  fabs(dy - n1) / (1e-4 * (1 + fabs(n1))));
            worst = e > worst ? e : worst;
        }
    fprintf(stderr, "\n  device noise vs host generator: worst error / tolerance %.3g\n", worst);
    CU_ASSERT(worst <= 1);
    free_whole(&a);
    free_whole(&b);
    free_whole(&c);
}

/* A context whose trajectory kernel has the given lanes and groups per work-item. */
static clopt_context *shaped_context(const char *lanes, const char *groups)
{
    setenv("CLOPT_TRAJECTORY_LANES", lanes, 1);
    setenv("CLOPT_TRAJECTORY_GROUPS", groups, 1);
    clopt_error err;
    clopt_context *ctx = clopt_context_create(NULL, &err);
    unsetenv("CLOPT_TRAJECTORY_LANES");
    unsetenv("CLOPT_TRAJECTORY_GROUPS");
    if (!ctx) fprintf(stderr, "\n  %s lanes x %s groups: %s\n", lanes, groups, err.text);
    return ctx;
}

/*
 * The shape of a work-item does not change results: one trajectory per work-item (as on
 * GPUs), one per lane in a loop over 16 groups, and a few vectors of 4 in 3 groups give
 * the bits of the default shape, noise included. Ackley is left out: PoCL's vector exp()
 * differs from its scalar exp() in the last bit, which a run then amplifies; the other
 * functions use +, -, *, /, sqrt, sin and cos, which agree.
 */
static void test_shapes_do_not_change_results(void)
{
    clopt_context *ctx = test_context();
    const char *shapes[][2] = {{"1", "1"}, {"1", "16"}, {"4", "3"}};
    enum { NSHAPES = sizeof shapes / sizeof shapes[0] };
    clopt_context *other[NSHAPES];
    for (size_t c = 0; c < NSHAPES; c++) {
        other[c] = shaped_context(shapes[c][0], shapes[c][1]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(other[c]);
    }
    const char *specs[] = {"sgd(lr=0.001, momentum=0.9)", "adam(lr=0.05)", "adadelta",
                           "nadam(lr=0.01, clipnorm=1)"};
    double starts[2 * 19];
    uint64_t rng = 5;
    for (int i = 0; i < 2 * 19; i++)
        starts[i] = 2 * test_uniform(&rng);
    const unsigned fns[] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14};
    const size_t nfns = test_quick() ? 2 : sizeof fns / sizeof fns[0];
    for (size_t i = 0; i < nfns; i++) {
        const char *name = clopt_function_get(fns[i])->name;
        clopt_run_options o = {name,
                               specs,
                               4,
                               starts,
                               19,
                               test_quick() ? 20 : 200,
                               7,
                               0.1,
                               3,
                               1,
                               CLOPT_PRECISION_FLOAT};
        whole_run a, b;
        CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 0, &a), 0);
        for (size_t c = 0; c < NSHAPES; c++) {
            CU_ASSERT_EQUAL_FATAL(run_whole(other[c], &o, 0, &b), 0);
            const size_t n = a.nt * a.rows * a.comp;
            int same =
                b.nt * b.rows * b.comp == n && memcmp(a.points, b.points, n * sizeof(float)) == 0;
            for (size_t t = 0; same && t < a.nt; t++)
                same = clopt_run_diverged_at(a.run, t) == clopt_run_diverged_at(b.run, t);
            CU_ASSERT(same);
            if (!same)
                fprintf(stderr, "\n  %s: %s lanes x %s groups differ from the default\n", name,
                        shapes[c][0], shapes[c][1]);
            free_whole(&b);
        }
        free_whole(&a);
    }
    for (size_t c = 0; c < NSHAPES; c++)
        clopt_context_release(other[c]);
}

/*
 * Divergence: SGD on the saddle moves y away by a factor 1 + 2 lr per step; the step at
 * which |f| first exceeds 1e30 is computed on the host with the same float operations.
 */
static void test_divergence_is_reported(void)
{
    clopt_context *ctx = test_context();
    const char *specs[] = {"sgd(lr=0.1)", "sgd(lr=1.5)"};
    const double starts[] = {0.5, 0.01};
    clopt_run_options o = {"saddle", specs, 2, starts, 1, 400, 1, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    whole_run w;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 64, &w), 0);
    const float lrs[2] = {0.1f, 1.5f};
    for (size_t t = 0; t < 2; t++) {
        float x = 0.5f, y = 0.01f;
        int64_t want = -1;
        for (int64_t s = 0; s <= 400; s++) {
            const float f = x * x - y * y;
            if (!isfinite(x) || !isfinite(y) || !isfinite(f) || fabsf(f) > 1e30f) {
                want = s;
                break;
            }
            const float gx = 2.0f * x, gy = -2.0f * y;
            x = x + (0.0f * 0.0f - lrs[t] * gx);
            y = y + (0.0f * 0.0f - lrs[t] * gy);
        }
        const int64_t got = clopt_run_diverged_at(w.run, t);
        CU_ASSERT(want > 0);
        CU_ASSERT_EQUAL(got, want);
        if (got != want)
            fprintf(stderr, "\n  lr %g: diverged_at %lld, host %lld\n", lrs[t], (long long)got,
                    (long long)want);
        for (size_t r = 0; r < w.rows; r++) {
            const int after = want >= 0 && (int64_t)r >= want;
            CU_ASSERT_EQUAL(isnan(point(&w, t, r)[0]) != 0, after);
        }
    }
    free_whole(&w);
}

/*
 * Norms of finite vectors whose squares overflow a float: clipnorm with a gradient of
 * 3.5e21 (exp(100 x) at x = 0.45) clips to a unit step instead of stopping the run (the
 * norm was inf, the scale 0), and Lamb's |p| for a point near 5e19 is finite, so its ratio
 * is |p| / |u| and not inf.
 */
static void test_norms_of_large_vectors_do_not_overflow(void)
{
    clopt_context *ctx = test_context();
    const char *sgd[] = {"sgd(lr=0.1, clipnorm=1)"};
    const double at[] = {0.45, 1};
    clopt_run_options o = {"exp(100*x)+y^2", sgd, 1, at, 1, 1, 1, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    whole_run w;
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &o, 64, &w), 0);
    /* g = (100 e^45, 2): clipped to norm 1, almost all of it along x */
    CU_ASSERT_DOUBLE_EQUAL(point(&w, 0, 1)[0], 0.35, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(point(&w, 0, 1)[1], 1.0, 1e-6);
    CU_ASSERT_EQUAL(clopt_run_diverged_at(w.run, 0), -1);
    free_whole(&w);

    const char *lamb[] = {"lamb(lr=0.001)"};
    const double far[] = {3e19, 4e19};
    clopt_run_options l = {"x+y", lamb, 1, far, 1, 1, 1, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    CU_ASSERT_EQUAL_FATAL(run_whole(ctx, &l, 64, &w), 0);
    /* first step: u = g / (|g| + epsilon) = 1 / (1 + 1e-7) per coordinate, r = |p| / |u| */
    const double u = 1.0 / (1.0 + 1e-7), r = 5e19 / (sqrt(2.0) * u);
    const double want[2] = {3e19 - 0.001 * r * u, 4e19 - 0.001 * r * u};
    for (int c = 0; c < 2; c++) {
        CU_ASSERT_DOUBLE_EQUAL(point(&w, 0, 1)[c] / want[c], 1.0, 1e-6);
        if (!(fabs(point(&w, 0, 1)[c] / want[c] - 1.0) <= 1e-6))
            fprintf(stderr, "\n  Lamb from far away: %c = %g, expected %g\n", "xy"[c],
                    point(&w, 0, 1)[c], want[c]);
    }
    free_whole(&w);
}

static void expect_rejected(clopt_run_options o, const char *needle)
{
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_run_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    clopt_run *r = clopt_run_create(test_context(), &o, &err);
    CU_ASSERT_PTR_NULL(r);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    clopt_run_release(r);
}

static void test_bad_input(void)
{
    const char *ok[] = {"adam"}, *bad[] = {"adam", "adma(lr=0.1)"}, *range[] = {"sgd(lr=-1)"};
    const double start[] = {1, 2}, inf_start[] = {1, INFINITY};
    const clopt_run_options good = {"rosenbrock",         ok, 1, start, 1, 10, 1, 0, 0, 0,
                                    CLOPT_PRECISION_FLOAT};
    clopt_run_options o = good;
    o.function = "rosenbrok";
    expect_rejected(o, "unknown function 'rosenbrok'; did you mean 'rosenbrock'?");
    o = good, o.optimizers = bad, o.noptimizers = 2;
    expect_rejected(o, "optimizer 2: unknown optimizer 'adma'; did you mean 'adam'?");
    o = good, o.optimizers = range;
    expect_rejected(o, "optimizer 1: SGD: lr=-1.0 is out of range");
    o = good, o.noptimizers = 0;
    expect_rejected(o, "no optimizers");
    o = good, o.starts = inf_start;
    expect_rejected(o, "start 0: y = inf is not a finite number");
    o = good, o.starts = NULL;
    expect_rejected(o, "starts is NULL but nstarts is 1");
    o = good, o.steps = 0;
    expect_rejected(o, "steps = 0; expected 1 .. 10000000");
    o = good, o.steps = 10000001;
    expect_rejected(o, "steps = 10000001");
    o = good, o.every = 0;
    expect_rejected(o, "every = 0; expected 1 .. steps (10)");
    o = good, o.every = 11;
    expect_rejected(o, "every = 11");
    o = good, o.noise = -0.1;
    expect_rejected(o, "noise = -0.1; expected a finite standard deviation >= 0");
    o = good, o.noise = NAN;
    expect_rejected(o, "noise = nan");
    o = good, o.nstarts = 1, o.noptimizers = CLOPT_RUN_MAX_TRAJECTORIES + 1;
    o.optimizers = ok; /* the count is checked before any spec is read */
    expect_rejected(o, "is more than 1048576 trajectories");
    clopt_error err;
    CU_ASSERT_PTR_NULL(clopt_run_create(NULL, &good, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "context is NULL");
    CU_ASSERT_EQUAL(clopt_run_check(&good, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_run_advance(NULL, 1, NULL, &err), CLOPT_EINVAL);
}

CU_TestInfo trajectory_tests[] = {
    {"norms of large vectors do not overflow", test_norms_of_large_vectors_do_not_overflow},
    {"equivalence with the tensor path", test_equivalence_with_tensor_path},
    {"matches the double reference", test_matches_double_reference},
    {"slices equal the whole run", test_slices_equal_whole_run},
    {"noise matches the host generator", test_noise_matches_host_generator},
    {"work-item shapes do not change results", test_shapes_do_not_change_results},
    {"divergence is reported", test_divergence_is_reported},
    {"bad input", test_bad_input},
    CU_TEST_INFO_NULL,
};
