/*
 * Muon (docs/semantics.md, "Muon"): the device's step against the double reference
 * (reference.c) over 120 steps, on square, wide and tall matrices stepped together (two
 * buffer pairs), with every option; the refusal of a tensor without a shape; shapes ignored
 * by the other optimizers; bit-identical repeats.
 *
 * Tolerance, from the iteration. The device computes in float32 (eps = 2^-23) what the
 * reference computes in double. Per step, the orthogonalised O differs from the
 * reference's by
 *   (1) its input: buf is a convex combination of gradients, off by at most eps (16 + t)
 *       relative (as test_numerics.c bounds states), and normalising adds a few eps; and
 *   (2) each iteration's own rounding: G = X X^T, G G and H X sum m, n and n products of
 *       entries of size <= sigma_max (<= 1.25 for the quintic after the first iteration),
 *       so an iteration adds at most eps (m + 2 n + 4) sigma_max^5 per entry.
 * The iteration X -> p(X) = a X + b X^3 + c X^5 (on singular values) multiplies an error
 * by at most L = max |p'(sigma)| over [0, sigma_max] per iteration, so after K iterations
 *   |O_dev - O_ref| <= eps [ (16 + t + 4) L^K + (m + 2 n + 4) s5 (L^K - 1) / (L - 1) ]
 * with s5 = max(1, sigma_max)^5, per entry (an entry is at most the spectral norm of the
 * error). The parameters then move by lr_e s O per step: their error is the sum over steps
 * of lr_e s |O error|, plus eps (|p| + |step|) per step for the element-wise update, and
 * weight decay only shrinks errors. L is computed from a, b, c below, so the bound follows
 * the options. Breaking the code (coefficients swapped, no transpose, nesterov ignored)
 * moves O by far more than this (checked by hand when the test was written).
 */
#include "harness.h"

#include "optimizer.h"
#include "train/companion.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NM 4
static const size_t rows_of[NM] = {16, 8, 24, 5}; /* square, wide, tall, tall and thin */
static const size_t cols_of[NM] = {16, 24, 8, 3};
static const int pair_of[NM] = {0, 0, 1, 0};

typedef struct {
    const char *spec;
    const char *names[8];
    double values[8];
} muon_case;

static const muon_case cases[] = {
    {"muon(lr=0.02)", {"lr", NULL}, {0.02}},
    {"muon(lr=0.02, nesterov=False)", {"lr", "nesterov", NULL}, {0.02, 0}},
    {"muon(lr=0.01, adjust_lr=\"match_rms_adamw\", weight_decay=0.5)",
     {"lr", "adjust_lr", "weight_decay", NULL},
     {0.01, 1, 0.5}},
    {"muon(lr=0.02, momentum=0.5, weight_decay=0, ns_steps=3, epsilon=0.001)",
     {"lr", "momentum", "weight_decay", "ns_steps", "epsilon", NULL},
     {0.02, 0.5, 0, 3, 0.001}},
    {"muon(lr=0.02, a=1.5, b=-0.5, c=0, ns_steps=8)", /* the cubic Newton-Schulz */
     {"lr", "a", "b", "c", "ns_steps", NULL},
     {0.02, 1.5, -0.5, 0, 8}},
    {"muon(lr=0.02, clipnorm=3, clipvalue=0.4)",
     {"lr", "clipnorm", "clipvalue", NULL},
     {0.02, 3, 0.4}},
};

/* max |p'(sigma)| over [0, top] of p(s) = a s + b s^3 + c s^5, and max(1, max p) there. */
static void lipschitz(const ref_hyper *h, double top, double *l, double *pmax)
{
    *l = 0, *pmax = 1;
    for (int i = 0; i <= 1000; i++) {
        const double s = top * i / 1000.0, s2 = s * s;
        *l = fmax(*l, fabs(h->ns_a + 3 * h->ns_b * s2 + 5 * h->ns_c * s2 * s2));
        *pmax = fmax(*pmax, fabs(s * (h->ns_a + h->ns_b * s2 + h->ns_c * s2 * s2)));
    }
}

