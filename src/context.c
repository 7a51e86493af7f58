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
    if (log)
        log[size] = '\0';
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
static clopt_status build_lanes(clopt_context *ctx, size_t lanes, cl_uint count,
                                const char **sources, cl_program *program, clopt_error *err)
{
    cl_int rc;
    cl_device_fp_config fp = 0;
    char options[160];
    *program = NULL;
    clGetDeviceInfo(ctx->device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL);
    snprintf(options, sizeof options,
             "-cl-std=CL1.2 -DCLOPT_WGS=%zu -DCLOPT_TW=%zu -DCLOPT_GROUPS=%zu "
             "-DCLOPT_CONTIGUOUS=%d%s",
             ctx->tuning.wgs, lanes, ctx->tuning.groups,
             ctx->tuning.contiguous,
             (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT)
                 ? " -cl-fp32-correctly-rounded-divide-sqrt"
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
        if (err)
            err->cl_error = rc;
        clReleaseProgram(p);
        goto fail;
    }
    *program = p;
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

clopt_status clopt_context_build(clopt_context *ctx, cl_uint count, const char **sources,
                                 cl_program *program, clopt_error *err)
{
    return build_lanes(ctx, ctx->tuning.lanes, count, sources, program, err);
}

cl_program clopt_context_scalar_program(clopt_context *ctx, clopt_error *err)
{
    const char *src = clopt_kernel_source;
    if (ctx->tuning.lanes == 1)
        return ctx->program;
    if (!ctx->scalar_program)
        build_lanes(ctx, 1, 1, &src, &ctx->scalar_program, err);
    return ctx->scalar_program;
}

static clopt_status build_program(clopt_context *ctx, clopt_error *err)
{
    const char *src = clopt_kernel_source;
    return clopt_context_build(ctx, 1, &src, &ctx->program, err);
}

/* Finishes a context whose cl, device and queue are set; releases it on error. */
static clopt_context *finish(clopt_context *ctx, clopt_error *err)
{
    ctx->tuning = clopt_tuning_for(ctx->device);
    cl_int rc = clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof ctx->max_alloc,
                                &ctx->max_alloc, NULL);
    if (rc != CL_SUCCESS) {
        clopt_error_cl(err, rc, "clGetDeviceInfo", "reading the device's largest allocation");
        clopt_context_release(ctx);
        return NULL;
    }
    if (!(ctx->programs = clopt_programs_create(CLOPT_PROGRAMS_MAX))) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a context");
        clopt_context_release(ctx);
        return NULL;
    }
    if (build_program(ctx, err) != CLOPT_OK) {
        clopt_context_release(ctx);
        return NULL;
    }
    return ctx;
}

clopt_context *clopt_context_create(const char *device, clopt_error *err)
{
    clopt_error_clear(err);
    clopt_device_entry dev;
    if (clopt_device_select(device, &dev, err) != CLOPT_OK)
        return NULL;
    clopt_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a context");
        return NULL;
    }
    cl_int rc;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev.platform,
                                     0};
    ctx->device = dev.device;
    clRetainDevice(dev.device); /* a no-op for root devices; keeps release uniform */
    ctx->cl = clCreateContext(props, 1, &dev.device, NULL, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating an OpenCL context", "clCreateContext", rc);
    ctx->queue = clCreateCommandQueue(ctx->cl, dev.device, 0, &rc);
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
                        !c ? "context" : !d ? "device" : "queue");
        return NULL;
    }
    cl_context qctx = NULL;
    cl_device_id qdev = NULL;
    cl_command_queue_properties qprops = 0;
    cl_int rc = clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL);
    if (rc == CL_SUCCESS)
        rc = clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL);
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
    if (!ctx)
        return;
    clopt_programs_release(ctx->programs);
    if (ctx->program)
        clReleaseProgram(ctx->program);
    if (ctx->scalar_program)
        clReleaseProgram(ctx->scalar_program);
    if (ctx->queue)
        clReleaseCommandQueue(ctx->queue);
    if (ctx->cl)
        clReleaseContext(ctx->cl);
    if (ctx->device)
        clReleaseDevice(ctx->device);
    free(ctx);
}
