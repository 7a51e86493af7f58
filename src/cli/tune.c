/* clopt tune: every optimizer tuned on the same starts, seeds and steps, then ranked. */
#include "cli.h"

#include "args.h"
#include "config.h"
#include "tune.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char clopt_cli_tune_usage[] =
    "usage: clopt tune --function F --optimizer SPEC [--optimizer SPEC]...\n"
    "                  [--vary NAME=LO:HI:N[:log]]... [--starts K] [--seeds S] [--noise SIGMA]\n"
    "                  [--steps N] [--score final|auc|reach] [--tol T] [--json]\n"
    "                  [--device SEL]\n"
    "\n"
    "A fair race's first half: each optimizer swept over the same budget, from the same\n"
    "starts with the same noise seeds (one exploration per optimizer on the OpenCL device).\n"
    "Each value's score is the median over its runs (with the quartiles and the share that\n"
    "diverged); the tuned value is the best median; the optimizers are ranked by it.\n"
    "\n"
    "  --function F      a test function that clopt functions lists\n"
    "  --optimizer SPEC  Keras call syntax or JSON, the values not varied; 1 .. 16\n"
    "  --vary NAME=LO:HI:N[:log]  a numeric hyperparameter of every optimizer, LO < HI, N\n"
    "                    values (2 .. 4096), geometrically with :log; up to two (default:\n"
    "                    lr over 25 log-spaced values from 1e-4 to 10 x each spec's lr)\n"
    "  --starts K        starts drawn uniformly in the function's view from a fixed seed,\n"
    "                    the same for every optimizer (default 64)\n"
    "  --seeds S         noise seeds 0 .. S-1, each run from every start (default 1)\n"
    "  --noise SIGMA     add SIGMA * N(0,1) to each gradient component, as clopt run does;\n"
    "                    run k with seed s is clopt run's trajectory k from the same starts\n"
    "                    with --seed s (default 0)\n"
    "  --steps N         steps, 1 .. 10000000 (default 500)\n"
    "  --score final|auc|reach  per run: final = log10(f_N - f* + 1e-12) (f_N without a\n"
    "                    known minimum), auc = its mean over steps 0 .. N, reach = the first\n"
    "                    step within --tol of f* (N + 1 if never); a diverged run scores worst\n"
    "                    (default final)\n"
    "  --tol T           reached: |f - f*| <= T max(1, |f*|) (default 1e-4)\n"
    "  --json            {function, score, steps, starts, seeds, noise, optimizers: [{optimizer,\n"
    "                    vary, values, median, q1, q3, diverged, best, tuned}], ranking};\n"
    "                    without it, a table per optimizer and the ranking\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

#define CMD "clopt tune"

typedef struct {
    clopt_tune_plan p;
    const char *specs[CLOPT_TUNE_MAX_OPTIMIZERS];
    char names[2][CLI_VARY_NAME];
    int json;
    const char *device;
} tune_args;

/* One option at argv[*i]; 0 if taken, 1 if not this one's, 2 on a usage error, 3 help. */
static int parse_option(tune_args *a, int argc, char **argv, int *i)
{
    const char *v;
    int bad = 0;
    uint64_t n;
    if (strcmp(argv[*i], "--json") == 0)
        a->json = 1;
    else if (strcmp(argv[*i], "-h") == 0 || strcmp(argv[*i], "--help") == 0) {
        fputs(clopt_cli_tune_usage, stdout);
        return 3;
    } else if ((v = cli_value(CMD, argc, argv, i, "--function", &bad)))
        a->p.function = v;
    else if ((v = cli_value(CMD, argc, argv, i, "--optimizer", &bad))) {
        if (a->p.noptimizers == CLOPT_TUNE_MAX_OPTIMIZERS) {
            fprintf(stderr, CMD ": more than %u --optimizer options\n", CLOPT_TUNE_MAX_OPTIMIZERS);
            return 2;
        }
        a->specs[a->p.noptimizers++] = v;
    } else if ((v = cli_value(CMD, argc, argv, i, "--vary", &bad))) {
        if (a->p.naxes == 2) {
            fprintf(stderr, CMD ": more than two --vary options\n");
            return 2;
        }
        if (cli_vary(CMD, v, &a->p.axes[a->p.naxes], a->names[a->p.naxes])) return 2;
        a->p.naxes++;
    } else if ((v = cli_value(CMD, argc, argv, i, "--starts", &bad))) {
        if (cli_u64(CMD, "--starts", v, 1, CLOPT_EXPLORE_MAX_RUNS, &n)) return 2;
        a->p.nstarts = (size_t)n;
    } else if ((v = cli_value(CMD, argc, argv, i, "--seeds", &bad))) {
        if (cli_u64(CMD, "--seeds", v, 1, CLOPT_EXPLORE_MAX_SEEDS, &n)) return 2;
        a->p.nseeds = (size_t)n;
    } else if ((v = cli_value(CMD, argc, argv, i, "--noise", &bad))) {
        if (cli_double(CMD, "--noise", v, &a->p.noise)) return 2;
    } else if ((v = cli_value(CMD, argc, argv, i, "--steps", &bad))) {
        if (cli_u64(CMD, "--steps", v, 1, CLOPT_RUN_MAX_STEPS, &a->p.steps)) return 2;
    } else if ((v = cli_value(CMD, argc, argv, i, "--score", &bad))) {
        if (clopt_tune_score_parse(v, &a->p.score)) {
            fprintf(stderr, CMD ": --score = '%s': expected final, auc or reach\n", v);
            return 2;
        }
    } else if ((v = cli_value(CMD, argc, argv, i, "--tol", &bad))) {
        if (cli_double(CMD, "--tol", v, &a->p.tol)) return 2;
    } else if ((v = cli_value(CMD, argc, argv, i, "--device", &bad)))
        a->device = v;
    else if (!bad)
        return 1;
    return bad ? 2 : 0;
}

