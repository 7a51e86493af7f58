/*
 * The expression language: a recursive-descent parser over the text, building the tree in
 * post-order, with one sentence per mistake (what was expected, at which column). Grammar:
 *   sum    := product (('+' | '-') product)*
 *   product:= unary (('*' | '/') unary)*
 *   unary  := ('-' | '+') unary | power
 *   power  := atom ('^' unary)?          (right-associative, tighter than unary minus)
 *   atom   := number | x | y | pi | e | function '(' sum (',' sum)* ')' | '(' sum ')'
 */
#include "expr.h"
#include "numbers.h"

#include "suggest.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int args;
} functions[] = {
#define CLOPT_EXPR_ROW(ID, name, args, cl) {name, args},
    CLOPT_EXPR_FUNCTIONS(CLOPT_EXPR_ROW)
#undef CLOPT_EXPR_ROW
};
#define NFUNCTIONS (sizeof functions / sizeof functions[0])
#define FIRST_FUNCTION CLOPT_EXPR_SIN
#define PI 3.14159265358979323846
#define E 2.71828182845904523536

typedef struct {
    const char *text;
    size_t pos, depth;
    clopt_expr_node *nodes;
    size_t count;
    clopt_expr_error *e;
} parser;

static const struct {
    const char *code, *keys;
} errors[] = {
#define CLOPT_EXPR_ERROR_ROW(ID, code, keys) {code, keys},
    CLOPT_EXPR_ERRORS(CLOPT_EXPR_ERROR_ROW)
#undef CLOPT_EXPR_ERROR_ROW
};

const char *clopt_expr_error_code(clopt_expr_error_id id)
{
    return (size_t)id < sizeof errors / sizeof errors[0] ? errors[id].code : NULL;
}

/* A value of a sentence: the text s[0, n) when s, else the number v. */
typedef struct {
    const char *s;
    size_t n;
    long v;
} sentence_value;
#define NUM(v) ((sentence_value){NULL, 0, (long)(v)})
#define TEXT(s, n) ((sentence_value){(s), (n), 0})
#define STR(s) ((sentence_value){(s), strlen(s), 0})
#define VALUES(...) ((const sentence_value[]){__VA_ARGS__})
#define NO_VALUES NULL

/*
 * Records an error (the first one wins): the sentence, the 1-based column (0: none), and the
 * row's code with `values` under its keys, one value per key in the row's order.
 */
static void record(clopt_expr_error *e, clopt_expr_error_id id, size_t column, size_t length,
                   const sentence_value *values, const char *fmt, va_list ap)
{
    if (e->code) return;
    clopt_vsnprintf(e->text, sizeof e->text, fmt, ap);
    e->column = column;
    e->length = column ? (length ? length : 1) : 0;
    e->code = errors[id].code;
    const char *k = errors[id].keys;
    for (size_t i = 0; *k && i < CLOPT_EXPR_MAX_ARGS; i++) {
        clopt_expr_arg *a = &e->args[i];
        const size_t n = strcspn(k, " ");
        snprintf(a->key, sizeof a->key, "%.*s", (int)n, k);
        if (values[i].s)
            snprintf(a->text, sizeof a->text, "%.*s", (int)values[i].n, values[i].s);
        else
            a->number = values[i].v;
        for (k += n; *k == ' '; k++) {
        }
    }
}

