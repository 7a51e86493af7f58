/*
 * The processes of a data-parallel training as the trainer sees them: this process's rank
 * among `size`, and the few collectives it needs. The trainer knows no MPI; src/train/mpi.c
 * implements these with it, for the command-line tool only, and libclopt never links it.
 * Every call is collective: every rank makes the same calls in the same order. A failing
 * collective ends the whole job (MPI's default handler), so they return nothing.
 */
#ifndef CLOPT_TRAIN_RANKS_H
#define CLOPT_TRAIN_RANKS_H

#include "clopt/clopt.h"

#include <stdint.h>

typedef struct clopt_ranks clopt_ranks;
struct clopt_ranks {
    int rank, size;
    /* Sums n values element-wise across the ranks, in place; every rank gets the same bits. */
    void (*sum_floats)(const clopt_ranks *r, float *v, size_t n);
    void (*sum_doubles)(const clopt_ranks *r, double *v, size_t n);
    /* The element-wise minimum across the ranks, in place. */
    void (*min_u64)(const clopt_ranks *r, uint64_t *v, size_t n);
    /* Copies `bytes` bytes from rank `root` to every rank. */
    void (*broadcast)(const clopt_ranks *r, void *data, size_t bytes, int root);
};

/*
 * Agreement on a step that can fail on some ranks: each rank passes its own status (and
 * its error in *err). If any failed, every rank returns the status of the lowest failing
 * rank, with *err set to that rank's message prefixed by "rank K: ". With r NULL (one
 * process), returns st unchanged.
 */
clopt_status clopt_ranks_agree(const clopt_ranks *r, clopt_status st, clopt_error *err);

/* This rank's share of n items: [*first, *first + *count), the shares differing by at most one. */
void clopt_ranks_share(const clopt_ranks *r, size_t n, size_t *first, size_t *count);

#endif
