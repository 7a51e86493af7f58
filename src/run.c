/*
 * Runs: K optimizers x S starting points on one test function, advanced in slices of
 * steps by cl/trajectory.cl. The host computes each slice's per-step scalars with
 * src/schedule.c (as the tensor path does), launches one kernel for every optimizer and
 * start, and reads back only the points recorded in the slice.
 */
#include "../cl/trajectory.h"
#include "context.h"
#include "error.h"
#include "functions.h"
#include "run.h"
#include "schedule.h"
#include "spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(CLOPT_AVERAGE_COMPONENTS == CLOPT_RUN_AVERAGE_COMPONENTS,
               "the kernel's and the API's components of a point with its average");

#define TABLE_BYTES (16u << 20) /* caps steps per slice by the scalar table's size */
#define OUT_BYTES (32u << 20)   /* caps points per slice by the output buffer's size */
#define SLICE_STEPS 1024u       /* longest slice: keeps each launch short on GPUs */

struct clopt_run {
    clopt_context *ctx;
    clopt_function_ref function;
    cl_program program; /* the context's, or the expression's */
    cl_uint fn;
    size_t nopt, nstart, groups, spad, tpad, nwork, ncomp, stride, max_rows;
    uint64_t steps, every, next; /* next: the next step to evaluate, 0 .. steps + 1 */
    double noise;
    uint64_t seed;
    clopt_config *cfg;
    char **config;
    double *starts;
    clopt_running *m_schedule; /* each optimizer's running scalars */
    clopt_scalars *table;
    float *out, *slice;
    cl_uint *diverged;
    cl_mem d_kinds, d_table, d_state, d_diverged, d_out;
    cl_kernel kernel;
};

static size_t round_up(size_t n, size_t m)
{
    return (n + m - 1) / m * m;
}

void clopt_run_release(clopt_run *r)
{
    if (!r) return;
    cl_mem mems[] = {r->d_kinds, r->d_table, r->d_state, r->d_diverged, r->d_out};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
        if (mems[i]) clReleaseMemObject(mems[i]);
    if (r->kernel) clReleaseKernel(r->kernel);
    if (r->program) clReleaseProgram(r->program);
    clopt_function_ref_release(&r->function);
    if (r->config)
        for (size_t k = 0; k < r->nopt; k++)
            free(r->config[k]);
    free(r->config);
    free(r->cfg);
    free(r->starts);
    free(r->m_schedule);
    free(r->table);
    free(r->out);
    free(r->slice);
    free(r->diverged);
    free(r);
}

/* Checks everything a caller controls before anything is allocated on the device. */
static clopt_status check_options(const clopt_run_options *o, clopt_function_ref *fn,
                                  clopt_error *err)
{
    const clopt_status st = clopt_function_resolve(o->function, fn, NULL, err);
    if (st != CLOPT_OK) return st;
    if (!o->optimizers || o->noptimizers == 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_run_create: no optimizers; expected at least one spec");
    if (o->nstarts > 0 && !o->starts)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_run_create: starts is NULL but nstarts is %zu", o->nstarts);
    for (size_t i = 0; i < 2 * o->nstarts; i++)
        if (!isfinite(o->starts[i]))
            return clopt_error_set(err, CLOPT_EINVAL, "start %zu: %c = %g is not a finite number",
                                   i / 2, i % 2 ? 'y' : 'x', o->starts[i]);
    if (o->steps < 1 || o->steps > CLOPT_RUN_MAX_STEPS)
        return clopt_error_set(err, CLOPT_EINVAL, "steps = %llu; expected 1 .. %u",
                               (unsigned long long)o->steps, CLOPT_RUN_MAX_STEPS);
    if (o->every < 1 || o->every > o->steps)
        return clopt_error_set(err, CLOPT_EINVAL, "every = %llu; expected 1 .. steps (%llu)",
                               (unsigned long long)o->every, (unsigned long long)o->steps);
    if (!(o->noise >= 0.0) || !isfinite(o->noise))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "noise = %g; expected a finite standard deviation >= 0", o->noise);
    const size_t nstart = o->nstarts ? o->nstarts : 1;
    if (o->noptimizers > CLOPT_RUN_MAX_TRAJECTORIES / nstart)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%zu optimizers x %zu starts is more than %u trajectories",
                               o->noptimizers, nstart, CLOPT_RUN_MAX_TRAJECTORIES);
    return CLOPT_OK;
}

