/*
 * Checkpoints. Little-endian, version 2 (version 1, written before AMSGrad's vhat, has the
 * same layout with at most two state buffers, and is read the same way):
 *   "CLOPTCKP"  u32 version  u32 L  config JSON (L bytes)
 *   u64 iterations  f64 Nadam m_schedule  u32 tensors T  u32 state buffers S
 *   T x u64 tensor size (floats)  then per tensor, per state buffer, its floats (f32)
 *   u32 CRC-32 (zlib) of every byte before it
 * Written to a temporary file in the same directory and renamed over the target.
 */
#include "optimizer.h"

#include "error.h"
#include "file.h"
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "CLOPTCKP"
#define VERSION 2u
#define OLDEST_VERSION 1u
#define CONFIG_MAX 4096

typedef struct {
    unsigned char *data;
    size_t len, cap;
} bytes;

static int put(bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int put_le(bytes *b, uint64_t v, size_t n)
{
    unsigned char le[8];
    for (size_t i = 0; i < n; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    return put(b, le, n);
}

static uint64_t get_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* Appends every state buffer, read back from the device, as little-endian floats. */
static clopt_status put_state(const clopt_optimizer *o, bytes *b, clopt_error *err)
{
    float *tmp = NULL;
    for (size_t t = 0; t < o->lay.ntensors; t++) {
        const size_t n = o->lay.tensors[t].count;
        float *grown = realloc(tmp, n * sizeof *tmp);
        if (!grown) goto nomem;
        tmp = grown;
        for (size_t s = 0; s < o->lay.nstate; s++) {
            if (clopt_optimizer_read_state(o, t, s, tmp, err) != CLOPT_OK) goto fail;
            for (size_t i = 0; i < n; i++) {
                uint32_t u;
                memcpy(&u, &tmp[i], sizeof u);
                if (put_le(b, u, 4)) goto nomem;
            }
        }
    }
    free(tmp);
    return CLOPT_OK;
nomem:
    clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
fail:
    free(tmp);
    return err ? err->status : CLOPT_ENOMEM;
}

static clopt_status serialise(const clopt_optimizer *o, bytes *b, clopt_error *err)
{
    char *config = clopt_config_json(&o->cfg);
    if (!config) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    size_t clen = strlen(config);
    int bad = put(b, MAGIC, 8) || put_le(b, VERSION, 4) || put_le(b, clen, 4) ||
              put(b, config, clen) || put_le(b, o->it, 8) ||
              put_le(b, double_bits(o->m_schedule), 8) || put_le(b, o->lay.ntensors, 4) ||
              put_le(b, o->lay.nstate, 4);
    free(config);
    for (size_t t = 0; !bad && t < o->lay.ntensors; t++)
        bad = put_le(b, o->lay.tensors[t].count, 8);
    if (bad) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    if (put_state(o, b, err) != CLOPT_OK) return err ? err->status : CLOPT_ENOMEM;
    if (put_le(b, crc32(0L, b->data, (uInt)b->len), 4))
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    return CLOPT_OK;
}

clopt_status clopt_optimizer_save(const clopt_optimizer *o, const char *path, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !path)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_save: %s is NULL",
                               !o ? "optimizer" : "path");
    bytes b = {NULL, 0, 0};
    clopt_status st = serialise(o, &b, err);
    if (st == CLOPT_OK) st = clopt_write_atomically(path, b.data, b.len, err);
    free(b.data);
    return st;
}

/* ---- load ---- */

/* Reads at most `limit` bytes; a longer file is refused without reading it all. */
static clopt_status slurp(const char *path, size_t limit, bytes *b, clopt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return clopt_error_set(err, CLOPT_EIO, "cannot open checkpoint '%.120s': %s", path,
                               strerror(errno));
    b->cap = limit + 1;
    b->data = malloc(b->cap);
    if (!b->data) {
        fclose(f);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory reading a checkpoint");
    }
    b->len = fread(b->data, 1, b->cap, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) return clopt_error_set(err, CLOPT_EIO, "cannot read checkpoint '%.120s'", path);
    if (b->len > limit)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint '%.120s' is longer than a checkpoint of this "
                               "optimizer can be (%zu bytes)",
                               path, limit);
    return CLOPT_OK;
}

static clopt_status truncated(clopt_error *err, size_t need, size_t have)
{
    return clopt_error_set(err, CLOPT_EFORMAT,
                           "checkpoint is truncated: it has %zu bytes, its header needs at "
                           "least %zu",
                           have, need);
}

