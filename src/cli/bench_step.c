/*
 * clopt bench step: one optimizer step (enqueue + clFinish) against, in the same run, the
 * same-traffic bound (cl/bench_bound.cl on the same device) and a C loop over host memory.
 * Also: many tensors against one tensor of the same total size, and a small step.
 */
#include "cli.h"

#include "args.h"
#include "bench_step_loops.h"
#include "config.h"
#include "error.h"
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "clopt bench step"
#define SMALL 1024 /* parameters of the "small step" */

extern const char clopt_bench_bound_source[];

typedef struct {
    const char *spec, *device;
    uint64_t size, tensors, repeat;
    int json, all;
} step_args;

typedef struct {
    double best, median;
} timing;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static timing summarize(double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    return (timing){t[0], t[n / 2]};
}

/* Buffers of n floats with small values, so that no rule overflows over the repeats. */
static cl_mem filled(cl_context cl, size_t n, float scale, clopt_error *err)
{
    float *host = malloc(n * sizeof *host);
    cl_int rc = CL_OUT_OF_HOST_MEMORY;
    cl_mem m = NULL;
    if (host) {
        for (size_t i = 0; i < n; i++)
            host[i] = scale * (float)((i * 2654435761u) % 1000u) / 1000.0f;
        m = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n * sizeof *host, host,
                           &rc);
    }
    free(host);
    if (!m)
        clopt_error_cl(err, rc, "clCreateBuffer", "allocating a benchmark buffer");
    return m;
}

/* The time of clopt_optimizer_step + clFinish on tensors of the given sizes in one buffer. */
static int time_step(clopt_context *ctx, const char *spec, const size_t *sizes, size_t nt,
                     uint64_t repeat, timing *out, clopt_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < nt; i++)
        total += sizes[i];
    cl_mem p = filled(clopt_context_cl(ctx), total, 1.0f, err);
    cl_mem g = p ? filled(clopt_context_cl(ctx), total, 0.01f, err) : NULL;
    clopt_optimizer *o = g ? clopt_optimizer_create(ctx, spec, err) : NULL;
    double *t = malloc(repeat * sizeof *t);
    int rc = -1;
    if (!o || !t)
        goto done;
    for (size_t i = 0, at = 0; i < nt; at += sizes[i++])
        if (clopt_optimizer_add(o, p, g, at, sizes[i], err) != CLOPT_OK)
            goto done;
    cl_command_queue q = clopt_context_queue(ctx);
    for (int w = 0; w < 3; w++) /* warm-up: kernels built and state allocated */
        if (clopt_optimizer_step(o, err) != CLOPT_OK)
            goto done;
    clFinish(q);
    for (uint64_t r = 0; r < repeat; r++) {
        const double t0 = now();
        if (clopt_optimizer_step(o, err) != CLOPT_OK)
            goto done;
        cl_int cl = clFinish(q);
        if (cl != CL_SUCCESS) {
            clopt_error_cl(err, cl, "clFinish", "waiting for a step");
            goto done;
        }
        t[r] = now() - t0;
    }
    *out = summarize(t, repeat);
    rc = 0;
done:
    free(t);
    clopt_optimizer_release(o);
    if (g)
        clReleaseMemObject(g);
    if (p)
        clReleaseMemObject(p);
    return rc;
}