static int parse(int argc, char **argv, tune_args *a)
{
    a->p.nstarts = CLOPT_TUNE_STARTS;
    a->p.nseeds = 1;
    a->p.steps = 500;
    a->p.tol = 1e-4;
    a->p.score = CLOPT_TUNE_FINAL;
    for (int i = 1; i < argc; i++) {
        const int rc = parse_option(a, argc, argv, &i);
        if (rc == 1) return cli_unknown_option(CMD, argv[i], clopt_cli_tune_usage);
        if (rc) return rc;
    }
    if (!a->p.function) {
        fprintf(stderr, CMD ": --function is required (see clopt functions)\n");
        return 2;
    }
    if (a->p.noptimizers == 0) {
        fprintf(stderr, CMD ": --optimizer is required, once per optimizer to tune (see clopt "
                            "optimizers)\n");
        return 2;
    }
    a->p.optimizers = a->specs;
    return 0;
}

static const char *number(char buf[32], double v)
{
    return isfinite(v) ? clopt_format_number(buf, v) : "inf";
}

/* A person's view: per optimizer, its curve as a table, then the ranking. */
static void print_summary(const clopt_tune *t, const tune_args *a)
{
    const clopt_function_info *fn = clopt_function_find(a->p.function, NULL);
    char n1[32], n2[32];
    printf("tuning on %s: %zu starts x %zu seed%s, noise %s, %llu steps, score %s (lower is "
           "better)\n",
           fn->name, a->p.nstarts, a->p.nseeds, a->p.nseeds == 1 ? "" : "s",
           clopt_format_number(n1, a->p.noise), (unsigned long long)a->p.steps,
           clopt_tune_score_name(a->p.score));
    for (size_t k = 0; k < clopt_tune_optimizers(t); k++) {
        const clopt_tune_curve *c = clopt_tune_curve_get(t, k);
        const clopt_explore_options *o = clopt_tune_explore_options(t, k);
        printf("%s\n  %-24s %12s %12s %12s %9s\n", c->spec,
               o->naxes == 2 ? "values" : o->axes[0].name, "median", "q1", "q3", "diverged");
        for (size_t v = 0; v < c->nvalues; v++) {
            char value[40];
            if (o->naxes == 2)
                snprintf(value, sizeof value, "%s, %s", number(n1, c->values[2 * v]),
                         number(n2, c->values[2 * v + 1]));
            else
                snprintf(value, sizeof value, "%s", number(n1, c->values[v]));
            printf("%c %-24s %12.5g %12.5g %12.5g %8.1f%%\n", v == c->best ? '*' : ' ', value,
                   c->median[v], c->q1[v], c->q3[v], 100.0 * c->diverged[v]);
        }
        printf("  tuned: %s\n", c->tuned);
    }
    size_t order[CLOPT_TUNE_MAX_OPTIMIZERS];
    clopt_tune_ranking(t, order);
    printf("ranking (best median):\n");
    for (size_t r = 0; r < clopt_tune_optimizers(t); r++) {
        const clopt_tune_curve *c = clopt_tune_curve_get(t, order[r]);
        printf("  %zu. %s  median %.5g, diverged %.1f%%\n", r + 1, c->tuned, c->median[c->best],
               100.0 * c->diverged[c->best]);
    }
}

/* Runs optimizer k's exploration to its end and scores it. */
static int tune_one(clopt_context *ctx, clopt_tune *t, size_t k, clopt_error *err)
{
    clopt_exploration *e = clopt_explore_create(ctx, clopt_tune_explore_options(t, k), err);
    int rc = !e;
    while (!rc && !clopt_explore_finished(e))
        rc = clopt_explore_advance(e, 0, err) != CLOPT_OK;
    if (!rc) rc = clopt_tune_collect(t, k, e, err) != CLOPT_OK;
    clopt_explore_release(e);
    return rc;
}

int clopt_cli_tune(int argc, char **argv)
{
    static tune_args a;
    memset(&a, 0, sizeof a);
    int rc = parse(argc, argv, &a);
    if (rc) return rc == 3 ? 0 : rc;
    clopt_error err;
    clopt_tune *t = clopt_tune_create(&a.p, &err);
    if (!t) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENOMEM ? 1 : 2;
    }
    clopt_context *ctx = clopt_context_create(a.device, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        clopt_tune_release(t);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    for (size_t k = 0; !rc && k < clopt_tune_optimizers(t); k++)
        rc = tune_one(ctx, t, k, &err);
    if (rc)
        fprintf(stderr, CMD ": %s\n", err.text);
    else if (a.json) {
        char *text = clopt_tune_json(t);
        if (text)
            puts(text);
        else {
            fprintf(stderr, CMD ": out of memory writing the result\n");
            rc = 1;
        }
        free(text);
    } else
        print_summary(t, &a);
    clopt_tune_release(t);
    clopt_context_release(ctx);
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        perror(CMD ": writing the output");
        rc = 1;
    }
    return rc;
}
