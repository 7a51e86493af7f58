/*
 * clopt train: an MLP on Fashion-MNIST on the OpenCL device, one model per optimizer from
 * the same initial weights and the same batch order, so that the comparison is fair.
 */
#include "cli.h"

#include "args.h"
#include "config.h"
#include "error.h"
#include "spec.h"
#include "train/idx.h"
#include "train/mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "clopt train"
#define MAX_OPTIMIZERS 8
#define MAX_EPOCHS 50
#define EVAL_BATCH 1000

static const char usage[] =
    "usage: clopt train [--optimizer SPEC]... [--epochs 5] [--batch 128] [--hidden 256]\n"
    "                   [--seed 1] [--data DIR] [--limit N] [--device SEL] [--json]\n"
    "\n"
    "Trains a multilayer perceptron (784 -> hidden, ReLU -> 10, softmax cross-entropy) on\n"
    "Fashion-MNIST on the OpenCL device, one model per optimizer (up to 8) from the same\n"
    "initial weights and batch order, and prints train loss, test loss, test accuracy and\n"
    "time per optimizer.\n"
    "\n"
    "  --data DIR   the IDX files (default: Debian's dataset-fashion-mnist,\n"
    "               /usr/share/datasets/fashion-mnist)\n"
    "  --limit N    train on the first N examples only (default: all 60000)\n"
    "  --json       per-epoch train loss, test loss and test accuracy per optimizer\n";

typedef struct {
    const char *specs[MAX_OPTIMIZERS];
    size_t nspecs;
    uint64_t epochs, batch, hidden, seed, limit;
    const char *data, *device;
    int json;
} train_args;

typedef struct {
    clopt_idx images, labels;
    cl_mem dimages, dlabels, order;
} split;

typedef struct {
    double train_loss, test_loss, accuracy;
} epoch_result;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse(int argc, char **argv, train_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad))) {
            if (a->nspecs == MAX_OPTIMIZERS) {
                fprintf(stderr, CMD ": more than %d --optimizer options\n", MAX_OPTIMIZERS);
                return 2;
            }
            a->specs[a->nspecs++] = v;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--epochs", &bad))) {
            if (cli_u64(CMD, "--epochs", v, 1, MAX_EPOCHS, &a->epochs))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--batch", &bad))) {
            if (cli_u64(CMD, "--batch", v, 1, 4096, &a->batch))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--hidden", &bad))) {
            if (cli_u64(CMD, "--hidden", v, 1, 4096, &a->hidden))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--seed", &bad))) {
            if (cli_u64(CMD, "--seed", v, 0, UINT64_MAX, &a->seed))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--limit", &bad))) {
            if (cli_u64(CMD, "--limit", v, 1, CLOPT_IDX_MAX_ITEMS, &a->limit))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--data", &bad)))
            a->data = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if (!bad) {
            fprintf(stderr, CMD ": unknown option '%s' (see clopt train --help)\n", argv[i]);
            return 2;
        }
        if (bad)
            return 2;
    }
    if (a->nspecs == 0)
        a->specs[a->nspecs++] = "adam";
    for (size_t i = 0; i < a->nspecs; i++) {
        clopt_config c;
        clopt_error err = {0};
        if (clopt_spec_parse(a->specs[i], &c, &err) != CLOPT_OK) {
            fprintf(stderr, CMD ": --optimizer '%s': %s\n", a->specs[i], err.text);
            return 2;
        }
    }
    return 0;
}

/* Loads one split ("train" or "t10k") and checks that images and labels belong together. */
static int load_split(const char *dir, const char *name, split *s, clopt_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, name);
    if (access(path, R_OK) != 0) /* the uncompressed name */
        snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, name);
    if (clopt_idx_load(path, 3, &s->images, err) != CLOPT_OK)
        return -1;
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, name);
    if (access(path, R_OK) != 0)
        snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, name);
    if (clopt_idx_load(path, 1, &s->labels, err) != CLOPT_OK)
        return -1;
    if (s->labels.dims[0] != s->images.dims[0]) {
        clopt_error_set(err, CLOPT_EFORMAT, "%s: %u labels for %u images", path,
                        s->labels.dims[0], s->images.dims[0]);
        return -1;
    }
    for (size_t i = 0; i < s->labels.size; i++)
        if (s->labels.data[i] > 9) {
            clopt_error_set(err, CLOPT_EFORMAT, "%s: label %zu is %u; expected 0 .. 9", path, i,
                            s->labels.data[i]);
            return -1;
        }
    return 0;
}

static cl_mem upload(clopt_context *ctx, const void *data, size_t bytes, clopt_error *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(clopt_context_cl(ctx), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                              bytes, (void *)data, &rc);
    if (!m)
        clopt_error_cl(err, rc, "clCreateBuffer", "uploading the data set");
    return m;
}

