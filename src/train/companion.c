/* Muon's AdamW companion in training: the spec's adamw_* arguments (companion.h). */
#include "companion.h"

#include "error.h"
#include "spec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TEXT 1024

/* Appends text[0, n) to out (a comma first unless out is empty or ends with '('). */
static void append_arg(char *out, const char *text, size_t n)
{
    const size_t at = strlen(out);
    if (at + n + 3 >= TEXT) return; /* the caller checked the spec's length */
    snprintf(out + at, TEXT - at, "%s%.*s", out[at - 1] == '(' ? "" : ", ", (int)n, text);
}

clopt_status clopt_train_split_spec(const char *spec, clopt_config *main, clopt_config *rest,
                                    int *has_rest, clopt_error *err)
{
    char mine[TEXT], adamw[TEXT] = "adamw(";
    const char *open = spec ? strchr(spec, '(') : NULL;
    const char *brace = spec ? strchr(spec, '{') : NULL;
    size_t moved = 0;
    *has_rest = 0;
    clopt_error_clear(err);
    if (!spec || strlen(spec) >= TEXT / 2 || !open || (brace && brace < open)) {
        /* no arguments, or JSON: AdamW with its defaults beside a matrix optimizer */
        const clopt_status st = clopt_spec_parse_training(spec, main, err);
        if (st != CLOPT_OK || !clopt_catalogue_matrix(main->info->kind)) return st;
        *has_rest = 1;
        return clopt_spec_parse_training("adamw", rest, err);
    }
    snprintf(mine, sizeof mine, "%.*s", (int)(open - spec + 1), spec);
    /* the arguments at depth 1, split at commas outside parentheses and quotes */
    const char *arg = open + 1, *c = arg;
    int depth = 1;
    char quote = 0;
    for (; *c && depth > 0; c++) {
        if (quote) {
            quote = *c == quote ? 0 : quote;
            continue;
        }
        if (*c == '"' || *c == '\'') quote = *c;
        depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
        if ((*c == ',' && depth == 1) || depth == 0) {
            while (arg < c && isspace((unsigned char)*arg))
                arg++;
            const size_t n = (size_t)(c - arg), plen = strlen(CLOPT_ADAMW_PREFIX);
            if (n > plen && strncasecmp(arg, CLOPT_ADAMW_PREFIX, plen) == 0) {
                append_arg(adamw, arg + plen, n - plen);
                moved++;
            } else if (n > 0) {
                append_arg(mine, arg, n);
            }
            arg = c + 1;
        }
    }
    if (depth != 0) return clopt_spec_parse_training(spec, main, err); /* its own error */
    snprintf(mine + strlen(mine), sizeof mine - strlen(mine), ")%s", c);
    strcat(adamw, ")");
    clopt_status st = clopt_spec_parse_training(mine, main, err);
    if (st != CLOPT_OK) return st;
    if (!clopt_catalogue_matrix(main->info->kind)) {
        if (moved)
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "%s takes no adamw_* settings; they configure Muon's AdamW "
                                   "(biases and the output layer)",
                                   main->info->name);
        return CLOPT_OK;
    }
    clopt_error inner;
    clopt_error_clear(&inner);
    if ((st = clopt_spec_parse_training(adamw, rest, &inner)) != CLOPT_OK)
        return clopt_error_set(err, st, "%s's AdamW (its adamw_* settings): %s", main->info->name,
                               inner.text);
    *has_rest = 1;
    return CLOPT_OK;
}
