/*
 * The bound of `clopt bench step`: the same memory traffic as an optimizer step (read the
 * parameter, the gradient and NS state buffers, write the parameter and the state back in
 * place) with trivial arithmetic. Each work-item updates `per` contiguous floats, the
 * pattern of the step kernels on CPUs; its time is what the device's memory allows.
 */
#define CLOPT_BOUND_RANGE(j)                                                                   \
    const uint lo = min((uint)get_global_id(0) * per, n), hi = min(lo + per, n);              \
    for (uint j = lo; j < hi; j++)

__kernel void clopt_bound_0(__global float *restrict p, __global const float *restrict g,
                            const uint n, const uint per)
{
    CLOPT_BOUND_RANGE(i) p[i] += g[i];
}

__kernel void clopt_bound_1(__global float *restrict p, __global const float *restrict g,
                            __global float *restrict s0, const uint n, const uint per)
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
                            const uint n, const uint per)
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
                            __global float *restrict s2, const uint n, const uint per)
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
