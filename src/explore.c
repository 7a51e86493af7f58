/*
 * Explorations: basin maps, hyperparameter sweeps and tunings, the trajectory engine's reduce
 * mode (cl/explore.cl). Every run keeps its state, converged and diverged steps on the device;
 * only the final fields come back, so memory is O(runs) whatever the steps.
 *
 * Per-step scalars: a basin map has one config per optimizer, so its table is [optimizer]
 * [step in slice] as a run's. In a sweep every run is its own config; the table holds one
 * slice of steps per config and the slice shrinks as the configs grow (TABLE_BYTES), so it
 * costs configs x slice, not runs x steps, and each row still comes from
 * clopt_schedule_scalars, the one place the scalars are computed: a cell gives the bits of
 * `clopt run` with that spec.
 *
 * A tuning is a sweep laid out as a basin map: its configs are value x seed (the scalars of
 * one value repeated per seed), each config's block the list of starts, so the runs of a
 * block share their scalars and run in the vector lanes of the basin kernel.
 */
#include "../cl/trajectory.h"
#include "context.h"
#include "error.h"
#include "explore.h"
#include "functions.h"
#include "run.h"
#include "schedule.h"
#include "spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BYTES (16u << 20)           /* caps the per-step scalar table of one slice */
#define SLICE_STEPS 1024u                 /* longest slice: keeps each launch short on GPUs */
#define STATE_ROWS (CLOPT_STATE_ROWS + 1) /* the trajectory kernel's rows, then f */

struct clopt_exploration {
    clopt_context *ctx;
    clopt_explore_kind kind;
    const clopt_function_info *info;
    size_t nmaps, per_map, ncfg;      /* maps; runs per map; configs (K, or the sweep's) */
    size_t block;                     /* runs per config before padding (a block of cpad) */
    size_t nseeds;                    /* a tuning's noise seeds (1 otherwise) */
    double noise;                     /* a tuning's gradient noise (0 otherwise) */
    int auc;                          /* sums per run in d_sums (tunings that ask) */
    size_t groups, cpad, rpad, nwork; /* launch shape (see cl/explore.cl) */
    size_t stride;                    /* the table's rows per config (1: one for every step) */
    size_t slice;                     /* most updates per slice */
    int constant;                     /* every config's scalars are the same at every step */
    uint64_t steps, next;             /* next: the next step to evaluate, 0 .. steps + 1 */
    double width;                     /* the view's width: "near a minimum" is 1% of it */
    int dbl;                          /* precision double: the double program, 8-byte rows */
    size_t esize;                     /* bytes of a state element: 4 (float) or 8 (double) */
    clopt_config *cfg;
    clopt_running *m_schedule; /* each config's running scalars */
    char **config;             /* nmaps get_config JSON texts */
    char *axis_name[2];
    double *values[2];
    size_t nvalues[2], naxes;
    clopt_scalars *table;
    clopt_scalars64 *table64; /* precision double's table instead of `table` */
    float *res_f;             /* [map][component x, y, f][run] */
    double *res_d;            /* precision double: res_f's layout, unrounded */
    int32_t *res_i;           /* [map][component converged_at, minimum, diverged_at][run] */
    float *res_auc;           /* [run], tunings with auc */
    int have_results;         /* read back from the device */
    size_t device_bytes;
    cl_mem d_kinds, d_table, d_state, d_steps, d_sums;
    cl_kernel kernel;
};

static size_t round_up(size_t n, size_t m)
{
    return (n + m - 1) / m * m;
}

/* Element i of a state buffer of e's element type, written from or read as a double. */
static void put(const clopt_exploration *e, void *buf, size_t i, double v)
{
    if (e->dbl)
        ((double *)buf)[i] = v;
    else
        ((float *)buf)[i] = (float)v;
}

static double get(const clopt_exploration *e, const void *buf, size_t i)
{
    return e->dbl ? ((const double *)buf)[i] : (double)((const float *)buf)[i];
}

