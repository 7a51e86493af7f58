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
#include "context.h"
#include "engine.h"
#include "error.h"
#include "explore.h"
#include "functions.h"
#include "spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STATE_ROWS (CLOPT_STATE_ROWS + 1) /* the trajectory kernel's rows, then f */

struct clopt_exploration {
    clopt_engine g; /* configs: K optimizers, or the sweep's values (x seeds) */
    clopt_explore_kind kind;
    const clopt_explore_options *o; /* while creating: the options, for the starts */
    const clopt_function_info *info;
    size_t nmaps, per_map; /* maps; runs per map */
    size_t nseeds;         /* a tuning's noise seeds (1 otherwise) */
    int auc;               /* sums per run in the engine's out buffer (tunings that ask) */
    double width;          /* the view's width: "near a minimum" is 1% of it */
    char **config;         /* nmaps get_config JSON texts */
    char *axis_name[2];
    double *values[2];
    size_t nvalues[2], naxes;
    float *res_f;     /* [map][component x, y, f][run] */
    double *res_d;    /* precision double: res_f's layout, unrounded */
    int32_t *res_i;   /* [map][component converged_at, minimum, diverged_at][run] */
    float *res_auc;   /* [run], tunings with auc */
    int have_results; /* read back from the device */
    size_t device_bytes;
};

/* Element i of a state buffer of e's element type, read as a double. */
static double get(const clopt_exploration *e, const void *buf, size_t i)
{
    return e->g.dbl ? ((const double *)buf)[i] : (double)((const float *)buf)[i];
}

void clopt_explore_release(clopt_exploration *e)
{
    if (!e) return;
    clopt_engine_release(&e->g);
    if (e->config)
        for (size_t m = 0; m < e->nmaps; m++)
            free(e->config[m]);
    for (size_t a = 0; a < 2; a++) {
        free(e->axis_name[a]);
        free(e->values[a]);
    }
    free(e->config);
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
    clopt_config *cfg = e->g.cfg;
    if (e->kind == CLOPT_EXPLORE_BASINS) {
        for (size_t k = 0; k < e->g.ncfg; k++)
            clopt_spec_parse(o->optimizers[k], &cfg[k], NULL); /* checked already */
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
        for (size_t r = 0; r < e->g.ncfg; r++) {
            const size_t v = r / e->nseeds;
            cfg[r] = *base; /* every value checked already (explore_options.c) */
            clopt_config_put_setting(&cfg[r], params[0], e->values[0][v % n0]);
            if (e->naxes == 2) clopt_config_put_setting(&cfg[r], params[1], e->values[1][v / n0]);
        }
    }
    for (size_t m = 0; m < e->nmaps; m++)
        if (!(e->config[m] = clopt_config_json(e->kind == CLOPT_EXPLORE_BASINS ? &cfg[m] : base)))
            return clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating an exploration");
    return CLOPT_OK;
}

/* Run r's start (r: a config's block, then the run in it): a grid point, a start of the
 * list, or the one start of a sweep. */
static void start_of(const void *data, size_t r, double xy[2])
{
    const clopt_exploration *e = data;
    const clopt_explore_options *o = e->o;
    const double *view = o->view ? o->view : e->info->view;
    const double *start = o->start ? o->start : e->info->start;
    const size_t c = r % e->g.block;
    xy[0] = start[0];
    xy[1] = start[1];
    if (e->kind == CLOPT_EXPLORE_BASINS) {
        const size_t i = c % o->nx, j = c / o->nx;
        xy[0] = view[0] + (double)i * (view[1] - view[0]) / (double)(o->nx - 1);
        xy[1] = view[2] + (double)j * (view[3] - view[2]) / (double)(o->ny - 1);
    } else if (e->kind == CLOPT_EXPLORE_TUNE) {
        xy[0] = o->starts[2 * c];
        xy[1] = o->starts[2 * c + 1];
    }
}

/* The engine's kernel, with f*, the tolerance and the noise; every run at its start. */
static clopt_status create_engine(clopt_exploration *e, double fstar, double tol, clopt_error *err)
{
    const int sweep = e->kind == CLOPT_EXPLORE_SWEEP;
    cl_program program = e->g.ctx->program;
    clopt_status st = CLOPT_OK;
    if (e->g.dbl)
        st = clopt_context_double_program(e->g.ctx, &program, err);
    else if (sweep)
        st = clopt_context_scalar_program(e->g.ctx, &program, err);
    if (st != CLOPT_OK) return st;
    clopt_launch64 *l = &e->g.launch;
    l->fn = clopt_function_id(e->info);
    l->nseeds = (cl_uint)e->nseeds;
    l->auc = (cl_uint)e->auc;
    l->fstar = fstar;
    l->tol = tol;
    const size_t sums = e->auc ? 2 * e->g.pad : 1; /* one element when unused */
    st = clopt_engine_create(&e->g, start_of, e, STATE_ROWS, 2, sums, program,
                             sweep ? "clopt_explore_sweep" : "clopt_explore_basins", err);
    const size_t es = e->g.esize;
    e->device_bytes = e->g.ncfg * (sizeof(cl_uint) + e->g.stride * clopt_engine_row_bytes(&e->g)) +
                      e->g.pad * (STATE_ROWS * es + 2 * sizeof(cl_uint)) + sums * es;
    return st;
}

