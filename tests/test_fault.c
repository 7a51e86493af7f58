/*
 * Error paths, forced: linked against the `clopt_fault` library (src/fault.h), each operation
 * runs once to count its fallible calls, then again once per call with that call failing --
 * every OpenCL call, then every host allocation. After each failure: an error that names the
 * OpenCL call (or says out of memory), no non-blocking transfer left in flight, the object as
 * it was (or, when the call was one clopt retries, as after success), and once released, no
 * OpenCL object left behind; AddressSanitizer (tools/test) adds no crash and no leak.
 * usage: clopt_fault_tests
 */
#include "harness.h"

#include "fault.h"
#include "optimizer.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define N 300 /* floats per tensor */

CU_TestInfo fault_tests[];

typedef struct {
    clopt_context *ctx;
    clopt_optimizer *o;
    cl_mem p[2], g[2];
    clopt_run *run;
    clopt_exploration *ex;
    float values[64 * 48];
    char path[128], other[128];
} fx;

/* What "unchanged" compares: the optimizer's counters, config, state and the parameters. */
typedef struct {
    int has_o;
    uint64_t it;
    char *config;
    size_t ntensors, nstate;
    cl_int torn;
    float state[CLOPT_MAX_STATE][4][N];
    float p[2][N];
    uint64_t progress;
} snap;

static void seed_grads(fx *f, uint64_t seed)
{
    float g[N];
    for (int b = 0; b < 2; b++) {
        for (size_t i = 0; i < N; i++)
            g[i] = test_uniform(&seed);
        test_write(f->g[b], 0, N, g);
    }
}

static void make(fx *f, const char *spec)
{
    clopt_error err;
    float p0[N];
    uint64_t seed = 7;
    for (size_t i = 0; i < N; i++)
        p0[i] = test_uniform(&seed);
    for (int b = 0; b < 2; b++) {
        f->p[b] = test_buffer(N, p0);
        f->g[b] = test_buffer(N, NULL);
    }
    seed_grads(f, 11);
    snprintf(f->path, sizeof f->path, "/tmp/clopt-fault-%d.ckpt", (int)getpid());
    snprintf(f->other, sizeof f->other, "/tmp/clopt-fault-%d-save.ckpt", (int)getpid());
    if (spec) {
        f->o = clopt_optimizer_create(test_context(), spec, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f->o);
    }
}

static void teardown(fx *f)
{
    clopt_optimizer_release(f->o);
    clopt_run_release(f->run);
    clopt_explore_release(f->ex);
    clopt_context_release(f->ctx);
    for (int b = 0; b < 2; b++) {
        if (f->p[b]) clReleaseMemObject(f->p[b]);
        if (f->g[b]) clReleaseMemObject(f->g[b]);
    }
    unlink(f->path);
    unlink(f->other);
    memset(f, 0, sizeof *f);
}

static void ok(clopt_status st, const clopt_error *err)
{
    CU_ASSERT_EQUAL_FATAL(st, CLOPT_OK);
    if (st != CLOPT_OK) fprintf(stderr, "\n  setup failed: %s\n", err->text);
}

static snap take(fx *f)
{
    snap s;
    memset(&s, 0, sizeof s);
    for (int b = 0; b < 2; b++)
        if (f->p[b]) test_read(f->p[b], 0, N, s.p[b]);
    if (f->run) s.progress = clopt_run_progress(f->run);
    if (!f->o) return s;
    s.has_o = 1;
    s.it = clopt_optimizer_iterations(f->o);
    s.config = clopt_optimizer_config(f->o);
    s.ntensors = f->o->lay.ntensors;
    s.nstate = f->o->lay.nstate;
    s.torn = f->o->torn;
    for (size_t t = 0; t < s.ntensors && t < 4; t++)
        for (size_t k = 0; k < s.nstate; k++)
            if (f->o->lay.tensors[t].count <= N)
                CU_ASSERT_EQUAL(clopt_optimizer_read_state(f->o, t, k, s.state[k][t], NULL),
                                CLOPT_OK);
    return s;
}

