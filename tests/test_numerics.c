/*
 * Every optimizer and option against the double-precision reference (reference.c), with random
 * gradients, on four tensors where three of them share one cl_mem at different offsets: 1,000
 * steps on 1, 3, 1023 and 4099 floats, and 100 steps on 1, 3, 1023 and 65537 (run_long and
 * run_wide say why two runs).
 *
 * Tolerance. The device works in float32; gradients do not depend on the parameters, so
 * errors never feed back into later updates and simply add up. Each step contributes at
 * most a few roundings of its update (rule arithmetic plus the per-step scalars rounded to
 * float: <= 8 eps * |update|) and at most two roundings of a parameter-sized value (<= eps/2
 * * |p| each: the new p, and before it Nesterov's p + momentum v or a decoupled decay's
 * p - p wd lr_e). The bound per element is therefore
 *     |p_device - p_ref| <= eps * (8 * travel + psum)   (eps = FLT_EPSILON)
 * where travel = sum of |update| so far and psum = sum of |p| after each step so far, both
 * from the reference (schedule-free rows: |p| + |z| + |x|, since y is rounded from z and x,
 * each rounded at its own size). There is no floor: a parameter near 0 gets a bound of a few of its
 * own ulps, so an error of 1e-5 of an update shows at step 1 (tools/mutate checks it; a floor of
 * eps * (|p| + 1) per step, as this test had, allowed ~5e-5 of Adam's default update). A wrong
 * formula (a bias correction off by one step, epsilon in the wrong place, clipping in the wrong
 * order) shows up at step 1, 2, 3 or 10, where this bound is a few ulps. Lamb's trust ratio r = |p|
 * / |u| comes from float sums of squares. The sums are of non-negative terms, so each is within L u
 * of the exact sum (u = eps / 2, Higham 4.2) where L is the longest chain of additions any term
 * passes through in the reduction the kernels use (cl/step.cl; lamb_chain below): a work-item's
 * run, its lanes, the chunks' partials and the work-group trees. With the squares' own rounding,
 * the two square roots and the division, r is within (L + 4) u, so Lamb's updates get 8 + (L + 4) /
 * 2 eps: for 65,537 floats, 62 to 86 eps on the CPU row (16 or 8 lanes) and 35 eps on the GPU row,
 * where a sequential sum's (8 + n) eps, as this test had, allowed 65,545 eps (7.8e-3 of the
 * update). Lion moves each element by exactly lr_e * sign(c): where c = beta_1 m + (1 - beta_1) g
 * is within the rounding of its two terms of 0, float and double may disagree on the sign; the
 * reference marks each such element-step (reference.c, slack) and allows 2 lr_e for it. States are
 * compared at the end: |s_device - s_ref| <= eps * (16 + steps) * |S|, where S is the state
 * recomputed from the absolute values of its terms (reference.c, mag0/mag1): a sum (Adagrad) or
 * running average of `steps` terms rounds a few times per term, relative to the terms' size, and a
 * running average of signed gradients (m) can cancel to near 0 while its rounding error stays the
 * size of the terms.
 */
#include "harness.h"

#include "optimizer.h"
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT 4

typedef struct {
    char spec[320];
    ref_hyper h;
} num_case;

/* Tensor t lives in buffer `in_b[t]` (A or B) at `off[t]`. */
static const int in_b[NT] = {0, 0, 1, 0};
static const size_t off[NT] = {5, 0, 1, 7};
static const float gscale[NT] = {3.0f, 0.5f, 1.0f, 0.01f};

static double worst_p, worst_s; /* largest error / bound seen, for the log */

/*
 * The longest chain of float additions a term of a Lamb norm passes through for a tensor of
 * n floats (cl/step.cl): chunks of at most `chunk` floats; in each, a work-item sums its
 * ceil(chunk / wgs) elements (CPUs: in `lanes` partial sums, then the lanes and a tail of
 * fewer than `lanes`; GPUs: one sum, then a log2(wgs) tree); the ratio kernel's work-items
 * add at most nchunks partials each (GPUs: ceil(nchunks / wgs)) and fold them in a
 * log2(wgs) tree. Counted on the longer path of the two rows.
 */
