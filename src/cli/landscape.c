/* clopt landscape: a test function on a grid, as the JSON the server also answers. */
#include "cli.h"

#include "args.h"
#include "error.h"
#include "functions.h"
#include "server/frames.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt landscape"

/* The landscape as the server's JSON text (malloc'd); NULL with err filled. */
static char *landscape_text(clopt_context *ctx, const char *function, size_t nx, size_t ny,
                            const double *view, clopt_error *err)
{
    clopt_function_ref f;
    if (clopt_function_resolve(function, &f, NULL, err) != CLOPT_OK) {
        clopt_function_ref_release(&f);
        return NULL;
    }
    double own[4];
    if (!view) {
        memcpy(own, f.info->view, sizeof own);
        view = own;
    }
    float lo, hi;
    float *values = malloc(nx * ny * sizeof *values);
    char *text = NULL;
    size_t len;
    if (!values)
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for a %zu x %zu landscape", nx, ny);
    else if (clopt_landscape(ctx, function, nx, ny, view, values, &lo, &hi, err) == CLOPT_OK &&
             !(text = srv_frame_landscape(f.info->name, nx, ny, view, lo, hi, values, &len)))
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
    free(values);
    clopt_function_ref_release(&f);
    return text;
}

const char clopt_cli_landscape_usage[] =
    "usage: clopt landscape --function F [--nx 256] [--ny 256] [--view x0,x1,y0,y1]\n"
    "                       [--device SEL]\n"
    "\n"
    "Prints f on an nx x ny grid over the view as JSON: {\"function\", \"nx\", \"ny\", \"view\",\n"
    "\"min\", \"max\", \"values\"}, the values row-major, row 0 at y0, null where f is not\n"
    "finite, min and max over the finite ones; computed on the OpenCL device.\n"
    "\n"
    "  --function F      a test function: a name that clopt functions lists, or an expression\n"
    "                    in x and y such as 'x^2 + 3*y^2'\n"
    "  --nx N, --ny N    grid points along x and y, 2 .. 4096 each (default 256)\n"
    "  --view x0,x1,y0,y1  the rectangle, x0 < x1 and y0 < y1 (default: the function's)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

int clopt_cli_landscape(int argc, char **argv)
{
    const char *function = NULL, *device = NULL;
    uint64_t nx = 256, ny = 256;
    double view[4];
    int has_view = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(clopt_cli_landscape_usage, stdout);
            return 0;
        }
        if ((v = cli_value(CMD, argc, argv, &i, "--function", &bad)))
            function = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--nx", &bad))) {
            if (cli_u64(CMD, "--nx", v, 2, 4096, &nx)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--ny", &bad))) {
            if (cli_u64(CMD, "--ny", v, 2, 4096, &ny)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--view", &bad))) {
            if (cli_numbers(CMD, "--view", v, 4, view)) return 2;
            if (!(view[0] < view[1]) || !(view[2] < view[3])) {
                fprintf(stderr, CMD ": --view = '%s': expected x0 < x1 and y0 < y1\n", v);
                return 2;
            }
            has_view = 1;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            device = v;
        else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_landscape_usage);
        if (bad) return 2;
    }
    clopt_error err;
    if (!function) {
        fputs(CMD ": --function is required (see clopt functions)\n", stderr);
        return 2;
    }
    const int bad_function = cli_function(CMD, function);
    if (bad_function) return bad_function;
    clopt_context *ctx = clopt_context_create(device, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    char *text =
        landscape_text(ctx, function, (size_t)nx, (size_t)ny, has_view ? view : NULL, &err);
    clopt_context_release(ctx);
    if (!text) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_EINVAL ? 2 : 1;
    }
    const int rc = puts(text) >= 0 ? 0 : 1;
    free(text);
    return rc;
}
