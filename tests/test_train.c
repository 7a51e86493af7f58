/* Training: the IDX loader, the MLP's gradients, and a short training that learns. */
#include "harness.h"

#include "train/idx.h"
#include "train/mlp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
        if (n)
            gzwrite(f, data, (unsigned)n);
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
            images[i * in + p] = (uint8_t)(on ? 200 + 50 * test_uniform(&s) : 60 + 50 * test_uniform(&s));
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
    clopt_mlp *m = clopt_mlp_create(test_context(), IN, HID, CLS, N, init, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    cl_mem im = bytes(images, sizeof images), lb = bytes(labels, sizeof labels),
           od = bytes(order, sizeof order);
    double loss;
    size_t right;
    CU_ASSERT_EQUAL(clopt_mlp_batch(m, im, lb, od, 0, N, 1, &loss, &right, &err), CLOPT_OK);
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
    clopt_mlp *m = clopt_mlp_create(test_context(), IN, HID, CLS, N, init, &err);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "adam(lr=0.01)", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL_FATAL(clopt_mlp_attach(m, o, &err), CLOPT_OK);
    cl_mem im = bytes(images, sizeof images), lb = bytes(labels, sizeof labels),
           od = bytes(order, sizeof order);
    double loss, first = 0;
    size_t right;
    for (size_t b = 0; b + B <= N; b += B) {
        CU_ASSERT_EQUAL_FATAL(clopt_mlp_batch(m, im, lb, od, b, B, 1, &loss, &right, &err), CLOPT_OK);
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

CU_TestInfo train_tests[] = {
    {"idx reads images and labels, plain and gzip", test_idx_reads_images_and_labels_plain_and_gzip},
    {"idx rejects bad files with a reason", test_idx_rejects_bad_files_with_a_reason},
    {"mlp gradients match finite differences", test_mlp_gradients_match_finite_differences},
    {"one epoch learns better than chance", test_one_epoch_learns_better_than_chance},
    CU_TEST_INFO_NULL,
};
