/*
 * The test-function catalogue: what the CLI, the server and the page show about each
 * function. The index of a function is its id in cl/functions.cl (clopt_function), so
 * the order here and there is the same; tests/test_functions.c checks every minimum
 * against the kernel code. Minima are given to double precision (docs/semantics.md; Himmelblau's
 * other three by Newton's method in double): convergence is judged against them.
 */
#include "functions.h"

#include "error.h"
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const clopt_function_info table[] = {
    {"rosenbrock",
     "(1-x)^2 + 100 (y-x^2)^2",
     "(1-x)^2 + 100\\,(y-x^2)^2",
     {-2, 2, -1, 3},
     {-1.5, 2},
     1,
     {{1, 1, 0}},
     1},
    {"beale",
     "(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
     "(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
     {-4.5, 4.5, -4.5, 4.5},
     {1, 1.5},
     1,
     {{3, 0.5, 0}},
     1},
    {"himmelblau",
     "(x^2+y-11)^2 + (x+y^2-7)^2",
     "(x^2+y-11)^2 + (x+y^2-7)^2",
     {-5, 5, -5, 5},
     {0, 0},
     4,
     {{3, 2, 0},
      {-2.805118086952745, 3.131312518250573, 0},
      {-3.779310253377747, -3.2831859912861696, 0},
      {3.5844283403304917, -1.8481265269644034, 0}},
     1},
    {"booth",
     "(x+2y-7)^2 + (2x+y-5)^2",
     "(x+2y-7)^2 + (2x+y-5)^2",
     {-10, 10, -10, 10},
     {-5, -5},
     1,
     {{1, 3, 0}},
     0},
    {"matyas",
     "0.26 (x^2+y^2) - 0.48 xy",
     "0.26\\,(x^2+y^2) - 0.48\\,xy",
     {-10, 10, -10, 10},
     {-8, 6},
     1,
     {{0, 0, 0}},
     0},
    {"sphere", "x^2 + y^2", "x^2 + y^2", {-5, 5, -5, 5}, {-4, 3}, 1, {{0, 0, 0}}, 0},
    {"quadratic",
     "0.5 (x^2 + 100 y^2)",
     "\\tfrac{1}{2}\\,(x^2 + 100\\,y^2)",
     {-10, 10, -5, 5},
     {-9, 2},
     1,
     {{0, 0, 0}},
     1},
    {"rastrigin",
     "20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)",
     "20 + x^2 - 10\\cos(2\\pi x) + y^2 - 10\\cos(2\\pi y)",
     {-5.12, 5.12, -5.12, 5.12},
     {-3.2, 4.1},
     1,
     {{0, 0, 0}},
     0},
    {"ackley",
     "-20 exp(-0.2 sqrt(0.5 (x^2+y^2))) - exp(0.5 (cos(2 pi x) + cos(2 pi y))) + e + 20",
     "-20\\,e^{-0.2\\sqrt{0.5(x^2+y^2)}} - e^{0.5(\\cos 2\\pi x + \\cos 2\\pi y)} + e + 20",
     {-5, 5, -5, 5},
     {-4.2, 3.8},
     1,
     {{0, 0, 0}},
     0},
    {"goldstein_price",
     "[1 + (x+y+1)^2 (19-14x+3x^2-14y+6xy+3y^2)] [30 + (2x-3y)^2 (18-32x+12x^2+48y-36xy+27y^2)]",
     "\\left[1 + (x+y+1)^2(19-14x+3x^2-14y+6xy+3y^2)\\right]"
     "\\left[30 + (2x-3y)^2(18-32x+12x^2+48y-36xy+27y^2)\\right]",
     {-2, 2, -2, 2},
     {-1.5, 1.5},
     1,
     {{0, -1, 3}},
     1},
    {"styblinski_tang",
     "0.5 (x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)",
     "\\tfrac{1}{2}\\,(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)",
     {-5, 5, -5, 5},
     {-0.5, 4.5},
     1,
     {{-2.903534027771178, -2.903534027771178, -78.33233140754283}},
     0},
    {"three_hump_camel",
     "2x^2 - 1.05x^4 + x^6/6 + xy + y^2",
     "2x^2 - 1.05x^4 + \\tfrac{x^6}{6} + xy + y^2",
     {-2.5, 2.5, -2.5, 2.5},
     {2, 1.5},
     1,
     {{0, 0, 0}},
     1},
    {"six_hump_camel",
     "(4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2",
     "\\left(4 - 2.1x^2 + \\tfrac{x^4}{3}\\right)x^2 + xy + (-4 + 4y^2)\\,y^2",
     {-2, 2, -1.2, 1.2},
     {1.5, 1},
     2,
     {{0.08984201310031806, -0.7126564030207396, -1.031628453489877},
      {-0.08984201310031806, 0.7126564030207396, -1.031628453489877}},
     0},
    {"mccormick",
     "sin(x+y) + (x-y)^2 - 1.5x + 2.5y + 1",
     "\\sin(x+y) + (x-y)^2 - 1.5x + 2.5y + 1",
     {-1.5, 4, -3, 4},
     {3, 3},
     1,
     {{-0.547197551196598, -1.547197551196598, -1.913222954981036}},
     0},
    {"saddle", "x^2 - y^2", "x^2 - y^2", {-2, 2, -2, 2}, {-1.5, 0.01}, 0, {{0, 0, 0}}, 0},
};