/* Parses every spec into the run, with its config JSON and Nadam schedule. */
static clopt_status parse_specs(clopt_run *r, const clopt_run_options *o, clopt_error *err)
{
    for (size_t k = 0; k < r->nopt; k++) {
        const clopt_status st = clopt_spec_parse_nth(o->optimizers, k, &r->cfg[k], err);
        if (st != CLOPT_OK) return st;
        if (!(r->config[k] = clopt_config_json(&r->cfg[k])))
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run");
        r->m_schedule[k] = clopt_running_start();
    }
    return CLOPT_OK;
}

/* The kinds table's entry: the kind and the state it keeps (trajectory.h). */
cl_uint clopt_run_kind(const clopt_config *c)
{
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    return (cl_uint)c->info->kind | (cl_uint)live << CLOPT_LIVE_SHIFT;
}

/* Device buffers with the initial state: every trajectory at its start, state zero. */
static clopt_status create_buffers(clopt_run *r, clopt_error *err)
{
    cl_context cl = r->ctx->cl;
    cl_int rc;
    const char *what = "allocating a run on the device";
    float *state = calloc(CLOPT_STATE_ROWS * r->tpad, sizeof *state);
    cl_uint *kinds = malloc(r->nopt * sizeof *kinds);
    if (!state || !kinds) {
        free(state);
        free(kinds);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run");
    }
    for (size_t k = 0; k < r->nopt; k++) {
        kinds[k] = clopt_run_kind(&r->cfg[k]);
        for (size_t s = 0; s < r->spad; s++) {
            const size_t from = s < r->nstart ? s : r->nstart - 1; /* padding repeats */
            state[k * r->spad + s] = (float)r->starts[2 * from];
            state[r->tpad + k * r->spad + s] = (float)r->starts[2 * from + 1];
        }
    }
    for (size_t t = 0; t < r->tpad; t++)
        r->diverged[t] = CLOPT_ALIVE;
    const cl_mem_flags ro = CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR;
    const cl_mem_flags rw = CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR;
    r->d_kinds = clCreateBuffer(cl, ro, r->nopt * sizeof *kinds, kinds, &rc);
    if (rc == CL_SUCCESS)
        r->d_state = clCreateBuffer(cl, rw, CLOPT_STATE_ROWS * r->tpad * sizeof *state, state, &rc);
    free(state);
    free(kinds);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    r->d_diverged = clCreateBuffer(cl, rw, r->tpad * sizeof(cl_uint), r->diverged, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    r->d_table = clCreateBuffer(cl, CL_MEM_READ_ONLY, r->nopt * r->stride * sizeof(clopt_scalars),
                                NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    r->d_out = clCreateBuffer(cl, CL_MEM_WRITE_ONLY,
                              r->max_rows * r->ncomp * r->tpad * sizeof(float), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

/*
 * Groups of lanes per work-item: as many as the device's tuning allows, but no more than an
 * optimizer's starts fill (a lone start runs one group, not a padded block).
 */
static size_t groups_for(const clopt_tuning *t, size_t nstart)
{
    const size_t fill = (nstart + t->lanes - 1) / t->lanes;
    return fill < t->groups ? fill : t->groups;
}

/* The arguments that stay the same for the whole run (the rest are set per slice). */
static clopt_status bind_kernel(clopt_run *r, const clopt_run_options *o, clopt_error *err)
{
    cl_int rc;
    const clopt_status st = clopt_function_program(r->ctx, &r->function, &r->program, &r->fn, err);
    if (st != CLOPT_OK) return st;
    r->kernel = clCreateKernel(r->program, "clopt_trajectories", &rc);
    CLOPT_CL_CHECK_RC(err, "creating the trajectory kernel", "clCreateKernel", rc);
    const cl_uint fn = r->fn, starts = (cl_uint)r->nstart, spad = (cl_uint)r->spad;
    const cl_uint tpad = (cl_uint)r->tpad, nwork = (cl_uint)r->nwork;
    const cl_uint groups = (cl_uint)r->groups;
    const cl_uint stride = (cl_uint)r->stride, nsteps = (cl_uint)r->steps;
    const cl_uint every = (cl_uint)r->every, ncomp = (cl_uint)r->ncomp;
    const cl_float noise = (cl_float)o->noise;
    const cl_uint key0 = (cl_uint)o->seed, key1 = (cl_uint)(o->seed >> 32);
    const cl_kernel k = r->kernel;
    const char *what = "binding the trajectory kernel";
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 0, sizeof fn, &fn));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 1, sizeof starts, &starts));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 2, sizeof spad, &spad));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 3, sizeof tpad, &tpad));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 4, sizeof nwork, &nwork));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 5, sizeof groups, &groups));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 6, sizeof(cl_mem), &r->d_kinds));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 7, sizeof(cl_mem), &r->d_table));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 8, sizeof stride, &stride));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 11, sizeof nsteps, &nsteps));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 12, sizeof every, &every));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 13, sizeof noise, &noise));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 14, sizeof key0, &key0));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 15, sizeof key1, &key1));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 16, sizeof ncomp, &ncomp));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 17, sizeof(cl_mem), &r->d_state));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 18, sizeof(cl_mem), &r->d_diverged));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 19, sizeof(cl_mem), &r->d_out));
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

