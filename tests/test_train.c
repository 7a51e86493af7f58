/* Training: the IDX loader, the MLP's gradients, and a short training that learns. */
#include "harness.h"

#include "train/idx.h"
#include "train/mlp.h"
#include "train/snapshot.h"
#include "train/trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Writes an IDX file (gzip when gz) with the given header words and `n` data bytes. */
static void write_idx(const char *path, int gz, const uint32_t *head, int nhead,
                      const uint8_t *data, size_t n)
{
    uint8_t h[16];
    for (int i = 0; i < nhead; i++) {
        h[4 * i] = (uint8_t)(head[i] >> 24);
        h[4 * i + 1] = (uint8_t)(head[i] >> 16);
        h[4 * i + 2] = (uint8_t)(head[i] >> 8);
        h[4 * i + 3] = (uint8_t)head[i];
    }
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, h, (unsigned)(4 * nhead));
        if (n) gzwrite(f, data, (unsigned)n);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(h, 4, (size_t)nhead, f);
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static void test_idx_reads_images_and_labels_plain_and_gzip(void)
{
    char path[] = "/tmp/clopt-idx-XXXXXX";
    close(mkstemp(path));
    uint8_t data[12];
    for (int i = 0; i < 12; i++)
        data[i] = (uint8_t)(i * 20);
    const uint32_t images[] = {0x0803, 2, 2, 3}, labels[] = {0x0801, 12};
    for (int gz = 0; gz < 2; gz++) {
        clopt_idx idx;
        clopt_error err = {0};
        write_idx(path, gz, images, 4, data, 12);
        CU_ASSERT_EQUAL_FATAL(clopt_idx_load(path, 3, &idx, &err), CLOPT_OK);
        CU_ASSERT_EQUAL(idx.dims[0], 2);
        CU_ASSERT_EQUAL(idx.dims[1], 2);
        CU_ASSERT_EQUAL(idx.dims[2], 3);
        CU_ASSERT_EQUAL(idx.size, 12);
        CU_ASSERT_EQUAL(memcmp(idx.data, data, 12), 0);
        clopt_idx_free(&idx);
        write_idx(path, gz, labels, 2, data, 12);
        CU_ASSERT_EQUAL_FATAL(clopt_idx_load(path, 1, &idx, &err), CLOPT_OK);
        CU_ASSERT_EQUAL(idx.dims[0], 12);
        CU_ASSERT_EQUAL(idx.data[11], 220);
        clopt_idx_free(&idx);
    }
    unlink(path);
}

static void test_idx_rejects_bad_files_with_a_reason(void)
{
    char path[] = "/tmp/clopt-idx-XXXXXX";
    close(mkstemp(path));
    uint8_t data[16] = {0};
    struct {
        uint32_t head[4];
        int nhead;
        size_t n;
        const char *needle;
    } cases[] = {
        {{0x0803, 2, 2, 3}, 4, 11, "truncated: the header promises 12 bytes"},
        {{0x0803, 2, 2, 3}, 4, 13, "has bytes after the 12"},
        {{0x0801, 12}, 2, 12, "expected 0x00000803"},
        {{0x0D03, 2, 2, 3}, 4, 12, "magic number 0x00000d03"},
        {{0x0803, 0, 2, 3}, 4, 0, "dimension 0 is 0"},
        {{0x0803, 2, 2}, 3, 0, "truncated in its header"},
        {{0x0803, 2, 5000, 1}, 4, 0, "dimension 1 is 5000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_idx(path, (int)(i % 2), cases[i].head, cases[i].nhead, data, cases[i].n);
        clopt_idx idx;
        clopt_error err = {0};
        CU_ASSERT_NOT_EQUAL(clopt_idx_load(path, 3, &idx, &err), CLOPT_OK);
        ASSERT_ERROR(err, CLOPT_EFORMAT, cases[i].needle);
        CU_ASSERT_PTR_NULL(idx.data);
    }
    clopt_idx idx;
    clopt_error err = {0};
    CU_ASSERT_EQUAL(clopt_idx_load("/nonexistent/x.gz", 3, &idx, &err), CLOPT_EIO);
    ASSERT_ERROR(err, CLOPT_EIO, "cannot open /nonexistent/x.gz");
    unlink(path);
}

/* A tiny data set: n images of `in` pixels, class k lights up pixels of block k. */
static void synthetic(size_t n, size_t in, uint8_t *images, uint8_t *labels, uint64_t seed)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        const unsigned k = (unsigned)((test_uniform(&s) + 1.0f) * 5.0f) % 10;
        labels[i] = (uint8_t)k;
        for (size_t p = 0; p < in; p++) {
            const int on = p / (in / 10) == k;
            images[i * in + p] =
                (uint8_t)(on ? 200 + 50 * test_uniform(&s) : 60 + 50 * test_uniform(&s));
        }
    }
}

