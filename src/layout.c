/*
 * The device layout of an optimizer's tensors: state arenas, groups by buffer pair, the
 * chunk table and the kernels bound to them. Built off to the side, then swapped in.
 */
#include "optimizer.h"

#include "error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_ALIGN 16 /* floats: each tensor's state starts on a 64-byte boundary */

void clopt_layout_release(clopt_layout *lay)
{
    for (size_t i = 0; i < lay->ngroups; i++) {
        if (lay->groups[i].step) clReleaseKernel(lay->groups[i].step);
        if (lay->groups[i].sumsq) clReleaseKernel(lay->groups[i].sumsq);
        if (lay->groups[i].apply) clReleaseKernel(lay->groups[i].apply);
    }
    cl_mem tensorwise[] = {lay->partial2, lay->tensor_chunks, lay->ratio};
    for (size_t i = 0; i < sizeof tensorwise / sizeof tensorwise[0]; i++)
        if (tensorwise[i]) clReleaseMemObject(tensorwise[i]);
    if (lay->fold) clReleaseKernel(lay->fold);
    clopt_muon_release(lay);
    for (size_t s = 0; s < CLOPT_MAX_STATE; s++)
        if (lay->state[s]) clReleaseMemObject(lay->state[s]);
    if (lay->chunks) clReleaseMemObject(lay->chunks);
    if (lay->partial) clReleaseMemObject(lay->partial);
    if (lay->norm) clReleaseKernel(lay->norm);
    free(lay->groups);
    free(lay->tensors);
    memset(lay, 0, sizeof *lay);
}

void clopt_layout_commit(clopt_optimizer *o, clopt_layout *next)
{
    clopt_layout_release(&o->lay);
    o->lay = *next;
    memset(next, 0, sizeof *next);
}

/* Zeroes floats [from, to) of an arena. */
static cl_int zero(cl_command_queue q, cl_mem arena, size_t from, size_t to)
{
    const cl_float z = 0.0f;
    if (to <= from) return CL_SUCCESS;
    return clEnqueueFillBuffer(q, arena, &z, sizeof z, from * sizeof z, (to - from) * sizeof z, 0,
                               NULL, NULL);
}

size_t clopt_layout_capacity(size_t old_cap, size_t used, size_t limit)
{
    /* Geometric growth, so that adding many tensors costs amortised O(total) copying. */
    size_t cap = old_cap > used / 2 ? (old_cap <= SIZE_MAX / 2 ? old_cap * 2 : SIZE_MAX) : used;
    return cap > limit ? (used > limit ? used : limit) : cap;
}

/* What an allocation that may fit at a smaller size fails with. */
static int allocation_failure(cl_int code)
{
    return code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES ||
           code == CL_OUT_OF_HOST_MEMORY || code == CL_INVALID_BUFFER_SIZE;
}

