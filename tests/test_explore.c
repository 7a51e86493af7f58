/*
 * Explore (the engine's reduce mode): basin-map and sweep cells equal `clopt run` with the
 * same start and spec bit for bit; converged_at, minimum and diverged_at on cases built to
 * hit each; memory O(runs); bad input.
 */
#include "harness.h"

#include "catalogue.h"
#include "explore.h"
#include "schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Creates and finishes an exploration in slices of `slice` steps (0: the engine's). */
static clopt_exploration *explore_whole(const clopt_explore_options *o, uint64_t slice)
{
    clopt_error err;
    clopt_exploration *e = clopt_explore_create(test_context(), o, &err);
    if (!e) {
        fprintf(stderr, "\n  clopt_explore_create: %s\n", err.text);
        return NULL;
    }
    while (!clopt_explore_finished(e))
        if (clopt_explore_advance(e, slice, &err) != CLOPT_OK) {
            fprintf(stderr, "\n  clopt_explore_advance: %s\n", err.text);
            clopt_explore_release(e);
            return NULL;
        }
    return e;
}

static clopt_explore_map map_of(clopt_exploration *e, size_t m)
{
    clopt_explore_map out = {0};
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_map_get(e, m, &out, &err), CLOPT_OK);
    return out;
}

/* Run t's final point from a clopt_run that records steps 0 and N only. */
typedef struct {
    clopt_run *run;
    float *last; /* [trajectory][x, y, f] */
} final_points;

static int run_final(const clopt_run_options *o, final_points *p)
{
    clopt_error err;
    p->run = clopt_run_create(test_context(), o, &err);
    if (!p->run) {
        fprintf(stderr, "\n  clopt_run_create: %s\n", err.text);
        return -1;
    }
    const size_t nt = clopt_run_trajectories(p->run);
    p->last = malloc(3 * nt * sizeof *p->last);
    while (!clopt_run_finished(p->run)) {
        clopt_slice s;
        if (clopt_run_advance(p->run, 0, &s, &err) != CLOPT_OK) return -1;
        for (size_t r = 0; r < s.rows; r++)
            if (s.first_step + r * o->every == o->steps)
                for (size_t t = 0; t < nt; t++)
                    memcpy(&p->last[3 * t], &s.data[(r * nt + t) * s.components],
                           3 * sizeof(float));
    }
    return 0;
}

static void free_final(final_points *p)
{
    clopt_run_release(p->run);
    free(p->last);
}

/* Cell r of map m against trajectory t: the same bits, the same divergence. */
static int same_cell(const clopt_explore_map *m, size_t r, const final_points *p, size_t t)
{
    const int64_t d = clopt_run_diverged_at(p->run, t);
    if (d != m->diverged_at[r]) return 0;
    if (d >= 0) /* the run has no final point; explore's is NaN */
        return isnan(m->x[r]) && isnan(m->y[r]) && isnan(m->f[r]);
    const float *q = &p->last[3 * t];
    return memcmp(&m->x[r], &q[0], 4) == 0 && memcmp(&m->y[r], &q[1], 4) == 0 &&
           memcmp(&m->f[r], &q[2], 4) == 0;
}

/*
 * A sample of cells of a basin map (every 7th, and the corners) of four optimizers, one of
 * them clipped and one that diverges from some starts, then every other kind of the catalogue
 * with its defaults, computed in uneven slices, against clopt_run from the documented start
 * x0 + i (x1 - x0) / (nx - 1), y0 + j (y1 - y0) / (ny - 1).
 */
