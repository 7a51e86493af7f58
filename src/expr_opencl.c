/*
 * OpenCL C from an expression tree, forward mode: one statement per node for its value
 * v<i> (with sin and cos, one sincos that also gives the other, c<i> or s<i>, for the
 * derivative) and, where the node depends on x (on y), one for its derivative a<i> (b<i>).
 * Subtrees without x and y are folded in double on the host. Everything printed comes from
 * this file's templates, the function table of expr.h and numbers printed by
 * clopt_expr_format_number: no byte of the person's text reaches the source.
 *
 * Conventions where f has a kink: d|u| = sign(u) du with sign(0) = 0; min and max take the
 * derivative of the branch they choose (the first argument on a tie); sqrt(u), hypot(u, v)
 * and u^c (c not an integer) or u^v have derivative 0 where sqrt(u), hypot(u, v) or u is 0,
 * where the formula is 0/0 or infinite: a minimum at such a point (a norm, Ackley) has the
 * zero gradient its built-in twin has, and the limit wherever that is finite (x^1.5 at 0).
 */
#include "expr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define put clopt_text_put

static const char *const builtin[] = {
#define CLOPT_EXPR_CL(ID, name, args, cl) [CLOPT_EXPR_##ID] = cl,
    CLOPT_EXPR_FUNCTIONS(CLOPT_EXPR_CL)
#undef CLOPT_EXPR_CL
};

enum { ZERO, ONE, VAR };

typedef struct {
    int kind;
    char name[16];
} ref;

/* The value of node i: x, y or v<i>. */
static ref value_ref(const clopt_expr_node *nodes, int i)
{
    ref r = {VAR, ""};
    if (nodes[i].op == CLOPT_EXPR_X || nodes[i].op == CLOPT_EXPR_Y)
        snprintf(r.name, sizeof r.name, "%s", nodes[i].op == CLOPT_EXPR_X ? "x" : "y");
    else
        snprintf(r.name, sizeof r.name, "v%d", i);
    return r;
}

/* The derivative of node i by x (w = 0) or y (w = 1): zero, one or a<i> / b<i>. */
static ref derivative_ref(const clopt_expr_node *nodes, int i, int w)
{
    ref r = {ZERO, ""};
    const clopt_expr_node *n = &nodes[i];
    if (!(w ? n->dy : n->dx)) return r;
    if (n->op == CLOPT_EXPR_X || n->op == CLOPT_EXPR_Y) {
        r.kind = ONE;
        return r;
    }
    r.kind = VAR;
    snprintf(r.name, sizeof r.name, "%c%d", w ? 'b' : 'a', i);
    return r;
}

/*
 * A linear combination c1 d1 + c2 d2 between prefix and suffix. A coefficient is "" (1),
 * "-" (-1) or an expression; terms whose derivative is zero are left out.
 */
static void combine(clopt_text *b, const char *prefix, const char *c1, ref d1, const char *c2,
                    ref d2, const char *suffix)
{
    put(b, "%s", prefix);
    const char *c[2] = {c1, c2};
    const ref d[2] = {d1, d2};
    int first = 1;
    for (int k = 0; k < 2; k++) {
        if (!c[k] || d[k].kind == ZERO) continue;
        const int minus = strcmp(c[k], "-") == 0, plain = minus || !c[k][0];
        put(b, "%s", first ? (minus ? "-" : "") : (minus ? " - " : " + "));
        if (d[k].kind == ONE)
            put(b, "%s", plain ? "CLOPT_K(1.0)" : c[k]);
        else if (plain)
            put(b, "%s", d[k].name);
        else
            put(b, "%s * %s", c[k], d[k].name);
        first = 0;
    }
    if (first) put(b, "CLOPT_K(0.0)");
    put(b, "%s", suffix);
}

/* u^n for an integer 1 <= n <= 128 as products (x^2 is x * x, as the built-ins write it). */
static void integer_power(clopt_text *b, const char *u, int n)
{
    if (n == 1) {
        put(b, "%s", u);
    } else if (n % 2) {
        put(b, "(");
        integer_power(b, u, n - 1);
        put(b, ") * %s", u);
    } else {
        put(b, "(");
        integer_power(b, u, n / 2);
        put(b, ") * (");
        integer_power(b, u, n / 2);
        put(b, ")");
    }
}

static void literal(char out[48], double v)
{
    if (isnan(v))
        snprintf(out, 48, "NAN");
    else if (isinf(v))
        snprintf(out, 48, "%sINFINITY", v < 0 ? "-" : "");
    else {
        char num[32];
        clopt_expr_format_literal(num, v);
        snprintf(out, 48, "CLOPT_K(%s)", num);
    }
}

/* The exponent of u^c when c is an integer from -64 to 64 (else 0 with *is = 0). */
static int small_integer(double c, int *is)
{
    *is = c == floor(c) && fabs(c) <= 64;
    return *is ? (int)c : 0;
}