/* Bytes of one row of the per-step scalar table. */
static size_t row_bytes(const clopt_exploration *e)
{
    return e->dbl ? sizeof(clopt_scalars64) : sizeof(clopt_scalars);
}

void clopt_explore_release(clopt_exploration *e)
{
    if (!e) return;
    cl_mem mems[] = {e->d_kinds, e->d_table, e->d_state, e->d_steps, e->d_sums};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
        if (mems[i]) clReleaseMemObject(mems[i]);
    if (e->kernel) clReleaseKernel(e->kernel);
    if (e->config)
        for (size_t m = 0; m < e->nmaps; m++)
            free(e->config[m]);
    for (size_t a = 0; a < 2; a++) {
        free(e->axis_name[a]);
        free(e->values[a]);
    }
    free(e->config);
    free(e->cfg);
    free(e->m_schedule);
    free(e->table);
    free(e->table64);
    free(e->res_f);
    free(e->res_d);
    free(e->res_i);
    free(e->res_auc);
    free(e);
}

/*
 * The configs: K specs (basins), or the base with every combination of axis values (a
 * tuning's value v repeated for each seed: config v * S + s).
 */
static clopt_status make_configs(clopt_exploration *e, const clopt_explore_options *o,
                                 const clopt_config *base, const int params[2], clopt_error *err)
{
    if (e->kind == CLOPT_EXPLORE_BASINS) {
        for (size_t k = 0; k < e->ncfg; k++)
            clopt_spec_parse(o->optimizers[k], &e->cfg[k], NULL); /* checked already */
    } else {
        for (size_t a = 0; a < e->naxes; a++) {
            e->nvalues[a] = o->axes[a].n;
            e->values[a] = malloc(e->nvalues[a] * sizeof *e->values[a]);
            char name[48];
            e->axis_name[a] = strdup(clopt_setting_name(params[a], name));
            if (!e->values[a] || !e->axis_name[a])
                return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a sweep");
            for (size_t i = 0; i < e->nvalues[a]; i++)
                e->values[a][i] = clopt_explore_axis_value(&o->axes[a], i);
        }
        const size_t n0 = e->nvalues[0];
        for (size_t r = 0; r < e->ncfg; r++) {
            const size_t v = r / e->nseeds;
            e->cfg[r] = *base; /* every value checked already (explore_options.c) */
            clopt_config_put_setting(&e->cfg[r], params[0], e->values[0][v % n0]);
            if (e->naxes == 2)
                clopt_config_put_setting(&e->cfg[r], params[1], e->values[1][v / n0]);
        }
    }
    for (size_t r = 0; r < e->ncfg; r++)
        e->m_schedule[r] = clopt_running_start();
    for (size_t m = 0; m < e->nmaps; m++)
        if (!(e->config[m] =
                  clopt_config_json(e->kind == CLOPT_EXPLORE_BASINS ? &e->cfg[m] : base)))
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating an exploration");
    return CLOPT_OK;
}

