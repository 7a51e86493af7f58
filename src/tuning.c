/*
 * The tuning table. Memory-bound element-wise kernels want enough work per work-group to
 * hide launch and indexing costs, and on GPUs enough work-groups to fill every unit.
 */
#include "tuning.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    cl_device_type type;
    size_t wgs, work_per_item;
    /*
     * CPUs: a contiguous run per work-item is a loop the compiler vectorises (Adam on 16M
     * parameters went from 9 to 50 GB/s on PoCL, `clopt bench step`), and trajectories are
     * explicit vectors (CPU compilers do not vectorise a step loop across work-items).
     * GPUs want neighbouring work-items on neighbouring floats and one trajectory per
     * work-item, in registers.
     */
    int cpu_shape;
} row;

static const row table[] = {
    {"gpu", CL_DEVICE_TYPE_GPU, 256, 16, 0},
    {"accelerator", CL_DEVICE_TYPE_ACCELERATOR, 128, 16, 0},
    {"cpu", CL_DEVICE_TYPE_CPU, 64, 1024, 1}, /* 64 K floats per group: 64, 256 and 1024 measured */
};
enum { NROWS = sizeof table / sizeof table[0] };

/* The value of variable `name` as an integer in [lo, hi]; *out untouched when unset. */
static clopt_status env_size(const char *name, size_t lo, size_t hi, int power_of_two, size_t *out,
                             clopt_error *err)
{
    const char *v = getenv(name);
    if (!v || !*v) return CLOPT_OK;
    char *end;
    errno = 0;
    const unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || v[0] == '-' || n < lo || n > hi || (power_of_two && (n & (n - 1))))
        return clopt_error_set(err, CLOPT_EINVAL, "%s='%s': expected %s %zu to %zu", name, v,
                               power_of_two ? "a power of two from" : "an integer from", lo, hi);
    *out = (size_t)n;
    return CLOPT_OK;
}

/* The row CLOPT_TUNING names, or the first whose type the device has (auto). */
static clopt_status pick_row(cl_device_type type, const row **out, clopt_error *err)
{
    const char *v = getenv("CLOPT_TUNING");
    if (v && *v && strcmp(v, "auto") != 0) {
        for (size_t i = 0; i < NROWS; i++)
            if (!strcmp(v, table[i].name)) {
                *out = &table[i];
                return CLOPT_OK;
            }
        return clopt_error_set(err, CLOPT_EINVAL,
                               "CLOPT_TUNING='%s': expected cpu, gpu, accelerator or auto", v);
    }
    *out = &table[NROWS - 1];
    for (size_t i = 0; i < NROWS; i++)
        if (type & table[i].type) {
            *out = &table[i];
            break;
        }
    return CLOPT_OK;
}

/* The widest power of two up to 16 within the device's preferred float vector width. */
static size_t vector_lanes(cl_device_id device)
{
    cl_uint width = 1;
    clGetDeviceInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, sizeof width, &width, NULL);
    size_t lanes = 1;
    while (lanes * 2 <= width && lanes < 16)
        lanes *= 2;
    return lanes;
}

/*
 * PoCL runs a work-group's work-items one after another in one thread: with one work-item
 * per group the trajectory kernel ran at 1.7x its speed with 64 (each work-item already
 * holds 256 trajectories), and the threads share the load evenly. GPUs take up to 64.
 */
static size_t trajectory_wgs(const row *r, size_t wgs)
{
    return r->cpu_shape ? 1 : (wgs < 64 ? wgs : 64);
}

clopt_status clopt_tuning_for(cl_device_id device, clopt_tuning *out, clopt_error *err)
{
    cl_device_type type = CL_DEVICE_TYPE_CPU;
    size_t max_wgs = 1, items[3] = {1, 1, 1};
    cl_ulong local = 0;
    cl_int rc = clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    if (rc == CL_SUCCESS)
        rc = clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_wgs, &max_wgs, NULL);
    if (rc == CL_SUCCESS)
        rc = clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL);
    if (rc == CL_SUCCESS)
        rc = clGetDeviceInfo(device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof local, &local, NULL);
    if (rc != CL_SUCCESS)
        return clopt_error_cl(err, rc, "clGetDeviceInfo", "reading the device's limits");
    if (items[0] < max_wgs) max_wgs = items[0];

    const row *r = &table[NROWS - 1];
    size_t forced_wgs = max_wgs, forced_local = (size_t)local, lanes = 0, groups = 0;
    clopt_status st = pick_row(type, &r, err);
    if (st == CLOPT_OK)
        st = env_size("CLOPT_MAX_WORK_GROUP_SIZE", 1, 1u << 20, 0, &forced_wgs, err);
    if (st == CLOPT_OK)
        st = env_size("CLOPT_LOCAL_MEM_SIZE", 0, (size_t)1 << 40, 0, &forced_local, err);
    if (st == CLOPT_OK) st = env_size("CLOPT_TRAJECTORY_LANES", 1, 16, 1, &lanes, err);
    if (st == CLOPT_OK) st = env_size("CLOPT_TRAJECTORY_GROUPS", 1, 64, 0, &groups, err);
    if (st != CLOPT_OK) return st;
    if (forced_wgs < max_wgs) max_wgs = forced_wgs;
    if (forced_local < local) local = forced_local;

    size_t wgs = r->wgs;
    while (wgs > 1 && wgs > max_wgs)
        wgs /= 2;
    /*
     * A work-item's groups are a loop whose iterations are independent: an out-of-order CPU
     * core overlaps the divisions and square roots of consecutive groups, as in a C loop
     * blocked over 256 trajectories. 16 groups of 16 lanes run at 0.83-0.84 of that loop on
     * PoCL (AVX-512, `clopt bench trajectories`, 2026-12-04; CLOPT_TRAJECTORY_GROUPS tries
     * others). A GPU hides the latency with other work-items instead.
     */
    if (!lanes) lanes = r->cpu_shape ? vector_lanes(device) : 1;
    if (!groups) groups = r->cpu_shape ? 16 : 1;
    *out = (clopt_tuning){r->name, wgs,          r->work_per_item,       wgs * r->work_per_item,
                          lanes,   groups,       trajectory_wgs(r, wgs), r->cpu_shape,
                          max_wgs, (size_t)local};
    return CLOPT_OK;
}

int clopt_tuning_shrink(clopt_tuning *t)
{
    if (t->wgs <= 1) return 0;
    t->wgs /= 2;
    t->chunk = t->wgs * t->work_per_item;
    if (t->trajectory_wgs > t->wgs) t->trajectory_wgs = t->wgs;
    return 1;
}