/* Value and derivatives of u^v (also pow(u, v)). */
static void emit_power(clopt_text *b, const clopt_expr_node *nodes, int i, const double *konst)
{
    const clopt_expr_node *n = &nodes[i];
    const ref u = value_ref(nodes, n->a), v = value_ref(nodes, n->b);
    int integer;
    const int k = nodes[n->b].dx || nodes[n->b].dy ? 0 : small_integer(konst[n->b], &integer);
    if (!(nodes[n->b].dx || nodes[n->b].dy) && integer) {
        const int m = k < 0 ? -k : k;
        put(b, "    const clopt_real v%d = ", i);
        if (m == 0)
            put(b, "CLOPT_K(1.0)");
        else {
            put(b, "%s", k < 0 ? "CLOPT_K(1.0) / (" : "");
            integer_power(b, u.name, m);
            put(b, "%s", k < 0 ? ")" : "");
        }
        put(b, ";\n");
        for (int w = 0; w < 2; w++) {
            const ref d = derivative_ref(nodes, i, w), du = derivative_ref(nodes, n->a, w);
            if (d.kind != VAR) continue;
            put(b, "    const clopt_real %s = ", d.name);
            if (k == 0)
                put(b, "CLOPT_K(0.0)");
            else if (k == 1)
                combine(b, "", "", du, NULL, du, "");
            else {
                clopt_text c = {0};
                char num[32];
                clopt_expr_format_literal(num, (double)k);
                put(&c, "CLOPT_K(%s) * %s", num, k < 0 ? "(CLOPT_K(1.0) / (" : "(");
                integer_power(&c, u.name, k < 0 ? 1 - k : k - 1);
                put(&c, "%s", k < 0 ? "))" : ")");
                char *coef = clopt_text_finish(&c);
                if (!coef) {
                    b->oom = 1;
                    return;
                }
                combine(b, "", coef, du, NULL, du, "");
                free(coef);
            }
            put(b, ";\n");
        }
        return;
    }
    put(b, "    const clopt_real v%d = pow(%s, %s);\n", i, u.name, v.name);
    for (int w = 0; w < 2; w++) {
        const ref d = derivative_ref(nodes, i, w);
        if (d.kind != VAR) continue;
        const ref du = derivative_ref(nodes, n->a, w), dv = derivative_ref(nodes, n->b, w);
        char c1[96], c2[96];
        /* At u = 0 the derivative is 0 (the kink convention; c u^(c-1) is infinite there for
         * c < 1, and u^v log u is 0 * inf) */
        put(b, "    const clopt_real %s = CLOPT_SELECT((clopt_real)(CLOPT_K(0.0)), (clopt_real)(",
            d.name);
        if (!(nodes[n->b].dx || nodes[n->b].dy)) { /* c u^(c-1) du */
            snprintf(c1, sizeof c1, "%s * pow(%s, %s - CLOPT_K(1.0))", v.name, u.name, v.name);
            combine(b, "", c1, du, NULL, dv, "");
        } else {
            snprintf(c1, sizeof c1, "%s / %s", v.name, u.name);
            snprintf(c2, sizeof c2, "log(%s)", u.name);
            char prefix[32];
            snprintf(prefix, sizeof prefix, "v%d * (", i);
            combine(b, prefix, c1, du, c2, dv, ")");
        }
        put(b, "), %s != CLOPT_K(0.0));\n", u.name);
    }
}

