/*
 * The training kind of job (POST /api/v1/trainings): its worker runs one training at a time
 * (one turn is the whole training) with its own OpenCL context and the data set loaded on
 * first use, so runs keep flowing meanwhile; TRAIN_QUEUE more wait and the last TRAIN_KEEP
 * finished ones are kept. The trainer's hooks format each event once and emit it.
 *
 * Events: start {"optimizer":i,"label","config","batches","epochs","examples"};
 * batch {"optimizer":i,"epoch":e,"batch":b,"batches":n,"loss"} (e, b from 1): the mean loss
 * of the n batches up to b. n is 1 unless an epoch has more than TRAIN_BATCH_EVENTS
 * batches; then they are averaged in groups, so that a log holds at most about
 * optimizers x epochs x TRAIN_BATCH_EVENTS events whatever the batch size;
 * epoch {"optimizer":i,"epoch":e,"train_loss","test_loss","test_accuracy","seconds"};
 * done {"results":[{"optimizer","train_loss","test_loss","test_accuracy","seconds",
 * "examples_per_second","products_share","step_share"}]}; error {"error":"sentence"}.
 */
#include "core.h"

#include "error.h"
#include "frames.h"
#include "training_request.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAIN_QUEUE 4
#define TRAIN_KEEP 4
#define TRAIN_BATCH_EVENTS 512 /* batch events per optimizer and epoch, at most */
#define START_EVENT_MAX (2 * CLOPT_TRAIN_MAX_SPEC + 1024) /* its config, label and numbers */
#define BATCH_EVENT_MAX 160
#define EPOCH_EVENT_MAX 240
#define RESULT_MAX 700 /* one optimizer's entry in the done event */

/* Fashion-MNIST's 28 x 28 images; its training split when the data set cannot be read. */
#define TRAIN_PIXELS 784u
#define TRAIN_EXAMPLES 60000u

/*
 * The log's worst case, and the models, their optimizers and buffers (clopt_train_plan_bytes
 * each: the optimizers of a training train side by side, every model held at once).
 */
static size_t estimate(const srv *s, const void *req)
{
    const srv_train_request *r = req;
    const size_t split = s->train_examples ? s->train_examples : TRAIN_EXAMPLES;
    const size_t examples = r->o.limit && r->o.limit < split ? (size_t)r->o.limit : split;
    const size_t model = clopt_train_plan_bytes(&r->o, TRAIN_PIXELS, examples);
    const size_t per_optimizer =
        START_EVENT_MAX + r->o.epochs * (TRAIN_BATCH_EVENTS * BATCH_EVENT_MAX + EPOCH_EVENT_MAX) +
        RESULT_MAX;
    const size_t events = r->nspecs * (2 + r->o.epochs * (TRAIN_BATCH_EVENTS + 1)) + 2;
    return r->nspecs * (per_optimizer + model) + 1024 + 2 * events * sizeof(size_t);
}

static void free_request(void *req)
{
    srv_train_request_free(req);
    free(req);
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
    srv_job *j;
    const srv_train_request *r;
    const clopt_dataset *d;
    size_t group;    /* batches averaged per batch event */
    size_t batches;  /* per epoch */
    double sum;      /* losses of the group so far */
    size_t in_group; /* how many */
} hook_ctx;

static int on_start(void *user, size_t index, const clopt_train_result *r, size_t batches)
{
    hook_ctx *h = user;
    json_t *label = json_string(r->label);
    char *lab = label ? json_dumps(label, JSON_ENCODE_ANY) : NULL;
    json_decref(label);
    char *json =
        lab ? format("{\"optimizer\":%zu,\"label\":%s,\"config\":%s,\"batches\":%zu,"
                     "\"epochs\":%llu,\"examples\":%zu}",
                     index, lab, h->r->specs[index], batches, (unsigned long long)h->r->o.epochs,
                     clopt_train_examples(&h->r->o, h->d))
            : NULL;
    free(lab);
    h->batches = batches;
    h->group = (batches + TRAIN_BATCH_EVENTS - 1) / TRAIN_BATCH_EVENTS;
    h->sum = 0;
    h->in_group = 0;
    srv_job_progress(h->s, h->j, 0, index);
    srv_job_progress(h->s, h->j, 1, 0);
    return srv_job_emit(h->s, h->j, "start", json, 0);
}

static int on_batch(void *user, size_t index, uint64_t epoch, size_t batch, double loss)
{
    hook_ctx *h = user;
    h->sum += loss;
    if (++h->in_group < h->group && batch + 1 < h->batches) return 0;
    char buf[32];
    const size_t n = h->in_group;
    const char *mean = srv_format_g7(buf, h->sum / (double)n);
    h->sum = 0;
    h->in_group = 0;
    return srv_job_emit(
        h->s, h->j, "batch",
        format("{\"optimizer\":%zu,\"epoch\":%llu,\"batch\":%zu,\"batches\":%zu,\"loss\":%s}",
               index, (unsigned long long)epoch + 1, batch + 1, n, mean),
        0);
}

