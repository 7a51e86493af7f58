/*
 * clopt: the Keras 1.x optimizers (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam)
 * as OpenCL kernels, on any OpenCL 1.2 device.
 *
 * A trainer keeps its parameters and gradients in its own cl_mem buffers, adds them to an
 * optimizer once, and calls clopt_optimizer_step() after each backward pass; the update
 * runs on the device. Update rules, names and defaults are those of Keras 1.2.
 *
 * Errors: every fallible call returns a clopt_status (or NULL) and, when `err` is not NULL,
 * fills it with a sentence saying which argument was wrong, what was given and what is
 * accepted. The library never prints, never exits and releases everything on error paths.
 *
 * Threads: handles are not locked. A context may be used by several threads at once only
 * to create and release optimizers; one optimizer must be used by one thread at a time
 * (optimizers of one context may step concurrently from different threads).
 */
#ifndef CLOPT_CLOPT_H
#define CLOPT_CLOPT_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(CLOPT_BUILDING_SHARED)
#define CLOPT_API __declspec(dllexport)
#elif defined(__GNUC__)
#define CLOPT_API __attribute__((visibility("default")))
#else
#define CLOPT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CLOPT_OK = 0,    /* success */
    CLOPT_EINVAL,    /* an argument is invalid (NULL, out of range, malformed spec) */
    CLOPT_ENOMEM,    /* host memory exhausted */
    CLOPT_ENODEVICE, /* no OpenCL device matches the selector */
    CLOPT_ECL,       /* an OpenCL call failed; clopt_error.cl_error holds its code */
    CLOPT_EIO,       /* reading or writing a file failed */
    CLOPT_EFORMAT,   /* a checkpoint is corrupt, truncated or does not match */
    CLOPT_ESTATE     /* the call is not valid in the object's current state */
} clopt_status;

/* Filled by every fallible call; `text` is a sentence for a person. */
typedef struct {
    clopt_status status;
    cl_int cl_error; /* the OpenCL error code when status is CLOPT_ECL, else CL_SUCCESS */
    char text[256];
} clopt_error;

typedef struct clopt_context clopt_context;
typedef struct clopt_optimizer clopt_optimizer;

/* The library version, "MAJOR.MINOR.PATCH". */
CLOPT_API const char *clopt_version(void);

/* A short English name for a status ("invalid argument"); never NULL. */
CLOPT_API const char *clopt_status_string(clopt_status s);

/* Frees memory returned by clopt (clopt_optimizer_config). NULL is a no-op. */
CLOPT_API void clopt_free(void *p);

/*
 * Creates a context on one device and builds the kernels for it (once per context).
 * `device` selects it: "cpu", "gpu", "P:D" (platform and device index, as `clopt devices`
 * lists them) or a case-insensitive substring of the device name. NULL means the
 * CLOPT_DEVICE environment variable, else the first CPU device, else the first device.
 * Returns NULL on error (CLOPT_ENODEVICE lists the devices that exist).
 */
CLOPT_API clopt_context *clopt_context_create(const char *device, clopt_error *err);

/*
 * Wraps an OpenCL context, device and in-order queue that the caller created (interop).
 * clopt retains all three and releases its references in clopt_context_release.
 */
CLOPT_API clopt_context *clopt_context_wrap(cl_context c, cl_device_id d, cl_command_queue q,
                                            clopt_error *err);

/* The context's OpenCL objects, owned by the clopt context (retain them to keep them). */
CLOPT_API cl_context clopt_context_cl(const clopt_context *ctx);
CLOPT_API cl_command_queue clopt_context_queue(const clopt_context *ctx);
CLOPT_API cl_device_id clopt_context_device(const clopt_context *ctx);

/* Releases the context. Release its optimizers first. NULL is a no-op. */
CLOPT_API void clopt_context_release(clopt_context *ctx);

/*
 * Creates an optimizer from a spec: Keras call syntax ("adam", "Adam(lr=0.01, beta_2=0.99)",
 * "SGD(lr=0.1, momentum=0.9, nesterov=True)") or JSON ({"name":"adam","lr":0.01}), as
 * clopt_optimizer_config returns it. Names are case-insensitive; `learning_rate` is an
 * alias of `lr`. A misspelt name gets a "did you mean" suggestion in err.
 */
CLOPT_API clopt_optimizer *clopt_optimizer_create(clopt_context *ctx, const char *spec,
                                                  clopt_error *err);