static double lamb_chain(const clopt_tuning *tu, size_t n)
{
    const size_t chunks = (n + tu->chunk - 1) / tu->chunk;
    const size_t per_item = (tu->chunk + tu->wgs - 1) / tu->wgs, lanes = tu->lanes ? tu->lanes : 1;
    double tree = 0;
    for (size_t w = tu->wgs; w > 1; w /= 2)
        tree += 1;
    const double item = tu->contiguous ? (double)((per_item + lanes - 1) / lanes + 2 * lanes)
                                       : (double)per_item + tree;
    return item + (double)chunks + tree;
}

static void compare_params(const ref_optimizer *r, float *const *dev, size_t step, const char *spec,
                           const clopt_tuning *tensorwise)
{
    for (size_t t = 0; t < r->ntensors; t++) {
        const double rule =
            8.0 + (tensorwise ? (lamb_chain(tensorwise, r->count[t]) + 4.0) / 2.0 : 0.0);
        for (size_t i = 0; i < r->count[t]; i++) {
            double ref = r->p[t][i], d = dev[t][i];
            double bound = FLT_EPSILON * (rule * r->travel[t][i] + r->psum[t][i]) + r->slack[t][i];
            double e = fabs(d - ref);
            if (e / bound > worst_p) {
                worst_p = e / bound;
                if (getenv("CLOPT_TEST_WORST"))
                    fprintf(stderr, "\n  worst so far %.3f: %s step %zu tensor %zu [%zu] slack %g",
                            worst_p, spec, step, t, i, r->slack[t][i]);
            }
            if (!(e <= bound)) {
                CU_FAIL("parameter differs from the reference beyond the float32 bound");
                fprintf(
                    stderr,
                    "\n  %s step %zu tensor %zu [%zu]: device %.9g reference %.9g (bound %.3g)\n",
                    spec, step, t, i, d, ref, bound);
                return;
            }
        }
    }
}

static void compare_state(clopt_optimizer *o, const ref_optimizer *r, size_t steps,
                          const char *spec)
{
    size_t ns = o->lay.nstate;
    for (size_t t = 0; t < NT; t++) {
        float *buf = malloc(r->count[t] * sizeof *buf);
        for (size_t s = 0; s < ns; s++) {
            clopt_error err;
            CU_ASSERT_EQUAL_FATAL(clopt_optimizer_read_state(o, t, s, buf, &err), CLOPT_OK);
            double *ref = r->s[s][t], *mag = r->mag[s][t];
            for (size_t i = 0; i < r->count[t]; i++) {
                double e = fabs(buf[i] - ref[i]);
                double bound = FLT_EPSILON * (16.0 + (double)steps) * mag[i];
                if (e / bound > worst_s) worst_s = e / bound;
                if (!(e <= bound)) {
                    CU_FAIL("state differs from the reference beyond the float32 bound");
                    fprintf(stderr,
                            "\n  %s tensor %zu state %zu [%zu]: device %.9g reference %.9g\n", spec,
                            t, s, i, buf[i], ref[i]);
                    s = ns;
                    break;
                }
            }
        }
        free(buf);
    }
}

/*
 * One run of a case: `steps` steps on tensors of 1, 3, 1023 and `last` floats, the parameters
 * compared with the reference at steps 1, 2, 3, 10, 100 and the last, the state at the end.
 */
