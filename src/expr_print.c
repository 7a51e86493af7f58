/*
 * Printing expression trees: the canonical text (infix with the fewest parentheses that keep
 * the tree, numbers in their shortest exact form), TeX for the page, and numbers.
 */
#include "expr.h"
#include "numbers.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define CLOPT_EXPR_NAME(ID, name, args, cl) [CLOPT_EXPR_##ID] = name,
    CLOPT_EXPR_FUNCTIONS(CLOPT_EXPR_NAME)
#undef CLOPT_EXPR_NAME
};

void clopt_text_put(clopt_text *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        if (b->oom) return;
        va_start(ap, fmt);
        const int n =
            clopt_vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        const size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

char *clopt_text_finish(clopt_text *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    return b->s;
}

#define put clopt_text_put
#define finish clopt_text_finish
typedef clopt_text buffer;

/* Binding strength of a node as printed: sums 1, products 2, negations 3, powers 4. */
static int strength(const clopt_expr_node *n)
{
    switch (n->op) {
    case CLOPT_EXPR_ADD:
    case CLOPT_EXPR_SUB:
        return 1;
    case CLOPT_EXPR_MUL:
    case CLOPT_EXPR_DIV:
        return 2;
    case CLOPT_EXPR_NEG:
        return 3;
    case CLOPT_EXPR_POWER:
        return 4;
    case CLOPT_EXPR_NUM:
        return n->value < 0 || (n->value == 0 && signbit(n->value)) ? 3 : 5;
    default:
        return 5;
    }
}

/*
 * How a tree is printed: the canonical text, or TeX for the page. The walk is one; TeX also
 * sets fractions, powers, roots and absolute values apart and writes 1e-07 as 1 \cdot 10^{-7}.
 */
typedef struct {
    const char *open, *close, *comma, *pi;
    const char *const *infix; /* per binary operator, CLOPT_EXPR_ADD .. CLOPT_EXPR_DIV */
    const char *const *names; /* per function */
    int tex;
} flavour;

static const char *const infix_text[] = {
    [CLOPT_EXPR_ADD] = "+", [CLOPT_EXPR_SUB] = "-", [CLOPT_EXPR_MUL] = "*", [CLOPT_EXPR_DIV] = "/"};
static const char *const infix_tex[] = {
    [CLOPT_EXPR_ADD] = " + ", [CLOPT_EXPR_SUB] = " - ", [CLOPT_EXPR_MUL] = " \\cdot "};
static const char *const names_tex[] = {[CLOPT_EXPR_SIN] = "\\sin",
                                        [CLOPT_EXPR_COS] = "\\cos",
                                        [CLOPT_EXPR_TAN] = "\\tan",
                                        [CLOPT_EXPR_ASIN] = "\\arcsin",
                                        [CLOPT_EXPR_ACOS] = "\\arccos",
                                        [CLOPT_EXPR_ATAN] = "\\arctan",
                                        [CLOPT_EXPR_SINH] = "\\sinh",
                                        [CLOPT_EXPR_COSH] = "\\cosh",
                                        [CLOPT_EXPR_TANH] = "\\tanh",
                                        [CLOPT_EXPR_EXP] = "\\exp",
                                        [CLOPT_EXPR_LOG] = "\\log",
                                        [CLOPT_EXPR_LOG10] = "\\log_{10}",
                                        [CLOPT_EXPR_MIN] = "\\min",
                                        [CLOPT_EXPR_MAX] = "\\max",
                                        [CLOPT_EXPR_ATAN2] = "\\operatorname{atan2}",
                                        [CLOPT_EXPR_HYPOT] = "\\operatorname{hypot}"};

static const flavour text = {"(", ")", ",", "pi", infix_text, names, 0};
static const flavour tex = {"\\left(", "\\right)", ", ", "\\pi", infix_tex, names_tex, 1};

static void print(buffer *b, const flavour *f, const clopt_expr_node *nodes, int i);

/* Child `i`, in parentheses when it binds less than `need`. */
static void print_child(buffer *b, const flavour *f, const clopt_expr_node *nodes, int i, int need)
{
    const int paren = strength(&nodes[i]) < need;
    put(b, "%s", paren ? f->open : "");
    print(b, f, nodes, i);
    put(b, "%s", paren ? f->close : "");
}

static void print_number(buffer *b, const flavour *f, const clopt_expr_node *n)
{
    char num[32];
    if (n->symbol) {
        put(b, "%s", n->symbol == 'p' ? f->pi : "e");
        return;
    }
    clopt_expr_format_number(num, n->value);
    char *e = f->tex ? strchr(num, 'e') : NULL;
    if (e) {
        *e = '\0';
        put(b, "%s \\cdot 10^{%d}", num, atoi(e + 1));
    } else
        put(b, "%s", num);
}

static void print(buffer *b, const flavour *f, const clopt_expr_node *nodes, int i)
{
    const clopt_expr_node *n = &nodes[i];
    switch (n->op) {
    case CLOPT_EXPR_NUM:
        print_number(b, f, n);
        return;
    case CLOPT_EXPR_X:
    case CLOPT_EXPR_Y:
        put(b, n->op == CLOPT_EXPR_X ? "x" : "y");
        return;
    case CLOPT_EXPR_NEG:
        put(b, "-");
        print_child(b, f, nodes, n->a, 3);
        return;
    case CLOPT_EXPR_DIV:
        if (f->tex) {
            put(b, "\\frac{");
            print(b, f, nodes, n->a);
            put(b, "}{");
            print(b, f, nodes, n->b);
            put(b, "}");
            return;
        }
        /* fall through */
    case CLOPT_EXPR_ADD:
    case CLOPT_EXPR_SUB:
    case CLOPT_EXPR_MUL: {
        const int s = strength(n);
        print_child(b, f, nodes, n->a, s);
        put(b, "%s", f->infix[n->op]);
        print_child(b, f, nodes, n->b, s + 1);
        return;
    }
    case CLOPT_EXPR_POWER:
        if (f->tex) {
            put(b, "{");
            print_child(b, f, nodes, n->a, 5);
            put(b, "}^{");
            print(b, f, nodes, n->b);
            put(b, "}");
        } else {
            print_child(b, f, nodes, n->a, 5);
            put(b, "^");
            print_child(b, f, nodes, n->b, 3);
        }
        return;
    case CLOPT_EXPR_SQRT:
    case CLOPT_EXPR_ABS:
        if (f->tex) {
            put(b, n->op == CLOPT_EXPR_SQRT ? "\\sqrt{" : "\\left|");
            print(b, f, nodes, n->a);
            put(b, n->op == CLOPT_EXPR_SQRT ? "}" : "\\right|");
            return;
        }
        /* fall through */
    default:
        put(b, "%s%s", f->names[n->op], f->open);
        print(b, f, nodes, n->a);
        if (n->b >= 0) {
            put(b, "%s", f->comma);
            print(b, f, nodes, n->b);
        }
        put(b, "%s", f->close);
    }
}

/* The whole tree (its root is the last node); NULL when out of memory. */
static char *print_tree(const clopt_expr *x, const flavour *f)
{
    buffer b = {0};
    put(&b, "%s", "");
    print(&b, f, x->nodes, (int)x->count - 1);
    return finish(&b);
}

char *clopt_expr_tex(const clopt_expr *x)
{
    return print_tree(x, &tex);
}

/*
 * v as the shorter of its two shortest round-trip forms: positional (100, 0.001) or with an
 * exponent written without '+' and leading zeros (1e14, 1.5e-7). No way of typing v is
 * shorter, so the canonical text of what was typed grows only where constants are folded.
 */
void clopt_expr_format_number(char out[32], double v)
{
    if (!isfinite(v)) {
        clopt_snprintf(out, 32, "%s", v != v ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    char sci[40];
    for (int digits = 1; digits <= 17; digits++) {
        clopt_snprintf(sci, sizeof sci, "%.*e", digits - 1, v);
        if (clopt_strtod(sci, NULL) == v) break;
    }
    /* sci is [-]D[.DDD]e(+|-)XX: the digits and the decimal exponent of the first one */
    const char *s = sci, *e = strchr(sci, 'e');
    const char *sign = *s == '-' ? "-" : "";
    if (*s == '-') s++;
    char d[20];
    int nd = 0;
    for (; s < e; s++)
        if (*s != '.') d[nd++] = *s;
    d[nd] = '\0';
    const int x = atoi(e + 1);
    char exp_form[40], pos[64] = "";
    clopt_snprintf(exp_form, sizeof exp_form, "%s%c%s%se%d", sign, d[0], nd > 1 ? "." : "", d + 1,
                   x);
    if (x > -24 && x < 24) { /* beyond, the positional form is the longer */
        size_t n = (size_t)clopt_snprintf(pos, sizeof pos, "%s", sign);
        if (x < 0) {
            n += (size_t)clopt_snprintf(pos + n, sizeof pos - n, "0.");
            for (int z = 0; z < -x - 1; z++)
                pos[n++] = '0';
            clopt_snprintf(pos + n, sizeof pos - n, "%s", d);
        } else if (x < nd - 1) {
            clopt_snprintf(pos + n, sizeof pos - n, "%.*s.%s", x + 1, d, d + x + 1);
        } else {
            n += (size_t)clopt_snprintf(pos + n, sizeof pos - n, "%s", d);
            for (int z = 0; z < x - nd + 1; z++)
                pos[n++] = '0';
            pos[n] = '\0';
        }
    }
    const char *best = pos[0] && strlen(pos) <= strlen(exp_form) ? pos : exp_form;
    memcpy(out, best, strlen(best) + 1);
}

void clopt_expr_format_literal(char out[32], double v)
{
    clopt_expr_format_number(out, v);
    if (strchr(out, '.') || !isfinite(v)) return;
    /* 3 -> 3.0 and 1e20 -> 1.0e20: a float literal needs a '.' before a suffix */
    char *e = strchr(out, 'e');
    char rest[32] = "";
    if (e) {
        snprintf(rest, sizeof rest, "%s", e);
        *e = '\0';
    }
    const size_t len = strlen(out);
    snprintf(out + len, 32 - len, ".0%s", rest);
}

char *clopt_expr_canonical(const clopt_expr *x)
{
    return print_tree(x, &text);
}
