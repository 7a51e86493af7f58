/*
 * Batched trajectories: K optimizers x S starting points on one test function, one slice
 * of steps per launch. Each work-item carries CLOPT_TW trajectories of one optimizer in
 * registers (CLOPT_TW = 1 on GPUs, the SIMD width on CPUs), so every optimizer's block of
 * trajectories is padded to a multiple of CLOPT_TW; padded lanes compute and are ignored.
 * One launch serves every optimizer kind: the kind is uniform within a work-item.
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
    const uint t = w * CLOPT_TW; /* this work-item's first (padded) trajectory */
    const uint o = t / spad;
    const uint kind = kinds[o];
    /* Noise is keyed by the unpadded index, so it does not depend on CLOPT_TW. */
    const clopt_uint id = (clopt_uint)(o * starts + (t - o * spad)) + CLOPT_IOTA;
    clopt_real x = CLOPT_LOAD(state, t), y = CLOPT_LOAD(state, tpad + t);
    clopt_real ax = CLOPT_LOAD(state, 2 * tpad + t), ay = CLOPT_LOAD(state, 3 * tpad + t);
    clopt_real bx = CLOPT_LOAD(state, 4 * tpad + t), by = CLOPT_LOAD(state, 5 * tpad + t);
    clopt_uint dv = CLOPT_LOAD(diverged, t);
    const clopt_real nan = (clopt_real)(NAN), one = (clopt_real)(1.0f);
    uint wait = (every - first % every) % every; /* steps until the next recorded one */
    __global float *row = out + t;

    for (uint i = 0; i < count; i++) {
        const uint s = first + i;
        clopt_real gx, gy;
        const clopt_real f = clopt_function(fn, x, y, &gx, &gy);
        if (noise > 0.0f) {
            clopt_real nx, ny;
            clopt_normal2(id, s, key0, key1, &nx, &ny);
            gx = gx + noise * nx;
            gy = gy + noise * ny;
        }
        const clopt_int bad = !(isfinite(x) & isfinite(y) & isfinite(f) & (fabs(f) <= 1e30f));
        dv = select(dv, (clopt_uint)(s), (dv == CLOPT_ALIVE) & bad);
        const clopt_int alive = dv == CLOPT_ALIVE;

        if (wait-- == 0) {
            CLOPT_STORE(select(nan, x, alive), row, 0);
            CLOPT_STORE(select(nan, y, alive), row, tpad);
            CLOPT_STORE(select(nan, f, alive), row, 2 * tpad);
            if (ncomp > 3) {
                CLOPT_STORE(select(nan, gx, alive), row, 3 * tpad);
                CLOPT_STORE(select(nan, gy, alive), row, 4 * tpad);
                CLOPT_STORE(select(nan, ax, alive), row, 5 * tpad);
                CLOPT_STORE(select(nan, ay, alive), row, 6 * tpad);
                CLOPT_STORE(select(nan, bx, alive), row, 7 * tpad);
                CLOPT_STORE(select(nan, by, alive), row, 8 * tpad);
            }
            row += ncomp * tpad;
            wait = every - 1;
        }
        if (s >= nsteps)
            break;

        const clopt_scalars k = table[o * stride + i];
        clopt_real ns = one;
        if (k.clipnorm > 0.0f) {
            const clopt_real norm = sqrt(gx * gx + gy * gy);
            ns = select(one, k.clipnorm / norm, norm >= k.clipnorm);
        }
        gx = clopt_trule_clip(gx, ns, k);
        gy = clopt_trule_clip(gy, ns, k);
        clopt_real nx = x, ny = y, nax = ax, nay = ay, nbx = bx, nby = by;
        switch (kind) {
        case CLOPT_KIND_SGD_PLAIN:
            nax = nay = (clopt_real)(0.0f);
            clopt_trule_sgd(&nx, gx, &nax, &nbx, k);
            clopt_trule_sgd(&ny, gy, &nay, &nby, k);
            nax = nay = (clopt_real)(0.0f);
            break;
#define CLOPT_TRAJECTORY_RULE(KIND, RULE)                                                      \
    case KIND:                                                                                 \
        clopt_trule_##RULE(&nx, gx, &nax, &nbx, k);                                           \
        clopt_trule_##RULE(&ny, gy, &nay, &nby, k);                                           \
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
        x = select(x, nx, alive);
        y = select(y, ny, alive);
        ax = select(ax, nax, alive);
        ay = select(ay, nay, alive);
        bx = select(bx, nbx, alive);
        by = select(by, nby, alive);
    }
    CLOPT_STORE(x, state, t);
    CLOPT_STORE(y, state, tpad + t);
    CLOPT_STORE(ax, state, 2 * tpad + t);
    CLOPT_STORE(ay, state, 3 * tpad + t);
    CLOPT_STORE(bx, state, 4 * tpad + t);
    CLOPT_STORE(by, state, 5 * tpad + t);
    CLOPT_STORE(dv, diverged, t);
}