/* Checks the file against the optimizer; on success *cfg, *it, *ms and *state are set. */
static clopt_status parse(const clopt_optimizer *o, const bytes *b, clopt_config *cfg, uint64_t *it,
                          double *ms, size_t *nstate, const unsigned char **state, clopt_error *err)
{
    const unsigned char *d = b->data;
    size_t len = b->len;
    if (len < 16) return truncated(err, 16, len);
    if (memcmp(d, MAGIC, 8) != 0)
        return clopt_error_set(err, CLOPT_EFORMAT, "not a clopt checkpoint (bad magic bytes)");
    uint32_t version = (uint32_t)get_le(d + 8, 4);
    if (version < OLDEST_VERSION || version > VERSION)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint version %u; this clopt reads versions %u to %u", version,
                               OLDEST_VERSION, VERSION);
    size_t clen = get_le(d + 12, 4);
    if (clen > CONFIG_MAX)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint config is %zu bytes (max %d)", clen,
                               CONFIG_MAX);
    size_t pos = 16 + clen, head = pos + 24;
    if (len < head) return truncated(err, head, len);
    size_t nt = get_le(d + pos + 16, 4), ns = get_le(d + pos + 20, 4);
    if (nt != o->lay.ntensors)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu tensors; this optimizer has %zu", nt,
                               o->lay.ntensors);
    if (len < head + 8 * nt) return truncated(err, head + 8 * nt, len);
    size_t floats = 0;
    for (size_t t = 0; t < nt; t++) {
        size_t n = get_le(d + head + 8 * t, 8);
        if (n != o->lay.tensors[t].count)
            return clopt_error_set(err, CLOPT_EFORMAT,
                                   "tensor %zu has %zu floats in the checkpoint but %zu in "
                                   "this optimizer",
                                   t, n, o->lay.tensors[t].count);
        floats += n;
    }
    if (ns > CLOPT_MAX_STATE)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu state buffers per "
                               "tensor; at most %d exist",
                               ns, CLOPT_MAX_STATE);
    size_t total = head + 8 * nt + 4 * floats * ns + 4;
    if (len != total)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint is %s: %zu bytes, expected %zu for these tensors",
                               len < total ? "truncated" : "too long", len, total);
    uint32_t crc = (uint32_t)get_le(d + len - 4, 4);
    if (crc != (uint32_t)crc32(0L, d, (uInt)(len - 4)))
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint checksum mismatch: the file is corrupt");

    char config[CONFIG_MAX + 1];
    memcpy(config, d + 16, clen);
    config[clen] = '\0';
    clopt_error inner;
    clopt_error_clear(&inner);
    if (clopt_spec_parse(config, cfg, &inner) != CLOPT_OK)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint config is invalid: %s", inner.text);
    if (cfg->info != o->cfg.info)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint is for %s; this optimizer is %s",
                               cfg->info->name, o->cfg.info->name);
    /* The state its config needs, or the kind's full state (kept once switched on). */
    const size_t want = clopt_catalogue_state_count(cfg->info, cfg->v);
    if (ns != want && ns != cfg->info->full)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu state buffers per tensor; %s with this "
                               "config keeps %zu",
                               ns, cfg->info->name, want);
    *it = get_le(d + pos, 8);
    uint64_t msb = get_le(d + pos + 8, 8);
    memcpy(ms, &msb, sizeof *ms);
    *nstate = ns;
    *state = d + head + 8 * nt;
    return CLOPT_OK;
}

/* Uploads the checkpoint's state into the new layout's arenas. */
static clopt_status upload(clopt_optimizer *o, clopt_layout *lay, const unsigned char *state,
                           clopt_error *err)
{
    float *tmp = NULL;
    for (size_t t = 0; t < lay->ntensors; t++) {
        const clopt_tensor *ten = &lay->tensors[t];
        float *grown = realloc(tmp, ten->count * sizeof *tmp);
        if (!grown) {
            free(tmp);
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory loading a checkpoint");
        }
        tmp = grown;
        for (size_t s = 0; s < lay->nstate; s++) {
            for (size_t i = 0; i < ten->count; i++, state += 4) {
                uint32_t u = (uint32_t)get_le(state, 4);
                memcpy(&tmp[i], &u, sizeof u);
            }
            CLOPT_CL_CHECK(err, "uploading checkpoint state",
                           clEnqueueWriteBuffer(o->ctx->queue, lay->state[s], CL_TRUE,
                                                ten->state_offset * sizeof(cl_float),
                                                ten->count * sizeof(cl_float), tmp, 0, NULL, NULL));
        }
    }
    free(tmp);
    return CLOPT_OK;
fail:
    free(tmp);
    return err ? err->status : CLOPT_ECL;
}

clopt_status clopt_optimizer_load(clopt_optimizer *o, const char *path, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !path)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_load: %s is NULL",
                               !o ? "optimizer" : "path");
    size_t floats = 0;
    for (size_t t = 0; t < o->lay.ntensors; t++)
        floats += o->lay.tensors[t].count;
    const size_t limit = 48 + CONFIG_MAX + 8 * o->lay.ntensors + 4 * CLOPT_MAX_STATE * floats;

    bytes b = {NULL, 0, 0};
    clopt_config cfg;
    uint64_t it;
    double ms;
    size_t nstate;
    const unsigned char *state;
    clopt_tensor *tensors = NULL;
    clopt_layout lay;
    clopt_status st = slurp(path, limit, &b, err);
    if (st == CLOPT_OK) st = parse(o, &b, &cfg, &it, &ms, &nstate, &state, err);
    if (st == CLOPT_OK && o->lay.ntensors && !(tensors = malloc(o->lay.ntensors * sizeof *tensors)))
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory loading a checkpoint");
    if (st == CLOPT_OK) {
        if (tensors) memcpy(tensors, o->lay.tensors, o->lay.ntensors * sizeof *tensors);
        st = clopt_layout_build(o, tensors, o->lay.ntensors, nstate, 1, &lay, err);
        if (st == CLOPT_OK && (st = upload(o, &lay, state, err)) != CLOPT_OK)
            clopt_layout_release(&lay);
    }
    if (st == CLOPT_OK) {
        clopt_layout_commit(o, &lay);
        o->cfg = cfg;
        o->it = it;
        o->m_schedule = ms;
    }
    free(b.data);
    return st;
}
