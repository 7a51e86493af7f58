/* The training loop shared by `clopt train` and the server (see trainer.h). */
#include "trainer.h"

#include "error.h"
#include "mlp.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVAL_BATCH 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

clopt_status clopt_train_check(const clopt_train_options *o, const clopt_dataset *d,
                               clopt_error *err)
{
    const struct {
        const char *name;
        uint64_t value, lo, hi;
    } limits[] = {{"epochs", o->epochs, 1, CLOPT_TRAIN_MAX_EPOCHS},
                  {"batch", o->batch, 1, CLOPT_TRAIN_MAX_BATCH},
                  {"hidden", o->hidden, 1, CLOPT_TRAIN_MAX_HIDDEN},
                  {"limit", o->limit, 0, d ? d->train.count : UINT64_MAX}};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
        if (limits[i].value < limits[i].lo || limits[i].value > limits[i].hi)
            return clopt_error_set(
                err, CLOPT_EINVAL, "%s = %llu is out of range; expected %llu .. %llu",
                limits[i].name, (unsigned long long)limits[i].value,
                (unsigned long long)limits[i].lo, (unsigned long long)limits[i].hi);
    return CLOPT_OK;
}

size_t clopt_train_examples(const clopt_train_options *o, const clopt_dataset *d)
{
    return o->limit && o->limit < d->train.count ? (size_t)o->limit : d->train.count;
}

size_t clopt_train_batches(const clopt_train_options *o, const clopt_dataset *d)
{
    return (clopt_train_examples(o, d) + o->batch - 1) / o->batch;
}