static int same(const snap *a, const snap *b)
{
    return a->has_o == b->has_o && a->it == b->it &&
           (!a->has_o || strcmp(a->config, b->config) == 0) && a->ntensors == b->ntensors &&
           a->nstate == b->nstate && a->torn == b->torn &&
           memcmp(a->state, b->state, sizeof a->state) == 0 && memcmp(a->p, b->p, sizeof a->p) == 0;
}

static void drop(snap *s)
{
    free(s->config);
}

/* ---- the operations, each with the state it starts from ---- */

typedef struct {
    const char *name;
    void (*setup)(fx *);
    clopt_status (*op)(fx *, clopt_error *);
} scenario;

static void setup_none(fx *f)
{
    make(f, NULL);
}

static clopt_status op_context(fx *f, clopt_error *err)
{
    f->ctx = clopt_context_create(NULL, err);
    return f->ctx ? CLOPT_OK : err->status;
}

static clopt_status op_create(fx *f, clopt_error *err)
{
    f->o = clopt_optimizer_create(test_context(), "adam(clipnorm=1)", err);
    return f->o ? CLOPT_OK : err->status;
}

/* An optimizer of `spec` over buffer pair 0, stepped once. */
static void one_pair(fx *f, const char *spec)
{
    clopt_error err;
    make(f, spec);
    ok(clopt_optimizer_add(f->o, f->p[0], f->g[0], 0, N, &err), &err);
    ok(clopt_optimizer_step(f->o, &err), &err);
}

/*
 * An optimizer of `spec` over pair 0 and the two halves of pair 1: stepped, saved to f->path,
 * stepped again and given new gradients.
 */
static void two_pairs(fx *f, const char *spec)
{
    clopt_error err;
    make(f, spec);
    ok(clopt_optimizer_add(f->o, f->p[0], f->g[0], 0, N, &err), &err);
    ok(clopt_optimizer_add(f->o, f->p[1], f->g[1], 0, N / 2, &err), &err);
    ok(clopt_optimizer_add(f->o, f->p[1], f->g[1], N / 2, N / 2, &err), &err);
    ok(clopt_optimizer_step(f->o, &err), &err);
    ok(clopt_optimizer_save(f->o, f->path, &err), &err);
    seed_grads(f, 12);
    ok(clopt_optimizer_step(f->o, &err), &err);
    seed_grads(f, 13);
}

static void setup_one_pair(fx *f)
{
    one_pair(f, "adam(lr=0.01)");
}

static clopt_status op_add_pair(fx *f, clopt_error *err)
{
    return clopt_optimizer_add(f->o, f->p[1], f->g[1], 0, N, err);
}

static void setup_three_small(fx *f)
{
    clopt_error err;
    make(f, "rmsprop");
    ok(clopt_optimizer_add(f->o, f->p[0], f->g[0], 0, 10, &err), &err);
    ok(clopt_optimizer_add(f->o, f->p[0], f->g[0], 10, 10, &err), &err);
    ok(clopt_optimizer_add(f->o, f->p[0], f->g[0], 20, 1, &err), &err);
    ok(clopt_optimizer_step(f->o, &err), &err);
}

static clopt_status op_add_in_place(fx *f, clopt_error *err)
{
    return clopt_optimizer_add(f->o, f->p[0], f->g[0], 21, 1, err); /* fits the arenas */
}

static void setup_two_pairs(fx *f)
{
    two_pairs(f, "adam(lr=0.01, clipnorm=0.5)");
}

/* Lamb: per-tensor norms, three launches per buffer pair. */
static void setup_two_pairs_lamb(fx *f)
{
    two_pairs(f, "lamb(lr=0.01, weight_decay=0.01)");
}

static void setup_one_pair_lamb(fx *f)
{
    one_pair(f, "lamb");
}

/* Muon over a 12 x 25 matrix of pair 0 (the Newton-Schulz products on the host's BLAS for a
 * CPU device, src/gemm.h): stepped, saved to f->path, given new gradients. */
