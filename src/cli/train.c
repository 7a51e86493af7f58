/*
 * clopt train: an MLP on Fashion-MNIST on the OpenCL device, one model per optimizer from
 * the same initial weights and the same batch order, so that the comparison is fair
 * (src/train/trainer.c does the training; this file is the command line and the report).
 */
#include "cli.h"

#include "args.h"
#include "clock.h"
#include "device.h"
#include "error.h"
#include "train/mpi.h"
#include "train/snapshot.h"
#include "train/trainer.h"
#include "usage.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "clopt train"

const char clopt_cli_train_usage[] =
    "usage: clopt train [--optimizer SPEC]... [--epochs 5] [--batch 128] [--hidden 256]\n"
    "                   [--seed 1] [--data DIR] [--limit N] [--device SEL] [--json]\n"
    "                   [--checkpoint DIR] [--resume DIR] [--no-checkpoint]\n"
    "\n"
    "Trains a multilayer perceptron (784 -> hidden, ReLU -> 10, softmax cross-entropy) on\n"
    "Fashion-MNIST on the OpenCL device, one model per optimizer (up to 8) from the same\n"
    "initial weights and batch order, and prints train loss, test loss, test accuracy and\n"
    "time per optimizer.\n"
    "\n"
    "  --optimizer SPEC  Keras call syntax or JSON, e.g. 'adam(lr=0.01)' (default: adam);\n"
    "                    a schedule's steps count optimizer steps (batches, ceil(examples /\n"
    "                    batch) per epoch), and steps=\"all\" spans the whole training:\n"
    "                    'adamw(lr=0.002, schedule=cosine(steps=\"all\", warmup=100))'\n"
    "  --epochs N        1 .. 50 (default 5)\n"
    "  --batch N         examples per step, 1 .. 4096 (default 128)\n"
    "  --hidden N        hidden units, 1 .. 4096 (default 256)\n"
    "  --seed S          initial weights and batch order (default 1)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --data DIR        the IDX files (default: Debian's dataset-fashion-mnist,\n"
    "                    " CLOPT_FASHION_MNIST_DIR ")\n"
    "  --limit N         train on the first N examples only (default: all 60000)\n"
    "  --json            per-epoch train loss, test loss and test accuracy per optimizer\n"
    "  --checkpoint DIR  after every epoch, save the models, the optimizers' state and the\n"
    "                    results so far in DIR (created if needed)\n"
    "  --resume DIR      go on with the training saved in DIR, with its optimizers and\n"
    "                    options, up to --epochs (default: the epochs it was started with),\n"
    "                    still saving into DIR unless --checkpoint names another directory;\n"
    "                    the result is the same as if it had never stopped\n"
    "  --no-checkpoint   save nothing (with --resume: leave DIR as it is)\n"
    "\n"
    "Under mpirun (mpirun -np N clopt train ...) it trains data-parallel: every rank holds\n"
    "the model on its own device (--device SEL: the (local rank mod count)-th device SEL\n"
    "matches; default: of the CPU devices), takes its share of every --batch (the global\n"
    "batch), and the gradients are summed across the ranks before the same step on each.\n"
    "Rank 0 prints and writes the checkpoint; --resume works with any N.\n";

typedef struct {
    const char *specs[CLOPT_TRAIN_MAX_OPTIMIZERS];
    size_t nspecs;
    clopt_train_options o;
    int given_epochs, given_batch, given_hidden, given_seed, given_limit;
    const char *data, *device, *checkpoint, *resume;
    int json, no_checkpoint;
} train_args;

typedef struct {
    const train_args *a;
    const clopt_train_result *results;
    int tty;
    size_t batches;
    uint64_t first_epoch; /* of the current optimizer, in this process */
    double t0;
} progress;

