/*
 * The job module (see jobs.h): registry, queue, worker, event log and budget, shared by
 * every kind. Each kind has its own worker thread, so a training holding its worker for
 * minutes does not hold back the first event of a run.
 */
#include "core.h"

#include "frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define SRV_MAX_JOBS 4096 /* jobs kept per kind, however small */

struct srv_waiter {
    struct MHD_Connection *conn;
    struct srv_waiter *next;
};

const char *srv_job_status_name(srv_job_status st)
{
    static const char *const names[] = {"queued", "running", "done", "failed", "cancelled"};
    return names[st];
}

int srv_job_live(const srv_job *j)
{
    return j->status == JOB_QUEUED || j->status == JOB_RUNNING;
}

/* Bytes that do not depend on the log: the job, its request text and parsed request. */
static size_t base_bytes(const srv_job *j)
{
    return sizeof *j + strlen(j->canonical) + 1 + 2 * strlen(j->canonical);
}

/* Counts j's memory again (lock held): its reservation while live, what it holds after. */
static void charge(srv *s, srv_job *j)
{
    size_t now = srv_log_bytes(&j->log) + base_bytes(j);
    if (j->kind->result_bytes) now += j->kind->result_bytes(j);
    if (srv_job_live(j) && now < j->reserved + base_bytes(j)) now = j->reserved + base_bytes(j);
    s->bytes = s->bytes - j->charged + now;
    j->charged = now;
}

static void job_free(srv *s, srv_job *j)
{
    s->bytes -= j->charged;
    if (j->work && j->kind->release) j->kind->release(s, j);
    j->kind->free_request(j->req);
    free(j->canonical);
    srv_log_free(&j->log);
    free(j);
}

void srv_job_ref(srv_job *j)
{
    j->refs++;
}

void srv_job_unref(srv *s, srv_job *j)
{
    if (j && --j->refs == 0) job_free(s, j);
}

void srv_job_release(srv *s, srv_job *j)
{
    pthread_mutex_lock(&s->lock);
    srv_job_unref(s, j);
    pthread_mutex_unlock(&s->lock);
}

srv_jobs *srv_jobs_of(srv *s, const srv_job *j)
{
    for (size_t k = 0; k < SRV_KINDS; k++)
        if (s->jobs[k].kind == j->kind) return &s->jobs[k];
    return NULL;
}

static void unlist(srv *s, srv_job *j)
{
    if (!j->listed) return;
    srv_jobs *q = srv_jobs_of(s, j);
    if (j->prev)
        j->prev->next = j->next;
    else
        q->list = j->next;
    if (j->next) j->next->prev = j->prev;
    j->prev = j->next = NULL;
    j->listed = 0;
    q->count--;
    srv_job_unref(s, j);
}

static void touch(srv *s, srv_jobs *q, srv_job *j)
{
    j->used = ++s->clock;
    if (q->list == j) return;
    j->prev->next = j->next;
    if (j->next) j->next->prev = j->prev;
    j->prev = NULL;
    j->next = q->list;
    q->list->prev = j;
    q->list = j;
}

/*
 * Unlists the least recently used finished job whose memory that frees at once (one that a
 * stream or reply still reads would free nothing now). 0 if there is none. Lock held.
 */
static int evict_one(srv *s)
{
    srv_job *oldest = NULL;
    for (size_t k = 0; k < SRV_KINDS; k++)
        for (srv_job *j = s->jobs[k].list; j; j = j->next)
            if (!srv_job_live(j) && j->refs == 1 && (!oldest || j->used < oldest->used)) oldest = j;
    if (!oldest) return 0;
    unlist(s, oldest);
    return 1;
}

int srv_budget_take(srv *s, size_t n, int check)
{
    while (check && s->bytes + n > s->o.memory_budget)
        if (!evict_one(s)) return -1;
    s->bytes += n;
    return 0;
}

void srv_budget_give(srv *s, size_t n)
{
    s->bytes -= n;
}

/* Keeps at most kind->keep (and SRV_MAX_JOBS) finished jobs of q (lock held). */
static void keep(srv *s, srv_jobs *q)
{
    unsigned finished = 0;
    const unsigned most = q->kind->keep ? q->kind->keep : SRV_MAX_JOBS;
    for (srv_job *j = q->list, *next; j; j = next) {
        next = j->next;
        if (!srv_job_live(j) && ++finished > most) unlist(s, j);
    }
}

static void resume_waiters(srv_job *j)
{
    while (j->waiters) {
        struct srv_waiter *w = j->waiters;
        j->waiters = w->next;
        MHD_resume_connection(w->conn);
        free(w);
    }
}

void srv_jobs_resume_all(srv *s)
{
    for (size_t k = 0; k < SRV_KINDS; k++)
        for (srv_job *j = s->jobs[k].list; j; j = j->next)
            resume_waiters(j);
}

