/*
 * Expressions f(x, y): the language and its messages, the limits, the canonical text, the
 * generated code's value and gradient in double (compiled on the device with fp64, against
 * the host's evaluation of the tree and against central differences) at thousands of random
 * points of generated expressions, and every built-in function written as an expression,
 * whose trajectories match the built-in's within float32 accuracy.
 */
#include "harness.h"

#include "context.h"
#include "expr.h"
#include "functions.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Parses text, expecting an error with this message and column. */
static void expect_error(const char *text, const char *message, size_t column)
{
    clopt_expr_error e;
    clopt_expr *x = clopt_expr_parse(text, &e);
    CU_ASSERT_PTR_NULL(x);
    clopt_expr_release(x);
    CU_ASSERT_STRING_EQUAL(e.text, message);
    CU_ASSERT_EQUAL(e.column, column);
    if (strcmp(e.text, message) != 0 || e.column != column)
        fprintf(stderr, "\n  '%s': got '%s' at %zu; expected '%s' at %zu\n", text, e.text, e.column,
                message, column);
}

static void test_errors_name_what_and_where(void)
{
    expect_error("x^^2", "expected a number, x, y, a function or '(' at column 3", 3);
    expect_error("sin(x", "missing ')' for '(' at column 4", 4);
    expect_error("z + 1", "unknown name 'z' at column 1; the variables are x and y", 1);
    expect_error("sinn(x)", "unknown function 'sinn'; did you mean 'sin'?", 1);
    expect_error("max(x)", "max takes 2 arguments, given 1", 1);
    expect_error("sin(x, y)", "sin takes 1 argument, given 2", 1);
    expect_error("2x",
                 "expected an operator at column 2; multiplication is written with '*', "
                 "as in 2*x",
                 2);
    expect_error("x)", "')' at column 2 has no '('", 2);
    expect_error("x; system(1)", "unexpected ';' at column 2; expected an operator", 2);
    expect_error("\"x\"", "unexpected '\"' at column 1; expected a number, x, y, a function or '('",
                 1);
    expect_error("#define x 1",
                 "unexpected '#' at column 1; expected a number, x, y, a "
                 "function or '('",
                 1);
    expect_error("1e999*x", "the number at column 1 is too large", 1);
    expect_error("x + ",
                 "expected a number, x, y, a function or '(' at column 5 (the "
                 "expression ends there)",
                 5);
    expect_error("  ", "the expression is empty; write f(x, y), such as x^2 + 10*y^2", 0);
    expect_error("sqrt x", "sqrt needs its argument in parentheses, as in sin(x) at column 1", 1);
}

/* The value under key of an error (a text's, or NULL), and its number in *number. */
static const char *arg(const clopt_expr_error *e, const char *key, long *number)
{
    for (size_t i = 0; i < CLOPT_EXPR_MAX_ARGS && e->args[i].key[0]; i++)
        if (strcmp(e->args[i].key, key) == 0) {
            *number = e->args[i].number;
            return e->args[i].text[0] ? e->args[i].text : NULL;
        }
    *number = -1;
    return NULL;
}

/* Parses text, expecting an error with this code and these keys = values (numbers are written
 * in decimal, as in "column=3"), and no other values. */
static void expect_code(const char *text, const char *code, const char *const *values)
{
    clopt_expr_error e;
    clopt_expr *x = clopt_expr_parse(text, &e);
    CU_ASSERT_PTR_NULL(x);
    clopt_expr_release(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e.code);
    CU_ASSERT_STRING_EQUAL(e.code, code);
    size_t n = 0;
    for (; values[n]; n++) {
        const size_t k = strcspn(values[n], "=");
        char key[16];
        snprintf(key, sizeof key, "%.*s", (int)k, values[n]);
        long number;
        const char *t = arg(&e, key, &number);
        char got[128];
        if (t)
            snprintf(got, sizeof got, "%s", t);
        else
            snprintf(got, sizeof got, "%ld", number);
        CU_ASSERT_STRING_EQUAL(got, values[n] + k + 1);
        if (strcmp(got, values[n] + k + 1) != 0)
            fprintf(stderr, "\n  '%s': %s is '%s', expected '%s'\n", text, key, got,
                    values[n] + k + 1);
    }
    CU_ASSERT(n == CLOPT_EXPR_MAX_ARGS || !e.args[n].key[0]); /* no value left unchecked */
}

