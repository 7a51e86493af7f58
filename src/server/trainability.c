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
#include "explorations.h"

#include "api_limits.h"
#include "context.h"
#include "fields.h"
#include "reply.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Work units per cell and step in float: n w^2 multiply-adds forward and as many back, n w
 * activations, and a constant for the step's own loops (n = w^2 + w points), fitted to
 * `clopt explore trainability` on PoCL here (1.0e-10 .. 1.4e-10 s a unit from w = 2 to 8,
 * 0.8e-10 at 16, 0.95e-10 at 1, the device full).
 */
static uint64_t cell_work(size_t w)
{
    return (uint64_t)((w * w + w) * (w * w + 4 * w) + 64);
}

/*
 * Double, measured against float here: a window takes 16 times as long (a work-item trains
 * 8 cells in float's vector lanes and 1 in double, and double's arithmetic is slower),
 * one cell alone twice as long.
 */
#define DOUBLE_WORK 16u
#define DOUBLE_CELL 2u

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

static const char *const activations[] = {"tanh", "relu", "identity"};
static const char *const field_names[] = {"measure", "converged"};
#define NFIELDS 2
static const char *const data_names[] = {"X", "Y", "W1", "W2"};

typedef struct {
    srv_exploration_head head; /* srv_trainability_kind */
    clopt_trainability_options o;
    double *data;      /* the caller's data (o.data), or NULL: the seed's */
    size_t side[2][2]; /* per pass: nx, ny */
    size_t cells[2];
    float *results[2]; /* per pass: NFIELDS x cells, filled by the turns (passes says when) */
    int passes;        /* passes complete (lock held) */
} train_request;

typedef struct {
    int pass;
    size_t done; /* cells of the pass computed */
    size_t most; /* cells a turn computes at most */
    double *measure;
    unsigned char *converged;
} train_work;

/* The four arrays' sizes for width w: X n x w, Y n, W1 w x w, W2 w. */
static void data_counts(size_t w, size_t counts[4])
{
    const size_t n = w * w + w;
    counts[0] = n * w;
    counts[1] = n;
    counts[2] = w * w;
    counts[3] = w;
}

/* A window's work, in float's units: what the device's time is charged. */
static uint64_t window_work(const train_request *r, size_t cells)
{
    const uint64_t k = r->o.precision == CLOPT_PRECISION_DOUBLE ? DOUBLE_WORK : 1;
    return (uint64_t)cells * r->o.steps * cell_work(r->o.width) * k;
}

/* One cell's, which no turn can split: how long it holds a work-item. */
static uint64_t lone_cell_work(const train_request *r)
{
    const uint64_t k = r->o.precision == CLOPT_PRECISION_DOUBLE ? DOUBLE_CELL : 1;
    return r->o.steps * cell_work(r->o.width) * k;
}

static clopt_trainability_options pass_options(const train_request *r, int p)
{
    clopt_trainability_options o = r->o;
    o.nx = r->side[p][0];
    o.ny = r->side[p][1];
    return o;
}

/* Cells a turn trains: TURN_WORK's worth, two work-items' at least (lanes: per work-item). */
static size_t turn_cells(const train_request *r, size_t lanes)
{
    const uint64_t n = TURN_WORK / window_work(r, 1), least = 2 * lanes;
    return n < least ? (size_t)least : n > TURN_MAX ? TURN_MAX : (size_t)n;
}

static void free_request(void *req)
{
    train_request *r = req;
    if (!r) return;
    free(r->data);
    free(r->results[0]);
    free(r->results[1]);
    free(r);
}

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const train_request *r = req;
    const size_t cells = r->cells[0] + r->cells[1];
    /* both passes' fields; the full pass's measure as doubles for its dimension; a turn's
     * outputs (9 bytes a cell) and the library's buffers for it (its rates and outputs on
     * the host and the device, padded to whole launches: under 64 bytes a cell and 1 MiB);
     * the data, twice more in the canonical text; the events */
    const size_t data = r->data ? clopt_trainability_data_size(r->o.width) : 0;
    return cells * NFIELDS * sizeof(float) + r->cells[1] * sizeof(double) +
           (size_t)TURN_MAX * (9 + 64) + ((size_t)1 << 20) + data * (8 + 2 * 32) + 2 * 4096;
}

