/*
 * IDX files (the MNIST family's format), plain or gzip: a big-endian header (magic
 * 0x00000800 | type << 8 | dims, then each dimension as a uint32) and the data. clopt
 * reads unsigned-byte files of 1 dimension (labels) or 3 (images).
 */
#ifndef CLOPT_TRAIN_IDX_H
#define CLOPT_TRAIN_IDX_H

#include "clopt/clopt.h"

#include <stddef.h>
#include <stdint.h>

#define CLOPT_IDX_MAX_ITEMS 10000000u

typedef struct {
    unsigned ndims;   /* 1 or 3 */
    uint32_t dims[3]; /* items, then rows and columns for images */
    uint8_t *data;    /* dims[0] * dims[1] * dims[2] bytes, malloc'd */
    size_t size;
} clopt_idx;

/*
 * Reads `path`, which must hold `ndims` dimensions of unsigned bytes; err names the file and
 * what is wrong (missing, not IDX, wrong type or dimensions, truncated, trailing bytes).
 */
clopt_status clopt_idx_load(const char *path, unsigned ndims, clopt_idx *out, clopt_error *err);

void clopt_idx_free(clopt_idx *idx);

#endif
