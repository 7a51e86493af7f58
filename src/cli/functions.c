/* clopt functions: the test-function catalogue, as a table or as JSON. */
#include "cli.h"

#include "config.h"
#include "args.h"

#include <stdio.h>
#include <string.h>

json_t *clopt_cli_function_json(const clopt_function_info *f)
{
    json_t *minima = json_array();
    for (size_t m = 0; m < f->nminima; m++)
        json_array_append_new(minima, json_pack("{s:f,s:f,s:f}", "x", f->minima[m].x, "y",
                                                f->minima[m].y, "f", f->minima[m].f));
    return json_pack("{s:s,s:s,s:s,s:[ffff],s:[ff],s:o,s:b}", "name", f->name, "formula",
                     f->formula, "tex", f->tex, "view", f->view[0], f->view[1], f->view[2],
                     f->view[3], "start", f->start[0], f->start[1], "minima", minima, "log_scale",
                     f->log_scale);
}

static void print_table(void)
{
    char a[32], b[32], c[32], d[32];
    printf("%-17s %-28s %-14s %s\n", "function", "view [x0,x1]x[y0,y1]", "start", "minimum");
    for (size_t i = 0; i < clopt_function_count(); i++) {
        const clopt_function_info *f = clopt_function_get(i);
        /* room for the longest numbers clopt_format_number writes (31 characters each) */
        char view[4 * 32 + sizeof "[,]x[,]"], start[2 * 32 + sizeof "(, )"],
            minimum[3 * 32 + sizeof "f(, ) =  (and others)"] = "none (unbounded)";
        snprintf(view, sizeof view, "[%s,%s]x[%s,%s]", clopt_format_number(a, f->view[0]),
                 clopt_format_number(b, f->view[1]), clopt_format_number(c, f->view[2]),
                 clopt_format_number(d, f->view[3]));
        snprintf(start, sizeof start, "(%s, %s)", clopt_format_number(a, f->start[0]),
                 clopt_format_number(b, f->start[1]));
        if (f->nminima)
            snprintf(minimum, sizeof minimum, "f(%s, %s) = %s%s",
                     clopt_format_number(a, f->minima[0].x), clopt_format_number(b, f->minima[0].y),
                     clopt_format_number(c, f->minima[0].f), f->nminima > 1 ? " (and others)" : "");
        printf("%-17s %-28s %-14s %s%s\n  %s\n", f->name, view, start, minimum,
               f->log_scale ? ", log scale" : "", f->formula);
    }
}

const char clopt_cli_functions_usage[] =
    "usage: clopt functions [--json]\n"
    "\n"
    "Lists the 2-D test functions with their formula, default view and start, known minima\n"
    "and colour scale.\n"
    "\n"
    "  --json  the same as JSON, with each formula also in TeX (as the server's\n"
    "          /api/v1/functions)\n";

int clopt_cli_functions(int argc, char **argv)
{
    int json;
    const int status =
        cli_listing_options("clopt functions", clopt_cli_functions_usage, argc, argv, &json);
    if (status) return status < 0 ? 0 : status; /* -1: --help was printed */
    if (!json) {
        print_table();
        return 0;
    }
    json_t *all = json_array();
    for (size_t i = 0; i < clopt_function_count(); i++)
        json_array_append_new(all, clopt_cli_function_json(clopt_function_get(i)));
    int rc = json_dumpf(all, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(all);
    return rc;
}
