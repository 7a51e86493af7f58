/* Optimizers: bad input leaves them intact, set/get, launches, non-blocking steps, growth. */
#include "harness.h"

#include "optimizer.h"
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* What "unchanged" means: iterations, config, tensors and every state value. */
typedef struct {
    uint64_t it;
    char *config;
    size_t ntensors;
    float state[2][64];
} snapshot;

static snapshot take(clopt_optimizer *o)
{
    snapshot s;
    memset(&s, 0, sizeof s);
    s.it = clopt_optimizer_iterations(o);
    s.config = clopt_optimizer_config(o);
    s.ntensors = o->lay.ntensors;
    for (size_t k = 0; k < o->lay.nstate; k++)
        CU_ASSERT_EQUAL(clopt_optimizer_read_state(o, 0, k, s.state[k], NULL), CLOPT_OK);
    return s;
}

static void assert_unchanged(clopt_optimizer *o, snapshot *before)
{
    snapshot now = take(o);
    CU_ASSERT_EQUAL(now.it, before->it);
    CU_ASSERT_STRING_EQUAL(now.config, before->config);
    CU_ASSERT_EQUAL(now.ntensors, before->ntensors);
    CU_ASSERT_EQUAL(memcmp(now.state, before->state, sizeof now.state), 0);
    free(now.config);
}

static void test_add_rejects_bad_input_and_keeps_state(void)
{
    clopt_error err;
    float ones[64];
    for (int i = 0; i < 64; i++)
        ones[i] = 0.5f;
    cl_mem p = test_buffer(64, ones), g = test_buffer(64, ones), small = test_buffer(8, NULL);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "adam", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 0, 64, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    snapshot before = take(o);

    cl_mem p2 = test_buffer(64, NULL), g2 = test_buffer(64, NULL);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, NULL, g2, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param is NULL; expected a float32 cl_mem");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, NULL, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "grad is NULL");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 0, 0, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "count is 0");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 60, 5, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param holds 64 floats, but offset 60 + count 5 = 65");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, small, 0, 16, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "grad holds 8 floats");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, SIZE_MAX - 2, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "exceeds 2^32-1 floats");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g2, 10, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param[10, 14) overlaps tensor 0 (param[0, 64))");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, p2, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param and grad are the same buffer");

    cl_int rc;
    cl_mem ro = clCreateBuffer(clopt_context_cl(test_context()), CL_MEM_READ_ONLY, 64, NULL, &rc);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, ro, g2, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param was created CL_MEM_READ_ONLY; the step writes it");
    cl_mem wo = clCreateBuffer(clopt_context_cl(test_context()), CL_MEM_WRITE_ONLY, 64, NULL, &rc);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, wo, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "grad was created CL_MEM_WRITE_ONLY; the step reads it");

    cl_device_id dev = clopt_context_device(test_context());
    cl_context other = clCreateContext(NULL, 1, &dev, NULL, NULL, &rc);
    cl_mem foreign = clCreateBuffer(other, CL_MEM_READ_WRITE, 64, NULL, &rc);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, foreign, g2, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "param belongs to another OpenCL context");
    CU_ASSERT_EQUAL(clopt_optimizer_add(NULL, p2, g2, 0, 4, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "optimizer is NULL");
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 0, 0, NULL), CLOPT_EINVAL); /* err NULL */

    assert_unchanged(o, &before);
    /* Adjacent ranges of the same buffer are fine. */
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 0, 32, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 32, 32, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(err.status, CLOPT_OK);

    free(before.config);
    clopt_optimizer_release(o);
    cl_mem all[] = {p, g, small, p2, g2, ro, wo, foreign};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        clReleaseMemObject(all[i]);
    clReleaseContext(other);
}

static void test_step_without_tensors_is_a_state_error(void)
{
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "sgd", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_ESTATE);
    ASSERT_ERROR(err, CLOPT_ESTATE, "has no tensors; add them with clopt_optimizer_add");
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), 0);
    CU_ASSERT_EQUAL(clopt_optimizer_step(NULL, &err), CLOPT_EINVAL);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(NULL), 0);
    CU_ASSERT_PTR_NULL(clopt_optimizer_config(NULL));
    clopt_optimizer_release(o);
}

