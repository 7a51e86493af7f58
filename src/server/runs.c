/*
 * The run kind of job (POST /api/v1/runs): each turn of the worker computes one slice of
 * the trajectory engine (about SLICE_POINTS points, at most SLICE_MAX_ROWS recorded steps)
 * and formats its step event once; up to RUN_ACTIVE runs advance in turn, so a long run
 * does not hold back the first event of a short one.
 */
#include "core.h"

#include "catalogue.h"
#include "config.h"
#include "engine.h"
#include "fields.h"
#include "frames.h"
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_ACTIVE 4
#define SLICE_POINTS 4096
#define SLICE_MAX_ROWS 64

/* The worst case of the event text (frames.h): every number at its longest. */
#define NUMBER_MAX 15        /* "-1.17549435e-38" */
#define NUMBER_MAX_DOUBLE 24 /* "-2.2250738585072014e-308" (precision "double") */
#define EVENT_HEAD_MAX 64    /* "id: N\nevent: step\ndata: " and the wrapping of a slice */
#define ROW_HEAD_MAX 32      /* {"step":N,"points":[ ... ]}, */
#define ERROR_EVENT_MAX 512

typedef struct {
    clopt_run *engine;
    double *last; /* state mode: the previous step's x, y per trajectory */
} run_work;

static size_t trajectories(const srv_request *r)
{
    return r->o.noptimizers * r->o.nstarts;
}

/* Recorded steps per slice: about SLICE_POINTS points, at most SLICE_MAX_ROWS. */
static size_t slice_rows(const srv_request *r)
{
    const size_t rows = SLICE_POINTS / trajectories(r);
    return rows < 1 ? 1 : rows > SLICE_MAX_ROWS ? SLICE_MAX_ROWS : rows;
}

/* Whether the rate of optimizer c changes from step to step (a schedule, or Keras 1's decay
 * > 0): only then does the answer list its rates. */
static int rate_changes(const clopt_config *c)
{
    return c->sched.info || c->v[CLOPT_P_DECAY] > 0.0;
}

/* The rates a run's answer would list: one per recorded step of each optimizer whose rate
 * changes. Counted once, when the request is parsed (r->nrates); past SRV_MAX_RATES the
 * answer leaves them out. */
static size_t rates_count(const srv_request *r)
{
    size_t n = 0;
    for (size_t k = 0; k < r->o.noptimizers; k++) {
        clopt_config c;
        if (clopt_spec_parse(r->o.optimizers[k], &c, NULL) == CLOPT_OK && rate_changes(&c))
            n += (size_t)(r->o.steps / r->o.every);
    }
    return n;
}

/* The answers' "rates", kept with the run as long as it is listed: a JSON real and its slot
 * each (charged whether made yet or not). */
static size_t rates_bytes(const srv_request *r)
{
    return r->nrates <= SRV_MAX_RATES ? r->nrates * 64 : 0;
}

static size_t result_bytes(const srv_job *j)
{
    return rates_bytes(j->req);
}

static size_t estimate(const srv *s, const void *req)
{
    (void)s;
    const srv_request *r = req;
    /* schedule-free: each point's average too, as a second point */
    int average = 0;
    for (size_t k = 0; k < r->o.noptimizers && !r->o.state; k++) {
        clopt_config c;
        average |=
            clopt_spec_parse(r->o.optimizers[k], &c, NULL) == CLOPT_OK && c.info->schedule_free;
    }
    const size_t nt = trajectories(r), comps = r->o.state ? CLOPT_RUN_STATE_COMPONENTS + 2
                                               : average  ? 7
                                                          : 3;
    const size_t number = r->o.precision == CLOPT_PRECISION_DOUBLE ? NUMBER_MAX_DOUBLE : NUMBER_MAX;
    const size_t point = 2 + comps * number + (comps - 1) + 1;
    const size_t rows = (size_t)(r->o.steps / r->o.every) + 1;
    const size_t events = rows / slice_rows(r) + 3; /* a partial slice, done, error */
    const size_t text = rows * (ROW_HEAD_MAX + nt * point) + events * EVENT_HEAD_MAX +
                        (EVENT_HEAD_MAX + nt * 8) + ERROR_EVENT_MAX;
    const size_t index = 2 * events * sizeof(size_t); /* the log's event ends, doubling */
    const size_t work = r->o.state ? 2 * nt * sizeof(double) : 0;
    return text + index + work + rates_bytes(r);
}

static void release(srv *s, srv_job *j)
{
    run_work *w = j->work;
    pthread_mutex_lock(&s->device);
    clopt_run_release(w->engine);
    pthread_mutex_unlock(&s->device);
    free(w->last);
    free(w);
    j->work = NULL;
}

static void free_request(void *req)
{
    srv_request_free(req);
    free(req);
}

static const char *function(const void *req)
{
    return ((const srv_request *)req)->function;
}

static int dbl(const void *req)
{
    return ((const srv_request *)req)->o.precision == CLOPT_PRECISION_DOUBLE;
}