/* Initial state: every run at its start, optimizer state zero, no step (nor sum) yet. */
static clopt_status create_buffers(clopt_exploration *e, const clopt_explore_options *o,
                                   clopt_error *err)
{
    cl_context cl = e->ctx->cl;
    cl_int rc;
    const char *what = "allocating an exploration on the device";
    const size_t rpad = e->rpad;
    const size_t es = e->esize;
    unsigned char *state = calloc(STATE_ROWS * rpad, es);
    cl_uint *steps = malloc(2 * rpad * sizeof *steps), *kinds = malloc(e->ncfg * sizeof *kinds);
    clopt_status st = CLOPT_OK;
    if (!state || !steps || !kinds) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating %zu runs",
                             e->nmaps * e->per_map);
        goto fail;
    }
    const double *view = o->view ? o->view : e->info->view;
    const double *start = o->start ? o->start : e->info->start;
    for (size_t r = 0; r < rpad; r++) {
        const size_t m = e->kind != CLOPT_EXPLORE_SWEEP ? r / e->cpad : 0;
        size_t c = r - m * e->cpad; /* the run within its block; padding repeats the last */
        c = c < e->block ? c : e->block - 1;
        double x = start[0], y = start[1];
        if (e->kind == CLOPT_EXPLORE_BASINS) {
            const size_t i = c % o->nx, j = c / o->nx;
            x = view[0] + (double)i * (view[1] - view[0]) / (double)(o->nx - 1);
            y = view[2] + (double)j * (view[3] - view[2]) / (double)(o->ny - 1);
        } else if (e->kind == CLOPT_EXPLORE_TUNE) {
            x = o->starts[2 * c];
            y = o->starts[2 * c + 1];
        }
        put(e, state, r, x);
        put(e, state, rpad + r, y);
        steps[r] = steps[rpad + r] = CLOPT_ALIVE;
    }
    for (size_t k = 0; k < e->ncfg; k++)
        kinds[k] = clopt_run_kind(&e->cfg[k]);
    const cl_mem_flags rw = CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR;
    e->d_kinds = clCreateBuffer(cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                e->ncfg * sizeof *kinds, kinds, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    e->d_state = clCreateBuffer(cl, rw, STATE_ROWS * rpad * es, state, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    e->d_steps = clCreateBuffer(cl, rw, 2 * rpad * sizeof *steps, steps, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    e->d_table =
        clCreateBuffer(cl, CL_MEM_READ_ONLY, e->ncfg * e->stride * row_bytes(e), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    /* The sums (zero, as `state` past its first two rows); one float when unused. */
    const size_t sums = e->auc ? 2 * rpad : 1;
    e->d_sums = clCreateBuffer(cl, rw, sums * es, state + 2 * rpad * es, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    e->device_bytes = e->ncfg * (sizeof *kinds + e->stride * row_bytes(e)) +
                      rpad * (STATE_ROWS * es + 2 * sizeof *steps) + sums * es;
    free(state);
    free(steps);
    free(kinds);
    return CLOPT_OK;
fail:
    free(state);
    free(steps);
    free(kinds);
    return clopt_fail_status(st);
}

/* The arguments that stay the same for the whole exploration. */
static clopt_status bind_kernel(clopt_exploration *e, double fstar, double tol, clopt_error *err)
{
    cl_int rc;
    const int sweep = e->kind == CLOPT_EXPLORE_SWEEP;
    cl_program program = e->ctx->program;
    if (e->dbl) {
        const clopt_status st = clopt_context_double_program(e->ctx, &program, err);
        if (st != CLOPT_OK) return st;
    } else if (sweep) {
        const clopt_status st = clopt_context_scalar_program(e->ctx, &program, err);
        if (st != CLOPT_OK) return st;
    }
    e->kernel =
        clCreateKernel(program, sweep ? "clopt_explore_sweep" : "clopt_explore_basins", &rc);
    CLOPT_CL_CHECK_RC(err, "creating the explore kernel", "clCreateKernel", rc);
    const cl_uint fn = clopt_function_id(e->info), cpad = (cl_uint)e->cpad;
    const cl_uint ncfg = (cl_uint)e->ncfg, rpad = (cl_uint)e->rpad;
    const cl_uint nwork = (cl_uint)e->nwork, groups = (cl_uint)e->groups;
    const cl_uint stride = (cl_uint)e->stride, nsteps = (cl_uint)e->steps;
    const cl_uint nseeds = (cl_uint)e->nseeds, auc = (cl_uint)e->auc;
    /* f*, the tolerance and the noise in the program's element type */
    const cl_float fs = (cl_float)fstar, tl = (cl_float)tol, noise = (cl_float)e->noise;
    const size_t es = e->esize;
    const void *p_fstar = e->dbl ? (const void *)&fstar : &fs;
    const void *p_tol = e->dbl ? (const void *)&tol : &tl;
    const void *p_noise = e->dbl ? (const void *)&e->noise : &noise;
    const cl_kernel k = e->kernel;
    const char *what = "binding the explore kernel";
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 0, sizeof fn, &fn));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 1, sizeof cpad, &cpad));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 2, sizeof ncfg, &ncfg));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 3, sizeof rpad, &rpad));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 4, sizeof nwork, &nwork));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 5, sizeof groups, &groups));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 6, sizeof(cl_mem), &e->d_kinds));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 7, sizeof(cl_mem), &e->d_table));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 8, sizeof stride, &stride));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 11, sizeof nsteps, &nsteps));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 12, es, p_fstar));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 13, es, p_tol));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 14, sizeof(cl_mem), &e->d_state));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 15, sizeof(cl_mem), &e->d_steps));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 16, es, p_noise));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 17, sizeof nseeds, &nseeds));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 18, sizeof auc, &auc));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(k, 19, sizeof(cl_mem), &e->d_sums));
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

