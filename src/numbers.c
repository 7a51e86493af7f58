/*
 * Numbers as text in the C locale. strtod and printf follow LC_NUMERIC, which the process
 * that links us may have set to a comma-decimal locale; uselocale switches the calling
 * thread alone, so the rest of that process keeps its own.
 */
#include "numbers.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * The C locale for this thread; returns the one to restore. newlocale of "C" for every
 * category is a static object in glibc (no allocation); were it ever to fail, the thread's
 * locale stays, which is the C locale unless the program set another.
 */
static locale_t enter_c(locale_t *c)
{
    *c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return *c ? uselocale(*c) : (locale_t)0;
}

static void leave_c(locale_t c, locale_t old)
{
    if (!c) return;
    uselocale(old);
    freelocale(c);
}

double clopt_strtod(const char *s, char **end)
{
    locale_t c;
    const locale_t old = enter_c(&c);
    const double v = strtod(s, end);
    leave_c(c, old);
    return v;
}

float clopt_strtof(const char *s, char **end)
{
    locale_t c;
    const locale_t old = enter_c(&c);
    const float v = strtof(s, end);
    leave_c(c, old);
    return v;
}

int clopt_vsnprintf(char *out, size_t size, const char *fmt, va_list ap)
{
    locale_t c;
    const locale_t old = enter_c(&c);
    const int n = vsnprintf(out, size, fmt, ap);
    leave_c(c, old);
    return n;
}

int clopt_snprintf(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = clopt_vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n;
}
