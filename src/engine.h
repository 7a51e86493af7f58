/*
 * The trajectory engine's host side, under runs (src/run.c, record mode: every slice's
 * recorded points come back) and explorations (src/explore.c, reduce mode: only the final
 * fields come back, once). One place for the launch shape, the slices, the per-step scalar
 * tables, the buffers, the launch, the advance and the read-back; the kernels
 * (cl/trajectory.cl, cl/explore.cl) take the same arguments: a clopt_launch
 * (cl/trajectory.h) and the buffers kinds, table, state, flags, out.
 *
 * Buffers, for `pad` runs: state, state_rows rows of pad elements (x and y first); flags,
 * flag_rows rows of pad uints, CLOPT_ALIVE to begin with (diverged_at; reduce mode:
 * converged_at, diverged_at); out, the recorded points (record mode) or the zeroed sums
 * (reduce mode).
 */
#ifndef CLOPT_ENGINE_H
#define CLOPT_ENGINE_H

#include "../cl/trajectory.h"
#include "config.h"
#include "context.h"
#include "schedule.h"

#include <stdint.h>

/* Record mode's kernel (runs); reduce mode's are explore.cl's clopt_explore_basins and
 * clopt_explore_sweep. */
#define CLOPT_TRAJECTORY_KERNEL "clopt_trajectories"

/*
 * Device time of the engine's commands so far, in seconds, where its queue profiles
 * (CL_QUEUE_PROFILING_ENABLE, as `clopt bench`'s does): the kernel's launches and the
 * transfers (the scalar tables' writes, record mode's reads, the final read-back). The rest
 * of a caller's wall time is the host's: the tables, the records' gathering, launch and wait
 * latencies. All zero on a queue that does not profile.
 */
typedef struct clopt_engine_times {
    double kernel, transfers;
} clopt_engine_times;

typedef struct clopt_engine {
    clopt_context *ctx;
    int dbl;      /* the double program: 8-byte elements and scalar rows */
    size_t esize; /* bytes of a state element: 4 (float) or 8 (double) */
    /* launch shape: ncfg configs of `block` runs, each block padded to cpad */
    size_t ncfg, block, cpad, pad, nwork, groups;
    size_t stride;             /* the table's rows per config (1: one for every step) */
    size_t slice;              /* most updates per slice */
    int constant;              /* every config's scalars are the same at every step */
    uint64_t steps, next;      /* next: the next step to evaluate, 0 .. steps + 1 */
    uint64_t every;            /* record mode: record every `every` steps (0: reduce) */
    size_t ncomp, max_rows;    /* record mode: components per point, rows per slice */
    clopt_launch64 launch;     /* constants; elements converted for a float program */
    clopt_config *cfg;         /* ncfg configs, filled by the caller */
    clopt_running *m_schedule; /* each config's running scalars */
    void *table;               /* one slice's scalars: clopt_scalars or clopt_scalars64 */
    cl_uint *flags;            /* record mode: the flags after the last slice */
    void *out;                 /* record mode: the last slice's points, as the device's */
    cl_mem d_kinds, d_table, d_state, d_flags, d_out;
    cl_kernel kernel;
    int profile; /* the queue profiles: times are summed */
    clopt_engine_times times;
} clopt_engine;

/* A config's entry in the kinds table: its kind and the state it keeps (trajectory.h). */
cl_uint clopt_engine_kind(const clopt_config *c);

/*
 * The shape of ncfg configs of `block` runs each, `lanes` runs to a group (the program's
 * CLOPT_TW): as many groups per work-item as the tuning allows, but no more than a block
 * fills (a lone start runs one group, not a padded block).
 */
void clopt_engine_shape(clopt_engine *g, size_t lanes, size_t ncfg, size_t block);

/* The table's rows per config and the slice (TABLE_BYTES); `constant` scalars need one. */
void clopt_engine_table_rows(clopt_engine *g, int constant);

/* Bytes of one row of the per-step scalar table: clopt_scalars, or clopt_scalars64. */
size_t clopt_engine_row_bytes(const clopt_engine *g);

/* Record mode: points of ncomp components every `every` steps (after shape and rows). */
void clopt_engine_record(clopt_engine *g, uint64_t every, size_t ncomp);

/* The ncfg configs and their running scalars (steps 0), for the caller to fill. */
clopt_status clopt_engine_configs(clopt_engine *g, clopt_error *err);

/* Run r's start: (x, y) in double, rounded to the element type on the device. */
typedef void clopt_engine_start_fn(const void *data, size_t r, double xy[2]);

/*
 * The host table and the device buffers: every run at start(data, r), the rest of its
 * state_rows zero, its flag_rows flags CLOPT_ALIVE; in reduce mode out is `sums` zeroed
 * elements. Then the kernel `name` of `program` (the kernel holds its own reference).
 */
clopt_status clopt_engine_create(clopt_engine *g, clopt_engine_start_fn *start, const void *data,
                                 size_t state_rows, size_t flag_rows, size_t sums,
                                 cl_program program, const char *name, clopt_error *err);

/*
 * Computes the next slice: at most max_steps updates (0: no limit), the evaluation of the
 * last point riding along with the last updates. Record mode reads the flags and the
 * slice's points back (*rows of them, from the step *first evaluated). A failure leaves the
 * engine finished: its device state may be part-way through the slice.
 */
clopt_status clopt_engine_advance(clopt_engine *g, uint64_t max_steps, uint64_t *first,
                                  size_t *rows, clopt_error *err);

/* Reads n (<= CLOPT_ENGINE_READS) buffers' ranges back (waits for all of them). */
#define CLOPT_ENGINE_READS 4
typedef struct clopt_engine_read {
    cl_mem buffer;
    size_t offset, bytes;
    void *to;
} clopt_engine_read;
clopt_status clopt_engine_read_back(clopt_engine *g, const clopt_engine_read *reads, size_t n,
                                    const char *what, clopt_error *err);

int clopt_engine_finished(const clopt_engine *g);
uint64_t clopt_engine_progress(const clopt_engine *g);

/*
 * Has the device generate the code of kernel `name` of `program` (dbl: the double program),
 * one of the engine's kernels (a clopt_launch, then buffers), with one empty launch (nwork
 * 0) of one work-group of the engine's size on a queue of its own. PoCL generates a
 * kernel's code at its first launch, 0.3 to 0.9 s for an expression's program, and keeps it
 * on disk, where later launches of any width up to 65,534 work-groups find it: a caller
 * that shares the device, as the server's job workers do, has it done before the job holds
 * anything. (PoCL's own threads do the work, and other launches that begin meanwhile wait
 * for it: measured 0.3 s for a short run beside it.)
 */
clopt_status clopt_engine_warm(clopt_context *ctx, cl_program program, int dbl, const char *name,
                               clopt_error *err);

/* Releases what the engine holds (not g itself); a zeroed engine is a no-op. */
void clopt_engine_release(clopt_engine *g);

#endif
