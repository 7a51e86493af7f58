/*
 * clopt bench explore: an Adam basin map on Rosenbrock (512 x 512 starts, 1,000 steps) by
 * the explore engine, against the same runs through clopt_run_* (recording only the first
 * and the last point) and against the blocked C loop of `bench trajectories`, in rounds of
 * the three one after another; the ratios are per round, and their median is reported.
 */
#include "cli.h"

#include "args.h"
#include "usage.h"
#include "bench_loops.h"
#include "clock.h"
#include "config.h"
#include "schedule.h"
#include "spec.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench explore"
#define SPEC "adam(lr=0.001)"
#define FUNCTION "rosenbrock"

typedef struct {
    uint64_t grid, steps, repeat;
    const char *device;
    int json;
} bench_args;

/* Seconds for the basin map (every step and the read-back); its final x, y. */
static double time_explore(clopt_context *ctx, const bench_args *a, float *x, float *y,
                           clopt_error *err)
{
    const char *spec[] = {SPEC};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_BASINS,
                               .function = FUNCTION,
                               .optimizers = spec,
                               .noptimizers = 1,
                               .nx = (size_t)a->grid,
                               .ny = (size_t)a->grid,
                               .steps = a->steps,
                               .tol = 1e-4};
    clopt_exploration *e = clopt_explore_create(ctx, &o, err);
    if (!e) return -1;
    const double t0 = clopt_now();
    clopt_explore_map m;
    while (!clopt_explore_finished(e))
        if (clopt_explore_advance(e, 0, err) != CLOPT_OK) goto fail;
    if (clopt_explore_map_get(e, 0, &m, err) != CLOPT_OK) goto fail;
    const double dt = clopt_now() - t0;
    memcpy(x, m.x, m.runs * sizeof *x);
    memcpy(y, m.y, m.runs * sizeof *y);
    clopt_explore_release(e);
    return dt;
fail:
    clopt_explore_release(e);
    return -1;
}

/* Seconds for the same runs as trajectories recording steps 0 and N; their final x, y. */
static double time_runs(clopt_context *ctx, const bench_args *a, const double *starts, float *x,
                        float *y, clopt_error *err)
{
    const char *spec[] = {SPEC};
    const size_t n = (size_t)(a->grid * a->grid);
    clopt_run_options o = {FUNCTION, spec, 1, starts, n, a->steps, a->steps, 0, 0, 0};
    clopt_run *run = clopt_run_create(ctx, &o, err);
    if (!run) return -1;
    const double t0 = clopt_now();
    while (!clopt_run_finished(run)) {
        clopt_slice s;
        if (clopt_run_advance(run, 0, &s, err) != CLOPT_OK) {
            clopt_run_release(run);
            return -1;
        }
        const size_t last = s.rows - 1;
        if (s.rows && s.first_step + last * a->steps == a->steps)
            for (size_t t = 0; t < s.trajectories; t++) {
                x[t] = s.data[(last * s.trajectories + t) * s.components];
                y[t] = s.data[(last * s.trajectories + t) * s.components + 1];
            }
    }
    const double dt = clopt_now() - t0;
    clopt_run_release(run);
    return dt;
}

/* Seconds for the blocked C loop; its final x, y. */
static double time_blocked(const bench_args *a, const double *starts, const bench_adam_step *k,
                           float *x, float *y)
{
    const size_t n = (size_t)(a->grid * a->grid);
    for (size_t t = 0; t < n; t++) {
        x[t] = (float)starts[2 * t];
        y[t] = (float)starts[2 * t + 1];
    }
    const double t0 = clopt_now();
    bench_blocked(x, y, n, k, (size_t)a->steps);
    return clopt_now() - t0;
}

