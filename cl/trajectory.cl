/*
 * Batched trajectories: K optimizers x S starting points on one test function, one slice
 * of steps per launch. Each work-item carries `groups` groups of CLOPT_TW trajectories of
 * one optimizer (GPUs: one group of one, in registers; CPUs: up to CLOPT_GROUPS groups of
 * the SIMD width, in private memory). Every optimizer's block of trajectories is padded to
 * a multiple of CLOPT_TW * groups; padded lanes compute and are ignored. One launch serves
 * every optimizer kind: the kind is uniform within a work-item.
 *
 * Buffers, with tpad = K * spad trajectories (spad = S rounded up to CLOPT_TW * groups):
 *   state     8 rows of tpad floats: x, y, a_x, a_y, b_x, b_y, c_x, c_y (a, b, c: the
 *             rule's state);
 *   diverged  tpad uints: the step at which the trajectory diverged, or CLOPT_ALIVE;
 *   table     the per-step scalars, [optimizer][step in slice] with row stride `stride`;
 *   out       the points recorded in this slice, [row][component][tpad], components
 *             x, y, f (ncomp 3) and with ncomp 11 also g_x, g_y, a_x, a_y, b_x, b_y, c_x,
 *             c_y; with ncomp 6 (CLOPT_AVERAGE_COMPONENTS) instead the state b (schedule-free's
 *             average x) as a point: its x, y and f.
 * Step s evaluates f and the gradient at the current point, records it when s % every
 * == 0, checks for divergence and, while s < nsteps, applies the update.
 */
/* CLOPT_ALIVE, the kinds table's packing, the state rows and the launch constants
 * (clopt_launch, the kernel's first argument; spad and tpad are its cpad and pad):
 * trajectory.h, shared with the host (src/engine.c). */

/*
 * A loop over this work-item's groups, one phase of a step of each group per iteration (the
 * function, the record, the update: each phase its own loop, its switch outside). One
 * group's update is a chain of dependent divisions and square roots; the iterations are
 * independent, so an out-of-order CPU core overlaps the chains of consecutive groups while
 * their state stays in private memory (L1), as in a C loop blocked over many trajectories.
 * Not unrolled (unrolling the update loop by 2 measured the same). With one group (GPUs) it
 * is straight-line code and the state stays in registers.
 */
#if CLOPT_GROUPS == 1
#define CLOPT_FOR_GROUPS(g, groups) for (uint g = 0; g < 1; g++)
#else
#define CLOPT_FOR_GROUPS(g, groups) _Pragma("nounroll") for (uint g = 0; g < (groups); g++)
#endif

/*
 * The step at which a trajectory diverged, given its record so far and its value f at step
 * s: the first step with |f| > 1e30 or f not a number. Every function is non-finite where x
 * or y is (a unit test checks it), so f alone decides; steps only grow, so the first bad
 * step is the smallest.
 */
CLOPT_INLINE clopt_uint clopt_diverged(clopt_uint dv, clopt_real f, uint s)
{
    return min(dv, select((clopt_uint)(CLOPT_ALIVE), (clopt_uint)(s), !(fabs(f) <= 1e30f)));
}

/*
 * |(a, b)| as the tensor path computes it, sqrt(a^2 + b^2), where that sum is a normal float;
 * hypot where the squares overflow (a near 1e19) or underflow: the formula's value wherever
 * a and b are finite.
 */
inline clopt_real clopt_tnorm(clopt_real a, clopt_real b)
{
    const clopt_real sq = a * a + b * b;
    return select(hypot(a, b), sqrt(sq), sq >= FLT_MIN && sq <= FLT_MAX);
}

/* A 2-D point is one tensor of two elements: Lamb's norms are over (x, y). */
inline void clopt_tpoint_lamb(clopt_real *x, clopt_real *y, clopt_real gx, clopt_real gy,
                              clopt_real *ax, clopt_real *ay, clopt_real *bx, clopt_real *by,
                              clopt_scalars k)
{
    const clopt_real ux = clopt_trule_lamb_moments(x, gx, ax, bx, k);
    const clopt_real uy = clopt_trule_lamb_moments(y, gy, ay, by, k);
    const clopt_real r =
        clopt_trule_lamb_ratio(clopt_tnorm(*x, *y), clopt_tnorm(ux, uy));
    clopt_trule_lamb_apply(x, ux, r, k);
    clopt_trule_lamb_apply(y, uy, r, k);
}

