/*
 * The exploration kinds of POST /api/v1/explorations: basin maps and sweeps (explorations.c)
 * and trainability windows (trainability.c, its request trainability_request.c). One job
 * kind, srv_exploration_kind (exploration_kind.c), holds them all (one registry, queue and
 * worker, one collection): its parse picks the request's kind and every other call goes to
 * the kind that the request names in its first member.
 */
#ifndef CLOPT_SERVER_EXPLORATIONS_H
#define CLOPT_SERVER_EXPLORATIONS_H

#include "core.h"

#include "clopt/clopt.h"

#include <jansson.h>

#define SRV_EXPLORE_QUEUE 4 /* explorations waiting */
#define SRV_EXPLORE_KEEP 8  /* finished ones kept */

/* Every exploration request starts with this: the kind whose calls work it. */
typedef struct {
    const srv_job_kind *kind;
} srv_exploration_head;

/* Basin maps and sweeps (explorations.c) and trainability windows (trainability.c): their
 * parse is called for the body's "kind". */
extern const srv_job_kind srv_explore_maps_kind, srv_trainability_kind;

/* A coarse pass's side for a full side of n: 1/8 of it, at least 2. */
size_t srv_explore_coarse_side(size_t n);

/* An optional array member of n finite numbers into out (*set: it was there). */
int srv_explore_numbers(json_t *root, const char *name, size_t n, double *out, int *set,
                        srv_problem *p);

/* "grid": N or [NX, NY], each 2 .. CLOPT_EXPLORE_MAX_SIDE; absent: dflt a side (0: required). */
int srv_explore_grid(json_t *root, size_t dflt, size_t *nx, size_t *ny, srv_problem *p);

/* "precision": "float" (absent) or "double", which the device must support (s->ctx NULL:
 * not checked). */
int srv_explore_precision(const srv *s, json_t *root, clopt_precision *out, srv_problem *p);

#endif
