/* Option parsing shared by the subcommands. */
#include "args.h"

#include "functions.h"
#include "numbers.h"
#include "usage.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_value(const char *cmd, int argc, char **argv, int *i, const char *name, int *bad)
{
    const char *a = argv[*i];
    const size_t len = strlen(name);
    if (strncmp(a, name, len) != 0) return NULL;
    if (a[len] == '=') return a + len + 1;
    if (a[len] != '\0') return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", cmd, name);
        *bad = 1;
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t min, uint64_t max,
            uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno || v < min || v > max) {
        fprintf(stderr, "%s: %s = '%s': expected an integer in %llu .. %llu\n", cmd, opt, text,
                (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_vary(const char *cmd, const char *text, clopt_explore_axis *ax, char *name)
{
    const char *eq = strchr(text, '=');
    char *end;
    if (!eq || eq == text || (size_t)(eq - text) >= CLI_VARY_NAME) goto bad;
    memcpy(name, text, (size_t)(eq - text));
    name[eq - text] = '\0';
    ax->name = name;
    errno = 0;
    ax->lo = clopt_strtod(eq + 1, &end);
    if (end == eq + 1 || *end != ':') goto bad;
    const char *p = end + 1;
    ax->hi = clopt_strtod(p, &end);
    if (end == p || *end != ':' || errno == ERANGE) goto bad;
    p = end + 1;
    if (*p < '0' || *p > '9') goto bad;
    const unsigned long long n = strtoull(p, &end, 10);
    if (errno == ERANGE || (*end != '\0' && strcmp(end, ":log") != 0)) goto bad;
    ax->n = n > CLOPT_EXPLORE_MAX_SIDE ? CLOPT_EXPLORE_MAX_SIDE + 1 : (size_t)n;
    ax->log = *end != '\0';
    return 0;
bad:
    fprintf(stderr, "%s: --vary = '%s': expected NAME=LO:HI:N or NAME=LO:HI:N:log\n", cmd, text);
    return -1;
}

int cli_double(const char *cmd, const char *opt, const char *text, double *out)
{
    return cli_numbers(cmd, opt, text, 1, out);
}

int cli_numbers(const char *cmd, const char *opt, const char *text, int n, double *out)
{
    const char *p = text;
    for (int k = 0; k < n; k++) {
        char *end;
        errno = 0;
        out[k] = clopt_strtod(p, &end);
        const char want = k + 1 < n ? ',' : '\0';
        if (end == p || *end != want || errno == ERANGE || !isfinite(out[k])) {
            if (n == 1)
                fprintf(stderr, "%s: %s = '%s': expected a finite number\n", cmd, opt, text);
            else
                fprintf(stderr, "%s: %s = '%s': expected %d finite numbers separated by commas\n",
                        cmd, opt, text, n);
            return -1;
        }
        p = end + 1;
    }
    return 0;
}

int cli_function(const char *cmd, const char *function)
{
    clopt_function_ref f;
    clopt_expr_error where;
    clopt_error err;
    const clopt_status st = clopt_function_resolve(function, &f, &where, &err);
    clopt_function_ref_release(&f);
    if (st == CLOPT_OK) return 0;
    fprintf(stderr, "%s: %s\n", cmd, err.text);
    if (where.column) {
        fputs("  ", stderr);
        for (const char *c = function; *c; c++)
            fputc(*c >= 0x20 && *c < 0x7f ? *c : '?', stderr);
        fprintf(stderr, "\n  %*s", (int)where.column - 1, "");
        for (size_t i = 0; i < where.length; i++)
            fputc('^', stderr);
        fputc('\n', stderr);
    }
    return st == CLOPT_ENOMEM ? 1 : 2;
}

int cli_listing_options(const char *cmd, const char *usage, int argc, char **argv, int *json)
{
    *json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            *json = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        } else
            return cli_unknown_option(cmd, argv[i], usage);
    }
    return 0;
}
