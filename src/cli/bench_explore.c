/*
 * clopt bench explore: an Adam basin map on Rosenbrock (512 x 512 starts, 1,000 steps) by
 * the explore engine, against the same runs through clopt_run_* (recording only the first
 * and the last point) and against the blocked C loops of `bench trajectories` (the update
 * only, and the one that also keeps what a basin map keeps), in rounds of the four one after
 * another; the ratios are per round, and their median is reported.
 */
#include "cli.h"

#include "bench.h"
#include "clock.h"
#include "explore.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench explore"
#define SPEC "adam(lr=0.001)"
#define FUNCTION "rosenbrock"
#define TOL 1e-4f /* Rosenbrock's minimum value is 0, so |f| <= TOL is converged */

/* Seconds for the basin map (every step and the read-back); its final x, y and (f not NULL)
 * its final f and convergence and divergence steps into f, cv, dv; the round's wall and
 * device seconds into split (not NULL). */
static double time_explore(clopt_context *ctx, const bench_args *a, clopt_precision precision,
                           float *x, float *y, float *f, int32_t *cv, int32_t *dv,
                           bench_split *split, clopt_error *err)
{
    const char *spec[] = {SPEC};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = FUNCTION,
                               .optimizers = spec,
                               .noptimizers = 1,
                               .nx = (size_t)a->size,
                               .ny = (size_t)a->size,
                               .steps = a->steps,
                               .tol = TOL,
                               .precision = precision};
    clopt_exploration *e = clopt_explore_create(ctx, &o, err);
    if (!e) return -1;
    const double t0 = clopt_now();
    clopt_explore_map m;
    while (!clopt_explore_finished(e))
        if (clopt_explore_advance(e, 0, err) != CLOPT_OK) goto fail;
    if (clopt_explore_map_get(e, 0, &m, err) != CLOPT_OK) goto fail;
    const double dt = clopt_now() - t0;
    if (split) *split = (bench_split){dt, clopt_explore_times(e)};
    memcpy(x, m.x, m.runs * sizeof *x);
    memcpy(y, m.y, m.runs * sizeof *y);
    if (f) {
        memcpy(f, m.f, m.runs * sizeof *f);
        memcpy(cv, m.converged_at, m.runs * sizeof *cv);
        memcpy(dv, m.diverged_at, m.runs * sizeof *dv);
    }
    clopt_explore_release(e);
    return dt;
fail:
    clopt_explore_release(e);
    return -1;
}

const char clopt_cli_bench_explore_usage[] =
    "usage: clopt bench explore [--grid 512] [--steps 1000] [--repeat 5] [--device SEL]\n"
    "                           [--precision double] [--json]\n"
    "\n"
    "An Adam (lr 0.001) basin map on Rosenbrock, grid x grid starts, by the explore engine on\n"
    "the OpenCL device, against the same runs through clopt_run_* and two C loops blocked\n"
    "over 256 runs (OpenMP SIMD), one that only updates and one that also keeps what the map\n"
    "keeps (f, the convergence and divergence steps), in rounds with a pause between\n"
    "contenders; reports point-steps per second and the median over rounds of each round's\n"
    "ratio, and the map's time split as in `clopt bench trajectories` (kernel, transfers,\n"
    "host; the kernel-alone rate).\n"
    "\n"
    "  --grid N          starts per side, 2 .. 1024 (default 512)\n"
    "  --steps N         steps of each, 1 .. 100000 (default 1000)\n"
    "  --repeat R        rounds, 1 .. 1000 (default 5)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --precision double  also the same map in double (cl_khr_fp64) in every round: its\n"
    "                    speed and the median of double's time over float's\n"
    "  --json            the figures as one JSON object\n";

/* The grid of the basin map (the same starts, in double, that clopt_explore uses). */
static void grid_starts(const bench_args *a, double *starts)
{
    const clopt_function_info *fn = clopt_function_find(FUNCTION, NULL);
    const double *v = fn->view;
    const size_t g = (size_t)a->size;
    for (size_t j = 0; j < g; j++)
        for (size_t i = 0; i < g; i++) {
            starts[2 * (j * g + i)] = v[0] + (double)i * (v[1] - v[0]) / (double)(g - 1);
            starts[2 * (j * g + i) + 1] = v[2] + (double)j * (v[3] - v[2]) / (double)(g - 1);
        }
}