static size_t result_bytes(const srv_job *j)
{
    const train_request *r = j->req;
    size_t n = 0;
    for (int p = 0; p < r->passes; p++)
        n += r->cells[p] * NFIELDS * sizeof(float);
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

/* The window as JSON (numbers as they were given: %.17g round-trips). */
static json_t *window_json(const train_request *r)
{
    const double *v = r->o.window;
    return json_pack("[ffff]", v[0], v[1], v[2], v[3]);
}

/* The pass event of pass p, its fields complete; NULL out of memory. */
static char *pass_event(const srv_job *j, int p)
{
    const train_request *r = j->req;
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
    for (size_t f = 0; f < NFIELDS; f++) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/explorations/%s/passes/%d/%s", j->id, p, field_names[f]);
        json_object_set_new(fields, field_names[f], json_string(url));
    }
    json_t *ev =
        json_pack("{s:i,s:b,s:s,s:I,s:s,s:I,s:[II],s:o,s:s,s:o,s:[III],s:o}", "pass", p, "coarse",
                  p == 0, "kind", "trainability", "width", (json_int_t)r->o.width, "activation",
                  activations[r->o.activation], "steps", (json_int_t)r->o.steps, "grid",
                  (json_int_t)nx, (json_int_t)ny, "window", window_json(r), "precision",
                  r->o.precision == CLOPT_PRECISION_DOUBLE ? "double" : "float", "dimension",
                  isfinite(dim) ? json_real(dim) : json_null(), "shape", (json_int_t)1,
                  (json_int_t)ny, (json_int_t)nx, "fields", fields);
    if (ev && !r->data) json_object_set_new(ev, "seed", json_integer((json_int_t)r->o.seed));
    char *text = ev ? json_dumps(ev, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(ev);
    return text;
}

/* One slice of the current pass's cells; at the pass's end, its event. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    train_request *r = j->req;
    train_work *w = j->work;
    if (!w) {
        if (!(w = j->work = calloc(1, sizeof *w))) {
            snprintf(error, esize, "out of memory");
            return -1;
        }
        j->log.limit = estimate(s, r);
        w->most =
            turn_cells(r, r->o.precision == CLOPT_PRECISION_DOUBLE ? 1 : s->ctx->tuning.lanes);
        w->measure = malloc(w->most * sizeof *w->measure);
        w->converged = malloc(w->most);
    }
    const int p = w->pass;
    const size_t cells = r->cells[p];
    if (!r->results[p]) r->results[p] = malloc(NFIELDS * cells * sizeof(float));
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

/* ---- The request ---- */

static const char *const fields[] = {"kind",   "width", "activation", "steps",     "grid",
                                     "window", "seed",  "data",       "precision", NULL};

/* One of data's arrays: numbers, or arrays of numbers (rows), `count` in all, into out. */
static int data_array(json_t *v, const char *name, size_t count, size_t w, double *out,
                      srv_problem *p)
{
    size_t k = 0;
    for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
        json_t *row = json_array_get(v, i);
        const size_t n = json_is_array(row) ? json_array_size(row) : 1;
        for (size_t q = 0; q < n; q++) {
            json_t *x = json_is_array(row) ? json_array_get(row, q) : row;
            if (!json_is_number(x) || k == count) {
                k = count + 1;
                break;
            }
            out[k++] = json_number_value(x);
        }
    }
    if (!json_is_array(v) || k != count)
        return srv_problem_set(p, 400, "data",
                               "data.%s must hold %zu numbers for width %zu (an array of them, "
                               "or of rows)",
                               name, count, w);
    return 0;
}

/* "data": {"X", "Y", "W1", "W2"} for the request's width into r->data. */
static int parse_data(json_t *root, train_request *r, srv_problem *p)
{
    json_t *d = json_object_get(root, "data");
    if (!d) return 0;
    if (json_object_get(root, "seed"))
        return srv_problem_set(p, 400, "data",
                               "seed and data exclude each other: data is what a seed draws");
    if (!json_is_object(d))
        return srv_problem_set(p, 400, "data", "data must be an object {X, Y, W1, W2}");
    const char *key;
    json_t *val;
    json_object_foreach(d, key, val)
    {
        size_t f = 0;
        while (f < 4 && strcmp(key, data_names[f]))
            f++;
        if (f == 4)
            return srv_problem_set(p, 400, "data",
                                   "data has an unknown member '%.40s'; expected X, Y, W1 and W2",
                                   key);
    }
    const size_t w = r->o.width;
    size_t counts[4];
    data_counts(w, counts);
    if (!(r->data = malloc(clopt_trainability_data_size(w) * sizeof *r->data)))
        return srv_problem_set(p, 503, "", "out of memory");
    size_t at = 0;
    for (int f = 0; f < 4; f++) {
        if (data_array(json_object_get(d, data_names[f]), data_names[f], counts[f], w, r->data + at,
                       p))
            return -1;
        at += counts[f];
    }
    r->o.data = r->data;
    return 0;
}

