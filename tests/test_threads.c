/*
 * Threads sharing a context, as the server's workers share one: a runner of its own (the
 * library and this file only), so that tools/test builds it quickly under ThreadSanitizer.
 * usage: clopt_thread_tests
 */
#include "harness.h"

#include "context.h"

#include <pthread.h>
#include <stdio.h>

/* One sweep on a shared context, as a server worker makes it: created, run, read. */
typedef struct {
    clopt_context *ctx;
    clopt_status st;
    size_t runs;
    float f[4];
} sweep_job;

static void *run_sweep(void *arg)
{
    sweep_job *j = arg;
    static const char *const sgd[] = {"sgd"};
    clopt_explore_options o = {.kind = CLOPT_EXPLORE_SWEEP,
                               .function = "sphere",
                               .optimizers = sgd,
                               .noptimizers = 1,
                               .axes = {{"lr", 0.01, 0.1, 4, 0}},
                               .naxes = 1,
                               .steps = 20,
                               .tol = 1e-4};
    clopt_exploration *e = clopt_explore_create(j->ctx, &o, NULL);
    j->st = e ? CLOPT_OK : CLOPT_ECL;
    while (e && j->st == CLOPT_OK && !clopt_explore_finished(e))
        j->st = clopt_explore_advance(e, 0, NULL);
    clopt_explore_map m = {0};
    if (e && j->st == CLOPT_OK) j->st = clopt_explore_map_get(e, 0, &m, NULL);
    j->runs = m.runs;
    for (size_t i = 0; i < 4 && i < m.runs; i++)
        j->f[i] = m.f[i];
    clopt_explore_release(e);
    return NULL;
}

/*
 * Two threads create sweeps on one new context at once, as the server's workers do: the
 * context builds its scalar program once, under its lock, and both get it (before, the lazy
 * build raced, and one could get no kernel with status OK). tools/test runs this suite under
 * ThreadSanitizer, which reports the race itself.
 */
static void test_sweeps_from_two_threads_share_one_scalar_program(void)
{
    clopt_error err;
    clopt_context *ctx = clopt_context_create(NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_PTR_NULL(ctx->scalar_program);
    sweep_job jobs[2] = {{ctx, CLOPT_EINVAL, 0, {0}}, {ctx, CLOPT_EINVAL, 0, {0}}};
    pthread_t threads[2];
    for (int t = 0; t < 2; t++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[t], NULL, run_sweep, &jobs[t]), 0);
    for (int t = 0; t < 2; t++)
        pthread_join(threads[t], NULL);
    for (int t = 0; t < 2; t++) {
        CU_ASSERT_EQUAL(jobs[t].st, CLOPT_OK);
        CU_ASSERT_EQUAL(jobs[t].runs, 4);
    }
    CU_ASSERT_EQUAL(memcmp(jobs[0].f, jobs[1].f, sizeof jobs[0].f), 0);
    CU_ASSERT(jobs[0].f[3] < jobs[0].f[0]); /* lr 0.1 got further than 0.01 in 20 steps */
    CU_ASSERT(ctx->tuning.lanes == 1 || ctx->scalar_program != NULL);
    clopt_context_release(ctx);
}

static CU_TestInfo thread_tests[] = {
    {"sweeps from two threads share one scalar program",
     test_sweeps_from_two_threads_share_one_scalar_program},
    CU_TEST_INFO_NULL,
};

int main(void)
{
    CU_SuiteInfo suites[] = {{"threads", NULL, NULL, NULL, NULL, thread_tests}, CU_SUITE_INFO_NULL};
    return test_run("clopt_thread_tests", suites);
}