static void test_basin_cells_equal_runs(void)
{
    const char *specs[4 + CLOPT_KIND_COUNT] = {"adam(lr=0.05)", "sgd(lr=0.01, momentum=0.9)",
                                               "rmsprop(lr=0.01, clipnorm=0.5)", "sgd(lr=0.03)"};
    size_t nopt = 4;
    /* every other kind with its defaults (16 optimizers at most fit an exploration) */
    for (int kind = 0; kind < CLOPT_KIND_COUNT; kind++)
        if (kind != CLOPT_ADAM && kind != CLOPT_SGD && kind != CLOPT_RMSPROP)
            specs[nopt++] = clopt_catalogue_optimizer((clopt_kind)kind)->key;
    const double view[] = {-5.5, 4.25, -4.75, 5.125};
    const size_t nx = test_quick() ? 13 : 37, ny = test_quick() ? 11 : 29;
    const uint64_t steps = test_quick() ? 30 : 300;
    const clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                                     .function = "himmelblau",
                                     .optimizers = specs,
                                     .noptimizers = nopt,
                                     .nx = nx,
                                     .ny = ny,
                                     .view = view,
                                     .steps = steps,
                                     .tol = 1e-4};
    clopt_exploration *e = explore_whole(&o, 37);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    size_t cells[200], n = 0;
    for (size_t r = 0; r < nx * ny; r += 7)
        cells[n++] = r;
    cells[n++] = nx - 1, cells[n++] = nx * (ny - 1), cells[n++] = nx * ny - 1;
    double *starts = malloc(2 * n * sizeof *starts);
    for (size_t c = 0; c < n; c++) {
        const size_t i = cells[c] % nx, j = cells[c] / nx;
        starts[2 * c] = view[0] + (double)i * (view[1] - view[0]) / (double)(nx - 1);
        starts[2 * c + 1] = view[2] + (double)j * (view[3] - view[2]) / (double)(ny - 1);
    }
    const clopt_run_options ro = {
        "himmelblau", specs, nopt, starts, n, steps, steps, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    final_points p;
    CU_ASSERT_EQUAL_FATAL(run_final(&ro, &p), 0);
    size_t differ = 0, diverged = 0;
    for (size_t k = 0; k < nopt; k++) {
        const clopt_explore_map m = map_of(e, k);
        CU_ASSERT_EQUAL(m.runs, nx * ny);
        CU_ASSERT_STRING_EQUAL(clopt_explore_optimizer(e, k), clopt_run_optimizer(p.run, k * n));
        for (size_t c = 0; c < n; c++) {
            differ += !same_cell(&m, cells[c], &p, k * n + c);
            diverged += m.diverged_at[cells[c]] >= 0;
        }
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(diverged > 0); /* plain SGD with lr 0.03 leaves Himmelblau from some cells */
    if (differ) fprintf(stderr, "\n  %zu sampled cells differ from clopt_run\n", differ);
    free_final(&p);
    free(starts);
    clopt_explore_release(e);
}

/*
 * Every cell of three sweeps against clopt_run with that cell's spec: SGD over lr (log) x
 * momentum (0 included: no velocity kept), Nadam over beta_1, whose momentum schedule is
 * kept per config, and Lamb (a rule on the whole point) over lr.
 */
static void test_sweep_cells_equal_runs(void)
{
    const uint64_t steps = test_quick() ? 20 : 250;
    const char *sgd[] = {"sgd(lr=0.001, nesterov=True)"}, *nadam[] = {"nadam(lr=0.01)"},
               *lamb[] = {"lamb(weight_decay=0.01)"};
    const double start[] = {-1.25, 1.75};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_SWEEP,
                               .function = "rosenbrock",
                               .optimizers = sgd,
                               .noptimizers = 1,
                               .start = start,
                               .naxes = 2,
                               .steps = steps,
                               .tol = 1e-4};
    o.axes[0] = (clopt_explore_axis){"learning_rate", 1e-4, 3e-3, 7, 1};
    o.axes[1] = (clopt_explore_axis){"momentum", 0.0, 0.95, 5, 0};
    char sched_spec[128];
    snprintf(sched_spec, sizeof sched_spec, "adam(lr=0.05, schedule=cosine(steps=%llu, warmup=10))",
             (unsigned long long)steps);
    const char *sched[] = {sched_spec};
    for (int sweep = 0; sweep < 4; sweep++) {
        if (sweep == 3) { /* a schedule's parameter against the rate */
            o.optimizers = sched, o.naxes = 2;
            /* whole numbers of steps: 0, h, 2h, 3h up to half the run */
            o.axes[0] = (clopt_explore_axis){"schedule.warmup", 0, (double)(steps / 6 * 3), 4, 0};
            o.axes[1] = (clopt_explore_axis){"lr", 0.01, 0.1, 3, 1};
        }
        if (sweep == 1) {
            o.optimizers = nadam, o.naxes = 1;
            o.axes[0] = (clopt_explore_axis){"beta_1", 0.5, 0.99, 9, 0};
        }
        if (sweep == 2) {
            o.optimizers = lamb;
            o.axes[0] = (clopt_explore_axis){"lr", 0.001, 0.1, 6, 1};
        }
        clopt_exploration *e = explore_whole(&o, sweep ? 0 : 61);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        size_t n0, n1 = 1;
        const double *v0 = clopt_explore_axis_values(e, 0, &n0), *v1 = NULL;
        if (o.naxes == 2) v1 = clopt_explore_axis_values(e, 1, &n1);
        CU_ASSERT_STRING_EQUAL(clopt_explore_axis_name(e, 0), sweep == 1   ? "beta_1"
                                                              : sweep == 3 ? "schedule.warmup"
                                                                           : "lr");
        CU_ASSERT_EQUAL(v0[0], o.axes[0].lo);
        CU_ASSERT_EQUAL(v0[n0 - 1], o.axes[0].hi);
        if (sweep == 0)
            CU_ASSERT_DOUBLE_EQUAL(v0[3], sqrt(1e-4 * 3e-3), 1e-15); /* geometric middle */
        if (sweep == 3) CU_ASSERT_EQUAL(v0[1], (double)(steps / 6));
        const size_t runs = n0 * n1;
        char **specs = malloc(runs * sizeof *specs);
        for (size_t r = 0; r < runs; r++) {
            specs[r] = malloc(160);
            if (sweep == 3)
                snprintf(specs[r], 160,
                         "{\"name\":\"adam\",\"lr\":%.17g,\"schedule\":{\"name\":\"cosine\","
                         "\"steps\":%llu,\"warmup\":%.17g}}",
                         v1[r / n0], (unsigned long long)steps, v0[r % n0]);
            else if (sweep == 1)
                snprintf(specs[r], 160, "{\"name\":\"nadam\",\"lr\":0.01,\"beta_1\":%.17g}", v0[r]);
            else if (sweep == 2)
                snprintf(specs[r], 160, "{\"name\":\"lamb\",\"weight_decay\":0.01,\"lr\":%.17g}",
                         v0[r]);
            else
                snprintf(specs[r], 160,
                         "{\"name\":\"sgd\",\"nesterov\":true,\"lr\":%.17g,\"momentum\":%.17g}",
                         v0[r % n0], v1[r / n0]);
        }
        const clopt_run_options ro = {
            "rosenbrock",         (const char *const *)specs, runs, start, 1, steps, steps, 0, 0, 0,
            CLOPT_PRECISION_FLOAT};
        final_points p;
        CU_ASSERT_EQUAL_FATAL(run_final(&ro, &p), 0);
        const clopt_explore_map m = map_of(e, 0);
        CU_ASSERT_EQUAL(m.runs, runs);
        size_t differ = 0;
        for (size_t r = 0; r < runs; r++)
            differ += !same_cell(&m, r, &p, r);
        CU_ASSERT_EQUAL(differ, 0);
        if (differ)
            fprintf(stderr, "\n  sweep %d: %zu cells differ from clopt_run\n", sweep, differ);
        for (size_t r = 0; r < runs; r++)
            free(specs[r]);
        free(specs);
        free_final(&p);
        clopt_explore_release(e);
    }
}

