/*
 * clopt bench step --optimizer muon --shape RxC: Muon's step against the GEMM rate of
 * where its products run (src/gemm.h), in the same run. Each round times, one after the
 * other, a Muon step over every matrix (enqueue + clFinish) and the contender: the SGEMM
 * alone on the products of the same Newton-Schulz iterations (the same sizes, alphas and
 * betas): CLBlast's on the device's buffers, or OpenBLAS's on host arrays for a CPU device. Both do
 * the same flops, so a round's ratio is t(SGEMM) / t(Muon), Muon's share of the GEMM rate; the
 * figures are medians over rounds. --model: a 12-matrix model, two blocks of a d = 512
 * transformer (Wq, Wk, Wv, Wo 512 x 512; W_up 512 x 2048; W_down 2048 x 512).
 */
#include "cli.h"

#include "args.h"
#include "clock.h"
#include "config.h"
#include "error.h"
#include "gemm.h"
#include "optimizer.h"
#include "spec.h"
#include "timing.h"

#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "clopt bench step"
#define MAX_SHAPES 64

typedef struct {
    const char *spec, *device;
    size_t rows[MAX_SHAPES], cols[MAX_SHAPES], n;
    uint64_t repeat;
    int json;
} muon_args;

static int shape(const char *text, muon_args *a)
{
    unsigned long long r = 0, c = 0;
    char x = 0, end = 0;
    if (a->n >= MAX_SHAPES || sscanf(text, "%llu%c%llu%c", &r, &x, &c, &end) != 3 ||
        (x != 'x' && x != 'X') || r < 1 || c < 1 || r > 65536 || c > 65536) {
        fprintf(stderr,
                CMD ": --shape = '%s': expected ROWSxCOLS, each 1 .. 65536, at most %d shapes\n",
                text, MAX_SHAPES);
        return -1;
    }
    a->rows[a->n] = (size_t)r;
    a->cols[a->n++] = (size_t)c;
    return 0;
}

static void model(muon_args *a)
{
    static const size_t r[6] = {512, 512, 512, 512, 512, 2048},
                        c[6] = {512, 512, 512, 512, 2048, 512};
    for (int block = 0; block < 2 && a->n + 6 <= MAX_SHAPES; block++)
        for (int i = 0; i < 6; i++)
            a->rows[a->n] = r[i], a->cols[a->n++] = c[i];
}

static const char clopt_cli_bench_muon_usage[] =
    "usage: clopt bench step --optimizer muon[(...)] [--shape RxC]... [--model] [--repeat R]\n"
    "                        [--device SEL] [--json]\n"
    "\n"
    "Times Muon's step over every matrix (enqueue + clFinish) against, in the same run and\n"
    "rounds, the SGEMM alone on the same Newton-Schulz products where Muon runs them\n"
    "(OpenBLAS on the host for a CPU device, else CLBlast; CLOPT_GEMM=clblast|host\n"
    "chooses); prints the Newton-Schulz GFLOP/s of both and the median over rounds of\n"
    "t(SGEMM) / t(Muon).\n"
    "\n"
    "  --shape RxC  a matrix of the optimizer (repeatable; default 1024x1024)\n"
    "  --model      adds 12 matrices: two d = 512 transformer blocks (4 x 512x512,\n"
    "               512x2048, 2048x512 each)\n"
    "  --repeat R   rounds, 1 .. 1000 (default 5)\n";

static int parse(int argc, char **argv, muon_args *a)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--model"))
            model(a);
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad)))
            a->spec = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--shape", &bad))) {
            if (shape(v, a)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(CMD, "--repeat", v, 1, 1000, &a->repeat)) return 2;
        } else if (!bad) {
            fprintf(stderr, CMD ": unknown option '%s'\n%s", argv[i], clopt_cli_bench_muon_usage);
            return 2;
        }
        if (bad) return 2;
    }
    if (a->n == 0) a->rows[0] = a->cols[0] = 1024, a->n = 1;
    return 0;
}

/* Where the contender's products run: CLBlast on the device's buffers ws (X, Y of nm
 * floats, G, H of nn) in queue q, or, if host, OpenBLAS on host arrays hw of the same sizes. */
typedef struct {
    cl_command_queue q;
    cl_mem ws[4];
    float *hw[4];
    int host;
} contender;

