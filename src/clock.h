/* Monotonic seconds: the one clock of the tool's timings, the server's heartbeats and the
 * trainer's progress (never the wall clock, which may jump). */
#ifndef CLOPT_CLOCK_H
#define CLOPT_CLOCK_H

#include <time.h>

static inline double clopt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
