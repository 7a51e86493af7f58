/*
 * Basin maps and sweeps, kinds of exploration (POST /api/v1/explorations; explorations.h): a
 * basin map or a hyperparameter sweep (clopt_explore_*), computed twice: a coarse pass at 1/8 of
 * the resolution (at least 2 points a side) so that a page has a picture at once, then the full
 * grid. Each turn of the worker advances one slice of the pass's runs on the device.
 *
 * Request: {"kind": "basins"|"sweep", "function", "steps", "tol", "precision": "float"
 * (default) or "double" (cl_khr_fp64; the canonical request names it only then)}; basins add "grid"
 * (N or [NX, NY]), "view" ([x0, x1, y0, y1]) and "optimizers"; sweeps add "start" ([x, y]),
 * "optimizer" and "vary" (one or two {"name", "lo", "hi", "n", "log"}).
 *
 * Events: pass {"pass": p, "coarse": bool, "maps": K, "shape": [K, NY, NX], "grid" and
 * "view" (basins) or "axes" [{"name", "values"}] (sweeps), "optimizers": [config],
 * "fields": {"x": URL, ...}} and done {"passes": 2}. Each URL answers GET with the field
 * as K x NY x NX little-endian float32 (row-major; a sweep's NX along its first axis, NY 1
 * for one axis), NaN for the coordinates and value of a diverged run; the integer fields
 * (converged_at, minimum, diverged_at) are exact in float32 below 2^24 steps.
 */
#include "explorations.h"

#include "context.h"
#include "error.h"
#include "fields.h"
#include "api_limits.h"
#include "reply.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_MAX(r) (4096 + 1024 * (r)->nspecs + 2 * 32 * (r)->o.axes[0].n + 32 * (r)->o.axes[1].n)

/* The fields of a pass, in their order in a pass's results. */
static const char *const field_names[] = {"x", "y", "f", "converged_at", "minimum", "diverged_at"};
#define NFIELDS 6

typedef struct {
    srv_exploration_head head; /* srv_explore_maps_kind */
    clopt_explore_options o;   /* the full pass's; pointers into this struct */
    const char *function;      /* the catalogue's name */
    char **specs;
    size_t nspecs;
    double view[4], start[2];
    char names[2][64];
    size_t side[2][2]; /* per pass: nx, ny (basins) or n0, n1 (sweeps; n1 1 for one axis) */
    size_t runs[2];    /* per pass, every map */
    float *results[2]; /* per pass: NFIELDS x runs, written before the pass's event */
    size_t engine;     /* the larger pass's engine, host and device (clopt_explore_plan_bytes) */
    int passes;        /* passes complete (lock held) */
} exploration;

typedef struct {
    int pass;
    clopt_exploration *engine;
} explore_work;

static int basins(const exploration *r)
{
    return r->o.kind == CLOPT_EXPLORE_BASINS;
}

size_t srv_explore_coarse_side(size_t n)
{
    return n / 8 < 2 ? 2 : n / 8;
}

/* The options of pass p (0 coarse, 1 full). */
static clopt_explore_options pass_options(const exploration *r, int p)
{
    clopt_explore_options o = r->o;
    if (p == 1) return o;
    if (basins(r)) {
        o.nx = srv_explore_coarse_side(o.nx);
        o.ny = srv_explore_coarse_side(o.ny);
    } else
        for (size_t a = 0; a < o.naxes; a++)
            o.axes[a].n = srv_explore_coarse_side(o.axes[a].n);
    return o;
}

static void free_request(void *req)
{
    exploration *r = req;
    if (!r) return;
    if (r->specs)
        for (size_t i = 0; i < r->nspecs; i++)
            free(r->specs[i]);
    free(r->specs);
    free(r->results[0]);
    free(r->results[1]);
    free(r);
}

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const exploration *r = req;
    /* both passes' results, the engine of one pass at a time, and the events; without a
     * device (srv_open_offline) the engine's results alone */
    const size_t results = (r->runs[0] + r->runs[1]) * NFIELDS * sizeof(float);
    const size_t engine = r->engine ? r->engine : r->runs[1] * NFIELDS * sizeof(float);
    return results + engine + 2 * EVENT_MAX(r) + 1024 + 16 * sizeof(size_t);
}

