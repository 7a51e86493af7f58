/* clopt explore trainability: the paper's network over a window of per-layer rates. */
#include "args.h"
#include "cli.h"
#include "config.h"
#include "usage.h"

#include "clopt/clopt.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char clopt_cli_explore_trainability_usage[] =
    "usage: clopt explore trainability [--width W] [--activation tanh|relu|identity]\n"
    "                                  [--steps N] [--grid N|NX,NY] [--window X0,X1,Y0,Y1]\n"
    "                                  [--seed S | --data FILE] [--dump-data]\n"
    "                                  [--precision float|double] [--json] [--device SEL]\n"
    "\n"
    "Trains the small network of Sohl-Dickstein (2024), depth 2, width W, once per cell of\n"
    "a grid of learning rates (layer 1's along x, layer 2's along y) by full-batch gradient\n"
    "descent, on the OpenCL device: the paper's measure per cell (negative: it trained),\n"
    "and the box-counting dimension of the boundary between trained and diverged.\n"
    "\n"
    "  --width W         hidden units and input dimension, 1 .. 16 (default 8); W^2 + W points\n"
    "  --activation A    tanh (tanh(sqrt(2) z), default), relu (sqrt(2) relu(z)) or identity\n"
    "  --steps N         gradient steps per cell, 1 .. 100000 (default 100)\n"
    "  --grid N|NX,NY    cells per side, 2 .. 4096 (default 256)\n"
    "  --window X0,X1,Y0,Y1  log10 of layer 1's and layer 2's rates (default -2,3,-2,3)\n"
    "  --seed S          data and initial weights, standard normal, from seed S (default 0)\n"
    "  --data FILE       JSON {\"X\": n x W, \"Y\": n, \"W1\": W x W (row per hidden unit),\n"
    "                    \"W2\": W} instead of a seed\n"
    "  --dump-data       print the data of --seed (or --data) as such a JSON file and stop\n"
    "  --precision P     float (default) or double (needs cl_khr_fp64)\n"
    "  --json            every cell's measure and convergence; without it, a summary\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n";

typedef struct {
    clopt_trainability_options o;
    const char *data_path, *device;
    int json, dump;
    double *data;
} train_args;

static const char *const activations[] = {"tanh", "relu", "identity"};

/* Reads nested arrays of numbers depth-first into out[*k ..], at most n in all. */
static int flatten(json_t *v, double *out, size_t n, size_t *k)
{
    if (json_is_number(v)) {
        if (*k >= n) return -1;
        out[(*k)++] = json_number_value(v);
        return 0;
    }
    if (!json_is_array(v)) return -1;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (flatten(json_array_get(v, i), out, n, k)) return -1;
    return 0;
}

static int load_data(const char *cmd, train_args *a)
{
    const size_t w = a->o.width, n = w * w + w;
    const char *names[] = {"X", "Y", "W1", "W2"};
    const size_t counts[] = {n * w, n, w * w, w};
    json_error_t je;
    json_t *root = json_load_file(a->data_path, 0, &je);
    if (!root || !json_is_object(root)) {
        fprintf(stderr, "%s: --data %s: %s\n", cmd, a->data_path,
                root ? "expected a JSON object with X, Y, W1 and W2" : je.text);
        json_decref(root);
        return 2;
    }
    a->data = malloc(clopt_trainability_data_size(w) * sizeof *a->data);
    size_t at = 0;
    for (int f = 0; f < 4 && a->data; f++) {
        size_t k = 0;
        json_t *v = json_object_get(root, names[f]);
        if (!v || flatten(v, a->data + at, counts[f], &k) || k != counts[f]) {
            fprintf(stderr, "%s: --data %s: %s must hold %zu numbers for width %zu\n", cmd,
                    a->data_path, names[f], counts[f], w);
            json_decref(root);
            return 2;
        }
        at += counts[f];
    }
    json_decref(root);
    if (!a->data) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        return 1;
    }
    a->o.data = a->data;
    return 0;
}