static void setup_muon(fx *f)
{
    clopt_error err;
    make(f, "muon(lr=0.02)");
    ok(clopt_optimizer_add_matrix(f->o, f->p[0], f->g[0], 0, 12, 25, &err), &err);
    ok(clopt_optimizer_step(f->o, &err), &err);
    ok(clopt_optimizer_save(f->o, f->path, &err), &err);
    seed_grads(f, 12);
}

static void setup_muon_empty(fx *f)
{
    make(f, "muon(lr=0.02)");
}

static clopt_status op_add_matrix(fx *f, clopt_error *err)
{
    return clopt_optimizer_add_matrix(f->o, f->p[1], f->g[1], 0, 20, 15, err);
}

static clopt_status op_amsgrad_on(fx *f, clopt_error *err)
{
    return clopt_optimizer_set(f->o, "amsgrad", 1, err);
}

static clopt_status op_step(fx *f, clopt_error *err)
{
    return clopt_optimizer_step(f->o, err);
}

static clopt_status op_load(fx *f, clopt_error *err)
{
    return clopt_optimizer_load(f->o, f->path, err);
}

static clopt_status op_save(fx *f, clopt_error *err)
{
    return clopt_optimizer_save(f->o, f->other, err);
}

static void setup_sgd_plain(fx *f)
{
    one_pair(f, "sgd(lr=0.1)");
}

static void setup_sgd_momentum_off(fx *f)
{
    clopt_error err;
    one_pair(f, "sgd(lr=0.1, momentum=0.9)");
    ok(clopt_optimizer_set(f->o, "momentum", 0.0, &err), &err);
    ok(clopt_optimizer_step(f->o, &err), &err);
}

static clopt_status op_momentum_on(fx *f, clopt_error *err)
{
    return clopt_optimizer_set(f->o, "momentum", 0.9, err);
}

static const char *const run_specs[] = {"adam(lr=0.1)", "sgd(lr=0.001, momentum=0.9)"};
static const double run_starts[] = {-1.5, 2.0, 0.5, 0.5};

static clopt_run_options run_options(void)
{
    clopt_run_options r = {"rosenbrock", run_specs, 2, run_starts,           2, 50, 7,
                           0.1,          3,         1, CLOPT_PRECISION_FLOAT};
    return r;
}

static clopt_status op_run_create(fx *f, clopt_error *err)
{
    const clopt_run_options r = run_options();
    f->run = clopt_run_create(test_context(), &r, err);
    return f->run ? CLOPT_OK : err->status;
}

static void setup_run(fx *f)
{
    clopt_error err;
    make(f, NULL);
    ok(op_run_create(f, &err), &err);
}

static clopt_status op_double_run_create(fx *f, clopt_error *err)
{
    clopt_run_options r = run_options();
    r.precision = CLOPT_PRECISION_DOUBLE;
    f->run = clopt_run_create(test_context(), &r, err);
    return f->run ? CLOPT_OK : err->status;
}

static void setup_double_run(fx *f)
{
    clopt_error err;
    make(f, NULL);
    ok(op_double_run_create(f, &err), &err);
}

static clopt_status op_run_advance(fx *f, clopt_error *err)
{
    clopt_slice slice;
    while (!clopt_run_finished(f->run)) {
        const clopt_status st = clopt_run_advance(f->run, 20, &slice, err);
        if (st != CLOPT_OK) return st;
    }
    return CLOPT_OK;
}

/* An expression's program is built on first use and cached by the context: a fresh context
 * per attempt, so that every attempt builds it. */
static clopt_status op_expression_run(fx *f, clopt_error *err)
{
    static const char *const specs[] = {"adam(lr=0.1)"};
    static const double start[] = {1.0, -1.0};
    const clopt_run_options r = {"x^2 + 3*sin(y)",     specs, 1, start, 1, 20, 5, 0, 0, 0,
                                 CLOPT_PRECISION_FLOAT};
    if (!(f->ctx = clopt_context_create(NULL, err))) return err->status;
    if (!(f->run = clopt_run_create(f->ctx, &r, err))) return err->status;
    clopt_slice slice;
    while (!clopt_run_finished(f->run))
        if (clopt_run_advance(f->run, 0, &slice, err) != CLOPT_OK) return err->status;
    return CLOPT_OK;
}

