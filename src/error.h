/* Errors as values: the status table, the formatting helper and the OpenCL check macro. */
#ifndef CLOPT_ERROR_H
#define CLOPT_ERROR_H

#include "clopt/clopt.h"

/* One list generates clopt_status_string, so the names cannot drift from the enum. */
#define CLOPT_STATUS_MAP(X)                                                                        \
    X(CLOPT_OK, "success")                                                                         \
    X(CLOPT_EINVAL, "invalid argument")                                                            \
    X(CLOPT_ENOMEM, "out of memory")                                                               \
    X(CLOPT_ENODEVICE, "no matching OpenCL device")                                                \
    X(CLOPT_ECL, "OpenCL error")                                                                   \
    X(CLOPT_EIO, "input/output error")                                                             \
    X(CLOPT_EFORMAT, "bad checkpoint format")                                                      \
    X(CLOPT_ESTATE, "invalid state")

/* Resets err to success at the entry of a public call (err may be NULL). */
void clopt_error_clear(clopt_error *err);

/*
 * Records the first error: a later call does not overwrite a status already set, so the
 * root cause survives the cleanup path. Returns `status` for `return clopt_error_set(...)`.
 */
clopt_status clopt_error_set(clopt_error *err, clopt_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a failed OpenCL call: "<what>: clFoo failed with CL_OUT_OF_RESOURCES (-5)". */
clopt_status clopt_error_cl(clopt_error *err, cl_int code, const char *call, const char *what);

/* The name of an OpenCL error code ("CL_INVALID_VALUE"), or "unknown OpenCL error". */
const char *clopt_cl_error_name(cl_int code);

/*
 * Checks one OpenCL call; on failure records it (with the function's name and `what`, a
 * phrase saying what clopt was doing) and jumps to the function's `fail:` label.
 */
#define CLOPT_CL_CHECK(err, what, call)                                                            \
    do {                                                                                           \
        cl_int clopt_rc_ = (call);                                                                 \
        if (clopt_rc_ != CL_SUCCESS) {                                                             \
            clopt_error_cl((err), clopt_rc_, #call, (what));                                       \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/*
 * The status at a `fail:` label that both CLOPT_CL_CHECK and other failures reach: those keep
 * their status in a local st (CLOPT_OK until one happens), a failed OpenCL call is CLOPT_ECL.
 * The status never depends on whether the caller passed a clopt_error.
 */
static inline clopt_status clopt_fail_status(clopt_status st)
{
    return st != CLOPT_OK ? st : CLOPT_ECL;
}

/*
 * The same for a call that reports through an errcode_ret argument (clCreateBuffer,
 * clCreateKernel, ...): `name` is the call's name, `rc` the code it stored.
 */
#define CLOPT_CL_CHECK_RC(err, what, name, rc)                                                     \
    do {                                                                                           \
        cl_int clopt_rc_ = (rc);                                                                   \
        if (clopt_rc_ != CL_SUCCESS) {                                                             \
            clopt_error_cl((err), clopt_rc_, (name), (what));                                      \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

#endif