static int on_epoch(void *user, size_t index, uint64_t epoch, const clopt_train_result *r)
{
    hook_ctx *h = user;
    const clopt_epoch_result *e = &r->epochs[epoch];
    char train[32], test[32];
    srv_job_progress(h->s, h->j, 1, epoch + 1);
    return srv_job_emit(
        h->s, h->j, "epoch",
        format("{\"optimizer\":%zu,\"epoch\":%llu,\"train_loss\":%s,\"test_loss\":%s,"
               "\"test_accuracy\":%.4f,\"seconds\":%.3f}",
               index, (unsigned long long)epoch + 1, srv_format_g7(train, e->train_loss),
               srv_format_g7(test, e->test_loss), e->accuracy, r->seconds),
        0);
}

static char *done_event(const srv_train_request *t, const clopt_dataset *d,
                        const clopt_train_result *r)
{
    json_t *list = json_array();
    const double examples = (double)(t->o.epochs * clopt_train_examples(&t->o, d));
    for (size_t i = 0; i < t->nspecs && list; i++) {
        const clopt_epoch_result *last = &r[i].epochs[t->o.epochs - 1];
        /* the losses of a run that diverged are not finite: null, not a dropped entry */
        json_array_append_new(
            list, json_pack("{s:s,s:o,s:o,s:f,s:f,s:f,s:f,s:f}", "optimizer", r[i].label,
                            "train_loss", srv_json_real(last->train_loss), "test_loss",
                            srv_json_real(last->test_loss), "test_accuracy", last->accuracy,
                            "seconds", r[i].seconds, "examples_per_second", examples / r[i].seconds,
                            "products_share", r[i].products_seconds / r[i].seconds, "step_share",
                            r[i].step_seconds / r[i].seconds));
    }
    json_t *root = json_pack("{s:o}", "results", list);
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(7)) : NULL;
    json_decref(root);
    return text;
}

/* Loads the data set with the trainings' own context, once (lock not held). */
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

/* The whole training, in one turn. */
static int turn(srv *s, srv_job *j, char *error, size_t esize)
{
    const srv_train_request *r = j->req;
    clopt_error err = {0};
    clopt_train_result *results = calloc(r->nspecs, sizeof *results);
    char *done = NULL;
    clopt_status st = CLOPT_ENOMEM;
    if (!results)
        clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
    else if (ensure_dataset(s, &err) == 0) {
        st = CLOPT_OK;
        for (size_t i = 0; i < r->nspecs && st == CLOPT_OK; i++)
            st = clopt_train_result_init(&results[i], r->specs[i], &err);
        if (st == CLOPT_OK) st = clopt_train_check(&r->o, s->dataset, &err);
        hook_ctx h = {s, j, r, s->dataset, 1, 1, 0, 0};
        const clopt_train_hooks hooks = {&h, on_start, on_batch, on_epoch};
        if (st == CLOPT_OK)
            st = clopt_train_run(s->dataset, &r->o, results, r->nspecs, NULL, NULL, &hooks, NULL,
                                 &err);
        if (st == CLOPT_OK && !(done = done_event(r, s->dataset, results)))
            clopt_error_set(&err, st = CLOPT_ENOMEM, "out of memory");
    }
    free(results);
    if (st != CLOPT_OK) {
        snprintf(error, esize, "%s", err.text);
        return -1;
    }
    srv_job_emit(s, j, "done", done, 1);
    return 1;
}

static void *parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    srv_train_request *r = malloc(sizeof *r);
    if (!r) {
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    if (srv_train_request_parse(body, len, r, p)) {
        free(r);
        return NULL;
    }
    if (s->train_examples && r->o.limit > s->train_examples) {
        srv_problem_set(p, 400, "limit",
                        "limit = %llu, but the data set has %zu training examples; expected "
                        "0 (all) .. %zu",
                        (unsigned long long)r->o.limit, s->train_examples, s->train_examples);
        free_request(r);
        return NULL;
    }
    *canonical = r->canonical;
    r->canonical = NULL;
    return r;
}

static void created(const srv_job *j, json_t *out)
{
    const srv_train_request *r = j->req;
    json_t *optimizers = json_array();
    for (size_t i = 0; optimizers && i < r->nspecs; i++)
        json_array_append_new(optimizers, json_loads(r->specs[i], 0, NULL));
    json_object_set_new(out, "optimizers", optimizers);
    json_object_set_new(out, "request", json_loads(j->canonical, 0, NULL));
}

static void describe(const srv_job *j, json_t *out)
{
    json_object_set_new(out, "optimizer", json_integer((json_int_t)j->progress[0]));
    json_object_set_new(out, "epochs_done", json_integer((json_int_t)j->progress[1]));
}

const srv_job_kind srv_training_kind = {
    .name = "training",
    .collection = "trainings",
    .busy = "one training runs at a time and %u are waiting; retry when one ends",
    .active = 1,
    .queue = TRAIN_QUEUE,
    .keep = TRAIN_KEEP,
    .turn = turn,
    .release = NULL,
    .free_request = free_request,
    .parse = parse,
    .created = created,
    .describe = describe,
    .estimate = estimate,
    .result_bytes = NULL,
    .subroute = NULL,
};

/* The trainings' context and data set (the worker has stopped). */
void srv_trainings_free(srv *s)
{
    clopt_dataset_release(s->dataset);
    clopt_context_release(s->train_ctx);
    s->dataset = NULL;
    s->train_ctx = NULL;
}
