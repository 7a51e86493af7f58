/* The clopt command-line tool: one function per subcommand. */
#ifndef CLOPT_CLI_H
#define CLOPT_CLI_H

/* Each returns the process exit status: 0 success, 1 failure, 2 usage error. */
int clopt_cli_devices(int argc, char **argv);
int clopt_cli_optimizers(int argc, char **argv);

#endif