static void run_case(const num_case *c, size_t last, size_t steps)
{
    const size_t count[NT] = {1, 3, 1023, last};
    const size_t size_a = off[3] + count[3], size_b = off[2] + count[2];
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);

    float *host_p[2] = {malloc(size_a * sizeof(float)), malloc(size_b * sizeof(float))};
    float *host_g[2] = {calloc(size_a, sizeof(float)), calloc(size_b, sizeof(float))};
    for (size_t i = 0; i < size_a; i++)
        host_p[0][i] = test_uniform(&rng);
    for (size_t i = 0; i < size_b; i++)
        host_p[1][i] = test_uniform(&rng);
    cl_mem param[2] = {test_buffer(size_a, host_p[0]), test_buffer(size_b, host_p[1])};
    cl_mem grad[2] = {test_buffer(size_a, NULL), test_buffer(size_b, NULL)};

    clopt_error err;
    clopt_optimizer *o = clopt_optimizer_create(ctx, c->spec, &err);
    if (!o) fprintf(stderr, "\n  %s: %s\n", c->spec, err.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const float *p0[NT];
    float *dev[NT], *g[NT];
    for (size_t t = 0; t < NT; t++) {
        CU_ASSERT_EQUAL(
            clopt_optimizer_add(o, param[in_b[t]], grad[in_b[t]], off[t], count[t], &err),
            CLOPT_OK);
        p0[t] = host_p[in_b[t]] + off[t];
        dev[t] = host_p[in_b[t]] + off[t]; /* read back into the same host image */
        g[t] = host_g[in_b[t]] + off[t];
    }
    ref_optimizer r;
    ref_init(&r, c->h, NT, count, p0);

    size_t clipped = 0; /* steps whose global norm reached clipnorm */
    for (size_t step = 1; step <= steps; step++) {
        for (size_t t = 0; t < NT; t++)
            for (size_t i = 0; i < count[t]; i++)
                g[t][i] = gscale[t] * test_uniform(&rng);
        test_write(grad[0], 0, size_a, host_g[0]);
        test_write(grad[1], 0, size_b, host_g[1]);
        /* the rate of the step about to be taken, as the reference computes it */
        const double it = (double)(step - 1);
        CU_ASSERT_EQUAL(clopt_optimizer_rate(o),
                        c->h.lr * ref_schedule_m(&c->h.sched, step - 1) / (1.0 + c->h.decay * it));
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        ref_step(&r, (const float *const *)g);
        double sum = 0;
        for (size_t t = 0; t < NT; t++)
            for (size_t i = 0; i < count[t]; i++)
                sum += (double)g[t][i] * g[t][i];
        clipped += c->h.clipnorm > 0 && sqrt(sum) >= c->h.clipnorm;
        if (step <= 3 || step == 10 || step == 100 || step == steps) {
            test_read(param[0], 0, size_a, host_p[0]);
            test_read(param[1], 0, size_b, host_p[1]);
            compare_params(&r, dev, step, c->spec,
                           clopt_catalogue_tensorwise(o->cfg.info->kind) ? &ctx->tuning : NULL);
        }
    }
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), steps);
    /* what the clipping cases stand on: clipnorm = 1 clips every step, 18.5 some but not all
     * (in every run, quick ones too: a threshold on only one side would leave a branch
     * untested) */
    if (c->h.clipnorm > 0)
        CU_ASSERT(c->h.clipnorm <= 1 ? clipped == steps : clipped > 0 && clipped < steps);
    compare_state(o, &r, steps, c->spec);

    ref_free(&r);
    clopt_optimizer_release(o);
    for (int b = 0; b < 2; b++) {
        clReleaseMemObject(param[b]);
        clReleaseMemObject(grad[b]);
        free(host_p[b]);
        free(host_g[b]);
    }
}