typedef struct {
    double *te, *tr, *tb, *tc, *ratio_b, *ratio_r, *ratio_c, *td, *ratio_d; /* td: double */
    float *ex, *ey, *ef, *rx, *ry, *cx, *cy, *cf; /* e: the map's, c: the C loops' outputs */
    int32_t *ecv, *edv;                           /* the map's convergence, divergence steps */
    bench_split *dev;                             /* the map's rounds, for the time split */
    unsigned *ccv, *cdv;
    double *starts;
    bench_adam_step *k;
} buffers;

static void free_buffers(buffers *b)
{
    free(b->te), free(b->tr), free(b->tb), free(b->ratio_b), free(b->ratio_r);
    free(b->tc), free(b->ratio_c), free(b->cf), free(b->ecv), free(b->ccv), free(b->cdv);
    free(b->ef), free(b->edv);
    free(b->ex), free(b->ey), free(b->rx), free(b->ry), free(b->cx), free(b->cy);
    free(b->starts), free(b->k), free(b->td), free(b->ratio_d), free(b->dev);
}

static int alloc_buffers(buffers *b, const bench_args *a)
{
    const size_t n = (size_t)(a->size * a->size), r = (size_t)a->repeat;
    b->te = malloc(r * sizeof(double)), b->tr = malloc(r * sizeof(double));
    b->tb = malloc(r * sizeof(double)), b->ratio_b = malloc(r * sizeof(double));
    b->ratio_r = malloc(r * sizeof(double));
    b->tc = malloc(r * sizeof(double)), b->ratio_c = malloc(r * sizeof(double));
    b->cf = malloc(n * sizeof(float)), b->ecv = malloc(n * sizeof(int32_t));
    b->ef = malloc(n * sizeof(float)), b->edv = malloc(n * sizeof(int32_t));
    b->ccv = malloc(n * sizeof(unsigned)), b->cdv = malloc(n * sizeof(unsigned));
    b->td = malloc(r * sizeof(double)), b->ratio_d = malloc(r * sizeof(double));
    b->ex = malloc(n * sizeof(float)), b->ey = malloc(n * sizeof(float));
    b->rx = malloc(n * sizeof(float)), b->ry = malloc(n * sizeof(float));
    b->cx = malloc(n * sizeof(float)), b->cy = malloc(n * sizeof(float));
    b->starts = malloc(2 * n * sizeof(double));
    b->k = malloc((size_t)a->steps * sizeof *b->k);
    b->dev = calloc(r, sizeof *b->dev);
    return b->dev && b->td && b->ratio_d && b->te && b->tr && b->tb && b->ratio_b && b->ratio_r &&
           b->ex && b->ey && b->rx && b->ry && b->cx && b->cy && b->starts && b->k && b->tc &&
           b->ratio_c && b->cf && b->ecv && b->ccv && b->cdv && b->ef && b->edv;
}

/* How the C loops' outputs compare with the map's, and how many runs converged. */
typedef struct {
    size_t differ;          /* runs whose map point differs from clopt_run_*'s: must be 0 */
    double diff;            /* the C loops' largest difference in x, y and (relative) f */
    size_t converge_differ; /* runs whose convergence step differs (rounding near tol) */
    size_t diverge_differ;  /* runs whose divergence step differs */
    size_t converged;       /* runs the map saw converge */
} checks;

/* With --precision double: the double map's line (text or JSON fields); nothing otherwise. */
static void report_double(const bench_args *a, const buffers *b, int dbl, double work)
{
    if (!dbl) return;
    const size_t r = (size_t)a->repeat;
    const double td = cli_median(b->td, r), rd = cli_median(b->ratio_d, r);
    if (a->json)
        printf(", \"double_seconds\": %.4f, \"double_gps\": %.4f, \"ratio_double\": %.3f", td,
               work / td / 1e9, rd);
    else
        printf("  explore in double       %8.3f G point-steps/s  (%.3f s): %.2f x float's time\n",
               work / td / 1e9, td, rd);
}

