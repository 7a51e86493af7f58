/* Contexts: the device selector, wrapping the caller's OpenCL objects, status names. */
#include "harness.h"

#include "context.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static cl_device_type type_of(const clopt_context *ctx)
{
    cl_device_type t = 0;
    clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_TYPE, sizeof t, &t, NULL);
    return t;
}

static void test_default_selector_picks_a_cpu_device(void)
{
    clopt_error err;
    unsetenv("CLOPT_DEVICE");
    clopt_context *ctx = clopt_context_create(NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(err.status, CLOPT_OK);
    CU_ASSERT(type_of(ctx) & CL_DEVICE_TYPE_CPU); /* PoCL is always installed */
    clopt_context_release(ctx);
}

static void test_selectors_find_devices_by_type_index_and_name(void)
{
    clopt_error err;
    clopt_context *cpu = clopt_context_create("CPU", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cpu);
    clopt_context *first = clopt_context_create("0:0", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);

    char name[128] = "", part[8];
    clGetDeviceInfo(clopt_context_device(cpu), CL_DEVICE_NAME, sizeof name, name, NULL);
    CU_ASSERT_FATAL(strlen(name) >= 6);
    snprintf(part, sizeof part, "%.5s", name + 1);
    for (char *c = part; *c; c++)
        *c = (char)toupper((unsigned char)*c); /* matching ignores case */
    clopt_context *byname = clopt_context_create(part, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(byname);
    CU_ASSERT_EQUAL(clopt_context_device(byname), clopt_context_device(cpu));

    clopt_context *gpu = clopt_context_create("gpu", &err);
    if (gpu) {
        CU_ASSERT(type_of(gpu) & CL_DEVICE_TYPE_GPU);
    } else {
        ASSERT_ERROR(err, CLOPT_ENODEVICE, "devices: 0:0 ");
    }

    setenv("CLOPT_DEVICE", "cpu", 1);
    clopt_context *env = clopt_context_create(NULL, &err);
    CU_ASSERT_PTR_NOT_NULL(env);
    unsetenv("CLOPT_DEVICE");

    clopt_context_release(cpu);
    clopt_context_release(first);
    clopt_context_release(byname);
    clopt_context_release(gpu);
    clopt_context_release(env);
}

static void test_selector_matching_nothing_lists_the_devices(void)
{
    clopt_error err;
    CU_ASSERT_PTR_NULL(clopt_context_create("no-such-device-xyz", &err));
    ASSERT_ERROR(err, CLOPT_ENODEVICE, "no OpenCL device matches 'no-such-device-xyz'");
    ASSERT_ERROR(err, CLOPT_ENODEVICE, "devices: 0:0 ");
    CU_ASSERT_PTR_NULL(clopt_context_create("9:9", &err));
    ASSERT_ERROR(err, CLOPT_ENODEVICE, "matches '9:9'");
    CU_ASSERT_PTR_NULL(clopt_context_create("", &err));
    ASSERT_ERROR(err, CLOPT_ENODEVICE, "matches ''");
    setenv("CLOPT_DEVICE", "bogus-env-device", 1);
    CU_ASSERT_PTR_NULL(clopt_context_create(NULL, &err));
    ASSERT_ERROR(err, CLOPT_ENODEVICE, "'bogus-env-device'");
    unsetenv("CLOPT_DEVICE");
    CU_ASSERT_PTR_NULL(clopt_context_create("nope", NULL)); /* err may be NULL */
}

static void test_wrap_uses_the_callers_context_and_queue(void)
{
    cl_int rc;
    cl_device_id dev = clopt_context_device(test_context());
    cl_context c = clCreateContext(NULL, 1, &dev, NULL, NULL, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    cl_command_queue q = clCreateCommandQueue(c, dev, 0, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);

    clopt_error err;
    clopt_context *ctx = clopt_context_wrap(c, dev, q, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(clopt_context_cl(ctx), c);
    CU_ASSERT_EQUAL(clopt_context_queue(ctx), q);
    CU_ASSERT_EQUAL(clopt_context_device(ctx), dev);

    /* One SGD step on the caller's buffers: p = 1 - 0.5 * 2 = 0, exact in float. */
    float p[3] = {1.0f, 2.0f, -3.0f}, g[3] = {2.0f, 4.0f, 0.5f};
    cl_mem mp = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof p, p, &rc);
    cl_mem mg = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof g, g, &rc);
    clopt_optimizer *o = clopt_optimizer_create(ctx, "SGD(lr=0.5)", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, mp, mg, 0, 3, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clEnqueueReadBuffer(q, mp, CL_TRUE, 0, sizeof p, p, 0, NULL, NULL), CL_SUCCESS);
    CU_ASSERT_EQUAL(p[0], 0.0f);
    CU_ASSERT_EQUAL(p[1], 0.0f);
    CU_ASSERT_EQUAL(p[2], -3.25f);
    clopt_optimizer_release(o);
    clopt_context_release(ctx);

    /* clopt released only its own references: the caller's objects still work. */
    cl_uint refs = 0;
    CU_ASSERT_EQUAL(clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof refs, &refs, NULL),
                    CL_SUCCESS);
    CU_ASSERT(refs >= 1);
    CU_ASSERT_EQUAL(clFinish(q), CL_SUCCESS);
    clReleaseMemObject(mp);
    clReleaseMemObject(mg);
    clReleaseCommandQueue(q);
    clReleaseContext(c);
}

static void test_wrap_rejects_null_foreign_and_out_of_order_queues(void)
{
    cl_int rc;
    clopt_error err;
    cl_device_id dev = clopt_context_device(test_context());
    cl_context c = clCreateContext(NULL, 1, &dev, NULL, NULL, &rc);
    cl_command_queue q = clCreateCommandQueue(c, dev, 0, &rc);

    CU_ASSERT_PTR_NULL(clopt_context_wrap(NULL, dev, q, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "context is NULL");
    CU_ASSERT_PTR_NULL(clopt_context_wrap(c, NULL, q, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "device is NULL");
    CU_ASSERT_PTR_NULL(clopt_context_wrap(c, dev, NULL, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "queue is NULL");

    /* The shared test context's queue belongs to another context. */
    CU_ASSERT_PTR_NULL(clopt_context_wrap(c, dev, clopt_context_queue(test_context()), &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "the queue belongs to another context");

    cl_command_queue ooo =
        clCreateCommandQueue(c, dev, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    CU_ASSERT_PTR_NULL(clopt_context_wrap(c, dev, ooo, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "the queue is out-of-order");
    clReleaseCommandQueue(ooo);
    clReleaseCommandQueue(q);
    clReleaseContext(c);
}

static void test_every_status_has_a_name(void)
{
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_OK), "success");
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_EINVAL), "invalid argument");
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_ENODEVICE), "no matching OpenCL device");
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_ECL), "OpenCL error");
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_EFORMAT), "bad checkpoint format");
    CU_ASSERT_STRING_EQUAL(clopt_status_string(CLOPT_ESTATE), "invalid state");
    CU_ASSERT_STRING_EQUAL(clopt_status_string((clopt_status)99), "unknown status");
    unsigned a, b, c;
    CU_ASSERT_EQUAL(sscanf(clopt_version(), "%u.%u.%u", &a, &b, &c), 3);
}