/* The same-traffic kernel with `nstate` state buffers on n floats. */
static int time_bound(clopt_context *ctx, size_t nstate, size_t n, uint64_t repeat,
                      timing *out, clopt_error *err)
{
    cl_context cl = clopt_context_cl(ctx);
    cl_device_id dev = clopt_context_device(ctx);
    cl_command_queue q = clopt_context_queue(ctx);
    const char *src = clopt_bench_bound_source;
    cl_int rc;
    cl_program prog = NULL;
    cl_kernel k = NULL;
    cl_mem b[4] = {NULL, NULL, NULL, NULL};
    double *t = malloc(repeat * sizeof *t);
    int status = -1;
    char name[32];
    snprintf(name, sizeof name, "clopt_bound_%zu", nstate);
    /* The step kernels' CPU pattern: 64 contiguous floats per work-item, 64 per group. */
    const cl_uint nn = (cl_uint)n, per = 64;
    size_t local = 64, global = (n + per - 1) / per;
    global = (global + local - 1) / local * local;
    prog = clCreateProgramWithSource(cl, 1, &src, NULL, &rc);
    CLOPT_CL_CHECK(err, "creating the bound kernel", rc);
    CLOPT_CL_CHECK(err, "building the bound kernel", clBuildProgram(prog, 1, &dev, "", NULL, NULL));
    k = clCreateKernel(prog, name, &rc);
    CLOPT_CL_CHECK(err, "creating the bound kernel", rc);
    for (size_t i = 0; i < 2 + nstate; i++) {
        if (!(b[i] = filled(cl, n, i == 1 ? 0.01f : 1.0f, err)))
            goto fail;
        CLOPT_CL_CHECK(err, "binding the bound kernel", clSetKernelArg(k, (cl_uint)i, sizeof b[i], &b[i]));
    }
    CLOPT_CL_CHECK(err, "binding the bound kernel",
                   clSetKernelArg(k, (cl_uint)(2 + nstate), sizeof nn, &nn));
    CLOPT_CL_CHECK(err, "binding the bound kernel",
                   clSetKernelArg(k, (cl_uint)(3 + nstate), sizeof per, &per));
    if (!t)
        goto fail;
    for (uint64_t r = 0; r < repeat + 3; r++) {
        const double t0 = now();
        CLOPT_CL_CHECK(err, "running the bound kernel",
                       clEnqueueNDRangeKernel(q, k, 1, NULL, &global, &local, 0, NULL, NULL));
        CLOPT_CL_CHECK(err, "running the bound kernel", clFinish(q));
        if (r >= 3)
            t[r - 3] = now() - t0;
    }
    *out = summarize(t, repeat);
    status = 0;
fail:
    free(t);
    for (size_t i = 0; i < 4; i++)
        if (b[i])
            clReleaseMemObject(b[i]);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
    return status;
}

/* The scalars of one step of c, as the engine's host computes them at step 1. */
static bench_step_scalars scalars_of(const clopt_config *c)
{
    const double b1 = c->v[CLOPT_P_BETA_1], b2 = c->v[CLOPT_P_BETA_2];
    bench_step_scalars k = {(int)c->info->kind, c->v[CLOPT_P_MOMENTUM] > 0.0,
                            c->v[CLOPT_P_NESTEROV] != 0.0, (float)c->v[CLOPT_P_LR],
                            (float)c->v[CLOPT_P_MOMENTUM], (float)c->v[CLOPT_P_RHO],
                            (float)b1, (float)b2, (float)c->v[CLOPT_P_EPSILON], 0, 0, 0, 0, 0, 0};
    k.lr_t = (float)(c->v[CLOPT_P_LR] * sqrt(1.0 - b2) / (1.0 - b1));
    k.mu_t = (float)(b1 * (1.0 - 0.5 * pow(0.96, c->v[CLOPT_P_SCHEDULE_DECAY])));
    k.mu_t1 = (float)(b1 * (1.0 - 0.5 * pow(0.96, 2.0 * c->v[CLOPT_P_SCHEDULE_DECAY])));
    k.g_scale = 1.0f / (1.0f - k.mu_t);
    k.m_scale = 1.0f / (1.0f - k.mu_t * k.mu_t1);
    k.v_scale = (float)(1.0 / (1.0 - b2));
    return k;
}

static int time_c_loop(const clopt_config *c, size_t n, uint64_t repeat, timing *out)
{
    float *a[4];
    double *t = malloc(repeat * sizeof *t);
    int ok = t != NULL;
    for (size_t i = 0; i < 4; i++) {
        a[i] = malloc(n * sizeof(float));
        ok = ok && a[i];
    }
    if (ok) {
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < n; j++) /* first touch, small values */
                a[i][j] = (i == 1 ? 0.01f : 1.0f) * (float)((j * 2654435761u) % 1000u) / 1000.0f;
        const bench_step_scalars k = scalars_of(c);
        bench_step_loop(&k, a[0], a[1], a[2], a[3], n); /* warm-up */
        for (uint64_t r = 0; r < repeat; r++) {
            const double t0 = now();
            bench_step_loop(&k, a[0], a[1], a[2], a[3], n);
            t[r] = now() - t0;
        }
        *out = summarize(t, repeat);
    }
    for (size_t i = 0; i < 4; i++)
        free(a[i]);
    free(t);
    return ok ? 0 : -1;
}

