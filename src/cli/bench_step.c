/*
 * clopt bench step: one optimizer step (enqueue + clFinish) against, in the same run, the
 * same-traffic bound (cl/bench_bound.cl on the same device) and a C loop over host memory.
 * Also: many tensors against one tensor of the same total size, and a small step.
 */
#include "cli.h"

#include "args.h"
#include "bench_step_loops.h"
#include "clock.h"
#include "config.h"
#include "context.h"
#include "error.h"
#include "schedule.h"
#include "spec.h"
#include "timing.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The best and the median of n times; sorts t. */
static timing summarize(double *t, size_t n)
{
    const double median = cli_median(t, n);
    return (timing){t[0], median};
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
    if (!m) clopt_error_cl(err, rc, "clCreateBuffer", "allocating a benchmark buffer");
    return m;
}

/*
 * The contenders, each prepared once and then timed one run at a time, in rounds: step,
 * bound, C loop, one tensor, small step; step, bound, ... so that a slow spell of the
 * machine hits every contender of a round alike, and ratios are taken per round.
 */
typedef struct {
    clopt_optimizer *o;
    cl_mem p, g;
} step_bench;

static void step_release(step_bench *b)
{
    clopt_optimizer_release(b->o);
    if (b->g) clReleaseMemObject(b->g);
    if (b->p) clReleaseMemObject(b->p);
    memset(b, 0, sizeof *b);
}

/* An optimizer over tensors of the given sizes in one buffer pair, warmed up. */
static int step_prepare(clopt_context *ctx, const char *spec, const size_t *sizes, size_t nt,
                        step_bench *b, clopt_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < nt; i++)
        total += sizes[i];
    memset(b, 0, sizeof *b);
    b->p = filled(clopt_context_cl(ctx), total, 1.0f, err);
    b->g = b->p ? filled(clopt_context_cl(ctx), total, 0.01f, err) : NULL;
    b->o = b->g ? clopt_optimizer_create(ctx, spec, err) : NULL;
    if (!b->o) goto fail;
    for (size_t i = 0, at = 0; i < nt; at += sizes[i++])
        if (clopt_optimizer_add(b->o, b->p, b->g, at, sizes[i], err) != CLOPT_OK) goto fail;
    for (int w = 0; w < 3; w++) /* warm-up: kernels built and state allocated */
        if (clopt_optimizer_step(b->o, err) != CLOPT_OK) goto fail;
    clFinish(clopt_context_queue(ctx));
    return 0;
fail:
    step_release(b);
    return -1;
}

/* One clopt_optimizer_step + clFinish, in seconds; < 0 on error. */
static double step_once(clopt_context *ctx, step_bench *b, clopt_error *err)
{
    const double t0 = clopt_now();
    if (clopt_optimizer_step(b->o, err) != CLOPT_OK) return -1.0;
    cl_int cl = clFinish(clopt_context_queue(ctx));
    if (cl != CL_SUCCESS) {
        clopt_error_cl(err, cl, "clFinish", "waiting for a step");
        return -1.0;
    }
    return clopt_now() - t0;
}

typedef struct {
    cl_program prog;
    cl_kernel k;
    cl_mem b[2 + CLOPT_MAX_STATE];
    size_t global, local;
} bound_bench;

static void bound_release(bound_bench *b)
{
    for (size_t i = 0; i < 2 + CLOPT_MAX_STATE; i++)
        if (b->b[i]) clReleaseMemObject(b->b[i]);
    if (b->k) clReleaseKernel(b->k);
    if (b->prog) clReleaseProgram(b->prog);
    memset(b, 0, sizeof *b);
}

