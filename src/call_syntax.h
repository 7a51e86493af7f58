/*
 * The call syntax that optimizer specs (src/spec.c) and learning-rate schedules
 * (src/lr_schedule.c) share, as a Keras or PyTorch user writes it:
 *   call := name [ "(" [ arg { "," arg } [","] ] ")" ]      arg := name "=" value
 * with white space between any two tokens. What a value is, is the caller's.
 */
#ifndef CLOPT_CALL_SYNTAX_H
#define CLOPT_CALL_SYNTAX_H

#include "clopt/clopt.h"

#include <stddef.h>

typedef struct {
    const char *s;     /* the whole text, for messages (columns count from it) */
    const char *cur;   /* the parse position */
    const char *end;   /* the text's end */
    const char *owner; /* a message's prefix ("adam: "), or NULL */
    const char *what;  /* what the text is, for messages: "optimizer spec", "schedule" */
} clopt_cursor;

void clopt_cursor_skip_ws(clopt_cursor *c);

/* The length of the identifier ([A-Za-z_][A-Za-z0-9_]*) at the position, moved past it. */
size_t clopt_cursor_identifier(clopt_cursor *c);

/* EINVAL: "[owner: ]malformed WHAT 'text': expected EXPECTED at column N". */
clopt_status clopt_cursor_syntax(const clopt_cursor *c, const char *expected, clopt_error *err);

/*
 * A number at the position (digits, signs, '.', 'e'; read by clopt_strtod, so the locale
 * does not matter), moved past it. A syntax error that expects `expected` when there is
 * none; the position is left at its start.
 */
clopt_status clopt_cursor_number(clopt_cursor *c, const char *expected, double *out,
                                 clopt_error *err);

/*
 * The argument list, if a '(' follows: for each name=value, arg(c, name, len, ctx, err)
 * with the position at the value, which arg reads; then past the ')' and white space.
 */
typedef clopt_status (*clopt_cursor_arg)(clopt_cursor *c, const char *name, size_t len, void *ctx,
                                         clopt_error *err);
clopt_status clopt_cursor_args(clopt_cursor *c, clopt_cursor_arg arg, void *ctx, clopt_error *err);

#endif