/* An error at no column, outside the parser (too long, empty, out of memory). */
static void set_error(clopt_expr_error *e, clopt_expr_error_id id, const sentence_value *values,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void set_error(clopt_expr_error *e, clopt_expr_error_id id, const sentence_value *values,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(e, id, 0, 0, values, fmt, ap);
    va_end(ap);
}

/* Records the error at column at + 1 and returns -1, the parser's "no node". */
static int fail(parser *p, clopt_expr_error_id id, size_t at, size_t length,
                const sentence_value *values, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int fail(parser *p, clopt_expr_error_id id, size_t at, size_t length,
                const sentence_value *values, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(p->e, id, at + 1, length, values, fmt, ap);
    va_end(ap);
    return -1;
}

static void skip_space(parser *p)
{
    while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' || p->text[p->pos] == '\n' ||
           p->text[p->pos] == '\r')
        p->pos++;
}

static int add(parser *p, clopt_expr_op op, int a, int b, double value, char symbol, size_t at)
{
    if (p->count == CLOPT_EXPR_MAX_NODES)
        return fail(p, CLOPT_EXPR_E_TOO_MANY_NODES, at, 1,
                    VALUES(NUM(CLOPT_EXPR_MAX_NODES), NUM(at + 1)),
                    "more than %d,%03d numbers, variables and operations at column %zu",
                    CLOPT_EXPR_MAX_NODES / 1000, CLOPT_EXPR_MAX_NODES % 1000, at + 1);
    clopt_expr_node *n = &p->nodes[p->count];
    *n = (clopt_expr_node){op, a, b, value, symbol, op == CLOPT_EXPR_X, op == CLOPT_EXPR_Y};
    for (int c = 0; c < 2; c++) {
        const int k = c ? b : a;
        if (k >= 0) {
            n->dx |= p->nodes[k].dx;
            n->dy |= p->nodes[k].dy;
        }
    }
    return (int)p->count++;
}

/* The printable form of the character at `at` for a message (also its value "found"). */
static const char *shown(const parser *p, size_t at, char buf[8])
{
    const unsigned char c = (unsigned char)p->text[at];
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "0x%02x", c);
    return buf;
}

static int sum(parser *p);

/* One level deeper (a parenthesis, a call, a sign or an exponent); 0 or the error. */
static int deeper(parser *p, size_t at)
{
    if (++p->depth <= CLOPT_EXPR_MAX_DEPTH) return 0;
    return fail(p, CLOPT_EXPR_E_TOO_DEEP, at, 1, VALUES(NUM(CLOPT_EXPR_MAX_DEPTH), NUM(at + 1)),
                "nesting deeper than %d at column %zu", CLOPT_EXPR_MAX_DEPTH, at + 1);
}

static int number(parser *p)
{
    const size_t at = p->pos;
    size_t i = at, digits = 0;
    while (isdigit((unsigned char)p->text[i]))
        i++, digits++;
    if (p->text[i] == '.')
        for (i++; isdigit((unsigned char)p->text[i]); i++)
            digits++;
    if (!digits)
        return fail(p, CLOPT_EXPR_E_LONE_DOT, at, 1, VALUES(NUM(at + 1)),
                    "a '.' must belong to a number, as in 0.5, at column %zu", at + 1);
    if (p->text[i] == 'e' || p->text[i] == 'E') {
        size_t j = i + 1;
        if (p->text[j] == '+' || p->text[j] == '-') j++;
        if (isdigit((unsigned char)p->text[j])) {
            while (isdigit((unsigned char)p->text[j]))
                j++;
            i = j;
        }
    }
    char buf[CLOPT_EXPR_MAX_CHARS + 1];
    memcpy(buf, p->text + at, i - at);
    buf[i - at] = '\0';
    const double v = clopt_strtod(buf, NULL);
    /* The kernels compute in float32: a constant beyond its range is inf or 0 there. */
    if (!(v <= FLT_MAX))
        return fail(p, CLOPT_EXPR_E_NUMBER_TOO_LARGE, at, i - at, VALUES(NUM(at + 1)),
                    "the number at column %zu is too large", at + 1);
    if (v != 0 && v < FLT_MIN)
        return fail(p, CLOPT_EXPR_E_NUMBER_TOO_SMALL, at, i - at, VALUES(NUM(at + 1)),
                    "the number at column %zu is too small for float32 (its smallest normal "
                    "magnitude is 1.2e-38); write 0 or a larger number",
                    at + 1);
    p->pos = i;
    return add(p, CLOPT_EXPR_NUM, -1, -1, v, 0, at);
}