clopt_status clopt_run_check(const clopt_run_options *o, clopt_error *err)
{
    clopt_error_clear(err);
    clopt_function_ref fn;
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_run_check: options is NULL");
    const clopt_status checked = check_options(o, &fn, err);
    clopt_function_ref_release(&fn);
    if (checked != CLOPT_OK) return checked;
    clopt_config c;
    clopt_status st = CLOPT_OK;
    for (size_t k = 0; k < o->noptimizers && st == CLOPT_OK; k++)
        st = clopt_spec_parse_nth(o->optimizers, k, &c, err);
    return st;
}

/* Points recorded at steps in [a, b): the multiples of every. */
static size_t rows_in(uint64_t a, uint64_t b, uint64_t every)
{
    const uint64_t first = (a + every - 1) / every, end = (b + every - 1) / every;
    return (size_t)(end - first);
}

clopt_run *clopt_run_create(clopt_context *ctx, const clopt_run_options *o, clopt_error *err)
{
    clopt_error_clear(err);
    clopt_function_ref fn;
    if (!ctx || !o) {
        clopt_error_set(err, CLOPT_EINVAL, "clopt_run_create: %s is NULL",
                        !ctx ? "context" : "options");
        return NULL;
    }
    if (check_options(o, &fn, err) != CLOPT_OK) {
        clopt_function_ref_release(&fn);
        return NULL;
    }
    clopt_run *r = calloc(1, sizeof *r);
    if (!r) {
        clopt_function_ref_release(&fn);
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run");
        return NULL;
    }
    r->ctx = ctx;
    r->function = fn; /* the run owns it now */
    r->nopt = o->noptimizers;
    r->nstart = o->nstarts ? o->nstarts : 1;
    r->groups = groups_for(&ctx->tuning, r->nstart);
    const size_t lanes = ctx->tuning.lanes * r->groups; /* per work-item */
    r->spad = round_up(r->nstart, lanes);
    r->tpad = r->nopt * r->spad;
    r->nwork = r->tpad / lanes;
    /* A schedule-free optimizer's trajectories also record their average x (trajectory.h). */
    int average = 0;
    for (size_t k = 0; k < o->noptimizers && !o->state; k++) {
        clopt_config c;
        average |=
            clopt_spec_parse(o->optimizers[k], &c, NULL) == CLOPT_OK && c.info->schedule_free;
    }
    r->ncomp = o->state ? CLOPT_RUN_STATE_COMPONENTS : average ? CLOPT_AVERAGE_COMPONENTS : 3;
    r->steps = o->steps;
    r->every = o->every;
    r->noise = o->noise;
    r->seed = o->seed;
    /* The table and output buffers hold one slice, and no more than the whole run needs:
     * a short run does not take 32 MiB of host and device memory. */
    r->stride = TABLE_BYTES / (r->nopt * sizeof(clopt_scalars));
    r->stride = r->stride < 1 ? 1 : r->stride > SLICE_STEPS ? SLICE_STEPS : r->stride;
    if (r->stride > r->steps) r->stride = r->steps;
    r->max_rows = OUT_BYTES / (r->ncomp * r->tpad * sizeof(float));
    r->max_rows = r->max_rows < 1 ? 1 : r->max_rows;
    if (r->max_rows > rows_in(0, r->steps + 1, r->every))
        r->max_rows = rows_in(0, r->steps + 1, r->every);
    r->cfg = calloc(r->nopt, sizeof *r->cfg);
    r->config = calloc(r->nopt, sizeof *r->config);
    r->m_schedule = calloc(r->nopt, sizeof *r->m_schedule);
    r->starts = malloc(2 * r->nstart * sizeof *r->starts);
    r->table = malloc(r->nopt * r->stride * sizeof *r->table);
    r->out = malloc(r->max_rows * r->ncomp * r->tpad * sizeof *r->out);
    r->slice = malloc(r->max_rows * r->ncomp * r->nopt * r->nstart * sizeof *r->slice);
    r->diverged = malloc(r->tpad * sizeof *r->diverged);
    if (!r->cfg || !r->config || !r->m_schedule || !r->starts || !r->table || !r->out ||
        !r->slice || !r->diverged) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run of %zu trajectories",
                        r->nopt * r->nstart);
        goto fail;
    }
    if (o->nstarts)
        memcpy(r->starts, o->starts, 2 * r->nstart * sizeof *r->starts);
    else
        memcpy(r->starts, fn.info->start, sizeof fn.info->start);
    if (parse_specs(r, o, err) != CLOPT_OK || create_buffers(r, err) != CLOPT_OK ||
        bind_kernel(r, o, err) != CLOPT_OK)
        goto fail;
    return r;
