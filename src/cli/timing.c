/* The benchmarks' timing helpers (see timing.h). */
#define _GNU_SOURCE /* sched_getaffinity */
#include "timing.h"

#include "context.h"

#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An environment variable that makes libgomp bind threads: set, and not "false". */
static const char *binding_variable(void)
{
    static const char *const names[] = {"OMP_PROC_BIND", "GOMP_CPU_AFFINITY", "OMP_PLACES"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v && *v && strcmp(v, "false") != 0 && strcmp(v, "FALSE") != 0) return names[i];
    }
    return NULL;
}

int cli_warn_binding(const char *cmd)
{
    cpu_set_t set;
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const int mine = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : (int)online;
    const char *var = binding_variable();
    if (!var && mine >= online) return 0;
    if (var)
        fprintf(stderr,
                "%s: warning: %s is set: OpenMP binds the thread that starts PoCL at start-up "
                "(it runs on %d of %ld CPUs) and PoCL's worker threads inherit that, so the "
                "OpenCL figures measure part of the machine (every clopt figure halved on a "
                "2-core machine). Unset %s for fair figures.\n",
                cmd, var, mine, online, var);
    else
        fprintf(stderr,
                "%s: warning: this process runs on %d of %ld CPUs; PoCL's worker threads "
                "share them.\n",
                cmd, mine, online);
    return 1;
}

/* Binds each of OpenMP's threads (the calling thread is the first) to one allowed CPU. */
static void bind_openmp(void)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    const int count = CPU_COUNT(&allowed);
#pragma omp parallel
    {
        int nth = omp_get_thread_num() % count;
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
            if (CPU_ISSET(cpu, &allowed) && nth-- == 0) {
                cpu_set_t one;
                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                pthread_setaffinity_np(pthread_self(), sizeof one, &one);
                break;
            }
    }
}

/* Whether this process may run on CPUs 0 .. online - 1, every online CPU. */
static int whole_machine(void)
{
    cpu_set_t set;
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1 || online > CPU_SETSIZE || sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    for (long cpu = 0; cpu < online; cpu++)
        if (!CPU_ISSET((int)cpu, &set)) return 0;
    return 1;
}

clopt_context *cli_bench_context(const char *cmd, const char *device, int profile, clopt_error *err)
{
    /* PoCL pins its thread i to CPU i (and aborts if it cannot): only where that is this
     * process's CPU set, and where the environment binds nothing itself */
    const int bind = !cli_warn_binding(cmd) && !getenv("POCL_AFFINITY") && whole_machine();
    if (bind) setenv("POCL_AFFINITY", "1", 1); /* read by PoCL's threads as they start */
    clopt_context *ctx =
        clopt_context_create_queue(device, profile ? CL_QUEUE_PROFILING_ENABLE : 0, err);
    if (ctx && bind) bind_openmp();
    return ctx;
}

void cli_settle(void)
{
    const struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cli_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
