/* Optimizers: create from a spec, add tensors, step, change hyperparameters. */
#include "optimizer.h"

#include "error.h"
#include "schedule.h"
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

clopt_optimizer *clopt_optimizer_create(clopt_context *ctx, const char *spec, clopt_error *err)
{
    clopt_error_clear(err);
    clopt_config cfg;
    if (!ctx) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "clopt_optimizer_create: context is NULL; create one with "
                        "clopt_context_create");
        return NULL;
    }
    if (clopt_spec_parse(spec, &cfg, err) != CLOPT_OK) return NULL;
    clopt_optimizer *o = calloc(1, sizeof *o);
    if (!o) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating an optimizer");
        return NULL;
    }
    cl_int rc;
    o->ctx = ctx;
    o->cfg = cfg;
    o->run = clopt_running_start();
    o->lay.nstate = clopt_optimizer_wanted_state(o);
    o->dummy = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, 16, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating an optimizer", "clCreateBuffer", rc);
    o->norm_scale = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, sizeof(cl_float), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating an optimizer", "clCreateBuffer", rc);
    /* Kernels may load these before deciding not to use them: give them defined values. */
    const cl_float one = 1.0f, zero = 0.0f;
    CLOPT_CL_CHECK(err, "creating an optimizer",
                   clEnqueueFillBuffer(ctx->queue, o->norm_scale, &one, sizeof one, 0, sizeof one,
                                       0, NULL, NULL));
    CLOPT_CL_CHECK(
        err, "creating an optimizer",
        clEnqueueFillBuffer(ctx->queue, o->dummy, &zero, sizeof zero, 0, 16, 0, NULL, NULL));
    return o;
fail:
    clopt_optimizer_release(o);
    return NULL;
}

void clopt_optimizer_release(clopt_optimizer *o)
{
    if (!o) return;
    clopt_layout_release(&o->lay);
    if (o->norm_scale) clReleaseMemObject(o->norm_scale);
    if (o->dummy) clReleaseMemObject(o->dummy);
    free(o);
}

size_t clopt_optimizer_wanted_state(const clopt_optimizer *o)
{
    /* Optional state, once switched on, is kept (and so are its values). */
    const size_t want = clopt_catalogue_state_count(o->cfg.info, o->cfg.v);
    return o->lay.nstate > want ? o->lay.nstate : want;
}

/* Size and context of a buffer the caller passed, checked before anything is allocated. */
static clopt_status check_buffer(const clopt_optimizer *o, const char *arg, cl_mem m, size_t offset,
                                 size_t count, cl_mem_flags refused, clopt_error *err)
{
    cl_context c = NULL;
    size_t bytes = 0;
    cl_mem_flags flags = 0;
    if (!m)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: %s is NULL; expected a float32 cl_mem", arg);
    cl_int rc = clGetMemObjectInfo(m, CL_MEM_CONTEXT, sizeof c, &c, NULL);
    if (rc == CL_SUCCESS) rc = clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
    if (rc == CL_SUCCESS) rc = clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof flags, &flags, NULL);
    if (rc == CL_INVALID_MEM_OBJECT)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: %s is not a valid cl_mem (%s)", arg,
                               clopt_cl_error_name(rc));
    if (rc != CL_SUCCESS) /* the device, not the argument */
        return clopt_error_cl(err, rc, "clGetMemObjectInfo",
                              arg[0] == 'p' ? "clopt_optimizer_add: inspecting param"
                                            : "clopt_optimizer_add: inspecting grad");
    if (c != o->ctx->cl)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: %s belongs to another OpenCL context; "
                               "expected a buffer of the optimizer's context",
                               arg);
    if (flags & refused)
        return clopt_error_set(
            err, CLOPT_EINVAL, "clopt_optimizer_add: %s was created %s; the step %s it", arg,
            refused == CL_MEM_READ_ONLY ? "CL_MEM_READ_ONLY" : "CL_MEM_WRITE_ONLY",
            refused == CL_MEM_READ_ONLY ? "writes" : "reads");
    if (offset + count > bytes / sizeof(cl_float))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: %s holds %zu floats, but offset %zu + "
                               "count %zu = %zu goes beyond it",
                               arg, bytes / sizeof(cl_float), offset, count, offset + count);
    return CLOPT_OK;
}

