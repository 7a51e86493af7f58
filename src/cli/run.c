/* clopt run: trajectories of optimizers on a test function, as JSON or CSV. */
#include "cli.h"

#include "args.h"
#include "config.h"
#include "spec.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt run"
#define MAX_SPECS 256
#define MAX_STARTS 65536

const char clopt_cli_run_usage[] =
    "usage: clopt run --function F [--optimizer SPEC]... [--start X,Y]... [--steps N]\n"
    "                 [--every K] [--noise SIGMA] [--seed S] [--precision float|double]\n"
    "                 [--format json|csv] [--device SEL]\n"
    "\n"
    "Runs every optimizer from every start on test function F (a name of `clopt functions`\n"
    "or an expression in x and y, such as 'x^2 + 10*y^2') on\n"
    "the OpenCL device and prints the trajectories: the point (x, y, f) at step 0 and every\n"
    "K steps, and the step at which a trajectory diverged (null if it did not).\n"
    "\n"
    "  --function F      a name that clopt functions lists, or an expression in x and y\n"
    "  --optimizer SPEC  Keras call syntax or JSON, e.g. 'adam(lr=0.01)' (default: adam)\n"
    "  --start X,Y       starting point (default: the function's default start)\n"
    "  --steps N         steps, 1 .. 10000000 (default 500)\n"
    "  --every K         record every K-th point, 1 .. N (default 1)\n"
    "  --noise SIGMA     add SIGMA * N(0,1) to each gradient component (default 0)\n"
    "  --seed S          key of the noise generator (default 0)\n"
    "  --precision P     float (default) or double (needs cl_khr_fp64): double prints\n"
    "                    every number as the shortest text that reads back as the same\n"
    "                    double, and the JSON says \"precision\": \"double\"\n"
    "  --format F        json (default) or csv (trajectory,optimizer,step,x,y,f)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

typedef struct {
    clopt_run_options o;
    const char *specs[MAX_SPECS];
    double starts[2 * MAX_STARTS];
    int csv;
    const char *device;
} run_args;