static cl_mem bytes(const void *data, size_t n)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(clopt_context_cl(test_context()),
                              CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, n, (void *)data, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    return m;
}

/* A model on the shared context, from its own build of cl/mlp.cl. */
static clopt_mlp *model(size_t in, size_t hidden, size_t classes, size_t max_batch,
                        const float *init, clopt_error *err)
{
    cl_program program = clopt_mlp_build(test_context(), err);
    if (!program) return NULL;
    clopt_mlp *m =
        clopt_mlp_create(test_context(), program, in, hidden, classes, max_batch, init, err);
    clReleaseProgram(program);
    return m;
}

static void test_mlp_gradients_match_finite_differences(void)
{
    enum { N = 8, IN = 20, HID = 6, CLS = 10 };
    uint8_t images[N * IN], labels[N];
    uint32_t order[N];
    synthetic(N, IN, images, labels, 3);
    for (uint32_t i = 0; i < N; i++)
        order[i] = i;
    const size_t np = IN * HID + HID + HID * CLS + CLS;
    float init[IN * HID + HID + HID * CLS + CLS], grads[IN * HID + HID + HID * CLS + CLS];
    clopt_mlp_glorot(init, IN, HID, CLS, 5);
    for (size_t i = IN * HID; i < IN * HID + HID; i++) /* biases away from ReLU's kink */
        init[i] = 0.05f;
    clopt_error err = {0};
    clopt_mlp *m = model(IN, HID, CLS, N, init, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    cl_mem im = bytes(images, sizeof images), lb = bytes(labels, sizeof labels),
           od = bytes(order, sizeof order);
    double loss;
    size_t right;
    CU_ASSERT_EQUAL(clopt_mlp_batch(m, im, lb, od, 0, N, N, &loss, &right, &err), CLOPT_OK);
    test_read(m->grads, 0, np, grads);
    /* Central differences of the mean loss, in double from float losses: h = 1e-2. */
    size_t checked = 0, bad = 0;
    double worst = 0;
    for (size_t i = 0; i < np; i += 3) {
        const float h = 1e-2f, saved = init[i];
        double up, down;
        float v = saved + h;
        test_write(m->params, i, 1, &v);
        clopt_mlp_batch(m, im, lb, od, 0, N, 0, &up, &right, &err);
        v = saved - h;
        test_write(m->params, i, 1, &v);
        clopt_mlp_batch(m, im, lb, od, 0, N, 0, &down, &right, &err);
        test_write(m->params, i, 1, &saved);
        const double fd = (up - down) / (2.0 * h * N);
        const double tol = 2e-4 + 0.03 * fabs(fd);
        const double e = fabs(fd - grads[i]) / tol;
        worst = e > worst ? e : worst;
        bad += e > 1;
        checked++;
    }
    fprintf(stderr, "\n  %zu gradients checked, worst %.2f of the tolerance\n", checked, worst);
    CU_ASSERT_EQUAL(bad, 0);
    clReleaseMemObject(im);
    clReleaseMemObject(lb);
    clReleaseMemObject(od);
    clopt_mlp_release(m);
}

/*
 * The products on OpenBLAS over mapped buffers and on CLBlast give the same gradients and
 * loss, to float rounding of sums of 64 products (1e-5 of the largest gradient); the
 * environment chooses the path when the model is made (mlp.h), and a value that is neither
 * is refused with its name. The environment is restored after.
 */
static void test_products_on_the_host_and_on_clblast_agree(void)
{
    enum { N = 16, IN = 64, HID = 24, CLS = 10 };
    uint8_t images[N * IN], labels[N];
    uint32_t order[N];
    synthetic(N, IN, images, labels, 9);
    for (uint32_t i = 0; i < N; i++)
        order[i] = i;
    const size_t np = IN * HID + HID + HID * CLS + CLS;
    float init[IN * HID + HID + HID * CLS + CLS], grads[2][IN * HID + HID + HID * CLS + CLS];
    clopt_mlp_glorot(init, IN, HID, CLS, 7);
    cl_mem im = bytes(images, sizeof images), lb = bytes(labels, sizeof labels),
           od = bytes(order, sizeof order);
    const char *saved = getenv("CLOPT_GEMM");
    char *keep = saved ? strdup(saved) : NULL;
    const char *paths[2] = {"host", "clblast"};
    double loss[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        setenv("CLOPT_GEMM", paths[k], 1);
        clopt_error err = {0};
        clopt_mlp *m = model(IN, HID, CLS, N, init, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL(m->host_gemm, k == 0);
        size_t right;
        CU_ASSERT_EQUAL(clopt_mlp_batch(m, im, lb, od, 0, N, N, &loss[k], &right, &err), CLOPT_OK);
        test_read(m->grads, 0, np, grads[k]);
        clopt_mlp_release(m);
    }
    double top = 0, worst = 0;
    for (size_t i = 0; i < np; i++) {
        top = fmax(top, fabs(grads[0][i]));
        worst = fmax(worst, fabs((double)grads[0][i] - grads[1][i]));
    }
    CU_ASSERT(top > 0);
    CU_ASSERT(worst <= 1e-5 * top);
    CU_ASSERT(fabs(loss[0] - loss[1]) <= 1e-5 * fabs(loss[1]));
    setenv("CLOPT_GEMM", "blas", 1);
    clopt_error err = {0};
    CU_ASSERT_PTR_NULL(model(IN, HID, CLS, N, init, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "CLOPT_GEMM='blas': expected clblast or host");
    if (keep)
        setenv("CLOPT_GEMM", keep, 1);
    else
        unsetenv("CLOPT_GEMM");
    free(keep);
    clReleaseMemObject(im);
    clReleaseMemObject(lb);
    clReleaseMemObject(od);
}

static void test_one_epoch_learns_better_than_chance(void)
{
    enum { N = 1024, IN = 40, HID = 32, CLS = 10, B = 32 };
    static uint8_t images[N * IN], labels[N];
    static uint32_t order[N];
    synthetic(N, IN, images, labels, 9);
    for (uint32_t i = 0; i < N; i++)
        order[i] = i;
    static float init[IN * HID + HID + HID * CLS + CLS];
    clopt_mlp_glorot(init, IN, HID, CLS, 1);
    clopt_error err = {0};
    clopt_mlp *m = model(IN, HID, CLS, N, init, &err);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "adam(lr=0.01)", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL_FATAL(clopt_mlp_attach(m, o, NULL, &err), CLOPT_OK);
    cl_mem im = bytes(images, sizeof images), lb = bytes(labels, sizeof labels),
           od = bytes(order, sizeof order);
    double loss, first = 0;
    size_t right;
    for (size_t b = 0; b + B <= N; b += B) {
        CU_ASSERT_EQUAL_FATAL(clopt_mlp_batch(m, im, lb, od, b, B, B, &loss, &right, &err),
                              CLOPT_OK);
        first = b == 0 ? loss / B : first;
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    }
    CU_ASSERT_EQUAL(clopt_mlp_batch(m, im, lb, od, 0, N, 0, &loss, &right, &err), CLOPT_OK);
    fprintf(stderr, "\n  first batch loss %.3f, after one epoch %.3f, accuracy %.3f\n", first,
            loss / N, (double)right / N);
    CU_ASSERT(loss / N < 0.5 * first);
    CU_ASSERT((double)right / N > 0.5); /* chance: 0.1 */
    clReleaseMemObject(im);
    clReleaseMemObject(lb);
    clReleaseMemObject(od);
    clopt_optimizer_release(o);
    clopt_mlp_release(m);
}

/* An error record with nothing in it: the library keeps the first error it is given. */
static clopt_error *fresh(clopt_error *e)
{
    memset(e, 0, sizeof *e);
    return e;
}

/* Writes a synthetic Fashion-MNIST lookalike (4x10-pixel images) into a new directory. */
static void synthetic_dataset(char *dir)
{
    enum { TRAIN = 600, TEST = 200, IN = 40 };
    static uint8_t images[TRAIN * IN], labels[TRAIN];
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    const struct {
        const char *name;
        uint32_t n;
        uint64_t seed;
    } splits[] = {{"train", TRAIN, 21}, {"t10k", TEST, 22}};
    for (int i = 0; i < 2; i++) {
        char path[256];
        synthetic(splits[i].n, IN, images, labels, splits[i].seed);
        const uint32_t ih[] = {0x0803, splits[i].n, 4, 10}, lh[] = {0x0801, splits[i].n};
        snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, splits[i].name);
        write_idx(path, 1, ih, 4, images, (size_t)splits[i].n * IN);
        snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, splits[i].name);
        write_idx(path, 0, lh, 2, labels, splits[i].n);
    }
}

/* The whole contents of a file (NULL if it cannot be read); *n its length. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n ? *n : 1);
    if (b && fread(b, 1, *n, f) != *n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

static int same_file(const char *a_dir, const char *b_dir, const char *name)
{
    char a[256], b[256];
    size_t na = 0, nb = 0;
    snprintf(a, sizeof a, "%s/%s", a_dir, name);
    snprintf(b, sizeof b, "%s/%s", b_dir, name);
    unsigned char *x = slurp(a, &na), *y = slurp(b, &nb);
    const int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void remove_dir(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static const char *const resume_specs[] = {"adam(lr=0.01)",
                                           "sgd(lr=0.1,momentum=0.9,nesterov=true)", "nadam"};
enum { RESUME_SPECS = 3 };

static void init_results(clopt_train_result *r)
{
    clopt_error err = {0};
    for (size_t i = 0; i < RESUME_SPECS; i++)
        CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&r[i], resume_specs[i], &err), CLOPT_OK);
}

/* Stops the training after epoch `stop_epoch` of optimizer `stop_index`. */
typedef struct {
    size_t stop_index, batches_seen;
    uint64_t stop_epoch;
} stopper;

static int stop_batch(void *user, size_t index, uint64_t epoch, size_t batch, double loss)
{
    (void)index, (void)epoch, (void)batch;
    CU_ASSERT(isfinite(loss) && loss > 0);
    ((stopper *)user)->batches_seen++;
    return 0;
}

static int stop_epoch(void *user, size_t index, uint64_t epoch, const clopt_train_result *r)
{
    const stopper *s = user;
    (void)r;
    return index == s->stop_index && epoch == s->stop_epoch;
}

static void test_training_resumed_from_a_checkpoint_equals_one_that_never_stopped(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX", straight[] = "/tmp/clopt-ck-XXXXXX",
         stopped[] = "/tmp/clopt-ck-XXXXXX";
    synthetic_dataset(data);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(straight));
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(stopped));
    clopt_error err = {0};
    clopt_dataset *d = clopt_dataset_load(test_context(), data, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->train.count, 600);
    CU_ASSERT_EQUAL(d->test.count, 200);
    CU_ASSERT_EQUAL(d->pixels, 40);
    const clopt_train_options o = {3, 32, 16, 2, 500}; /* 16 batches, the last of 20 rows */
    CU_ASSERT_EQUAL(clopt_train_batches(&o, d), 16);
    static clopt_train_result a[RESUME_SPECS], b[RESUME_SPECS], c[CLOPT_TRAIN_MAX_OPTIMIZERS];
    init_results(a);
    init_results(b);

    /* One training from start to end, and one stopped after epoch 2 of the second optimizer. */
    stopper none = {99, 0, 99}, stop = {1, 0, 1};
    clopt_train_hooks hooks = {&none, NULL, stop_batch, stop_epoch};
    CU_ASSERT_EQUAL_FATAL(
        clopt_train_run(d, &o, a, RESUME_SPECS, straight, NULL, &hooks, NULL, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(none.batches_seen, RESUME_SPECS * 3 * 16);
    hooks.user = &stop;
    CU_ASSERT_EQUAL(clopt_train_run(d, &o, b, RESUME_SPECS, stopped, NULL, &hooks, NULL, &err),
                    CLOPT_ESTATE);
    ASSERT_ERROR(err, CLOPT_ESTATE, "stopped");
    /* side by side: every optimizer's epoch 1 before epoch 2 of any, Nadam's 2 not begun */
    CU_ASSERT_EQUAL(b[0].done, 2);
    CU_ASSERT_EQUAL(b[1].done, 2);
    CU_ASSERT_EQUAL(b[2].done, 1);

    /* Read back, it goes on where it stopped: models, state and results as if never stopped. */
    clopt_train_options ro;
    size_t n = 0, examples = 0;
    CU_ASSERT_EQUAL_FATAL(clopt_snapshot_read(stopped, &ro, &examples, c, &n, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(n, RESUME_SPECS);
    CU_ASSERT_EQUAL(examples, 500);
    CU_ASSERT(ro.epochs == 3 && ro.batch == 32 && ro.hidden == 16 && ro.seed == 2 &&
              ro.limit == 500);
    CU_ASSERT_EQUAL(c[1].done, 2);
    CU_ASSERT_STRING_EQUAL(c[1].spec, resume_specs[1]);
    CU_ASSERT_EQUAL(c[1].epochs[1].accuracy, b[1].epochs[1].accuracy);
    CU_ASSERT_EQUAL(clopt_train_run(d, &ro, c, n, stopped, stopped, NULL, NULL, &err), CLOPT_OK);
    for (size_t i = 0; i < RESUME_SPECS; i++) {
        CU_ASSERT_EQUAL(c[i].done, 3);
        for (int e = 0; e < 3; e++) {
            CU_ASSERT_EQUAL(c[i].epochs[e].train_loss, a[i].epochs[e].train_loss);
            CU_ASSERT_EQUAL(c[i].epochs[e].test_loss, a[i].epochs[e].test_loss);
            CU_ASSERT_EQUAL(c[i].epochs[e].accuracy, a[i].epochs[e].accuracy);
        }
        char w[32], s[32];
        snprintf(w, sizeof w, "%zu.weights", i);
        snprintf(s, sizeof s, "%zu.optimizer", i);
        CU_ASSERT(same_file(straight, stopped, w));
        CU_ASSERT(same_file(straight, stopped, s));
    }
    fprintf(stderr, "\n  resumed: %s accuracy %.4f = %.4f, Nadam %.4f = %.4f\n", c[1].label,
            c[1].epochs[2].accuracy, a[1].epochs[2].accuracy, c[2].epochs[2].accuracy,
            a[2].epochs[2].accuracy);
    CU_ASSERT(a[0].epochs[2].accuracy > 0.5); /* it learns: chance is 0.1 */

    /* A damaged or mismatched checkpoint is refused with the reason, never half-loaded. */
    clopt_mlp *m = model(40, 16, 10, 32, NULL, &err);
    clopt_optimizer *opt = clopt_optimizer_create(test_context(), resume_specs[0], &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(opt);
    CU_ASSERT_EQUAL_FATAL(clopt_mlp_attach(m, opt, NULL, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(stopped, 0, m, opt, NULL, 3, 16, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(stopped, 0, m, opt, NULL, 2, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "after 3 epochs, training.json says 2");
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(stopped, 0, m, opt, NULL, 3, 15, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "has taken 48 steps; 3 epochs of 15 batches are 45");
    char path[256];
    size_t len;
    snprintf(path, sizeof path, "%s/0.weights", stopped);
    unsigned char *w = slurp(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    w[100] ^= 1;
    FILE *f = fopen(path, "wb");
    fwrite(w, 1, len, f);
    fclose(f);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(stopped, 0, m, opt, NULL, 3, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "checksum mismatch");
    f = fopen(path, "wb");
    fwrite(w, 1, len - 5, f);
    fclose(f);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(stopped, 0, m, opt, NULL, 3, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "a model of this shape has");
    free(w);
    clopt_mlp_release(m);
    m = model(40, 8, 10, 32, NULL, &err);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(straight, 0, m, opt, NULL, 3, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "bytes; a model of this shape has");
    clopt_mlp_release(m);
    clopt_optimizer_release(opt);
    snprintf(path, sizeof path, "%s/training.json", stopped);
    f = fopen(path, "w");
    fputs("{\"format\": \"clopt-training\", \"version\": 1, \"epochs\": 99}", f);
    fclose(f);
    CU_ASSERT_EQUAL(clopt_snapshot_read(stopped, &ro, &examples, c, &n, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "\"epochs\" must be an integer from 1 to 50");
    CU_ASSERT_EQUAL(clopt_snapshot_read("/nonexistent", &ro, &examples, c, &n, fresh(&err)),
                    CLOPT_EIO);
    ASSERT_ERROR(err, CLOPT_EIO, "cannot open '/nonexistent/training.json'");

    /* Options out of range are named. */
    clopt_train_options bad = o;
    bad.hidden = 5000;
    CU_ASSERT_EQUAL(clopt_train_run(d, &bad, a, 1, NULL, NULL, NULL, NULL, fresh(&err)),
                    CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "hidden = 5000 is out of range");
    bad = o;
    bad.limit = 601;
    CU_ASSERT_EQUAL(clopt_train_run(d, &bad, a, 1, NULL, NULL, NULL, NULL, fresh(&err)),
                    CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "limit = 601 is out of range; expected 0 .. 600");
    clopt_dataset_release(d);
    remove_dir(data);
    remove_dir(straight);
    remove_dir(stopped);
}

/* The model's parameters, read from the device into p. */
static void read_params(clopt_mlp *m, float *p)
{
    CU_ASSERT_EQUAL(clEnqueueReadBuffer(clopt_context_queue(test_context()), m->params, CL_TRUE, 0,
                                        m->nparams * sizeof *p, p, 0, NULL, NULL),
                    CL_SUCCESS);
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s/%s'", from_dir, name, to_dir, name);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/*
 * Muon trains W1 and its AdamW companion the rest; a checkpoint holds both (N.optimizer and
 * N.adamw), so 2 epochs, then a resume to 4, end with the same weights, states and figures,
 * bit for bit, as 4 epochs straight (Newton-Schulz's GEMMs repeat exactly: suite muon), for
 * Muon and for Adam beside it. A checkpoint without the companion's state, or with one of
 * another model, is refused with the file and the reason, and the weights stay as they were.
 */
static void test_muon_training_resumed_with_its_companion_equals_one_that_never_stopped(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX", straight[] = "/tmp/clopt-ck-XXXXXX",
         half[] = "/tmp/clopt-ck-XXXXXX", other[] = "/tmp/clopt-ck-XXXXXX";
    synthetic_dataset(data);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(straight));
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(half));
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(other));
    clopt_error err = {0};
    clopt_dataset *d = clopt_dataset_load(test_context(), data, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const char *specs[] = {"muon(lr=0.02, adamw_lr=0.005)", "adam(lr=0.01)"};
    static clopt_train_result a[2], b[2], c[CLOPT_TRAIN_MAX_OPTIMIZERS];
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&a[i], specs[i], &err), CLOPT_OK);
        CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&b[i], specs[i], &err), CLOPT_OK);
    }
    const clopt_train_options four = {4, 32, 16, 5, 500}, two = {2, 32, 16, 5, 500};
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &four, a, 2, straight, NULL, NULL, NULL, &err),
                          CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &two, b, 2, half, NULL, NULL, NULL, &err), CLOPT_OK);
    clopt_train_options ro;
    size_t n = 0, examples = 0;
    CU_ASSERT_EQUAL_FATAL(clopt_snapshot_read(half, &ro, &examples, c, &n, &err), CLOPT_OK);
    CU_ASSERT(n == 2 && ro.epochs == 2 && c[0].done == 2);
    ro.epochs = 4; /* clopt train --resume DIR --epochs 4 */
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &ro, c, n, half, half, NULL, NULL, &err), CLOPT_OK);
    const char *files[] = {"0.weights", "0.optimizer", "0.adamw", "1.weights", "1.optimizer"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++)
        CU_ASSERT(same_file(straight, half, files[k]));
    for (size_t i = 0; i < 2; i++)
        for (int e = 0; e < 4; e++) {
            CU_ASSERT_EQUAL(c[i].epochs[e].train_loss, a[i].epochs[e].train_loss);
            CU_ASSERT_EQUAL(c[i].epochs[e].test_loss, a[i].epochs[e].test_loss);
            CU_ASSERT_EQUAL(c[i].epochs[e].accuracy, a[i].epochs[e].accuracy);
        }
    char path[256];
    snprintf(path, sizeof path, "%s/1.adamw", half);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* Adam has no companion */
    fprintf(stderr, "\n  resumed: %s accuracy %.4f = %.4f\n", c[0].label, c[0].epochs[3].accuracy,
            a[0].epochs[3].accuracy);
    CU_ASSERT(a[0].epochs[3].accuracy > 0.5); /* it learns: chance is 0.1 */

    /* Without the companion's state, the resumed training is refused and changes nothing. */
    snprintf(path, sizeof path, "%s/0.adamw", half);
    CU_ASSERT_EQUAL(unlink(path), 0);
    copy_file(half, straight, "training.json"); /* kept for the comparison below */
    ro.epochs = 5;
    CU_ASSERT_EQUAL(clopt_train_run(d, &ro, c, n, half, half, NULL, NULL, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT,
                 "0.adamw' (No such file or directory): model 0 trains with Muon");
    CU_ASSERT(same_file(straight, half, "0.weights") && same_file(straight, half, "training.json"));

    /* The model and both optimizers, as a training makes them, for the load itself. */
    clopt_mlp *m = model(40, 16, 10, 32, NULL, &err);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "muon(lr=0.02)", &err),
                    *rest = clopt_optimizer_create(test_context(), "adamw(lr=0.005)", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rest);
    CU_ASSERT_EQUAL_FATAL(clopt_mlp_attach(m, o, rest, &err), CLOPT_OK);
    float *before = malloc(m->nparams * sizeof *before),
          *after = malloc(m->nparams * sizeof *after);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    read_params(m, before);
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(half, 0, m, o, rest, 4, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT, "keeps its state there, beside 0.optimizer");
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), 0); /* refused before any load */
    /* a companion of another model (hidden 8): its tensors are named, nothing is restored */
    const clopt_train_options small = {1, 32, 8, 5, 500};
    CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&b[0], specs[0], &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &small, b, 1, other, NULL, NULL, NULL, &err),
                          CLOPT_OK);
    copy_file(other, half, "0.adamw");
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(half, 0, m, o, rest, 4, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT,
                 "0.adamw': tensor 0 has 8 floats in the checkpoint but 16 in this optimizer");
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(rest), 0);
    read_params(m, after);
    CU_ASSERT_EQUAL(memcmp(before, after, m->nparams * sizeof *after), 0);
    /* Muon's own state of another model: refused by the library's check of the sizes */
    copy_file(straight, half, "0.adamw");
    copy_file(other, half, "0.optimizer");
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(half, 0, m, o, rest, 4, 16, fresh(&err)),
                    CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT,
                 "0.optimizer': tensor 0 has 320 floats in the checkpoint but 640 in this");
    read_params(m, after);
    CU_ASSERT_EQUAL(memcmp(before, after, m->nparams * sizeof *after), 0);
    /* and the whole checkpoint back in place loads, the companion included */
    copy_file(straight, half, "0.optimizer");
    CU_ASSERT_EQUAL(clopt_snapshot_load_model(half, 0, m, o, rest, 4, 16, fresh(&err)), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(rest), 64);
    free(before);
    free(after);
    clopt_optimizer_release(o);
    clopt_optimizer_release(rest);
    clopt_mlp_release(m);
    clopt_dataset_release(d);
    remove_dir(data);
    remove_dir(straight);
    remove_dir(half);
    remove_dir(other);
}