/* State buffers the step reads and writes (SGD without momentum: none). */
static size_t state_buffers(const clopt_config *c)
{
    if (c->info->kind == CLOPT_SGD && c->v[CLOPT_P_MOMENTUM] <= 0.0)
        return 0;
    return c->info->nstate;
}

/* Log-uniform tensor sizes in [1, 100000] from a fixed seed (a model's mix of tensors). */
static size_t *tensor_sizes(size_t nt, size_t *total)
{
    size_t *s = malloc(nt * sizeof *s);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    *total = 0;
    for (size_t i = 0; s && i < nt; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        const double u = (double)(x >> 11) / 9007199254740992.0;
        s[i] = (size_t)llround(pow(10.0, 5.0 * u));
        s[i] = s[i] ? s[i] : 1;
        *total += s[i];
    }
    return s;
}

typedef struct {
    char label[128];
    size_t size, tensors, bytes;
    timing step, bound, loop, one, small;
} step_result;

static int bench_one(clopt_context *ctx, const step_args *a, const char *spec, step_result *r,
                     clopt_error *err)
{
    clopt_config c;
    if (clopt_spec_parse(spec, &c, err) != CLOPT_OK)
        return -1;
    char *label = clopt_config_label(&c);
    snprintf(r->label, sizeof r->label, "%s", label ? label : spec);
    free(label);
    size_t one = (size_t)a->size, total = one;
    size_t *sizes = a->tensors > 1 ? tensor_sizes((size_t)a->tensors, &total) : &one;
    if (!sizes)
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory"), -1;
    r->size = total;
    r->tensors = (size_t)a->tensors;
    r->bytes = 4 * (3 + 2 * state_buffers(&c));
    const size_t small = SMALL;
    int rc = time_step(ctx, spec, sizes, r->tensors, a->repeat, &r->step, err) ||
             (r->tensors > 1 && time_step(ctx, spec, &total, 1, a->repeat, &r->one, err)) ||
             time_step(ctx, spec, &small, 1, a->repeat, &r->small, err) ||
             time_bound(ctx, state_buffers(&c), total, a->repeat, &r->bound, err) ||
             time_c_loop(&c, total, a->repeat, &r->loop);
    if (sizes != &one)
        free(sizes);
    if (rc && err->status == CLOPT_OK)
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu parameters", total);
    return rc ? -1 : 0;
}

static double gbps(const step_result *r, double seconds)
{
    return (double)r->size * (double)r->bytes / seconds / 1e9;
}

static void print_json(const step_result *r, size_t n, const char *device)
{
    printf("%s", n > 1 ? "[" : "");
    for (size_t i = 0; i < n; i++) {
        const step_result *x = &r[i];
        const double g = gbps(x, x->step.best), b = gbps(x, x->bound.best),
                     l = gbps(x, x->loop.best);
        printf("%s{\"optimizer\": \"%s\", \"device\": \"%s\", \"size\": %zu, \"tensors\": %zu, "
               "\"bytes_per_element\": %zu, \"seconds_best\": %.9f, \"seconds_median\": %.9f, "
               "\"gbps\": %.3f, \"elements_per_second\": %.6g, \"bound_gbps\": %.3f, "
               "\"c_loop_gbps\": %.3f, \"ratio_bound\": %.4f, \"ratio_c_loop\": %.4f, "
               "\"small_step_seconds\": %.9f",
               i ? ",\n " : "", x->label, device, x->size, x->tensors, x->bytes, x->step.best,
               x->step.median, g, (double)x->size / x->step.best, b, l, g / b, g / l,
               x->small.best);
        if (x->tensors > 1)
            printf(", \"one_tensor_seconds\": %.9f, \"ratio_one_tensor\": %.4f", x->one.best,
                   x->step.best / x->one.best);
        printf("}");
    }
    printf("%s\n", n > 1 ? "]" : "");
}

