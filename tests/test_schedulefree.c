/*
 * Schedule-free SGD and AdamW (docs/semantics.md): y (the parameters) and x (the average the
 * library writes into a caller's buffer) against the reference over 1,000 steps with every
 * option, on three tensors in two buffers; what the average is for other kinds and before
 * the first step; checkpoints keep the running scalars (lr_max, the weight sum).
 *
 * Tolerance: z accumulates its updates as any rule's state does, and x and y are convex
 * combinations of z's history, so each is within eps (16 + steps) |S| of the reference, S the
 * same quantity summed with absolute values (reference.c's mag), as test_numerics.c bounds
 * states. The weight c is a float: its rounding moves x by at most eps |x - z| per step,
 * inside the same bound.
 */
#include "harness.h"

#include "optimizer.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NT 3

static const size_t counts[NT] = {1, 37, 1000};
static const int in_b[NT] = {0, 1, 0};
static const size_t offs[NT] = {3, 0, 9};

typedef struct {
    const char *spec;
    const char *names[10];
    double values[10];
} sf_case;

static const sf_case cases[] = {
    {"sgd_schedulefree", {NULL}, {0}},
    {"sgd_schedulefree(lr=0.5, momentum=0.5, weight_decay=0.05, warmup_steps=20, r=0.5, "
     "weight_lr_power=1, decay=0.01)",
     {"lr", "momentum", "weight_decay", "warmup_steps", "r", "weight_lr_power", "decay", NULL},
     {0.5, 0.5, 0.05, 20, 0.5, 1, 0.01}},
    {"sgd_schedulefree(lr=0.2, clipnorm=5, clipvalue=0.5)",
     {"lr", "clipnorm", "clipvalue", NULL},
     {0.2, 5, 0.5}},
    {"adamw_schedulefree", {NULL}, {0}},
    {"adamw_schedulefree(lr=0.01, beta_1=0.5, beta_2=0.9, epsilon=0.1, weight_decay=0.05, "
     "warmup_steps=20, r=0.5, weight_lr_power=1, decay=0.01)",
     {"lr", "beta_1", "beta_2", "epsilon", "weight_decay", "warmup_steps", "r", "weight_lr_power",
      "decay"},
     {0.01, 0.5, 0.9, 0.1, 0.05, 20, 0.5, 1, 0.01}},
};

static int check(const char *what, const char *spec, size_t step, size_t t, size_t i, double dev,
                 double ref, double mag, size_t steps)
{
    const double bound = FLT_EPSILON * (16.0 + (double)steps) * (mag + 1e-30);
    if (fabs(dev - ref) <= bound) return 1;
    CU_FAIL("schedule-free value differs from the reference beyond the float32 bound");
    fprintf(stderr,
            "\n  %s, step %zu, %s of tensor %zu [%zu]: device %.9g reference %.9g (bound %.3g)\n",
            spec, step, what, t, i, dev, ref, bound);
    return 0;
}

