/*
 * clopt: the Keras 1.x optimizers (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam)
 * as OpenCL kernels, on any OpenCL 1.2 device.
 *
 * A trainer keeps its parameters and gradients in its own cl_mem buffers, adds them to an
 * optimizer once, and calls clopt_optimizer_step() after each backward pass; the update
 * runs on the device. Update rules, names and defaults are those of Keras 1.2.
 *
 * Errors: every fallible call returns a clopt_status (or NULL) and, when `err` is not NULL,
 * fills it with a sentence saying which argument was wrong, what was given and what is
 * accepted. The library never prints, never exits and releases everything on error paths.
 *
 * Threads: handles are not locked. A context may be used by several threads at once only
 * to create and release optimizers; one optimizer must be used by one thread at a time
 * (optimizers of one context may step concurrently from different threads).
 */
#ifndef CLOPT_CLOPT_H
#define CLOPT_CLOPT_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(CLOPT_BUILDING_SHARED)
#define CLOPT_API __declspec(dllexport)
#elif defined(__GNUC__)
#define CLOPT_API __attribute__((visibility("default")))
#else
#define CLOPT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CLOPT_OK = 0,     /* success */
    CLOPT_EINVAL,     /* an argument is invalid (NULL, out of range, malformed spec) */
    CLOPT_ENOMEM,     /* host memory exhausted */
    CLOPT_ENODEVICE,  /* no OpenCL device matches the selector */
    CLOPT_ECL,        /* an OpenCL call failed; clopt_error.cl_error holds its code */
    CLOPT_EIO,        /* reading or writing a file failed */
    CLOPT_EFORMAT,    /* a checkpoint is corrupt, truncated or does not match */
    CLOPT_ESTATE      /* the call is not valid in the object's current state */
} clopt_status;

/* Filled by every fallible call; `text` is a sentence for a person. */
typedef struct {
    clopt_status status;
    cl_int cl_error; /* the OpenCL error code when status is CLOPT_ECL, else CL_SUCCESS */
    char text[256];
} clopt_error;

typedef struct clopt_context clopt_context;
typedef struct clopt_optimizer clopt_optimizer;

/* The library version, "MAJOR.MINOR.PATCH". */
CLOPT_API const char *clopt_version(void);

/* A short English name for a status ("invalid argument"); never NULL. */
CLOPT_API const char *clopt_status_string(clopt_status s);

/* Frees memory returned by clopt (clopt_optimizer_config). NULL is a no-op. */
CLOPT_API void clopt_free(void *p);

/*
 * Creates a context on one device and builds the kernels for it (once per context).
 * `device` selects it: "cpu", "gpu", "P:D" (platform and device index, as `clopt devices`
 * lists them) or a case-insensitive substring of the device name. NULL means the
 * CLOPT_DEVICE environment variable, else the first CPU device, else the first device.
 * Returns NULL on error (CLOPT_ENODEVICE lists the devices that exist).
 */
CLOPT_API clopt_context *clopt_context_create(const char *device, clopt_error *err);

/*
 * Wraps an OpenCL context, device and in-order queue that the caller created (interop).
 * clopt retains all three and releases its references in clopt_context_release.
 */
CLOPT_API clopt_context *clopt_context_wrap(cl_context c, cl_device_id d, cl_command_queue q,
                                            clopt_error *err);

/* The context's OpenCL objects, owned by the clopt context (retain them to keep them). */
CLOPT_API cl_context clopt_context_cl(const clopt_context *ctx);
CLOPT_API cl_command_queue clopt_context_queue(const clopt_context *ctx);
CLOPT_API cl_device_id clopt_context_device(const clopt_context *ctx);

/* Releases the context. Release its optimizers first. NULL is a no-op. */
CLOPT_API void clopt_context_release(clopt_context *ctx);

/*
 * Creates an optimizer from a spec: Keras call syntax ("adam", "Adam(lr=0.01, beta_2=0.99)",
 * "SGD(lr=0.1, momentum=0.9, nesterov=True)") or JSON ({"name":"adam","lr":0.01}), as
 * clopt_optimizer_config returns it. Names are case-insensitive; `learning_rate` is an
 * alias of `lr`. A misspelt name gets a "did you mean" suggestion in err.
 */
CLOPT_API clopt_optimizer *clopt_optimizer_create(clopt_context *ctx, const char *spec,
                                                  clopt_error *err);

/*
 * Adds the tensor param[offset, offset+count) with its gradient grad[offset, offset+count)
 * (offset and count in floats; both buffers float32, of the optimizer's context). Its state
 * buffers are allocated on the device and zeroed. Tensors that share one (param, grad)
 * buffer pair are updated by a single kernel launch, whatever their number.
 */
CLOPT_API clopt_status clopt_optimizer_add(clopt_optimizer *o, cl_mem param, cl_mem grad,
                                           size_t offset, size_t count, clopt_error *err);

/*
 * Enqueues one update of every added tensor on the context's in-order queue and returns
 * without waiting: writes to the gradients enqueued before it are seen, reads of the
 * parameters enqueued after it see the update. The iteration count then grows by one.
 */
CLOPT_API clopt_status clopt_optimizer_step(clopt_optimizer *o, clopt_error *err);

/*
 * Changes a hyperparameter between steps ("lr", "momentum", "decay", "nesterov" (0 or 1),
 * "rho", "beta_1", "beta_2", "epsilon", "schedule_decay", "clipnorm", "clipvalue"), with
 * the same range checks as create. On error the optimizer is unchanged. SGD keeps no
 * velocity while momentum is 0; switching momentum on later starts from a zero velocity.
 */
CLOPT_API clopt_status clopt_optimizer_set(clopt_optimizer *o, const char *name, double value,
                                           clopt_error *err);

/* Reads a hyperparameter; an unset clipnorm or clipvalue reads as 0 (off). */
CLOPT_API clopt_status clopt_optimizer_get(const clopt_optimizer *o, const char *name,
                                           double *value, clopt_error *err);

/* The number of steps taken (Keras' `iterations`). */
CLOPT_API uint64_t clopt_optimizer_iterations(const clopt_optimizer *o);

/*
 * The Keras get_config() of the optimizer with its name, as compact JSON, e.g.
 * {"name":"Adam","lr":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-08,"decay":0.0}.
 * Free with clopt_free. NULL only when out of memory.
 */
CLOPT_API char *clopt_optimizer_config(const clopt_optimizer *o);

/*
 * Writes a checkpoint (config, iterations, Nadam schedule, every state buffer, checksum)
 * to `path` through a temporary file and a rename, so `path` is never half-written.
 * Waits for the queue to reach the current step.
 */
CLOPT_API clopt_status clopt_optimizer_save(const clopt_optimizer *o, const char *path,
                                            clopt_error *err);

/*
 * Restores a checkpoint written by clopt_optimizer_save into an optimizer of the same kind
 * with tensors of the same sizes, including its hyperparameters. On any mismatch or
 * corruption it returns CLOPT_EFORMAT saying what differs, and the optimizer is unchanged.
 */
CLOPT_API clopt_status clopt_optimizer_load(clopt_optimizer *o, const char *path,
                                            clopt_error *err);

/* Releases the optimizer and its device state (not the caller's buffers). NULL is a no-op. */
CLOPT_API void clopt_optimizer_release(clopt_optimizer *o);

#ifdef __cplusplus
}
#endif

#endif /* CLOPT_CLOPT_H */
