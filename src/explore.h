/* Explore's options: validation and a sweep's axis values (src/explore_options.c). */
#ifndef CLOPT_EXPLORE_H
#define CLOPT_EXPLORE_H

#include "config.h"
#include "engine.h"

/*
 * Checks everything a caller controls before anything is allocated; for a sweep, fills the
 * base config and the varied settings (params[0 .. naxes): hyperparameters or a schedule's
 * parameters, clopt_config_setting).
 */
clopt_status clopt_explore_validate(const clopt_explore_options *o, clopt_config *base,
                                    int params[2], clopt_error *err);

/* The device times of an exploration's engine so far (for `clopt bench explore`). */
clopt_engine_times clopt_explore_times(const clopt_exploration *e);

/* Value i (0 .. n-1) of an axis: lo and hi exactly, evenly or geometrically spaced between. */
double clopt_explore_axis_value(const clopt_explore_axis *a, size_t i);

#endif