static void run_case(const muon_case *c)
{
    const size_t steps = test_quick() ? 12 : 120;
    size_t size[2] = {0, 0}, offs[NM], counts[NM];
    for (size_t t = 0; t < NM; t++) {
        counts[t] = rows_of[t] * cols_of[t];
        offs[t] = size[pair_of[t]] + 5; /* a gap before each matrix */
        size[pair_of[t]] = offs[t] + counts[t];
    }
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    float *hp[2], *hg[2];
    cl_mem param[2], grad[2];
    for (int b = 0; b < 2; b++) {
        hp[b] = malloc(size[b] * sizeof(float));
        hg[b] = calloc(size[b], sizeof(float));
        for (size_t i = 0; i < size[b]; i++)
            hp[b][i] = test_uniform(&rng);
        param[b] = test_buffer(size[b], hp[b]);
        grad[b] = test_buffer(size[b], NULL);
    }
    ref_hyper h = ref_defaults("muon");
    for (size_t i = 0; i < 8 && c->names[i]; i++)
        CU_ASSERT(ref_set(&h, c->names[i], c->values[i]));
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), c->spec, &err);
    if (!o) fprintf(stderr, "\n  %s: %s\n", c->spec, err.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const float *p0[NM];
    float *g[NM];
    for (size_t t = 0; t < NM; t++) {
        CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, param[pair_of[t]], grad[pair_of[t]], offs[t],
                                                   rows_of[t], cols_of[t], &err),
                        CLOPT_OK);
        p0[t] = hp[pair_of[t]] + offs[t];
        g[t] = hg[pair_of[t]] + offs[t];
    }
    ref_optimizer r;
    ref_init(&r, h, NM, counts, p0);
    for (size_t t = 0; t < NM; t++)
        ref_set_rows(&r, t, rows_of[t]);
    double l, pmax;
    lipschitz(&h, 1.25, &l, &pmax);
    const double lk = pow(l, h.ns_steps), geo = l != 1 ? (lk - 1) / (l - 1) : h.ns_steps;
    double bound[NM] = {0}, worst = 0;
    int ok = 1;
    for (size_t step = 1; step <= steps && ok; step++) {
        for (size_t t = 0; t < NM; t++)
            for (size_t i = 0; i < counts[t]; i++)
                g[t][i] = (float)(t + 1) * test_uniform(&rng);
        for (int b = 0; b < 2; b++)
            test_write(grad[b], 0, size[b], hg[b]);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        const double lr = h.lr; /* no decay or schedule in these cases */
        ref_step(&r, (const float *const *)g);
        for (int b = 0; b < 2; b++)
            test_read(param[b], 0, size[b], hp[b]);
        for (size_t t = 0; t < NM && ok; t++) {
            const double n = (double)(rows_of[t] < cols_of[t] ? rows_of[t] : cols_of[t]);
            const double m = (double)(rows_of[t] < cols_of[t] ? cols_of[t] : rows_of[t]);
            const double A = (double)rows_of[t], B = (double)cols_of[t];
            const double s = h.adjust_lr != 0 ? 0.2 * sqrt(fmax(A, B)) : sqrt(fmax(1.0, A / B));
            const double o_err =
                FLT_EPSILON * ((20.0 + (double)step) * lk + (m + 2 * n + 4) * pow(pmax, 5) * geo);
            bound[t] += lr * s * o_err;
            for (size_t i = 0; i < counts[t] && ok; i++) {
                const double dev = hp[pair_of[t]][offs[t] + i], ref = r.p[t][i];
                const double b = bound[t] + FLT_EPSILON * (4.0 + (double)step) *
                                                (r.psum[t][i] / (double)step + r.travel[t][i]);
                worst = fmax(worst, fabs(dev - ref) / b);
                if (fabs(dev - ref) > b) {
                    ok = 0;
                    CU_FAIL("Muon's parameters differ from the reference beyond the bound");
                    fprintf(stderr,
                            "\n  %s, step %zu, matrix %zu (%zu x %zu) [%zu]: device %.9g "
                            "reference %.9g (bound %.3g)\n",
                            c->spec, step, t, rows_of[t], cols_of[t], i, dev, ref, b);
                }
            }
        }
    }
    /* buf, the state, is element-wise: as test_numerics.c bounds states */
    float *buf = malloc(counts[0] * sizeof *buf);
    CU_ASSERT_EQUAL(clopt_optimizer_read_state(o, 0, 0, buf, &err), CLOPT_OK);
    for (size_t i = 0; i < counts[0]; i++)
        CU_ASSERT(fabs(buf[i] - r.s[0][0][i]) <=
                  FLT_EPSILON * (16.0 + (double)steps) * r.mag[0][0][i] + 1e-30);
    free(buf);
    printf("(%s: worst error/bound %.3f) ", c->spec, worst);
    ref_free(&r);
    clopt_optimizer_release(o);
    for (int b = 0; b < 2; b++) {
        free(hp[b]);
        free(hg[b]);
        clReleaseMemObject(param[b]);
        clReleaseMemObject(grad[b]);
    }
}