/*
 * A 2-D point is a 1 x 2 matrix X = u / max(|u|, epsilon): X X^T is the scalar |X|^2, so each
 * Newton-Schulz iteration X = a X + (b G + c G G) X only rescales X, and Muon is normalised
 * momentum there (its length the iterated quintic's value at 1).
 */
inline void clopt_tpoint_muon(clopt_real *x, clopt_real *y, clopt_real gx, clopt_real gy,
                              clopt_real *ax, clopt_real *ay, clopt_scalars k)
{
    const clopt_real ux = clopt_trule_muon_momentum(gx, ax, k);
    const clopt_real uy = clopt_trule_muon_momentum(gy, ay, k);
    const clopt_real d = fmax(clopt_tnorm(ux, uy), (clopt_real)(k.epsilon));
    clopt_real ox = ux / d, oy = uy / d;
    for (int i = 0; i < (int)k.ns_steps; i++) {
        const clopt_real gram = ox * ox + oy * oy;
        const clopt_real h = k.ns_b * gram + k.ns_c * (gram * gram);
        ox = k.ns_a * ox + h * ox;
        oy = k.ns_a * oy + h * oy;
    }
    clopt_trule_muon_apply(x, ox, k.muon_scale, k);
    clopt_trule_muon_apply(y, oy, k.muon_scale, k);
}

/* One step of point g: element-wise rules per coordinate, tensor-wise ones on the pair. */
#define CLOPT_POINT_ELEMENT(KEY)                                                               \
    clopt_trule_##KEY(&x[g], gx[g], sax, sbx, scx, k);                                         \
    clopt_trule_##KEY(&y[g], gy[g], say, sby, scy, k)
#define CLOPT_POINT_TENSOR(KEY)                                                                \
    clopt_tpoint_##KEY(&x[g], &y[g], gx[g], gy[g], sax, say, sbx, sby, k)
#define CLOPT_POINT_MATRIX(KEY) clopt_tpoint_##KEY(&x[g], &y[g], gx[g], gy[g], sax, say, k)

/*
 * f and its gradient at (x, y): one case per catalogue function, so that each inlines.
 * Shared by every kernel that moves points over a function (trajectories, explore).
 */
CLOPT_INLINE clopt_real clopt_trajectory_f(uint fn, clopt_real x, clopt_real y, clopt_real *gx,
                                           clopt_real *gy)
{
    switch (fn) {
#define CLOPT_EVALUATE(ID, NAME)                                                               \
    case ID:                                                                                   \
        return clopt_f_##NAME(x, y, gx, gy);
        CLOPT_FUNCTIONS(CLOPT_EVALUATE)
#undef CLOPT_EVALUATE
    default:
        return clopt_function(fn, x, y, gx, gy);
    }
}

/*
 * f and its gradient at the points of groups 0 .. n-1, and their divergence steps dv given
 * this step s (clopt_diverged): the switch on the function outside the loop over groups, so
 * that each loop is straight-line code (the trajectory kernel's inner loop; with the switch
 * inside, PoCL's kernel ran at 0.71 of a C loop blocked over the same trajectories). With cv
 * (explore's reduce mode; a null pointer from the trajectory kernel, where the test folds
 * away) also the convergence steps: the first step with |f - fstar| <= tol, in the same
 * loop rather than a loop of its own over f (on a Zen 1 EPYC that loop took 12% of the
 * kernel's samples). f itself is stored only where the caller keeps it (`keep`: a step that
 * is recorded, the last step, a tuning's sums): a Zen 1 core stores one 128-bit half per
 * cycle, and a store of f per group and step cost basin maps 2% of their rate.
 */
