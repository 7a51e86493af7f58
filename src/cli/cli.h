/* The clopt command-line tool: one function per subcommand. */
#ifndef CLOPT_CLI_H
#define CLOPT_CLI_H

#include "clopt/clopt.h"

#include "catalogue.h"
#include "device.h"

#include <jansson.h>
#include <stdio.h>

/* Each returns the process exit status: 0 success, 1 failure, 2 usage error. */
#define CLOPT_CLI_EXIT_STATUS                                                                      \
    "exit status: 0 success, 1 failure (a device, file or computation error), 2 usage error\n"     \
    "(an unknown command or option, a value out of its range).\n"

int clopt_cli_devices(int argc, char **argv);
int clopt_cli_optimizers(int argc, char **argv);
int clopt_cli_functions(int argc, char **argv);
int clopt_cli_landscape(int argc, char **argv);
int clopt_cli_run(int argc, char **argv);
int clopt_cli_explore(int argc, char **argv);
/* clopt explore trainability (argv[1] is "trainability"). */
int clopt_cli_trainability(int argc, char **argv);
int clopt_cli_tune(int argc, char **argv);
int clopt_cli_bench(int argc, char **argv);
int clopt_cli_serve(int argc, char **argv);
int clopt_cli_train(int argc, char **argv);
/* clopt bench step (argv[1] is "step"). */
int clopt_cli_bench_step(int argc, char **argv);
int clopt_cli_bench_muon(int argc, char **argv); /* bench step of a matrix optimizer */
/* clopt bench explore (argv[1] is "explore"). */
int clopt_cli_bench_explore(int argc, char **argv);
/* clopt bench tune (argv[1] is "tune"). */
int clopt_cli_bench_tune(int argc, char **argv);
/* clopt bench gemm (argv[1] is "gemm"). */
int clopt_cli_bench_gemm(int argc, char **argv);

/*
 * One subcommand, "clopt WORD [SUB]": a one-line summary, its --help text (laid out as
 * usage.h says) and the function that runs it, given argv from WORD on.
 */
typedef struct {
    const char *word, *sub;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} clopt_cli_command;

/* Every subcommand, in the order of `clopt --help`; *n is their number. */
const clopt_cli_command *clopt_cli_commands(size_t *n);

/*
 * A command of several (clopt bench, clopt explore) given no word, -h or --help: prints the
 * usage of each of its subcommands, to stderr with no word (returns 2), else to stdout
 * (returns 0). -1 when argv[1] is another word.
 */
int clopt_cli_group_help(const char *word, int argc, char **argv);

/* Reports argv[1] of clopt WORD as an unknown <what> among WORD's subcommands; returns 2. */
int clopt_cli_group_unknown(const char *word, const char *what, const char *arg);

/* The --help texts, one per subcommand. */
extern const char clopt_cli_devices_usage[], clopt_cli_optimizers_usage[],
    clopt_cli_functions_usage[], clopt_cli_run_usage[], clopt_cli_landscape_usage[],
    clopt_cli_bench_trajectories_usage[], clopt_cli_bench_step_usage[], clopt_cli_serve_usage[],
    clopt_cli_train_usage[], clopt_cli_explore_basins_usage[], clopt_cli_explore_sweep_usage[],
    clopt_cli_explore_trainability_usage[], clopt_cli_bench_explore_usage[], clopt_cli_tune_usage[],
    clopt_cli_bench_tune_usage[], clopt_cli_bench_gemm_usage[];
/* clopt's own options (--help, --version, --man, --list), in the same layout. */
extern const char clopt_cli_options_usage[];

/* "Optimizers (SGD, ..., Nadam) as OpenCL kernels ...": what clopt is, from the catalogue;
 * free() it. NULL when out of memory. */
char *clopt_cli_about(void);

/*
 * Hyperparameter params[i] of `info` as clopt optimizers (and the man page) lists it: its
 * default ("0.001", "True", "5", "original"), in num or a static text, and the values it
 * takes, p's range as clopt_range_text words it or a choice's words in quotes ("original"
 * or "match_rms_adamw"), in buf or a static text.
 */
const char *clopt_cli_param_default(const clopt_optimizer_info *info, size_t i, char num[32]);
const char *clopt_cli_param_range(const clopt_optimizer_info *info, clopt_param p, char buf[128]);

/* The man page clopt(1) as roff (clopt --man): the --help texts and the catalogues. */
int clopt_cli_man(FILE *out);

/* One OpenCL device as JSON (clopt devices --json, the server's /api/v1/devices). */
json_t *clopt_cli_device_json(const clopt_device_entry *e);

/* One catalogue entry as JSON (clopt functions --json, the server's /api/v1/functions). */
json_t *clopt_cli_function_json(const clopt_function_info *f);

#endif