/*
 * Adds the tensor param[offset, offset+count) with its gradient grad[offset, offset+count)
 * (offset and count in floats; both buffers float32, of the optimizer's context). Its state
 * buffers are allocated on the device and zeroed. Tensors that share one (param, grad)
 * buffer pair are updated by a single kernel launch, whatever their number.
 * Limits: offset + count <= 2^32 - 1 floats within a buffer; each state buffer holds every
 * tensor of the optimizer back to back (16-float aligned) in one device allocation, so their
 * total must fit CL_DEVICE_MAX_MEM_ALLOC_SIZE (CLOPT_EINVAL names it otherwise).
 */
CLOPT_API clopt_status clopt_optimizer_add(clopt_optimizer *o, cl_mem param, cl_mem grad,
                                           size_t offset, size_t count, clopt_error *err);

/*
 * Adds a rows x cols matrix, stored row-major at param[offset, offset + rows * cols) with
 * its gradient at the same place of grad: clopt_optimizer_add with a shape. Muon (a matrix
 * optimizer) takes only tensors added this way and refuses clopt_optimizer_add; every other
 * optimizer ignores the shape. Muon's device memory: its state buf (rows * cols floats per
 * matrix) and one workspace for the largest matrix, 2 n m + 2 n^2 floats (n = min(rows,
 * cols), m = max(rows, cols)), shared by every matrix of the optimizer.
 */
CLOPT_API clopt_status clopt_optimizer_add_matrix(clopt_optimizer *o, cl_mem param, cl_mem grad,
                                                  size_t offset, size_t rows, size_t cols,
                                                  clopt_error *err);

/*
 * Enqueues one update of every added tensor on the context's in-order queue and returns
 * without waiting: writes to the gradients enqueued before it are seen, reads of the
 * parameters enqueued after it see the update. The iteration count then grows by one.
 * A step is all or nothing: an error before its first update kernel leaves the optimizer
 * as it was; one after it (a later launch of the step failing) cannot be undone, so the
 * optimizer then refuses to step (and to save) with CLOPT_ESTATE until a checkpoint is
 * loaded with clopt_optimizer_load.
 */
CLOPT_API clopt_status clopt_optimizer_step(clopt_optimizer *o, clopt_error *err);

/*
 * Changes a hyperparameter between steps ("lr", "momentum", "decay", "nesterov" (0 or 1),
 * "rho", "beta_1", "beta_2", "epsilon", "schedule_decay", "clipnorm", "clipvalue"), with
 * the same range checks as create. On error the optimizer is unchanged. "clipnorm" or
 * "clipvalue" set to 0 turns that clipping off. "schedule.NAME" changes a parameter of the
 * optimizer's schedule ("schedule.warmup", "schedule.steps"), checked as in a spec.
 * SGD's velocity is zero while momentum is 0, whatever the optimizer was created with:
 * setting momentum from 0 to a positive value starts from a zero velocity, and changing it
 * between positive values keeps the velocity. (Keras 1 keeps updating its velocity while
 * momentum is 0, which costs every SGD a state buffer; tf.keras 2 and Keras 3 decide at
 * creation whether SGD has momentum at all, so a later change depends on the creation spec.)
 */
CLOPT_API clopt_status clopt_optimizer_set(clopt_optimizer *o, const char *name, double value,
                                           clopt_error *err);

/* Reads a hyperparameter; an unset clipnorm or clipvalue reads as 0 (off). */
CLOPT_API clopt_status clopt_optimizer_get(const clopt_optimizer *o, const char *name,
                                           double *value, clopt_error *err);

/*
 * The learning rate the next step takes, lr_e: lr * m(t) with a schedule (the spec's
 * schedule=cosine(steps=1000, warmup=100), docs/semantics.md "Schedules"; t = the steps taken),
 * Keras 1's lr / (1 + decay * t) without one. clopt_optimizer_get(o, "lr") stays the base
 * rate. (Adam-like kinds fold their bias corrections in after this.) 0 for NULL.
 */
CLOPT_API double clopt_optimizer_rate(const clopt_optimizer *o);