CLOPT_INLINE void clopt_trajectory_fs(uint fn, uint n, uint s, bool keep, const clopt_real *x,
                                      const clopt_real *y, clopt_real *f, clopt_real *gx,
                                      clopt_real *gy, clopt_uint *dv, clopt_uint *cv,
                                      const clopt_real fstar, const clopt_real tol)
{
    const clopt_uint alive = (clopt_uint)(CLOPT_ALIVE);
#define CLOPT_FS_LOOP(EVALUATE)                                                                \
    CLOPT_FOR_GROUPS(g, n)                                                                     \
    {                                                                                          \
        const clopt_real fg = EVALUATE;                                                        \
        if (keep)                                                                              \
            f[g] = fg;                                                                         \
        dv[g] = clopt_diverged(dv[g], fg, s);                                                  \
        if (cv)                                                                                \
            cv[g] = min(cv[g], select(alive, (clopt_uint)(s), fabs(fg - fstar) <= tol));       \
    }
    switch (fn) {
#define CLOPT_EVALUATE(ID, NAME)                                                               \
    case ID:                                                                                   \
        CLOPT_FS_LOOP(clopt_f_##NAME(x[g], y[g], &gx[g], &gy[g]))                              \
        break;
        CLOPT_FUNCTIONS(CLOPT_EVALUATE)
#undef CLOPT_EVALUATE
    default:
        CLOPT_FS_LOOP(clopt_function(fn, x[g], y[g], &gx[g], &gy[g]))
    }
#undef CLOPT_FS_LOOP
}

/*
 * One update of points 0 .. n-1 (x, y) with state (a, b, c) per coordinate by an optimizer
 * of kind `kind` that keeps `live` state values (a kinds-table entry's two fields,
 * trajectory.h) with this step's scalars: clipping in Keras' order (of gx, gy in place),
 * then the kind's rule. The one dispatch over kinds, shared by the trajectory and the
 * explore kernels, outside the loop over points (as clopt_trajectory_fs); where the caller
 * passes a constant kind, the switch and the state checks fold away.
 */
CLOPT_INLINE void clopt_trajectory_update(const uint kind, const uint live, const uint n,
                                          clopt_scalars k, clopt_real *gx, clopt_real *gy,
                                          clopt_real *x, clopt_real *y, clopt_real *ax,
                                          clopt_real *ay, clopt_real *bx, clopt_real *by,
                                          clopt_real *cx, clopt_real *cy)
{
    if (k.clipnorm > 0.0f || k.clipvalue > 0.0f)
        CLOPT_FOR_GROUPS(g, n)
        {
            const clopt_real one = (clopt_real)(1.0f);
            clopt_real ns = one;
            if (k.clipnorm > 0.0f) {
                const clopt_real norm = clopt_tnorm(gx[g], gy[g]);
                ns = select(one, k.clipnorm / norm, norm >= k.clipnorm);
            }
            gx[g] = clopt_trule_clip(gx[g], ns, k);
            gy[g] = clopt_trule_clip(gy[g], ns, k);
        }
    /*
     * State the optimizer does not keep stays 0 (SGD without momentum). `live` is the
     * kind's lean or full count, so only the values past lean and within full need a look:
     * no rule touches a value past its kind's full count, and the host starts every value
     * at 0. On CPUs, where a kind keeps its lean count and amsgrad is off (Adam, AdamW, SGD
     * without momentum), the loop is a copy with both as constants (FIXED), so that neither
     * test stays in it (LLVM did not hoist the rule's amsgrad test out of the loop: a compare
     * and a branch per group and step); there the rule gets a zero of its own for each value
     * it does not keep (CLOPT_SLOT), rather than the array's, which stays 0 untouched.
     * Each value zeroed at every step was two stores (x, y) per group and step: on a Zen 1
     * EPYC a basin map of SGD took 1.21 - 1.26 s that way and takes 1.03 - 1.11 s now,
     * RMSprop 2.91 - 3.12 s and now 2.89 - 2.92. With one group (GPUs) there is no loop to
     * hoist from, and no copy.
     */
/* State value J (1 .. 3) is one the kind does not keep now; CLOPT_SLOT: the loop's pointer to
 * it for group g, array V's or, in the FIXED copy, the loop's own zero dead[DEAD]. */
#define CLOPT_SLOT_UNKEPT(J, LEAN, FULL, LIVE) ((LEAN) < (J) && (J) <= (FULL) && (LIVE) < (J))
#define CLOPT_SLOT(J, V, DEAD, LEAN, FULL, LIVE, FIXED)                                        \
    ((FIXED) && CLOPT_SLOT_UNKEPT(J, LEAN, FULL, LIVE) ? &dead[DEAD] : &(V)[g])
#define CLOPT_UPDATE_LOOP(KEY, SHAPE, LEAN, FULL, KS, LIVE, FIXED)                             \
    CLOPT_FOR_GROUPS(g, n)                                                                     \
    {                                                                                          \
        const clopt_scalars k = KS;                                                            \
        clopt_real dead[6] = {0};                                                              \
        clopt_real *sax = CLOPT_SLOT(1, ax, 0, LEAN, FULL, LIVE, FIXED);                       \
        clopt_real *say = CLOPT_SLOT(1, ay, 1, LEAN, FULL, LIVE, FIXED);                       \
        clopt_real *sbx = CLOPT_SLOT(2, bx, 2, LEAN, FULL, LIVE, FIXED);                       \
        clopt_real *sby = CLOPT_SLOT(2, by, 3, LEAN, FULL, LIVE, FIXED);                       \
        clopt_real *scx = CLOPT_SLOT(3, cx, 4, LEAN, FULL, LIVE, FIXED);                       \
        clopt_real *scy = CLOPT_SLOT(3, cy, 5, LEAN, FULL, LIVE, FIXED);                       \
        CLOPT_POINT_##SHAPE(KEY);                                                              \
        if (!(FIXED) && CLOPT_SLOT_UNKEPT(1, LEAN, FULL, LIVE))                                \
            ax[g] = ay[g] = (clopt_real)(0.0f);                                                \
        if (!(FIXED) && CLOPT_SLOT_UNKEPT(2, LEAN, FULL, LIVE))                                \
            bx[g] = by[g] = (clopt_real)(0.0f);                                                \
        if (!(FIXED) && CLOPT_SLOT_UNKEPT(3, LEAN, FULL, LIVE))                                \
            cx[g] = cy[g] = (clopt_real)(0.0f);                                                \
    }
    const clopt_scalars kk = k; /* the loop's own k is one of these two */
    clopt_scalars lean = k;
    lean.amsgrad = 0.0f;
    switch (kind) {
#define CLOPT_TRAJECTORY_KIND(K, KEY, LEAN, FULL, SHAPE)                                       \
    case CLOPT_##K:                                                                            \
        if (CLOPT_GROUPS > 1 && LEAN < FULL && live == LEAN && k.amsgrad == 0.0f)              \
            CLOPT_UPDATE_LOOP(KEY, SHAPE, LEAN, FULL, lean, LEAN, 1)                           \
        else                                                                                   \
            CLOPT_UPDATE_LOOP(KEY, SHAPE, LEAN, FULL, kk, live, 0)                             \
        break;
        CLOPT_OPTIMIZERS(CLOPT_TRAJECTORY_KIND)
#undef CLOPT_TRAJECTORY_KIND
#undef CLOPT_UPDATE_LOOP
#undef CLOPT_SLOT
#undef CLOPT_SLOT_UNKEPT
    }
}

/*
 * A group's point and state (x, y, a_x, a_y, b_x, b_y, c_x, c_y) from and back to the state
 * buffer, CLOPT_STATE_ROWS rows of `pad` floats (trajectory.h), at column tg: the layout the
 * host writes and reads, shared by the trajectory and the explore kernels.
 */
CLOPT_INLINE void clopt_state_load(__global const clopt_elem *state, const uint pad, const uint tg,
                                   clopt_real *x, clopt_real *y, clopt_real *ax, clopt_real *ay,
                                   clopt_real *bx, clopt_real *by, clopt_real *cx,
                                   clopt_real *cy)
{
    *x = CLOPT_LOAD(state, tg);
    *y = CLOPT_LOAD(state, pad + tg);
    *ax = CLOPT_LOAD(state, 2 * pad + tg);
    *ay = CLOPT_LOAD(state, 3 * pad + tg);
    *bx = CLOPT_LOAD(state, 4 * pad + tg);
    *by = CLOPT_LOAD(state, 5 * pad + tg);
    *cx = CLOPT_LOAD(state, 6 * pad + tg);
    *cy = CLOPT_LOAD(state, 7 * pad + tg);
}

CLOPT_INLINE void clopt_state_store(__global clopt_elem *state, const uint pad, const uint tg,
                                    clopt_real x, clopt_real y, clopt_real ax, clopt_real ay,
                                    clopt_real bx, clopt_real by, clopt_real cx, clopt_real cy)
{
    CLOPT_STORE(x, state, tg);
    CLOPT_STORE(y, state, pad + tg);
    CLOPT_STORE(ax, state, 2 * pad + tg);
    CLOPT_STORE(ay, state, 3 * pad + tg);
    CLOPT_STORE(bx, state, 4 * pad + tg);
    CLOPT_STORE(by, state, 5 * pad + tg);
    CLOPT_STORE(cx, state, 6 * pad + tg);
    CLOPT_STORE(cy, state, 7 * pad + tg);
}

/*
 * The steps of one work-item's trajectories, all of one optimizer, with its kinds-table
 * entry's kind and live count. On GPUs (one trajectory per work-item, CLOPT_GROUPS 1) the
 * kernel below passes the kind as a constant, one copy of the step loop per kind, so that
 * the rule's dispatch is resolved once per launch rather than at every step: on an H200 the
 * kernel ran 1.27x as fast (Adam, 65,536 trajectories). The copies cost build time: the
 * whole program's build on that card went from 4 to 11 s (once per driver cache). On CPUs
 * the switch sits outside each phase's loop over the groups, once per step, and copies of
 * the step loop per kind would make the build on PoCL several times as long (5.8 s of CPU
 * instead of 1.5, measured before the phases became loops; the program builds in 2.3 s
 * now), so they keep one; so do the programs built for expressions (src/programs.c), one
 * build per expression.
 */
#if CLOPT_GROUPS == 1 && !defined(CLOPT_CUSTOM)
#define CLOPT_KIND_COPIES 1
#else
#define CLOPT_KIND_COPIES 0
#endif
CLOPT_INLINE void clopt_trajectories_of(const uint kind, const uint live, const clopt_launch L,
                                        __global const clopt_scalars *table,
                                        __global clopt_elem *state, __global uint *diverged,
                                        __global clopt_elem *out)
{
    const uint w = get_global_id(0);
    const uint t = w * (CLOPT_TW * L.groups); /* this work-item's first (padded) one */
    const uint o = t / L.cpad;
    clopt_real x[CLOPT_GROUPS], y[CLOPT_GROUPS], ax[CLOPT_GROUPS], ay[CLOPT_GROUPS];
    clopt_real bx[CLOPT_GROUPS], by[CLOPT_GROUPS], cx[CLOPT_GROUPS], cy[CLOPT_GROUPS];
    clopt_uint dv[CLOPT_GROUPS], id[CLOPT_GROUPS];
    clopt_real f[CLOPT_GROUPS], gx[CLOPT_GROUPS], gy[CLOPT_GROUPS];
    CLOPT_FOR_GROUPS(g, L.groups)
    {
        const uint tg = t + g * CLOPT_TW;
        /* Noise is keyed by the unpadded index, so it does not depend on the lane layout. */
        id[g] = (clopt_uint)(o * L.starts + (tg - o * L.cpad)) + CLOPT_IOTA;
        clopt_state_load(state, L.pad, tg, &x[g], &y[g], &ax[g], &ay[g], &bx[g], &by[g], &cx[g],
                         &cy[g]);
        dv[g] = CLOPT_LOAD(diverged, tg);
    }
    const clopt_real nan = (clopt_real)(NAN);
    uint wait = (L.every - L.first % L.every) % L.every; /* steps until the next recorded one */
    __global clopt_elem *row = out + t;

    for (uint i = 0; i < L.count; i++) {
        const uint s = L.first + i;
        const bool record = wait-- == 0, update = s < L.nsteps;
        const clopt_scalars k = table[o * L.stride + (update ? i : 0)];
        /* Each phase a loop over the groups, its branches outside it: f, the gradient and
         * divergence, noise, the record, the update. */
        clopt_trajectory_fs(L.fn, L.groups, s, record, x, y, f, gx, gy, dv, 0, 0.0f, 0.0f);
        if (L.noise > 0.0f)
            CLOPT_FOR_GROUPS(g, L.groups)
            {
                clopt_real nx, ny;
                clopt_normal2(id[g], s, L.key0, L.key1, &nx, &ny);
                gx[g] = gx[g] + L.noise * nx;
                gy[g] = gy[g] + L.noise * ny;
            }
        if (record)
            CLOPT_FOR_GROUPS(g, L.groups)
            {
                const clopt_int alive = dv[g] == CLOPT_ALIVE;
                __global clopt_elem *at = row + g * CLOPT_TW;
                CLOPT_STORE(select(nan, x[g], alive), at, 0);
                CLOPT_STORE(select(nan, y[g], alive), at, L.pad);
                CLOPT_STORE(select(nan, f[g], alive), at, 2 * L.pad);
                if (L.ncomp == CLOPT_AVERAGE_COMPONENTS) {
                    /* schedule-free's average x (state b) and f there; before the first
                     * update it is the start (the host keeps it only for those kinds) */
                    const clopt_real avx = s > 0 ? bx[g] : x[g], avy = s > 0 ? by[g] : y[g];
                    clopt_real agx, agy;
                    const clopt_real af = clopt_trajectory_f(L.fn, avx, avy, &agx, &agy);
                    CLOPT_STORE(select(nan, avx, alive), at, 3 * L.pad);
                    CLOPT_STORE(select(nan, avy, alive), at, 4 * L.pad);
                    CLOPT_STORE(select(nan, af, alive), at, 5 * L.pad);
                } else if (L.ncomp > 3) {
                    CLOPT_STORE(select(nan, gx[g], alive), at, 3 * L.pad);
                    CLOPT_STORE(select(nan, gy[g], alive), at, 4 * L.pad);
                    CLOPT_STORE(select(nan, ax[g], alive), at, 5 * L.pad);
                    CLOPT_STORE(select(nan, ay[g], alive), at, 6 * L.pad);
                    CLOPT_STORE(select(nan, bx[g], alive), at, 7 * L.pad);
                    CLOPT_STORE(select(nan, by[g], alive), at, 8 * L.pad);
                    CLOPT_STORE(select(nan, cx[g], alive), at, 9 * L.pad);
                    CLOPT_STORE(select(nan, cy[g], alive), at, 10 * L.pad);
                }
            }
        /* A diverged trajectory goes on computing; its points are no longer recorded. */
        if (update)
            clopt_trajectory_update(kind, live, L.groups, k, gx, gy, x, y, ax, ay, bx, by, cx,
                                    cy);
        if (record) {
            row += L.ncomp * L.pad;
            wait = L.every - 1;
        }
        if (!update)
            break;
    }
    CLOPT_FOR_GROUPS(g, L.groups)
    {
        const uint tg = t + g * CLOPT_TW;
        clopt_state_store(state, L.pad, tg, x[g], y[g], ax[g], ay[g], bx[g], by[g], cx[g], cy[g]);
        CLOPT_STORE(dv[g], diverged, tg);
    }
}

__kernel void clopt_trajectories(const clopt_launch L, __global const uint *restrict kinds,
                                 __global const clopt_scalars *restrict table,
                                 __global clopt_elem *restrict state, __global uint *restrict diverged,
                                 __global clopt_elem *restrict out)
{
    const uint w = get_global_id(0);
    if (w >= L.nwork)
        return;
    const uint entry = kinds[w * (CLOPT_TW * L.groups) / L.cpad];
    const uint live = entry >> CLOPT_LIVE_SHIFT;
#if !CLOPT_KIND_COPIES
    clopt_trajectories_of(entry & CLOPT_KIND_MASK, live, L, table, state, diverged, out);
#else
    switch (entry & CLOPT_KIND_MASK) {
#define CLOPT_TRAJECTORIES_OF(K, KEY, LEAN, FULL, SHAPE)                                       \
    case CLOPT_##K:                                                                            \
        clopt_trajectories_of(CLOPT_##K, live, L, table, state, diverged, out);                \
        break;
        CLOPT_OPTIMIZERS(CLOPT_TRAJECTORIES_OF)
#undef CLOPT_TRAJECTORIES_OF
    }
#endif
}
