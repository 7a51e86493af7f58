/*
 * clopt bench: throughput measured against baselines in the same run (the machines are
 * shared and noisy, so ratios are what to compare).
 *   trajectories: the engine vs a naive and a blocked C loop (Adam on Rosenbrock);
 *   step: one optimizer step vs the same-traffic bound and a C loop (bench_step.c);
 *   explore: a basin map vs the same runs and the blocked C loop (bench_explore.c), which
 *   borrows this file's options and contenders (bench.h);
 *   tune: clopt tune's full and coarse plans, timed alone (bench_tune.c).
 */
#include "cli.h"

#include "args.h"
#include "bench.h"
#include "clock.h"
#include "config.h"
#include "run.h"
#include "schedule.h"
#include "spec.h"
#include "timing.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench trajectories"
#define SPEC "adam(lr=0.001)"

void bench_adam_table(const char *spec, uint64_t steps, bench_adam_step *k)
{
    clopt_config cfg;
    clopt_spec_parse(spec, &cfg, NULL);
    for (uint64_t s = 0; s < steps; s++) {
        clopt_scalars sc;
        clopt_schedule_scalars(&cfg, s, clopt_running_start(), &sc);
        k[s] = (bench_adam_step){sc.lr,     sc.beta_1,           sc.one_minus_beta_1,
                                 sc.beta_2, sc.one_minus_beta_2, sc.epsilon};
    }
}

