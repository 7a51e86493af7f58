/*
 * The tuning table and the device limits: CLOPT_TUNING picks a row whatever the device's
 * type, every row gives the same bits where the rule is the same, and a device that cannot
 * take a row's work-group gets a smaller one (or a clear error), with the same results.
 */
#include "harness.h"

#include "catalogue.h"
#include "context.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The variables a context reads its shape from, all unset by context_with. */
static const char *const knobs[] = {"CLOPT_TUNING", "CLOPT_MAX_WORK_GROUP_SIZE",
                                    "CLOPT_LOCAL_MEM_SIZE"};
enum { NKNOBS = sizeof knobs / sizeof knobs[0] };

/* A context on the default device with the knobs set to `values` (NULL: unset). */
static clopt_context *context_with(const char *const values[NKNOBS], clopt_error *err)
{
    char *saved[NKNOBS];
    for (int i = 0; i < NKNOBS; i++) { /* the caller's settings, restored below */
        saved[i] = getenv(knobs[i]) ? strdup(getenv(knobs[i])) : NULL;
        if (values[i])
            setenv(knobs[i], values[i], 1);
        else
            unsetenv(knobs[i]);
    }
    clopt_context *ctx = clopt_context_create(NULL, err);
    for (int i = 0; i < NKNOBS; i++) {
        if (saved[i])
            setenv(knobs[i], saved[i], 1);
        else
            unsetenv(knobs[i]);
        free(saved[i]);
    }
    return ctx;
}

static clopt_context *row_context(const char *row)
{
    clopt_error err;
    const char *v[NKNOBS] = {row, NULL, NULL};
    clopt_context *ctx = context_with(v, &err);
    if (!ctx) fprintf(stderr, "\n  CLOPT_TUNING=%s: %s\n", row, err.text);
    return ctx;
}

/* The rows that the bit-equality tests compare: each table row, and two small devices. */
static const char *const shapes[][NKNOBS] = {
    {"cpu", NULL, NULL}, {"gpu", NULL, NULL}, {"accelerator", NULL, NULL},
    {"gpu", "4", NULL},  {"cpu", "2", NULL},
};
enum { NSHAPES = sizeof shapes / sizeof shapes[0] };

static void open_shapes(clopt_context *ctx[NSHAPES])
{
    for (size_t s = 0; s < NSHAPES; s++) {
        clopt_error err;
        ctx[s] = context_with(shapes[s], &err);
        if (!ctx[s])
            fprintf(stderr, "\n  CLOPT_TUNING=%s CLOPT_MAX_WORK_GROUP_SIZE=%s: %s\n", shapes[s][0],
                    shapes[s][1] ? shapes[s][1] : "", err.text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[s]);
    }
}

static void close_shapes(clopt_context *ctx[NSHAPES])
{
    for (size_t s = 0; s < NSHAPES; s++)
        clopt_context_release(ctx[s]);
}

static void test_tuning_picks_the_named_row_on_any_device(void)
{
    clopt_context *cpu = row_context("cpu"), *gpu = row_context("gpu"),
                  *acc = row_context("accelerator"), *autom = row_context("auto");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cpu);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gpu);
    CU_ASSERT_PTR_NOT_NULL_FATAL(acc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(autom);
    CU_ASSERT_FATAL(gpu->tuning.max_wgs >= 256); /* PoCL takes 4096 */

    CU_ASSERT_STRING_EQUAL(gpu->tuning.row, "gpu");
    CU_ASSERT_EQUAL(gpu->tuning.wgs, 256);
    CU_ASSERT_EQUAL(gpu->tuning.chunk, 256 * 16);
    CU_ASSERT_EQUAL(gpu->tuning.contiguous, 0);
    CU_ASSERT_EQUAL(gpu->tuning.lanes, 1);
    CU_ASSERT_EQUAL(gpu->tuning.groups, 1);
    CU_ASSERT_EQUAL(gpu->tuning.trajectory_wgs, 64);

    CU_ASSERT_STRING_EQUAL(acc->tuning.row, "accelerator");
    CU_ASSERT_EQUAL(acc->tuning.wgs, 128);
    CU_ASSERT_EQUAL(acc->tuning.chunk, 128 * 16);
    CU_ASSERT_EQUAL(acc->tuning.contiguous, 0);
    CU_ASSERT_EQUAL(acc->tuning.lanes, 1);

    CU_ASSERT_STRING_EQUAL(cpu->tuning.row, "cpu");
    CU_ASSERT_EQUAL(cpu->tuning.wgs, 64);
    CU_ASSERT_EQUAL(cpu->tuning.chunk, 64 * 1024);
    CU_ASSERT_EQUAL(cpu->tuning.contiguous, 1);
    CU_ASSERT_EQUAL(cpu->tuning.groups, 16);
    CU_ASSERT_EQUAL(cpu->tuning.trajectory_wgs, 1);

    /* auto: the device's own type (a CPU under PoCL; tools/device-check runs this on a GPU) */
    cl_device_type type = 0;
    clGetDeviceInfo(clopt_context_device(autom), CL_DEVICE_TYPE, sizeof type, &type, NULL);
    const clopt_context *own = (type & CL_DEVICE_TYPE_GPU)           ? gpu
                               : (type & CL_DEVICE_TYPE_ACCELERATOR) ? acc
                                                                     : cpu;
    CU_ASSERT_STRING_EQUAL(autom->tuning.row, own->tuning.row);
    CU_ASSERT_EQUAL(autom->tuning.wgs, own->tuning.wgs);
    CU_ASSERT_EQUAL(autom->tuning.lanes, own->tuning.lanes);
    clopt_context_release(cpu);
    clopt_context_release(gpu);
    clopt_context_release(acc);
    clopt_context_release(autom);
}

