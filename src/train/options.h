/*
 * What a training is asked for and what it has done: the options, the limits on them and
 * each optimizer's results. Shared by the trainer and its checkpoints (snapshot.c), which
 * both depend on this file and not on each other's.
 */
#ifndef CLOPT_TRAIN_OPTIONS_H
#define CLOPT_TRAIN_OPTIONS_H

#include "clopt/clopt.h"

#include <stdint.h>

#define CLOPT_TRAIN_MAX_OPTIMIZERS 8
#define CLOPT_TRAIN_MAX_EPOCHS 50
#define CLOPT_TRAIN_MAX_HIDDEN 4096
#define CLOPT_TRAIN_MAX_BATCH 4096
#define CLOPT_TRAIN_MAX_SPEC 511

typedef struct {
    uint64_t epochs, batch, hidden, seed;
    uint64_t limit; /* train on the first `limit` examples; 0: all */
} clopt_train_options;

typedef struct {
    double train_loss, test_loss, accuracy;
    uint32_t crc32; /* with ranks: the CRC-32 of the parameters, the same on every rank */
} clopt_epoch_result;

/* One optimizer's training: its spec, and what it has done so far. */
typedef struct {
    char spec[CLOPT_TRAIN_MAX_SPEC + 1]; /* as given, e.g. "sgd(lr=0.01,momentum=0.9)" */
    char label[256];                     /* its configuration, e.g. "SGD(lr=0.01, ...)" */
    uint64_t done;                       /* epochs completed; a resumed training goes on here */
    clopt_epoch_result epochs[CLOPT_TRAIN_MAX_EPOCHS];
    double seconds;          /* training and evaluation, all epochs */
    double step_seconds;     /* in clopt_optimizer_step (+ clFinish) */
    double products_seconds; /* the matrix products alone, for as many batches */
    /* With ranks, this rank's time in each part of a step (step_seconds: the optimizer's). */
    double compute_seconds;   /* forward and backward over its share of the batch */
    double copy_seconds;      /* the gradients device -> host -> device */
    double wait_seconds;      /* the loss summed across the ranks: mostly the slowest's lag */
    double allreduce_seconds; /* the gradients summed across the ranks */
} clopt_train_result;

/* Sets r->spec and r->label from a spec (checked); the rest of *r is zeroed. */
clopt_status clopt_train_result_init(clopt_train_result *r, const char *spec, clopt_error *err);

#endif