/*
 * Enqueues a copy of the point where tensor `tensor` (numbered from 0 in the order of
 * clopt_optimizer_add) is evaluated into dst at dst_offset (floats): for the schedule-free
 * kinds (sgd_schedulefree, adamw_schedulefree) the average x, which differs from the
 * parameters y where gradients are taken; for every other kind (and before the first step)
 * the parameters themselves. A trainer that evaluates its model writes x into a scratch
 * buffer, or saves y, writes x over it, evaluates, and writes y back. Like a step it only
 * enqueues, on the context's queue.
 */
CLOPT_API clopt_status clopt_optimizer_average(const clopt_optimizer *o, size_t tensor, cl_mem dst,
                                               size_t dst_offset, clopt_error *err);

/* The number of steps taken (Keras' `iterations`). */
CLOPT_API uint64_t clopt_optimizer_iterations(const clopt_optimizer *o);

/*
 * The Keras get_config() of the optimizer with its name, as compact JSON on one line, e.g.
 * {"name":"Adam","lr":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-08,"decay":0.0,
 * "amsgrad":false}.
 * Free with clopt_free. NULL only when out of memory.
 */
CLOPT_API char *clopt_optimizer_config(const clopt_optimizer *o);

/*
 * Writes a checkpoint (config, iterations, Nadam schedule, every state buffer, checksum)
 * to `path` through a temporary file and a rename, so `path` is never half-written.
 * Waits for the queue to reach the current step. The state goes through host memory in
 * pieces of 4 MiB, so a checkpoint of any size needs no more.
 */
CLOPT_API clopt_status clopt_optimizer_save(const clopt_optimizer *o, const char *path,
                                            clopt_error *err);

/*
 * Restores a checkpoint written by clopt_optimizer_save into an optimizer of the same kind
 * with tensors of the same sizes, including its hyperparameters. On any mismatch or
 * corruption it returns CLOPT_EFORMAT saying what differs, and the optimizer is unchanged.
 * The header is checked against the optimizer and the file's size before anything is
 * allocated; the state is read, checksummed and uploaded in pieces of 4 MiB.
 */
CLOPT_API clopt_status clopt_optimizer_load(clopt_optimizer *o, const char *path, clopt_error *err);

/* Releases the optimizer and its device state (not the caller's buffers). NULL is a no-op. */
CLOPT_API void clopt_optimizer_release(clopt_optimizer *o);

/*
 * The optimizer catalogue as compact JSON, the document `clopt optimizers --json` prints:
 * one object per optimizer (name, key, hyperparameters with defaults and ranges, state).
 * For bindings that derive their classes from it. Free with clopt_free; NULL when out of
 * memory.
 */
CLOPT_API char *clopt_optimizers_json(void);

/*
 * Every OpenCL device as compact JSON, as `clopt devices --json` prints it (selector "P:D",
 * platform, name, version, type, compute_units, global_memory, default). "[]" when none
 * exists. Free with clopt_free; NULL on error (an OpenCL failure or out of memory).
 */
CLOPT_API char *clopt_devices_json(clopt_error *err);

/* ---- Test functions, trajectories and landscapes (the visualization engine) ---- */

/* A point of a test function: a known minimum (x, y) and its value f. */
typedef struct {
    double x, y, f;
} clopt_point;

/* A 2-D test function of the catalogue (docs/semantics.md, "Test functions"). */
typedef struct {
    const char *name;    /* "rosenbrock" */
    const char *formula; /* plain text: "(1-x)^2 + 100 (y-x^2)^2" */
    const char *tex;     /* TeX: "(1-x)^2 + 100\\,(y-x^2)^2" */
    double view[4];      /* default view rectangle: x0, x1, y0, y1 */
    double start[2];     /* default starting point */
    size_t nminima;      /* known global minima (0: unbounded) */
    clopt_point minima[4];
    int log_scale; /* nonzero: the landscape reads best with logarithmic colours */
} clopt_function_info;

/* The number of test functions, and function i (0 <= i < count; NULL beyond). */
CLOPT_API size_t clopt_function_count(void);
CLOPT_API const clopt_function_info *clopt_function_get(size_t i);

/* Looks a function up by name (case-insensitive); NULL with a "did you mean" in err. */
CLOPT_API const clopt_function_info *clopt_function_find(const char *name, clopt_error *err);

/*
 * The element type of a run's or an exploration's trajectories: float (the default, zero),
 * or double on a device with cl_khr_fp64 (the same rules and functions, one trajectory per
 * work-item), for windows narrower than float resolves (about 1e-7 of their centre) and
 * results to compare with a double computation.
 */
