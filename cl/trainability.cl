/*
 * Trainability (Sohl-Dickstein 2024, "The boundary of neural network trainability is
 * fractal"): one work-item per cell of a grid of per-layer learning rates trains its own
 * copy of the paper's network by full-batch gradient descent and reduces its losses to the
 * paper's measure. Scalar code in clopt_elem (float, or double under CLOPT_DOUBLE).
 *
 * The model (docs/trainability.md): width w (<= CLOPT_TRAIN_MAX_WIDTH), inputs of dimension
 * w, n = w^2 + w points; z = W1 x / sqrt(w), h = phi(z), out = (W2 . h / sqrt(w)) / sqrt(w)
 * (mean-field: the output divided by sqrt(fan-in) once more), loss = mean (out - y)^2;
 * phi: tanh(sqrt(2) z), sqrt(2) relu(z) or z.
 *
 * Measure: v_t = min(L_t' / L_0', 1e6) for the losses before steps t = 0 .. N-1 (L' =
 * 1e6 where L is not finite); converged when the mean of the last min(20, N) v_t is < 1;
 * the cell's value -sum v_t if converged, else sum 1 / v_t.
 *
 * Buffers: data = X (n x w, row-major), Y (n), W1 (w x w, row u is hidden unit u's
 * weights), W2 (w), the same for every cell; lr1, lr2 per cell of this launch; out:
 * measure and converged per cell c = j nx + i (the cells padded to whole work-items).
 * CLOPT_TW cells per work-item, one per vector lane, as the trajectory kernels do.
 */
#define CLOPT_TRAIN_MAX_WIDTH 16

/* phi(z) and phi'(z) in *d, per lane. */
CLOPT_INLINE clopt_real clopt_train_act(const uint act, const clopt_real z, clopt_real *d)
{
    const clopt_real zero = (clopt_real)(CLOPT_K(0.0)), one = (clopt_real)(CLOPT_K(1.0));
    const clopt_real r2 = (clopt_real)(sqrt(CLOPT_K(2.0)));
    if (act == 0) { /* tanh(sqrt(2) z) */
        const clopt_real t = tanh(r2 * z);
        *d = r2 * (one - t * t);
        return t;
    }
    if (act == 1) { /* sqrt(2) relu(z) */
        *d = CLOPT_SELECT(zero, r2, z > zero);
        return CLOPT_SELECT(zero, r2 * z, z > zero);
    }
    *d = one; /* identity */
    return z;
}

/*
 * CLOPT_TW cells per work-item, one per lane (clopt_real): cells first + CLOPT_TW id ..
 * of this launch, their rates in lr1, lr2 at the cell's index within the launch.
 */
__kernel void clopt_trainability(const uint w, const uint act, const uint steps,
                                 __global const clopt_elem *restrict data,
                                 __global const clopt_elem *restrict lr1,
                                 __global const clopt_elem *restrict lr2, const uint first,
                                 const uint items, __global clopt_elem *restrict measure,
                                 __global uint *restrict converged)
{
    const uint id = get_global_id(0);
    if (id >= items)
        return;
    const uint at = id * CLOPT_TW, n = w * w + w;
    const clopt_real a1 = CLOPT_LOAD(lr1, at), a2 = CLOPT_LOAD(lr2, at);
    __global const clopt_elem *X = data, *Y = data + n * w;
    __global const clopt_elem *W1_0 = Y + n, *W2_0 = W1_0 + w * w;
    clopt_real W1[CLOPT_TRAIN_MAX_WIDTH * CLOPT_TRAIN_MAX_WIDTH], W2[CLOPT_TRAIN_MAX_WIDTH];
    clopt_real G1[CLOPT_TRAIN_MAX_WIDTH * CLOPT_TRAIN_MAX_WIDTH], G2[CLOPT_TRAIN_MAX_WIDTH];
    clopt_real h[CLOPT_TRAIN_MAX_WIDTH], dh[CLOPT_TRAIN_MAX_WIDTH];
    for (uint k = 0; k < w * w; k++)
        W1[k] = (clopt_real)(W1_0[k]);
    for (uint u = 0; u < w; u++)
        W2[u] = (clopt_real)(W2_0[u]);
    const clopt_elem sw = sqrt((clopt_elem)w);
    const clopt_real zero = (clopt_real)(CLOPT_K(0.0)), one = (clopt_real)(CLOPT_K(1.0));
    const clopt_real big = (clopt_real)(CLOPT_K(1e6));
    const uint tail = steps < 20u ? steps : 20u;
    clopt_real first_loss = one, sum_v = zero, sum_inv = zero, sum_tail = zero;
    for (uint t = 0; t < steps; t++) {
        for (uint k = 0; k < w * w; k++)
            G1[k] = zero;
        for (uint u = 0; u < w; u++)
            G2[u] = zero;
        clopt_real loss = zero;
        for (uint p = 0; p < n; p++) {
            __global const clopt_elem *x = X + p * w;
            clopt_real out = zero;
            for (uint u = 0; u < w; u++) {
                clopt_real z = zero;
                for (uint k = 0; k < w; k++)
                    z += W1[u * w + k] * x[k];
                h[u] = clopt_train_act(act, z / sw, &dh[u]);
                out += W2[u] * h[u];
            }
            out = out / sw / sw;
            const clopt_real e = out - Y[p];
            loss += e * e;
            /* d loss / d (W2 . h) */
            const clopt_real go = CLOPT_K(2.0) * e / (clopt_elem)n / sw / sw;
            for (uint u = 0; u < w; u++) {
                G2[u] += go * h[u];
                const clopt_real gz = go * W2[u] * dh[u] / sw;
                for (uint k = 0; k < w; k++)
                    G1[u * w + k] += gz * x[k];
            }
        }
        loss = loss / (clopt_elem)n;
        loss = CLOPT_SELECT(big, loss, isfinite(loss));
        if (t == 0)
            first_loss = loss;
        const clopt_real v = fmin(loss / first_loss, big);
        sum_v += v;
        sum_inv += one / v;
        if (t + tail >= steps)
            sum_tail += v;
        for (uint k = 0; k < w * w; k++)
            W1[k] -= a1 * G1[k];
        for (uint u = 0; u < w; u++)
            W2[u] -= a2 * G2[u];
    }
    const clopt_int conv = sum_tail / (clopt_elem)tail < one;
    CLOPT_STORE(CLOPT_SELECT(sum_inv, -sum_v, conv), measure, first + at);
    CLOPT_STORE(CLOPT_SELECT((clopt_uint)(0u), (clopt_uint)(1u), conv), converged, first + at);
}
