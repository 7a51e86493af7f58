/* The training loop shared by `clopt train` and the server (see trainer.h). */
#include "trainer.h"

#include "../cl/optimizers.h"
#include "clock.h"
#include "companion.h"
#include "error.h"
#include "mlp.h"
#include "optimizer.h"
#include "snapshot.h"
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define EVAL_BATCH 1000

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

size_t clopt_train_plan_bytes(const clopt_train_options *o, size_t pixels, size_t examples)
{
    const size_t f = sizeof(float), hidden = (size_t)o->hidden, classes = CLOPT_DATASET_CLASSES;
    const size_t rows = o->batch > EVAL_BATCH ? (size_t)o->batch : EVAL_BATCH;
    const size_t nparams = pixels * hidden + hidden + hidden * classes + classes;
    const size_t model = (2 + CLOPT_MAX_STATE) * nparams * f;
    /* x, h, dh, z, dz, loss, labels, correct on the device; loss and correct on the host */
    const size_t batch = rows * (pixels + 2 * hidden + 2 * classes + 3) * f + 2 * rows * f;
    /* CLBlast pads and copies A, B and C of a product: the largest is x W1 or x^T dh */
    const size_t gemm = 2 * (rows * pixels + pixels * hidden + rows * hidden) * f;
    const size_t fixed = nparams * f + 2 * examples * sizeof(uint32_t);
    return fixed + model + batch + gemm;
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

/*
 * Mean loss and accuracy over the test split; with ranks, each rank evaluates its share and
 * the sums are reduced.
 */
static clopt_status evaluate(clopt_mlp *m, const clopt_dataset *d, const clopt_ranks *ranks,
                             clopt_epoch_result *r, clopt_error *err)
{
    size_t lo, count;
    clopt_ranks_share(ranks, d->test.count, &lo, &count);
    double sums[3] = {0, 0, 0}; /* loss, right, failed */
    clopt_status st = CLOPT_OK;
    for (size_t first = lo; first < lo + count && st == CLOPT_OK; first += EVAL_BATCH) {
        const size_t rows = lo + count - first < EVAL_BATCH ? lo + count - first : EVAL_BATCH;
        double l;
        size_t c;
        st = clopt_mlp_batch(m, d->test.images, d->test.labels, d->test_order, first, rows, 0, &l,
                             &c, err);
        sums[0] += l;
        sums[1] += (double)c;
    }
    if (ranks) {
        sums[2] = st != CLOPT_OK;
        ranks->sum_doubles(ranks, sums, 3);
        if (sums[2] > 0) return clopt_ranks_agree(ranks, st, err);
    }
    if (st != CLOPT_OK) return st;
    r->test_loss = sums[0] / (double)d->test.count;
    r->accuracy = sums[1] / (double)d->test.count;
    return CLOPT_OK;
}

typedef struct {
    const clopt_dataset *d;
    const clopt_train_options *o;
    clopt_train_result *results;
    size_t n;
    const char *checkpoint, *resume;
    const clopt_train_hooks *hooks;
    const clopt_ranks *ranks; /* NULL: one process */
    const float *init;
    cl_program program; /* the model's kernels */
    uint32_t *order;
    cl_mem dorder;
    float *grads; /* with ranks: the gradients in host memory, for the allreduce */
} training;

/* Optimizer i's model and optimizer, side by side with the others' (train_all). */
typedef struct {
    clopt_mlp *m;
    clopt_optimizer *opt;
    clopt_optimizer *rest; /* Muon's AdamW (biases, output layer); else NULL */
} model;

static clopt_status stopped(clopt_error *err)
{
    return clopt_error_set(err, CLOPT_ESTATE, "the training was stopped");
}

/* OpenCL's result as a status: CLOPT_OK, or the error recorded in err. */
static clopt_status cl_status(cl_int rc, const char *call, const char *what, clopt_error *err)
{
    return rc == CL_SUCCESS ? CLOPT_OK : clopt_error_cl(err, rc, call, what);
}

/*
 * One data-parallel step: this rank's share of the batch's `rows` examples forward and
 * backward (the gradient of the sum over the share, divided by rows), the loss reduced,
 * the gradients read, summed over the ranks and written back, then the same step on every
 * rank. A local failure is shared with the loss: every rank then stops with its message.
 */
static clopt_status step_ranks(training *t, clopt_train_result *r, const model *md, size_t first,
                               size_t rows, double *loss, clopt_error *err)
{
    clopt_mlp *m = md->m;
    const clopt_ranks *ranks = t->ranks;
    const clopt_dataset *d = t->d;
    cl_command_queue q = clopt_context_queue(d->ctx);
    const size_t bytes = m->nparams * sizeof *t->grads;
    size_t lo, count, right;
    clopt_ranks_share(ranks, rows, &lo, &count);
    double t0 = clopt_now(), stats[2] = {0, 0}; /* loss, failed */
    clopt_status st = clopt_mlp_batch(m, d->train.images, d->train.labels, t->dorder, first + lo,
                                      count, rows, &stats[0], &right, err);
    double t1 = clopt_now();
    r->compute_seconds += t1 - t0;
    stats[1] = st != CLOPT_OK;
    ranks->sum_doubles(ranks, stats, 2);
    if (stats[1] > 0) return clopt_ranks_agree(ranks, st, err);
    double t2 = clopt_now();
    st = cl_status(clEnqueueReadBuffer(q, m->grads, CL_TRUE, 0, bytes, t->grads, 0, NULL, NULL),
                   "clEnqueueReadBuffer", "reading the gradients for the allreduce", err);
    double t3 = clopt_now();
    if (st == CLOPT_OK) ranks->sum_floats(ranks, t->grads, m->nparams);
    double t4 = clopt_now();
    if (st == CLOPT_OK)
        st =
            cl_status(clEnqueueWriteBuffer(q, m->grads, CL_TRUE, 0, bytes, t->grads, 0, NULL, NULL),
                      "clEnqueueWriteBuffer", "writing the summed gradients", err);
    double t5 = clopt_now();
    if (st == CLOPT_OK) st = clopt_optimizer_step(md->opt, err);
    if (st == CLOPT_OK && md->rest) st = clopt_optimizer_step(md->rest, err);
    if (st == CLOPT_OK)
        st = cl_status(clFinish(q), "clFinish", "finishing the optimizer step", err);
    double t6 = clopt_now();
    r->wait_seconds += t2 - t1; /* the first collective of the step waits for the slowest */
    r->allreduce_seconds += t4 - t3;
    r->copy_seconds += (t3 - t2) + (t5 - t4);
    r->step_seconds += t6 - t5;
    *loss = stats[0];
    /* A failure here leaves this rank's parameters behind the others': stop everywhere. */
    return clopt_ranks_agree(ranks, st, err);
}

/*
 * Schedule-free optimizers are evaluated at their average x, not at y where the gradients
 * are taken: y waits in the gradient buffer (free between batches) while x stands in the
 * parameters; `back` puts y back.
 */
static clopt_status swap_average(clopt_mlp *m, clopt_optimizer *opt, int back, clopt_error *err)
{
    cl_command_queue q = clopt_context_queue(m->ctx);
    const size_t bytes = m->nparams * sizeof(cl_float);
    if (back)
        CLOPT_CL_CHECK(err, "putting the parameters back after evaluating at the average",
                       clEnqueueCopyBuffer(q, m->grads, m->params, 0, 0, bytes, 0, NULL, NULL));
    else {
        CLOPT_CL_CHECK(err, "keeping the parameters while evaluating at the average",
                       clEnqueueCopyBuffer(q, m->params, m->grads, 0, 0, bytes, 0, NULL, NULL));
        for (size_t i = 0; i < 4; i++)
            if (clopt_optimizer_average(opt, i, m->params, m->off[i], err) != CLOPT_OK)
                return err ? err->status : CLOPT_ECL;
    }
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

/* One epoch of optimizer i: the batches, the optimizer steps, the evaluation. */
static clopt_status epoch(training *t, size_t i, const model *md, uint64_t e, clopt_error *err)
{
    clopt_mlp *m = md->m;
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
        if (t->ranks) {
            clopt_status st = step_ranks(t, r, md, first, rows, &loss, err);
            if (st != CLOPT_OK) return st;
        } else {
            if (clopt_mlp_batch(m, d->train.images, d->train.labels, t->dorder, first, rows, rows,
                                &loss, &right, err) != CLOPT_OK)
                goto fail;
            const double s0 = clopt_now(); /* the batch ended with a read: the queue is empty */
            if (clopt_optimizer_step(md->opt, err) != CLOPT_OK) goto fail;
            if (md->rest && clopt_optimizer_step(md->rest, err) != CLOPT_OK) goto fail;
            CLOPT_CL_CHECK(err, "finishing the optimizer step", clFinish(q));
            r->step_seconds += clopt_now() - s0;
        }
        sum += loss;
        if (t->hooks && t->hooks->batch &&
            t->hooks->batch(t->hooks->user, i, e, b, loss / (double)rows))
            return clopt_ranks_agree(t->ranks, stopped(err), err);
    }
    r->epochs[e].train_loss = sum / (double)n;
    const int average = md->opt->cfg.info->schedule_free;
    if (average && swap_average(m, md->opt, 0, err) != CLOPT_OK) goto fail;
    const clopt_status st = evaluate(m, d, t->ranks, &r->epochs[e], err);
    if (average && swap_average(m, md->opt, 1, err) != CLOPT_OK) goto fail;
    return st;
fail:
    return err ? err->status : CLOPT_ECL;
}

/* Saves optimizer i's model, then the training's progress (which names it) last. */
static clopt_status save(training *t, size_t i, const model *md, clopt_error *err)
{
    if (clopt_snapshot_save_model(t->checkpoint, i, md->m, md->opt, md->rest, t->results[i].done,
                                  err) != CLOPT_OK ||
        clopt_snapshot_write(t->checkpoint, t->o, clopt_train_examples(t->o, t->d), t->results,
                             t->n, err) != CLOPT_OK)
        return err ? err->status : CLOPT_EIO;
    return CLOPT_OK;
}

/*
 * With ranks: the CRC-32 of this rank's parameters, compared across the ranks (lowest and
 * highest reduced); ranks that disagree are an error on every rank, since data parallelism
 * rests on every rank holding the same parameters.
 */
static clopt_status same_params(training *t, clopt_mlp *m, const char *when, uint32_t *crc,
                                clopt_error *err)
{
    const clopt_ranks *ranks = t->ranks;
    const size_t bytes = m->nparams * sizeof *t->grads;
    clopt_status st =
        cl_status(clEnqueueReadBuffer(clopt_context_queue(t->d->ctx), m->params, CL_TRUE, 0, bytes,
                                      t->grads, 0, NULL, NULL),
                  "clEnqueueReadBuffer", "reading the parameters for their checksum", err);
    if ((st = clopt_ranks_agree(ranks, st, err)) != CLOPT_OK) return st;
    const uint32_t mine = (uint32_t)crc32(0L, (const Bytef *)t->grads, (uInt)bytes);
    uint64_t v[2] = {mine, UINT32_MAX - mine}; /* lowest, and highest by complement */
    ranks->min_u64(ranks, v, 2);
    *crc = mine;
    if (v[0] == UINT32_MAX - v[1]) return CLOPT_OK;
    return clopt_error_set(err, CLOPT_ESTATE,
                           "the ranks' parameters differ %s (CRC-32 from %08llx to %08llx; this "
                           "rank %08x): the ranks did not all take the same steps",
                           when, (unsigned long long)v[0], (unsigned long long)(UINT32_MAX - v[1]),
                           mine);
}

/* Optimizer i's model and optimizer: new, or read back from the checkpoint it resumes. */
static clopt_status prepare(training *t, size_t i, model *md, clopt_error *err)
{
    const clopt_dataset *d = t->d;
    clopt_train_result *r = &t->results[i];
    const size_t max_batch = t->o->batch > EVAL_BATCH ? (size_t)t->o->batch : EVAL_BATCH;
    clopt_mlp *m = md->m = clopt_mlp_create(d->ctx, t->program, d->pixels, (size_t)t->o->hidden,
                                            CLOPT_DATASET_CLASSES, max_batch, t->init, err);
    /* steps="all" in a schedule: every optimizer step of the training (batches x epochs) */
    clopt_config cfg, rest;
    int has_rest = 0;
    const uint64_t steps = t->o->epochs * clopt_train_batches(t->o, d);
    char *config = NULL, *config2 = NULL;
    if (m && clopt_train_split_spec(r->spec, &cfg, &rest, &has_rest, err) == CLOPT_OK &&
        clopt_schedule_resolve(&cfg.sched, steps, cfg.info->name, err) == CLOPT_OK &&
        (!has_rest ||
         clopt_schedule_resolve(&rest.sched, steps, rest.info->name, err) == CLOPT_OK) &&
        (!(config = clopt_config_json(&cfg)) ||
         (has_rest && !(config2 = clopt_config_json(&rest)))))
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
    clopt_optimizer *opt = md->opt =
        config && (!has_rest || config2) ? clopt_optimizer_create(d->ctx, config, err) : NULL;
    if (opt && has_rest && !(md->rest = clopt_optimizer_create(d->ctx, config2, err))) opt = NULL;
    free(config);
    free(config2);
    if (!opt || clopt_mlp_attach(m, opt, md->rest, err) != CLOPT_OK)
        return err ? err->status : CLOPT_EINVAL;
    if (r->done &&
        (!t->resume || clopt_snapshot_load_model(t->resume, i, m, opt, md->rest, r->done,
                                                 clopt_train_batches(t->o, d), err) != CLOPT_OK)) {
        if (!t->resume)
            clopt_error_set(err, CLOPT_EINVAL,
                            "optimizer %zu has done %llu epochs but there is "
                            "no checkpoint to resume from",
                            i, (unsigned long long)r->done);
        return err ? err->status : CLOPT_EINVAL;
    }
    if (r->done && t->checkpoint && strcmp(t->checkpoint, t->resume))
        return save(t, i, md, err); /* a new directory holds the whole state */
    return CLOPT_OK;
}

/*
 * Optimizer i made (or read back) and announced (the start hook). With ranks, every step that
 * can fail on one rank is followed by an agreement, so that all stop together with its message.
 */
static clopt_status start_one(training *t, size_t i, model *md, clopt_error *err)
{
    uint32_t crc;
    clopt_status st = clopt_ranks_agree(t->ranks, prepare(t, i, md, err), err);
    if (st != CLOPT_OK) return st;
    if (t->ranks && (st = same_params(t, md->m, "at the start", &crc, err)) != CLOPT_OK) return st;
    if (t->hooks && t->hooks->start &&
        t->hooks->start(t->hooks->user, i, &t->results[i], clopt_train_batches(t->o, t->d)))
        st = stopped(err);
    return clopt_ranks_agree(t->ranks, st, err);
}

/* Epoch e of optimizer i, then its check across the ranks, its checkpoint and its hook. */
static clopt_status epoch_one(training *t, size_t i, model *md, uint64_t e, clopt_error *err)
{
    clopt_train_result *r = &t->results[i];
    const double t0 = clopt_now();
    clopt_status st = epoch(t, i, md, e, err);
    if (st != CLOPT_OK) return st;
    r->seconds += clopt_now() - t0;
    if (t->ranks) {
        char when[64];
        snprintf(when, sizeof when, "after epoch %llu", (unsigned long long)e + 1);
        if ((st = same_params(t, md->m, when, &r->epochs[e].crc32, err)) != CLOPT_OK) return st;
    }
    r->done = e + 1;
    if (t->checkpoint) st = save(t, i, md, err);
    if (st == CLOPT_OK && t->hooks && t->hooks->epoch && t->hooks->epoch(t->hooks->user, i, e, r))
        st = stopped(err);
    return clopt_ranks_agree(t->ranks, st, err);
}

/* Optimizer i's share of the time in the matrix products, measured once it has trained. */
static clopt_status finish_one(training *t, size_t i, model *md, clopt_error *err)
{
    double per_batch;
    clopt_status st = clopt_mlp_time_products(md->m, (size_t)t->o->batch, 5, &per_batch, err);
    if ((st = clopt_ranks_agree(t->ranks, st, err)) != CLOPT_OK) return st;
    t->results[i].products_seconds =
        per_batch * (double)(t->o->epochs * clopt_train_batches(t->o, t->d));
    return CLOPT_OK;
}

/*
 * Every optimizer side by side: epoch e of each (from its completed epochs) before epoch
 * e + 1 of any, so a training's curves grow together and a stop leaves every optimizer
 * within one epoch of the others. Each model has its own weights and optimizer and sees the
 * same initial weights and the same batch order per epoch as it would alone, so its numbers
 * are those of training it alone.
 */
static clopt_status train_all(training *t, clopt_error *err)
{
    model models[CLOPT_TRAIN_MAX_OPTIMIZERS] = {{NULL, NULL, NULL}};
    clopt_status st = CLOPT_OK;
    uint64_t first = t->o->epochs;
    for (size_t i = 0; i < t->n && st == CLOPT_OK; i++) {
        st = start_one(t, i, &models[i], err);
        if (t->results[i].done < first) first = t->results[i].done;
    }
    for (uint64_t e = first; e < t->o->epochs && st == CLOPT_OK; e++)
        for (size_t i = 0; i < t->n && st == CLOPT_OK; i++)
            if (t->results[i].done <= e) st = epoch_one(t, i, &models[i], e, err);
    for (size_t i = 0; i < t->n && st == CLOPT_OK; i++)
        st = finish_one(t, i, &models[i], err);
    for (size_t i = 0; i < t->n; i++) {
        clopt_optimizer_release(models[i].opt);
        clopt_optimizer_release(models[i].rest);
        clopt_mlp_release(models[i].m);
    }
    return st;
}

/* What every rank must have been asked for alike: rank 0's, compared on every rank. */
typedef struct {
    clopt_train_options o;
    uint64_t examples, tests, pixels, n, done[CLOPT_TRAIN_MAX_OPTIMIZERS];
    char labels[CLOPT_TRAIN_MAX_OPTIMIZERS][256];
} plan;

static clopt_status same_plan(training *t, clopt_error *err)
{
    plan mine, first;
    memset(&mine, 0, sizeof mine);
    mine.o = *t->o;
    mine.examples = clopt_train_examples(t->o, t->d);
    mine.tests = t->d->test.count;
    mine.pixels = t->d->pixels;
    mine.n = t->n;
    for (size_t i = 0; i < t->n; i++) {
        mine.done[i] = t->results[i].done;
        memcpy(mine.labels[i], t->results[i].label, sizeof mine.labels[i]);
    }
    first = mine;
    t->ranks->broadcast(t->ranks, &first, sizeof first, 0);
    const struct {
        const char *name;
        uint64_t mine, first;
    } fields[] = {{"epochs", mine.o.epochs, first.o.epochs},
                  {"batch", mine.o.batch, first.o.batch},
                  {"hidden", mine.o.hidden, first.o.hidden},
                  {"seed", mine.o.seed, first.o.seed},
                  {"limit", mine.o.limit, first.o.limit},
                  {"training examples", mine.examples, first.examples},
                  {"test examples", mine.tests, first.tests},
                  {"pixels per image", mine.pixels, first.pixels},
                  {"optimizers", mine.n, first.n}};
    clopt_status st = CLOPT_OK;
    for (size_t i = 0; i < sizeof fields / sizeof *fields && st == CLOPT_OK; i++)
        if (fields[i].mine != fields[i].first)
            st = clopt_error_set(err, CLOPT_EINVAL, "%s %llu differs from rank 0's %llu",
                                 fields[i].name, (unsigned long long)fields[i].mine,
                                 (unsigned long long)fields[i].first);
    for (size_t i = 0; i < t->n && st == CLOPT_OK; i++)
        if (strcmp(mine.labels[i], first.labels[i]) || mine.done[i] != first.done[i])
            st = clopt_error_set(err, CLOPT_EINVAL,
                                 "optimizer %zu is %.100s after %llu epochs; rank 0 has "
                                 "%.100s after %llu",
                                 i + 1, mine.labels[i], (unsigned long long)mine.done[i],
                                 first.labels[i], (unsigned long long)first.done[i]);
    return clopt_ranks_agree(t->ranks, st, err);
}

clopt_status clopt_train_run(const clopt_dataset *d, const clopt_train_options *o,
                             clopt_train_result *results, size_t n, const char *checkpoint,
                             const char *resume, const clopt_train_hooks *hooks,
                             const clopt_ranks *ranks, clopt_error *err)
{
    clopt_status st = clopt_train_check(o, d, err);
    if (st == CLOPT_OK && (n < 1 || n > CLOPT_TRAIN_MAX_OPTIMIZERS))
        st = clopt_error_set(err, CLOPT_EINVAL, "%zu optimizers; expected 1 .. %d", n,
                             CLOPT_TRAIN_MAX_OPTIMIZERS);
    if ((st = clopt_ranks_agree(ranks, st, err)) != CLOPT_OK) return st;
    const size_t examples = clopt_train_examples(o, d);
    const size_t nparams = d->pixels * o->hidden + o->hidden + o->hidden * CLOPT_DATASET_CLASSES +
                           CLOPT_DATASET_CLASSES;
    training t = {.d = d,
                  .o = o,
                  .results = results,
                  .n = n,
                  .resume = resume,
                  .hooks = hooks,
                  .ranks = ranks};
    /* Only rank 0 writes the checkpoint; every rank reads the one it resumes. */
    t.checkpoint = ranks && ranks->rank ? NULL : checkpoint;
    if (ranks && (st = same_plan(&t, err)) != CLOPT_OK) return st;
    float *init = malloc(nparams * sizeof *init);
    t.order = malloc(examples * sizeof *t.order);
    t.grads = ranks ? malloc(nparams * sizeof *t.grads) : NULL;
    cl_int rc = CL_SUCCESS;
    st = CLOPT_OK;
    if (!init || !t.order || (ranks && !t.grads))
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu parameters", nparams);
    else if (!(t.program = clopt_mlp_build(d->ctx, err)))
        st = err ? err->status : CLOPT_ECL;
    else if (!(t.dorder = clCreateBuffer(clopt_context_cl(d->ctx), CL_MEM_READ_ONLY,
                                         examples * sizeof *t.order, NULL, &rc)))
        st = clopt_error_cl(err, rc, "clCreateBuffer", "allocating the batch order");
    if ((st = clopt_ranks_agree(ranks, st, err)) != CLOPT_OK) goto done;
    /* The initial weights are rank 0's on every rank. */
    clopt_mlp_glorot(init, d->pixels, (size_t)o->hidden, CLOPT_DATASET_CLASSES, o->seed);
    if (ranks) ranks->broadcast(ranks, init, nparams * sizeof *init, 0);
    t.init = init;
    st = train_all(&t, err);
done:
    if (t.dorder) clReleaseMemObject(t.dorder);
    if (t.program) clReleaseProgram(t.program);
    free(init);
    free(t.order);
    free(t.grads);
    return st;
}