static void free_split(split *s)
{
    clopt_idx_free(&s->images);
    clopt_idx_free(&s->labels);
    cl_mem ms[] = {s->dimages, s->dlabels, s->order};
    for (int i = 0; i < 3; i++)
        if (ms[i])
            clReleaseMemObject(ms[i]);
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

/* Mean loss and accuracy over n examples of a split (in order). */
static int evaluate(clopt_mlp *m, const split *s, size_t n, double *loss, double *acc,
                    clopt_error *err)
{
    double total = 0;
    size_t right = 0;
    for (size_t first = 0; first < n; first += EVAL_BATCH) {
        const size_t rows = n - first < EVAL_BATCH ? n - first : EVAL_BATCH;
        double l;
        size_t c;
        if (clopt_mlp_batch(m, s->dimages, s->dlabels, s->order, first, rows, 0, &l, &c, err))
            return -1;
        total += l;
        right += c;
    }
    *loss = total / (double)n;
    *acc = (double)right / (double)n;
    return 0;
}

typedef struct {
    char label[128];
    epoch_result epochs[MAX_EPOCHS];
    double seconds, examples_per_second;
    double step_seconds;     /* in clopt_optimizer_step (+ clFinish), all epochs */
    double products_seconds; /* the matrix products alone for as many batches */
} optimizer_result;

static int train_one(clopt_context *ctx, const train_args *a, const char *spec,
                     const float *init, split *tr, split *te, size_t ntrain, uint32_t *order,
                     optimizer_result *out, clopt_error *err)
{
    const size_t in = (size_t)tr->images.dims[1] * tr->images.dims[2];
    const size_t max_batch = a->batch > EVAL_BATCH ? a->batch : EVAL_BATCH;
    clopt_mlp *m = clopt_mlp_create(ctx, in, a->hidden, 10, max_batch, init, err);
    clopt_optimizer *o = m ? clopt_optimizer_create(ctx, spec, err) : NULL;
    int rc = -1;
    if (!o || clopt_mlp_attach(m, o, err) != CLOPT_OK)
        goto done;
    clopt_config c;
    clopt_spec_parse(spec, &c, NULL);
    char *label = clopt_config_label(&c);
    snprintf(out->label, sizeof out->label, "%s", label ? label : spec);
    free(label);
    const int tty = !a->json && isatty(fileno(stderr));
    const double t0 = now();
    for (uint64_t e = 0; e < a->epochs; e++) {
        shuffle(order, ntrain, a->seed, e);
        cl_int cl = clEnqueueWriteBuffer(clopt_context_queue(ctx), tr->order, CL_TRUE, 0,
                                         ntrain * sizeof *order, order, 0, NULL, NULL);
        if (cl != CL_SUCCESS) {
            clopt_error_cl(err, cl, "clEnqueueWriteBuffer", "uploading the batch order");
            goto done;
        }
        double sum = 0;
        const size_t batches = (ntrain + a->batch - 1) / a->batch;
        for (size_t b = 0; b < batches; b++) {
            const size_t first = b * a->batch;
            const size_t rows = ntrain - first < a->batch ? ntrain - first : (size_t)a->batch;
            double l;
            size_t right;
            if (clopt_mlp_batch(m, tr->dimages, tr->dlabels, tr->order, first, rows, 1, &l,
                                &right, err))
                goto done;
            const double s0 = now(); /* the batch ended with a read: the queue is empty */
            if (clopt_optimizer_step(o, err) != CLOPT_OK ||
                clFinish(clopt_context_queue(ctx)) != CL_SUCCESS)
                goto done;
            out->step_seconds += now() - s0;
            sum += l;
            if (tty && (b % 20 == 0 || b + 1 == batches))
                fprintf(stderr, "\r%-28.28s epoch %llu/%llu  batch %zu/%zu  loss %.4f  %.0f ex/s ",
                        out->label, (unsigned long long)e + 1, (unsigned long long)a->epochs,
                        b + 1, batches, l / (double)rows,
                        (double)(e * ntrain + first + rows) / (now() - t0));
        }
        epoch_result *r = &out->epochs[e];
        r->train_loss = sum / (double)ntrain;
        if (evaluate(m, te, te->labels.dims[0], &r->test_loss, &r->accuracy, err))
            goto done;
        if (tty)
            fputc('\n', stderr);
        if (!a->json)
            fprintf(stderr, "%s: epoch %llu: train loss %.4f, test loss %.4f, accuracy %.4f\n",
                    out->label, (unsigned long long)e + 1, r->train_loss, r->test_loss,
                    r->accuracy);
    }
    out->seconds = now() - t0;
    out->examples_per_second = (double)(a->epochs * ntrain) / out->seconds;
    double per_batch;
    if (clopt_mlp_time_products(m, (size_t)a->batch, 5, &per_batch, err) != CLOPT_OK)
        goto done;
    out->products_seconds = per_batch * (double)(a->epochs * ((ntrain + a->batch - 1) / a->batch));
    rc = 0;
done:
    clopt_optimizer_release(o);
    clopt_mlp_release(m);
    return rc;
}

static void print_results(const train_args *a, const optimizer_result *r, size_t n,
                          size_t ntrain)
{
    if (a->json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            printf("%s\n {\"optimizer\": \"%s\", \"seconds\": %.3f, \"examples_per_second\": "
                   "%.1f, \"step_seconds\": %.3f, \"products_seconds\": %.3f, \"epochs\": [",
                   i ? "," : "", r[i].label, r[i].seconds, r[i].examples_per_second,
                   r[i].step_seconds, r[i].products_seconds);
            for (uint64_t e = 0; e < a->epochs; e++)
                printf("%s{\"epoch\": %llu, \"train_loss\": %.6f, \"test_loss\": %.6f, "
                       "\"test_accuracy\": %.4f}",
                       e ? ", " : "", (unsigned long long)e + 1, r[i].epochs[e].train_loss,
                       r[i].epochs[e].test_loss, r[i].epochs[e].accuracy);
            printf("]}");
        }
        printf("]\n");
        return;
    }
    printf("MLP 784-%llu-10 on Fashion-MNIST: %zu training examples, %llu epochs, batch %llu, "
           "seed %llu\n",
           (unsigned long long)a->hidden, ntrain, (unsigned long long)a->epochs,
           (unsigned long long)a->batch, (unsigned long long)a->seed);
    printf("%-34s %10s %9s %8s %8s %10s %8s %8s\n", "optimizer", "train loss", "test loss",
           "accuracy", "seconds", "examples/s", "products", "step");
    for (size_t i = 0; i < n; i++) {
        const epoch_result *last = &r[i].epochs[a->epochs - 1];
        printf("%-34s %10.4f %9.4f %8.4f %8.1f %10.0f %7.0f%% %7.1f%%\n", r[i].label,
               last->train_loss, last->test_loss, last->accuracy, r[i].seconds,
               r[i].examples_per_second, 100.0 * r[i].products_seconds / r[i].seconds,
               100.0 * r[i].step_seconds / r[i].seconds);
    }
    printf("products: the five matrix products alone (CLBlast, timed after training) as a "
           "share of the time;\nstep: clopt_optimizer_step, measured during training.\n");
}

