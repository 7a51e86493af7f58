/*
 * Runs: the registry (most recently used first, evicted least recently used first when the
 * event logs outgrow the memory budget), the bounded queue and the worker thread that owns
 * every OpenCL call of a run. The worker advances up to SRV_ACTIVE runs in turn, one
 * slice each, so a long run does not hold back the first event of a short one.
 */
#include "core.h"
#include "frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SRV_MAX_RUNS 4096      /* runs kept, however small */
#define SLICE_POINTS 4096      /* about this many points per step event */
#define SLICE_MAX_ROWS 64

double srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *srv_run_status_name(srv_run_status st)
{
    static const char *const names[] = {"queued", "running", "done", "failed", "cancelled"};
    return names[st];
}

static int live(const srv_run *r)
{
    return r->status == RUN_QUEUED || r->status == RUN_RUNNING;
}

static void run_free(srv_run *r)
{
    srv_request_free(&r->req);
    srv_log_free(&r->log);
    free(r->last);
    free(r);
}

void srv_run_unref(srv *s, srv_run *r)
{
    (void)s;
    if (r && --r->refs == 0)
        run_free(r);
}

static void unlist(srv *s, srv_run *r)
{
    if (!r->listed)
        return;
    if (r->prev)
        r->prev->next = r->next;
    else
        s->runs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    r->listed = 0;
    s->nruns--;
    s->bytes -= r->charged;
    r->charged = 0;
    srv_run_unref(s, r);
}

static void touch(srv *s, srv_run *r)
{
    r->used = ++s->clock;
    if (s->runs == r)
        return;
    r->prev->next = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = NULL;
    r->next = s->runs;
    s->runs->prev = r;
    s->runs = r;
}

/* Counts r's memory again and evicts finished runs, least recently used first. */
static void charge(srv *s, srv_run *r)
{
    if (r->listed) {
        const size_t now = srv_log_bytes(&r->log) + strlen(r->req.canonical) + sizeof *r;
        s->bytes = s->bytes - r->charged + now;
        r->charged = now;
    }
    srv_run *tail = s->runs;
    while (tail && tail->next)
        tail = tail->next;
    while (tail && (s->bytes > s->o.memory_budget || s->nruns > SRV_MAX_RUNS)) {
        srv_run *prev = tail->prev;
        if (!live(tail))
            unlist(s, tail);
        tail = prev;
    }
}

srv_run *srv_run_find(srv *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    srv_run *r = s->runs;
    while (r && strcmp(r->req.id, id))
        r = r->next;
    if (r) {
        r->refs++;
        touch(s, r);
    }
    pthread_mutex_unlock(&s->lock);
    return r;
}

srv_run *srv_run_submit(srv *s, srv_request *req, int *created, srv_problem *p)
{
    pthread_mutex_lock(&s->lock);
    srv_run *r = s->runs;
    while (r && strcmp(r->req.id, req->id))
        r = r->next;
    if (r && strcmp(r->req.canonical, req->canonical)) {
        r = NULL;
        srv_problem_set(p, 500, "", "two different requests hash to run id %s", req->id);
        goto done;
    }
    if (r) {
        *created = 0;
        r->refs++;
        touch(s, r);
        srv_request_free(req);
        goto done;
    }
    if (s->stopping || s->queued >= s->o.queue) {
        srv_problem_set(p, 503, "", "%u runs are waiting for the device; retry in a second",
                        s->queued);
        goto done;
    }
    if (!(r = calloc(1, sizeof *r))) {
        srv_problem_set(p, 503, "", "out of memory");
        goto done;
    }
    *created = 1;
    r->req = *req;
    memset(req, 0, sizeof *req);
    r->status = RUN_QUEUED;
    r->refs = 3; /* registry, worker, caller */
    r->listed = 1;
    r->next = s->runs;
    if (s->runs)
        s->runs->prev = r;
    s->runs = r;
    s->nruns++;
    r->used = ++s->clock;
    if (s->queue_tail)
        s->queue_tail->qnext = r;
    else
        s->queue = r;
    s->queue_tail = r;
    s->queued++;
    charge(s, r);
    pthread_cond_signal(&s->wake);
done:
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* Appends an event to r's log (caller holds the lock); a full budget fails a live run. */
static void append(srv *s, srv_run *r, const char *name, char *json, size_t len, int final)
{
    if (!json || !srv_log_append(&r->log, name, json, len, final)) {
        free(json);
        json = srv_frame_error("the server ran out of memory", &len);
        if (!json || !srv_log_append(&r->log, "error", json, len, 1))
            r->log.ended = 1; /* not even that: streams end without a final event */
        r->status = RUN_FAILED;
    }
    free(json);
    charge(s, r);
    if (live(r) && s->bytes > s->o.memory_budget) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the server's memory budget (%zu MiB) is full; record fewer points (raise "
                 "every) or retry later",
                 s->o.memory_budget >> 20);
        json = srv_frame_error(msg, &len);
        if (!json || !srv_log_append(&r->log, "error", json, len, 1))
            r->log.ended = 1;
        free(json);
        r->status = RUN_FAILED;
        charge(s, r); /* finished now: it may be evicted like any other */
    }
    srv_streams_wake(s, &r->log);
}

/* Ends r's log with an error event (lock held). */
static void append_error(srv *s, srv_run *r, const char *message)
{
    size_t len = 0;
    char *json = srv_frame_error(message, &len);
    append(s, r, "error", json, len, 1);
}