const char clopt_cli_bench_explore_usage[] =
    "usage: clopt bench explore [--grid 512] [--steps 1000] [--repeat 5] [--device SEL]\n"
    "                           [--json]\n"
    "\n"
    "An Adam (lr 0.001) basin map on Rosenbrock, grid x grid starts, by the explore engine on\n"
    "the OpenCL device, against the same runs through clopt_run_* and a C loop blocked over\n"
    "256 runs (OpenMP SIMD), in rounds with a pause between contenders; reports point-steps\n"
    "per second and the median over rounds of each round's ratio.\n"
    "\n"
    "  --grid N          starts per side, 2 .. 1024 (default 512)\n"
    "  --steps N         steps of each, 1 .. 100000 (default 1000)\n"
    "  --repeat R        rounds, 1 .. 1000 (default 5)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --json            the figures as one JSON object\n";

static int parse(int argc, char **argv, bench_args *a)
{
    *a = (bench_args){512, 1000, 5, NULL, 0};
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (strcmp(argv[i], "--json") == 0)
            a->json = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_bench_explore_usage, stdout);
            return -1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--grid", &bad))) {
            if (cli_u64(CMD, "--grid", v, 2, 1024, &a->grid)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--steps", &bad))) {
            if (cli_u64(CMD, "--steps", v, 1, 100000, &a->steps)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(CMD, "--repeat", v, 1, 1000, &a->repeat)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_bench_explore_usage);
        if (bad) return 2;
    }
    return 0;
}

/* The grid of the basin map (the same starts, in double, that clopt_explore uses). */
static void grid_starts(const bench_args *a, double *starts)
{
    const clopt_function_info *fn = clopt_function_find(FUNCTION, NULL);
    const double *v = fn->view;
    const size_t g = (size_t)a->grid;
    for (size_t j = 0; j < g; j++)
        for (size_t i = 0; i < g; i++) {
            starts[2 * (j * g + i)] = v[0] + (double)i * (v[1] - v[0]) / (double)(g - 1);
            starts[2 * (j * g + i) + 1] = v[2] + (double)j * (v[3] - v[2]) / (double)(g - 1);
        }
}

typedef struct {
    double *te, *tr, *tb, *ratio_b, *ratio_r;
    float *ex, *ey, *rx, *ry, *cx, *cy;
    double *starts;
    bench_adam_step *k;
} buffers;

static void free_buffers(buffers *b)
{
    free(b->te), free(b->tr), free(b->tb), free(b->ratio_b), free(b->ratio_r);
    free(b->ex), free(b->ey), free(b->rx), free(b->ry), free(b->cx), free(b->cy);
    free(b->starts), free(b->k);
}

static int alloc_buffers(buffers *b, const bench_args *a)
{
    const size_t n = (size_t)(a->grid * a->grid), r = (size_t)a->repeat;
    b->te = malloc(r * sizeof(double)), b->tr = malloc(r * sizeof(double));
    b->tb = malloc(r * sizeof(double)), b->ratio_b = malloc(r * sizeof(double));
    b->ratio_r = malloc(r * sizeof(double));
    b->ex = malloc(n * sizeof(float)), b->ey = malloc(n * sizeof(float));
    b->rx = malloc(n * sizeof(float)), b->ry = malloc(n * sizeof(float));
    b->cx = malloc(n * sizeof(float)), b->cy = malloc(n * sizeof(float));
    b->starts = malloc(2 * n * sizeof(double));
    b->k = malloc((size_t)a->steps * sizeof *b->k);
    return b->te && b->tr && b->tb && b->ratio_b && b->ratio_r && b->ex && b->ey && b->rx &&
           b->ry && b->cx && b->cy && b->starts && b->k;
}