/* One slice; the done event with the last one. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    const srv_request *r = j->req;
    run_work *w = j->work;
    clopt_error err;
    if (!w && (!(w = j->work = calloc(1, sizeof *w)) ||
               (r->o.state && !(w->last = calloc(2 * trajectories(r), sizeof *w->last))))) {
        snprintf(error, esize, "out of memory");
        return -1;
    }
    if (!w->engine && srv_job_compile(s, j, error, esize)) return -1; /* not on the device */
    char *json = NULL, *done = NULL;
    size_t len = 0, done_len = 0;
    int finished = 0;
    pthread_mutex_lock(&s->device);
    if (!w->engine && !(w->engine = clopt_run_create(s->ctx, &r->o, &err)))
        snprintf(error, esize, "%s", err.text);
    else {
        clopt_slice sl;
        if (clopt_run_advance(w->engine, (uint64_t)slice_rows(r) * r->o.every, &sl, &err) !=
            CLOPT_OK)
            snprintf(error, esize, "%s", err.text);
        else if (sl.rows && !(json = srv_frame_step(&sl, r->o.every, w->last, w->engine, &len)))
            snprintf(error, esize, "out of memory");
        else if ((finished = clopt_run_finished(w->engine)) &&
                 !(done = srv_frame_done(w->engine, r->o.steps, &done_len)))
            snprintf(error, esize, "out of memory");
    }
    const uint64_t progress = w->engine && !error[0] ? clopt_run_progress(w->engine) : 0;
    pthread_mutex_unlock(&s->device);
    if (error[0]) {
        free(json);
        return -1;
    }
    if (json && srv_job_emit(s, j, "step", json, 0)) {
        free(done);
        return 0; /* cancelled or stopping: the worker ends it */
    }
    srv_job_progress(s, j, 0, finished ? r->o.steps : progress);
    if (finished) {
        srv_job_emit(s, j, "done", done, 1);
        return 1;
    }
    return 0;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    srv_request *r = malloc(sizeof *r);
    if (!r) {
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    if (srv_request_parse(body, len, r, p)) {
        free(r);
        return NULL;
    }
    if (srv_check_fp64(s->ctx, r->o.precision, p)) {
        free_request(r);
        return NULL;
    }
    r->nrates = rates_count(r);
    *canonical = r->canonical; /* the job keeps it */
    r->canonical = NULL;
    return r;
}

/* The state names the stream's points carry for one optimizer (those it uses). */
static json_t *state_names(const clopt_config *c)
{
    json_t *names = json_array();
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    for (size_t i = 0; i < live; i++)
        json_array_append_new(names, json_string(c->info->state[i]));
    return names;
}

/*
 * The rate lr_e each recorded step of the run took (steps every, 2 every, ... up to steps;
 * clopt_config_rate: lr * m(t) / (1 + decay * t), t = steps taken before it), when it changes
 * from step to step (rate_changes); null when it is lr throughout.
 */
static json_t *rates(const clopt_config *c, uint64_t steps, uint64_t every)
{
    if (!rate_changes(c)) return json_null();
    json_t *list = json_array();
    for (uint64_t s = every; list && s <= steps; s += every)
        if (json_array_append_new(list, json_real(clopt_config_rate(c, s - 1)))) {
            json_decref(list);
            return NULL;
        }
    return list;
}

/*
 * Per optimizer of the request, its rate at each recorded step (rates above); or null, the
 * member itself, when they are more than SRV_MAX_RATES numbers (16 optimizers with schedules
 * recorded at 100,000 steps were 23 MB of answer, built in 2 s on the polling thread): a
 * client then knows they were left out, not that the rates are lr throughout.
 */
static json_t *all_rates(const srv_request *req)
{
    if (req->nrates > SRV_MAX_RATES) return json_null();
    json_t *lr = json_array();
    for (size_t k = 0; lr && k < req->o.noptimizers; k++) {
        clopt_config c;
        const int parsed = clopt_spec_parse(req->specs[k], &c, NULL) == CLOPT_OK;
        if (json_array_append_new(lr,
                                  parsed ? rates(&c, req->o.steps, req->o.every) : json_null())) {
            json_decref(lr);
            return NULL;
        }
    }
    return lr;
}

/*
 * "trajectories": [{"optimizer", "start"[, "state"]}] in the order of the stream's points;
 * "rates": all_rates, made for the first answer and kept (charged: rates_bytes) for the
 * answers to the same request posted again. Called on the polling thread only.
 */
static void created(const srv_job *j, json_t *out)
{
    srv_request *req = j->req;
    json_t *all = json_array();
    if (!req->rates) req->rates = all_rates(req);
    for (size_t k = 0; all && k < req->o.noptimizers; k++) {
        clopt_config c;
        const int parsed = clopt_spec_parse(req->specs[k], &c, NULL) == CLOPT_OK;
        for (size_t i = 0; i < req->o.nstarts; i++) {
            json_t *t = json_pack("{s:o,s:[ff]}", "optimizer", json_loads(req->specs[k], 0, NULL),
                                  "start", req->starts[2 * i], req->starts[2 * i + 1]);
            if (t && req->o.state)
                json_object_set_new(t, "state", parsed ? state_names(&c) : json_array());
            json_array_append_new(all, t);
        }
    }
    json_object_set_new(out, "trajectories", all);
    json_object_set(out, "rates", req->rates);
}

static void describe(const srv_job *j, json_t *out)
{
    const srv_request *req = j->req;
    json_object_set_new(out, "progress", json_integer((json_int_t)j->progress[0]));
    json_object_set_new(out, "steps", json_integer((json_int_t)req->o.steps));
}

const srv_job_kind srv_run_kind = {
    .name = "run",
    .collection = "runs",
    .busy = "%u runs are waiting for the device; retry in a second",
    .active = RUN_ACTIVE,
    .queue = 0, /* s->o.queue, set when the server starts */
    .keep = 0,
    .turn = turn,
    .release = release,
    .free_request = free_request,
    .parse = parse,
    .created = created,
    .describe = describe,
    .estimate = estimate,
    .result_bytes = result_bytes,
    .subroute = NULL,
    .function = function,
    .dbl = dbl,
    .kernel = CLOPT_TRAJECTORY_KERNEL,
};
