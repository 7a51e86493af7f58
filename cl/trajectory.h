/*
 * Constants and launch arguments of the trajectory engine's kernels (cl/trajectory.cl,
 * record mode; cl/explore.cl, reduce mode) that the host also writes or reads
 * (src/engine.c). Both C and OpenCL C, like scalars.h, so the two sides cannot disagree.
 */
#ifndef CLOPT_TRAJECTORY_H
#define CLOPT_TRAJECTORY_H

/* The `diverged` entry of a trajectory that has not diverged. */
#define CLOPT_ALIVE 0xffffffffu

/*
 * The kinds table holds, per optimizer, its kind (cl/optimizers.h) in the low byte and the
 * number of state buffers it keeps in the next (its lean count: SGD without momentum, Adam
 * without amsgrad; state past it stays 0, as in the tensor path's lean kernels).
 */
#define CLOPT_KIND_MASK 0xffu
#define CLOPT_LIVE_SHIFT 8u

/*
 * Components per recorded point of a run with a schedule-free optimizer and without state:
 * x, y, f of the point (y, where gradients are taken) and of the average x.
 */
#define CLOPT_AVERAGE_COMPONENTS 6

/* Rows of the state buffer: x, y, then each state value for x and for y. */
#define CLOPT_STATE_ROWS (2 + 2 * CLOPT_MAX_STATE)

/*
 * A launch's constants, one struct passed by value as each engine kernel's first argument
 * (the buffers follow: kinds, table, state, flags, out), rather than twenty numbered
 * arguments. Record mode reads fn .. every, ncomp, key0, key1, noise; reduce mode fn ..
 * nsteps, nseeds, auc, noise, fstar, tol.
 *   fn      the test function (functions.cl)
 *   starts  record mode: the unpadded starts per optimizer (noise counters)
 *   cpad    a config's block of runs, padded to whole work-items
 *   ncfg    configs (the kinds table's and the scalar table's)
 *   pad     runs in all, padded: the row length of the state and out buffers
 *   nwork   work-items with runs; groups: groups of CLOPT_TW runs per work-item
 *   stride  the scalar table's rows per config
 *   first, count, nsteps  this launch's first step, its steps, the last step
 *   every, ncomp  record mode: record every `every` steps, ncomp components per point
 *   key0, key1, nseeds  the noise generator's key (record mode), seeds (reduce mode)
 *   auc     reduce mode: keep the sums of log10(f - f*) (tunings)
 *   noise, fstar, tol  the gradient noise; f* and the tolerance (reduce mode)
 * The unsigned fields come first and are an even count, so the elements are aligned in
 * float and in double alike, with no padding on either side.
 */
#define CLOPT_LAUNCH_UINTS(X)                                                                      \
    X(fn)                                                                                          \
    X(starts)                                                                                      \
    X(cpad)                                                                                        \
    X(ncfg)                                                                                        \
    X(pad)                                                                                         \
    X(nwork)                                                                                       \
    X(groups)                                                                                      \
    X(stride)                                                                                      \
    X(first)                                                                                       \
    X(count)                                                                                       \
    X(nsteps)                                                                                      \
    X(every)                                                                                       \
    X(ncomp)                                                                                       \
    X(key0)                                                                                        \
    X(key1)                                                                                        \
    X(nseeds)                                                                                      \
    X(auc)                                                                                         \
    X(unused)
#define CLOPT_LAUNCH_ELEMS(X) X(noise) X(fstar) X(tol)

#define CLOPT_LAUNCH_UINT(name) unsigned int name;
#ifdef __OPENCL_VERSION__
#define CLOPT_LAUNCH_ELEM(name) clopt_elem name;
typedef struct clopt_launch {
    CLOPT_LAUNCH_UINTS(CLOPT_LAUNCH_UINT)
    CLOPT_LAUNCH_ELEMS(CLOPT_LAUNCH_ELEM)
} clopt_launch;
#else
#define CLOPT_LAUNCH_FLOAT(name) float name;
#define CLOPT_LAUNCH_DOUBLE(name) double name;
typedef struct clopt_launch { /* the float programs' */
    CLOPT_LAUNCH_UINTS(CLOPT_LAUNCH_UINT)
    CLOPT_LAUNCH_ELEMS(CLOPT_LAUNCH_FLOAT)
} clopt_launch;
typedef struct clopt_launch64 { /* the double program's (CLOPT_DOUBLE) */
    CLOPT_LAUNCH_UINTS(CLOPT_LAUNCH_UINT)
    CLOPT_LAUNCH_ELEMS(CLOPT_LAUNCH_DOUBLE)
} clopt_launch64;
#endif

#endif
