/*
 * clopt_ranks on MPI_COMM_WORLD (mpi.h). Gradients travel through host memory: no MPI
 * library accepts OpenCL buffers. Errors keep MPI's default handler, MPI_ERRORS_ARE_FATAL:
 * a collective that fails (a rank died) ends the job, and mpirun names the rank.
 */
#include "mpi.h"

#include <limits.h>
#include <mpi.h>
#include <stdlib.h>

int clopt_mpi_launched(void)
{
    /* Open MPI, PMIx launchers (Slurm, PRRTE) and MPICH's Hydra set one of these. */
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}

/* MPI counts are ints: large buffers go in slices. */
static void allreduce(void *v, size_t n, size_t item, MPI_Datatype type, MPI_Op op)
{
    for (size_t done = 0; done < n;) {
        const size_t slice = n - done < (size_t)INT_MAX ? n - done : (size_t)INT_MAX;
        MPI_Allreduce(MPI_IN_PLACE, (char *)v + done * item, (int)slice, type, op, MPI_COMM_WORLD);
        done += slice;
    }
}

static void sum_floats(const clopt_ranks *r, float *v, size_t n)
{
    (void)r;
    allreduce(v, n, sizeof *v, MPI_FLOAT, MPI_SUM);
}

static void sum_doubles(const clopt_ranks *r, double *v, size_t n)
{
    (void)r;
    allreduce(v, n, sizeof *v, MPI_DOUBLE, MPI_SUM);
}

static void min_u64(const clopt_ranks *r, uint64_t *v, size_t n)
{
    (void)r;
    allreduce(v, n, sizeof *v, MPI_UINT64_T, MPI_MIN);
}

static void broadcast(const clopt_ranks *r, void *data, size_t bytes, int root)
{
    (void)r;
    for (size_t done = 0; done < bytes;) {
        const size_t slice = bytes - done < (size_t)INT_MAX ? bytes - done : (size_t)INT_MAX;
        MPI_Bcast((char *)data + done, (int)slice, MPI_BYTE, root, MPI_COMM_WORLD);
        done += slice;
    }
}

void clopt_mpi_init(clopt_ranks *r, int *local_rank)
{
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, r->rank, MPI_INFO_NULL, &local);
    MPI_Comm_rank(local, local_rank);
    MPI_Comm_free(&local);
    r->sum_floats = sum_floats;
    r->sum_doubles = sum_doubles;
    r->min_u64 = min_u64;
    r->broadcast = broadcast;
}

void clopt_mpi_finalize(void)
{
    MPI_Finalize();
}