static void test_muon_matches_the_reference_on_square_wide_and_tall_matrices(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* The same inputs twice: the same bits (one device, one tuning, one reduction order). */
static void test_muon_repeats_bit_identically(void)
{
    const size_t rows = 24, cols = 40, n = rows * cols;
    uint64_t rng = 7;
    float *p0 = malloc(n * sizeof *p0), *g = malloc(n * sizeof *g);
    float *out[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
    for (size_t i = 0; i < n; i++)
        p0[i] = test_uniform(&rng), g[i] = test_uniform(&rng);
    for (int run = 0; run < 2; run++) {
        cl_mem p = test_buffer(n, p0), gb = test_buffer(n, g);
        clopt_optimizer *o = clopt_optimizer_create(test_context(), "muon(lr=0.05)", NULL);
        CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, p, gb, 0, rows, cols, NULL), CLOPT_OK);
        for (int s = 0; s < 10; s++)
            CU_ASSERT_EQUAL(clopt_optimizer_step(o, NULL), CLOPT_OK);
        test_read(p, 0, n, out[run]);
        clopt_optimizer_release(o);
        clReleaseMemObject(p);
        clReleaseMemObject(gb);
    }
    CU_ASSERT(memcmp(out[0], out[1], n * sizeof(float)) == 0);
    CU_ASSERT(memcmp(out[0], p0, n * sizeof(float)) != 0);
    free(p0), free(g), free(out[0]), free(out[1]);
}

/*
 * Muon normalises the momentum before Newton-Schulz, so a gradient c * G takes the same
 * step for every c > 0 whose norm is above epsilon (weight decay 0, one step; epsilon 1e-35
 * here). With c = 1e20 the momentum's squares pass FLT_MAX, some work-items' plain sums
 * stay just below it and their total does not; with c = 1e-25 or 1e-30 they fall below
 * FLT_MIN: a plain float sum of squares made the norm inf (no step at all) or 0 (a step of
 * X / epsilon). The steps must agree with the one at c = 1 (where the sum is normal) to
 * 1e-5 of the largest (2.3e-6 measured), what Newton-Schulz makes of X's last bits (the
 * normalised X differs by an ulp or two where the elements were divided by their largest).
 */
static void test_muon_is_scale_invariant_where_squares_overflow_or_underflow(void)
{
    const size_t rows = 12, cols = 20, n = rows * cols;
    const double scales[] = {1, 1e20, 1e-25, 1e-30};
    uint64_t rng = 11;
    float *p0 = malloc(n * sizeof *p0), *g0 = malloc(n * sizeof *g0), *g = malloc(n * sizeof *g);
    float *step[4];
    for (size_t i = 0; i < n; i++)
        p0[i] = test_uniform(&rng), g0[i] = test_uniform(&rng) + 0.5f;
    for (int c = 0; c < 4; c++) {
        for (size_t i = 0; i < n; i++)
            g[i] = (float)(g0[i] * scales[c]);
        cl_mem p = test_buffer(n, p0), gb = test_buffer(n, g);
        clopt_optimizer *o = clopt_optimizer_create(
            test_context(), "muon(lr=0.05, weight_decay=0, epsilon=1e-35)", NULL);
        CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, p, gb, 0, rows, cols, NULL), CLOPT_OK);
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, NULL), CLOPT_OK);
        step[c] = malloc(n * sizeof(float));
        test_read(p, 0, n, step[c]);
        for (size_t i = 0; i < n; i++)
            step[c][i] -= p0[i];
        clopt_optimizer_release(o);
        clReleaseMemObject(p);
        clReleaseMemObject(gb);
    }
    for (int c = 1; c < 4; c++) {
        double worst = 0, top = 0;
        for (size_t i = 0; i < n; i++) {
            const double e = fabs((double)step[c][i] - step[0][i]);
            worst = e > worst || e != e ? e : worst;
            top = fmax(top, fabs((double)step[0][i]));
        }
        worst /= top;
        CU_ASSERT(worst <= 1e-5);
        if (!(worst <= 1e-5))
            fprintf(stderr,
                    "\n  gradient x %g: worst relative difference of the step %g (%g vs %g)\n",
                    scales[c], worst, step[c][0], step[0][0]);
    }
    for (int c = 0; c < 4; c++)
        free(step[c]);
    free(p0), free(g0), free(g);
}