static void test_null_handles_are_harmless(void)
{
    clopt_context_release(NULL);
    clopt_optimizer_release(NULL);
    clopt_free(NULL);
    CU_ASSERT_PTR_NULL(clopt_context_cl(NULL));
    CU_ASSERT_PTR_NULL(clopt_context_queue(NULL));
    CU_ASSERT_PTR_NULL(clopt_context_device(NULL));
    clopt_error err;
    CU_ASSERT_PTR_NULL(clopt_optimizer_create(NULL, "adam", &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "context is NULL");
}

/*
 * The library never prints: a kernel that draws a compiler warning (a float constant that
 * is 0 in float32) builds with nothing on stderr. A comment with the time and pid keeps
 * PoCL's kernel cache from answering instead of the compiler.
 */
static void test_program_builds_print_nothing(void)
{
    clopt_context *ctx = test_context();
    char src[256];
    snprintf(src, sizeof src,
             "/* %ld %d */ __kernel void clopt_test_warns(__global float *o) { o[0] = 1e-300f; }",
             (long)time(NULL), (int)getpid());
    const char *sources[] = {src};
    fflush(stderr);
    FILE *captured = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(captured);
    const int saved = dup(2);
    dup2(fileno(captured), 2);
    cl_program program = NULL;
    clopt_error err;
    const clopt_status st = clopt_context_build(ctx, 1, sources, &program, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    CU_ASSERT_EQUAL(st, CLOPT_OK);
    char said[512] = "";
    rewind(captured);
    const size_t n = fread(said, 1, sizeof said - 1, captured);
    said[n] = '\0';
    fclose(captured);
    CU_ASSERT_EQUAL(n, 0);
    if (n) fprintf(stderr, "\n  the build printed: %s\n", said);
    if (program) clReleaseProgram(program);
}

/* The listings for bindings: the same documents as `clopt devices --json` and `clopt
 * optimizers --json`, one default device, every catalogue row. */
static void test_listings_for_bindings_name_the_default_device_and_every_optimizer(void)
{
    clopt_error err;
    unsetenv("CLOPT_DEVICE");
    char *devices = clopt_devices_json(&err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(devices);
    CU_ASSERT_EQUAL(err.status, CLOPT_OK);
    CU_ASSERT_EQUAL(devices[0], '[');
    CU_ASSERT_PTR_NOT_NULL(strstr(devices, "\"selector\":\"0:0\""));
    const char *first = strstr(devices, "\"default\":true");
    CU_ASSERT_PTR_NOT_NULL(first);
    CU_ASSERT_PTR_NULL(first ? strstr(first + 1, "\"default\":true") : NULL);
    clopt_free(devices);
    char *catalogue = clopt_optimizers_json();
    CU_ASSERT_PTR_NOT_NULL_FATAL(catalogue);
    const char *names[] = {"SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam"};
    char quoted[32];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(quoted, sizeof quoted, "\"name\":\"%s\"", names[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(catalogue, quoted));
    }
    clopt_free(catalogue);
}

CU_TestInfo context_tests[] = {
    {"program builds print nothing", test_program_builds_print_nothing},
    {"default selector picks a CPU device", test_default_selector_picks_a_cpu_device},
    {"selectors find devices by type, index and name",
     test_selectors_find_devices_by_type_index_and_name},
    {"a selector matching nothing lists the devices",
     test_selector_matching_nothing_lists_the_devices},
    {"wrap uses the caller's context and queue", test_wrap_uses_the_callers_context_and_queue},
    {"wrap rejects NULL, foreign and out-of-order queues",
     test_wrap_rejects_null_foreign_and_out_of_order_queues},
    {"every status has a name", test_every_status_has_a_name},
    {"NULL handles are harmless", test_null_handles_are_harmless},
    {"listings for bindings name the default device and every optimizer",
     test_listings_for_bindings_name_the_default_device_and_every_optimizer},
    CU_TEST_INFO_NULL,
};
