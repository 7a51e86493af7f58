/* The shared device fixture and helpers of the test suites. */
#include "harness.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

static clopt_context *shared;

clopt_context *test_context(void)
{
    if (!shared) {
        clopt_error err;
        shared = clopt_context_create(NULL, &err);
        if (!shared) fprintf(stderr, "\ncannot create the test context: %s\n", err.text);
    }
    return shared;
}

int test_run(const char *program, CU_SuiteInfo *suites)
{
    if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS) {
        fprintf(stderr, "%s: %s\n", program, CU_get_error_msg());
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    clopt_context_release(shared);
    shared = NULL;
    return failures == 0 && CU_get_error() == CUE_SUCCESS ? 0 : 1;
}

int test_quick(void)
{
    const char *q = getenv("CLOPT_TEST_QUICK");
    return q && *q && strcmp(q, "0") != 0;
}

cl_mem test_buffer(size_t n, const float *init)
{
    cl_int rc;
    clopt_context *ctx = test_context();
    cl_mem m =
        clCreateBuffer(clopt_context_cl(ctx), CL_MEM_READ_WRITE, n * sizeof(float), NULL, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    if (init) {
        test_write(m, 0, n, init);
    } else {
        float zero = 0.0f;
        rc = clEnqueueFillBuffer(clopt_context_queue(ctx), m, &zero, sizeof zero, 0,
                                 n * sizeof(float), 0, NULL, NULL);
        CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    }
    return m;
}

void test_write(cl_mem m, size_t offset, size_t n, const float *src)
{
    cl_int rc = clEnqueueWriteBuffer(clopt_context_queue(test_context()), m, CL_TRUE,
                                     offset * sizeof(float), n * sizeof(float), src, 0, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
}

void test_read(cl_mem m, size_t offset, size_t n, float *dst)
{
    cl_int rc = clEnqueueReadBuffer(clopt_context_queue(test_context()), m, CL_TRUE,
                                    offset * sizeof(float), n * sizeof(float), dst, 0, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
}

float test_uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    uint64_t x = *s * 0x2545F4914F6CDD1DULL;
    return (float)((double)(x >> 40) / (double)(1ULL << 24) * 2.0 - 1.0);
}