/* Runs, configs and the launch shape (see cl/explore.cl), from checked options. */
/*
 * The table's rows per config and the slice: scalars that do not change need one row per
 * config for the whole exploration; otherwise one row per step of a slice, the slice as
 * long as TABLE_BYTES allows for this many configs.
 */
static void table_rows(clopt_exploration *e)
{
    size_t rows = TABLE_BYTES / (e->ncfg * row_bytes(e));
    rows = rows < 1 ? 1 : rows > SLICE_STEPS ? SLICE_STEPS : rows;
    if (rows > e->steps) rows = (size_t)e->steps;
    e->stride = e->constant ? 1 : rows;
    e->slice = e->constant ? SLICE_STEPS : rows;
}

static void table_shape(clopt_exploration *e)
{
    e->constant = 1;
    for (size_t c = 0; c < e->ncfg && e->constant; c++)
        e->constant = clopt_schedule_constant(&e->cfg[c]);
    table_rows(e);
}

static void shape(clopt_exploration *e, const clopt_explore_options *o)
{
    const clopt_tuning *t = &e->ctx->tuning;
    const size_t lanes = e->dbl ? 1 : t->lanes; /* the double program has CLOPT_TW 1 */
    e->nseeds = 1;
    if (e->kind == CLOPT_EXPLORE_SWEEP) { /* one run per group: the scalar program */
        e->naxes = o->naxes;
        e->nmaps = 1;
        e->per_map = e->ncfg = o->axes[0].n * (o->naxes == 2 ? o->axes[1].n : 1);
        e->block = 1;
        e->groups = e->per_map < t->groups ? e->per_map : t->groups;
        e->cpad = 1;
        e->rpad = round_up(e->per_map, e->groups);
        e->nwork = e->rpad / e->groups;
        return;
    }
    if (e->kind == CLOPT_EXPLORE_BASINS) {
        e->nmaps = e->ncfg = o->noptimizers;
        e->per_map = e->block = o->nx * o->ny;
    } else { /* a tuning: one map of value x seed configs, each a block of the starts */
        e->naxes = o->naxes;
        e->nseeds = o->nseeds;
        e->noise = o->noise;
        e->auc = o->auc != 0;
        e->nmaps = 1;
        e->ncfg = o->axes[0].n * (o->naxes == 2 ? o->axes[1].n : 1) * o->nseeds;
        e->block = o->nstarts;
        e->per_map = e->ncfg * e->block;
    }
    const size_t fill = (e->block + lanes - 1) / lanes;
    e->groups = fill < t->groups ? fill : t->groups;
    e->cpad = round_up(e->block, lanes * e->groups);
    e->rpad = e->ncfg * e->cpad;
    e->nwork = e->rpad / (lanes * e->groups);
}

/*
 * What clopt_explore_create and clopt_explore_map_get allocate for e's shape: on the host
 * the configs, schedules, config texts (1 KiB each at most), axis values, scalar table and
 * results, plus the larger of the two staging copies (the initial state, the read-back);
 * on the device the kinds, table, state and steps.
 */
