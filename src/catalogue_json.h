/* The optimizer catalogue as JSON: `clopt optimizers --json` and GET /api/v1/optimizers. */
#ifndef CLOPT_CATALOGUE_JSON_H
#define CLOPT_CATALOGUE_JSON_H

#include <jansson.h>

/*
 * An array with one object per optimizer: name, key, en, ko, hyperparameters (name,
 * default, range, en, ko), state (names of the state values; "optional_state": the
 * hyperparameter that adds the last of them), average (schedule-free: the state value that
 * is the average x, where the model is evaluated; else null), equations (html, show, when: see
 * clopt_equation in catalogue.h). A new reference, NULL when out of memory.
 */
json_t *clopt_catalogue_json(void);

#endif
