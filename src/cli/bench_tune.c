/*
 * clopt bench tune: the fair race's tuning shape, every optimizer of the catalogue with its
 * defaults x 25 lr values x 64 starts x 1,000 steps on Rosenbrock (one exploration per
 * optimizer, as clopt tune runs it, scoring included), and the coarse plan the server shows
 * first; the median over rounds of each.
 */
#include "cli.h"

#include "bench.h"
#include "catalogue_json.h"
#include "clock.h"
#include "timing.h"
#include "tune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench tune"
#define FUNCTION "rosenbrock"

const char clopt_cli_bench_tune_usage[] =
    "usage: clopt bench tune [--starts 64] [--steps 1000] [--repeat 5] [--device SEL] [--json]\n"
    "\n"
    "clopt tune's work on Rosenbrock: every optimizer of the catalogue with its defaults, lr\n"
    "over 25 log-spaced values (1e-4 .. 10 x its default), from the same starts, by the\n"
    "explore engine's reduce mode on the OpenCL device, scored; and the coarse plan (5 values\n"
    "x 8 starts) that the server sends first. Reports the median seconds over rounds, runs\n"
    "per second and point-steps per second.\n"
    "\n"
    "  --starts K        starts per value, 1 .. 4096 (default 64)\n"
    "  --steps N         steps of each run, 1 .. 100000 (default 1000)\n"
    "  --repeat R        rounds, 1 .. 1000 (default 5)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --json            the figures as one JSON object\n";

/* Seconds for a whole tuning (every exploration, read-back and scoring); < 0 on error. */
static double time_plan(clopt_context *ctx, const clopt_tune_plan *p, clopt_error *err)
{
    clopt_tune *t = clopt_tune_create(p, err);
    if (!t) return -1;
    const double t0 = clopt_now();
    int rc = 0;
    for (size_t k = 0; !rc && k < clopt_tune_optimizers(t); k++) {
        clopt_exploration *e = clopt_explore_create(ctx, clopt_tune_explore_options(t, k), err);
        rc = !e;
        while (!rc && !clopt_explore_finished(e))
            rc = clopt_explore_advance(e, 0, err) != CLOPT_OK;
        if (!rc) rc = clopt_tune_collect(t, k, e, err) != CLOPT_OK;
        clopt_explore_release(e);
    }
    const double dt = clopt_now() - t0;
    clopt_tune_release(t);
    return rc ? -1 : dt;
}

int clopt_cli_bench_tune(int argc, char **argv)
{
    static const bench_command c = {CMD, clopt_cli_bench_tune_usage, "--starts", 1, 4096, 64};
    bench_args a;
    int rc = bench_parse(&c, argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc; /* -1: --help was printed */
    json_t *all = clopt_catalogue_json();
    const char *specs[CLOPT_TUNE_MAX_OPTIMIZERS];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(all) && n < CLOPT_TUNE_MAX_OPTIMIZERS; i++)
        specs[n++] = json_string_value(json_object_get(json_array_get(all, i), "key"));
    clopt_tune_plan full = {.function = FUNCTION,
                            .optimizers = specs,
                            .noptimizers = n,
                            .nstarts = (size_t)a.size,
                            .nseeds = 1,
                            .steps = a.steps,
                            .tol = 1e-4};
    const clopt_tune_plan coarse = clopt_tune_coarse(&full);
    double *tf = malloc(a.repeat * sizeof *tf), *tc = malloc(a.repeat * sizeof *tc);
    clopt_error err;
    clopt_context *ctx = cli_bench_context(CMD, a.device, 0, &err);
    if (!ctx || !tf || !tc || !all) {
        fprintf(stderr, CMD ": %s\n", ctx ? "out of memory" : err.text);
        rc = 1;
        goto done;
    }
    for (uint64_t i = 0; i < a.repeat && !rc; i++) {
        tf[i] = time_plan(ctx, &full, &err);
        cli_settle();
        tc[i] = tf[i] < 0 ? -1 : time_plan(ctx, &coarse, &err);
        cli_settle();
        if (tf[i] < 0 || tc[i] < 0) {
            fprintf(stderr, CMD ": %s\n", err.text);
            rc = 1;
        }
    }
    if (!rc) {
        const double t = cli_median(tf, (size_t)a.repeat), tcm = cli_median(tc, (size_t)a.repeat);
        const double runs = (double)n * CLOPT_TUNE_VALUES * (double)a.size;
        const double coarse_runs = (double)n * CLOPT_TUNE_COARSE_VALUES * (double)coarse.nstarts;
        char device[256] = "";
        clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
        if (a.json)
            printf("{\"benchmark\": \"tune\", \"device\": \"%s\", \"function\": \"" FUNCTION
                   "\", \"optimizers\": %zu, \"values\": %u, \"starts\": %llu, \"steps\": %llu, "
                   "\"runs\": %.0f, \"seconds\": %.4f, \"runs_per_second\": %.1f, \"gps\": %.4f, "
                   "\"coarse_runs\": %.0f, \"coarse_seconds\": %.4f}\n",
                   device, n, CLOPT_TUNE_VALUES, (unsigned long long)a.size,
                   (unsigned long long)a.steps, runs, t, runs / t, runs * (double)a.steps / t / 1e9,
                   coarse_runs, tcm);
        else
            printf("tune: %zu optimizers x %u values x %llu starts x %llu steps on " FUNCTION
                   ", median of %llu\n"
                   "device: %s\n"
                   "  full plan    %.0f runs in %8.3f s  (%.0f runs/s, %.3f G point-steps/s)\n"
                   "  coarse plan  %.0f runs in %8.3f s  (%u values x %u starts)\n",
                   n, CLOPT_TUNE_VALUES, (unsigned long long)a.size, (unsigned long long)a.steps,
                   (unsigned long long)a.repeat, device, runs, t, runs / t,
                   runs * (double)a.steps / t / 1e9, coarse_runs, tcm, CLOPT_TUNE_COARSE_VALUES,
                   (unsigned)coarse.nstarts);
    }
done:
    free(tf);
    free(tc);
    json_decref(all);
    clopt_context_release(ctx);
    return rc;
}