/*
 * Two runs of a case show what one run of 1,000 steps on 65,537 floats did, in a fraction of
 * its time: every element takes the same arithmetic and gradients do not depend on p, so
 * errors that add up over many steps add up alike on a shorter tensor, and what a chunk
 * boundary can break (chunk addressing, the reductions across chunks: Lamb's ratio,
 * clipnorm's global norm) shows from step 1.
 *   long: 1,000 steps on a last tensor of 4,099 floats, for the errors that add up (the
 *         bound's travel and psum, the states' running sums and averages) and the schedules
 *         over their course; 4,099 floats cross the GPU row's chunk of 4,096.
 *   wide: 100 steps on 65,537 floats, which cross the CPU row's chunk of 65,536.
 * Schedules change only host-side scalars (the rate of each step), so the schedule cases take
 * only the long run. Quick runs (CLOPT_TEST_QUICK: oclgrind, the sanitizers) take the long
 * run's shape for a few steps and no wide run: 7, past the one step-dependent branch in a
 * kernel (RAdam's rectification, from step 6 with beta_2 0.999 and with 0.9), or 12 where a
 * case clips (enough steps for the global norm to cross 18.5 both ways, run_case checks).
 */
static void run_long(const num_case *c)
{
    const int clips = c->h.clipnorm > 0 || c->h.clipvalue > 0;
    run_case(c, 4099, !test_quick() ? 1000 : clips ? 12 : 7);
}

static void run_wide(const num_case *c)
{
    if (!test_quick()) run_case(c, 65537, 100);
}

/*
 * Lamb's trust ratio where one of the norms is 0, against the reference: r = 1 when |p| = 0
 * (an all-zero tensor, as `clopt train` initialises its biases: it must move at step 1) or
 * |u| = 0 (a zero gradient: no step, and no 0 / 0 or x / 0), and on a tensor whose second
 * chunk is large (its partial sums come from two work-groups). Every step is compared.
 */
