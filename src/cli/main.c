/* clopt: the command-line tool. Dispatches to one function per subcommand. */
#include "cli.h"

#include "catalogue_json.h"
#include "usage.h"

#include "clopt/clopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const clopt_cli_command commands[] = {
    {"devices", NULL, "list OpenCL platforms and devices (and the default one)",
     clopt_cli_devices_usage, clopt_cli_devices},
    {"optimizers", NULL, "list optimizers, hyperparameters, defaults and ranges",
     clopt_cli_optimizers_usage, clopt_cli_optimizers},
    {"functions", NULL, "list the 2-D test functions", clopt_cli_functions_usage,
     clopt_cli_functions},
    {"run", NULL, "run optimizers on a test function, print trajectories", clopt_cli_run_usage,
     clopt_cli_run},
    {"landscape", NULL, "print a test function on a grid, as JSON", clopt_cli_landscape_usage,
     clopt_cli_landscape},
    {"explore", "basins", "which minimum each start of a grid reaches, and when",
     clopt_cli_explore_basins_usage, clopt_cli_explore},
    {"explore", "sweep", "final f over a grid of one or two hyperparameters",
     clopt_cli_explore_sweep_usage, clopt_cli_explore},
    {"explore", "trainability", "which per-layer learning rates train a small network",
     clopt_cli_explore_trainability_usage, clopt_cli_explore},
    {"tune", NULL, "tune each optimizer on the same starts and budget, then rank them",
     clopt_cli_tune_usage, clopt_cli_tune},
    {"bench", "trajectories", "measure the engine against C loops",
     clopt_cli_bench_trajectories_usage, clopt_cli_bench},
    {"bench", "step", "measure an optimizer step against the memory bound",
     clopt_cli_bench_step_usage, clopt_cli_bench},
    {"bench", "explore", "measure a basin map against runs and a C loop",
     clopt_cli_bench_explore_usage, clopt_cli_bench},
    {"bench", "tune", "measure clopt tune: every optimizer x 25 lr values x 64 starts",
     clopt_cli_bench_tune_usage, clopt_cli_bench},
    {"bench", "gemm", "measure the training's matrix products against OpenBLAS",
     clopt_cli_bench_gemm_usage, clopt_cli_bench},
    {"serve", NULL, "serve the page and the JSON API on 127.0.0.1:8080", clopt_cli_serve_usage,
     clopt_cli_serve},
    {"train", NULL, "train an MLP on Fashion-MNIST with each optimizer", clopt_cli_train_usage,
     clopt_cli_train},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

const clopt_cli_command *clopt_cli_commands(size_t *n)
{
    *n = NCOMMANDS;
    return commands;
}

int clopt_cli_group_help(const char *word, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--help") != 0) return -1;
    FILE *out = argc < 2 ? stderr : stdout;
    int first = 1;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].word, word)) {
            if (!first) fputc('\n', out);
            fputs(commands[i].usage, out);
            first = 0;
        }
    return argc < 2 ? 2 : 0;
}

int clopt_cli_group_unknown(const char *word, const char *what, const char *arg)
{
    const char *subs[NCOMMANDS];
    size_t n = 0;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].word, word)) subs[n++] = commands[i].sub;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "clopt %s", word);
    return cli_unknown_word(cmd, what, arg, subs, n);
}

const char clopt_cli_options_usage[] =
    "usage: clopt [-h | --help | --version | --man | --list WHAT]\n"
    "\n"
    "  -h, --help           show this help\n"
    "  --version            show the version\n"
    "  --man                print the manual page clopt(1) as roff (clopt --man | man -l -)\n"
    "  --list WHAT          print names one per line, for shell completion and scripts:\n"
    "                       commands [COMMAND] (the words that may follow clopt [COMMAND]),\n"
    "                       options COMMAND [SUB] (with the value each takes), optimizers,\n"
    "                       functions, devices (selectors)\n";

/* "SGD, RMSprop, ..." from the catalogue, so that the text grows with it. */
char *clopt_cli_about(void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    json_t *all = clopt_catalogue_json();
    fputs("Optimizers as OpenCL kernels, on any OpenCL 1.2 device: ", f);
    for (size_t i = 0; i < json_array_size(all); i++)
        fprintf(f, "%s%s", i ? ", " : "",
                json_string_value(json_object_get(json_array_get(all, i), "name")));
    fputs(" (clopt optimizers lists them with their hyperparameters). They run on 2-D test "
          "functions (clopt run, clopt landscape), behind a web page that draws the "
          "trajectories live (clopt serve), and train a multilayer perceptron on "
          "Fashion-MNIST (clopt train).",
          f);
    json_decref(all);
    return fclose(f) == 0 ? text : (free(text), NULL);
}

/* Words wrapped at `width` columns. */
static void print_wrapped(FILE *out, const char *text, size_t width)
{
    size_t col = 0;
    for (const char *p = text; *p;) {
        const size_t len = strcspn(p, " ");
        if (col && col + 1 + len > width) {
            fputc('\n', out);
            col = 0;
        } else if (col) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, len, out);
        col += len;
        p += len + (p[len] == ' ');
    }
    fputc('\n', out);
}

