/*
 * Runs: K optimizers x S starting points on one test function, advanced in slices of
 * steps by cl/trajectory.cl. The host computes each slice's per-step scalars with
 * src/schedule.c (as the tensor path does), launches one kernel for every optimizer and
 * start, and reads back only the points recorded in the slice. In precision double the
 * engine runs the double program (one trajectory per work-item) and a slice keeps the
 * points as computed beside their float roundings.
 */
#include "context.h"
#include "engine.h"
#include "run.h"
#include "error.h"
#include "functions.h"
#include "spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(CLOPT_AVERAGE_COMPONENTS == CLOPT_RUN_AVERAGE_COMPONENTS,
               "the kernel's and the API's components of a point with its average");

struct clopt_run {
    clopt_engine g; /* configs: the optimizers; blocks: the starts */
    clopt_function_ref function;
    size_t nopt, nstart;
    char **config;
    double *starts;
    float *slice;
    double *slice_d; /* precision double: slice unrounded */
};

void clopt_run_release(clopt_run *r)
{
    if (!r) return;
    clopt_engine_release(&r->g);
    clopt_function_ref_release(&r->function);
    if (r->config)
        for (size_t k = 0; k < r->nopt; k++)
            free(r->config[k]);
    free(r->config);
    free(r->starts);
    free(r->slice);
    free(r->slice_d);
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
    if (o->precision != CLOPT_PRECISION_FLOAT && o->precision != CLOPT_PRECISION_DOUBLE)
        return clopt_error_set(err, CLOPT_EINVAL, "precision %d; expected float or double",
                               (int)o->precision);
    const size_t nstart = o->nstarts ? o->nstarts : 1;
    if (o->noptimizers > CLOPT_RUN_MAX_TRAJECTORIES / nstart)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%zu optimizers x %zu starts is more than %u trajectories",
                               o->noptimizers, nstart, CLOPT_RUN_MAX_TRAJECTORIES);
    return CLOPT_OK;
}

/* Parses every spec into the run, with its config JSON. */
static clopt_status parse_specs(clopt_run *r, const clopt_run_options *o, clopt_error *err)
{
    for (size_t k = 0; k < r->nopt; k++) {
        const clopt_status st = clopt_spec_parse_nth(o->optimizers, k, &r->g.cfg[k], err);
        if (st != CLOPT_OK) return st;
        if (!(r->config[k] = clopt_config_json(&r->g.cfg[k])))
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run");
    }
    return CLOPT_OK;
}

/* Trajectory t's start: its start's, whatever the optimizer. */
static void start_of(const void *data, size_t t, double xy[2])
{
    const clopt_run *r = data;
    memcpy(xy, &r->starts[2 * (t % r->nstart)], 2 * sizeof *xy);
}

/* The run's kernel, of the context's program or the expression's (in the run's precision),
 * with its constants. */
static clopt_status create_engine(clopt_run *r, const clopt_run_options *o, clopt_error *err)
{
    cl_program program;
    cl_uint fn;
    clopt_status st = clopt_function_program(r->g.ctx, &r->function, r->g.dbl, &program, &fn, err);
    if (st != CLOPT_OK) return st;
    r->g.launch.fn = fn;
    r->g.launch.starts = (cl_uint)r->nstart;
    r->g.launch.noise = o->noise;
    r->g.launch.key0 = (cl_uint)o->seed;
    r->g.launch.key1 = (cl_uint)(o->seed >> 32);
    st = clopt_engine_create(&r->g, start_of, r, CLOPT_STATE_ROWS, 1, 0, program,
                             CLOPT_TRAJECTORY_KERNEL, err);
    clReleaseProgram(program); /* the kernel holds it */
    return st;
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
    r->function = fn; /* the run owns it now */
    r->nopt = o->noptimizers;
    r->nstart = o->nstarts ? o->nstarts : 1;
    clopt_engine *g = &r->g;
    g->ctx = ctx;
    g->dbl = o->precision == CLOPT_PRECISION_DOUBLE;
    g->esize = g->dbl ? sizeof(double) : sizeof(float);
    g->steps = o->steps;
    /* the double program has CLOPT_TW 1 (cl/real.h) */
    clopt_engine_shape(g, g->dbl ? 1 : ctx->tuning.lanes, r->nopt, r->nstart);
    clopt_engine_table_rows(g, 0);
    /* A schedule-free optimizer's trajectories also record their average x (trajectory.h). */
    int average = 0;
    for (size_t k = 0; k < o->noptimizers && !o->state; k++) {
        clopt_config c;
        average |=
            clopt_spec_parse(o->optimizers[k], &c, NULL) == CLOPT_OK && c.info->schedule_free;
    }
    clopt_engine_record(g, o->every,
                        o->state  ? CLOPT_RUN_STATE_COMPONENTS
                        : average ? CLOPT_AVERAGE_COMPONENTS
                                  : 3);
    r->config = calloc(r->nopt, sizeof *r->config);
    r->starts = malloc(2 * r->nstart * sizeof *r->starts);
    const size_t slice = g->max_rows * g->ncomp * r->nopt * r->nstart;
    r->slice = malloc(slice * sizeof *r->slice);
    r->slice_d = g->dbl ? malloc(slice * sizeof *r->slice_d) : NULL;
    if (!r->config || !r->starts || !r->slice || (g->dbl && !r->slice_d)) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a run of %zu trajectories",
                        r->nopt * r->nstart);
        goto fail;
    }
    if (o->nstarts)
        memcpy(r->starts, o->starts, 2 * r->nstart * sizeof *r->starts);
    else
        memcpy(r->starts, fn.info->start, sizeof fn.info->start);
    if (clopt_engine_configs(g, err) != CLOPT_OK || parse_specs(r, o, err) != CLOPT_OK ||
        create_engine(r, o, err) != CLOPT_OK)
        goto fail;
    return r;
