/* The optimizer handle and its device layout (shared by optimizer.c, layout.c, checkpoint.c). */
#ifndef CLOPT_OPTIMIZER_H
#define CLOPT_OPTIMIZER_H

#include "config.h"
#include "context.h"
#include "schedule.h"

#include <stdint.h>

typedef struct {
    cl_mem param, grad;   /* the caller's buffers (not retained) */
    size_t offset, count; /* floats */
    size_t state_offset;  /* floats, into every state arena */
    size_t rows, cols;    /* the shape of a matrix (clopt_optimizer_add_matrix); 0 x 0: none */
} clopt_tensor;

/* Tensors that share one (param, grad) buffer pair: one launch updates them all. */
typedef struct {
    cl_mem param, grad;
    cl_uint chunk_base, nchunks;
    cl_kernel step, sumsq;
    cl_kernel apply; /* tensor-wise kinds: the second half of the step (step.cl) */
} clopt_group;

/*
 * Everything on the device that depends on the tensor list. Built whole by
 * clopt_layout_build and swapped in by clopt_layout_commit, so that an error anywhere
 * leaves the optimizer as it was.
 */
typedef struct {
    clopt_tensor *tensors;
    size_t ntensors;
    clopt_group *groups;
    size_t ngroups;
    size_t nchunks;
    cl_mem chunks;  /* uint4 per chunk: offset, state offset / 16, count, tensor */
    cl_mem partial; /* a float per chunk: sums of squares for clipnorm */
    cl_kernel norm; /* folds `partial` into the clipnorm scale; bound to this layout */
    /* Tensor-wise kinds (Lamb): per work-item the sums of p^2 and u^2, per tensor its chunks
     * (first, count) and its ratio, and the kernel that folds one into the other. */
    cl_mem partial2, tensor_chunks, ratio;
    cl_kernel fold;
    /* Matrix kinds (Muon, src/muon.c): the Newton-Schulz workspace X, Y (n x m) and G, H
     * (n x n) of the largest matrix, shared by every matrix, and the kernels of muon.cl. */
    cl_mem muon_ws[4];
    int muon_host; /* the products on the host's BLAS (src/gemm.h): G and H in muon_gh */
    float *muon_gh;
    cl_kernel muon_momentum, muon_normalise, muon_apply;
    size_t nstate;                /* live state arenas */
    size_t state_used, state_cap; /* floats per arena */
    cl_mem state[CLOPT_MAX_STATE];
} clopt_layout;

struct clopt_optimizer {
    clopt_context *ctx;
    clopt_config cfg;
    uint64_t it;
    clopt_running run; /* the host's running scalars (Nadam's m_schedule, schedule-free's) */
    clopt_layout lay;
    cl_mem dummy;           /* bound where a kernel has no state buffer */
    cl_mem norm_scale;      /* one float written by clopt_norm_scale */
    unsigned last_launches; /* kernel launches of the last step (tests) */
    cl_int torn; /* a step failed after updating some buffer pairs (its error); load clears */
};

/* How many state arenas the optimizer needs now (SGD: 1 once momentum was ever > 0). */
size_t clopt_optimizer_wanted_state(const clopt_optimizer *o);

/*
 * Builds into *out the layout of `tensors` (ownership moves to *out, also on error) with
 * `nstate` arenas. Tensors that o's current layout holds keep their state (and offsets);
 * with fresh != 0 every arena is new and zeroed instead.
 */
clopt_status clopt_layout_build(clopt_optimizer *o, clopt_tensor *tensors, size_t ntensors,
                                size_t nstate, int fresh, clopt_layout *out, clopt_error *err);

/*
 * The host half of clopt_layout_build, apart from the device (the tests drive it past 2^32
 * floats without allocating): gives the tensors of out->tensors after the first `kept` (whose
 * state offsets stay) their state offsets, sets out->state_used, groups the tensors by buffer
 * pair (out->groups, without kernels) and cuts them into chunks of at most `chunk` floats
 * (rounded to a multiple of 16): *table as the `chunks` buffer holds it (out->nchunks
 * entries) and *ranges, each tensor's first chunk and chunk count; both malloc'd.
 */
clopt_status clopt_layout_plan(clopt_layout *out, size_t kept, size_t chunk, cl_uint4 **table,
                               cl_uint2 **ranges, clopt_error *err);

/*
 * The floats to allocate per state arena for `used` floats of state, growing from `old_cap`:
 * doubling (amortised O(total) copying), never beyond `limit` (the device's largest
 * allocation, in floats) unless `used` itself is beyond it.
 */
size_t clopt_layout_capacity(size_t old_cap, size_t used, size_t limit);

/* Replaces o's layout by *next and releases the old one. */
void clopt_layout_commit(clopt_optimizer *o, clopt_layout *next);

void clopt_layout_release(clopt_layout *lay);

/* Matrix kinds: allocates out's workspace and kernels for its tensors (layout.c calls it). */
clopt_status clopt_muon_build(clopt_optimizer *o, clopt_layout *out, clopt_error *err);

/* Releases what clopt_muon_build made (clopt_layout_release calls it). */
void clopt_muon_release(clopt_layout *lay);

/*
 * Enqueues Muon's step of every matrix with this step's scalars, never reading back.
 * *launched counts what was enqueued before a failure (the step is torn past the first).
 */
clopt_status clopt_muon_step(clopt_optimizer *o, const clopt_scalars *k, unsigned *launched,
                             clopt_error *err);

/* Reads state buffer `which` of tensor `t` into out[count] (blocking). For tests and save. */
clopt_status clopt_optimizer_read_state(const clopt_optimizer *o, size_t t, size_t which,
                                        float *out, clopt_error *err);

#endif
