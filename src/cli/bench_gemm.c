/*
 * clopt bench gemm: the matrix products of `clopt train`'s MLP as the trainer runs them
 * (clopt_mlp_time_products on the model's own buffers: CLBlast's SGEMM, or OpenBLAS over the
 * mapped buffers on a CPU device; CLOPT_GEMM chooses, mlp.h) against OpenBLAS's SGEMM on host
 * matrices of the same shapes (clopt_mlp_products), in the same run. Each round times both,
 * one after the other, each the best of a few passes; the figures are medians over rounds,
 * and the ratio a round's t(OpenBLAS) / t(clopt): clopt's share of OpenBLAS's rate.
 */
#include "cli.h"

#include "args.h"
#include "clock.h"
#include "error.h"
#include "timing.h"
#include "train/mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench gemm"
#define PASSES 3 /* passes per contender and round, the best kept */
#define IN 784   /* Fashion-MNIST's pixels */
#define CLASSES 10

const char clopt_cli_bench_gemm_usage[] =
    "usage: clopt bench gemm [--batch B] [--hidden H] [--repeat R] [--device SEL] [--json]\n"
    "\n"
    "Times the five matrix products of a batch of clopt train's MLP (784 -> H -> 10: x W1,\n"
    "h W2, h^T dz, dz W2^T, x^T dh) as the trainer runs them (on a CPU device OpenBLAS over\n"
    "the mapped buffers, else CLBlast's SGEMM; CLOPT_GEMM=clblast|host chooses) against\n"
    "OpenBLAS's SGEMM on host matrices, in the same rounds; prints both GFLOP/s and the\n"
    "median over rounds of t(OpenBLAS) / t(clopt).\n"
    "\n"
    "  --batch B    examples per batch, 1 .. 4096 (default 128, clopt train's)\n"
    "  --hidden H   hidden units, 1 .. 4096 (default 256, clopt train's)\n"
    "  --repeat R   rounds, 1 .. 1000 (default 7)\n";

typedef struct {
    const char *device;
    uint64_t batch, hidden, repeat;
    int json;
} gemm_args;

static int parse(int argc, char **argv, gemm_args *a)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--batch", &bad))) {
            if (cli_u64(CMD, "--batch", v, 1, 4096, &a->batch)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--hidden", &bad))) {
            if (cli_u64(CMD, "--hidden", v, 1, 4096, &a->hidden)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(CMD, "--repeat", v, 1, 1000, &a->repeat)) return 2;
        } else if (!bad) {
            fprintf(stderr, CMD ": unknown option '%s'\n%s", argv[i], clopt_cli_bench_gemm_usage);
            return 2;
        }
        if (bad) return 2;
    }
    return 0;
}

/* The best of PASSES passes of the five products with OpenBLAS, on host matrices. */
static double openblas(const clopt_mlp_gemm s[CLOPT_MLP_PRODUCTS], float *const a[],
                       float *const b[], float *const c[])
{
    double best = INFINITY;
    for (int pass = 0; pass < PASSES; pass++) {
        const double t0 = clopt_now();
        for (int p = 0; p < CLOPT_MLP_PRODUCTS; p++) {
            const clopt_mlp_gemm *g = &s[p];
            cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
                        g->tb ? CblasTrans : CblasNoTrans, (int)g->rows, (int)g->cols,
                        (int)g->inner, 1.0f, a[p], (int)(g->ta ? g->rows : g->inner), b[p],
                        (int)(g->tb ? g->inner : g->cols), 0.0f, c[p], (int)g->cols);
        }
        const double dt = clopt_now() - t0;
        if (dt < best) best = dt;
    }
    return best;
}

