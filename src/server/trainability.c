/*
 * The trainability kind of exploration (POST /api/v1/explorations, "kind": "trainability"):
 * clopt_trainability's window of per-layer learning rates as a job, computed twice like a
 * basin map: a coarse pass (1/8 of the grid a side, at least 2) so that a page has a
 * picture at once, then the full grid. Each turn trains a slice of the pass's cells
 * (clopt_trainability_cells, the whole call's values bit for bit) and holds the device for
 * that slice only.
 *
 * Request: {"kind": "trainability", "width": 8, "activation": "tanh"|"relu"|"identity",
 * "steps": 100, "grid": N or [NX, NY] (256), "window": [X0, X1, Y0, Y1] (-2, 3, -2, 3; log10
 * of layer 1's and layer 2's rates), "seed": 0 or "data": {"X", "Y", "W1", "W2"} (as
 * `clopt explore trainability --data` reads them), "precision": "float"|"double"}.
 *
 * Events: pass {"pass", "coarse", "kind", "width", "activation", "steps", "grid", "window",
 * "precision", "seed" (absent with data), "dimension" (the box-counting dimension of the
 * pass's boundary, null when there is none), "shape": [1, NY, NX], "fields": {"measure",
 * "converged"}} and done {"passes": 2}. Each field answers GET with NY x NX little-endian
 * float32, row-major (row j: layer 2's rate, column i: layer 1's).
 */
#include "trainability_request.h"

#include "context.h"
#include "frames.h"
#include "reply.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Work per turn: 2^28 units, 30 ms on PoCL's CPU device here (the default 256^2 window at
 * width 8: 384 cells a turn, the longest of its 174 turns 70 ms; in double 24 cells), so
 * that a large window does not keep other clients' runs waiting long. At least two
 * work-items' cells (a vector's lanes each in float), so that a slice of slow cells keeps
 * two cores busy rather than one; at most TURN_MAX (the turn's buffers; a launch is 8,192
 * cells). A cell's training cannot be split, so its own work is capped
 * (SRV_TRAINABILITY_MAX_CELL_WORK): a lone cell of 2^30 units trains for about 2 s here,
 * the longest a turn holds the device.
 */
#define TURN_WORK (1ull << 28)
#define TURN_MAX 65536u

static const char *const field_names[SRV_TRAINABILITY_FIELDS] = {"measure", "converged"};

typedef struct {
    int pass;
    size_t done; /* cells of the pass computed */
    size_t most; /* cells a turn computes at most */
    double *measure;
    unsigned char *converged;
} train_work;

static clopt_trainability_options pass_options(const srv_trainability_request *r, int p)
{
    clopt_trainability_options o = r->o;
    o.nx = r->side[p][0];
    o.ny = r->side[p][1];
    return o;
}

/* Cells a turn trains: TURN_WORK's worth, two work-items' at least (lanes: per work-item). */
static size_t turn_cells(const srv_trainability_request *r, size_t lanes)
{
    const uint64_t n = TURN_WORK / srv_trainability_work(r, 1), least = 2 * lanes;
    return n < least ? (size_t)least : n > TURN_MAX ? TURN_MAX : (size_t)n;
}

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const srv_trainability_request *r = req;
    const size_t cells = r->cells[0] + r->cells[1];
    /* both passes' fields; the full pass's measure as doubles for its dimension; a turn's
     * outputs (9 bytes a cell) and the library's buffers for it (its rates and outputs on
     * the host and the device, padded to whole launches: under 64 bytes a cell and 1 MiB);
     * the data, twice more in the canonical text; the events */
    const size_t data = r->data ? clopt_trainability_data_size(r->o.width) : 0;
    return cells * SRV_TRAINABILITY_FIELDS * sizeof(float) + r->cells[1] * sizeof(double) +
           (size_t)TURN_MAX * (9 + 64) + ((size_t)1 << 20) + data * (8 + 2 * 32) + 2 * 4096;
}

static size_t result_bytes(const srv_job *j)
{
    const srv_trainability_request *r = j->req;
    size_t n = 0;
    for (int p = 0; p < r->passes; p++)
        n += r->cells[p] * SRV_TRAINABILITY_FIELDS * sizeof(float);
    return n;
}

static void release(srv *s, srv_job *j)
{
    (void)s;
    train_work *w = j->work;
    if (!w) return;
    free(w->measure);
    free(w->converged);
    free(w);
    j->work = NULL;
}

