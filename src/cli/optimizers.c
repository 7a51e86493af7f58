/* clopt optimizers: the catalogue, as a table for people or JSON for programs. */
#include "cli.h"

#include "catalogue.h"
#include "catalogue_json.h"
#include "config.h"
#include "args.h"
#include "lr_schedule.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_json(void)
{
    json_t *all = clopt_catalogue_json();
    int rc = json_dumpf(all, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(all);
    return rc;
}

/* The schedules every optimizer takes (schedule=...), from the schedule table. */
static int print_schedules(int json)
{
    if (json) {
        json_t *all = clopt_schedules_json();
        int rc = json_dumpf(all, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) == 0 ? 0 : 1;
        putchar('\n');
        json_decref(all);
        return rc;
    }
    char num[32];
    for (size_t k = 0; k < clopt_schedule_count(); k++) {
        const clopt_schedule_info *info = clopt_schedule_at(k);
        printf("%s\n  %s\n  m(t) = %s  (t >= warmup, u = t - warmup)\n", info->name, info->en,
               info->formula);
        for (size_t i = 0; i < info->nparams; i++) {
            const clopt_sparam_info *pi = clopt_schedule_param(info->params[i]);
            const double d = info->defaults[i];
            const char *def = d != d                            ? "(needed)"
                              : pi->range == CLOPT_RANGE_CHOICE ? pi->words[(size_t)d]
                              : pi->range == CLOPT_RANGE_BOOL   ? (d != 0.0 ? "True" : "False")
                              : pi->range == CLOPT_RANGE_COUNT
                                  ? (snprintf(num, sizeof num, "%.0f", d), num)
                                  : clopt_format_number(num, d);
            printf("  %-15s = %-8s %s\n", pi->name, def,
                   pi->range == CLOPT_RANGE_CHOICE
                       ? "linear or sqrt"
                       : clopt_range_text(clopt_schedule_range(info, i)));
        }
        putchar('\n');
    }
    puts("While t < warmup, m = (t + 1) / warmup. The rate of step t is lr * m(t); a schedule "
         "and decay > 0\nare refused together. Spec syntax: adam(lr=0.01, "
         "schedule=cosine(steps=1000, warmup=100))\nor JSON: {\"name\":\"adam\",\"schedule\":"
         "{\"name\":\"cosine\",\"steps\":1000,\"warmup\":100}}");
    return 0;
}

const char *clopt_cli_param_default(const clopt_optimizer_info *info, size_t i, char num[32])
{
    const clopt_param_info *pi = clopt_catalogue_param(info->params[i]);
    const clopt_range range = clopt_catalogue_range(info, info->params[i]);
    const double d = info->defaults[i];
    if (range == CLOPT_RANGE_BOOL) return d != 0.0 ? "True" : "False";
    if (pi->words) return pi->words[(size_t)d];
    if (range == CLOPT_RANGE_ITERATIONS) {
        snprintf(num, 32, "%.0f", d);
        return num;
    }
    return clopt_format_number(num, d);
}

const char *clopt_cli_param_range(const clopt_optimizer_info *info, clopt_param p, char buf[128])
{
    const clopt_param_info *pi = clopt_catalogue_param(p);
    if (!pi->words) return clopt_range_text(clopt_catalogue_range(info, p));
    buf[0] = '\0';
    for (size_t w = 0, n = 0; pi->words[w] && n < 128; w++) /* in quotes, as the spec takes them */
        n += (size_t)snprintf(buf + n, 128 - n, "%s\"%s\"", w ? " or " : "", pi->words[w]);
    return buf;
}

static void print_table(void)
{
    char num[32], range[128];
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        printf("%s\n  %s\n", info->name, info->en);
        for (size_t i = 0; i < info->nparams; i++)
            printf("  %-15s = %-8s %s\n", clopt_catalogue_param(info->params[i])->name,
                   clopt_cli_param_default(info, i, num),
                   clopt_cli_param_range(info, info->params[i], range));
        printf("  %-15s   %-8s %s\n", "clipnorm", "(off)",
               clopt_cli_param_range(info, CLOPT_P_CLIPNORM, range));
        printf("  %-15s   %-8s %s\n\n", "clipvalue", "(off)",
               clopt_cli_param_range(info, CLOPT_P_CLIPVALUE, range));
    }
    puts("Spec syntax: adam, Adam(lr=0.01, beta_2=0.99), SGD(lr=0.1, momentum=0.9, "
         "nesterov=True)\nor JSON: {\"name\":\"adam\",\"lr\":0.01}; every optimizer takes a "
         "learning-rate schedule,\nschedule=cosine(steps=1000, warmup=100) "
         "(clopt optimizers --schedules lists them)");
}

const char clopt_cli_optimizers_usage[] =
    "usage: clopt optimizers [--json] [--schedules]\n"
    "\n"
    "Lists every optimizer with its hyperparameters, defaults and valid ranges.\n"
    "\n"
    "  --json       the same as JSON, with each text in English and Korean (as the server's\n"
    "               /api/v1/optimizers)\n"
    "  --schedules  the learning-rate schedules instead (schedule=...: names, parameters,\n"
    "               defaults, ranges, formulas; with --json as /api/v1/schedules)\n";

int clopt_cli_optimizers(int argc, char **argv)
{
    int json, schedules = 0, n = 0;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return 1;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--schedules") == 0)
            schedules = 1;
        else
            rest[n++] = argv[i];
    const int status =
        cli_listing_options("clopt optimizers", clopt_cli_optimizers_usage, n, rest, &json);
    free(rest);
    if (status) return status < 0 ? 0 : status; /* -1: --help was printed */
    if (schedules) return print_schedules(json);
    if (json) return print_json();
    print_table();
    return 0;
}
