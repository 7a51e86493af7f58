/*
 * Sizes a 2-core test machine never allocates: the layout planned past 2^32 floats of state
 * (host only), arena growth against the device's largest allocation, and the checkpoint CRC
 * over more than 4 GiB.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "harness.h"

#include "context.h"
#include "file.h"
#include "optimizer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <zlib.h>

/* A chunk's offset into the state arenas, from the table entry as the kernels read it. */
static uint64_t state_offset(cl_uint4 c)
{
    return (uint64_t)c.s[1] * 16;
}

static void test_state_offsets_pass_2_32_floats_without_wrapping(void)
{
    /* Two buffer pairs with a 3e9-float tensor each: 6e9 floats of state per arena. The
     * handles are never dereferenced: the plan only compares them. */
    const size_t n = 3000000000u, chunk = 65536;
    clopt_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.ntensors = 3;
    lay.tensors = calloc(3, sizeof *lay.tensors);
    lay.tensors[0] = (clopt_tensor){(cl_mem)0x10, (cl_mem)0x20, 0, n, 0, 0, 0};
    lay.tensors[1] = (clopt_tensor){(cl_mem)0x30, (cl_mem)0x40, 0, n, 0, 0, 0};
    lay.tensors[2] = (clopt_tensor){(cl_mem)0x10, (cl_mem)0x20, n, 1000, 0, 0, 0};
    cl_uint4 *table = NULL;
    cl_uint2 *ranges = NULL;
    clopt_error err;
    CU_ASSERT_EQUAL_FATAL(clopt_layout_plan(&lay, 0, chunk, &table, &ranges, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(lay.tensors[1].state_offset, n); /* 3e9 is a multiple of 16 */
    CU_ASSERT_EQUAL(lay.tensors[2].state_offset, 2 * (uint64_t)n);
    CU_ASSERT_EQUAL(lay.state_used, 2 * (uint64_t)n + 1000);
    CU_ASSERT_EQUAL(lay.ngroups, 2);
    /* Every chunk's state is where its tensor's state is, chunk after chunk: no chunk of the
     * second tensor points back into the first one's state (2^32 would wrap them). */
    size_t c = 0, wrong = 0;
    for (size_t gi = 0; gi < lay.ngroups; gi++) {
        const clopt_group *g = &lay.groups[gi];
        CU_ASSERT_EQUAL(g->chunk_base, c);
        for (size_t t = 0; t < lay.ntensors; t++) {
            const clopt_tensor *ten = &lay.tensors[t];
            if (ten->param != g->param) continue;
            CU_ASSERT_EQUAL(ranges[t].s[0], c);
            CU_ASSERT_EQUAL(ranges[t].s[1], (ten->count + chunk - 1) / chunk);
            for (uint64_t done = 0; done < ten->count; done += chunk, c++) {
                const uint64_t count = ten->count - done < chunk ? ten->count - done : chunk;
                wrong += table[c].s[0] != ten->offset + done || table[c].s[2] != count ||
                         state_offset(table[c]) != ten->state_offset + done || table[c].s[3] != t;
            }
        }
        CU_ASSERT_EQUAL(c - g->chunk_base, g->nchunks);
    }
    CU_ASSERT_EQUAL(c, lay.nchunks);
    CU_ASSERT_EQUAL(wrong, 0);

    /* A fourth tensor later keeps the others' offsets and goes after them. */
    clopt_tensor *more = realloc(lay.tensors, 4 * sizeof *more);
    more[3] = (clopt_tensor){(cl_mem)0x50, (cl_mem)0x60, 0, 5, 0, 0, 0};
    clopt_layout next;
    memset(&next, 0, sizeof next);
    next.tensors = more;
    next.ntensors = 4;
    free(table);
    free(ranges);
    free(lay.groups);
    CU_ASSERT_EQUAL_FATAL(clopt_layout_plan(&next, 3, chunk, &table, &ranges, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(more[1].state_offset, n);
    CU_ASSERT_EQUAL(more[3].state_offset, 2 * (uint64_t)n + 1008);
    CU_ASSERT_EQUAL(state_offset(table[next.nchunks - 1]), 2 * (uint64_t)n + 1008);
    free(table);
    free(ranges);
    free(next.groups);
    free(more);
}

static void test_plan_refuses_state_beyond_what_the_table_addresses(void)
{
    clopt_layout lay;
    memset(&lay, 0, sizeof lay);
    clopt_tensor t[2] = {{(cl_mem)0x10, (cl_mem)0x20, 0, 40000000000u, 0, 0, 0},
                         {(cl_mem)0x30, (cl_mem)0x40, 0, 40000000000u, 0, 0, 0}};
    lay.tensors = t;
    lay.ntensors = 2;
    cl_uint4 *table = NULL;
    cl_uint2 *ranges = NULL;
    clopt_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(clopt_layout_plan(&lay, 0, 65536, &table, &ranges, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "state would need 80000000000 floats per state buffer; clopt addresses at "
                 "most 2^36");
    CU_ASSERT_PTR_NULL(table);
    free(lay.groups);
}

static void test_arena_capacity_doubles_up_to_the_largest_allocation(void)
{
    const size_t limit = 64u << 20; /* floats: a 256 MB CL_DEVICE_MAX_MEM_ALLOC_SIZE */
    CU_ASSERT_EQUAL(clopt_layout_capacity(0, 40u << 20, limit), 40u << 20);
    /* 40M then 10M more: doubling would ask 80M floats; the cap is the device's 64M. */
    CU_ASSERT_EQUAL(clopt_layout_capacity(40u << 20, 50u << 20, limit), limit);
    CU_ASSERT_EQUAL(clopt_layout_capacity(10u << 20, 12u << 20, limit), 20u << 20);
    CU_ASSERT_EQUAL(clopt_layout_capacity(10u << 20, 30u << 20, limit), 30u << 20);
    CU_ASSERT_EQUAL(clopt_layout_capacity(40u << 20, 70u << 20, limit), 70u << 20);
    CU_ASSERT_EQUAL(clopt_layout_capacity(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 2, SIZE_MAX), SIZE_MAX);
}

static void test_arena_growth_stays_within_the_device_limit(void)
{
    clopt_error err;
    clopt_context *ctx = clopt_context_create(NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    ctx->max_alloc = 4u << 20; /* as if the device allowed 4 MiB: 1,048,576 floats */
    cl_int rc;
    cl_mem p = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, 1200000 * sizeof(float), NULL, &rc);
    cl_mem g = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, 1200000 * sizeof(float), NULL, &rc);
    clopt_optimizer *o = clopt_optimizer_create(ctx, "adagrad", &err);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 0, 600000, &err), CLOPT_OK);
    float *a = calloc(600000, sizeof *a), *b = calloc(600000, sizeof *b), one = 1.0f;
    clEnqueueFillBuffer(ctx->queue, g, &one, sizeof one, 0, 1200000 * sizeof(float), 0, NULL, NULL);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_read_state(o, 0, 0, a, &err), CLOPT_OK);
    /* 600,000 then 200,000 floats: doubling would be 1.2M floats, over the limit. */
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 600000, 200000, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->lay.state_cap, 1u << 20);
    size_t bytes = 0;
    clGetMemObjectInfo(o->lay.state[0], CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
    CU_ASSERT(bytes <= ctx->max_alloc);
    CU_ASSERT_EQUAL(clopt_optimizer_read_state(o, 0, 0, b, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(memcmp(a, b, 600000 * sizeof *a), 0); /* the first tensor's state came along */
    CU_ASSERT_EQUAL(a[599999], 1.0f);
    free(a);
    free(b);
    /* Beyond the device's largest allocation: refused, naming the limit; nothing changed. */
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 800000, 300000, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "the device allows at most 4194304 bytes in one allocation "
                 "(CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
    CU_ASSERT_EQUAL(o->lay.ntensors, 2);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    clopt_optimizer_release(o);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
    clopt_context_release(ctx);
}

/* The largest |p - want| over a few windows of a buffer of n floats (first, last, spread). */
static double worst_error(cl_command_queue q, cl_mem m, size_t n, float want)
{
    enum { WINDOW = 4096, WINDOWS = 64 };
    static float tmp[WINDOW];
    double worst = 0;
    for (size_t w = 0; w <= WINDOWS; w++) {
        const size_t at = n <= WINDOW ? 0 : (n - WINDOW) / WINDOWS * w;
        const size_t len = n < WINDOW ? n : WINDOW;
        CU_ASSERT_EQUAL_FATAL(clEnqueueReadBuffer(q, m, CL_TRUE, at * sizeof(float),
                                                  len * sizeof(float), tmp, 0, NULL, NULL),
                              CL_SUCCESS);
        for (size_t i = 0; i < len; i++)
            worst = fmax(worst, fabs(tmp[i] - want));
    }
    return worst;
}

/*
 * Two buffer pairs of n floats each under SGD with momentum: one arena of 2n floats of
 * velocity. With CLOPT_TEST_BIG=1, n = 2.2e9 and the arena passes 2^32 floats (17.6 GB; a
 * device whose largest allocation allows it, and 53 GB of device memory); otherwise n is
 * small and the same code runs below 2^32. Two steps of g = 1, lr = 1: p = -1 - 1.9 = -2.9
 * everywhere; a wrapped state offset would share velocity between the two tensors.
 */
static void test_step_with_state_past_2_32_floats(void)
{
    const char *big = getenv("CLOPT_TEST_BIG");
    const size_t n = big && *big && strcmp(big, "0") != 0 ? 2200000000u : 100000u;
    clopt_context *ctx = test_context();
    if (2 * n * sizeof(float) > ctx->max_alloc) {
        fprintf(stderr, "\n  the device's largest allocation is %llu bytes; this test needs %zu\n",
                (unsigned long long)ctx->max_alloc, 2 * n * sizeof(float));
        CU_FAIL_FATAL("device allocation too small for CLOPT_TEST_BIG");
    }
    clopt_error err;
    cl_int rc;
    const float one = 1.0f, zero = 0.0f;
    cl_mem p[2], g[2];
    for (int b = 0; b < 2; b++) {
        p[b] = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, n * sizeof(float), NULL, &rc);
        CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
        g[b] = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, n * sizeof(float), NULL, &rc);
        CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
        clEnqueueFillBuffer(ctx->queue, p[b], &zero, sizeof zero, 0, n * sizeof(float), 0, NULL,
                            NULL);
        clEnqueueFillBuffer(ctx->queue, g[b], &one, sizeof one, 0, n * sizeof(float), 0, NULL,
                            NULL);
    }
    clopt_optimizer *o = clopt_optimizer_create(ctx, "SGD(lr=1, momentum=0.9)", &err);
    for (int b = 0; b < 2; b++)
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p[b], g[b], 0, n, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(o->lay.state_used, 2 * n + (16 - n % 16) % 16);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    for (int b = 0; b < 2; b++)
        CU_ASSERT(worst_error(ctx->queue, p[b], n, -2.9f) < 1e-6);
    clopt_optimizer_release(o);
    for (int b = 0; b < 2; b++) {
        clReleaseMemObject(p[b]);
        clReleaseMemObject(g[b]);
    }
}

static void test_checkpoint_crc_covers_more_than_4_gib(void)
{
    /* 4 GiB + 1 MiB + 7 bytes of zeros: an anonymous mapping that is never written reads as
     * the shared zero page, so it costs no memory. */
    const size_t mib = 1u << 20, len = (4096 + 1) * mib + 7;
    unsigned char *zeros =
        mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CU_ASSERT_FATAL(zeros != MAP_FAILED);
    /* The expected CRC by another road: zlib's crc32_combine over 1 MiB blocks. */
    const uLong block = crc32(0L, zeros, (uInt)mib);
    uLong want = 0;
    for (size_t i = 0; i < 4097; i++)
        want = crc32_combine(want, block, (z_off_t)mib);
    want = crc32_combine(want, crc32(0L, zeros, 7), 7);
    CU_ASSERT_EQUAL(clopt_crc32(0, zeros, len), (uint32_t)want);
    /* What a 32-bit length gives: only len mod 2^32 bytes, another value. */
    CU_ASSERT_NOT_EQUAL(crc32(0L, zeros, (uInt)len), want);
    /* In pieces, as a load reads the file, the same. */
    uint32_t pieces = 0;
    for (size_t done = 0; done < len; done += 3 * mib)
        pieces = clopt_crc32(pieces, zeros + done, len - done < 3 * mib ? len - done : 3 * mib);
    CU_ASSERT_EQUAL(pieces, (uint32_t)want);
    munmap(zeros, len);
}

CU_TestInfo scale_tests[] = {
    {"state offsets pass 2^32 floats without wrapping",
     test_state_offsets_pass_2_32_floats_without_wrapping},
    {"plan refuses state beyond what the table addresses",
     test_plan_refuses_state_beyond_what_the_table_addresses},
    {"arena capacity doubles up to the largest allocation",
     test_arena_capacity_doubles_up_to_the_largest_allocation},
    {"arena growth stays within the device limit", test_arena_growth_stays_within_the_device_limit},
    {"step with state past 2^32 floats (CLOPT_TEST_BIG=1 for the real size)",
     test_step_with_state_past_2_32_floats},
    {"checkpoint crc covers more than 4 GiB", test_checkpoint_crc_covers_more_than_4_gib},
    CU_TEST_INFO_NULL,
};