static int parse_fields(const srv *s, json_t *root, train_request *r, srv_problem *p)
{
    r->o = (clopt_trainability_options){
        .width = 8, .steps = 100, .nx = 256, .ny = 256, .window = {-2.0, 3.0, -2.0, 3.0}};
    uint64_t width = r->o.width, seed = 0;
    if (srv_json_integer(root, "width", 1, SRV_TRAINABILITY_MAX_WIDTH, &width, p) ||
        srv_json_integer(root, "steps", 1, SRV_TRAINABILITY_MAX_STEPS, &r->o.steps, p) ||
        srv_json_integer(root, "seed", 0, SRV_MAX_SEED, &seed, p))
        return -1;
    r->o.width = (size_t)width;
    r->o.seed = seed;
    json_t *act = json_object_get(root, "activation");
    size_t a = 0;
    while (act && json_is_string(act) && a < 3 && strcmp(json_string_value(act), activations[a]))
        a++;
    if (act && (!json_is_string(act) || a == 3))
        return srv_problem_set(p, 400, "activation",
                               "activation must be \"tanh\", \"relu\" or \"identity\"");
    r->o.activation = act ? (clopt_activation)a : CLOPT_ACTIVATION_TANH;
    int set;
    if (srv_explore_grid(root, 256, &r->o.nx, &r->o.ny, p) ||
        srv_explore_numbers(root, "window", 4, r->o.window, &set, p))
        return -1;
    const double *v = r->o.window;
    for (size_t k = 0; k < 4; k++)
        if (fabs(v[k]) > SRV_TRAINABILITY_MAX_LOG_RATE)
            return srv_problem_set(
                p, 400, "window", "window[%zu] = %g; expected log10 of a rate from -%d to %d", k,
                v[k], SRV_TRAINABILITY_MAX_LOG_RATE, SRV_TRAINABILITY_MAX_LOG_RATE);
    if (!(v[0] < v[1] && v[2] < v[3]))
        return srv_problem_set(p, 400, "window", "window must have x0 < x1 and y0 < y1");
    if (srv_explore_precision(s, root, &r->o.precision, p) || parse_data(root, r, p)) return -1;
    const uint64_t per_cell = lone_cell_work(r);
    if (per_cell > SRV_TRAINABILITY_MAX_CELL_WORK)
        return srv_problem_set(p, 400, "steps",
                               "%llu steps at width %zu are %llu units of work a cell; a cell may "
                               "take %llu, as long as one turn holds the device (fewer steps or a "
                               "smaller width)",
                               (unsigned long long)r->o.steps, r->o.width,
                               (unsigned long long)per_cell, SRV_TRAINABILITY_MAX_CELL_WORK);
    r->side[1][0] = r->o.nx;
    r->side[1][1] = r->o.ny;
    r->side[0][0] = srv_explore_coarse_side(r->o.nx);
    r->side[0][1] = srv_explore_coarse_side(r->o.ny);
    for (int q = 0; q < 2; q++)
        r->cells[q] = r->side[q][0] * r->side[q][1];
    /* at most 4096^2 x 1e5 x 87,104 x 16 < 2^64 */
    const uint64_t work = window_work(r, r->cells[1]);
    if (work > SRV_TRAINABILITY_MAX_WORK)
        return srv_problem_set(p, 400, "steps",
                               "%zu cells x %llu steps at width %zu is more than %llu units of "
                               "work (fewer cells or steps, or a smaller width)",
                               r->cells[1], (unsigned long long)r->o.steps, r->o.width,
                               SRV_TRAINABILITY_MAX_WORK);
    return 0;
}

/* The data as `clopt explore trainability --dump-data` writes it: X and W1 as rows. */
static json_t *data_json(const train_request *r)
{
    const size_t w = r->o.width, n = w * w + w;
    const size_t rows[] = {n, 0, w, 0};
    size_t counts[4], at = 0;
    data_counts(w, counts);
    json_t *out = json_object();
    for (int f = 0; f < 4; f++) {
        json_t *a = json_array(), *row = NULL;
        const size_t per = rows[f] ? counts[f] / rows[f] : counts[f];
        for (size_t k = 0; k < counts[f]; k++) {
            if (rows[f] && k % per == 0) json_array_append_new(a, row = json_array());
            json_array_append_new(rows[f] ? row : a, json_real(r->data[at + k]));
        }
        json_object_set_new(out, data_names[f], a);
        at += counts[f];
    }
    return out;
}

