/*
 * An independent double-precision reference of the Keras 1.x update rules, written from
 * SEMANTICS.md for the tests. It shares no code with the library.
 */
#ifndef CLOPT_TEST_REFERENCE_H
#define CLOPT_TEST_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { REF_SGD, REF_RMSPROP, REF_ADAGRAD, REF_ADADELTA, REF_ADAM, REF_ADAMAX, REF_NADAM } ref_kind;

typedef struct {
    ref_kind kind;
    double lr, momentum, decay, rho, beta_1, beta_2, epsilon, schedule_decay;
    double clipnorm, clipvalue; /* 0 = off */
    int nesterov;
} ref_hyper;

typedef struct {
    ref_hyper h;
    uint64_t it;
    double m_schedule;
    size_t ntensors;
    size_t *count;
    double **p, **s0, **s1;
    double **travel; /* per element: sum of |update| so far, for error bounds */
    double **mag0, **mag1; /* s0, s1 recomputed with |terms|: the size of what was summed */
} ref_optimizer;

/* The Keras defaults of a kind, from the table in SEMANTICS.md. */
ref_hyper ref_defaults(ref_kind kind);

/* Starts a reference over tensors of the given sizes and initial values. */
void ref_init(ref_optimizer *r, ref_hyper h, size_t ntensors, const size_t *count,
              const float *const *p0);
void ref_free(ref_optimizer *r);

/* One step with the gradients grads[t][i] (the floats the device sees). */
void ref_step(ref_optimizer *r, const float *const *grads);

/* The same with gradients in double precision (trajectories on test functions). */
void ref_step_double(ref_optimizer *r, const double *const *grads);

#endif