/* Workspace c = alpha a op(b) + beta c (row-major; op(b) = b' if tb): one product. */
static int product(const contender *k, int tb, size_t rows, size_t cols, size_t inner, float alpha,
                   int a, size_t lda, int b, size_t ldb, float beta, int c, size_t ldc)
{
    if (k->host) {
        clopt_gemm_host(0, tb, rows, cols, inner, alpha, k->hw[a], lda, k->hw[b], ldb, beta,
                        k->hw[c], ldc);
        return 0;
    }
    cl_command_queue q = k->q;
    const CLBlastStatusCode r =
        CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo,
                     tb ? CLBlastTransposeYes : CLBlastTransposeNo, rows, cols, inner, alpha,
                     k->ws[a], 0, lda, k->ws[b], 0, ldb, beta, k->ws[c], 0, ldc, &q, NULL);
    if (r != CLBlastSuccess) {
        fprintf(stderr, CMD ": CLBlastSgemm failed with status %d\n", (int)r);
        return 1;
    }
    return 0;
}

/* The contender: the Newton-Schulz products of every matrix, as src/muon.c enqueues them
 * (on the device: finished with clFinish). */
static int gemms(const contender *k, const muon_args *a, const clopt_config *c)
{
    const float na = (float)c->v[CLOPT_P_NS_A], nb = (float)c->v[CLOPT_P_NS_B];
    const float nc = (float)c->v[CLOPT_P_NS_C];
    for (size_t i = 0; i < a->n; i++) {
        const size_t n = a->rows[i] < a->cols[i] ? a->rows[i] : a->cols[i];
        const size_t m = a->rows[i] * a->cols[i] / n;
        for (int it = 0; it < (int)c->v[CLOPT_P_NS_STEPS]; it++)
            if (product(k, 1, n, n, m, 1.0f, 0, m, 0, m, 0.0f, 2, n) ||
                product(k, 0, n, n, n, nc, 2, n, 2, n, nb, 3, n) ||
                product(k, 0, n, m, n, 1.0f, 3, n, 0, m, na, 1, m))
                return 1;
    }
    return k->host || clFinish(k->q) == CL_SUCCESS ? 0 : 1;
}