static void report(const bench_args *a, clopt_context *ctx, buffers *b, const checks *c, int dbl)
{
    const size_t r = (size_t)a->repeat, n = (size_t)(a->size * a->size);
    const double te = cli_median(b->te, r), tr = cli_median(b->tr, r), tb = cli_median(b->tb, r);
    const double tc = cli_median(b->tc, r), rc = cli_median(b->ratio_c, r);
    const double rb = cli_median(b->ratio_b, r), rr = cli_median(b->ratio_r, r);
    const double work = (double)n * (double)a->steps;
    char device[256] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    if (a->json)
        printf("{\"benchmark\": \"explore\", \"device\": \"%s\", \"optimizer\": \"%s\", "
               "\"function\": \"" FUNCTION "\", \"runs\": %zu, \"steps\": %llu, "
               "\"seconds\": %.4f, \"gps\": %.4f, \"trajectories_gps\": %.4f, "
               "\"blocked_c_gps\": %.4f, \"ratio_blocked\": %.3f, \"blocked_reduce_c_gps\": %.4f, "
               "\"ratio_blocked_reduce\": %.3f, \"ratio_trajectories\": %.3f, "
               "\"runs_differing_from_trajectories\": %zu, \"max_difference_c\": %.3g, "
               "\"runs_converged\": %zu, \"runs_converging_differently_c\": %zu, "
               "\"runs_diverging_differently_c\": %zu",
               device, SPEC, n, (unsigned long long)a->steps, te, work / te / 1e9, work / tr / 1e9,
               work / tb / 1e9, rb, work / tc / 1e9, rc, rr, c->differ, c->diff, c->converged,
               c->converge_differ, c->diverge_differ);
    if (a->json) {
        bench_report_split(b->dev, r, work, 1);
        report_double(a, b, dbl, work);
        puts("}");
    } else
        printf("explore: %zu x %zu basin map of %s on " FUNCTION ", %llu steps, median of %zu\n"
               "device: %s\n"
               "  explore (reduce mode)   %8.3f G point-steps/s  (%.3f s)\n"
               "  runs (clopt_run_*)      %8.3f G point-steps/s  (%.3f s)\n"
               "  blocked C loop (simd)   %8.3f G point-steps/s  (%.3f s; the update only)\n"
               "  blocked C, same outputs %8.3f G point-steps/s  (%.3f s; f, convergence, "
               "divergence)\n"
               "  explore / blocked C = %.2f, / blocked C with the same outputs = %.2f,\n"
               "  / runs = %.2f (median ratios per round)\n"
               "  %zu runs differ from their trajectories; the C loops agree within %.3g; of %zu "
               "runs\n  that converge, %zu converge at another step in C (float rounding near "
               "the\n  tolerance); %zu diverge at another step\n",
               (size_t)a->size, (size_t)a->size, SPEC, (unsigned long long)a->steps, r, device,
               work / te / 1e9, te, work / tr / 1e9, tr, work / tb / 1e9, tb, work / tc / 1e9, tc,
               rb, rc, rr, c->differ, c->diff, c->converged, c->converge_differ, c->diverge_differ);
    if (!a->json) {
        bench_report_split(b->dev, r, work, 0);
        report_double(a, b, dbl, work);
    }
}

