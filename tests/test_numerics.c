/*
 * Every optimizer and option against the double-precision reference (reference.c), over
 * 1,000 steps with random gradients, on tensors of 1, 3, 1023 and 65537 floats where three
 * of them share one cl_mem at different offsets.
 *
 * Tolerance. The device works in float32; gradients do not depend on the parameters, so
 * errors never feed back into later updates and simply add up. Each step contributes at
 * most a few roundings of its update (rule arithmetic plus the per-step scalars rounded to
 * float: <= 8 eps * |update|) and one rounding of the parameter (<= eps/2 * |p|). The
 * bound per element is therefore
 *     |p_device - p_ref| <= eps * (8 * travel + steps / 2 * max|p|)   (eps = FLT_EPSILON)
 * where travel = sum of |update| so far, from the reference. A wrong formula (a bias
 * correction off by one step, epsilon in the wrong place, clipping in the wrong order)
 * shows up at step 1, 2, 3 or 10, where this bound is a few ulps.
 * States are compared at the end: |s_device - s_ref| <= eps * (16 + steps) * |S|, where S is
 * the state recomputed from the absolute values of its terms (reference.c, mag0/mag1): a
 * sum (Adagrad) or running average of `steps` terms rounds a few times per term, relative
 * to the terms' size, and a running average of signed gradients (m) can cancel to near 0
 * while its rounding error stays the size of the terms.
 */
#include "harness.h"

#include "optimizer.h"
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NT 4

typedef struct {
    char spec[128];
    ref_hyper h;
} num_case;

static size_t state_count(const ref_hyper *h)
{
    switch (h->kind) {
    case REF_SGD:
        return h->momentum > 0 ? 1 : 0;
    case REF_RMSPROP:
    case REF_ADAGRAD:
        return 1;
    default:
        return 2;
    }
}

/* Tensor t lives in buffer `in_b[t]` (A or B) at `off[t]`. */
static const int in_b[NT] = {0, 0, 1, 0};
static const size_t off[NT] = {5, 0, 1, 7};
static const float gscale[NT] = {3.0f, 0.5f, 1.0f, 0.01f};

static double worst_p, worst_s; /* largest error / bound seen, for the log */

static void compare_params(const ref_optimizer *r, float *const *dev, size_t step,
                           const char *spec)
{
    for (size_t t = 0; t < NT; t++) {
        for (size_t i = 0; i < r->count[t]; i++) {
            double ref = r->p[t][i], d = dev[t][i];
            double bound = FLT_EPSILON * (8.0 * r->travel[t][i] + (double)step / 2.0 * (fabs(ref) + 1.0));
            double e = fabs(d - ref);
            if (e / bound > worst_p)
                worst_p = e / bound;
            if (!(e <= bound)) {
                CU_FAIL("parameter differs from the reference beyond the float32 bound");
                fprintf(stderr, "\n  %s step %zu tensor %zu [%zu]: device %.9g reference %.9g (bound %.3g)\n",
                        spec, step, t, i, d, ref, bound);
                return;
            }
        }
    }
}

static void compare_state(clopt_optimizer *o, const ref_optimizer *r, size_t steps,
                          const char *spec)
{
    size_t ns = state_count(&r->h);
    for (size_t t = 0; t < NT; t++) {
        float *buf = malloc(r->count[t] * sizeof *buf);
        for (size_t s = 0; s < ns; s++) {
            clopt_error err;
            CU_ASSERT_EQUAL_FATAL(clopt_optimizer_read_state(o, t, s, buf, &err), CLOPT_OK);
            double *ref = s == 0 ? r->s0[t] : r->s1[t];
            double *mag = s == 0 ? r->mag0[t] : r->mag1[t];
            for (size_t i = 0; i < r->count[t]; i++) {
                double e = fabs(buf[i] - ref[i]);
                double bound = FLT_EPSILON * (16.0 + (double)steps) * mag[i];
                if (e / bound > worst_s)
                    worst_s = e / bound;
                if (!(e <= bound)) {
                    CU_FAIL("state differs from the reference beyond the float32 bound");
                    fprintf(stderr, "\n  %s tensor %zu state %zu [%zu]: device %.9g reference %.9g\n",
                            spec, t, s, i, buf[i], ref[i]);
                    s = ns;
                    break;
                }
            }
        }
        free(buf);
    }
}