/*
 * One rank of one, in-process: the collectives leave the values as they are. `tamper`
 * makes the highest CRC-32 of the parameters look one higher, as if a second rank held
 * other parameters.
 */
typedef struct {
    clopt_ranks r;
    int tamper;
} fake_ranks;

static void fake_sum_floats(const clopt_ranks *r, float *v, size_t n)
{
    (void)r, (void)v, (void)n;
}
static void fake_sum_doubles(const clopt_ranks *r, double *v, size_t n)
{
    (void)r, (void)v, (void)n;
}
static void fake_broadcast(const clopt_ranks *r, void *data, size_t bytes, int root)
{
    (void)r, (void)data, (void)bytes;
    CU_ASSERT_EQUAL(root, 0);
}
static void fake_min_u64(const clopt_ranks *r, uint64_t *v, size_t n)
{
    if (((const fake_ranks *)r)->tamper && n == 2) v[1] -= 1; /* the complement of the highest */
}

static void test_training_on_one_rank_equals_one_process_and_checks_the_ranks_agree(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX";
    synthetic_dataset(data);
    clopt_error err = {0};
    clopt_dataset *d = clopt_dataset_load(test_context(), data, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const clopt_train_options o = {2, 32, 16, 3, 500};
    static clopt_train_result alone[1], ranked[1];
    CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&alone[0], "adam(lr=0.01)", &err), CLOPT_OK);
    ranked[0] = alone[0];
    fake_ranks f = {{0, 1, fake_sum_floats, fake_sum_doubles, fake_min_u64, fake_broadcast}, 0};
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &o, alone, 1, NULL, NULL, NULL, NULL, &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &o, ranked, 1, NULL, NULL, NULL, &f.r, &err),
                          CLOPT_OK);
    /* The ranks' path (share, host copies, allreduce) on one rank is the same arithmetic. */
    for (int e = 0; e < 2; e++) {
        CU_ASSERT_EQUAL(alone[0].epochs[e].train_loss, ranked[0].epochs[e].train_loss);
        CU_ASSERT_EQUAL(alone[0].epochs[e].test_loss, ranked[0].epochs[e].test_loss);
        CU_ASSERT_EQUAL(alone[0].epochs[e].accuracy, ranked[0].epochs[e].accuracy);
        CU_ASSERT_NOT_EQUAL(ranked[0].epochs[e].crc32, 0);
    }
    CU_ASSERT_NOT_EQUAL(ranked[0].epochs[0].crc32, ranked[0].epochs[1].crc32);
    CU_ASSERT(ranked[0].compute_seconds > 0 && ranked[0].copy_seconds > 0);
    CU_ASSERT_EQUAL(alone[0].compute_seconds, 0);

    /* Ranks whose parameters differ stop the training, and say so. */
    f.tamper = 1;
    CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&ranked[0], "adam(lr=0.01)", &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_train_run(d, &o, ranked, 1, NULL, NULL, NULL, &f.r, fresh(&err)),
                    CLOPT_ESTATE);
    ASSERT_ERROR(err, CLOPT_ESTATE, "the ranks' parameters differ at the start");
    clopt_dataset_release(d);
    remove_dir(data);
}

