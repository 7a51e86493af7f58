/*
 * The C baseline of `clopt bench step`: one optimizer step over host memory with the
 * kernels' own rules (cl/rules.cl compiled as C), in a plain loop as a C programmer would
 * write it (OpenMP over the cores, compiled -O3 -march=native -fno-math-errno like
 * bench_loops.c). Every kind of the catalogue has one, expanded from cl/optimizers.h.
 */
#ifndef CLOPT_CLI_BENCH_STEP_LOOPS_H
#define CLOPT_CLI_BENCH_STEP_LOOPS_H

#include "../cl/scalars.h"
#include "catalogue.h"
#include "config.h"

#include <stddef.h>

/*
 * One step of kind `kind` keeping `live` state buffers (its lean or full count) over p, g
 * and s[0 .. live) of n floats, with the step's scalars k (clopt_schedule_scalars). The
 * whole array is one tensor (Lamb's norms are over all of it).
 */
void bench_step_loop(clopt_kind kind, size_t live, const clopt_scalars *k, float *p, const float *g,
                     float *const s[CLOPT_MAX_STATE], size_t n);

/*
 * The hand-written loop of kind `kind` keeping `live` state buffers (bench_step_hand.c):
 * the strongest C contender for its step, vectorised. bench_step_hand_has says whether
 * there is one (every element-wise kind and Lamb have; Muon has none); the step is the
 * rule's without clipping, as bench_step_loop's.
 */
int bench_step_hand_has(clopt_kind kind, size_t live);
void bench_step_hand(clopt_kind kind, size_t live, const clopt_scalars *k, float *p, const float *g,
                     float *const s[CLOPT_MAX_STATE], size_t n);

/*
 * Whether the hand-written loop of c's kind computes the rule's step (bench_step_loop) on
 * random data of a few thousand elements, at steps 1 and 10: 0 if it does (or the kind has
 * none), else -1 with a sentence in text (which step, element and values).
 */
int bench_step_hand_check(const clopt_config *c, char *text, size_t size);

/* STREAM's copy c = a and triad a = b + s c over n floats: the bandwidth reference. */
void bench_stream_copy(float *restrict c, const float *restrict a, size_t n);
void bench_stream_triad(float *restrict a, const float *restrict b, const float *restrict c,
                        float s, size_t n);

#endif