static size_t result_bytes(const srv_job *j)
{
    const exploration *r = j->req;
    size_t n = 0;
    for (int p = 0; p < r->passes; p++)
        n += r->runs[p] * NFIELDS * sizeof(float);
    return n;
}

static void release(srv *s, srv_job *j)
{
    explore_work *w = j->work;
    pthread_mutex_lock(&s->device);
    clopt_explore_release(w->engine);
    pthread_mutex_unlock(&s->device);
    free(w);
    j->work = NULL;
}

/* Copies the finished pass's maps into out (NFIELDS x runs). */
static clopt_status collect(clopt_exploration *e, size_t per_map, float *out, clopt_error *err)
{
    const size_t maps = clopt_explore_maps(e), runs = maps * per_map;
    for (size_t m = 0; m < maps; m++) {
        clopt_explore_map map;
        const clopt_status st = clopt_explore_map_get(e, m, &map, err);
        if (st != CLOPT_OK) return st;
        float *at = out + m * per_map;
        memcpy(at, map.x, per_map * sizeof *at);
        memcpy(at + runs, map.y, per_map * sizeof *at);
        memcpy(at + 2 * runs, map.f, per_map * sizeof *at);
        for (size_t i = 0; i < per_map; i++) {
            at[3 * runs + i] = (float)map.converged_at[i];
            at[4 * runs + i] = (float)map.minimum[i];
            at[5 * runs + i] = (float)map.diverged_at[i];
        }
    }
    return CLOPT_OK;
}

/* The pass event of pass p (engine e, finished). */
static char *pass_event(const srv_job *j, const clopt_exploration *e, int p)
{
    const exploration *r = j->req;
    const size_t maps = clopt_explore_maps(e);
    json_t *fields = json_object(), *optimizers = json_array();
    for (size_t f = 0; f < NFIELDS; f++) {
        if (!basins(r) && !strcmp(field_names[f], "minimum")) continue;
        char url[128];
        snprintf(url, sizeof url, "/api/v1/explorations/%s/passes/%d/%s", j->id, p, field_names[f]);
        json_object_set_new(fields, field_names[f], json_string(url));
    }
    for (size_t m = 0; m < maps; m++)
        json_array_append_new(optimizers, json_loads(clopt_explore_optimizer(e, m), 0, NULL));
    json_t *ev = json_pack("{s:i,s:b,s:I,s:[III],s:o,s:o}", "pass", p, "coarse", p == 0, "maps",
                           (json_int_t)maps, "shape", (json_int_t)maps, (json_int_t)r->side[p][1],
                           (json_int_t)r->side[p][0], "fields", fields, "optimizers", optimizers);
    if (ev && basins(r)) {
        json_object_set_new(
            ev, "grid", json_pack("[II]", (json_int_t)r->side[p][0], (json_int_t)r->side[p][1]));
        json_object_set_new(ev, "view",
                            json_pack("[ffff]", r->view[0], r->view[1], r->view[2], r->view[3]));
    } else if (ev) {
        json_t *axes = json_array();
        for (size_t a = 0; a < r->o.naxes; a++) {
            size_t n;
            const double *v = clopt_explore_axis_values(e, a, &n);
            json_t *values = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(values, json_real(v[i]));
            json_array_append_new(axes, json_pack("{s:s,s:o}", "name",
                                                  clopt_explore_axis_name(e, a), "values", values));
        }
        json_object_set_new(ev, "axes", axes);
    }
    char *text = ev ? json_dumps(ev, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(ev);
    return text;
}

/* One slice of the current pass; at its end, its results and its event. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    exploration *r = j->req;
    explore_work *w = j->work;
    clopt_error err = {0};
    if (!w && !(w = j->work = calloc(1, sizeof *w))) {
        snprintf(error, esize, "out of memory");
        return -1;
    }
    const int p = w->pass;
    char *event = NULL;
    int finished = 0;
    pthread_mutex_lock(&s->device);
    if (!w->engine) {
        const clopt_explore_options o = pass_options(r, p);
        w->engine = clopt_explore_create(s->ctx, &o, &err);
    }
    if (w->engine &&
        clopt_explore_advance(w->engine, srv_turn_steps(r->runs[p]), &err) == CLOPT_OK) {
        finished = clopt_explore_finished(w->engine);
        if (finished && !(r->results[p] = malloc(r->runs[p] * NFIELDS * sizeof(float))))
            clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
        else if (finished &&
                 collect(w->engine, r->runs[p] / clopt_explore_maps(w->engine), r->results[p],
                         &err) == CLOPT_OK &&
                 !(event = pass_event(j, w->engine, p)))
            clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
    }
    const uint64_t progress = w->engine ? clopt_explore_progress(w->engine) : 0;
    if (finished || err.text[0]) {
        clopt_explore_release(w->engine);
        w->engine = NULL;
    }
    pthread_mutex_unlock(&s->device);
    if (err.text[0]) {
        free(event);
        snprintf(error, esize, "%s", err.text);
        return -1;
    }
    srv_job_progress(s, j, 0, (uint64_t)p);
    srv_job_progress(s, j, 1, progress);
    if (!finished) return 0;
    pthread_mutex_lock(&s->lock);
    r->passes = p + 1; /* before its event: a client that reads the event finds the pass */
    pthread_mutex_unlock(&s->lock);
    if (srv_job_emit(s, j, "pass", event, 0)) return 0; /* cancelled or stopping */
    if (p == 0) {
        w->pass = 1;
        return 0;
    }
    srv_job_emit(s, j, "done", strdup("{\"passes\":2}"), 1);
    return 1;
}

