/* The server's refusals as data: a code and the sentence's values for each format (refusals.c). */
#ifndef CLOPT_SERVER_REFUSALS_H
#define CLOPT_SERVER_REFUSALS_H

#include "problem.h"

#include <stdarg.h>

/* Sets p->code and p->args from the row of fmt, its values read from ap (the arguments
 * srv_problem_set was given); leaves them unset for a format without a row. */
void srv_refusal_fill(srv_problem *p, const char *fmt, va_list ap);

#endif