typedef enum { CLOPT_PRECISION_FLOAT, CLOPT_PRECISION_DOUBLE } clopt_precision;

/* What to run: K optimizers x S starting points on one function. */
typedef struct {
    const char *function;          /* catalogue name, or an expression f(x, y) */
    const char *const *optimizers; /* K specs, as clopt_optimizer_create takes them */
    size_t noptimizers;            /* K >= 1; K x S <= CLOPT_RUN_MAX_TRAJECTORIES */
    const double *starts;          /* S points as x0, y0, x1, y1, ...; NULL: the default */
    size_t nstarts;                /* S (0 when starts is NULL) */
    uint64_t steps;                /* N: 1 .. CLOPT_RUN_MAX_STEPS */
    uint64_t every;                /* record a point every `every` steps: 1 .. N */
    double noise;                  /* sigma >= 0 of the gradient noise (0: exact gradients) */
    uint64_t seed;                 /* key of the noise generator */
    int state;                     /* nonzero: points also carry gradient and state */
    clopt_precision precision;     /* CLOPT_PRECISION_DOUBLE: EINVAL without cl_khr_fp64 */
} clopt_run_options;

#define CLOPT_RUN_MAX_STEPS 10000000u
#define CLOPT_RUN_MAX_TRAJECTORIES 1048576u
#define CLOPT_RUN_MAX_STATE 3 /* state values per coordinate (Adam with amsgrad: m, v, vhat) */
#define CLOPT_RUN_STATE_COMPONENTS (5 + 2 * CLOPT_RUN_MAX_STATE) /* components with state */
#define CLOPT_RUN_AVERAGE_COMPONENTS 6 /* point and schedule-free average, without state */

/*
 * The points recorded by one clopt_run_advance: `rows` points per trajectory, row r at
 * step first_step + r * every, as data[(r * trajectories + t) * components + c].
 * Components: x, y, f; with options.state also g_x, g_y (the gradient used, noise
 * included, before clipping) and the optimizer's three state values per coordinate
 * a_x, a_y, b_x, b_y, c_x, c_y after `step` updates (names in clopt_run_state_names;
 * unused ones are 0): CLOPT_RUN_STATE_COMPONENTS in all. Without options.state, a run
 * with a schedule-free optimizer records CLOPT_RUN_AVERAGE_COMPONENTS: x, y, f of the
 * point (y, where gradients are taken), then x, y, f of the average x where such a model is
 * evaluated (for the other optimizers' trajectories a copy of the point; with
 * options.state, the average is the state values b_x, b_y). A trajectory
 * that has diverged has NaN in every component from its diverged_at step on. In precision
 * double, data_d holds the points as computed (the same layout) and data their roundings to
 * float; in float data_d is NULL. Valid until the next advance or release.
 */
typedef struct {
    uint64_t first_step;
    size_t rows;
    size_t trajectories;
    size_t components;
    const float *data;
    const double *data_d; /* precision double: data unrounded (NULL in float) */
} clopt_slice;

typedef struct clopt_run clopt_run;

/* Validates the options (function, every spec, starts, ranges) without a device. */
CLOPT_API clopt_status clopt_run_check(const clopt_run_options *options, clopt_error *err);

/*
 * Validates the options and prepares a run of K x S trajectories in optimizer-major order
 * (trajectory t = k * S + s). Nothing is computed until clopt_run_advance. Precision double
 * builds the double kernels on first use (per context; per expression); CLOPT_EINVAL with a
 * sentence naming cl_khr_fp64 on a device without that extension.
 */
CLOPT_API clopt_run *clopt_run_create(clopt_context *ctx, const clopt_run_options *options,
                                      clopt_error *err);

/*
 * Computes up to max_steps more steps (fewer when the run ends or a slice is full) on the
 * device, waits for them and describes the points recorded in *slice (rows may be 0).
 * Between two calls a caller may stream the slice, or stop and release the run (cancel).
 * On error the device has finished with the run's memory, which may be released at once,
 * and the run is finished: it cannot continue from a slice computed part-way.
 */
CLOPT_API clopt_status clopt_run_advance(clopt_run *r, uint64_t max_steps, clopt_slice *slice,
                                         clopt_error *err);