static void print_table(const step_result *r, size_t n, const step_args *a, const char *device)
{
    printf("step: %zu parameters in %zu tensor(s), best of %llu\n"
           "device: %s\n"
           "%-34s %10s %9s %9s %9s %7s %7s %9s\n",
           r[0].size, r[0].tensors, (unsigned long long)a->repeat, device, "optimizer",
           "ms", "GB/s", "bound", "C loop", "/bound", "/C", "1024 (us)");
    for (size_t i = 0; i < n; i++) {
        const step_result *x = &r[i];
        const double g = gbps(x, x->step.best), b = gbps(x, x->bound.best),
                     l = gbps(x, x->loop.best);
        printf("%-34s %10.3f %9.1f %9.1f %9.1f %7.2f %7.2f %9.1f\n", x->label,
               1e3 * x->step.best, g, b, l, g / b, g / l, 1e6 * x->small.best);
        if (x->tensors > 1)
            printf("%-34s %10.3f   (%zu tensors / one tensor = %.2f)\n", "  one tensor, same size",
                   1e3 * x->one.best, x->tensors, x->step.best / x->one.best);
    }
    printf("GB/s: bytes moved per step (per parameter 12, plus 8 per state buffer) / time.\n"
           "Median of the first row: %.3f ms.\n",
           1e3 * r[0].step.median);
}

static const char usage[] =
    "usage: clopt bench step [--optimizer SPEC | --all] [--size N] [--tensors T] [--repeat R]\n"
    "                        [--device SEL] [--json]\n"
    "\n"
    "Times one optimizer step (enqueue + clFinish; best and median of R after warm-up) and,\n"
    "in the same run, the same-traffic bound (a kernel that reads and writes the same\n"
    "buffers with trivial arithmetic) and a C loop over host memory (OpenMP, -O3\n"
    "-march=native). --tensors T > 1 draws T tensor sizes log-uniformly in 1 .. 100000\n"
    "(fixed seed) and also times one tensor of the same total size. Also: a step on 1024\n"
    "parameters (launch overhead).\n"
    "\n"
    "  --optimizer SPEC  default adam\n"
    "  --all             every optimizer (SGD with and without momentum)\n"
    "  --size N          parameters, 4 .. 268435456 (default 16777216)\n"
    "  --tensors T       1 .. 100000 (default 1)\n"
    "  --repeat R        1 .. 10000 (default 20)\n";

static int parse(int argc, char **argv, step_args *a)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--all"))
            a->all = 1;
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad)))
            a->spec = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--size", &bad))) {
            if (cli_u64(CMD, "--size", v, 4, 268435456, &a->size))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--tensors", &bad))) {
            if (cli_u64(CMD, "--tensors", v, 1, 100000, &a->tensors))
                return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(CMD, "--repeat", v, 1, 10000, &a->repeat))
                return 2;
        } else if (!bad) {
            fprintf(stderr, CMD ": unknown option '%s' (see clopt bench step --help)\n", argv[i]);
            return 2;
        }
        if (bad)
            return 2;
    }
    return 0;
}

int clopt_cli_bench_step(int argc, char **argv)
{
    if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
        fputs(usage, stdout);
        return 0;
    }
    step_args a = {"adam", NULL, 16777216, 1, 20, 0, 0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    static const char *const every[] = {"sgd",      "sgd(momentum=0.9)", "rmsprop", "adagrad",
                                        "adadelta", "adam",              "adamax",  "nadam"};
    const size_t n = a.all ? sizeof every / sizeof *every : 1;
    clopt_error err = {0};
    clopt_config check;
    if (!a.all && clopt_spec_parse(a.spec, &check, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": --optimizer: %s\n", err.text);
        return 2;
    }
    clopt_context *ctx = clopt_context_create(a.device, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    char device[128] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    step_result r[8];
    memset(r, 0, sizeof r);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (bench_one(ctx, &a, a.all ? every[i] : a.spec, &r[i], &err)) {
            fprintf(stderr, CMD ": %s\n", err.text);
            rc = 1;
        }
    if (rc == 0) {
        if (a.json)
            print_json(r, n, device);
        else
            print_table(r, n, &a, device);
    }
    clopt_context_release(ctx);
    return rc;
}
