/* Loading and uploading the IDX splits (see dataset.h). */
#include "dataset.h"

#include "error.h"
#include "idx.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* DIR/NAME.gz when it exists, else DIR/NAME. */
static void file_path(char *path, size_t size, const char *dir, const char *split, const char *kind)
{
    snprintf(path, size, "%s/%s-%s-ubyte.gz", dir, split, kind);
    if (access(path, R_OK) != 0) snprintf(path, size, "%s/%s-%s-ubyte", dir, split, kind);
}

static cl_mem upload(clopt_context *ctx, const void *data, size_t bytes, clopt_error *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(clopt_context_cl(ctx), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes,
                              (void *)data, &rc);
    if (!m) clopt_error_cl(err, rc, "clCreateBuffer", "uploading the data set");
    return m;
}

/* Loads, checks and uploads one split; *pixels is set by the first split, then checked. */
static int load_split(clopt_context *ctx, const char *dir, const char *name, clopt_split *s,
                      size_t *pixels, clopt_error *err)
{
    char ipath[4096], lpath[4096];
    clopt_idx images = {0}, labels = {0};
    int rc = -1;
    file_path(ipath, sizeof ipath, dir, name, "images-idx3");
    file_path(lpath, sizeof lpath, dir, name, "labels-idx1");
    if (clopt_idx_load(ipath, 3, &images, err) != CLOPT_OK ||
        clopt_idx_load(lpath, 1, &labels, err) != CLOPT_OK)
        goto done;
    const size_t px = (size_t)images.dims[1] * images.dims[2];
    if (labels.dims[0] != images.dims[0]) {
        clopt_error_set(err, CLOPT_EFORMAT, "%s: %u labels for the %u images of %s", lpath,
                        labels.dims[0], images.dims[0], ipath);
        goto done;
    }
    if (*pixels && px != *pixels) {
        clopt_error_set(err, CLOPT_EFORMAT,
                        "%s: images of %ux%u pixels; the training images "
                        "have %zu pixels",
                        ipath, images.dims[1], images.dims[2], *pixels);
        goto done;
    }
    for (size_t i = 0; i < labels.size; i++)
        if (labels.data[i] >= CLOPT_DATASET_CLASSES) {
            clopt_error_set(err, CLOPT_EFORMAT, "%s: label %zu is %u; expected 0 .. %d", lpath, i,
                            labels.data[i], CLOPT_DATASET_CLASSES - 1);
            goto done;
        }
    *pixels = px;
    s->count = labels.dims[0];
    if (!(s->images = upload(ctx, images.data, images.size, err)) ||
        !(s->labels = upload(ctx, labels.data, labels.size, err)))
        goto done;
    rc = 0;
done:
    clopt_idx_free(&images);
    clopt_idx_free(&labels);
    return rc;
}

clopt_dataset *clopt_dataset_load(clopt_context *ctx, const char *dir, clopt_error *err)
{
    clopt_dataset *d = calloc(1, sizeof *d);
    uint32_t *identity = NULL;
    if (!d) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for the data set");
        return NULL;
    }
    d->ctx = ctx;
    if (load_split(ctx, dir, "train", &d->train, &d->pixels, err) ||
        load_split(ctx, dir, "t10k", &d->test, &d->pixels, err))
        goto fail;
    if (!(identity = malloc(d->test.count * sizeof *identity))) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for the data set");
        goto fail;
    }
    for (size_t i = 0; i < d->test.count; i++)
        identity[i] = (uint32_t)i;
    if (!(d->test_order = upload(ctx, identity, d->test.count * sizeof *identity, err))) goto fail;
    free(identity);
    return d;
fail:
    free(identity);
    clopt_dataset_release(d);
    return NULL;
}

void clopt_dataset_release(clopt_dataset *d)
{
    if (!d) return;
    cl_mem ms[] = {d->train.images, d->train.labels, d->test.images, d->test.labels, d->test_order};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        if (ms[i]) clReleaseMemObject(ms[i]);
    free(d);
}

clopt_status clopt_dataset_count(const char *dir, size_t *count, clopt_error *err)
{
    char path[4096];
    file_path(path, sizeof path, dir, "train", "labels-idx1");
    clopt_idx labels;
    const clopt_status st = clopt_idx_load(path, 1, &labels, err);
    *count = st == CLOPT_OK ? labels.dims[0] : 0;
    clopt_idx_free(&labels);
    return st;
}