/* The derivative of node i (not a power) by x or y, whose name is d. */
static void emit_derivative(clopt_text *b, const clopt_expr_node *nodes, int i, int w)
{
    const clopt_expr_node *n = &nodes[i];
    const ref d = derivative_ref(nodes, i, w);
    if (d.kind != VAR) return;
    const ref u = value_ref(nodes, n->a);
    const ref du = derivative_ref(nodes, n->a, w);
    const ref v = n->b >= 0 ? value_ref(nodes, n->b) : u;
    const ref dv = n->b >= 0 ? derivative_ref(nodes, n->b, w) : (ref){ZERO, ""};
    char c1[96], post[96];
    const char *U = u.name, *V = v.name;
    char W[16];
    snprintf(W, sizeof W, "v%d", i);
    put(b, "    const clopt_real %s = ", d.name);
    switch (n->op) {
    case CLOPT_EXPR_NEG:
        combine(b, "", "-", du, NULL, dv, "");
        break;
    case CLOPT_EXPR_ADD:
        combine(b, "", "", du, "", dv, "");
        break;
    case CLOPT_EXPR_SUB:
        combine(b, "", "", du, "-", dv, "");
        break;
    case CLOPT_EXPR_MUL:
        combine(b, "", V, du, U, dv, "");
        break;
    case CLOPT_EXPR_DIV:
        /* (du - f dv) / v */
        snprintf(post, sizeof post, ") / %s", V);
        combine(b, "(", "", du, NULL, dv, "");
        if (dv.kind != ZERO)
            put(b, " - %s%s%s", W, dv.kind == ONE ? "" : " * ", dv.kind == ONE ? "" : dv.name);
        put(b, "%s", post);
        break;
    case CLOPT_EXPR_SIN: /* cos(u), from emit_value's sincos */
        snprintf(c1, sizeof c1, "c%d", i);
        goto chain;
    case CLOPT_EXPR_COS: /* -sin(u), likewise */
        snprintf(c1, sizeof c1, "-s%d", i);
        goto chain;
    case CLOPT_EXPR_TAN:
        snprintf(c1, sizeof c1, "(CLOPT_K(1.0) + %s * %s)", W, W);
        goto chain;
    case CLOPT_EXPR_ASIN:
    case CLOPT_EXPR_ACOS:
        snprintf(post, sizeof post, " / sqrt(CLOPT_K(1.0) - %s * %s)", U, U);
        combine(b, n->op == CLOPT_EXPR_ACOS ? "-(" : "(", "", du, NULL, dv, ")");
        put(b, "%s", post);
        break;
    case CLOPT_EXPR_ATAN:
        snprintf(post, sizeof post, ") / (CLOPT_K(1.0) + %s * %s)", U, U);
        combine(b, "(", "", du, NULL, dv, post);
        break;
    case CLOPT_EXPR_SINH:
        snprintf(c1, sizeof c1, "cosh(%s)", U);
        goto chain;
    case CLOPT_EXPR_COSH:
        snprintf(c1, sizeof c1, "sinh(%s)", U);
        goto chain;
    case CLOPT_EXPR_TANH:
        snprintf(c1, sizeof c1, "(CLOPT_K(1.0) - %s * %s)", W, W);
        goto chain;
    case CLOPT_EXPR_EXP:
        snprintf(c1, sizeof c1, "%s", W);
        goto chain;
    case CLOPT_EXPR_LOG:
    case CLOPT_EXPR_LOG10:
        snprintf(post, sizeof post, ") / %s%s", U,
                 n->op == CLOPT_EXPR_LOG ? "" : " / CLOPT_K(2.302585092994046)");
        combine(b, "(", "", du, NULL, dv, post);
        break;
    case CLOPT_EXPR_SQRT: /* du / (2 sqrt u), 0 where sqrt u = 0 (the kink convention) */
        snprintf(post, sizeof post, ") / %s", W);
        put(b, "CLOPT_SELECT((clopt_real)(CLOPT_K(0.0)), (clopt_real)(");
        combine(b, "CLOPT_K(0.5) * (", "", du, NULL, dv, post);
        put(b, "), %s != CLOPT_K(0.0))", W);
        break;
    case CLOPT_EXPR_ABS:
        snprintf(c1, sizeof c1, "sign(%s)", U);
        goto chain;
    case CLOPT_EXPR_MIN:
    case CLOPT_EXPR_MAX: {
        /* the derivative of the chosen branch: CLOPT_SELECT(dv, du, u <= v) */
        char a[40], c[40];
        snprintf(a, sizeof a, "%s",
                 du.kind == ZERO  ? "CLOPT_K(0.0)"
                 : du.kind == ONE ? "CLOPT_K(1.0)"
                                  : du.name);
        snprintf(c, sizeof c, "%s",
                 dv.kind == ZERO  ? "CLOPT_K(0.0)"
                 : dv.kind == ONE ? "CLOPT_K(1.0)"
                                  : dv.name);
        put(b, "CLOPT_SELECT((clopt_real)(%s), (clopt_real)(%s), %s %s %s)", c, a, U,
            n->op == CLOPT_EXPR_MIN ? "<=" : ">=", V);
        break;
    }
    case CLOPT_EXPR_ATAN2: /* (v du - u dv) / (u^2 + v^2) */
        snprintf(post, sizeof post, ") / (%s * %s + %s * %s)", U, U, V, V);
        combine(b, "(", V, du, "", (ref){ZERO, ""}, "");
        if (dv.kind != ZERO)
            put(b, " - %s%s%s", U, dv.kind == ONE ? "" : " * ", dv.kind == ONE ? "" : dv.name);
        put(b, "%s", post);
        break;
    case CLOPT_EXPR_HYPOT: /* (u du + v dv) / hypot, 0 where hypot = 0 (the kink convention) */
        snprintf(post, sizeof post, ") / %s", W);
        put(b, "CLOPT_SELECT((clopt_real)(CLOPT_K(0.0)), (clopt_real)(");
        combine(b, "(", U, du, V, dv, post);
        put(b, "), %s != CLOPT_K(0.0))", W);
        break;
    default:
        put(b, "CLOPT_K(0.0)");
    }
    put(b, ";\n");
    return;
chain:
    combine(b, "", c1, du, NULL, dv, ";\n");
}