/* 0, 2 on a usage error (printed), -1 when --help printed the usage. */
static int parse(int argc, char **argv, train_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_train_usage, stdout);
            return -1;
        }
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--no-checkpoint"))
            a->no_checkpoint = 1;
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad))) {
            if (a->nspecs == CLOPT_TRAIN_MAX_OPTIMIZERS) {
                fprintf(stderr, CMD ": more than %d --optimizer options\n",
                        CLOPT_TRAIN_MAX_OPTIMIZERS);
                return 2;
            }
            a->specs[a->nspecs++] = v;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--epochs", &bad))) {
            if (cli_u64(CMD, "--epochs", v, 1, CLOPT_TRAIN_MAX_EPOCHS, &a->o.epochs)) return 2;
            a->given_epochs = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--batch", &bad))) {
            if (cli_u64(CMD, "--batch", v, 1, CLOPT_TRAIN_MAX_BATCH, &a->o.batch)) return 2;
            a->given_batch = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--hidden", &bad))) {
            if (cli_u64(CMD, "--hidden", v, 1, CLOPT_TRAIN_MAX_HIDDEN, &a->o.hidden)) return 2;
            a->given_hidden = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--seed", &bad))) {
            if (cli_u64(CMD, "--seed", v, 0, INT64_MAX, &a->o.seed)) return 2;
            a->given_seed = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--limit", &bad))) {
            if (cli_u64(CMD, "--limit", v, 1, UINT32_MAX, &a->o.limit)) return 2;
            a->given_limit = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--data", &bad)))
            a->data = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--checkpoint", &bad)))
            a->checkpoint = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--resume", &bad)))
            a->resume = v;
        else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_train_usage);
        if (bad) return 2;
    }
    size_t examples;
    clopt_error err;
    /* --limit up to the examples --data has (a data set that is not there: said on loading) */
    if (a->given_limit && clopt_dataset_count(a->data, &examples, &err) == CLOPT_OK &&
        a->o.limit > examples) {
        fprintf(stderr,
                CMD ": --limit = '%llu': expected an integer in 1 .. %zu (the training examples "
                    "in %s)\n",
                (unsigned long long)a->o.limit, examples, a->data);
        return 2;
    }
    if (a->nspecs == 0 && !a->resume) a->specs[a->nspecs++] = "adam";
    if (a->no_checkpoint && a->checkpoint) {
        fputs(CMD ": --no-checkpoint and --checkpoint contradict each other\n", stderr);
        return 2;
    }
    if (a->resume && !a->checkpoint && !a->no_checkpoint)
        a->checkpoint = a->resume; /* a resumed training that stops again loses nothing */
    return 0;
}

