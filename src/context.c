/* Contexts: select or wrap a device, keep an in-order queue, build the kernels once. */
#include "context.h"

#include "device.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole build log (the driver refuses a buffer shorter than it); NULL if none. */
static char *build_log(cl_program program, cl_device_id device)
{
    size_t size = 0;
    if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) !=
            CL_SUCCESS ||
        size == 0)
        return NULL;
    char *log = malloc(size + 1);
    if (log && clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log, NULL) !=
                   CL_SUCCESS) {
        free(log);
        return NULL;
    }
    if (log) log[size] = '\0';
    return log;
}

/* The log from its first "error" on: what a person needs, within the 256-byte text. */
static const char *first_error(const char *log)
{
    const char *e = strstr(log, "error");
    while (e && e > log && e[-1] != '\n')
        e--;
    return e ? e : log;
}

/* As clopt_context_build, with `lanes` (CLOPT_TW) trajectories per vector. */
static clopt_status build_lanes(clopt_context *ctx, size_t lanes, const char *extra, cl_uint count,
                                const char **sources, cl_program *program, clopt_error *err)
{
    cl_int rc;
    cl_device_fp_config fp = 0;
    char options[256];
    *program = NULL;
    clGetDeviceInfo(ctx->device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL);
    /* -w: PoCL's compiler writes its warnings (and their count) to our stderr, and the
     * library never prints; errors still reach the build log. */
    snprintf(options, sizeof options,
             "-cl-std=CL1.2 -w -DCLOPT_WGS=%zu -DCLOPT_WPI=%zu -DCLOPT_TW=%zu -DCLOPT_GROUPS=%zu "
             "-DCLOPT_CONTIGUOUS=%d%s%s",
             ctx->tuning.wgs, ctx->tuning.work_per_item, lanes, ctx->tuning.groups,
             ctx->tuning.contiguous, extra,
             (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) ? " -cl-fp32-correctly-rounded-divide-sqrt"
                                                        : "");
    cl_program p = clCreateProgramWithSource(ctx->cl, count, sources, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating the clopt program", "clCreateProgramWithSource", rc);
    rc = clBuildProgram(p, 1, &ctx->device, options, NULL, NULL);
    if (rc != CL_SUCCESS) {
        char *log = build_log(p, ctx->device);
        clopt_error_set(err, CLOPT_ECL,
                        "building the clopt kernels: clBuildProgram failed with %s: %s",
                        clopt_cl_error_name(rc), log ? first_error(log) : "(no build log)");
        free(log);
        if (err) err->cl_error = rc;
        clReleaseProgram(p);
        goto fail;
    }
    *program = p;
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

clopt_status clopt_context_build(clopt_context *ctx, cl_uint count, const char **sources,
                                 cl_program *program, clopt_error *err)
{
    return build_lanes(ctx, ctx->tuning.lanes, "", count, sources, program, err);
}

clopt_status clopt_context_scalar_program(clopt_context *ctx, cl_program *program, clopt_error *err)
{
    const char *src = clopt_kernel_source;
    *program = ctx->program;
    if (ctx->tuning.lanes == 1) return CLOPT_OK;
    clopt_status st = CLOPT_OK;
    pthread_mutex_lock(&ctx->scalar_lock);
    if (!ctx->scalar_program) st = build_lanes(ctx, 1, "", 1, &src, &ctx->scalar_program, err);
    *program = ctx->scalar_program;
    pthread_mutex_unlock(&ctx->scalar_lock);
    return st;
}

int clopt_context_has_fp64(const clopt_context *ctx)
{
    cl_device_fp_config fp = 0;
    if (clGetDeviceInfo(ctx->device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, NULL) !=
        CL_SUCCESS)
        return 0;
    return fp != 0; /* non-zero exactly when the device reports cl_khr_fp64 (OpenCL 1.2) */
}

/* The double program's build options: one trajectory per vector (cl/real.h). */
#define DOUBLE_OPTIONS " -DCLOPT_DOUBLE=1"

/* CLOPT_EINVAL, with a sentence naming cl_khr_fp64 and the device, on a device without it
 * (CLOPT_ECL naming the call if the device cannot be asked). */
static clopt_status require_fp64(const clopt_context *ctx, clopt_error *err)
{
    cl_device_fp_config fp = 0;
    CLOPT_CL_CHECK(err, "asking the device for double precision",
                   clGetDeviceInfo(ctx->device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, NULL));
    if (fp != 0) return CLOPT_OK; /* exactly when the device reports cl_khr_fp64 (OpenCL 1.2) */
    char name[128] = "";
    clGetDeviceInfo(ctx->device, CL_DEVICE_NAME, sizeof name - 1, name, NULL);
    return clopt_error_set(err, CLOPT_EINVAL,
                           "precision \"double\" needs the device's cl_khr_fp64 extension; "
                           "the device \"%s\" lacks it: use precision \"float\"",
                           name);
fail:
    return CLOPT_ECL;
}

clopt_status clopt_context_build_double(clopt_context *ctx, cl_uint count, const char **sources,
                                        cl_program *program, clopt_error *err)
{
    *program = NULL;
    const clopt_status st = require_fp64(ctx, err);
    if (st != CLOPT_OK) return st;
    return build_lanes(ctx, 1, DOUBLE_OPTIONS, count, sources, program, err);
}

clopt_status clopt_context_double_program(clopt_context *ctx, cl_program *program, clopt_error *err)
{
    const char *src = clopt_kernel_source;
    *program = NULL;
    clopt_status st = require_fp64(ctx, err);
    if (st != CLOPT_OK) return st;
    pthread_mutex_lock(&ctx->scalar_lock);
    if (!ctx->double_program)
        st = build_lanes(ctx, 1, DOUBLE_OPTIONS, 1, &src, &ctx->double_program, err);
    *program = ctx->double_program;
    pthread_mutex_unlock(&ctx->scalar_lock);
    return st;
}

static clopt_status build_program(clopt_context *ctx, clopt_error *err)
{
    const char *src = clopt_kernel_source;
    return clopt_context_build(ctx, 1, &src, &ctx->program, err);
}

/*
 * The first kernel of the program that cannot take the chosen shape: a work-group of
 * tuning.wgs (every launch uses at most that many work-items) and its local memory. Sets
 * *limit to the name of the limit it exceeds and *need, *have to the numbers; NULL if all fit.
 */
static cl_kernel misfit(clopt_context *ctx, cl_kernel *k, cl_uint n, const char **limit,
                        size_t *need, size_t *have)
{
    for (cl_uint i = 0; i < n; i++) {
        size_t kwgs = 0;
        cl_ulong klocal = 0;
        if (clGetKernelWorkGroupInfo(k[i], ctx->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kwgs,
                                     &kwgs, NULL) != CL_SUCCESS)
            kwgs = ctx->tuning.max_wgs;
        if (clGetKernelWorkGroupInfo(k[i], ctx->device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof klocal,
                                     &klocal, NULL) != CL_SUCCESS)
            klocal = 0;
        if (kwgs > ctx->tuning.max_wgs) /* CLOPT_MAX_WORK_GROUP_SIZE lowers every limit */
            kwgs = ctx->tuning.max_wgs;
        if (kwgs < ctx->tuning.wgs) {
            *limit = kwgs < ctx->tuning.max_wgs ? "CL_KERNEL_WORK_GROUP_SIZE"
                                                : "CL_DEVICE_MAX_WORK_GROUP_SIZE";
            *need = ctx->tuning.wgs;
            *have = kwgs;
            return k[i];
        }
        if (klocal > ctx->tuning.local_mem) {
            *limit = "CL_DEVICE_LOCAL_MEM_SIZE";
            *need = (size_t)klocal;
            *have = ctx->tuning.local_mem;
            return k[i];
        }
    }
    return NULL;
}

/*
 * Checks every kernel against the device limits; a kernel that cannot take the shape makes
 * the work-group size halve and the program build again, down to a work-group of 1, after
 * which the error names the kernel and the limit. (A kernel's parameters take at most about
 * 130 bytes, the 64-byte clopt_scalars and a few pointers, under the 256 that every OpenCL
 * device takes, 1024 for full-profile ones; no kernel has a __constant argument.)
 */
static clopt_status fit_limits(clopt_context *ctx, clopt_error *err)
{
    clopt_status st = CLOPT_OK;
    for (;;) {
        cl_uint n = 0;
        cl_kernel *k = NULL;
        CLOPT_CL_CHECK(err, "listing the clopt kernels",
                       clCreateKernelsInProgram(ctx->program, 0, NULL, &n));
        if (!(k = calloc(n ? n : 1, sizeof *k))) {
            st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory listing the clopt kernels");
            goto fail;
        }
        cl_int rc = clCreateKernelsInProgram(ctx->program, n, k, NULL);
        const char *limit = NULL;
        size_t need = 0, have = 0;
        cl_kernel bad = rc == CL_SUCCESS ? misfit(ctx, k, n, &limit, &need, &have) : NULL;
        char kname[64] = "?", dname[128] = "?";
        if (bad) {
            clGetKernelInfo(bad, CL_KERNEL_FUNCTION_NAME, sizeof kname, kname, NULL);
            clGetDeviceInfo(ctx->device, CL_DEVICE_NAME, sizeof dname, dname, NULL);
        }
        for (cl_uint i = 0; i < n; i++)
            if (k[i]) clReleaseKernel(k[i]);
        free(k);
        if (rc != CL_SUCCESS) {
            clopt_error_cl(err, rc, "clCreateKernelsInProgram", "creating the clopt kernels");
            goto fail;
        }
        if (!bad) return CLOPT_OK;
        const int local = !strcmp(limit, "CL_DEVICE_LOCAL_MEM_SIZE");
        if (!clopt_tuning_shrink(&ctx->tuning))
            return clopt_error_set(err, CLOPT_ECL,
                                   "device '%s' cannot run kernel %s even with a work-group of "
                                   "1: it needs %zu %s where %s is %zu",
                                   dname, kname, need,
                                   local ? "bytes of local memory" : "work-items", limit, have);
        clReleaseProgram(ctx->program);
        ctx->program = NULL;
        if ((st = build_program(ctx, err)) != CLOPT_OK) goto fail;
    }
fail:
    return clopt_fail_status(st);
}

/* Finishes a context whose cl, device and queue are set; releases it on error. */
static clopt_context *finish(clopt_context *ctx, clopt_error *err)
{
    if (clopt_tuning_for(ctx->device, &ctx->tuning, err) != CLOPT_OK) {
        clopt_context_release(ctx);
        return NULL;
    }
    cl_int rc = clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof ctx->max_alloc,
                                &ctx->max_alloc, NULL);
    if (rc != CL_SUCCESS) {
        clopt_error_cl(err, rc, "clGetDeviceInfo", "reading the device's largest allocation");
        clopt_context_release(ctx);
        return NULL;
    }
    if (!(ctx->programs = clopt_programs_create(CLOPT_PROGRAMS_MAX)) ||
        pthread_mutex_init(&ctx->scalar_lock, NULL) != 0) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a context");
        clopt_context_release(ctx);
        return NULL;
    }
    ctx->scalar_lock_ready = 1;
    if (build_program(ctx, err) != CLOPT_OK || fit_limits(ctx, err) != CLOPT_OK) {
        clopt_context_release(ctx);
        return NULL;
    }
    return ctx;
}

