/* Launch geometry per device: work-group size and chunk length, from one small table. */
#ifndef CLOPT_TUNING_H
#define CLOPT_TUNING_H

#include "clopt/clopt.h"

typedef struct {
    const char *row;       /* the table's row: "cpu", "gpu" or "accelerator" */
    size_t wgs;            /* work-group size, a power of two (CLOPT_WGS in the kernels) */
    size_t work_per_item;  /* elements per work-item of the step kernels */
    size_t chunk;          /* elements per work-group: wgs * work_per_item */
    size_t lanes;          /* trajectories per vector (CLOPT_TW): SIMD width on CPUs, 1 on GPUs */
    size_t groups;         /* most vectors per work-item (CLOPT_GROUPS): 16 on CPUs, 1 on GPUs */
    size_t trajectory_wgs; /* work-group size of the trajectory kernel: 1 on CPUs */
    int contiguous;   /* step kernels: a contiguous run per work-item (CPUs) or strided (GPUs) */
    size_t max_wgs;   /* the device's work-group limit, or CLOPT_MAX_WORK_GROUP_SIZE if less */
    size_t local_mem; /* bytes of local memory, or CLOPT_LOCAL_MEM_SIZE if less */
} clopt_tuning;

/*
 * The settings for a device: the table's row for its type, or the row CLOPT_TUNING names
 * (cpu, gpu, accelerator; auto or unset: the device's type), capped by the device limits.
 * CLOPT_MAX_WORK_GROUP_SIZE and CLOPT_LOCAL_MEM_SIZE lower the limits (tests of small
 * devices); CLOPT_TRAJECTORY_LANES (1, 2, 4, 8 or 16) and CLOPT_TRAJECTORY_GROUPS (1 to
 * 64) override `lanes` and `groups`, for tests and benchmarks. A malformed value of any of
 * these is an error naming the variable.
 */
clopt_status clopt_tuning_for(cl_device_id device, clopt_tuning *out, clopt_error *err);

/*
 * Halves the work-group size and what derives from it, for a kernel that cannot take it;
 * returns 0 when it is already 1.
 */
int clopt_tuning_shrink(clopt_tuning *t);

#endif
