/*
 * The tuning table. Memory-bound element-wise kernels want enough work per work-group to
 * hide launch and indexing costs, and on GPUs enough work-groups to fill every unit.
 */
#include "tuning.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    cl_device_type type;
    size_t wgs, work_per_item;
} row;

static const row table[] = {
    {CL_DEVICE_TYPE_GPU, 256, 16},
    {CL_DEVICE_TYPE_ACCELERATOR, 128, 16},
    {CL_DEVICE_TYPE_CPU, 64, 1024}, /* 64 K floats per group: 64, 256 and 1024 measured */
};

/*
 * Trajectories vectorise across work-items only as explicit vectors on CPU devices (their
 * compilers do not vectorise a step loop across work-items); GPUs run one per work-item.
 */
static size_t lanes_for(cl_device_id device, cl_device_type type)
{
    const char *env = getenv("CLOPT_TRAJECTORY_LANES");
    if (env && (!strcmp(env, "1") || !strcmp(env, "2") || !strcmp(env, "4") ||
                !strcmp(env, "8") || !strcmp(env, "16")))
        return (size_t)atoi(env);
    if (!(type & CL_DEVICE_TYPE_CPU))
        return 1;
    cl_uint width = 1;
    clGetDeviceInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, sizeof width, &width, NULL);
    size_t lanes = 1;
    while (lanes * 2 <= width && lanes < 16)
        lanes *= 2;
    return lanes;
}

/*
 * A work-item's groups are a loop whose iterations are independent: an out-of-order CPU
 * core overlaps the divisions and square roots of consecutive groups, as in a C loop
 * blocked over 256 trajectories. 16 groups of 16 lanes measured 0.93-0.97x that loop on
 * PoCL (AVX-512), 4 groups 0.89x, 2 groups 0.78x (`clopt bench trajectories`,
 * CLOPT_TRAJECTORY_GROUPS). A GPU hides the latency with other work-items instead and keeps
 * one trajectory per work-item in registers.
 */
static size_t groups_for(cl_device_type type)
{
    const char *env = getenv("CLOPT_TRAJECTORY_GROUPS");
    if (env && atoi(env) >= 1 && atoi(env) <= 64)
        return (size_t)atoi(env);
    return (type & CL_DEVICE_TYPE_CPU) ? 16 : 1;
}

clopt_tuning clopt_tuning_for(cl_device_id device)
{
    cl_device_type type = CL_DEVICE_TYPE_CPU;
    size_t max_wgs = 1;
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_wgs, &max_wgs, NULL);

    row r = table[sizeof table / sizeof table[0] - 1];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (type & table[i].type) {
            r = table[i];
            break;
        }
    size_t wgs = r.wgs;
    while (wgs > 1 && wgs > max_wgs)
        wgs /= 2;
    /*
     * On CPUs a contiguous run per work-item is a loop the compiler vectorises: Adam on
     * 16M parameters went from 9 to 50 GB/s on PoCL (`clopt bench step`). GPUs want
     * neighbouring work-items on neighbouring floats.
     */
    const int contiguous = (type & CL_DEVICE_TYPE_CPU) != 0;
    /*
     * PoCL runs a work-group's work-items one after another in one thread: with one
     * work-item per group the trajectory kernel ran at 1.7x its speed with 64 (each
     * work-item already holds 256 trajectories), and the threads share the load evenly.
     */
    const size_t twgs = (type & CL_DEVICE_TYPE_CPU) ? 1 : (wgs < 64 ? wgs : 64);
    return (clopt_tuning){wgs,  wgs * r.work_per_item, lanes_for(device, type), groups_for(type),
                          twgs, contiguous};
}
