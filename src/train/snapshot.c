/*
 * Training checkpoints: a directory of training.json, N.weights, N.optimizer and, for Muon,
 * N.adamw (snapshot.h). Muon's companion added a file, not a field: the existing files keep
 * their layout (version 1), and code from before it refused to checkpoint Muon at all.
 */
#include "snapshot.h"

#include "error.h"
#include "file.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define FORMAT "clopt-training"
#define VERSION 1
#define MAGIC "CLOPTMLP"
#define HEADER 48 /* magic, version, 0, inputs, hidden, classes, epochs */

static void file_path(char *path, size_t size, const char *dir, size_t index, const char *name)
{
    if (index == (size_t)-1)
        snprintf(path, size, "%s/%s", dir, name);
    else
        snprintf(path, size, "%s/%zu.%s", dir, index, name);
}

static clopt_status make_dir(const char *dir, clopt_error *err)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return CLOPT_OK;
        return clopt_error_set(err, CLOPT_EIO, "checkpoint '%.200s' exists and is not a directory",
                               dir);
    }
    return clopt_error_set(err, CLOPT_EIO, "cannot create the checkpoint directory '%.200s': %s",
                           dir, strerror(errno));
}

clopt_status clopt_snapshot_write(const char *dir, const clopt_train_options *o, size_t examples,
                                  const clopt_train_result *r, size_t n, clopt_error *err)
{
    if (make_dir(dir, err) != CLOPT_OK) return CLOPT_EIO;
    json_t *list = json_array();
    json_t *root =
        json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "format", FORMAT, "version",
                  VERSION, "epochs", (json_int_t)o->epochs, "batch", (json_int_t)o->batch, "hidden",
                  (json_int_t)o->hidden, "seed", (json_int_t)o->seed, "limit", (json_int_t)o->limit,
                  "examples", (json_int_t)examples, "optimizers", list);
    int bad = !root;
    for (size_t i = 0; i < n && !bad; i++) {
        json_t *epochs = json_array();
        for (uint64_t e = 0; e < r[i].done && epochs; e++)
            bad |= json_array_append_new(
                epochs,
                json_pack("{s:f, s:f, s:f}", "train_loss", r[i].epochs[e].train_loss, "test_loss",
                          r[i].epochs[e].test_loss, "test_accuracy", r[i].epochs[e].accuracy));
        bad |= json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:f, s:f, s:o}", "spec", r[i].spec, "label",
                            r[i].label, "done", (json_int_t)r[i].done, "seconds", r[i].seconds,
                            "step_seconds", r[i].step_seconds, "epochs", epochs));
    }
    char *text = bad ? NULL : json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    if (!text)
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing a training checkpoint");
    char path[4200];
    file_path(path, sizeof path, dir, (size_t)-1, "training.json");
    clopt_status st = clopt_write_atomically(path, text, strlen(text), err);
    free(text);
    return st;
}

/* An integer member in [lo, hi]. */
static int member(json_t *obj, const char *name, uint64_t lo, uint64_t hi, uint64_t *out,
                  const char *path, clopt_error *err)
{
    json_t *v = json_object_get(obj, name);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) < lo ||
        (uint64_t)json_integer_value(v) > hi) {
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: \"%s\" must be an integer from %llu to %llu",
                        path, name, (unsigned long long)lo, (unsigned long long)hi);
        return -1;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int number(json_t *obj, const char *name, double *out, const char *path, clopt_error *err)
{
    json_t *v = json_object_get(obj, name);
    if (!json_is_number(v)) {
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: \"%s\" must be a number", path, name);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int read_result(json_t *v, clopt_train_result *r, uint64_t epochs, const char *path,
                       clopt_error *err)
{
    json_t *spec = json_object_get(v, "spec"), *list = json_object_get(v, "epochs");
    if (!json_is_string(spec) || !json_is_array(list)) {
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: an optimizer needs \"spec\" and \"epochs\"",
                        path);
        return -1;
    }
    if (clopt_train_result_init(r, json_string_value(spec), err) != CLOPT_OK) {
        char reason[sizeof err->text];
        snprintf(reason, sizeof reason, "%s", err ? err->text : "");
        clopt_error_clear(err);
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: %.200s", path, reason);
        return -1;
    }
    if (member(v, "done", 0, epochs, &r->done, path, err) ||
        number(v, "seconds", &r->seconds, path, err) ||
        number(v, "step_seconds", &r->step_seconds, path, err))
        return -1;
    if (json_array_size(list) != r->done) {
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: %zu epoch results for %llu epochs done", path,
                        json_array_size(list), (unsigned long long)r->done);
        return -1;
    }
    for (uint64_t e = 0; e < r->done; e++) {
        json_t *x = json_array_get(list, e);
        if (number(x, "train_loss", &r->epochs[e].train_loss, path, err) ||
            number(x, "test_loss", &r->epochs[e].test_loss, path, err) ||
            number(x, "test_accuracy", &r->epochs[e].accuracy, path, err))
            return -1;
    }
    return 0;
}