static clopt_status op_landscape(fx *f, clopt_error *err)
{
    float lo, hi;
    return clopt_landscape(test_context(), "beale", 64, 48, NULL, f->values, &lo, &hi, err);
}

/* A sweep of SGD's learning rate on the sphere: 3 runs of 40 steps. */
static clopt_explore_options sweep_options(void)
{
    static const char *const sgd[] = {"sgd"};
    clopt_explore_options o = {0};
    o.kind = CLOPT_EXPLORE_SWEEP;
    o.function = "sphere";
    o.optimizers = sgd;
    o.noptimizers = 1;
    o.axes[0] = (clopt_explore_axis){"lr", 0.01, 0.1, 3, 0};
    o.naxes = 1;
    o.steps = 40;
    o.tol = 1e-4;
    return o;
}

static clopt_status op_explore_create(fx *f, clopt_error *err)
{
    const clopt_explore_options o = sweep_options();
    f->ex = clopt_explore_create(test_context(), &o, err);
    return f->ex ? CLOPT_OK : err->status;
}

static void setup_explore(fx *f)
{
    clopt_error err;
    make(f, NULL);
    ok(op_explore_create(f, &err), &err);
}

/* The whole sweep in slices, then its results. */
static clopt_status op_explore_advance(fx *f, clopt_error *err)
{
    clopt_explore_map map;
    while (!clopt_explore_finished(f->ex)) {
        const clopt_status st = clopt_explore_advance(f->ex, 16, err);
        if (st != CLOPT_OK) return st;
    }
    return clopt_explore_map_get(f->ex, 0, &map, err);
}

static clopt_status op_devices_json(fx *f, clopt_error *err)
{
    (void)f;
    char *text = clopt_devices_json(err);
    if (!text) return err->status;
    clopt_free(text);
    return CLOPT_OK;
}

static const scenario scenarios[] = {
    {"context_create", setup_none, op_context},
    {"optimizer_create", setup_none, op_create},
    {"add (a new buffer pair: new arenas)", setup_one_pair, op_add_pair},
    {"add (within the arenas' room)", setup_three_small, op_add_in_place},
    {"step (clipnorm, two buffer pairs)", setup_two_pairs, op_step},
    {"step (Lamb, two buffer pairs)", setup_two_pairs_lamb, op_step},
    {"add (Lamb: per-tensor norms)", setup_one_pair_lamb, op_add_pair},
    {"add_matrix (Muon: its workspace)", setup_muon_empty, op_add_matrix},
    {"step (Muon)", setup_muon, op_step},
    {"set (Adam amsgrad on: a new arena)", setup_one_pair, op_amsgrad_on},
    {"load (Lamb)", setup_two_pairs_lamb, op_load},
    {"set (SGD momentum on: a new arena)", setup_sgd_plain, op_momentum_on},
    {"set (SGD momentum on again: velocity cleared)", setup_sgd_momentum_off, op_momentum_on},
    {"load", setup_two_pairs, op_load},
    {"save", setup_two_pairs, op_save},
    {"run_create", setup_none, op_run_create},
    {"run_advance", setup_run, op_run_advance},
    {"run_create (double)", setup_none, op_double_run_create},
    {"run_advance (double: doubles and their float roundings)", setup_double_run, op_run_advance},
    {"landscape", setup_none, op_landscape},
    {"expression run (build, cache, run)", setup_none, op_expression_run},
    {"explore_create (sweep)", setup_none, op_explore_create},
    {"explore_advance and map_get (sweep)", setup_explore, op_explore_advance},
    {"devices_json (listing, the default device)", setup_none, op_devices_json},
};

/* The shared context, with the programs it builds for the first sweeps and then keeps. */
static void warm_context(void)
{
    fx f;
    memset(&f, 0, sizeof f);
    setup_explore(&f);
    teardown(&f);
    setup_double_run(&f);
    teardown(&f);
}

