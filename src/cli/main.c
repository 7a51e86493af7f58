/* clopt: the command-line tool. Dispatches to one function per subcommand. */
#include "cli.h"

#include "clopt/clopt.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: clopt <command> [options]\n"
    "\n"
    "Keras 1.x optimizers as OpenCL kernels, on any OpenCL device.\n"
    "\n"
    "commands:\n"
    "  devices              list OpenCL platforms and devices (and the default one)\n"
    "  optimizers [--json]  list optimizers, hyperparameters, defaults and ranges\n"
    "  functions [--json]   list the 2-D test functions\n"
    "  run                  run optimizers on a test function, print trajectories\n"
    "  landscape            print a test function on a grid, as JSON\n"
    "  bench trajectories   measure the engine against C loops\n"
    "  bench step           measure an optimizer step against the memory bound\n"
    "  serve                serve the page and the JSON API on 127.0.0.1:8080\n"
    "  train                train an MLP on Fashion-MNIST with each optimizer\n"
    "\n"
    "options:\n"
    "  -h, --help           show this help\n"
    "  --version            show the version\n"
    "\n"
    "Device selectors (CLOPT_DEVICE, --device): cpu, gpu, P:D, or part of a device name.\n"
    "Each command takes --help.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("clopt %s\n", clopt_version());
        return 0;
    }
    if (strcmp(cmd, "devices") == 0)
        return clopt_cli_devices(argc - 1, argv + 1);
    if (strcmp(cmd, "optimizers") == 0)
        return clopt_cli_optimizers(argc - 1, argv + 1);
    if (strcmp(cmd, "functions") == 0)
        return clopt_cli_functions(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return clopt_cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return clopt_cli_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "train") == 0)
        return clopt_cli_train(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0)
        return clopt_cli_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "landscape") == 0)
        return clopt_cli_landscape(argc - 1, argv + 1);
    fprintf(stderr, "clopt: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
