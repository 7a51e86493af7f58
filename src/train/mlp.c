/* The MLP's passes: CLBlast for the products, cl/mlp.cl for the rest (see mlp.h). */
#include "mlp.h"

#include "clock.h"
#include "context.h"
#include "error.h"
#include "gemm.h"

#include <clblast_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* cl/mlp.cl, embedded by the build (tools/embed.cmake). */
extern const char clopt_mlp_source[];

cl_program clopt_mlp_build(clopt_context *ctx, clopt_error *err)
{
    const char *source = clopt_mlp_source;
    cl_program program = NULL;
    return clopt_context_build(ctx, 1, &source, &program, err) == CLOPT_OK ? program : NULL;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

void clopt_mlp_glorot(float *params, size_t in, size_t hidden, size_t classes, uint64_t seed)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    const size_t shape[2][2] = {{in, hidden}, {hidden, classes}};
    float *p = params;
    for (int l = 0; l < 2; l++) {
        const double limit = sqrt(6.0 / (double)(shape[l][0] + shape[l][1]));
        for (size_t i = 0; i < shape[l][0] * shape[l][1]; i++) {
            const double u = (double)(next(&s) >> 11) / 9007199254740992.0;
            *p++ = (float)((2.0 * u - 1.0) * limit);
        }
        for (size_t i = 0; i < shape[l][1]; i++)
            *p++ = 0.0f;
    }
}

static clopt_status gemm_check(CLBlastStatusCode rc, const char *what, clopt_error *err)
{
    if (rc == CLBlastSuccess) return CLOPT_OK;
    if (rc < 0 && rc > -100) return clopt_error_cl(err, (cl_int)rc, "CLBlastSgemm", what);
    return clopt_error_set(err, CLOPT_ECL, "%s: CLBlastSgemm failed with CLBlast status %d", what,
                           (int)rc);
}

/* The five matrix products of a forward and backward pass, in clopt_mlp_products' order. */
typedef enum { X_W1, H_W2, HT_DZ, DZ_W2T, XT_DH, PRODUCTS } product_id;

void clopt_mlp_products(const clopt_mlp *m, size_t rows, clopt_mlp_gemm out[CLOPT_MLP_PRODUCTS])
{
    const size_t b = rows, in = m->in, h = m->hidden, c = m->classes;
    const clopt_mlp_gemm s[CLOPT_MLP_PRODUCTS] = {{0, 0, b, h, in, "x W1"},    /* h = x W1 */
                                                  {0, 0, b, c, h, "h W2"},     /* z = h W2 */
                                                  {1, 0, h, c, b, "h^T dz"},   /* dW2 = h^T dz */
                                                  {0, 1, b, h, c, "dz W2^T"},  /* dh = dz W2^T */
                                                  {1, 0, in, h, b, "x^T dh"}}; /* dW1 = x^T dh */
    memcpy(out, s, sizeof s);
}

/*
 * C = op(A) op(B) with OpenBLAS on the host: A and B mapped for reading, C for writing (it is
 * overwritten: beta 0), so that the product sees every kernel before it. One wait, not three:
 * A's and B's maps are not blocking, and C's blocking map waits on their events, so it
 * returns when all three are done and fails (CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
 * if either of them failed.
 */
static clopt_status host_gemm(clopt_mlp *m, const clopt_mlp_gemm *g, const cl_mem buf[3],
                              const size_t off[3], size_t lda, size_t ldb, clopt_error *err)
{
    cl_command_queue q = clopt_context_queue(m->ctx);
    const size_t count[3] = {g->rows * g->inner, g->inner * g->cols, g->rows * g->cols};
    const cl_map_flags flags[3] = {CL_MAP_READ, CL_MAP_READ, CL_MAP_WRITE_INVALIDATE_REGION};
    float *ptr[3] = {NULL, NULL, NULL};
    cl_event mapped[2] = {NULL, NULL};
    cl_uint nmapped = 0;
    clopt_status st = CLOPT_OK;
    for (int i = 0; i < 3 && st == CLOPT_OK; i++) {
        const int last = i == 2;
        cl_int rc;
        ptr[i] =
            clEnqueueMapBuffer(q, buf[i], last ? CL_TRUE : CL_FALSE, flags[i],
                               off[i] * sizeof(float), count[i] * sizeof(float), last ? nmapped : 0,
                               last ? mapped : NULL, last ? NULL : &mapped[i], &rc);
        if (rc != CL_SUCCESS) {
            ptr[i] = NULL;
            st = clopt_error_cl(err, rc, "clEnqueueMapBuffer", g->what);
        } else if (!last)
            nmapped++;
    }
    for (cl_uint i = 0; i < nmapped; i++)
        clReleaseEvent(mapped[i]);
    if (st == CLOPT_OK)
        clopt_gemm_host(g->ta, g->tb, g->rows, g->cols, g->inner, 1.0f, ptr[0], lda, ptr[1], ldb,
                        0.0f, ptr[2], g->cols);
    for (int i = 0; i < 3; i++) {
        if (!ptr[i]) continue;
        const cl_int rc = clEnqueueUnmapMemObject(q, buf[i], ptr[i], 0, NULL, NULL);
        if (rc != CL_SUCCESS && st == CLOPT_OK)
            st = clopt_error_cl(err, rc, "clEnqueueUnmapMemObject", g->what);
    }
    return st;
}