static void test_lamb_ratio_on_zero_tensors_and_tail_chunks(void)
{
    clopt_context *ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    enum { T = 4 };
    const size_t steps = test_quick() ? 3 : 10; /* quick: oclgrind checks every access */
    const size_t count[T] = {5, 7, ctx->tuning.chunk + ctx->tuning.chunk / 2 + 3, 3};
    const char *specs[] = {"lamb", "lamb(weight_decay=0.05, lr=0.01)"};
    for (size_t c = 0; c < 2; c++) {
        uint64_t rng = 0x2545F4914F6CDD1DULL;
        clopt_error err;
        clopt_optimizer *o = clopt_optimizer_create(ctx, specs[c], &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        ref_hyper h = ref_defaults("lamb");
        if (c == 1) CU_ASSERT(ref_set(&h, "weight_decay", 0.05) && ref_set(&h, "lr", 0.01));
        float *p[T], *g[T];
        cl_mem param[T], grad[T];
        for (size_t t = 0; t < T; t++) {
            p[t] = malloc(count[t] * sizeof(float));
            g[t] = calloc(count[t], sizeof(float));
            for (size_t i = 0; i < count[t]; i++)
                p[t][i] = t == 0 ? 0.0f : test_uniform(&rng); /* tensor 0: all zero */
            param[t] = test_buffer(count[t], p[t]);
            grad[t] = test_buffer(count[t], NULL);
            CU_ASSERT_EQUAL(clopt_optimizer_add(o, param[t], grad[t], 0, count[t], &err), CLOPT_OK);
        }
        ref_optimizer r;
        ref_init(&r, h, T, count, (const float *const *)p);
        for (size_t step = 1; step <= steps; step++) {
            for (size_t t = 0; t < T; t++) {
                /* tensor 1: always a zero gradient; tensor 3: zero at step 1 only */
                const int zero = t == 1 || (t == 3 && step == 1);
                for (size_t i = 0; i < count[t]; i++)
                    g[t][i] = zero ? 0.0f : test_uniform(&rng);
                test_write(grad[t], 0, count[t], g[t]);
            }
            CU_ASSERT_EQUAL_FATAL(clopt_optimizer_step(o, &err), CLOPT_OK);
            ref_step(&r, (const float *const *)g);
            for (size_t t = 0; t < T; t++)
                test_read(param[t], 0, count[t], p[t]);
            compare_params(&r, p, step, specs[c], &ctx->tuning);
        }
        /* what the comparison stands on: tensor 0 moved off 0; without decay, tensor 1 (never
         * a gradient) kept its values to the bit */
        CU_ASSERT(r.p[0][0] != 0.0 && p[0][0] != 0.0f);
        for (size_t i = 0; c == 0 && i < count[1]; i++)
            CU_ASSERT(p[1][i] == (float)r.p[1][i]);
        ref_free(&r);
        clopt_optimizer_release(o);
        for (size_t t = 0; t < T; t++) {
            clReleaseMemObject(param[t]);
            clReleaseMemObject(grad[t]);
            free(p[t]);
            free(g[t]);
        }
    }
}

/*
 * The cases of one optimizer, from the catalogue: its defaults; every numeric
 * hyperparameter at another value in its range (below), with each combination of its
 * booleans; and clipping by norm and by value.
 */
static double other_value(const char *name, double def)
{
    static const struct {
        const char *name;
        double v;
    } others[] = {{"momentum", 0.5},
                  {"decay", 0.01},
                  {"rho", 0.5},
                  {"beta_1", 0.5},
                  {"beta_2", 0.9},
                  {"epsilon", 0.1},
                  {"schedule_decay", 0.1},
                  {"weight_decay", 0.05},
                  {"warmup_steps", 20},
                  {"r", 0.5},
                  {"weight_lr_power", 1}};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (strcmp(others[i].name, name) == 0) return others[i].v;
    return 4.0 * def; /* lr */
}

static void add_case(num_case *cases, size_t *n, const clopt_optimizer_info *info,
                     const char *const *names, const double *values, size_t nv)
{
    num_case *c = &cases[(*n)++];
    c->h = ref_defaults(info->key);
    int at = snprintf(c->spec, sizeof c->spec, "%s(", info->key);
    for (size_t i = 0; i < nv; i++) {
        CU_ASSERT(ref_set(&c->h, names[i], values[i]));
        at += snprintf(c->spec + at, sizeof c->spec - (size_t)at, "%s%s=%.17g", i ? ", " : "",
                       names[i], values[i]);
    }
    snprintf(c->spec + at, sizeof c->spec - (size_t)at, ")");
}

static size_t cases_of(const clopt_optimizer_info *info, num_case *cases)
{
    size_t n = 0, nv = 0, nbool = 0;
    const char *names[CLOPT_MAX_OWN_PARAMS + 2];
    double values[CLOPT_MAX_OWN_PARAMS + 2];
    size_t bools[CLOPT_MAX_OWN_PARAMS];
    add_case(cases, &n, info, names, values, 0);
    for (size_t i = 0; i < info->nparams; i++) {
        names[nv] = clopt_catalogue_param(info->params[i])->name;
        if (clopt_catalogue_range(info, info->params[i]) == CLOPT_RANGE_BOOL) bools[nbool++] = nv;
        values[nv] = other_value(names[nv], info->defaults[i]);
        nv++;
    }
    for (size_t mask = 0; mask < (1u << nbool); mask++) {
        for (size_t b = 0; b < nbool; b++)
            values[bools[b]] = (double)((mask >> b) & 1u);
        add_case(cases, &n, info, names, values, nv);
    }
    const char *clip[] = {"clipnorm", "clipvalue"};
    const double always[] = {1.0, 0.5}, crossing[] = {18.5, 2.0};
    add_case(cases, &n, info, clip, always, 1);   /* the global norm is about 18.5 */
    add_case(cases, &n, info, clip, crossing, 2); /* it crosses 18.5 both ways (run_case checks) */
    return n;
}

static void test_every_optimizer_and_option_matches_the_reference_1000_steps(void)
{
    worst_p = worst_s = 0;
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        CU_ASSERT_FATAL(ref_has(info->key));
        if (clopt_catalogue_matrix(info->kind)) continue; /* matrices: test_muon.c */
        num_case cases[4 + (1u << CLOPT_MAX_OWN_PARAMS)];
        const size_t n = cases_of(info, cases);
        for (size_t i = 0; i < n; i++) {
            run_long(&cases[i]);
            run_wide(&cases[i]);
        }
    }
    printf("(worst error/bound: params %.3f, state %.3f) ", worst_p, worst_s);
}

