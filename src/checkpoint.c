/*
 * Checkpoints. Little-endian, version 4 (version 3 lacks the shapes; version 2 also the two
 * schedule-free scalars; version 1, written before AMSGrad's vhat, has version 2's layout
 * with at most two state buffers; all are read, the scalars then at their starting values,
 * the tensors without shapes):
 *   "CLOPTCKP"  u32 version  u32 L  config JSON (L bytes, with the schedule if any)
 *   u64 iterations  f64 Nadam m_schedule  u32 tensors T  u32 state buffers S
 *   (version 3) f64 schedule-free lr_max  f64 schedule-free weight sum
 *   T x u64 tensor size (floats)  (version 4) T x (u32 rows, u32 cols), 0 x 0 without a shape
 *   then per tensor, per state buffer, its floats (f32)
 *   u32 CRC-32 (zlib) of every byte before it
 * Written to a temporary file in the same directory and renamed over the target.
 */
#include "optimizer.h"

#include "error.h"
#include "file.h"
#include "spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "CLOPTCKP"
#define VERSION 4u
#define OLDEST_VERSION 1u
#define CONFIG_MAX 4096
/* The most steps a checkpoint may have taken: the host counts t = it + 1 in double, exact
 * below 2^53 (a step a second would take 285 million years to get there). */
#define MAX_ITERATIONS (UINT64_C(1) << 53)

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

#define PIECE                                                                                      \
    (4u << 20) /* bytes read back, checksummed and written (or read, uploaded) at a time */

/* The header: everything before the state. */
static clopt_status header_bytes(const clopt_optimizer *o, bytes *b, clopt_error *err)
{
    char *config = clopt_config_json(&o->cfg);
    if (!config) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    size_t clen = strlen(config);
    int bad = put(b, MAGIC, 8) || put_le(b, VERSION, 4) || put_le(b, clen, 4) ||
              put(b, config, clen) || put_le(b, o->it, 8) ||
              put_le(b, double_bits(o->run.m_schedule), 8) || put_le(b, o->lay.ntensors, 4) ||
              put_le(b, o->lay.nstate, 4) || put_le(b, double_bits(o->run.lr_max), 8) ||
              put_le(b, double_bits(o->run.weight_sum), 8);
    free(config);
    for (size_t t = 0; !bad && t < o->lay.ntensors; t++)
        bad = put_le(b, o->lay.tensors[t].count, 8);
    for (size_t t = 0; !bad && t < o->lay.ntensors; t++)
        bad = put_le(b, o->lay.tensors[t].rows, 4) || put_le(b, o->lay.tensors[t].cols, 4);
    if (bad) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    return CLOPT_OK;
}

/*
 * The header, every state buffer read back from the device PIECE bytes at a time as
 * little-endian floats, and the CRC of it all: host memory stays bounded whatever the state.
 */
static clopt_status write_checkpoint(const clopt_optimizer *o, clopt_file *f, clopt_error *err)
{
    bytes b = {NULL, 0, 0};
    size_t per = 1;
    for (size_t t = 0; t < o->lay.ntensors && o->lay.nstate > 0; t++)
        per = o->lay.tensors[t].count > per ? o->lay.tensors[t].count : per;
    per = per < PIECE / sizeof(float) ? per : PIECE / sizeof(float);
    float *tmp = malloc(per * sizeof *tmp);
    unsigned char *raw = malloc(per * sizeof *tmp);
    clopt_status st =
        tmp && raw ? header_bytes(o, &b, err)
                   : clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a checkpoint");
    uint32_t crc = st == CLOPT_OK ? clopt_crc32(0, b.data, b.len) : 0;
    if (st == CLOPT_OK) st = clopt_file_write(f, b.data, b.len, err);
    for (size_t t = 0; st == CLOPT_OK && t < o->lay.ntensors; t++) {
        const clopt_tensor *ten = &o->lay.tensors[t];
        for (size_t s = 0; st == CLOPT_OK && s < o->lay.nstate; s++)
            for (size_t done = 0; st == CLOPT_OK && done < ten->count; done += per) {
                const size_t n = ten->count - done < per ? ten->count - done : per;
                const cl_int rc = clEnqueueReadBuffer(o->ctx->queue, o->lay.state[s], CL_TRUE,
                                                      (ten->state_offset + done) * sizeof(cl_float),
                                                      n * sizeof(cl_float), tmp, 0, NULL, NULL);
                if (rc != CL_SUCCESS) {
                    st = clopt_error_cl(err, rc, "clEnqueueReadBuffer", "reading optimizer state");
                    break;
                }
                for (size_t i = 0; i < n; i++) {
                    uint32_t u;
                    memcpy(&u, &tmp[i], sizeof u);
                    for (size_t k = 0; k < 4; k++)
                        raw[4 * i + k] = (unsigned char)(u >> (8 * k));
                }
                crc = clopt_crc32(crc, raw, n * 4);
                st = clopt_file_write(f, raw, n * 4, err);
            }
    }
    if (st == CLOPT_OK) {
        unsigned char le[4];
        for (size_t k = 0; k < 4; k++)
            le[k] = (unsigned char)(crc >> (8 * k));
        st = clopt_file_write(f, le, 4, err);
    }
    free(b.data);
    free(tmp);
    free(raw);
    return st;
}

