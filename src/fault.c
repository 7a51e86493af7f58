/*
 * The fault-injection layer of fault.h (test builds only). Its counters are process-wide:
 * the one global state in clopt, and only in the `clopt_fault` variant the tests link.
 * A name in parentheses, `(malloc)(n)`, calls the real function past fault.h's macro.
 */
#include "fault.h"

static unsigned armed;       /* kinds counted; 0: off */
static unsigned long target; /* the call that fails (1-based); 0: none */
static unsigned long calls;  /* fallible calls counted since arming */
static int fired;            /* whether the target call was reached */
static long live;            /* OpenCL objects held by the library */
static long pending;         /* non-blocking host transfers not yet waited for */
static size_t largest;       /* largest allocation asked for since arming */

void clopt_fault_arm(unsigned kinds, unsigned long n)
{
    armed = kinds;
    target = n;
    calls = 0;
    fired = 0;
    largest = 0;
    pending = 0;
}

void clopt_fault_disarm(void)
{
    armed = 0;
    target = 0;
}

unsigned long clopt_fault_calls(void)
{
    return calls;
}

int clopt_fault_fired(void)
{
    return fired;
}

long clopt_fault_live_objects(void)
{
    return live;
}

long clopt_fault_pending_transfers(void)
{
    return pending;
}

size_t clopt_fault_largest_alloc(void)
{
    return largest;
}

int clopt_fault_hit(unsigned kind)
{
    if (!(armed & kind)) return 0;
    if (++calls != target) return 0;
    fired = 1;
    return 1;
}

void *clopt_fault_none(cl_int *rc)
{
    if (rc) *rc = CL_OUT_OF_RESOURCES;
    return NULL;
}

void *clopt_fault_made(void *object)
{
    if (object) live++;
    return object;
}

cl_int clopt_fault_counted(cl_int rc, long objects)
{
    if (rc == CL_SUCCESS) live += objects;
    return rc;
}

cl_int clopt_fault_transfer(cl_command_queue q, cl_bool blocking, cl_int rc)
{
    (void)q;
    if (rc == CL_SUCCESS)
        pending = blocking ? 0 : pending + 1; /* an in-order queue: blocking waits for all */
    return rc;
}

cl_int clopt_fault_finish(cl_command_queue q)
{
    const cl_int rc = (clFinish)(q);
    if (rc == CL_SUCCESS) pending = 0;
    return rc;
}

static void *asked(size_t n)
{
    if (armed && n > largest) largest = n;
    return NULL;
}

void *clopt_fault_malloc(size_t n)
{
    asked(n);
    return clopt_fault_hit(CLOPT_FAULT_ALLOC) ? NULL : (malloc)(n);
}

void *clopt_fault_calloc(size_t n, size_t size)
{
    asked(size && n > (size_t)-1 / size ? (size_t)-1 : n * size);
    return clopt_fault_hit(CLOPT_FAULT_ALLOC) ? NULL : (calloc)(n, size);
}

void *clopt_fault_realloc(void *p, size_t n)
{
    asked(n);
    return clopt_fault_hit(CLOPT_FAULT_ALLOC) ? NULL : (realloc)(p, n);
}

char *clopt_fault_strdup(const char *s)
{
    asked(strlen(s) + 1);
    return clopt_fault_hit(CLOPT_FAULT_ALLOC) ? NULL : (strdup)(s);
}

cl_int clopt_fault_device_info(cl_device_id d, cl_device_info param, size_t size, void *value,
                               size_t *size_ret)
{
    const cl_int rc = (clGetDeviceInfo)(d, param, size, value, size_ret);
    if (rc == CL_SUCCESS && (armed & CLOPT_FAULT_NO_FP64) && param == CL_DEVICE_DOUBLE_FP_CONFIG &&
        value)
        memset(value, 0, size);
    return rc;
}