static int run(clopt_context *ctx, const gemm_args *a)
{
    clopt_error err = {0};
    const size_t batch = (size_t)a->batch, hidden = (size_t)a->hidden;
    cl_program program = clopt_mlp_build(ctx, &err);
    clopt_mlp *m =
        program ? clopt_mlp_create(ctx, program, IN, hidden, CLASSES, batch, NULL, &err) : NULL;
    if (program) clReleaseProgram(program); /* the model keeps its kernels */
    clopt_mlp_gemm s[CLOPT_MLP_PRODUCTS];
    float *ha[CLOPT_MLP_PRODUCTS] = {0}, *hb[CLOPT_MLP_PRODUCTS] = {0},
          *hc[CLOPT_MLP_PRODUCTS] = {0};
    double *td = calloc(a->repeat, sizeof *td), *th = calloc(a->repeat, sizeof *th);
    double *ratio = calloc(a->repeat, sizeof *ratio), flops = 0;
    int rc = 1, ok = m && td && th && ratio;
    if (!m) fprintf(stderr, CMD ": %s\n", err.text);
    if (ok) clopt_mlp_products(m, batch, s);
    for (int p = 0; ok && p < CLOPT_MLP_PRODUCTS; p++) {
        const size_t na = s[p].rows * s[p].inner, nb = s[p].inner * s[p].cols;
        flops += 2.0 * (double)s[p].rows * (double)s[p].cols * (double)s[p].inner;
        ha[p] = malloc(na * sizeof(float)), hb[p] = malloc(nb * sizeof(float));
        hc[p] = malloc(s[p].rows * s[p].cols * sizeof(float));
        ok = ha[p] && hb[p] && hc[p];
        for (size_t i = 0; ok && i < na; i++)
            ha[p][i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
        for (size_t i = 0; ok && i < nb; i++)
            hb[p][i] = (float)((i * 40503u) % 1000) / 1000.0f - 0.5f;
    }
    double warm;
    /* warm-up: CLBlast compiles its kernels for these shapes on the first calls */
    if (ok && (clopt_mlp_time_products(m, batch, 1, &warm, &err) != CLOPT_OK)) {
        fprintf(stderr, CMD ": %s\n", err.text);
        ok = 0;
    }
    if (ok) openblas(s, ha, hb, hc);
    for (uint64_t r = 0; ok && r < a->repeat; r++) {
        cli_settle();
        if (clopt_mlp_time_products(m, batch, PASSES, &td[r], &err) != CLOPT_OK) {
            fprintf(stderr, CMD ": %s\n", err.text);
            ok = 0;
            break;
        }
        cli_settle();
        th[r] = openblas(s, ha, hb, hc);
        ratio[r] = th[r] / td[r];
    }
    if (ok) {
        const double md = cli_median(td, a->repeat), mh = cli_median(th, a->repeat);
        const double rm = cli_median(ratio, a->repeat);
        char device[128] = "";
        clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
        if (a->json)
            printf("{\"device\":\"%s\",\"batch\":%zu,\"hidden\":%zu,\"rounds\":%llu,"
                   "\"products\":\"%s\",\"clopt_ms\":%.4f,\"openblas_ms\":%.4f,"
                   "\"clopt_gflops\":%.3f,\"openblas_gflops\":%.3f,\"ratio\":%.4f,"
                   "\"openblas_threads\":%d}\n",
                   device, batch, hidden, (unsigned long long)a->repeat,
                   m->host_gemm ? "host" : "clblast", 1e3 * md, 1e3 * mh, flops / md / 1e9,
                   flops / mh / 1e9, rm, openblas_get_num_threads());
        else
            printf("%s: the MLP's five products, batch %zu, %d -> %zu -> %d, %llu rounds\n"
                   "%.3f GFLOP per batch (forward and backward)\n"
                   "clopt, %-30s %9.3f ms  %8.2f GFLOP/s\n"
                   "OpenBLAS on host matrices (%d threads)  %9.3f ms  %8.2f GFLOP/s\n"
                   "clopt / OpenBLAS rate: %.3f (median over rounds of t(OpenBLAS) / t(clopt))\n",
                   device, batch, IN, hidden, CLASSES, (unsigned long long)a->repeat, flops / 1e9,
                   m->host_gemm ? "OpenBLAS on mapped buffers" : "CLBlast's SGEMM", 1e3 * md,
                   flops / md / 1e9, openblas_get_num_threads(), 1e3 * mh, flops / mh / 1e9, rm);
        rc = 0;
    }
    for (int p = 0; p < CLOPT_MLP_PRODUCTS; p++)
        free(ha[p]), free(hb[p]), free(hc[p]);
    free(td), free(th), free(ratio);
    clopt_mlp_release(m);
    return rc;
}

int clopt_cli_bench_gemm(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_bench_gemm_usage, stdout);
            return 0;
        }
    gemm_args a = {NULL, 128, 256, 7, 0};
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    clopt_error err = {0};
    clopt_context *ctx = cli_bench_context(CMD, a.device, 0, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    rc = run(ctx, &a);
    clopt_context_release(ctx);
    return rc;
}
