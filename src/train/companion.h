/*
 * Muon in training (docs/semantics.md, "Muon"): Muon takes the hidden layer's weight matrix W1,
 * AdamW the biases and the output layer, as Muon is used in practice. A Muon spec in
 * training may carry the companion's settings as adamw_NAME=value (adamw_lr=0.001,
 * adamw_schedule=cosine(steps="all")); they are split off into AdamW's own spec here.
 */
#ifndef CLOPT_TRAIN_COMPANION_H
#define CLOPT_TRAIN_COMPANION_H

#include "config.h"

#include <stddef.h>

#define CLOPT_ADAMW_PREFIX "adamw_"

/*
 * Splits a training's optimizer spec: *main gets the spec without its adamw_* arguments,
 * parsed as clopt_spec_parse_training does, and *rest AdamW's (its defaults where none are
 * given) when main is a matrix optimizer; *has_rest says whether it is. adamw_* arguments
 * beside any other optimizer are an error that says so. Call syntax only for adamw_*.
 */
clopt_status clopt_train_split_spec(const char *spec, clopt_config *main, clopt_config *rest,
                                    int *has_rest, clopt_error *err);

#endif
