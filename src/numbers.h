/*
 * Numbers as text in the C locale, whatever the caller's LC_NUMERIC: specs, configs,
 * expressions, generated OpenCL and checkpoints are read and written with a '.' even in a
 * process that called setlocale(LC_ALL, "de_DE.UTF-8"). Thread-safe: the locale is switched
 * for the calling thread only (uselocale), and back before returning.
 */
#ifndef CLOPT_NUMBERS_H
#define CLOPT_NUMBERS_H

#include <stdarg.h>
#include <stddef.h>

/* strtod and strtof as in the C locale. */
double clopt_strtod(const char *s, char **end);
float clopt_strtof(const char *s, char **end);

/* snprintf and vsnprintf as in the C locale. */
int clopt_snprintf(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int clopt_vsnprintf(char *out, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
