/* srv_problem: one helper formats every client error. */
#include "problem.h"

#include <stdarg.h>
#include <stdio.h>

/* Cuts s at its first byte that is not part of valid UTF-8 (a truncated sequence too). */
static void utf8_trim(char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (u[i]) {
        const size_t n = u[i] < 0x80 ? 1 : (u[i] & 0xe0) == 0xc0 ? 2 : (u[i] & 0xf0) == 0xe0 ? 3
                       : (u[i] & 0xf8) == 0xf0 ? 4 : 0;
        size_t k = 1;
        while (n && k < n && (u[i + k] & 0xc0) == 0x80)
            k++;
        if (n == 0 || k < n)
            break;
        i += n;
    }
    s[i] = '\0';
}

int srv_problem_set(srv_problem *p, unsigned status, const char *field, const char *fmt, ...)
{
    p->status = status;
    p->column = p->length = 0;
    snprintf(p->field, sizeof p->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
    utf8_trim(p->field); /* the JSON error must stay valid whatever was cut or quoted */
    utf8_trim(p->text);
    return -1;
}