/* ---- The request ---- */

static const char *const fields[] = {"kind",  "function", "optimizers", "optimizer",
                                     "vary",  "grid",     "view",       "start",
                                     "steps", "tol",      "precision",  NULL};

int srv_explore_numbers(json_t *root, const char *name, size_t n, double *out, int *set,
                        srv_problem *p)
{
    json_t *v = json_object_get(root, name);
    *set = v != NULL;
    if (!v) return 0;
    if (!json_is_array(v) || json_array_size(v) != n)
        return srv_problem_set(p, 400, name, "%s must be an array of %zu numbers", name, n);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_number(x) || !isfinite(json_number_value(x)))
            return srv_problem_set(p, 400, name, "%s[%zu] must be a finite number", name, i);
        out[i] = json_number_value(x);
    }
    return 0;
}

/* A member that the other kind takes. */
static int refuse(json_t *root, const char *name, const char *kind, const char *instead,
                  srv_problem *p)
{
    if (!json_object_get(root, name)) return 0;
    return srv_problem_set(p, 400, name, "%s is not a field of a %s exploration; %s", name, kind,
                           instead);
}

int srv_explore_grid(json_t *root, size_t dflt, size_t *nx_out, size_t *ny_out, srv_problem *p)
{
    json_t *g = json_object_get(root, "grid");
    const unsigned most = CLOPT_EXPLORE_MAX_SIDE;
    if (!g && dflt) {
        *nx_out = *ny_out = dflt;
        return 0;
    }
    if (!g) return srv_problem_set(p, 400, "grid", "grid is required: N or [NX, NY]");
    json_t *a = json_is_array(g) && json_array_size(g) == 2 ? json_array_get(g, 0) : g;
    json_t *b = json_is_array(g) && json_array_size(g) == 2 ? json_array_get(g, 1) : g;
    if (!json_is_integer(a) || !json_is_integer(b))
        return srv_problem_set(p, 400, "grid", "grid must be an integer N or an array [NX, NY]");
    const json_int_t nx = json_integer_value(a), ny = json_integer_value(b);
    if (nx < 2 || ny < 2 || nx > most || ny > most)
        return srv_problem_set(p, 400, "grid", "grid is %lld x %lld; each side must be 2 .. %u",
                               (long long)nx, (long long)ny, most);
    *nx_out = (size_t)nx;
    *ny_out = (size_t)ny;
    return 0;
}

int srv_explore_precision(const srv *s, json_t *root, clopt_precision *out, srv_problem *p)
{
    *out = CLOPT_PRECISION_FLOAT;
    return srv_json_precision(root, out, p) || srv_check_fp64(s->ctx, *out, p) ? -1 : 0;
}

