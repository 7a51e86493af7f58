/* Device listing and the selector of docs/library.md ("cpu", "gpu", "P:D", name substring). */
#include "device.h"

#include "error.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *clopt_device_type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU) return "GPU";
    if (type & CL_DEVICE_TYPE_CPU) return "CPU";
    if (type & CL_DEVICE_TYPE_ACCELERATOR) return "accelerator";
    return "other";
}

static void describe(clopt_device_entry *e)
{
    /* Missing details are left empty rather than failing the whole listing. */
    clGetDeviceInfo(e->device, CL_DEVICE_NAME, sizeof e->name, e->name, NULL);
    clGetDeviceInfo(e->device, CL_DEVICE_VERSION, sizeof e->version, e->version, NULL);
    clGetDeviceInfo(e->device, CL_DEVICE_TYPE, sizeof e->type, &e->type, NULL);
    clGetDeviceInfo(e->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof e->compute_units,
                    &e->compute_units, NULL);
    clGetDeviceInfo(e->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof e->global_mem, &e->global_mem,
                    NULL);
    clGetPlatformInfo(e->platform, CL_PLATFORM_NAME, sizeof e->platform_name, e->platform_name,
                      NULL);
}

clopt_status clopt_device_list(clopt_device_entry **out, size_t *n, clopt_error *err)
{
    cl_platform_id *platforms = NULL;
    cl_device_id *devices = NULL;
    clopt_device_entry *list = NULL;
    size_t count = 0;
    cl_uint nplat = 0;
    clopt_status st = CLOPT_OK;
    *out = NULL;
    *n = 0;

    cl_int rc = clGetPlatformIDs(0, NULL, &nplat);
    if (rc == -1001) /* CL_PLATFORM_NOT_FOUND_KHR: no ICD installed */
        return CLOPT_OK;
    CLOPT_CL_CHECK_RC(err, "listing OpenCL platforms", "clGetPlatformIDs", rc);
    if (nplat == 0) return CLOPT_OK;
    platforms = calloc(nplat, sizeof *platforms);
    if (!platforms) goto nomem;
    CLOPT_CL_CHECK(err, "listing OpenCL platforms", clGetPlatformIDs(nplat, platforms, NULL));
    /* A platform whose devices cannot be listed (a broken driver beside a working one) is
     * passed over; only when no device is left does its error become the answer. */
    cl_int skipped = CL_SUCCESS;
    for (cl_uint p = 0; p < nplat; p++) {
        cl_uint ndev = 0;
        rc = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &ndev);
        if (rc == CL_DEVICE_NOT_FOUND || (rc == CL_SUCCESS && ndev == 0))
            continue; /* a platform without devices is not an error */
        if (rc != CL_SUCCESS) {
            skipped = rc;
            continue;
        }
        clopt_device_entry *grown = realloc(list, (count + ndev) * sizeof *list);
        if (!grown) goto nomem;
        list = grown; /* before the next allocation: realloc may have freed the old list */
        devices = calloc(ndev, sizeof *devices);
        if (!devices) goto nomem;
        rc = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, ndev, devices, NULL);
        if (rc != CL_SUCCESS) {
            skipped = rc;
            ndev = 0;
        }
        for (cl_uint d = 0; d < ndev; d++) {
            clopt_device_entry *e = &list[count++];
            memset(e, 0, sizeof *e);
            e->platform = platforms[p];
            e->device = devices[d];
            e->platform_index = p;
            e->device_index = d;
            describe(e);
        }
        free(devices);
        devices = NULL;
    }
    if (count == 0) CLOPT_CL_CHECK_RC(err, "listing OpenCL devices", "clGetDeviceIDs", skipped);
    free(platforms);
    *out = list;
    *n = count;
    return CLOPT_OK;
nomem:
    st = clopt_error_set(err, CLOPT_ENOMEM, "out of memory while listing OpenCL devices");
fail:
    free(platforms);
    free(devices);
    free(list);
    return clopt_fail_status(st);
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

static bool parse_index(const char *s, unsigned *p, unsigned *d)
{
    char tail;
    return isdigit((unsigned char)s[0]) && sscanf(s, "%u:%u%c", p, d, &tail) == 2;
}

/* Whether entry e is selected by sel ("cpu", "gpu", "P:D" or a part of the name). */
static bool matches(const char *sel, const clopt_device_entry *e)
{
    unsigned p, d;
    if (parse_index(sel, &p, &d)) return e->platform_index == p && e->device_index == d;
    if (strcasecmp(sel, "cpu") == 0) return (e->type & CL_DEVICE_TYPE_CPU) != 0;
    if (strcasecmp(sel, "gpu") == 0) return (e->type & CL_DEVICE_TYPE_GPU) != 0;
    return contains_nocase(e->name, sel);
}

/* The (k mod count)-th of the count devices that sel selects; NULL if none. */
static const clopt_device_entry *match(const char *sel, const clopt_device_entry *list, size_t n,
                                       size_t k)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += matches(sel, &list[i]);
    if (count == 0) return NULL;
    k %= count;
    for (size_t i = 0; i < n; i++)
        if (matches(sel, &list[i]) && k-- == 0) return &list[i];
    return NULL;
}

static clopt_status no_match(const char *sel, const clopt_device_entry *list, size_t n,
                             clopt_error *err)
{
    char names[200] = "";
    for (size_t i = 0; i < n; i++) {
        char one[180];
        snprintf(one, sizeof one, "%s%u:%u %s (%s)", i ? "; " : "", list[i].platform_index,
                 list[i].device_index, list[i].name, clopt_device_type_name(list[i].type));
        strncat(names, one, sizeof names - strlen(names) - 1);
    }
    return clopt_error_set(err, CLOPT_ENODEVICE,
                           "no OpenCL device matches '%.40s' (expected cpu, gpu, P:D or part "
                           "of a device name); devices: %s",
                           sel, names);
}

clopt_status clopt_device_select(const char *selector, clopt_device_entry *out, clopt_error *err)
{
    return clopt_device_select_nth(selector, 0, out, err);
}

clopt_status clopt_device_select_nth(const char *selector, size_t k, clopt_device_entry *out,
                                     clopt_error *err)
{
    clopt_device_entry *list;
    size_t n;
    clopt_status st = clopt_device_list(&list, &n, err);
    if (st != CLOPT_OK) return st;
    if (n == 0)
        return clopt_error_set(err, CLOPT_ENODEVICE,
                               "no OpenCL device found: no platform is installed (on Debian, "
                               "apt-get install pocl-opencl-icd gives a CPU device)");
    const char *sel = selector ? selector : getenv("CLOPT_DEVICE");
    const clopt_device_entry *hit;
    if (sel && *sel) {
        hit = match(sel, list, n, k);
    } else if (selector) {
        hit = NULL; /* an explicit empty selector is a mistake, not "default" */
    } else {
        hit = match("cpu", list, n, k);
        if (!hit) hit = &list[k % n];
    }
    if (hit)
        *out = *hit;
    else
        st = no_match(sel ? sel : "", list, n, err);
    free(list);
    return st;
}
