/*
 * Muon's step on the device (docs/semantics.md, "Muon"): per matrix, the momentum kernel writes
 * u (transposed when tall) into the workspace X, one work-group normalises it, ns_steps
 * Newton-Schulz iterations run as CLBlast SGEMMs (G = X X^T; H = c G G + b G;
 * X = H X + a X), and the apply kernel takes the step. All enqueued, nothing read back; the
 * matrices of a step follow each other on the context's in-order queue, so one workspace,
 * sized for the largest, serves them all.
 */
#include "optimizer.h"

#include "error.h"
#include "gemm.h"
#include "schedule.h"

#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WS_X, WS_Y, WS_G, WS_H };

void clopt_muon_release(clopt_layout *lay)
{
    for (size_t i = 0; i < 4; i++)
        if (lay->muon_ws[i]) clReleaseMemObject(lay->muon_ws[i]);
    free(lay->muon_gh);
    cl_kernel kernels[] = {lay->muon_momentum, lay->muon_normalise, lay->muon_apply};
    for (size_t i = 0; i < 3; i++)
        if (kernels[i]) clReleaseKernel(kernels[i]);
}

clopt_status clopt_muon_build(clopt_optimizer *o, clopt_layout *out, clopt_error *err)
{
    size_t nm = 1, nn = 1; /* floats of X (n x m) and G (n x n) of the largest matrix */
    for (size_t i = 0; i < out->ntensors; i++) {
        const clopt_tensor *t = &out->tensors[i];
        const size_t n = t->rows < t->cols ? t->rows : t->cols;
        if (t->count > nm) nm = t->count;
        if (n * n > nn) nn = n * n;
    }
    cl_int rc;
    char what[160];
    snprintf(what, sizeof what,
             "allocating Muon's Newton-Schulz workspace (2 x %zu + 2 x %zu floats)", nm, nn);
    const clopt_status st = clopt_gemm_on_host(o->ctx, &out->muon_host, err);
    if (st != CLOPT_OK) return st;
    if (out->muon_host) { /* G and H in host memory; X and Y stay buffers, for the kernels */
        out->muon_gh = malloc(2 * nn * sizeof(float));
        if (!out->muon_gh) return clopt_error_set(err, CLOPT_ENOMEM, "%s: out of memory", what);
    }
    const float zero = 0.0f;
    for (size_t i = 0; i < (out->muon_host ? 2u : 4u); i++) {
        const size_t floats = i < WS_G ? nm : nn;
        out->muon_ws[i] =
            clCreateBuffer(o->ctx->cl, CL_MEM_READ_WRITE, floats * sizeof(float), NULL, &rc);
        CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
        /* CLBlast may read C even with beta 0: no NaN bits from a fresh allocation */
        CLOPT_CL_CHECK(err, what,
                       clEnqueueFillBuffer(o->ctx->queue, out->muon_ws[i], &zero, sizeof zero, 0,
                                           floats * sizeof(float), 0, NULL, NULL));
    }
    const char *names[] = {"clopt_muon_momentum", "clopt_muon_normalise", "clopt_muon_apply"};
    cl_kernel *kernels[] = {&out->muon_momentum, &out->muon_normalise, &out->muon_apply};
    for (size_t i = 0; i < 3; i++) {
        *kernels[i] = clCreateKernel(o->ctx->program, names[i], &rc);
        CLOPT_CL_CHECK_RC(err, "creating Muon's kernels", "clCreateKernel", rc);
    }
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

/* A CLBlast status as an error: its OpenCL codes by name, its own by number. */
static clopt_status blas_error(CLBlastStatusCode rc, clopt_error *err)
{
    const char *what = "enqueueing a Newton-Schulz product of Muon's step";
    if (rc < 0 && rc > -100) return clopt_error_cl(err, (cl_int)rc, "CLBlastSgemm", what);
    return clopt_error_set(err, CLOPT_ECL, "%s: CLBlastSgemm failed with CLBlast status %d", what,
                           (int)rc);
}

/* C = alpha op(A) B + beta C, row-major, rows x cols, inner k, tightly packed. */
static CLBlastStatusCode sgemm(cl_command_queue q, int ta, size_t rows, size_t cols, size_t inner,
                               float alpha, cl_mem a, cl_mem b, int tb, float beta, cl_mem c)
{
    return CLBlastSgemm(CLBlastLayoutRowMajor, ta ? CLBlastTransposeYes : CLBlastTransposeNo,
                        tb ? CLBlastTransposeYes : CLBlastTransposeNo, rows, cols, inner, alpha, a,
                        0, ta ? rows : inner, b, 0, tb ? inner : cols, beta, c, 0, cols, &q, NULL);
}

/*
 * The Newton-Schulz iterations of newton_schulz on the host: X and Y mapped (each map waits
 * for the kernels before it), G and H in the layout's host memory.
 */
static clopt_status newton_schulz_host(clopt_optimizer *o, const clopt_scalars *k, size_t n,
                                       size_t m, cl_mem *result, clopt_error *err)
{
    const cl_command_queue q = o->ctx->queue;
    const cl_mem buf[2] = {o->lay.muon_ws[WS_X], o->lay.muon_ws[WS_Y]};
    const cl_map_flags flags[2] = {CL_MAP_READ | CL_MAP_WRITE, CL_MAP_WRITE_INVALIDATE_REGION};
    float *p[2] = {NULL, NULL};
    clopt_status st = CLOPT_OK;
    for (int i = 0; i < 2 && st == CLOPT_OK; i++) {
        cl_int rc;
        p[i] = clEnqueueMapBuffer(q, buf[i], CL_TRUE, flags[i], 0, n * m * sizeof(float), 0, NULL,
                                  NULL, &rc);
        if (rc != CL_SUCCESS) {
            p[i] = NULL;
            st = clopt_error_cl(err, rc, "clEnqueueMapBuffer", "mapping Muon's workspace");
        }
    }
    if (st == CLOPT_OK) {
        float *x = p[0], *y = p[1], *g = o->lay.muon_gh, *h = g + n * n;
        for (int i = 0; i < (int)k->ns_steps; i++) {
            clopt_gemm_host(0, 1, n, n, m, 1.0f, x, m, x, m, 0.0f, g, n);
            memcpy(h, g, n * n * sizeof *h);
            clopt_gemm_host(0, 0, n, n, n, k->ns_c, g, n, g, n, k->ns_b, h, n);
            memcpy(y, x, n * m * sizeof *y);
            clopt_gemm_host(0, 0, n, m, n, 1.0f, h, n, x, m, k->ns_a, y, m);
            float *const t = x;
            x = y;
            y = t;
        }
        *result = x == p[0] ? buf[0] : buf[1];
    }
    for (int i = 0; i < 2; i++) {
        if (!p[i]) continue;
        const cl_int rc = clEnqueueUnmapMemObject(q, buf[i], p[i], 0, NULL, NULL);
        if (rc != CL_SUCCESS && st == CLOPT_OK)
            st = clopt_error_cl(err, rc, "clEnqueueUnmapMemObject", "unmapping Muon's workspace");
    }
    return st;
}

/* The Newton-Schulz iterations on X (n x m); returns the buffer that holds the result. */
static clopt_status newton_schulz(clopt_optimizer *o, const clopt_scalars *k, size_t n, size_t m,
                                  cl_mem *result, unsigned *launched, clopt_error *err)
{
    const cl_command_queue q = o->ctx->queue;
    cl_mem x = o->lay.muon_ws[WS_X], y = o->lay.muon_ws[WS_Y];
    const cl_mem g = o->lay.muon_ws[WS_G], h = o->lay.muon_ws[WS_H];
    if (o->lay.muon_host) return newton_schulz_host(o, k, n, m, result, err);
    const char *what = "copying in Muon's Newton-Schulz workspace";
    CLBlastStatusCode rc;
    for (int i = 0; i < (int)k->ns_steps; i++) {
        if ((rc = sgemm(q, 0, n, n, m, 1.0f, x, x, 1, 0.0f, g)) != CLBlastSuccess) goto blas;
        CLOPT_CL_CHECK(err, what,
                       clEnqueueCopyBuffer(q, g, h, 0, 0, n * n * sizeof(float), 0, NULL, NULL));
        if ((rc = sgemm(q, 0, n, n, n, k->ns_c, g, g, 0, k->ns_b, h)) != CLBlastSuccess) goto blas;
        CLOPT_CL_CHECK(err, what,
                       clEnqueueCopyBuffer(q, x, y, 0, 0, n * m * sizeof(float), 0, NULL, NULL));
        if ((rc = sgemm(q, 0, n, m, n, 1.0f, h, x, 0, k->ns_a, y)) != CLBlastSuccess) goto blas;
        *launched += 5;
        const cl_mem t = x;
        x = y;
        y = t;
    }
    *result = x;
    return CLOPT_OK;
blas:
    return blas_error(rc, err);
fail:
    return CLOPT_ECL;
}

clopt_status clopt_muon_step(clopt_optimizer *o, const clopt_scalars *k, unsigned *launched,
                             clopt_error *err)
{
    const clopt_layout *lay = &o->lay;
    const cl_command_queue q = o->ctx->queue;
    const size_t wgs = o->ctx->tuning.wgs;
    const char *what = "enqueueing Muon's step";
    clopt_status st = CLOPT_OK;
    for (size_t i = 0; i < lay->ntensors; i++) {
        const clopt_tensor *t = &lay->tensors[i];
        const cl_uint rows = (cl_uint)t->rows, cols = (cl_uint)t->cols, off = (cl_uint)t->offset;
        const cl_uint count = (cl_uint)t->count;
        const cl_ulong soff = t->state_offset;
        const size_t n = t->rows < t->cols ? t->rows : t->cols, m = t->count / n;
        const size_t global = (t->count + wgs - 1) / wgs * wgs;
        const cl_float s =
            (cl_float)clopt_muon_scale(o->cfg.v[CLOPT_P_ADJUST_LR], t->rows, t->cols);
        cl_kernel km = lay->muon_momentum, kn = lay->muon_normalise, ka = lay->muon_apply;
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 0, sizeof(cl_mem), &t->grad));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 1, sizeof(cl_mem), &lay->state[0]));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 2, sizeof(cl_mem), &lay->muon_ws[WS_X]));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 3, sizeof off, &off));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 4, sizeof soff, &soff));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 5, sizeof rows, &rows));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 6, sizeof cols, &cols));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 7, sizeof(cl_mem), &o->norm_scale));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(km, 8, sizeof *k, k));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(kn, 0, sizeof(cl_mem), &lay->muon_ws[WS_X]));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(kn, 1, sizeof count, &count));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(kn, 2, sizeof *k, k));
        CLOPT_CL_CHECK(err, what,
                       clEnqueueNDRangeKernel(q, km, 1, NULL, &global, &wgs, 0, NULL, NULL));
        ++*launched;
        CLOPT_CL_CHECK(err, what,
                       clEnqueueNDRangeKernel(q, kn, 1, NULL, &wgs, &wgs, 0, NULL, NULL));
        ++*launched;
        cl_mem result = NULL;
        if ((st = newton_schulz(o, k, n, m, &result, launched, err)) != CLOPT_OK) return st;
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 0, sizeof(cl_mem), &t->param));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 1, sizeof(cl_mem), &result));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 2, sizeof off, &off));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 3, sizeof rows, &rows));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 4, sizeof cols, &cols));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 5, sizeof s, &s));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(ka, 6, sizeof *k, k));
        CLOPT_CL_CHECK(err, what,
                       clEnqueueNDRangeKernel(q, ka, 1, NULL, &global, &wgs, 0, NULL, NULL));
        ++*launched;
    }
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}