clopt_status clopt_optimizer_save(const clopt_optimizer *o, const char *path, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !path)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_save: %s is NULL",
                               !o ? "optimizer" : "path");
    if (o->torn)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "clopt_optimizer_save: an earlier step was cut short by %s after "
                               "updating part of the state; there is no consistent state to save",
                               clopt_cl_error_name(o->torn));
    clopt_file f;
    clopt_status st = clopt_file_open(&f, path, err);
    if (st != CLOPT_OK) return st;
    st = write_checkpoint(o, &f, err);
    if (st != CLOPT_OK) {
        clopt_file_abort(&f);
        return st;
    }
    return clopt_file_commit(&f, err);
}

/* ---- load ---- */

/* The open checkpoint: its size, and the CRC of every byte read so far. */
typedef struct {
    FILE *f;
    uint64_t size;
    uint32_t crc;
} reader;

static clopt_status truncated(clopt_error *err, uint64_t need, uint64_t have)
{
    return clopt_error_set(err, CLOPT_EFORMAT,
                           "checkpoint is truncated: it has %llu bytes, its header needs at "
                           "least %llu",
                           (unsigned long long)have, (unsigned long long)need);
}

/* Reads the next n bytes (the caller checked that the file holds them) into its CRC. */
static clopt_status next_bytes(reader *r, void *p, size_t n, clopt_error *err)
{
    if (fread(p, 1, n, r->f) != n)
        return clopt_error_set(err, CLOPT_EIO, "cannot read checkpoint: %s",
                               ferror(r->f) ? strerror(errno) : "it ended early");
    r->crc = clopt_crc32(r->crc, p, n);
    return CLOPT_OK;
}

/* Where the header's parts are, once its first 16 bytes are known. */
typedef struct {
    size_t clen, nt, ns;
    uint64_t floats;
} header;

/*
 * Reads and checks the header against the optimizer and the file's size: every size the rest
 * of the load allocates or reads comes from here, after it matched. On success *cfg, *it and
 * *ms hold the checkpoint's values and the reader stands at the first state float.
 */
