/* A device, its in-order queue and the clopt program built for it. */
#ifndef CLOPT_CONTEXT_H
#define CLOPT_CONTEXT_H

#include "clopt/clopt.h"
#include "programs.h"
#include "tuning.h"

#include <pthread.h>

struct clopt_context {
    cl_context cl;
    cl_device_id device;
    cl_command_queue queue;
    cl_program program;          /* every kernel of cl/, built once */
    cl_program scalar_program;   /* the same with one trajectory per vector, built on demand */
    cl_program double_program;   /* CLOPT_DOUBLE, CLOPT_TW 1: built on demand (cl_khr_fp64) */
    pthread_mutex_t scalar_lock; /* held while scalar_program or double_program is built */
    int scalar_lock_ready;
    clopt_tuning tuning;
    clopt_programs *programs; /* the expressions' programs, most recently used kept */
    cl_ulong max_alloc;       /* CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest buffer, in bytes */
};

/*
 * clopt_context_create with a queue of these properties: CL_QUEUE_PROFILING_ENABLE for
 * `clopt bench`, whose engine benchmarks say how much of their time the device spends.
 */
clopt_context *clopt_context_create_queue(const char *device, cl_command_queue_properties queue,
                                          clopt_error *err);

/*
 * Builds `count` sources into *program for the context's device, with the tuning's
 * options; on failure the build log's first error is in err.
 */
clopt_status clopt_context_build(clopt_context *ctx, cl_uint count, const char **sources,
                                 cl_program *program, clopt_error *err);

/*
 * The program of cl/ built with CLOPT_TW 1 (the context's own program where lanes are
 * already 1) into *program (not retained: the context keeps it): kernels whose lanes cannot
 * share per-step scalars (explore's sweeps). Built on the first call and kept; threads that
 * share a context may call it at once (one builds, the others wait for it).
 */
clopt_status clopt_context_scalar_program(clopt_context *ctx, cl_program *program,
                                          clopt_error *err);

/*
 * As clopt_context_build in double precision (CLOPT_DOUBLE, CLOPT_TW 1); CLOPT_EINVAL with a
 * sentence naming cl_khr_fp64 on a device without it.
 */
clopt_status clopt_context_build_double(clopt_context *ctx, cl_uint count, const char **sources,
                                        cl_program *program, clopt_error *err);

/*
 * The program of cl/ in double precision (CLOPT_DOUBLE, CLOPT_TW 1) into *program (not
 * retained), built on the first call and kept, as clopt_context_scalar_program. CLOPT_EINVAL
 * with a sentence naming cl_khr_fp64 on a device without it.
 */
clopt_status clopt_context_double_program(clopt_context *ctx, cl_program *program,
                                          clopt_error *err);

/* Whether the context's device has cl_khr_fp64 (double precision in kernels). */
int clopt_context_has_fp64(const clopt_context *ctx);

/* The kernels of cl/, embedded by the build (see tools/embed.cmake). */
extern const char clopt_kernel_source[];

#endif