static void test_errors_carry_a_code_and_their_values(void)
{
    expect_code("x^^2", "expected_operand", (const char *[]){"column=3", NULL});
    expect_code("z + 1", "unknown_name", (const char *[]){"name=z", "column=1", NULL});
    expect_code("x + y*foo", "unknown_name", (const char *[]){"name=foo", "column=7", NULL});
    expect_code("sinn(x)", "unknown_function",
                (const char *[]){"name=sinn", "suggestion=sin", NULL});
    expect_code("2*qqqqqq(x)", "unknown_function_list",
                (const char *[]){"name=qqqqqq", "column=3",
                                 "functions=sin cos tan asin acos atan sinh cosh tanh exp log "
                                 "log10 sqrt abs min max pow atan2 hypot",
                                 NULL});
    expect_code("max(x)", "arity", (const char *[]){"function=max", "expected=2", "given=1", NULL});
    expect_code("1 + sin(x, y)", "arity",
                (const char *[]){"function=sin", "expected=1", "given=2", NULL});
    expect_code("sin(x", "missing_paren", (const char *[]){"column=4", NULL});
    expect_code("(x + 1", "missing_paren", (const char *[]){"column=1", NULL});
    expect_code("max(x; y)", "expected_comma_or_paren",
                (const char *[]){"column=6", "found=';'", "open=4", NULL});
    expect_code("x; y", "expected_operator", (const char *[]){"found=';'", "column=2", NULL});
    expect_code("x + \x01", "unexpected", (const char *[]){"found=0x01", "column=5", NULL});
    expect_code("2x", "missing_multiply", (const char *[]){"column=2", NULL});
    expect_code("sqrt x", "needs_parentheses",
                (const char *[]){"function=sqrt", "example=sin(x)", "column=1", NULL});
    expect_code("  ", "empty", (const char *[]){NULL});
    char text[CLOPT_EXPR_MAX_CHARS + 8];
    memset(text, ' ', CLOPT_EXPR_MAX_CHARS + 4);
    text[CLOPT_EXPR_MAX_CHARS + 4] = '\0';
    expect_code(text, "too_long", (const char *[]){"count=1004", "limit=1000", NULL});
    /* the code is data beside the sentence, which stays as it was */
    clopt_expr_error e;
    CU_ASSERT_PTR_NULL(clopt_expr_parse("sinn(x)", &e));
    CU_ASSERT_STRING_EQUAL(e.text, "unknown function 'sinn'; did you mean 'sin'?");
    CU_ASSERT_EQUAL(e.column, 1);
    CU_ASSERT_EQUAL(e.length, 4);
}

