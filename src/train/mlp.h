/*
 * The multilayer perceptron of `clopt train`: inputs -> hidden (ReLU) -> classes (softmax
 * cross-entropy), on the OpenCL device. Matrix products are CLBlast's, the element-wise
 * parts cl/mlp.cl's. Parameters and gradients live in two device buffers (W1, b1, W2, b2 in
 * that order), which a clopt_optimizer updates as four tensors.
 */
#ifndef CLOPT_TRAIN_MLP_H
#define CLOPT_TRAIN_MLP_H

#include "clopt/clopt.h"

#include <stdint.h>

typedef struct {
    clopt_context *ctx;
    size_t in, hidden, classes, max_batch;
    size_t off[4], count[4], nparams; /* W1, b1, W2, b2 */
    cl_mem params, grads;
    cl_mem x, y, h, z, dz, dh, loss, correct;
    cl_kernel gather, bias, softmax, colsum, relu_grad;
    float *host_loss;
    uint32_t *host_correct;
    int host_gemm; /* the products on the host's BLAS over mapped buffers (see clopt_mlp_create) */
} clopt_mlp;

/* Glorot-uniform weights (as Keras), zero biases, from a seeded generator: nparams floats. */
void clopt_mlp_glorot(float *params, size_t in, size_t hidden, size_t classes, uint64_t seed);

/*
 * The model's kernels (cl/mlp.cl) built for ctx's device: training's own program, built
 * only when a training starts, not in every library context. The caller releases it.
 */
cl_program clopt_mlp_build(clopt_context *ctx, clopt_error *err);

/* One matrix product of a pass: C = op(A) op(B), row-major, rows x cols, inner dimension. */
typedef struct {
    int ta, tb; /* A, B transposed */
    size_t rows, cols, inner;
    const char *what; /* "x W1", ... */
} clopt_mlp_gemm;

#define CLOPT_MLP_PRODUCTS 5

/*
 * The matrix products run where src/gemm.h says: OpenBLAS on the host for a CPU device,
 * CLBlast on others.
 *
 * A model with the given initial parameters (nparams floats; NULL: unset, for a model that
 * is loaded next), its kernels from `program` (clopt_mlp_build; the model keeps
 * its own kernels, the program may be released after). NULL with err filled.
 */
clopt_mlp *clopt_mlp_create(clopt_context *ctx, cl_program program, size_t in, size_t hidden,
                            size_t classes, size_t max_batch, const float *init, clopt_error *err);

/*
 * The products of a forward and backward pass over `rows` examples, in the order a batch
 * runs them (the shapes clopt_mlp_time_products times, and clopt bench gemm compares).
 */
void clopt_mlp_products(const clopt_mlp *m, size_t rows, clopt_mlp_gemm out[CLOPT_MLP_PRODUCTS]);

/*
 * Adds the four tensors to an optimizer; with `rest` (Muon's AdamW), W1 as the in x hidden
 * matrix it is to o and b1, W2 and b2 to rest.
 */
clopt_status clopt_mlp_attach(clopt_mlp *m, clopt_optimizer *o, clopt_optimizer *rest,
                              clopt_error *err);

/*
 * One batch of `rows` examples: images[order[first + r]] (uchar, in bytes each) and their
 * labels. Forward pass, and with `mean_of` > 0 the gradients into m->grads: of the summed
 * loss divided by mean_of (rows for the batch's mean; the global batch when these rows are
 * one rank's share of it; no rows give zero gradients). *loss_sum and *correct receive the
 * rows' summed loss and correct predictions.
 */
clopt_status clopt_mlp_batch(clopt_mlp *m, cl_mem images, cl_mem labels, cl_mem order, size_t first,
                             size_t rows, size_t mean_of, double *loss_sum, size_t *correct,
                             clopt_error *err);

/*
 * Seconds per batch of `rows` examples spent in the five matrix products of a forward and
 * backward pass alone (best of `reps`, after one warm-up), on the model's own buffers.
 */
clopt_status clopt_mlp_time_products(clopt_mlp *m, size_t rows, int reps, double *seconds,
                                     clopt_error *err);

void clopt_mlp_release(clopt_mlp *m);

#endif