/* The table's rows per config and the slice, for e's configs. */
static void table_shape(clopt_exploration *e)
{
    int constant = 1;
    for (size_t c = 0; c < e->g.ncfg && constant; c++)
        constant = clopt_schedule_constant(&e->g.cfg[c]);
    clopt_engine_table_rows(&e->g, constant);
}

/* Runs, configs and the launch shape (see cl/explore.cl), from checked options. */
static void shape(clopt_exploration *e, const clopt_explore_options *o)
{
    clopt_engine *g = &e->g;
    const clopt_tuning *t = &g->ctx->tuning;
    const size_t lanes = g->dbl ? 1 : t->lanes; /* the double program has CLOPT_TW 1 */
    e->nseeds = 1;
    g->steps = o->steps;
    if (e->kind == CLOPT_EXPLORE_SWEEP) { /* one run per group: the scalar program */
        e->naxes = o->naxes;
        e->nmaps = 1;
        e->per_map = g->ncfg = o->axes[0].n * (o->naxes == 2 ? o->axes[1].n : 1);
        g->block = 1;
        g->groups = e->per_map < t->groups ? e->per_map : t->groups;
        g->cpad = 1;
        g->pad = (e->per_map + g->groups - 1) / g->groups * g->groups;
        g->nwork = g->pad / g->groups;
        return;
    }
    if (e->kind == CLOPT_EXPLORE_BASINS) {
        e->nmaps = o->noptimizers;
        e->per_map = o->nx * o->ny;
        clopt_engine_shape(g, lanes, o->noptimizers, e->per_map);
        return;
    }
    /* a tuning: one map of value x seed configs, each a block of the starts */
    e->naxes = o->naxes;
    e->nseeds = o->nseeds;
    g->launch.noise = o->noise;
    e->auc = o->auc != 0;
    e->nmaps = 1;
    clopt_engine_shape(g, lanes, o->axes[0].n * (o->naxes == 2 ? o->axes[1].n : 1) * o->nseeds,
                       o->nstarts);
    e->per_map = g->ncfg * g->block;
}
/*
 * What clopt_explore_create and clopt_explore_map_get allocate for e's shape: on the host
 * the configs, schedules, config texts (1 KiB each at most), axis values, scalar table and
 * results, plus the larger of the two staging copies (the initial state, the read-back);
 * on the device the kinds, table, state and steps.
 */
static void plan_bytes(const clopt_exploration *e, size_t *host, size_t *device)
{
    const clopt_engine *g = &e->g;
    const size_t runs = e->nmaps * e->per_map, rpad = g->pad;
    const size_t table = g->ncfg * g->stride * clopt_engine_row_bytes(g), es = g->esize;
    size_t values = 0;
    for (size_t a = 0; a < e->naxes; a++)
        values += e->nvalues[a] * sizeof(double) + 64;
    const size_t staging_in =
        STATE_ROWS * rpad * es + 2 * rpad * sizeof(cl_uint) + g->ncfg * sizeof(cl_uint);
    const size_t staging_out = (e->auc ? 5 : 3) * rpad * es + 2 * rpad * sizeof(cl_uint);
    *host = sizeof *e + g->ncfg * (sizeof(clopt_config) + sizeof(clopt_running)) +
            e->nmaps * (sizeof(char *) + 1024) + values + 3 * runs * sizeof(float) +
            3 * runs * sizeof(int32_t) + (g->dbl ? 3 * runs * sizeof(double) : 0) + table +
            (staging_in > staging_out ? staging_in : staging_out);
    *device = g->ncfg * sizeof(cl_uint) + table + rpad * (STATE_ROWS * es + 2 * sizeof(cl_uint)) +
              (e->auc ? 2 * rpad : 1) * es; /* a tuning's sums */
}