static void test_set_and_get_validate_like_create(void)
{
    clopt_error err;
    double v = -1;
    float zero[4] = {0};
    cl_mem p = test_buffer(4, zero), g = test_buffer(4, zero);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "rmsprop", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 0, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    snapshot before = take(o);

    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "rho", 1.0, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "RMSprop: rho=1.0 is out of range; expected a number in [0, 1)");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "lr", NAN, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "lr=nan is out of range");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "lr", INFINITY, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "lr=inf is out of range");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "rhs", 0.5, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "unknown argument 'rhs' for RMSprop; did you mean 'rho'?");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "momentum", 0.5, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "it takes lr, rho, epsilon, decay, clipnorm, clipvalue");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipnorm", -1.0, &err), CLOPT_EINVAL);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, NULL, 0.0, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "name is NULL");
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "beta_1", &v, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "unknown argument 'beta_1' for RMSprop");
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "lr", NULL, &err), CLOPT_EINVAL);
    assert_unchanged(o, &before);
    free(before.config);

    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "clipnorm", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 0.0);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "learning_rate", 0.25, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "LR", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 0.25);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipvalue", 3.0, &err), CLOPT_OK);
    char *cfg = clopt_optimizer_config(o);
    CU_ASSERT_STRING_EQUAL(cfg, "{\"name\":\"RMSprop\",\"lr\":0.25,\"rho\":0.9,\"epsilon\":1e-08,"
                                "\"decay\":0.0,\"clipvalue\":3.0}");
    clopt_free(cfg);
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
}

/* Runs `steps` steps of o and r on one tensor with seeded gradients, then compares. */
static void run_and_compare(clopt_optimizer *o, ref_optimizer *r, cl_mem p, cl_mem g, size_t n,
                            size_t steps, uint64_t *rng)
{
    float *gh = malloc(n * sizeof *gh), *ph = malloc(n * sizeof *ph);
    clopt_error err;
    for (size_t s = 0; s < steps; s++) {
        for (size_t i = 0; i < n; i++)
            gh[i] = test_uniform(rng);
        test_write(g, 0, n, gh);
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        const float *rows[1] = {gh};
        ref_step(r, rows);
    }
    test_read(p, 0, n, ph);
    for (size_t i = 0; i < n; i++) {
        /* test_numerics.c's bound: 8 eps of each update, two roundings of |p| per step */
        double bound = FLT_EPSILON * (8 * r->travel[0][i] + r->psum[0][i]);
        CU_ASSERT(fabs(ph[i] - r->p[0][i]) <= bound);
    }
    free(gh);
    free(ph);
}

static void test_set_between_steps_takes_effect_on_the_next_step(void)
{
    const size_t n = 257;
    uint64_t rng = 42;
    float *p0 = malloc(n * sizeof *p0);
    for (size_t i = 0; i < n; i++)
        p0[i] = test_uniform(&rng);
    cl_mem p = test_buffer(n, p0), g = test_buffer(n, NULL);
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "sgd(lr=0.1)", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 0, n, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->lay.nstate, 0); /* no momentum buffer while momentum is 0 */
    ref_optimizer r;
    ref_hyper h = ref_defaults("sgd");
    h.lr = 0.1;
    const float *rows[1] = {p0};
    ref_init(&r, h, 1, &n, rows);
    run_and_compare(o, &r, p, g, n, 5, &rng);

    /* Momentum switched on starts from a zero velocity (documented in clopt.h). */
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "momentum", 0.9, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "nesterov", 1, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "lr", 0.05, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->lay.nstate, 1);
    r.h.momentum = 0.9, r.h.nesterov = 1, r.h.lr = 0.05;
    memset(r.s[0][0], 0, n * sizeof(double));
    run_and_compare(o, &r, p, g, n, 5, &rng);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), 10);

    ref_free(&r);
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
    free(p0);
}

/* One SGD on one float, p = 0, a constant gradient of 1: p after each of `n` steps. */
static float sgd_after(const char *spec, const char *const *sets, const double *values,
                       size_t nsets)
{
    clopt_error err;
    float one = 1.0f, p;
    cl_mem pm = test_buffer(1, NULL), gm = test_buffer(1, &one);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), spec, &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, pm, gm, 0, 1, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    for (size_t i = 0; i < nsets; i++) {
        CU_ASSERT_EQUAL(clopt_optimizer_set(o, sets[i], values[i], &err), CLOPT_OK);
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    }
    test_read(pm, 0, 1, &p);
    clopt_optimizer_release(o);
    clReleaseMemObject(pm);
    clReleaseMemObject(gm);
    return p;
}

