/*
 * Fault injection, for the tests only: the library variant `clopt_fault` is compiled with
 * this header forced in front of every source (-include fault.h, CLOPT_FAULT_INJECTION).
 * Every OpenCL call and host allocation the library makes is then one "fallible call", and
 * the Nth one after clopt_fault_arm fails as a device or host out of memory would
 * (CL_OUT_OF_RESOURCES, or NULL), without being made. The layer also counts the OpenCL
 * objects the library holds and the non-blocking host transfers not yet waited for, so a
 * test can assert that no error path leaks an object or leaves the device writing into
 * memory the caller may free. The installed library has none of this.
 */
#ifndef CLOPT_FAULT_H
#define CLOPT_FAULT_H

/* Everything that declares a name redefined below, before the definitions. */
#include "clopt/clopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLOPT_FAULT_CL = 1, CLOPT_FAULT_ALLOC = 2, CLOPT_FAULT_NO_FP64 = 4 };

/* The nth (1-based) fallible call of the kinds in `kinds` fails; n = 0 only counts. With
 * CLOPT_FAULT_NO_FP64 among them, the device also reports no double precision (a
 * CL_DEVICE_DOUBLE_FP_CONFIG of 0: no cl_khr_fp64), as a device without it does. */
void clopt_fault_arm(unsigned kinds, unsigned long n);
/* Stops counting and failing. */
void clopt_fault_disarm(void);
/* Fallible calls of the armed kinds since clopt_fault_arm; whether the nth one failed. */
unsigned long clopt_fault_calls(void);
int clopt_fault_fired(void);
/* OpenCL objects created or retained by the library and not released. */
long clopt_fault_live_objects(void);
/* Non-blocking reads and writes of host memory enqueued since the last wait (clFinish or
 * a blocking transfer on the queue). */
long clopt_fault_pending_transfers(void);
/* The largest single allocation asked for since clopt_fault_arm, in bytes. */
size_t clopt_fault_largest_alloc(void);

/* The layer's own parts, used by the macros. */
int clopt_fault_hit(unsigned kind);
void *clopt_fault_none(cl_int *rc);
void *clopt_fault_made(void *object);
cl_int clopt_fault_counted(cl_int rc, long objects);
cl_int clopt_fault_transfer(cl_command_queue q, cl_bool blocking, cl_int rc);
cl_int clopt_fault_finish(cl_command_queue q);
void *clopt_fault_malloc(size_t n);
void *clopt_fault_calloc(size_t n, size_t size);
void *clopt_fault_realloc(void *p, size_t n);
char *clopt_fault_strdup(const char *s);
cl_int clopt_fault_device_info(cl_device_id d, cl_device_info param, size_t size, void *value,
                               size_t *size_ret);

#ifdef CLOPT_FAULT_INJECTION /* the library's sources, not the tests that read the counters */
#define CLOPT_FAULT_STATUS(call) (clopt_fault_hit(CLOPT_FAULT_CL) ? CL_OUT_OF_RESOURCES : (call))
#define CLOPT_FAULT_OBJECT(type, call, rc)                                                         \
    ((type)clopt_fault_made(clopt_fault_hit(CLOPT_FAULT_CL) ? clopt_fault_none(rc)                 \
                                                            : (void *)(call)))

/* Calls that report a status. */
#define clBuildProgram(...) CLOPT_FAULT_STATUS(clBuildProgram(__VA_ARGS__))
#define clEnqueueCopyBuffer(...) CLOPT_FAULT_STATUS(clEnqueueCopyBuffer(__VA_ARGS__))
#define clEnqueueFillBuffer(...) CLOPT_FAULT_STATUS(clEnqueueFillBuffer(__VA_ARGS__))
#define clEnqueueNDRangeKernel(...) CLOPT_FAULT_STATUS(clEnqueueNDRangeKernel(__VA_ARGS__))
#define clGetCommandQueueInfo(...) CLOPT_FAULT_STATUS(clGetCommandQueueInfo(__VA_ARGS__))
#define clGetDeviceIDs(...) CLOPT_FAULT_STATUS(clGetDeviceIDs(__VA_ARGS__))
#define clGetDeviceInfo(...) CLOPT_FAULT_STATUS(clopt_fault_device_info(__VA_ARGS__))
#define clGetKernelInfo(...) CLOPT_FAULT_STATUS(clGetKernelInfo(__VA_ARGS__))
#define clGetKernelWorkGroupInfo(...) CLOPT_FAULT_STATUS(clGetKernelWorkGroupInfo(__VA_ARGS__))
#define clGetMemObjectInfo(...) CLOPT_FAULT_STATUS(clGetMemObjectInfo(__VA_ARGS__))
#define clGetPlatformIDs(...) CLOPT_FAULT_STATUS(clGetPlatformIDs(__VA_ARGS__))
#define clGetPlatformInfo(...) CLOPT_FAULT_STATUS(clGetPlatformInfo(__VA_ARGS__))
#define clGetProgramBuildInfo(...) CLOPT_FAULT_STATUS(clGetProgramBuildInfo(__VA_ARGS__))
#define clSetKernelArg(...) CLOPT_FAULT_STATUS(clSetKernelArg(__VA_ARGS__))
#define clFinish(q) (clopt_fault_hit(CLOPT_FAULT_CL) ? CL_OUT_OF_RESOURCES : clopt_fault_finish(q))
#define clEnqueueReadBuffer(q, m, blocking, ...)                                                   \
    (clopt_fault_hit(CLOPT_FAULT_CL)                                                               \
         ? CL_OUT_OF_RESOURCES                                                                     \
         : clopt_fault_transfer(q, blocking, clEnqueueReadBuffer(q, m, blocking, __VA_ARGS__)))