/* The same-traffic kernel with `nstate` state buffers on n floats. */
static int bound_prepare(clopt_context *ctx, size_t nstate, size_t n, bound_bench *b,
                         clopt_error *err)
{
    cl_context cl = clopt_context_cl(ctx);
    cl_device_id dev = clopt_context_device(ctx);
    const char *src = clopt_bench_bound_source;
    cl_int rc;
    char name[32];
    memset(b, 0, sizeof *b);
    snprintf(name, sizeof name, "clopt_bound_%zu", nstate);
    /*
     * The step kernels' pattern for the context's row: on CPUs 64 contiguous floats per
     * work-item, on GPUs the row's work per item, strided by the work-group.
     */
    const clopt_tuning *tu = &ctx->tuning;
    const cl_uint nn = (cl_uint)n, strided = !tu->contiguous;
    const cl_uint per = strided ? (cl_uint)tu->work_per_item : 64;
    b->local = tu->wgs;
    b->global = ((n + per - 1) / per + b->local - 1) / b->local * b->local;
    b->prog = clCreateProgramWithSource(cl, 1, &src, NULL, &rc);
    CLOPT_CL_CHECK_RC(err, "creating the bound kernel", "clCreateProgramWithSource", rc);
    CLOPT_CL_CHECK(err, "building the bound kernel",
                   clBuildProgram(b->prog, 1, &dev, "", NULL, NULL));
    b->k = clCreateKernel(b->prog, name, &rc);
    CLOPT_CL_CHECK_RC(err, "creating the bound kernel", "clCreateKernel", rc);
    for (size_t i = 0; i < 2 + nstate; i++) {
        if (!(b->b[i] = filled(cl, n, i == 1 ? 0.01f : 1.0f, err))) goto fail;
        CLOPT_CL_CHECK(err, "binding the bound kernel",
                       clSetKernelArg(b->k, (cl_uint)i, sizeof b->b[i], &b->b[i]));
    }
    CLOPT_CL_CHECK(err, "binding the bound kernel",
                   clSetKernelArg(b->k, (cl_uint)(2 + nstate), sizeof nn, &nn));
    CLOPT_CL_CHECK(err, "binding the bound kernel",
                   clSetKernelArg(b->k, (cl_uint)(3 + nstate), sizeof per, &per));
    CLOPT_CL_CHECK(err, "binding the bound kernel",
                   clSetKernelArg(b->k, (cl_uint)(4 + nstate), sizeof strided, &strided));
    return 0;
fail:
    bound_release(b);
    return -1;
}

static double bound_once(clopt_context *ctx, bound_bench *b, clopt_error *err)
{
    cl_command_queue q = clopt_context_queue(ctx);
    const double t0 = clopt_now();
    CLOPT_CL_CHECK(err, "running the bound kernel",
                   clEnqueueNDRangeKernel(q, b->k, 1, NULL, &b->global, &b->local, 0, NULL, NULL));
    CLOPT_CL_CHECK(err, "running the bound kernel", clFinish(q));
    return clopt_now() - t0;
fail:
    return -1.0;
}

/*
 * The C contenders over host memory: the kernels' rule compiled as C (every kind), the rule
 * written by hand (every element-wise kind and Lamb), and STREAM's copy and triad on arrays of
 * their own (a[5 ..]), the machine's bandwidth. Neither C loop clips the gradient.
 */
typedef struct {
    clopt_kind kind;
    size_t live, n;
    int hand; /* a hand-written loop for this rule */
    clopt_scalars k;
    float *a[2 + CLOPT_MAX_STATE + 3];
} loop_bench;

static void loop_release(loop_bench *b)
{
    for (size_t i = 0; i < sizeof b->a / sizeof b->a[0]; i++)
        free(b->a[i]);
    memset(b, 0, sizeof *b);
}

/*
 * Host arrays with small values and the scalars of step 1 (clopt_schedule_scalars), once
 * the hand-written loop is seen to compute the rule's step (a contender that computes
 * something else would flatter or shame the step).
 */
static int loop_prepare(const clopt_config *c, size_t n, loop_bench *b, clopt_error *err)
{
    memset(b, 0, sizeof *b);
    b->kind = c->info->kind;
    b->live = clopt_catalogue_state_count(c->info, c->v);
    b->n = n;
    clopt_schedule_scalars(c, 0, clopt_running_start(), &b->k);
    b->hand = bench_step_hand_has(b->kind, b->live);
    char text[256];
    if (b->hand && bench_step_hand_check(c, text, sizeof text)) {
        clopt_error_set(err, CLOPT_EINVAL, "%s", text);
        return -1;
    }
    for (size_t i = 0; i < sizeof b->a / sizeof b->a[0]; i++) {
        if (!(b->a[i] = malloc(n * sizeof(float)))) {
            loop_release(b);
            clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu parameters", n);
            return -1;
        }
        for (size_t j = 0; j < n; j++)
            b->a[i][j] = (i == 1 ? 0.01f : 1.0f) * (float)((j * 2654435761u) % 1000u) / 1000.0f;
    }
    bench_step_loop(b->kind, b->live, &b->k, b->a[0], b->a[1], b->a + 2, n); /* warm-up */
    return 0;
}