/* Every row of CLOPT_EXPR_ERRORS has a distinct code. */
static void test_error_codes_are_distinct(void)
{
    for (int i = 0; i < CLOPT_EXPR_ERROR_COUNT; i++) {
        const char *a = clopt_expr_error_code((clopt_expr_error_id)i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT(strlen(a) > 0);
        for (int j = 0; j < i; j++)
            CU_ASSERT(strcmp(a, clopt_expr_error_code((clopt_expr_error_id)j)) != 0);
    }
    CU_ASSERT_PTR_NULL(clopt_expr_error_code(CLOPT_EXPR_ERROR_COUNT));
}

static void test_limits_have_their_own_messages(void)
{
    char text[2 * CLOPT_EXPR_MAX_CHARS + 8];
    memset(text, ' ', CLOPT_EXPR_MAX_CHARS);
    text[CLOPT_EXPR_MAX_CHARS] = 'x';
    text[CLOPT_EXPR_MAX_CHARS + 1] = '\0';
    expect_error(text, "the expression has 1001 characters; the limit is 1,000", 0);
    /* 64 parentheses deep is fine, 65 is not */
    size_t n = 0;
    for (int i = 0; i < 64; i++)
        text[n++] = '(';
    text[n++] = 'x';
    for (int i = 0; i < 64; i++)
        text[n++] = ')';
    text[n] = '\0';
    clopt_expr_error e;
    clopt_expr *x = clopt_expr_parse(text, &e);
    CU_ASSERT_PTR_NOT_NULL(x);
    clopt_expr_release(x);
    memmove(text + 1, text, n + 1);
    text[0] = '(';
    strcat(text, ")");
    expect_error(text, "nesting deeper than 64 at column 65", 65);
    expect_code(text, "too_deep", (const char *[]){"limit=64", "column=65", NULL});
    /* 2,000 nodes: x+x+...+x with 1,000 x is 1,999 nodes; 1,001 x is 2,001 */
    n = 0;
    for (int i = 0; i < 499; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "x+");
    text[n++] = 'x';
    text[n] = '\0';
    CU_ASSERT_PTR_NOT_NULL(x = clopt_expr_parse(text, &e));
    CU_ASSERT_EQUAL(x ? x->count : 0, 999);
    clopt_expr_release(x);
    char *big = malloc(4 * CLOPT_EXPR_MAX_NODES);
    n = 0;
    for (int i = 0; i < 500; i++)
        n += (size_t)snprintf(big + n, 8, "x*y+");
    big[n++] = 'x';
    big[n] = '\0';
    x = clopt_expr_parse(big, &e); /* 2,001 characters: the length limit comes first */
    CU_ASSERT_PTR_NULL(x);
    free(big);
    /* The node limit guards the tree: every node takes at least one character, so within
     * 1,000 characters the text cannot reach 2,000 nodes and the limit has no test here. */
}

static double eval(const char *text, double x, double y)
{
    clopt_expr_error e;
    clopt_expr *t = clopt_expr_parse(text, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const double v = clopt_expr_eval(t, x, y);
    clopt_expr_release(t);
    return v;
}

static void test_precedence_and_associativity(void)
{
    CU_ASSERT_DOUBLE_EQUAL(eval("-x^2", 3, 0), -9, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("2^3^2", 0, 0), 512, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("2^-1", 0, 0), 0.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("1 - 2 - 3", 0, 0), -4, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("8 / 4 / 2", 0, 0), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("1 + 2 * 3 ^ 2", 0, 0), 19, 0);
    CU_ASSERT_DOUBLE_EQUAL(eval("pi + e", 0, 0), 3.14159265358979323846 + 2.71828182845904523536,
                           1e-15);
    CU_ASSERT_DOUBLE_EQUAL(eval("1e-3 * x + .5", 2, 0), 0.502, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(eval("atan2(y, x) + hypot(x, y) + min(x, y) - max(x, y)", 3, 4),
                           atan2(4, 3) + 5 + 3 - 4, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(eval("pow(x, 2) + log10(100) + abs(-y)", 3, 2), 9 + 2 + 2, 1e-15);
}

static void test_canonical_text_identifies_trees(void)
{
    const char *same[][2] = {{"x^2 + y", " x ^ 2+(y) "},
                             {"-x^2", "-(x^2)"},
                             {"(1-x)^2 + 100*(y-x^2)^2", "(1 - x)^2 + 100 * (y - x^2)^2"},
                             {"1e2*x", "100*x"},
                             {"x - (y - 1)", "x-(y-1)"}};
    const char *different[][2] = {{"(x+y)+1", "x+(y+1)"}, {"(-x)^2", "-x^2"}, {"x/y/2", "x/(y/2)"}};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        for (int k = 0; k < 2; k++) {
            clopt_expr_error e;
            clopt_expr *a = clopt_expr_parse(same[i][0], &e), *b = clopt_expr_parse(same[i][k], &e);
            CU_ASSERT_STRING_EQUAL(a->canonical, b->canonical);
            CU_ASSERT_EQUAL(a->hash, b->hash);
            /* the canonical text parses back to itself */
            clopt_expr *c = clopt_expr_parse(a->canonical, &e);
            CU_ASSERT_STRING_EQUAL(c->canonical, a->canonical);
            clopt_expr_release(a);
            clopt_expr_release(b);
            clopt_expr_release(c);
        }
    for (size_t i = 0; i < sizeof different / sizeof different[0]; i++) {
        clopt_expr_error e;
        clopt_expr *a = clopt_expr_parse(different[i][0], &e);
        clopt_expr *b = clopt_expr_parse(different[i][1], &e);
        CU_ASSERT_STRING_NOT_EQUAL(a->canonical, b->canonical);
        clopt_expr *c = clopt_expr_parse(a->canonical, &e);
        CU_ASSERT_STRING_EQUAL(c->canonical, a->canonical);
        clopt_expr_release(a);
        clopt_expr_release(b);
        clopt_expr_release(c);
    }
    CU_ASSERT(clopt_expr_is_expression("x"));
    CU_ASSERT(clopt_expr_is_expression("x^2"));
    CU_ASSERT(clopt_expr_is_expression("2"));
    CU_ASSERT(!clopt_expr_is_expression("rosenbrok"));
    CU_ASSERT(!clopt_expr_is_expression("pi"));
}

/* Numbers print in their shortest round-trip form: never longer than any way to type them. */
static void test_numbers_print_in_their_shortest_form(void)
{
    const struct {
        double v;
        const char *text;
    } cases[] = {{1e14, "1e14"},
                 {100, "100"},
                 {1000, "1e3"},
                 {0.5, "0.5"},
                 {0.01, "0.01"},
                 {0.001, "1e-3"},
                 {1.5e-7, "1.5e-7"},
                 {-2.5e20, "-2.5e20"},
                 {123456, "123456"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {1e300, "1e300"},
                 {-0.0, "-0"},
                 {1.25e-310, "1.25e-310"},
                 {12345.5, "12345.5"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32];
        clopt_expr_format_number(out, cases[i].v);
        CU_ASSERT_STRING_EQUAL(out, cases[i].text);
        if (strcmp(out, cases[i].text) != 0)
            fprintf(stderr, "\n  %.17g printed as '%s'; expected '%s'\n", cases[i].v, out,
                    cases[i].text);
    }
    char lit[32];
    clopt_expr_format_literal(lit, 1e14);
    CU_ASSERT_STRING_EQUAL(lit, "1.0e14");
}

/* Whatever parses, parses again from its canonical text: 142 terms of 1e14*x (993 characters)
 * once printed 1e14 as 100000000000000, 2,555 characters that no parser took back (and the
 * server crashed on such a run without starts). */
static void test_canonical_text_of_an_accepted_expression_parses_again(void)
{
    char text[CLOPT_EXPR_MAX_CHARS + 1] = "";
    for (int i = 0; i < 142; i++)
        strcat(text, i ? "+1e14*x" : "1e14*x");
    CU_ASSERT_EQUAL(strlen(text), 993);
    clopt_expr_error e;
    clopt_expr *a = clopt_expr_parse(text, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT(strlen(a->canonical) <= strlen(text));
    clopt_expr *b = clopt_expr_parse(a->canonical, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->canonical, a->canonical);
    clopt_expr_release(a);
    clopt_expr_release(b);
    /* .5 is written 0.5: past the limit written in full, refused with that length */
    text[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(text, i ? "+.5*x" : ".5*x");
    CU_ASSERT_PTR_NULL(clopt_expr_parse(text, &e));
    CU_ASSERT_STRING_EQUAL_FATAL(e.code ? e.code : "", "too_long");
    CU_ASSERT_STRING_EQUAL(e.args[0].key, "count");
    CU_ASSERT_EQUAL(e.args[0].number, 200 * 6 - 1);
    CU_ASSERT_STRING_EQUAL(e.text, "the expression has 1199 characters written in full (as "
                                   "0.5*x+0.5*x+0.5*x+0....); the limit is 1,000");
}

/* Constants are float32 in the kernels: one that is inf or 0 there is refused where typed
 * (x*1e-300*1e300 and x + 1e39 - 1e39 once gave landscapes of nulls). */
static void test_constants_beyond_float32_are_refused(void)
{
    expect_error("x*1e-300*1e300",
                 "the number at column 3 is too small for float32 (its smallest normal magnitude "
                 "is 1.2e-38); write 0 or a larger number",
                 3);
    expect_error("x + 1e39 - 1e39", "the number at column 5 is too large", 5);
    clopt_expr_error e;
    CU_ASSERT_PTR_NULL(clopt_expr_parse("x*1e-300", &e));
    CU_ASSERT_STRING_EQUAL(e.code ? e.code : "", "number_too_small");
    CU_ASSERT_STRING_EQUAL(e.args[0].key, "column");
    CU_ASSERT_EQUAL(e.args[0].number, 3);
    clopt_expr *ok = clopt_expr_parse("x*1.2e-38 + 3e38 + 0e-400*y", &e);
    CU_ASSERT_PTR_NOT_NULL(ok);
    clopt_expr_release(ok);
}

/* ---- generated expressions in double on the device ---- */

static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* A random expression of the whole language whose arguments stay in each function's domain. */
static void random_expr(uint64_t *s, int depth, char *out, size_t cap)
{
    char a[1024], b[1024];
    const unsigned pick = (unsigned)(next(s) >> 33) % (depth <= 0 ? 4 : 28); /* 4 + forms */
    if (pick < 4) {
        static const char *const leaves[] = {"x", "y", "1.5", "pi"};
        snprintf(out, cap, "%s",
                 pick == 2 ? (const char *[]){"1.5", "0.25", "3", "e"}[next(s) % 4] : leaves[pick]);
        return;
    }
    random_expr(s, depth - 1, a, sizeof a);
    random_expr(s, depth - 1, b, sizeof b);
    static const char *const forms[] = {"%s + %s",
                                        "%s - %s",
                                        "(%s) * (%s)",
                                        "(%s) / (1 + (%s)^2)",
                                        "-(%s) + 0*%s",
                                        "(%s)^2 + %s",
                                        "(%s)^3 - %s",
                                        "(1 + (%s)^2)^(0.5 + 0*%s)",
                                        "sin(%s) * %s",
                                        "cos(%s) + %s",
                                        "tan(tanh(%s)) + %s",
                                        "asin(0.9*tanh(%s)) * %s",
                                        "acos(0.9*tanh(%s)) - %s",
                                        "atan(%s) + %s",
                                        "sinh(tanh(%s)) * %s",
                                        "cosh(tanh(%s)) + %s",
                                        "exp(tanh(%s)) * %s",
                                        "log(1 + (%s)^2) + %s",
                                        "log10(2 + (%s)^2) * %s",
                                        "sqrt(1 + (%s)^2) - %s",
                                        "abs(%s) + %s",
                                        "min(%s, %s)",
                                        "max(%s, %s)",
                                        "pow(1 + (%s)^2, tanh(%s))",
                                        "atan2(%s, 2 + (%s)^2)",
                                        "hypot(%s, 1 + (%s)^2)",
                                        "(1 + (%s)^2)^-2 + %s",
                                        "(%s) * (2 + (%s)^2)^(-3)"};
    enum { NFORMS = sizeof forms / sizeof forms[0] };
    snprintf(out, cap, forms[(pick - 4 + (next(s) % 4)) % NFORMS], a, b);
}

/* A program of n generated functions e<i> and a kernel evaluating each at its points. */
static cl_program build_double_program(clopt_expr **xs, size_t n)
{
    clopt_text t = {0};
    clopt_text_put(&t, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
                       "typedef double clopt_real;\n#define CLOPT_INLINE inline\n"
                       "#define CLOPT_K(c) c\n#define CLOPT_SELECT(a, b, c) ((c) ? (b) : (a))\n"
                       "#define CLOPT_SINCOS(x, c) sincos((x), (c))\n");
    for (size_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "e%zu", i);
        char *f = clopt_expr_opencl(xs[i], name);
        clopt_text_put(&t, "%s", f);
        free(f);
    }
    clopt_text_put(&t, "__kernel void evaluate(uint which, uint m, __global const double *xy, "
                       "__global double *out)\n{\n    const uint i = get_global_id(0);\n"
                       "    if (i >= m) return;\n    const double h = 1e-6;\n"
                       "    double x = xy[2 * i], y = xy[2 * i + 1], gx, gy, u, v;\n"
                       "    switch (which) {\n");
    for (size_t i = 0; i < n; i++)
        clopt_text_put(&t,
                       "    case %zu: out[5 * i] = e%zu(x, y, &gx, &gy); out[5 * i + 1] = gx; "
                       "out[5 * i + 2] = gy;\n"
                       "      out[5 * i + 3] = (e%zu(x + h, y, &u, &v) - e%zu(x - h, y, &u, &v)) "
                       "/ (2 * h);\n"
                       "      out[5 * i + 4] = (e%zu(x, y + h, &u, &v) - e%zu(x, y - h, &u, &v)) "
                       "/ (2 * h);\n      break;\n",
                       i, i, i, i, i, i);
    clopt_text_put(&t, "    }\n}\n");
    char *src = clopt_text_finish(&t);
    clopt_context *ctx = test_context();
    cl_int rc;
    const char *s = src;
    cl_program p = clCreateProgramWithSource(ctx->cl, 1, &s, NULL, &rc);
    if (rc == CL_SUCCESS) rc = clBuildProgram(p, 1, &ctx->device, "-cl-std=CL1.2", NULL, NULL);
    if (rc != CL_SUCCESS) {
        char log[4096] = "";
        clGetProgramBuildInfo(p, ctx->device, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        fprintf(stderr, "\n  build failed (%d): %.4000s\n", rc, log);
    }
    CU_ASSERT_EQUAL(rc, CL_SUCCESS);
    free(src);
    return rc == CL_SUCCESS ? p : NULL;
}

/*
 * Gradients at kinks, in double on the device, against sympy's limits (sympy 1.14): where the
 * limit of the derivative exists and is finite it is the value (limit(diff(x**1.5, x), x, 0)
 * = 0; limit(diff(x**y, y).subs(y, 2), x, 0, '+') = 0); where it is infinite or depends on
 * the direction (sqrt(x^2 + y^2) and hypot at the origin, x^0.5 at 0) the convention says 0,
 * as for abs. Ackley written out has the built-in's zero gradient at its minimum.
 */
/* Kernel `evaluate` of expression `which` at m points of dxy, read back into out (5 m). */
static void evaluate(clopt_context *ctx, cl_kernel k, cl_uint which, cl_uint m, cl_mem dxy,
                     cl_mem dout, double *out)
{
    clSetKernelArg(k, 0, sizeof which, &which);
    clSetKernelArg(k, 1, sizeof m, &m);
    clSetKernelArg(k, 2, sizeof dxy, &dxy);
    clSetKernelArg(k, 3, sizeof dout, &dout);
    const size_t global = m;
    CU_ASSERT_EQUAL(clEnqueueNDRangeKernel(ctx->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL),
                    CL_SUCCESS);
    clEnqueueReadBuffer(ctx->queue, dout, CL_TRUE, 0, 5 * sizeof *out * m, out, 0, NULL, NULL);
}

static void test_gradients_at_kinks_follow_the_convention(void)
{
    const struct {
        const char *f;
        double x, y, gx, gy;
    } cases[] = {
        {"sqrt(x^2 + y^2)", 0, 0, 0, 0},
        {"hypot(x, y)", 0, 0, 0, 0},
        {"sqrt(x^2)", 0, 0, 0, 0},
        {"x^1.5 + y", 0, 0, 0, 1},
        {"x^0.5 + y^2", 0, 1, 0, 2},
        {"pow(x, y)", 0, 2, 0, 0},
        {"-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20", 0, 0,
         0, 0},
        {"sqrt(x^2 + y^2)", 3, 4, 0.6, 0.8},
        {"hypot(x, y)", -3, 4, -0.6, 0.8},
        {"x^1.5 + y", 4, 0, 3, 1},
    };
    enum { K = sizeof cases / sizeof cases[0] };
    clopt_expr *xs[K];
    for (size_t k = 0; k < K; k++) {
        clopt_expr_error e;
        xs[k] = clopt_expr_parse(cases[k].f, &e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(xs[k]);
    }
    cl_program p = build_double_program(xs, K);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    clopt_context *ctx = test_context();
    cl_int rc;
    cl_kernel kern = clCreateKernel(p, "evaluate", &rc);
    CU_ASSERT_EQUAL_FATAL(rc, CL_SUCCESS);
    cl_mem xy = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY, 2 * sizeof(double), NULL, &rc);
    cl_mem out = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, 5 * sizeof(double), NULL, &rc);
    for (cl_uint k = 0; k < K; k++) {
        const double at[2] = {cases[k].x, cases[k].y};
        double o[5];
        const cl_uint m = 1;
        const size_t one = 1;
        clEnqueueWriteBuffer(ctx->queue, xy, CL_TRUE, 0, sizeof at, at, 0, NULL, NULL);
        clSetKernelArg(kern, 0, sizeof k, &k);
        clSetKernelArg(kern, 1, sizeof m, &m);
        clSetKernelArg(kern, 2, sizeof xy, &xy);
        clSetKernelArg(kern, 3, sizeof out, &out);
        CU_ASSERT_EQUAL(
            clEnqueueNDRangeKernel(ctx->queue, kern, 1, NULL, &one, &one, 0, NULL, NULL),
            CL_SUCCESS);
        clEnqueueReadBuffer(ctx->queue, out, CL_TRUE, 0, sizeof o, o, 0, NULL, NULL);
        const int ok = fabs(o[1] - cases[k].gx) <= 1e-15 && fabs(o[2] - cases[k].gy) <= 1e-15;
        CU_ASSERT(ok);
        if (!ok)
            fprintf(stderr, "\n  grad %s at (%g, %g) = (%.17g, %.17g); expected (%g, %g)\n",
                    cases[k].f, cases[k].x, cases[k].y, o[1], o[2], cases[k].gx, cases[k].gy);
    }
    clReleaseMemObject(xy);
    clReleaseMemObject(out);
    clReleaseKernel(kern);
    clReleaseProgram(p);
    for (size_t k = 0; k < K; k++)
        clopt_expr_release(xs[k]);
}

static void test_generated_gradients_match_central_differences_in_double(void)
{
    enum { EXPRESSIONS = 60, POINTS = 200 };
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    clopt_expr *xs[EXPRESSIONS];
    uint64_t s = 0x9e3779b97f4a7c15ull;
    char text[CLOPT_EXPR_MAX_CHARS * 4];
    size_t made = 0;
    while (made < EXPRESSIONS) {
        random_expr(&s, 2 + (int)(made % 3), text, sizeof text);
        clopt_expr_error e;
        if (strlen(text) <= CLOPT_EXPR_MAX_CHARS && (xs[made] = clopt_expr_parse(text, &e))) made++;
    }
    cl_program p = build_double_program(xs, EXPRESSIONS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    cl_int rc;
    cl_kernel k = clCreateKernel(p, "evaluate", &rc);
    double xy[2 * POINTS], out[5 * POINTS];
    cl_mem dxy = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY, sizeof xy, NULL, &rc);
    cl_mem dout = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, sizeof out, NULL, &rc);
    size_t checked = 0;
    double worst = 0;
    for (size_t i = 0; i < EXPRESSIONS; i++) {
        for (size_t j = 0; j < 2 * POINTS; j++)
            xy[j] = 2.0 * test_uniform(&s);
        clEnqueueWriteBuffer(ctx->queue, dxy, CL_TRUE, 0, sizeof xy, xy, 0, NULL, NULL);
        evaluate(ctx, k, (cl_uint)i, POINTS, dxy, dout, out);
        for (size_t j = 0; j < POINTS; j++) {
            const double *o = &out[5 * j];
            const double host = clopt_expr_eval(xs[i], xy[2 * j], xy[2 * j + 1]);
            const double tv = 1e-12 * (1 + fabs(host));
            const double h = 1e-6;
            /* truncation O(h^2 f''') and cancellation eps |f| / h, with room for both */
            const double tx = 1e-5 * (1 + fabs(o[1])) + 64 * DBL_EPSILON * (1 + fabs(o[0])) / h;
            const double ty = 1e-5 * (1 + fabs(o[2])) + 64 * DBL_EPSILON * (1 + fabs(o[0])) / h;
            const double r = fmax(fabs(o[3] - o[1]) / tx, fabs(o[4] - o[2]) / ty);
            if (!(fabs(o[0] - host) <= tv) || !(r <= 1)) {
                CU_FAIL("generated value or gradient is off");
                fprintf(stderr,
                        "\n  f = %s at (%.17g, %.17g): f %.17g (host %.17g), gradient (%.10g, "
                        "%.10g), central differences (%.10g, %.10g)\n",
                        xs[i]->canonical, xy[2 * j], xy[2 * j + 1], o[0], host, o[1], o[2], o[3],
                        o[4]);
                break;
            }
            worst = fmax(worst, r);
            checked++;
        }
    }
    fprintf(stderr, "\n  %zu points of %d expressions; worst gradient error / tolerance %.3g\n",
            checked, EXPRESSIONS, worst);
    CU_ASSERT_EQUAL(checked, (size_t)EXPRESSIONS * POINTS);
    clReleaseMemObject(dxy);
    clReleaseMemObject(dout);
    clReleaseKernel(k);
    clReleaseProgram(p);
    for (size_t i = 0; i < EXPRESSIONS; i++)
        clopt_expr_release(xs[i]);
}

/*
 * Powers against their derivatives written out by hand, in double on the device: integer
 * exponents below 0 (the generator writes u^k as 1 / u^-k, and its derivative k / u^(1-k)),
 * 0 and 1, constant fractional ones (c u^(c-1) through pow), a constant base (2^x) and a
 * variable one (x^x), on points in [0.5, 2]^2. The
 * generated code is a few products and at most one pow, log or exp (each within 16 ulp in
 * double, OpenCL 1.2 section 7.4), so value and gradient are within 1e-12 relative.
 */
typedef struct {
    const char *text;
    double (*f)(double x, double y, double *fx, double *fy);
} power_case;

static double p_inv(double x, double y, double *fx, double *fy)
{
    *fx = -1 / (x * x), *fy = 0;
    return 1 / x + 0 * y;
}
static double p_inv2(double x, double y, double *fx, double *fy)
{
    *fx = -2 / (x * x * x), *fy = 1;
    return 1 / (x * x) + y;
}
static double p_inv3(double x, double y, double *fx, double *fy)
{
    *fx = -3 * y * y / (x * x * x * x), *fy = 2 * y / (x * x * x);
    return y * y / (x * x * x);
}
static double p_zero(double x, double y, double *fx, double *fy)
{
    (void)x;
    *fx = 0, *fy = 1;
    return 1 + y;
}
static double p_one(double x, double y, double *fx, double *fy)
{
    *fx = 3, *fy = -4 / (y * y * y * y * y);
    return 3 * x + 1 / (y * y * y * y);
}
static double p_exp2(double x, double y, double *fx, double *fy)
{
    *fx = log(2.0) * pow(2.0, x) / y, *fy = -pow(2.0, x) / (y * y);
    return pow(2.0, x) / y;
}
static double p_xx(double x, double y, double *fx, double *fy)
{
    *fx = pow(x, x) * (log(x) + 1), *fy = 0;
    return pow(x, x) + 0 * y;
}
static double p_chain(double x, double y, double *fx, double *fy)
{
    const double q = x * x + y;
    *fx = -2 * 2 * x / (q * q * q), *fy = -2 / (q * q * q);
    return 1 / (q * q);
}

static double p_frac(double x, double y, double *fx, double *fy)
{
    *fx = 1.5 * sqrt(x), *fy = 0.5 / sqrt(y);
    return x * sqrt(x) + sqrt(y);
}

static void test_powers_have_the_derivatives_written_out(void)
{
    static const power_case cases[] = {
        {"x^-1", p_inv},     {"x^-2 + y", p_inv2},      {"y^2 * x^-3", p_inv3},
        {"x^0 + y", p_zero}, {"3*x^1 + y^(-4)", p_one}, {"2^x * y^-1", p_exp2},
        {"x^x", p_xx},       {"(x^2 + y)^-2", p_chain}, {"x^1.5 + y^0.5", p_frac},
    };
    enum { N = sizeof cases / sizeof cases[0], POINTS = 16 };
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    clopt_expr *xs[N];
    for (size_t i = 0; i < N; i++) {
        clopt_expr_error e;
        xs[i] = clopt_expr_parse(cases[i].text, &e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(xs[i]);
    }
    cl_program p = build_double_program(xs, N);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    cl_int rc;
    cl_kernel k = clCreateKernel(p, "evaluate", &rc);
    double xy[2 * POINTS], out[5 * POINTS];
    for (size_t j = 0; j < POINTS; j++) /* a 4 x 4 grid over [0.5, 2]^2 */
        xy[2 * j] = 0.5 + 0.5 * (double)(j % 4), xy[2 * j + 1] = 0.5 + 0.5 * (double)(j / 4);
    cl_mem dxy =
        clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof xy, xy, &rc);
    cl_mem dout = clCreateBuffer(ctx->cl, CL_MEM_WRITE_ONLY, sizeof out, NULL, &rc);
    size_t checked = 0;
    for (size_t i = 0; i < N; i++) {
        evaluate(ctx, k, (cl_uint)i, POINTS, dxy, dout, out);
        for (size_t j = 0; j < POINTS; j++) {
            double fx, fy;
            const double x = xy[2 * j], y = xy[2 * j + 1], f = cases[i].f(x, y, &fx, &fy);
            const double *o = &out[5 * j];
            const int ok = fabs(o[0] - f) <= 1e-12 * fabs(f) &&
                           fabs(o[1] - fx) <= 1e-12 * fabs(fx) &&
                           fabs(o[2] - fy) <= 1e-12 * fabs(fy);
            CU_ASSERT(ok);
            if (!ok) {
                fprintf(stderr,
                        "\n  %s at (%g, %g): f %.17g gradient (%.17g, %.17g); by hand %.17g "
                        "(%.17g, %.17g)\n",
                        cases[i].text, x, y, o[0], o[1], o[2], f, fx, fy);
                break;
            }
            checked++;
        }
    }
    CU_ASSERT_EQUAL(checked, (size_t)N * POINTS);
    clReleaseMemObject(dxy);
    clReleaseMemObject(dout);
    clReleaseKernel(k);
    clReleaseProgram(p);
    for (size_t i = 0; i < N; i++)
        clopt_expr_release(xs[i]);
}

/* ---- the built-ins written out ---- */

static const char *const written_out[][2] = {
    {"rosenbrock", "(1-x)^2 + 100*(y-x^2)^2"},
    {"beale", "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2"},
    {"himmelblau", "(x^2+y-11)^2 + (x+y^2-7)^2"},
    {"booth", "(x+2*y-7)^2 + (2*x+y-5)^2"},
    {"matyas", "0.26*(x^2+y^2) - 0.48*x*y"},
    {"sphere", "x^2 + y^2"},
    {"quadratic", "0.5*(x^2 + 100*y^2)"},
    {"rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)"},
    {"ackley", "-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20"},
    {"goldstein_price", "(1 + (x+y+1)^2*(19-14*x+3*x^2-14*y+6*x*y+3*y^2)) * "
                        "(30 + (2*x-3*y)^2*(18-32*x+12*x^2+48*y-36*x*y+27*y^2))"},
    {"styblinski_tang", "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)"},
    {"three_hump_camel", "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2"},
    {"six_hump_camel", "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2"},
    {"mccormick", "sin(x+y) + (x-y)^2 - 1.5*x + 2.5*y + 1"},
    {"saddle", "x^2 - y^2"},
};

/* The points of a whole run, NaN after divergence. */
static float *run_points(const char *function, const char *const *specs, size_t nspecs,
                         const double *start, uint64_t steps, size_t *count)
{
    clopt_run_options o = {
        function, specs, nspecs, start, 1, steps, 1, 0, 0, 0, CLOPT_PRECISION_FLOAT};
    clopt_error err;
    clopt_run *r = clopt_run_create(test_context(), &o, &err);
    if (!r) {
        fprintf(stderr, "\n  %s: %s\n", function, err.text);
        return NULL;
    }
    const size_t rows = (size_t)steps + 1;
    float *pts = malloc(nspecs * rows * 3 * sizeof *pts);
    while (!clopt_run_finished(r)) {
        clopt_slice s;
        if (clopt_run_advance(r, 0, &s, &err) != CLOPT_OK) break;
        for (size_t row = 0; row < s.rows; row++)
            for (size_t t = 0; t < s.trajectories; t++)
                memcpy(&pts[(t * rows + s.first_step + row) * 3],
                       &s.data[(row * s.trajectories + t) * s.components], 3 * sizeof(float));
    }
    clopt_run_release(r);
    *count = nspecs * rows;
    return pts;
}

static void test_builtins_written_out_give_the_same_trajectories(void)
{
    /*
     * The expression computes the same function with its own rounding (1e2*(b*b) where the
     * built-in has (1e2*b)*b, ...): each step differs by a few float ulps, which the
     * optimizers carry along. Adam and SGD stay within a few ulps (Rosenbrock's Adam run:
     * 5e-7 after 1,000 steps); RMSprop near a minimum jitters by its step (lr = 1e-3) and a
     * one-ulp difference in the gradient can flip a jitter, so the bound is 2e-3 *
     * (1 + |value|): two such steps. The worst seen is printed.
     */
    const char *specs[] = {"adam(lr=0.01)", "sgd(lr=0.0005, momentum=0.9)", "rmsprop(lr=0.001)"};
    const uint64_t steps = test_quick() ? 100 : 1000;
    double worst = 0;
    const char *worst_at = "";
    for (size_t f = 0; f < sizeof written_out / sizeof written_out[0]; f++) {
        const clopt_function_info *info = clopt_function_find(written_out[f][0], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(info);
        size_t n = 0, m = 0;
        float *a = run_points(written_out[f][0], specs, 3, info->start, steps, &n);
        float *b = run_points(written_out[f][1], specs, 3, info->start, steps, &m);
        CU_ASSERT_PTR_NOT_NULL(a);
        CU_ASSERT_PTR_NOT_NULL(b);
        if (a && b)
            for (size_t i = 0; i < 3 * n; i++) {
                const double d = fabs((double)a[i] - b[i]) / (1 + fabs((double)a[i]));
                if (isnan(a[i]) != isnan(b[i]) || d > 2e-3) {
                    CU_FAIL("an expression's trajectory left the built-in's");
                    fprintf(stderr, "\n  %s: point %zu component %zu: %.9g vs %.9g\n",
                            written_out[f][0], i / 3, i % 3, a[i], b[i]);
                    break;
                }
                if (d > worst) {
                    worst = d;
                    worst_at = written_out[f][0];
                }
            }
        free(a);
        free(b);
    }
    fprintf(stderr, "\n  worst difference / (1 + |value|): %.3g (%s)\n", worst, worst_at);
}

static void test_programs_are_cached_by_tree(void)
{
    clopt_context *ctx = test_context();
    const uint64_t before = clopt_programs_builds(ctx->programs);
    float v[4];
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "x^2 + 3*y", 2, 2, NULL, v, NULL, NULL, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "x ^ 2 + (3 * y)", 2, 2, NULL, v, NULL, NULL, &err),
                    CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_programs_builds(ctx->programs), before + 1);
    /* the default view is [-2, 2] x [-2, 2] */
    CU_ASSERT_DOUBLE_EQUAL(v[0], 4 - 6, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(v[3], 4 + 6, 1e-6);
    CU_ASSERT_EQUAL(clopt_landscape(ctx, "x^^2", 2, 2, NULL, v, NULL, NULL, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "at column 3");
}

static void test_program_cache_keeps_the_most_recently_used(void)
{
    /* a context's cache, swapped for one of two programs: a third evicts the oldest */
    clopt_context *ctx = test_context();
    clopt_programs *own = ctx->programs;
    ctx->programs = clopt_programs_create(2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx->programs);
    float v[4];
    const char *f[] = {"x + 2*y", "x + 3*y", "x + 4*y"};
    const int order[] = {0, 1, 0, 2, 0, 1}; /* the 2 evicts 1 (0 was used since); 1 evicts 2 */
    const uint64_t builds[] = {1, 2, 2, 3, 3, 4};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        CU_ASSERT_EQUAL(clopt_landscape(ctx, f[order[i]], 2, 2, NULL, v, NULL, NULL, NULL),
                        CLOPT_OK);
        CU_ASSERT_EQUAL(clopt_programs_builds(ctx->programs), builds[i]);
        CU_ASSERT_DOUBLE_EQUAL(v[0], -2 - 2 * (order[i] + 2), 1e-6);
    }
    clopt_programs_release(ctx->programs);
    ctx->programs = own;
}

CU_TestInfo expr_tests[] = {
    {"errors name what and where", test_errors_name_what_and_where},
    {"errors carry a code and their values", test_errors_carry_a_code_and_their_values},
    {"error codes are distinct", test_error_codes_are_distinct},
    {"limits have their own messages", test_limits_have_their_own_messages},
    {"precedence and associativity", test_precedence_and_associativity},
    {"canonical text identifies trees", test_canonical_text_identifies_trees},
    {"powers have the derivatives written out", test_powers_have_the_derivatives_written_out},
    {"numbers print in their shortest form", test_numbers_print_in_their_shortest_form},
    {"constants beyond float32 are refused", test_constants_beyond_float32_are_refused},
    {"canonical text of an accepted expression parses again",
     test_canonical_text_of_an_accepted_expression_parses_again},
    {"gradients at kinks follow the convention", test_gradients_at_kinks_follow_the_convention},
    {"generated gradients match central differences in double",
     test_generated_gradients_match_central_differences_in_double},
    {"built-ins written out give the same trajectories",
     test_builtins_written_out_give_the_same_trajectories},
    {"programs are cached by tree", test_programs_are_cached_by_tree},
    {"program cache keeps the most recently used", test_program_cache_keeps_the_most_recently_used},
    CU_TEST_INFO_NULL,
};