static void run_sf(const sf_case *c, const char *schedule)
{
    const size_t steps = test_quick() ? 20 : 1000;
    const size_t size[2] = {offs[2] + counts[2], counts[1]};
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    float *hp[2], *hg[2], *hx[2];
    cl_mem param[2], grad[2], xbuf[2];
    for (int b = 0; b < 2; b++) {
        hp[b] = malloc(size[b] * sizeof(float));
        hg[b] = calloc(size[b], sizeof(float));
        hx[b] = calloc(size[b], sizeof(float));
        for (size_t i = 0; i < size[b]; i++)
            hp[b][i] = test_uniform(&rng);
        param[b] = test_buffer(size[b], hp[b]);
        grad[b] = test_buffer(size[b], NULL);
        xbuf[b] = test_buffer(size[b], NULL);
    }
    char spec[512];
    snprintf(spec, sizeof spec, "%s", c->spec);
    char key[24] = "";
    snprintf(key, sizeof key, "%.*s", (int)strcspn(c->spec, "("), c->spec);
    ref_hyper h = ref_defaults(key);
    for (size_t i = 0; i < 10 && c->names[i]; i++)
        CU_ASSERT(ref_set(&h, c->names[i], c->values[i]));
    if (schedule) { /* cosine(steps=1000, warmup=100) on the optimizer's own rate */
        const size_t at = strlen(spec);
        snprintf(spec + at - (strchr(spec, '(') ? 1 : 0), sizeof spec - at, "%s%s)",
                 strchr(c->spec, '(') ? ", schedule=" : "(schedule=", schedule);
        h.sched = (ref_sched_spec){"cosine", 100, 1000, 0, 0, 0, 0, 0, 0, 0};
    }
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), spec, &err);
    if (!o) fprintf(stderr, "\n  %s: %s\n", spec, err.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const float *p0[NT];
    float *g[NT];
    for (size_t t = 0; t < NT; t++) {
        CU_ASSERT_EQUAL(
            clopt_optimizer_add(o, param[in_b[t]], grad[in_b[t]], offs[t], counts[t], &err),
            CLOPT_OK);
        p0[t] = hp[in_b[t]] + offs[t];
        g[t] = hg[in_b[t]] + offs[t];
    }
    ref_optimizer r;
    ref_init(&r, h, NT, counts, p0);
    const double b1 = strncmp(key, "sgd", 3) == 0 ? h.momentum : h.beta_1;
    int ok = 1;
    for (size_t step = 1; step <= steps && ok; step++) {
        for (size_t t = 0; t < NT; t++)
            for (size_t i = 0; i < counts[t]; i++)
                g[t][i] = (float)(t + 1) * test_uniform(&rng);
        for (int b = 0; b < 2; b++)
            test_write(grad[b], 0, size[b], hg[b]);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        ref_step(&r, (const float *const *)g);
        if (!(step <= 3 || step == 10 || step == 100 || step == steps)) continue;
        for (size_t t = 0; t < NT; t++)
            CU_ASSERT_EQUAL(clopt_optimizer_average(o, t, xbuf[in_b[t]], offs[t], &err), CLOPT_OK);
        for (int b = 0; b < 2; b++) {
            test_read(param[b], 0, size[b], hp[b]);
            test_read(xbuf[b], 0, size[b], hx[b]);
        }
        for (size_t t = 0; t < NT && ok; t++)
            for (size_t i = 0; i < counts[t] && ok; i++) {
                const double mz = r.mag[0][t][i], mx = r.mag[1][t][i];
                ok = check("x", spec, step, t, i, hx[in_b[t]][offs[t] + i], r.s[1][t][i], mx,
                           step) &&
                     check("y", spec, step, t, i, hp[in_b[t]][offs[t] + i], r.p[t][i],
                           b1 * mx + (1 - b1) * mz, step);
            }
    }
    ref_free(&r);
    clopt_optimizer_release(o);
    for (int b = 0; b < 2; b++) {
        clReleaseMemObject(param[b]);
        clReleaseMemObject(grad[b]);
        clReleaseMemObject(xbuf[b]);
        free(hp[b]);
        free(hg[b]);
        free(hx[b]);
    }
}

static void test_schedule_free_x_and_y_match_the_reference_1000_steps(void)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        run_sf(&cases[k], NULL);
        if (!cases[k].names[0]) run_sf(&cases[k], "cosine(steps=1000, warmup=100)");
    }
}

