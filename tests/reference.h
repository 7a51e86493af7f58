/*
 * An independent double-precision reference of the update rules of docs/semantics.md (Keras
 * 1.x and "After Keras 1"), written from that page for the tests. It shares no code with
 * the library: its rules, defaults and names are its own; the tests match them to the
 * catalogue by name and fail on any optimizer the reference lacks.
 */
#ifndef CLOPT_TEST_REFERENCE_H
#define CLOPT_TEST_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#define REF_STATE 3

/* A learning-rate schedule (docs/semantics.md, "Schedules"); name "" = none. */
typedef struct {
    char name[16];
    double warmup, steps, every, factor, rate, alpha, decay;
    int staircase, sqrt_shape;
} ref_sched_spec;

/* m(t), t = steps completed before this one. */
double ref_schedule_m(const ref_sched_spec *s, uint64_t t);

typedef struct {
    char name[24]; /* lower case: "adam" */
    double lr, momentum, decay, rho, beta_1, beta_2, epsilon, schedule_decay, weight_decay;
    double warmup_steps, r, weight_lr_power; /* schedule-free */
    double clipnorm, clipvalue;              /* 0 = off */
    int nesterov, amsgrad;
    double ns_steps, ns_a, ns_b, ns_c, adjust_lr; /* Muon; adjust_lr 1 = "match_rms_adamw" */
    ref_sched_spec sched;
} ref_hyper;

typedef struct {
    ref_hyper h;
    uint64_t it;
    double m_schedule;
    double lr_max, weight_sum; /* schedule-free's running scalars */
    size_t ntensors;
    size_t *count;
    size_t *rows; /* Muon: tensor t is rows[t] x count[t] / rows[t]; 1 (a row) unless set */
    double **p, **s[REF_STATE];
    double **travel;         /* per element: sum of |update| so far, for error bounds */
    double **mag[REF_STATE]; /* s recomputed with |terms|: the size of what was summed */
    double **slack;          /* per element: what a sign that rounding may flip can add (Lion) */
    double **psum;           /* per element: sum of |p| after each step so far, for error bounds */
} ref_optimizer;

/* Whether the reference has optimizer `name`; its defaults from docs/semantics.md. */
int ref_has(const char *name);
ref_hyper ref_defaults(const char *name);

/* Sets hyperparameter `name` (spec spelling, "lr", "amsgrad", ...); 0 if unknown. */
int ref_set(ref_hyper *h, const char *name, double v);

/* Starts a reference over tensors of the given sizes and initial values. */
void ref_init(ref_optimizer *r, ref_hyper h, size_t ntensors, const size_t *count,
              const float *const *p0);
void ref_free(ref_optimizer *r);

/* Muon: tensor t is a rows x (count / rows) matrix, row-major. */
void ref_set_rows(ref_optimizer *r, size_t t, size_t rows);

/* One step with the gradients grads[t][i] (the floats the device sees). */
void ref_step(ref_optimizer *r, const float *const *grads);

/* The same with gradients in double precision (trajectories on test functions). */
void ref_step_double(ref_optimizer *r, const double *const *grads);

#endif
