/* Launch geometry per device: work-group size and chunk length, from one small table. */
#ifndef CLOPT_TUNING_H
#define CLOPT_TUNING_H

#include "clopt/clopt.h"

typedef struct {
    size_t wgs;   /* work-group size, a power of two (CLOPT_WGS in the kernels) */
    size_t chunk; /* elements per work-group: wgs * work per item */
    size_t lanes;  /* trajectories per vector (CLOPT_TW): SIMD width on CPUs, 1 on GPUs */
    size_t groups; /* most vectors per work-item (CLOPT_GROUPS): 16 on CPUs, 1 on GPUs */
    size_t trajectory_wgs; /* work-group size of the trajectory kernel: 1 on CPUs */
    int contiguous; /* step kernels: a contiguous run per work-item (CPUs) or strided (GPUs) */
} clopt_tuning;

/*
 * The settings for a device: the table's row for its type, capped by the device limits.
 * CLOPT_TRAJECTORY_LANES (1, 2, 4, 8 or 16) and CLOPT_TRAJECTORY_GROUPS (1 to 64)
 * override `lanes` and `groups`, for tests and benchmarks.
 */
clopt_tuning clopt_tuning_for(cl_device_id device);

#endif
