/* Optimizer specs that cover the catalogue, and their hyperparameters for the reference. */
#ifndef CLOPT_TEST_OPTIONS_H
#define CLOPT_TEST_OPTIONS_H

#include "clopt/clopt.h"
#include "reference.h"

/*
 * Two specs per optimizer of the catalogue into out: a small rate, and a larger one with
 * every numeric hyperparameter off its default, every boolean on (nesterov, amsgrad, ...)
 * and clipnorm (quick runs, as under oclgrind: only the second). Returns how many (at most
 * TEST_CATALOGUE_OPTIONS); the texts stay valid until the next call.
 */
#define TEST_CATALOGUE_OPTIONS 64
size_t test_catalogue_options(const char *out[TEST_CATALOGUE_OPTIONS]);

/* The reference's hyperparameters for an optimizer spec, by the catalogue's names (its
 * schedule, if any, is not carried: set h.sched). */
ref_hyper test_ref_hyper(clopt_context *ctx, const char *spec);

#endif
