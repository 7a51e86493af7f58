/*
 * What `clopt bench trajectories` (bench.c) lends `clopt bench explore`: the options they
 * share, the engine's Adam scalars for the C loops, and two of the contenders (the runs
 * through clopt_run_* and a C loop), each timed from the same starts.
 */
#ifndef CLOPT_CLI_BENCH_H
#define CLOPT_CLI_BENCH_H

#include "clopt/clopt.h"

#include "bench_loops.h"
#include "engine.h"

#include <stdint.h>

typedef struct {
    uint64_t size; /* --starts (trajectories) or --grid (starts per side) */
    uint64_t steps, repeat;
    const char *device;
    int json;
} bench_args;

/* A benchmark's command line: its name, --help text and first option with its range. */
typedef struct {
    const char *cmd, *usage;
    const char *size_option;
    uint64_t size_min, size_max, size_default;
} bench_command;

/*
 * Reads argv[2 ..] (the size option, --steps 1 .. 100000 (1000), --repeat 1 .. 1000 (5),
 * --device, --json, --help) into *a. 0 when it is fine; -1 when --help was printed; 2 on a
 * usage error, printed.
 */
int bench_parse(const bench_command *c, int argc, char **argv, bench_args *a);

/* The engine's own per-step scalars of Adam `spec` for steps 0 .. steps-1, into k. */
void bench_adam_table(const char *spec, uint64_t steps, bench_adam_step *k);

/*
 * Seconds for clopt_run_* to run `spec` on `function` from n starts (x, y pairs) for
 * `steps` steps, recording only steps 0 and `steps`; the final points in x, y and, where rec
 * is not NULL, both records there as [2][3][n] (x, y, f; NaN once diverged); where split
 * is not NULL, the round's wall and device seconds. < 0 on error.
 */
/* One timed round of the engine: its wall seconds, and its commands' device seconds. */
typedef struct {
    double wall;
    clopt_engine_times device;
} bench_split;
double bench_time_runs(clopt_context *ctx, const char *function, const char *spec,
                       const double *starts, size_t n, uint64_t steps, float *x, float *y,
                       float *rec, bench_split *split, clopt_error *err);

/*
 * Prints where the engine's wall time went over `rounds` rounds (from the profiling queue
 * of cli_bench_context): the medians of each round's kernel, transfers and rest (the host's
 * work, launch and wait latencies) shares, and the kernel-alone rate of `work` point-steps;
 * as text lines, or as JSON fields (kernel_gps, ratio_kernel, transfers_share, host_share;
 * null where the device gave no times).
 */
void bench_report_split(const bench_split *s, size_t rounds, double work, int json);

/*
 * The largest difference between n values of the engine and of a loop, relative to
 * max(1, |engine's|), where the engine's is a number (its points are NaN once diverged; the
 * update-only loops go on). With `same_nan`, a NaN on one side only counts as infinite: the
 * loop that records must mark the same points.
 */
double bench_difference(const float *e, const float *c, size_t n, int same_nan);

/*
 * Seconds for a C loop (bench_loops.h) from n starts (x, y pairs) for `steps` steps: io's x, y
 * (n floats each) are set to the starts before the clock starts; the loop's outputs in io.
 */
double bench_time_loop(bench_loop_fn loop, const double *starts, size_t n, const bench_adam_step *k,
                       uint64_t steps, const bench_io *io);

#endif
