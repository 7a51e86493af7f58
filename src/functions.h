/* The test-function catalogue (public part in clopt.h); ids shared with cl/functions.cl. */
#ifndef CLOPT_FUNCTIONS_H
#define CLOPT_FUNCTIONS_H

#include "clopt/clopt.h"

/* The kernel id of a catalogue entry (its index). */
unsigned clopt_function_id(const clopt_function_info *f);

#endif
