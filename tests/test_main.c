/*
 * The unit-test runner: registers every suite, or only those named with --suite, and exits
 * non-zero when any assertion fails.  usage: clopt_tests [--suite NAME]... [--list]
 */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static CU_SuiteInfo suites[] = {
    {"spec", NULL, NULL, NULL, NULL, spec_tests},
    {"context", NULL, NULL, NULL, NULL, context_tests},
    {"tuning", NULL, NULL, NULL, NULL, tuning_tests},
    {"optimizer", NULL, NULL, NULL, NULL, optimizer_tests},
    {"numerics", NULL, NULL, NULL, NULL, numerics_tests},
    {"checkpoint", NULL, NULL, NULL, NULL, checkpoint_tests},
    {"functions", NULL, NULL, NULL, NULL, functions_tests},
    {"expr", NULL, NULL, NULL, NULL, expr_tests},
    {"trajectory", NULL, NULL, NULL, NULL, trajectory_tests},
    {"explore", NULL, NULL, NULL, NULL, explore_tests},
    {"tune", NULL, NULL, NULL, NULL, tune_tests},
    {"train", NULL, NULL, NULL, NULL, train_tests},
    {"scale", NULL, NULL, NULL, NULL, scale_tests},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo chosen[sizeof suites / sizeof suites[0]];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0) {
            for (size_t s = 0; suites[s].pName; s++)
                puts(suites[s].pName);
            return 0;
        }
        if (strcmp(argv[i], "--suite") != 0 || i + 1 >= argc) {
            fprintf(stderr, "usage: clopt_tests [--suite NAME]... [--list]\n");
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

    return test_run("clopt_tests", chosen);
}