static void run_case(const num_case *c)
{
    const size_t steps = test_quick() ? 12 : 1000;
    const size_t count[NT] = {1, 3, 1023, test_quick() ? 4099 : 65537};
    const size_t size_a = off[3] + count[3], size_b = off[2] + count[2];
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);

    float *host_p[2] = {malloc(size_a * sizeof(float)), malloc(size_b * sizeof(float))};
    float *host_g[2] = {calloc(size_a, sizeof(float)), calloc(size_b, sizeof(float))};
    for (size_t i = 0; i < size_a; i++)
        host_p[0][i] = test_uniform(&rng);
    for (size_t i = 0; i < size_b; i++)
        host_p[1][i] = test_uniform(&rng);
    cl_mem param[2] = {test_buffer(size_a, host_p[0]), test_buffer(size_b, host_p[1])};
    cl_mem grad[2] = {test_buffer(size_a, NULL), test_buffer(size_b, NULL)};

    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(ctx, c->spec, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const float *p0[NT];
    float *dev[NT], *g[NT];
    for (size_t t = 0; t < NT; t++) {
        CU_ASSERT_EQUAL(clopt_optimizer_add(o, param[in_b[t]], grad[in_b[t]], off[t], count[t], &err),
                        CLOPT_OK);
        p0[t] = host_p[in_b[t]] + off[t];
        dev[t] = host_p[in_b[t]] + off[t]; /* read back into the same host image */
        g[t] = host_g[in_b[t]] + off[t];
    }
    ref_optimizer r;
    ref_init(&r, c->h, NT, count, p0);

    for (size_t step = 1; step <= steps; step++) {
        for (size_t t = 0; t < NT; t++)
            for (size_t i = 0; i < count[t]; i++)
                g[t][i] = gscale[t] * test_uniform(&rng);
        test_write(grad[0], 0, size_a, host_g[0]);
        test_write(grad[1], 0, size_b, host_g[1]);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        ref_step(&r, (const float *const *)g);
        if (step <= 3 || step == 10 || step == 100 || step == steps) {
            test_read(param[0], 0, size_a, host_p[0]);
            test_read(param[1], 0, size_b, host_p[1]);
            compare_params(&r, dev, step, c->spec);
        }
    }
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), steps);
    compare_state(o, &r, steps, c->spec);

    ref_free(&r);
    clopt_optimizer_release(o);
    for (int b = 0; b < 2; b++) {
        clReleaseMemObject(param[b]);
        clReleaseMemObject(grad[b]);
        free(host_p[b]);
        free(host_g[b]);
    }
}

static void run_all(const num_case *cases, size_t n)
{
    worst_p = worst_s = 0;
    for (size_t i = 0; i < n; i++)
        run_case(&cases[i]);
    printf("(worst error/bound: params %.3f, state %.3f) ", worst_p, worst_s);
}

#define ADD(text, hyper)                                                                       \
    do {                                                                                       \
        snprintf(cases[n].spec, sizeof cases[n].spec, "%s", text);                             \
        cases[n++].h = (hyper);                                                                \
    } while (0)

static void test_sgd_matches_reference_1000_steps(void)
{
    num_case cases[8];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_SGD);
    ADD("sgd", h);
    h.momentum = 0.9;
    ADD("SGD(momentum=0.9)", h);
    h.nesterov = 1;
    ADD("SGD(momentum=0.9, nesterov=True)", h);
    h = ref_defaults(REF_SGD);
    h.nesterov = 1;
    ADD("SGD(nesterov=True)", h);
    h = ref_defaults(REF_SGD);
    h.lr = 0.1, h.momentum = 0.5, h.decay = 0.01;
    ADD("SGD(lr=0.1, momentum=0.5, decay=0.01)", h);
    run_all(cases, n);
}

