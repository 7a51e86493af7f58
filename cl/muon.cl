/*
 * Muon's tensor kernels (docs/semantics.md, "Muon") for one A x B matrix at a time, row-major at
 * an offset of the caller's buffers; the Newton-Schulz products between them are CLBlast's
 * SGEMM on the optimizer's workspace (src/muon.c). The workspace X is n x m, n = min(A, B),
 * m = max(A, B): u itself, or u^T when A > B (the transpose for tall matrices).
 *   clopt_muon_momentum  buf and u from the (clipped) gradient, u written into X
 *   clopt_muon_normalise X / max(|X|_F, epsilon), one work-group
 *   clopt_muon_apply     decoupled weight decay and p - lr_e s O, O read back from X
 * Tuning: CLOPT_WGS (the normalising work-group's size).
 */
#pragma OPENCL FP_CONTRACT OFF

/* Where element i of the A x B matrix sits in X (transposed when A > B). */
inline uint clopt_muon_at(uint i, uint rows, uint cols)
{
    return rows > cols ? (i % cols) * rows + i / cols : i;
}

__kernel void clopt_muon_momentum(__global const float *restrict g, __global float *restrict buf,
                                  __global float *restrict x, const uint goff, const ulong soff,
                                  const uint rows, const uint cols,
                                  __global const float *restrict norm_scale, const clopt_scalars k)
{
    const uint i = get_global_id(0);
    if (i >= rows * cols)
        return;
    const float ns = k.clipnorm > 0.0f ? norm_scale[0] : 1.0f;
    float b = buf[soff + i];
    const float u = clopt_rule_muon_momentum(clopt_rule_clip(g[goff + i], ns, k), &b, k);
    buf[soff + i] = b;
    x[clopt_muon_at(i, rows, cols)] = u;
}

/*
 * One work-group: |X|_F as clip.cl's (scale, ssq) pairs, so that squares past FLT_MAX (a
 * momentum near 1e19) or below FLT_MIN (near 1e-20) still give X's direction; then every
 * element divided by max(|X|_F, epsilon), by the scale first and the root of ssq second, so
 * a norm past FLT_MAX is never formed. Where the sums are normal the scale is 1 and the bits
 * are those of a plain sum of squares.
 */
__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_muon_normalise(__global float *restrict x, const uint n, const clopt_scalars k)
{
    __local float2 scratch[CLOPT_WGS];
    float acc = 0.0f, most = 0.0f;
    for (uint i = get_local_id(0); i < n; i += CLOPT_WGS) {
        acc += x[i] * x[i];
        most = fmax(most, fabs(x[i]));
    }
    float2 mine = (float2)(1.0f, acc);
    if (most > 0.0f && !(acc >= FLT_MIN && acc <= FLT_MAX)) { /* overflow or underflow */
        float ssq = 0.0f;
        for (uint i = get_local_id(0); i < n; i += CLOPT_WGS) {
            const float y = x[i] / most;
            ssq += y * y;
        }
        mine = (float2)(most, ssq);
    }
    const float2 sum = clopt_group_norm(mine, scratch); /* scratch[0] after the last barrier */
    const float root = sqrt(sum.y);
    /* (float): k's fields are double where this file is built into the double program */
    const float eps = (float)k.epsilon;
    const int small = sum.x * root < eps; /* the norm, formed only to compare (inf compares) */
    for (uint i = get_local_id(0); i < n; i += CLOPT_WGS)
        x[i] = small ? x[i] / eps : x[i] / sum.x / root;
}

__kernel void clopt_muon_apply(__global float *restrict p, __global const float *restrict x,
                               const uint poff, const uint rows, const uint cols, const float s,
                               const clopt_scalars k)
{
    const uint i = get_global_id(0);
    if (i >= rows * cols)
        return;
    float pi = p[poff + i];
    clopt_rule_muon_apply(&pi, x[clopt_muon_at(i, rows, cols)], s, k);
    p[poff + i] = pi;
}
