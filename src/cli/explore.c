/* clopt explore: basin maps and hyperparameter sweeps, reduced on the device. */
#include "cli.h"

#include "args.h"
#include "config.h"
#include "numbers.h"
#include "spec.h"
#include "usage.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPECS 16

const char clopt_cli_explore_basins_usage[] =
    "usage: clopt explore basins --function F [--optimizer SPEC]... --grid N|NX,NY\n"
    "                            [--view x0,x1,y0,y1] [--steps N] [--tol T] [--json]\n"
    "                            [--precision float|double] [--device SEL]\n"
    "\n"
    "One run per grid point per optimizer, started at the grid point (the grid of clopt\n"
    "landscape), on the OpenCL device: which known minimum each run reaches, and when.\n"
    "\n"
    "  --function F      a test function that clopt functions lists\n"
    "  --optimizer SPEC  Keras call syntax or JSON (default: adam); up to 16\n"
    "  --grid N|NX,NY    grid points per side, 2 .. 4096 (at most 4,194,304 runs)\n"
    "  --view x0,x1,y0,y1  the grid's rectangle (default: the function's view)\n"
    "  --steps N         steps, 1 .. 10000000 (default 500)\n"
    "  --tol T           converged: |f - f*| <= T max(1, |f*|) (default 1e-4)\n"
    "  --json            every run's final x, y, f, converged_at, minimum and diverged_at;\n"
    "                    without it, a summary per optimizer\n"
    "  --precision P     float (default) or double: the runs in double, for windows\n"
    "                    narrower than float resolves (needs cl_khr_fp64)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

const char clopt_cli_explore_sweep_usage[] =
    "usage: clopt explore sweep --function F [--start X,Y] [--optimizer SPEC]\n"
    "                           --vary NAME=LO:HI:N[:log] [--vary NAME=LO:HI:N[:log]]\n"
    "                           [--steps N] [--tol T] [--json] [--precision float|double]\n"
    "                           [--device SEL]\n"
    "\n"
    "One run per value, or pair of values, of one or two hyperparameters of the optimizer,\n"
    "from one start, on the OpenCL device: final f, convergence and divergence.\n"
    "\n"
    "  --function F      a test function that clopt functions lists\n"
    "  --start X,Y       the start of every run (default: the function's)\n"
    "  --optimizer SPEC  Keras call syntax or JSON, the values not varied (default: adam)\n"
    "  --vary NAME=LO:HI:N[:log]  a numeric hyperparameter (or schedule.NAME, a parameter\n"
    "                    of the optimizer's schedule), LO < HI, N values (2 .. 4096)\n"
    "                    evenly spaced, or geometrically with :log\n"
    "  --steps N         steps, 1 .. 10000000 (default 500)\n"
    "  --tol T           converged: |f - f*| <= T max(1, |f*|) (default 1e-4)\n"
    "  --json            every run's final x, y, f, converged_at and diverged_at; without\n"
    "                    it, a summary\n"
    "  --precision P     float (default) or double: the runs in double, for windows\n"
    "                    narrower than float resolves (needs cl_khr_fp64)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

typedef struct {
    clopt_explore_options o;
    const char *cmd, *usage;
    const char *specs[MAX_SPECS];
    double view[4], start[2];
    char names[2][CLI_VARY_NAME];
    int json, grid_set;
    const char *device;
} explore_args;

/* NAME=LO:HI:N[:log] into the next axis. */
static int parse_vary(explore_args *a, const char *text)
{
    if (cli_vary(a->cmd, text, &a->o.axes[a->o.naxes], a->names[a->o.naxes])) return -1;
    a->o.naxes++;
    return 0;
}

/* One side of --grid at *p, 2 .. CLOPT_EXPLORE_MAX_SIDE; *p moves past it. -1 if it is not. */
static int grid_side(const char **p, uint64_t *side)
{
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(*p, &end, 10);
    if (**p < '0' || **p > '9' || errno || v < 2 || v > CLOPT_EXPLORE_MAX_SIDE) return -1;
    *side = v;
    *p = end;
    return 0;
}

