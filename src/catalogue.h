/*
 * The optimizer catalogue: every optimizer and hyperparameter with its Keras name, default,
 * valid range, state buffers and one-line descriptions in English and Korean. The parser,
 * config, CLI and server read this table; adding an optimizer starts here.
 */
#ifndef CLOPT_CATALOGUE_H
#define CLOPT_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CLOPT_SGD,
    CLOPT_RMSPROP,
    CLOPT_ADAGRAD,
    CLOPT_ADADELTA,
    CLOPT_ADAM,
    CLOPT_ADAMAX,
    CLOPT_NADAM,
    CLOPT_KIND_COUNT
} clopt_kind;

typedef enum {
    CLOPT_P_LR,
    CLOPT_P_MOMENTUM,
    CLOPT_P_DECAY,
    CLOPT_P_NESTEROV,
    CLOPT_P_RHO,
    CLOPT_P_BETA_1,
    CLOPT_P_BETA_2,
    CLOPT_P_EPSILON,
    CLOPT_P_SCHEDULE_DECAY,
    CLOPT_P_CLIPNORM,
    CLOPT_P_CLIPVALUE,
    CLOPT_P_COUNT
} clopt_param;

/* How a hyperparameter is validated. */
typedef enum {
    CLOPT_RANGE_NONNEG,   /* [0, inf) */
    CLOPT_RANGE_UNIT,     /* [0, 1) */
    CLOPT_RANGE_POSITIVE, /* (0, inf); the value 0 means "not set" (clipping off) */
    CLOPT_RANGE_BOOL      /* false/true, 0 or 1 */
} clopt_range;

typedef struct {
    const char *name;
    clopt_range range;
    const char *en;
    const char *ko;
} clopt_param_info;

#define CLOPT_MAX_OWN_PARAMS 5 /* hyperparameters besides clipnorm and clipvalue */
#define CLOPT_MAX_STATE 2

typedef struct {
    clopt_kind kind;
    const char *name; /* Keras class name: "Adam" */
    const char *key;  /* lower case: "adam" */
    size_t nparams;
    clopt_param params[CLOPT_MAX_OWN_PARAMS]; /* in Keras get_config() order */
    double defaults[CLOPT_MAX_OWN_PARAMS];
    size_t nstate; /* state buffers per tensor (SGD: 1, used only when momentum is on) */
    const char *state[CLOPT_MAX_STATE];
    const char *en;
    const char *ko;
} clopt_optimizer_info;

const clopt_optimizer_info *clopt_catalogue_optimizer(clopt_kind kind);
const clopt_param_info *clopt_catalogue_param(clopt_param p);

/* Case-insensitive lookups; NULL / -1 when unknown. "learning_rate" finds CLOPT_P_LR. */
const clopt_optimizer_info *clopt_catalogue_find_optimizer(const char *name, size_t len);
int clopt_catalogue_find_param(const char *name, size_t len);

/* Whether optimizer `info` takes hyperparameter `p` (clipnorm and clipvalue: always). */
bool clopt_catalogue_takes(const clopt_optimizer_info *info, clopt_param p);

/* "lr must be >= 0" style text for a range: ">= 0", "in [0, 1)", "> 0", "true or false". */
const char *clopt_range_text(clopt_range r);

/* Whether value v is accepted by range r (finite and inside it). */
bool clopt_range_accepts(clopt_range r, double v);

#endif
