/* The server's clock: monotonic seconds (heartbeats, stream progress). */
#ifndef CLOPT_SERVER_CLOCK_H
#define CLOPT_SERVER_CLOCK_H

#include <time.h>

static inline double srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
