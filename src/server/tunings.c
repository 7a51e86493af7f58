/*
 * The tuning kind of job (POST /api/v1/tunings): clopt tune on the server (src/tune.c), in
 * two passes like an exploration's: a coarse plan first (clopt_tune_coarse: at most 5
 * values per axis, 8 starts, one seed) so that a page can draw the curves within a second,
 * then the full plan. Each turn advances one slice of one optimizer's exploration.
 *
 * Request: {"function", "optimizers": [spec, ...] (1 .. 16), "vary": [{"name", "lo", "hi",
 * "n", "log"}] (absent or []: lr over 25 log-spaced values, 1e-4 .. 10 x each spec's lr),
 * "starts" (K, default 64), "seeds" (S, 1), "noise" (0), "steps" (500), "score" ("final",
 * "auc" or "reach"), "tol" (1e-4)}.
 *
 * Events: pass {"pass": p, "coarse": bool, "tuning": {clopt tune --json's object}} for
 * p = 0 and 1, then done {"passes": 2}. The optimizers in "tuning" are their get_config()
 * JSON texts (the canonical request's), so "tuned" and "ranking" name them the same way.
 */
#include "core.h"

#include "fields.h"
#include "tune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TUNE_QUEUE 4
#define TUNE_KEEP 8
#define SRV_TUNE_MAX_RUNS (1u << 20)    /* runs of the full plan, every optimizer */
#define SRV_TUNE_MAX_STEPS 100000u      /* steps per run */
#define SRV_TUNE_MAX_WORK 4000000000ull /* runs x steps, as explorations */
#define SRV_TUNE_MAX_STARTS 4096u
#define SRV_TUNE_MAX_SEEDS 64u

typedef struct {
    clopt_tune_plan plan; /* the full plan; pointers into this struct */
    char *function;       /* the catalogue's name */
    char **specs;
    size_t nspecs;
    char names[2][64];
    size_t values[2]; /* per pass: values per optimizer (the default axis' or the axes') */
    size_t runs[2];   /* per pass, every optimizer */
    size_t engine; /* the largest optimizer's engine, host and device (clopt_explore_plan_bytes) */
    int passes;    /* passes complete (lock held) */
} tuning;

typedef struct {
    int pass;
    size_t k; /* the optimizer being explored */
    clopt_tune *tune;
    clopt_exploration *engine;
} tune_work;

static clopt_tune_plan pass_plan(const tuning *r, int p)
{
    return p ? r->plan : clopt_tune_coarse(&r->plan);
}

/* The largest pass event: per optimizer its spec twice and five numbers per value. */
static size_t event_max(const tuning *r)
{
    const size_t per_value = 6 * 32 + 4;
    return 4096 + r->nspecs * (2048 + r->values[1] * per_value) + 48 * r->plan.nstarts;
}

static void free_request(void *req)
{
    tuning *r = req;
    if (!r) return;
    if (r->specs)
        for (size_t i = 0; i < r->nspecs; i++)
            free(r->specs[i]);
    free(r->specs);
    free(r->function);
    free(r);
}

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const tuning *r = req;
    /* the engine's host copy of one optimizer's runs (x, y, f, auc and three steps), the
     * scores being sorted, the curves of a pass (five numbers per value), and the events */
    const size_t per = r->runs[1] / r->nspecs;
    const size_t copy = per * (4 * sizeof(float) + 3 * sizeof(int32_t)) + per * sizeof(double);
    const size_t curves = r->nspecs * r->values[1] * 6 * sizeof(double);
    return r->engine + copy + curves + 2 * event_max(r) + 16 * r->plan.nstarts + 4096;
}

static void release(srv *s, srv_job *j)
{
    tune_work *w = j->work;
    if (!w) return;
    pthread_mutex_lock(&s->device);
    clopt_explore_release(w->engine);
    pthread_mutex_unlock(&s->device);
    clopt_tune_release(w->tune);
    free(w);
    j->work = NULL;
}