static void print_usage(FILE *out)
{
    fputs("usage: clopt <command> [options]\n\n", out);
    char *about = clopt_cli_about();
    if (about) print_wrapped(out, about, 90);
    free(about);
    fputs("\ncommands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char name[40];
        snprintf(name, sizeof name, "%s%s%s", commands[i].word, commands[i].sub ? " " : "",
                 commands[i].sub ? commands[i].sub : "");
        fprintf(out, "  %-19s  %s\n", name, commands[i].summary);
    }
    fputs("\noptions:\n", out);
    fputs(strstr(clopt_cli_options_usage, "\n\n") + 2, out);
    fputs("\nDevice selectors (CLOPT_DEVICE, --device): cpu, gpu, P:D, or part of a device name.\n"
          "Each command takes --help; man clopt describes them all.\n\n" CLOPT_CLI_EXIT_STATUS,
          out);
}

/* The distinct words that may follow "clopt" (word NULL) or "clopt word". */
static size_t next_words(const char *word, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const char *w = word ? commands[i].sub : commands[i].word;
        if (!w || (word && strcmp(commands[i].word, word)) || (n && !strcmp(out[n - 1], w)))
            continue;
        out[n++] = w;
    }
    return n;
}

static const clopt_cli_command *find(const char *word, const char *sub)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].word, word) &&
            (!commands[i].sub || (sub && !strcmp(commands[i].sub, sub))))
            return &commands[i];
    return NULL;
}

/* clopt --list WHAT [...]: names one per line, what the shell completion asks for. */
static int list(int argc, char **argv)
{
    const char *what = argc > 0 ? argv[0] : "";
    if (!strcmp(what, "commands") && argc <= 2) {
        const char *words[NCOMMANDS];
        const size_t n = next_words(argc == 2 ? argv[1] : NULL, words);
        for (size_t i = 0; i < n; i++)
            puts(words[i]);
        return 0;
    }
    if (!strcmp(what, "options") && (argc == 2 || argc == 3)) {
        const clopt_cli_command *c = find(argv[1], argc == 3 ? argv[2] : NULL);
        const char *subs[NCOMMANDS] = {NULL};
        const size_t nsubs = argc == 2 ? next_words(argv[1], subs) : 0;
        if (!c && nsubs) { /* clopt --list options explore: which explore? */
            fprintf(stderr, "clopt --list options: %s needs its subcommand:", argv[1]);
            for (size_t i = 0; i < nsubs; i++)
                fprintf(stderr, "%s %s", i == 0 ? "" : i + 1 < nsubs ? "," : " or", subs[i]);
            fputc('\n', stderr);
            return 2;
        }
        if (!c) {
            fprintf(stderr, "clopt --list options: no command '%s%s%s'\n", argv[1],
                    argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
            return 2;
        }
        cli_option opts[CLI_MAX_OPTIONS];
        const size_t n = cli_usage_options(c->usage, opts, CLI_MAX_OPTIONS);
        for (size_t i = 0; i < n; i++)
            printf("%s%s%s\n", opts[i].name, *opts[i].value ? " " : "", opts[i].value);
        return 0;
    }
    if (!strcmp(what, "optimizers") && argc == 1) {
        json_t *all = clopt_catalogue_json();
        for (size_t i = 0; i < json_array_size(all); i++)
            puts(json_string_value(json_object_get(json_array_get(all, i), "key")));
        json_decref(all);
        return 0;
    }
    if (!strcmp(what, "functions") && argc == 1) {
        for (size_t i = 0; i < clopt_function_count(); i++)
            puts(clopt_function_get(i)->name);
        return 0;
    }
    if (!strcmp(what, "devices") && argc == 1) {
        clopt_device_entry *devices;
        size_t n;
        clopt_error err;
        puts("cpu\ngpu");
        if (clopt_device_list(&devices, &n, &err) != CLOPT_OK) {
            fprintf(stderr, "clopt --list devices: %s\n", err.text);
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            printf("%u:%u\n", devices[i].platform_index, devices[i].device_index);
        free(devices);
        return 0;
    }
    static const char *const kinds[] = {"commands", "options", "optimizers", "functions",
                                        "devices"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(what, kinds[i])) {
            fprintf(stderr, "clopt --list %s: wrong number of arguments (see clopt --help)\n",
                    what);
            return 2;
        }
    return cli_unknown_word("clopt --list", "list", what, kinds, sizeof kinds / sizeof *kinds);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        print_usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("clopt %s\n", clopt_version());
        return 0;
    }
    if (!strcmp(cmd, "--man")) {
        for (int i = 2; i < argc; i++)
            if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
                print_usage(stdout);
                return 0;
            }
        return argc == 2 ? clopt_cli_man(stdout) : cli_unknown_option("clopt --man", argv[2], "");
    }
    if (!strcmp(cmd, "--list")) return list(argc - 2, argv + 2);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].word)) return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-') return cli_unknown_option("clopt", cmd, clopt_cli_options_usage);
    const char *words[NCOMMANDS];
    return cli_unknown_word("clopt", "command", cmd, words, next_words(NULL, words));
}
