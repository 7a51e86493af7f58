/* The call syntax shared by optimizer specs and schedules (see call_syntax.h). */
#include "call_syntax.h"

#include "error.h"
#include "numbers.h"

#include <ctype.h>
#include <string.h>

void clopt_cursor_skip_ws(clopt_cursor *c)
{
    while (c->cur < c->end && isspace((unsigned char)*c->cur))
        c->cur++;
}

size_t clopt_cursor_identifier(clopt_cursor *c)
{
    const char *from = c->cur;
    if (c->cur < c->end && (isalpha((unsigned char)*c->cur) || *c->cur == '_'))
        while (c->cur < c->end && (isalnum((unsigned char)*c->cur) || *c->cur == '_'))
            c->cur++;
    return (size_t)(c->cur - from);
}

clopt_status clopt_cursor_syntax(const clopt_cursor *c, const char *expected, clopt_error *err)
{
    const size_t len = (size_t)(c->end - c->s);
    return clopt_error_set(err, CLOPT_EINVAL, "%s%smalformed %s '%.*s': expected %s at column %d",
                           c->owner ? c->owner : "", c->owner ? ": " : "", c->what,
                           (int)(len > 80 ? 80 : len), c->s, expected, (int)(c->cur - c->s) + 1);
}

clopt_status clopt_cursor_number(clopt_cursor *c, const char *expected, double *out,
                                 clopt_error *err)
{
    const char *from = c->cur;
    while (c->cur < c->end && strchr("0123456789+-.eE", *c->cur))
        c->cur++;
    const size_t len = (size_t)(c->cur - from);
    char buf[64], *stop;
    if (len == 0 || len >= sizeof buf) {
        c->cur = from;
        return clopt_cursor_syntax(c, len ? "a number" : expected, err);
    }
    memcpy(buf, from, len);
    buf[len] = '\0';
    *out = clopt_strtod(buf, &stop);
    if (*stop != '\0') {
        c->cur = from;
        return clopt_cursor_syntax(c, "a number", err);
    }
    return CLOPT_OK;
}

clopt_status clopt_cursor_args(clopt_cursor *c, clopt_cursor_arg arg, void *ctx, clopt_error *err)
{
    clopt_cursor_skip_ws(c);
    if (c->cur >= c->end || *c->cur != '(') return CLOPT_OK;
    c->cur++;
    clopt_cursor_skip_ws(c);
    while (c->cur < c->end && *c->cur != ')') {
        const char *name = c->cur;
        const size_t len = clopt_cursor_identifier(c);
        if (!len) return clopt_cursor_syntax(c, "an argument name (name=value)", err);
        clopt_cursor_skip_ws(c);
        if (c->cur >= c->end || *c->cur != '=')
            return clopt_cursor_syntax(c, "'=' after the argument name", err);
        c->cur++;
        clopt_cursor_skip_ws(c);
        const clopt_status st = arg(c, name, len, ctx, err);
        if (st != CLOPT_OK) return st;
        clopt_cursor_skip_ws(c);
        if (c->cur < c->end && *c->cur == ',') {
            c->cur++;
            clopt_cursor_skip_ws(c);
        } else if (c->cur >= c->end || *c->cur != ')') {
            return clopt_cursor_syntax(c, "',' or ')'", err);
        }
    }
    if (c->cur >= c->end) return clopt_cursor_syntax(c, "')'", err);
    c->cur++;
    clopt_cursor_skip_ws(c);
    return CLOPT_OK;
}