/* The pass event of a finished pass. */
static char *pass_event(const clopt_tune *t, int p)
{
    char *result = clopt_tune_json(t);
    if (!result) return NULL;
    const size_t n = strlen(result) + 64;
    char *event = malloc(n);
    if (event)
        snprintf(event, n, "{\"pass\":%d,\"coarse\":%s,\"tuning\":%s}", p,
                 p == 0 ? "true" : "false", result);
    free(result);
    return event;
}

/* A turn of the current optimizer's exploration (SRV_TURN_RUN_STEPS); the pass's event once all
 * are scored. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    tuning *r = j->req;
    tune_work *w = j->work;
    clopt_error err = {0};
    if (!w && !(w = j->work = calloc(1, sizeof *w))) {
        snprintf(error, esize, "out of memory");
        return -1;
    }
    const int p = w->pass;
    if (!w->tune) {
        const clopt_tune_plan plan = pass_plan(r, p);
        if (!(w->tune = clopt_tune_create(&plan, &err))) {
            snprintf(error, esize, "%s", err.text);
            return -1;
        }
        w->k = 0;
    }
    char *event = NULL;
    const uint64_t most = srv_turn_steps(r->runs[p] / r->nspecs); /* one optimizer's runs */
    pthread_mutex_lock(&s->device);
    if (!w->engine)
        w->engine = clopt_explore_create(s->ctx, clopt_tune_explore_options(w->tune, w->k), &err);
    if (w->engine && clopt_explore_advance(w->engine, most, &err) == CLOPT_OK &&
        clopt_explore_finished(w->engine) &&
        clopt_tune_collect(w->tune, w->k, w->engine, &err) == CLOPT_OK) {
        clopt_explore_release(w->engine);
        w->engine = NULL;
        if (++w->k == clopt_tune_optimizers(w->tune) && !(event = pass_event(w->tune, p)))
            snprintf(err.text, sizeof err.text, "out of memory");
    }
    pthread_mutex_unlock(&s->device);
    if (err.text[0]) {
        free(event);
        snprintf(error, esize, "%s", err.text);
        return -1;
    }
    srv_job_progress(s, j, 0, (uint64_t)p);
    srv_job_progress(s, j, 1, (uint64_t)w->k);
    if (!event) return 0;
    clopt_tune_release(w->tune);
    w->tune = NULL;
    pthread_mutex_lock(&s->lock);
    r->passes = p + 1;
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

static const char *const fields[] = {"function", "optimizers", "vary",  "starts", "seeds",
                                     "noise",    "steps",      "score", "tol",    NULL};

