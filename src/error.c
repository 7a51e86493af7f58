/* Errors as values: status names, OpenCL error names and the one formatting helper. */
#include "error.h"

#include "numbers.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *clopt_status_string(clopt_status s)
{
    switch (s) {
#define CLOPT_STATUS_CASE(code, text)                                                              \
    case code:                                                                                     \
        return text;
        CLOPT_STATUS_MAP(CLOPT_STATUS_CASE)
#undef CLOPT_STATUS_CASE
    }
    return "unknown status";
}

void clopt_error_clear(clopt_error *err)
{
    if (!err) return;
    err->status = CLOPT_OK;
    err->cl_error = CL_SUCCESS;
    err->text[0] = '\0';
}

clopt_status clopt_error_set(clopt_error *err, clopt_status status, const char *fmt, ...)
{
    if (!err || err->status != CLOPT_OK) return status;
    err->status = status;
    err->cl_error = CL_SUCCESS;
    va_list ap;
    va_start(ap, fmt);
    int n = clopt_vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    /* A long message (device list, build log) is cut with a visible ellipsis. */
    if (n >= (int)sizeof err->text) memcpy(err->text + sizeof err->text - 4, "...", 4);
    return status;
}

clopt_status clopt_error_cl(clopt_error *err, cl_int code, const char *call, const char *what)
{
    size_t name_len = strcspn(call, "(");
    if (!err || err->status != CLOPT_OK) return CLOPT_ECL;
    /* Only a call's text names it: never report a variable ("rc failed with ..."). */
    if (strncmp(call, "cl", 2) != 0 || name_len < 3)
        call = "an OpenCL call", name_len = strlen(call);
    clopt_error_set(err, CLOPT_ECL, "%s: %.*s failed with %s (%d)", what, (int)name_len, call,
                    clopt_cl_error_name(code), (int)code);
    err->cl_error = code;
    return CLOPT_ECL;
}

#define CLOPT_CL_ERRORS(X)                                                                         \
    X(CL_SUCCESS)                                                                                  \
    X(CL_DEVICE_NOT_FOUND)                                                                         \
    X(CL_DEVICE_NOT_AVAILABLE)                                                                     \
    X(CL_COMPILER_NOT_AVAILABLE)                                                                   \
    X(CL_MEM_OBJECT_ALLOCATION_FAILURE)                                                            \
    X(CL_OUT_OF_RESOURCES)                                                                         \
    X(CL_OUT_OF_HOST_MEMORY)                                                                       \
    X(CL_PROFILING_INFO_NOT_AVAILABLE)                                                             \
    X(CL_MEM_COPY_OVERLAP)                                                                         \
    X(CL_IMAGE_FORMAT_MISMATCH)                                                                    \
    X(CL_IMAGE_FORMAT_NOT_SUPPORTED)                                                               \
    X(CL_BUILD_PROGRAM_FAILURE)                                                                    \
    X(CL_MAP_FAILURE)                                                                              \
    X(CL_MISALIGNED_SUB_BUFFER_OFFSET)                                                             \
    X(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)                                                \
    X(CL_COMPILE_PROGRAM_FAILURE)                                                                  \
    X(CL_LINKER_NOT_AVAILABLE)                                                                     \
    X(CL_LINK_PROGRAM_FAILURE)                                                                     \
    X(CL_DEVICE_PARTITION_FAILED)                                                                  \
    X(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)                                                            \
    X(CL_INVALID_VALUE)                                                                            \
    X(CL_INVALID_DEVICE_TYPE)                                                                      \
    X(CL_INVALID_PLATFORM)                                                                         \
    X(CL_INVALID_DEVICE)                                                                           \
    X(CL_INVALID_CONTEXT)                                                                          \
    X(CL_INVALID_QUEUE_PROPERTIES)                                                                 \
    X(CL_INVALID_COMMAND_QUEUE)                                                                    \
    X(CL_INVALID_HOST_PTR)                                                                         \
    X(CL_INVALID_MEM_OBJECT)                                                                       \
    X(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)                                                          \
    X(CL_INVALID_IMAGE_SIZE)                                                                       \
    X(CL_INVALID_SAMPLER)                                                                          \
    X(CL_INVALID_BINARY)                                                                           \
    X(CL_INVALID_BUILD_OPTIONS)                                                                    \
    X(CL_INVALID_PROGRAM)                                                                          \
    X(CL_INVALID_PROGRAM_EXECUTABLE)                                                               \
    X(CL_INVALID_KERNEL_NAME)                                                                      \
    X(CL_INVALID_KERNEL_DEFINITION)                                                                \
    X(CL_INVALID_KERNEL)                                                                           \
    X(CL_INVALID_ARG_INDEX)                                                                        \
    X(CL_INVALID_ARG_VALUE)                                                                        \
    X(CL_INVALID_ARG_SIZE)                                                                         \
    X(CL_INVALID_KERNEL_ARGS)                                                                      \
    X(CL_INVALID_WORK_DIMENSION)                                                                   \
    X(CL_INVALID_WORK_GROUP_SIZE)                                                                  \
    X(CL_INVALID_WORK_ITEM_SIZE)                                                                   \
    X(CL_INVALID_GLOBAL_OFFSET)                                                                    \
    X(CL_INVALID_EVENT_WAIT_LIST)                                                                  \
    X(CL_INVALID_EVENT)                                                                            \
    X(CL_INVALID_OPERATION)                                                                        \
    X(CL_INVALID_GL_OBJECT)                                                                        \
    X(CL_INVALID_BUFFER_SIZE)                                                                      \
    X(CL_INVALID_MIP_LEVEL)                                                                        \
    X(CL_INVALID_GLOBAL_WORK_SIZE)                                                                 \
    X(CL_INVALID_PROPERTY)                                                                         \
    X(CL_INVALID_IMAGE_DESCRIPTOR)                                                                 \
    X(CL_INVALID_COMPILER_OPTIONS)                                                                 \
    X(CL_INVALID_LINKER_OPTIONS)                                                                   \
    X(CL_INVALID_DEVICE_PARTITION_COUNT)

const char *clopt_cl_error_name(cl_int code)
{
    switch (code) {
#define CLOPT_CL_ERROR_CASE(name)                                                                  \
    case name:                                                                                     \
        return #name;
        CLOPT_CL_ERRORS(CLOPT_CL_ERROR_CASE)
#undef CLOPT_CL_ERROR_CASE
    case -1001:
        return "CL_PLATFORM_NOT_FOUND_KHR";
    }
    return "unknown OpenCL error";
}
