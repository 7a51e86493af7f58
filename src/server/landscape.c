/*
 * GET /api/v1/landscape: a function on a grid, as a job. The request's arguments are
 * checked on the polling thread; the landscape is computed and formatted by the kind's
 * worker (through a queue of LANDSCAPE_QUEUE; 503 beyond), and the connection waits
 * suspended. Finished landscapes stay cached by (function, view, nx, ny), the last
 * LANDSCAPE_KEEP of them, inside the memory budget; a reply holds its landscape until it
 * is sent. format=json (default) or format=f32: nx x ny little-endian float32, row-major
 * from y0, NaN where not finite, with X-Landscape-Min and X-Landscape-Max headers.
 */
#include "landscape.h"
#include "landscape_request.h"

#include "config.h"
#include "error.h"
#include "fields.h"
#include "frames.h"
#include "functions.h"
#include "reply.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LANDSCAPE_QUEUE 8
#define LANDSCAPE_KEEP 8

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const landscape *l = req;
    const size_t n = l->nx * l->ny;
    return n * sizeof(float) + n * 16 + 512; /* floats, and each as text of <= 15 + ',' */
}

static size_t result_bytes(const srv_job *j)
{
    const landscape *l = j->req;
    return (l->values ? l->nx * l->ny * sizeof(float) : 0) + l->json_len;
}

static void free_request(void *req)
{
    landscape *l = req;
    if (!l) return; /* a resumed request whose parse ran out of memory */
    free(l->function);
    free(l->values);
    free(l->json);
    free(l);
}

static const char *function(const void *req)
{
    return ((const landscape *)req)->function;
}

static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    landscape *l = j->req;
    clopt_error err;
    if (!(l->values = malloc(l->nx * l->ny * sizeof *l->values))) {
        snprintf(l->error, sizeof l->error, "out of memory");
        snprintf(error, esize, "%s", l->error);
        return -1;
    }
    if (srv_job_compile(s, j, error, esize)) { /* not on the device */
        snprintf(l->error, sizeof l->error, "%s", error);
        return -1;
    }
    pthread_mutex_lock(&s->device);
    const clopt_status st = clopt_landscape(s->ctx, l->function, l->nx, l->ny, l->view, l->values,
                                            &l->lo, &l->hi, &err);
    pthread_mutex_unlock(&s->device);
    if (st == CLOPT_OK && !(l->json = srv_frame_landscape(l->function, l->nx, l->ny, l->view, l->lo,
                                                          l->hi, l->values, &l->json_len)))
        clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
    if (st != CLOPT_OK || !l->json) {
        snprintf(l->error, sizeof l->error, "%s", err.text);
        snprintf(error, esize, "%s", err.text);
        return -1;
    }
    srv_job_emit(s, j, "done", strdup("{}"), 1);
    return 1;
}

const srv_job_kind srv_landscape_kind = {
    .name = "landscape",
    .collection = "landscapes",
    .busy = "%u landscapes are waiting to be computed; retry in a second",
    .active = 1,
    .queue = LANDSCAPE_QUEUE,
    .keep = LANDSCAPE_KEEP,
    .turn = turn,
    .release = NULL,
    .free_request = free_request,
    .estimate = estimate,
    .result_bytes = result_bytes,
    .function = function,
};

/* The finished job's answer; takes over the caller's reference to j. */
static enum MHD_Result answer(srv *s, struct MHD_Connection *c, srv_job *j, int f32)
{
    pthread_mutex_lock(&s->lock);
    const srv_job_status st = j->status;
    pthread_mutex_unlock(&s->lock);
    const landscape *l = j->req;
    if (st != JOB_DONE) {
        srv_problem p;
        srv_problem_set(&p, 500, "", "%s", l->error[0] ? l->error : "cancelled");
        srv_job_release(s, j);
        return srv_reply_problem(c, &p);
    }
    if (!f32) return srv_reply_job_data(s, c, j, l->json, l->json_len, "application/json", NULL);
    /* no finite value (lo and hi are then not finite either): no headers, as JSON's null */
    char lo[32], hi[32];
    const char *const headers[] = {"X-Landscape-Min", clopt_format_float(lo, l->lo),
                                   "X-Landscape-Max", clopt_format_float(hi, l->hi), NULL};
    return srv_reply_job_data(s, c, j, l->values, l->nx * l->ny * sizeof(float),
                              "application/octet-stream", isfinite(l->lo) ? headers : NULL);
}

static const char *arg(void *cls, const char *name)
{
    return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
}

enum MHD_Result srv_api_landscape(srv *s, struct MHD_Connection *c, srv_job **waiting)
{
    srv_problem p;
    int f32 = 0;
    landscape *l = srv_landscape_parse(arg, c, &f32, &p);
    if (*waiting) { /* resumed: the job it waited for has ended */
        srv_job *j = *waiting;
        *waiting = NULL;
        free_request(l);
        return answer(s, c, j, f32);
    }
    if (!l) return srv_reply_problem(c, &p);
    char *canonical = srv_landscape_canonical(l);
    if (!canonical) {
        free_request(l);
        srv_problem_set(&p, 503, "", "out of memory");
        return srv_reply_problem(c, &p);
    }
    char id[SRV_ID_CHARS + 1];
    srv_hash_id(canonical, id);
    int created;
    char client[48];
    srv_connection_client(c, client, sizeof client);
    srv_job *j =
        srv_job_submit(&s->jobs[SRV_LANDSCAPES], id, canonical, l, client, NULL, &created, &p);
    if (!j) {
        free(canonical);
        free_request(l);
        return srv_reply_problem(c, &p);
    }
    const int rc = srv_job_wait(s, j, c);
    if (rc == 0) {
        *waiting = j; /* the reference goes with it */
        return MHD_YES;
    }
    if (rc < 0) {
        srv_job_release(s, j);
        return MHD_NO;
    }
    return answer(s, c, j, f32);
}