/* An exploration's kind, precision and shape, from checked options; nothing allocated. */
static void start_exploration(clopt_exploration *e, clopt_context *ctx,
                              const clopt_explore_options *o)
{
    e->g.ctx = ctx;
    e->g.dbl = o->precision == CLOPT_PRECISION_DOUBLE;
    e->g.esize = e->g.dbl ? sizeof(double) : sizeof(float);
    e->kind = o->kind;
    shape(e, o);
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
    start_exploration(&e, ctx, o);
    int constant = 1;
    if (e.kind == CLOPT_EXPLORE_BASINS)
        for (size_t k = 0; k < e.g.ncfg && constant; k++) {
            clopt_spec_parse(o->optimizers[k], &c, NULL); /* checked already */
            constant = clopt_schedule_constant(&c);
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
        for (size_t r = 0; r < e.g.ncfg && constant; r++) {
            const size_t v = r / e.nseeds;
            clopt_config_put_setting(&c, params[0], values[0][v % n0]);
            if (e.naxes == 2) clopt_config_put_setting(&c, params[1], values[1][v / n0]);
            constant = clopt_schedule_constant(&c);
        }
        free(values[0]);
        free(values[1]);
    }
    clopt_engine_table_rows(&e.g, constant);
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
    start_exploration(e, ctx, o);
    e->info = clopt_function_find(o->function, NULL);
    const double *view = o->view && e->kind == CLOPT_EXPLORE_BASINS ? o->view : e->info->view;
    e->width = view[1] - view[0];
    const size_t runs = e->nmaps * e->per_map;
    e->config = calloc(e->nmaps, sizeof *e->config);
    e->res_f = malloc(3 * runs * sizeof *e->res_f);
    e->res_i = malloc(3 * runs * sizeof *e->res_i);
    e->res_auc = e->auc ? malloc(runs * sizeof *e->res_auc) : NULL;
    e->res_d = e->g.dbl ? malloc(3 * runs * sizeof *e->res_d) : NULL;
    if (!e->config || !e->res_f || !e->res_i || (e->auc && !e->res_auc) ||
        (e->g.dbl && !e->res_d)) {
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating %zu runs", runs);
        goto fail;
    }
    if (clopt_engine_configs(&e->g, err) != CLOPT_OK ||
        make_configs(e, o, &base, params, err) != CLOPT_OK)
        goto fail;
    table_shape(e);
    /* f* and the tolerance; none for a function without a minimum (never converges). */
    const double fstar = e->info->nminima ? e->info->minima[0].f : 0.0;
    const double tol = e->info->nminima ? o->tol * fmax(1.0, fabs(fstar)) : -1.0;
    e->o = o;
    const clopt_status st = create_engine(e, fstar, tol, err);
    e->o = NULL; /* the caller's; not kept */
    if (st != CLOPT_OK) goto fail;
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
    uint64_t first;
    size_t rows;
    const clopt_status st = clopt_engine_advance(&e->g, max_steps, &first, &rows, err);
    if (st != CLOPT_OK) e->have_results = -1;
    return st;
}

clopt_engine_times clopt_explore_times(const clopt_exploration *e)
{
    return e->g.times;
}

int clopt_explore_finished(const clopt_exploration *e)
{
    return !e || clopt_engine_finished(&e->g);
}

uint64_t clopt_explore_progress(const clopt_exploration *e)
{
    return e ? clopt_engine_progress(&e->g) : 0;
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
    const clopt_engine *eng = &e->g;
    const size_t rpad = eng->pad, runs = e->nmaps * e->per_map, es = eng->esize;
    unsigned char *xy = malloc((e->auc ? 5 : 3) * rpad * es);
    cl_uint *st = malloc(2 * rpad * sizeof *st);
    clopt_status status = CLOPT_OK;
    if (!xy || !st) {
        status = clopt_error_set(err, CLOPT_ENOMEM, "out of memory reading %zu runs", runs);
        goto fail;
    }
    /* x, y, f (the state's rows 0, 1 and CLOPT_STATE_ROWS), the sums, the steps */
    const clopt_engine_read reads[] = {
        {eng->d_state, 0, 2 * rpad * es, xy},
        {eng->d_state, CLOPT_STATE_ROWS * rpad * es, rpad * es, xy + 2 * rpad * es},
        {eng->d_flags, 0, 2 * rpad * sizeof *st, st},
        {eng->d_out, 0, 2 * rpad * es, xy + 3 * rpad * es},
    };
    status = clopt_engine_read_back(&e->g, reads, e->auc ? 4 : 3,
                                    "reading an exploration's results", err);
    if (status != CLOPT_OK) goto fail;
    for (size_t m = 0; m < e->nmaps; m++)
        for (size_t c = 0; c < e->per_map; c++) {
            const size_t g = m * e->per_map + c; /* its padded index: config block, offset */
            const size_t r = g / eng->block * eng->cpad + g % eng->block, at = c;
            float *f = e->res_f + 3 * m * e->per_map;
            int32_t *n = e->res_i + 3 * m * e->per_map;
            const cl_uint cv = st[r], dv = st[rpad + r];
            const int alive = dv == CLOPT_ALIVE;
            const double px = alive ? get(e, xy, r) : NAN, py = alive ? get(e, xy, rpad + r) : NAN;
            const double pf = alive ? get(e, xy, 2 * rpad + r) : NAN;
            f[at] = (float)px;
            f[e->per_map + at] = (float)py;
            f[2 * e->per_map + at] = (float)pf;
            if (eng->dbl) {
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
                                    (double)(eng->steps + 1))
                          : NAN;
        }
    free(xy);
    free(st);
    e->have_results = 1;
    return CLOPT_OK;
fail:
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
                               (unsigned long long)e->g.steps);
    if (!e->have_results) {
        const clopt_status st = read_results(e, err);
        if (st != CLOPT_OK) return st;
    }
    const size_t n = e->per_map;
    const float *f = e->res_f + 3 * m * n;
    const int32_t *i = e->res_i + 3 * m * n;
    const double *d = e->g.dbl ? e->res_d + 3 * m * n : NULL;
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
