/*
 * The unit-test runner: registers every suite, or only those named with --suite, and exits
 * non-zero when any assertion fails. --test TEXT keeps only the tests whose name contains
 * TEXT (tools/mutate runs the one test that guards a line), and fails when none does, so a
 * renamed test cannot make a check pass by running nothing.
 *   usage: clopt_tests [--suite NAME]... [--test TEXT] [--list]
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE "usage: clopt_tests [--suite NAME]... [--test TEXT] [--list]\n"

/* The tests of `all` whose name contains `text`, in a new array ending like CUnit's. */
static CU_TestInfo *tests_named(const CU_TestInfo *all, const char *text, size_t *kept)
{
    size_t n = 0;
    while (all[n].pName)
        n++;
    CU_TestInfo *out = calloc(n + 1, sizeof *out);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strstr(all[i].pName, text)) out[k++] = all[i];
    *kept += k;
    return out;
}

static CU_SuiteInfo suites[] = {
    {"spec", NULL, NULL, NULL, NULL, spec_tests},
    {"schedule", NULL, NULL, NULL, NULL, schedule_tests},
    {"context", NULL, NULL, NULL, NULL, context_tests},
    {"tuning", NULL, NULL, NULL, NULL, tuning_tests},
    {"optimizer", NULL, NULL, NULL, NULL, optimizer_tests},
    {"numerics", NULL, NULL, NULL, NULL, numerics_tests},
    {"schedulefree", NULL, NULL, NULL, NULL, schedulefree_tests},
    {"muon", NULL, NULL, NULL, NULL, muon_tests},
    {"checkpoint", NULL, NULL, NULL, NULL, checkpoint_tests},
    {"functions", NULL, NULL, NULL, NULL, functions_tests},
    {"expr", NULL, NULL, NULL, NULL, expr_tests},
    {"trajectory", NULL, NULL, NULL, NULL, trajectory_tests},
    {"explore", NULL, NULL, NULL, NULL, explore_tests},
    {"tune", NULL, NULL, NULL, NULL, tune_tests},
    {"train", NULL, NULL, NULL, NULL, train_tests},
    {"scale", NULL, NULL, NULL, NULL, scale_tests},
    {"precision", NULL, NULL, NULL, NULL, precision_tests},
    {"trainability", NULL, NULL, NULL, NULL, trainability_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo chosen[sizeof suites / sizeof suites[0]];
    size_t n = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0) {
            for (size_t s = 0; suites[s].pName; s++)
                puts(suites[s].pName);
            return 0;
        }
        if (strcmp(argv[i], "--test") == 0 && i + 1 < argc) {
            only = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--suite") != 0 || i + 1 >= argc) {
            fprintf(stderr, USAGE);
            return 2;
        }
        const char *name = argv[++i];
        size_t s = 0;
        while (suites[s].pName && strcmp(suites[s].pName, name) != 0)
            s++;
        if (!suites[s].pName) {
            fprintf(stderr, "clopt_tests: no suite '%s' (--list shows them)\n", name);
            return 2;
        }
        chosen[n++] = suites[s];
    }
    if (n == 0)
        for (; suites[n].pName; n++)
            chosen[n] = suites[n];
    chosen[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
    if (!only) return test_run("clopt_tests", chosen);

    size_t kept = 0, used = 0;
    CU_TestInfo *filtered[sizeof suites / sizeof suites[0]];
    for (size_t s = 0; s < n; s++) {
        if (!(filtered[s] = tests_named(chosen[s].pTests, only, &kept))) {
            fprintf(stderr, "clopt_tests: out of memory\n");
            return 2;
        }
        /* suites left with no test are not registered: CUnit would list them as run */
        if (filtered[s][0].pName) {
            chosen[used] = chosen[s];
            chosen[used++].pTests = filtered[s];
        }
    }
    chosen[used] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
    int rc = 2;
    if (kept == 0)
        fprintf(stderr, "clopt_tests: no test named like '%s'\n", only);
    else
        rc = test_run("clopt_tests", chosen);
    for (size_t s = 0; s < n; s++)
        free(filtered[s]);
    return rc;
}
