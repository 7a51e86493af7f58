/*
 * The server's shared state. One mutex (`lock`) guards the registry of runs, the worker's
 * queue, every event log and every stream; `device` serializes use of the OpenCL queue
 * (the worker's slices and the landscape requests). Lock order: lock, then MHD's own.
 */
#ifndef CLOPT_SERVER_CORE_H
#define CLOPT_SERVER_CORE_H

#include "eventlog.h"
#include "request.h"
#include "server.h"

#include <microhttpd.h>
#include <pthread.h>

#define SRV_ACTIVE 4 /* runs the worker advances in turn, one slice each */

typedef enum { RUN_QUEUED, RUN_RUNNING, RUN_DONE, RUN_FAILED, RUN_CANCELLED } srv_run_status;

typedef struct srv_run srv_run;
typedef struct srv_stream srv_stream;

struct srv_run {
    srv_request req;
    srv_run_status status;
    uint64_t progress; /* steps computed */
    unsigned refs;     /* the registry, the worker, each stream */
    int listed;        /* in the registry (DELETE and eviction unlist) */
    int cancel;        /* DELETE arrived while the worker holds the run */
    srv_log log;
    size_t charged;    /* bytes counted in srv.bytes */
    uint64_t used;     /* LRU clock */
    srv_run *prev, *next; /* registry, most recently used first */
    srv_run *qnext;
    /* The worker's, touched without the lock. */
    clopt_run *engine;
    float *last; /* state mode: the previous step's x, y per trajectory */
};

struct srv_stream {
    srv *s;
    srv_run *run;
    struct MHD_Connection *conn;
    uint64_t seen;  /* events the client had when it connected */
    size_t offset;  /* next byte of the log; valid once `placed` */
    int placed, parked, heartbeat;
    double last_write;
    srv_stream *prev, *next;
};

struct srv {
    srv_options o;
    char url[96];
    clopt_context *ctx;
    char device_name[128];
    char *functions, *optimizers; /* the catalogues' JSON, formatted at start */
    pthread_mutex_t device;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the worker: a run was queued, or stop */
    pthread_t worker;
    int worker_started, stopping;
    srv_run *runs; /* registry */
    size_t nruns, bytes;
    uint64_t clock;
    srv_run *queue, *queue_tail;
    unsigned queued;
    srv_run *active[SRV_ACTIVE];
    size_t nactive;
    srv_stream *streams;
    size_t nstreams;
    unsigned connections;
    struct MHD_Daemon *daemon;
};

double srv_now(void);

/* runs.c: the registry and the worker. */
void *srv_worker_main(void *arg);
/* Finds run `id` and takes a reference (NULL: unknown). Locks. */
srv_run *srv_run_find(srv *s, const char *id);
/* Drops a reference; the last one frees the run. Caller holds the lock. */
void srv_run_unref(srv *s, srv_run *r);
/*
 * Queues *req as a new run or finds the run with the same id. Returns the run with a
 * reference taken (*created says which) and takes ownership of *req; NULL with *p filled
 * (503 when the queue is full).
 */
srv_run *srv_run_submit(srv *s, srv_request *req, int *created, srv_problem *p);
/* DELETE: cancels a live run and unlists it. Returns the status it had; locks. */
srv_run_status srv_run_delete(srv *s, srv_run *r);
const char *srv_run_status_name(srv_run_status st);
/* Frees every run (the worker has stopped). */
void srv_runs_free_all(srv *s);

/* stream.c: text/event-stream responses. */
struct MHD_Response *srv_stream_response(srv *s, struct MHD_Connection *c, srv_run *r,
                                         uint64_t seen);
/* Resumes the parked streams of run r (NULL: every stream). Caller holds the lock. */
void srv_streams_wake(srv *s, const srv_run *r);
/* Resumes the parked streams that have been quiet for the heartbeat interval (lock held). */
void srv_streams_heartbeat(srv *s);

#endif