#define COUNT (sizeof table / sizeof table[0])

size_t clopt_function_count(void)
{
    return COUNT;
}

const clopt_function_info *clopt_function_get(size_t i)
{
    return i < COUNT ? &table[i] : NULL;
}

unsigned clopt_function_id(const clopt_function_info *f)
{
    return (unsigned)(f - table);
}

const clopt_function_info *clopt_function_find(const char *name, clopt_error *err)
{
    clopt_error_clear(err);
    if (!name) {
        clopt_error_set(err, CLOPT_EINVAL, "function name is NULL");
        return NULL;
    }
    const char *names[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        if (strcasecmp(name, table[i].name) == 0) return &table[i];
        names[i] = table[i].name;
    }
    const char *near = clopt_suggest(name, strlen(name), names, COUNT);
    if (near)
        clopt_error_set(err, CLOPT_EINVAL, "unknown function '%.40s'; did you mean '%s'?", name,
                        near);
    else {
        char list[200] = "";
        for (size_t i = 0; i < COUNT; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     names[i]);
        clopt_error_set(err, CLOPT_EINVAL, "unknown function '%.40s'; expected one of %s", name,
                        list);
    }
    return NULL;
}

clopt_status clopt_function_resolve(const char *text, clopt_function_ref *f,
                                    clopt_expr_error *where, clopt_error *err)
{
    clopt_error_clear(err);
    *f = (clopt_function_ref){0};
    if (where) *where = (clopt_expr_error){0};
    if (!text) return clopt_error_set(err, CLOPT_EINVAL, "function is NULL");
    if (!clopt_expr_is_expression(text)) {
        if (!(f->info = clopt_function_find(text, err))) return CLOPT_EINVAL;
        return CLOPT_OK;
    }
    clopt_expr_error e;
    if (!(f->expr = clopt_expr_parse(text, &e))) {
        if (where) *where = e;
        const int oom = e.code == clopt_expr_error_code(CLOPT_EXPR_E_OUT_OF_MEMORY);
        return clopt_error_set(err, oom ? CLOPT_ENOMEM : CLOPT_EINVAL, "%s", e.text);
    }
    if (!(f->tex = clopt_expr_tex(f->expr)) || !(f->custom = malloc(sizeof *f->custom))) {
        clopt_function_ref_release(f);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory describing an expression");
    }
    *f->custom = (clopt_function_info){f->expr->canonical,
                                       f->expr->canonical,
                                       f->tex,
                                       {-2, 2, -2, 2},
                                       {1.5, 1.5},
                                       0,
                                       {{0, 0, 0}},
                                       0};
    f->info = f->custom;
    return CLOPT_OK;
}

void clopt_function_ref_release(clopt_function_ref *f)
{
    if (!f) return;
    clopt_expr_release(f->expr);
    free(f->tex);
    free(f->custom);
    *f = (clopt_function_ref){0};
}