fail:
    clopt_run_release(r);
    return NULL;
}

/*
 * Reorders the device's [row][component][padded trajectory] into [row][trajectory][comp]:
 * floats as they are; doubles as they are into slice_d and rounded into slice.
 */
static void gather(clopt_run *r, size_t rows)
{
    const clopt_engine *g = &r->g;
    const size_t nt = r->nopt * r->nstart, ncomp = g->ncomp, pad = g->pad;
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < r->nopt; k++)
            for (size_t s = 0; s < r->nstart; s++) {
                const size_t at = (row * nt + k * r->nstart + s) * ncomp;
                const size_t from = row * ncomp * pad + k * g->cpad + s;
                float *dst = r->slice + at;
                double *dst_d = g->dbl ? r->slice_d + at : NULL;
                for (size_t c = 0; c < ncomp; c++)
                    if (dst_d)
                        dst[c] = (float)(dst_d[c] = ((const double *)g->out)[from + c * pad]);
                    else
                        dst[c] = ((const float *)g->out)[from + c * pad];
                if (ncomp == CLOPT_AVERAGE_COMPONENTS && !g->cfg[k].info->schedule_free)
                    for (size_t c = 0; c < 3; c++) { /* the point is its own average */
                        dst[3 + c] = dst[c];
                        if (dst_d) dst_d[3 + c] = dst_d[c];
                    }
            }
}

clopt_status clopt_run_advance(clopt_run *r, uint64_t max_steps, clopt_slice *slice,
                               clopt_error *err)
{
    clopt_error_clear(err);
    const char *null = !r ? "run" : !slice ? "slice" : NULL;
    if (null) return clopt_error_set(err, CLOPT_EINVAL, "clopt_run_advance: %s is NULL", null);
    *slice = (clopt_slice){r->g.next, 0, r->nopt * r->nstart, r->g.ncomp, r->slice, r->slice_d};
    if (clopt_run_finished(r)) return CLOPT_OK;
    uint64_t first;
    size_t rows;
    const clopt_status st = clopt_engine_advance(&r->g, max_steps, &first, &rows, err);
    if (st != CLOPT_OK) return st;
    gather(r, rows);
    slice->first_step = (first + r->g.every - 1) / r->g.every * r->g.every;
    slice->rows = rows;
    return CLOPT_OK;
}

const clopt_function_info *clopt_run_function(const clopt_run *r)
{
    return r ? r->function.info : NULL;
}

clopt_engine_times clopt_run_times(const clopt_run *r)
{
    return r->g.times;
}

int clopt_run_finished(const clopt_run *r)
{
    return !r || clopt_engine_finished(&r->g);
}

uint64_t clopt_run_progress(const clopt_run *r)
{
    return r ? clopt_engine_progress(&r->g) : 0;
}

size_t clopt_run_trajectories(const clopt_run *r)
{
    return r ? r->nopt * r->nstart : 0;
}

int clopt_run_has_average(const clopt_run *r, size_t t)
{
    return r && t < r->nopt * r->nstart && r->g.cfg[t / r->nstart].info->schedule_free;
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
    const cl_uint d = r->g.flags[t / r->nstart * r->g.cpad + t % r->nstart];
    return d == CLOPT_ALIVE ? -1 : (int64_t)d;
}

void clopt_run_state_names(const clopt_run *r, size_t t, const char *names[CLOPT_RUN_MAX_STATE])
{
    for (size_t i = 0; i < CLOPT_RUN_MAX_STATE; i++)
        names[i] = "";
    if (!r || t >= r->nopt * r->nstart) return;
    const clopt_config *c = &r->g.cfg[t / r->nstart];
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    for (size_t i = 0; i < live; i++)
        names[i] = c->info->state[i];
}
