/* What went wrong with a client's request: the HTTP status, the field and a sentence. */
#ifndef CLOPT_SERVER_PROBLEM_H
#define CLOPT_SERVER_PROBLEM_H

typedef struct {
    unsigned status; /* HTTP status: 400, 404, 413, ... */
    char field[64];  /* the request field at fault ("steps", "optimizers[1]"), or "" */
    char text[320];  /* a sentence a person can act on */
    unsigned column, length; /* an expression's error: the characters to underline, or 0 */
} srv_problem;

/* Fills *p and returns -1, for `return srv_problem_set(...)`. */
int srv_problem_set(srv_problem *p, unsigned status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