clopt_status clopt_snapshot_read(const char *dir, clopt_train_options *o, size_t *examples,
                                 clopt_train_result *r, size_t *n, clopt_error *err)
{
    char path[4200];
    file_path(path, sizeof path, dir, (size_t)-1, "training.json");
    FILE *f = fopen(path, "rb");
    if (!f)
        return clopt_error_set(err, CLOPT_EIO, "cannot open '%.200s': %s", path, strerror(errno));
    json_error_t jerr;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!root)
        return clopt_error_set(err, CLOPT_EFORMAT, "'%.200s' is not valid JSON (line %d): %s", path,
                               jerr.line, jerr.text);
    clopt_status st = CLOPT_EFORMAT;
    json_t *format = json_object_get(root, "format"), *list = json_object_get(root, "optimizers");
    uint64_t version, ex;
    if (!json_is_string(format) || strcmp(json_string_value(format), FORMAT) ||
        member(root, "version", VERSION, VERSION, &version, path, err)) {
        clopt_error_clear(err);
        clopt_error_set(err, CLOPT_EFORMAT,
                        "'%.200s' is not a clopt training checkpoint "
                        "(version %d)",
                        path, VERSION);
        goto done;
    }
    if (member(root, "epochs", 1, CLOPT_TRAIN_MAX_EPOCHS, &o->epochs, path, err) ||
        member(root, "batch", 1, CLOPT_TRAIN_MAX_BATCH, &o->batch, path, err) ||
        member(root, "hidden", 1, CLOPT_TRAIN_MAX_HIDDEN, &o->hidden, path, err) ||
        member(root, "seed", 0, INT64_MAX, &o->seed, path, err) ||
        member(root, "limit", 0, UINT32_MAX, &o->limit, path, err) ||
        member(root, "examples", 1, UINT32_MAX, &ex, path, err))
        goto done;
    if (!json_is_array(list) || json_array_size(list) < 1 ||
        json_array_size(list) > CLOPT_TRAIN_MAX_OPTIMIZERS) {
        clopt_error_set(err, CLOPT_EFORMAT, "%.200s: \"optimizers\" must list 1 to %d optimizers",
                        path, CLOPT_TRAIN_MAX_OPTIMIZERS);
        goto done;
    }
    *n = json_array_size(list);
    *examples = (size_t)ex;
    for (size_t i = 0; i < *n; i++)
        if (read_result(json_array_get(list, i), &r[i], CLOPT_TRAIN_MAX_EPOCHS, path, err))
            goto done;
    st = CLOPT_OK;
done:
    json_decref(root);
    return st;
}

static void put_le(unsigned char *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void header(unsigned char *h, const clopt_mlp *m, uint64_t epochs)
{
    memcpy(h, MAGIC, 8);
    put_le(h + 8, VERSION, 4);
    put_le(h + 12, 0, 4);
    put_le(h + 16, m->in, 8);
    put_le(h + 24, m->hidden, 8);
    put_le(h + 32, m->classes, 8);
    put_le(h + 40, epochs, 8);
}

clopt_status clopt_snapshot_save_model(const char *dir, size_t index, clopt_mlp *m,
                                       clopt_optimizer *o, clopt_optimizer *rest, uint64_t epochs,
                                       clopt_error *err)
{
    const size_t size = HEADER + 4 * m->nparams + 4;
    if (make_dir(dir, err) != CLOPT_OK) return CLOPT_EIO;
    unsigned char *b = malloc(size);
    if (!b) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory saving a model");
    header(b, m, epochs);
    float *p = malloc(m->nparams * sizeof *p);
    clopt_status st = CLOPT_ENOMEM;
    if (!p) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory saving a model");
        goto done;
    }
    CLOPT_CL_CHECK(err, "reading the model's parameters",
                   clEnqueueReadBuffer(clopt_context_queue(m->ctx), m->params, CL_TRUE, 0,
                                       m->nparams * sizeof *p, p, 0, NULL, NULL));
    for (size_t i = 0; i < m->nparams; i++) {
        uint32_t u;
        memcpy(&u, &p[i], 4);
        put_le(b + HEADER + 4 * i, u, 4);
    }
    put_le(b + size - 4, crc32(0L, b, (uInt)(size - 4)), 4);
    char path[4200];
    file_path(path, sizeof path, dir, index, "weights");
    if ((st = clopt_write_atomically(path, b, size, err)) != CLOPT_OK) goto done;
    file_path(path, sizeof path, dir, index, "optimizer");
    if ((st = clopt_optimizer_save(o, path, err)) != CLOPT_OK || !rest) goto done;
    file_path(path, sizeof path, dir, index, "adamw");
    st = clopt_optimizer_save(rest, path, err);
    goto done;
fail:
    st = err ? err->status : CLOPT_ECL;
done:
    free(p);
    free(b);
    return st;
}

