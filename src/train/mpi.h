/*
 * clopt_ranks over MPI (Open MPI): linked into the command-line tool only, never into
 * libclopt. A process started by mpirun (or another MPI launcher) joins MPI_COMM_WORLD; a
 * process started on its own does not touch MPI at all.
 */
#ifndef CLOPT_TRAIN_MPI_H
#define CLOPT_TRAIN_MPI_H

#include "ranks.h"

/* Nonzero when an MPI launcher started this process (its environment says so). */
int clopt_mpi_launched(void);

/*
 * Initialises MPI and fills *r with MPI_COMM_WORLD's rank and size, and *local_rank with
 * the rank among the processes on this machine (for choosing a device). Call once.
 */
void clopt_mpi_init(clopt_ranks *r, int *local_rank);

void clopt_mpi_finalize(void);

#endif
