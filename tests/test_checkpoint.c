/* Checkpoints: bit-identical continuation, and every kind of bad file refused harmlessly. */
#include "harness.h"

#include "file.h"
#include "optimizer.h"

#include <dirent.h>
#include <math.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define N0 37
#define N1 1030

typedef struct {
    clopt_optimizer *o;
    cl_mem p, g;
} rig;

/* An optimizer over two tensors sharing one buffer, parameters from `init`. */
static rig rig_make(const char *spec, const float *init, size_t n1)
{
    rig r;
    clopt_error err;
    r.p = test_buffer(N0 + n1, init);
    r.g = test_buffer(N0 + n1, NULL);
    r.o = clopt_optimizer_create(test_context(), spec, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.o);
    /* Muon takes matrices: each tensor as one row */
    const size_t rows = clopt_catalogue_matrix(r.o->cfg.info->kind) ? 1 : 0;
    CU_ASSERT_EQUAL(rows ? clopt_optimizer_add_matrix(r.o, r.p, r.g, 0, 1, N0, &err)
                         : clopt_optimizer_add(r.o, r.p, r.g, 0, N0, &err),
                    CLOPT_OK);
    CU_ASSERT_EQUAL(rows ? clopt_optimizer_add_matrix(r.o, r.p, r.g, N0, 1, n1, &err)
                         : clopt_optimizer_add(r.o, r.p, r.g, N0, n1, &err),
                    CLOPT_OK);
    return r;
}

static void rig_free(rig *r)
{
    clopt_optimizer_release(r->o);
    clReleaseMemObject(r->p);
    clReleaseMemObject(r->g);
}

/* Steps with gradients that depend only on (seed, step), so two rigs see the same ones. */
static void rig_steps(rig *r, uint64_t first, uint64_t count)
{
    float g[N0 + N1];
    clopt_error err;
    for (uint64_t s = first; s < first + count; s++) {
        uint64_t rng = 0x1234567ULL + s * 7919;
        for (size_t i = 0; i < N0 + N1; i++)
            g[i] = test_uniform(&rng);
        test_write(r->g, 0, N0 + N1, g);
        CU_ASSERT_EQUAL(clopt_optimizer_step(r->o, &err), CLOPT_OK);
    }
}

static char *temp_path(const char *name)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/clopt-test-%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(),
             name);
    return path;
}

/*
 * Every kind of the catalogue, again with its optional state on (SGD's momentum, amsgrad),
 * and a few options that change the step (decay, clipping).
 */
static size_t continuation_specs(char specs[][96])
{
    size_t n = 0;
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        snprintf(specs[n++], 96, "%s(%sclipvalue=0.5)", info->key,
                 clopt_catalogue_takes(info, CLOPT_P_DECAY) ? "decay=0.01, " : "");
        if (info->lean < info->full) {
            const clopt_param_info *sw = clopt_catalogue_param(info->state_switch);
            snprintf(specs[n++], 96, "%s(%s=%s, clipnorm=3)", info->key, sw->name,
                     sw->range == CLOPT_RANGE_BOOL ? "True" : "0.9");
        }
    }
    snprintf(specs[n++], 96, "sgd(momentum=0.9, nesterov=True, decay=0.01)");
    snprintf(specs[n++], 96, "nadam");
    return n;
}

static void test_loaded_optimizer_continues_bit_identically(void)
{
    char specs[2 * CLOPT_KIND_COUNT + 2][96];
    const size_t nspecs = continuation_specs(specs);
    float init[N0 + N1], at_save[N0 + N1], a[N0 + N1], b[N0 + N1];
    uint64_t rng = 99;
    for (size_t i = 0; i < N0 + N1; i++)
        init[i] = test_uniform(&rng);
    const char *path = temp_path("cont.ckpt");
    for (size_t k = 0; k < nspecs; k++) {
        clopt_error err;
        rig one = rig_make(specs[k], init, N1);
        rig_steps(&one, 0, 7);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(one.o, path, &err), CLOPT_OK);
        test_read(one.p, 0, N0 + N1, at_save);
        rig_steps(&one, 7, 9);
        test_read(one.p, 0, N0 + N1, a);

        rig two = rig_make(specs[k], at_save, N1);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_load(two.o, path, &err), CLOPT_OK);
        CU_ASSERT_EQUAL(clopt_optimizer_iterations(two.o), 7);
        rig_steps(&two, 7, 9);
        test_read(two.p, 0, N0 + N1, b);
        CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
        if (memcmp(a, b, sizeof a) != 0) fprintf(stderr, "\n  %s: resumed run differs\n", specs[k]);
        rig_free(&one);
        rig_free(&two);
    }
    unlink(path);
}

