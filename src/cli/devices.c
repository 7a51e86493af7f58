/* clopt devices: every OpenCL device, with the one a plain selector picks marked. */
#include "cli.h"

#include "server/frames.h"

#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt devices"

const char clopt_cli_devices_usage[] =
    "usage: clopt devices [--json]\n"
    "\n"
    "Lists the OpenCL devices as P:D (platform and device index, the selector of --device\n"
    "and CLOPT_DEVICE) with their platform, name, type, compute units and memory; '*' marks\n"
    "the device that a command uses when given no selector.\n"
    "\n"
    "  --json  the same as a JSON array: selector, platform, name, version, type,\n"
    "          compute_units, global_memory (bytes) and default for each device\n";

json_t *clopt_cli_device_json(const clopt_device_entry *e)
{
    return srv_device_json(e); /* the server's: it answers GET /api/v1/devices with it */
}

static int print_json(const clopt_device_entry *list, size_t n, const clopt_device_entry *def)
{
    json_t *all = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *d = clopt_cli_device_json(&list[i]);
        json_object_set_new(d, "default", json_boolean(def && def->device == list[i].device));
        json_array_append_new(all, d);
    }
    int rc = json_dumpf(all, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(all);
    return rc;
}

static size_t widest(size_t w, const char *s)
{
    const size_t len = strlen(s);
    return len > w ? len : w;
}

/* A table whose columns are as wide as what they hold, nothing cut. */
static void print_table(const clopt_device_entry *list, size_t n, const clopt_device_entry *def)
{
    int wp = 3, wplat = 8, wname = 6, wtype = 4;
    char pd[24];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(pd, sizeof pd, "%u:%u", list[i].platform_index, list[i].device_index);
        wp = len > wp ? len : wp;
        wplat = (int)widest((size_t)wplat, list[i].platform_name);
        wname = (int)widest((size_t)wname, list[i].name);
        wtype = (int)widest((size_t)wtype, clopt_device_type_name(list[i].type));
    }
    printf("  %-*s  %-*s  %-*s  %-*s  %5s  %10s\n", wp, "P:D", wplat, "platform", wname, "device",
           wtype, "type", "units", "memory");
    for (size_t i = 0; i < n; i++) {
        const clopt_device_entry *e = &list[i];
        snprintf(pd, sizeof pd, "%u:%u", e->platform_index, e->device_index);
        printf("%c %-*s  %-*s  %-*s  %-*s  %5u  %6.1f GiB\n",
               def && def->device == e->device ? '*' : ' ', wp, pd, wplat, e->platform_name, wname,
               e->name, wtype, clopt_device_type_name(e->type), e->compute_units,
               (double)e->global_mem / (1024.0 * 1024.0 * 1024.0));
    }
}

int clopt_cli_devices(int argc, char **argv)
{
    int json;
    const int status = cli_listing_options(CMD, clopt_cli_devices_usage, argc, argv, &json);
    if (status) return status < 0 ? 0 : status; /* -1: --help was printed */
    clopt_error err;
    clopt_device_entry *list, def;
    size_t n;
    if (clopt_device_list(&list, &n, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return 1;
    }
    if (n == 0) {
        fputs(CMD ": no OpenCL device found (on Debian: apt-get install pocl-opencl-icd)\n",
              stderr);
        free(list);
        return 1;
    }
    const int have_default = clopt_device_select(NULL, &def, &err) == CLOPT_OK;
    int rc = 0;
    if (json)
        rc = print_json(list, n, have_default ? &def : NULL);
    else
        print_table(list, n, have_default ? &def : NULL);
    if (!have_default) fprintf(stderr, CMD ": CLOPT_DEVICE selects nothing: %s\n", err.text);
    free(list);
    return rc;
}