static void test_average_is_the_parameters_elsewhere_and_before_the_first_step(void)
{
    clopt_error err;
    float p0[4] = {1, -2, 3, -4}, out[4] = {0};
    cl_mem param = test_buffer(4, p0), grad = test_buffer(4, NULL), dst = test_buffer(6, NULL);
    clopt_optimizer *sf = clopt_optimizer_create(test_context(), "adamw_schedulefree", &err);
    clopt_optimizer *adam = clopt_optimizer_create(test_context(), "adam", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(sf, param, grad, 0, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(adam, param, grad, 0, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_average(sf, 0, dst, 2, &err), CLOPT_OK);
    test_read(dst, 2, 4, out);
    CU_ASSERT(memcmp(out, p0, sizeof p0) == 0);
    CU_ASSERT_EQUAL(clopt_optimizer_average(adam, 0, dst, 1, &err), CLOPT_OK);
    test_read(dst, 1, 4, out);
    CU_ASSERT(memcmp(out, p0, sizeof p0) == 0);
    CU_ASSERT_EQUAL(clopt_optimizer_average(sf, 1, dst, 0, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "tensor 1 does not exist; the optimizer has 1");
    CU_ASSERT_EQUAL(clopt_optimizer_average(sf, 0, dst, 3, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "dst holds 6 floats, but offset 3 + the tensor's 4 floats");
    CU_ASSERT_EQUAL(clopt_optimizer_average(sf, 0, NULL, 0, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "dst is NULL");
    /* after a step, z and x exist: a tensor added now would have neither */
    CU_ASSERT_EQUAL(clopt_optimizer_step(sf, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add(sf, dst, grad, 0, 4, &err), CLOPT_ESTATE);
    ASSERT_ERROR(err, CLOPT_ESTATE, "AdamWScheduleFree has taken 1 steps; its z and x start");
    clopt_optimizer_release(sf);
    clopt_optimizer_release(adam);
    clReleaseMemObject(param);
    clReleaseMemObject(grad);
    clReleaseMemObject(dst);
}

/* lr_max and the weight sum travel with the checkpoint: the resumed run is bit-identical. */
static void test_checkpoint_resumes_schedule_free_bit_identically(void)
{
    const char *spec = "sgd_schedulefree(lr=0.3, warmup_steps=10, r=1)";
    enum { N = 64, HALF = 40 };
    clopt_error err;
    uint64_t rng = 7;
    float p0[N], g[2 * HALF][N], a[N], b[N], xa[N], xb[N];
    for (size_t i = 0; i < N; i++)
        p0[i] = test_uniform(&rng);
    for (size_t s = 0; s < 2 * HALF; s++)
        for (size_t i = 0; i < N; i++)
            g[s][i] = test_uniform(&rng);
    char path[] = "/tmp/clopt-sf-XXXXXX";
    const int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    float *result[2] = {a, b}, *avg[2] = {xa, xb};
    for (int pass = 0; pass < 2; pass++) {
        cl_mem param = test_buffer(N, p0), grad = test_buffer(N, NULL);
        clopt_optimizer *o = clopt_optimizer_create(test_context(), spec, &err);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, param, grad, 0, N, &err), CLOPT_OK);
        for (size_t s = 0; s < 2 * HALF; s++) {
            if (s == HALF && pass == 0)
                CU_ASSERT_EQUAL(clopt_optimizer_save(o, path, &err), CLOPT_OK);
            if (s == HALF && pass == 1) { /* a fresh optimizer, the parameters of step HALF */
                float mid[N];
                test_read(param, 0, N, mid);
                clopt_optimizer_release(o);
                o = clopt_optimizer_create(test_context(), "sgd_schedulefree", &err);
                CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, param, grad, 0, N, &err), CLOPT_OK);
                if (clopt_optimizer_load(o, path, &err) != CLOPT_OK)
                    fprintf(stderr, "\n  %s\n", err.text);
                CU_ASSERT_EQUAL_FATAL(err.status, CLOPT_OK);
                CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), HALF);
            }
            test_write(grad, 0, N, g[s]);
            CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        }
        test_read(param, 0, N, result[pass]);
        CU_ASSERT_EQUAL(clopt_optimizer_average(o, 0, grad, 0, &err), CLOPT_OK);
        test_read(grad, 0, N, avg[pass]);
        clopt_optimizer_release(o);
        clReleaseMemObject(param);
        clReleaseMemObject(grad);
    }
    CU_ASSERT(memcmp(a, b, sizeof a) == 0);
    CU_ASSERT(memcmp(xa, xb, sizeof xa) == 0);
    unlink(path);
}

CU_TestInfo schedulefree_tests[] = {
    {"schedule-free x and y match the reference over 1000 steps, every option",
     test_schedule_free_x_and_y_match_the_reference_1000_steps},
    {"the average is the parameters for other kinds and before the first step",
     test_average_is_the_parameters_elsewhere_and_before_the_first_step},
    {"a checkpoint resumes schedule-free bit-identically",
     test_checkpoint_resumes_schedule_free_bit_identically},
    CU_TEST_INFO_NULL,
};
