/*
 * Trainings: the registry (newest first; only the last SRV_TRAIN_KEEP finished ones are
 * kept), the queue, and the trainer thread, which runs one training at a time with its own
 * OpenCL context and the data set loaded on first use. The training's hooks format each
 * event once and append it to the training's log, which streams read as they read a run's.
 *
 * Events: start {"optimizer":i,"label","config","batches","epochs","examples"};
 * batch {"optimizer":i,"epoch":e,"batch":b,"loss"} (e, b from 1; the batch's mean loss);
 * epoch {"optimizer":i,"epoch":e,"train_loss","test_loss","test_accuracy","seconds"};
 * done {"results":[{"optimizer","train_loss","test_loss","test_accuracy","seconds",
 * "examples_per_second","products_share","step_share"}]}; error {"error":"sentence"}.
 */
#include "core.h"

#include "error.h"
#include "frames.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int live(const srv_training *t)
{
    return t->status == RUN_QUEUED || t->status == RUN_RUNNING;
}

void srv_training_unref(srv *s, srv_training *t)
{
    (void)s;
    if (t && --t->refs == 0) {
        srv_train_request_free(&t->req);
        srv_log_free(&t->log);
        free(t);
    }
}

static void unlist(srv *s, srv_training *t)
{
    if (!t->listed) return;
    srv_training **p = &s->trainings;
    while (*p != t)
        p = &(*p)->next;
    *p = t->next;
    t->next = NULL;
    t->listed = 0;
    s->ntrainings--;
    srv_training_unref(s, t);
}

/* Keeps the newest SRV_TRAIN_KEEP finished trainings (lock held). */
static void evict(srv *s)
{
    unsigned finished = 0;
    srv_training *t = s->trainings;
    while (t) {
        srv_training *next = t->next;
        if (!live(t) && ++finished > SRV_TRAIN_KEEP) unlist(s, t);
        t = next;
    }
}

srv_training *srv_training_find(srv *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    srv_training *t = s->trainings;
    while (t && strcmp(t->req.id, id))
        t = t->next;
    if (t) t->refs++;
    pthread_mutex_unlock(&s->lock);
    return t;
}

srv_training *srv_training_submit(srv *s, srv_train_request *req, int *created, srv_problem *p)
{
    pthread_mutex_lock(&s->lock);
    srv_training *t = s->trainings;
    while (t && strcmp(t->req.id, req->id))
        t = t->next;
    if (t && strcmp(t->req.canonical, req->canonical)) {
        t = NULL;
        srv_problem_set(p, 500, "", "two different requests hash to training id %s", req->id);
        goto done;
    }
    if (t) {
        *created = 0;
        t->refs++;
        srv_train_request_free(req);
        goto done;
    }
    if (s->stopping || s->tqueued >= SRV_TRAIN_QUEUE) {
        srv_problem_set(p, 503, "",
                        "one training runs at a time and %u are waiting; retry when one ends",
                        s->tqueued);
        goto done;
    }
    if (!(t = calloc(1, sizeof *t))) {
        srv_problem_set(p, 503, "", "out of memory");
        goto done;
    }
    *created = 1;
    t->req = *req;
    memset(req, 0, sizeof *req);
    t->status = RUN_QUEUED;
    t->refs = 3; /* registry, trainer, caller */
    t->listed = 1;
    t->next = s->trainings;
    s->trainings = t;
    s->ntrainings++;
    if (s->tqueue_tail)
        s->tqueue_tail->qnext = t;
    else
        s->tqueue = t;
    s->tqueue_tail = t;
    s->tqueued++;
    pthread_cond_signal(&s->twake);
done:
    pthread_mutex_unlock(&s->lock);
    return t;
}

/* Appends an event (lock held); json is consumed. Out of memory ends the log. */
static void append(srv *s, srv_training *t, const char *name, char *json, int final)
{
    if (!json || !srv_log_append(&t->log, name, json, strlen(json), final)) {
        free(json);
        size_t len;
        json = srv_frame_error("the server ran out of memory", &len);
        if (!json || !srv_log_append(&t->log, "error", json, len, 1)) t->log.ended = 1;
        t->status = RUN_FAILED;
    }
    free(json);
    srv_streams_wake(s, &t->log);
}