static void plan_bytes(const clopt_exploration *e, size_t *host, size_t *device)
{
    const size_t runs = e->nmaps * e->per_map, rpad = e->rpad;
    const size_t table = e->ncfg * e->stride * row_bytes(e), es = e->esize;
    size_t values = 0;
    for (size_t a = 0; a < e->naxes; a++)
        values += e->nvalues[a] * sizeof(double) + 64;
    const size_t staging_in =
        STATE_ROWS * rpad * es + 2 * rpad * sizeof(cl_uint) + e->ncfg * sizeof(cl_uint);
    const size_t staging_out = (e->auc ? 5 : 3) * rpad * es + 2 * rpad * sizeof(cl_uint);
    *host = sizeof *e + e->ncfg * (sizeof(clopt_config) + sizeof(clopt_running)) +
            e->nmaps * (sizeof(char *) + 1024) + values + 3 * runs * sizeof(float) +
            3 * runs * sizeof(int32_t) + (e->dbl ? 3 * runs * sizeof(double) : 0) + table +
            (staging_in > staging_out ? staging_in : staging_out);
    *device = e->ncfg * sizeof(cl_uint) + table + rpad * (STATE_ROWS * es + 2 * sizeof(cl_uint)) +
              (e->auc ? 2 * rpad : 1) * es; /* a tuning's sums */
}

clopt_status clopt_explore_plan_bytes(clopt_context *ctx, const clopt_explore_options *o,
                                      size_t *host_bytes, size_t *device_bytes, clopt_error *err)
{
    clopt_error_clear(err);
    if (!ctx || !o || !host_bytes || !device_bytes)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_explore_plan_bytes: %s is NULL",
                               !ctx ? "context"
                               : !o ? "options"
                                    : "a byte count");
    clopt_config base, c;
    int params[2];
    const clopt_status st = clopt_explore_validate(o, &base, params, err);
    if (st != CLOPT_OK) return st;
    clopt_exploration e = {0};
    e.ctx = ctx;
    e.kind = o->kind;
    e.steps = o->steps;
    e.dbl = o->precision == CLOPT_PRECISION_DOUBLE;
    e.esize = e.dbl ? sizeof(double) : sizeof(float);
    shape(&e, o);
    e.constant = 1;
    if (e.kind == CLOPT_EXPLORE_BASINS)
        for (size_t k = 0; k < e.ncfg && e.constant; k++) {
            clopt_spec_parse(o->optimizers[k], &c, NULL); /* checked already */
            e.constant = clopt_schedule_constant(&c);
        }
    else { /* as make_configs: each axis's values once, then every combination */
        double *values[2] = {NULL, NULL};
        for (size_t a = 0; a < e.naxes; a++) {
            e.nvalues[a] = o->axes[a].n;
            if (!(values[a] = malloc(e.nvalues[a] * sizeof *values[a]))) {
                free(values[0]);
                return clopt_error_set(err, CLOPT_ENOMEM, "out of memory planning a sweep");
            }
            for (size_t i = 0; i < e.nvalues[a]; i++)
                values[a][i] = clopt_explore_axis_value(&o->axes[a], i);
        }
        const size_t n0 = e.nvalues[0];
        c = base; /* every config sets the varied hyperparameters; the rest is the base's */
        for (size_t r = 0; r < e.ncfg && e.constant; r++) {
            const size_t v = r / e.nseeds;
            clopt_config_put_setting(&c, params[0], values[0][v % n0]);
            if (e.naxes == 2) clopt_config_put_setting(&c, params[1], values[1][v / n0]);
            e.constant = clopt_schedule_constant(&c);
        }
        free(values[0]);
        free(values[1]);
    }
    table_rows(&e);
    plan_bytes(&e, host_bytes, device_bytes);
    return CLOPT_OK;
}

