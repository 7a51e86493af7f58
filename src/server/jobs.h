/*
 * Jobs: what the server computes for clients (runs, trainings, landscapes, ...). Every kind
 * shares one shape: a registry keyed by the id of the canonical request (the same request
 * is the same job), a bounded queue, a worker thread that advances up to `active` jobs in
 * turn, an event log that streams read, and one memory budget for all of it. A kind only
 * says how one turn of its work is computed.
 *
 * Memory: a job is charged to the budget (s->bytes) from its submission until it is freed,
 * that is for as long as the registry, the worker, a stream or a reply still holds it.
 * At submission its log's worst case (kind->estimate) is reserved; a request whose worst
 * case could never fit is refused with 400, one that does not fit now with 503.
 *
 * A new kind is a srv_job_kind (its compute turn; with `parse`, POST, GET, DELETE and the
 * event stream under /api/v1/<collection> come with it) and its row in core.h's enum and
 * server.c's table.
 */
#ifndef CLOPT_SERVER_JOBS_H
#define CLOPT_SERVER_JOBS_H

#include "eventlog.h"
#include "problem.h"
#include "request.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

typedef struct srv srv;
typedef struct srv_job srv_job;

/* A POST's answer carries a follow token, which its DELETE must name: a client lets go only
 * of a job it posted (the id is the request's hash, which anyone can compute). */
#define SRV_MAX_FOLLOWERS 32 /* tokens a job holds; a POST past them follows without one */
#define SRV_FOLLOW_CHARS 32  /* hex digits of a token: 128 random bits */

/* Run-steps of the trajectory engine a turn of a map, sweep or tuning takes on the device (a
 * few milliseconds on PoCL's CPU device): the device is held per turn, so a large one does
 * not keep other clients' runs waiting for a whole slice (1024 steps of every run). */
#define SRV_TURN_RUN_STEPS (1u << 23)

/* The steps a turn advances `runs` runs by: SRV_TURN_RUN_STEPS' worth, at least one. */
static inline uint64_t srv_turn_steps(size_t runs)
{
    const uint64_t n = SRV_TURN_RUN_STEPS / (runs ? runs : 1);
    return n ? n : 1;
}

typedef enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED } srv_job_status;

typedef struct {
    const char *name;       /* "run", in sentences */
    const char *collection; /* "runs", in paths and messages */
    const char *busy;       /* the 503 sentence when the queue is full (%u: jobs waiting) */
    unsigned active;        /* jobs advanced in turn by the kind's worker */
    unsigned queue;         /* jobs waiting; one more is refused with 503 */
    unsigned keep;          /* finished jobs kept at most (0: as many as the budget holds) */
    /*
     * One turn of j's work, without the lock: 0 to go on, 1 when j is complete, -1 when it
     * failed (`error` says why). Events go through srv_job_emit; the kind's compute state
     * lives in j->work. The turn should return within a fraction of a second unless the
     * kind has a worker to itself (active 1) and checks srv_job_emit's answer.
     */
    int (*turn)(srv *s, srv_job *j, char *error, size_t esize);
    /* Frees j->work (lock not held; also after a failure or cancellation). May be NULL. */
    void (*release)(srv *s, srv_job *j);
    /* Frees j->req. */
    void (*free_request)(void *req);
    /*
     * For kinds posted to /api/v1/<collection> (NULL otherwise): the request body parsed
     * and checked (NULL with *p filled: 400 naming the field, ...), its canonical text in
     * *canonical (malloc'd; the id is its hash).
     */
    void *(*parse)(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p);
    /* Adds the kind's members to the POST answer {"id","events"} (j referenced). */
    void (*created)(const srv_job *j, json_t *out);
    /* Adds the kind's members to GET's {"id","status","attempt","events","request"}. */
    void (*describe)(const srv_job *j, json_t *out);
    /* The most bytes j's log and results can take, reserved at submission. */
    size_t (*estimate)(const srv *s, const void *req);
    /* Bytes of results held outside the log (may be NULL). Lock held. */
    size_t (*result_bytes)(const srv_job *j);
    /*
     * GET .../<collection>/ID/<rest> other than events (may be NULL: 404). j is referenced
     * by the caller for the call; an answer that outlives it takes its own reference.
     */
    enum MHD_Result (*subroute)(srv *s, struct MHD_Connection *c, srv_job *j, const char *rest,
                                const char *method);
    /* The request's function (a catalogue name or an expression), for kinds that compile
     * an expression's program (may be NULL): see srv_job_compile. */
    const char *(*function)(const void *req);
    /* Whether that program is the double one (precision "double"; may be NULL: float). */
    int (*dbl)(const void *req);
    /* The trajectory engine's kernel of that program the job launches (may be NULL): its
     * code is generated with the compile, off the device (clopt_engine_warm). */
    const char *kernel;
} srv_job_kind;