/* The pass event of pass p, its fields complete; NULL out of memory. */
static char *pass_event(const srv_job *j, int p)
{
    const srv_trainability_request *r = j->req;
    const size_t nx = r->side[p][0], ny = r->side[p][1], cells = r->cells[p];
    /* the dimension from the float32 fields: rounding keeps every measure's sign (a trained
     * cell's is at most -1, a diverged one's above 0), which is all it reads */
    double *m = malloc(cells * sizeof *m);
    if (!m) return NULL;
    for (size_t c = 0; c < cells; c++)
        m[c] = r->results[p][c];
    const double dim = clopt_boundary_dimension(m, nx, ny);
    free(m);
    json_t *fields = json_object();
    for (size_t f = 0; f < SRV_TRAINABILITY_FIELDS; f++) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/explorations/%s/passes/%d/%s", j->id, p, field_names[f]);
        json_object_set_new(fields, field_names[f], json_string(url));
    }
    json_t *ev =
        json_pack("{s:i,s:b,s:s,s:I,s:s,s:I,s:[II],s:o,s:s,s:o,s:[III],s:o}", "pass", p, "coarse",
                  p == 0, "kind", "trainability", "width", (json_int_t)r->o.width, "activation",
                  srv_trainability_activation(r->o.activation), "steps", (json_int_t)r->o.steps,
                  "grid", (json_int_t)nx, (json_int_t)ny, "window", srv_trainability_window_json(r),
                  "precision", r->o.precision == CLOPT_PRECISION_DOUBLE ? "double" : "float",
                  "dimension", srv_json_real(dim), "shape", (json_int_t)1, (json_int_t)ny,
                  (json_int_t)nx, "fields", fields);
    if (ev && !r->data) json_object_set_new(ev, "seed", json_integer((json_int_t)r->o.seed));
    char *text = ev ? json_dumps(ev, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(ev);
    return text;
}

/* One slice of the current pass's cells; at the pass's end, its event. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    srv_trainability_request *r = j->req;
    train_work *w = j->work;
    if (!w) {
        if (!(w = j->work = calloc(1, sizeof *w))) {
            snprintf(error, esize, "out of memory");
            return -1;
        }
        w->most =
            turn_cells(r, r->o.precision == CLOPT_PRECISION_DOUBLE ? 1 : s->ctx->tuning.lanes);
        w->measure = malloc(w->most * sizeof *w->measure);
        w->converged = malloc(w->most);
    }
    const int p = w->pass;
    const size_t cells = r->cells[p];
    if (!r->results[p]) r->results[p] = malloc(SRV_TRAINABILITY_FIELDS * cells * sizeof(float));
    if (!w->measure || !w->converged || !r->results[p]) {
        snprintf(error, esize, "out of memory");
        return -1;
    }
    const size_t count = cells - w->done < w->most ? cells - w->done : w->most;
    const clopt_trainability_options o = pass_options(r, p);
    clopt_error err = {0};
    pthread_mutex_lock(&s->device);
    const clopt_status st =
        clopt_trainability_cells(s->ctx, &o, w->done, count, w->measure, w->converged, &err);
    pthread_mutex_unlock(&s->device);
    if (st != CLOPT_OK) {
        snprintf(error, esize, "%s", err.text);
        return -1;
    }
    float *out = r->results[p] + w->done;
    for (size_t c = 0; c < count; c++) {
        out[c] = (float)w->measure[c];
        out[cells + c] = w->converged[c] ? 1.0f : 0.0f;
    }
    w->done += count;
    srv_job_progress(s, j, 0, (uint64_t)p);
    srv_job_progress(s, j, 1, w->done);
    if (w->done < cells) return 0;
    char *event = pass_event(j, p);
    if (!event) {
        snprintf(error, esize, "out of memory");
        return -1;
    }
    pthread_mutex_lock(&s->lock);
    r->passes = p + 1; /* before its event: a client that reads the event finds the pass */
    pthread_mutex_unlock(&s->lock);
    if (srv_job_emit(s, j, "pass", event, 0)) return 0; /* cancelled or stopping */
    if (p == 0) {
        w->pass = 1;
        w->done = 0;
        return 0;
    }
    srv_job_emit(s, j, "done", strdup("{\"passes\":2}"), 1);
    return 1;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    return srv_trainability_parse(s, body, len, canonical, p);
}

static void created(const srv_job *j, json_t *out)
{
    const srv_trainability_request *r = j->req;
    srv_explore_created(j, out, 1, r->side);
}

/* GET's pass, progress (cells of the pass computed), steps and passes_done. */
static void describe(const srv_job *j, json_t *out)
{
    const srv_trainability_request *r = j->req;
    srv_explore_describe(j, out, r->o.steps, r->passes);
}

/* GET passes/P/FIELD: the field of a finished pass as float32. */
static enum MHD_Result field_route(srv *s, struct MHD_Connection *c, srv_job *j, const char *rest,
                                   const char *method)
{
    const srv_trainability_request *r = j->req;
    size_t f;
    const int pass = srv_explore_field_path(rest, field_names, SRV_TRAINABILITY_FIELDS, &f);
    if (pass < 0) {
        srv_problem p;
        srv_problem_set(&p, 404, "",
                        "no such endpoint; a trainability window's fields are at "
                        "/api/v1/explorations/ID/passes/P/FIELD, P 0 (coarse) or 1, FIELD "
                        "measure or converged");
        return srv_reply_problem(c, &p);
    }
    return srv_explore_field_reply(s, c, j, method, pass, f, field_names, &r->passes, 1, r->side,
                                   r->results, r->cells);
}

const srv_job_kind srv_trainability_kind = {
    .name = "exploration",
    .turn = turn,
    .release = release,
    .free_request = srv_trainability_free,
    .parse = parse,
    .created = created,
    .describe = describe,
    .estimate = estimate,
    .result_bytes = result_bytes,
    .subroute = field_route,
};