clopt_exploration *clopt_explore_create(clopt_context *ctx, const clopt_explore_options *o,
                                        clopt_error *err)
{
    clopt_error_clear(err);
    if (!ctx || !o) {
        clopt_error_set(err, CLOPT_EINVAL, "clopt_explore_create: %s is NULL",
                        !ctx ? "context" : "options");
        return NULL;
    }
    clopt_config base;
    int params[2];
    if (clopt_explore_validate(o, &base, params, err) != CLOPT_OK) return NULL;
    clopt_exploration *e = calloc(1, sizeof *e);
    if (!e) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating an exploration");
        return NULL;
    }
    e->ctx = ctx;
    e->kind = o->kind;
    e->info = clopt_function_find(o->function, NULL);
    e->steps = o->steps;
    e->dbl = o->precision == CLOPT_PRECISION_DOUBLE;
    e->esize = e->dbl ? sizeof(double) : sizeof(float);
    shape(e, o);
    const double *view = o->view && e->kind == CLOPT_EXPLORE_BASINS ? o->view : e->info->view;
    e->width = view[1] - view[0];
    const size_t runs = e->nmaps * e->per_map;
    e->cfg = calloc(e->ncfg, sizeof *e->cfg);
    e->m_schedule = calloc(e->ncfg, sizeof *e->m_schedule);
    e->config = calloc(e->nmaps, sizeof *e->config);
    e->res_f = malloc(3 * runs * sizeof *e->res_f);
    e->res_i = malloc(3 * runs * sizeof *e->res_i);
    e->res_auc = e->auc ? malloc(runs * sizeof *e->res_auc) : NULL;
    e->res_d = e->dbl ? malloc(3 * runs * sizeof *e->res_d) : NULL;
    if (!e->cfg || !e->m_schedule || !e->config || !e->res_f || !e->res_i ||
        (e->auc && !e->res_auc) || (e->dbl && !e->res_d)) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating %zu runs", runs);
        goto fail;
    }
    if (make_configs(e, o, &base, params, err) != CLOPT_OK) goto fail;
    table_shape(e);
    if (e->dbl ? !(e->table64 = malloc(e->ncfg * e->stride * sizeof *e->table64))
               : !(e->table = malloc(e->ncfg * e->stride * sizeof *e->table))) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating %zu runs", runs);
        goto fail;
    }
    /* f* and the tolerance; none for a function without a minimum (never converges). */
    const double fstar = e->info->nminima ? e->info->minima[0].f : 0.0;
    const double tol = e->info->nminima ? o->tol * fmax(1.0, fabs(fstar)) : -1.0;
    if (create_buffers(e, o, err) != CLOPT_OK || bind_kernel(e, fstar, tol, err) != CLOPT_OK)
        goto fail;
    return e;
fail:
    clopt_explore_release(e);
    return NULL;
}

clopt_status clopt_explore_advance(clopt_exploration *e, uint64_t max_steps, clopt_error *err)
{
    clopt_error_clear(err);
    if (!e) return clopt_error_set(err, CLOPT_EINVAL, "clopt_explore_advance: exploration is NULL");
    if (clopt_explore_finished(e)) return CLOPT_OK;
    const uint64_t left = e->steps - (e->next < e->steps ? e->next : e->steps);
    uint64_t n = left < e->slice ? left : e->slice;
    if (max_steps && n > max_steps) n = max_steps;
    if (e->next + n == e->steps)
        n++; /* the evaluation of the final point rides along with the last updates */
    const uint64_t updates = e->next + n <= e->steps ? n : e->steps - e->next;
    const uint64_t rows = e->constant ? (e->next == 0) : updates; /* constant: written once */
    for (size_t c = 0; c < e->ncfg; c++) {
        clopt_running m = e->m_schedule[c];
        for (uint64_t i = 0; i < rows; i++)
            m = e->dbl ? clopt_schedule_scalars64(&e->cfg[c], e->next + i, m,
                                                  &e->table64[c * e->stride + i])
                       : clopt_schedule_scalars(&e->cfg[c], e->next + i, m,
                                                &e->table[c * e->stride + i]);
        e->m_schedule[c] = m;
    }
    const cl_command_queue q = e->ctx->queue;
    const cl_uint first = (cl_uint)e->next, count = (cl_uint)n;
    const size_t local = e->ctx->tuning.trajectory_wgs;
    const size_t global = round_up(e->nwork, local);
    const char *what = "computing a slice of an exploration";
    if (rows)
        CLOPT_CL_CHECK(
            err, what,
            clEnqueueWriteBuffer(q, e->d_table, CL_FALSE, 0, e->ncfg * e->stride * row_bytes(e),
                                 e->dbl ? (void *)e->table64 : (void *)e->table, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(e->kernel, 9, sizeof first, &first));
    CLOPT_CL_CHECK(err, what, clSetKernelArg(e->kernel, 10, sizeof count, &count));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, e->kernel, 1, NULL, &global, &local, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what, clFinish(q));
    e->next += n;
    return CLOPT_OK;
fail:
    /* The table's write may be in flight: wait for it before the caller can free e. The
     * device state may be part-way through the slice: the exploration cannot go on. */
    clFinish(q);
    e->next = e->steps + 1;
    e->have_results = -1;
    return CLOPT_ECL;
}