static clopt_status check_add(const clopt_optimizer *o, cl_mem param, cl_mem grad, size_t offset,
                              size_t count, clopt_error *err)
{
    if (count == 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: count is 0; expected the number of "
                               "floats in the tensor (> 0)");
    if (offset > UINT32_MAX || count > UINT32_MAX - offset)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: offset %zu + count %zu exceeds 2^32-1 "
                               "floats, the largest buffer position clopt addresses",
                               offset, count);
    clopt_status st = check_buffer(o, "param", param, offset, count, CL_MEM_READ_ONLY, err);
    if (st == CLOPT_OK) st = check_buffer(o, "grad", grad, offset, count, CL_MEM_WRITE_ONLY, err);
    if (st != CLOPT_OK) return st;
    if (param == grad)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: param and grad are the same buffer at the "
                               "same offset; expected separate gradient storage");
    for (size_t i = 0; i < o->lay.ntensors; i++) {
        const clopt_tensor *t = &o->lay.tensors[i];
        if (t->param == param && offset < t->offset + t->count && t->offset < offset + count)
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "clopt_optimizer_add: param[%zu, %zu) overlaps tensor %zu "
                                   "(param[%zu, %zu)) already added; each parameter may be "
                                   "added once",
                                   offset, offset + count, i, t->offset, t->offset + t->count);
    }
    return CLOPT_OK;
}

static clopt_status add(clopt_optimizer *o, cl_mem param, cl_mem grad, size_t offset, size_t count,
                        size_t rows, size_t cols, clopt_error *err)
{
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_add: optimizer is NULL");
    if (clopt_catalogue_matrix(o->cfg.info->kind) && rows == 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: tensor %zu (param[%zu, %zu)) has no shape; "
                               "%s updates matrices: add it with clopt_optimizer_add_matrix "
                               "and its rows x cols, and give biases and vectors to AdamW",
                               o->lay.ntensors, offset, offset + count, o->cfg.info->name);
    if (o->cfg.info->schedule_free && o->it > 0)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "clopt_optimizer_add: %s has taken %llu steps; its z and x start "
                               "at the parameters on the first step, so add every tensor before "
                               "it",
                               o->cfg.info->name, (unsigned long long)o->it);
    clopt_status st = check_add(o, param, grad, offset, count, err);
    if (st != CLOPT_OK) return st;
    size_t n = o->lay.ntensors;
    clopt_tensor *tensors = malloc((n + 1) * sizeof *tensors);
    if (!tensors) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory adding a tensor");
    if (n) memcpy(tensors, o->lay.tensors, n * sizeof *tensors);
    tensors[n] = (clopt_tensor){param, grad, offset, count, 0, rows, cols};
    clopt_layout next;
    st = clopt_layout_build(o, tensors, n + 1, clopt_optimizer_wanted_state(o), 0, &next, err);
    if (st == CLOPT_OK) clopt_layout_commit(o, &next);
    return st;
}

clopt_status clopt_optimizer_add(clopt_optimizer *o, cl_mem param, cl_mem grad, size_t offset,
                                 size_t count, clopt_error *err)
{
    clopt_error_clear(err);
    return add(o, param, grad, offset, count, 0, 0, err);
}

clopt_status clopt_optimizer_add_matrix(clopt_optimizer *o, cl_mem param, cl_mem grad,
                                        size_t offset, size_t rows, size_t cols, clopt_error *err)
{
    clopt_error_clear(err);
    if (rows == 0 || cols == 0 || rows > UINT32_MAX / cols)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add_matrix: the shape %zu x %zu is not a matrix "
                               "clopt takes; expected rows >= 1 and cols >= 1 with rows * cols "
                               "< 2^32",
                               rows, cols);
    return add(o, param, grad, offset, rows * cols, rows, cols, err);
}

