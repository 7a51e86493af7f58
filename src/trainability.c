/*
 * Trainability windows (cl/trainability.cl): the paper's network trained once per cell of a
 * grid of per-layer learning rates, every cell its own work-item, in launches of CHUNK
 * cells so that no launch runs long; data and initial weights from a seed or the caller.
 */
#include "context.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 8192u       /* cells per launch: well under a second on PoCL at w = 8 */
#define MAX_STEPS 100000u /* steps per cell */
#define MAX_LOG_RATE 10.0 /* |log10 rate| at most */

size_t clopt_trainability_data_size(size_t width)
{
    const size_t n = width * width + width;
    return n * width + n + width * width + width;
}

/* SplitMix64 (Steele, Lea, Flood 2014): the next 64 bits of the stream at *s. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform in (0, 1): the top 53 bits and a half, times 2^-53. */
static double uniform(uint64_t *s)
{
    return ((double)(splitmix64(s) >> 11) + 0.5) * 0x1p-53;
}

clopt_status clopt_trainability_data(size_t width, uint64_t seed, double *out, clopt_error *err)
{
    clopt_error_clear(err);
    if (!out) return clopt_error_set(err, CLOPT_EINVAL, "clopt_trainability_data: out is NULL");
    if (width < 1 || width > CLOPT_TRAINABILITY_MAX_WIDTH)
        return clopt_error_set(err, CLOPT_EINVAL, "width %zu; expected 1 .. %u", width,
                               CLOPT_TRAINABILITY_MAX_WIDTH);
    const size_t size = clopt_trainability_data_size(width);
    uint64_t s = seed;
    for (size_t i = 0; i < size; i += 2) { /* Box-Muller: two normals per two uniforms */
        const double u1 = uniform(&s), u2 = uniform(&s);
        const double r = sqrt(-2.0 * log(u1)), a = 6.283185307179586477 * u2; /* 2 pi */
        out[i] = r * cos(a);
        if (i + 1 < size) out[i + 1] = r * sin(a);
    }
    return CLOPT_OK;
}

static clopt_status check(const clopt_trainability_options *o, clopt_error *err)
{
    if (o->width < 1 || o->width > CLOPT_TRAINABILITY_MAX_WIDTH)
        return clopt_error_set(err, CLOPT_EINVAL, "width %zu; expected 1 .. %u", o->width,
                               CLOPT_TRAINABILITY_MAX_WIDTH);
    if (o->activation != CLOPT_ACTIVATION_TANH && o->activation != CLOPT_ACTIVATION_RELU &&
        o->activation != CLOPT_ACTIVATION_IDENTITY)
        return clopt_error_set(err, CLOPT_EINVAL, "activation %d; expected tanh, relu or identity",
                               (int)o->activation);
    if (o->steps < 1 || o->steps > MAX_STEPS)
        return clopt_error_set(err, CLOPT_EINVAL, "steps = %llu; expected 1 .. %u",
                               (unsigned long long)o->steps, MAX_STEPS);
    if (o->nx < 2 || o->ny < 2 || o->nx > CLOPT_EXPLORE_MAX_SIDE || o->ny > CLOPT_EXPLORE_MAX_SIDE)
        return clopt_error_set(err, CLOPT_EINVAL, "grid %zu x %zu; each side must be 2 .. %u",
                               o->nx, o->ny, CLOPT_EXPLORE_MAX_SIDE);
    const double *v = o->window;
    for (int k = 0; k < 4; k++)
        if (!isfinite(v[k]) || fabs(v[k]) > MAX_LOG_RATE)
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "window[%d] = %g; expected log10 of a rate in [-%g, %g]", k,
                                   v[k], MAX_LOG_RATE, MAX_LOG_RATE);
    if (!(v[0] < v[1] && v[2] < v[3]))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "window %g,%g,%g,%g; expected x0 < x1 and y0 < y1", v[0], v[1], v[2],
                               v[3]);
    if (o->precision != CLOPT_PRECISION_FLOAT && o->precision != CLOPT_PRECISION_DOUBLE)
        return clopt_error_set(err, CLOPT_EINVAL, "precision %d; expected float or double",
                               (int)o->precision);
    if (o->data) {
        const size_t size = clopt_trainability_data_size(o->width);
        for (size_t i = 0; i < size; i++)
            if (!isfinite(o->data[i]))
                return clopt_error_set(err, CLOPT_EINVAL,
                                       "data value %zu is %g; expected finite numbers", i,
                                       o->data[i]);
    }
    return CLOPT_OK;
}