/*
 * Checkpoints of format version 1, written by clopt before AMSGrad (tests/data/adam-v1.bin,
 * sgd-v1.bin: Adam(lr=0.01, beta_1=0.8) and SGD(lr=0.1, momentum=0.9) on p = 1, -2, 3, -4, 5 after
 * three steps with g_i = +-0.1 (i + 1)), load and hold what a fresh optimizer computes.
 */
static void test_version_1_checkpoints_still_load(void)
{
    const char *specs[] = {"Adam(lr=0.01, beta_1=0.8)", "SGD(lr=0.1, momentum=0.9)"};
    /* $CLOPT_TEST_DATA where set (tools/device-check's bundle), else the source tree's */
    const char *dir = getenv("CLOPT_TEST_DATA") ? getenv("CLOPT_TEST_DATA") : CLOPT_TEST_DATA;
    const char *names[] = {"adam-v1.bin", "sgd-v1.bin"};
    char files[2][4096];
    for (size_t s = 0; s < 2; s++)
        snprintf(files[s], sizeof files[s], "%s/%s", dir, names[s]);
    for (size_t s = 0; s < 2; s++) {
        clopt_error err;
        float p[5] = {1, -2, 3, -4, 5}, g[5], want[5], got[5];
        cl_mem pm = test_buffer(5, p), gm = test_buffer(5, NULL);
        clopt_optimizer *fresh = clopt_optimizer_create(test_context(), specs[s], &err);
        clopt_optimizer *loaded = clopt_optimizer_create(test_context(), specs[s], &err);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(fresh, pm, gm, 0, 5, &err), CLOPT_OK);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(loaded, pm, gm, 0, 5, &err), CLOPT_OK);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 5; i++)
                g[i] = 0.1f * (float)(i + 1) * (k % 2 ? -1.0f : 1.0f);
            test_write(gm, 0, 5, g);
            CU_ASSERT_EQUAL(clopt_optimizer_step(fresh, &err), CLOPT_OK);
        }
        CU_ASSERT_EQUAL(clopt_optimizer_load(loaded, files[s], &err), CLOPT_OK);
        if (err.status != CLOPT_OK) fprintf(stderr, "\n  %s: %s\n", files[s], err.text);
        CU_ASSERT_EQUAL(clopt_optimizer_iterations(loaded), 3);
        const clopt_optimizer_info *info = fresh->cfg.info;
        CU_ASSERT_EQUAL(loaded->lay.nstate, info->kind == CLOPT_SGD ? 1 : 2);
        for (size_t b = 0; b < loaded->lay.nstate; b++) {
            CU_ASSERT_EQUAL(clopt_optimizer_read_state(fresh, 0, b, want, &err), CLOPT_OK);
            CU_ASSERT_EQUAL(clopt_optimizer_read_state(loaded, 0, b, got, &err), CLOPT_OK);
            CU_ASSERT_EQUAL(memcmp(want, got, sizeof want), 0);
        }
        clopt_optimizer_release(fresh);
        clopt_optimizer_release(loaded);
        clReleaseMemObject(pm);
        clReleaseMemObject(gm);
    }
}

static void write_file(const char *path, const unsigned char *d, size_t len)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(d, 1, len, f), len);
    fclose(f);
}

/*
 * Version 2, written before schedule-free's two scalars: the same file without the 16 bytes
 * after the state count (made here from a version-3 save, its CRC recomputed). Nadam, whose
 * m_schedule both versions keep, continues bit-identically after loading it.
 */