/* Reads exactly `size` bytes of `path` into b; a shorter or longer file is refused. */
static clopt_status read_exact(const char *path, unsigned char *b, size_t size, clopt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return clopt_error_set(err, CLOPT_EIO, "cannot open '%.200s': %s", path, strerror(errno));
    const size_t got = fread(b, 1, size, f);
    const int more = fgetc(f) != EOF, failed = ferror(f);
    fclose(f);
    if (failed) return clopt_error_set(err, CLOPT_EIO, "cannot read '%.200s'", path);
    if (got != size || more)
        return clopt_error_set(err, CLOPT_EFORMAT,
                               "'%.200s' has %s%zu bytes; a model of this shape has %zu", path,
                               more ? "more than " : "", got, size);
    return CLOPT_OK;
}

/* An optimizer's state from DIR/N.<name>, after epochs x batches steps. */
static clopt_status load_state(const char *dir, size_t index, const char *name, clopt_optimizer *o,
                               uint64_t epochs, size_t batches, clopt_error *err)
{
    char path[4200];
    file_path(path, sizeof path, dir, index, name);
    clopt_error inner; /* the library's sentence, with the file it is about */
    clopt_error_clear(&inner);
    clopt_status st = clopt_optimizer_load(o, path, &inner);
    if (st != CLOPT_OK) return clopt_error_set(err, st, "'%.100s': %s", path, inner.text);
    if (clopt_optimizer_iterations(o) != epochs * batches)
        st = clopt_error_set(err, CLOPT_EFORMAT,
                             "'%.200s' has taken %llu steps; %llu epochs of "
                             "%zu batches are %llu",
                             path, (unsigned long long)clopt_optimizer_iterations(o),
                             (unsigned long long)epochs, batches,
                             (unsigned long long)(epochs * batches));
    return st;
}

/* Muon's companion file is there (before anything is loaded), or the reason it is not. */
static clopt_status has_companion(const char *dir, size_t index, clopt_error *err)
{
    char path[4200];
    file_path(path, sizeof path, dir, index, "adamw");
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        return CLOPT_OK;
    }
    return clopt_error_set(err, errno == ENOENT ? CLOPT_EFORMAT : CLOPT_EIO,
                           "cannot open '%.100s' (%s): model %zu trains with Muon, whose AdamW "
                           "companion (biases and the output layer) keeps its state there, "
                           "beside %zu.optimizer",
                           path, strerror(errno), index, index);
}

clopt_status clopt_snapshot_load_model(const char *dir, size_t index, clopt_mlp *m,
                                       clopt_optimizer *o, clopt_optimizer *rest, uint64_t epochs,
                                       size_t batches, clopt_error *err)
{
    const size_t size = HEADER + 4 * m->nparams + 4;
    unsigned char *b = malloc(size), want[HEADER];
    float *p = malloc(m->nparams * sizeof *p);
    char path[4200];
    clopt_status st = CLOPT_EFORMAT;
    file_path(path, sizeof path, dir, index, "weights");
    if (!b || !p) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory loading a model");
        goto done;
    }
    if ((st = read_exact(path, b, size, err)) != CLOPT_OK) goto done;
    header(want, m, epochs);
    if (memcmp(b, want, 16)) {
        st = clopt_error_set(err, CLOPT_EFORMAT, "'%.200s' is not a clopt model (version %d)", path,
                             VERSION);
        goto done;
    }
    if (memcmp(b + 16, want + 16, 24)) {
        st = clopt_error_set(err, CLOPT_EFORMAT,
                             "'%.200s' is a %llu-%llu-%llu model; expected "
                             "%zu-%zu-%zu",
                             path, (unsigned long long)get_le(b + 16, 8),
                             (unsigned long long)get_le(b + 24, 8),
                             (unsigned long long)get_le(b + 32, 8), m->in, m->hidden, m->classes);
        goto done;
    }
    if (get_le(b + 40, 8) != epochs) {
        st = clopt_error_set(err, CLOPT_EFORMAT,
                             "'%.200s' holds the model after %llu epochs, "
                             "training.json says %llu (was a save interrupted?)",
                             path, (unsigned long long)get_le(b + 40, 8),
                             (unsigned long long)epochs);
        goto done;
    }
    if (get_le(b + size - 4, 4) != crc32(0L, b, (uInt)(size - 4))) {
        st = clopt_error_set(err, CLOPT_EFORMAT, "'%.200s' is corrupt (checksum mismatch)", path);
        goto done;
    }
    if ((rest && (st = has_companion(dir, index, err)) != CLOPT_OK) ||
        (st = load_state(dir, index, "optimizer", o, epochs, batches, err)) != CLOPT_OK ||
        (rest && (st = load_state(dir, index, "adamw", rest, epochs, batches, err)) != CLOPT_OK))
        goto done;
    for (size_t i = 0; i < m->nparams; i++) {
        const uint32_t u = (uint32_t)get_le(b + HEADER + 4 * i, 4);
        memcpy(&p[i], &u, 4);
    }
    CLOPT_CL_CHECK(err, "restoring the model's parameters",
                   clEnqueueWriteBuffer(clopt_context_queue(m->ctx), m->params, CL_TRUE, 0,
                                        m->nparams * sizeof *p, p, 0, NULL, NULL));
    st = CLOPT_OK;
    goto done;
fail:
    st = err ? err->status : CLOPT_ECL;
done:
    free(p);
    free(b);
    return st;
}