static int function_named(const char *name, size_t len)
{
    for (size_t f = 0; f < NFUNCTIONS; f++)
        if (strlen(functions[f].name) == len && strncmp(functions[f].name, name, len) == 0)
            return (int)f;
    return -1;
}

/* name '(' sum (',' sum)* ')', at the '(' */
static int call(parser *p, size_t at, size_t len)
{
    const char *name = p->text + at;
    const int f = function_named(name, len);
    if (f < 0) {
        const char *names[NFUNCTIONS];
        for (size_t i = 0; i < NFUNCTIONS; i++)
            names[i] = functions[i].name;
        const char *near = clopt_suggest(name, len, names, NFUNCTIONS);
        const size_t shown_len = len > 40 ? 40 : len;
        if (near)
            return fail(p, CLOPT_EXPR_E_UNKNOWN_FUNCTION, at, len,
                        VALUES(TEXT(name, shown_len), STR(near)),
                        "unknown function '%.*s'; did you mean '%s'?", (int)shown_len, name, near);
        char list[100] = "";
        for (size_t i = 0; i < NFUNCTIONS; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " " : "",
                     names[i]);
        return fail(p, CLOPT_EXPR_E_UNKNOWN_FUNCTION_LIST, at, len,
                    VALUES(TEXT(name, shown_len), NUM(at + 1), STR(list)),
                    "unknown function '%.*s' at column %zu; the functions are %s", (int)shown_len,
                    name, at + 1, list);
    }
    const size_t open = p->pos++;
    int args[2] = {-1, -1}, given = 0;
    if (deeper(p, open)) return -1;
    for (;;) {
        const int a = sum(p);
        if (a < 0) return -1;
        if (given < 2) args[given] = a;
        given++;
        skip_space(p);
        if (p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->text[p->pos] == ')') break;
        if (!p->text[p->pos])
            return fail(p, CLOPT_EXPR_E_MISSING_PAREN, open, 1, VALUES(NUM(open + 1)),
                        "missing ')' for '(' at column %zu", open + 1);
        char c[8];
        const char *what = shown(p, p->pos, c);
        return fail(p, CLOPT_EXPR_E_EXPECTED_COMMA_OR_PAREN, p->pos, 1,
                    VALUES(NUM(p->pos + 1), STR(what), NUM(open + 1)),
                    "expected ',' or ')' at column %zu, not %s (for the '(' at "
                    "column %zu)",
                    p->pos + 1, what, open + 1);
    }
    p->pos++;
    p->depth--;
    if (given != functions[f].args)
        return fail(p, CLOPT_EXPR_E_ARITY, at, p->pos - at,
                    VALUES(STR(functions[f].name), NUM(functions[f].args), NUM(given)),
                    "%s takes %d argument%s, given %d", functions[f].name, functions[f].args,
                    functions[f].args == 1 ? "" : "s", given);
    return add(p, (clopt_expr_op)(FIRST_FUNCTION + f), args[0], args[1], 0, 0, at);
}