/*
 * A step that failed after a launch that writes parameters or state: those launches cannot
 * be taken back, and neither counting the step nor repeating it would be right, so the
 * optimizer refuses further steps until a checkpoint is loaded.
 */
static clopt_status tear(clopt_optimizer *o, cl_int rc, const char *launch, clopt_error *err)
{
    char what[256];
    snprintf(what, sizeof what,
             "enqueueing %s after earlier launches of the step updated parameters or state "
             "(the optimizer refuses to step until a checkpoint is loaded)",
             launch);
    o->torn = rc;
    return clopt_error_cl(err, rc, "clEnqueueNDRangeKernel", what);
}

clopt_status clopt_optimizer_step(clopt_optimizer *o, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_step: optimizer is NULL");
    if (o->lay.ntensors == 0)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "clopt_optimizer_step: the optimizer has no tensors; add them "
                               "with clopt_optimizer_add first");
    if (o->torn)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "clopt_optimizer_step: an earlier step was cut short by %s after "
                               "updating part of the state; restore a checkpoint with "
                               "clopt_optimizer_load before stepping again",
                               clopt_cl_error_name(o->torn));
    clopt_scalars k;
    const clopt_running run = clopt_schedule_scalars(&o->cfg, o->it, o->run, &k);
    const cl_command_queue q = o->ctx->queue;
    const size_t wgs = o->ctx->tuning.wgs;
    unsigned launches = 0;
    /* Arguments first: a failure before the first step kernel leaves everything as it was
     * (the clipnorm kernels write only the optimizer's own scratch buffers). */
    for (size_t i = 0; i < o->lay.ngroups; i++) {
        if (!o->lay.groups[i].step) continue; /* matrix kinds: set per matrix (muon.c) */
        CLOPT_CL_CHECK(err, "setting the step's scalars",
                       clSetKernelArg(o->lay.groups[i].step, 8, sizeof k, &k));
        if (o->lay.groups[i].apply)
            CLOPT_CL_CHECK(err, "setting the step's scalars",
                           clSetKernelArg(o->lay.groups[i].apply, 8, sizeof k, &k));
    }
    if (k.clipnorm > 0.0f) {
        CLOPT_CL_CHECK(err, "binding the clipnorm kernel",
                       clSetKernelArg(o->lay.norm, 2, sizeof k.clipnorm, &k.clipnorm));
        for (size_t i = 0; i < o->lay.ngroups; i++, launches++) {
            size_t global = o->lay.groups[i].nchunks * wgs;
            CLOPT_CL_CHECK(err, "enqueueing the clipnorm reduction",
                           clEnqueueNDRangeKernel(q, o->lay.groups[i].sumsq, 1, NULL, &global, &wgs,
                                                  0, NULL, NULL));
        }
        CLOPT_CL_CHECK(err, "enqueueing the clipnorm reduction",
                       clEnqueueNDRangeKernel(q, o->lay.norm, 1, NULL, &wgs, &wgs, 0, NULL, NULL));
        launches++;
    }
    if (clopt_catalogue_matrix(o->cfg.info->kind)) {
        /* its own error, so that a torn step is recorded whether or not the caller passed err */
        clopt_error mine;
        clopt_error_clear(&mine);
        const unsigned before = launches;
        const clopt_status st = clopt_muon_step(o, &k, &launches, &mine);
        if (st != CLOPT_OK) {
            if (err) *err = mine; /* err was cleared above: this is its first error */
            if (launches > before) {
                o->torn = mine.cl_error ? mine.cl_error : CL_OUT_OF_RESOURCES;
                if (err)
                    snprintf(err->text, sizeof err->text,
                             "%.*s, after earlier launches of the step updated state (the "
                             "optimizer refuses to step until a checkpoint is loaded)",
                             (int)(sizeof err->text - 120), mine.text);
            }
            return st;
        }
    }
    for (size_t i = 0; i < o->lay.ngroups && o->lay.groups[i].step; i++, launches++) {
        const clopt_group *g = &o->lay.groups[i];
        size_t global = g->nchunks * wgs;
        const cl_int rc = clEnqueueNDRangeKernel(q, g->step, 1, NULL, &global, &wgs, 0, NULL, NULL);
        if (rc != CL_SUCCESS && i == 0)
            return clopt_error_cl(err, rc, "clEnqueueNDRangeKernel",
                                  "enqueueing the optimizer step");
        if (rc != CL_SUCCESS) return tear(o, rc, "the step of a buffer pair", err);
    }
    if (o->lay.fold) { /* tensor-wise: per-tensor norms, then the second half */
        size_t global = o->lay.ntensors * wgs; /* a work-group per tensor */
        const cl_int rc =
            clEnqueueNDRangeKernel(q, o->lay.fold, 1, NULL, &global, &wgs, 0, NULL, NULL);
        if (rc != CL_SUCCESS) return tear(o, rc, "the per-tensor norms", err);
        launches++;
        for (size_t i = 0; i < o->lay.ngroups; i++, launches++) {
            const clopt_group *g = &o->lay.groups[i];
            size_t global_apply = g->nchunks * wgs;
            const cl_int rc2 =
                clEnqueueNDRangeKernel(q, g->apply, 1, NULL, &global_apply, &wgs, 0, NULL, NULL);
            if (rc2 != CL_SUCCESS) return tear(o, rc2, "the second half of the step", err);
        }
    }
    o->it++;
    o->run = run;
    o->last_launches = launches;
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