fail:
    clopt_run_release(r);
    return NULL;
}

/* The steps to evaluate in the next slice: at most max_steps updates, table and output. */
static uint64_t slice_length(const clopt_run *r, uint64_t max_steps)
{
    const uint64_t left = r->steps - (r->next < r->steps ? r->next : r->steps);
    uint64_t n = left < r->stride ? left : r->stride;
    if (max_steps && n > max_steps) n = max_steps;
    if (n > r->max_rows * r->every) n = r->max_rows * r->every;
    if (r->next + n == r->steps && rows_in(r->next, r->next + n + 1, r->every) <= r->max_rows)
        n++;  /* the evaluation of the last point rides along with the last updates */
    return n; /* >= 1: with no updates left, n is that last evaluation */
}

/* Reorders the device's [row][component][padded trajectory] into [row][trajectory][comp]. */
static void gather(clopt_run *r, size_t rows)
{
    const size_t nt = r->nopt * r->nstart;
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < r->nopt; k++)
            for (size_t s = 0; s < r->nstart; s++) {
                float *dst = r->slice + (row * nt + k * r->nstart + s) * r->ncomp;
                const float *src = r->out + row * r->ncomp * r->tpad + k * r->spad + s;
                for (size_t c = 0; c < r->ncomp; c++)
                    dst[c] = src[c * r->tpad];
                if (r->ncomp == CLOPT_AVERAGE_COMPONENTS && !r->cfg[k].info->schedule_free)
                    for (size_t c = 0; c < 3; c++) /* the point is its own average */
                        dst[3 + c] = dst[c];
            }
}