static clopt_status read_header(const clopt_optimizer *o, reader *r, header *h, clopt_config *cfg,
                                uint64_t *it, clopt_running *run, clopt_error *err)
{
    unsigned char d[16 + CONFIG_MAX + 40], le[8];
    if (r->size < 16) return truncated(err, 16, r->size);
    if (next_bytes(r, d, 16, err) != CLOPT_OK) return CLOPT_EIO;
    if (memcmp(d, MAGIC, 8) != 0)
        return clopt_error_set(err, CLOPT_EFORMAT, "not a clopt checkpoint (bad magic bytes)");
    uint32_t version = (uint32_t)get_le(d + 8, 4);
    if (version < OLDEST_VERSION || version > VERSION)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint version %u; this clopt reads versions %u to %u", version,
                               OLDEST_VERSION, VERSION);
    h->clen = get_le(d + 12, 4);
    if (h->clen > CONFIG_MAX)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint config is %zu bytes (max %d)",
                               h->clen, CONFIG_MAX);
    const size_t pos = 16 + h->clen, head = pos + 24 + (version >= 3 ? 16 : 0);
    if (r->size < head) return truncated(err, head, r->size);
    if (next_bytes(r, d + 16, head - 16, err) != CLOPT_OK) return CLOPT_EIO;
    h->nt = get_le(d + pos + 16, 4);
    h->ns = get_le(d + pos + 20, 4);
    if (h->nt != o->lay.ntensors)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu tensors; this optimizer has %zu", h->nt,
                               o->lay.ntensors);
    if (r->size < head + 8 * (uint64_t)h->nt)
        return truncated(err, head + 8 * (uint64_t)h->nt, r->size);
    h->floats = 0;
    for (size_t t = 0; t < h->nt; t++) {
        if (next_bytes(r, le, 8, err) != CLOPT_OK) return CLOPT_EIO;
        uint64_t n = get_le(le, 8);
        if (n != o->lay.tensors[t].count)
            return clopt_error_set(err, CLOPT_EFORMAT,
                                   "tensor %zu has %llu floats in the checkpoint but %zu in "
                                   "this optimizer",
                                   t, (unsigned long long)n, o->lay.tensors[t].count);
        h->floats += n;
    }
    const uint64_t shapes = version >= 4 ? 8 * (uint64_t)h->nt : 0;
    if (r->size < head + 8 * (uint64_t)h->nt + shapes)
        return truncated(err, head + 8 * (uint64_t)h->nt + shapes, r->size);
    for (size_t t = 0; t < (version >= 4 ? h->nt : 0); t++) {
        if (next_bytes(r, le, 8, err) != CLOPT_OK) return CLOPT_EIO;
        const uint64_t rows = get_le(le, 4), cols = get_le(le + 4, 4);
        const clopt_tensor *ten = &o->lay.tensors[t];
        /* Only a matrix optimizer reads shapes; the others ignore them, here too. */
        if (clopt_catalogue_matrix(o->cfg.info->kind) && (rows != ten->rows || cols != ten->cols))
            return clopt_error_set(err, CLOPT_EFORMAT,
                                   "tensor %zu is a %llu x %llu matrix in the checkpoint but %zu "
                                   "x %zu in this optimizer",
                                   t, (unsigned long long)rows, (unsigned long long)cols, ten->rows,
                                   ten->cols);
    }
    if (h->ns > CLOPT_MAX_STATE)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu state buffers per "
                               "tensor; at most %d exist",
                               h->ns, CLOPT_MAX_STATE);
    if (version == 1 && h->ns > 2)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint version 1 has %zu state buffers per tensor; version 1 "
                               "(before AMSGrad) holds at most 2",
                               h->ns);
    /* No overflow: floats is this optimizer's, which its arenas already hold. */
    const uint64_t total = head + 8 * (uint64_t)h->nt + shapes + 4 * h->floats * h->ns + 4;
    if (r->size != total)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint is %s: %llu bytes, expected %llu for these tensors",
                               r->size < total ? "truncated" : "too long",
                               (unsigned long long)r->size, (unsigned long long)total);

    char config[CONFIG_MAX + 1];
    memcpy(config, d + 16, h->clen);
    config[h->clen] = '\0';
    clopt_error inner;
    clopt_error_clear(&inner);
    if (clopt_spec_parse(config, cfg, &inner) != CLOPT_OK)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint config is invalid: %s", inner.text);
    if (cfg->info != o->cfg.info)
        return clopt_error_set(err, CLOPT_EFORMAT, "checkpoint is for %s; this optimizer is %s",
                               cfg->info->name, o->cfg.info->name);
    /* The state its config needs, or the kind's full state (kept once switched on). */
    const size_t want = clopt_catalogue_state_count(cfg->info, cfg->v);
    if (h->ns != want && h->ns != cfg->info->full)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has %zu state buffers per tensor; %s with this "
                               "config keeps %zu",
                               h->ns, cfg->info->name, want);
    /* What a real optimizer can hold: it counts steps; m_schedule is 1 before the first and
     * then a product of factors in [0, 1) (Nadam's momentum schedule; 1 for every other). */
    *it = get_le(d + pos, 8);
    *run = clopt_running_start();
    const uint64_t bits[3] = {get_le(d + pos + 8, 8), get_le(d + pos + 24, 8),
                              get_le(d + pos + 32, 8)};
    memcpy(&run->m_schedule, &bits[0], sizeof run->m_schedule);
    if (version >= 3) {
        memcpy(&run->lr_max, &bits[1], sizeof run->lr_max);
        memcpy(&run->weight_sum, &bits[2], sizeof run->weight_sum);
    }
    const double ms = run->m_schedule;
    if (*it >= MAX_ITERATIONS)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint has taken %llu steps; expected fewer than 2^53",
                               (unsigned long long)*it);
    if (!(ms >= 0.0 && ms <= 1.0) || (*it == 0 && ms != 1.0))
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "checkpoint's m_schedule is %g after %llu steps; expected a number "
                               "in [0, 1] (1 before the first step)",
                               ms, (unsigned long long)*it);
    if (!isfinite(run->lr_max) || !isfinite(run->weight_sum) || run->weight_sum < 0.0)
        return clopt_error_set(
            err, CLOPT_EFORMAT,
            "checkpoint's schedule-free scalars are lr_max %g and weight sum %g; "
            "expected finite numbers, the sum not negative",
            run->lr_max, run->weight_sum);
    return CLOPT_OK;
}

