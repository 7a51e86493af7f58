/* Option parsing shared by the subcommands: "--name value" or "--name=value". */
#ifndef CLOPT_CLI_ARGS_H
#define CLOPT_CLI_ARGS_H

#include "clopt/clopt.h"

#include <stdint.h>

/*
 * If argv[*i] is option `name`, returns its value (advancing *i past it) or, when the value
 * is missing, prints "<cmd>: <name> needs a value" and sets *bad. Otherwise NULL.
 */
const char *cli_value(const char *cmd, int argc, char **argv, int *i, const char *name, int *bad);

/* Parse a whole argument or print "<cmd>: <opt> = '<text>': expected ..." and return -1. */
int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t min, uint64_t max,
            uint64_t *out);
int cli_double(const char *cmd, const char *opt, const char *text, double *out);
/* "X,Y" or "A,B,C,D": n finite numbers separated by commas. */
int cli_numbers(const char *cmd, const char *opt, const char *text, int n, double *out);

/*
 * --vary NAME=LO:HI:N[:log] into *ax, its name copied into `name` (CLI_VARY_NAME bytes,
 * which ax->name then points to); on a malformed text prints "<cmd>: --vary = '<text>':
 * expected ..." and returns -1. The values themselves are checked with the spec.
 */
#define CLI_VARY_NAME 64
int cli_vary(const char *cmd, const char *text, clopt_explore_axis *ax, char *name);

/*
 * Checks a --function value (a catalogue name or an expression); on error prints
 * "<cmd>: <sentence>" and, for an expression, the text with a caret under the column,
 * and returns 2. 0 when it is fine.
 */
int cli_function(const char *cmd, const char *function);

/*
 * The options of a listing (clopt devices, functions, optimizers): --json, -h and --help.
 * 0 with *json set; -1 when --help printed the usage; 2 on any other argument (printed).
 */
int cli_listing_options(const char *cmd, const char *usage, int argc, char **argv, int *json);

#endif