static clopt_status product(clopt_mlp *m, product_id p, size_t rows, clopt_error *err)
{
    clopt_mlp_gemm s[CLOPT_MLP_PRODUCTS];
    clopt_mlp_products(m, rows, s);
    /* A, B and C of each product: buffer and offset */
    const struct {
        cl_mem a, b, c;
        size_t a_off, b_off, c_off;
    } io[PRODUCTS] = {{m->x, m->params, m->h, 0, m->off[0], 0},
                      {m->h, m->params, m->z, 0, m->off[2], 0},
                      {m->h, m->dz, m->grads, 0, 0, m->off[2]},
                      {m->dz, m->params, m->dh, 0, m->off[2], 0},
                      {m->x, m->dh, m->grads, 0, 0, m->off[0]}};
    const clopt_mlp_gemm *g = &s[p];
    cl_command_queue q = clopt_context_queue(m->ctx);
    /* row-major leading dimensions: op(A) is rows x inner, op(B) inner x cols */
    const size_t lda = g->ta ? g->rows : g->inner, ldb = g->tb ? g->inner : g->cols;
    if (m->host_gemm) {
        const cl_mem buf[3] = {io[p].a, io[p].b, io[p].c};
        const size_t off[3] = {io[p].a_off, io[p].b_off, io[p].c_off};
        return host_gemm(m, g, buf, off, lda, ldb, err);
    }
    return gemm_check(CLBlastSgemm(CLBlastLayoutRowMajor,
                                   g->ta ? CLBlastTransposeYes : CLBlastTransposeNo,
                                   g->tb ? CLBlastTransposeYes : CLBlastTransposeNo, g->rows,
                                   g->cols, g->inner, 1.0f, io[p].a, io[p].a_off, lda, io[p].b,
                                   io[p].b_off, ldb, 0.0f, io[p].c, io[p].c_off, g->cols, &q, NULL),
                      g->what, err);
}

static cl_mem buffer(clopt_mlp *m, size_t bytes, const void *init, clopt_error *err)
{
    cl_int rc;
    cl_mem b = clCreateBuffer(clopt_context_cl(m->ctx),
                              CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0), bytes,
                              (void *)init, &rc);
    if (!b) clopt_error_cl(err, rc, "clCreateBuffer", "allocating the model");
    return b;
}

