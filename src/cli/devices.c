/* clopt devices: every OpenCL device, with the one a plain selector picks marked. */
#include "cli.h"

#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int clopt_cli_devices(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("usage: clopt devices\n\nLists OpenCL devices as P:D (the selector of "
             "--device and CLOPT_DEVICE);\n'*' marks the default device.");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "clopt devices: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    clopt_error err;
    clopt_device_entry *list, def;
    size_t n;
    if (clopt_device_list(&list, &n, &err) != CLOPT_OK) {
        fprintf(stderr, "clopt devices: %s\n", err.text);
        return 1;
    }
    if (n == 0) {
        fputs("clopt devices: no OpenCL device found (on Debian: apt-get install "
              "pocl-opencl-icd)\n",
              stderr);
        return 1;
    }
    int have_default = clopt_device_select(NULL, &def, &err) == CLOPT_OK;
    printf("  %-5s %-12s %-42s %-6s %5s %10s\n", "P:D", "platform", "device", "type", "units",
           "memory");
    for (size_t i = 0; i < n; i++) {
        const clopt_device_entry *e = &list[i];
        char pd[24];
        snprintf(pd, sizeof pd, "%u:%u", e->platform_index, e->device_index);
        printf("%c %-5s %-12.12s %-42.42s %-6s %5u %7.1f GiB\n",
               have_default && def.device == e->device ? '*' : ' ', pd, e->platform_name,
               e->name, clopt_device_type_name(e->type), e->compute_units,
               (double)e->global_mem / (1024.0 * 1024.0 * 1024.0));
    }
    if (!have_default)
        fprintf(stderr, "clopt devices: CLOPT_DEVICE selects nothing: %s\n", err.text);
    free(list);
    return 0;
}