/* Whether every step has been computed; the number of steps computed so far (0 .. N). */
CLOPT_API int clopt_run_finished(const clopt_run *r);
CLOPT_API uint64_t clopt_run_progress(const clopt_run *r);

/* The run's function: its catalogue entry or, for an expression, its description (name
 * and formula the canonical text, view [-2, 2] x [-2, 2], start (1.5, 1.5), no minima),
 * valid while the run lives. */
CLOPT_API const clopt_function_info *clopt_run_function(const clopt_run *r);

/* The number of trajectories (K x S). */
CLOPT_API size_t clopt_run_trajectories(const clopt_run *r);

/* Trajectory t's optimizer config (get_config JSON, owned by the run) and start. */
CLOPT_API const char *clopt_run_optimizer(const clopt_run *r, size_t t);

/* Whether trajectory t's optimizer is schedule-free: its points have an average x apart
 * from the point y (see clopt_slice). */
CLOPT_API int clopt_run_has_average(const clopt_run *r, size_t t);
CLOPT_API const double *clopt_run_start(const clopt_run *r, size_t t);

/* The step at which trajectory t diverged (so far), or -1. */
CLOPT_API int64_t clopt_run_diverged_at(const clopt_run *r, size_t t);

/* The names of trajectory t's state values ("m", "v", "vhat"; "" when unused). */
CLOPT_API void clopt_run_state_names(const clopt_run *r, size_t t,
                                     const char *names[CLOPT_RUN_MAX_STATE]);

/* Releases the run; NULL is a no-op. */
CLOPT_API void clopt_run_release(clopt_run *r);

/*
 * f on an nx x ny grid (2 .. 4096 each) over view = {x0, x1, y0, y1} (NULL: the
 * function's default view), computed on the device; function is a catalogue name or an
 * expression (its kernels are built on first use and cached per context): values[j * nx + i] is
 * f(x0 + i (x1 - x0) / (nx - 1), y0 + j (y1 - y0) / (ny - 1)). *min and *max receive the
 * smallest and largest finite values (either pointer may be NULL). On error the device is
 * no longer writing into `values` when the call returns (its contents are then undefined).
 */
CLOPT_API clopt_status clopt_landscape(clopt_context *ctx, const char *function, size_t nx,
                                       size_t ny, const double *view, float *values, float *min,
                                       float *max, clopt_error *err);

/* ---- Explore: many runs reduced on the device (basin maps, sweeps, tunings) ---- */

typedef enum {
    CLOPT_EXPLORE_BASINS, /* one run per grid start per optimizer */
    CLOPT_EXPLORE_SWEEP,  /* one run per point of a grid of hyperparameter values */
    CLOPT_EXPLORE_TUNE    /* a sweep from a list of starts x noise seeds: runs per value */
} clopt_explore_kind;

/* A swept hyperparameter: n values from lo to hi, evenly spaced or (log) geometrically. */
typedef struct {
    const char *name; /* a numeric hyperparameter of the optimizer: "lr", "momentum", ... */
    double lo, hi;    /* lo < hi, each in the hyperparameter's range (log: lo > 0) */
    size_t n;         /* 2 .. CLOPT_EXPLORE_MAX_SIDE */
    int log;
} clopt_explore_axis;

typedef struct {
    clopt_explore_kind kind;
    const char *function;          /* catalogue name */
    const char *const *optimizers; /* basins: K specs (1 .. CLOPT_EXPLORE_MAX_MAPS); sweep: 1 */
    size_t noptimizers;
    size_t nx, ny;              /* basins: the grid, 2 .. CLOPT_EXPLORE_MAX_SIDE each */
    const double *view;         /* basins: x0, x1, y0, y1; NULL: the function's default view */
    const double *start;        /* sweep: x, y; NULL: the function's default start */
    clopt_explore_axis axes[2]; /* sweep: the first naxes */
    size_t naxes;               /* sweep: 1 or 2 */
    uint64_t steps;             /* 1 .. CLOPT_RUN_MAX_STEPS */
    double tol; /* converged: |f - f*| <= tol * max(1, |f*|); finite, >= 0 (1e-4 in the CLI) */
    /* Tunings only (the axes as a sweep's); zero for basins and sweeps. */
    const double *starts;      /* K points as x0, y0, x1, y1, ...: every value runs from each */
    size_t nstarts;            /* K >= 1 */
    size_t nseeds;             /* S >= 1: noise keys 0 .. S-1, each from every start */
    double noise;              /* sigma >= 0 of the gradient noise, as clopt_run_options.noise */
    int auc;                   /* nonzero: also each run's mean per-step score (map.auc) */
    clopt_precision precision; /* CLOPT_PRECISION_DOUBLE: EINVAL without cl_khr_fp64 */
} clopt_explore_options;