static double loop_once(loop_bench *b)
{
    const double t0 = clopt_now();
    bench_step_loop(b->kind, b->live, &b->k, b->a[0], b->a[1], b->a + 2, b->n);
    return clopt_now() - t0;
}

/* The hand-written loop of the rule, or (none for this rule) the rule's loop again. */
static double hand_once(loop_bench *b)
{
    if (!b->hand) return loop_once(b);
    const double t0 = clopt_now();
    bench_step_hand(b->kind, b->live, &b->k, b->a[0], b->a[1], b->a + 2, b->n);
    return clopt_now() - t0;
}

/* STREAM's copy, or its triad, on the loop's arrays of its own. */
static double stream_once(loop_bench *b, int triad)
{
    float *const *s = b->a + 2 + CLOPT_MAX_STATE;
    const double t0 = clopt_now();
    if (triad)
        bench_stream_triad(s[0], s[1], s[2], 0.5f, b->n);
    else
        bench_stream_copy(s[0], s[1], b->n);
    return clopt_now() - t0;
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
    size_t size, tensors;
    size_t bytes, bound_bytes; /* per parameter: moved by the step, by the bound kernel */
    int hand;                  /* a hand-written C loop for this rule */
    timing step, bound, loop, hand_loop, copy, triad, one, small;
    /* medians over rounds of per-round ratios: the step's bandwidth relative to the bound's,
     * its speed relative to the rule's C loop and the strongest C loop of the round, its
     * bandwidth relative to the triad's (bytes/s) */
    double ratio_bound, ratio_loop, ratio_c_best, ratio_triad, ratio_one;
} step_result;

typedef struct {
    step_bench many, one, small;
    bound_bench bound;
    loop_bench loop;
} contenders;

/*
 * Rounds of every contender, one after another (step, bound, C loops, copy, triad, one
 * tensor, small step; step, ...); per round the step's speed relative to each of the others.
 */
enum {
    T_STEP,
    T_BOUND,
    T_LOOP,
    T_HAND,
    T_COPY,
    T_TRIAD,
    T_ONE,
    T_SMALL,
    R_BOUND,
    R_LOOP,
    R_BEST,
    R_TRIAD,
    R_ONE,
    T_COUNT
};

static int run_rounds(clopt_context *ctx, contenders *c, uint64_t repeat, step_result *r,
                      clopt_error *err)
{
    double *t = calloc(T_COUNT * repeat, sizeof *t);
    if (!t) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory"), -1;
    double *v[T_COUNT];
    for (size_t i = 0; i < T_COUNT; i++)
        v[i] = t + i * repeat;
    int rc = 0;
    for (uint64_t i = 0; i < repeat && rc == 0; i++) {
        /* a pause before each: PoCL's and OpenMP's threads spin for a while after their
         * work, and would take the cores from whichever contender comes next */
        cli_settle();
        const double ts = v[T_STEP][i] = step_once(ctx, &c->many, err);
        cli_settle();
        v[T_BOUND][i] = bound_once(ctx, &c->bound, err);
        cli_settle();
        v[T_LOOP][i] = loop_once(&c->loop);
        cli_settle();
        v[T_HAND][i] = hand_once(&c->loop);
        cli_settle();
        v[T_COPY][i] = stream_once(&c->loop, 0);
        cli_settle();
        v[T_TRIAD][i] = stream_once(&c->loop, 1);
        cli_settle();
        v[T_ONE][i] = c->one.o ? step_once(ctx, &c->one, err) : ts;
        cli_settle();
        v[T_SMALL][i] = step_once(ctx, &c->small, err);
        rc = ts < 0 || v[T_BOUND][i] < 0 || v[T_ONE][i] < 0 || v[T_SMALL][i] < 0 ? -1 : 0;
        v[R_BOUND][i] = v[T_BOUND][i] * (double)r->bytes / ((double)r->bound_bytes * ts);
        v[R_LOOP][i] = v[T_LOOP][i] / ts;
        v[R_BEST][i] = fmin(v[T_LOOP][i], v[T_HAND][i]) / ts;
        v[R_TRIAD][i] = v[T_TRIAD][i] * (double)r->bytes / (12.0 * ts); /* bytes/s ratio */
        v[R_ONE][i] = ts / v[T_ONE][i];
    }
    if (rc == 0) { /* ratios first: the medians sort */
        double *const ratio[] = {&r->ratio_bound, &r->ratio_loop, &r->ratio_c_best, &r->ratio_triad,
                                 &r->ratio_one};
        timing *const time[] = {&r->step, &r->bound, &r->loop, &r->hand_loop,
                                &r->copy, &r->triad, &r->one,  &r->small};
        for (size_t i = 0; i < sizeof ratio / sizeof ratio[0]; i++)
            *ratio[i] = cli_median(v[R_BOUND + i], repeat);
        for (size_t i = 0; i < sizeof time / sizeof time[0]; i++)
            *time[i] = summarize(v[T_STEP + i], repeat);
        r->hand = c->loop.hand;
    }
    free(t);
    return rc;
}

