/*
 * Expressions f(x, y) typed by a person: parsed into a tree, differentiated exactly and
 * printed as OpenCL C from the tree (never from the text). A tree is an array of nodes in
 * post-order (children before their parent, the root last), so every pass is one loop.
 */
#ifndef CLOPT_EXPR_H
#define CLOPT_EXPR_H

#include "clopt/clopt.h"

#include <stdint.h>

#define CLOPT_EXPR_MAX_CHARS 1000
#define CLOPT_EXPR_MAX_DEPTH 64
#define CLOPT_EXPR_MAX_NODES 2000

/*
 * The functions of the language: name, arguments, and the OpenCL built-in that computes the
 * value (min and max are selects, so that the derivative follows the chosen branch).
 */
#define CLOPT_EXPR_FUNCTIONS(X)                                                                    \
    X(SIN, "sin", 1, "sin")                                                                        \
    X(COS, "cos", 1, "cos")                                                                        \
    X(TAN, "tan", 1, "tan")                                                                        \
    X(ASIN, "asin", 1, "asin")                                                                     \
    X(ACOS, "acos", 1, "acos")                                                                     \
    X(ATAN, "atan", 1, "atan")                                                                     \
    X(SINH, "sinh", 1, "sinh")                                                                     \
    X(COSH, "cosh", 1, "cosh")                                                                     \
    X(TANH, "tanh", 1, "tanh")                                                                     \
    X(EXP, "exp", 1, "exp")                                                                        \
    X(LOG, "log", 1, "log")                                                                        \
    X(LOG10, "log10", 1, "log10")                                                                  \
    X(SQRT, "sqrt", 1, "sqrt")                                                                     \
    X(ABS, "abs", 1, "fabs")                                                                       \
    X(MIN, "min", 2, "")                                                                           \
    X(MAX, "max", 2, "")                                                                           \
    X(POW, "pow", 2, "pow")                                                                        \
    X(ATAN2, "atan2", 2, "atan2")                                                                  \
    X(HYPOT, "hypot", 2, "hypot")

typedef enum {
    CLOPT_EXPR_NUM, /* a number (pi and e are numbers) */
    CLOPT_EXPR_X,
    CLOPT_EXPR_Y,
    CLOPT_EXPR_NEG,
    CLOPT_EXPR_ADD,
    CLOPT_EXPR_SUB,
    CLOPT_EXPR_MUL,
    CLOPT_EXPR_DIV,
    CLOPT_EXPR_POWER, /* a ^ b; pow(a, b) parses to the same node */
#define CLOPT_EXPR_OP(ID, name, args, cl) CLOPT_EXPR_##ID,
    CLOPT_EXPR_FUNCTIONS(CLOPT_EXPR_OP)
#undef CLOPT_EXPR_OP
        CLOPT_EXPR_OPS
} clopt_expr_op;

typedef struct {
    clopt_expr_op op;
    int a, b;             /* children (indices of earlier nodes), -1 when absent */
    double value;         /* CLOPT_EXPR_NUM */
    char symbol;          /* CLOPT_EXPR_NUM: 'p' for pi, 'e' for e, 0 for a number as written */
    unsigned char dx, dy; /* whether the node depends on x, on y */
} clopt_expr_node;

typedef struct {
    size_t count;
    clopt_expr_node *nodes; /* count nodes, the root last */
    char *canonical;        /* the canonical text: equal trees, equal texts */
    uint64_t hash;          /* FNV-1a of the canonical text */
} clopt_expr;

/*
 * Every way parsing can fail, one row each: the id and the stable code that the server sends
 * beside the English sentence (the page words each code in its own language), and the keys of
 * the values the sentence uses (clopt_expr_error's args, in this order).
 */