static int atom(parser *p)
{
    skip_space(p);
    const size_t at = p->pos;
    const char c = p->text[at];
    if (isdigit((unsigned char)c) || c == '.') return number(p);
    if (isalpha((unsigned char)c) || c == '_') {
        size_t len = 0;
        while (isalnum((unsigned char)p->text[at + len]) || p->text[at + len] == '_')
            len++;
        p->pos += len;
        skip_space(p);
        const char *w = p->text + at;
#define IS(s) (len == sizeof s - 1 && strncmp(w, s, len) == 0)
        if (IS("x")) return add(p, CLOPT_EXPR_X, -1, -1, 0, 0, at);
        if (IS("y")) return add(p, CLOPT_EXPR_Y, -1, -1, 0, 0, at);
        if (IS("pi")) return add(p, CLOPT_EXPR_NUM, -1, -1, PI, 'p', at);
        if (IS("e")) return add(p, CLOPT_EXPR_NUM, -1, -1, E, 'e', at);
#undef IS
        if (p->text[p->pos] == '(') return call(p, at, len);
        const int f = function_named(w, len);
        if (f >= 0) {
            const char *example = functions[f].args == 1 ? "sin(x)" : "max(x, y)";
            return fail(p, CLOPT_EXPR_E_NEEDS_PARENTHESES, at, len,
                        VALUES(STR(functions[f].name), STR(example), NUM(at + 1)),
                        "%s needs its argument%s in parentheses, as in %s at column %zu",
                        functions[f].name, functions[f].args == 1 ? "" : "s", example, at + 1);
        }
        const size_t shown_len = len > 40 ? 40 : len;
        return fail(p, CLOPT_EXPR_E_UNKNOWN_NAME, at, len, VALUES(TEXT(w, shown_len), NUM(at + 1)),
                    "unknown name '%.*s' at column %zu; the variables are x and y", (int)shown_len,
                    w, at + 1);
    }
    if (c == '(') {
        p->pos++;
        const int inner = deeper(p, at) ? -1 : sum(p);
        if (inner < 0) return -1;
        skip_space(p);
        if (p->text[p->pos] == ')') {
            p->pos++;
            p->depth--;
            return inner;
        }
        if (!p->text[p->pos])
            return fail(p, CLOPT_EXPR_E_MISSING_PAREN, at, 1, VALUES(NUM(at + 1)),
                        "missing ')' for '(' at column %zu", at + 1);
        char s[8];
        const char *what = shown(p, p->pos, s);
        return fail(p, CLOPT_EXPR_E_EXPECTED_OPERATOR_OR_PAREN, p->pos, 1,
                    VALUES(NUM(p->pos + 1), STR(what), NUM(at + 1)),
                    "expected an operator or ')' at column %zu, not %s (for the '(' at column "
                    "%zu)",
                    p->pos + 1, what, at + 1);
    }
    if (!c)
        return fail(p, CLOPT_EXPR_E_UNEXPECTED_END, at, 1, VALUES(NUM(at + 1)),
                    "expected a number, x, y, a function or '(' at column %zu (the "
                    "expression ends there)",
                    at + 1);
    if (strchr("+-*/^),", c))
        return fail(p, CLOPT_EXPR_E_EXPECTED_OPERAND, at, 1, VALUES(NUM(at + 1)),
                    "expected a number, x, y, a function or '(' at column %zu", at + 1);
    char s[8];
    const char *what = shown(p, at, s);
    return fail(p, CLOPT_EXPR_E_UNEXPECTED, at, 1, VALUES(STR(what), NUM(at + 1)),
                "unexpected %s at column %zu; expected a number, x, y, a function or '('", what,
                at + 1);
}

static int unary(parser *p);

static int power(parser *p)
{
    const int base = atom(p);
    if (base < 0) return -1;
    skip_space(p);
    if (p->text[p->pos] != '^') return base;
    const size_t at = p->pos++;
    const int exponent = deeper(p, at) ? -1 : unary(p);
    p->depth--;
    return exponent < 0 ? -1 : add(p, CLOPT_EXPR_POWER, base, exponent, 0, 0, at);
}

static int unary(parser *p)
{
    skip_space(p);
    const size_t at = p->pos;
    const char c = p->text[at];
    if (c != '-' && c != '+') return power(p);
    if (deeper(p, at)) return -1;
    p->pos++;
    const int operand = unary(p);
    p->depth--;
    if (operand < 0 || c == '+') return operand;
    return add(p, CLOPT_EXPR_NEG, operand, -1, 0, 0, at);
}

