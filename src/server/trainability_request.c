/*
 * A trainability window's request (POST /api/v1/explorations, "kind": "trainability"):
 * checked field by field against the server's limits (api_limits.h), with the command's
 * defaults, and written canonically (keys sorted, every default filled in, the data as
 * `clopt explore trainability --dump-data` writes it) so that equal requests are one job.
 * Also the work a window asks of the device, which the limits and the turns measure.
 */
#include "trainability_request.h"

#include "api_limits.h"
#include "fields.h"

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

static const char *const activations[] = {"tanh", "relu", "identity"};
static const char *const data_names[] = {"X", "Y", "W1", "W2"};

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
uint64_t srv_trainability_work(const srv_trainability_request *r, size_t cells)
{
    const uint64_t k = r->o.precision == CLOPT_PRECISION_DOUBLE ? DOUBLE_WORK : 1;
    return (uint64_t)cells * r->o.steps * cell_work(r->o.width) * k;
}

/* One cell's, which no turn can split: how long it holds a work-item. */
static uint64_t lone_cell_work(const srv_trainability_request *r)
{
    const uint64_t k = r->o.precision == CLOPT_PRECISION_DOUBLE ? DOUBLE_CELL : 1;
    return r->o.steps * cell_work(r->o.width) * k;
}

const char *srv_trainability_activation(clopt_activation a)
{
    return activations[a];
}

/* The window as JSON (numbers as they were given: %.17g round-trips). */
json_t *srv_trainability_window_json(const srv_trainability_request *r)
{
    const double *v = r->o.window;
    return json_pack("[ffff]", v[0], v[1], v[2], v[3]);
}

void srv_trainability_free(void *req)
{
    srv_trainability_request *r = req;
    if (!r) return;
    free(r->data);
    free(r->results[0]);
    free(r->results[1]);
    free(r);
}

static const char *const fields[] = {"kind",   "width", "activation", "steps",     "grid",
                                     "window", "seed",  "data",       "precision", NULL};

/* One of data's arrays: numbers, or arrays of numbers (rows), `count` in all, into out. */
static int data_array(json_t *v, const char *name, size_t count, size_t w, double *out,
                      srv_problem *p)
{
    size_t k = 0;
    int bad = !json_is_array(v); /* stops both loops: a bad row must end the reading */
    for (size_t i = 0; !bad && i < json_array_size(v); i++) {
        json_t *row = json_array_get(v, i);
        const size_t n = json_is_array(row) ? json_array_size(row) : 1;
        for (size_t q = 0; !bad && q < n; q++) {
            json_t *x = json_is_array(row) ? json_array_get(row, q) : row;
            if (!json_is_number(x) || k == count)
                bad = 1;
            else
                out[k++] = json_number_value(x);
        }
    }
    if (bad || k != count)
        return srv_problem_set(p, 400, "data",
                               "data.%s must hold %zu numbers for width %zu (an array of them, "
                               "or of rows)",
                               name, count, w);
    return 0;
}

/* "data": {"X", "Y", "W1", "W2"} for the request's width into r->data. */
static int parse_data(json_t *root, srv_trainability_request *r, srv_problem *p)
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

static int parse_fields(const srv *s, json_t *root, srv_trainability_request *r, srv_problem *p)
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
    const uint64_t work = srv_trainability_work(r, r->cells[1]);
    if (work > SRV_TRAINABILITY_MAX_WORK)
        return srv_problem_set(p, 400, "steps",
                               "%zu cells x %llu steps at width %zu is more than %llu units of "
                               "work (fewer cells or steps, or a smaller width)",
                               r->cells[1], (unsigned long long)r->o.steps, r->o.width,
                               SRV_TRAINABILITY_MAX_WORK);
    return 0;
}

/* The data as `clopt explore trainability --dump-data` writes it: X and W1 as rows. */
static json_t *data_json(const srv_trainability_request *r)
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

static char *canonical_text(const srv_trainability_request *r)
{
    json_t *root = json_pack(
        "{s:s,s:I,s:s,s:I,s:[II],s:o,s:s}", "kind", "trainability", "width", (json_int_t)r->o.width,
        "activation", activations[r->o.activation], "steps", (json_int_t)r->o.steps, "grid",
        (json_int_t)r->o.nx, (json_int_t)r->o.ny, "window", srv_trainability_window_json(r),
        "precision", r->o.precision == CLOPT_PRECISION_DOUBLE ? "double" : "float");
    if (!root) return NULL;
    if (r->data)
        json_object_set_new(root, "data", data_json(r));
    else
        json_object_set_new(root, "seed", json_integer((json_int_t)r->o.seed));
    char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(root);
    return text;
}

srv_trainability_request *srv_trainability_parse(const srv *s, const char *body, size_t len,
                                                 char **canonical, srv_problem *p)
{
    json_t *root = srv_json_object(
        body, len, fields, "kind, width, activation, steps, grid, window, seed, data or precision",
        "{\"kind\": \"trainability\", \"width\": 8, \"steps\": 100, \"grid\": 256, "
        "\"window\": [-2, 3, -2, 3]}",
        p);
    if (!root) return NULL;
    srv_trainability_request *r = calloc(1, sizeof *r);
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
        srv_trainability_free(r);
        return NULL;
    }
    return r;
}