/* New arenas of `cap` floats, holding the state o already has and zeros after it. */
static clopt_status alloc_arenas(clopt_optimizer *o, int fresh, clopt_layout *out, size_t cap,
                                 clopt_error *err)
{
    const clopt_layout *old = &o->lay;
    const cl_command_queue q = o->ctx->queue;
    char what[160];
    cl_int rc;
    snprintf(what, sizeof what,
             "allocating optimizer state on the device (%zu bytes per state buffer; the "
             "device's largest allocation is %llu bytes)",
             cap * sizeof(cl_float), (unsigned long long)o->ctx->max_alloc);
    out->state_cap = cap;
    for (size_t s = 0; s < out->nstate; s++) {
        const size_t kept = !fresh && s < old->nstate && old->state[s] ? old->state_used : 0;
        out->state[s] =
            clCreateBuffer(o->ctx->cl, CL_MEM_READ_WRITE, cap * sizeof(cl_float), NULL, &rc);
        CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
        if (kept)
            CLOPT_CL_CHECK(err, what,
                           clEnqueueCopyBuffer(q, old->state[s], out->state[s], 0, 0,
                                               kept * sizeof(cl_float), 0, NULL, NULL));
        CLOPT_CL_CHECK_RC(err, what, "clEnqueueFillBuffer", zero(q, out->state[s], kept, cap));
    }
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

static void release_arenas(clopt_layout *out)
{
    for (size_t s = 0; s < CLOPT_MAX_STATE; s++)
        if (out->state[s]) {
            clReleaseMemObject(out->state[s]);
            out->state[s] = NULL;
        }
    out->state_cap = 0;
}

/*
 * Gives every arena room for out->state_used floats, keeping the state o already has.
 * Growth is capped by the device's largest allocation; a capped size that still fails is
 * retried at the exact size before giving up.
 */
static clopt_status build_arenas(clopt_optimizer *o, int fresh, clopt_layout *out, clopt_error *err)
{
    const clopt_layout *old = &o->lay;
    if (out->nstate == 0 || out->state_used == 0) return CLOPT_OK;
    const size_t limit = (size_t)(o->ctx->max_alloc / sizeof(cl_float));
    if (out->state_used > limit)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: the optimizer's state would need %zu "
                               "floats (%zu bytes) per state buffer; the device allows at most "
                               "%llu bytes in one allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
                               out->state_used, out->state_used * sizeof(cl_float),
                               (unsigned long long)o->ctx->max_alloc);
    if (!fresh && out->nstate <= old->nstate && out->state_used <= old->state_cap) {
        out->state_cap = old->state_cap;
        for (size_t s = 0; s < out->nstate; s++) {
            clRetainMemObject(old->state[s]);
            out->state[s] = old->state[s];
            CLOPT_CL_CHECK_RC(err, "zeroing the state of a new tensor", "clEnqueueFillBuffer",
                              zero(o->ctx->queue, out->state[s], old->state_used, out->state_used));
        }
        return CLOPT_OK;
    }
    const size_t cap = clopt_layout_capacity(fresh ? 0 : old->state_cap, out->state_used, limit);
    clopt_error first;
    clopt_error_clear(&first);
    if (alloc_arenas(o, fresh, out, cap, &first) == CLOPT_OK) return CLOPT_OK;
    release_arenas(out);
    if (cap == out->state_used || first.status != CLOPT_ECL ||
        !allocation_failure(first.cl_error)) {
        if (err && err->status == CLOPT_OK) *err = first;
        return first.status;
    }
    return alloc_arenas(o, fresh, out, out->state_used, err);
fail:
    return CLOPT_ECL;
}

/* Binds the arguments every step kernel shares (step.cl, CLOPT_STEP_ARGS; not the scalars). */
static clopt_status bind_step(clopt_optimizer *o, clopt_layout *out, clopt_group *g, cl_kernel k,
                              clopt_error *err)
{
    const cl_uint base = g->chunk_base;
    const char *what = "binding the step kernel's arguments";
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 0, sizeof(cl_mem), &g->param));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 1, sizeof(cl_mem), &g->grad));
    for (cl_uint s = 0; s < CLOPT_MAX_STATE; s++) {
        cl_mem m = s < out->nstate && out->state[s] ? out->state[s] : o->dummy;
        CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 2 + s, sizeof(cl_mem), &m));
    }
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 5, sizeof(cl_mem), &out->chunks));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 6, sizeof(cl_uint), &base));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 7, sizeof(cl_mem), &o->norm_scale));
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

static clopt_status bind_group(clopt_optimizer *o, clopt_layout *out, clopt_group *g,
                               clopt_error *err)
{
    char name[64];
    cl_int rc;
    const clopt_optimizer_info *info = o->cfg.info;
    const cl_uint base = g->chunk_base;
    clopt_status st = CLOPT_OK;
    if (clopt_catalogue_matrix(info->kind)) {
        /* matrices step by their own kernels (src/muon.c); the group keeps clipnorm's */
    } else if (clopt_catalogue_tensorwise(info->kind)) {
        snprintf(name, sizeof name, "clopt_step_%s_moments", info->key);
        g->step = clCreateKernel(o->ctx->program, name, &rc);
        CLOPT_CL_CHECK_RC(err, "creating the step kernel", "clCreateKernel", rc);
        snprintf(name, sizeof name, "clopt_step_%s_apply", info->key);
        g->apply = clCreateKernel(o->ctx->program, name, &rc);
        CLOPT_CL_CHECK_RC(err, "creating the step kernel", "clCreateKernel", rc);
        if ((st = bind_step(o, out, g, g->apply, err)) != CLOPT_OK) goto fail;
        CLOPT_CL_CHECK(err, "binding the step kernel's arguments",
                       clSetKernelArg(g->step, 9, sizeof(cl_mem), &out->partial2));
        CLOPT_CL_CHECK(err, "binding the step kernel's arguments",
                       clSetKernelArg(g->apply, 9, sizeof(cl_mem), &out->ratio));
    } else {
        /* Fewer live arenas than the kind keeps: its lean kernel (SGD before momentum). */
        snprintf(name, sizeof name, "clopt_step_%s%s", info->key,
                 out->nstate < info->full ? "_lean" : "");
        g->step = clCreateKernel(o->ctx->program, name, &rc);
        CLOPT_CL_CHECK_RC(err, "creating the step kernel", "clCreateKernel", rc);
    }
    if (g->step && (st = bind_step(o, out, g, g->step, err)) != CLOPT_OK) goto fail;
    g->sumsq = clCreateKernel(o->ctx->program, "clopt_sumsq_partial", &rc);
    CLOPT_CL_CHECK_RC(err, "creating the clipnorm kernel", "clCreateKernel", rc);
    const char *what = "binding the clipnorm kernel's arguments";
    CLOPT_CL_CHECK(err, what, clSetKernelArg(g->sumsq, 0, sizeof(cl_mem), &g->grad));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(g->sumsq, 1, sizeof(cl_mem), &out->chunks));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(g->sumsq, 2, sizeof(cl_uint), &base));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(g->sumsq, 3, sizeof(cl_mem), &out->partial));
    return CLOPT_OK;
