/* srv_problem: one helper formats every client error; strict UTF-8 for what clients send. */
#include "problem.h"

#include "refusals.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the UTF-8 sequence at u[0 .. n), or 0 if it is not one: no overlong
 * forms, no surrogates (U+D800 .. U+DFFF), nothing above U+10FFFF (RFC 3629, table 3-7
 * of the Unicode standard).
 */
static size_t utf8_sequence(const unsigned char *u, size_t n)
{
    if (u[0] < 0x80) return 1;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    size_t len;
    if (u[0] >= 0xc2 && u[0] <= 0xdf)
        len = 2;
    else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        len = 3;
        lo = u[0] == 0xe0 ? 0xa0 : 0x80;
        hi = u[0] == 0xed ? 0x9f : 0xbf;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        len = 4;
        lo = u[0] == 0xf0 ? 0x90 : 0x80;
        hi = u[0] == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (n < len || u[1] < lo || u[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if ((u[k] & 0xc0) != 0x80) return 0;
    return len;
}

size_t srv_utf8_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        const size_t k = utf8_sequence(u + i, n - i);
        if (!k) break;
        i += k;
    }
    return i;
}

int srv_utf8_valid(const char *s, size_t n)
{
    return srv_utf8_prefix(s, n) == n;
}

/* Cuts s at its first byte that is not part of valid UTF-8 (a truncated sequence too). */
static void utf8_trim(char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    s[srv_utf8_prefix(s, n)] = '\0';
}

int srv_problem_set(srv_problem *p, unsigned status, const char *field, const char *fmt, ...)
{
    p->status = status;
    p->column = p->length = 0;
    p->code = NULL;
    memset(p->args, 0, sizeof p->args);
    snprintf(p->field, sizeof p->field, "%s", field ? field : "");
    va_list ap, values;
    va_start(ap, fmt);
    va_copy(values, ap);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    srv_refusal_fill(p, fmt, values);
    va_end(values);
    va_end(ap);
    utf8_trim(p->field); /* the JSON error must stay valid whatever was cut or quoted */
    utf8_trim(p->text);
    return -1;
}

void srv_problem_expr(srv_problem *p, const clopt_expr_error *where)
{
    p->column = (unsigned)where->column;
    p->length = (unsigned)where->length;
    p->code = where->code;
    _Static_assert(SRV_PROBLEM_MAX_ARGS >= CLOPT_EXPR_MAX_ARGS, "an expression's values fit");
    memset(p->args, 0, sizeof p->args);
    memcpy(p->args, where->args, sizeof where->args);
}

/* A value as JSON text: a client's bytes cut to fit may not be UTF-8 (Jansson refuses them),
 * so bytes past ASCII become '?' then, and the refusal keeps its body. */
static json_t *arg_string(const char *text)
{
    json_t *s = json_string(text);
    if (s) return s;
    char ascii[sizeof((clopt_expr_arg *)0)->text];
    size_t k = 0;
    for (; text[k] && k + 1 < sizeof ascii; k++)
        ascii[k] = (unsigned char)text[k] < 0x80 ? text[k] : '?';
    ascii[k] = '\0';
    return json_string(ascii);
}

static json_t *args_json(const clopt_expr_arg *args, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n && args[i].key[0]; i++)
        if (json_object_set_new(o, args[i].key,
                                args[i].text[0] ? arg_string(args[i].text)
                                                : json_integer(args[i].number))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

json_t *srv_expr_args(const clopt_expr_arg *args)
{
    return args_json(args, CLOPT_EXPR_MAX_ARGS);
}

char *srv_problem_text(const srv_problem *p)
{
    json_t *j = json_pack("{s:s,s:s}", "error", p->text, "field", p->field);
    if (j && p->column) { /* an expression's error: the characters to underline */
        json_object_set_new(j, "column", json_integer(p->column));
        json_object_set_new(j, "length", json_integer(p->length));
    }
    if (j && p->code) { /* and the same as data, for the page to word in its language */
        json_object_set_new(j, "code", json_string(p->code));
        json_t *args = args_json(p->args, SRV_PROBLEM_MAX_ARGS);
        if (!args || json_object_set_new(j, "args", args)) {
            json_decref(j);
            j = NULL;
        }
    }
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}
