/* Optimizers: create from a spec, add tensors, step, change hyperparameters. */
#include "optimizer.h"

#include "error.h"
#include "schedule.h"
#include "spec.h"

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
    o->m_schedule = 1.0;
    o->lay.nstate = clopt_optimizer_wanted_state(o);
    o->dummy = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, 16, NULL, &rc);
    CLOPT_CL_CHECK(err, "creating an optimizer", rc);
    o->norm_scale = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, sizeof(cl_float), NULL, &rc);
    CLOPT_CL_CHECK(err, "creating an optimizer", rc);
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
    if (rc != CL_SUCCESS)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_optimizer_add: %s is not a valid cl_mem (%s)", arg,
                               clopt_cl_error_name(rc));
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
    if (check_buffer(o, "param", param, offset, count, CL_MEM_READ_ONLY, err) ||
        check_buffer(o, "grad", grad, offset, count, CL_MEM_WRITE_ONLY, err))
        return CLOPT_EINVAL;
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

clopt_status clopt_optimizer_add(clopt_optimizer *o, cl_mem param, cl_mem grad, size_t offset,
                                 size_t count, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_add: optimizer is NULL");
    if (check_add(o, param, grad, offset, count, err) != CLOPT_OK) return CLOPT_EINVAL;
    size_t n = o->lay.ntensors;
    clopt_tensor *tensors = malloc((n + 1) * sizeof *tensors);
    if (!tensors) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory adding a tensor");
    if (n) memcpy(tensors, o->lay.tensors, n * sizeof *tensors);
    tensors[n] = (clopt_tensor){param, grad, offset, count, 0};
    clopt_layout next;
    clopt_status st =
        clopt_layout_build(o, tensors, n + 1, clopt_optimizer_wanted_state(o), 0, &next, err);
    if (st == CLOPT_OK) clopt_layout_commit(o, &next);
    return st;
}

clopt_status clopt_optimizer_step(clopt_optimizer *o, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_step: optimizer is NULL");
    if (o->lay.ntensors == 0)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "clopt_optimizer_step: the optimizer has no tensors; add them "
                               "with clopt_optimizer_add first");
    clopt_scalars k;
    const double ms = clopt_schedule_scalars(&o->cfg, o->it, o->m_schedule, &k);
    const cl_command_queue q = o->ctx->queue;
    const size_t wgs = o->ctx->tuning.wgs;
    unsigned launches = 0;
    if (k.clipnorm > 0.0f) {
        for (size_t i = 0; i < o->lay.ngroups; i++, launches++) {
            size_t global = o->lay.groups[i].nchunks * wgs;
            CLOPT_CL_CHECK(err, "enqueueing the clipnorm reduction",
                           clEnqueueNDRangeKernel(q, o->lay.groups[i].sumsq, 1, NULL, &global, &wgs,
                                                  0, NULL, NULL));
        }
        CLOPT_CL_CHECK(err, "binding the clipnorm kernel",
                       clSetKernelArg(o->lay.norm, 2, sizeof k.clipnorm, &k.clipnorm));
        CLOPT_CL_CHECK(err, "enqueueing the clipnorm reduction",
                       clEnqueueNDRangeKernel(q, o->lay.norm, 1, NULL, &wgs, &wgs, 0, NULL, NULL));
        launches++;
    }
    for (size_t i = 0; i < o->lay.ngroups; i++, launches++) {
        const clopt_group *g = &o->lay.groups[i];
        size_t global = g->nchunks * wgs;
        CLOPT_CL_CHECK(err, "setting the step's scalars", clSetKernelArg(g->step, 8, sizeof k, &k));
        CLOPT_CL_CHECK(err, "enqueueing the optimizer step",
                       clEnqueueNDRangeKernel(q, g->step, 1, NULL, &global, &wgs, 0, NULL, NULL));
    }
    if (o->lay.fold) { /* tensor-wise: per-tensor norms, then the second half */
        size_t global = o->lay.ntensors;
        CLOPT_CL_CHECK(
            err, "enqueueing the per-tensor norms",
            clEnqueueNDRangeKernel(q, o->lay.fold, 1, NULL, &global, NULL, 0, NULL, NULL));
        launches++;
        for (size_t i = 0; i < o->lay.ngroups; i++, launches++) {
            const clopt_group *g = &o->lay.groups[i];
            size_t global_apply = g->nchunks * wgs;
            CLOPT_CL_CHECK(err, "setting the step's scalars",
                           clSetKernelArg(g->apply, 8, sizeof k, &k));
            CLOPT_CL_CHECK(
                err, "enqueueing the optimizer step",
                clEnqueueNDRangeKernel(q, g->apply, 1, NULL, &global_apply, &wgs, 0, NULL, NULL));
        }
    }
    o->it++;
    o->m_schedule = ms;
    o->last_launches = launches;
    return CLOPT_OK;
fail:
    return err ? err->status : CLOPT_ECL;
}

clopt_status clopt_optimizer_set(clopt_optimizer *o, const char *name, double value,
                                 clopt_error *err)
{
    clopt_error_clear(err);
    if (!o || !name)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_optimizer_set: %s is NULL",
                               !o ? "optimizer" : "name");
    clopt_config next = o->cfg;
    int p = clopt_config_param(&next, name, strlen(name), err);
    if (p < 0 || clopt_config_assign(&next, (clopt_param)p, value, err) != CLOPT_OK)
        return CLOPT_EINVAL;
    /* Switching optional state on (SGD's momentum, amsgrad) needs its zeroed buffer. */
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
        if (clopt_layout_build(o, tensors, n, want, 0, &lay, err) != CLOPT_OK) {
            o->cfg = old;
            return err ? err->status : CLOPT_ECL;
        }
        clopt_layout_commit(o, &lay);
    }
    return CLOPT_OK;
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
    int p = clopt_config_param(&o->cfg, name, strlen(name), err);
    if (p < 0) return CLOPT_EINVAL;
    *value = o->cfg.v[p];
    return CLOPT_OK;
}

uint64_t clopt_optimizer_iterations(const clopt_optimizer *o)
{
    return o ? o->it : 0;
}

char *clopt_optimizer_config(const clopt_optimizer *o)
{
    return o ? clopt_config_json(&o->cfg) : NULL;
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
    return err ? err->status : CLOPT_ECL;
}