static void test_sgd_velocity_after_a_momentum_change_ignores_the_creation_spec(void)
{
    /* Velocity is zero while momentum is 0: momentum switched on starts from zero, whether
     * SGD was created without momentum or with it and had it set to 0 (clopt.h). */
    const char *on[] = {"momentum"}, *off_on[] = {"momentum", "momentum"};
    const double v_on[] = {0.9}, v_off_on[] = {0.0, 0.9};
    const float a = sgd_after("SGD(lr=0.1)", on, v_on, 1);
    const float b = sgd_after("SGD(lr=0.1, momentum=0.9)", off_on, v_off_on, 2);
    CU_ASSERT_DOUBLE_EQUAL(a, -0.2, 1e-6); /* -0.1, then v = 0.9 * 0 - 0.1 */
    CU_ASSERT_DOUBLE_EQUAL(b, -0.3, 1e-6); /* -0.1, -0.1 (momentum 0), then v = -0.1 */
    /* The same history after creation: SGD(lr=0.1, momentum=0) is SGD(lr=0.1). */
    const double v_zero_on[] = {0.0, 0.9};
    CU_ASSERT_EQUAL(sgd_after("SGD(lr=0.1)", off_on, v_zero_on, 2), b);
    /* Between two non-zero momenta the velocity is kept (as in Keras). */
    const char *change[] = {"momentum"};
    const double v_change[] = {0.5};
    CU_ASSERT_DOUBLE_EQUAL(sgd_after("SGD(lr=0.1, momentum=0.9)", change, v_change, 1), -0.25,
                           1e-6); /* -0.1, then v = 0.5 * -0.1 - 0.1 */
}

static void test_set_clip_to_zero_turns_clipping_off(void)
{
    clopt_error err;
    float g[2] = {3.0f, 4.0f}, p[2];
    double v = -1;
    cl_mem pm = test_buffer(2, NULL), gm = test_buffer(2, g);
    clopt_optimizer *o =
        clopt_optimizer_create(test_context(), "SGD(lr=1, clipnorm=0.5, clipvalue=0.25)", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, pm, gm, 0, 2, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK); /* (0.3, 0.4), then 0.25 */
    test_read(pm, 0, 2, p);
    CU_ASSERT_DOUBLE_EQUAL(p[0], -0.25, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(p[1], -0.25, 1e-6);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipvalue", 0.0, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "clipvalue", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 0.0);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK); /* clipnorm alone: (0.3, 0.4) */
    test_read(pm, 0, 2, p);
    CU_ASSERT_DOUBLE_EQUAL(p[0], -0.55, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(p[1], -0.65, 1e-6);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipnorm", 0.0, &err), CLOPT_OK);
    char *cfg = clopt_optimizer_config(o);
    CU_ASSERT_PTR_NULL(strstr(cfg, "clip"));
    clopt_free(cfg);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK); /* unclipped: (3, 4) */
    test_read(pm, 0, 2, p);
    CU_ASSERT_DOUBLE_EQUAL(p[0], -3.55, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(p[1], -4.65, 1e-6);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipnorm", -1.0, &err), CLOPT_EINVAL);
    clopt_optimizer_release(o);
    clReleaseMemObject(pm);
    clReleaseMemObject(gm);
}

static void test_step_launches_do_not_grow_with_tensors(void)
{
    clopt_error err;
    cl_mem p = test_buffer(4096, NULL), g = test_buffer(4096, NULL);
    cl_mem p2 = test_buffer(16, NULL), g2 = test_buffer(16, NULL);
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "adam", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 0, 3, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->last_launches, 1);
    for (size_t t = 1; t < 200; t++)
        CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 3 + 20 * (t - 1), 1 + t % 19, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->last_launches, 1); /* 200 tensors of one buffer: one launch */
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "clipnorm", 1.0, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->last_launches, 3); /* + partial sums + norm */
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p2, g2, 0, 16, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->last_launches, 5); /* a second buffer pair: one more of each */
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
    clReleaseMemObject(p2);
    clReleaseMemObject(g2);
}

