/*
 * Tunings (src/tune.c): every optimizer swept over the same starts, noise seeds and steps
 * (one exploration of kind CLOPT_EXPLORE_TUNE per optimizer), each run scored, each value
 * summarised by the median, quartiles and diverged share of its runs, the best median the
 * tuned value, the optimizers ranked by it. No device here: the caller runs the explorations
 * (the CLI at once, the server in slices) and hands each one back.
 */
#ifndef CLOPT_TUNE_H
#define CLOPT_TUNE_H

#include "clopt/clopt.h"

typedef enum {
    CLOPT_TUNE_FINAL, /* log10(f_N - f* + 1e-12); f_N itself without a known minimum */
    CLOPT_TUNE_AUC,   /* the mean of that quantity over steps 0 .. N */
    CLOPT_TUNE_REACH  /* the first step within tol of f* (N + 1 if never) */
} clopt_tune_score;

#define CLOPT_TUNE_MAX_OPTIMIZERS 16u
#define CLOPT_TUNE_VALUES 25u /* the default axis: lr over 1e-4 .. 10 x the spec's lr, log */
#define CLOPT_TUNE_STARTS 64u /* default starts, uniform in the function's view */
#define CLOPT_TUNE_LR_LO 1e-4 /* the default axis' ends, as factors of the spec's lr */
#define CLOPT_TUNE_LR_HI 10.0
#define CLOPT_TUNE_COARSE_VALUES 5u /* the coarse plan, shown first: values per axis, */
#define CLOPT_TUNE_COARSE_STARTS 8u /* starts and one seed */

typedef struct {
    const char *function;          /* catalogue name */
    const char *const *optimizers; /* 1 .. CLOPT_TUNE_MAX_OPTIMIZERS specs */
    size_t noptimizers;
    clopt_explore_axis axes[2]; /* the first naxes, the same for every optimizer */
    size_t naxes;               /* 0: the default axis, per optimizer from its own lr */
    size_t nvalues;             /* the default axis' values, 2 .. (0: CLOPT_TUNE_VALUES) */
    size_t nstarts;             /* K >= 1, drawn by clopt_tune_starts */
    size_t nseeds;              /* S >= 1 */
    double noise;               /* sigma >= 0 */
    uint64_t steps;             /* N */
    double tol;                 /* as explore's */
    clopt_tune_score score;
} clopt_tune_plan;

/* One optimizer's tuning curve, once collected. */
typedef struct {
    const char *spec; /* as given */
    size_t nvalues;   /* V (n0 x n1 with two axes, i along the first) */
    double *values;   /* [v][naxes] */
    double *median;   /* per value, over its S x K runs; +inf when more than half diverged */
    double *q1, *q3;  /* quartiles (linear interpolation between order statistics) */
    double *diverged; /* share of the value's runs that diverged, 0 .. 1 */
    size_t best;      /* the value with the lowest median (then diverged share; first) */
    char *tuned;      /* Keras call syntax of the spec at the best value */
    int collected;
} clopt_tune_curve;

typedef struct clopt_tune clopt_tune;

/*
 * Validates the plan (every optimizer's exploration through clopt_explore_check, named by
 * position) and draws the starts; nothing runs. NULL with err filled on a bad plan.
 */
clopt_tune *clopt_tune_create(const clopt_tune_plan *plan, clopt_error *err);

/* The number of optimizers; their shared starts (x0, y0, x1, y1, ...; *n points). */
size_t clopt_tune_optimizers(const clopt_tune *t);
const double *clopt_tune_start_points(const clopt_tune *t, size_t *n);

/* Optimizer k's exploration options (valid while t lives). */
const clopt_explore_options *clopt_tune_explore_options(const clopt_tune *t, size_t k);

/* Scores optimizer k's finished exploration e into its curve. */
clopt_status clopt_tune_collect(clopt_tune *t, size_t k, clopt_exploration *e, clopt_error *err);

/* Optimizer k's curve (collected or not). */
const clopt_tune_curve *clopt_tune_curve_get(const clopt_tune *t, size_t k);

/* Optimizer indices best first (best median, then its diverged share, then given order). */
void clopt_tune_ranking(const clopt_tune *t, size_t order[CLOPT_TUNE_MAX_OPTIMIZERS]);

/*
 * The result as compact JSON text once every optimizer is collected (malloc'd; NULL when out
 * of memory): {"function","score","steps","starts":[[x,y],..],"seeds","noise","optimizers":
 * [{"optimizer","vary","values","median","q1","q3","diverged","best","tuned"}],"ranking"}.
 * An infinite median or quartile is null.
 */
char *clopt_tune_json(const clopt_tune *t);

void clopt_tune_release(clopt_tune *t);

/*
 * The coarse plan of p, which a page can show within a second: the same axes' ends with at
 * most CLOPT_TUNE_COARSE_VALUES values each, the first CLOPT_TUNE_COARSE_STARTS starts (the
 * starts are one stream, so they are the full plan's first ones), seed 0 only.
 */
clopt_tune_plan clopt_tune_coarse(const clopt_tune_plan *p);

/* "final", "auc", "reach"; parse returns -1 for another name. */
const char *clopt_tune_score_name(clopt_tune_score s);
int clopt_tune_score_parse(const char *name, clopt_tune_score *out);

/* K starts uniform in the view, from a fixed seed, each exactly a float32 pair. */
void clopt_tune_starts(const clopt_function_info *f, size_t k, double *out);

/* Quantile p of n sorted values (+inf allowed) by linear interpolation (numpy's default). */
double clopt_tune_quantile(const double *sorted, size_t n, double p);

#endif