int clopt_explore_finished(const clopt_exploration *e)
{
    return !e || e->next > e->steps;
}

uint64_t clopt_explore_progress(const clopt_exploration *e)
{
    if (!e) return 0;
    return e->next < e->steps ? e->next : e->steps;
}

size_t clopt_explore_maps(const clopt_exploration *e)
{
    return e ? e->nmaps : 0;
}

const char *clopt_explore_optimizer(const clopt_exploration *e, size_t m)
{
    return e && m < e->nmaps ? e->config[m] : NULL;
}

const char *clopt_explore_axis_name(const clopt_exploration *e, size_t a)
{
    return e && a < e->naxes ? e->axis_name[a] : NULL;
}

const double *clopt_explore_axis_values(const clopt_exploration *e, size_t a, size_t *n)
{
    if (n) *n = e && a < e->naxes ? e->nvalues[a] : 0;
    return e && a < e->naxes ? e->values[a] : NULL;
}

size_t clopt_explore_device_bytes(const clopt_exploration *e)
{
    return e ? e->device_bytes : 0;
}

/* The known minimum nearest (x, y) if within 1% of the view's width, else -1. */
static int32_t nearest_minimum(const clopt_exploration *e, double x, double y)
{
    /* within 1% of the view's width; a tie goes to the lower index (clopt functions' order) */
    int32_t best = -1;
    double best_d = 0.01 * e->width;
    for (size_t i = 0; i < e->info->nminima; i++) {
        const double d = hypot(x - e->info->minima[i].x, y - e->info->minima[i].y);
        if (best < 0 ? d <= best_d : d < best_d) {
            best = (int32_t)i;
            best_d = d;
        }
    }
    return best;
}