int clopt_cli_train(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(usage, stdout);
        return 0;
    }
    train_args a = {{NULL}, 0, 5, 128, 256, 1, 0, "/usr/share/datasets/fashion-mnist", NULL, 0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    clopt_error err = {0};
    split tr = {0}, te = {0};
    clopt_context *ctx = NULL;
    float *init = NULL;
    uint32_t *order = NULL, *identity = NULL;
    optimizer_result *results = calloc(a.nspecs, sizeof *results);
    rc = 1;
    if (!results || load_split(a.data, "train", &tr, &err) || load_split(a.data, "t10k", &te, &err))
        goto done;
    if (te.images.dims[1] != tr.images.dims[1] || te.images.dims[2] != tr.images.dims[2]) {
        clopt_error_set(&err, CLOPT_EFORMAT, "test images are %ux%u, training images %ux%u",
                        te.images.dims[1], te.images.dims[2], tr.images.dims[1],
                        tr.images.dims[2]);
        goto done;
    }
    const size_t ntrain = a.limit && a.limit < tr.labels.dims[0] ? (size_t)a.limit
                                                                : tr.labels.dims[0];
    const size_t in = (size_t)tr.images.dims[1] * tr.images.dims[2];
    const size_t nparams = in * a.hidden + a.hidden + a.hidden * 10 + 10;
    if (!(ctx = clopt_context_create(a.device, &err)))
        goto done;
    init = malloc(nparams * sizeof *init);
    order = malloc(ntrain * sizeof *order);
    identity = malloc(te.labels.dims[0] * sizeof *identity);
    if (!init || !order || !identity) {
        clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < te.labels.dims[0]; i++)
        identity[i] = i;
    shuffle(order, ntrain, a.seed, 0); /* defined contents for the first upload */
    clopt_mlp_glorot(init, in, a.hidden, 10, a.seed);
    if (!(tr.dimages = upload(ctx, tr.images.data, tr.images.size, &err)) ||
        !(tr.dlabels = upload(ctx, tr.labels.data, tr.labels.size, &err)) ||
        !(tr.order = upload(ctx, order, ntrain * sizeof *order, &err)) ||
        !(te.dimages = upload(ctx, te.images.data, te.images.size, &err)) ||
        !(te.dlabels = upload(ctx, te.labels.data, te.labels.size, &err)) ||
        !(te.order = upload(ctx, identity, te.labels.dims[0] * sizeof *identity, &err)))
        goto done;
    for (size_t i = 0; i < a.nspecs; i++)
        if (train_one(ctx, &a, a.specs[i], init, &tr, &te, ntrain, order, &results[i], &err))
            goto done;
    print_results(&a, results, a.nspecs, ntrain);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, CMD ": %s\n", err.text);
    free_split(&tr);
    free_split(&te);
    free(init);
    free(order);
    free(identity);
    free(results);
    clopt_context_release(ctx);
    return rc;
}