static void test_dataset_refuses_mismatched_splits(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX", path[256];
    synthetic_dataset(data);
    const uint32_t lh[] = {0x0801, 3};
    const uint8_t labels[] = {1, 2, 10};
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", data);
    write_idx(path, 0, lh, 2, labels, 3);
    clopt_error err = {0};
    CU_ASSERT_PTR_NULL(clopt_dataset_load(test_context(), data, fresh(&err)));
    ASSERT_ERROR(err, CLOPT_EFORMAT, "3 labels for the 200 images");
    const uint32_t lh200[] = {0x0801, 200};
    uint8_t many[200] = {0};
    many[7] = 12;
    write_idx(path, 0, lh200, 2, many, 200);
    CU_ASSERT_PTR_NULL(clopt_dataset_load(test_context(), data, fresh(&err)));
    ASSERT_ERROR(err, CLOPT_EFORMAT, "label 7 is 12; expected 0 .. 9");
    CU_ASSERT_PTR_NULL(clopt_dataset_load(test_context(), "/nonexistent", fresh(&err)));
    ASSERT_ERROR(err, CLOPT_EIO, "/nonexistent/train-images-idx3-ubyte");
    remove_dir(data);
}

/* The order of the epoch hooks: (optimizer, epoch) as they came. */
typedef struct {
    size_t n;
    size_t seen[3 * 3][2];
} epoch_log;