static int parse(const char *cmd, int argc, char **argv, train_args *a)
{
    a->o = (clopt_trainability_options){
        .width = 8, .steps = 100, .nx = 256, .ny = 256, .window = {-2.0, 3.0, -2.0, 3.0}};
    int seed_set = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        uint64_t u;
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--dump-data"))
            a->dump = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_explore_trainability_usage, stdout);
            return 3;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--width", &bad))) {
            if (cli_u64(cmd, "--width", v, 1, CLOPT_TRAINABILITY_MAX_WIDTH, &u)) return 2;
            a->o.width = (size_t)u;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--activation", &bad))) {
            int k = 0;
            while (k < 3 && strcmp(v, activations[k]))
                k++;
            if (k == 3) {
                fprintf(stderr, "%s: --activation = '%s': expected tanh, relu or identity\n", cmd,
                        v);
                return 2;
            }
            a->o.activation = (clopt_activation)k;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--steps", &bad))) {
            if (cli_u64(cmd, "--steps", v, 1, 100000, &a->o.steps)) return 2;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--grid", &bad))) {
            double g[2];
            if (strchr(v, ',') ? cli_numbers(cmd, "--grid", v, 2, g)
                               : cli_numbers(cmd, "--grid", v, 1, g))
                return 2;
            if (!strchr(v, ',')) g[1] = g[0];
            for (int k = 0; k < 2; k++)
                if (g[k] != floor(g[k]) || g[k] < 2 || g[k] > CLOPT_EXPLORE_MAX_SIDE) {
                    fprintf(stderr, "%s: --grid = '%s': expected N or NX,NY, each 2 .. %u\n", cmd,
                            v, CLOPT_EXPLORE_MAX_SIDE);
                    return 2;
                }
            a->o.nx = (size_t)g[0], a->o.ny = (size_t)g[1];
        } else if ((v = cli_value(cmd, argc, argv, &i, "--window", &bad))) {
            if (cli_numbers(cmd, "--window", v, 4, a->o.window)) return 2;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--seed", &bad))) {
            if (cli_u64(cmd, "--seed", v, 0, UINT64_MAX, &a->o.seed)) return 2;
            seed_set = 1;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--data", &bad)))
            a->data_path = v;
        else if ((v = cli_value(cmd, argc, argv, &i, "--precision", &bad))) {
            if (strcmp(v, "float") && strcmp(v, "double")) {
                fprintf(stderr, "%s: --precision = '%s': expected float or double\n", cmd, v);
                return 2;
            }
            a->o.precision = v[0] == 'd' ? CLOPT_PRECISION_DOUBLE : CLOPT_PRECISION_FLOAT;
        } else if ((v = cli_value(cmd, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if (!bad)
            return cli_unknown_option(cmd, argv[i], clopt_cli_explore_trainability_usage);
        if (bad) return 2;
    }
    if (seed_set && a->data_path) {
        fprintf(stderr, "%s: --seed and --data exclude each other\n", cmd);
        return 2;
    }
    return a->data_path ? load_data(cmd, a) : 0;
}

static void print_number(double v)
{
    char num[32];
    fputs(isfinite(v) ? clopt_format_number(num, v) : "null", stdout);
}

/* The data as --data reads it: X and W1 as rows. */
static int dump_data(const char *cmd, const train_args *a)
{
    const size_t w = a->o.width, n = w * w + w;
    double *d = a->data;
    double *own = NULL;
    if (!d) {
        own = d = malloc(clopt_trainability_data_size(w) * sizeof *d);
        if (!d) return 1;
        clopt_trainability_data(w, a->o.seed, d, NULL);
    }
    const char *names[] = {"X", "Y", "W1", "W2"};
    const size_t rows[] = {n, 0, w, 0}, counts[] = {n * w, n, w * w, w};
    size_t at = 0;
    putchar('{');
    for (int f = 0; f < 4; f++) {
        printf("%s\"%s\":[", f ? "," : "", names[f]);
        for (size_t k = 0; k < counts[f]; k++) {
            const size_t per = rows[f] ? counts[f] / rows[f] : counts[f];
            if (rows[f] && k % per == 0)
                printf("%s[", k ? "," : "");
            else if (k)
                putchar(',');
            print_number(d[at + k]);
            if (rows[f] && k % per == per - 1) putchar(']');
        }
        putchar(']');
        at += counts[f];
    }
    puts("}");
    free(own);
    (void)cmd;
    return 0;
}

static void print_json(const train_args *a, const double *m, const unsigned char *conv, double dim)
{
    const clopt_trainability_options *o = &a->o;
    printf("{\"kind\":\"trainability\",\"width\":%zu,\"activation\":\"%s\",\"steps\":%llu,"
           "\"grid\":[%zu,%zu],\"window\":[",
           o->width, activations[o->activation], (unsigned long long)o->steps, o->nx, o->ny);
    for (int k = 0; k < 4; k++) {
        if (k) putchar(',');
        print_number(o->window[k]);
    }
    printf("],\"precision\":\"%s\",", o->precision == CLOPT_PRECISION_DOUBLE ? "double" : "float");
    if (a->data_path) { /* as a JSON string (null if the path is not UTF-8) */
        json_t *path = json_string(a->data_path);
        fputs("\"data\":", stdout);
        if (!path || json_dumpf(path, stdout, JSON_ENCODE_ANY)) fputs("null", stdout);
        putchar(',');
        json_decref(path);
    } else
        printf("\"seed\":%llu,", (unsigned long long)o->seed);
    printf("\"measure\":[");
    for (size_t j = 0; j < o->ny; j++) {
        printf("%s[", j ? "," : "");
        for (size_t i = 0; i < o->nx; i++) {
            if (i) putchar(',');
            print_number(m[j * o->nx + i]);
        }
        putchar(']');
    }
    printf("],\"converged\":[");
    for (size_t j = 0; j < o->ny; j++) {
        printf("%s[", j ? "," : "");
        for (size_t i = 0; i < o->nx; i++)
            printf("%s%s", i ? "," : "", conv[j * o->nx + i] ? "true" : "false");
        putchar(']');
    }
    printf("],\"dimension\":");
    print_number(dim);
    puts("}");
}

int clopt_cli_trainability(int argc, char **argv)
{
    const char *cmd = "clopt explore trainability";
    static train_args a;
    memset(&a, 0, sizeof a);
    int rc = parse(cmd, argc, argv, &a);
    if (rc) {
        free(a.data);
        return rc == 3 ? 0 : rc;
    }
    if (a.dump) {
        rc = dump_data(cmd, &a);
        free(a.data);
        return rc;
    }
    clopt_error err;
    clopt_context *ctx = clopt_context_create(a.device, &err);
    if (!ctx) {
        fprintf(stderr, "%s: %s\n", cmd, err.text);
        free(a.data);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    const size_t cells = a.o.nx * a.o.ny;
    double *m = malloc(cells * sizeof *m);
    unsigned char *conv = malloc(cells);
    const clopt_status st = m && conv ? clopt_trainability(ctx, &a.o, m, conv, &err) : CLOPT_ENOMEM;
    if (st != CLOPT_OK) {
        fprintf(stderr, "%s: %s\n", cmd, m && conv ? err.text : "out of memory");
        rc = st == CLOPT_EINVAL ? 2 : 1;
    } else {
        const double dim = clopt_boundary_dimension(m, a.o.nx, a.o.ny);
        if (a.json)
            print_json(&a, m, conv, dim);
        else {
            size_t trained = 0;
            for (size_t c = 0; c < cells; c++)
                trained += conv[c];
            char num[32] = "none (no boundary)"; /* to 4 decimals; --json has it in full */
            if (isfinite(dim)) snprintf(num, sizeof num, "%.4f", dim);
            printf("%zu of %zu cells trained (%.1f%%); boundary dimension %s\n", trained, cells,
                   100.0 * (double)trained / (double)cells, num);
        }
    }
    free(m);
    free(conv);
    free(a.data);
    clopt_context_release(ctx);
    return rc;
}
