/*
 * Learning-rate schedules (docs/semantics.md, "Schedules"): m(t) of every schedule, with and
 * without warmup, against the reference's own m(t) (reference.c) over 1,200 steps, bit for
 * bit (both compute the same double expressions); the rate an optimizer reports; the spec
 * and JSON forms and their refusals; checkpoints. The parameters through an optimizer are
 * checked against the reference in test_numerics.c.
 */
#include "harness.h"

#include "config.h"
#include "optimizer.h"
#include "reference.h"
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define STEPS 1200

size_t test_schedule_cases(double w, test_sched_case *out)
{
    static const struct {
        const char *fmt;
        ref_sched_spec ref;
    } base[] = {
        {"constant(warmup=%g)", {"constant", 0, 0, 0, 0, 0, 0, 0, 0, 0}},
        {"step(every=150, factor=0.5, warmup=%g)", {"step", 0, 0, 150, 0.5, 0, 0, 0, 0, 0}},
        {"exponential(steps=200, rate=0.5, warmup=%g)",
         {"exponential", 0, 200, 0, 0, 0.5, 0, 0, 0, 0}},
        {"exponential(steps=200, rate=0.5, staircase=True, warmup=%g)",
         {"exponential", 0, 200, 0, 0, 0.5, 0, 0, 1, 0}},
        {"cosine(steps=1000, alpha=0.1, warmup=%g)", {"cosine", 0, 1000, 0, 0, 0, 0.1, 0, 0, 0}},
        {"wsd(steps=1000, decay=0.3, warmup=%g)", {"wsd", 0, 1000, 0, 0, 0, 0, 0.3, 0, 0}},
        {"wsd(steps=1000, shape=\"sqrt\", warmup=%g)", {"wsd", 0, 1000, 0, 0, 0, 0, 0.2, 0, 1}},
        {"inverse_sqrt(warmup=%g)", {"inverse_sqrt", 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    };
    const size_t n = sizeof base / sizeof base[0];
    for (size_t i = 0; i < n; i++) {
        /* inverse_sqrt needs a warmup of at least 1: its "no warmup" is W = 1 */
        const double wi = strcmp(base[i].ref.name, "inverse_sqrt") == 0 && w < 1 ? 1 : w;
        snprintf(out[i].spec, sizeof out[i].spec, base[i].fmt, wi);
        out[i].ref = base[i].ref;
        out[i].ref.warmup = wi;
    }
    return n;
}

static void test_every_schedule_and_warmup_matches_the_reference_exactly(void)
{
    const double warmups[] = {0, 1, 100};
    size_t checked = 0;
    for (size_t w = 0; w < sizeof warmups / sizeof warmups[0]; w++) {
        test_sched_case cases[TEST_SCHEDULES];
        const size_t n = test_schedule_cases(warmups[w], cases);
        for (size_t i = 0; i < n; i++) {
            char spec[256];
            clopt_config c;
            clopt_error err;
            snprintf(spec, sizeof spec, "adam(lr=0.5, schedule=%.127s)", cases[i].spec);
            CU_ASSERT_EQUAL_FATAL(clopt_spec_parse(spec, &c, &err), CLOPT_OK);
            for (uint64_t t = 0; t < STEPS; t++) {
                const double m = ref_schedule_m(&cases[i].ref, t);
                CU_ASSERT(m >= 0.0 && m <= 1.0);
                if (clopt_schedule_factor(&c.sched, t) != m ||
                    clopt_config_rate(&c, t) != 0.5 * m) {
                    CU_FAIL("m(t) differs from the reference");
                    fprintf(stderr, "\n  %s t=%llu: %.17g, reference %.17g\n", cases[i].spec,
                            (unsigned long long)t, clopt_schedule_factor(&c.sched, t), m);
                    break;
                }
                checked++;
            }
        }
    }
    CU_ASSERT_EQUAL(checked, 3 * TEST_SCHEDULES * STEPS);
}

/* A few values of m(t) worked out by hand, so that a shared misreading would show. */
static void test_schedule_values_by_hand(void)
{
    static const struct {
        const char *spec;
        uint64_t t;
        double m;
    } known[] = {
        {"constant(warmup=4)", 0, 0.25},
        {"constant(warmup=4)", 3, 1.0},
        {"constant(warmup=4)", 4, 1.0},
        {"step(every=10, factor=0.5)", 9, 1.0},
        {"step(every=10, factor=0.5)", 10, 0.5},
        {"step(every=10, factor=0.5, warmup=5)", 25, 0.25},
        {"exponential(steps=10, rate=0.25)", 5, 0.5},
        {"exponential(steps=10, rate=0.25, staircase=True)", 19, 0.25},
        {"cosine(steps=100)", 0, 1.0},
        {"cosine(steps=100)", 50, 0.5},
        {"cosine(steps=100)", 100, 0.0},
        {"cosine(steps=110, warmup=10)", 60, 0.5},
        {"cosine(steps=100, alpha=0.2)", 500, 0.2},
        {"wsd(steps=100)", 79, 1.0},
        {"wsd(steps=100)", 80, 0.95},
        {"wsd(steps=100)", 99, 0.0},
        {"wsd(steps=100, shape='sqrt')", 80, 1.0 - 0.22360679774997896},
        {"inverse_sqrt(warmup=4)", 3, 1.0},
        {"inverse_sqrt(warmup=4)", 15, 0.5},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        char spec[160];
        clopt_config c;
        clopt_error err;
        snprintf(spec, sizeof spec, "sgd(schedule=%s)", known[i].spec);
        CU_ASSERT_EQUAL_FATAL(clopt_spec_parse(spec, &c, &err), CLOPT_OK);
        const double m = clopt_schedule_factor(&c.sched, known[i].t);
        CU_ASSERT(fabs(m - known[i].m) <= 1e-15);
        if (!(fabs(m - known[i].m) <= 1e-15))
            fprintf(stderr, "\n  %s t=%llu: %.17g, expected %.17g\n", known[i].spec,
                    (unsigned long long)known[i].t, m, known[i].m);
    }
}

static void test_config_keeps_the_schedule_and_reads_back(void)
{
    clopt_config c, back;
    clopt_error err;
    CU_ASSERT_EQUAL_FATAL(
        clopt_spec_parse("Adam(lr=0.01, schedule=cosine(steps=1000, warmup=100))", &c, &err),
        CLOPT_OK);
    char *json = clopt_config_json(&c), *label = clopt_config_label(&c);
    CU_ASSERT_STRING_EQUAL(json, "{\"name\":\"Adam\",\"lr\":0.01,\"beta_1\":0.9,\"beta_2\":0.999,"
                                 "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false,"
                                 "\"schedule\":{\"name\":\"cosine\",\"steps\":1000,\"alpha\":0.0,"
                                 "\"warmup\":100}}");
    CU_ASSERT_STRING_EQUAL(label, "Adam(lr=0.01, schedule=cosine(steps=1000, warmup=100))");
    CU_ASSERT_EQUAL(clopt_spec_parse(json, &back, &err), CLOPT_OK);
    CU_ASSERT(memcmp(&back, &c, sizeof c) == 0);
    CU_ASSERT_EQUAL(clopt_spec_parse(label, &back, &err), CLOPT_OK);
    CU_ASSERT(memcmp(&back, &c, sizeof c) == 0);
    free(json);
    free(label);
    /* words, booleans and quotes of both kinds */
    CU_ASSERT_EQUAL_FATAL(clopt_spec_parse("sgd(schedule=wsd(steps=50, shape='sqrt'))", &c, &err),
                          CLOPT_OK);
    json = clopt_config_json(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"schedule\":{\"name\":\"wsd\",\"steps\":50,"
                                        "\"decay\":0.2,\"shape\":\"sqrt\",\"warmup\":0}"));
    CU_ASSERT_EQUAL(clopt_spec_parse(json, &back, &err), CLOPT_OK);
    CU_ASSERT(memcmp(&back, &c, sizeof c) == 0);
    free(json);
    CU_ASSERT_EQUAL(clopt_spec_parse("{\"name\":\"sgd\",\"schedule\":{\"name\":\"exponential\","
                                     "\"steps\":10,\"staircase\":true}}",
                                     &c, &err),
                    CLOPT_OK);
    CU_ASSERT_EQUAL(c.sched.v[CLOPT_S_STAIRCASE], 1.0);
    CU_ASSERT_EQUAL(c.sched.v[CLOPT_S_RATE], 0.96);
    CU_ASSERT_EQUAL(clopt_spec_parse("{\"name\":\"sgd\",\"schedule\":null}", &c, &err), CLOPT_OK);
    CU_ASSERT_PTR_NULL(c.sched.info);
    /* without a schedule the config is as before */
    CU_ASSERT_EQUAL(clopt_spec_parse("sgd", &c, &err), CLOPT_OK);
    json = clopt_config_json(&c);
    CU_ASSERT_PTR_NULL(strstr(json, "schedule"));
    free(json);
}

static void refused(const char *spec, const char *needle)
{
    clopt_config c;
    clopt_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(clopt_spec_parse(spec, &c, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
}

static void test_schedule_refusals_name_the_argument_and_suggest(void)
{
    refused("adam(decay=0.01, schedule=cosine(steps=100))",
            "Adam: schedule=cosine(steps=100) and decay=0.01 together; decay is Keras 1's "
            "inverse-time schedule");
    refused("{\"name\":\"adam\",\"decay\":0.1,\"schedule\":{\"name\":\"constant\"}}",
            "and decay=0.1 together");
    refused("adam(schedule=cosin(steps=100))",
            "Adam: unknown schedule 'cosin'; did you mean 'cosine'?");
    refused("adam(schedule=zigzag)", "unknown schedule 'zigzag'; expected one of constant, step, "
                                     "exponential, cosine, wsd, inverse_sqrt");
    refused("adam(schedule=cosine(step=100))",
            "unknown argument 'step' for schedule cosine; did you mean 'steps'?");
    refused("adam(schedule=cosine(warmpu=10, steps=100))", "did you mean 'warmup'?");
    refused("adam(schedul=cosine(steps=100))", "unknown argument 'schedul' for Adam; did you mean "
                                               "'schedule'?");
    refused("adam(schedule=cosine)", "schedule cosine needs steps");
    refused("adam(schedule=step(factor=0.5))", "schedule step needs every");
    refused("adam(schedule=inverse_sqrt)", "schedule inverse_sqrt needs warmup");
    refused("adam(schedule=inverse_sqrt(warmup=0))", "inverse_sqrt needs warmup >= 1");
    refused("adam(schedule=cosine(steps=100, warmup=100))",
            "schedule cosine needs steps > warmup (the steps include the warmup); got steps=100, "
            "warmup=100");
    refused("adam(schedule=wsd(steps=100, decay=0.5, warmup=60))",
            "wsd's cooldown would start at step 50, inside the warmup of 60 steps");
    refused("adam(schedule=cosine(steps=10.5))", "steps=10.5 is out of range; expected a whole "
                                                 "number >= 1");
    refused("adam(schedule=cosine(steps=100, alpha=2))", "alpha=2.0 is out of range; expected a "
                                                         "number in [0, 1]");
    refused("adam(schedule=wsd(steps=100, shape=\"cube\"))", "shape='cube' is not linear or sqrt");
    refused("adam(schedule=wsd(steps=100, shape=1))", "shape must be the word linear or sqrt");
    refused("adam(schedule=cosine(steps=100, steps=200))", "argument 'steps' is given twice");
    refused("adam(schedule=constant, schedule=constant)", "argument 'schedule' is given twice");
    refused("adam(schedule=cosine(steps=100", "expected ')' closing the schedule");
    refused("adam(schedule=cosine(steps=100)", "expected ',' or ')' at column 32");
    refused("{\"name\":\"adam\",\"schedule\":\"cosine\"}",
            "\"schedule\" must be an object with a string \"name\"");
    refused("{\"name\":\"adam\",\"schedule\":{\"name\":\"cosine\",\"stps\":100}}",
            "did you mean 'steps'?");
}

static void test_optimizer_reports_the_scheduled_rate_and_refuses_decay(void)
{
    clopt_error err;
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    clopt_optimizer *o =
        clopt_optimizer_create(ctx, "sgd(lr=0.2, schedule=cosine(steps=40, warmup=8))", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ref_sched_spec ref = {"cosine", 8, 40, 0, 0, 0, 0, 0, 0, 0};
    float p0[5] = {1, 2, 3, 4, 5}, g[5] = {1, 1, 1, 1, 1}, p[5];
    cl_mem param = test_buffer(5, p0), grad = test_buffer(5, g);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, param, grad, 0, 5, &err), CLOPT_OK);
    double expected = 1.0;
    for (uint64_t t = 0; t < 50; t++) {
        const double m = ref_schedule_m(&ref, t);
        CU_ASSERT_EQUAL(clopt_optimizer_rate(o), 0.2 * m);
        expected -= (double)(float)(0.2 * m); /* the kernel's float lr_e, one unit gradient */
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    }
    test_read(param, 0, 5, p);
    CU_ASSERT(fabs(p[0] - expected) < 1e-5);
    double lr = 0;
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "lr", &lr, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(lr, 0.2); /* the base rate */
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "decay", 0.1, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "and decay=0.1 together");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "decay", 0.0, &err), CLOPT_OK);
    /* a schedule's parameters by "schedule.NAME", checked as in a spec */
    double v = 0;
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "schedule.warmup", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 8.0);
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "schedule.warmup", 60, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "needs steps > warmup");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "schedule.warmup", 2.5, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "warmup=2.5 is out of range; expected a whole number >= 0");
    CU_ASSERT_EQUAL(clopt_optimizer_set(o, "schedule.rate", 1, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "schedule cosine has no numeric parameter 'rate'; it has "
                 "steps, alpha, warmup");
    CU_ASSERT_EQUAL(clopt_optimizer_get(o, "schedule.warmup", &v, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(v, 8.0); /* unchanged */

    /* a checkpoint keeps the schedule: a fresh optimizer without one takes it on */
    char path[] = "/tmp/clopt-schedule-XXXXXX";
    const int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(o, path, &err), CLOPT_OK);
    clopt_optimizer *back = clopt_optimizer_create(ctx, "sgd(lr=0.2)", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add(back, param, grad, 0, 5, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_set(back, "schedule.steps", 10, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "SGD has no schedule; give it one in the spec");
    CU_ASSERT_EQUAL(clopt_optimizer_load(back, path, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_rate(back), clopt_optimizer_rate(o));
    CU_ASSERT_EQUAL(clopt_optimizer_rate(back), 0.2 * ref_schedule_m(&ref, 50));
    char *a = clopt_optimizer_config(o), *b = clopt_optimizer_config(back);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "\"schedule\":{\"name\":\"cosine\""));
    clopt_free(a);
    clopt_free(b);
    unlink(path);
    clopt_optimizer_release(back);
    clopt_optimizer_release(o);
    clReleaseMemObject(param);
    clReleaseMemObject(grad);
}

CU_TestInfo schedule_tests[] = {
    {"every schedule and warmup matches the reference exactly over 1200 steps",
     test_every_schedule_and_warmup_matches_the_reference_exactly},
    {"schedule values worked out by hand", test_schedule_values_by_hand},
    {"the config keeps the schedule and reads back", test_config_keeps_the_schedule_and_reads_back},
    {"schedule refusals name the argument and suggest",
     test_schedule_refusals_name_the_argument_and_suggest},
    {"the optimizer reports the scheduled rate, refuses decay, and checkpoints keep it",
     test_optimizer_reports_the_scheduled_rate_and_refuses_decay},
    CU_TEST_INFO_NULL,
};