struct srv_job {
    const srv_job_kind *kind;
    char id[SRV_ID_CHARS + 1];
    char *canonical;       /* the request as canonical JSON (what the id hashes) */
    void *req;             /* the kind's parsed request */
    void *work;            /* the kind's compute state: the worker's, used without the lock */
    srv_job_status status; /* under the lock */
    unsigned attempt;      /* 1, 2, ...: a POST of a failed job starts another attempt */
    uint64_t progress[2];  /* kind-defined counters (steps; optimizer and epochs) */
    unsigned refs;         /* the registry, the worker, each stream, reply and caller */
    int listed;            /* in the registry (DELETE, eviction and retry unlist) */
    int cancel;            /* DELETE arrived while the worker holds the job */
    unsigned followers;    /* follow tokens not yet DELETEd: the last DELETE cancels */
    char follow[SRV_MAX_FOLLOWERS][SRV_FOLLOW_CHARS + 1]; /* those tokens, the first followers */
    srv_log log;
    size_t reserved;      /* bytes reserved at submission, until the job is finished */
    size_t compiling;     /* of them, for its expression's program (SRV_PROGRAM_BYTES or 0) */
    size_t charged;       /* bytes counted in s->bytes */
    uint64_t used;        /* LRU clock */
    srv_job *prev, *next; /* registry, most recently used first */
    srv_job *qnext;
    struct srv_waiter *waiters; /* connections suspended until the job ends */
    char client[48];            /* who posted it (srv_client_key): the compile queue's turns */
    int compiled;               /* its expression went through the compile queue */
    int in_compiler;            /* waiting in the compile queue or compiling (still queued) */
};

/* One kind's registry, queue and worker (in struct srv, one per kind). */
typedef struct {
    const srv_job_kind *kind;
    srv *s;
    srv_job *list; /* most recently used first */
    size_t count;
    srv_job *queue, *queue_tail;
    unsigned queued, queue_max;
    srv_job **active;
    size_t nactive;
    pthread_cond_t wake;
    pthread_t thread;
    int started;
} srv_jobs;

/* queue: the most jobs waiting (0: the kind's own). -1 out of memory. */
int srv_jobs_init(srv *s, srv_jobs *q, const srv_job_kind *kind, unsigned queue);
/* Starts the kind's worker; -1 if the thread cannot be created. */
int srv_jobs_start(srv_jobs *q);
/* Wakes and joins the worker (s->stopping is set). */
void srv_jobs_join(srv_jobs *q);
/* Resumes every waiting request (the server is stopping; lock held). */
void srv_jobs_resume_all(srv *s);
/* Frees every job the registry and queue hold (the worker has stopped). */
void srv_jobs_free(srv_jobs *q);

const char *srv_job_status_name(srv_job_status st);
int srv_job_live(const srv_job *j);

/* Finds job `id` and takes a reference (NULL: unknown). Locks. */
srv_job *srv_job_find(srv_jobs *q, const char *id);
/* Takes a reference (lock held). */
void srv_job_ref(srv_job *j);
/* Drops a reference (lock held); the last one frees the job and its charge. */
void srv_job_unref(srv *s, srv_job *j);
/* srv_job_unref with the lock taken. */
void srv_job_release(srv *s, srv_job *j);

