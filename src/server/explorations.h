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

/*
 * What every exploration kind's job shares (exploration_kind.c): POST's "request" and
 * "passes" (each pass's shape [layers, ny, nx] from side[pass] = {nx, ny}); GET's pass,
 * progress, steps and passes_done.
 */
void srv_explore_created(const srv_job *j, json_t *out, size_t layers, const size_t side[2][2]);
void srv_explore_describe(const srv_job *j, json_t *out, uint64_t steps, int passes);

/* The pass (0 or 1) of GET "passes/P/FIELD" and FIELD's index among names[0 .. n-1] into
 * *field; -1 when rest is not such a path. */
int srv_explore_field_path(const char *rest, const char *const *names, size_t n, size_t *field);

/*
 * The reply for field `field` (names[field]) of pass `pass`: counts[pass] floats at
 * results[pass] + field x counts[pass], shaped layers x side[pass][1] x side[pass][0]
 * (X-Shape). GET or HEAD only; 409 until *passes (read under the lock) counts the pass.
 */
enum MHD_Result srv_explore_field_reply(srv *s, struct MHD_Connection *c, srv_job *j,
                                        const char *method, int pass, size_t field,
                                        const char *const *names, const int *passes, size_t layers,
                                        const size_t side[2][2], float *const results[2],
                                        const size_t counts[2]);

#endif