static int parse_vary(json_t *root, exploration *r, srv_problem *p)
{
    static const char *const axis_fields[] = {"name", "lo", "hi", "n", "log", NULL};
    json_t *list = json_object_get(root, "vary");
    if (!list)
        return srv_problem_set(p, 400, "vary",
                               "vary is required: [{\"name\": \"lr\", \"lo\": 0.001, \"hi\": 0.1, "
                               "\"n\": 32, \"log\": true}], one or two hyperparameters");
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > 2)
        return srv_problem_set(p, 400, "vary", "vary must be an array of 1 or 2 axes");
    r->o.naxes = json_array_size(list);
    for (size_t a = 0; a < r->o.naxes; a++) {
        json_t *v = json_array_get(list, a);
        clopt_explore_axis *ax = &r->o.axes[a];
        char field[32];
        snprintf(field, sizeof field, "vary[%zu]", a);
        if (!json_is_object(v))
            return srv_problem_set(p, 400, field, "%s must be an object {name, lo, hi, n, log}",
                                   field);
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val)
        {
            size_t i = 0;
            while (axis_fields[i] && strcmp(axis_fields[i], key))
                i++;
            if (!axis_fields[i])
                return srv_problem_set(p, 400, field,
                                       "%s has an unknown member '%.40s'; expected name, lo, hi, "
                                       "n or log",
                                       field, key);
        }
        json_t *name = json_object_get(v, "name"), *lo = json_object_get(v, "lo"),
               *hi = json_object_get(v, "hi"), *n = json_object_get(v, "n"),
               *log = json_object_get(v, "log");
        if (!json_is_string(name) || strlen(json_string_value(name)) >= sizeof r->names[a])
            return srv_problem_set(p, 400, field, "%s.name must be a hyperparameter's name", field);
        if (!json_is_number(lo) || !json_is_number(hi) || !isfinite(json_number_value(lo)) ||
            !isfinite(json_number_value(hi)))
            return srv_problem_set(p, 400, field, "%s.lo and .hi must be finite numbers", field);
        if (!json_is_integer(n) || json_integer_value(n) < 2 ||
            json_integer_value(n) > CLOPT_EXPLORE_MAX_SIDE)
            return srv_problem_set(p, 400, field, "%s.n must be an integer from 2 to %u", field,
                                   CLOPT_EXPLORE_MAX_SIDE);
        if (log && !json_is_boolean(log))
            return srv_problem_set(p, 400, field, "%s.log must be true or false", field);
        snprintf(r->names[a], sizeof r->names[a], "%s", json_string_value(name));
        ax->name = r->names[a];
        ax->lo = json_number_value(lo);
        ax->hi = json_number_value(hi);
        ax->n = (size_t)json_integer_value(n);
        ax->log = log && json_is_true(log);
    }
    return 0;
}

/* A sweep's "optimizer": one spec, as srv_json_optimizers reads each. */
static int parse_optimizer(json_t *root, exploration *r, srv_problem *p)
{
    json_t *v = json_object_get(root, "optimizer");
    json_t *wrap = json_object();
    if (!wrap) return srv_problem_set(p, 503, "", "out of memory");
    if (v) json_object_set_new(wrap, "optimizers", json_pack("[O]", v));
    const int rc = srv_json_optimizers(wrap, 1, &r->specs, &r->nspecs, p);
    json_decref(wrap);
    if (rc && !strncmp(p->field, "optimizers", 10)) {
        char text[sizeof p->text];
        const char *at = strstr(p->text, "optimizers[0]");
        snprintf(text, sizeof text, "optimizer%s", at ? at + 13 : "");
        snprintf(p->field, sizeof p->field, "optimizer");
        if (at == p->text) snprintf(p->text, sizeof p->text, "%s", text);
    }
    return rc;
}

static char *canonical_text(const exploration *r)
{
    json_t *root =
        json_pack("{s:s,s:s,s:I,s:f}", "kind", basins(r) ? "basins" : "sweep", "function",
                  r->function, "steps", (json_int_t)r->o.steps, "tol", r->o.tol);
    json_t *specs = json_array();
    for (size_t i = 0; i < r->nspecs; i++)
        json_array_append_new(specs, json_loads(r->specs[i], 0, NULL));
    if (!root || !specs) {
        json_decref(root);
        json_decref(specs);
        return NULL;
    }
    if (r->o.precision == CLOPT_PRECISION_DOUBLE)
        json_object_set_new(root, "precision", json_string("double"));
    if (basins(r)) {
        json_object_set_new(root, "optimizers", specs);
        json_object_set_new(root, "grid",
                            json_pack("[II]", (json_int_t)r->o.nx, (json_int_t)r->o.ny));
        json_object_set_new(root, "view",
                            json_pack("[ffff]", r->view[0], r->view[1], r->view[2], r->view[3]));
    } else {
        json_object_set_new(root, "optimizer", json_incref(json_array_get(specs, 0)));
        json_decref(specs);
        json_object_set_new(root, "start", json_pack("[ff]", r->start[0], r->start[1]));
        json_t *vary = json_array();
        for (size_t a = 0; a < r->o.naxes; a++)
            json_array_append_new(vary,
                                  json_pack("{s:s,s:f,s:f,s:I,s:b}", "name", r->o.axes[a].name,
                                            "lo", r->o.axes[a].lo, "hi", r->o.axes[a].hi, "n",
                                            (json_int_t)r->o.axes[a].n, "log", r->o.axes[a].log));
        json_object_set_new(root, "vary", vary);
    }
    char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(root);
    return text;
}