static int bench_one(clopt_context *ctx, const step_args *a, const char *spec, step_result *r,
                     clopt_error *err)
{
    clopt_config cfg;
    if (clopt_spec_parse(spec, &cfg, err) != CLOPT_OK) return -1;
    char *label = clopt_config_label(&cfg);
    snprintf(r->label, sizeof r->label, "%.*s", (int)sizeof r->label - 1, label ? label : spec);
    free(label);
    size_t one = (size_t)a->size, total = one;
    size_t *sizes = a->tensors > 1 ? tensor_sizes((size_t)a->tensors, &total) : &one;
    if (!sizes) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory"), -1;
    const size_t nstate = clopt_catalogue_state_count(cfg.info, cfg.v);
    r->size = total;
    r->tensors = (size_t)a->tensors;
    /* p, g and the state read, p and the state written; a tensor-wise rule (Lamb) reads p
     * and the state again in its second pass, to apply the ratio, and writes p again */
    r->bound_bytes = 4 * (3 + 2 * nstate);
    r->bytes = r->bound_bytes + (clopt_catalogue_tensorwise(cfg.info->kind) ? 4 * (2 + nstate) : 0);
    const size_t small = SMALL;
    contenders c;
    memset(&c, 0, sizeof c);
    int rc = step_prepare(ctx, spec, sizes, r->tensors, &c.many, err) ||
             (r->tensors > 1 && step_prepare(ctx, spec, &total, 1, &c.one, err)) ||
             step_prepare(ctx, spec, &small, 1, &c.small, err) ||
             bound_prepare(ctx, nstate, total, &c.bound, err);
    if (!rc) rc = loop_prepare(&cfg, total, &c.loop, err);
    if (!rc) rc = run_rounds(ctx, &c, a->repeat, r, err);
    step_release(&c.many);
    step_release(&c.one);
    step_release(&c.small);
    bound_release(&c.bound);
    loop_release(&c.loop);
    if (sizes != &one) free(sizes);
    if (rc && err->status == CLOPT_OK)
        clopt_error_set(err, CLOPT_ENOMEM, "out of memory for %zu parameters", total);
    return rc ? -1 : 0;
}

/* Bytes per second over the median time: the step's bytes per parameter (also the C loops',
 * which make the same passes), the bound kernel's, or STREAM's per element. */
static double stream_gbps(const step_result *r, double bytes, double seconds)
{
    return (double)r->size * bytes / seconds / 1e9;
}

static double gbps(const step_result *r, double seconds)
{
    return stream_gbps(r, (double)r->bytes, seconds);
}