clopt_status clopt_optimizer_set(clopt_optimizer *o, const char *name, double value,
                                 clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !name)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_set: %s is NULL",
                               !o ? "optimizer" : "name");
    clopt_config next = o->cfg;
    int p = clopt_config_setting(&next, name, strlen(name), err);
    if (p < 0) return CLOPT_EINVAL;
    if (p >= CLOPT_SETTING_SCHEDULE) { /* "schedule.warmup": a schedule parameter */
        if (clopt_config_assign_setting(&next, p, value, err) != CLOPT_OK) return CLOPT_EINVAL;
        o->cfg = next;
        return CLOPT_OK;
    }
    if ((p == CLOPT_P_CLIPNORM || p == CLOPT_P_CLIPVALUE) && value == 0.0)
        next.v[p] = 0.0; /* turns clipping off: what get reads for an unset clip */
    else if (clopt_config_assign(&next, (clopt_param)p, value, err) != CLOPT_OK ||
             clopt_config_check_schedule(&next, err) != CLOPT_OK)
        return CLOPT_EINVAL;
    /* SGD's velocity is zero while momentum is 0, however the optimizer was created: momentum
     * switched on starts from zero (a new buffer, or the old one cleared). */
    const int restart = o->cfg.info->kind == CLOPT_SGD && o->cfg.v[CLOPT_P_MOMENTUM] == 0.0 &&
                        next.v[CLOPT_P_MOMENTUM] > 0.0;
    const clopt_config old = o->cfg;
    o->cfg = next;
    size_t want = clopt_optimizer_wanted_state(o);
    if (want > o->lay.nstate) {
        clopt_tensor *tensors = NULL;
        size_t n = o->lay.ntensors;
        if (n && !(tensors = malloc(n * sizeof *tensors))) {
            o->cfg = old;
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory changing %s", name);
        }
        if (n) memcpy(tensors, o->lay.tensors, n * sizeof *tensors);
        clopt_layout lay;
        const clopt_status st = clopt_layout_build(o, tensors, n, want, 0, &lay, err);
        if (st != CLOPT_OK) {
            o->cfg = old;
            return st;
        }
        clopt_layout_commit(o, &lay);
    } else if (restart && o->lay.nstate > 0 && o->lay.state_used > 0) {
        const cl_float z = 0.0f;
        CLOPT_CL_CHECK(err, "clearing SGD's velocity",
                       clEnqueueFillBuffer(o->ctx->queue, o->lay.state[0], &z, sizeof z, 0,
                                           o->lay.state_used * sizeof z, 0, NULL, NULL));
    }
    return CLOPT_OK;