/* A step that failed after updating some buffer pairs: refused until a checkpoint loads. */
static void check_torn(fx *f, const clopt_error *err)
{
    clopt_error e;
    CU_ASSERT_PTR_NOT_NULL(strstr(err->text, "refuses to step until a checkpoint is loaded"));
    CU_ASSERT_EQUAL(clopt_optimizer_step(f->o, &e), CLOPT_ESTATE);
    ASSERT_ERROR(e, CLOPT_ESTATE, "restore a checkpoint with clopt_optimizer_load");
    CU_ASSERT_EQUAL(clopt_optimizer_save(f->o, f->other, &e), CLOPT_ESTATE);
    CU_ASSERT_EQUAL(clopt_optimizer_load(f->o, f->path, &e), CLOPT_OK);
    CU_ASSERT_EQUAL(clopt_optimizer_iterations(f->o), 1);
    CU_ASSERT_EQUAL(clopt_optimizer_step(f->o, &e), CLOPT_OK);
}

/* The error a failed call of `kind` must leave: its OpenCL name, or out of memory. */
static int names_cause(unsigned kind, const clopt_error *err)
{
    if (kind == CLOPT_FAULT_ALLOC)
        return err->status == CLOPT_ENOMEM && strstr(err->text, "out of memory");
    return strstr(err->text, "CL_OUT_OF_RESOURCES") && strstr(err->text, ": cl") &&
           !strstr(err->text, "rc failed");
}

static unsigned long sweep(const scenario *sc, unsigned kind)
{
    fx f;
    clopt_error err;
    memset(&f, 0, sizeof f);
    const long live = clopt_fault_live_objects();
    sc->setup(&f);
    clopt_fault_arm(kind, 0);
    CU_ASSERT_EQUAL_FATAL(sc->op(&f, &err), CLOPT_OK);
    const unsigned long total = clopt_fault_calls();
    clopt_fault_disarm();
    snap good = take(&f);
    teardown(&f);
    CU_ASSERT_EQUAL(clopt_fault_live_objects(), live);

    for (unsigned long n = 1; n <= total; n++) {
        sc->setup(&f);
        snap before = take(&f);
        clopt_fault_arm(kind, n);
        memset(&err, 0, sizeof err);
        const clopt_status st = sc->op(&f, &err);
        const long pending = clopt_fault_pending_transfers();
        clopt_fault_disarm();
        snap now = take(&f);
        int fine = clopt_fault_fired() && pending == 0;
        if (st == CLOPT_OK) {
            fine = fine && same(&now, &good); /* a call clopt retried or could do without */
        } else {
            fine = fine && names_cause(kind, &err);
            if (f.o && f.o->torn)
                check_torn(&f, &err);
            else if (f.run)
                fine = fine && clopt_run_finished(f.run); /* documented: it cannot continue */
            else
                fine = fine && same(&now, &before);
            /* A failed save leaves neither the file nor its temporary. */
            char pattern[160];
            snprintf(pattern, sizeof pattern, "%s*", f.other);
            glob_t g;
            fine = fine && glob(pattern, 0, NULL, &g) == GLOB_NOMATCH;
            globfree(&g);
        }
        CU_ASSERT(fine);
        if (!fine)
            fprintf(stderr, "\n  %s, %s %lu of %lu: status %d (%s), %ld transfers in flight\n",
                    sc->name, kind == CLOPT_FAULT_CL ? "OpenCL call" : "allocation", n, total,
                    (int)st, err.text, pending);
        drop(&before);
        drop(&now);
        teardown(&f);
        CU_ASSERT_EQUAL(clopt_fault_live_objects(), live);
        if (clopt_fault_live_objects() != live)
            fprintf(stderr, "\n  %s, call %lu: %ld OpenCL objects leaked\n", sc->name, n,
                    clopt_fault_live_objects() - live);
    }
    drop(&good);
    return total;
}

static void test_every_opencl_call_of_every_operation_fails_cleanly(void)
{
    warm_context();
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        unsigned long calls = sweep(&scenarios[i], CLOPT_FAULT_CL);
        CU_ASSERT(calls > 0);
        printf("\n    %-48s %3lu OpenCL calls", scenarios[i].name, calls);
    }
}