clopt_mlp *clopt_mlp_create(clopt_context *ctx, cl_program program, size_t in, size_t hidden,
                            size_t classes, size_t max_batch, const float *init, clopt_error *err)
{
    clopt_mlp *m = calloc(1, sizeof *m);
    if (!m) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for the model");
        return NULL;
    }
    m->ctx = ctx;
    m->in = in, m->hidden = hidden, m->classes = classes, m->max_batch = max_batch;
    if (clopt_gemm_on_host(ctx, &m->host_gemm, err) != CLOPT_OK) {
        free(m);
        return NULL;
    }
    const size_t counts[4] = {in * hidden, hidden, hidden * classes, classes};
    for (int i = 0; i < 4; i++) {
        m->off[i] = m->nparams;
        m->count[i] = counts[i];
        m->nparams += counts[i];
    }
    const size_t f = sizeof(float);
    cl_int rc;
    if (!(m->params = buffer(m, m->nparams * f, init, err)) ||
        !(m->grads = buffer(m, m->nparams * f, NULL, err)) ||
        !(m->x = buffer(m, max_batch * in * f, NULL, err)) ||
        !(m->y = buffer(m, max_batch * sizeof(cl_uint), NULL, err)) ||
        !(m->h = buffer(m, max_batch * hidden * f, NULL, err)) ||
        !(m->dh = buffer(m, max_batch * hidden * f, NULL, err)) ||
        !(m->z = buffer(m, max_batch * classes * f, NULL, err)) ||
        !(m->dz = buffer(m, max_batch * classes * f, NULL, err)) ||
        !(m->loss = buffer(m, max_batch * f, NULL, err)) ||
        !(m->correct = buffer(m, max_batch * sizeof(cl_uint), NULL, err)))
        goto fail;
    struct {
        cl_kernel *k;
        const char *name;
    } kernels[] = {{&m->gather, "clopt_mlp_gather"},
                   {&m->bias, "clopt_mlp_bias"},
                   {&m->softmax, "clopt_mlp_softmax"},
                   {&m->colsum, "clopt_mlp_colsum"},
                   {&m->relu_grad, "clopt_mlp_relu_grad"}};
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
        *kernels[i].k = clCreateKernel(program, kernels[i].name, &rc);
        CLOPT_CL_CHECK_RC(err, "creating the model's kernels", "clCreateKernel", rc);
    }
    m->host_loss = malloc(max_batch * sizeof *m->host_loss);
    m->host_correct = malloc(max_batch * sizeof *m->host_correct);
    if (!m->host_loss || !m->host_correct) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for the model");
        goto fail;
    }
    return m;
fail:
    clopt_mlp_release(m);
    return NULL;
}

clopt_status clopt_mlp_attach(clopt_mlp *m, clopt_optimizer *o, clopt_optimizer *rest,
                              clopt_error *err)
{
    if (rest) {
        clopt_status st =
            clopt_optimizer_add_matrix(o, m->params, m->grads, m->off[0], m->in, m->hidden, err);
        for (int i = 1; i < 4 && st == CLOPT_OK; i++)
            st = clopt_optimizer_add(rest, m->params, m->grads, m->off[i], m->count[i], err);
        return st;
    }
    for (int i = 0; i < 4; i++) {
        const clopt_status st =
            clopt_optimizer_add(o, m->params, m->grads, m->off[i], m->count[i], err);
        if (st != CLOPT_OK) return st;
    }
    return CLOPT_OK;
}

static clopt_status run(clopt_mlp *m, cl_kernel k, size_t items, const char *what, clopt_error *err)
{
    /* 64, or the context's work-group size where a device limit made it smaller */
    const size_t local = m->ctx->tuning.wgs < 64 ? m->ctx->tuning.wgs : 64;
    const size_t global = (items + local - 1) / local * local;
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(clopt_context_queue(m->ctx), k, 1, NULL, &global, &local,
                                          0, NULL, NULL));
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

#define ARG(k, i, v) CLOPT_CL_CHECK(err, what, clSetKernelArg((k), (i), sizeof(v), &(v)))

