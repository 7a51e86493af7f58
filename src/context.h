/* A device, its in-order queue and the clopt program built for it. */
#ifndef CLOPT_CONTEXT_H
#define CLOPT_CONTEXT_H

#include "clopt/clopt.h"
#include "tuning.h"

struct clopt_context {
    cl_context cl;
    cl_device_id device;
    cl_command_queue queue;
    cl_program program; /* every kernel of cl/, built once */
    clopt_tuning tuning;
};

/* The kernels of cl/, embedded by the build (see tools/embed.cmake). */
extern const char clopt_kernel_source[];

#endif
