/* Optimizer specs: names, defaults, both syntaxes, round trips, typos and malformed input. */
#include "harness.h"

#include "error.h"
#include "expr.h"
#include "spec.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Parses spec and asserts its config JSON is exactly `json`. */
static void expect_config(const char *spec, const char *json)
{
    clopt_config cfg;
    clopt_error err;
    clopt_error_clear(&err);
    CU_ASSERT_EQUAL(clopt_spec_parse(spec, &cfg, &err), CLOPT_OK);
    if (err.status != CLOPT_OK) {
        fprintf(stderr, "\n  spec %s: %s\n", spec, err.text);
        return;
    }
    char *got = clopt_config_json(&cfg);
    CU_ASSERT_STRING_EQUAL(got, json);
    if (strcmp(got, json) != 0)
        fprintf(stderr, "\n  spec %s\n  got      %s\n  expected %s\n", spec, got, json);
    free(got);
}

static void expect_error(const char *spec, const char *needle)
{
    clopt_config cfg;
    clopt_error err;
    clopt_error_clear(&err);
    CU_ASSERT_EQUAL(clopt_spec_parse(spec, &cfg, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
}

static void test_every_optimizer_has_keras_defaults(void)
{
    expect_config("sgd", "{\"name\":\"SGD\",\"lr\":0.01,\"momentum\":0.0,\"decay\":0.0,"
                         "\"nesterov\":false}");
    expect_config(
        "rmsprop",
        "{\"name\":\"RMSprop\",\"lr\":0.001,\"rho\":0.9,\"epsilon\":1e-08,\"decay\":0.0}");
    expect_config("adagrad", "{\"name\":\"Adagrad\",\"lr\":0.01,\"epsilon\":1e-08,\"decay\":0.0}");
    expect_config(
        "adadelta",
        "{\"name\":\"Adadelta\",\"lr\":1.0,\"rho\":0.95,\"epsilon\":1e-08,\"decay\":0.0}");
    expect_config("adam", "{\"name\":\"Adam\",\"lr\":0.001,\"beta_1\":0.9,\"beta_2\":0.999,"
                          "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}");
    expect_config("adamax", "{\"name\":\"Adamax\",\"lr\":0.002,\"beta_1\":0.9,\"beta_2\":0.999,"
                            "\"epsilon\":1e-08,\"decay\":0.0}");
    expect_config("nadam", "{\"name\":\"Nadam\",\"lr\":0.002,\"beta_1\":0.9,\"beta_2\":0.999,"
                           "\"epsilon\":1e-08,\"schedule_decay\":0.004}");
}

static void test_names_are_case_insensitive(void)
{
    const char *adam = "{\"name\":\"Adam\",\"lr\":0.001,\"beta_1\":0.9,\"beta_2\":0.999,"
                       "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}";
    expect_config("Adam", adam);
    expect_config("ADAM", adam);
    expect_config("  adam  ", adam);
    expect_config("'adam'", adam);
    expect_config("\"Adam\"", adam);
    expect_config("RMSprop(RHO=0.5)", "{\"name\":\"RMSprop\",\"lr\":0.001,\"rho\":0.5,"
                                      "\"epsilon\":1e-08,\"decay\":0.0}");
}

static void test_call_syntax_sets_arguments(void)
{
    expect_config("Adam(lr=0.01, beta_2=0.99)",
                  "{\"name\":\"Adam\",\"lr\":0.01,\"beta_1\":0.9,\"beta_2\":0.99,"
                  "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}");
    expect_config("SGD(lr=0.1, momentum=0.9, nesterov=True)",
                  "{\"name\":\"SGD\",\"lr\":0.1,\"momentum\":0.9,\"decay\":0.0,"
                  "\"nesterov\":true}");
    expect_config("SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=False,)",
                  "{\"name\":\"SGD\",\"lr\":0.1,\"momentum\":0.9,\"decay\":1e-06,"
                  "\"nesterov\":false}");
    expect_config("sgd()", "{\"name\":\"SGD\",\"lr\":0.01,\"momentum\":0.0,\"decay\":0.0,"
                           "\"nesterov\":false}");
    expect_config("adagrad( lr = .5 , epsilon=1E-3 , clipnorm=1, clipvalue=0.5 )",
                  "{\"name\":\"Adagrad\",\"lr\":0.5,\"epsilon\":0.001,\"decay\":0.0,"
                  "\"clipnorm\":1.0,\"clipvalue\":0.5}");
    expect_config("nadam(schedule_decay=0)", "{\"name\":\"Nadam\",\"lr\":0.002,\"beta_1\":0.9,"
                                             "\"beta_2\":0.999,\"epsilon\":1e-08,"
                                             "\"schedule_decay\":0.0}");
}

static void test_learning_rate_is_an_alias_of_lr(void)
{
    expect_config("adam(learning_rate=0.5)",
                  "{\"name\":\"Adam\",\"lr\":0.5,\"beta_1\":0.9,\"beta_2\":0.999,"
                  "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}");
    expect_config("{\"name\":\"sgd\",\"learning_rate\":0.25}",
                  "{\"name\":\"SGD\",\"lr\":0.25,\"momentum\":0.0,\"decay\":0.0,"
                  "\"nesterov\":false}");
    expect_error("adam(lr=0.1, learning_rate=0.2)", "argument 'lr' is given twice");
}

static void test_json_spec_sets_arguments(void)
{
    expect_config("{\"name\":\"adam\",\"lr\":0.01}",
                  "{\"name\":\"Adam\",\"lr\":0.01,\"beta_1\":0.9,\"beta_2\":0.999,"
                  "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}");
    expect_config(" {\"momentum\":0.9,\"name\":\"SGD\",\"nesterov\":true,\"lr\":1}",
                  "{\"name\":\"SGD\",\"lr\":1.0,\"momentum\":0.9,\"decay\":0.0,"
                  "\"nesterov\":true}");
}

static void test_config_round_trips_through_create(void)
{
    const char *specs[] = {"sgd",
                           "SGD(lr=0.1, momentum=0.9, nesterov=True, decay=0.001)",
                           "rmsprop(rho=0.5)",
                           "adagrad(clipnorm=2.5)",
                           "adadelta(lr=0.3, clipvalue=0.1)",
                           "adam(lr=0.1, beta_1=0.3, beta_2=0.7, epsilon=0.125, decay=1e-4)",
                           "adamax(lr=1e-30)",
                           "nadam(schedule_decay=0.1, clipnorm=1e10, clipvalue=3)",
                           "adam(lr=0.1234567890123456789)"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        clopt_config a, b;
        clopt_error err;
        clopt_error_clear(&err);
        CU_ASSERT_EQUAL_FATAL(clopt_spec_parse(specs[i], &a, &err), CLOPT_OK);
        char *ja = clopt_config_json(&a);
        CU_ASSERT_EQUAL_FATAL(clopt_spec_parse(ja, &b, &err), CLOPT_OK);
        char *jb = clopt_config_json(&b);
        CU_ASSERT_STRING_EQUAL(ja, jb);
        CU_ASSERT_EQUAL(a.info, b.info);
        CU_ASSERT_EQUAL(memcmp(a.v, b.v, sizeof a.v), 0); /* every value exact */
        free(ja);
        free(jb);
    }
}

static void test_misspelt_names_suggest_the_right_one(void)
{
    /* The typos of the Keras page clopt grew from. */
    expect_error("admax", "unknown optimizer 'admax'; did you mean 'adamax'?");
    expect_error("RMSprop(lr=0.001, rhs=0.9, epsilon=1e-08)",
                 "unknown argument 'rhs' for RMSprop; did you mean 'rho'?");
    expect_error("SGD(lr=0.01, momentum=0.0, decay=0.0, nestrov=False)",
                 "unknown argument 'nestrov' for SGD; did you mean 'nesterov'?");
    expect_error("Adagrad(lr=0.01, opsilonn=1e-08)",
                 "unknown argument 'opsilonn' for Adagrad; did you mean 'epsilon'?");
    expect_error("{\"name\":\"nadma\"}", "did you mean 'nadam'?");
    expect_error("{\"name\":\"adam\",\"beta1\":0.5}", "did you mean 'beta_1'?");
    expect_error("frobnicate", "expected one of sgd, rmsprop, adagrad, adadelta, adam");
    expect_error("adam(momentum=0.9)",
                 "unknown argument 'momentum' for Adam; it takes lr, beta_1, beta_2, epsilon, "
                 "decay, amsgrad, clipnorm, clipvalue");
}

static void test_malformed_specs_are_clear_errors(void)
{
    expect_error("adam(lr=0.1", "expected ',' or ')' at column 12");
    expect_error("adam(lr=)", "expected a number at column 9");
    expect_error("adam(lr=1e999)", "lr=1e999 is not a finite number");
    expect_error("adam(lr=-1e999)", "is not a finite number");
    expect_error("adam(lr=0.1) extra", "expected the end of the spec at column 14");
    expect_error("adam x", "expected the end of the spec");
    expect_error("adam(0.1)", "expected an argument name (name=value)");
    expect_error("adam(lr 0.1)", "expected '=' after the argument name");
    expect_error("adam(lr=0.1,,)", "expected an argument name");
    expect_error("adam(lr=nan)", "expected a number, True or False");
    expect_error("adam(lr=1.2.3)", "expected a number");
    expect_error("", "expected an optimizer name at column 1");
    expect_error("(lr=1)", "expected an optimizer name");
    expect_error("{\"name\":\"adam\",}", "malformed JSON optimizer spec");
    expect_error("{\"name\":\"adam\",\"lr\":1,\"lr\":2}", "duplicate");
    expect_error("{\"lr\":1}", "needs a string \"name\"");
    expect_error("[\"adam\"]", "needs a string \"name\"");
    expect_error("{\"name\":\"adam\",\"lr\":\"0.1\"}", "\"lr\" must be a number, not a string");
    expect_error("{\"name\":\"adam\",\"lr\":null}", "must be a number");
    expect_error(NULL, "spec is NULL");

    char *huge = malloc(10000);
    memset(huge, ' ', 9999);
    huge[9999] = '\0';
    expect_error(huge, "longer than 4096 bytes");
    free(huge);
}

static void test_out_of_range_values_name_the_range(void)
{
    expect_error("adam(lr=-1)", "Adam: lr=-1.0 is out of range; expected a finite number >= 0");
    expect_error("rmsprop(rho=1)", "RMSprop: rho=1.0 is out of range; expected a number in [0, 1)");
    expect_error("adam(beta_1=1.5)", "beta_1=1.5 is out of range");
    expect_error("adam(beta_2=-0.1)", "beta_2=-0.1 is out of range");
    expect_error("sgd(momentum=-0.5)", "momentum=-0.5 is out of range");
    expect_error("sgd(decay=-1)", "decay=-1.0 is out of range");
    expect_error("sgd(nesterov=2)", "expected True or False (1 or 0)");
    expect_error("adagrad(epsilon=-1e-9)", "epsilon=-1e-09 is out of range");
    expect_error("adam(clipnorm=0)", "clipnorm=0.0 is out of range; expected a finite number > 0");
    expect_error("adam(clipvalue=-1)", "clipvalue=-1.0 is out of range");
    expect_error("nadam(schedule_decay=-0.004)", "schedule_decay=-0.004 is out of range");
    expect_error("{\"name\":\"adam\",\"lr\":1e400}", "malformed JSON"); /* Jansson refuses it */
    /* The edges that are valid. */
    expect_config("rmsprop(rho=0, lr=0, epsilon=0)",
                  "{\"name\":\"RMSprop\",\"lr\":0.0,\"rho\":0.0,\"epsilon\":0.0,\"decay\":0.0}");
}

/*
 * Values are checked as doubles and used as float32: one that is 0, inf or subnormal there
 * is refused, in specs and in sweeps (clipvalue=1e-46 passed "> 0" and meant "off").
 */
static void test_values_that_float32_cannot_hold_are_refused(void)
{
    expect_error("adam(clipvalue=1e-46)",
                 "Adam: clipvalue=1e-46 is out of range; the device computes in float32, where "
                 "it is 0; expected 0 or a magnitude from 1.1754944e-38 to 3.4028235e+38");
    expect_error("sgd(lr=1e39)", "lr=1e+39 is out of range; the device computes in float32, "
                                 "where it is inf");
    expect_error("sgd(momentum=1e-40)", "where it is a subnormal number");
    expect_config("sgd(lr=0, clipnorm=1.5e-38)",
                  "{\"name\":\"SGD\",\"lr\":0.0,\"momentum\":0.0,\"decay\":0.0,"
                  "\"nesterov\":false,\"clipnorm\":1.5e-38}");
    static const char *const sgd[] = {"sgd"};
    clopt_explore_options o = {0};
    o.kind = CLOPT_EXPLORE_SWEEP;
    o.function = "sphere";
    o.optimizers = sgd;
    o.noptimizers = 1;
    o.axes[0] = (clopt_explore_axis){"clipvalue", 1e-46, 1, 3, 1};
    o.naxes = 1;
    o.steps = 10;
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_explore_check(&o, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "clipvalue=1e-46 is out of range; the device computes");
}

/*
 * A process that called setlocale(LC_ALL, "de_DE.UTF-8") (comma decimal point): expressions,
 * specs, configs, generated OpenCL and checkpoints read and write numbers with a '.' all the
 * same. Before, x*0.5 read as x*0, adam(lr=0.01) was refused, configs printed "lr":0,01,
 * (3/2)*x compiled to 1,5f and a checkpoint saved there did not load.
 */
static void test_numbers_read_and_print_with_a_point_under_a_comma_locale(void)
{
    char *was = strdup(setlocale(LC_ALL, NULL));
    const char *set = setlocale(LC_ALL, "de_DE.UTF-8");
    CU_ASSERT_PTR_NOT_NULL(set);
    if (!set) {
        fprintf(stderr, "\n  de_DE.UTF-8 is not installed (tools/deps generates it)\n");
        free(was);
        return;
    }
    char probe[8];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    CU_ASSERT_STRING_EQUAL(probe, "0,5"); /* the locale is in effect */

    clopt_expr_error e;
    clopt_expr *x = clopt_expr_parse("x*0.5 + y*0.25", &e);
    CU_ASSERT_PTR_NOT_NULL(x);
    if (x) {
        CU_ASSERT_STRING_EQUAL(x->canonical, "x*0.5+y*0.25");
        CU_ASSERT_DOUBLE_EQUAL(clopt_expr_eval(x, 4, 8), 4, 0);
    }
    clopt_expr_release(x);
    expect_config("adam(lr=0.01, beta_2=0.995)",
                  "{\"name\":\"Adam\",\"lr\":0.01,\"beta_1\":0.9,\"beta_2\":0.995,"
                  "\"epsilon\":1e-08,\"decay\":0.0,\"amsgrad\":false}");
    expect_config("{\"name\": \"sgd\", \"lr\": 0.25}",
                  "{\"name\":\"SGD\",\"lr\":0.25,\"momentum\":0.0,\"decay\":0.0,"
                  "\"nesterov\":false}");
    expect_error("adam(lr=-0.5)", "lr=-0.5 is out of range");

    clopt_context *ctx = test_context();
    clopt_error err;
    float v[6]; /* 3 x 2 */
    const double view[4] = {-1, 1, 0, 1};
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "(3/2)*x", 3, 2, view, v, NULL, NULL, &err), CLOPT_OK);
    CU_ASSERT_DOUBLE_EQUAL(v[0], -1.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(v[2], 1.5, 0);

    /* a checkpoint saved and loaded here */
    cl_mem p = test_buffer(4, (const float[]){1, 2, 3, 4}), g = test_buffer(4, NULL);
    clopt_optimizer *a = clopt_optimizer_create(ctx, "rmsprop(lr=0.25, rho=0.5)", &err);
    clopt_optimizer *b = clopt_optimizer_create(ctx, "rmsprop(lr=0.25, rho=0.5)", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(clopt_optimizer_add(a, p, g, 0, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add(b, p, g, 0, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(a, &err), CLOPT_OK);
    char path[64];
    snprintf(path, sizeof path, "/tmp/clopt-test-%d-locale.ckpt", (int)getpid());
    CU_ASSERT_EQUAL(clopt_optimizer_save(a, path, &err), CLOPT_OK);
    clopt_error_clear(&err);
    CU_ASSERT_EQUAL(clopt_optimizer_load(b, path, &err), CLOPT_OK);
    if (err.status != CLOPT_OK) fprintf(stderr, "\n  load: %s\n", err.text);
    unlink(path);
    clopt_optimizer_release(a);
    clopt_optimizer_release(b);
    clReleaseMemObject(p);
    clReleaseMemObject(g);

    setlocale(LC_ALL, was);
    free(was);
}

CU_TestInfo spec_tests[] = {
    {"every optimizer has the Keras defaults", test_every_optimizer_has_keras_defaults},
    {"names are case-insensitive", test_names_are_case_insensitive},
    {"call syntax sets arguments", test_call_syntax_sets_arguments},
    {"learning_rate is an alias of lr", test_learning_rate_is_an_alias_of_lr},
    {"JSON spec sets arguments", test_json_spec_sets_arguments},
    {"config round-trips exactly", test_config_round_trips_through_create},
    {"misspelt names suggest the right one", test_misspelt_names_suggest_the_right_one},
    {"malformed specs are clear errors", test_malformed_specs_are_clear_errors},
    {"out-of-range values name the range", test_out_of_range_values_name_the_range},
    {"values that float32 cannot hold are refused",
     test_values_that_float32_cannot_hold_are_refused},
    {"numbers read and print with a point under a comma locale",
     test_numbers_read_and_print_with_a_point_under_a_comma_locale},
    CU_TEST_INFO_NULL,
};