/* 0, 2 on a usage error (printed), -1 when --help printed the usage. */
static int parse(int argc, char **argv, run_args *a)
{
    a->o.steps = 500;
    a->o.every = 1;
    int every_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(clopt_cli_run_usage, stdout);
            return -1;
        }
        if ((v = cli_value(CMD, argc, argv, &i, "--function", &bad)))
            a->o.function = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad))) {
            if (a->o.noptimizers == MAX_SPECS) {
                fprintf(stderr, CMD ": more than %d --optimizer options\n", MAX_SPECS);
                return 2;
            }
            a->specs[a->o.noptimizers++] = v;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--start", &bad))) {
            if (a->o.nstarts == MAX_STARTS) {
                fprintf(stderr, CMD ": more than %d --start options\n", MAX_STARTS);
                return 2;
            }
            if (cli_numbers(CMD, "--start", v, 2, &a->starts[2 * a->o.nstarts])) return 2;
            a->o.nstarts++;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--steps", &bad))) {
            if (cli_u64(CMD, "--steps", v, 1, CLOPT_RUN_MAX_STEPS, &a->o.steps)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--every", &bad))) {
            if (cli_u64(CMD, "--every", v, 1, CLOPT_RUN_MAX_STEPS, &a->o.every)) return 2;
            every_set = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--noise", &bad))) {
            if (cli_double(CMD, "--noise", v, &a->o.noise)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--seed", &bad))) {
            if (cli_u64(CMD, "--seed", v, 0, UINT64_MAX, &a->o.seed)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--precision", &bad))) {
            if (strcmp(v, "float") && strcmp(v, "double")) {
                fprintf(stderr, CMD ": --precision = '%s': expected float or double\n", v);
                return 2;
            }
            a->o.precision = v[0] == 'd' ? CLOPT_PRECISION_DOUBLE : CLOPT_PRECISION_FLOAT;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--format", &bad))) {
            if (strcmp(v, "json") && strcmp(v, "csv")) {
                fprintf(stderr, CMD ": --format = '%s': expected json or csv\n", v);
                return 2;
            }
            a->csv = strcmp(v, "csv") == 0;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_run_usage);
        if (bad) return 2;
    }
    if (!a->o.function) {
        fputs(CMD ": --function is required (see clopt functions)\n", stderr);
        return 2;
    }
    if (every_set && a->o.every > a->o.steps) {
        fprintf(stderr, CMD ": --every = %llu is more than --steps = %llu\n",
                (unsigned long long)a->o.every, (unsigned long long)a->o.steps);
        return 2;
    }
    if (a->o.noptimizers == 0) a->specs[a->o.noptimizers++] = "adam";
    a->o.optimizers = a->specs;
    a->o.starts = a->o.nstarts ? a->starts : NULL;
    return 0;
}

/* Every trajectory's points, filled slice by slice: floats, or doubles in precision double. */
typedef struct {
    size_t nt, rows;
    size_t w;    /* 3: x, y, f; 6: and the schedule-free average's x, y, f */
    int dbl;     /* precision double: xyd, else xyf */
    float *xyf;  /* [trajectory][row][w] */
    double *xyd; /* the same in double */
} points;

static int collect(clopt_run *run, const run_args *a, points *p, clopt_error *err)
{
    p->nt = clopt_run_trajectories(run);
    p->rows = (size_t)(a->o.steps / a->o.every) + 1;
    p->w = 3;
    p->dbl = a->o.precision == CLOPT_PRECISION_DOUBLE;
    for (size_t t = 0; t < p->nt; t++)
        if (clopt_run_has_average(run, t)) p->w = CLOPT_RUN_AVERAGE_COMPONENTS;
    const size_t esize = p->dbl ? sizeof(double) : sizeof(float);
    void *buf = NULL;
    if (p->rows > SIZE_MAX / p->w / esize / p->nt ||
        !(buf = malloc(p->nt * p->rows * p->w * esize))) {
        snprintf(err->text, sizeof err->text,
                 "%zu trajectories x %zu points do not fit in memory; raise --every", p->nt,
                 p->rows);
        return 1;
    }
    if (p->dbl)
        p->xyd = buf;
    else
        p->xyf = buf;
    while (!clopt_run_finished(run)) {
        clopt_slice s;
        if (clopt_run_advance(run, 0, &s, err) != CLOPT_OK) return 1;
        const size_t row0 = (size_t)(s.first_step / a->o.every);
        for (size_t r = 0; r < s.rows; r++)
            for (size_t t = 0; t < p->nt; t++) {
                const size_t to = (t * p->rows + row0 + r) * p->w;
                const size_t from = (r * s.trajectories + t) * s.components;
                if (p->dbl)
                    memcpy(&p->xyd[to], &s.data_d[from], p->w * sizeof(double));
                else
                    memcpy(&p->xyf[to], &s.data[from], p->w * sizeof(float));
            }
    }
    return 0;
}

/* Component c of trajectory t's point at row r, as the shortest text that reads back as the
 * same float, or (precision double) the same double. */
static const char *value(char num[32], const points *p, size_t t, size_t r, size_t c)
{
    const size_t i = (t * p->rows + r) * p->w + c;
    return p->dbl ? clopt_format_number(num, p->xyd[i]) : clopt_format_float(num, p->xyf[i]);
}

/* The points of trajectory t: those before it diverged. */
static size_t count_points(clopt_run *run, const points *p, size_t t, uint64_t every)
{
    const int64_t d = clopt_run_diverged_at(run, t);
    if (d < 0) return p->rows;
    const size_t before = (size_t)(((uint64_t)d + every - 1) / every);
    return before < p->rows ? before : p->rows;
}

/* {"name":"Adam","lr":0.01} as {"name": "Adam", "lr": 0.01}. */
static void print_config(const char *json)
{
    for (const char *c = json; *c; c++) {
        putchar(*c);
        if ((*c == ':' && c[-1] == '"') || (*c == ',' && c[1] == '"')) putchar(' ');
    }
}

static void print_json(clopt_run *run, const run_args *a, const points *p)
{
    char n1[32], n2[32], n3[32];
    /* "precision" only when double: float output stays as it was before the option */
    printf("{\"function\": \"%s\", %s\"steps\": %llu, \"every\": %llu,\n \"trajectories\": [",
           clopt_run_function(run)->name, p->dbl ? "\"precision\": \"double\", " : "",
           (unsigned long long)a->o.steps, (unsigned long long)a->o.every);
    for (size_t t = 0; t < p->nt; t++) {
        const double *st = clopt_run_start(run, t);
        printf("%s\n  {\"optimizer\": ", t ? "," : "");
        print_config(clopt_run_optimizer(run, t));
        printf(", \"start\": [%s, %s],\n   \"points\": [", clopt_format_number(n1, st[0]),
               clopt_format_number(n2, st[1]));
        const size_t n = count_points(run, p, t, a->o.every);
        for (size_t r = 0; r < n; r++)
            printf("%s[%s, %s, %s]", r ? ", " : "", value(n1, p, t, r, 0), value(n2, p, t, r, 1),
                   value(n3, p, t, r, 2));
        /* schedule-free: the average x, where such a model is evaluated, in the same form */
        for (size_t r = 0; clopt_run_has_average(run, t) && r < n; r++)
            printf("%s[%s, %s, %s]", r ? ", " : "],\n   \"average\": [", value(n1, p, t, r, 3),
                   value(n2, p, t, r, 4), value(n3, p, t, r, 5));
        const int64_t d = clopt_run_diverged_at(run, t);
        if (d < 0)
            printf("],\n   \"diverged_at\": null}");
        else
            printf("],\n   \"diverged_at\": %lld}", (long long)d);
    }
    printf("]}\n");
}

static int print_csv(clopt_run *run, const run_args *a, const points *p)
{
    char n1[32], n2[32], n3[32];
    puts("trajectory,optimizer,step,x,y,f");
    for (size_t t = 0; t < p->nt; t++) {
        clopt_config c;
        clopt_spec_parse(clopt_run_optimizer(run, t), &c, NULL);
        char *label = clopt_config_label(&c);
        if (!label) return 1;
        const char *quote = strchr(label, ',') ? "\"" : ""; /* CSV: a field with commas */
        const size_t n = count_points(run, p, t, a->o.every);
        for (size_t r = 0; r < n; r++)
            printf("%zu,%s%s%s,%llu,%s,%s,%s\n", t, quote, label, quote,
                   (unsigned long long)(r * a->o.every), value(n1, p, t, r, 0),
                   value(n2, p, t, r, 1), value(n3, p, t, r, 2));
        free(label);
    }
    return 0;
}

int clopt_cli_run(int argc, char **argv)
{
    static run_args a; /* the starts table is large */
    memset(&a, 0, sizeof a);
    int rc = parse(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    clopt_error err;
    if ((rc = cli_function(CMD, a.o.function))) return rc;
    if (clopt_run_check(&a.o, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return 2;
    }
    clopt_context *ctx = clopt_context_create(a.device, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    points p = {0};
    clopt_run *run = clopt_run_create(ctx, &a.o, &err);
    rc = !run || collect(run, &a, &p, &err);
    if (rc)
        fprintf(stderr, CMD ": %s\n", err.text);
    else if (a.csv)
        rc = print_csv(run, &a, &p);
    else
        print_json(run, &a, &p);
    free(p.xyf);
    free(p.xyd);
    clopt_run_release(run);
    clopt_context_release(ctx);
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        perror(CMD ": writing the output");
        rc = 1;
    }
    return rc;
}
