/*
 * Constants of the trajectory kernel that the host also writes or reads (src/run.c).
 * Both C and OpenCL C, like scalars.h, so the two sides cannot disagree.
 */
#ifndef CLOPT_TRAJECTORY_H
#define CLOPT_TRAJECTORY_H

/* The `diverged` entry of a trajectory that has not diverged. */
#define CLOPT_ALIVE 0xffffffffu

/*
 * The kinds table holds, per optimizer, its kind (cl/optimizers.h) in the low byte and the
 * number of state buffers it keeps in the next (its lean count: SGD without momentum, Adam
 * without amsgrad; state past it stays 0, as in the tensor path's lean kernels).
 */
#define CLOPT_KIND_MASK 0xffu
#define CLOPT_LIVE_SHIFT 8u

/*
 * Components per recorded point of a run with a schedule-free optimizer and without state:
 * x, y, f of the point (y, where gradients are taken) and of the average x.
 */
#define CLOPT_AVERAGE_COMPONENTS 6

/* Rows of the state buffer: x, y, then each state value for x and for y. */
#define CLOPT_STATE_ROWS (2 + 2 * CLOPT_MAX_STATE)

#endif