/* The same shuffled order for every optimizer: Fisher-Yates from (seed, epoch). */
static void shuffle(uint32_t *order, size_t n, uint64_t seed, uint64_t epoch)
{
    uint64_t s = (seed + 1) * 0x9e3779b97f4a7c15ull ^ (epoch + 1) * 0xbf58476d1ce4e5b9ull;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        const size_t j = (size_t)(s % (i + 1));
        const uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Mean loss and accuracy over the test split. */
static clopt_status evaluate(clopt_mlp *m, const clopt_dataset *d, clopt_epoch_result *r,
                             clopt_error *err)
{
    double total = 0;
    size_t right = 0;
    for (size_t first = 0; first < d->test.count; first += EVAL_BATCH) {
        const size_t rows = d->test.count - first < EVAL_BATCH ? d->test.count - first : EVAL_BATCH;
        double l;
        size_t c;
        if (clopt_mlp_batch(m, d->test.images, d->test.labels, d->test_order, first, rows, 0, &l,
                            &c, err) != CLOPT_OK)
            return err ? err->status : CLOPT_ECL;
        total += l;
        right += c;
    }
    r->test_loss = total / (double)d->test.count;
    r->accuracy = (double)right / (double)d->test.count;
    return CLOPT_OK;
}

typedef struct {
    const clopt_dataset *d;
    const clopt_train_options *o;
    clopt_train_result *results;
    size_t n;
    const char *checkpoint, *resume;
    const clopt_train_hooks *hooks;
    const float *init;
    cl_program program; /* the model's kernels */
    uint32_t *order;
    cl_mem dorder;
} training;

static clopt_status stopped(clopt_error *err)
{
    return clopt_error_set(err, CLOPT_ESTATE, "the training was stopped");
}

/* One epoch of optimizer i: the batches, the optimizer steps, the evaluation. */
static clopt_status epoch(training *t, size_t i, clopt_mlp *m, clopt_optimizer *opt, uint64_t e,
                          clopt_error *err)
{
    const clopt_dataset *d = t->d;
    clopt_train_result *r = &t->results[i];
    const size_t n = clopt_train_examples(t->o, d), batch = (size_t)t->o->batch;
    cl_command_queue q = clopt_context_queue(d->ctx);
    shuffle(t->order, n, t->o->seed, e);
    CLOPT_CL_CHECK(err, "uploading the batch order",
                   clEnqueueWriteBuffer(q, t->dorder, CL_TRUE, 0, n * sizeof *t->order, t->order, 0,
                                        NULL, NULL));
    double sum = 0;
    for (size_t b = 0, first = 0; first < n; b++, first += batch) {
        const size_t rows = n - first < batch ? n - first : batch;
        double loss;
        size_t right;
        if (clopt_mlp_batch(m, d->train.images, d->train.labels, t->dorder, first, rows, 1, &loss,
                            &right, err) != CLOPT_OK)
            goto fail;
        const double s0 = now(); /* the batch ended with a read: the queue is empty */
        if (clopt_optimizer_step(opt, err) != CLOPT_OK) goto fail;
        CLOPT_CL_CHECK(err, "finishing the optimizer step", clFinish(q));
        r->step_seconds += now() - s0;
        sum += loss;
        if (t->hooks && t->hooks->batch &&
            t->hooks->batch(t->hooks->user, i, e, b, loss / (double)rows))
            return stopped(err);
    }
    r->epochs[e].train_loss = sum / (double)n;
    return evaluate(m, d, &r->epochs[e], err);
fail:
    return err ? err->status : CLOPT_ECL;
}

/* Saves optimizer i's model, then the training's progress (which names it) last. */
static clopt_status save(training *t, size_t i, clopt_mlp *m, clopt_optimizer *opt,
                         clopt_error *err)
{
    if (clopt_snapshot_save_model(t->checkpoint, i, m, opt, t->results[i].done, err) != CLOPT_OK ||
        clopt_snapshot_write(t->checkpoint, t->o, clopt_train_examples(t->o, t->d), t->results,
                             t->n, err) != CLOPT_OK)
        return err ? err->status : CLOPT_EIO;
    return CLOPT_OK;
}

static clopt_status train_one(training *t, size_t i, clopt_error *err)
{
    const clopt_dataset *d = t->d;
    clopt_train_result *r = &t->results[i];
    const size_t max_batch = t->o->batch > EVAL_BATCH ? (size_t)t->o->batch : EVAL_BATCH;
    clopt_mlp *m = clopt_mlp_create(d->ctx, t->program, d->pixels, (size_t)t->o->hidden,
                                    CLOPT_DATASET_CLASSES, max_batch, t->init, err);
    clopt_optimizer *opt = m ? clopt_optimizer_create(d->ctx, r->spec, err) : NULL;
    clopt_status st = err ? err->status : CLOPT_EINVAL;
    if (!opt || clopt_mlp_attach(m, opt, err) != CLOPT_OK) goto done;
    if (r->done &&
        (!t->resume || clopt_snapshot_load_model(t->resume, i, m, opt, r->done,
                                                 clopt_train_batches(t->o, d), err) != CLOPT_OK)) {
        if (!t->resume)
            clopt_error_set(err, CLOPT_EINVAL,
                            "optimizer %zu has done %llu epochs but there is "
                            "no checkpoint to resume from",
                            i, (unsigned long long)r->done);
        st = err ? err->status : CLOPT_EINVAL;
        goto done;
    }
    if (r->done && t->checkpoint && strcmp(t->checkpoint, t->resume) &&
        (save(t, i, m, opt, err) != CLOPT_OK)) { /* a new directory holds the whole state */
        st = err ? err->status : CLOPT_EIO;
        goto done;
    }
    if (t->hooks && t->hooks->start &&
        t->hooks->start(t->hooks->user, i, r, clopt_train_batches(t->o, d))) {
        st = stopped(err);
        goto done;
    }
    for (uint64_t e = r->done; e < t->o->epochs; e++) {
        const double t0 = now();
        if ((st = epoch(t, i, m, opt, e, err)) != CLOPT_OK) goto done;
        r->seconds += now() - t0;
        r->done = e + 1;
        if (t->checkpoint && (st = save(t, i, m, opt, err)) != CLOPT_OK) goto done;
        if (t->hooks && t->hooks->epoch && t->hooks->epoch(t->hooks->user, i, e, r)) {
            st = stopped(err);
            goto done;
        }
    }
    double per_batch;
    if ((st = clopt_mlp_time_products(m, (size_t)t->o->batch, 5, &per_batch, err)) != CLOPT_OK)
        goto done;
    r->products_seconds = per_batch * (double)(t->o->epochs * clopt_train_batches(t->o, d));
    st = CLOPT_OK;
done:
    clopt_optimizer_release(opt);
    clopt_mlp_release(m);
    return st;
}

clopt_status clopt_train_run(const clopt_dataset *d, const clopt_train_options *o,
                             clopt_train_result *results, size_t n, const char *checkpoint,
                             const char *resume, const clopt_train_hooks *hooks, clopt_error *err)
{
    if (clopt_train_check(o, d, err) != CLOPT_OK) return err ? err->status : CLOPT_EINVAL;
    if (n < 1 || n > CLOPT_TRAIN_MAX_OPTIMIZERS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu optimizers; expected 1 .. %d", n,
                               CLOPT_TRAIN_MAX_OPTIMIZERS);
    const size_t examples = clopt_train_examples(o, d);
    const size_t nparams = d->pixels * o->hidden + o->hidden + o->hidden * CLOPT_DATASET_CLASSES +
                           CLOPT_DATASET_CLASSES;
    training t = {d, o, results, n, checkpoint, resume, hooks, NULL, NULL, NULL, NULL};
    float *init = malloc(nparams * sizeof *init);
    t.order = malloc(examples * sizeof *t.order);
    clopt_status st = CLOPT_ENOMEM;
    cl_int rc;
    if (!init || !t.order) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu parameters", nparams);
        goto done;
    }
    clopt_mlp_glorot(init, d->pixels, (size_t)o->hidden, CLOPT_DATASET_CLASSES, o->seed);
    t.init = init;
    if (!(t.program = clopt_mlp_build(d->ctx, err))) {
        st = err ? err->status : CLOPT_ECL;
        goto done;
    }
    t.dorder = clCreateBuffer(clopt_context_cl(d->ctx), CL_MEM_READ_ONLY,
                              examples * sizeof *t.order, NULL, &rc);
    if (!t.dorder) {
        st = clopt_error_cl(err, rc, "clCreateBuffer", "allocating the batch order");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if ((st = train_one(&t, i, err)) != CLOPT_OK) goto done;
    st = CLOPT_OK;
done:
    if (t.dorder) clReleaseMemObject(t.dorder);
    if (t.program) clReleaseProgram(t.program);
    free(init);
    free(t.order);
    return st;
}
