/*
 * The global gradient norm for clipnorm (clipping itself is clopt_rule_clip, rules.cl).
 * The global norm is a two-kernel device reduction over every tensor of an optimizer:
 * clopt_sumsq_partial writes one sum of squares per chunk (see step.cl for chunks) as a
 * (scale, ssq) pair, clopt_norm_scale folds them and stores min(1, clipnorm / norm) as Keras
 * decides it: the formula's wherever the gradients are finite.
 * Tuning: CLOPT_WGS, the work-group size (a power of two).
 */
/*
 * A sum of squares as (scale, ssq), the sum being scale^2 * ssq: squares of gradients near
 * 1e19 overflow a float, those near 1e-20 underflow to 0, so where a plain sum is not a
 * normal number the elements are divided by their largest magnitude first (LAPACK's nrm2).
 * Two pairs add at the larger scale.
 */
inline float2 clopt_norm_add(float2 a, float2 b)
{
    if (a.x < b.x) {
        const float2 t = a;
        a = b;
        b = t;
    }
    if (b.y == 0.0f) return a; /* an empty sum (or zeros) adds nothing at any scale */
    if (a.y == 0.0f) return b;
    const float r = b.x / a.x;
    const float y = a.y + b.y * r * r;
    if (y > FLT_MAX) {
        /* Two plain sums (scale 1) below FLT_MAX whose total is not: the total at scale 2^64
         * (a rescaled pair's ssq is at most its element count, so only these overflow) */
        const float q = r * 0x1p-64f;
        return (float2)(a.x * 0x1p64f, a.y * 0x1p-128f + b.y * q * q);
    }
    return (float2)(a.x, y);
}

/* Tree sum of one pair per work-item; the result is valid in work-item 0. */
inline float2 clopt_group_norm(float2 x, __local float2 *scratch)
{
    const uint lid = get_local_id(0);
    scratch[lid] = x;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint width = CLOPT_WGS / 2; width > 0; width /= 2) {
        if (lid < width)
            scratch[lid] = clopt_norm_add(scratch[lid], scratch[lid + width]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return scratch[0];
}

__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_sumsq_partial(__global const float *restrict g, __global const uint4 *restrict chunks,
                    const uint chunk_base, __global float2 *restrict partial)
{
    __local float2 scratch[CLOPT_WGS];
    const uint4 c = chunks[chunk_base + get_group_id(0)];
    float acc = 0.0f, most = 0.0f;
    for (uint j = get_local_id(0); j < c.z; j += CLOPT_WGS) {
        const float x = g[c.x + j];
        acc += x * x;
        most = fmax(most, fabs(x));
    }
    float2 mine = (float2)(1.0f, acc);
    if (most > 0.0f && !(acc >= FLT_MIN && acc <= FLT_MAX)) { /* overflow or underflow */
        float ssq = 0.0f;
        for (uint j = get_local_id(0); j < c.z; j += CLOPT_WGS) {
            const float x = g[c.x + j] / most;
            ssq += x * x;
        }
        mine = (float2)(most, ssq);
    }
    const float2 sum = clopt_group_norm(mine, scratch);
    if (get_local_id(0) == 0)
        partial[chunk_base + get_group_id(0)] = sum;
}

/* min(1, clipnorm / norm) with norm = scale * sqrt(ssq), never formed (it may overflow). */
__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_norm_scale(__global const float2 *restrict partial, const uint nchunks, const float clipnorm,
                 __global float *restrict scale)
{
    __local float2 scratch[CLOPT_WGS];
    float2 acc = (float2)(1.0f, 0.0f);
    for (uint j = get_local_id(0); j < nchunks; j += CLOPT_WGS)
        acc = clopt_norm_add(acc, partial[j]);
    const float2 sum = clopt_group_norm(acc, scratch);
    if (get_local_id(0) == 0) {
        const float root = sqrt(sum.y), c = clipnorm / sum.x;
        scale[0] = root >= c ? c / root : 1.0f;
    }
}
