/* What runs (src/run.c) share with explorations (src/explore.c). */
#ifndef CLOPT_RUN_H
#define CLOPT_RUN_H

#include "config.h"

/* A config's entry in the trajectory kernels' kinds table: kind and live state (trajectory.h). */
cl_uint clopt_run_kind(const clopt_config *c);

#endif
