/*
 * libFuzzer harness for expressions (src/expr.c, src/expr_opencl.c): any bytes are either
 * refused with a sentence (and a column within the text), or give a tree whose canonical
 * text parses back to itself and whose generated OpenCL C
 *   - holds only the generator's vocabulary: identifiers from its fixed table (the
 *     built-ins, clopt_real, CLOPT_K, ..., and v/a/b followed by a node number), its
 *     punctuation, and numbers that are exactly what clopt_expr_format_literal prints for
 *     their value: no byte of the input reaches the source except digits re-printed;
 *   - compiles (OpenCL C on the default device, in float, as the kernels use it; once per
 *     shape of source, numbers aside).
 */
#include "expr.h"

#include <CL/cl.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vocabulary[] = {"CLOPT_INLINE",
                                         "clopt_real",
                                         "clopt_f_fuzz",
                                         "x",
                                         "y",
                                         "gx",
                                         "gy",
                                         "const",
                                         "return",
                                         "CLOPT_K",
                                         "CLOPT_SELECT",
                                         "CLOPT_SINCOS",
                                         "INFINITY",
                                         "NAN",
#define CLOPT_EXPR_NAME(ID, name, args, cl) cl,
                                         CLOPT_EXPR_FUNCTIONS(CLOPT_EXPR_NAME)
#undef CLOPT_EXPR_NAME
                                             "sign",
                                         "cosh",
                                         "sinh",
                                         "sqrt",
                                         "log",
                                         "pow"};

static int known(const char *w, size_t len)
{
    if (strchr("vabcs", w[0]) && len > 1) { /* v<i>, a<i>, b<i>, c<i>, s<i> */
        size_t i = 1;
        while (i < len && isdigit((unsigned char)w[i]))
            i++;
        if (i == len) return 1;
    }
    for (size_t i = 0; i < sizeof vocabulary / sizeof vocabulary[0]; i++)
        if (vocabulary[i][0] && strlen(vocabulary[i]) == len && strncmp(vocabulary[i], w, len) == 0)
            return 1;
    return 0;
}

/* Aborts unless src is made only of the generator's vocabulary. */
static void check_vocabulary(const char *src)
{
    for (const char *c = src; *c;) {
        if (isalpha((unsigned char)*c) || *c == '_') {
            const char *w = c;
            while (isalnum((unsigned char)*c) || *c == '_')
                c++;
            if (!known(w, (size_t)(c - w))) {
                fprintf(stderr, "unknown identifier '%.*s' in:\n%s\n", (int)(c - w), w, src);
                abort();
            }
        } else if (isdigit((unsigned char)*c)) {
            const char *n = c;
            char *end;
            const double v = strtod(n, &end);
            char again[32];
            clopt_expr_format_literal(again, v);
            if (strncmp(again, n, (size_t)(end - n)) != 0 || strlen(again) != (size_t)(end - n)) {
                fprintf(stderr, "number '%.*s' is not a re-print (%s) in:\n%s\n", (int)(end - n), n,
                        again, src);
                abort();
            }
            c = end;
        } else if (strchr(" \n(){}*+-/,;=<>!&", *c)) {
            c++;
        } else {
            fprintf(stderr, "byte 0x%02x outside the vocabulary in:\n%s\n", (unsigned char)*c, src);
            abort();
        }
    }
}

/*
 * Whether a source of this shape (its text with every run of digits as one '0': numbers are
 * checked above and cannot change whether it compiles) is new; compiling only new shapes
 * keeps the harness at thousands of inputs per second instead of a few.
 */
static int new_shape(const char *src)
{
    enum { SLOTS = 1 << 16 };
    static uint64_t seen[SLOTS];
    uint64_t h = 14695981039346656037ull;
    for (const char *c = src; *c; c++) {
        if (isdigit((unsigned char)*c)) {
            while (isdigit((unsigned char)c[1]))
                c++;
            h = (h ^ '0') * 1099511628211ull;
        } else
            h = (h ^ (unsigned char)*c) * 1099511628211ull;
    }
    h |= 1; /* 0 marks an empty slot */
    for (size_t i = h % SLOTS, n = 0; n < SLOTS; i = (i + 1) % SLOTS, n++) {
        if (seen[i] == h) return 0;
        if (!seen[i]) {
            seen[i] = h;
            return 1;
        }
    }
    return 1; /* full: compile everything from now on */
}

static cl_context context;
static cl_device_id device;

static void compile(const char *function)
{
    if (!context) {
        cl_platform_id platform;
        cl_uint n = 0;
        if (clGetPlatformIDs(1, &platform, &n) != CL_SUCCESS || !n ||
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL) != CL_SUCCESS)
            abort();
        context = clCreateContext(NULL, 1, &device, NULL, NULL, NULL);
        if (!context) abort();
    }
    const char *src[] = {"typedef float clopt_real;\n"
                         "#define CLOPT_INLINE inline __attribute__((always_inline))\n"
                         "#define CLOPT_K(c) c##f\n"
                         "#define CLOPT_SELECT(a, b, c) select((a), (b), (c))\n"
                         "#define CLOPT_SINCOS(x, c) sincos((x), (c))\n",
                         function,
                         "__kernel void k(__global float *o)\n{\n    float gx, gy;\n"
                         "    o[0] = clopt_f_fuzz(o[1], o[2], &gx, &gy);\n"
                         "    o[3] = gx;\n    o[4] = gy;\n}\n"};
    cl_int rc;
    cl_program p = clCreateProgramWithSource(context, 3, src, NULL, &rc);
    if (rc == CL_SUCCESS) rc = clBuildProgram(p, 1, &device, "-cl-std=CL1.2", NULL, NULL);
    if (rc != CL_SUCCESS) {
        char log[8192] = "";
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        fprintf(stderr, "the generated source does not compile (%d):\n%s\n%s\n", rc, function, log);
        abort();
    }
    clReleaseProgram(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CLOPT_EXPR_MAX_CHARS + 10) return 0;
    char text[CLOPT_EXPR_MAX_CHARS + 11];
    memcpy(text, data, size);
    text[size] = '\0';
    clopt_expr_error e;
    clopt_expr *x = clopt_expr_parse(text, &e);
    if (!x) {
        if (!e.text[0] || e.column > strlen(text) + 1 || !e.code) abort();
        return 0;
    }
    clopt_expr *again = clopt_expr_parse(x->canonical, &e);
    if (!again || strcmp(again->canonical, x->canonical) != 0) {
        fprintf(stderr, "canonical text '%s' does not parse back to itself\n", x->canonical);
        abort();
    }
    clopt_expr_release(again);
    char *src = clopt_expr_opencl(x, "clopt_f_fuzz");
    char *tex = clopt_expr_tex(x);
    if (!src || !tex) abort();
    check_vocabulary(src);
    if (new_shape(src)) compile(src);
    free(src);
    free(tex);
    clopt_expr_release(x);
    return 0;
}
