/*
 * Explore, the trajectory engine's reduce mode: basin maps (one run per grid start per
 * optimizer), hyperparameter sweeps (one run per hyperparameter value, one start) and
 * tunings (per value and noise seed, one run per start of a list; the basin kernel). No
 * point is recorded: each run keeps its point, its state, the first step at which f came
 * within tolerance of the function's minimum value and the step at which it diverged in
 * device memory, and the last launch stores the final f. Memory is O(runs).
 *
 * The same work-item shape as cl/trajectory.cl (groups of CLOPT_TW runs per work-item), the
 * same function evaluation and divergence rule (clopt_trajectory_fs), update
 * (clopt_trajectory_update, the one dispatch over optimizer kinds) and state layout
 * (clopt_state_load, clopt_state_store), so a run gives the bits of the trajectory with the
 * same start and spec.
 *
 * Arguments: the launch constants (clopt_launch, trajectory.h; rpad below is its pad), then the
 * buffers in the trajectory kernel's order (kinds, table, state, flags: steps, out: sums),
 * so that one host engine (src/engine.c) drives both.
 * Buffers, for rpad runs (padded to whole work-items):
 *   state  CLOPT_STATE_ROWS + 1 rows of rpad floats: x, y, a_x, a_y, b_x, b_y, c_x, c_y (as
 *          the trajectory kernel's) and f (written at step nsteps);
 *   steps  2 rows of rpad uints: converged_at, diverged_at (CLOPT_ALIVE: not so far). A run
 *          goes on computing after it diverged; the host drops a converged_at that is not
 *          before diverged_at, so the check here needs no look at the divergence;
 *   kinds  per config, entries as the trajectory kernel's (kind and live state);
 *   table  [config][step in slice], row stride `stride`; with stride 1 the config's one row
 *          serves every step of the slice (scalars that do not change, or slices of one
 *          update).
 *   sums   tunings with auc: 2 rows of rpad floats, the sum over steps 0 .. nsteps of
 *          log10(max(f - f*, 0) + 1e-12) (of f itself without a known minimum, tol < 0) and
 *          its Kahan compensation; otherwise unused.
 * Basins: config = run / cpad, one optimizer per padded block (uniform in a work-item, as in
 * the trajectory kernel). Tunings: the same layout, config = value x nseeds + seed, the
 * block's runs its starts; gradient noise as the trajectory kernel adds it, keyed by the
 * config's seed (config % nseeds) with the run's start index as its counter, so that a run
 * is trajectory k of `clopt run` from the same list of starts with --seed s. Sweeps: every run is its own config, so the scalars and the kind
 * are per group, and the program is built with CLOPT_TW 1 (one run per group).
 */

/*
 * Not restrict: inlined restrict pointers become intrinsics that oclgrind cannot run. On
 * GPUs a basin map passes its work-item's kind as a constant (one copy per kind, as the
 * trajectory kernel does, CLOPT_KIND_COPIES); otherwise, and for a sweep, whose groups may
 * differ in kind, `kind` is CLOPT_KIND_COUNT and each group's kind comes from the table.
 */
