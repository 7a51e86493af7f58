/*
 * The bound of `clopt bench step`: the same memory traffic as an optimizer step (read the
 * parameter, the gradient and NS state buffers, write the parameter and the state back in
 * place) with trivial arithmetic, in the step kernels' pattern for the context's tuning row:
 * each work-group covers get_local_size(0) * per floats, its work-items either a contiguous
 * run of `per` each (CPUs) or strided by the group's size, neighbours on neighbouring
 * floats (strided != 0, GPUs). Its time is what the device's memory allows.
 */
#define CLOPT_BOUND_RANGE(j)                                                                   \
    const uint wg = (uint)get_local_size(0), base = (uint)get_group_id(0) * wg * per;         \
    const uint lo = strided ? min(base + (uint)get_local_id(0), n)                            \
                            : min((uint)get_global_id(0) * per, n);                           \
    const uint hi = strided ? min(base + wg * per, n) : min(lo + per, n);                     \
    const uint by = strided ? wg : 1u;                                                         \
    for (uint j = lo; j < hi; j += by)

__kernel void clopt_bound_0(__global float *restrict p, __global const float *restrict g,
                            const uint n, const uint per, const uint strided)
{
    CLOPT_BOUND_RANGE(i) p[i] += g[i];
}

__kernel void clopt_bound_1(__global float *restrict p, __global const float *restrict g,
                            __global float *restrict s0, const uint n, const uint per,
                            const uint strided)
{
    CLOPT_BOUND_RANGE(i)
    {
        const float gi = g[i];
        p[i] += gi;
        s0[i] += gi;
    }
}

__kernel void clopt_bound_2(__global float *restrict p, __global const float *restrict g,
                            __global float *restrict s0, __global float *restrict s1,
                            const uint n, const uint per, const uint strided)
{
    CLOPT_BOUND_RANGE(i)
    {
        const float gi = g[i];
        p[i] += gi;
        s0[i] += gi;
        s1[i] += gi;
    }
}

__kernel void clopt_bound_3(__global float *restrict p, __global const float *restrict g,
                            __global float *restrict s0, __global float *restrict s1,
                            __global float *restrict s2, const uint n, const uint per,
                            const uint strided)
{
    CLOPT_BOUND_RANGE(i)
    {
        const float gi = g[i];
        p[i] += gi;
        s0[i] += gi;
        s1[i] += gi;
        s2[i] += gi;
    }
}
