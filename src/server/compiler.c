/*
 * The compile queue (jobs.h): one thread builds the programs of new expressions, and has
 * PoCL generate the code of the kernel the job launches (clopt_engine_warm), off every
 * kind's worker and the server's device lock, one client at a time in turn. A compile
 * takes 0.5 to 2.6 s on PoCL; on a kind's worker it held every other job of that kind
 * meanwhile, so two clients looping new expressions kept a third client's run waiting for
 * seconds. Also the charge of the compiled programs (jobs.h: SRV_PROGRAM_BYTES each).
 */
#include "core.h"

#include "context.h"
#include "engine.h"
#include "functions.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define RECENT (sizeof(((srv *)0)->compiler.recent) / sizeof(((srv *)0)->compiler.recent[0]))

/* When client was last served (0: not lately); lock held. */
static uint64_t served(const srv *s, const char *client)
{
    for (size_t i = 0; i < RECENT; i++)
        if (s->compiler.recent[i].served && !strcmp(s->compiler.recent[i].client, client))
            return s->compiler.recent[i].served;
    return 0;
}

/* Notes that client is served now, in its row or the least recent one; lock held. */
static void serve(srv *s, const char *client)
{
    size_t at = 0;
    for (size_t i = 0; i < RECENT; i++) {
        if (s->compiler.recent[i].served && !strcmp(s->compiler.recent[i].client, client)) {
            at = i;
            break;
        }
        if (s->compiler.recent[i].served < s->compiler.recent[at].served) at = i;
    }
    snprintf(s->compiler.recent[at].client, sizeof s->compiler.recent[at].client, "%s", client);
    s->compiler.recent[at].served = ++s->compiler.clock;
}

size_t srv_program_bytes(const srv *s, const srv_job_kind *k, const void *req)
{
    clopt_function_ref f = {0};
    size_t n = 0;
    if (!k->function) return 0;
    const int dbl = k->dbl && k->dbl(req);
    if (s->ctx && clopt_function_resolve(k->function(req), &f, NULL, NULL) == CLOPT_OK && f.expr &&
        !clopt_function_program_cached(s->ctx, &f, dbl))
        n = SRV_PROGRAM_BYTES;
    clopt_function_ref_release(&f);
    return n;
}

/* The cache of programs is charged what it holds now (lock held). */
static void charge_programs(srv *s)
{
    const size_t now = clopt_programs_count(s->ctx->programs) * SRV_PROGRAM_BYTES;
    s->bytes = s->bytes - s->programs_charged + now;
    s->programs_charged = now;
}

