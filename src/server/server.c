/* srv_start / srv_stop: the device, the worker thread and the daemon, in that order. */
#include "core.h"

#include "context.h"
#include "error.h"
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void srv_options_defaults(srv_options *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 8080;
    o->max_connections = 512;
    o->timeout_s = 30;
    o->header_limit = 32 * 1024;
    o->memory_budget = (size_t)1 << 30;
    o->queue = 32;
    o->heartbeat_s = 10;
    o->client_streams = 32;
    o->request_timeout_s = 10;
    o->disk_cache_mb = 256;
}

/* The kinds of job, in the order of s->jobs (core.h). */
static const srv_job_kind *const kinds[SRV_KINDS] = {&srv_run_kind, &srv_training_kind,
                                                     &srv_landscape_kind, &srv_exploration_kind,
                                                     &srv_tuning_kind};

srv *srv_open_offline(const srv_options *o, clopt_error *err)
{
    srv *s = calloc(1, sizeof *s);
    if (!s) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
        return NULL;
    }
    s->o = *o;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->device, NULL);
    pthread_mutex_init(&s->conns_lock, NULL);
    pthread_cond_init(&s->compiler.wake, NULL);
    for (size_t k = 0; k < SRV_KINDS; k++)
        if (srv_jobs_init(s, &s->jobs[k], kinds[k], k == SRV_RUNS ? o->queue : 0)) {
            clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
            srv_stop(s);
            return NULL;
        }
    return s;
}

srv *srv_start(const srv_options *o, clopt_error *err)
{
    srv *s = srv_open_offline(o, err);
    if (!s) return NULL;
    s->beat = clopt_now();
    srv_disk_cache_init(s); /* before the first OpenCL call: PoCL reads it once */
    if (!(s->ctx = clopt_context_create(o->device, err))) goto fail;
    /* The expressions' programs: a quarter of the budget at most (jobs.h). */
    clopt_programs_set_capacity(s->ctx->programs, o->memory_budget / 4 / SRV_PROGRAM_BYTES);
    cl_int rc = clGetDeviceInfo(clopt_context_device(s->ctx), CL_DEVICE_NAME,
                                sizeof s->device_name - 1, s->device_name, NULL);
    if (rc != CL_SUCCESS) {
        clopt_error_cl(err, rc, "clGetDeviceInfo", "reading the device's name");
        goto fail;
    }
    /* The training split's size, so that a training's limit is checked when it is posted
     * (0 when the data set is missing: the training's stream then says what to install). */
    if (clopt_dataset_count(o->data ? o->data : CLOPT_FASHION_MNIST_DIR, &s->train_examples,
                            NULL) != CLOPT_OK)
        s->train_examples = 0;
    for (size_t k = 0; k < SRV_KINDS; k++)
        if (srv_jobs_start(&s->jobs[k])) {
            clopt_error_set(err, CLOPT_ENOMEM, "cannot start the %s worker thread", kinds[k]->name);
            goto fail;
        }
    if (srv_compiler_start(s)) {
        clopt_error_set(err, CLOPT_ENOMEM, "cannot start the compile thread");
        goto fail;
    }
    if (srv_http_start(s, err)) goto fail;
    return s;
fail:
    srv_stop(s);
    return NULL;
}

const char *srv_url(const srv *s)
{
    return s->url;
}

void srv_stop(srv *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    srv_streams_wake(s, NULL);
    srv_jobs_resume_all(s);
    pthread_mutex_unlock(&s->lock);
    for (size_t k = 0; k < SRV_KINDS; k++)
        srv_jobs_join(&s->jobs[k]);
    srv_compiler_join(s);
    srv_http_stop(s);
    srv_compiler_free(s);
    for (size_t k = 0; k < SRV_KINDS; k++)
        srv_jobs_free(&s->jobs[k]);
    srv_trainings_free(s);
    clopt_context_release(s->ctx);
    pthread_mutex_destroy(&s->device);
    pthread_mutex_destroy(&s->conns_lock);
    pthread_cond_destroy(&s->compiler.wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