/* Every field but the checks that need clopt_explore_check. */
static int parse_fields(const srv *s, json_t *root, exploration *r, srv_problem *p)
{
    json_t *kind = json_object_get(root, "kind");
    if (!json_is_string(kind) ||
        (strcmp(json_string_value(kind), "basins") && strcmp(json_string_value(kind), "sweep")))
        return srv_problem_set(p, 400, "kind",
                               "kind must be \"basins\", \"sweep\" or \"trainability\"");
    r->o.kind =
        strcmp(json_string_value(kind), "basins") ? CLOPT_EXPLORE_SWEEP : CLOPT_EXPLORE_BASINS;
    json_t *fn = json_object_get(root, "function");
    if (!json_is_string(fn))
        return srv_problem_set(p, 400, "function",
                               "function is required: a name that /api/v1/functions lists");
    clopt_error err = {0};
    const clopt_function_info *info = clopt_function_find(json_string_value(fn), &err);
    if (!info)
        return srv_problem_set(p, 400, "function",
                               "%s (explorations take the catalogue's "
                               "functions, not expressions)",
                               err.text);
    r->function = info->name;
    r->o.function = info->name;
    r->o.steps = 500;
    r->o.tol = 1e-4;
    json_t *tol = json_object_get(root, "tol");
    if (srv_json_integer(root, "steps", 1, SRV_EXPLORE_MAX_STEPS, &r->o.steps, p)) return -1;
    if (tol &&
        (!json_is_number(tol) || !isfinite(json_number_value(tol)) || json_number_value(tol) < 0))
        return srv_problem_set(p, 400, "tol", "tol must be a finite number >= 0");
    if (tol) r->o.tol = json_number_value(tol);
    if (srv_explore_precision(s, root, &r->o.precision, p)) return -1;
    int set;
    memcpy(r->view, info->view, sizeof r->view);
    memcpy(r->start, info->start, sizeof r->start);
    r->o.view = r->view;
    r->o.start = r->start;
    if (basins(r)) {
        const char *instead = "a basin map starts at its grid's points with each of optimizers";
        if (refuse(root, "start", "basins", instead, p) ||
            refuse(root, "vary", "basins", instead, p) ||
            refuse(root, "optimizer", "basins", "use optimizers (an array)", p) ||
            srv_explore_grid(root, 0, &r->o.nx, &r->o.ny, p) ||
            srv_explore_numbers(root, "view", 4, r->view, &set, p) ||
            srv_json_optimizers(root, SRV_EXPLORE_MAX_MAPS, &r->specs, &r->nspecs, p))
            return -1;
        if (!(r->view[0] < r->view[1] && r->view[2] < r->view[3]))
            return srv_problem_set(p, 400, "view", "view must have x0 < x1 and y0 < y1");
        r->side[1][0] = r->o.nx;
        r->side[1][1] = r->o.ny;
    } else {
        const char *instead = "a sweep runs from start with optimizer, varying vary";
        if (refuse(root, "grid", "sweep", instead, p) ||
            refuse(root, "view", "sweep", instead, p) ||
            refuse(root, "optimizers", "sweep", "use optimizer (one spec)", p) ||
            srv_explore_numbers(root, "start", 2, r->start, &set, p) || parse_vary(root, r, p) ||
            parse_optimizer(root, r, p))
            return -1;
        r->side[1][0] = r->o.axes[0].n;
        r->side[1][1] = r->o.naxes > 1 ? r->o.axes[1].n : 1;
    }
    r->o.optimizers = (const char *const *)r->specs;
    r->o.noptimizers = r->nspecs;
    const clopt_explore_options coarse = pass_options(r, 0);
    r->side[0][0] = basins(r) ? coarse.nx : coarse.axes[0].n;
    r->side[0][1] = basins(r) ? coarse.ny : r->o.naxes > 1 ? coarse.axes[1].n : 1;
    for (int q = 0; q < 2; q++)
        r->runs[q] = r->nspecs * r->side[q][0] * r->side[q][1];
    const char *where = basins(r) ? "grid" : "vary";
    if (r->runs[1] > SRV_EXPLORE_MAX_RUNS)
        return srv_problem_set(p, 400, where, "%zu runs; the limit is %u (fewer %s)", r->runs[1],
                               SRV_EXPLORE_MAX_RUNS,
                               basins(r) ? "grid points or optimizers" : "values");
    if ((unsigned long long)r->runs[1] * r->o.steps > SRV_EXPLORE_MAX_WORK)
        return srv_problem_set(p, 400, "steps",
                               "%zu runs x %llu steps = %llu run-steps; the limit is %llu",
                               r->runs[1], (unsigned long long)r->o.steps,
                               (unsigned long long)r->runs[1] * r->o.steps, SRV_EXPLORE_MAX_WORK);
    if (clopt_explore_check(&r->o, &err) != CLOPT_OK)
        return srv_problem_set(p, 400, basins(r) ? "optimizers" : "vary", "%s", err.text);
    return 0;
}

