/*
 * The trajectory engine's host side (engine.h): one launch shape, one slicing rule, one
 * scalar table and one launch for runs (record mode) and explorations (reduce mode).
 *
 * Per-step scalars come from clopt_schedule_scalars, the one place they are computed, a
 * slice at a time: the table holds [config][step in slice] and the slice shrinks as the
 * configs grow (TABLE_BYTES), so it costs configs x slice, not configs x steps. Scalars that
 * do not change need one row per config for the whole engine.
 */
#include "engine.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define TABLE_BYTES (16u << 20) /* caps the per-step scalar table of one slice */
#define OUT_BYTES (32u << 20)   /* caps the points per slice of record mode's output */
#define SLICE_STEPS 1024u       /* longest slice: keeps each launch short on GPUs */

static size_t round_up(size_t n, size_t m)
{
    return (n + m - 1) / m * m;
}

/* Points recorded at steps in [a, b): the multiples of every. */
static size_t rows_in(uint64_t a, uint64_t b, uint64_t every)
{
    const uint64_t first = (a + every - 1) / every, end = (b + every - 1) / every;
    return (size_t)(end - first);
}

size_t clopt_engine_row_bytes(const clopt_engine *g)
{
    return g->dbl ? sizeof(clopt_scalars64) : sizeof(clopt_scalars);
}

cl_uint clopt_engine_kind(const clopt_config *c)
{
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    return (cl_uint)c->info->kind | (cl_uint)live << CLOPT_LIVE_SHIFT;
}

void clopt_engine_shape(clopt_engine *g, size_t lanes, size_t ncfg, size_t block)
{
    const clopt_tuning *t = &g->ctx->tuning;
    const size_t fill = (block + lanes - 1) / lanes;
    g->ncfg = ncfg;
    g->block = block;
    g->groups = fill < t->groups ? fill : t->groups;
    g->cpad = round_up(block, lanes * g->groups);
    g->pad = ncfg * g->cpad;
    g->nwork = g->pad / (lanes * g->groups);
}

void clopt_engine_table_rows(clopt_engine *g, int constant)
{
    size_t rows = TABLE_BYTES / (g->ncfg * clopt_engine_row_bytes(g));
    rows = rows < 1 ? 1 : rows > SLICE_STEPS ? SLICE_STEPS : rows;
    if (rows > g->steps) rows = (size_t)g->steps;
    g->constant = constant;
    g->stride = constant ? 1 : rows;
    g->slice = constant ? SLICE_STEPS : rows;
}

void clopt_engine_record(clopt_engine *g, uint64_t every, size_t ncomp)
{
    /* The output holds one slice, and no more than the whole run needs: a short run does
     * not take 32 MiB of host and device memory. */
    g->every = every;
    g->ncomp = ncomp;
    g->max_rows = OUT_BYTES / (ncomp * g->pad * g->esize);
    g->max_rows = g->max_rows < 1 ? 1 : g->max_rows;
    if (g->max_rows > rows_in(0, g->steps + 1, every))
        g->max_rows = rows_in(0, g->steps + 1, every);
}

clopt_status clopt_engine_configs(clopt_engine *g, clopt_error *err)
{
    g->cfg = calloc(g->ncfg, sizeof *g->cfg);
    g->m_schedule = calloc(g->ncfg, sizeof *g->m_schedule);
    if (!g->cfg || !g->m_schedule)
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu optimizer configs",
                               g->ncfg);
    for (size_t c = 0; c < g->ncfg; c++)
        g->m_schedule[c] = clopt_running_start();
    return CLOPT_OK;
}

/* Element i of a state buffer of g's element type, written from a double. */
static void put(const clopt_engine *g, void *buf, size_t i, double v)
{
    if (g->dbl)
        ((double *)buf)[i] = v;
    else
        ((float *)buf)[i] = (float)v;
}

