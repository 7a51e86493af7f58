/*
 * Per-step scalars: the decayed learning rate, bias corrections and Nadam's momentum
 * schedule, computed once per step on the host in double precision and handed to the
 * kernels as floats. The tensor path and the trajectory path both use this, so they agree.
 */
#ifndef CLOPT_SCHEDULE_H
#define CLOPT_SCHEDULE_H

#include "../cl/scalars.h"
#include "config.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The host's running scalars of an optimizer, carried from step to step (and saved in
 * checkpoints): Nadam's product of mu_t, and schedule-free's largest rate so far and sum of
 * weights (docs/semantics.md, "Schedule-free SGD and AdamW").
 */
typedef struct {
    double m_schedule; /* Nadam; 1 before the first step */
    double lr_max;     /* schedule-free; -1 before the first step */
    double weight_sum; /* schedule-free; 0 before the first step */
} clopt_running;

/*
 * Muon's step scale s for a rows x cols matrix (docs/semantics.md, "Muon"): adjust_lr 0
 * ("original") sqrt(max(1, rows / cols)), 1 ("match_rms_adamw") 0.2 sqrt(max(rows, cols)).
 */
double clopt_muon_scale(double adjust_lr, size_t rows, size_t cols);

/* The running scalars before the first step. */
clopt_running clopt_running_start(void);

/*
 * Fills *k for the step that follows `it` completed steps, with the running scalars `run`
 * as they stand before it; returns them as they stand after it (a kind that keeps none
 * returns them unchanged).
 */
clopt_running clopt_schedule_scalars(const clopt_config *c, uint64_t it, clopt_running run,
                                     clopt_scalars *k);

/* The same in double, unrounded: the rows of a program built with CLOPT_DOUBLE. */
clopt_running clopt_schedule_scalars64(const clopt_config *c, uint64_t it, clopt_running run,
                                       clopt_scalars64 *k);

/*
 * Whether c's scalars are the same at every step (no decay, no bias correction or schedule),
 * so that one row serves a whole run (explore's sweeps keep one row per config then).
 * tests/test_explore.c checks it against clopt_schedule_scalars for every optimizer.
 */
int clopt_schedule_constant(const clopt_config *c);

#endif