static void test_version_2_checkpoints_still_load(void)
{
    clopt_error err;
    float p[5] = {1, -2, 3, -4, 5}, g[5] = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f}, a[5], b[5];
    cl_mem pm = test_buffer(5, p), gm = test_buffer(5, g), pm2 = test_buffer(5, NULL);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "nadam(lr=0.01)", &err);
    clopt_optimizer *back = clopt_optimizer_create(test_context(), "nadam", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, pm, gm, 0, 5, &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(back, pm2, gm, 0, 5, &err), CLOPT_OK);
    for (int k = 0; k < 3; k++)
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    char path[] = "/tmp/clopt-v2-XXXXXX";
    const int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(o, path, &err), CLOPT_OK);
    unsigned char d[4096];
    FILE *f = fopen(path, "rb");
    const size_t len = fread(d, 1, sizeof d, f);
    fclose(f);
    CU_ASSERT_FATAL(len > 64 && len < sizeof d);
    const size_t clen = d[12] | (size_t)d[13] << 8, cut = 16 + clen + 24;
    CU_ASSERT_EQUAL(d[8], 4);
    d[8] = 2;
    memmove(d + cut, d + cut + 16, len - cut - 16);
    /* and version 4's shapes after the one tensor's size */
    const size_t shapes = cut + 8;
    memmove(d + shapes, d + shapes + 8, len - 16 - shapes - 8);
    const size_t len2 = len - 16 - 8;
    const uint32_t crc = clopt_crc32(0, d, len2 - 4);
    for (int i = 0; i < 4; i++)
        d[len2 - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
    write_file(path, d, len2);
    test_read(pm, 0, 5, a);
    test_write(pm2, 0, 5, a);
    CU_ASSERT_EQUAL(clopt_optimizer_load(back, path, &err), CLOPT_OK);
    if (err.status != CLOPT_OK) fprintf(stderr, "\n  %s\n", err.text);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(back), 3);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(back, &err), CLOPT_OK);
    test_read(pm, 0, 5, a);
    test_read(pm2, 0, 5, b);
    CU_ASSERT(memcmp(a, b, sizeof a) == 0);
    unlink(path);
    clopt_optimizer_release(o);
    clopt_optimizer_release(back);
    clReleaseMemObject(pm);
    clReleaseMemObject(pm2);
    clReleaseMemObject(gm);
}

static void test_load_restores_hyperparameters(void)
{
    float init[N0 + N1] = {0};
    clopt_error err;
    double v;
    const char *path = temp_path("hyper.ckpt");
    rig one = rig_make("adam(lr=0.5, beta_2=0.9)", init, N1);
    CU_ASSERT_EQUAL(clopt_optimizer_save(one.o, path, &err), CLOPT_OK);
    rig two = rig_make("adam", init, N1);
    CU_ASSERT_EQUAL(clopt_optimizer_load(two.o, path, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_get(two.o, "lr", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 0.5);
    CU_ASSERT_EQUAL(clopt_optimizer_get(two.o, "beta_2", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 0.9);
    rig_free(&one);
    rig_free(&two);
    unlink(path);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    unsigned char *d = malloc(*len);
    CU_ASSERT_EQUAL(fread(d, 1, *len, f), *len);
    fclose(f);
    return d;
}

/* Loads `path` into r, expects CLOPT_EFORMAT (or st) naming `needle`, and no change. */
static void expect_refused(rig *r, const char *path, clopt_status st, const char *needle)
{
    clopt_error err;
    float before[2][N1], after[2][N1], pb[N0 + N1], pa[N0 + N1];
    uint64_t it = clopt_optimizer_iterations(r->o);
    char *cfg = clopt_optimizer_config(r->o);
    for (size_t s = 0; s < r->o->lay.nstate; s++)
        clopt_optimizer_read_state(r->o, 1, s, before[s], NULL);
    test_read(r->p, 0, N0 + N1, pb);
    CU_ASSERT_EQUAL(clopt_optimizer_load(r->o, path, &err), st);
    ASSERT_ERROR(err, st, needle);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(r->o), it);
    char *cfg2 = clopt_optimizer_config(r->o);
    CU_ASSERT_STRING_EQUAL(cfg, cfg2);
    for (size_t s = 0; s < r->o->lay.nstate; s++) {
        clopt_optimizer_read_state(r->o, 1, s, after[s], NULL);
        CU_ASSERT_EQUAL(memcmp(before[s], after[s], sizeof before[s]), 0);
    }
    test_read(r->p, 0, N0 + N1, pa);
    CU_ASSERT_EQUAL(memcmp(pb, pa, sizeof pa), 0);
    free(cfg);
    free(cfg2);
}

static void test_load_rejects_bad_checkpoints_and_keeps_state(void)
{
    float init[N0 + N1] = {0};
    clopt_error err;
    const char *good = strdup(temp_path("good.ckpt"));
    const char *bad = strdup(temp_path("bad.ckpt"));
    rig src = rig_make("adam(lr=0.01)", init, N1);
    rig_steps(&src, 0, 3);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(src.o, good, &err), CLOPT_OK);
    size_t len;
    unsigned char *d = read_file(good, &len);
    unsigned char *m = malloc(len + 16);

    rig dst = rig_make("adam(lr=0.2)", init, N1);
    rig_steps(&dst, 100, 2); /* dst has state of its own that must survive */

    size_t cuts[] = {0, 7, 15, 40, len / 2, len - 5, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_file(bad, d, cuts[i]);
        expect_refused(&dst, bad, CLOPT_EFORMAT, "truncated");
    }
    memcpy(m, d, len);
    m[len - 100] ^= 0x40; /* one bit of one state float */
    write_file(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "checksum mismatch");
    memcpy(m, d, len);
    m[len - 1] ^= 0x01; /* the checksum itself */
    write_file(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "checksum mismatch");
    memcpy(m, d, len);
    memset(m + len, 0, 16);
    write_file(bad, m, len + 16);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "too long");
    memcpy(m, d, len);
    m[0] = 'X';
    write_file(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "not a clopt checkpoint");
    memcpy(m, d, len);
    m[8] = 9;
    write_file(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT,
                   "checkpoint version 9; this clopt reads versions 1 to 4");
    expect_refused(&dst, "/nonexistent/dir/x.ckpt", CLOPT_EIO, "cannot open checkpoint");

    /* A checkpoint of another kind, other sizes or another tensor count. */
    rig rms = rig_make("rmsprop", init, N1);
    CU_ASSERT_EQUAL(clopt_optimizer_save(rms.o, bad, &err), CLOPT_OK);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "checkpoint is for RMSprop; this optimizer is Adam");
    rig other = rig_make("adam", init, N1 - 1);
    CU_ASSERT_EQUAL(clopt_optimizer_save(other.o, bad, &err), CLOPT_OK);
    expect_refused(&dst, bad, CLOPT_EFORMAT,
                   "tensor 1 has 1029 floats in the checkpoint but 1030 in this optimizer");
    clopt_optimizer *lone = clopt_optimizer_create(test_context(), "adam", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add(lone, dst.p, dst.g, 0, N0, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_save(lone, bad, &err), CLOPT_OK);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "checkpoint has 1 tensors; this optimizer has 2");
    CU_ASSERT_EQUAL(clopt_optimizer_load(NULL, good, &err), CLOPT_EINVAL);
    CU_ASSERT_EQUAL(clopt_optimizer_load(dst.o, NULL, &err), CLOPT_EINVAL);

    /* After all that, the good file still loads. */
    CU_ASSERT_EQUAL(clopt_optimizer_load(dst.o, good, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(dst.o), 3);

    clopt_optimizer_release(lone);
    rig_free(&src);
    rig_free(&dst);
    rig_free(&rms);
    rig_free(&other);
    unlink(good);
    unlink(bad);
    free(d);
    free(m);
    free((void *)good);
    free((void *)bad);
}