static void test_every_allocation_of_every_operation_fails_cleanly(void)
{
    warm_context();
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        unsigned long calls = sweep(&scenarios[i], CLOPT_FAULT_ALLOC);
        printf("\n    %-48s %3lu allocations", scenarios[i].name, calls);
    }
}

/*
 * The status is the return value, never read back from the optional clopt_error: with
 * err == NULL every failing call of every operation still answers CLOPT_ENOMEM for a failed
 * allocation and CLOPT_ECL for a failed OpenCL call (or CLOPT_OK where clopt retried). The
 * creators answer NULL, not a status, and are left out.
 */
static void test_every_failure_returns_its_status_without_an_error_struct(void)
{
    warm_context();
    const unsigned kinds[] = {CLOPT_FAULT_CL, CLOPT_FAULT_ALLOC};
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const scenario *sc = &scenarios[i];
        if (sc->op == op_context || sc->op == op_create || sc->op == op_run_create ||
            sc->op == op_double_run_create || sc->op == op_expression_run ||
            sc->op == op_explore_create || sc->op == op_devices_json)
            continue;
        for (size_t k = 0; k < 2; k++) {
            fx f;
            memset(&f, 0, sizeof f);
            sc->setup(&f);
            clopt_fault_arm(kinds[k], 0);
            CU_ASSERT_EQUAL_FATAL(sc->op(&f, NULL), CLOPT_OK);
            const unsigned long total = clopt_fault_calls();
            clopt_fault_disarm();
            teardown(&f);
            const clopt_status want = kinds[k] == CLOPT_FAULT_CL ? CLOPT_ECL : CLOPT_ENOMEM;
            for (unsigned long n = 1; n <= total; n++) {
                sc->setup(&f);
                clopt_fault_arm(kinds[k], n);
                const clopt_status st = sc->op(&f, NULL);
                clopt_fault_disarm();
                CU_ASSERT(st == want || st == CLOPT_OK);
                if (st != want && st != CLOPT_OK)
                    fprintf(stderr, "\n  %s, %s %lu of %lu: status %s; expected %s\n", sc->name,
                            k == 0 ? "OpenCL call" : "allocation", n, total,
                            clopt_status_string(st), clopt_status_string(want));
                teardown(&f);
            }
        }
    }
}

/* Save and load move the state in pieces: their allocations do not grow with it. */
static void test_save_and_load_work_in_bounded_pieces(void)
{
    const size_t big = 3000000; /* 12 MB per state buffer */
    const char *specs[] = {"adam", "sgd"};
    const size_t most[] = {4u << 20, 8192}; /* a 4 MiB piece; SGD() has only its header */
    clopt_error err;
    char path[128];
    snprintf(path, sizeof path, "/tmp/clopt-fault-%d-big.ckpt", (int)getpid());
    cl_mem p = test_buffer(big, NULL), g = test_buffer(big, NULL);
    for (size_t i = 0; i < 2; i++) {
        clopt_optimizer *o = clopt_optimizer_create(test_context(), specs[i], &err);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_add(o, p, g, 0, big, &err), CLOPT_OK);
        CU_ASSERT_EQUAL(clopt_optimizer_step(o, &err), CLOPT_OK);
        clopt_fault_arm(CLOPT_FAULT_ALLOC, 0);
        CU_ASSERT_EQUAL_FATAL(clopt_optimizer_save(o, path, &err), CLOPT_OK);
        const size_t saving = clopt_fault_largest_alloc();
        clopt_fault_arm(CLOPT_FAULT_ALLOC, 0);
        CU_ASSERT_EQUAL(clopt_optimizer_load(o, path, &err), CLOPT_OK);
        const size_t loading = clopt_fault_largest_alloc();
        clopt_fault_disarm();
        CU_ASSERT(saving <= most[i] && loading <= most[i]);
        if (saving > most[i] || loading > most[i])
            fprintf(stderr, "\n  %s: save allocated %zu bytes at once, load %zu\n", specs[i],
                    saving, loading);
        CU_ASSERT_EQUAL(clopt_optimizer_iterations(o), 1);
        clopt_optimizer_release(o);
    }
    unlink(path);
    clReleaseMemObject(p);
    clReleaseMemObject(g);
}

