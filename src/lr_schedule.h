/*
 * Learning-rate schedules (docs/semantics.md, "Schedules"): the table of schedules with their
 * parameters, defaults, ranges, texts and formulas; their spec and JSON forms; and m(t), the
 * factor on the learning rate, computed on the host in double like Keras 1's decay. The spec
 * parser, the config text, the per-step scalars (schedule.c), the CLI and the API read this.
 */
#ifndef CLOPT_LR_SCHEDULE_H
#define CLOPT_LR_SCHEDULE_H

#include "catalogue.h"
#include "clopt/clopt.h"

#include <jansson.h>
#include <stdint.h>

/* A schedule's parameters, by name; each schedule takes some of them. */
typedef enum {
    CLOPT_S_WARMUP,
    CLOPT_S_STEPS,
    CLOPT_S_EVERY,
    CLOPT_S_FACTOR,
    CLOPT_S_RATE,
    CLOPT_S_STAIRCASE,
    CLOPT_S_ALPHA,
    CLOPT_S_DECAY,
    CLOPT_S_SHAPE,
    CLOPT_S_COUNT
} clopt_sparam;

#define CLOPT_SCHEDULE_MAX_PARAMS 4
#define CLOPT_SCHEDULE_WHOLE "all"  /* steps="all" in clopt train: kept as steps = 0 */
#define CLOPT_SCHEDULE_REQUIRED NAN /* a default that says "no default: required" */

typedef struct {
    const char *name;
    clopt_range range;
    const char *const *words; /* CLOPT_RANGE_CHOICE: the words, NULL-terminated */
    const char *en;
    const char *ko;
} clopt_sparam_info;

typedef struct {
    const char *name; /* "cosine" */
    size_t nparams;
    clopt_sparam params[CLOPT_SCHEDULE_MAX_PARAMS]; /* warmup last */
    double defaults[CLOPT_SCHEDULE_MAX_PARAMS];     /* CLOPT_SCHEDULE_REQUIRED: required */
    const char *en;
    const char *ko;
    const char *formula; /* m(t) for t >= W, in the words of docs/semantics.md */
    /* m(t) for t >= W: v by clopt_sparam, t the step (0 first), u = t - W */
    double (*shape)(const double *v, double t, double u);
    /* per params[i]: a range of this schedule's own (inverse_sqrt's warmup, >= 1), or
       CLOPT_RANGE_OWN: the parameter's */
    clopt_range ranges[CLOPT_SCHEDULE_MAX_PARAMS];
} clopt_schedule_info;

/* An optimizer's schedule; info NULL: none (the rate is lr, or Keras 1's decay). */
typedef struct {
    const clopt_schedule_info *info;
    double v[CLOPT_S_COUNT];
} clopt_lr_schedule;

size_t clopt_schedule_count(void);
const clopt_schedule_info *clopt_schedule_at(size_t i);
const clopt_sparam_info *clopt_schedule_param(clopt_sparam p);
/* The range of parameter params[i] of schedule `info`, as listed. */
clopt_range clopt_schedule_range(const clopt_schedule_info *info, size_t i);

/*
 * m(t) for the step after t completed ones: 1 without a schedule. s must have passed
 * clopt_schedule_check.
 */
double clopt_schedule_factor(const clopt_lr_schedule *s, uint64_t t);

/*
 * Parses a schedule written in call syntax, text[0, len): `cosine(steps=1000, warmup=100)`,
 * `constant`, `wsd(steps=100, shape="sqrt")`, for the optimizer named `owner` (in messages).
 * Unknown names and parameters get suggestions. *out is untouched on error.
 * With `whole` (clopt train), steps may be the word "all": the whole training, which only
 * the trainer knows; it is kept as steps = 0 until clopt_schedule_resolve. Without, "all"
 * is refused with a sentence that says so.
 */
clopt_status clopt_schedule_parse(const char *text, size_t len, const char *owner, int whole,
                                  clopt_lr_schedule *out, clopt_error *err);

/* Whether s spans "all" the steps of a training, not yet counted (steps = 0). */
int clopt_schedule_unresolved(const clopt_lr_schedule *s);

/* Gives an unresolved schedule its steps (the training's optimizer steps) and checks it. */
clopt_status clopt_schedule_resolve(clopt_lr_schedule *s, uint64_t steps, const char *owner,
                                    clopt_error *err);

/*
 * The required parameters and the relations between them (steps > warmup, ...) of a
 * schedule whose values were changed one by one; the error names `owner`.
 */
clopt_status clopt_schedule_check(const clopt_lr_schedule *s, const char *owner, clopt_error *err);

/* The same from JSON: {"name":"cosine","steps":1000,"warmup":100}, or null for none. */
clopt_status clopt_schedule_from_json(const json_t *j, const char *owner, int whole,
                                      clopt_lr_schedule *out, clopt_error *err);

/*
 * Appends to buf (of cap bytes, holding a string) the schedule's config object, every
 * parameter in table order: {"name":"cosine","steps":1000,"alpha":0.0,"warmup":100}; or its
 * spec form with the parameters that differ from the defaults (required ones always):
 * cosine(steps=1000, warmup=100). Returns 0, or -1 when buf is too small.
 */
int clopt_schedule_json_text(const clopt_lr_schedule *s, char *buf, size_t cap);
int clopt_schedule_label(const clopt_lr_schedule *s, char *buf, size_t cap);

/* Every schedule as JSON for the catalogue: name, en, ko, formula, parameters. */
json_t *clopt_schedules_json(void);

#endif
