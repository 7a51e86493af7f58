/*
 * The --help texts of the subcommands, read as data. Every text has one layout:
 *
 *   usage: clopt NAME [--option VALUE]... [--flag]      synopsis, continued on indented lines
 *                                                         until a blank line
 *   A description in paragraphs (lines that start with a letter or a quote), blank lines
 *   between them.
 *
 *     --option VALUE   what it does; continued on lines    option lines: two spaces, the
 *                      indented by more than two spaces    option, two or more spaces, the text
 *
 * so that the options a command knows (for "did you mean", `clopt --list options` and the
 * shell completion) and the man page come from the text a person reads, not from copies.
 */
#ifndef CLOPT_CLI_USAGE_H
#define CLOPT_CLI_USAGE_H

#include <stddef.h>
#include <stdio.h>

#define CLI_MAX_OPTIONS 48
#define CLI_MAX_NAME 32

typedef struct {
    char name[CLI_MAX_NAME]; /* "--steps" */
    char
        value[CLI_MAX_NAME]; /* its value's name in the synopsis ("N", "json|csv"), "" for a flag */
} cli_option;

/*
 * The options a usage text names (synopsis and option lines), each once, in order of first
 * appearance, then -h and --help; returns how many (at most max).
 */
size_t cli_usage_options(const char *usage, cli_option *out, size_t max);

/*
 * Reports an argument that no option of `usage` matched as one line on stderr:
 * "<cmd>: unknown option '--funtion'; did you mean '--function'?" (the closest option by
 * clopt_suggest, never the one typed) or, with none close, the list of options; a flag given
 * a value, "<cmd>: --json takes no value; given '--json=1'". Returns 2 (usage error).
 */
int cli_unknown_option(const char *cmd, const char *arg, const char *usage);

/*
 * Reports an unknown word among `names` as one line on stderr: "<cmd>: unknown <what> 'rn';
 * did you mean 'run'?" or the list of known words. Returns 2.
 */
int cli_unknown_word(const char *cmd, const char *what, const char *word, const char *const *names,
                     size_t n);

/* Writes a usage text as man page (roff) source: synopsis, paragraphs, tagged options. */
void cli_usage_roff(FILE *out, const char *usage);

/* Writes text with roff's special characters escaped (backslash, '-', a leading '.'/'\''). */
void cli_roff_text(FILE *out, const char *text, size_t len);

#endif