static void print_json(const step_result *r, size_t n, const char *device)
{
    printf("%s", n > 1 ? "[" : "");
    for (size_t i = 0; i < n; i++) {
        const step_result *x = &r[i];
        char hand[32] = "null";
        if (x->hand) snprintf(hand, sizeof hand, "%.3f", gbps(x, x->hand_loop.median));
        printf("%s{\"optimizer\": \"%s\", \"device\": \"%s\", \"size\": %zu, \"tensors\": %zu, "
               "\"bytes_per_element\": %zu, \"seconds_best\": %.9f, \"seconds_median\": %.9f, "
               "\"gbps\": %.3f, \"elements_per_second\": %.6g, \"bound_gbps\": %.3f, "
               "\"c_loop_gbps\": %.3f, \"c_hand_gbps\": %s, \"copy_gbps\": %.3f, "
               "\"triad_gbps\": %.3f, \"ratio_bound\": %.4f, \"ratio_c_loop\": %.4f, "
               "\"ratio_c_best\": %.4f, \"ratio_triad\": %.4f, \"small_step_seconds\": %.9f",
               i ? ",\n " : "", x->label, device, x->size, x->tensors, x->bytes, x->step.best,
               x->step.median, gbps(x, x->step.median), (double)x->size / x->step.median,
               stream_gbps(x, (double)x->bound_bytes, x->bound.median), gbps(x, x->loop.median),
               hand, stream_gbps(x, 8, x->copy.median), stream_gbps(x, 12, x->triad.median),
               x->ratio_bound, x->ratio_loop, x->ratio_c_best, x->ratio_triad, x->small.best);
        if (x->tensors > 1)
            printf(", \"one_tensor_seconds\": %.9f, \"ratio_one_tensor\": %.4f", x->one.best,
                   x->ratio_one);
        printf("}");
    }
    printf("%s\n", n > 1 ? "]" : "");
}

static void print_table(const step_result *r, size_t n, const step_args *a, const char *device)
{
    printf("step: %zu parameters in %zu tensor(s), %llu rounds of every contender\n"
           "device: %s\n"
           "STREAM on the host, same rounds: copy %.1f GB/s, triad %.1f GB/s (medians)\n"
           "%-34s %8s %7s %7s %7s %7s %7s %7s %7s %7s %9s\n",
           r[0].size, r[0].tensors, (unsigned long long)a->repeat, device,
           stream_gbps(&r[0], 8, r[0].copy.median), stream_gbps(&r[0], 12, r[0].triad.median),
           "optimizer", "ms", "GB/s", "bound", "C rule", "C hand", "/bound", "/C", "/C best",
           "/triad", "1024 (us)");
    for (size_t i = 0; i < n; i++) {
        const step_result *x = &r[i];
        char hand[16] = "      -";
        if (x->hand) snprintf(hand, sizeof hand, "%7.1f", gbps(x, x->hand_loop.median));
        printf("%-34s %8.3f %7.1f %7.1f %7.1f %7s %7.2f %7.2f %7.2f %7.2f %9.1f\n", x->label,
               1e3 * x->step.median, gbps(x, x->step.median),
               stream_gbps(x, (double)x->bound_bytes, x->bound.median), gbps(x, x->loop.median),
               hand, x->ratio_bound, x->ratio_loop, x->ratio_c_best, x->ratio_triad,
               1e6 * x->small.best);
        if (x->tensors > 1)
            printf("%-34s %8.3f   (%zu tensors / one tensor = %.2f)\n", "  one tensor, same size",
                   1e3 * x->one.median, x->tensors, x->ratio_one);
    }
    printf("ms, GB/s: the median step; bytes moved per step (per parameter 12, plus 8 per state\n"
           "buffer; Lamb's second pass 16 more) / time. bound: the same-traffic kernel, one pass.\n"
           "C rule: cl/rules.cl compiled as C; C hand: the rule written by hand (flat kinds).\n"
           "/bound and /triad (bytes per second against theirs), /C, /C best (the faster\n"
           "C loop of each round; speed), tensors / one tensor: medians over rounds of each\n"
           "round's ratio. Best step: %.3f ms.\n",
           1e3 * r[0].step.best);
}

/* Every kind with its defaults, and again with its optional state switched on. */
static size_t all_specs(char specs[][64])
{
    size_t n = 0;
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        if (clopt_catalogue_matrix(info->kind)) continue; /* flat tensors only */
        snprintf(specs[n++], 64, "%s", info->key);
        if (info->lean == info->full) continue;
        const clopt_param_info *sw = clopt_catalogue_param(info->state_switch);
        snprintf(specs[n++], 64, "%s(%s=%s)", info->key, sw->name,
                 sw->range == CLOPT_RANGE_BOOL ? "True" : "0.9");
    }
    return n;
}

