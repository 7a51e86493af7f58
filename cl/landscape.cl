/*
 * The landscape: f on an nx x ny grid (row-major, row 0 at y0), CLOPT_TW points per
 * work-item, and its finite minimum and maximum for colour scales, reduced on the device
 * into one (min, max) pair per work-group.
 */
__kernel void clopt_landscape(const uint fn, const uint nx, const uint n, const float x0,
                              const float dx, const float y0, const float dy,
                              __global float *restrict values)
{
    const uint base = get_global_id(0) * CLOPT_TW;
    if (base >= n)
        return;
    const clopt_uint i = (clopt_uint)(base) + CLOPT_IOTA;
    const clopt_real x = x0 + dx * CLOPT_TO_REAL(i % nx);
    const clopt_real y = y0 + dy * CLOPT_TO_REAL(i / nx);
    clopt_real gx, gy;
    CLOPT_STORE(clopt_function(fn, x, y, &gx, &gy), values, base);
}

__kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void
clopt_minmax(__global const float *restrict values, const uint n, __global float2 *restrict partial)
{
    __local float lo[CLOPT_WGS], hi[CLOPT_WGS];
    const uint lid = get_local_id(0);
    float a = INFINITY, b = -INFINITY;
    for (uint i = get_global_id(0); i < n; i += get_global_size(0)) {
        const float v = values[i];
        if (isfinite(v)) {
            a = fmin(a, v);
            b = fmax(b, v);
        }
    }
    lo[lid] = a;
    hi[lid] = b;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint width = CLOPT_WGS / 2; width > 0; width /= 2) {
        if (lid < width) {
            lo[lid] = fmin(lo[lid], lo[lid + width]);
            hi[lid] = fmax(hi[lid], hi[lid + width]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        partial[get_group_id(0)] = (float2)(lo[0], hi[0]);
}
