#include "harness.h"
CU_TestInfo checkpoint_tests[] = {CU_TEST_INFO_NULL};
