/* The test-function catalogue (public part in clopt.h); ids shared with cl/functions.cl. */
#ifndef CLOPT_FUNCTIONS_H
#define CLOPT_FUNCTIONS_H

#include "clopt/clopt.h"
#include "expr.h"

/* The kernel id of a catalogue entry (its index). */
unsigned clopt_function_id(const clopt_function_info *f);

/*
 * What a `function` argument names: a catalogue entry, or an expression with its own
 * description (name and formula: the canonical text; view [-2, 2] x [-2, 2], start
 * (1.5, 1.5), no known minima).
 */
typedef struct {
    const clopt_function_info *info; /* the catalogue's entry, or custom */
    clopt_function_info *custom;     /* an expression's description (copies stay valid) */
    clopt_expr *expr;                /* NULL for a catalogue function */
    char *tex;                       /* the expression's TeX */
} clopt_function_ref;

/*
 * Resolves a catalogue name ("did you mean" for a misspelt one) or an expression (see
 * clopt_expr_is_expression). On error fills err (its text the sentence with the column)
 * and, when `where` is not NULL, the column to underline. Release with
 * clopt_function_ref_release (also after an error).
 */
clopt_status clopt_function_resolve(const char *text, clopt_function_ref *f,
                                    clopt_expr_error *where, clopt_error *err);
void clopt_function_ref_release(clopt_function_ref *f);

/*
 * The program with f's trajectory and landscape kernels and the id to pass them, in float
 * or (dbl) in double: the context's own program (or its double program) for a catalogue
 * function; for an expression, its cached program in that precision, built now if it is not
 * cached. *program is retained for the caller (clReleaseProgram). Double: CLOPT_EINVAL
 * naming cl_khr_fp64 on a device without it.
 */
clopt_status clopt_function_program(clopt_context *ctx, const clopt_function_ref *f, int dbl,
                                    cl_program *program, cl_uint *id, clopt_error *err);

/* Whether f's program in that precision is ready without a build (always for the
 * catalogue; its double program is built with the first double run). */
int clopt_function_program_cached(clopt_context *ctx, const clopt_function_ref *f, int dbl);

#endif