/* Host values in the program's element type: doubles, or floats rounded once. */
static void *elems(const double *v, size_t n, int dbl)
{
    void *out = malloc(n * (dbl ? sizeof(double) : sizeof(float)));
    if (out)
        for (size_t i = 0; i < n; i++) {
            if (dbl)
                ((double *)out)[i] = v[i];
            else
                ((float *)out)[i] = (float)v[i];
        }
    return out;
}

/*
 * Cells [from, from + cells) of the grid (c = j nx + i). Each cell is its own work-item lane
 * and reads nothing of another, so where a cell falls in a launch (its chunk, its lane, the
 * padding beside it) cannot change its value: any split of the grid gives the whole call's
 * values bit for bit (tests/test_trainability.c checks it).
 */
clopt_status clopt_trainability_cells(clopt_context *ctx, const clopt_trainability_options *o,
                                      size_t from, size_t cells, double *measure,
                                      unsigned char *converged, clopt_error *err)
{
    clopt_error_clear(err);
    if (!ctx || !o || !measure || !converged)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_trainability: %s is NULL",
                               !ctx ? "context"
                               : !o ? "options"
                                    : "an output");
    clopt_status st = check(o, err);
    if (st != CLOPT_OK) return st;
    if (cells < 1 || from > o->nx * o->ny || cells > o->nx * o->ny - from)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%zu cells from cell %zu; expected 1 or more within the grid's %zu",
                               cells, from, o->nx * o->ny);
    const int dbl = o->precision == CLOPT_PRECISION_DOUBLE;
    const size_t lanes = dbl ? 1 : ctx->tuning.lanes; /* cells per work-item */
    const size_t es = dbl ? sizeof(double) : sizeof(float);
    const size_t padded = (cells + CHUNK - 1) / CHUNK * CHUNK; /* CHUNK: a multiple of 16 */
    const size_t size = clopt_trainability_data_size(o->width);
    cl_program program = ctx->program;
    if (dbl && (st = clopt_context_double_program(ctx, &program, err)) != CLOPT_OK) return st;
    cl_int rc;
    cl_kernel k = NULL;
    cl_mem d_data = NULL, d_lr1 = NULL, d_lr2 = NULL, d_measure = NULL, d_conv = NULL;
    double *data = malloc(size * sizeof *data), *lr = malloc((o->nx + o->ny) * sizeof *lr);
    double *cell_lr = malloc(2 * CHUNK * sizeof *cell_lr);
    void *e_data = NULL, *e_lr1 = NULL, *e_lr2 = NULL, *e_measure = malloc(padded * es);
    cl_uint *conv = malloc(padded * sizeof *conv);
    const char *what = "computing a trainability window";
    if (!data || !lr || !cell_lr || !e_measure || !conv) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu cells", cells);
        goto fail;
    }
    if (o->data)
        memcpy(data, o->data, size * sizeof *data);
    else
        clopt_trainability_data(o->width, o->seed, data, NULL);
    for (size_t i = 0; i < o->nx; i++)
        lr[i] = pow(10.0,
                    o->window[0] + (double)i * (o->window[1] - o->window[0]) / (double)(o->nx - 1));
    for (size_t j = 0; j < o->ny; j++)
        lr[o->nx + j] = pow(10.0, o->window[2] + (double)j * (o->window[3] - o->window[2]) /
                                                     (double)(o->ny - 1));
    e_data = elems(data, size, dbl);
    e_lr1 = malloc(CHUNK * es);
    e_lr2 = malloc(CHUNK * es);
    if (!e_data || !e_lr1 || !e_lr2) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu cells", cells);
        goto fail;
    }
    const cl_mem_flags ro = CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR;
    d_data = clCreateBuffer(ctx->cl, ro, size * es, e_data, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    d_lr1 = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY, CHUNK * es, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    d_lr2 = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY, CHUNK * es, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    d_measure = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, padded * es, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    d_conv = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, padded * sizeof *conv, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    k = clCreateKernel(program, "clopt_trainability", &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateKernel", rc);
    const cl_uint w = (cl_uint)o->width, act = (cl_uint)o->activation;
    const cl_uint steps = (cl_uint)o->steps;
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 0, sizeof w, &w));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 1, sizeof act, &act));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 2, sizeof steps, &steps));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 3, sizeof d_data, &d_data));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 4, sizeof d_lr1, &d_lr1));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 5, sizeof d_lr2, &d_lr2));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 8, sizeof d_measure, &d_measure));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 9, sizeof d_conv, &d_conv));
    for (size_t first = 0; first < cells; first += CHUNK) {
        /* each cell's rates (padding repeats the last cell) */
        for (size_t q = 0; q < CHUNK; q++) {
            const size_t c = from + (first + q < cells ? first + q : cells - 1);
            cell_lr[q] = lr[c % o->nx];
            cell_lr[CHUNK + q] = lr[o->nx + c / o->nx];
        }
        for (size_t q = 0; q < CHUNK; q++) {
            if (dbl) {
                ((double *)e_lr1)[q] = cell_lr[q];
                ((double *)e_lr2)[q] = cell_lr[CHUNK + q];
            } else {
                ((float *)e_lr1)[q] = (float)cell_lr[q];
                ((float *)e_lr2)[q] = (float)cell_lr[CHUNK + q];
            }
        }
        const size_t count = cells - first < CHUNK ? cells - first : CHUNK;
        const cl_uint f = (cl_uint)first, items = (cl_uint)((count + lanes - 1) / lanes);
        /* the trajectory kernels' work-group: 1 on PoCL, whose work-groups keep every
         * work-item's private arrays (17 KiB here) on one thread's stack; 64 on GPUs */
        const size_t local = ctx->tuning.trajectory_wgs;
        const size_t global = (items + local - 1) / local * local;
        CLOPT_CL_CHECK(
            err, what,
            clEnqueueWriteBuffer(ctx->queue, d_lr1, CL_FALSE, 0, CHUNK * es, e_lr1, 0, NULL, NULL));
        CLOPT_CL_CHECK(
            err, what,
            clEnqueueWriteBuffer(ctx->queue, d_lr2, CL_FALSE, 0, CHUNK * es, e_lr2, 0, NULL, NULL));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 6, sizeof f, &f));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 7, sizeof items, &items));
        CLOPT_CL_CHECK(
            err, what,
            clEnqueueNDRangeKernel(ctx->queue, k, 1, NULL, &global, &local, 0, NULL, NULL));
        CLOPT_CL_CHECK(err, what, clFinish(ctx->queue));
    }
    CLOPT_CL_CHECK(err, what,
                   clEnqueueReadBuffer(ctx->queue, d_measure, CL_TRUE, 0, cells * es, e_measure, 0,
                                       NULL, NULL));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueReadBuffer(ctx->queue, d_conv, CL_TRUE, 0, cells * sizeof *conv, conv,
                                       0, NULL, NULL));
    for (size_t c = 0; c < cells; c++) {
        measure[c] = dbl ? ((double *)e_measure)[c] : (double)((float *)e_measure)[c];
        converged[c] = conv[c] != 0;
    }
    goto done;
fail:
    st = clopt_fail_status(st);
done:
    clFinish(ctx->queue);
    if (k) clReleaseKernel(k);
    cl_mem mems[] = {d_data, d_lr1, d_lr2, d_measure, d_conv};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
        if (mems[i]) clReleaseMemObject(mems[i]);
    free(data);
    free(lr);
    free(cell_lr);
    free(e_data);
    free(e_lr1);
    free(e_lr2);
    free(e_measure);
    free(conv);
    return st;
}

clopt_status clopt_trainability(clopt_context *ctx, const clopt_trainability_options *o,
                                double *measure, unsigned char *converged, clopt_error *err)
{
    /* the options are checked before the range, so that a bad grid is named as such */
    return clopt_trainability_cells(ctx, o, 0, o ? o->nx * o->ny : 0, measure, converged, err);
}
