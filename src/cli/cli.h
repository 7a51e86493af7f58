/* The clopt command-line tool: one function per subcommand. */
#ifndef CLOPT_CLI_H
#define CLOPT_CLI_H

#include "clopt/clopt.h"

#include <jansson.h>

/* Each returns the process exit status: 0 success, 1 failure, 2 usage error. */
int clopt_cli_devices(int argc, char **argv);
int clopt_cli_optimizers(int argc, char **argv);
int clopt_cli_functions(int argc, char **argv);
int clopt_cli_landscape(int argc, char **argv);
int clopt_cli_run(int argc, char **argv);
int clopt_cli_bench(int argc, char **argv);
int clopt_cli_serve(int argc, char **argv);
int clopt_cli_train(int argc, char **argv);
/* clopt bench step (argv[1] is "step"). */
int clopt_cli_bench_step(int argc, char **argv);

/* One catalogue entry as JSON (clopt functions --json, the server's /api/v1/functions). */
json_t *clopt_cli_function_json(const clopt_function_info *f);

/*
 * {"function","nx","ny","view","min","max","values"} for a landscape computed on ctx's
 * device (clopt landscape, the server's /api/v1/landscape); NULL with err filled.
 */
json_t *clopt_cli_landscape_json(clopt_context *ctx, const char *function, size_t nx,
                                 size_t ny, const double *view, clopt_error *err);

#endif
