/*
 * A run request (the body of POST /api/v1/runs): validated, resolved (defaults filled in,
 * optimizers as their full get_config()) and written canonically, so that equal requests
 * have equal text and the same id. No device is needed.
 */
#ifndef CLOPT_SERVER_REQUEST_H
#define CLOPT_SERVER_REQUEST_H

#include "clopt/clopt.h"
#include "problem.h"

#include <stddef.h>

/* The server's limits, tighter than the engine's: a run must stream to a browser. */
#define SRV_MAX_BODY (64u * 1024u)
#define SRV_MAX_STEPS 100000u
#define SRV_MAX_TRAJECTORIES 4096u
#define SRV_MAX_STATE_TRAJECTORIES 64u
#define SRV_MAX_POINTS 20000000u
/* Numbers in a POST answer's "rates", all optimizers together (built on the polling
 * thread, once per run): past it they are null. */
#define SRV_MAX_RATES 65536u
/* Seeds of runs and trainings: exact in a double. */
#define SRV_MAX_SEED (1ll << 53)
#define SRV_ID_CHARS 24 /* hex digits of SHA-256(canonical request) */

typedef struct {
    char id[SRV_ID_CHARS + 1];
    char *canonical;      /* compact JSON, keys sorted, every default filled in */
    clopt_run_options o;  /* points into the members below */
    char **specs;         /* K optimizer configs as JSON text (get_config, "name" first) */
    double *starts;       /* 2 S coordinates */
    char *function;       /* the catalogue name, or the expression's canonical text */
    size_t points;        /* K x S x (steps / every + 1) */
    size_t nrates;        /* rates the POST answer lists (past SRV_MAX_RATES: it leaves them out) */
    struct json_t *rates; /* the POST answer's "rates", made for the first answer; or NULL */
} srv_request;

/*
 * Parses body[0, len) into *req. On error returns -1 with *p filled (status 400 or 415...)
 * and *req zeroed; on success the caller frees it with srv_request_free.
 */
int srv_request_parse(const char *body, size_t len, srv_request *req, srv_problem *p);

void srv_request_free(srv_request *req);

/*
 * Resolves a `function` value (a catalogue name or an expression) to *name (malloc'ed: the
 * name, or the expression's canonical text); -1 with *p filled (400, field "function", and
 * for an expression the column and length to underline).
 */
int srv_function_resolve(const char *text, char **name, srv_problem *p);

/* A whole decimal count from a query argument or header (digits only); -1 if not one. */
int srv_parse_count(const char *text, unsigned long long *out);

#endif