fail:
    return clopt_fail_status(st);
}

/*
 * Tensor-wise kinds: each chunk's sums (one float4 per work-item on CPUs, one per chunk on
 * GPUs: CLOPT_TENSOR_PARTS in cl/step.cl), per-tensor chunk ranges and ratios, and the fold.
 */
static clopt_status build_tensorwise(clopt_optimizer *o, clopt_layout *out, const cl_uint2 *ranges,
                                     clopt_error *err)
{
    char name[64];
    cl_int rc;
    const char *what = "allocating the per-tensor norms";
    out->partial2 = clCreateBuffer(
        o->ctx->cl, CL_MEM_READ_WRITE,
        out->nchunks * (o->ctx->tuning.contiguous ? o->ctx->tuning.wgs : 1) * sizeof(cl_float4),
        NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    out->tensor_chunks = clCreateBuffer(o->ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                        out->ntensors * sizeof *ranges, (void *)ranges, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    out->ratio =
        clCreateBuffer(o->ctx->cl, CL_MEM_READ_WRITE, out->ntensors * sizeof(cl_float), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    snprintf(name, sizeof name, "clopt_step_%s_ratio", o->cfg.info->key);
    out->fold = clCreateKernel(o->ctx->program, name, &rc);
    CLOPT_CL_CHECK_RC(err, "creating the per-tensor norm kernel", "clCreateKernel", rc);
    what = "binding the per-tensor norm kernel";
    CLOPT_CL_CHECK(err, what, clSetKernelArg(out->fold, 0, sizeof(cl_mem), &out->partial2));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(out->fold, 1, sizeof(cl_mem), &out->tensor_chunks));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(out->fold, 2, sizeof(cl_mem), &out->ratio));
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

clopt_status clopt_layout_plan(clopt_layout *out, size_t kept, size_t chunk, cl_uint4 **table,
                               cl_uint2 **ranges, clopt_error *err)
{
    *table = NULL;
    *ranges = NULL;
    out->state_used = 0;
    /* Chunks start on STATE_ALIGN boundaries of their tensor's state (see the table). */
    chunk = chunk < STATE_ALIGN ? STATE_ALIGN : chunk / STATE_ALIGN * STATE_ALIGN;
    size_t nchunks = 0;
    for (size_t i = 0; i < out->ntensors; i++) {
        clopt_tensor *t = &out->tensors[i];
        if (i >= kept)
            t->state_offset = (out->state_used + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN;
        if (t->count > SIZE_MAX / sizeof(cl_float) - t->state_offset)
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "clopt_optimizer_add: tensor %zu's state would end beyond "
                                   "the largest size this machine addresses",
                                   i);
        if (t->state_offset + t->count > out->state_used)
            out->state_used = t->state_offset + t->count;
        nchunks += (t->count + chunk - 1) / chunk;
    }
    /* The table holds a state offset in units of STATE_ALIGN floats in 32 bits. */
    if ((uint64_t)out->state_used > (uint64_t)UINT32_MAX * STATE_ALIGN)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: the optimizer's state would need %zu floats "
                               "per state buffer; clopt addresses at most 2^36",
                               out->state_used);
    /* The kernels take a chunk's index as a 32-bit work-group id. */
    if (nchunks > UINT32_MAX)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: the tensors would make %zu chunks of %zu "
                               "floats; at most 2^32-1 fit one optimizer",
                               nchunks, chunk);
    out->groups = calloc(out->ntensors ? out->ntensors : 1, sizeof *out->groups);
    *table = malloc((nchunks ? nchunks : 1) * sizeof **table);
    *ranges = malloc((out->ntensors ? out->ntensors : 1) * sizeof **ranges);
    char *placed = calloc(out->ntensors ? out->ntensors : 1, 1);
    if (!out->groups || !*table || !*ranges || !placed) {
        free(placed);
        free(*table);
        free(*ranges);
        *table = NULL;
        *ranges = NULL;
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory building the tensor table");
    }
    /* Groups by buffer pair, in order of first appearance; each tensor cut into chunks. */
    size_t c = 0;
    for (size_t i = 0; i < out->ntensors; i++) {
        if (placed[i]) continue;
        clopt_group *g = &out->groups[out->ngroups++];
        g->param = out->tensors[i].param;
        g->grad = out->tensors[i].grad;
        g->chunk_base = (cl_uint)c;
        for (size_t j = i; j < out->ntensors; j++) {
            const clopt_tensor *t = &out->tensors[j];
            if (placed[j] || t->param != g->param || t->grad != g->grad) continue;
            placed[j] = 1;
            const size_t first = c;
            for (size_t done = 0; done < t->count; done += chunk) {
                const size_t n = t->count - done < chunk ? t->count - done : chunk;
                /* Offsets within a caller's buffer fit 32 bits (check_add); the arenas hold
                 * every tensor, so a chunk's state offset is kept in units of STATE_ALIGN. */
                const size_t s = (t->state_offset + done) / STATE_ALIGN;
                (*table)[c++] =
                    (cl_uint4){{(cl_uint)(t->offset + done), (cl_uint)s, (cl_uint)n, (cl_uint)j}};
            }
            (*ranges)[j] = (cl_uint2){{(cl_uint)first, (cl_uint)(c - first)}};
        }
        g->nchunks = (cl_uint)(c - g->chunk_base);
    }
    free(placed);
    out->nchunks = nchunks;
    return CLOPT_OK;
}