static void test_muon_refuses_a_tensor_without_a_shape(void)
{
    cl_mem p = test_buffer(64, NULL), g = test_buffer(64, NULL);
    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(test_context(), "muon", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, p, g, 0, 4, 8, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add(o, p, g, 32, 16, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "tensor 1 (param[32, 48)) has no shape");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "clopt_optimizer_add_matrix"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "AdamW"));
    CU_ASSERT_EQUAL(o->lay.ntensors, 1); /* left as it was */
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, p, g, 32, 0, 8, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "the shape 0 x 8 is not a matrix");
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(o, p, g, 32, 8, 8, &err), CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "holds 64 floats, but offset 32 + count 64");
    CU_ASSERT_EQUAL(o->lay.ntensors, 1);
    CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
    clopt_optimizer_release(o);
    /* a word of adjust_lr that is not one */
    CU_ASSERT_PTR_NULL(clopt_optimizer_create(test_context(), "muon(adjust_lr='rms')", &err));
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "adjust_lr=\"rms\" is not accepted; expected \"original\" or "
                 "\"match_rms_adamw\"");
    CU_ASSERT_PTR_NULL(clopt_optimizer_create(test_context(), "muon(ns_steps=100)", &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, "a whole number in [1, 99]");
    clReleaseMemObject(p);
    clReleaseMemObject(g);
}

/* Another optimizer ignores the shape: a matrix steps as the same floats added flat. */
static void test_other_optimizers_ignore_shapes(void)
{
    const size_t n = 48;
    uint64_t rng = 11;
    float p0[48], g0[48], a[48] = {0}, b[48] = {0};
    for (size_t i = 0; i < n; i++)
        p0[i] = test_uniform(&rng), g0[i] = test_uniform(&rng);
    float *out[2] = {a, b};
    for (int shaped = 0; shaped < 2; shaped++) {
        cl_mem p = test_buffer(n, p0), g = test_buffer(n, g0);
        clopt_optimizer *o = clopt_optimizer_create(test_context(), "adamw(lr=0.1)", NULL);
        CU_ASSERT_EQUAL(shaped ? clopt_optimizer_add_matrix(o, p, g, 0, 6, 8, NULL)
                               : clopt_optimizer_add(o, p, g, 0, n, NULL),
                        CLOPT_OK);
        for (int s = 0; s < 5; s++)
            CU_ASSERT_EQUAL(clopt_optimizer_step(o, NULL), CLOPT_OK);
        test_read(p, 0, n, out[shaped]);
        clopt_optimizer_release(o);
        clReleaseMemObject(p);
        clReleaseMemObject(g);
    }
    CU_ASSERT(memcmp(a, b, sizeof a) == 0);
}