srv_run_status srv_run_delete(srv *s, srv_run *r)
{
    pthread_mutex_lock(&s->lock);
    const srv_run_status was = r->status;
    if (was == RUN_QUEUED) {
        srv_run **q = &s->queue, *prev = NULL;
        while (*q != r) {
            prev = *q;
            q = &(*q)->qnext;
        }
        *q = r->qnext;
        if (s->queue_tail == r)
            s->queue_tail = prev;
        s->queued--;
        r->status = RUN_CANCELLED;
        append_error(s, r, "the run was cancelled");
        srv_run_unref(s, r); /* the worker's reference */
    } else if (was == RUN_RUNNING) {
        r->cancel = 1; /* the worker ends it at its next turn */
        r->status = RUN_CANCELLED;
    }
    unlist(s, r);
    pthread_mutex_unlock(&s->lock);
    return was;
}

/* Steps per slice: about SLICE_POINTS points, at most SLICE_MAX_ROWS rows. */
static uint64_t slice_steps(const srv_run *r)
{
    const size_t nt = r->req.o.noptimizers * r->req.o.nstarts;
    size_t rows = SLICE_POINTS / nt;
    rows = rows < 1 ? 1 : rows > SLICE_MAX_ROWS ? SLICE_MAX_ROWS : rows;
    return rows * r->req.o.every;
}

/*
 * One turn of run r, without the lock: create the engine if needed, compute one slice and
 * format its event. Returns the event (NULL with *error set when the run failed).
 */
static char *turn(srv *s, srv_run *r, size_t *len, int *finished, char *error, size_t esize)
{
    clopt_error err;
    char *json = NULL;
    *finished = 0;
    pthread_mutex_lock(&s->device);
    if (!r->engine) {
        const size_t nt = r->req.o.noptimizers * r->req.o.nstarts;
        if (r->req.o.state && !(r->last = calloc(2 * nt, sizeof *r->last))) {
            snprintf(error, esize, "out of memory");
            goto done;
        }
        if (!(r->engine = clopt_run_create(s->ctx, &r->req.o, &err))) {
            snprintf(error, esize, "%s", err.text);
            goto done;
        }
    }
    clopt_slice sl;
    if (clopt_run_advance(r->engine, slice_steps(r), &sl, &err) != CLOPT_OK) {
        snprintf(error, esize, "%s", err.text);
        goto done;
    }
    if (sl.rows && !(json = srv_frame_step(&sl, r->req.o.every, r->last, len)))
        snprintf(error, esize, "out of memory");
    else if (!sl.rows) {
        *len = 0;
        json = calloc(1, 1);
    }
    *finished = clopt_run_finished(r->engine);
done:
    pthread_mutex_unlock(&s->device);
    return json;
}

static void release_engine(srv *s, srv_run *r)
{
    pthread_mutex_lock(&s->device);
    clopt_run_release(r->engine);
    pthread_mutex_unlock(&s->device);
    r->engine = NULL;
}

/* Takes r out of the active set and drops the worker's reference (lock held). */
static void retire(srv *s, size_t i)
{
    srv_run *r = s->active[i];
    s->active[i] = s->active[--s->nactive];
    srv_run_unref(s, r);
}

void *srv_worker_main(void *arg)
{
    srv *s = arg;
    size_t next = 0;
    double beat = srv_now();
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        while (s->nactive < SRV_ACTIVE && s->queue) {
            srv_run *r = s->queue;
            s->queue = r->qnext;
            if (!s->queue)
                s->queue_tail = NULL;
            s->queued--;
            r->status = RUN_RUNNING;
            s->active[s->nactive++] = r;
        }
        if (srv_now() - beat >= 1.0) {
            srv_streams_heartbeat(s);
            beat = srv_now();
        }
        if (s->nactive == 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&s->wake, &s->lock, &until);
            continue;
        }
        const size_t i = next++ % s->nactive;
        srv_run *r = s->active[i];
        size_t len = 0;
        if (r->cancel) {
            pthread_mutex_unlock(&s->lock);
            release_engine(s, r);
            pthread_mutex_lock(&s->lock);
            append_error(s, r, "the run was cancelled");
            retire(s, i);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        char error[300] = "";
        int finished;
        char *json = turn(s, r, &len, &finished, error, sizeof error);
        char *done = NULL;
        size_t done_len = 0;
        if (json && finished) {
            done = srv_frame_done(r->engine, r->req.o.steps, &done_len);
            release_engine(s, r);
        } else if (!json)
            release_engine(s, r);
        pthread_mutex_lock(&s->lock);
        if (r->cancel) {
            free(json);
            free(done);
            continue; /* the next turn ends it */
        }
        if (!json) {
            r->status = RUN_FAILED;
            append_error(s, r, error);
        } else if (len)
            append(s, r, "step", json, len, 0);
        else
            free(json);
        if (json && finished && live(r)) {
            r->progress = r->req.o.steps;
            r->status = RUN_DONE;
            append(s, r, "done", done, done_len, 1);
        } else {
            free(done);
            if (live(r) && r->engine)
                r->progress = clopt_run_progress(r->engine);
        }
        if (!live(r)) {
            if (r->engine) {
                pthread_mutex_unlock(&s->lock);
                release_engine(s, r);
                pthread_mutex_lock(&s->lock);
            }
            for (size_t k = 0; k < s->nactive; k++)
                if (s->active[k] == r) {
                    retire(s, k);
                    break;
                }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

void srv_runs_free_all(srv *s)
{
    for (size_t i = 0; i < s->nactive; i++) {
        if (s->active[i]->engine)
            release_engine(s, s->active[i]);
        srv_run_unref(s, s->active[i]);
    }
    s->nactive = 0;
    while (s->queue) {
        srv_run *r = s->queue;
        s->queue = r->qnext;
        srv_run_unref(s, r);
    }
    s->queue_tail = NULL;
    s->queued = 0;
    while (s->runs)
        unlist(s, s->runs);
}