#define CLOPT_EXPLORE_MAX_SIDE 4096u
#define CLOPT_EXPLORE_MAX_MAPS 16u      /* optimizers of one basin map */
#define CLOPT_EXPLORE_MAX_RUNS 4194304u /* runs per exploration (K x nx x ny, or the sweep) */
#define CLOPT_EXPLORE_MAX_SEEDS 1024u   /* noise seeds of a tuning */

/*
 * One map of an exploration, arrays of `runs` entries: basins row-major (j * nx + i, cell
 * (i, j) started at x0 + i (x1 - x0) / (nx - 1), y0 + j (y1 - y0) / (ny - 1)); sweeps
 * j * n0 + i with i along the first axis. x, y, f: the final point and value (NaN for a
 * run that diverged). converged_at: the first step with |f - f*| <= tol * max(1, |f*|)
 * (f* the function's minimum value), -1 if never or if the function has none. minimum:
 * the index of the known minimum nearest the final point if within 1% of the view's width
 * (basins) or of its default view's width (sweeps), else -1. diverged_at: as in runs, -1.
 * Tunings: run ((v * S) + s) * K + k is value v (sweep order) with seed s from start k; it
 * is trajectory k of clopt_run from the same K starts with seed s. auc (tunings with
 * options.auc, else NULL): the mean over steps 0 .. N of log10(max(f - f*, 0) + 1e-12), of
 * f itself for a function without a minimum, summed in float; NaN for a run that diverged.
 */
typedef struct {
    size_t runs;
    const float *x, *y, *f;
    const int32_t *converged_at, *minimum, *diverged_at;
    const float *auc;
    const double *xd, *yd, *fd; /* precision double: x, y, f unrounded; NULL in float */
} clopt_explore_map;

typedef struct clopt_exploration clopt_exploration;

/* Validates the options (function, specs, grid, axes, ranges) without a device. */
CLOPT_API clopt_status clopt_explore_check(const clopt_explore_options *options, clopt_error *err);

/* Validates the options and prepares the runs on the device; nothing is computed yet. */
CLOPT_API clopt_exploration *
clopt_explore_create(clopt_context *ctx, const clopt_explore_options *options, clopt_error *err);

/*
 * Computes up to max_steps more steps (0: as many as one slice holds) of every run and
 * waits for them. Between calls a caller may report progress, or stop and release.
 */
CLOPT_API clopt_status clopt_explore_advance(clopt_exploration *e, uint64_t max_steps,
                                             clopt_error *err);

/* Whether every step has been computed; the steps computed so far (0 .. steps). */
CLOPT_API int clopt_explore_finished(const clopt_exploration *e);
CLOPT_API uint64_t clopt_explore_progress(const clopt_exploration *e);

/* Maps: K for basins (one per optimizer, in order), 1 for a sweep or a tuning. */
CLOPT_API size_t clopt_explore_maps(const clopt_exploration *e);

/* Map m's optimizer config (a sweep's, a tuning's: the base spec), get_config JSON owned by e. */
CLOPT_API const char *clopt_explore_optimizer(const clopt_exploration *e, size_t m);

/* A sweep's or tuning's axis a: its canonical name ("lr" for "learning_rate") and its n values. */
CLOPT_API const char *clopt_explore_axis_name(const clopt_exploration *e, size_t a);
CLOPT_API const double *clopt_explore_axis_values(const clopt_exploration *e, size_t a, size_t *n);

/*
 * Map m's results once finished (CLOPT_ESTATE before), read from the device on the first
 * call; the arrays belong to e and stay valid until it is released.
 */
CLOPT_API clopt_status clopt_explore_map_get(clopt_exploration *e, size_t m, clopt_explore_map *out,
                                             clopt_error *err);

/*
 * The memory clopt_explore_create (and the read-back of clopt_explore_map_get) would take
 * for these options, computed without allocating: *host_bytes at the peak (configs, the
 * per-step scalar table, results, staging copies) and *device_bytes (buffers on the device:
 * host memory too on a CPU device such as PoCL). Validates the options as
 * clopt_explore_check. A server charges an exploration this before it creates one.
 */