fail:
    o->cfg = old;
    return CLOPT_ECL;
}

clopt_status clopt_optimizer_get(const clopt_optimizer *o, const char *name, double *value,
                                 clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !name || !value)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_get: %s is NULL",
                               !o      ? "optimizer"
                               : !name ? "name"
                                       : "value");
    int p = clopt_config_setting(&o->cfg, name, strlen(name), err);
    if (p < 0) return CLOPT_EINVAL;
    *value = clopt_config_get_setting(&o->cfg, p);
    return CLOPT_OK;
}

double clopt_optimizer_rate(const clopt_optimizer *o)
{
    return o ? clopt_config_rate(&o->cfg, o->it) : 0.0;
}

uint64_t clopt_optimizer_iterations(const clopt_optimizer *o)
{
    return o ? o->it : 0;
}

char *clopt_optimizer_config(const clopt_optimizer *o)
{
    return o ? clopt_config_json(&o->cfg) : NULL;
}

clopt_status clopt_optimizer_average(const clopt_optimizer *o, size_t tensor, cl_mem dst,
                                     size_t dst_offset, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !dst)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_average: %s is NULL",
                               !o ? "optimizer" : "dst");
    if (tensor >= o->lay.ntensors)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_average: tensor %zu does not exist; the optimizer "
                               "has %zu (numbered from 0 in the order they were added)",
                               tensor, o->lay.ntensors);
    const clopt_tensor *t = &o->lay.tensors[tensor];
    size_t bytes = 0;
    cl_int rc = clGetMemObjectInfo(dst, CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
    if (rc != CL_SUCCESS)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_average: dst is not a valid cl_mem (%s)",
                               clopt_cl_error_name(rc));
    if (dst_offset > bytes / sizeof(cl_float) || t->count > bytes / sizeof(cl_float) - dst_offset)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_average: dst holds %zu floats, but offset %zu + "
                               "the tensor's %zu floats goes beyond it",
                               bytes / sizeof(cl_float), dst_offset, t->count);
    /* x is the state's second buffer once a schedule-free step ran; else the parameters. */
    const int average = o->cfg.info->schedule_free && o->it > 0;
    const cl_mem src = average ? o->lay.state[1] : t->param;
    const size_t from = average ? t->state_offset : t->offset;
    if (src == dst && from == dst_offset) return CLOPT_OK;
    CLOPT_CL_CHECK(err, "copying the averaged parameters",
                   clEnqueueCopyBuffer(o->ctx->queue, src, dst, from * sizeof(cl_float),
                                       dst_offset * sizeof(cl_float), t->count * sizeof(cl_float),
                                       0, NULL, NULL));
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

clopt_status clopt_optimizer_read_state(const clopt_optimizer *o, size_t t, size_t which,
                                        float *out, clopt_error *err)
{
    if (t >= o->lay.ntensors || which >= o->lay.nstate || !o->lay.state[which])
        return clopt_error_set(err, CLOPT_EINVAL, "no state buffer %zu for tensor %zu", which, t);
    const clopt_tensor *ten = &o->lay.tensors[t];
    CLOPT_CL_CHECK(err, "reading optimizer state",
                   clEnqueueReadBuffer(o->ctx->queue, o->lay.state[which], CL_TRUE,
                                       ten->state_offset * sizeof(cl_float),
                                       ten->count * sizeof(cl_float), out, 0, NULL, NULL));
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}
