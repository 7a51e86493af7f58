/* What every test file shares: the device fixture, buffers, a seeded generator. */
#ifndef CLOPT_TEST_HARNESS_H
#define CLOPT_TEST_HARNESS_H

#include "clopt/clopt.h"
#include "reference.h"

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The suites, one per test file. */
extern CU_TestInfo spec_tests[];
extern CU_TestInfo schedule_tests[];
extern CU_TestInfo schedulefree_tests[];
extern CU_TestInfo muon_tests[];
extern CU_TestInfo numerics_tests[];
extern CU_TestInfo optimizer_tests[];
extern CU_TestInfo context_tests[];
extern CU_TestInfo tuning_tests[];
extern CU_TestInfo checkpoint_tests[];
extern CU_TestInfo functions_tests[];
extern CU_TestInfo trajectory_tests[];
extern CU_TestInfo explore_tests[];
extern CU_TestInfo tune_tests[];
extern CU_TestInfo train_tests[];
extern CU_TestInfo expr_tests[];
extern CU_TestInfo scale_tests[];
extern CU_TestInfo precision_tests[];
extern CU_TestInfo trainability_tests[];

/*
 * The shared context on the default device, created by the first caller. Device tests never
 * skip: if no device can be created, the test fails with the library's message.
 */
clopt_context *test_context(void);

/*
 * Registers `suites` (ending with CU_SUITE_INFO_NULL), runs them verbosely and releases the
 * shared context: the exit status of a test program (0 when every assertion held).
 */
int test_run(const char *program, CU_SuiteInfo *suites);

/* Nonzero when CLOPT_TEST_QUICK is set: fewer steps and smaller tensors (oclgrind). */
int test_quick(void);

/* A float32 buffer of n floats with contents init (or zeros). */
cl_mem test_buffer(size_t n, const float *init);
void test_write(cl_mem m, size_t offset, size_t n, const float *src);
void test_read(cl_mem m, size_t offset, size_t n, float *dst);

/* Every schedule (both forms of exponential and wsd) in spec syntax and for the reference,
 * with warmup w (inverse_sqrt: at least 1); test_schedule.c. Returns TEST_SCHEDULES. */
#define TEST_SCHEDULES 8
typedef struct {
    char spec[128];
    ref_sched_spec ref;
} test_sched_case;
size_t test_schedule_cases(double w, test_sched_case *out);

/* Deterministic uniform floats in [-1, 1) (xorshift64*). */
float test_uniform(uint64_t *state);

/* Asserts that err holds status and a text containing `needle`; prints it otherwise. */
#define ASSERT_ERROR(err, st, needle)                                                              \
    do {                                                                                           \
        CU_ASSERT_EQUAL((err).status, (st));                                                       \
        CU_ASSERT_PTR_NOT_NULL(strstr((err).text, (needle)));                                      \
        if (!strstr((err).text, (needle)))                                                         \
            fprintf(stderr, "\n  error text: %s\n  expected to contain: %s\n", (err).text,         \
                    (needle));                                                                     \
    } while (0)

#endif