static int run(clopt_context *ctx, const muon_args *a, const clopt_config *cfg)
{
    clopt_error err = {0};
    const cl_context cl = clopt_context_cl(ctx);
    const cl_command_queue q = clopt_context_queue(ctx);
    size_t total = 0, nm = 1, nn = 1;
    double flops = 0;
    for (size_t i = 0; i < a->n; i++) {
        const double n = (double)(a->rows[i] < a->cols[i] ? a->rows[i] : a->cols[i]);
        const double m = (double)(a->rows[i] * a->cols[i]) / n;
        flops += cfg->v[CLOPT_P_NS_STEPS] * (4.0 * n * n * m + 2.0 * n * n * n);
        total += a->rows[i] * a->cols[i];
        nm = a->rows[i] * a->cols[i] > nm ? a->rows[i] * a->cols[i] : nm;
        nn = (size_t)(n * n) > nn ? (size_t)(n * n) : nn;
    }
    int rc = 1;
    cl_int e;
    cl_mem p = clCreateBuffer(cl, CL_MEM_READ_WRITE, total * sizeof(float), NULL, &e);
    cl_mem g = clCreateBuffer(cl, CL_MEM_READ_WRITE, total * sizeof(float), NULL, &e);
    cl_mem ws[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < 4; i++)
        ws[i] = clCreateBuffer(cl, CL_MEM_READ_WRITE, (i < 2 ? nm : nn) * sizeof(float), NULL, &e);
    const float small = 0.01f, zero = 0.0f;
    clopt_optimizer *o = clopt_optimizer_create(ctx, a->spec, &err);
    double *tm = calloc(a->repeat, sizeof *tm), *tg = calloc(a->repeat, sizeof *tg);
    double *ratio = calloc(a->repeat, sizeof *ratio);
    float *hw[4] = {NULL, NULL, NULL, NULL}; /* the host contender's X, Y, G, H */
    int host = 0;
    if (o && clopt_gemm_on_host(ctx, &host, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": %s\n", err.text);
        goto done;
    }
    for (int i = 0; i < 4 && host; i++)
        if (!(hw[i] = calloc(i < 2 ? nm : nn, sizeof(float)))) host = -1;
    if (!p || !g || !ws[0] || !ws[1] || !ws[2] || !ws[3] || !o || !tm || !tg || !ratio ||
        host < 0) {
        fprintf(stderr, CMD ": %s\n", o ? "out of device or host memory" : err.text);
        goto done;
    }
    clEnqueueFillBuffer(q, p, &small, sizeof small, 0, total * sizeof(float), 0, NULL, NULL);
    clEnqueueFillBuffer(q, g, &small, sizeof small, 0, total * sizeof(float), 0, NULL, NULL);
    for (int i = 0; i < 4; i++)
        clEnqueueFillBuffer(q, ws[i], &zero, sizeof zero, 0, (i < 2 ? nm : nn) * sizeof(float), 0,
                            NULL, NULL);
    for (size_t i = 0, at = 0; i < a->n; at += a->rows[i] * a->cols[i], i++)
        if (clopt_optimizer_add_matrix(o, p, g, at, a->rows[i], a->cols[i], &err) != CLOPT_OK) {
            fprintf(stderr, CMD ": %s\n", err.text);
            goto done;
        }
    const contender k = {q, {ws[0], ws[1], ws[2], ws[3]}, {hw[0], hw[1], hw[2], hw[3]}, host};
    /* warm-up: CLBlast compiles its kernels for these sizes on the first calls */
    if (clopt_optimizer_step(o, &err) != CLOPT_OK || clFinish(q) != CL_SUCCESS ||
        (!host && gemms(&k, a, cfg))) {
        fprintf(stderr, CMD ": %s\n", err.text);
        goto done;
    }
    for (uint64_t r = 0; r < a->repeat; r++) {
        cli_settle();
        double t0 = clopt_now();
        if (clopt_optimizer_step(o, &err) != CLOPT_OK || clFinish(q) != CL_SUCCESS) {
            fprintf(stderr, CMD ": %s\n", err.text);
            goto done;
        }
        tm[r] = clopt_now() - t0;
        cli_settle();
        t0 = clopt_now();
        if (gemms(&k, a, cfg)) goto done;
        tg[r] = clopt_now() - t0;
        ratio[r] = tg[r] / tm[r];
    }
    const double rm = cli_median(ratio, a->repeat), mm = cli_median(tm, a->repeat);
    const double mg = cli_median(tg, a->repeat);
    char device[128] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    char shapes[MAX_SHAPES * 24] = "";
    for (size_t i = 0; i < a->n; i++)
        snprintf(shapes + strlen(shapes), sizeof shapes - strlen(shapes), "%s%zux%zu", i ? "," : "",
                 a->rows[i], a->cols[i]);
    const char *where = host ? "OpenBLAS" : "CLBlast";
    if (a->json)
        printf("{\"device\":\"%s\",\"gemm\":\"%s\",\"optimizer\":\"%s\",\"shapes\":\"%s\","
               "\"rounds\":%llu,"
               "\"muon_ms\":%.4f,\"sgemm_ms\":%.4f,\"muon_gflops\":%.3f,\"sgemm_gflops\":%.3f,"
               "\"ratio\":%.4f}\n",
               device, where, cfg->info->name, shapes, (unsigned long long)a->repeat, 1e3 * mm,
               1e3 * mg, flops / mm / 1e9, flops / mg / 1e9, rm);
    else
        printf("%s: %s on %s, %llu rounds, products on %s\n"
               "Newton-Schulz: %.3f GFLOP per step\n"
               "Muon step   %10.3f ms  %9.2f GFLOP/s\n"
               "SGEMM alone %10.3f ms  %9.2f GFLOP/s\n"
               "Muon / SGEMM rate: %.3f (median over rounds of t(SGEMM) / t(Muon))\n",
               device, cfg->info->name, shapes, (unsigned long long)a->repeat, where, flops / 1e9,
               1e3 * mm, flops / mm / 1e9, 1e3 * mg, flops / mg / 1e9, rm);
    rc = 0;
done:
    for (int i = 0; i < 4; i++)
        free(hw[i]);
    free(tm);
    free(tg);
    free(ratio);
    clopt_optimizer_release(o);
    for (int i = 0; i < 4; i++)
        if (ws[i]) clReleaseMemObject(ws[i]);
    if (p) clReleaseMemObject(p);
    if (g) clReleaseMemObject(g);
    return rc;
}

int clopt_cli_bench_muon(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_bench_muon_usage, stdout);
            return 0;
        }
    muon_args a;
    memset(&a, 0, sizeof a);
    a.spec = "muon";
    a.repeat = 5;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    clopt_error err = {0};
    clopt_config cfg;
    if (clopt_spec_parse(a.spec, &cfg, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": --optimizer: %s\n", err.text);
        return 2;
    }
    if (!clopt_catalogue_matrix(cfg.info->kind)) {
        fprintf(stderr, CMD ": --shape is for matrix optimizers (muon); %s takes flat tensors\n",
                cfg.info->name);
        return 2;
    }
    clopt_context *ctx = cli_bench_context(CMD, a.device, 0, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    rc = run(ctx, &a, &cfg);
    clopt_context_release(ctx);
    return rc;
}
