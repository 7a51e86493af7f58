/*
 * The global gradient norm for clipnorm (clipping itself is clopt_rule_clip, rules.cl).
 * The global norm is a two-kernel device reduction over every tensor of an optimizer:
 * clopt_sumsq_partial writes one sum of squares per chunk (see step.cl for chunks),
 * clopt_norm_scale folds them and stores min(1, clipnorm / norm) as Keras decides it.
 * Tuning: CLOPT_WGS, the work-group size (a power of two).
 */
/* Tree sum of one value per work-item; the result is valid in work-item 0. */
inline float clopt_group_sum(float x, __local float *scratch)
{
    const uint lid = get_local_id(0);
    scratch[lid] = x;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint width = CLOPT_WGS / 2; width > 0; width /= 2) {
        if (lid < width)
            scratch[lid] += scratch[lid + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return scratch[0];
}

__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_sumsq_partial(__global const float *restrict g, __global const uint4 *restrict chunks,
                    const uint chunk_base, __global float *restrict partial)
{
    __local float scratch[CLOPT_WGS];
    const uint4 c = chunks[chunk_base + get_group_id(0)];
    float acc = 0.0f;
    for (uint j = get_local_id(0); j < c.z; j += CLOPT_WGS) {
        const float x = g[c.x + j];
        acc += x * x;
    }
    const float sum = clopt_group_sum(acc, scratch);
    if (get_local_id(0) == 0)
        partial[chunk_base + get_group_id(0)] = sum;
}

__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_norm_scale(__global const float *restrict partial, const uint nchunks, const float clipnorm,
                 __global float *restrict scale)
{
    __local float scratch[CLOPT_WGS];
    float acc = 0.0f;
    for (uint j = get_local_id(0); j < nchunks; j += CLOPT_WGS)
        acc += partial[j];
    const float sum = clopt_group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        const float norm = sqrt(sum);
        scale[0] = norm >= clipnorm ? clipnorm / norm : 1.0f;
    }
}