static int parse_vary(json_t *root, tuning *r, srv_problem *p)
{
    static const char *const axis_fields[] = {"name", "lo", "hi", "n", "log", NULL};
    json_t *list = json_object_get(root, "vary");
    if (!list) return 0;
    if (!json_is_array(list) || json_array_size(list) > 2)
        return srv_problem_set(p, 400, "vary",
                               "vary must be an array of 0, 1 or 2 axes {name, lo, hi, n, log}");
    r->plan.naxes = json_array_size(list);
    for (size_t a = 0; a < r->plan.naxes; a++) {
        json_t *v = json_array_get(list, a);
        clopt_explore_axis *ax = &r->plan.axes[a];
        char field[32];
        snprintf(field, sizeof field, "vary[%zu]", a);
        if (!json_is_object(v))
            return srv_problem_set(p, 400, field, "%s must be an object {name, lo, hi, n, log}",
                                   field);
        if (srv_json_fields(v, axis_fields, "name, lo, hi, n or log", p)) {
            snprintf(p->field, sizeof p->field, "%s", field);
            return -1;
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
        *ax = (clopt_explore_axis){r->names[a], json_number_value(lo), json_number_value(hi),
                                   (size_t)json_integer_value(n), log && json_is_true(log)};
    }
    return 0;
}

/* The numbers that are not integers: noise, tol; and the score's name. */
static int parse_scalars(json_t *root, tuning *r, srv_problem *p)
{
    json_t *noise = json_object_get(root, "noise"), *tol = json_object_get(root, "tol");
    json_t *score = json_object_get(root, "score");
    if (noise && (!json_is_number(noise) || !isfinite(json_number_value(noise)) ||
                  json_number_value(noise) < 0))
        return srv_problem_set(p, 400, "noise", "noise must be a finite number >= 0");
    if (tol &&
        (!json_is_number(tol) || !isfinite(json_number_value(tol)) || json_number_value(tol) < 0))
        return srv_problem_set(p, 400, "tol", "tol must be a finite number >= 0");
    if (score && (!json_is_string(score) ||
                  clopt_tune_score_parse(json_string_value(score), &r->plan.score)))
        return srv_problem_set(p, 400, "score", "score must be \"final\", \"auc\" or \"reach\"");
    if (noise) r->plan.noise = json_number_value(noise);
    if (tol) r->plan.tol = json_number_value(tol);
    return 0;
}

/* The runs of each pass, within the server's limits; then the library's own checks, and
 * the largest engine (one optimizer's exploration at a time, of the full pass). */
static int check_size(const srv *s, tuning *r, srv_problem *p)
{
    for (int q = 0; q < 2; q++) {
        const clopt_tune_plan plan = pass_plan(r, q);
        size_t values = plan.naxes ? 1 : (plan.nvalues ? plan.nvalues : CLOPT_TUNE_VALUES);
        for (size_t a = 0; a < plan.naxes; a++)
            values *= plan.axes[a].n;
        r->values[q] = values;
        r->runs[q] = r->nspecs * values * plan.nseeds * plan.nstarts;
        if (values > SRV_TUNE_MAX_RUNS || r->runs[q] > SRV_TUNE_MAX_RUNS)
            return srv_problem_set(p, 400, "starts",
                                   "%zu optimizers x %zu values x %zu seeds x %zu starts is "
                                   "more than %u runs (fewer values, seeds or starts)",
                                   r->nspecs, values, plan.nseeds, plan.nstarts, SRV_TUNE_MAX_RUNS);
    }
    if ((unsigned long long)r->runs[1] * r->plan.steps > SRV_TUNE_MAX_WORK)
        return srv_problem_set(p, 400, "steps",
                               "%zu runs x %llu steps = %llu run-steps; the limit is %llu",
                               r->runs[1], (unsigned long long)r->plan.steps,
                               (unsigned long long)r->runs[1] * r->plan.steps, SRV_TUNE_MAX_WORK);
    clopt_error err = {0};
    clopt_tune *t = clopt_tune_create(&r->plan, &err);
    if (!t) {
        const char *field = !strncmp(err.text, "score", 5) ? "score" : "optimizers";
        if (strstr(err.text, ": vary ")) field = "vary"; /* "optimizer 1: vary 1: ..." */
        return srv_problem_set(p, err.status == CLOPT_ENOMEM ? 503 : 400, field, "%s", err.text);
    }
    int rc = 0;
    for (size_t k = 0; k < r->nspecs && s->ctx && !rc; k++) {
        size_t host, device;
        if (clopt_explore_plan_bytes(s->ctx, clopt_tune_explore_options(t, k), &host, &device,
                                     &err) != CLOPT_OK)
            rc = srv_problem_set(p, err.status == CLOPT_ENOMEM ? 503 : 400, "optimizers", "%s",
                                 err.text);
        else if (host + device > r->engine)
            r->engine = host + device;
    }
    clopt_tune_release(t);
    return rc;
}

static int parse_fields(const srv *s, json_t *root, tuning *r, srv_problem *p)
{
    json_t *fn = json_object_get(root, "function");
    if (!json_is_string(fn))
        return srv_problem_set(p, 400, "function",
                               "function is required: a name that /api/v1/functions lists");
    clopt_error err = {0};
    const clopt_function_info *info = clopt_function_find(json_string_value(fn), &err);
    if (!info)
        return srv_problem_set(p, 400, "function",
                               "%s (tunings take the catalogue's functions, not expressions)",
                               err.text);
    if (!(r->function = strdup(info->name))) return srv_problem_set(p, 503, "", "out of memory");
    uint64_t starts = CLOPT_TUNE_STARTS, seeds = 1;
    r->plan = (clopt_tune_plan){.function = r->function, .steps = 500, .tol = 1e-4};
    if (!json_object_get(root, "optimizers"))
        return srv_problem_set(p, 400, "optimizers",
                               "optimizers is required: the specs to tune, 1 .. %u",
                               CLOPT_TUNE_MAX_OPTIMIZERS);
    if (srv_json_integer(root, "steps", 1, SRV_TUNE_MAX_STEPS, &r->plan.steps, p) ||
        srv_json_integer(root, "starts", 1, SRV_TUNE_MAX_STARTS, &starts, p) ||
        srv_json_integer(root, "seeds", 1, SRV_TUNE_MAX_SEEDS, &seeds, p) ||
        parse_scalars(root, r, p) || parse_vary(root, r, p) ||
        srv_json_optimizers(root, CLOPT_TUNE_MAX_OPTIMIZERS, &r->specs, &r->nspecs, p))
        return -1;
    r->plan.nstarts = (size_t)starts;
    r->plan.nseeds = (size_t)seeds;
    r->plan.optimizers = (const char *const *)r->specs;
    r->plan.noptimizers = r->nspecs;
    return check_size(s, r, p);
}

static char *canonical_text(const tuning *r)
{
    const clopt_tune_plan *q = &r->plan;
    json_t *root = json_pack("{s:s,s:I,s:I,s:f,s:I,s:s,s:f}", "function", r->function, "starts",
                             (json_int_t)q->nstarts, "seeds", (json_int_t)q->nseeds, "noise",
                             q->noise, "steps", (json_int_t)q->steps, "score",
                             clopt_tune_score_name(q->score), "tol", q->tol);
    json_t *specs = json_array(), *vary = json_array();
    for (size_t i = 0; i < r->nspecs; i++)
        json_array_append_new(specs, json_loads(r->specs[i], 0, NULL));
    for (size_t a = 0; a < q->naxes; a++)
        json_array_append_new(vary, json_pack("{s:s,s:f,s:f,s:I,s:b}", "name", q->axes[a].name,
                                              "lo", q->axes[a].lo, "hi", q->axes[a].hi, "n",
                                              (json_int_t)q->axes[a].n, "log", q->axes[a].log));
    if (!root || !specs || !vary) {
        json_decref(root);
        json_decref(specs);
        json_decref(vary);
        return NULL;
    }
    json_object_set_new(root, "optimizers", specs);
    json_object_set_new(root, "vary", vary);
    char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(root);
    return text;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    json_t *root = srv_json_object(
        body, len, fields, "function, optimizers, vary, starts, seeds, noise, steps, score or tol",
        "{\"function\": \"rosenbrock\", \"optimizers\": [\"adam\", \"sgd(momentum=0.9)\"], "
        "\"steps\": 1000}",
        p);
    if (!root) return NULL;
    tuning *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(root);
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    const int rc = parse_fields(s, root, r, p);
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
    const tuning *r = j->req;
    json_object_set_new(out, "request", json_loads(j->canonical, 0, NULL));
    json_object_set_new(out, "passes",
                        json_pack("[{s:I,s:I},{s:I,s:I}]", "values", (json_int_t)r->values[0],
                                  "runs", (json_int_t)r->runs[0], "values",
                                  (json_int_t)r->values[1], "runs", (json_int_t)r->runs[1]));
}

static void describe(const srv_job *j, json_t *out)
{
    const tuning *r = j->req;
    json_object_set_new(out, "pass", json_integer((json_int_t)j->progress[0]));
    json_object_set_new(out, "optimizers_done", json_integer((json_int_t)j->progress[1]));
    json_object_set_new(out, "optimizers", json_integer((json_int_t)r->nspecs));
    json_object_set_new(out, "passes_done", json_integer(r->passes));
}

const srv_job_kind srv_tuning_kind = {
    .name = "tuning",
    .collection = "tunings",
    .busy = "%u tunings are waiting for the device; retry when one ends",
    .active = 1,
    .queue = TUNE_QUEUE,
    .keep = TUNE_KEEP,
    .turn = turn,
    .release = release,
    .free_request = free_request,
    .parse = parse,
    .created = created,
    .describe = describe,
    .estimate = estimate,
};