const char clopt_cli_bench_step_usage[] =
    "usage: clopt bench step [--optimizer SPEC | --all] [--size N] [--tensors T] [--repeat R]\n"
    "                        [--device SEL] [--json]\n"
    "\n"
    "Times one optimizer step (enqueue + clFinish) against, in the same run, the\n"
    "same-traffic bound (a kernel that reads and writes the same buffers with trivial\n"
    "arithmetic), C loops over host memory with the same rule (the kernels' rule compiled\n"
    "as C, and the rule written by hand, checked against it first; OpenMP, -O3\n"
    "-march=native) and STREAM's copy and triad, in R rounds of one run of each; ratios\n"
    "are medians over rounds. Every contender's threads are bound one to a\n"
    "CPU (POCL_AFFINITY=1 unless set; OpenMP's threads once the context exists).\n"
    "--tensors T > 1 draws T tensor sizes log-uniformly in 1 .. 100000 (fixed seed) and\n"
    "also times one tensor of the same total size. Also: a step on 1024 parameters\n"
    "(launch overhead).\n"
    "\n"
    "  --optimizer SPEC  default adam\n"
    "  --all             every optimizer of the catalogue, and each again with its optional\n"
    "                    state on (SGD with momentum, Adam and AdamW with amsgrad)\n"
    "  --size N          parameters, 4 .. 268435456 (default 16777216)\n"
    "  --tensors T       1 .. 100000 (default 1)\n"
    "  --repeat R        1 .. 10000 (default 20)\n"
    "  --device SEL      cpu, gpu, P:D or part of a device name\n"
    "  --json            the figures as JSON\n"
    "\n"
    "Matrix optimizers: clopt bench step --optimizer muon --shape RxC (see --shape).\n";

/* 0, 2 on a usage error (printed), -1 when --help printed the usage. */
static int parse(int argc, char **argv, step_args *a)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(clopt_cli_bench_step_usage, stdout);
            return -1;
        }
        if (!strcmp(argv[i], "--json"))
            a->json = 1;
        else if (!strcmp(argv[i], "--all"))
            a->all = 1;
        else if ((v = cli_value(CMD, argc, argv, &i, "--optimizer", &bad)))
            a->spec = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--device", &bad)))
            a->device = v;
        else if ((v = cli_value(CMD, argc, argv, &i, "--size", &bad))) {
            if (cli_u64(CMD, "--size", v, 4, 268435456, &a->size)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--tensors", &bad))) {
            if (cli_u64(CMD, "--tensors", v, 1, 100000, &a->tensors)) return 2;
        } else if ((v = cli_value(CMD, argc, argv, &i, "--repeat", &bad))) {
            if (cli_u64(CMD, "--repeat", v, 1, 10000, &a->repeat)) return 2;
        } else if (!bad)
            return cli_unknown_option(CMD, argv[i], clopt_cli_bench_step_usage);
        if (bad) return 2;
    }
    return 0;
}

int clopt_cli_bench_step(int argc, char **argv)
{
    /* a matrix optimizer, or matrices: Muon against the GEMM rate (bench_muon.c) */
    for (int i = 2; i < argc; i++) {
        clopt_config c;
        const char *spec = !strcmp(argv[i], "--optimizer") && i + 1 < argc ? argv[i + 1]
                           : !strncmp(argv[i], "--optimizer=", 12)         ? argv[i] + 12
                                                                           : NULL;
        if (!strncmp(argv[i], "--shape", 7) || !strcmp(argv[i], "--model") ||
            (spec && clopt_spec_parse(spec, &c, NULL) == CLOPT_OK &&
             clopt_catalogue_matrix(c.info->kind)))
            return clopt_cli_bench_muon(argc, argv);
    }
    step_args a = {"adam", NULL, 16777216, 1, 20, 0, 0};
    int rc = parse(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    char every[2 * CLOPT_KIND_COUNT][64];
    const size_t n = a.all ? all_specs(every) : 1;
    clopt_error err = {0};
    clopt_config check;
    if (!a.all && clopt_spec_parse(a.spec, &check, &err) != CLOPT_OK) {
        fprintf(stderr, CMD ": --optimizer: %s\n", err.text);
        return 2;
    }
    clopt_context *ctx = cli_bench_context(CMD, a.device, 0, &err);
    if (!ctx) {
        fprintf(stderr, CMD ": %s\n", err.text);
        return err.status == CLOPT_ENODEVICE ? 2 : 1;
    }
    char device[128] = "";
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_NAME, sizeof device - 1, device, NULL);
    step_result r[2 * CLOPT_KIND_COUNT];
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