/* N or NX,NY. */
static int parse_grid(explore_args *a, const char *v)
{
    const char *p = v;
    uint64_t nx = 0, ny = 0;
    int bad = grid_side(&p, &nx);
    if (!bad && *p == ',') {
        p++;
        bad = grid_side(&p, &ny);
    } else
        ny = nx;
    if (bad || *p) {
        fprintf(stderr, "%s: --grid = '%s': expected N or NX,NY, each an integer in 2 .. %u\n",
                a->cmd, v, CLOPT_EXPLORE_MAX_SIDE);
        return -1;
    }
    a->o.nx = (size_t)nx;
    a->o.ny = (size_t)ny;
    a->grid_set = 1;
    return 0;
}

/* One option at argv[*i]; 0 if taken, 1 if not this one's, 2 on a usage error. */
static int parse_option(explore_args *a, int argc, char **argv, int *i)
{
    const char *v, *cmd = a->cmd;
    int bad = 0;
    const int basins = a->o.kind == CLOPT_EXPLORE_BASINS;
    if (strcmp(argv[*i], "--json") == 0)
        a->json = 1;
    else if (strcmp(argv[*i], "-h") == 0 || strcmp(argv[*i], "--help") == 0) {
        fputs(a->usage, stdout);
        return 3;
    } else if ((v = cli_value(cmd, argc, argv, i, "--function", &bad)))
        a->o.function = v;
    else if ((v = cli_value(cmd, argc, argv, i, "--optimizer", &bad))) {
        if (a->o.noptimizers == (basins ? MAX_SPECS : 1)) {
            fprintf(stderr,
                    basins ? "%s: more than %d --optimizer options\n"
                           : "%s: more than %d --optimizer option; a sweep varies one\n",
                    cmd, basins ? MAX_SPECS : 1);
            return 2;
        }
        a->specs[a->o.noptimizers++] = v;
    } else if ((v = cli_value(cmd, argc, argv, i, "--steps", &bad))) {
        if (cli_u64(cmd, "--steps", v, 1, CLOPT_RUN_MAX_STEPS, &a->o.steps)) return 2;
    } else if ((v = cli_value(cmd, argc, argv, i, "--tol", &bad))) {
        if (cli_double(cmd, "--tol", v, &a->o.tol)) return 2;
    } else if ((v = cli_value(cmd, argc, argv, i, "--precision", &bad))) {
        if (strcmp(v, "float") != 0 && strcmp(v, "double") != 0) {
            fprintf(stderr, "%s: --precision = '%s': expected float or double\n", cmd, v);
            return 2;
        }
        a->o.precision = v[0] == 'd' ? CLOPT_PRECISION_DOUBLE : CLOPT_PRECISION_FLOAT;
    } else if ((v = cli_value(cmd, argc, argv, i, "--device", &bad)))
        a->device = v;
    else if (basins && (v = cli_value(cmd, argc, argv, i, "--grid", &bad))) {
        if (parse_grid(a, v)) return 2;
    } else if (basins && (v = cli_value(cmd, argc, argv, i, "--view", &bad))) {
        if (cli_numbers(cmd, "--view", v, 4, a->view)) return 2;
        a->o.view = a->view;
    } else if (!basins && (v = cli_value(cmd, argc, argv, i, "--start", &bad))) {
        if (cli_numbers(cmd, "--start", v, 2, a->start)) return 2;
        a->o.start = a->start;
    } else if (!basins && (v = cli_value(cmd, argc, argv, i, "--vary", &bad))) {
        if (a->o.naxes == 2) {
            fprintf(stderr, "%s: more than two --vary options\n", cmd);
            return 2;
        }
        if (parse_vary(a, v)) return 2;
    } else if (!bad)
        return 1;
    return bad ? 2 : 0;
}

static int parse(int argc, char **argv, explore_args *a)
{
    a->o.steps = 500;
    a->o.tol = 1e-4;
    for (int i = 2; i < argc; i++) {
        const int rc = parse_option(a, argc, argv, &i);
        if (rc == 1) return cli_unknown_option(a->cmd, argv[i], a->usage);
        if (rc) return rc;
    }
    if (!a->o.function) {
        fprintf(stderr, "%s: --function is required (see clopt functions)\n", a->cmd);
        return 2;
    }
    if (a->o.kind == CLOPT_EXPLORE_BASINS && !a->grid_set) {
        fprintf(stderr, "%s: --grid is required (N or NX,NY)\n", a->cmd);
        return 2;
    }
    if (a->o.kind == CLOPT_EXPLORE_SWEEP && a->o.naxes == 0) {
        fprintf(stderr, "%s: --vary is required (NAME=LO:HI:N[:log])\n", a->cmd);
        return 2;
    }
    if (a->o.noptimizers == 0) a->specs[a->o.noptimizers++] = "adam";
    a->o.optimizers = a->specs;
    return 0;
}