#define clEnqueueWriteBuffer(q, m, blocking, ...)                                                  \
    (clopt_fault_hit(CLOPT_FAULT_CL)                                                               \
         ? CL_OUT_OF_RESOURCES                                                                     \
         : clopt_fault_transfer(q, blocking, clEnqueueWriteBuffer(q, m, blocking, __VA_ARGS__)))

/* A map reports through its last argument; an unmap gives memory back: never failed. */
#define clEnqueueMapBuffer(q, m, blocking, f, off, n, ne, ev, e, rc)                               \
    (clopt_fault_hit(CLOPT_FAULT_CL)                                                               \
         ? clopt_fault_none(rc)                                                                    \
         : clEnqueueMapBuffer(q, m, blocking, f, off, n, ne, ev, e, rc))
#define clEnqueueUnmapMemObject(...) clEnqueueUnmapMemObject(__VA_ARGS__)

/* The engine's command events, asked for only on a queue that profiles (the benchmarks'; the
 * sweeps' queues do not): their times are best effort, their release gives back. Never
 * failed, and not counted (the enqueue that made one is not). */
#define clGetEventProfilingInfo(...) clGetEventProfilingInfo(__VA_ARGS__)
#define clReleaseEvent(e) clReleaseEvent(e)

/* Calls that create an object and report through their last argument. */
#define clCreateBuffer(c, f, n, h, rc)                                                             \
    CLOPT_FAULT_OBJECT(cl_mem, clCreateBuffer(c, f, n, h, rc), rc)
#define clCreateKernel(p, name, rc) CLOPT_FAULT_OBJECT(cl_kernel, clCreateKernel(p, name, rc), rc)
/* n kernels created when the array k is given (none when only counting them) */
#define clCreateKernelsInProgram(p, n, k, nret)                                                    \
    CLOPT_FAULT_STATUS(                                                                            \
        clopt_fault_counted(clCreateKernelsInProgram(p, n, k, nret), (k) ? (long)(n) : 0))
#define clCreateProgramWithSource(c, n, s, l, rc)                                                  \
    CLOPT_FAULT_OBJECT(cl_program, clCreateProgramWithSource(c, n, s, l, rc), rc)
#define clCreateContext(p, n, d, f, u, rc)                                                         \
    CLOPT_FAULT_OBJECT(cl_context, clCreateContext(p, n, d, f, u, rc), rc)
#define clCreateCommandQueue(c, d, p, rc)                                                          \
    CLOPT_FAULT_OBJECT(cl_command_queue, clCreateCommandQueue(c, d, p, rc), rc)

/* References taken and given back: counted, never failed. */
#define clRetainMemObject(m) clopt_fault_counted(clRetainMemObject(m), 1)
#define clRetainProgram(p) clopt_fault_counted(clRetainProgram(p), 1)
#define clRetainContext(c) clopt_fault_counted(clRetainContext(c), 1)
#define clRetainCommandQueue(q) clopt_fault_counted(clRetainCommandQueue(q), 1)
#define clRetainDevice(d) clopt_fault_counted(clRetainDevice(d), 1)
#define clReleaseMemObject(m) clopt_fault_counted(clReleaseMemObject(m), -1)
#define clReleaseKernel(k) clopt_fault_counted(clReleaseKernel(k), -1)
#define clReleaseProgram(p) clopt_fault_counted(clReleaseProgram(p), -1)
#define clReleaseCommandQueue(q) clopt_fault_counted(clReleaseCommandQueue(q), -1)
#define clReleaseContext(c) clopt_fault_counted(clReleaseContext(c), -1)
#define clReleaseDevice(d) clopt_fault_counted(clReleaseDevice(d), -1)

/* Host memory. */
#define malloc(n) clopt_fault_malloc(n)
#define calloc(n, size) clopt_fault_calloc(n, size)
#define realloc(p, n) clopt_fault_realloc(p, n)
#define strdup(s) clopt_fault_strdup(s)
#endif

#endif
