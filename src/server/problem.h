/* What went wrong with a client's request: the HTTP status, the field and a sentence. */
#ifndef CLOPT_SERVER_PROBLEM_H
#define CLOPT_SERVER_PROBLEM_H

#include "expr.h"

#include <jansson.h>
#include <stddef.h>

/* The values of a refusal's sentence (refusals.c), or of an expression's error. */
#define SRV_PROBLEM_MAX_ARGS 4

typedef struct {
    unsigned status;         /* HTTP status: 400, 404, 413, ... */
    char field[64];          /* the request field at fault ("steps", "optimizers[1]"), or "" */
    char text[320];          /* a sentence a person can act on */
    unsigned column, length; /* an expression's error: the characters to underline, or 0 */
    const char *code;        /* the refusal's code (refusals.c; an expression's: "unknown_name") */
    clopt_expr_arg args[SRV_PROBLEM_MAX_ARGS]; /* and the values its sentence uses */
} srv_problem;

/* Fills *p and returns -1, for `return srv_problem_set(...)`: the sentence, and its code and
 * values from fmt's row in refusals.c (fmt must have one: the tests check every call). */
int srv_problem_set(srv_problem *p, unsigned status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds an expression's error to *p: the characters to underline, the code and the values. */
void srv_problem_expr(srv_problem *p, const clopt_expr_error *where);

/* An expression error's values as a JSON object {"column": 3, "name": "z"} (new reference;
 * NULL out of memory). */
json_t *srv_expr_args(const clopt_expr_arg *args);

/* {"error": text, "field": field, "code": code, "args": {...}} as compact JSON, with
 * "column" and "length" for an expression's error (malloc'd; NULL out of memory). */
char *srv_problem_text(const srv_problem *p);

/* Whether s[0, n) is strict UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF; NUL is allowed). */
int srv_utf8_valid(const char *s, size_t n);

/* The length of the longest valid UTF-8 prefix of s[0, n). */
size_t srv_utf8_prefix(const char *s, size_t n);

#endif