static void print_floats(const char *key, const float *v, size_t n)
{
    char num[32];
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", isfinite(v[i]) ? clopt_format_float(num, v[i]) : "null");
    putchar(']');
}

static void print_ints(const char *key, const int32_t *v, size_t n)
{
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        printf("%s%d", i ? "," : "", (int)v[i]);
    putchar(']');
}

/* Doubles, shortest round trip; null for a run that diverged. */
static void print_doubles(const char *key, const double *v, size_t n)
{
    char num[32];
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", isfinite(v[i]) ? clopt_format_number(num, v[i]) : "null");
    putchar(']');
}

/* The fields every map has: x, y, f (double's in double), converged_at (and minimum), ... */
static void print_fields(const clopt_explore_map *m, int minimum)
{
    if (m->xd) {
        print_doubles("x", m->xd, m->runs);
        print_doubles("y", m->yd, m->runs);
        print_doubles("f", m->fd, m->runs);
    } else {
        print_floats("x", m->x, m->runs);
        print_floats("y", m->y, m->runs);
        print_floats("f", m->f, m->runs);
    }
    print_ints("converged_at", m->converged_at, m->runs);
    if (minimum) print_ints("minimum", m->minimum, m->runs);
    print_ints("diverged_at", m->diverged_at, m->runs);
}

static void print_numbers(const double *v, size_t n)
{
    char num[32];
    putchar('[');
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", clopt_format_number(num, v[i]));
    putchar(']');
}

static int print_json(clopt_exploration *e, const explore_args *a, clopt_error *err)
{
    const clopt_function_info *fn = clopt_function_find(a->o.function, NULL);
    const char *precision = a->o.precision == CLOPT_PRECISION_DOUBLE ? "double" : "float";
    clopt_explore_map m;
    if (a->o.kind == CLOPT_EXPLORE_BASINS) {
        printf("{\"kind\":\"basins\",\"function\":\"%s\",\"precision\":\"%s\",\"steps\":%llu,"
               "\"grid\":[%zu,%zu],\"view\":",
               fn->name, precision, (unsigned long long)a->o.steps, a->o.nx, a->o.ny);
        print_numbers(a->o.view ? a->o.view : fn->view, 4);
        printf(",\"maps\":[");
        for (size_t k = 0; k < clopt_explore_maps(e); k++) {
            if (clopt_explore_map_get(e, k, &m, err) != CLOPT_OK) return 1;
            printf("%s{\"optimizer\":%s", k ? "," : "", clopt_explore_optimizer(e, k));
            print_fields(&m, 1);
            putchar('}');
        }
        printf("]}\n");
        return 0;
    }
    if (clopt_explore_map_get(e, 0, &m, err) != CLOPT_OK) return 1;
    printf("{\"kind\":\"sweep\",\"function\":\"%s\",\"precision\":\"%s\",\"start\":", fn->name,
           precision);
    print_numbers(a->o.start ? a->o.start : fn->start, 2);
    printf(",\"steps\":%llu,\"optimizer\":%s,\"axes\":[", (unsigned long long)a->o.steps,
           clopt_explore_optimizer(e, 0));
    for (size_t ax = 0; ax < a->o.naxes; ax++) {
        size_t n;
        const double *v = clopt_explore_axis_values(e, ax, &n);
        printf("%s{\"name\":\"%s\",\"values\":", ax ? "," : "", clopt_explore_axis_name(e, ax));
        print_numbers(v, n);
        putchar('}');
    }
    putchar(']');
    print_fields(&m, 0);
    printf("}\n");
    return 0;
}