/* Writes a checkpoint's bytes with the checksum of what they now say. */
static void write_with_crc(const char *path, unsigned char *d, size_t len)
{
    const uint32_t crc = clopt_crc32(0, d, len - 4);
    for (size_t k = 0; k < 4; k++)
        d[len - 4 + k] = (unsigned char)(crc >> (8 * k));
    write_file(path, d, len);
}

static void put_u64(unsigned char *d, uint64_t v)
{
    for (size_t k = 0; k < 8; k++)
        d[k] = (unsigned char)(v >> (8 * k));
}

/*
 * Header fields a real optimizer cannot hold, each in a file whose checksum is right: Nadam's
 * m_schedule NaN or 2, 2^64 - 1 iterations, a version-1 file with three state buffers. Each
 * once loaded, and the next step made every parameter NaN.
 */
static void test_load_rejects_headers_no_optimizer_can_hold(void)
{
    float init[N0 + N1] = {0};
    clopt_error err;
    const char *good = strdup(temp_path("nadam.ckpt"));
    const char *bad = strdup(temp_path("nadam-bad.ckpt"));
    rig src = rig_make("nadam(lr=0.01)", init, N1);
    rig_steps(&src, 0, 3);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(src.o, good, &err), CLOPT_OK);
    size_t len;
    unsigned char *d = read_file(good, &len);
    unsigned char *m = malloc(len);
    const size_t at = 16 + (size_t)(d[12] | d[13] << 8 | d[14] << 16 | (size_t)d[15] << 24);
    rig dst = rig_make("nadam(lr=0.2)", init, N1);
    rig_steps(&dst, 100, 2);

    const double nan = NAN, two = 2.0;
    const double *ms[] = {&nan, &two};
    for (size_t i = 0; i < 2; i++) {
        uint64_t bits;
        memcpy(&bits, ms[i], sizeof bits);
        memcpy(m, d, len);
        put_u64(m + at + 8, bits);
        write_with_crc(bad, m, len);
        expect_refused(&dst, bad, CLOPT_EFORMAT, "checkpoint's m_schedule is");
    }
    memcpy(m, d, len);
    put_u64(m + at, 0); /* no step yet, but a schedule already moved */
    write_with_crc(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT, "(1 before the first step)");
    memcpy(m, d, len);
    put_u64(m + at, UINT64_MAX);
    write_with_crc(bad, m, len);
    expect_refused(&dst, bad, CLOPT_EFORMAT,
                   "checkpoint has taken 18446744073709551615 steps; expected fewer than 2^53");

    /* version 1 was written before AMSGrad's third buffer */
    rig ams = rig_make("adam(amsgrad=True)", init, N1);
    rig_steps(&ams, 0, 1);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(ams.o, good, &err), CLOPT_OK);
    free(d);
    d = read_file(good, &len);
    /* version 3 added the schedule-free scalars (16 bytes after the first 24 of the header):
     * the same file as version 1 and 2 wrote it has them cut out */
    const size_t at3 = 16 + (size_t)(d[12] | d[13] << 8 | d[14] << 16 | (size_t)d[15] << 24);
    memmove(d + at3 + 24, d + at3 + 40, len - (at3 + 40));
    len -= 16;
    /* and version 4's shapes (two tensors) after the sizes */
    memmove(d + at3 + 40, d + at3 + 56, len - (at3 + 56));
    len -= 16;
    d[8] = 1;
    write_with_crc(bad, d, len);
    rig dst3 = rig_make("adam(amsgrad=True)", init, N1);
    CU_ASSERT_EQUAL(clopt_optimizer_load(dst3.o, bad, &err), CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT,
                 "checkpoint version 1 has 3 state buffers per tensor; version 1 (before "
                 "AMSGrad) holds at most 2");
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(dst3.o), 0);
    d[8] = 2;
    write_with_crc(bad, d, len);
    CU_ASSERT_EQUAL(clopt_optimizer_load(dst3.o, bad, &err), CLOPT_OK);

    rig_free(&src);
    rig_free(&dst);
    rig_free(&ams);
    rig_free(&dst3);
    unlink(good);
    unlink(bad);
    free(d);
    free(m);
    free((void *)good);
    free((void *)bad);
}