/*
 * Queues a new job of request `req` (canonical text `canonical`, id `id`; both taken over
 * on success) or finds the job with the same id; a failed one is replaced by a new attempt.
 * The caller counts as one more follower of it: its token in follow (the POST's answer
 * gives it; DELETE names it), "" past SRV_MAX_FOLLOWERS; follow may be NULL (no follower).
 * Returns it with a reference for the caller (*created says which), or NULL with *p filled:
 * 503 (queue full, or the budget is full now: Retry-After), 400 (could never fit the budget).
 */
srv_job *srv_job_submit(srv_jobs *q, const char *id, char *canonical, void *req, const char *client,
                        char follow[SRV_FOLLOW_CHARS + 1], int *created, srv_problem *p);

/* Lets go of n bytes of j's reservation (lock held): they are counted elsewhere now. */
void srv_job_unreserve(srv *s, srv_job *j, size_t n);
/* The kind's jobs of j (lock held). */
srv_jobs *srv_jobs_of(srv *s, const srv_job *j);
/* Ends a live job with an error event (lock held): it is failed, its waiters resumed. */
void srv_job_fail(srv *s, srv_job *j, const char *message);

/*
 * compiler.c: the compile queue. A job whose expression is not compiled yet leaves its
 * kind's queue for this one (still counted as queued) instead of compiling on its kind's
 * worker, which would hold every other job of that worker meanwhile; one thread compiles,
 * taking the client that was served least recently first, so one client's stream of new
 * expressions cannot keep another's waiting; then the job goes back to the head of its
 * kind's queue. push takes over the worker's reference (lock held).
 */
void srv_compiler_push(srv *s, srv_job *j);
int srv_compiler_start(srv *s);
void srv_compiler_join(srv *s); /* s->stopping is set */
void srv_compiler_free(srv *s); /* drops the jobs still waiting */

/*
 * DELETE: the follower with `token` (a POST of the request) lets go. When another still
 * follows the job, it goes on and *followers says how many are left; at the last, a live
 * job is cancelled and the job unlisted (*followers 0). *was: the status it had. -1 (and
 * nothing changed) when token is not one of the job's live tokens. Locks.
 */
int srv_job_delete(srv *s, srv_job *j, const char *token, unsigned *followers, srv_job_status *was);

/*
 * Appends an event to j's log and wakes its streams (lock not held). json is consumed
 * (NULL: out of memory). Returns nonzero when the job must stop: cancelled, the server is
 * stopping, or the job has failed (out of memory, over its reservation and the budget).
 */
int srv_job_emit(srv *s, srv_job *j, const char *name, char *json, int final);

/*
 * An expression's program, as resident memory measured it (PoCL: the compiled kernels of
 * the trajectory and landscape code, 1.9 MiB each). The cache of programs is charged this
 * per program it holds, and sized to a quarter of the budget.
 */
#define SRV_PROGRAM_BYTES ((size_t)2 << 20)

/* The program bytes a job of kind k for req must reserve: 0 unless its function is an
 * expression not compiled yet in its precision. Lock held or not. */
size_t srv_program_bytes(const srv *s, const srv_job_kind *k, const void *req);

/*
 * Compiles j's expression into the context's cache before j takes the device (lock and
 * device not held), so that a compile never holds the device: the job's reservation for
 * the program (or, without one, room taken from the budget now) becomes the cache's
 * charge, and the server's own PoCL cache directory is kept within its size. 0, or -1
 * with `error` filled (no room, or the build failed).
 */
int srv_job_compile(srv *s, srv_job *j, char *error, size_t esize);

/* Sets a progress counter (lock not held). */
void srv_job_progress(srv *s, srv_job *j, size_t which, uint64_t value);

/*
 * Suspends connection c until j ends (lock not held); the request handler is called again
 * then. -1 when out of memory.
 */
int srv_job_wait(srv *s, srv_job *j, struct MHD_Connection *c);

/*
 * Counts n more bytes in the budget (lock held); with `check`, refuses (-1, nothing counted)
 * when the budget cannot take them even after evicting finished jobs. srv_budget_give
 * counts them off again.
 */
int srv_budget_take(srv *s, size_t n, int check);
void srv_budget_give(srv *s, size_t n);

#endif