CLOPT_API clopt_status clopt_explore_plan_bytes(clopt_context *ctx,
                                                const clopt_explore_options *options,
                                                size_t *host_bytes, size_t *device_bytes,
                                                clopt_error *err);

/* Bytes of device memory the exploration holds (O(runs), whatever the steps). */
CLOPT_API size_t clopt_explore_device_bytes(const clopt_exploration *e);

/* Releases the exploration; NULL is a no-op. */
CLOPT_API void clopt_explore_release(clopt_exploration *e);

/* ---- Trainability: the paper's small network over per-layer learning rates ---- */

/*
 * The hidden activation of the trainability model: tanh(sqrt(2) z), sqrt(2) relu(z), or z.
 */
typedef enum {
    CLOPT_ACTIVATION_TANH,
    CLOPT_ACTIVATION_RELU,
    CLOPT_ACTIVATION_IDENTITY
} clopt_activation;

#define CLOPT_TRAINABILITY_MAX_WIDTH 16u

/*
 * A window of learning rates for the network of Sohl-Dickstein (2024, arXiv 2402.06184),
 * as its notebook defines it (docs/trainability.md): depth 2, width w, no biases, mean-field
 * scaling, n = w^2 + w points, mean squared error, full-batch gradient descent with one
 * rate per layer. Cell (i, j) trains with lr1 = 10^(x0 + i (x1 - x0) / (nx - 1)) and lr2 =
 * 10^(y0 + j (y1 - y0) / (ny - 1)).
 */
typedef struct {
    size_t width;                /* w, 1 .. CLOPT_TRAINABILITY_MAX_WIDTH */
    clopt_activation activation; /* the hidden layer's */
    uint64_t steps;              /* 1 .. 100000 gradient steps per cell */
    size_t nx, ny;               /* cells per side, 2 .. CLOPT_EXPLORE_MAX_SIDE */
    double window[4];            /* x0 < x1, y0 < y1: log10 of the rates, each in [-10, 10] */
    const double *data;          /* X (n x w), Y (n), W1 (w x w, row per hidden unit), W2 (w); NULL:
                                    clopt_trainability_data(w, seed) */
    uint64_t seed;
    clopt_precision precision;
} clopt_trainability_options;

/* Doubles in a model's data of width w: n w + n + w w + w with n = w^2 + w. */
CLOPT_API size_t clopt_trainability_data_size(size_t width);

/*
 * The data and initial weights of seed `seed` into out (clopt_trainability_data_size(w)
 * doubles), all standard normal: SplitMix64 from the seed, pairs by Box-Muller, in the
 * order X, Y, W1, W2 (docs/trainability.md), so anyone can reproduce them.
 */
CLOPT_API clopt_status clopt_trainability_data(size_t width, uint64_t seed, double *out,
                                               clopt_error *err);

/*
 * Trains every cell on the device: measure[j * nx + i] the paper's measure (negative:
 * converged), converged[j * nx + i] 1 or 0. Blocks until done.
 */
CLOPT_API clopt_status clopt_trainability(clopt_context *ctx, const clopt_trainability_options *o,
                                          double *measure, unsigned char *converged,
                                          clopt_error *err);

/*
 * The cells [from, from + cells) of the same grid (cell c = j nx + i, row-major) into
 * measure[c - from] and converged[c - from], with the values clopt_trainability gives them,
 * bit for bit: a caller computes a large grid in parts, each holding the device briefly.
 * Blocks until done; EINVAL when the range is empty or leaves the grid.
 */
CLOPT_API clopt_status clopt_trainability_cells(clopt_context *ctx,
                                                const clopt_trainability_options *o, size_t from,
                                                size_t cells, double *measure,
                                                unsigned char *converged, clopt_error *err);

/*
 * The box-counting dimension of the boundary between cells with measure < 0 and >= 0 in an
 * nx x ny grid: the slope of log(boxes holding a boundary edge) against log(1 / box side),
 * sides 1, 2, 4, ... up to a quarter of the smaller side. NaN if there is no boundary or
 * the grid is smaller than 8 a side.
 */
CLOPT_API double clopt_boundary_dimension(const double *measure, size_t nx, size_t ny);

#ifdef __cplusplus
}
#endif

#endif /* CLOPT_CLOPT_H */