clopt_status clopt_mlp_batch(clopt_mlp *m, cl_mem images, cl_mem labels, cl_mem order, size_t first,
                             size_t rows, size_t mean_of, double *loss_sum, size_t *correct,
                             clopt_error *err)
{
    const char *what = "a training batch";
    const int backward = mean_of > 0;
    *loss_sum = 0;
    *correct = 0;
    if (rows == 0) { /* a rank's empty share of a short last batch */
        const float zero_f = 0.0f;
        if (backward)
            CLOPT_CL_CHECK(err, "clearing the gradients",
                           clEnqueueFillBuffer(clopt_context_queue(m->ctx), m->grads, &zero_f,
                                               sizeof zero_f, 0, m->nparams * sizeof zero_f, 0,
                                               NULL, NULL));
        return CLOPT_OK;
    }
    const cl_uint in = (cl_uint)m->in, hid = (cl_uint)m->hidden, cls = (cl_uint)m->classes;
    const cl_uint r = (cl_uint)rows, f0 = (cl_uint)first, one = 1, zero = 0;
    const cl_uint nh = r * hid, nz = r * cls;
    const cl_uint b1 = (cl_uint)m->off[1], b2 = (cl_uint)m->off[3];
    const float scale = backward ? 1.0f / (float)mean_of : 0.0f;
    ARG(m->gather, 0, images);
    ARG(m->gather, 1, labels);
    ARG(m->gather, 2, order);
    ARG(m->gather, 3, f0);
    ARG(m->gather, 4, in);
    ARG(m->gather, 5, r);
    ARG(m->gather, 6, m->x);
    ARG(m->gather, 7, m->y);
    if (run(m, m->gather, (size_t)r * in, what, err) || product(m, X_W1, rows, err)) goto fail;
    ARG(m->bias, 0, m->h);
    ARG(m->bias, 1, m->params);
    ARG(m->bias, 2, b1);
    ARG(m->bias, 3, hid);
    ARG(m->bias, 4, nh);
    ARG(m->bias, 5, one);
    if (run(m, m->bias, nh, what, err) || product(m, H_W2, rows, err)) goto fail;
    ARG(m->bias, 0, m->z);
    ARG(m->bias, 2, b2);
    ARG(m->bias, 3, cls);
    ARG(m->bias, 4, nz);
    ARG(m->bias, 5, zero);
    if (run(m, m->bias, nz, what, err)) goto fail;
    ARG(m->softmax, 0, m->z);
    ARG(m->softmax, 1, m->y);
    ARG(m->softmax, 2, cls);
    ARG(m->softmax, 3, r);
    ARG(m->softmax, 4, scale);
    ARG(m->softmax, 5, m->dz);
    ARG(m->softmax, 6, m->loss);
    ARG(m->softmax, 7, m->correct);
    if (run(m, m->softmax, r, what, err)) goto fail;
    if (backward) {
        /* dW2 = h^T dz, db2 = colsum dz, dh = dz W2^T masked by ReLU, dW1 = x^T dh, db1. */
        if (product(m, HT_DZ, rows, err)) goto fail;
        ARG(m->colsum, 0, m->dz);
        ARG(m->colsum, 1, r);
        ARG(m->colsum, 2, cls);
        ARG(m->colsum, 3, m->grads);
        ARG(m->colsum, 4, b2);
        if (run(m, m->colsum, cls, what, err) || product(m, DZ_W2T, rows, err)) goto fail;
        ARG(m->relu_grad, 0, m->dh);
        ARG(m->relu_grad, 1, m->h);
        ARG(m->relu_grad, 2, nh);
        if (run(m, m->relu_grad, nh, what, err) || product(m, XT_DH, rows, err)) goto fail;
        ARG(m->colsum, 0, m->dh);
        ARG(m->colsum, 2, hid);
        ARG(m->colsum, 4, b1);
        if (run(m, m->colsum, hid, what, err)) goto fail;
    }
    cl_command_queue q = clopt_context_queue(m->ctx);
    CLOPT_CL_CHECK(err, "reading the batch's loss",
                   clEnqueueReadBuffer(q, m->loss, CL_FALSE, 0, rows * sizeof(float), m->host_loss,
                                       0, NULL, NULL));
    CLOPT_CL_CHECK(err, "reading the batch's loss",
                   clEnqueueReadBuffer(q, m->correct, CL_TRUE, 0, rows * sizeof(cl_uint),
                                       m->host_correct, 0, NULL, NULL));
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < rows; i++) {
        s += m->host_loss[i];
        c += m->host_correct[i];
    }
    *loss_sum = s;
    *correct = c;
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

clopt_status clopt_mlp_time_products(clopt_mlp *m, size_t rows, int reps, double *seconds,
                                     clopt_error *err)
{
    cl_command_queue q = clopt_context_queue(m->ctx);
    double best = INFINITY;
    clopt_status st;
    for (int r = -1; r < reps; r++) {
        const double t0 = clopt_now();
        for (product_id p = X_W1; p < PRODUCTS; p++)
            if ((st = product(m, p, rows, err)) != CLOPT_OK) return st;
        cl_int rc = clFinish(q);
        if (rc != CL_SUCCESS)
            return clopt_error_cl(err, rc, "clFinish", "timing the matrix products");
        const double dt = clopt_now() - t0;
        if (r >= 0 && dt < best) best = dt;
    }
    *seconds = best;
    return CLOPT_OK;
}

void clopt_mlp_release(clopt_mlp *m)
{
    if (!m) return;
    cl_mem mems[] = {m->params, m->grads, m->x,  m->y,    m->h,
                     m->z,      m->dz,    m->dh, m->loss, m->correct};
    for (size_t i = 0; i < sizeof mems / sizeof *mems; i++)
        if (mems[i]) clReleaseMemObject(mems[i]);
    cl_kernel ks[] = {m->gather, m->bias, m->softmax, m->colsum, m->relu_grad};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
        if (ks[i]) clReleaseKernel(ks[i]);
    free(m->host_loss);
    free(m->host_correct);
    free(m);
}
