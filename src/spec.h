/* Optimizer specs: Keras call syntax ("Adam(lr=0.01)") or JSON ({"name":"adam"}). */
#ifndef CLOPT_SPEC_H
#define CLOPT_SPEC_H

#include "config.h"

/* Parses and validates a spec into *out; *out is untouched on error. */
clopt_status clopt_spec_parse(const char *spec, clopt_config *out, clopt_error *err);

/*
 * The same for clopt train, where a schedule's steps may be "all", the whole training
 * (out->sched then unresolved until clopt_schedule_resolve gives it the count).
 */
clopt_status clopt_spec_parse_training(const char *spec, clopt_config *out, clopt_error *err);

/* clopt_spec_parse of specs[k], the error naming the optimizer by position ("optimizer 2: ..."). */
clopt_status clopt_spec_parse_nth(const char *const *specs, size_t k, clopt_config *out,
                                  clopt_error *err);

#endif