static int log_epoch(void *user, size_t index, uint64_t epoch, const clopt_train_result *r)
{
    epoch_log *l = user;
    (void)r;
    if (l->n < sizeof l->seen / sizeof *l->seen) {
        l->seen[l->n][0] = index;
        l->seen[l->n][1] = (size_t)epoch;
    }
    l->n++;
    return 0;
}

/*
 * The optimizers of a training advance side by side, epoch by epoch, and each one's numbers
 * are those it has when trained alone: same initial weights, same batches in the same order.
 */
static void test_optimizers_train_side_by_side_with_the_numbers_of_each_alone(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX";
    synthetic_dataset(data);
    clopt_error err = {0};
    clopt_dataset *d = clopt_dataset_load(test_context(), data, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const clopt_train_options o = {3, 32, 16, 2, 500};
    static clopt_train_result all[RESUME_SPECS], alone[RESUME_SPECS];
    init_results(all);
    init_results(alone);
    epoch_log l = {0, {{0}}};
    clopt_train_hooks hooks = {&l, NULL, NULL, log_epoch};
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &o, all, RESUME_SPECS, NULL, NULL, &hooks, NULL, &err),
                          CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(l.n, RESUME_SPECS * 3);
    for (size_t k = 0; k < l.n; k++) { /* epoch 0 of 0, 1, 2, then epoch 1 of 0, 1, 2, ... */
        CU_ASSERT_EQUAL(l.seen[k][0], k % RESUME_SPECS);
        CU_ASSERT_EQUAL(l.seen[k][1], k / RESUME_SPECS);
    }
    for (size_t i = 0; i < RESUME_SPECS; i++) {
        CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &o, &alone[i], 1, NULL, NULL, NULL, NULL, &err),
                              CLOPT_OK);
        for (int e = 0; e < 3; e++) {
            CU_ASSERT_EQUAL(all[i].epochs[e].train_loss, alone[i].epochs[e].train_loss);
            CU_ASSERT_EQUAL(all[i].epochs[e].test_loss, alone[i].epochs[e].test_loss);
            CU_ASSERT_EQUAL(all[i].epochs[e].accuracy, alone[i].epochs[e].accuracy);
        }
    }
    clopt_dataset_release(d);
    remove_dir(data);
}