static void test_save_leaves_no_partial_file(void)
{
    float init[N0 + N1] = {0};
    clopt_error err;
    rig r = rig_make("nadam", init, N1);
    CU_ASSERT_EQUAL(clopt_optimizer_save(r.o, "/nonexistent/dir/x.ckpt", &err), CLOPT_EIO);
    ASSERT_ERROR(err, CLOPT_EIO, "cannot create a temporary file beside '/nonexistent/dir/x.ckpt'");
    CU_ASSERT_EQUAL(clopt_optimizer_save(NULL, "x", &err), CLOPT_EINVAL);
    CU_ASSERT_EQUAL(clopt_optimizer_save(r.o, NULL, &err), CLOPT_EINVAL);

    char dir[] = "/tmp/clopt-ckpt-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/a.ckpt", dir);
    CU_ASSERT_EQUAL(clopt_optimizer_save(r.o, path, &err), CLOPT_OK);
    rig_steps(&r, 0, 2);
    CU_ASSERT_EQUAL(clopt_optimizer_save(r.o, path, &err), CLOPT_OK); /* replaces it */
    DIR *dh = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(dh));)
        entries += e->d_name[0] != '.';
    closedir(dh);
    CU_ASSERT_EQUAL(entries, 1); /* no temporary file left behind */
    unlink(path);
    rmdir(dir);
    rig_free(&r);
}

CU_TestInfo checkpoint_tests[] = {
    {"version 1 checkpoints still load", test_version_1_checkpoints_still_load},
    {"version 2 checkpoints still load", test_version_2_checkpoints_still_load},
    {"a loaded optimizer continues bit-identically",
     test_loaded_optimizer_continues_bit_identically},
    {"load restores hyperparameters", test_load_restores_hyperparameters},
    {"load rejects bad checkpoints and keeps state",
     test_load_rejects_bad_checkpoints_and_keeps_state},
    {"load rejects headers no optimizer can hold", test_load_rejects_headers_no_optimizer_can_hold},
    {"save leaves no partial file", test_save_leaves_no_partial_file},
    CU_TEST_INFO_NULL,
};