/* An arena that cannot be allocated at its grown size is allocated at the exact size. */
static void test_arena_growth_retries_at_the_exact_size(void)
{
    int retried = 0;
    for (unsigned long n = 1; !retried; n++) {
        fx f;
        clopt_error err;
        memset(&f, 0, sizeof f);
        setup_one_pair(&f);
        const size_t cap = f.o->lay.state_cap; /* 300: doubling would make it 600 */
        clopt_fault_arm(CLOPT_FAULT_CL, n);
        const clopt_status st = clopt_optimizer_add(f.o, f.p[1], f.g[1], 0, 200, &err);
        const int fired = clopt_fault_fired();
        clopt_fault_disarm();
        if (st == CLOPT_OK && fired && f.o->lay.state_cap < 2 * cap) {
            CU_ASSERT_EQUAL(f.o->lay.state_cap, f.o->lay.state_used);
            CU_ASSERT_EQUAL(clopt_optimizer_step(f.o, &err), CLOPT_OK);
            retried = 1;
        }
        teardown(&f);
        CU_ASSERT_FATAL(fired); /* the first clCreateBuffer of the arenas comes before the end */
    }
}

/*
 * A device without cl_khr_fp64 (as the layer makes PoCL's look): a run, an expression's run
 * and an exploration in double are refused with the sentence naming the extension, holding
 * nothing; the same run in float still runs.
 */
static void test_a_device_without_fp64_refuses_double(void)
{
    test_context(); /* created before the count: it holds its objects for every test */
    const long live = clopt_fault_live_objects();
    clopt_run_options r = run_options();
    r.precision = CLOPT_PRECISION_DOUBLE;
    clopt_error err;
    const char *needle = "precision \"double\" needs the device's cl_khr_fp64 extension; the "
                         "device \"";
    clopt_fault_arm(CLOPT_FAULT_NO_FP64, 0);
    CU_ASSERT_PTR_NULL(clopt_run_create(test_context(), &r, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "lacks it: use precision \"float\""));
    r.function = "x^2 + 3*sin(y)";
    CU_ASSERT_PTR_NULL(clopt_run_create(test_context(), &r, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    clopt_explore_options e = sweep_options();
    e.precision = CLOPT_PRECISION_DOUBLE;
    CU_ASSERT_PTR_NULL(clopt_explore_create(test_context(), &e, &err));
    ASSERT_ERROR(err, CLOPT_EINVAL, needle);
    r.precision = CLOPT_PRECISION_FLOAT;
    r.function = "rosenbrock"; /* (an expression's float program would stay in the cache) */
    clopt_run *run = clopt_run_create(test_context(), &r, &err);
    CU_ASSERT_PTR_NOT_NULL(run);
    clopt_run_release(run);
    clopt_fault_disarm();
    CU_ASSERT_EQUAL(clopt_fault_live_objects(), live);
}

CU_TestInfo fault_tests[] = {
    {"a device without fp64 refuses double", test_a_device_without_fp64_refuses_double},
    {"every OpenCL call of every operation fails cleanly",
     test_every_opencl_call_of_every_operation_fails_cleanly},
    {"every allocation of every operation fails cleanly",
     test_every_allocation_of_every_operation_fails_cleanly},
    {"every failure returns its status without an error struct",
     test_every_failure_returns_its_status_without_an_error_struct},
    {"save and load work in bounded pieces", test_save_and_load_work_in_bounded_pieces},
    {"arena growth retries at the exact size", test_arena_growth_retries_at_the_exact_size},
    CU_TEST_INFO_NULL,
};

int main(void)
{
    CU_SuiteInfo suites[] = {{"fault", NULL, NULL, NULL, NULL, fault_tests}, CU_SUITE_INFO_NULL};
    return test_run("clopt_fault_tests", suites);
}