static int product(parser *p)
{
    int left = unary(p);
    for (;;) {
        if (left < 0) return -1;
        skip_space(p);
        const char c = p->text[p->pos];
        if (c != '*' && c != '/') return left;
        const size_t at = p->pos++;
        const int right = unary(p);
        left = right < 0
                   ? -1
                   : add(p, c == '*' ? CLOPT_EXPR_MUL : CLOPT_EXPR_DIV, left, right, 0, 0, at);
    }
}

static int sum(parser *p)
{
    int left = product(p);
    for (;;) {
        if (left < 0) return -1;
        skip_space(p);
        const char c = p->text[p->pos];
        if (c != '+' && c != '-') return left;
        const size_t at = p->pos++;
        const int right = product(p);
        left = right < 0
                   ? -1
                   : add(p, c == '+' ? CLOPT_EXPR_ADD : CLOPT_EXPR_SUB, left, right, 0, 0, at);
    }
}

/* ---- the tree ---- */

double clopt_expr_apply(clopt_expr_op op, double a, double b)
{
    switch (op) {
    case CLOPT_EXPR_NEG:
        return -a;
    case CLOPT_EXPR_ADD:
        return a + b;
    case CLOPT_EXPR_SUB:
        return a - b;
    case CLOPT_EXPR_MUL:
        return a * b;
    case CLOPT_EXPR_DIV:
        return a / b;
    case CLOPT_EXPR_POWER:
    case CLOPT_EXPR_POW:
        return pow(a, b);
    case CLOPT_EXPR_SIN:
        return sin(a);
    case CLOPT_EXPR_COS:
        return cos(a);
    case CLOPT_EXPR_TAN:
        return tan(a);
    case CLOPT_EXPR_ASIN:
        return asin(a);
    case CLOPT_EXPR_ACOS:
        return acos(a);
    case CLOPT_EXPR_ATAN:
        return atan(a);
    case CLOPT_EXPR_SINH:
        return sinh(a);
    case CLOPT_EXPR_COSH:
        return cosh(a);
    case CLOPT_EXPR_TANH:
        return tanh(a);
    case CLOPT_EXPR_EXP:
        return exp(a);
    case CLOPT_EXPR_LOG:
        return log(a);
    case CLOPT_EXPR_LOG10:
        return log10(a);
    case CLOPT_EXPR_SQRT:
        return sqrt(a);
    case CLOPT_EXPR_ABS:
        return fabs(a);
    case CLOPT_EXPR_MIN:
        return a <= b ? a : b;
    case CLOPT_EXPR_MAX:
        return a >= b ? a : b;
    case CLOPT_EXPR_ATAN2:
        return atan2(a, b);
    case CLOPT_EXPR_HYPOT:
        return hypot(a, b);
    default:
        return NAN;
    }
}

double clopt_expr_eval(const clopt_expr *x, double vx, double vy)
{
    double stack_values[64];
    double *v = x->count <= 64 ? stack_values : malloc(x->count * sizeof *v);
    if (!v) return NAN;
    for (size_t i = 0; i < x->count; i++) {
        const clopt_expr_node *n = &x->nodes[i];
        v[i] = n->op == CLOPT_EXPR_NUM ? n->value
               : n->op == CLOPT_EXPR_X ? vx
               : n->op == CLOPT_EXPR_Y ? vy
                                       : clopt_expr_apply(n->op, v[n->a], n->b >= 0 ? v[n->b] : 0);
    }
    const double f = v[x->count - 1];
    if (v != stack_values) free(v);
    return f;
}

int clopt_expr_is_expression(const char *text)
{
    size_t i = 0;
    while (text[i] == ' ')
        i++;
    const size_t start = i;
    if (!(isalpha((unsigned char)text[i]) || text[i] == '_')) return 1;
    while (isalnum((unsigned char)text[i]) || text[i] == '_')
        i++;
    const size_t len = i - start;
    while (text[i] == ' ')
        i++;
    if (text[i]) return 1;
    return len == 1 && (text[start] == 'x' || text[start] == 'y');
}

