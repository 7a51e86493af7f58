/* srv_start / srv_stop: the device, the worker thread and the daemon, in that order. */
#include "core.h"

#include "error.h"
#include "http.h"
#include "routes.h"

#include <stdlib.h>
#include <string.h>

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
}

srv *srv_start(const srv_options *o, clopt_error *err)
{
    srv *s = calloc(1, sizeof *s);
    if (!s) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
        return NULL;
    }
    s->o = *o;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->device, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_cond_init(&s->twake, NULL);
    pthread_cond_init(&s->compiled, NULL);
    if (!(s->ctx = clopt_context_create(o->device, err)))
        goto fail;
    cl_int rc = clGetDeviceInfo(clopt_context_device(s->ctx), CL_DEVICE_NAME,
                                sizeof s->device_name - 1, s->device_name, NULL);
    if (rc != CL_SUCCESS) {
        clopt_error_cl(err, rc, "clGetDeviceInfo", "reading the device's name");
        goto fail;
    }
    if (srv_api_prepare(s)) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
        goto fail;
    }
    if (pthread_create(&s->worker, NULL, srv_worker_main, s)) {
        clopt_error_set(err, CLOPT_ENOMEM, "cannot start the worker thread");
        goto fail;
    }
    s->worker_started = 1;
    if (pthread_create(&s->trainer, NULL, srv_trainer_main, s)) {
        clopt_error_set(err, CLOPT_ENOMEM, "cannot start the trainer thread");
        goto fail;
    }
    s->trainer_started = 1;
    if (srv_http_start(s, err))
        goto fail;
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
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    srv_streams_wake(s, NULL);
    pthread_cond_broadcast(&s->wake);
    pthread_cond_broadcast(&s->twake);
    pthread_mutex_unlock(&s->lock);
    if (s->worker_started)
        pthread_join(s->worker, NULL);
    if (s->trainer_started)
        pthread_join(s->trainer, NULL);
    srv_expressions_wait(s); /* builds resume their connections */
    srv_http_stop(s);
    srv_runs_free_all(s);
    srv_trainings_free_all(s);
    clopt_context_release(s->ctx);
    free(s->functions);
    free(s->optimizers);
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->twake);
    pthread_cond_destroy(&s->compiled);
    pthread_mutex_destroy(&s->device);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