/* The buffers' initial contents: starts, zero state, live flags, the kinds. */
static clopt_status create_buffers(clopt_engine *g, clopt_engine_start_fn *start, const void *data,
                                   size_t state_rows, size_t flag_rows, size_t sums,
                                   clopt_error *err)
{
    cl_context cl = g->ctx->cl;
    cl_int rc;
    const char *what = "allocating trajectories on the device";
    const size_t pad = g->pad, es = g->esize;
    const size_t out_bytes = g->every ? g->max_rows * g->ncomp * pad * es : sums * es;
    void *state = calloc(state_rows * pad + sums, es); /* then the zero sums */
    cl_uint *flags = malloc(flag_rows * pad * sizeof *flags);
    cl_uint *kinds = malloc(g->ncfg * sizeof *kinds);
    clopt_status st = CLOPT_OK;
    g->table = malloc(g->ncfg * g->stride * clopt_engine_row_bytes(g));
    if (g->every) g->out = malloc(out_bytes);
    if (!state || !flags || !kinds || !g->table || (g->every && !g->out)) {
        st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating %zu trajectories",
                             g->ncfg * g->block);
        goto fail;
    }
    for (size_t r = 0; r < pad; r++) {
        const size_t c = r / g->cpad, i = r - c * g->cpad; /* padding repeats the last */
        double xy[2];
        start(data, c * g->block + (i < g->block ? i : g->block - 1), xy);
        for (size_t a = 0; a < 2; a++)
            put(g, state, a * pad + r, xy[a]);
    }
    for (size_t i = 0; i < flag_rows * pad; i++)
        flags[i] = CLOPT_ALIVE;
    for (size_t c = 0; c < g->ncfg; c++)
        kinds[c] = clopt_engine_kind(&g->cfg[c]);
    const cl_mem_flags rw = CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR;
    g->d_kinds = clCreateBuffer(cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                g->ncfg * sizeof *kinds, kinds, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    g->d_state = clCreateBuffer(cl, rw, state_rows * pad * es, state, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    g->d_flags = clCreateBuffer(cl, rw, flag_rows * pad * sizeof *flags, flags, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    g->d_table = clCreateBuffer(cl, CL_MEM_READ_ONLY,
                                g->ncfg * g->stride * clopt_engine_row_bytes(g), NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    g->d_out = g->every ? clCreateBuffer(cl, CL_MEM_WRITE_ONLY, out_bytes, NULL, &rc)
                        : clCreateBuffer(cl, rw, out_bytes,
                                         (unsigned char *)state + state_rows * pad * es, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    if (g->every) {
        g->flags = flags; /* record mode keeps the host copy of the flags */
        flags = NULL;
    }
    goto done;
fail:
    st = clopt_fail_status(st);
done:
    free(state);
    free(flags);
    free(kinds);
    return st;
}

clopt_status clopt_engine_create(clopt_engine *g, clopt_engine_start_fn *start, const void *data,
                                 size_t state_rows, size_t flag_rows, size_t sums,
                                 cl_program program, const char *name, clopt_error *err)
{
    const clopt_status st = create_buffers(g, start, data, state_rows, flag_rows, sums, err);
    if (st != CLOPT_OK) return st;
    cl_int rc;
    g->kernel = clCreateKernel(program, name, &rc);
    CLOPT_CL_CHECK_RC(err, "creating the trajectory engine's kernel", "clCreateKernel", rc);
    cl_command_queue_properties props = 0;
    CLOPT_CL_CHECK(
        err, "inspecting the command queue",
        clGetCommandQueueInfo(g->ctx->queue, CL_QUEUE_PROPERTIES, sizeof props, &props, NULL));
    g->profile = (props & CL_QUEUE_PROFILING_ENABLE) != 0;
    const cl_mem mems[] = {g->d_kinds, g->d_table, g->d_state, g->d_flags, g->d_out};
    for (cl_uint i = 0; i < sizeof mems / sizeof mems[0]; i++)
        CLOPT_CL_CHECK(err, "binding the trajectory engine's kernel",
                       clSetKernelArg(g->kernel, 1 + i, sizeof(cl_mem), &mems[i]));
    g->launch.ncfg = (cl_uint)g->ncfg;
    g->launch.cpad = (cl_uint)g->cpad;
    g->launch.pad = (cl_uint)g->pad;
    g->launch.nwork = (cl_uint)g->nwork;
    g->launch.groups = (cl_uint)g->groups;
    g->launch.stride = (cl_uint)g->stride;
    g->launch.nsteps = (cl_uint)g->steps;
    g->launch.every = (cl_uint)g->every;
    g->launch.ncomp = (cl_uint)g->ncomp;
    return CLOPT_OK;
fail:
    return CLOPT_ECL;
}

/* The steps to evaluate in the next slice: at most max_steps updates, table and output. */
static uint64_t slice_length(const clopt_engine *g, uint64_t max_steps)
{
    const uint64_t left = g->steps - (g->next < g->steps ? g->next : g->steps);
    uint64_t n = left < g->slice ? left : g->slice;
    if (max_steps && n > max_steps) n = max_steps;
    if (g->every && n > g->max_rows * g->every) n = g->max_rows * g->every;
    if (g->next + n == g->steps &&
        (!g->every || rows_in(g->next, g->next + n + 1, g->every) <= g->max_rows))
        n++;  /* the evaluation of the last point rides along with the last updates */
    return n; /* >= 1: with no updates left, n is that last evaluation */
}

/* This slice's scalars, config by config; `constant` ones are written once. */
static uint64_t fill_table(clopt_engine *g, uint64_t updates)
{
    const uint64_t rows = g->constant ? (g->next == 0) : updates;
    for (size_t c = 0; c < g->ncfg; c++) {
        clopt_running m = g->m_schedule[c];
        for (uint64_t i = 0; i < rows; i++)
            m = g->dbl ? clopt_schedule_scalars64(&g->cfg[c], g->next + i, m,
                                                  (clopt_scalars64 *)g->table + c * g->stride + i)
                       : clopt_schedule_scalars(&g->cfg[c], g->next + i, m,
                                                (clopt_scalars *)g->table + c * g->stride + i);
        g->m_schedule[c] = m;
    }
    return rows;
}

/*
 * The launch constants for steps [first, first + count) in the program's element type:
 * g->launch itself (double), or its float copy in *l. Returns the bytes to pass.
 */
static size_t launch_arg(clopt_engine *g, cl_uint first, cl_uint count, clopt_launch *l,
                         const void **arg)
{
    g->launch.first = first;
    g->launch.count = count;
    if (g->dbl) {
        *arg = &g->launch;
        return sizeof g->launch;
    }
#define COPY_UINT(name) l->name = g->launch.name;
#define COPY_ELEM(name) l->name = (float)g->launch.name;
    CLOPT_LAUNCH_UINTS(COPY_UINT)
    CLOPT_LAUNCH_ELEMS(COPY_ELEM)
#undef COPY_UINT
#undef COPY_ELEM
    *arg = l;
    return sizeof *l;
}

/* The event of a command where the queue profiles (its slot in ev), else none. */
static cl_event *profiled(const clopt_engine *g, cl_event *ev)
{
    return g->profile ? ev : NULL;
}

/*
 * Adds the device time of the finished commands ev[0 .. n) to *sum and releases their
 * events (unset ones skipped). Best effort: a device that gives no time adds nothing, and
 * the result of the commands does not depend on it.
 */
static void add_times(cl_event *ev, size_t n, double *sum)
{
    for (size_t i = 0; i < n; i++) {
        if (!ev[i]) continue;
        cl_ulong a = 0, b = 0;
        if (clGetEventProfilingInfo(ev[i], CL_PROFILING_COMMAND_START, sizeof a, &a, NULL) ==
                CL_SUCCESS &&
            clGetEventProfilingInfo(ev[i], CL_PROFILING_COMMAND_END, sizeof b, &b, NULL) ==
                CL_SUCCESS &&
            b > a)
            *sum += (double)(b - a) * 1e-9;
        clReleaseEvent(ev[i]);
        ev[i] = NULL;
    }
}

clopt_status clopt_engine_advance(clopt_engine *g, uint64_t max_steps, uint64_t *first,
                                  size_t *rows, clopt_error *err)
{
    *first = g->next;
    *rows = 0;
    const uint64_t n = slice_length(g, max_steps);
    const uint64_t updates = g->next + n <= g->steps ? n : g->steps - g->next;
    const uint64_t table_rows = fill_table(g, updates);
    const cl_command_queue q = g->ctx->queue;
    const size_t local = g->ctx->tuning.trajectory_wgs;
    const size_t global = round_up(g->nwork, local);
    const size_t pad = g->pad;
    const char *what = "computing a slice of trajectories";
    cl_event kernel = NULL, moves[3] = {NULL}; /* the table's write, the two reads */
    if (table_rows)
        CLOPT_CL_CHECK(err, what,
                       clEnqueueWriteBuffer(q, g->d_table, CL_FALSE, 0,
                                            g->ncfg * g->stride * clopt_engine_row_bytes(g),
                                            g->table, 0, NULL, profiled(g, &moves[0])));
    clopt_launch l;
    const void *arg;
    const size_t bytes = launch_arg(g, (cl_uint)g->next, (cl_uint)n, &l, &arg);
    CLOPT_CL_CHECK(err, what, clSetKernelArg(g->kernel, 0, bytes, arg));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, g->kernel, 1, NULL, &global, &local, 0, NULL,
                                          profiled(g, &kernel)));
    if (g->every) {
        *rows = rows_in(g->next, g->next + n, g->every);
        CLOPT_CL_CHECK(err, what,
                       clEnqueueReadBuffer(q, g->d_flags, CL_FALSE, 0, pad * sizeof *g->flags,
                                           g->flags, 0, NULL, profiled(g, &moves[1])));
        if (*rows)
            CLOPT_CL_CHECK(err, what,
                           clEnqueueReadBuffer(q, g->d_out, CL_FALSE, 0,
                                               *rows * g->ncomp * pad * g->esize, g->out, 0, NULL,
                                               profiled(g, &moves[2])));
    }
    CLOPT_CL_CHECK(err, what, clFinish(q));
    add_times(&kernel, 1, &g->times.kernel);
    add_times(moves, 3, &g->times.transfers);
    g->next += n;
    return CLOPT_OK;
fail:
    /* The table's write and the reads may be in flight: wait for them before the caller can
     * free the engine. The device state may be part-way through the slice: no going on. */
    clFinish(q);
    add_times(&kernel, 1, &g->times.kernel);
    add_times(moves, 3, &g->times.transfers);
    g->next = g->steps + 1;
    return CLOPT_ECL;
}

clopt_status clopt_engine_read_back(clopt_engine *g, const clopt_engine_read *reads, size_t n,
                                    const char *what, clopt_error *err)
{
    const cl_command_queue q = g->ctx->queue;
    cl_event ev[CLOPT_ENGINE_READS] = {NULL};
    if (n > CLOPT_ENGINE_READS)
        return clopt_error_set(err, CLOPT_EINVAL, "%s: %zu reads; expected at most %d", what, n,
                               CLOPT_ENGINE_READS);
    for (size_t i = 0; i < n; i++)
        CLOPT_CL_CHECK(err, what,
                       clEnqueueReadBuffer(q, reads[i].buffer, CL_FALSE, reads[i].offset,
                                           reads[i].bytes, reads[i].to, 0, NULL,
                                           profiled(g, &ev[i])));
    CLOPT_CL_CHECK(err, what, clFinish(q));
    add_times(ev, n, &g->times.transfers);
    return CLOPT_OK;
fail:
    clFinish(q); /* reads may be in flight */
    add_times(ev, n, &g->times.transfers);
    return CLOPT_ECL;
}

int clopt_engine_finished(const clopt_engine *g)
{
    return g->next > g->steps;
}

uint64_t clopt_engine_progress(const clopt_engine *g)
{
    return g->next < g->steps ? g->next : g->steps;
}

clopt_status clopt_engine_warm(clopt_context *ctx, cl_program program, int dbl, const char *name,
                               clopt_error *err)
{
    const char *what = "preparing the trajectory engine's kernel";
    cl_int rc;
    cl_command_queue q = NULL;
    cl_kernel kernel = NULL;
    cl_mem none = NULL;
    clopt_launch64 launch = {0}; /* nwork 0: every work-item returns at once */
    clopt_launch l = {0};
    cl_uint nargs = 0;
    const size_t local = ctx->tuning.trajectory_wgs, global = local;
    clopt_status st = CLOPT_OK;
    q = clCreateCommandQueue(ctx->cl, ctx->device, 0, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateCommandQueue", rc);
    kernel = clCreateKernel(program, name, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateKernel", rc);
    none = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, 64, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, what, "clCreateBuffer", rc);
    CLOPT_CL_CHECK(err, what,
                   clGetKernelInfo(kernel, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, NULL));
    const size_t bytes = dbl ? sizeof launch : sizeof l;
    const void *arg = dbl ? (const void *)&launch : (const void *)&l;
    CLOPT_CL_CHECK(err, what, clSetKernelArg(kernel, 0, bytes, arg));
    for (cl_uint i = 1; i < nargs; i++)
        CLOPT_CL_CHECK(err, what, clSetKernelArg(kernel, i, sizeof none, &none));
    CLOPT_CL_CHECK(err, what,
                   clEnqueueNDRangeKernel(q, kernel, 1, NULL, &global, &local, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, what, clFinish(q));
    goto done;
fail:
    st = CLOPT_ECL;
done:
    if (none) clReleaseMemObject(none);
    if (kernel) clReleaseKernel(kernel);
    if (q) clReleaseCommandQueue(q);
    return st;
}

void clopt_engine_release(clopt_engine *g)
{
    const cl_mem mems[] = {g->d_kinds, g->d_table, g->d_state, g->d_flags, g->d_out};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
        if (mems[i]) clReleaseMemObject(mems[i]);
    if (g->kernel) clReleaseKernel(g->kernel);
    free(g->cfg);
    free(g->m_schedule);
    free(g->table);
    free(g->flags);
    free(g->out);
}