/* Reads every run's final fields back and arranges them map by map. */
static clopt_status read_results(clopt_exploration *e, clopt_error *err)
{
    const size_t rpad = e->rpad, runs = e->nmaps * e->per_map;
    const cl_command_queue q = e->ctx->queue;
    const char *what = "reading an exploration's results";
    const size_t es = e->esize;
    unsigned char *xy = malloc((e->auc ? 5 : 3) * rpad * es);
    cl_uint *st = malloc(2 * rpad * sizeof *st);
    clopt_status status = CLOPT_OK;
    if (!xy || !st) {
        status = clopt_error_set(err, CLOPT_ENOMEM, "out of memory reading %zu runs", runs);
        goto fail;
    }
    CLOPT_CL_CHECK(
        err, what,
        clEnqueueReadBuffer(q, e->d_state, CL_FALSE, 0, 2 * rpad * es, xy, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueReadBuffer(q, e->d_state, CL_FALSE, CLOPT_STATE_ROWS * rpad * es,
                                       rpad * es, xy + 2 * rpad * es, 0, NULL, NULL));
    if (e->auc)
        CLOPT_CL_CHECK(err, what,
                       clEnqueueReadBuffer(q, e->d_sums, CL_FALSE, 0, 2 * rpad * es,
                                           xy + 3 * rpad * es, 0, NULL, NULL));
    CLOPT_CL_CHECK(
        err, what,
        clEnqueueReadBuffer(q, e->d_steps, CL_TRUE, 0, 2 * rpad * sizeof *st, st, 0, NULL, NULL));
    for (size_t m = 0; m < e->nmaps; m++)
        for (size_t c = 0; c < e->per_map; c++) {
            const size_t g = m * e->per_map + c; /* its padded index: config block, offset */
            const size_t r = g / e->block * e->cpad + g % e->block, at = c;
            float *f = e->res_f + 3 * m * e->per_map;
            int32_t *n = e->res_i + 3 * m * e->per_map;
            const cl_uint cv = st[r], dv = st[rpad + r];
            const int alive = dv == CLOPT_ALIVE;
            const double px = alive ? get(e, xy, r) : NAN, py = alive ? get(e, xy, rpad + r) : NAN;
            const double pf = alive ? get(e, xy, 2 * rpad + r) : NAN;
            f[at] = (float)px;
            f[e->per_map + at] = (float)py;
            f[2 * e->per_map + at] = (float)pf;
            if (e->dbl) {
                double *d = e->res_d + 3 * m * e->per_map;
                d[at] = px;
                d[e->per_map + at] = py;
                d[2 * e->per_map + at] = pf;
            }
            /* A run computes on after it diverged: only a step before that counts. */
            n[at] = cv != CLOPT_ALIVE && (alive || cv < dv) ? (int32_t)cv : -1;
            n[e->per_map + at] = alive ? nearest_minimum(e, px, py) : -1;
            n[2 * e->per_map + at] = alive ? -1 : (int32_t)dv;
            if (e->auc) /* the sum and its compensation, as Kahan's sum ends */
                e->res_auc[g] =
                    alive ? (float)((get(e, xy, 3 * rpad + r) - get(e, xy, 4 * rpad + r)) /
                                    (double)(e->steps + 1))
                          : NAN;
        }
    free(xy);
    free(st);
    e->have_results = 1;
    return CLOPT_OK;
fail:
    clFinish(q); /* reads into xy may be in flight */
    free(xy);
    free(st);
    return clopt_fail_status(status);
}

clopt_status clopt_explore_map_get(clopt_exploration *e, size_t m, clopt_explore_map *out,
                                   clopt_error *err)
{
    clopt_error_clear(err);
    if (!e || !out)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_explore_map_get: %s is NULL",
                               !e ? "exploration" : "out");
    if (m >= e->nmaps)
        return clopt_error_set(err, CLOPT_EINVAL, "map %zu; the exploration has %zu", m, e->nmaps);
    if (e->have_results < 0)
        return clopt_error_set(err, CLOPT_ESTATE,
                               "the exploration failed part-way; it has no results");
    if (!clopt_explore_finished(e))
        return clopt_error_set(err, CLOPT_ESTATE,
                               "the exploration is at step %llu of %llu; results come once it "
                               "is finished",
                               (unsigned long long)clopt_explore_progress(e),
                               (unsigned long long)e->steps);
    if (!e->have_results) {
        const clopt_status st = read_results(e, err);
        if (st != CLOPT_OK) return st;
    }
    const size_t n = e->per_map;
    const float *f = e->res_f + 3 * m * n;
    const int32_t *i = e->res_i + 3 * m * n;
    const double *d = e->dbl ? e->res_d + 3 * m * n : NULL;
    *out = (clopt_explore_map){n,
                               f,
                               f + n,
                               f + 2 * n,
                               i,
                               i + n,
                               i + 2 * n,
                               e->auc ? e->res_auc + m * n : NULL,
                               d,
                               d ? d + n : NULL,
                               d ? d + 2 * n : NULL};
    return CLOPT_OK;
}