/* What the larger pass's engine will allocate, on the host and the device (0 offline). */
static int engine_bytes(const srv *s, exploration *r, srv_problem *p)
{
    for (int q = 0; q < 2 && s->ctx; q++) {
        const clopt_explore_options o = pass_options(r, q);
        size_t host, device;
        clopt_error err;
        if (clopt_explore_plan_bytes(s->ctx, &o, &host, &device, &err) != CLOPT_OK)
            return srv_problem_set(p, 400, basins(r) ? "optimizers" : "vary", "%s", err.text);
        if (host + device > r->engine) r->engine = host + device;
    }
    return 0;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    json_t *root = srv_json_object(
        body, len, fields,
        "kind, function, optimizers, optimizer, vary, grid, view, start, "
        "steps, tol or precision",
        "{\"kind\": \"basins\", \"function\": \"himmelblau\", \"optimizers\": [\"adam(lr=0.05)\"],"
        " \"grid\": 128, \"steps\": 500}",
        p);
    if (!root) return NULL;
    exploration *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(root);
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    r->head.kind = &srv_explore_maps_kind;
    const int rc = parse_fields(s, root, r, p) || engine_bytes(s, r, p);
    json_decref(root);
    if (rc == 0 && !(*canonical = canonical_text(r))) {
        srv_problem_set(p, 503, "", "out of memory");
        free_request(r);
        return NULL;
    }
    if (rc) {
        free_request(r);
        return NULL;
    }
    return r;
}

static void created(const srv_job *j, json_t *out)
{
    const exploration *r = j->req;
    srv_explore_created(j, out, r->nspecs, r->side);
}

static void describe(const srv_job *j, json_t *out)
{
    const exploration *r = j->req;
    srv_explore_describe(j, out, r->o.steps, r->passes);
}

/* GET passes/P/FIELD: the field of a finished pass as float32. */
static enum MHD_Result field_route(srv *s, struct MHD_Connection *c, srv_job *j, const char *rest,
                                   const char *method)
{
    const exploration *r = j->req;
    size_t f;
    const int pass = srv_explore_field_path(rest, field_names, NFIELDS, &f);
    if (pass < 0 || (!basins(r) && !strcmp(field_names[f], "minimum"))) {
        srv_problem p;
        srv_problem_set(&p, 404, "",
                        "no such endpoint; a pass's fields are at /api/v1/explorations/ID/passes/"
                        "P/FIELD, P 0 (coarse) or 1, FIELD x, y, f, converged_at, diverged_at%s",
                        basins(r) ? " or minimum" : "");
        return srv_reply_problem(c, &p);
    }
    return srv_explore_field_reply(s, c, j, method, pass, f, field_names, &r->passes, r->nspecs,
                                   r->side, r->results, r->runs);
}

const srv_job_kind srv_explore_maps_kind = {
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