static void append_error(srv *s, srv_training *t, const char *message)
{
    size_t len;
    append(s, t, "error", srv_frame_error(message, &len), 1);
}

srv_run_status srv_training_delete(srv *s, srv_training *t)
{
    pthread_mutex_lock(&s->lock);
    const srv_run_status was = t->status;
    if (was == RUN_QUEUED) {
        srv_training **q = &s->tqueue, *prev = NULL;
        while (*q != t) {
            prev = *q;
            q = &(*q)->qnext;
        }
        *q = t->qnext;
        if (s->tqueue_tail == t) s->tqueue_tail = prev;
        s->tqueued--;
        t->status = RUN_CANCELLED;
        append_error(s, t, "the training was cancelled");
        srv_training_unref(s, t); /* the trainer's reference */
    } else if (was == RUN_RUNNING) {
        t->cancel = 1; /* its next hook stops it */
        t->status = RUN_CANCELLED;
    }
    unlist(s, t);
    pthread_mutex_unlock(&s->lock);
    return was;
}

/* printf into a new string (NULL when out of memory). */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *out = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (out) {
        va_start(ap, fmt);
        vsnprintf(out, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return out;
}

typedef struct {
    srv *s;
    srv_training *t;
    const clopt_dataset *d;
} hook_ctx;

/* Appends the event and says whether the training must stop (cancelled, server stopping). */
static int emit(hook_ctx *h, const char *name, char *json)
{
    srv *s = h->s;
    pthread_mutex_lock(&s->lock);
    const int stop = h->t->cancel || s->stopping;
    if (!stop)
        append(s, h->t, name, json, 0);
    else
        free(json);
    const int failed = h->t->status == RUN_FAILED;
    pthread_mutex_unlock(&s->lock);
    return stop || failed;
}

static int on_start(void *user, size_t index, const clopt_train_result *r, size_t batches)
{
    hook_ctx *h = user;
    json_t *label = json_string(r->label);
    char *lab = label ? json_dumps(label, JSON_ENCODE_ANY) : NULL;
    json_decref(label);
    char *json = lab ? format("{\"optimizer\":%zu,\"label\":%s,\"config\":%s,\"batches\":%zu,"
                              "\"epochs\":%llu,\"examples\":%zu}",
                              index, lab, h->t->req.specs[index], batches,
                              (unsigned long long)h->t->req.o.epochs,
                              clopt_train_examples(&h->t->req.o, h->d))
                     : NULL;
    free(lab);
    pthread_mutex_lock(&h->s->lock);
    h->t->optimizer = index;
    h->t->epochs = 0;
    pthread_mutex_unlock(&h->s->lock);
    return emit(h, "start", json);
}

static int on_batch(void *user, size_t index, uint64_t epoch, size_t batch, double loss)
{
    hook_ctx *h = user;
    return emit(h, "batch",
                format("{\"optimizer\":%zu,\"epoch\":%llu,\"batch\":%zu,\"loss\":%.7g}", index,
                       (unsigned long long)epoch + 1, batch + 1, loss));
}

static int on_epoch(void *user, size_t index, uint64_t epoch, const clopt_train_result *r)
{
    hook_ctx *h = user;
    const clopt_epoch_result *e = &r->epochs[epoch];
    pthread_mutex_lock(&h->s->lock);
    h->t->epochs = epoch + 1;
    pthread_mutex_unlock(&h->s->lock);
    return emit(h, "epoch",
                format("{\"optimizer\":%zu,\"epoch\":%llu,\"train_loss\":%.7g,\"test_loss\":%.7g,"
                       "\"test_accuracy\":%.4f,\"seconds\":%.3f}",
                       index, (unsigned long long)epoch + 1, e->train_loss, e->test_loss,
                       e->accuracy, r->seconds));
}

static char *done_event(const srv_training *t, const clopt_dataset *d, const clopt_train_result *r)
{
    json_t *list = json_array();
    const double examples = (double)(t->req.o.epochs * clopt_train_examples(&t->req.o, d));
    for (size_t i = 0; i < t->req.nspecs && list; i++) {
        const clopt_epoch_result *last = &r[i].epochs[t->req.o.epochs - 1];
        json_array_append_new(
            list, json_pack("{s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "optimizer", r[i].label,
                            "train_loss", last->train_loss, "test_loss", last->test_loss,
                            "test_accuracy", last->accuracy, "seconds", r[i].seconds,
                            "examples_per_second", examples / r[i].seconds, "products_share",
                            r[i].products_seconds / r[i].seconds, "step_share",
                            r[i].step_seconds / r[i].seconds));
    }
    json_t *root = json_pack("{s:o}", "results", list);
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(7)) : NULL;
    json_decref(root);
    return text;
}

