/*
 * What the benchmarks share to time their contenders (the clock is clopt_now, clock.h):
 * a pause between contenders and the median over rounds.
 */
#ifndef CLOPT_CLI_TIMING_H
#define CLOPT_CLI_TIMING_H

#include "clopt/clopt.h"

#include <stddef.h>

/*
 * A pause between contenders: OpenMP's and PoCL's worker threads spin for a while after
 * their work before they sleep, and would otherwise take cores from the next contender.
 */
void cli_settle(void);

/* The median of v[0 .. n-1] (n >= 1; the mean of the middle two when n is even); sorts v. */
double cli_median(double *v, size_t n);

/*
 * Warns on stderr (and returns 1) when this thread is bound: OMP_PROC_BIND, OMP_PLACES or
 * GOMP_CPU_AFFINITY make libgomp bind the initial thread before main, and PoCL's worker
 * threads, started from it, inherit its CPUs. Benchmarks call it before creating a context.
 */
int cli_warn_binding(const char *cmd);

/*
 * The benchmarks' context, with every contender's threads one to a CPU: warns as
 * cli_warn_binding and, where the environment binds nothing (no OpenMP binding variable,
 * no POCL_AFFINITY) and the process may run on CPUs 0 .. online - 1 (PoCL pins its thread i
 * to CPU i), has PoCL bind its worker threads (POCL_AFFINITY=1) and, once the context
 * exists (PoCL's threads started unbound), binds OpenMP's threads, the calling thread among
 * them, one to a CPU; threads started later inherit the calling thread's one CPU.
 * Unbound, a pause between contenders let the scheduler wake both threads of a 2-CPU
 * contender on one CPU: an OpenMP triad ran at 26-33 GB/s in about half the rounds and
 * 50-67 in the others, PoCL's at 33-76 (docs/performance.md). NULL with err filled when
 * the context cannot be created. With `profile`, its queue profiles
 * (CL_QUEUE_PROFILING_ENABLE), for the engine's benchmarks to split their time
 * (bench_report_split); the others time the queue that users get.
 */
clopt_context *cli_bench_context(const char *cmd, const char *device, int profile,
                                 clopt_error *err);

#endif
