/*
 * A trainability window's request (trainability_request.c): parsed and checked, its canonical
 * text, and the work it asks of the device. The job that computes it is trainability.c's.
 */
#ifndef CLOPT_SERVER_TRAINABILITY_REQUEST_H
#define CLOPT_SERVER_TRAINABILITY_REQUEST_H

#include "explorations.h"

#include <jansson.h>
#include <stdint.h>

#define SRV_TRAINABILITY_FIELDS 2 /* measure and converged */

typedef struct {
    srv_exploration_head head; /* srv_trainability_kind */
    clopt_trainability_options o;
    double *data;      /* the caller's data (o.data), or NULL: the seed's */
    size_t side[2][2]; /* per pass: nx, ny */
    size_t cells[2];
    float *results[2]; /* per pass: SRV_TRAINABILITY_FIELDS x cells, filled by the job's turns */
    int passes;        /* passes complete (lock held) */
} srv_trainability_request;

/*
 * The body of a POST (its "kind" is "trainability"): NULL with *p filled (400 naming the
 * field, 413, 503), or the request and its canonical text in *canonical (malloc'd).
 */
srv_trainability_request *srv_trainability_parse(const srv *s, const char *body, size_t len,
                                                 char **canonical, srv_problem *p);
void srv_trainability_free(void *req);

/* The work of `cells` cells of the window, in float's units (double costs more). */
uint64_t srv_trainability_work(const srv_trainability_request *r, size_t cells);
const char *srv_trainability_activation(clopt_activation a);
/* [X0, X1, Y0, Y1] (new reference). */
json_t *srv_trainability_window_json(const srv_trainability_request *r);

#endif