/*
 * Streams the state into the new layout's arenas, PIECE bytes at a time, then reads the
 * checksum: the caller commits the layout only if everything, checksum included, matched.
 */
static clopt_status upload(clopt_optimizer *o, reader *r, clopt_layout *lay, clopt_error *err)
{
    size_t per = 1;
    for (size_t t = 0; t < lay->ntensors && lay->nstate > 0; t++)
        per = lay->tensors[t].count > per ? lay->tensors[t].count : per;
    per = per < PIECE / sizeof(float) ? per : PIECE / sizeof(float);
    unsigned char *raw = malloc(per * sizeof(float));
    float *tmp = malloc(per * sizeof(float));
    unsigned char le[4];
    clopt_status st = CLOPT_OK;
    if (!raw || !tmp) {
        free(raw);
        free(tmp);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory loading a checkpoint");
    }
    for (size_t t = 0; t < lay->ntensors; t++) {
        const clopt_tensor *ten = &lay->tensors[t];
        for (size_t s = 0; s < lay->nstate; s++)
            for (size_t done = 0; done < ten->count; done += per) {
                const size_t n = ten->count - done < per ? ten->count - done : per;
                if ((st = next_bytes(r, raw, n * sizeof(float), err)) != CLOPT_OK) goto fail;
                for (size_t i = 0; i < n; i++) {
                    uint32_t u = (uint32_t)get_le(raw + 4 * i, 4);
                    memcpy(&tmp[i], &u, sizeof u);
                }
                /* Blocking: tmp is refilled by the next piece. */
                CLOPT_CL_CHECK(err, "uploading checkpoint state",
                               clEnqueueWriteBuffer(o->ctx->queue, lay->state[s], CL_TRUE,
                                                    (ten->state_offset + done) * sizeof(cl_float),
                                                    n * sizeof(cl_float), tmp, 0, NULL, NULL));
            }
    }
    const uint32_t crc = r->crc;
    if (fread(le, 1, 4, r->f) != 4) {
        st = clopt_error_set(err, CLOPT_EIO, "cannot read checkpoint: %s",
                             ferror(r->f) ? strerror(errno) : "it ended early");
        goto fail;
    }
    if ((uint32_t)get_le(le, 4) != crc) {
        st = clopt_error_set(err, CLOPT_EFORMAT,
                             "checkpoint checksum mismatch: the file is corrupt");
        goto fail;
    }
    free(raw);
    free(tmp);
    return CLOPT_OK;
fail:
    free(raw);
    free(tmp);
    return clopt_fail_status(st);
}

clopt_status clopt_optimizer_load(clopt_optimizer *o, const char *path, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !path)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_load: %s is NULL",
                               !o ? "optimizer" : "path");
    reader r = {fopen(path, "rb"), 0, 0};
    if (!r.f)
        return clopt_error_set(err, CLOPT_EIO, "cannot open checkpoint '%.120s': %s", path,
                               strerror(errno));
    struct stat st_;
    if (fstat(fileno(r.f), &st_) != 0 || !S_ISREG(st_.st_mode)) {
        fclose(r.f);
        return clopt_error_set(err, CLOPT_EIO, "checkpoint '%.120s' is not a regular file", path);
    }
    r.size = (uint64_t)st_.st_size;
    header h;
    clopt_config cfg;
    uint64_t it;
    clopt_running run;
    clopt_tensor *tensors = NULL;
    clopt_layout lay;
    clopt_status st = read_header(o, &r, &h, &cfg, &it, &run, err);
    if (st == CLOPT_OK && o->lay.ntensors && !(tensors = malloc(o->lay.ntensors * sizeof *tensors)))
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory loading a checkpoint");
    if (st == CLOPT_OK) {
        if (tensors) memcpy(tensors, o->lay.tensors, o->lay.ntensors * sizeof *tensors);
        st = clopt_layout_build(o, tensors, o->lay.ntensors, h.ns, 1, &lay, err);
        if (st == CLOPT_OK && (st = upload(o, &r, &lay, err)) != CLOPT_OK)
            clopt_layout_release(&lay);
    }
    fclose(r.f);
    if (st == CLOPT_OK) {
        clopt_layout_commit(o, &lay);
        o->cfg = cfg;
        o->it = it;
        o->run = run;
        o->torn = 0;
    }
    return st;
}