double bench_time_runs(clopt_context *ctx, const char *function, const char *spec,
                       const double *starts, size_t n, uint64_t steps, float *x, float *y,
                       float *rec, bench_split *split, clopt_error *err)
{
    const char *specs[] = {spec};
    clopt_run_options o = {
        function, specs, 1, starts, n, steps, steps, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    clopt_run *run = clopt_run_create(ctx, &o, err);
    if (!run) return -1;
    const double t0 = clopt_now();
    while (!clopt_run_finished(run)) {
        clopt_slice s;
        if (clopt_run_advance(run, 0, &s, err) != CLOPT_OK) {
            clopt_run_release(run);
            return -1;
        }
        for (size_t r = 0; r < s.rows; r++) { /* rows at step 0 and at the last step */
            const uint64_t step = s.first_step + r * steps;
            const float *d = s.data + r * s.trajectories * s.components;
            for (size_t t = 0; step == steps && t < s.trajectories; t++) {
                x[t] = d[t * s.components];
                y[t] = d[t * s.components + 1];
            }
            for (size_t t = 0; rec && t < s.trajectories; t++)
                for (size_t c = 0; c < 3; c++)
                    rec[((step == steps) * 3 + c) * n + t] = d[t * s.components + c];
        }
    }
    const double dt = clopt_now() - t0;
    if (split) *split = (bench_split){dt, clopt_run_times(run)};
    clopt_run_release(run);
    return dt;
}

void bench_report_split(const bench_split *s, size_t rounds, double work, int json)
{
    double *v = malloc(4 * rounds * sizeof *v); /* kernel s, kernel, transfers, rest shares */
    int profiled = v != NULL;
    for (size_t i = 0; v && i < rounds; i++) {
        const clopt_engine_times d = s[i].device;
        profiled &= d.kernel > 0 && s[i].wall > 0;
        v[i] = d.kernel;
        v[rounds + i] = d.kernel / s[i].wall;
        v[2 * rounds + i] = d.transfers / s[i].wall;
        v[3 * rounds + i] = 1 - (d.kernel + d.transfers) / s[i].wall;
    }
    const int oom = v == NULL;
    double m[4];
    for (size_t k = 0; k < 4 && profiled; k++)
        m[k] = cli_median(v + k * rounds, rounds);
    free(v);
    if (json) { /* each key once: its value, or null where the device gave no profile */
        static const char *const key[4] = {"kernel_gps", "ratio_kernel", "transfers_share",
                                           "host_share"};
        for (size_t k = 0; k < 4; k++) {
            printf(", \"%s\": ", key[k]);
            if (!profiled)
                fputs("null", stdout);
            else
                printf(k == 0 ? "%.4f" : "%.3f", k == 0 ? work / m[0] / 1e9 : m[k]);
        }
    } else if (profiled)
        printf("  the engine's time (the device's profile): kernel %.1f%%, transfers %.1f%%,\n"
               "  host and waits %.1f%%; the kernel alone %.3f G point-steps/s, the engine %.2f "
               "of it\n",
               100 * m[1], 100 * m[2], 100 * m[3], work / m[0] / 1e9, m[1]);
    else
        printf("  the engine's time: %s\n",
               oom ? "out of memory to split it" : "the device gave no profile of its commands");
}

double bench_time_loop(bench_loop_fn loop, const double *starts, size_t n, const bench_adam_step *k,
                       uint64_t steps, const bench_io *io)
{
    for (size_t t = 0; t < n; t++) {
        io->x[t] = (float)starts[2 * t];
        io->y[t] = (float)starts[2 * t + 1];
    }
    const double t0 = clopt_now();
    loop(io, n, k, (size_t)steps);
    return clopt_now() - t0;
}

const char clopt_cli_bench_trajectories_usage[] =
    "usage: clopt bench trajectories [--starts 65536] [--steps 1000] [--repeat 5]\n"
    "                                [--device SEL] [--json]\n"
    "\n"
    "Runs Adam (lr 0.001) on Rosenbrock from many starts with the trajectory engine on the\n"
    "OpenCL device and three C loops: a naive one (one trajectory after another, OpenMP over\n"
    "the cores), one blocked over 256 trajectories (OpenMP SIMD) that only updates, and the\n"
    "blocked one that also gives the engine's records (f and the divergence check at every\n"
    "step, the first and last points), in interleaved rounds with a pause between\n"
    "contenders (threads bound one to a CPU, as in `clopt bench step`); reports each one's\n"
    "median speed in point-steps per second and the median over rounds of the engine's\n"
    "ratio to each loop and to the round's fastest; and where the engine's time went, from\n"
    "the device's profile of its commands: the kernel's, the transfers' and the rest's (host\n"
    "work, launch and wait latencies) shares, and the kernel-alone rate.\n"
    "\n"
    "  --starts N        trajectories, 1 .. 1048576 (default 65536)\n"
    "  --steps N         steps of each, 1 .. 100000 (default 1000)\n"
    "  --repeat R        rounds, 1 .. 1000 (default 5)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --json            the figures as one JSON object\n";

int bench_parse(const bench_command *c, int argc, char **argv, bench_args *a)
{
    *a = (bench_args){c->size_default, 1000, 5, NULL, 0};
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (strcmp(argv[i], "--json") == 0)
            a->json = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(c->usage, stdout);
            return -1;
        } else if ((v = cli_value(c->cmd, argc, argv, &i, c->size_option, &bad))) {
            if (cli_u64(c->cmd, c->size_option, v, c->size_min, c->size_max, &a->size)) return 2;
        } else if ((v = cli_value(c->cmd, argc, argv, &i, "--steps", &bad))) {
            if (cli_u64(c->cmd, "--steps", v, 1, 100000, &a->steps)) return 2;
        } else if ((v = cli_value(c->cmd, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(c->cmd, "--repeat", v, 1, 1000, &a->repeat)) return 2;
        } else if ((v = cli_value(c->cmd, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if (!bad)
            return cli_unknown_option(c->cmd, argv[i], c->usage);
        if (bad) return 2;
    }
    return 0;
}

/* The contenders of bench trajectories, in the order each round runs them. */
enum { ENGINE, NAIVE, BLOCKED, RECORD, CONTENDERS };

double bench_difference(const float *e, const float *c, size_t n, int same_nan)
{
    double diff = 0;
    for (size_t i = 0; i < n; i++) {
        if (same_nan && isnan(e[i]) != isnan(c[i])) return INFINITY;
        if (!isnan(e[i])) diff = fmax(diff, fabs(e[i] - c[i]) / fmax(1.0, fabs(e[i])));
    }
    return diff;
}

static int bench_trajectories(int argc, char **argv)
{
    static const bench_command c = {CMD, clopt_cli_bench_trajectories_usage, "--starts",
                                    1,   CLOPT_RUN_MAX_TRAJECTORIES,         65536};
    bench_args a;
    int rc = bench_parse(&c, argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc; /* -1: --help was printed */
    clopt_error err;
    clopt_context *ctx = cli_bench_context(CMD, a.device, 1, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return 1;
    }
    const size_t n = (size_t)a.size, R = (size_t)a.repeat;
    double *starts = malloc(2 * n * sizeof *starts);
    float *ex = malloc(n * sizeof *ex), *ey = malloc(n * sizeof *ey);
    float *cx = malloc(n * sizeof *cx), *cy = malloc(n * sizeof *cy);
    float *rec = malloc(6 * n * sizeof *rec), *erec = malloc(6 * n * sizeof *erec);
    bench_adam_step *k = malloc((size_t)a.steps * sizeof *k);
    /* t[c * R + round]: each contender's seconds; r[c * R + round]: its time / the engine's */
    double *t = calloc(CONTENDERS * R, sizeof *t), *r = calloc((CONTENDERS + 1) * R, sizeof *r);
    bench_split *dev = calloc(R, sizeof *dev); /* the engine's rounds, for the time split */
    if (!starts || !ex || !ey || !cx || !cy || !rec || !erec || !k || !t || !r || !dev) {
        fputs(CMD ": out of memory\n", stderr);
        rc = 1;
        goto done;
    }
    uint64_t state = 0x9E3779B97F4A7C15ull; /* starts spread over Rosenbrock's view */
    for (size_t i = 0; i < 2 * n; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        const double u = (double)(state >> 11) / 9007199254740992.0;
        starts[i] = i % 2 ? -1 + 4 * u : -2 + 4 * u;
    }
    bench_adam_table(SPEC, a.steps, k);
    /*
     * Rounds of the engine and the three loops one after another (A B C D, A B C D, ...): the
     * machines are shared, and a slow spell then touches every contender of a round alike.
     * Figures are medians over rounds; ratios the medians of each round's ratio.
     */
    const bench_io io = {.x = cx, .y = cy, .rec = rec};
    static const bench_loop_fn loops[CONTENDERS] = {NULL, bench_naive, bench_blocked,
                                                    bench_blocked_record};
    double diff = 0; /* the engine and every C loop compute the same points */
    for (size_t rep = 0; rep < R; rep++) {
        t[ENGINE * R + rep] = bench_time_runs(ctx, "rosenbrock", SPEC, starts, n, a.steps, ex, ey,
                                              erec, &dev[rep], &err);
        if (t[ENGINE * R + rep] < 0) {
            fprintf(stderr, CMD ": %s\n", err.text);
            rc = 1;
            goto done;
        }
        cli_settle();
        double best = INFINITY;
        for (int l = NAIVE; l < CONTENDERS; l++) {
            t[l * R + rep] = bench_time_loop(loops[l], starts, n, k, a.steps, &io);
            cli_settle();
            r[l * R + rep] = t[l * R + rep] / t[ENGINE * R + rep];
            best = fmin(best, t[l * R + rep]);
            diff = fmax(diff, fmax(bench_difference(ex, cx, n, 0), bench_difference(ey, cy, n, 0)));
        }
        r[CONTENDERS * R + rep] = best / t[ENGINE * R + rep]; /* against the round's fastest */
    }
    /* the record loop gives the engine's records: x, y, f at step 0 and at the last step */
    diff = fmax(diff, bench_difference(erec, rec, 6 * n, 1));
    double g[CONTENDERS], ratio[CONTENDERS + 1];
    const double work = (double)n * (double)a.steps;
    for (int l = 0; l < CONTENDERS; l++) {
        g[l] = work / cli_median(t + l * R, R) / 1e9;
        ratio[l] = cli_median(r + l * R, R);
    }
    ratio[CONTENDERS] = cli_median(r + CONTENDERS * R, R);
    char device[256] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    if (a.json)
        printf("{\"benchmark\": \"trajectories\", \"device\": \"%s\", \"optimizer\": \"%s\", "
               "\"function\": \"rosenbrock\", \"starts\": %zu, \"steps\": %llu, \"rounds\": %zu, "
               "\"engine_gps\": %.4f, \"naive_c_gps\": %.4f, \"blocked_c_gps\": %.4f, "
               "\"blocked_record_c_gps\": %.4f, \"ratio_blocked\": %.3f, \"ratio_naive\": %.3f, "
               "\"ratio_blocked_record\": %.3f, \"ratio_best\": %.3f, \"max_difference\": %.3g",
               device, SPEC, n, (unsigned long long)a.steps, R, g[ENGINE], g[NAIVE], g[BLOCKED],
               g[RECORD], ratio[BLOCKED], ratio[NAIVE], ratio[RECORD], ratio[CONTENDERS], diff);
    else
        printf("trajectories: %zu starts x %llu steps of %s on rosenbrock, medians of %zu "
               "rounds\n"
               "device: %s\n"
               "  engine (OpenCL)              %8.3f G point-steps/s\n"
               "  naive C loop (OpenMP)        %8.3f G point-steps/s\n"
               "  blocked C loop (simd)        %8.3f G point-steps/s  (the update only)\n"
               "  blocked C loop, same records %8.3f G point-steps/s  (f and divergence too)\n"
               "  engine / blocked C = %.2f, / blocked C with the same records = %.2f,\n"
               "  / naive C = %.2f, / fastest C = %.2f\n"
               "  (medians of each round's ratio; the loops' final points and the record loop's\n"
               "  records agree with the engine's within %.3g, relative to max(1, |value|))\n",
               n, (unsigned long long)a.steps, SPEC, R, device, g[ENGINE], g[NAIVE], g[BLOCKED],
               g[RECORD], ratio[BLOCKED], ratio[RECORD], ratio[NAIVE], ratio[CONTENDERS], diff);
    bench_report_split(dev, R, work, a.json);
    if (a.json) puts("}");
done:
    free(starts);
    free(ex);
    free(ey);
    free(cx);
    free(cy);
    free(rec);
    free(erec);
    free(k);
    free(t);
    free(r);
    free(dev);
    clopt_context_release(ctx);
    return rc;
}

int clopt_cli_bench(int argc, char **argv)
{
    const int help = clopt_cli_group_help("bench", argc, argv);
    if (help >= 0) return help;
    if (strcmp(argv[1], "trajectories") == 0) return bench_trajectories(argc, argv);
    if (strcmp(argv[1], "step") == 0) return clopt_cli_bench_step(argc, argv);
    if (strcmp(argv[1], "explore") == 0) return clopt_cli_bench_explore(argc, argv);
    if (strcmp(argv[1], "tune") == 0) return clopt_cli_bench_tune(argc, argv);
    if (strcmp(argv[1], "gemm") == 0) return clopt_cli_bench_gemm(argc, argv);
    return clopt_cli_group_unknown("bench", "benchmark", argv[1]);
}