static void report(const bench_args *a, clopt_context *ctx, buffers *b, size_t differ, double diff)
{
    const size_t r = (size_t)a->repeat, n = (size_t)(a->grid * a->grid);
    const double te = cli_median(b->te, r), tr = cli_median(b->tr, r), tb = cli_median(b->tb, r);
    const double rb = cli_median(b->ratio_b, r), rr = cli_median(b->ratio_r, r);
    const double work = (double)n * (double)a->steps;
    char device[256] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    if (a->json)
        printf("{\"benchmark\": \"explore\", \"device\": \"%s\", \"optimizer\": \"%s\", "
               "\"function\": \"" FUNCTION "\", \"runs\": %zu, \"steps\": %llu, "
               "\"seconds\": %.4f, \"gps\": %.4f, \"trajectories_gps\": %.4f, "
               "\"blocked_c_gps\": %.4f, \"ratio_blocked\": %.3f, \"ratio_trajectories\": %.3f, "
               "\"runs_differing_from_trajectories\": %zu, \"max_difference_c\": %.3g}\n",
               device, SPEC, n, (unsigned long long)a->steps, te, work / te / 1e9, work / tr / 1e9,
               work / tb / 1e9, rb, rr, differ, diff);
    else
        printf("explore: %zu x %zu basin map of %s on " FUNCTION ", %llu steps, median of %zu\n"
               "device: %s\n"
               "  explore (reduce mode)   %8.3f G point-steps/s  (%.3f s)\n"
               "  runs (clopt_run_*)      %8.3f G point-steps/s  (%.3f s)\n"
               "  blocked C loop (simd)   %8.3f G point-steps/s  (%.3f s)\n"
               "  explore / blocked C = %.2f, explore / runs = %.2f (median ratios per round)\n"
               "  %zu runs differ from their trajectories; the C loop agrees within %.3g\n",
               (size_t)a->grid, (size_t)a->grid, SPEC, (unsigned long long)a->steps, r, device,
               work / te / 1e9, te, work / tr / 1e9, tr, work / tb / 1e9, tb, rb, rr, differ, diff);
}

int clopt_cli_bench_explore(int argc, char **argv)
{
    bench_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    buffers b = {0};
    clopt_error err;
    clopt_context *ctx = clopt_context_create(a.device, &err);
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
    clopt_config cfg;
    clopt_spec_parse(SPEC, &cfg, NULL);
    for (uint64_t s = 0; s < a.steps; s++) {
        clopt_scalars sc;
        clopt_schedule_scalars(&cfg, s, 1.0, &sc);
        b.k[s] = (bench_adam_step){sc.lr,     sc.beta_1,           sc.one_minus_beta_1,
                                   sc.beta_2, sc.one_minus_beta_2, sc.epsilon};
    }
    for (uint64_t i = 0; i < a.repeat; i++) {
        b.te[i] = time_explore(ctx, &a, b.ex, b.ey, &err);
        cli_settle();
        b.tr[i] = b.te[i] < 0 ? -1 : time_runs(ctx, &a, b.starts, b.rx, b.ry, &err);
        cli_settle();
        if (b.te[i] < 0 || b.tr[i] < 0) {
            fprintf(stderr, CMD ": %s\n", err.text);
            rc = 1;
            goto done;
        }
        b.tb[i] = time_blocked(&a, b.starts, b.k, b.cx, b.cy);
        cli_settle();
        b.ratio_b[i] = b.tb[i] / b.te[i];
        b.ratio_r[i] = b.tr[i] / b.te[i];
    }
    size_t differ = 0; /* the engine's two modes give the same bits */
    double diff = 0;   /* and the C loop the same numbers, to rounding */
    for (size_t t = 0; t < (size_t)(a.grid * a.grid); t++) {
        differ +=
            memcmp(&b.ex[t], &b.rx[t], sizeof(float)) || memcmp(&b.ey[t], &b.ry[t], sizeof(float));
        if (isfinite(b.ex[t]) && isfinite(b.cx[t]))
            diff = fmax(diff, fmax(fabs(b.ex[t] - b.cx[t]), fabs(b.ey[t] - b.cy[t])));
    }
    report(&a, ctx, &b, differ, diff);
    rc = differ != 0;
done:
    free_buffers(&b);
    clopt_context_release(ctx);
    return rc;
}