static char *canonical_text(const train_request *r)
{
    json_t *root = json_pack("{s:s,s:I,s:s,s:I,s:[II],s:o,s:s}", "kind", "trainability", "width",
                             (json_int_t)r->o.width, "activation", activations[r->o.activation],
                             "steps", (json_int_t)r->o.steps, "grid", (json_int_t)r->o.nx,
                             (json_int_t)r->o.ny, "window", window_json(r), "precision",
                             r->o.precision == CLOPT_PRECISION_DOUBLE ? "double" : "float");
    if (!root) return NULL;
    if (r->data)
        json_object_set_new(root, "data", data_json(r));
    else
        json_object_set_new(root, "seed", json_integer((json_int_t)r->o.seed));
    char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(root);
    return text;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    json_t *root = srv_json_object(
        body, len, fields, "kind, width, activation, steps, grid, window, seed, data or precision",
        "{\"kind\": \"trainability\", \"width\": 8, \"steps\": 100, \"grid\": 256, "
        "\"window\": [-2, 3, -2, 3]}",
        p);
    if (!root) return NULL;
    train_request *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(root);
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    r->head.kind = &srv_trainability_kind;
    const int rc = parse_fields(s, root, r, p);
    json_decref(root);
    if (rc == 0 && !(*canonical = canonical_text(r))) srv_problem_set(p, 503, "", "out of memory");
    if (rc || !*canonical) {
        free_request(r);
        return NULL;
    }
    return r;
}

static void created(const srv_job *j, json_t *out)
{
    const train_request *r = j->req;
    json_object_set_new(out, "request", json_loads(j->canonical, 0, NULL));
    json_object_set_new(out, "passes",
                        json_pack("[{s:[III]},{s:[III]}]", "shape", (json_int_t)1,
                                  (json_int_t)r->side[0][1], (json_int_t)r->side[0][0], "shape",
                                  (json_int_t)1, (json_int_t)r->side[1][1],
                                  (json_int_t)r->side[1][0]));
}

/* GET's pass, progress (cells of the pass computed), steps and passes_done. */
static void describe(const srv_job *j, json_t *out)
{
    const train_request *r = j->req;
    json_object_set_new(out, "pass", json_integer((json_int_t)j->progress[0]));
    json_object_set_new(out, "progress", json_integer((json_int_t)j->progress[1]));
    json_object_set_new(out, "steps", json_integer((json_int_t)r->o.steps));
    json_object_set_new(out, "passes_done", json_integer(r->passes));
}

/* GET passes/P/FIELD: the field of a finished pass as float32. */
static enum MHD_Result field_route(srv *s, struct MHD_Connection *c, srv_job *j, const char *rest,
                                   const char *method)
{
    const train_request *r = j->req;
    srv_problem p;
    int pass = -1;
    size_t f = NFIELDS;
    if (!strncmp(rest, "passes/", 7) && (rest[7] == '0' || rest[7] == '1') && rest[8] == '/') {
        pass = rest[7] - '0';
        for (f = 0; f < NFIELDS; f++)
            if (!strcmp(rest + 9, field_names[f])) break;
    }
    if (pass < 0 || f == NFIELDS) {
        srv_problem_set(&p, 404, "",
                        "no such endpoint; a trainability window's fields are at "
                        "/api/v1/explorations/ID/passes/P/FIELD, P 0 (coarse) or 1, FIELD "
                        "measure or converged");
        return srv_reply_problem(c, &p);
    }
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return srv_reply_method(c, method, "GET, HEAD");
    pthread_mutex_lock(&s->lock);
    const int ready = r->passes > pass;
    if (ready) srv_job_ref(j);
    pthread_mutex_unlock(&s->lock);
    if (!ready) {
        srv_problem_set(&p, 409, "",
                        "pass %d is not computed yet; its event on the stream says when", pass);
        return srv_reply_problem(c, &p);
    }
    const size_t cells = r->cells[pass];
    char shape[96];
    snprintf(shape, sizeof shape, "1,%zu,%zu", r->side[pass][1], r->side[pass][0]);
    const char *const headers[] = {"X-Shape", shape, "X-Field", field_names[f], NULL};
    return srv_reply_job_data(s, c, j, r->results[pass] + f * cells, cells * sizeof(float),
                              "application/octet-stream", headers);
}

const srv_job_kind srv_trainability_kind = {
    .name = "exploration",
    .turn = turn,
    .release = release,
    .free_request = free_request,
    .parse = parse,
    .created = created,
    .describe = describe,
    .estimate = estimate,
    .result_bytes = result_bytes,
    .subroute = field_route,
};
