/* The IDX loader: zlib's gzread reads gzip and plain files alike. */
#include "idx.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int read_all(gzFile f, void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        const unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        const int got = gzread(f, p, chunk);
        if (got <= 0) return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

clopt_status clopt_idx_load(const char *path, unsigned ndims, clopt_idx *out, clopt_error *err)
{
    memset(out, 0, sizeof *out);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f)
        return clopt_error_set(err, CLOPT_EIO, "cannot open %s: %s", path,
                               errno ? strerror(errno) : "out of memory");
    uint8_t head[16];
    clopt_status st = CLOPT_EFORMAT;
    if (read_all(f, head, 4) != 0) {
        clopt_error_set(err, st, "%s is too short to be an IDX file (no 4-byte header)", path);
        goto done;
    }
    const uint32_t magic = be32(head);
    if ((magic >> 16) != 0 || head[2] != 0x08 || head[3] != ndims) {
        clopt_error_set(err, st,
                        "%s: magic number 0x%08x; expected 0x%08x (unsigned bytes, %u "
                        "dimension%s)",
                        path, magic, 0x0800u | ndims, ndims, ndims > 1 ? "s" : "");
        goto done;
    }
    if (read_all(f, head + 4, 4 * ndims) != 0) {
        clopt_error_set(err, st, "%s: truncated in its header", path);
        goto done;
    }
    out->ndims = ndims;
    size_t size = 1;
    for (unsigned d = 0; d < ndims; d++) {
        out->dims[d] = be32(head + 4 + 4 * d);
        if (out->dims[d] == 0 || (d == 0 && out->dims[d] > CLOPT_IDX_MAX_ITEMS) ||
            (d > 0 && out->dims[d] > 4096)) {
            clopt_error_set(err, st, "%s: dimension %u is %u; expected 1 .. %u", path, d,
                            out->dims[d], d == 0 ? CLOPT_IDX_MAX_ITEMS : 4096u);
            goto done;
        }
        size *= out->dims[d];
    }
    if (!(out->data = malloc(size))) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "%s: out of memory for %zu bytes", path, size);
        goto done;
    }
    if (read_all(f, out->data, size) != 0) {
        clopt_error_set(err, st, "%s: truncated: the header promises %zu bytes of data", path,
                        size);
        goto done;
    }
    uint8_t extra;
    if (gzread(f, &extra, 1) != 0) {
        clopt_error_set(err, st, "%s: has bytes after the %zu its header promises", path, size);
        goto done;
    }
    out->size = size;
    st = CLOPT_OK;
done:
    gzclose(f);
    if (st != CLOPT_OK) clopt_idx_free(out);
    return st;
}

void clopt_idx_free(clopt_idx *idx)
{
    free(idx->data);
    memset(idx, 0, sizeof *idx);
}
