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
#include "training_request.h"
#include "train/dataset.h"

#include <microhttpd.h>
#include <pthread.h>

#define SRV_ACTIVE 4 /* runs the worker advances in turn, one slice each */
#define SRV_TRAIN_QUEUE 4 /* trainings waiting behind the one running */
#define SRV_TRAIN_KEEP 4  /* finished trainings kept for late readers */

typedef enum { RUN_QUEUED, RUN_RUNNING, RUN_DONE, RUN_FAILED, RUN_CANCELLED } srv_run_status;

typedef struct srv_run srv_run;
typedef struct srv_training srv_training;
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

/*
 * A training (POST /api/v1/trainings): one at a time on the trainer thread, with its own
 * OpenCL context, so that runs keep flowing; the others wait in a short queue.
 */
struct srv_training {
    srv_train_request req;
    srv_run_status status;
    unsigned refs;       /* the registry, the trainer, each stream */
    int listed, cancel;
    srv_log log;
    size_t optimizer;    /* the one training now (progress) */
    uint64_t epochs;     /* epochs it has done */
    srv_training *next;  /* registry, newest first */
    srv_training *qnext;
};

/* What a stream reads: an event log and the object that owns it (a run or a training). */
typedef struct {
    srv_log *log;
    void *owner;
    void (*ref)(void *owner);             /* lock held */
    void (*unref)(srv *s, void *owner);   /* lock held; the last reference frees the owner */
} srv_feed;

struct srv_stream {
    srv *s;
    srv_feed feed;
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
    /* trainings.c */
    srv_training *trainings, *tqueue, *tqueue_tail;
    size_t ntrainings;
    unsigned tqueued;
    pthread_cond_t twake; /* the trainer: a training was queued, or stop */
    pthread_t trainer;
    int trainer_started;
    clopt_context *train_ctx; /* the trainer's own, created with the data set */
    clopt_dataset *dataset;
    unsigned connections;
    struct MHD_Daemon *daemon;
    /* expressions.c: programs being built off the HTTP thread */
    unsigned compiling;
    pthread_cond_t compiled;
};

/* expressions.c */
#define SRV_MAX_COMPILES 2
/*
 * 0 when `function`'s kernels are built (or it is not a valid function). Otherwise builds
 * them on a thread of their own, with connection c suspended until then (1: answer nothing
 * now, the request comes again), or, at SRV_MAX_COMPILES builds, -1 with a 503 in *p.
 */
int srv_expression_ready(srv *s, struct MHD_Connection *c, const char *function, srv_problem *p);
/* Waits for every build in flight (before the context goes). */
void srv_expressions_wait(srv *s);

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

/* trainings.c: the trainings' registry, queue and thread. */
void *srv_trainer_main(void *arg);
srv_training *srv_training_find(srv *s, const char *id); /* locks; takes a reference */
void srv_training_unref(srv *s, srv_training *t);         /* lock held */
/* As srv_run_submit (503 when SRV_TRAIN_QUEUE trainings wait). */
srv_training *srv_training_submit(srv *s, srv_train_request *req, int *created, srv_problem *p);
srv_run_status srv_training_delete(srv *s, srv_training *t); /* locks */
void srv_trainings_free_all(srv *s);

/* stream.c: text/event-stream responses. */
/* A stream of feed's log from event `seen` on; it takes a reference to the owner. */
struct MHD_Response *srv_stream_response(srv *s, struct MHD_Connection *c, const srv_feed *feed,
                                         uint64_t seen);
/* Resumes the parked streams of one log (NULL: every stream). Caller holds the lock. */
void srv_streams_wake(srv *s, const srv_log *log);
/* GET .../events of a feed: Last-Event-ID or ?after= checked, 204 once nothing follows. */
enum MHD_Result srv_stream_reply(srv *s, struct MHD_Connection *c, const srv_feed *feed);
/* Resumes the parked streams that have been quiet for the heartbeat interval (lock held). */
void srv_streams_heartbeat(srv *s);

#endif