static void test_step_only_enqueues(void)
{
    /* The queue is held by a user event: a step that waited for the device would hang. */
    cl_int rc;
    clopt_error err;
    clopt_context *ctx = test_context();
    cl_event gate = clCreateUserEvent(clopt_context_cl(ctx), &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    float one[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    cl_mem p = test_buffer(8, one), g = test_buffer(8, one);
    clopt_optimizer *o = clopt_optimizer_create(ctx, "adam(clipnorm=1)", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 0, 8, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clEnqueueMarkerWithWaitList(clopt_context_queue(ctx), 1, &gate, NULL),
                    CL_SUCCESS);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clSetUserEventStatus(gate, CL_COMPLETE), CL_SUCCESS);
    float out[8];
    test_read(p, 0, 8, out);
    CU_ASSERT(out[0] < 1.0f); /* the steps ran once the gate opened */
    clReleaseEvent(gate);
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
}

static void test_state_survives_adding_tensors_later(void)
{
    /* Adding tensors after steps grows the state arenas; earlier state must be kept. */
    const size_t n = 100;
    uint64_t rng = 7;
    float *p0 = malloc(n * sizeof *p0);
    for (size_t i = 0; i < n; i++)
        p0[i] = test_uniform(&rng);
    cl_mem p = test_buffer(n, p0), g = test_buffer(n, NULL);
    cl_mem big = test_buffer(20000, NULL), bigg = test_buffer(20000, NULL);
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "adam(lr=0.01)", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 0, n, &err), CLOPT_OK);
    ref_optimizer r;
    ref_hyper h = ref_defaults("adam");
    h.lr = 0.01;
    const float *rows[1] = {p0};
    ref_init(&r, h, 1, &n, rows);
    run_and_compare(o, &r, p, g, n, 3, &rng);
    size_t cap = o->lay.state_cap;
    for (size_t t = 0; t < 10; t++)
        CU_ASSERT_EQUAL(clopt_optimizer_add(o, big, bigg, 2000 * t, 2000, &err), CLOPT_OK);
    CU_ASSERT(o->lay.state_cap > cap); /* it grew */
    run_and_compare(o, &r, p, g, n, 3, &rng);
    float m[2000];
    CU_ASSERT_EQUAL(clopt_optimizer_read_state(o, 5, 0, m, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(m[0], 0.0f); /* zero gradients: the new tensors' state stays zero */
    CU_ASSERT_EQUAL(m[1999], 0.0f);
    ref_free(&r);
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
    clReleaseMemObject(big);
    clReleaseMemObject(bigg);
    free(p0);
}

/*
 * clipnorm's norm over every tensor, for gradients whose squares overflow (3e19) or
 * underflow (1e-25) a float: the formula's scale, clipnorm / (|g| sqrt(n)) per element. It
 * was inf (the scale 0: the optimizer stopped) or 0 (no clipping at all).
 */
static void test_clipnorm_scale_is_exact_where_squares_overflow_or_underflow(void)
{
    enum { N = 1000 };
    static float g[N], p[N];
    const struct {
        const char *spec;
        float grad, other;   /* the first tensor's gradient, the second's */
        double step0, step1; /* expected -p of each tensor after one step */
    } cases[] = {
        {"sgd(lr=1, clipnorm=1)", 3e19f, 0.0f, 1 / sqrt((double)N), 0},
        {"sgd(lr=1, clipnorm=1e-30)", 1e-25f, 0.0f, 1e-30 / sqrt((double)N), 0},
        {"sgd(lr=1, clipnorm=1)", 3e19f, 1.0f, 1 / sqrt((double)N), 1 / (3e19 * sqrt((double)N))},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        clopt_error err;
        clopt_optimizer *o = clopt_optimizer_create(test_context(), cases[c].spec, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        cl_mem pb[2], gb[2];
        for (int t = 0; t < 2; t++) {
            for (size_t i = 0; i < N; i++)
                g[i] = t ? cases[c].other : cases[c].grad;
            pb[t] = test_buffer(N, NULL);
            gb[t] = test_buffer(N, g);
            CU_ASSERT_EQUAL(clopt_optimizer_add(o, pb[t], gb[t], 0, N, &err), CLOPT_OK);
        }
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        for (int t = 0; t < 2; t++) {
            test_read(pb[t], 0, N, p);
            const double want = t ? cases[c].step1 : cases[c].step0;
            const int good =
                fabs(-p[0] - want) <= 1e-6 * want && fabs(-p[N - 1] - want) <= 1e-6 * want;
            CU_ASSERT(good);
            if (!good)
                fprintf(stderr, "\n  %s, tensor %d: p = %g, expected %g\n", cases[c].spec, t, p[0],
                        -want);
            clReleaseMemObject(pb[t]);
            clReleaseMemObject(gb[t]);
        }
        clopt_optimizer_release(o);
    }
}

/*
 * Lamb's per-tensor norms |p| and |u| where their squares overflow (p = 3e19) or underflow
 * (p = 1e-25; u = 1e-23 from g = 1e-30) a float. With every element of a tensor equal and
 * weight_decay 0, r * u = |p| * u / |u| = p, so one step gives p (1 - lr) exactly as the
 * formula says, whatever the tensor's length (two tensors here: one chunk, and many). The
 * float sums gave inf (p became -inf) or 0 (r = 1: a step of lr * u, or none).
 */
static void test_lamb_norms_are_exact_where_squares_overflow_or_underflow(void)
{
    const size_t sizes[2] = {1000, 70000};
    const struct {
        float p, g;
    } cases[] = {{3e19f, 1.0f}, {1e-25f, 1.0f}, {1.0f, 1e-30f}, {-2.0f, -1e-30f}};
    const double lr = 0.01;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        clopt_error err;
        clopt_optimizer *o = clopt_optimizer_create(test_context(), "lamb(lr=0.01)", &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        cl_mem pb[2], gb[2];
        for (int t = 0; t < 2; t++) {
            float *fill = malloc(sizes[t] * sizeof *fill);
            for (size_t i = 0; i < sizes[t]; i++)
                fill[i] = cases[c].p;
            pb[t] = test_buffer(sizes[t], fill);
            for (size_t i = 0; i < sizes[t]; i++)
                fill[i] = cases[c].g;
            gb[t] = test_buffer(sizes[t], fill);
            free(fill);
            CU_ASSERT_EQUAL(clopt_optimizer_add(o, pb[t], gb[t], 0, sizes[t], &err), CLOPT_OK);
        }
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        const double want = cases[c].p * (1 - lr);
        for (int t = 0; t < 2; t++) {
            float first, last;
            test_read(pb[t], 0, 1, &first);
            test_read(pb[t], sizes[t] - 1, 1, &last);
            const int good =
                fabs(first - want) <= 1e-5 * fabs(want) && fabs(last - want) <= 1e-5 * fabs(want);
            CU_ASSERT(good);
            if (!good)
                fprintf(stderr, "\n  lamb, p = %g, g = %g, tensor %d: p = %g .. %g, expected %g\n",
                        cases[c].p, cases[c].g, t, first, last, want);
            clReleaseMemObject(pb[t]);
            clReleaseMemObject(gb[t]);
        }
        clopt_optimizer_release(o);
    }
}

CU_TestInfo optimizer_tests[] = {
    {"clipnorm scale is exact where squares overflow or underflow",
     test_clipnorm_scale_is_exact_where_squares_overflow_or_underflow},
    {"lamb norms are exact where squares overflow or underflow",
     test_lamb_norms_are_exact_where_squares_overflow_or_underflow},
    {"add rejects bad input and keeps state", test_add_rejects_bad_input_and_keeps_state},
    {"step without tensors is a state error", test_step_without_tensors_is_a_state_error},
    {"set and get validate like create", test_set_and_get_validate_like_create},
    {"set between steps takes effect on the next step",
     test_set_between_steps_takes_effect_on_the_next_step},
    {"sgd velocity after a momentum change ignores the creation spec",
     test_sgd_velocity_after_a_momentum_change_ignores_the_creation_spec},
    {"set clip to zero turns clipping off", test_set_clip_to_zero_turns_clipping_off},
    {"step launches do not grow with tensors", test_step_launches_do_not_grow_with_tensors},
    {"step only enqueues", test_step_only_enqueues},
    {"state survives adding tensors later", test_state_survives_adding_tensors_later},
    CU_TEST_INFO_NULL,
};
