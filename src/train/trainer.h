/*
 * A training of the MLP on a data set, one model per optimizer from the same initial
 * weights (Glorot, from the seed) and the same batch order (shuffled per epoch from the
 * seed), so that the comparison is fair. Used by `clopt train` and by the server. Hooks
 * report every batch and epoch and can stop the training; with a checkpoint directory the
 * state is saved after every epoch, and a training read back from one continues exactly
 * as if it had not stopped.
 */
#ifndef CLOPT_TRAIN_TRAINER_H
#define CLOPT_TRAIN_TRAINER_H

#include "dataset.h"
#include "options.h"
#include "ranks.h"

typedef struct {
    void *user;
    /*
     * Each returns 0 to go on, nonzero to stop the training (CLOPT_ESTATE, "stopped"). With
     * ranks, a hook that stops must stop on every rank at the same call (or never stop).
     */
    int (*start)(void *user, size_t index, const clopt_train_result *r, size_t batches);
    int (*batch)(void *user, size_t index, uint64_t epoch, size_t batch, double loss);
    int (*epoch)(void *user, size_t index, uint64_t epoch, const clopt_train_result *r);
} clopt_train_hooks;

/* Checks the options against the limits above and the data set; err names the option. */
clopt_status clopt_train_check(const clopt_train_options *o, const clopt_dataset *d,
                               clopt_error *err);

/* Examples per epoch (the limit, or the whole training split) and batches per epoch. */
size_t clopt_train_examples(const clopt_train_options *o, const clopt_dataset *d);
size_t clopt_train_batches(const clopt_train_options *o, const clopt_dataset *d);

/*
 * The most memory one training with these options takes on the host and the device
 * together, for a data set of `pixels` inputs and `examples` training examples (the
 * limit, or the split): the initial weights, the batch order (host and device), and one
 * model at a time (optimizers are trained in turn): parameters, gradients, the optimizer's
 * state (CLOPT_MAX_STATE buffers at most), the batch buffers (the batch, or the evaluation's
 * 1,000 rows if larger) and CLBlast's padded copies of the largest product's operands.
 * Not counted: the context, the data set and the kernels, built once.
 */
size_t clopt_train_plan_bytes(const clopt_train_options *o, size_t pixels, size_t examples);

/*
 * Trains results[0 .. n) in turn, each from its `done` epochs up to o->epochs (epoch
 * numbers in hooks count from 0). A result with done > 0 continues from the model and
 * optimizer saved in `resume` (a checkpoint directory). With `checkpoint` (may equal
 * `resume`), every optimizer's model and the training's progress are saved there after
 * every epoch.
 *
 * With `ranks` (NULL: one process), every rank calls this with the same options on its own
 * device and data set: the initial weights are rank 0's, each rank computes its share of
 * every batch (o->batch is the global batch), the gradient sums are added across the ranks
 * in host memory and every rank takes the same step; the test split is shared out the same
 * way. Only rank 0 writes `checkpoint`; every rank reads `resume` (a shared file system
 * across machines). A failure on any rank ends the training on every rank with that rank's
 * message, and parameters that differ between ranks (checked after every epoch) are one.
 */
clopt_status clopt_train_run(const clopt_dataset *d, const clopt_train_options *o,
                             clopt_train_result *results, size_t n, const char *checkpoint,
                             const char *resume, const clopt_train_hooks *hooks,
                             const clopt_ranks *ranks, clopt_error *err);

#endif