static void emit_value(clopt_text *b, const clopt_expr_node *nodes, int i)
{
    static const char infix[] = {[CLOPT_EXPR_ADD] = '+',
                                 [CLOPT_EXPR_SUB] = '-',
                                 [CLOPT_EXPR_MUL] = '*',
                                 [CLOPT_EXPR_DIV] = '/'};
    const clopt_expr_node *n = &nodes[i];
    const ref u = value_ref(nodes, n->a);
    const ref v = n->b >= 0 ? value_ref(nodes, n->b) : u;
    /* sin and cos: the derivative needs the other one of the same argument, and one sincos
     * costs about what one of them does (c<i> or s<i> is the other) */
    if (n->op == CLOPT_EXPR_SIN) {
        put(b, "    clopt_real c%d;\n    const clopt_real v%d = CLOPT_SINCOS(%s, &c%d);\n", i, i,
            u.name, i);
        return;
    }
    if (n->op == CLOPT_EXPR_COS) {
        put(b, "    clopt_real v%d;\n    const clopt_real s%d = CLOPT_SINCOS(%s, &v%d);\n", i, i,
            u.name, i);
        return;
    }
    put(b, "    const clopt_real v%d = ", i);
    switch (n->op) {
    case CLOPT_EXPR_NEG:
        put(b, "-%s", u.name);
        break;
    case CLOPT_EXPR_ADD:
    case CLOPT_EXPR_SUB:
    case CLOPT_EXPR_MUL:
    case CLOPT_EXPR_DIV:
        put(b, "%s %c %s", u.name, infix[n->op], v.name);
        break;
    case CLOPT_EXPR_MIN:
    case CLOPT_EXPR_MAX:
        put(b, "CLOPT_SELECT(%s, %s, %s %s %s)", v.name, u.name, u.name,
            n->op == CLOPT_EXPR_MIN ? "<=" : ">=", v.name);
        break;
    default:
        if (n->b >= 0)
            put(b, "%s(%s, %s)", builtin[n->op], u.name, v.name);
        else
            put(b, "%s(%s)", builtin[n->op], u.name);
    }
    put(b, ";\n");
}

char *clopt_expr_opencl(const clopt_expr *x, const char *name)
{
    const clopt_expr_node *nodes = x->nodes;
    const int root = (int)x->count - 1;
    double *konst = calloc(x->count, sizeof *konst);
    unsigned char *needed = calloc(x->count, 1); /* a folded constant that is used */
    clopt_text b = {0};
    if (!konst || !needed) goto done;
    for (size_t i = 0; i < x->count; i++) {
        const clopt_expr_node *n = &nodes[i];
        if (n->dx || n->dy) {
            if (n->a >= 0) needed[n->a] = 1;
            if (n->b >= 0) needed[n->b] = 1;
        } else
            konst[i] = n->op == CLOPT_EXPR_NUM
                           ? n->value
                           : clopt_expr_apply(n->op, konst[n->a], n->b >= 0 ? konst[n->b] : 0);
    }
    needed[root] = 1;
    put(&b,
        "CLOPT_INLINE clopt_real %s(clopt_real x, clopt_real y, clopt_real *gx, "
        "clopt_real *gy)\n{\n",
        name);
    for (int i = 0; i <= root; i++) {
        const clopt_expr_node *n = &nodes[i];
        if (n->op == CLOPT_EXPR_X || n->op == CLOPT_EXPR_Y) continue;
        if (!(n->dx || n->dy)) {
            if (needed[i]) {
                char lit[48];
                literal(lit, konst[i]);
                put(&b, "    const clopt_real v%d = %s;\n", i, lit);
            }
            continue;
        }
        if (n->op == CLOPT_EXPR_POWER || n->op == CLOPT_EXPR_POW) {
            emit_power(&b, nodes, i, konst);
            continue;
        }
        emit_value(&b, nodes, i);
        emit_derivative(&b, nodes, i, 0);
        emit_derivative(&b, nodes, i, 1);
    }
    const ref f = value_ref(nodes, root);
    const ref d[2] = {derivative_ref(nodes, root, 0), derivative_ref(nodes, root, 1)};
    for (int w = 0; w < 2; w++)
        put(&b, "    *%s = %s;\n", w ? "gy" : "gx",
            d[w].kind == ZERO  ? "CLOPT_K(0.0)"
            : d[w].kind == ONE ? "CLOPT_K(1.0)"
                               : d[w].name);
    put(&b, "    return %s;\n}\n", f.name);
done:
    free(konst);
    free(needed);
    if (!konst || !needed) {
        free(b.s);
        return NULL;
    }
    return clopt_text_finish(&b);
}
