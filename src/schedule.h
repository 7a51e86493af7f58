/*
 * Per-step scalars: the decayed learning rate, bias corrections and Nadam's momentum
 * schedule, computed once per step on the host in double precision and handed to the
 * kernels as floats. The tensor path and the trajectory path both use this, so they agree.
 */
#ifndef CLOPT_SCHEDULE_H
#define CLOPT_SCHEDULE_H

#include "../cl/scalars.h"
#include "config.h"

#include <stdint.h>

/*
 * Fills *k for the step that follows `it` completed steps. `m_schedule` is Nadam's running
 * product (1 before the first step); the value it takes after this step is returned (other
 * optimizers return it unchanged).
 */
double clopt_schedule_scalars(const clopt_config *c, uint64_t it, double m_schedule,
                              clopt_scalars *k);

/*
 * Whether c's scalars are the same at every step (no decay, no bias correction or schedule),
 * so that one row serves a whole run (explore's sweeps keep one row per config then).
 * tests/test_explore.c checks it against clopt_schedule_scalars for every optimizer.
 */
int clopt_schedule_constant(const clopt_config *c);

#endif