CLOPT_INLINE void clopt_explore(const bool sweep, const uint kind, const clopt_launch L,
                                __global const uint *kinds, __global const clopt_scalars *table,
                                __global clopt_elem *state, __global uint *steps,
                                __global clopt_elem *sums)
{
    const uint w = get_global_id(0);
    if (w >= L.nwork)
        return;
    const uint t = w * (CLOPT_TW * L.groups); /* this work-item's first (padded) run */
    const uint o = min(t / L.cpad, L.ncfg - 1);
    const uint entry = kinds[o];
    clopt_real x[CLOPT_GROUPS], y[CLOPT_GROUPS], ax[CLOPT_GROUPS], ay[CLOPT_GROUPS];
    clopt_real bx[CLOPT_GROUPS], by[CLOPT_GROUPS], cx[CLOPT_GROUPS], cy[CLOPT_GROUPS];
    clopt_uint cv[CLOPT_GROUPS], dv[CLOPT_GROUPS], id[CLOPT_GROUPS];
    clopt_real sum[CLOPT_GROUPS], comp[CLOPT_GROUPS], f[CLOPT_GROUPS], gx[CLOPT_GROUPS],
        gy[CLOPT_GROUPS];
    uint cfg[CLOPT_GROUPS], kd[CLOPT_GROUPS];
    const uint key = o % L.nseeds;
    CLOPT_FOR_GROUPS(g, L.groups)
    {
        const uint tg = t + g * CLOPT_TW;
        id[g] = (clopt_uint)(tg - o * L.cpad) + CLOPT_IOTA; /* the start's index in its block */
        sum[g] = comp[g] = (clopt_real)(0.0f);
        if (L.auc) {
            sum[g] = CLOPT_LOAD(sums, tg);
            comp[g] = CLOPT_LOAD(sums, L.pad + tg);
        }
        cfg[g] = sweep ? min(tg, L.ncfg - 1) : o; /* padding repeats the last config */
        kd[g] = sweep ? kinds[cfg[g]] : entry;
        clopt_state_load(state, L.pad, tg, &x[g], &y[g], &ax[g], &ay[g], &bx[g], &by[g], &cx[g],
                         &cy[g]);
        cv[g] = CLOPT_LOAD(steps, tg);
        dv[g] = CLOPT_LOAD(steps, L.pad + tg);
    }

    for (uint i = 0; i < L.count; i++) {
        const uint s = L.first + i;
        const bool update = s < L.nsteps;
        const uint row = update && L.stride > 1 ? i : 0;
        const clopt_scalars k = table[o * L.stride + row];
        /* Each phase a loop over the groups, its branches outside it (as the trajectory
         * kernel's): f, the gradient, divergence and convergence, the sums, noise, f at the
         * last step, the update. */
        clopt_trajectory_fs(L.fn, L.groups, s, L.auc || !update, x, y, f, gx, gy, dv, cv, L.fstar,
                            L.tol);
        if (L.auc)
            CLOPT_FOR_GROUPS(g, L.groups)
            { /* Kahan: 1e7 steps add up without losing the small terms */
                const clopt_real q = L.tol < 0.0f ? f[g]
                                                  : log10(fmax(f[g] - L.fstar, (clopt_real)(0.0f)) +
                                                          (clopt_real)(1e-12f));
                const clopt_real yk = q - comp[g], tk = sum[g] + yk;
                comp[g] = (tk - sum[g]) - yk;
                sum[g] = tk;
            }
        if (L.noise > 0.0f)
            CLOPT_FOR_GROUPS(g, L.groups)
            {
                clopt_real nx, ny;
                clopt_normal2(id[g], s, key, 0u, &nx, &ny);
                gx[g] = gx[g] + L.noise * nx;
                gy[g] = gy[g] + L.noise * ny;
            }
        if (!update) {
            CLOPT_FOR_GROUPS(g, L.groups)
            CLOPT_STORE(f[g], state, CLOPT_STATE_ROWS * L.pad + t + g * CLOPT_TW);
            break;
        }
        if (!sweep)
            clopt_trajectory_update(kind < CLOPT_KIND_COUNT ? kind : entry & CLOPT_KIND_MASK,
                                    entry >> CLOPT_LIVE_SHIFT, L.groups, k, gx, gy, x, y, ax, ay,
                                    bx, by, cx, cy);
        else /* a sweep's groups may differ in kind and scalars */
            CLOPT_FOR_GROUPS(g, L.groups)
            clopt_trajectory_update(kd[g] & CLOPT_KIND_MASK, kd[g] >> CLOPT_LIVE_SHIFT, 1,
                                    table[cfg[g] * L.stride + row], &gx[g], &gy[g], &x[g],
                                    &y[g], &ax[g], &ay[g], &bx[g], &by[g], &cx[g], &cy[g]);
    }
    CLOPT_FOR_GROUPS(g, L.groups)
    {
        const uint tg = t + g * CLOPT_TW;
        clopt_state_store(state, L.pad, tg, x[g], y[g], ax[g], ay[g], bx[g], by[g], cx[g], cy[g]);
        CLOPT_STORE(cv[g], steps, tg);
        CLOPT_STORE(dv[g], steps, L.pad + tg);
        if (L.auc) {
            CLOPT_STORE(sum[g], sums, tg);
            CLOPT_STORE(comp[g], sums, L.pad + tg);
        }
    }
}

/* Basin maps: optimizer o's runs are the block [o * cpad, (o + 1) * cpad). */
__kernel void clopt_explore_basins(const clopt_launch L, __global const uint *restrict kinds,
                                   __global const clopt_scalars *restrict table,
                                   __global clopt_elem *restrict state, __global uint *restrict steps,
                                   __global clopt_elem *restrict sums)
{
#if !CLOPT_KIND_COPIES
    clopt_explore(false, CLOPT_KIND_COUNT, L, kinds, table, state, steps, sums);
#else
    const uint o = min((uint)get_global_id(0) * (CLOPT_TW * L.groups) / L.cpad, L.ncfg - 1);
    switch (kinds[o] & CLOPT_KIND_MASK) {
#define CLOPT_EXPLORE_OF(K, KEY, LEAN, FULL, SHAPE)                                            \
    case CLOPT_##K:                                                                            \
        clopt_explore(false, CLOPT_##K, L, kinds, table, state, steps, sums);                  \
        break;
        CLOPT_OPTIMIZERS(CLOPT_EXPLORE_OF)
#undef CLOPT_EXPLORE_OF
    }
#endif
}

/* Sweeps: run r is config r (CLOPT_TW 1; cpad is 1). */
__kernel void clopt_explore_sweep(const clopt_launch L, __global const uint *restrict kinds,
                                  __global const clopt_scalars *restrict table,
                                  __global clopt_elem *restrict state, __global uint *restrict steps,
                                  __global clopt_elem *restrict sums)
{
    clopt_explore(true, CLOPT_KIND_COUNT, L, kinds, table, state, steps, sums);
}