#define CLOPT_EXPR_ERRORS(X)                                                                       \
    X(TOO_LONG, "too_long", "count limit")                                                         \
    X(EMPTY, "empty", "")                                                                          \
    X(OUT_OF_MEMORY, "out_of_memory", "")                                                          \
    X(TOO_MANY_NODES, "too_many_nodes", "limit column")                                            \
    X(TOO_DEEP, "too_deep", "limit column")                                                        \
    X(LONE_DOT, "lone_dot", "column")                                                              \
    X(NUMBER_TOO_LARGE, "number_too_large", "column")                                              \
    X(NUMBER_TOO_SMALL, "number_too_small", "column")                                              \
    X(UNKNOWN_FUNCTION, "unknown_function", "name suggestion")                                     \
    X(UNKNOWN_FUNCTION_LIST, "unknown_function_list", "name column functions")                     \
    X(MISSING_PAREN, "missing_paren", "column")                                                    \
    X(EXPECTED_COMMA_OR_PAREN, "expected_comma_or_paren", "column found open")                     \
    X(ARITY, "arity", "function expected given")                                                   \
    X(NEEDS_PARENTHESES, "needs_parentheses", "function example column")                           \
    X(UNKNOWN_NAME, "unknown_name", "name column")                                                 \
    X(EXPECTED_OPERATOR_OR_PAREN, "expected_operator_or_paren", "column found open")               \
    X(UNEXPECTED_END, "unexpected_end", "column")                                                  \
    X(EXPECTED_OPERAND, "expected_operand", "column")                                              \
    X(UNEXPECTED, "unexpected", "found column")                                                    \
    X(UNMATCHED_PAREN, "unmatched_paren", "column")                                                \
    X(MISSING_MULTIPLY, "missing_multiply", "column")                                              \
    X(EXPECTED_OPERATOR, "expected_operator", "found column")

typedef enum {
#define CLOPT_EXPR_ERROR_ID(ID, code, keys) CLOPT_EXPR_E_##ID,
    CLOPT_EXPR_ERRORS(CLOPT_EXPR_ERROR_ID)
#undef CLOPT_EXPR_ERROR_ID
        CLOPT_EXPR_ERROR_COUNT
} clopt_expr_error_id;

#define CLOPT_EXPR_MAX_ARGS 3

/* A value a sentence uses: a text (the name as typed, a suggestion, a character) when
 * text[0], else a number (a column, a count, a limit). */
typedef struct {
    char key[16]; /* one of the row's keys; "" after the last */
    long number;
    char text[100];
} clopt_expr_arg;

/*
 * Where parsing failed: the sentence, the 1-based column to underline (0: none), and the
 * same failure as data: a stable code and the sentence's values under their keys.
 */
typedef struct {
    size_t column;
    size_t length; /* characters to underline from column (at least 1 when column > 0) */
    char text[200];
    const char *code; /* a static string of CLOPT_EXPR_ERRORS ("unknown_name"); NULL: none */
    clopt_expr_arg args[CLOPT_EXPR_MAX_ARGS];
} clopt_expr_error;

/* The code of a failure: "unknown_name" for CLOPT_EXPR_E_UNKNOWN_NAME. */
const char *clopt_expr_error_code(clopt_expr_error_id id);

/*
 * Whether `text` reads as an expression rather than a function name: anything but a bare
 * identifier that is not x or y ("rosenbrok" is a misspelt name, "x" an expression).
 */
int clopt_expr_is_expression(const char *text);

/*
 * Parses `text` (numbers, x, y, pi, e, + - * / ^, parentheses and the functions above;
 * limits of CLOPT_EXPR_MAX_*), folding constant subtrees. NULL with *e filled on error
 * (also "out of memory"). Release with clopt_expr_release.
 */
clopt_expr *clopt_expr_parse(const char *text, clopt_expr_error *e);
void clopt_expr_release(clopt_expr *x);

/* The operation of a node in double (b unused by one-argument operations). */
double clopt_expr_apply(clopt_expr_op op, double a, double b);

/* f(x, y) in double on the host. */
double clopt_expr_eval(const clopt_expr *x, double vx, double vy);

/* The canonical text of a tree (x->count nodes; x->canonical is set from it by the
 * parser); malloc'ed, NULL when out of memory. */
char *clopt_expr_canonical(const clopt_expr *x);

/* The tree as TeX (for the page's formula); malloc'ed, NULL when out of memory. */
char *clopt_expr_tex(const clopt_expr *x);

/*
 * The OpenCL C definition of
 *   CLOPT_INLINE clopt_real <name>(clopt_real x, clopt_real y, clopt_real *gx, clopt_real *gy)
 * returning f and storing the exact gradient (forward mode, one statement per node), in the
 * names of cl/real.h. `name` must be an identifier of the caller's. Malloc'ed; NULL when out
 * of memory.
 */
char *clopt_expr_opencl(const clopt_expr *x, const char *name);

/* A growing text (for the printers); oom is set on the first failed allocation. */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} clopt_text;
void clopt_text_put(clopt_text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text (the caller frees it), or NULL after an allocation failed. */
char *clopt_text_finish(clopt_text *b);

/* A double as the shortest text that reads back as the same double ("100", "0.5", "1e14",
 * "1.5e-7"; "inf", "-inf" and "nan" for the others). */
void clopt_expr_format_number(char out[32], double v);
/* The same with a '.' always ("100.0", "1.0e20"), so that a suffix makes a float literal. */
void clopt_expr_format_literal(char out[32], double v);

#endif