clopt_status clopt_run_advance(clopt_run *r, uint64_t max_steps, clopt_slice *slice,
                               clopt_error *err)
{
    clopt_error_clear(err);
    if (!r || !slice)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_run_advance: %s is NULL",
                               !r ? "run" : "slice");
    *slice = (clopt_slice){r->next, 0, r->nopt * r->nstart, r->ncomp, r->slice};
    if (clopt_run_finished(r)) return CLOPT_OK;
    const uint64_t n = slice_length(r, max_steps);
    const uint64_t updates = r->next + n <= r->steps ? n : r->steps - r->next;
    clopt_running *ms = r->m_schedule;
    for (size_t k = 0; k < r->nopt; k++) {
        clopt_running m = ms[k];
        for (uint64_t i = 0; i < updates; i++)
            m = clopt_schedule_scalars(&r->cfg[k], r->next + i, m, &r->table[k * r->stride + i]);
        ms[k] = m;
    }
    const cl_command_queue q = r->ctx->queue;
    const cl_uint first = (cl_uint)r->next, count = (cl_uint)n;
    const size_t rows = rows_in(r->next, r->next + n, r->every);
    const size_t local = r->ctx->tuning.trajectory_wgs;
    const size_t global = round_up(r->nwork, local);
    const char *what = "computing a slice of trajectories";
    if (updates)
        CLOPT_CL_CHECK(err, what,
                       clEnqueueWriteBuffer(q, r->d_table, CL_FALSE, 0,
                                            r->nopt * r->stride * sizeof *r->table, r->table, 0,
                                            NULL, NULL));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(r->kernel, 9, sizeof first, &first));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(r->kernel, 10, sizeof count, &count));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, r->kernel, 1, NULL, &global, &local, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueReadBuffer(q, r->d_diverged, CL_FALSE, 0, r->tpad * sizeof *r->diverged,
                                       r->diverged, 0, NULL, NULL));
    if (rows)
        CLOPT_CL_CHECK(err, what,
                       clEnqueueReadBuffer(q, r->d_out, CL_FALSE, 0,
                                           rows * r->ncomp * r->tpad * sizeof *r->out, r->out, 0,
                                           NULL, NULL));
    CLOPT_CL_CHECK(err, what, clFinish(q));
    gather(r, rows);
    slice->first_step = (r->next + r->every - 1) / r->every * r->every;
    slice->rows = rows;
    r->next += n;
    return CLOPT_OK;
fail:
    /* Reads into r->diverged and r->out may be in flight: wait for them before the caller
     * can free the run. The device state may be part-way through the slice, so the run
     * cannot continue. */
    clFinish(q);
    r->next = r->steps + 1;
    return CLOPT_ECL;
}

const clopt_function_info *clopt_run_function(const clopt_run *r)
{
    return r ? r->function.info : NULL;
}

int clopt_run_finished(const clopt_run *r)
{
    return !r || r->next > r->steps;
}

uint64_t clopt_run_progress(const clopt_run *r)
{
    if (!r) return 0;
    return r->next < r->steps ? r->next : r->steps;
}

size_t clopt_run_trajectories(const clopt_run *r)
{
    return r ? r->nopt * r->nstart : 0;
}

int clopt_run_has_average(const clopt_run *r, size_t t)
{
    return r && t < r->nopt * r->nstart && r->cfg[t / r->nstart].info->schedule_free;
}

const char *clopt_run_optimizer(const clopt_run *r, size_t t)
{
    return r && t < r->nopt * r->nstart ? r->config[t / r->nstart] : NULL;
}

const double *clopt_run_start(const clopt_run *r, size_t t)
{
    return r && t < r->nopt * r->nstart ? &r->starts[2 * (t % r->nstart)] : NULL;
}

int64_t clopt_run_diverged_at(const clopt_run *r, size_t t)
{
    if (!r || t >= r->nopt * r->nstart) return -1;
    const cl_uint d = r->diverged[t / r->nstart * r->spad + t % r->nstart];
    return d == CLOPT_ALIVE ? -1 : (int64_t)d;
}

void clopt_run_state_names(const clopt_run *r, size_t t, const char *names[CLOPT_RUN_MAX_STATE])
{
    for (size_t i = 0; i < CLOPT_RUN_MAX_STATE; i++)
        names[i] = "";
    if (!r || t >= r->nopt * r->nstart) return;
    const clopt_config *c = &r->cfg[t / r->nstart];
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    for (size_t i = 0; i < live; i++)
        names[i] = c->info->state[i];
}
