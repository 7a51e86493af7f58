/*
 * Batched trajectories: K optimizers x S starting points on one test function, one slice
 * of steps per launch. Each work-item carries CLOPT_GROUPS groups of CLOPT_TW trajectories
 * of one optimizer in registers (on GPUs both are 1; on CPUs CLOPT_TW is the SIMD width and
 * CLOPT_GROUPS a few independent groups, because one group's step is a chain of dependent
 * divisions and square roots and a CPU core overlaps independent chains). Every optimizer's
 * block of trajectories is padded to a multiple of CLOPT_TW * CLOPT_GROUPS; padded lanes
 * compute and are ignored. One launch serves every optimizer kind: the kind is uniform
 * within a work-item.
 *
 * Buffers, with tpad = K * spad trajectories (spad = S rounded up to CLOPT_TW):
 *   state     6 rows of tpad floats: x, y, a_x, a_y, b_x, b_y (a, b: the rule's state);
 *   diverged  tpad uints: the step at which the trajectory diverged, or CLOPT_ALIVE;
 *   table     the per-step scalars, [optimizer][step in slice] with row stride `stride`;
 *   out       the points recorded in this slice, [row][component][tpad], components
 *             x, y, f (ncomp 3) and with ncomp 9 also g_x, g_y, a_x, a_y, b_x, b_y.
 * Step s evaluates f and the gradient at the current point, records it when s % every
 * == 0, checks for divergence and, while s < nsteps, applies the update.
 */
/* CLOPT_ALIVE and CLOPT_KIND_SGD_PLAIN: trajectory.h, shared with the host. */

/* A loop over this work-item's groups, unrolled: the group arrays stay in registers. */
#define CLOPT_FOR_GROUPS(g) _Pragma("unroll") for (uint g = 0; g < CLOPT_GROUPS; g++)