/* Loads the data set with the trainer's own context, once (lock not held). */
static int ensure_dataset(srv *s, clopt_error *err)
{
    if (s->dataset) return 0;
    if (!s->train_ctx && !(s->train_ctx = clopt_context_create(s->o.device, err))) return -1;
    const char *dir = s->o.data ? s->o.data : CLOPT_FASHION_MNIST_DIR;
    if (!(s->dataset = clopt_dataset_load(s->train_ctx, dir, err))) {
        char reason[sizeof err->text];
        snprintf(reason, sizeof reason, "%s", err->text);
        clopt_error_clear(err);
        clopt_error_set(err, CLOPT_EIO,
                        "%.300s (install Debian's dataset-fashion-mnist, or "
                        "start clopt serve with --data DIR)",
                        reason);
        return -1;
    }
    return 0;
}

/* Runs training t (its status already RUNNING) to its end, lock not held. */
static void train(srv *s, srv_training *t)
{
    clopt_error err = {0};
    clopt_train_result *results = calloc(t->req.nspecs, sizeof *results);
    char *done = NULL;
    clopt_status st = CLOPT_ENOMEM;
    if (!results)
        clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
    else if (ensure_dataset(s, &err) == 0) {
        st = CLOPT_OK;
        for (size_t i = 0; i < t->req.nspecs && st == CLOPT_OK; i++)
            st = clopt_train_result_init(&results[i], t->req.specs[i], &err);
        if (st == CLOPT_OK) st = clopt_train_check(&t->req.o, s->dataset, &err);
        hook_ctx h = {s, t, s->dataset};
        const clopt_train_hooks hooks = {&h, on_start, on_batch, on_epoch};
        if (st == CLOPT_OK)
            st = clopt_train_run(s->dataset, &t->req.o, results, t->req.nspecs, NULL, NULL, &hooks,
                                 &err);
        if (st == CLOPT_OK && !(done = done_event(t, s->dataset, results)))
            clopt_error_set(&err, st = CLOPT_ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&s->lock);
    if (t->cancel) {
        append_error(s, t, "the training was cancelled");
        free(done);
    } else if (s->stopping) {
        free(done);
    } else if (t->status == RUN_RUNNING && st == CLOPT_OK) {
        t->status = RUN_DONE;
        append(s, t, "done", done, 1);
    } else if (t->status == RUN_RUNNING) {
        t->status = RUN_FAILED;
        append_error(s, t, err.text);
        free(done);
    } else
        free(done);
    evict(s);
    pthread_mutex_unlock(&s->lock);
    free(results);
}

void *srv_trainer_main(void *arg)
{
    srv *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        if (!s->tqueue) {
            pthread_cond_wait(&s->twake, &s->lock);
            continue;
        }
        srv_training *t = s->tqueue;
        s->tqueue = t->qnext;
        if (!s->tqueue) s->tqueue_tail = NULL;
        s->tqueued--;
        t->status = RUN_RUNNING;
        pthread_mutex_unlock(&s->lock);
        train(s, t);
        pthread_mutex_lock(&s->lock);
        srv_training_unref(s, t); /* the trainer's reference */
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

void srv_trainings_free_all(srv *s)
{
    while (s->tqueue) {
        srv_training *t = s->tqueue;
        s->tqueue = t->qnext;
        srv_training_unref(s, t);
    }
    s->tqueue_tail = NULL;
    s->tqueued = 0;
    while (s->trainings)
        unlist(s, s->trainings);
    clopt_dataset_release(s->dataset);
    clopt_context_release(s->train_ctx);
    s->dataset = NULL;
    s->train_ctx = NULL;
}
