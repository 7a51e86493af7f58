/* The landscape of a test function on a grid, and its range, computed on the device. */
#include "context.h"
#include "error.h"
#include "functions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 4096
#define GROUPS 16 /* work-groups of the min/max reduction; the host folds their pairs */

static clopt_status check(const char *function, size_t nx, size_t ny, const double *view,
                          const float *values, clopt_function_ref *fn, clopt_error *err)
{
    const clopt_status st = clopt_function_resolve(function, fn, NULL, err);
    if (st != CLOPT_OK) return st;
    if (nx < 2 || nx > MAX_SIDE || ny < 2 || ny > MAX_SIDE)
        return clopt_error_set(err, CLOPT_EINVAL, "%s = %zu; expected 2 .. %d",
                               nx < 2 || nx > MAX_SIDE ? "nx" : "ny",
                               nx < 2 || nx > MAX_SIDE ? nx : ny, MAX_SIDE);
    if (view) {
        for (int i = 0; i < 4; i++)
            if (!isfinite(view[i]))
                return clopt_error_set(err, CLOPT_EINVAL, "view: %s = %g is not a finite number",
                                       (const char *[]){"x0", "x1", "y0", "y1"}[i], view[i]);
        if (!(view[0] < view[1]) || !(view[2] < view[3]))
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "view %g,%g,%g,%g: expected x0 < x1 and y0 < y1", view[0],
                                   view[1], view[2], view[3]);
    }
    if (!values) return clopt_error_set(err, CLOPT_EINVAL, "clopt_landscape: values is NULL");
    return CLOPT_OK;
}

clopt_status clopt_landscape(clopt_context *ctx, const char *function, size_t nx, size_t ny,
                             const double *view, float *values, float *min, float *max,
                             clopt_error *err)
{
    clopt_error_clear(err);
    clopt_function_ref fn;
    if (!ctx) return clopt_error_set(err, CLOPT_EINVAL, "clopt_landscape: context is NULL");
    clopt_status st = check(function, nx, ny, view, values, &fn, err);
    cl_program program = NULL;
    cl_uint id = 0;
    if (st == CLOPT_OK) st = clopt_function_program(ctx, &fn, 0, &program, &id, err);
    double own[4];
    if (!view && fn.info) {
        memcpy(own, fn.info->view, sizeof own);
        view = own;
    }
    clopt_function_ref_release(&fn);
    if (st != CLOPT_OK) return st;
    st = CLOPT_ECL;
    const size_t lanes = ctx->tuning.lanes, wgs = ctx->tuning.wgs;
    const cl_uint cnx = (cl_uint)nx, n = (cl_uint)(nx * ny);
    const cl_float x0 = (cl_float)view[0], dx = (cl_float)((view[1] - view[0]) / (double)(nx - 1));
    const cl_float y0 = (cl_float)view[2], dy = (cl_float)((view[3] - view[2]) / (double)(ny - 1));
    const size_t padded = (n + lanes - 1) / lanes * lanes;
    const size_t items = padded / lanes, local = wgs < 64 ? wgs : 64;
    const size_t global = (items + local - 1) / local * local;
    const size_t rglobal = GROUPS * wgs;
    cl_float2 partial[GROUPS];
    cl_mem grid = NULL, pairs = NULL;
    cl_kernel land = NULL, minmax = NULL;
    cl_int rc;
    const char *what = "computing a landscape";
    const cl_command_queue q = ctx->queue;
    grid = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, padded * sizeof(cl_float), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    pairs = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, sizeof partial, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    land = clCreateKernel(program, "clopt_landscape", &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateKernel", rc);
    minmax = clCreateKernel(program, "clopt_minmax", &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateKernel", rc);
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 0, sizeof id, &id));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 1, sizeof cnx, &cnx));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 2, sizeof n, &n));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 3, sizeof x0, &x0));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 4, sizeof dx, &dx));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 5, sizeof y0, &y0));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 6, sizeof dy, &dy));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(land, 7, sizeof grid, &grid));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(minmax, 0, sizeof grid, &grid));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(minmax, 1, sizeof n, &n));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(minmax, 2, sizeof pairs, &pairs));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, land, 1, NULL, &global, &local, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, minmax, 1, NULL, &rglobal, &wgs, 0, NULL, NULL));
    CLOPT_CL_CHECK(
        err, what,
        clEnqueueReadBuffer(q, grid, CL_FALSE, 0, n * sizeof(cl_float), values, 0, NULL, NULL));
    CLOPT_CL_CHECK(
        err, what,
        clEnqueueReadBuffer(q, pairs, CL_TRUE, 0, sizeof partial, partial, 0, NULL, NULL));
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < GROUPS; i++) {
        lo = fminf(lo, partial[i].s[0]);
        hi = fmaxf(hi, partial[i].s[1]);
    }
    if (min) *min = lo;
    if (max) *max = hi;
    st = CLOPT_OK;
fail: /* and the way out on success */
    if (st != CLOPT_OK)
        clFinish(q); /* the read into the caller's `values` may still be in flight */
    if (land) clReleaseKernel(land);
    if (minmax) clReleaseKernel(minmax);
    if (grid) clReleaseMemObject(grid);
    if (pairs) clReleaseMemObject(pairs);
    clReleaseProgram(program);
    return st;
}