/* A person's view of a map: how many runs converged, reached which minimum, diverged. */
static void print_summary_map(const clopt_explore_map *m, size_t nminima, int basins)
{
    size_t conv = 0, div = 0, at[4] = {0}, none = 0, best = 0;
    int64_t conv_steps = 0;
    for (size_t r = 0; r < m->runs; r++) {
        if (m->converged_at[r] >= 0) {
            conv++;
            conv_steps += m->converged_at[r];
        }
        div += m->diverged_at[r] >= 0;
        if (m->minimum[r] >= 0)
            at[m->minimum[r]]++;
        else if (m->diverged_at[r] < 0)
            none++;
        if (isfinite(m->f[r]) && (!isfinite(m->f[best]) || m->f[r] < m->f[best])) best = r;
    }
    printf("  converged %zu of %zu runs", conv, m->runs);
    if (conv) printf(" (mean step %.1f)", (double)conv_steps / (double)conv);
    printf(", diverged %zu\n", div);
    if (basins) {
        for (size_t i = 0; i < nminima; i++)
            printf("  ended at minimum %zu: %zu\n", i, at[i]);
        printf("  ended near no known minimum: %zu\n", none);
    } else if (isfinite(m->f[best])) {
        char n1[32];
        printf("  lowest final f %s at run %zu\n", clopt_format_float(n1, m->f[best]), best);
    }
}

static int print_summary(clopt_exploration *e, const explore_args *a, clopt_error *err)
{
    const clopt_function_info *fn = clopt_function_find(a->o.function, NULL);
    const int basins = a->o.kind == CLOPT_EXPLORE_BASINS;
    if (basins)
        printf("basins of %s: %zu x %zu grid, %llu steps\n", fn->name, a->o.nx, a->o.ny,
               (unsigned long long)a->o.steps);
    else
        printf("sweep on %s: %llu steps\n", fn->name, (unsigned long long)a->o.steps);
    for (size_t k = 0; k < clopt_explore_maps(e); k++) {
        clopt_explore_map m;
        if (clopt_explore_map_get(e, k, &m, err) != CLOPT_OK) return 1;
        printf("%s\n", clopt_explore_optimizer(e, k));
        for (size_t ax = 0; !basins && ax < a->o.naxes; ax++) {
            size_t n;
            const double *v = clopt_explore_axis_values(e, ax, &n);
            char lo[32], hi[32];
            printf("  varies %s over %zu values, %s .. %s\n", clopt_explore_axis_name(e, ax), n,
                   clopt_format_number(lo, v[0]), clopt_format_number(hi, v[n - 1]));
        }
        print_summary_map(&m, fn->nminima, basins);
    }
    return 0;
}

int clopt_cli_explore(int argc, char **argv)
{
    const int help = clopt_cli_group_help("explore", argc, argv);
    if (help >= 0) return help;
    static explore_args a;
    memset(&a, 0, sizeof a);
    if (strcmp(argv[1], "basins") == 0) {
        a.o.kind = CLOPT_EXPLORE_BASINS;
        a.cmd = "clopt explore basins";
        a.usage = clopt_cli_explore_basins_usage;
    } else if (strcmp(argv[1], "sweep") == 0) {
        a.o.kind = CLOPT_EXPLORE_SWEEP;
        a.cmd = "clopt explore sweep";
        a.usage = clopt_cli_explore_sweep_usage;
    } else if (strcmp(argv[1], "trainability") == 0)
        return clopt_cli_trainability(argc, argv);
    else
        return clopt_cli_group_unknown("explore", "kind", argv[1]);
    int rc = parse(argc, argv, &a);
    if (rc) return rc == 3 ? 0 : rc;
    clopt_error err;
    if (clopt_explore_check(&a.o, &err) != CLOPT_OK) {
        fprintf(stderr, "%s: %s\n", a.cmd, err.text);
        return 2;
    }
    clopt_context *ctx = clopt_context_create(a.device, &err);
    if (!ctx) {
        fprintf(stderr, "%s: %s\n", a.cmd, err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    clopt_exploration *e = clopt_explore_create(ctx, &a.o, &err);
    rc = !e;
    while (!rc && !clopt_explore_finished(e))
        rc = clopt_explore_advance(e, 0, &err) != CLOPT_OK;
    if (!rc) rc = a.json ? print_json(e, &a, &err) : print_summary(e, &a, &err);
    if (rc) fprintf(stderr, "%s: %s\n", a.cmd, err.text);
    clopt_explore_release(e);
    clopt_context_release(ctx);
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        perror("clopt explore: writing the output");
        rc = 1;
    }
    return rc;
}