clopt_status clopt_layout_build(clopt_optimizer *o, clopt_tensor *tensors, size_t ntensors,
                                size_t nstate, int fresh, clopt_layout *out, clopt_error *err)
{
    cl_uint4 *table = NULL;
    cl_uint2 *ranges = NULL;
    cl_int rc;
    clopt_status st;
    memset(out, 0, sizeof *out);
    out->tensors = tensors;
    out->ntensors = ntensors;
    out->nstate = nstate;
    /* Tensors the current layout holds keep their state offsets; new ones follow them. */
    st = clopt_layout_plan(out, fresh ? 0 : o->lay.ntensors, o->ctx->tuning.chunk, &table, &ranges,
                           err);
    if (st != CLOPT_OK || (st = build_arenas(o, fresh, out, err)) != CLOPT_OK) goto fail;
    if (out->nchunks > 0) {
        out->chunks = clCreateBuffer(o->ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                     out->nchunks * sizeof *table, table, &rc);
        CLOPT_CL_CHECK_RC(err, "uploading the tensor table", "clCreateBuffer", rc);
        out->partial = clCreateBuffer(o->ctx->cl, CL_MEM_READ_WRITE,
                                      out->nchunks * sizeof(cl_float2), NULL, &rc);
        CLOPT_CL_CHECK_RC(err, "allocating the clipnorm partial sums", "clCreateBuffer", rc);
        const cl_uint nchunks = (cl_uint)out->nchunks;
        out->norm = clCreateKernel(o->ctx->program, "clopt_norm_scale", &rc);
        CLOPT_CL_CHECK_RC(err, "creating the clipnorm kernel", "clCreateKernel", rc);
        const char *what = "binding the clipnorm kernel";
        CLOPT_CL_CHECK(err, what, clSetKernelArg(out->norm, 0, sizeof(cl_mem), &out->partial));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(out->norm, 1, sizeof nchunks, &nchunks));
        CLOPT_CL_CHECK(err, what, clSetKernelArg(out->norm, 3, sizeof(cl_mem), &o->norm_scale));
    }
    if (out->nchunks > 0 && clopt_catalogue_tensorwise(o->cfg.info->kind) &&
        (st = build_tensorwise(o, out, ranges, err)) != CLOPT_OK)
        goto fail;
    if (out->ntensors > 0 && clopt_catalogue_matrix(o->cfg.info->kind) &&
        (st = clopt_muon_build(o, out, err)) != CLOPT_OK)
        goto fail;
    for (size_t i = 0; i < out->ngroups; i++)
        if ((st = bind_group(o, out, &out->groups[i], err)) != CLOPT_OK) goto fail;
    free(table);
    free(ranges);
    return CLOPT_OK;
fail:
    free(table);
    free(ranges);
    clopt_layout_release(out);
    return clopt_fail_status(st);
}