/*
 * A schedule over steps="all" counts every optimizer step of the training (batches x
 * epochs): the same losses, bit for bit, as the schedule with that number written out.
 */
static void test_schedule_over_all_steps_equals_the_counted_one(void)
{
    char data[] = "/tmp/clopt-data-XXXXXX";
    synthetic_dataset(data);
    clopt_error err = {0};
    clopt_dataset *d = clopt_dataset_load(test_context(), data, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const clopt_train_options o = {2, 32, 16, 2, 500}; /* 16 batches per epoch: 32 steps */
    const char *specs[] = {"adam(lr=0.01, schedule=cosine(steps=\"all\", warmup=4))",
                           "adam(lr=0.01, schedule=cosine(steps=32, warmup=4))",
                           "adam(lr=0.01, schedule=cosine(steps=16, warmup=4))"};
    static clopt_train_result r[3];
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL_FATAL(clopt_train_result_init(&r[i], specs[i], &err), CLOPT_OK);
    CU_ASSERT_STRING_EQUAL(r[0].label, "Adam(lr=0.01, schedule=cosine(steps=\"all\", warmup=4))");
    CU_ASSERT_EQUAL_FATAL(clopt_train_run(d, &o, r, 3, NULL, NULL, NULL, NULL, &err), CLOPT_OK);
    for (size_t e = 0; e < 2; e++) {
        CU_ASSERT_EQUAL(r[0].epochs[e].train_loss, r[1].epochs[e].train_loss);
        CU_ASSERT_EQUAL(r[0].epochs[e].test_loss, r[1].epochs[e].test_loss);
    }
    CU_ASSERT(r[0].epochs[1].train_loss != r[2].epochs[1].train_loss); /* the count matters */
    /* Outside a training "all" means nothing: the library refuses it */
    CU_ASSERT_PTR_NULL(clopt_optimizer_create(test_context(), specs[0], fresh(&err)));
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "steps=\"all\" (the whole training) is known only to clopt "
                 "train; give the number of steps");
    clopt_dataset_release(d);
    remove_dir(data);
}