__kernel void clopt_trajectories(const uint fn, const uint starts, const uint spad,
                                 const uint tpad, const uint nwork,
                                 __global const uint *restrict kinds,
                                 __global const clopt_scalars *restrict table, const uint stride,
                                 const uint first, const uint count, const uint nsteps,
                                 const uint every, const float noise, const uint key0,
                                 const uint key1, const uint ncomp,
                                 __global float *restrict state, __global uint *restrict diverged,
                                 __global float *restrict out)
{
    const uint w = get_global_id(0);
    if (w >= nwork)
        return;
    const uint t = w * (CLOPT_TW * CLOPT_GROUPS); /* this work-item's first (padded) one */
    const uint o = t / spad;
    const uint kind = kinds[o];
    clopt_real x[CLOPT_GROUPS], y[CLOPT_GROUPS], ax[CLOPT_GROUPS], ay[CLOPT_GROUPS];
    clopt_real bx[CLOPT_GROUPS], by[CLOPT_GROUPS];
    clopt_uint dv[CLOPT_GROUPS], id[CLOPT_GROUPS];
#pragma unroll
    for (uint g = 0; g < CLOPT_GROUPS; g++) {
        const uint tg = t + g * CLOPT_TW;
        /* Noise is keyed by the unpadded index, so it does not depend on the lane layout. */
        id[g] = (clopt_uint)(o * starts + (tg - o * spad)) + CLOPT_IOTA;
        x[g] = CLOPT_LOAD(state, tg);
        y[g] = CLOPT_LOAD(state, tpad + tg);
        ax[g] = CLOPT_LOAD(state, 2 * tpad + tg);
        ay[g] = CLOPT_LOAD(state, 3 * tpad + tg);
        bx[g] = CLOPT_LOAD(state, 4 * tpad + tg);
        by[g] = CLOPT_LOAD(state, 5 * tpad + tg);
        dv[g] = CLOPT_LOAD(diverged, tg);
    }
    const clopt_real nan = (clopt_real)(NAN), one = (clopt_real)(1.0f);
    uint wait = (every - first % every) % every; /* steps until the next recorded one */
    __global float *row = out + t;

    /*
     * Each phase of a step is a loop over the groups inside the switch on the (uniform)
     * function or kind, so that every loop is small enough to unroll into registers.
     */
    for (uint i = 0; i < count; i++) {
        const uint s = first + i;
        clopt_real f[CLOPT_GROUPS], gx[CLOPT_GROUPS], gy[CLOPT_GROUPS];
        switch (fn) {
#define CLOPT_EVALUATE(ID, NAME)                                                               \
    case ID:                                                                                   \
        CLOPT_FOR_GROUPS(g) f[g] = clopt_f_##NAME(x[g], y[g], &gx[g], &gy[g]);                \
        break;
            CLOPT_FUNCTIONS(CLOPT_EVALUATE)
#undef CLOPT_EVALUATE
        default:
            CLOPT_FOR_GROUPS(g) f[g] = clopt_function(fn, x[g], y[g], &gx[g], &gy[g]);
        }
        clopt_int alive[CLOPT_GROUPS];
        CLOPT_FOR_GROUPS(g)
        {
            if (noise > 0.0f) {
                clopt_real nx, ny;
                clopt_normal2(id[g], s, key0, key1, &nx, &ny);
                gx[g] = gx[g] + noise * nx;
                gy[g] = gy[g] + noise * ny;
            }
            const clopt_int bad =
                !(isfinite(x[g]) & isfinite(y[g]) & isfinite(f[g]) & (fabs(f[g]) <= 1e30f));
            dv[g] = select(dv[g], (clopt_uint)(s), (dv[g] == CLOPT_ALIVE) & bad);
            alive[g] = dv[g] == CLOPT_ALIVE;
        }
        if (wait-- == 0) {
            CLOPT_FOR_GROUPS(g)
            {
                __global float *at = row + g * CLOPT_TW;
                CLOPT_STORE(select(nan, x[g], alive[g]), at, 0);
                CLOPT_STORE(select(nan, y[g], alive[g]), at, tpad);
                CLOPT_STORE(select(nan, f[g], alive[g]), at, 2 * tpad);
                if (ncomp > 3) {
                    CLOPT_STORE(select(nan, gx[g], alive[g]), at, 3 * tpad);
                    CLOPT_STORE(select(nan, gy[g], alive[g]), at, 4 * tpad);
                    CLOPT_STORE(select(nan, ax[g], alive[g]), at, 5 * tpad);
                    CLOPT_STORE(select(nan, ay[g], alive[g]), at, 6 * tpad);
                    CLOPT_STORE(select(nan, bx[g], alive[g]), at, 7 * tpad);
                    CLOPT_STORE(select(nan, by[g], alive[g]), at, 8 * tpad);
                }
            }
            row += ncomp * tpad;
            wait = every - 1;
        }
        if (s >= nsteps)
            break;

        const clopt_scalars k = table[o * stride + i];
        clopt_real nx[CLOPT_GROUPS], ny[CLOPT_GROUPS], nax[CLOPT_GROUPS], nay[CLOPT_GROUPS];
        clopt_real nbx[CLOPT_GROUPS], nby[CLOPT_GROUPS];
        CLOPT_FOR_GROUPS(g)
        {
            clopt_real ns = one;
            if (k.clipnorm > 0.0f) {
                const clopt_real norm = sqrt(gx[g] * gx[g] + gy[g] * gy[g]);
                ns = select(one, k.clipnorm / norm, norm >= k.clipnorm);
            }
            gx[g] = clopt_trule_clip(gx[g], ns, k);
            gy[g] = clopt_trule_clip(gy[g], ns, k);
            nx[g] = x[g], ny[g] = y[g], nax[g] = ax[g], nay[g] = ay[g];
            nbx[g] = bx[g], nby[g] = by[g];
        }
        switch (kind) {
        case CLOPT_KIND_SGD_PLAIN:
            CLOPT_FOR_GROUPS(g)
            {
                nax[g] = nay[g] = (clopt_real)(0.0f);
                clopt_trule_sgd(&nx[g], gx[g], &nax[g], &nbx[g], k);
                clopt_trule_sgd(&ny[g], gy[g], &nay[g], &nby[g], k);
                nax[g] = nay[g] = (clopt_real)(0.0f);
            }
            break;
#define CLOPT_TRAJECTORY_RULE(KIND, RULE)                                                      \
    case KIND:                                                                                 \
        CLOPT_FOR_GROUPS(g)                                                                    \
        {                                                                                      \
            clopt_trule_##RULE(&nx[g], gx[g], &nax[g], &nbx[g], k);                           \
            clopt_trule_##RULE(&ny[g], gy[g], &nay[g], &nby[g], k);                           \
        }                                                                                      \
        break;
            CLOPT_TRAJECTORY_RULE(0u, sgd)
            CLOPT_TRAJECTORY_RULE(1u, rmsprop)
            CLOPT_TRAJECTORY_RULE(2u, adagrad)
            CLOPT_TRAJECTORY_RULE(3u, adadelta)
            CLOPT_TRAJECTORY_RULE(4u, adam)
            CLOPT_TRAJECTORY_RULE(5u, adamax)
            CLOPT_TRAJECTORY_RULE(6u, nadam)
#undef CLOPT_TRAJECTORY_RULE
        }
        CLOPT_FOR_GROUPS(g)
        {
            x[g] = select(x[g], nx[g], alive[g]);
            y[g] = select(y[g], ny[g], alive[g]);
            ax[g] = select(ax[g], nax[g], alive[g]);
            ay[g] = select(ay[g], nay[g], alive[g]);
            bx[g] = select(bx[g], nbx[g], alive[g]);
            by[g] = select(by[g], nby[g], alive[g]);
        }
    }
#pragma unroll
    for (uint g = 0; g < CLOPT_GROUPS; g++) {
        const uint tg = t + g * CLOPT_TW;
        CLOPT_STORE(x[g], state, tg);
        CLOPT_STORE(y[g], state, tpad + tg);
        CLOPT_STORE(ax[g], state, 2 * tpad + tg);
        CLOPT_STORE(ay[g], state, 3 * tpad + tg);
        CLOPT_STORE(bx[g], state, 4 * tpad + tg);
        CLOPT_STORE(by[g], state, 5 * tpad + tg);
        CLOPT_STORE(dv[g], diverged, tg);
    }
}