/* Options a resumed training keeps: the command line may repeat them, not change them. */
static int check_resumed(const train_args *a, const clopt_train_options *saved,
                         const clopt_train_result *r, size_t n)
{
    const struct {
        const char *name;
        int given;
        uint64_t value, saved;
    } keep[] = {{"--batch", a->given_batch, a->o.batch, saved->batch},
                {"--hidden", a->given_hidden, a->o.hidden, saved->hidden},
                {"--seed", a->given_seed, a->o.seed, saved->seed},
                {"--limit", a->given_limit, a->o.limit, saved->limit}};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (keep[i].given && keep[i].value != keep[i].saved) {
            fprintf(stderr,
                    CMD ": %s %llu differs from the checkpoint's %llu; a resumed "
                        "training keeps its options\n",
                    keep[i].name, (unsigned long long)keep[i].value,
                    (unsigned long long)keep[i].saved);
            return 2;
        }
    if (a->nspecs && a->nspecs != n) {
        fprintf(stderr,
                CMD ": %zu --optimizer options; the checkpoint trains %zu (leave them "
                    "out to go on with its own)\n",
                a->nspecs, n);
        return 2;
    }
    for (size_t i = 0; i < a->nspecs; i++) {
        clopt_train_result given;
        clopt_error err = {0};
        if (clopt_train_result_init(&given, a->specs[i], &err) != CLOPT_OK) {
            fprintf(stderr, CMD ": --optimizer '%s': %s\n", a->specs[i], err.text);
            return 2;
        }
        if (strcmp(given.label, r[i].label)) {
            fprintf(stderr,
                    CMD ": --optimizer %s differs from the checkpoint's optimizer %zu, "
                        "%s\n",
                    given.label, i + 1, r[i].label);
            return 2;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (r[i].done > a->o.epochs) {
            fprintf(stderr,
                    CMD ": --epochs %llu, but %s has already done %llu epochs in the "
                        "checkpoint\n",
                    (unsigned long long)a->o.epochs, r[i].label, (unsigned long long)r[i].done);
            return 2;
        }
    return 0;
}

static int on_start(void *user, size_t index, const clopt_train_result *r, size_t batches)
{
    progress *p = user;
    (void)index;
    p->batches = batches;
    p->first_epoch = r->done;
    p->t0 = clopt_now();
    if (r->done && !p->a->json)
        fprintf(stderr, "%s: resumed after epoch %llu\n", r->label, (unsigned long long)r->done);
    return 0;
}

static int on_batch(void *user, size_t index, uint64_t epoch, size_t batch, double loss)
{
    progress *p = user;
    if (p->tty && (batch % 20 == 0 || batch + 1 == p->batches)) {
        const clopt_train_result *r = &p->results[index];
        const double seen = (double)((epoch - p->first_epoch) * p->batches + batch + 1);
        fprintf(stderr, "\r%-28.28s epoch %llu/%llu  batch %zu/%zu  loss %.4f  %.0f ex/s ",
                r->label, (unsigned long long)epoch + 1, (unsigned long long)p->a->o.epochs,
                batch + 1, p->batches, loss, seen * (double)p->a->o.batch / (clopt_now() - p->t0));
    }
    return 0;
}

static int on_epoch(void *user, size_t index, uint64_t epoch, const clopt_train_result *r)
{
    progress *p = user;
    (void)index;
    const clopt_epoch_result *e = &r->epochs[epoch];
    if (p->tty) fputc('\n', stderr);
    if (!p->a->json)
        fprintf(stderr, "%s: epoch %llu: train loss %.4f, test loss %.4f, accuracy %.4f\n",
                r->label, (unsigned long long)epoch + 1, e->train_loss, e->test_loss, e->accuracy);
    return 0;
}

/*
 * The results; with ranks, also the ranks, this rank's time per part of a step over the
 * steps this process took (from[i]: the epochs done before it), and the parameters'
 * checksum after each of its epochs.
 */
static void print_results(const train_args *a, const clopt_train_result *r, size_t n,
                          size_t examples, const clopt_ranks *ranks, const uint64_t *from)
{
    const double trained = (double)(a->o.epochs * examples);
    const size_t batches = (examples + a->o.batch - 1) / a->o.batch;
    if (a->json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            /* the label as a JSON string: a schedule's steps="all" has quotes */
            json_t *label = json_string(r[i].label);
            char *quoted = label ? json_dumps(label, JSON_ENCODE_ANY) : NULL;
            json_decref(label);
            printf("%s\n {\"optimizer\": %s, \"seconds\": %.3f, \"examples_per_second\": "
                   "%.1f, \"step_seconds\": %.3f, \"products_seconds\": %.3f, ",
                   i ? "," : "", quoted ? quoted : "null", r[i].seconds, trained / r[i].seconds,
                   r[i].step_seconds, r[i].products_seconds);
            free(quoted);
            if (ranks)
                printf("\"ranks\": %d, \"compute_seconds\": %.3f, \"copy_seconds\": %.3f, "
                       "\"wait_seconds\": %.3f, \"allreduce_seconds\": %.3f, \"steps\": %zu, ",
                       ranks->size, r[i].compute_seconds, r[i].copy_seconds, r[i].wait_seconds,
                       r[i].allreduce_seconds, (size_t)(a->o.epochs - from[i]) * batches);
            printf("\"epochs\": [");
            for (uint64_t e = 0; e < a->o.epochs; e++) {
                printf("%s{\"epoch\": %llu, \"train_loss\": %.6f, \"test_loss\": %.6f, "
                       "\"test_accuracy\": %.4f",
                       e ? ", " : "", (unsigned long long)e + 1, r[i].epochs[e].train_loss,
                       r[i].epochs[e].test_loss, r[i].epochs[e].accuracy);
                if (ranks && e >= from[i])
                    printf(", \"params_crc32\": \"%08x\"", (unsigned)r[i].epochs[e].crc32);
                printf("}");
            }
            printf("]}");
        }
        printf("]\n");
        return;
    }
    printf("MLP 784-%llu-10 on Fashion-MNIST: %zu training examples, %llu epochs, batch %llu, "
           "seed %llu\n",
           (unsigned long long)a->o.hidden, examples, (unsigned long long)a->o.epochs,
           (unsigned long long)a->o.batch, (unsigned long long)a->o.seed);
    printf("%-34s %10s %9s %8s %8s %10s %8s %8s\n", "optimizer", "train loss", "test loss",
           "accuracy", "seconds", "examples/s", "products", "step");
    for (size_t i = 0; i < n; i++) {
        const clopt_epoch_result *last = &r[i].epochs[a->o.epochs - 1];
        printf("%-34s %10.4f %9.4f %8.4f %8.1f %10.0f %7.0f%% %7.1f%%\n", r[i].label,
               last->train_loss, last->test_loss, last->accuracy, r[i].seconds,
               trained / r[i].seconds, 100.0 * r[i].products_seconds / r[i].seconds,
               100.0 * r[i].step_seconds / r[i].seconds);
    }
    printf("products: the five matrix products alone (OpenBLAS on a CPU device, else CLBlast;\n"
           "timed after training) as a share of the time;\n"
           "step: clopt_optimizer_step, measured during training.\n");
    if (!ranks) return;
    printf("%d ranks; per step on rank 0, in ms (wait: for the slowest rank):\n"
           "%-34s %10s %9s %9s %9s %8s\n",
           ranks->size, "optimizer", "compute", "copies", "wait", "allreduce", "step");
    for (size_t i = 0; i < n; i++) {
        const double k = 1e3 / (double)((a->o.epochs - from[i]) * batches);
        printf("%-34s %10.3f %9.3f %9.3f %9.3f %8.3f\n", r[i].label, k * r[i].compute_seconds,
               k * r[i].copy_seconds, k * r[i].wait_seconds, k * r[i].allreduce_seconds,
               k * r[i].step_seconds);
    }
}

/* With ranks, rank `local`'s device: the (local mod count)-th that the selector matches. */
static clopt_context *rank_context(const char *selector, int local, clopt_error *err)
{
    clopt_device_entry dev;
    if (clopt_device_select_nth(selector, (size_t)local, &dev, err) != CLOPT_OK) return NULL;
    char index[32];
    snprintf(index, sizeof index, "%u:%u", dev.platform_index, dev.device_index);
    return clopt_context_create(index, err);
}

/* The training itself, on one process or as one of the ranks; returns the exit status. */
static int train(train_args *a, const clopt_ranks *ranks, int local)
{
    clopt_error err = {0};
    clopt_train_result *results = calloc(CLOPT_TRAIN_MAX_OPTIMIZERS, sizeof *results);
    size_t n = a->nspecs, saved_examples = 0;
    clopt_context *ctx = NULL;
    clopt_dataset *d = NULL;
    int rc = 2;
    clopt_status st = CLOPT_OK;
    if (!results) {
        st = clopt_error_set(&err, CLOPT_ENOMEM, "out of memory");
        rc = 1;
    } else if (a->resume) {
        clopt_train_options saved;
        if (clopt_snapshot_read(a->resume, &saved, &saved_examples, results, &n, &err) !=
            CLOPT_OK) {
            fprintf(stderr, CMD ": --resume: %s\n", err.text);
            st = err.status;
        } else {
            if (!a->given_epochs) a->o.epochs = saved.epochs;
            if (check_resumed(a, &saved, results, n))
                st = clopt_error_set(&err, CLOPT_EINVAL, "--resume: refused (see above)");
            a->o.batch = saved.batch, a->o.hidden = saved.hidden, a->o.seed = saved.seed;
            a->o.limit = saved.limit;
        }
    } else
        for (size_t i = 0; i < n && st == CLOPT_OK; i++)
            if ((st = clopt_train_result_init(&results[i], a->specs[i], &err)) != CLOPT_OK)
                fprintf(stderr, CMD ": --optimizer '%s': %s\n", a->specs[i], err.text);
    /* A rank that refused its command line has said why; the others stop with it. */
    if (clopt_ranks_agree(ranks, st, &err) != CLOPT_OK) goto done;
    rc = 1;
    if (!(ctx = ranks ? rank_context(a->device, local, &err)
                      : clopt_context_create(a->device, &err)) ||
        !(d = clopt_dataset_load(ctx, a->data, &err)))
        st = err.status;
    else if (a->resume && clopt_train_examples(&a->o, d) != saved_examples)
        st = clopt_error_set(&err, CLOPT_EINVAL,
                             "the checkpoint trained on %zu examples per epoch; this data set "
                             "gives %zu",
                             saved_examples, clopt_train_examples(&a->o, d));
    if ((st = clopt_ranks_agree(ranks, st, &err)) != CLOPT_OK) {
        if (st == CLOPT_ENODEVICE) rc = 2; /* a selector that matches no device: usage */
        goto fail;
    }
    const int speaker = !ranks || ranks->rank == 0;
    uint64_t from[CLOPT_TRAIN_MAX_OPTIMIZERS];
    for (size_t i = 0; i < n; i++)
        from[i] = results[i].done;
    progress p = {a, results, !a->json && isatty(fileno(stderr)), 0, 0, 0};
    const clopt_train_hooks hooks = {&p, on_start, on_batch, on_epoch};
    if (clopt_train_run(d, &a->o, results, n, a->checkpoint, a->resume, speaker ? &hooks : NULL,
                        ranks, &err) != CLOPT_OK)
        goto fail;
    if (speaker) print_results(a, results, n, clopt_train_examples(&a->o, d), ranks, from);
    rc = 0;
    goto done;
fail:
    if (!ranks || ranks->rank == 0) fprintf(stderr, CMD ": %s\n", err.text);
done:
    clopt_dataset_release(d);
    clopt_context_release(ctx);
    free(results);
    return rc;
}

int clopt_cli_train(int argc, char **argv)
{
    train_args a = {.o = {5, 128, 256, 1, 0}, .data = CLOPT_FASHION_MNIST_DIR};
    if (!clopt_mpi_launched()) {
        const int rc = parse(argc, argv, &a);
        return rc ? (rc < 0 ? 0 : rc) : train(&a, NULL, 0);
    }
    /* Under mpirun: every rank parses its own command line and trains its share. */
    clopt_ranks ranks;
    int local;
    clopt_mpi_init(&ranks, &local);
    clopt_error err = {0};
    int rc = parse(argc, argv, &a);
    if (rc < 0) { /* --help: every rank printed it (each parses the same command line) */
        clopt_mpi_finalize();
        return 0;
    }
    if (clopt_ranks_agree(&ranks,
                          rc ? clopt_error_set(&err, CLOPT_EINVAL,
                                               "its command line "
                                               "was refused (see its message)")
                             : CLOPT_OK,
                          &err) != CLOPT_OK) {
        if (!rc && ranks.rank == 0) fprintf(stderr, CMD ": %s\n", err.text);
        rc = 2;
    } else
        rc = train(&a, &ranks, local);
    clopt_mpi_finalize();
    return rc;
}
