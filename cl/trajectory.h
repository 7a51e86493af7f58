/*
 * Constants of the trajectory kernel that the host also writes or reads (src/run.c).
 * Both C and OpenCL C, like scalars.h, so the two sides cannot disagree.
 */
#ifndef CLOPT_TRAJECTORY_H
#define CLOPT_TRAJECTORY_H

/* The `diverged` entry of a trajectory that has not diverged. */
#define CLOPT_ALIVE 0xffffffffu

/* Optimizer kinds: clopt_kind (0 .. 6), and SGD without momentum, which keeps no velocity
 * (as the tensor path's sgd_stateless kernel). */
#define CLOPT_KIND_SGD_PLAIN 7u

#endif