/*
 * Every schedule, without and with warmup, through an optimizer: the parameters (and the
 * rate before each step, in run_case) against the reference with its own m(t). SGD with
 * momentum and Adam take turns; Nadam (whose rate is lr, not lr_e) takes one too.
 */
static void test_every_schedule_and_warmup_through_an_optimizer_1000_steps(void)
{
    worst_p = worst_s = 0;
    const double warmups[] = {0, 100};
    size_t k = 0;
    for (size_t w = 0; w < 2; w++) {
        test_sched_case sc[TEST_SCHEDULES];
        const size_t n = test_schedule_cases(warmups[w], sc);
        for (size_t i = 0; i < n; i++, k++) {
            static const char *const names[] = {"sgd", "adam", "nadam"};
            const char *name = names[k % 5 == 4 ? 2 : k % 2];
            num_case c;
            c.h = ref_defaults(name);
            c.h.sched = sc[i].ref;
            if (strcmp(name, "sgd") == 0) {
                c.h.lr = 0.05, c.h.momentum = 0.9;
                snprintf(c.spec, sizeof c.spec, "sgd(lr=0.05, momentum=0.9, schedule=%.127s)",
                         sc[i].spec);
            } else {
                c.h.lr = 0.01;
                snprintf(c.spec, sizeof c.spec, "%s(lr=0.01, schedule=%.127s)", name, sc[i].spec);
            }
            run_long(&c);
        }
    }
    printf("(worst error/bound: params %.3f, state %.3f) ", worst_p, worst_s);
}

/* Keras 1's SGD without momentum keeps no state; the reference's SGD then matches too. */
static void test_every_optimizer_has_its_reference_and_defaults(void)
{
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        /* Its parts: texts in both languages, equations, state names, a reference rule. (Its
         * kernels and its bench loop are expanded from cl/optimizers.h: a missing rule does
         * not compile.) */
        CU_ASSERT(info->name && info->key && info->en && *info->en && info->ko && *info->ko);
        CU_ASSERT_PTR_NOT_NULL(info->equations[0].html);
        for (size_t i = 0; i < info->full; i++)
            CU_ASSERT_PTR_NOT_NULL(info->state[i]);
        for (size_t i = 0; i < info->nparams; i++) {
            const clopt_param_info *pi = clopt_catalogue_param(info->params[i]);
            CU_ASSERT(pi->en && *pi->en && pi->ko && *pi->ko);
        }
        CU_ASSERT(ref_has(info->key));
        if (!ref_has(info->key)) {
            fprintf(stderr, "\n  %s has no rule in tests/reference.c\n", info->name);
            continue;
        }
        const ref_hyper h = ref_defaults(info->key);
        for (size_t i = 0; i < info->nparams; i++) {
            ref_hyper c = h;
            const char *name = clopt_catalogue_param(info->params[i])->name;
            CU_ASSERT(ref_set(&c, name, info->defaults[i]));
            CU_ASSERT(memcmp(&c, &h, sizeof c) == 0); /* the catalogue's default */
            if (memcmp(&c, &h, sizeof c) != 0)
                fprintf(stderr, "\n  %s: default of %s differs from docs/semantics.md\n",
                        info->name, name);
        }
    }
}

CU_TestInfo numerics_tests[] = {
    {"every optimizer has its texts, equations, reference rule and docs/semantics.md's defaults",
     test_every_optimizer_has_its_reference_and_defaults},
    {"every optimizer and option matches the reference over 1000 steps",
     test_every_optimizer_and_option_matches_the_reference_1000_steps},
    {"lamb ratio on zero tensors and tail chunks matches the reference",
     test_lamb_ratio_on_zero_tensors_and_tail_chunks},
    {"every schedule and warmup through an optimizer matches the reference over 1000 steps",
     test_every_schedule_and_warmup_through_an_optimizer_1000_steps},
    CU_TEST_INFO_NULL,
};
