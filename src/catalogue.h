/*
 * The optimizer catalogue: every optimizer and hyperparameter with its Keras name, default,
 * valid range, state buffers and one-line descriptions in English and Korean. The parser,
 * config, CLI and server read this table; adding an optimizer starts here.
 */
#ifndef CLOPT_CATALOGUE_H
#define CLOPT_CATALOGUE_H

#include "../cl/optimizers.h"

#include <stdbool.h>
#include <stddef.h>

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
    CLOPT_P_WEIGHT_DECAY,
    CLOPT_P_AMSGRAD,
    CLOPT_P_WARMUP_STEPS,
    CLOPT_P_R,
    CLOPT_P_WEIGHT_LR_POWER,
    CLOPT_P_NS_STEPS,
    CLOPT_P_NS_A,
    CLOPT_P_NS_B,
    CLOPT_P_NS_C,
    CLOPT_P_ADJUST_LR,
    CLOPT_P_CLIPNORM,
    CLOPT_P_CLIPVALUE,
    CLOPT_P_COUNT
} clopt_param;

/* How a hyperparameter is validated. */
typedef enum {
    CLOPT_RANGE_OWN,       /* in an optimizer's row: the hyperparameter's own range */
    CLOPT_RANGE_NONNEG,    /* [0, inf) */
    CLOPT_RANGE_UNIT,      /* [0, 1) */
    CLOPT_RANGE_UNIT_TOP,  /* (0, 1] (Lion's beta_1) */
    CLOPT_RANGE_POSITIVE,  /* (0, inf); the value 0 means "not set" (clipping off) */
    CLOPT_RANGE_BOOL,      /* false/true, 0 or 1 */
    CLOPT_RANGE_OPEN_UNIT, /* (0, 1) (schedule-free SGD's momentum) */
    CLOPT_RANGE_FRACTION,  /* [0, 1] (a schedule's alpha and decay) */
    CLOPT_RANGE_COUNT,     /* a whole number in [0, 1e15] (a schedule's warmup) */
    CLOPT_RANGE_COUNT_POS, /* a whole number in [1, 1e15] (a schedule's steps) */
    CLOPT_RANGE_CHOICE,    /* one of a few words, stored as its index (a schedule's shape) */
    CLOPT_RANGE_FINITE,    /* any finite number (Muon's Newton-Schulz coefficients) */
    CLOPT_RANGE_ITERATIONS /* a whole number in [1, 99] (Muon's ns_steps) */
} clopt_range;

typedef struct {
    const char *name;
    clopt_range range;
    const char *en;
    const char *ko;
    const char *const *words; /* CLOPT_RANGE_CHOICE: the words, NULL-terminated, index = value */
} clopt_param_info;

#define CLOPT_MAX_OWN_PARAMS 10 /* hyperparameters besides clipnorm and clipvalue */
#define CLOPT_MAX_EQUATIONS 10

/*
 * One line of an optimizer's rule as the page shows it with a step's numbers (see
 * web/js/equations.js for how it is drawn). `html` is the formula, in which {expr} is
 * replaced by the value of expr: hyperparameter names, t (the step, 1-based), lr_e (the
 * decayed rate), numbers, + - * / ^ ( ), sqrt(), and comparisons. `show` names the value
 * printed after it: a state name ("m"), "g", "delta" (the step taken), or "=expr" for a
 * scalar. The line is drawn only when `when` (an expr; NULL = always) is nonzero.
 */
typedef struct {
    const char *html;
    const char *show;
    const char *when;
} clopt_equation;

typedef struct {
    clopt_kind kind;
    const char *name; /* Keras class name: "Adam" */
    const char *key;  /* lower case: "adam" */
    size_t nparams;
    clopt_param params[CLOPT_MAX_OWN_PARAMS]; /* in Keras get_config() order */
    double defaults[CLOPT_MAX_OWN_PARAMS];
    size_t lean, full;        /* state buffers without and with the optional state (optimizers.h) */
    clopt_param state_switch; /* turns the optional state on (momentum, amsgrad); else LR */
    const char *state[CLOPT_MAX_STATE];
    const char *en;
    const char *ko;
    const clopt_equation equations[CLOPT_MAX_EQUATIONS]; /* ends at the first NULL html */
    clopt_range ranges[CLOPT_MAX_OWN_PARAMS]; /* per params[i]: a range of this optimizer's
                                                 own (Lion's beta_1), or CLOPT_RANGE_OWN */
    /*
     * Schedule-free (Defazio et al. 2024): state 0 is z, state 1 is x, the average where the
     * model is evaluated; the parameters are y. z and x start at y at the first step.
     */
    bool schedule_free;
} clopt_optimizer_info;

const clopt_optimizer_info *clopt_catalogue_optimizer(clopt_kind kind);
const clopt_param_info *clopt_catalogue_param(clopt_param p);

/* Case-insensitive lookups; NULL / -1 when unknown. "learning_rate" finds CLOPT_P_LR. */
const clopt_optimizer_info *clopt_catalogue_find_optimizer(const char *name, size_t len);
int clopt_catalogue_find_param(const char *name, size_t len);

/* Whether optimizer `info` takes hyperparameter `p` (clipnorm and clipvalue: always). */
bool clopt_catalogue_takes(const clopt_optimizer_info *info, clopt_param p);

/* Whether the kind's rule needs norms over each tensor (SHAPE TENSOR in optimizers.h). */
bool clopt_catalogue_tensorwise(clopt_kind kind);

/* Whether the kind updates matrices and needs each tensor's shape (SHAPE MATRIX: Muon). */
bool clopt_catalogue_matrix(clopt_kind kind);

/* The index of word[0, len) among a CHOICE hyperparameter's words, or -1. */
int clopt_catalogue_word(clopt_param p, const char *word, size_t len);

/* The range of hyperparameter p for optimizer `info`. */
clopt_range clopt_catalogue_range(const clopt_optimizer_info *info, clopt_param p);

/*
 * The state buffers a fresh optimizer with these hyperparameters keeps per tensor: the
 * kind's full count when its optional state is switched on, else its lean count.
 */
size_t clopt_catalogue_state_count(const clopt_optimizer_info *info, const double *v);

/* "lr must be >= 0" style text for a range: ">= 0", "in [0, 1)", "> 0", "true or false". */
const char *clopt_range_text(clopt_range r);

/* Whether value v is accepted by range r (finite and inside it). */
bool clopt_range_accepts(clopt_range r, double v);

#endif
