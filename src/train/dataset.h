/*
 * A labelled image data set in the IDX format (Fashion-MNIST's "train" and "t10k" splits),
 * checked and uploaded to a context's device once; the host copies are dropped after the
 * upload. The training and test images must have the same size, labels must be 0 .. 9.
 */
#ifndef CLOPT_TRAIN_DATASET_H
#define CLOPT_TRAIN_DATASET_H

#include "clopt/clopt.h"

#define CLOPT_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"
#define CLOPT_DATASET_CLASSES 10

typedef struct {
    size_t count;          /* examples */
    cl_mem images, labels; /* count x pixels uchar; count uchar */
} clopt_split;

typedef struct {
    clopt_context *ctx;
    size_t pixels; /* per image */
    clopt_split train, test;
    cl_mem test_order; /* 0, 1, ..., test.count - 1 (uint) */
} clopt_dataset;

/*
 * Loads DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] into ctx's device. NULL
 * with err filled (which file, and what is wrong with it).
 */
clopt_dataset *clopt_dataset_load(clopt_context *ctx, const char *dir, clopt_error *err);

void clopt_dataset_release(clopt_dataset *d);

/* The examples in DIR's training split, from its labels file alone (no device needed). */
clopt_status clopt_dataset_count(const char *dir, size_t *count, clopt_error *err);

#endif
