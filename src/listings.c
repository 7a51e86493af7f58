/*
 * The optimizer catalogue and the OpenCL devices as JSON text, for bindings that reach the
 * library through its C ABI only (python/clopt): the same documents as `clopt optimizers
 * --json` and `clopt devices --json`, so a binding derives its classes from the catalogue.
 */
#include "catalogue_json.h"
#include "device.h"
#include "error.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

char *clopt_optimizers_json(void)
{
    json_t *all = clopt_catalogue_json();
    char *text = all ? json_dumps(all, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(all);
    return text;
}

char *clopt_devices_json(clopt_error *err)
{
    clopt_device_entry *list = NULL, def;
    size_t n = 0;
    clopt_error_clear(err);
    clopt_status s = clopt_device_list(&list, &n, err);
    if (s != CLOPT_OK) return NULL;
    /* No device to pick (none, or $CLOPT_DEVICE names none) is not an error here: the list
     * itself says what exists. Any other failure is. */
    clopt_error sel;
    clopt_error_clear(&sel); /* the first error wins: a fresh one must start clear */
    const clopt_status picked = n > 0 ? clopt_device_select(NULL, &def, &sel) : CLOPT_ENODEVICE;
    if (picked != CLOPT_OK && picked != CLOPT_ENODEVICE) {
        free(list);
        if (err) *err = sel;
        return NULL;
    }
    const int have_default = picked == CLOPT_OK;
    json_t *all = json_array();
    for (size_t i = 0; all && i < n; i++) {
        char pd[24];
        const clopt_device_entry *e = &list[i];
        snprintf(pd, sizeof pd, "%u:%u", e->platform_index, e->device_index);
        json_t *d = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b}", "selector", pd, "platform", e->platform_name,
            "name", e->name, "version", e->version, "type", clopt_device_type_name(e->type),
            "compute_units", (json_int_t)e->compute_units, "global_memory",
            (json_int_t)e->global_mem, "default", have_default && def.device == e->device);
        if (!d || json_array_append_new(all, d) != 0) {
            json_decref(all);
            all = NULL;
        }
    }
    free(list);
    char *text = all ? json_dumps(all, JSON_COMPACT) : NULL;
    json_decref(all);
    if (!text) clopt_error_set(err, CLOPT_ENOMEM, "listing the devices: out of memory");
    return text;
}
