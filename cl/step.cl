/*
 * One optimizer step over many tensors in one launch.
 *
 * The host cuts every tensor of a (param, grad) buffer pair into chunks of at most
 * CLOPT_WGS * WPT elements and lists them in a flat table of uint4
 * (x: offset in param and grad, y: offset in the state arenas, z: element count);
 * work-group i updates chunk chunk_base + i, its work-items striding by CLOPT_WGS so that
 * neighbours touch neighbouring floats. The table lives on the device, so the number of
 * tensors never reaches the kernel arguments.
 * Tuning: CLOPT_WGS (work-group size); WPT only sets the chunk length, on the host.
 */
/*
 * Which elements of a chunk a work-item updates. GPUs: neighbours touch neighbouring floats
 * (strided by CLOPT_WGS, coalesced). CPUs (CLOPT_CONTIGUOUS): each work-item a contiguous
 * run, a plain loop the compiler vectorises within the work-item.
 */
#if CLOPT_CONTIGUOUS
#define CLOPT_STEP_RANGE(j, n)                                                                 \
    const uint per_ = ((n) + CLOPT_WGS - 1) / CLOPT_WGS;                                      \
    const uint lo_ = min((uint)get_local_id(0) * per_, (uint)(n));                            \
    const uint hi_ = min(lo_ + per_, (uint)(n));                                              \
    for (uint j = lo_; j < hi_; j++)
#else
#define CLOPT_STEP_RANGE(j, n) for (uint j = get_local_id(0); j < (n); j += CLOPT_WGS)
#endif

#define CLOPT_STEP_KERNEL(NAME, RULE, NSTATE)                                                        \
    __kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void clopt_step_##NAME(   \
        __global float *restrict p, __global const float *restrict g,                          \
        __global float *restrict s0, __global float *restrict s1,                              \
        __global const uint4 *restrict chunks, const uint chunk_base,                          \
        __global const float *restrict norm_scale, const clopt_scalars k)                      \
    {                                                                                          \
        const uint4 c = chunks[chunk_base + get_group_id(0)];                                  \
        const float ns = k.clipnorm > 0.0f ? norm_scale[0] : 1.0f;                             \
        CLOPT_STEP_RANGE(j, c.z) {                                                             \
            const uint i = c.x + j, s = c.y + j;                                               \
            float pi = p[i];                                                                   \
            float a = (NSTATE) > 0 ? s0[s] : 0.0f;                                             \
            float b = (NSTATE) > 1 ? s1[s] : 0.0f;                                             \
            clopt_rule_##RULE(&pi, clopt_rule_clip(g[i], ns, k), &a, &b, k);                        \
            p[i] = pi;                                                                         \
            if ((NSTATE) > 0)                                                                  \
                s0[s] = a;                                                                     \
            if ((NSTATE) > 1)                                                                  \
                s1[s] = b;                                                                     \
        }                                                                                      \
    }

/* SGD has no momentum buffer until momentum is first > 0: sgd_stateless runs until then. */
CLOPT_STEP_KERNEL(sgd_stateless, sgd, 0)
CLOPT_STEP_KERNEL(sgd, sgd, 1)
CLOPT_STEP_KERNEL(rmsprop, rmsprop, 1)
CLOPT_STEP_KERNEL(adagrad, adagrad, 1)
CLOPT_STEP_KERNEL(adadelta, adadelta, 2)
CLOPT_STEP_KERNEL(adam, adam, 2)
CLOPT_STEP_KERNEL(adamax, adamax, 2)
CLOPT_STEP_KERNEL(nadam, nadam, 2)