/* Checkpoints carry shapes: a Muon checkpoint loads into the same shapes only. */
static void test_muon_checkpoints_carry_shapes(void)
{
    char path[] = "/tmp/clopt-muon-XXXXXX";
    const int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    uint64_t rng = 5;
    float p0[32], g0[32];
    for (size_t i = 0; i < 32; i++)
        p0[i] = test_uniform(&rng), g0[i] = test_uniform(&rng);
    cl_mem p = test_buffer(32, p0), g = test_buffer(32, g0), q = test_buffer(32, p0);
    clopt_error err;
    clopt_optimizer *a = clopt_optimizer_create(test_context(), "muon(lr=0.1)", &err);
    clopt_optimizer *b = clopt_optimizer_create(test_context(), "muon(lr=0.1)", &err);
    clopt_optimizer *c = clopt_optimizer_create(test_context(), "muon(lr=0.1)", &err);
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(a, p, g, 0, 4, 8, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(b, q, g, 0, 8, 4, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_add_matrix(c, q, g, 0, 4, 8, &err), CLOPT_OK);
    for (int s = 0; s < 3; s++)
        CU_ASSERT_EQUAL(clopt_optimizer_step(a, &err), CLOPT_OK);
    CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(a, path, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_load(b, path, &err), CLOPT_EFORMAT);
    ASSERT_ERROR(err, CLOPT_EFORMAT,
                 "tensor 0 is a 4 x 8 matrix in the checkpoint but 8 x 4 in this optimizer");
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(b), 0);
    CU_ASSERT_EQUAL(clopt_optimizer_load(c, path, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(c), 3);
    float pa[32], pc[32];
    test_read(p, 0, 32, pa);
    test_write(q, 0, 32, pa);
    CU_ASSERT_EQUAL(clopt_optimizer_step(a, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_step(c, &err), CLOPT_OK);
    test_read(p, 0, 32, pa);
    test_read(q, 0, 32, pc);
    CU_ASSERT(memcmp(pa, pc, sizeof pa) == 0);
    unlink(path);
    clopt_optimizer_release(a);
    clopt_optimizer_release(b);
    clopt_optimizer_release(c);
    clReleaseMemObject(p);
    clReleaseMemObject(q);
    clReleaseMemObject(g);
}

/* clopt train's Muon: its AdamW takes the spec's adamw_* settings, or AdamW's defaults. */
static void test_training_spec_splits_off_adamw_settings(void)
{
    clopt_config main, rest;
    int has_rest = -1;
    clopt_error err;
    CU_ASSERT_EQUAL(clopt_train_split_spec("muon(lr=0.02, adamw_lr=0.002, adamw_schedule="
                                           "cosine(steps=100, warmup=10), nesterov=False)",
                                           &main, &rest, &has_rest, &err),
                    CLOPT_OK);
    CU_ASSERT_EQUAL(has_rest, 1);
    CU_ASSERT_EQUAL(main.info->kind, CLOPT_MUON);
    CU_ASSERT_EQUAL(main.v[CLOPT_P_LR], 0.02);
    CU_ASSERT_EQUAL(main.v[CLOPT_P_NESTEROV], 0.0);
    CU_ASSERT_PTR_NULL(main.sched.info);
    CU_ASSERT_EQUAL(rest.info->kind, CLOPT_ADAMW);
    CU_ASSERT_EQUAL(rest.v[CLOPT_P_LR], 0.002);
    CU_ASSERT_PTR_NOT_NULL(rest.sched.info);
    CU_ASSERT_EQUAL(clopt_train_split_spec("muon", &main, &rest, &has_rest, &err), CLOPT_OK);
    CU_ASSERT_EQUAL(has_rest, 1);
    CU_ASSERT_EQUAL(rest.info->kind, CLOPT_ADAMW);
    CU_ASSERT_EQUAL(rest.v[CLOPT_P_LR], 0.001); /* AdamW's default */
    CU_ASSERT_EQUAL(clopt_train_split_spec("adam(lr=0.1)", &main, &rest, &has_rest, &err),
                    CLOPT_OK);
    CU_ASSERT_EQUAL(has_rest, 0);
    CU_ASSERT_EQUAL(main.v[CLOPT_P_LR], 0.1);
    CU_ASSERT_EQUAL(clopt_train_split_spec("adam(adamw_lr=0.1)", &main, &rest, &has_rest, &err),
                    CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL, "Adam takes no adamw_* settings");
    CU_ASSERT_EQUAL(clopt_train_split_spec("muon(adamw_rho=1)", &main, &rest, &has_rest, &err),
                    CLOPT_EINVAL);
    ASSERT_ERROR(err, CLOPT_EINVAL,
                 "Muon's AdamW (its adamw_* settings): unknown argument 'rho' for AdamW");
}

CU_TestInfo muon_tests[] = {
    {"the training spec splits off AdamW's settings", test_training_spec_splits_off_adamw_settings},
    {"muon checkpoints carry shapes", test_muon_checkpoints_carry_shapes},
    {"muon matches the reference on square, wide and tall matrices with every option",
     test_muon_matches_the_reference_on_square_wide_and_tall_matrices},
    {"muon repeats bit-identically", test_muon_repeats_bit_identically},
    {"muon is scale-invariant where squares overflow or underflow",
     test_muon_is_scale_invariant_where_squares_overflow_or_underflow},
    {"muon refuses a tensor without a shape, and bad shapes and words",
     test_muon_refuses_a_tensor_without_a_shape},
    {"other optimizers ignore shapes", test_other_optimizers_ignore_shapes},
    CU_TEST_INFO_NULL,
};
