/* What the benchmarks read of a run beyond the public API (clopt.h). */
#ifndef CLOPT_RUN_H
#define CLOPT_RUN_H

#include "engine.h"

/* The device times of a run's engine so far (for `clopt bench trajectories`). */
clopt_engine_times clopt_run_times(const clopt_run *r);

#endif