void clopt_expr_release(clopt_expr *x)
{
    if (!x) return;
    free(x->nodes);
    free(x->canonical);
    free(x);
}

clopt_expr *clopt_expr_parse(const char *text, clopt_expr_error *e)
{
    *e = (clopt_expr_error){0};
    const size_t len = strlen(text);
    if (len > CLOPT_EXPR_MAX_CHARS) {
        set_error(e, CLOPT_EXPR_E_TOO_LONG, VALUES(NUM(len), NUM(CLOPT_EXPR_MAX_CHARS)),
                  "the expression has %zu characters; the limit is %d,%03d", len,
                  CLOPT_EXPR_MAX_CHARS / 1000, CLOPT_EXPR_MAX_CHARS % 1000);
        return NULL;
    }
    parser p = {text, 0, 0, malloc(CLOPT_EXPR_MAX_NODES * sizeof *p.nodes), 0, e};
    clopt_expr *x = calloc(1, sizeof *x);
    if (!p.nodes || !x) {
        set_error(e, CLOPT_EXPR_E_OUT_OF_MEMORY, NO_VALUES, "out of memory parsing an expression");
        goto fail;
    }
    skip_space(&p);
    if (!text[p.pos]) {
        set_error(e, CLOPT_EXPR_E_EMPTY, NO_VALUES,
                  "the expression is empty; write f(x, y), such as x^2 + 10*y^2");
        goto fail;
    }
    if (sum(&p) < 0) goto fail;
    skip_space(&p);
    const char c = text[p.pos];
    if (c == ')') {
        fail(&p, CLOPT_EXPR_E_UNMATCHED_PAREN, p.pos, 1, VALUES(NUM(p.pos + 1)),
             "')' at column %zu has no '('", p.pos + 1);
        goto fail;
    }
    if (c) {
        char s[8];
        if (isalnum((unsigned char)c) || c == '(' || c == '.' || c == '_')
            fail(&p, CLOPT_EXPR_E_MISSING_MULTIPLY, p.pos, 1, VALUES(NUM(p.pos + 1)),
                 "expected an operator at column %zu; multiplication is written with '*', "
                 "as in 2*x",
                 p.pos + 1);
        else {
            const char *what = shown(&p, p.pos, s);
            fail(&p, CLOPT_EXPR_E_EXPECTED_OPERATOR, p.pos, 1, VALUES(STR(what), NUM(p.pos + 1)),
                 "unexpected %s at column %zu; expected an operator", what, p.pos + 1);
        }
        goto fail;
    }
    x->count = p.count;
    x->nodes = p.nodes;
    p.nodes = NULL;
    if (!(x->canonical = clopt_expr_canonical(x))) {
        set_error(e, CLOPT_EXPR_E_OUT_OF_MEMORY, NO_VALUES, "out of memory parsing an expression");
        goto fail;
    }
    /* Whatever is accepted parses again from its canonical text (the server and the page pass
     * that on); numbers print no longer than typed, but .5 still becomes 0.5. */
    const size_t canonical_len = strlen(x->canonical);
    if (canonical_len > CLOPT_EXPR_MAX_CHARS) {
        set_error(e, CLOPT_EXPR_E_TOO_LONG, VALUES(NUM(canonical_len), NUM(CLOPT_EXPR_MAX_CHARS)),
                  "the expression has %zu characters written in full (as %.20s...); the limit "
                  "is %d,%03d",
                  canonical_len, x->canonical, CLOPT_EXPR_MAX_CHARS / 1000,
                  CLOPT_EXPR_MAX_CHARS % 1000);
        goto fail;
    }
    x->hash = 14695981039346656037ull;
    for (const char *s = x->canonical; *s; s++)
        x->hash = (x->hash ^ (unsigned char)*s) * 1099511628211ull;
    return x;
fail:
    free(p.nodes);
    clopt_expr_release(x);
    return NULL;
}
