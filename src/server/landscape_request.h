/*
 * GET /api/v1/landscape's query: function, nx, ny (2 .. 1024 each, nx ny <= 262,144),
 * view x0,x1,y0,y1 and format json | f32, checked and written canonically (the cache key).
 * No device, no server: the request path's fuzz harness parses queries with it too.
 */
#ifndef CLOPT_SERVER_LANDSCAPE_REQUEST_H
#define CLOPT_SERVER_LANDSCAPE_REQUEST_H

#include "clopt/clopt.h"
#include "problem.h"

#include <stddef.h>

#define SRV_LANDSCAPE_MAX_SIDE 1024
#define SRV_LANDSCAPE_MAX_VALUES (512u * 512u)

typedef struct {
    char *function; /* the catalogue name, or the expression's canonical text */
    size_t nx, ny;
    double view[4];
    /* The result, written by the worker before the job ends (then read-only). */
    float *values, lo, hi;
    char *json;
    size_t json_len;
    char error[320];
} landscape;

/* The value of query argument `name`, or NULL. */
typedef const char *srv_arg_fn(void *cls, const char *name);

/*
 * The request (calloc'd; free its function, results and itself with free) or NULL with *p
 * filled (for an expression's error, the column and length to underline).
 */
landscape *srv_landscape_parse(srv_arg_fn *arg, void *cls, int *f32, srv_problem *p);

/* {"function","nx","ny","view"}: equal requests, equal text. malloc'd; NULL out of memory. */
char *srv_landscape_canonical(const landscape *l);

#endif
