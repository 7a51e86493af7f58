/*
 * clopt --man: the manual page clopt(1), written from what the tool itself knows: every
 * subcommand's --help text (one section each), the optimizer and function catalogues, the
 * exit statuses. The build runs it to make the installed page, so the page cannot drift from
 * the tool.
 */
#include "cli.h"

#include "usage.h"

#include "clopt/clopt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void text(FILE *out, const char *s)
{
    /* Each line on its own, so that a '.' after a newline is escaped too. */
    while (*s) {
        const size_t len = strcspn(s, "\n");
        cli_roff_text(out, s, len);
        fputc('\n', out);
        s += len + (s[len] == '\n');
    }
}

/* The bold tag of a .TP entry, on one line. */
static void tag(FILE *out, const char *name)
{
    fputs(".TP\n\\fB", out);
    cli_roff_text(out, name, strlen(name));
    fputs("\\fR\n", out);
}

static void number(FILE *out, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", v);
    cli_roff_text(out, buf, strlen(buf));
}

/* Text of the catalogue (a default, a range), escaped. */
static void plain(FILE *out, const char *s)
{
    cli_roff_text(out, s, strlen(s));
}

/* One hyperparameter in italics: "lr = 0.001 (a finite number >= 0)". */
static void param(FILE *out, const char *name, const char *def, const char *range, int first)
{
    fputs(first ? "\\fI" : ", \\fI", out);
    plain(out, name);
    fputs("\\fR", out);
    if (def) {
        fputs(" = ", out);
        plain(out, def);
        fputs(" (", out);
    } else
        fputs(" (off unless set, ", out);
    plain(out, range);
    fputc(')', out);
}

static void optimizers(FILE *out)
{
    fputs(".SH OPTIMIZERS\n", out);
    text(out, "An optimizer is given as a spec: Keras call syntax, such as adam, "
              "Adam(lr=0.01, beta_2=0.99) or SGD(lr=0.1, momentum=0.9, nesterov=True), or JSON, "
              "such as {\"name\":\"adam\",\"lr\":0.01}. Names are case-insensitive; "
              "learning_rate is an alias of lr; a misspelt name or argument gets a suggestion. "
              "Each optimizer, its hyperparameters with their defaults and valid ranges:");
    char num[32], range[128];
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) { /* as clopt optimizers lists them */
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        tag(out, info->name);
        text(out, info->en);
        fputs(".br\n", out);
        for (size_t i = 0; i < info->nparams; i++)
            param(out, clopt_catalogue_param(info->params[i])->name,
                  clopt_cli_param_default(info, i, num),
                  clopt_cli_param_range(info, info->params[i], range), i == 0);
        param(out, "clipnorm", NULL, clopt_cli_param_range(info, CLOPT_P_CLIPNORM, range), 0);
        param(out, "clipvalue", NULL, clopt_cli_param_range(info, CLOPT_P_CLIPVALUE, range), 0);
        fputc('\n', out);
    }
}

static void point(FILE *out, double x, double y)
{
    fputc('(', out);
    number(out, x);
    fputs(", ", out);
    number(out, y);
    fputc(')', out);
}

static void functions(FILE *out)
{
    fputs(".SH TEST FUNCTIONS\n", out);
    text(out, "The 2-D functions of clopt run, clopt landscape and the page, with their "
              "default view [x0, x1] x [y0, y1], default start and known minimum:");
    for (size_t i = 0; i < clopt_function_count(); i++) {
        const clopt_function_info *f = clopt_function_get(i);
        tag(out, f->name);
        text(out, f->formula);
        fputs(".br\nview [", out);
        number(out, f->view[0]);
        fputs(", ", out);
        number(out, f->view[1]);
        fputs("] x [", out);
        number(out, f->view[2]);
        fputs(", ", out);
        number(out, f->view[3]);
        fputs("], start ", out);
        point(out, f->start[0], f->start[1]);
        if (f->nminima) {
            fputs(", minimum f", out);
            point(out, f->minima[0].x, f->minima[0].y);
            fputs(" = ", out);
            number(out, f->minima[0].f);
            if (f->nminima > 1) fputs(" (and others)", out);
        } else
            fputs(", unbounded below", out);
        fputs(f->log_scale ? "; drawn on a log scale\n" : "\n", out);
    }
}