/*
 * converged_at is the first step whose f is within tol of f* = 0: SGD on the sphere scales
 * f by (1 - 2 lr)^2 per step, so each cell's step is found in its recorded trajectory; the
 * cell started at the minimum converges at step 0; on the saddle (no minimum) none does.
 */
static void test_converged_at_first_step_within_tolerance(void)
{
    const char *specs[] = {"sgd(lr=0.1)"};
    const double view[] = {-1, 1, -1, 1};
    const double tol = 1e-3;
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "sphere",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .nx = 5,
                               .ny = 3,
                               .view = view,
                               .steps = 40,
                               .tol = tol};
    clopt_exploration *e = explore_whole(&o, 9);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    const clopt_explore_map m = map_of(e, 0);
    double starts[2 * 15];
    for (size_t r = 0; r < 15; r++)
        starts[2 * r] = -1 + (double)(r % 5) * 0.5, starts[2 * r + 1] = -1 + (double)(r / 5);
    const clopt_run_options ro = {
        "sphere", specs, 1, starts, 15, 40, 1, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    clopt_error err;
    clopt_run *run = clopt_run_create(test_context(), &ro, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(run);
    int32_t first[15];
    for (size_t t = 0; t < 15; t++)
        first[t] = -1;
    while (!clopt_run_finished(run)) {
        clopt_slice s;
        CU_ASSERT_EQUAL_FATAL(clopt_run_advance(run, 0, &s, &err), CLOPT_OK);
        for (size_t r = 0; r < s.rows; r++)
            for (size_t t = 0; t < 15; t++)
                if (first[t] < 0 && fabsf(s.data[(r * 15 + t) * 3 + 2]) <= (float)tol)
                    first[t] = (int32_t)(s.first_step + r);
    }
    for (size_t t = 0; t < 15; t++)
        CU_ASSERT_EQUAL(m.converged_at[t], first[t]);
    CU_ASSERT_EQUAL(m.converged_at[7], 0); /* started at (0, 0) */
    /* In closed form: x_k = 0.8^k x_0, so f_k = 0.64^k f_0 and converged_at is the first k
     * with 0.64^k f_0 <= tol: 18 from (-1, -1), where f_17 = 1.01e-3. Float rounds f_k by
     * ~1e-6 relative; every f_k here is more than 0.5% away from tol. */
    for (size_t t = 0; t < 15; t++) {
        const double f0 = starts[2 * t] * starts[2 * t] + starts[2 * t + 1] * starts[2 * t + 1];
        int32_t k = 0;
        double f = f0;
        while (f > tol && k < 40) {
            CU_ASSERT(fabs(f - tol) > 5e-3 * tol);
            f *= 0.64, k++;
        }
        CU_ASSERT(fabs(f - tol) > 5e-3 * tol);
        CU_ASSERT_EQUAL(m.converged_at[t], k);
    }
    CU_ASSERT_EQUAL(m.converged_at[0], 18);
    clopt_run_release(run);
    clopt_explore_release(e);

    o.function = "saddle";
    o.view = NULL;
    e = explore_whole(&o, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    const clopt_explore_map s = map_of(e, 0);
    for (size_t r = 0; r < s.runs; r++) {
        CU_ASSERT_EQUAL(s.converged_at[r], -1);
        CU_ASSERT_EQUAL(s.minimum[r], -1);
    }
    clopt_explore_release(e);
}

/*
 * converged_at where f* is not 0 and |f*| > 1: Lion(beta_1 = 0.01, beta_2 = 0) on
 * Styblinski-Tang (f* = -78.33233140754283 at x_i = -2.903534027771178, docs/semantics.md) is
 * sign descent: each coordinate moves by exactly lr toward the minimum, then rocks around
 * it. A double simulation of docs/semantics.md's Lion gives every cell's first step with
 * f - f* <= tol |f*| = 7.8e-2 (36 to 136 steps; a tolerance left unscaled, 1e-3, gives 40 to
 * 140, and f itself is never within either of 0). The device differs from the simulation by
 * its float positions (<= 140 roundings of eps/2 * 3 = 2.5e-5 per coordinate, where
 * |grad f| < 4 near the tolerance: 2e-4 in f), float f (a few eps of its terms' 440: 2e-4)
 * and f* as a float (the catalogue's, 2e-6): every step's f - f* must be 1e-3 or more from
 * the tolerance, which the test checks (the grid's closest is 9.8e-3) before it compares.
 */
static double st_f(double x, double y, double *gx, double *gy)
{
    *gx = 2 * x * x * x - 16 * x + 2.5, *gy = 2 * y * y * y - 16 * y + 2.5;
    return 0.5 * (x * x * x * x - 16 * x * x + 5 * x + y * y * y * y - 16 * y * y + 5 * y);
}

static double sign_of(double c)
{
    return c > 0 ? 1 : c < 0 ? -1 : 0;
}

static void test_converged_at_scales_the_tolerance_by_the_minimum(void)
{
    const char *specs[] = {"lion(lr=0.01, beta_1=0.01, beta_2=0)"};
    const double lr = 0.01, b1 = 0.01, b2 = 0;
    const double view[] = {-2.5, -1.5, -2.5, -1.5}, fstar = -78.33233140754283, tol = 1e-3;
    enum { NX = 3, NY = 3, STEPS = 200 };
    const clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                                     .function = "styblinski_tang",
                                     .optimizers = specs,
                                     .noptimizers = 1,
                                     .nx = NX,
                                     .ny = NY,
                                     .view = view,
                                     .steps = STEPS,
                                     .tol = tol};
    clopt_exploration *e = explore_whole(&o, 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    const clopt_explore_map m = map_of(e, 0);
    const double scaled = tol * fabs(fstar);
    for (size_t r = 0; r < NX * NY; r++) {
        double x = view[0] + (double)(r % NX) * (view[1] - view[0]) / (NX - 1);
        double y = view[2] + (double)(r / NX) * (view[3] - view[2]) / (NY - 1);
        double mx = 0, my = 0, gx, gy, closest = INFINITY;
        int32_t expect = -1;
        for (int32_t step = 0; step <= STEPS && expect < 0; step++) {
            const double gap = st_f(x, y, &gx, &gy) - fstar;
            closest = fmin(closest, fabs(gap - scaled));
            if (gap <= scaled) expect = step;
            x -= lr * sign_of(b1 * mx + (1 - b1) * gx), y -= lr * sign_of(b1 * my + (1 - b1) * gy);
            mx = b2 * mx + (1 - b2) * gx, my = b2 * my + (1 - b2) * gy;
        }
        CU_ASSERT(closest >= 1e-3); /* decidable in float */
        CU_ASSERT(expect >= 36);
        CU_ASSERT_EQUAL(m.converged_at[r], expect);
        if (m.converged_at[r] != expect)
            fprintf(stderr, "\n  cell %zu: converged_at %d, expected %d\n", r,
                    (int)m.converged_at[r], (int)expect);
    }
    clopt_explore_release(e);
}

/*
 * minimum: on Himmelblau a 11 x 11 grid over [-5, 5]^2 has a cell at the minimum (3, 2),
 * which stays there (index 0); after enough Adam steps every index is within 1% of the
 * view's width of its minimum and every -1 is farther from all four; all four are reached.
 * With one tiny step no run is near a minimum but the one that starts there.
 */
static void test_minimum_is_the_nearby_known_minimum(void)
{
    const char *specs[] = {"adam(lr=0.05)"};
    const clopt_function_info *fn = clopt_function_find("himmelblau", NULL);
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "himmelblau",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .nx = 11,
                               .ny = 11,
                               .steps = 1500,
                               .tol = 1e-4};
    clopt_exploration *e = explore_whole(&o, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    clopt_explore_map m = map_of(e, 0);
    const size_t at_min = 7 * 11 + 8; /* (i, j) = (8, 7): (3, 2) */
    CU_ASSERT_EQUAL(m.minimum[at_min], 0);
    CU_ASSERT_EQUAL(m.converged_at[at_min], 0);
    int seen[4] = {0};
    for (size_t r = 0; r < m.runs; r++) {
        if (m.diverged_at[r] >= 0) continue;
        double nearest = INFINITY;
        for (size_t k = 0; k < fn->nminima; k++)
            nearest = fmin(nearest, hypot(m.x[r] - fn->minima[k].x, m.y[r] - fn->minima[k].y));
        if (m.minimum[r] >= 0) {
            const clopt_point *q = &fn->minima[m.minimum[r]];
            CU_ASSERT(hypot(m.x[r] - q->x, m.y[r] - q->y) <= 0.1);
            CU_ASSERT_EQUAL(hypot(m.x[r] - q->x, m.y[r] - q->y), nearest);
            seen[m.minimum[r]] = 1;
        } else
            CU_ASSERT(nearest > 0.1);
    }
    CU_ASSERT(seen[0] && seen[1] && seen[2] && seen[3]);
    clopt_explore_release(e);

    specs[0] = "adam(lr=0.0001)";
    o.steps = 1;
    e = explore_whole(&o, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    m = map_of(e, 0);
    for (size_t r = 0; r < m.runs; r++)
        CU_ASSERT_EQUAL(m.minimum[r], r == at_min ? 0 : -1);
    clopt_explore_release(e);
}

/*
 * diverged_at: plain SGD on Rosenbrock from (-1.5, 2) diverges at step 5: docs/semantics.md's SGD
 * in double gives f = 2.6e13 at step 4 and 4.5e38 at step 5 (beyond the 1e30 of the rule and
 * even float's range), so float cannot disagree. That cell has no final point, no minimum
 * and no convergence.
 */
static int64_t sgd_rosenbrock_diverges_at(double x, double y, double lr, int steps)
{
    for (int s = 0; s <= steps; s++) {
        const double a = 1 - x, b = y - x * x, f = a * a + 100 * b * b;
        if (!(fabs(f) <= 1e30)) {
            CU_ASSERT(!(fabs(f) <= 1e33)); /* decisively past the threshold */
            return s;
        }
        CU_ASSERT(fabs(f) < 1e27);
        const double gx = -2 * a - 400 * x * b, gy = 200 * b;
        x -= lr * gx, y -= lr * gy;
    }
    return -1;
}

static void test_diverged_at_as_runs(void)
{
    const char *specs[] = {"sgd"};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "rosenbrock",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .nx = 9,
                               .ny = 5,
                               .steps = 20,
                               .tol = 1e-4};
    clopt_exploration *e = explore_whole(&o, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    const clopt_explore_map m = map_of(e, 0);
    const size_t cell = 3 * 9 + 1; /* x = -2 + 0.5 i, y = -1 + j */
    CU_ASSERT_EQUAL(m.diverged_at[cell], sgd_rosenbrock_diverges_at(-1.5, 2, 0.01, 20));
    CU_ASSERT_EQUAL(m.diverged_at[cell], 5);
    CU_ASSERT(isnan(m.x[cell]) && isnan(m.y[cell]) && isnan(m.f[cell]));
    CU_ASSERT_EQUAL(m.minimum[cell], -1);
    CU_ASSERT_EQUAL(m.converged_at[cell], -1);
    const size_t at_min = 2 * 9 + 6; /* (1, 1): never moves, never diverges */
    CU_ASSERT_EQUAL(m.diverged_at[at_min], -1);
    CU_ASSERT_EQUAL(m.converged_at[at_min], 0);
    CU_ASSERT_EQUAL(m.minimum[at_min], 0);
    CU_ASSERT_EQUAL(m.f[at_min], 0.0f);
    clopt_explore_release(e);
}

/*
 * The work-item shape does not change a basin map: one run per work-item (as on GPUs, where
 * basins and sweeps share the one program) gives the bits of the default shape.
 */
static void test_shapes_do_not_change_basins(void)
{
    setenv("CLOPT_TRAJECTORY_LANES", "1", 1);
    setenv("CLOPT_TRAJECTORY_GROUPS", "1", 1);
    clopt_error err;
    clopt_context *one = clopt_context_create(NULL, &err);
    unsetenv("CLOPT_TRAJECTORY_LANES");
    unsetenv("CLOPT_TRAJECTORY_GROUPS");
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    const char *specs[] = {"adam(lr=0.05)", "sgd(lr=0.02, momentum=0.5)", "lamb(lr=0.1)"};
    const clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                                     .function = "himmelblau",
                                     .optimizers = specs,
                                     .noptimizers = 3,
                                     .nx = 19,
                                     .ny = 23,
                                     .steps = test_quick() ? 20 : 200,
                                     .tol = 1e-4};
    clopt_exploration *a = explore_whole(&o, 0), *b = clopt_explore_create(one, &o, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    while (!clopt_explore_finished(b))
        CU_ASSERT_EQUAL_FATAL(clopt_explore_advance(b, 0, &err), CLOPT_OK);
    for (size_t k = 0; k < 3; k++) {
        const clopt_explore_map ma = map_of(a, k), mb = map_of(b, k);
        const size_t n = ma.runs;
        CU_ASSERT(memcmp(ma.x, mb.x, n * sizeof(float)) == 0);
        CU_ASSERT(memcmp(ma.f, mb.f, n * sizeof(float)) == 0);
        CU_ASSERT(memcmp(ma.converged_at, mb.converged_at, n * sizeof(int32_t)) == 0);
        CU_ASSERT(memcmp(ma.diverged_at, mb.diverged_at, n * sizeof(int32_t)) == 0);
    }
    clopt_explore_release(a);
    clopt_explore_release(b);
    clopt_context_release(one);
}

/* Memory is O(runs): a 512 x 512 basin map of 1,000 steps and 256 x 256 sweeps in 64 MB. */
static void test_device_memory_is_per_run(void)
{
    const char *specs[] = {"adam"}, *sgd[] = {"sgd(momentum=0.9)"};
    const clopt_explore_options basins = {.kind = CLOPT_EXPLORE_BASINS,
                                          .function = "rosenbrock",
                                          .optimizers = specs,
                                          .noptimizers = 1,
                                          .nx = 512,
                                          .ny = 512,
                                          .steps = 1000,
                                          .tol = 1e-4};
    clopt_explore_options sweep = {.kind = CLOPT_EXPLORE_SWEEP,
                                   .function = "rosenbrock",
                                   .optimizers = sgd,
                                   .noptimizers = 1,
                                   .naxes = 2,
                                   .steps = 1000,
                                   .tol = 1e-4};
    sweep.axes[0] = (clopt_explore_axis){"lr", 1e-5, 1e-2, 256, 1};
    sweep.axes[1] = (clopt_explore_axis){"momentum", 0, 0.99, 256, 0};
    clopt_explore_options adam = sweep; /* scalars per step: a table per slice */
    adam.optimizers = specs, adam.axes[1] = (clopt_explore_axis){"beta_1", 0, 0.99, 256, 0};
    const clopt_explore_options *all[] = {&basins, &sweep, &adam};
    for (size_t i = 0; i < 3; i++) {
        clopt_error err;
        clopt_exploration *e = clopt_explore_create(test_context(), all[i], &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        const size_t bytes = clopt_explore_device_bytes(e);
        CU_ASSERT(bytes > 65536 * 36 && bytes <= 64u << 20);
        size_t host = 0, device = 0; /* the plan, before allocating, says the same */
        CU_ASSERT_EQUAL(clopt_explore_plan_bytes(test_context(), all[i], &host, &device, &err),
                        CLOPT_OK);
        CU_ASSERT_EQUAL(device, bytes);
        CU_ASSERT(host > 65536 * 24);
        if (bytes > 64u << 20) fprintf(stderr, "\n  exploration %zu holds %zu bytes\n", i, bytes);
        clopt_explore_map m;
        CU_ASSERT_EQUAL(clopt_explore_map_get(e, 0, &m, &err), CLOPT_ESTATE);
        ASSERT_ERROR(err, CLOPT_ESTATE, "at step 0 of 1000");
        clopt_explore_release(e);
    }
}

/*
 * Sweeps keep one row of scalars per config when clopt_schedule_constant says they do not
 * change: for every optimizer with its defaults, and with decay where it takes one, the
 * claim is checked against clopt_schedule_scalars at steps 0, 1 and 999.
 */
static void test_constant_schedules_are_constant(void)
{
    size_t constant = 0;
    for (int kind = 0; kind < CLOPT_KIND_COUNT; kind++)
        for (int decay = 0; decay < 2; decay++) {
            clopt_config c;
            clopt_config_defaults(&c, clopt_catalogue_optimizer((clopt_kind)kind));
            if (decay && !clopt_catalogue_takes(c.info, CLOPT_P_DECAY)) continue;
            c.v[CLOPT_P_DECAY] = decay ? 0.01 : c.v[CLOPT_P_DECAY];
            if (!clopt_schedule_constant(&c)) continue;
            constant++;
            clopt_scalars k0, k;
            const clopt_running start = clopt_running_start();
            CU_ASSERT_EQUAL(clopt_schedule_scalars(&c, 0, start, &k0).m_schedule, 1.0);
            const uint64_t steps[] = {1, 999};
            for (int i = 0; i < 2; i++) {
                CU_ASSERT_EQUAL(clopt_schedule_scalars(&c, steps[i], start, &k).m_schedule, 1.0);
                CU_ASSERT(memcmp(&k, &k0, sizeof k) == 0);
            }
        }
    CU_ASSERT(constant >= 4); /* SGD, RMSprop, Adagrad, Adadelta without decay */
}

/*
 * A final point as near to two known minima breaks the tie toward the lower index (the order
 * of clopt functions): six-hump camel's two minima are mirror images through (0, 0), where a
 * run with lr = 0 stays; the view is wide enough that both are within 1% of it.
 */
static void test_nearest_minimum_ties_go_to_the_lower_index(void)
{
    const char *specs[] = {"sgd(lr=0)"};
    const double view[] = {-100, 100, -100, 100};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = "six_hump_camel",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .nx = 3,
                               .ny = 3,
                               .view = view,
                               .steps = 1,
                               .tol = 1e-4};
    clopt_exploration *e = explore_whole(&o, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    clopt_explore_map m = map_of(e, 0);
    CU_ASSERT_EQUAL(m.x[4], 0.0f);
    CU_ASSERT_EQUAL(m.y[4], 0.0f);
    CU_ASSERT_EQUAL(m.minimum[4], 0); /* the centre cell */
    clopt_explore_release(e);
}

/*
 * Sweep values between the ends are rounded to 15 digits (0.001, not 0.0010000000000000002)
 * only where that stays between their neighbours: beta_2 from 0.9999999999999992 to
 * 0.9999999999999999 once gave 1, outside the axis and refused.
 */
static void test_sweep_values_stay_between_the_ends(void)
{
    const clopt_explore_axis b2 = {"beta_2", 0.9999999999999992, 0.9999999999999999, 3, 0};
    const double mid = clopt_explore_axis_value(&b2, 1);
    CU_ASSERT(mid > b2.lo && mid < b2.hi);
    const clopt_explore_axis lr = {"lr", 1e-4, 1e-2, 3, 1};
    CU_ASSERT_EQUAL(clopt_explore_axis_value(&lr, 1), 0.001);
    const char *specs[] = {"adam"};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_SWEEP,
                               .function = "sphere",
                               .optimizers = specs,
                               .noptimizers = 1,
                               .axes = {b2},
                               .naxes = 1,
                               .steps = 2,
                               .tol = 1e-4};
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_check(&o, &err), CLOPT_OK);
    if (err.status != CLOPT_OK) fprintf(stderr, "\n  %s\n", err.text);
}

static void expect_rejected(const clopt_explore_options *o, const char *needle)
{
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_check(o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    CU_ASSERT_PTR_NULL(clopt_explore_create(test_context(), o, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
}

static void test_bad_input(void)
{
    const char *one[] = {"adam"}, *two[] = {"adam", "sgd"}, *bad[] = {"adam", "adma"};
    const char *seventeen[17];
    for (int i = 0; i < 17; i++)
        seventeen[i] = "adam";
    const double flipped[] = {1, 0, 0, 1}, nan_view[] = {0, NAN, 0, 1}, inf_start[] = {0, INFINITY};
    const clopt_explore_options basins = {.kind = CLOPT_EXPLORE_BASINS,
                                          .function = "sphere",
                                          .optimizers = one,
                                          .noptimizers = 1,
                                          .nx = 8,
                                          .ny = 8,
                                          .steps = 10,
                                          .tol = 1e-4};
    clopt_explore_options sweep = {.kind = CLOPT_EXPLORE_SWEEP,
                                   .function = "sphere",
                                   .optimizers = one,
                                   .noptimizers = 1,
                                   .naxes = 1,
                                   .steps = 10,
                                   .tol = 1e-4};
    sweep.axes[0] = (clopt_explore_axis){"lr", 0.001, 0.1, 8, 1};
    clopt_explore_options o = basins;
    o.function = "spere";
    expect_rejected(&o, "did you mean 'sphere'");
    o = basins, o.nx = 1;
    expect_rejected(&o, "grid 1 x 8; expected 2 .. 4096 per side");
    o = basins, o.ny = 4097;
    expect_rejected(&o, "grid 8 x 4097");
    o = basins, o.nx = o.ny = 4096, o.optimizers = two, o.noptimizers = 2;
    expect_rejected(&o, "2 optimizers x 4096 x 4096 cells is more than 4194304 runs");
    o = basins, o.optimizers = seventeen, o.noptimizers = 17;
    expect_rejected(&o, "17 optimizers; expected 1 .. 16");
    o = basins, o.optimizers = bad, o.noptimizers = 2;
    expect_rejected(&o, "optimizer 2: unknown optimizer 'adma'; did you mean 'adam'?");
    o = basins, o.noptimizers = 0;
    expect_rejected(&o, "no optimizers");
    o = basins, o.view = flipped;
    expect_rejected(&o, "expected x0 < x1 and y0 < y1");
    o = basins, o.view = nan_view;
    expect_rejected(&o, "view: x1 = nan is not a finite number");
    o = basins, o.steps = 0;
    expect_rejected(&o, "steps = 0; expected 1 .. 10000000");
    o = basins, o.tol = -1;
    expect_rejected(&o, "tol = -1; expected a finite number >= 0");
    o = basins, o.tol = NAN;
    expect_rejected(&o, "tol = nan");
    o = sweep, o.optimizers = two, o.noptimizers = 2;
    expect_rejected(&o, "2 optimizers; a sweep varies exactly one");
    o = sweep, o.naxes = 0;
    expect_rejected(&o, "0 hyperparameters to vary; expected 1 or 2");
    o = sweep, o.start = inf_start;
    expect_rejected(&o, "start 0,inf: expected two finite numbers");
    o = sweep, o.axes[0].name = "lrr";
    expect_rejected(&o, "vary 1: unknown argument 'lrr' for Adam; did you mean 'lr'?");
    o = sweep, o.axes[0].name = "momentum";
    expect_rejected(&o, "vary 1: unknown argument 'momentum' for Adam");
    o = sweep, o.axes[0].n = 1;
    expect_rejected(&o, "vary 1: 1 values; expected 2 .. 4096");
    o = sweep, o.axes[0].lo = 0.2;
    expect_rejected(&o, "vary 1: lr from 0.2 to 0.1; expected finite LO < HI");
    o = sweep, o.axes[0].lo = 0;
    expect_rejected(&o, "vary 1: lr from 0 on a log scale; expected LO > 0");
    o = sweep, o.axes[0] = (clopt_explore_axis){"beta_1", 0.5, 1.5, 5, 0};
    expect_rejected(&o, "vary 1: Adam: beta_1=1.0 is out of range; expected a number in [0, 1)");
    o = sweep, o.naxes = 2, o.axes[1] = (clopt_explore_axis){"learning_rate", 0.1, 0.2, 3, 0};
    expect_rejected(&o, "vary 2: lr is varied twice");
    const char *sgd[] = {"sgd"};
    o = sweep, o.optimizers = sgd, o.axes[0] = (clopt_explore_axis){"nesterov", 0, 1, 2, 0};
    expect_rejected(&o, "vary 1: nesterov is true or false; expected a numeric hyperparameter");
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_check(&basins, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_explore_check(&sweep, &err), CLOPT_OK);
    CU_ASSERT_PTR_NULL(clopt_explore_create(NULL, &basins, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "context is NULL");
    CU_ASSERT_EQUAL(clopt_explore_advance(NULL, 0, &err), CLOPT_EINVAL);
    clopt_exploration *e = explore_whole(&basins, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    clopt_explore_map m;
    CU_ASSERT_EQUAL(clopt_explore_map_get(e, 1, &m, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "map 1; the exploration has 1");
    clopt_explore_release(e);
}

CU_TestInfo explore_tests[] = {
    {"nearest minimum ties go to the lower index", test_nearest_minimum_ties_go_to_the_lower_index},
    {"sweep values stay between the ends", test_sweep_values_stay_between_the_ends},
    {"basin cells equal runs bit for bit", test_basin_cells_equal_runs},
    {"sweep cells equal runs bit for bit", test_sweep_cells_equal_runs},
    {"converged_at is the first step within tolerance",
     test_converged_at_first_step_within_tolerance},
    {"converged_at scales the tolerance by the minimum",
     test_converged_at_scales_the_tolerance_by_the_minimum},
    {"minimum is the known minimum nearby", test_minimum_is_the_nearby_known_minimum},
    {"diverged_at as runs report it", test_diverged_at_as_runs},
    {"work-item shapes do not change basins", test_shapes_do_not_change_basins},
    {"device memory is per run", test_device_memory_is_per_run},
    {"constant schedules are constant", test_constant_schedules_are_constant},
    {"bad input", test_bad_input},
    CU_TEST_INFO_NULL,
};