clopt_context *clopt_context_create(const char *device, clopt_error *err)
{
    return clopt_context_create_queue(device, 0, err);
}

clopt_context *clopt_context_create_queue(const char *device, cl_command_queue_properties queue,
                                          clopt_error *err)
{
    clopt_error_clear(err);
    clopt_device_entry dev;
    if (clopt_device_select(device, &dev, err) != CLOPT_OK) return NULL;
    clopt_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a context");
        return NULL;
    }
    cl_int rc;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev.platform, 0};
    ctx->device = dev.device;
    clRetainDevice(dev.device); /* a no-op for root devices; keeps release uniform */
    ctx->cl = clCreateContext(props, 1, &dev.device, NULL, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating an OpenCL context", "clCreateContext", rc);
    ctx->queue = clCreateCommandQueue(ctx->cl, dev.device, queue, &rc);
    CLOPT_CL_CHECK_RC(err, "creating a command queue", "clCreateCommandQueue", rc);
    return finish(ctx, err);
fail:
    clopt_context_release(ctx);
    return NULL;
}

clopt_context *clopt_context_wrap(cl_context c, cl_device_id d, cl_command_queue q,
                                  clopt_error *err)
{
    clopt_error_clear(err);
    if (!c || !d || !q) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "clopt_context_wrap: %s is NULL; expected the caller's context, "
                        "device and in-order queue",
                        !c   ? "context"
                        : !d ? "device"
                             : "queue");
        return NULL;
    }
    cl_context qctx = NULL;
    cl_device_id qdev = NULL;
    cl_command_queue_properties qprops = 0;
    cl_int rc = clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL);
    if (rc == CL_SUCCESS) rc = clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL);
    if (rc == CL_SUCCESS)
        rc = clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, sizeof qprops, &qprops, NULL);
    if (rc != CL_SUCCESS) {
        clopt_error_cl(err, rc, "clGetCommandQueueInfo", "clopt_context_wrap: inspecting queue");
        return NULL;
    }
    if (qctx != c || qdev != d) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "clopt_context_wrap: the queue belongs to another %s; expected a "
                        "queue created on the given context and device",
                        qctx != c ? "context" : "device");
        return NULL;
    }
    if (qprops & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "clopt_context_wrap: the queue is out-of-order; clopt orders the "
                        "gradient writes, the step and the reads by an in-order queue");
        return NULL;
    }
    clopt_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory wrapping a context");
        return NULL;
    }
    clRetainContext(c);
    clRetainDevice(d); /* matters for sub-devices the caller may release */
    clRetainCommandQueue(q);
    ctx->cl = c;
    ctx->device = d;
    ctx->queue = q;
    return finish(ctx, err);
}

cl_context clopt_context_cl(const clopt_context *ctx)
{
    return ctx ? ctx->cl : NULL;
}

cl_command_queue clopt_context_queue(const clopt_context *ctx)
{
    return ctx ? ctx->queue : NULL;
}

cl_device_id clopt_context_device(const clopt_context *ctx)
{
    return ctx ? ctx->device : NULL;
}

void clopt_context_release(clopt_context *ctx)
{
    if (!ctx) return;
    clopt_programs_release(ctx->programs);
    if (ctx->program) clReleaseProgram(ctx->program);
    if (ctx->scalar_program) clReleaseProgram(ctx->scalar_program);
    if (ctx->double_program) clReleaseProgram(ctx->double_program);
    if (ctx->scalar_lock_ready) pthread_mutex_destroy(&ctx->scalar_lock);
    if (ctx->queue) clReleaseCommandQueue(ctx->queue);
    if (ctx->cl) clReleaseContext(ctx->cl);
    if (ctx->device) clReleaseDevice(ctx->device);
    free(ctx);
}