int srv_job_compile(srv *s, srv_job *j, char *error, size_t esize)
{
    clopt_function_ref f = {0};
    clopt_error err = {0};
    int rc = 0;
    const int dbl = j->kind->dbl && j->kind->dbl(j->req);
    if (!j->kind->function ||
        clopt_function_resolve(j->kind->function(j->req), &f, NULL, NULL) != CLOPT_OK || !f.expr ||
        clopt_function_program_cached(s->ctx, &f, dbl)) {
        clopt_function_ref_release(&f); /* a name, or compiled: nothing to do here */
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    size_t held = j->compiling; /* moves from the job's reservation to the build */
    if (held) {
        j->compiling = 0;
        srv_job_unreserve(s, j, held);
        s->bytes += held;
    } else if (srv_budget_take(s, SRV_PROGRAM_BYTES, 1) == 0)
        held = SRV_PROGRAM_BYTES;
    pthread_mutex_unlock(&s->lock);
    if (!held) {
        snprintf(error, esize,
                 "the server's memory budget has no room to compile this expression now; "
                 "retry in a moment");
        rc = -1;
    } else {
        cl_program program;
        cl_uint id;
        if (clopt_function_program(s->ctx, &f, dbl, &program, &id, &err) == CLOPT_OK) {
            /* The kernel's code too: PoCL generates it at the first launch, on the device.
             * Best effort: if this fails, the job's own first launch generates it. */
            if (j->kind->kernel) clopt_engine_warm(s->ctx, program, dbl, j->kind->kernel, NULL);
            clReleaseProgram(program);
        } else {
            snprintf(error, esize, "%s", err.text);
            rc = -1;
        }
        pthread_mutex_lock(&s->lock);
        s->bytes -= held; /* the cache's charge takes over */
        charge_programs(s);
        pthread_mutex_unlock(&s->lock);
        srv_disk_cache_trim(s);
    }
    clopt_function_ref_release(&f);
    return rc;
}

void srv_compiler_push(srv *s, srv_job *j)
{
    j->in_compiler = 1;
    j->qnext = NULL;
    if (s->compiler.tail)
        s->compiler.tail->qnext = j;
    else
        s->compiler.head = j;
    s->compiler.tail = j;
    pthread_cond_signal(&s->compiler.wake);
}

/*
 * Takes the next job out of the queue: the first of the client served least recently.
 * Jobs cancelled while they waited are dropped on the way. Lock held; NULL if none.
 */
static srv_job *pick(srv *s)
{
    srv_job *best = NULL, *best_prev = NULL;
    uint64_t best_served = 0;
    for (srv_job *j = s->compiler.head, *prev = NULL, *next; j; j = next) {
        next = j->qnext;
        if (!srv_job_live(j)) { /* cancelled: its worker reference goes */
            if (prev)
                prev->qnext = next;
            else
                s->compiler.head = next;
            if (s->compiler.tail == j) s->compiler.tail = prev;
            j->in_compiler = 0;
            srv_job_unref(s, j);
            continue;
        }
        const uint64_t when = served(s, j->client);
        if (!best || when < best_served) {
            best = j, best_prev = prev, best_served = when;
        }
        prev = j;
    }
    if (!best) return NULL;
    if (best_prev)
        best_prev->qnext = best->qnext;
    else
        s->compiler.head = best->qnext;
    if (s->compiler.tail == best) s->compiler.tail = best_prev;
    best->qnext = NULL;
    serve(s, best->client);
    return best;
}

/* After the compile (lock held): back to the head of its kind's queue, or failed. */
static void done(srv *s, srv_job *j, int rc, const char *error)
{
    srv_jobs *q = srv_jobs_of(s, j);
    j->in_compiler = 0;
    j->compiled = 1;
    if (!srv_job_live(j) || s->stopping) {
        srv_job_unref(s, j); /* cancelled meanwhile (DELETE counted it off the queue) */
        return;
    }
    if (rc) {
        q->queued--;
        srv_job_fail(s, j, error[0] ? error : "the expression could not be compiled");
        srv_job_unref(s, j);
        return;
    }
    j->qnext = q->queue;
    q->queue = j;
    if (!q->queue_tail) q->queue_tail = j;
    pthread_cond_signal(&q->wake);
}

static void *compiler(void *arg)
{
    srv *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        srv_job *j = pick(s);
        if (!j) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&s->compiler.wake, &s->lock, &until);
            continue;
        }
        j->in_compiler = 2; /* compiling: not in the list */
        pthread_mutex_unlock(&s->lock);
        char error[320] = "";
        const int rc = srv_job_compile(s, j, error, sizeof error);
        pthread_mutex_lock(&s->lock);
        done(s, j, rc, error);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int srv_compiler_start(srv *s)
{
    if (pthread_create(&s->compiler.thread, NULL, compiler, s)) return -1;
    s->compiler.started = 1;
    return 0;
}

void srv_compiler_join(srv *s)
{
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->compiler.wake);
    pthread_mutex_unlock(&s->lock);
    if (s->compiler.started) pthread_join(s->compiler.thread, NULL);
    s->compiler.started = 0;
}

void srv_compiler_free(srv *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->compiler.head) {
        srv_job *j = s->compiler.head;
        s->compiler.head = j->qnext;
        j->in_compiler = 0;
        srv_job_unref(s, j);
    }
    s->compiler.tail = NULL;
    pthread_mutex_unlock(&s->lock);
}
