/*
 * The server's shared state. One mutex (`lock`) guards the jobs' registries and queues,
 * every event log, every stream and the budget; `device` serializes use of the server's
 * OpenCL queue (run slices and landscapes, each on its kind's worker).
 *
 * Lock order: `lock` is taken first. Under it the code calls MHD_suspend_connection and
 * MHD_resume_connection, which take MHD's internal mutex; so MHD's callbacks that run
 * under that mutex (the connection notifier) must not take `lock` (the connection count
 * is atomic). `device` is taken without `lock` held (the workers drop `lock` around their
 * turns) or under it only to release a job's engine; it is never held while taking `lock`.
 */
#ifndef CLOPT_SERVER_CORE_H
#define CLOPT_SERVER_CORE_H

#include "clock.h"
#include "eventlog.h"
#include "guard.h"
#include "jobs.h"
#include "server.h"
#include "train/dataset.h"

#include <microhttpd.h>
#include <pthread.h>

/* The kinds of job, each with its registry, queue and worker in s->jobs. */
enum { SRV_RUNS, SRV_TRAININGS, SRV_LANDSCAPES, SRV_EXPLORATIONS, SRV_TUNINGS, SRV_KINDS };

typedef struct srv_stream srv_stream;

/* What a stream reads: an event log and the object that owns it (a job). */
typedef struct {
    srv_log *log;
    void *owner;
    void (*ref)(void *owner);           /* lock held */
    void (*unref)(srv *s, void *owner); /* lock held; the last reference frees the owner */
} srv_feed;

struct srv_stream {
    srv *s;
    srv_feed feed;
    struct MHD_Connection *conn;
    uint64_t seen; /* events the client had when it connected */
    size_t offset; /* next byte of the log; valid once `placed` */
    int placed, parked, heartbeat;
    double last_write;  /* the last bytes handed to MHD */
    int fd;             /* its socket */
    uint64_t acked;     /* bytes the client's kernel had acknowledged at the last look */
    double progress_at; /* when the client last took bytes (or had nothing to take) */
    int stalled;        /* it has not read for --timeout: its next read ends it */
    char client[48];    /* its address, for the per-client limit */
    srv_stream *prev, *next;
};

struct srv {
    srv_options o;
    char url[96];
    clopt_context *ctx;
    char device_name[128];
    pthread_mutex_t device;
    pthread_mutex_t lock;
    int stopping;
    srv_jobs jobs[SRV_KINDS]; /* runs, trainings, landscapes, explorations, tunings */
    size_t bytes;             /* everything charged to the budget (jobs.h) */
    size_t programs_charged;  /* of them, the expressions' programs (SRV_PROGRAM_BYTES each) */
    char disk_cache[512];     /* the server's own PoCL cache directory ("": the user's) */
    uint64_t clock;           /* the jobs' LRU clock */
    double beat;              /* the last heartbeat pass */
    srv_stream *streams;
    size_t nstreams;
    struct {
        srv_job *head, *tail; /* waiting to compile, in order of arrival (qnext) */
        pthread_cond_t wake;
        pthread_t thread;
        int started;
        uint64_t clock;
        struct {
            char client[48];
            uint64_t served; /* the compile clock when its last compile began */
        } recent[32];
    } compiler;
    /* The trainings' own OpenCL context and data set, loaded on the first training. */
    clopt_context *train_ctx;
    clopt_dataset *dataset;
    size_t train_examples;      /* in the data set's training split; 0: not known (missing) */
    unsigned connections;       /* atomic: MHD's connection callback does not take the lock */
    pthread_mutex_t conns_lock; /* the guard's table (guard.h): taken after `lock` */
    srv_conn *conns;
    struct MHD_Daemon *daemon;
};

/* The kinds (runs.c, trainings.c, landscape.c, explorations.c, tunings.c). */
extern const srv_job_kind srv_run_kind, srv_training_kind, srv_landscape_kind, srv_exploration_kind,
    srv_tuning_kind;
/* Releases the trainings' context and data set (their worker has stopped). */
void srv_trainings_free(srv *s);

/* disk_cache.c: the server's own PoCL kernel cache, kept under --disk-cache MiB. */
/* Before the first OpenCL call: POCL_CACHE_DIR is the server's own (unless already set). */
void srv_disk_cache_init(srv *s);
/* Removes the least recently used programs beyond the size (lock not held). */
void srv_disk_cache_trim(srv *s);

/* stream.c: text/event-stream responses. */
/* Resumes the parked streams of one log (NULL: every stream). Caller holds the lock. */
void srv_streams_wake(srv *s, const srv_log *log);
/* GET .../events of a feed: Last-Event-ID or ?after= checked, 204 once nothing follows,
 * 503 / 429 over the stream limits. */
enum MHD_Result srv_stream_reply(srv *s, struct MHD_Connection *c, const srv_feed *feed);
/*
 * Once a second (lock held): a heartbeat for streams quiet for the heartbeat interval, and
 * streams whose client has read nothing for --timeout are closed.
 */
void srv_streams_heartbeat(srv *s);

#endif