int clopt_cli_bench_explore(int argc, char **argv)
{
    static const bench_command c = {CMD, clopt_cli_bench_explore_usage, "--grid", 2, 1024, 512};
    bench_args a;
    /* --precision is this benchmark's own: taken out before the shared options */
    char *args[64];
    int nargs = 0, dbl = 0;
    for (int i = 0; i < argc && nargs < 64; i++) {
        const char *v = NULL;
        if (!strcmp(argv[i], "--precision") && i + 1 < argc)
            v = argv[++i];
        else if (!strncmp(argv[i], "--precision=", 12))
            v = argv[i] + 12;
        if (!v) {
            args[nargs++] = argv[i];
            continue;
        }
        if (strcmp(v, "float") && strcmp(v, "double")) {
            fprintf(stderr, CMD ": --precision = '%s': expected float or double\n", v);
            return 2;
        }
        dbl = v[0] == 'd';
    }
    int rc = bench_parse(&c, nargs, args, &a);
    if (rc) return rc < 0 ? 0 : rc; /* -1: --help was printed */
    const size_t n = (size_t)(a.size * a.size);
    buffers b = {0};
    clopt_error err;
    clopt_context *ctx = cli_bench_context(CMD, a.device, 1, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return 1;
    }
    if (!alloc_buffers(&b, &a)) {
        fputs(CMD ": out of memory\n", stderr);
        rc = 1;
        goto done;
    }
    grid_starts(&a, b.starts);
    bench_adam_table(SPEC, a.steps, b.k);
    const bench_io io = {.x = b.cx,
                         .y = b.cy,
                         .f = b.cf,
                         .converged = b.ccv,
                         .diverged = b.cdv,
                         .fstar = 0.0f,
                         .tol = TOL};
    double diff = 0; /* the C loops give the map's numbers, to rounding */
    for (uint64_t i = 0; i < a.repeat; i++) {
        b.te[i] = time_explore(ctx, &a, CLOPT_PRECISION_FLOAT, b.ex, b.ey, b.ef, b.ecv, b.edv,
                               &b.dev[i], &err);
        cli_settle();
        if (dbl && b.te[i] >= 0) { /* its points are not kept: float's are compared below */
            b.td[i] = time_explore(ctx, &a, CLOPT_PRECISION_DOUBLE, b.rx, b.ry, NULL, NULL, NULL,
                                   NULL, &err);
            cli_settle();
            if (b.td[i] < 0) b.te[i] = -1;
            b.ratio_d[i] = b.td[i] / b.te[i];
        }
        b.tr[i] = b.te[i] < 0 ? -1
                              : bench_time_runs(ctx, FUNCTION, SPEC, b.starts, n, a.steps, b.rx,
                                                b.ry, NULL, NULL, &err);
        cli_settle();
        if (b.te[i] < 0 || b.tr[i] < 0) {
            fprintf(stderr, CMD ": %s\n", err.text);
            rc = 1;
            goto done;
        }
        b.tb[i] = bench_time_loop(bench_blocked, b.starts, n, b.k, a.steps, &io);
        cli_settle();
        diff = fmax(diff,
                    fmax(bench_difference(b.ex, b.cx, n, 0), bench_difference(b.ey, b.cy, n, 0)));
        b.tc[i] = bench_time_loop(bench_blocked_reduce, b.starts, n, b.k, a.steps, &io);
        cli_settle();
        diff = fmax(diff,
                    fmax(bench_difference(b.ex, b.cx, n, 0), bench_difference(b.ey, b.cy, n, 0)));
        b.ratio_b[i] = b.tb[i] / b.te[i];
        b.ratio_c[i] = b.tc[i] / b.te[i];
        b.ratio_r[i] = b.tr[i] / b.te[i];
    }
    checks chk = {.diff = diff}; /* the engine's two modes give the same bits */
    for (size_t t = 0; t < n; t++) {
        chk.differ +=
            memcmp(&b.ex[t], &b.rx[t], sizeof(float)) || memcmp(&b.ey[t], &b.ry[t], sizeof(float));
        chk.converged += b.ecv[t] >= 0;
        chk.converge_differ += b.ecv[t] != (b.ccv[t] == BENCH_NEVER ? -1 : (int32_t)b.ccv[t]);
        chk.diverge_differ += b.edv[t] != (b.cdv[t] == BENCH_NEVER ? -1 : (int32_t)b.cdv[t]);
    }
    chk.diff = fmax(chk.diff, bench_difference(b.ef, b.cf, n, 0));
    report(&a, ctx, &b, &chk, dbl);
    rc = chk.differ != 0;
done:
    free_buffers(&b);
    clopt_context_release(ctx);
    return rc;
}
