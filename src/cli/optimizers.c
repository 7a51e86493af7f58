/* clopt optimizers: the catalogue, as a table for people or JSON for programs. */
#include "cli.h"

#include "catalogue.h"
#include "catalogue_json.h"
#include "config.h"
#include "args.h"

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

static void print_table(void)
{
    char num[32];
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        printf("%s\n  %s\n", info->name, info->en);
        for (size_t i = 0; i < info->nparams; i++) {
            const clopt_param_info *pi = clopt_catalogue_param(info->params[i]);
            const clopt_range range = clopt_catalogue_range(info, info->params[i]);
            const char *def = range == CLOPT_RANGE_BOOL
                                  ? (info->defaults[i] != 0.0 ? "True" : "False")
                                  : clopt_format_number(num, info->defaults[i]);
            printf("  %-15s = %-8s %s\n", pi->name, def, clopt_range_text(range));
        }
        printf("  %-15s   %-8s %s\n", "clipnorm", "(off)", clopt_range_text(CLOPT_RANGE_POSITIVE));
        printf("  %-15s   %-8s %s\n\n", "clipvalue", "(off)",
               clopt_range_text(CLOPT_RANGE_POSITIVE));
    }
    puts("Spec syntax: adam, Adam(lr=0.01, beta_2=0.99), SGD(lr=0.1, momentum=0.9, "
         "nesterov=True)\nor JSON: {\"name\":\"adam\",\"lr\":0.01}");
}

const char clopt_cli_optimizers_usage[] =
    "usage: clopt optimizers [--json]\n"
    "\n"
    "Lists every optimizer with its hyperparameters, defaults and valid ranges.\n"
    "\n"
    "  --json  the same as JSON, with each text in English and Korean (as the server's\n"
    "          /api/v1/optimizers)\n";

int clopt_cli_optimizers(int argc, char **argv)
{
    int json;
    const int status =
        cli_listing_options("clopt optimizers", clopt_cli_optimizers_usage, argc, argv, &json);
    if (status) return status < 0 ? 0 : status; /* -1: --help was printed */
    if (json) return print_json();
    print_table();
    return 0;
}