static const char environment[] =
    ".SH ENVIRONMENT\n"
    ".TP\n.B CLOPT_DEVICE\n"
    "The device used when a command is given no \\-\\-device (see DEVICE SELECTORS).\n"
    ".TP\n.BR CLOPT_TRAJECTORY_LANES \", \" CLOPT_TRAJECTORY_GROUPS\n"
    "Override the shape of the trajectory engine on the device: lanes per group (1, 2, 4, 8 "
    "or 16) and groups per work-item (1 to 64). The results are the same bits; only the "
    "speed changes.\n"
    ".TP\n.B POCL_CACHE_DIR\n"
    "Where PoCL keeps the compiled kernels (default ~/.cache/pocl): the first start on a "
    "machine builds them, later starts reuse them.\n"
    ".SH DEVICE SELECTORS\n"
    "\\-\\-device and CLOPT_DEVICE take\n.B cpu\\fR,\n.B gpu\\fR,\n.I P:D\n"
    "(platform and device index, as clopt devices numbers them) or a case-insensitive part "
    "of the device name. Without either, clopt uses the first CPU device, else the first "
    "device. A selector that matches nothing is an error that lists the devices.\n";

static const char files_and_more[] =
    ".SH FILES\n"
    ".TP\n.I /usr/share/datasets/fashion\\-mnist\n"
    "Fashion-MNIST's IDX files (Debian's dataset\\-fashion\\-mnist), read by clopt train and "
    "the training view of clopt serve unless \\-\\-data names another directory.\n"
    ".TP\n.IR DIR /training.json \", \" DIR /N.weights \", \" DIR /N.optimizer \", \" DIR "
    "/N.adamw\n"
    "A training checkpoint (clopt train \\-\\-checkpoint DIR): the options and results so "
    "far, and each optimizer's weights and optimizer state (for Muon, also its AdamW "
    "companion's state in N.adamw), each file replaced atomically after every epoch.\n"
    ".SH EXIT STATUS\n"
    ".TP\n.B 0\nSuccess.\n"
    ".TP\n.B 1\nFailure: an OpenCL, file or computation error (a damaged checkpoint, a "
    "data set that is not there, output that could not be written, ...).\n"
    ".TP\n.B 2\nUsage error: an unknown command or option (with a suggestion when one is "
    "close), a missing or malformed value, a value out of its range, an unknown optimizer or "
    "function, a selector that matches no device. The message is one line on standard "
    "error, and nothing is written to standard output.\n"
    ".SH EXAMPLES\n"
    ".nf\n"
    "clopt run \\-\\-function rosenbrock \\-\\-optimizer 'adam(lr=0.1)' \\e\n"
    "          \\-\\-optimizer 'sgd(lr=0.001,momentum=0.9)' \\-\\-steps 300 \\-\\-every 100\n"
    "clopt run \\-\\-function beale \\-\\-start 1,1 \\-\\-format csv > beale.csv\n"
    "clopt landscape \\-\\-function himmelblau \\-\\-nx 64 \\-\\-ny 64\n"
    "clopt optimizers \\-\\-json | python3 \\-m json.tool\n"
    "clopt serve \\-\\-port 0\n"
    "clopt train \\-\\-optimizer adam \\-\\-optimizer rmsprop \\-\\-epochs 5 \\-\\-checkpoint "
    "run1\n"
    "clopt train \\-\\-resume run1 \\-\\-epochs 10\n"
    ".fi\n"
    ".SH SEE ALSO\n"
    ".BR clinfo (1);\n"
    "the README.md of the source for the library (libclopt, clopt/clopt.h), the HTTP API "
    "and the figures measured.\n";

int clopt_cli_man(FILE *out)
{
    char *about = clopt_cli_about();
    if (!about) {
        fputs("clopt --man: out of memory\n", stderr);
        return 1;
    }
    fprintf(out, ".TH CLOPT 1 \"\" \"clopt %s\" \"User Commands\"\n", clopt_version());
    fputs(".SH NAME\nclopt \\- optimizers as OpenCL kernels: trajectories on test functions, "
          "a live page, training on Fashion\\-MNIST\n",
          out);
    fputs(".SH SYNOPSIS\n.nf\n\\fBclopt\\fR \\fIcommand\\fR [\\fIoptions\\fR]\n", out);
    cli_roff_text(out, "clopt ", 6);
    const char *top = clopt_cli_options_usage + strlen("usage: clopt ");
    cli_roff_text(out, top, strcspn(top, "\n"));
    fputs("\n.fi\n.SH DESCRIPTION\n", out);
    text(out, about);
    free(about);
    fputs(".PP\n", out);
    text(out, "Each command takes -h or --help; an option takes its value as the next "
              "argument or after '=' (--steps=100).");
    fputs(".SH OPTIONS\n", out);
    cli_usage_roff(out, strstr(clopt_cli_options_usage, "\n\n") + 1);
    fputs(".SH COMMANDS\n", out);
    size_t n;
    const clopt_cli_command *c = clopt_cli_commands(&n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, ".SS \"clopt %s%s%s\"\n", c[i].word, c[i].sub ? " " : "",
                c[i].sub ? c[i].sub : "");
        cli_usage_roff(out, c[i].usage);
    }
    optimizers(out);
    functions(out);
    fputs(environment, out);
    fputs(files_and_more, out);
    if (fflush(out) || ferror(out)) {
        perror("clopt --man");
        return 1;
    }
    return 0;
}