static void test_tuning_rejects_unknown_rows_and_malformed_limits(void)
{
    clopt_error err;
    const char *row[NKNOBS] = {"GPU2", NULL, NULL};
    CU_ASSERT_PTR_NULL(context_with(row, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "CLOPT_TUNING='GPU2': expected cpu, gpu, accelerator or auto");
    const char *zero[NKNOBS] = {NULL, "0", NULL};
    CU_ASSERT_PTR_NULL(context_with(zero, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "CLOPT_MAX_WORK_GROUP_SIZE='0': expected an integer from 1");
    const char *junk[NKNOBS] = {NULL, NULL, "64k"};
    CU_ASSERT_PTR_NULL(context_with(junk, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "CLOPT_LOCAL_MEM_SIZE='64k'");
    setenv("CLOPT_TRAJECTORY_LANES", "3", 1);
    CU_ASSERT_PTR_NULL(clopt_context_create(NULL, &err));
    unsetenv("CLOPT_TRAJECTORY_LANES");
    ASSERT_ERROR(err, CLOPT_EINVAL, "CLOPT_TRAJECTORY_LANES='3': expected a power of two");
}

/*
 * A small maximum work-group size shrinks the row's work-group (and the trajectory
 * kernel's) to the largest power of two within it; a small local memory shrinks the
 * work-group until every kernel's __local arrays fit: Lamb's per-tensor norm folds hold
 * two (scale, ssq) float2 pairs per work-item, 16 x wgs bytes, so 300 bytes leave 16
 * (256 bytes) of the CPU row's 64.
 */
static void test_device_limits_shrink_the_work_group(void)
{
    clopt_error err;
    const char *small[NKNOBS] = {"gpu", "5", NULL};
    clopt_context *a = context_with(small, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a->tuning.max_wgs, 5);
    CU_ASSERT_EQUAL(a->tuning.wgs, 4);
    CU_ASSERT_EQUAL(a->tuning.chunk, 4 * 16);
    CU_ASSERT_EQUAL(a->tuning.trajectory_wgs, 4);
    clopt_context_release(a);

    const char *local[NKNOBS] = {"cpu", NULL, "300"};
    clopt_context *b = context_with(local, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->tuning.local_mem, 300);
    CU_ASSERT_EQUAL(b->tuning.wgs, 16);
    CU_ASSERT_EQUAL(b->tuning.chunk, 16 * 1024);
    clopt_context_release(b);
}

static void test_device_too_small_for_any_work_group_is_a_clear_error(void)
{
    clopt_error err;
    const char *tiny[NKNOBS] = {NULL, "1", "6"}; /* the min/max reduction needs 8 bytes */
    CU_ASSERT_PTR_NULL(context_with(tiny, &err));
    ASSERT_ERROR(err, CLOPT_ECL,
                 "even with a work-group of 1: it needs 8 bytes of local memory "
                 "where CL_DEVICE_LOCAL_MEM_SIZE is 6");
    ASSERT_ERROR(err, CLOPT_ECL, "cannot run kernel clopt_");
}

/*
 * Tensors that cross chunk boundaries of every row (the CPU row's chunk is 65536 floats,
 * the GPU row's 4096, a small device's 32), several per optimizer.
 */
static const size_t sizes[] = {1, 3, 257, 4097, 70001};
enum { NTENSORS = sizeof sizes / sizeof sizes[0] };

/* The parameters after `steps` steps of `spec` on ctx, from the same seeded start. */
static float *stepped(clopt_context *ctx, const char *spec, int steps, size_t total)
{
    clopt_error err;
    float *p = malloc(total * sizeof *p), *g = malloc(total * sizeof *g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    uint64_t rng = 42;
    for (size_t i = 0; i < total; i++)
        p[i] = test_uniform(&rng);
    cl_int rc;
    cl_mem pm = clCreateBuffer(clopt_context_cl(ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                               total * sizeof *p, p, &rc);
    cl_mem gm =
        clCreateBuffer(clopt_context_cl(ctx), CL_MEM_READ_WRITE, total * sizeof *g, NULL, &rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gm);
    clopt_optimizer *o = clopt_optimizer_create(ctx, spec, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    for (size_t i = 0, at = 0; i < NTENSORS; at += sizes[i++]) /* Muon: rows of matrices */
        CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, pm, gm, at, 1, sizes[i], &err), CLOPT_OK);
    cl_command_queue q = clopt_context_queue(ctx);
    for (int s = 0; s < steps; s++) {
        for (size_t i = 0; i < total; i++) /* a gradient that changes sign and scale */
            g[i] = test_uniform(&rng) * (1.0f + (float)s);
        clEnqueueWriteBuffer(q, gm, CL_TRUE, 0, total * sizeof *g, g, 0, NULL, NULL);
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    }
    clEnqueueReadBuffer(q, pm, CL_TRUE, 0, total * sizeof *p, p, 0, NULL, NULL);
    clopt_optimizer_release(o);
    clReleaseMemObject(pm);
    clReleaseMemObject(gm);
    free(g);
    return p;
}

/* The largest difference between two parameter vectors, relative to max(|a|, 1). */
static double worst_relative(const float *a, const float *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - b[i]) / fmax(fabs((double)a[i]), 1.0);
        worst = d > worst ? d : worst;
    }
    return worst;
}

/* The specs tried for optimizer k: plain, clipvalue, clipnorm and its optional state on. */
static size_t variants_of(clopt_kind k, char spec[4][96])
{
    const clopt_optimizer_info *info = clopt_catalogue_optimizer(k);
    snprintf(spec[0], 96, "%s", info->key);
    snprintf(spec[1], 96, "%s(clipvalue=0.5)", info->key);
    snprintf(spec[2], 96, "%s(clipnorm=10)", info->key);
    if (info->full == info->lean) return 3;
    const clopt_param p = info->state_switch; /* momentum (SGD), amsgrad (Adam, AdamW) */
    if (k == CLOPT_SGD)
        snprintf(spec[3], 96, "sgd(momentum=0.9, nesterov=True)");
    else
        snprintf(spec[3], 96, "%s(%s=%s)", info->key, clopt_catalogue_param(p)->name,
                 clopt_catalogue_range(info, p) == CLOPT_RANGE_BOOL ? "True" : "0.9");
    return 4;
}

/*
 * Every element-wise optimizer, plain, with clipvalue and with its optional state, gives
 * the CPU row's bits on every other row: neither the work-group nor the order of elements
 * within it can change an element-wise result. A sum over many elements can: with clipnorm
 * the global norm, and for Lamb (a rule with norms over each tensor) the tensors' norms, are
 * sums whose order follows the chunks (65536 floats per group on the CPU row, 4096 on the
 * GPU row), so they, and with them the updates, may differ in the last bits. There the rows
 * agree to 1e-6 of max(|p|, 1) (measured: 1 or 2 units in the last place, 6e-8 and 1.2e-7).
 */
static void test_rows_give_the_same_bits_for_every_optimizer(void)
{
    clopt_context *ctx[NSHAPES];
    open_shapes(ctx);
    size_t total = 0;
    for (size_t i = 0; i < NTENSORS; i++)
        total += sizes[i];
    const int steps = test_quick() ? 2 : 5;
    for (int k = 0; k < CLOPT_KIND_COUNT; k++) {
        char spec[4][96];
        const size_t nv = variants_of((clopt_kind)k, spec);
        for (size_t v = 0; v < nv; v++) {
            /* Muon's norm is a work-group sum (muon.cl): its order follows the row too */
            const int exact = v != 2 && !clopt_catalogue_tensorwise((clopt_kind)k) &&
                              !clopt_catalogue_matrix((clopt_kind)k);
            float *want = stepped(ctx[0], spec[v], steps, total);
            for (size_t s = 1; s < NSHAPES; s++) {
                float *got = stepped(ctx[s], spec[v], steps, total);
                const int same = memcmp(want, got, total * sizeof *got) == 0;
                const double rel = worst_relative(want, got, total);
                if (exact) CU_ASSERT(same);
                CU_ASSERT(rel <= 1e-6);
                if ((!same && exact) || rel > 1e-6)
                    fprintf(stderr, "\n  %s: row %s (max wgs %s) differs from cpu (rel %.3g)\n",
                            spec[v], shapes[s][0], shapes[s][1] ? shapes[s][1] : "-", rel);
                free(got);
            }
            free(want);
        }
    }
    close_shapes(ctx);
}

/* The points of a whole run (x, y, f and state per step). */
static float *run_points(clopt_context *ctx, const clopt_run_options *o, size_t *n)
{
    clopt_error err;
    clopt_run *r = clopt_run_create(ctx, o, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const size_t rows = (size_t)(o->steps / o->every) + 1, nt = clopt_run_trajectories(r);
    *n = 0;
    float *out = NULL;
    size_t comp = 0;
    while (!clopt_run_finished(r)) {
        clopt_slice s;
        CU_ASSERT_EQUAL_FATAL(clopt_run_advance(r, 0, &s, &err), CLOPT_OK);
        const size_t m = s.rows * s.trajectories * s.components;
        comp = s.components;
        float *grown = realloc(out, (*n + m) * sizeof *out);
        if (!grown) free(out);
        CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
        out = grown;
        memcpy(out + *n, s.data, m * sizeof *out);
        *n += m;
    }
    CU_ASSERT_EQUAL(comp, CLOPT_RUN_STATE_COMPONENTS);
    CU_ASSERT_EQUAL(*n, rows * nt * comp);
    clopt_run_release(r);
    return out;
}

/*
 * The trajectory engine and the landscape give the same bits on every row. Ackley is left
 * out: the CPU row runs 16 trajectories as one float16 vector and the GPU row one per
 * work-item, and PoCL's vector exp() differs from its scalar exp() in the last bit (see
 * test_shapes_do_not_change_results in test_trajectory.c).
 */
static void test_rows_give_the_same_trajectories_and_landscape(void)
{
    clopt_context *ctx[NSHAPES];
    open_shapes(ctx);
    const char *specs[] = {"sgd(lr=0.001, momentum=0.9)", "adam(lr=0.05)", "rmsprop(lr=0.01)",
                           "nadam(lr=0.01, clipnorm=1)"};
    double starts[2 * 37];
    uint64_t rng = 9;
    for (int i = 0; i < 2 * 37; i++)
        starts[i] = 2 * test_uniform(&rng);
    const char *fns[] = {"rosenbrock", "beale", "himmelblau"};
    for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
        clopt_run_options o = {fns[f],
                               specs,
                               4,
                               starts,
                               37,
                               test_quick() ? 16 : 150,
                               5,
                               0.1,
                               7,
                               1,
                               CLOPT_PRECISION_FLOAT};
        size_t na, nb;
        float *a = run_points(ctx[0], &o, &na);
        float lo_a, hi_a, lo_b, hi_b, grid_a[33 * 17], grid_b[33 * 17];
        clopt_error err;
        CU_ASSERT_EQUAL(clopt_landscape(ctx[0], fns[f], 33, 17, NULL, grid_a, &lo_a, &hi_a, &err),
                        CLOPT_OK);
        for (size_t s = 1; s < NSHAPES; s++) {
            float *b = run_points(ctx[s], &o, &nb);
            const int same = na == nb && memcmp(a, b, na * sizeof *a) == 0;
            CU_ASSERT(same);
            CU_ASSERT_EQUAL(
                clopt_landscape(ctx[s], fns[f], 33, 17, NULL, grid_b, &lo_b, &hi_b, &err),
                CLOPT_OK);
            const int land =
                memcmp(grid_a, grid_b, sizeof grid_a) == 0 && lo_a == lo_b && hi_a == hi_b;
            CU_ASSERT(land);
            if (!same || !land)
                fprintf(stderr, "\n  %s: row %s (max wgs %s) differs from cpu (%s)\n", fns[f],
                        shapes[s][0], shapes[s][1] ? shapes[s][1] : "-",
                        same ? "landscape" : "trajectories");
            free(b);
        }
        free(a);
    }
    close_shapes(ctx);
}

CU_TestInfo tuning_tests[] = {
    {"CLOPT_TUNING picks the named row on any device",
     test_tuning_picks_the_named_row_on_any_device},
    {"malformed knobs are errors naming the variable",
     test_tuning_rejects_unknown_rows_and_malformed_limits},
    {"device limits shrink the work-group", test_device_limits_shrink_the_work_group},
    {"a device too small for any work-group is a clear error",
     test_device_too_small_for_any_work_group_is_a_clear_error},
    {"every row gives the same bits for every optimizer",
     test_rows_give_the_same_bits_for_every_optimizer},
    {"every row gives the same trajectories and landscape",
     test_rows_give_the_same_trajectories_and_landscape},
    CU_TEST_INFO_NULL,
};
