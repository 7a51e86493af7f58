/* OpenCL platforms and devices: listing them and resolving a device selector. */
#ifndef CLOPT_DEVICE_H
#define CLOPT_DEVICE_H

#include "clopt/clopt.h"

typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    unsigned platform_index, device_index; /* the "P:D" of the selector */
    cl_device_type type;
    char name[128];
    char platform_name[128];
    char version[128];
    cl_uint compute_units;
    cl_ulong global_mem;
} clopt_device_entry;

/* Every device of every platform, in platform then device order; free *out with free(). */
clopt_status clopt_device_list(clopt_device_entry **out, size_t *n, clopt_error *err);

/*
 * Resolves a selector ("cpu", "gpu", "P:D", a name substring; NULL: $CLOPT_DEVICE, else the
 * first CPU device, else the first device) to one device.
 */
clopt_status clopt_device_select(const char *selector, clopt_device_entry *out, clopt_error *err);

/*
 * The same, for one of several processes: the (k mod count)-th of the count devices the
 * selector matches ("gpu" on a machine with four GPUs: k = 5 takes the second). Without a
 * selector, of the CPU devices, else of all devices.
 */
clopt_status clopt_device_select_nth(const char *selector, size_t k, clopt_device_entry *out,
                                     clopt_error *err);

/* "CPU", "GPU", "accelerator" or "other". */
const char *clopt_device_type_name(cl_device_type type);

#endif