static void test_rmsprop_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_RMSPROP);
    ADD("rmsprop", h);
    h.lr = 0.01, h.rho = 0.5, h.epsilon = 0.1, h.decay = 0.001;
    ADD("RMSprop(lr=0.01, rho=0.5, epsilon=0.1, decay=0.001)", h);
    run_all(cases, n);
}

static void test_adagrad_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_ADAGRAD);
    ADD("adagrad", h);
    h.epsilon = 0.5, h.decay = 0.01, h.lr = 0.2;
    ADD("Adagrad(lr=0.2, epsilon=0.5, decay=0.01)", h);
    run_all(cases, n);
}

static void test_adadelta_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_ADADELTA);
    ADD("adadelta", h);
    h.lr = 0.5, h.rho = 0.8, h.epsilon = 1e-3, h.decay = 0.01;
    ADD("Adadelta(lr=0.5, rho=0.8, epsilon=1e-3, decay=0.01)", h);
    run_all(cases, n);
}

static void test_adam_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_ADAM);
    ADD("adam", h);
    h.lr = 0.01, h.beta_1 = 0.5, h.beta_2 = 0.9, h.epsilon = 0.1, h.decay = 0.001;
    ADD("Adam(lr=0.01, beta_1=0.5, beta_2=0.9, epsilon=0.1, decay=0.001)", h);
    run_all(cases, n);
}

static void test_adamax_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_ADAMAX);
    ADD("adamax", h);
    h.beta_1 = 0.7, h.beta_2 = 0.5, h.epsilon = 0.01, h.decay = 0.002;
    ADD("Adamax(beta_1=0.7, beta_2=0.5, epsilon=0.01, decay=0.002)", h);
    run_all(cases, n);
}

static void test_nadam_matches_reference_1000_steps(void)
{
    num_case cases[4];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_NADAM);
    ADD("nadam", h);
    h.lr = 0.01, h.beta_1 = 0.8, h.beta_2 = 0.95, h.epsilon = 1e-3, h.schedule_decay = 0.1;
    ADD("Nadam(lr=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-3, schedule_decay=0.1)", h);
    run_all(cases, n);
}

static void test_clipping_matches_reference_1000_steps(void)
{
    num_case cases[8];
    size_t n = 0;
    ref_hyper h = ref_defaults(REF_ADAM);
    h.clipnorm = 1.0; /* always clips: the global norm is about 19 */
    ADD("adam(clipnorm=1)", h);
    h = ref_defaults(REF_SGD);
    h.momentum = 0.9, h.clipvalue = 0.5;
    ADD("sgd(momentum=0.9, clipvalue=0.5)", h);
    h = ref_defaults(REF_RMSPROP);
    h.clipnorm = 19.0, h.clipvalue = 2.0; /* the norm crosses 19 both ways */
    ADD("rmsprop(clipnorm=19, clipvalue=2)", h);
    h = ref_defaults(REF_NADAM);
    h.clipnorm = 5.0, h.clipvalue = 0.05;
    ADD("nadam(clipnorm=5, clipvalue=0.05)", h);
    h = ref_defaults(REF_ADAGRAD);
    h.clipvalue = 0.25;
    ADD("adagrad(clipvalue=0.25)", h);
    h = ref_defaults(REF_ADADELTA);
    h.clipnorm = 1e6; /* never clips */
    ADD("adadelta(clipnorm=1e6)", h);
    run_all(cases, n);
}

CU_TestInfo numerics_tests[] = {
    {"SGD matches the reference over 1000 steps", test_sgd_matches_reference_1000_steps},
    {"RMSprop matches the reference over 1000 steps", test_rmsprop_matches_reference_1000_steps},
    {"Adagrad matches the reference over 1000 steps", test_adagrad_matches_reference_1000_steps},
    {"Adadelta matches the reference over 1000 steps", test_adadelta_matches_reference_1000_steps},
    {"Adam matches the reference over 1000 steps", test_adam_matches_reference_1000_steps},
    {"Adamax matches the reference over 1000 steps", test_adamax_matches_reference_1000_steps},
    {"Nadam matches the reference over 1000 steps", test_nadam_matches_reference_1000_steps},
    {"clipnorm and clipvalue match the reference", test_clipping_matches_reference_1000_steps},
    CU_TEST_INFO_NULL,
};