/* j has just ended (lock held): its reservation goes, its waiters are resumed. */
static void finished(srv *s, srv_job *j)
{
    charge(s, j);
    resume_waiters(j);
    srv_jobs *q = srv_jobs_of(s, j);
    if (q && j->listed) keep(s, q);
}

int srv_job_wait(srv *s, srv_job *j, struct MHD_Connection *c)
{
    struct srv_waiter *w = malloc(sizeof *w);
    if (!w) return -1;
    pthread_mutex_lock(&s->lock);
    if (!srv_job_live(j) || s->stopping) {
        pthread_mutex_unlock(&s->lock);
        free(w);
        return 1; /* nothing to wait for: answer now */
    }
    w->conn = c;
    w->next = j->waiters;
    j->waiters = w;
    MHD_suspend_connection(c); /* under the lock: the end cannot slip in between */
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Appends an event (lock held); json is consumed. Out of memory ends the log. */
static void append(srv *s, srv_job *j, const char *name, char *json, size_t len, int final)
{
    if (!json || !srv_log_append(&j->log, name, json, len, final)) {
        free(json);
        json = srv_frame_error("the server ran out of memory", &len);
        if (!json || !srv_log_append(&j->log, "error", json, len, 1))
            j->log.ended = 1; /* not even that: streams end without a final event */
        j->status = JOB_FAILED;
    }
    free(json);
    if (final && srv_job_live(j)) j->status = strcmp(name, "error") ? JOB_DONE : JOB_FAILED;
    charge(s, j);
    if (srv_job_live(j) && s->bytes > s->o.memory_budget) {
        /* The job outgrew its reservation (a kind's estimate is wrong): it fails. */
        char msg[200];
        snprintf(msg, sizeof msg,
                 "the %s outgrew its share of the server's memory budget (%zu MiB); retry "
                 "with a smaller request",
                 j->kind->name, s->o.memory_budget >> 20);
        json = srv_frame_error(msg, &len);
        if (!json || !srv_log_append(&j->log, "error", json, len, 1)) j->log.ended = 1;
        free(json);
        j->status = JOB_FAILED;
    }
    if (!srv_job_live(j)) finished(s, j);
    srv_streams_wake(s, &j->log);
}

static void append_error(srv *s, srv_job *j, const char *message)
{
    size_t len = 0;
    char *json = srv_frame_error(message, &len);
    append(s, j, "error", json, len, 1);
}

void srv_job_fail(srv *s, srv_job *j, const char *message)
{
    append_error(s, j, message);
}

int srv_job_emit(srv *s, srv_job *j, const char *name, char *json, int final)
{
    pthread_mutex_lock(&s->lock);
    const int stop = j->cancel || s->stopping || !srv_job_live(j);
    if (!stop)
        append(s, j, name, json, json ? strlen(json) : 0, final);
    else
        free(json);
    const int failed = j->status == JOB_FAILED;
    pthread_mutex_unlock(&s->lock);
    return stop || failed;
}

void srv_job_unreserve(srv *s, srv_job *j, size_t n)
{
    j->reserved -= n < j->reserved ? n : j->reserved;
    charge(s, j);
}

void srv_job_progress(srv *s, srv_job *j, size_t which, uint64_t value)
{
    pthread_mutex_lock(&s->lock);
    j->progress[which] = value;
    pthread_mutex_unlock(&s->lock);
}

srv_job *srv_job_find(srv_jobs *q, const char *id)
{
    srv *s = q->s;
    pthread_mutex_lock(&s->lock);
    srv_job *j = q->list;
    while (j && strcmp(j->id, id))
        j = j->next;
    if (j) {
        j->refs++;
        touch(s, q, j);
    }
    pthread_mutex_unlock(&s->lock);
    return j;
}

/* A new follow token of j, copied into follow (lock held); "" when j holds as many as it
 * can, or no random bytes could be had (then the POST follows without one). */
static void add_follower(srv_job *j, char follow[SRV_FOLLOW_CHARS + 1])
{
    unsigned char bits[SRV_FOLLOW_CHARS / 2];
    if (!follow) return;
    follow[0] = 0;
    if (j->followers >= SRV_MAX_FOLLOWERS ||
        getrandom(bits, sizeof bits, 0) != (ssize_t)sizeof bits) /* waits only at early boot */
        return;
    char *t = j->follow[j->followers++];
    for (size_t i = 0; i < sizeof bits; i++)
        snprintf(t + 2 * i, 3, "%02x", bits[i]);
    memcpy(follow, t, SRV_FOLLOW_CHARS + 1);
}

/* Whether two tokens are equal, in a time that does not say how much of them is. */
static int same_token(const char *a, const char *b)
{
    if (strlen(b) != SRV_FOLLOW_CHARS) return 0;
    unsigned char d = 0;
    for (size_t i = 0; i < SRV_FOLLOW_CHARS; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

srv_job *srv_job_submit(srv_jobs *q, const char *id, char *canonical, void *req, const char *client,
                        char follow[SRV_FOLLOW_CHARS + 1], int *created, srv_problem *p)
{
    srv *s = q->s;
    const srv_job_kind *k = q->kind;
    srv_job *j = NULL, *failed = NULL;
    pthread_mutex_lock(&s->lock);
    srv_job *old = q->list;
    while (old && strcmp(old->id, id))
        old = old->next;
    if (old && strcmp(old->canonical, canonical)) {
        srv_problem_set(p, 500, "", "two different requests hash to %s id %s", k->name, id);
        goto done;
    }
    if (old && old->status != JOB_FAILED) {
        *created = 0;
        old->refs++;
        add_follower(old, follow);
        touch(s, q, old);
        k->free_request(req);
        free(canonical);
        j = old;
        goto done;
    }
    const unsigned attempt = old ? old->attempt + 1 : 1;
    /* A failed job stays listed (and readable: "failed") until its new attempt is accepted;
     * held meanwhile, so that making room in the budget cannot free it. */
    failed = old;
    if (failed) failed->refs++;
    if (s->stopping || q->queued >= q->queue_max) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        srv_problem_set(p, 503, "", k->busy, q->queued);
#pragma GCC diagnostic pop
        goto done;
    }
    const size_t compiling = srv_program_bytes(s, k, req);
    const size_t estimate = k->estimate(s, req) + compiling;
    const size_t base = sizeof *j + 3 * strlen(canonical) + 1;
    if (estimate + base > s->o.memory_budget) {
        srv_problem_set(p, 400, "",
                        "this %s needs up to %zu MiB of the server's memory and the budget is "
                        "%zu MiB (clopt serve --memory); ask for less",
                        k->name, ((estimate + base) >> 20) + 1, s->o.memory_budget >> 20);
        goto done;
    }
    if (srv_budget_take(s, estimate + base, 1)) {
        srv_problem_set(p, 503, "",
                        "the server's memory budget (%zu MiB) is held by other clients' work; "
                        "this %s needs up to %zu MiB: retry when some has finished",
                        s->o.memory_budget >> 20, k->name, ((estimate + base) >> 20) + 1);
        goto done;
    }
    if (!(j = calloc(1, sizeof *j))) {
        srv_budget_give(s, estimate + base);
        srv_problem_set(p, 503, "", "out of memory");
        goto done;
    }
    if (failed) unlist(s, failed); /* the new attempt replaces it; its readers keep their log */
    *created = 1;
    j->kind = k;
    snprintf(j->id, sizeof j->id, "%s", id);
    j->canonical = canonical;
    j->req = req;
    j->attempt = attempt;
    j->status = JOB_QUEUED;
    j->reserved = estimate;
    j->compiling = compiling;
    j->log.limit = estimate - compiling; /* the log grows by doubling up to its worst case */
    snprintf(j->client, sizeof j->client, "%s", client ? client : "");
    j->charged = estimate + base;
    j->refs = 3; /* registry, worker, caller */
    add_follower(j, follow);
    j->listed = 1;
    j->next = q->list;
    if (q->list) q->list->prev = j;
    q->list = j;
    q->count++;
    j->used = ++s->clock;
    if (q->queue_tail)
        q->queue_tail->qnext = j;
    else
        q->queue = j;
    q->queue_tail = j;
    q->queued++;
    charge(s, j);
    pthread_cond_signal(&q->wake);
done:
    if (failed) srv_job_unref(s, failed);
    pthread_mutex_unlock(&s->lock);
    return j;
}

static void cancelled_message(const srv_job *j, char *out, size_t size)
{
    snprintf(out, size, "the %s was cancelled", j->kind->name);
}

int srv_job_delete(srv *s, srv_job *j, const char *token, unsigned *followers,
                   srv_job_status *status)
{
    pthread_mutex_lock(&s->lock);
    srv_jobs *q = srv_jobs_of(s, j);
    const srv_job_status was = *status = j->status;
    unsigned i = 0;
    while (i < j->followers && !same_token(j->follow[i], token))
        i++;
    if (i == j->followers) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    if (i != --j->followers) memcpy(j->follow[i], j->follow[j->followers], SRV_FOLLOW_CHARS + 1);
    if (j->listed && j->followers > 0) { /* another client still wants it */
        *followers = j->followers;
        pthread_mutex_unlock(&s->lock);
        return 0;
    }
    *followers = j->followers = 0;
    if (was == JOB_QUEUED && j->in_compiler) { /* the compile queue drops it */
        q->queued--;
        j->status = JOB_CANCELLED;
        char message[64];
        cancelled_message(j, message, sizeof message);
        append_error(s, j, message);
    } else if (was == JOB_QUEUED) {
        srv_job **at = &q->queue, *prev = NULL;
        while (*at != j) {
            prev = *at;
            at = &(*at)->qnext;
        }
        *at = j->qnext;
        if (q->queue_tail == j) q->queue_tail = prev;
        q->queued--;
        j->status = JOB_CANCELLED;
        char message[64];
        cancelled_message(j, message, sizeof message);
        append_error(s, j, message);
        srv_job_unref(s, j); /* the worker's reference */
    } else if (was == JOB_RUNNING) {
        j->cancel = 1; /* the worker ends it at its next turn */
        j->status = JOB_CANCELLED;
        finished(s, j);
    }
    unlist(s, j);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static void release_work(srv *s, srv_job *j)
{
    if (j->work && j->kind->release) j->kind->release(s, j);
}

/* Takes active job i out of the rotation and drops the worker's reference (lock held). */
static void retire(srv *s, srv_jobs *q, size_t i)
{
    srv_job *j = q->active[i];
    q->active[i] = q->active[--q->nactive];
    srv_job_unref(s, j);
}

static void *worker(void *arg)
{
    srv_jobs *q = arg;
    srv *s = q->s;
    size_t next = 0;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        while (q->nactive < q->kind->active && q->queue) {
            srv_job *j = q->queue;
            q->queue = j->qnext;
            if (!q->queue) q->queue_tail = NULL;
            j->qnext = NULL;
            if (!j->compiled && srv_program_bytes(s, q->kind, j->req)) {
                srv_compiler_push(s, j); /* back at the head of the queue once compiled */
                continue;
            }
            q->queued--;
            j->status = JOB_RUNNING;
            q->active[q->nactive++] = j;
        }
        if (clopt_now() - s->beat >= 1.0) {
            srv_streams_heartbeat(s);
            srv_guard_tick(s);
            s->beat = clopt_now();
        }
        if (q->nactive == 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&q->wake, &s->lock, &until);
            continue;
        }
        const size_t i = next++ % q->nactive;
        srv_job *j = q->active[i];
        char error[320] = "";
        if (j->cancel) {
            pthread_mutex_unlock(&s->lock);
            release_work(s, j);
            pthread_mutex_lock(&s->lock);
            cancelled_message(j, error, sizeof error);
            if (!j->log.ended) append_error(s, j, error);
            retire(s, q, i);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        const int rc = j->kind->turn(s, j, error, sizeof error);
        if (rc != 0) release_work(s, j);
        pthread_mutex_lock(&s->lock);
        if (j->cancel) continue; /* the next turn ends it */
        if (rc < 0 && srv_job_live(j))
            append_error(s, j, error[0] ? error : "the job failed");
        else if (rc > 0 && srv_job_live(j))
            append_error(s, j, "the job ended without its final event");
        if (!srv_job_live(j)) {
            if (j->work) {
                pthread_mutex_unlock(&s->lock);
                release_work(s, j);
                pthread_mutex_lock(&s->lock);
            }
            for (size_t k = 0; k < q->nactive; k++)
                if (q->active[k] == j) {
                    retire(s, q, k);
                    break;
                }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int srv_jobs_init(srv *s, srv_jobs *q, const srv_job_kind *kind, unsigned queue)
{
    memset(q, 0, sizeof *q);
    q->kind = kind;
    q->queue_max = queue ? queue : kind->queue;
    q->s = s;
    pthread_cond_init(&q->wake, NULL);
    return (q->active = calloc(kind->active, sizeof *q->active)) ? 0 : -1;
}

int srv_jobs_start(srv_jobs *q)
{
    if (pthread_create(&q->thread, NULL, worker, q)) return -1;
    q->started = 1;
    return 0;
}

void srv_jobs_join(srv_jobs *q)
{
    if (!q->kind) return;
    pthread_mutex_lock(&q->s->lock);
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->s->lock);
    if (q->started) pthread_join(q->thread, NULL);
    q->started = 0;
}

void srv_jobs_free(srv_jobs *q)
{
    if (!q->kind) return;
    srv *s = q->s;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < q->nactive; i++) {
        srv_job *j = q->active[i];
        if (j->work) {
            pthread_mutex_unlock(&s->lock);
            release_work(s, j);
            pthread_mutex_lock(&s->lock);
        }
        srv_job_unref(s, j);
    }
    q->nactive = 0;
    while (q->queue) {
        srv_job *j = q->queue;
        q->queue = j->qnext;
        srv_job_unref(s, j);
    }
    q->queue_tail = NULL;
    q->queued = 0;
    while (q->list)
        unlist(s, q->list);
    pthread_mutex_unlock(&s->lock);
    free(q->active);
    pthread_cond_destroy(&q->wake);
    q->kind = NULL;
}