CU_TestInfo train_tests[] = {
    {"idx reads images and labels, plain and gzip",
     test_idx_reads_images_and_labels_plain_and_gzip},
    {"idx rejects bad files with a reason", test_idx_rejects_bad_files_with_a_reason},
    {"mlp gradients match finite differences", test_mlp_gradients_match_finite_differences},
    {"products on the host and on CLBlast agree", test_products_on_the_host_and_on_clblast_agree},
    {"one epoch learns better than chance", test_one_epoch_learns_better_than_chance},
    {"training resumed from a checkpoint equals one that never stopped",
     test_training_resumed_from_a_checkpoint_equals_one_that_never_stopped},
    {"a Muon training resumed with its companion equals one that never stopped",
     test_muon_training_resumed_with_its_companion_equals_one_that_never_stopped},
    {"dataset refuses mismatched splits", test_dataset_refuses_mismatched_splits},
    {"training on one rank equals one process and checks the ranks agree",
     test_training_on_one_rank_equals_one_process_and_checks_the_ranks_agree},
    {"optimizers train side by side with the numbers of each alone",
     test_optimizers_train_side_by_side_with_the_numbers_of_each_alone},
    {"a schedule over steps=\"all\" equals the counted one",
     test_schedule_over_all_steps_equals_the_counted_one},
    CU_TEST_INFO_NULL,
};
