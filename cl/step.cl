/*
 * One optimizer step over many tensors in one launch.
 *
 * The host cuts every tensor of a (param, grad) buffer pair into chunks of at most
 * CLOPT_WGS * CLOPT_WPI elements and lists them in a flat table of uint4
 * (x: offset in param and grad, y: offset in the state arenas in units of 16 floats, z:
 * element count, w: the tensor's index); every chunk's state starts on a 16-float boundary,
 * so y addresses arenas of up to 2^36 floats, past the 2^32 that all tensors together reach);
 * work-group i updates chunk chunk_base + i, its work-items striding by CLOPT_WGS so that
 * neighbours touch neighbouring floats. The table lives on the device, so the number of
 * tensors never reaches the kernel arguments.
 * Tuning: CLOPT_WGS (work-group size); CLOPT_WPI (work per item: a chunk is at most
 * CLOPT_WGS * CLOPT_WPI elements, cut on the host).
 */
/*
 * Which elements of a chunk a work-item updates. GPUs: neighbours touch neighbouring floats
 * (strided by CLOPT_WGS, coalesced). CPUs (CLOPT_CONTIGUOUS): each work-item a contiguous
 * run, a plain loop the compiler vectorises within the work-item.
 */
#if CLOPT_CONTIGUOUS
#define CLOPT_STEP_BOUNDS(n)                                                                   \
    const uint per_ = ((n) + CLOPT_WGS - 1) / CLOPT_WGS;                                      \
    const uint lo_ = min((uint)get_local_id(0) * per_, (uint)(n));                            \
    const uint hi_ = min(lo_ + per_, (uint)(n))
#define CLOPT_STEP_RANGE(j, n)                                                                 \
    CLOPT_STEP_BOUNDS(n);                                                                      \
    for (uint j = lo_; j < hi_; j++)
#else
#define CLOPT_STEP_RANGE(j, n) for (uint j = get_local_id(0); j < (n); j += CLOPT_WGS)
#endif

/*
 * The element at j of chunk c, with its state; the body updates pi, a, b, cc. p and g are
 * addressed from the chunk's start, (p + c.x)[j], not p[c.x + j]: the compiler cannot prove
 * that the 32-bit sum does not wrap (the host keeps offsets below 2^32), and j alone is a
 * plain stride (SGD on a Zen 1 EPYC went from 0.91-0.92 to 0.93-0.94 of the same-traffic
 * kernel). Lamb's kernels take p the same way.
 */
#define CLOPT_STEP_LOAD(NSTATE)                                                                \
    const ulong s = (ulong)c.y * 16 + j;                                                       \
    float pi = (p + c.x)[j];                                                                   \
    float a = (NSTATE) > 0 ? s0[s] : 0.0f;                                                     \
    float b = (NSTATE) > 1 ? s1[s] : 0.0f;                                                     \
    float cc = (NSTATE) > 2 ? s2[s] : 0.0f;                                                    \
    const float gi = clopt_rule_clip((g + c.x)[j], ns, k)
#define CLOPT_STEP_STORE(NSTATE)                                                               \
    (p + c.x)[j] = pi;                                                                         \
    if ((NSTATE) > 0)                                                                          \
        s0[s] = a;                                                                             \
    if ((NSTATE) > 1)                                                                          \
        s1[s] = b;                                                                             \
    if ((NSTATE) > 2)                                                                          \
        s2[s] = cc

#define CLOPT_STEP_ARGS                                                                        \
    __global float *restrict p, __global const float *restrict g, __global float *restrict s0, \
        __global float *restrict s1, __global float *restrict s2,                              \
        __global const uint4 *restrict chunks, const uint chunk_base,                          \
        __global const float *restrict norm_scale, const clopt_scalars k
#define CLOPT_STEP_KERNEL_HEAD(NAME)                                                           \
    __kernel __attribute__((reqd_work_group_size(CLOPT_WGS, 1, 1))) void NAME
#define CLOPT_STEP_CHUNK                                                                       \
    const uint4 c = chunks[chunk_base + get_group_id(0)];                                      \
    const float ns = k.clipnorm > 0.0f ? norm_scale[0] : 1.0f

/* An element-wise rule over every chunk of a buffer pair. */
#define CLOPT_STEP_LOOP(RULE, NSTATE, KS)                                                      \
    CLOPT_STEP_RANGE(j, c.z)                                                                   \
    {                                                                                          \
        const clopt_scalars k = KS;                                                            \
        CLOPT_STEP_LOAD(NSTATE);                                                               \
        clopt_rule_##RULE(&pi, gi, &a, &b, &cc, k);                                            \
        CLOPT_STEP_STORE(NSTATE);                                                              \
    }
/*
 * CPUs: where clipping and Nesterov are off (every kind's defaults) and the step is not a
 * schedule-free first step, a copy of a loop with them as constant 0, so that no test of them
 * stays in it; two such copies: decoupled decay on (AdamW's default; the rule's test of it
 * then folds into the branch that chose the copy) and off (0). LLVM had left the rule's
 * loop-invariant tests in the loop, a compare and a branch each per 8 floats (`perf annotate`,
 * Lion). Lion on a Zen 1 EPYC went from 0.89-0.92 to 0.93-0.94 of the same-traffic kernel
 * (`clopt bench step --optimizer lion --repeat 40`, three pairs); SGD, with Nesterov's test
 * taken out too, from 0.94-0.97 to 0.99-1.03 (three pairs, with and without momentum alike);
 * Lamb's moments loop from 0.91-0.95 to 0.97-1.04 of the hand-written loop (`--optimizer lamb
 * --repeat 15`, three pairs); AdamW, with the copy for decay on and amsgrad as 0 in the
 * kernels with fewer than three state values (Adam's and AdamW's lean kernels, which run only
 * with amsgrad off), from 0.87-0.92 to 1.00-1.18 of the hand-written loop (`--optimizer adamw
 * --repeat 10`, three pairs); schedule-free's first-step test (k.start) goes too, its first
 * step taking the loop with tests: the plain loop of SGDScheduleFree from 25 to 17
 * instructions per 8 floats, no compare left. Each copy builds the step program about 0.1 s
 * longer. The same bits: a rule skips what is 0.
 * LOOP(RULE, NSTATE, KS) is the loop, KS the scalars it binds to its own k (kk_: a name
 * other than k, which the loop's k would shadow). GPUs keep one loop (each work-item's few
 * elements; the program builds once per kind there).
 */
#if CLOPT_CONTIGUOUS
#define CLOPT_STEP_LOOPS(LOOP, RULE, NSTATE)                                                   \
    {                                                                                          \
        const clopt_scalars kk_ = k;                                                           \
        clopt_scalars plain_ = k;                                                              \
        plain_.clipnorm = plain_.clipvalue = plain_.nesterov = plain_.start = 0.0f;            \
        if ((NSTATE) < 3) /* no vhat, amsgrad's (the third state value): amsgrad is off */     \
            plain_.amsgrad = 0.0f;                                                             \
        if (k.clipnorm > 0.0f || k.clipvalue > 0.0f || k.nesterov != 0.0f ||                   \
            k.start != 0.0f) {                                                                 \
            LOOP(RULE, NSTATE, kk_)                                                            \
        } else if (k.weight_decay > 0.0f) {                                                    \
            LOOP(RULE, NSTATE, plain_)                                                         \
        } else {                                                                               \
            plain_.weight_decay = 0.0f;                                                        \
            LOOP(RULE, NSTATE, plain_)                                                         \
        }                                                                                      \
    }
#else
#define CLOPT_STEP_LOOPS(LOOP, RULE, NSTATE)                                                   \
    {                                                                                          \
        const clopt_scalars kk_ = k;                                                           \
        LOOP(RULE, NSTATE, kk_)                                                                \
    }
#endif
#define CLOPT_STEP_KERNEL(NAME, RULE, NSTATE)                                                  \
    CLOPT_STEP_KERNEL_HEAD(clopt_step_##NAME)(CLOPT_STEP_ARGS)                                 \
    {                                                                                          \
        CLOPT_STEP_CHUNK;                                                                      \
        CLOPT_STEP_LOOPS(CLOPT_STEP_LOOP, RULE, NSTATE)                                        \
    }

/*
 * A rule that needs norms over each tensor (Lamb), in three launches per step whatever the
 * number of tensors: NAME_moments updates the state and p (before the step) and writes
 * its chunk's sums of p^2 and u^2 into partial2, CLOPT_TENSOR_PARTS float4 per chunk, each
 * sum a (scale, ssq) pair as clip.cl's clipnorm sums (CLOPT_TENSOR_PAIRS): |p| and |u| are
 * the formula's wherever they are finite, past float's square range too;
 * NAME_ratio folds them, one work-group per tensor (chunk table's w = the tensor;
 * tensors[t] = its first chunk and chunk count), into the ratio; NAME_apply recomputes u
 * from the state and takes the step.
 *
 * CPUs (CLOPT_CONTIGUOUS): each work-item's own sums, no barrier (a work-group reduction
 * splits the kernel and its loop no longer vectorises), in a second pass over its run (in
 * cache): the update loop holds no running sum, so it vectorises like the element-wise
 * kernels, and keeps u in a private array of the run's length (CLOPT_WPI floats) rather than
 * have the second pass take it again from the state (a square root and a division more per
 * element: Lamb on a Zen 1 EPYC went from 0.86-0.89 to 0.91-0.97 of the hand-written C
 * loop); the sums take CLOPT_TW lanes (clopt_real), each lane its own partial sum, added in
 * lane order at the end: a strict-FP compiler does not vectorise a scalar running sum. (Lamb
 * on PoCL, 4M parameters, `clopt bench step`: 21.6 ms one pass, 0.21 of the bound.)
 * GPUs: one pass; the work-group folds its sums in local memory, one float2 per chunk, so
 * that a tensor's fold reads nchunks values, not nchunks x CLOPT_WGS (a single 16M-parameter
 * tensor: 8 thousand, not 2 million, read by the one work-group of the ratio kernel).
 */
/*
 * A work-item's sums of squares of p and of the direction u as two (scale, ssq) pairs
 * (clip.cl's clopt_norm_add), OUT = (scale_p, ssq_p, scale_u, ssq_u): the plain sums PP and
 * UU where they are normal numbers; a sum that is not (squares past 3.4e38, or below
 * FLT_MIN, or every element 0) is taken again over the work-item's elements divided by
 * their largest magnitude (two more passes, for that rare work-item only).
 */
#define CLOPT_TENSOR_PAIRS(NAME, PP, UU, OUT)                                                  \
    float4 OUT = (float4)(1.0f, PP, 1.0f, UU);                                                 \
    const bool redo_p_ = !(PP >= FLT_MIN && PP <= FLT_MAX);                                    \
    const bool redo_u_ = !(UU >= FLT_MIN && UU <= FLT_MAX);                                    \
    if (redo_p_ || redo_u_) {                                                                  \
        float mp = 0.0f, mu = 0.0f, qp = 0.0f, qu = 0.0f;                                      \
        {                                                                                      \
            CLOPT_STEP_RANGE(j, c.z)                                                           \
            {                                                                                  \
                const ulong s = (ulong)c.y * 16 + j;                                           \
                mp = fmax(mp, fabs((p + c.x)[j]));                                             \
                mu = fmax(mu, fabs(clopt_rule_##NAME##_direction(s0[s], s1[s], k)));           \
            }                                                                                  \
        }                                                                                      \
        {                                                                                      \
            CLOPT_STEP_RANGE(j, c.z)                                                           \
            {                                                                                  \
                const ulong s = (ulong)c.y * 16 + j;                                           \
                const float xp = mp > 0.0f ? (p + c.x)[j] / mp : 0.0f;                         \
                const float xu =                                                               \
                    mu > 0.0f ? clopt_rule_##NAME##_direction(s0[s], s1[s], k) / mu : 0.0f;   \
                qp += xp * xp;                                                                 \
                qu += xu * xu;                                                                 \
            }                                                                                  \
        }                                                                                      \
        if (redo_p_)                                                                           \
            OUT.s01 = mp > 0.0f ? (float2)(mp, qp) : (float2)(1.0f, 0.0f);                     \
        if (redo_u_)                                                                           \
            OUT.s23 = mu > 0.0f ? (float2)(mu, qu) : (float2)(1.0f, 0.0f);                     \
    }

#if CLOPT_CONTIGUOUS
#define CLOPT_TENSOR_PARTS CLOPT_WGS
/* The moments loop on CPUs, copied as the element-wise loops are (CLOPT_STEP_LOOPS). */
#define CLOPT_TENSOR_MOMENTS_LOOP(NAME, NSTATE, KS)                                            \
    for (uint j = lo_; j < hi_; j++) {                                                         \
        const clopt_scalars k = KS;                                                            \
        CLOPT_STEP_LOAD(NSTATE);                                                               \
        u_[j - lo_] = clopt_rule_##NAME##_moments(&pi, gi, &a, &b, k);                         \
        CLOPT_STEP_STORE(NSTATE);                                                              \
    }
#define CLOPT_TENSOR_MOMENTS(NAME, NSTATE)                                                     \
    float u_[CLOPT_WPI];                                                                       \
    CLOPT_STEP_BOUNDS(c.z);                                                                    \
    CLOPT_STEP_LOOPS(CLOPT_TENSOR_MOMENTS_LOOP, NAME, NSTATE)                                  \
    clopt_real ppv = 0.0f, uuv = 0.0f;                                                         \
    uint j = lo_;                                                                              \
    for (; j + CLOPT_TW <= hi_; j += CLOPT_TW) {                                               \
        const clopt_real pv = CLOPT_LOAD(p + c.x, j);                                          \
        const clopt_real u = CLOPT_LOAD(u_, j - lo_);                                          \
        ppv += pv * pv;                                                                        \
        uuv += u * u;                                                                          \
    }                                                                                          \
    float pp = clopt_lane_sum(ppv), uu = clopt_lane_sum(uuv);                                  \
    for (; j < hi_; j++) {                                                                     \
        const ulong s = (ulong)c.y * 16 + j;                                                   \
        const float pj = (p + c.x)[j], u = clopt_rule_##NAME##_direction(s0[s], s1[s], k);    \
        pp += pj * pj;                                                                         \
        uu += u * u;                                                                           \
    }                                                                                          \
    CLOPT_TENSOR_PAIRS(NAME, pp, uu, sums_);                                                   \
    partial2[(chunk_base + get_group_id(0)) * CLOPT_WGS + get_local_id(0)] = sums_

/* The lanes of v added in lane order. */
inline float clopt_lane_sum(clopt_real v)
{
#if CLOPT_TW == 1
    return v;
#else
    const float *lane = (const float *)&v;
    float sum = lane[0];
    for (int l = 1; l < CLOPT_TW; l++)
        sum += lane[l];
    return sum;
#endif
}
#else
#define CLOPT_TENSOR_PARTS 1
#define CLOPT_TENSOR_MOMENTS(NAME, NSTATE)                                                     \
    __local float2 scratch_p[CLOPT_WGS], scratch_u[CLOPT_WGS];                                 \
    float pp = 0.0f, uu = 0.0f;                                                                \
    CLOPT_STEP_RANGE(j, c.z)                                                                   \
    {                                                                                          \
        CLOPT_STEP_LOAD(NSTATE);                                                               \
        const float u = clopt_rule_##NAME##_moments(&pi, gi, &a, &b, k);                       \
        pp += pi * pi;                                                                         \
        uu += u * u;                                                                           \
        CLOPT_STEP_STORE(NSTATE);                                                              \
    }                                                                                          \
    CLOPT_TENSOR_PAIRS(NAME, pp, uu, mine_);                                                   \
    const float2 sp_ = clopt_group_norm(mine_.s01, scratch_p);                                 \
    const float2 su_ = clopt_group_norm(mine_.s23, scratch_u);                                 \
    if (get_local_id(0) == 0)                                                                  \
    partial2[chunk_base + get_group_id(0)] = (float4)(sp_, su_)
#endif
#define CLOPT_TENSOR_STEP_KERNELS(NAME, NSTATE)                                                \
    CLOPT_STEP_KERNEL_HEAD(clopt_step_##NAME##_moments)                                        \
    (CLOPT_STEP_ARGS, __global float4 *restrict partial2)                                      \
    {                                                                                          \
        CLOPT_STEP_CHUNK;                                                                      \
        CLOPT_TENSOR_MOMENTS(NAME, NSTATE);                                                    \
    }                                                                                          \
    CLOPT_STEP_KERNEL_HEAD(clopt_step_##NAME##_ratio)                                          \
    (__global const float4 *restrict partial2, __global const uint2 *restrict tensors,         \
     __global float *restrict ratio)                                                           \
    {                                                                                          \
        __local float2 scratch_p[CLOPT_WGS], scratch_u[CLOPT_WGS];                             \
        const uint2 tc = tensors[get_group_id(0)];                                             \
        float2 acc_p = (float2)(1.0f, 0.0f), acc_u = (float2)(1.0f, 0.0f);                     \
        for (uint i = tc.x * CLOPT_TENSOR_PARTS + get_local_id(0);                             \
             i < (tc.x + tc.y) * CLOPT_TENSOR_PARTS; i += CLOPT_WGS) {                         \
            acc_p = clopt_norm_add(acc_p, partial2[i].s01);                                    \
            acc_u = clopt_norm_add(acc_u, partial2[i].s23);                                    \
        }                                                                                      \
        const float2 sp = clopt_group_norm(acc_p, scratch_p);                                  \
        const float2 su = clopt_group_norm(acc_u, scratch_u);                                  \
        /* |p| / |u| at the larger scale: both norms may lie past float's range */            \
        const float m = fmax(sp.x, su.x);                                                      \
        if (get_local_id(0) == 0)                                                              \
            ratio[get_group_id(0)] =                                                           \
                clopt_rule_##NAME##_ratio(sp.x / m * sqrt(sp.y), su.x / m * sqrt(su.y));       \
    }                                                                                          \
    CLOPT_STEP_KERNEL_HEAD(clopt_step_##NAME##_apply)                                          \
    (CLOPT_STEP_ARGS, __global const float *restrict ratio)                                    \
    {                                                                                          \
        CLOPT_STEP_CHUNK;                                                                      \
        const float r = ratio[c.w];                                                            \
        CLOPT_STEP_RANGE(j, c.z)                                                               \
        {                                                                                      \
            const ulong s = (ulong)c.y * 16 + j;                                               \
            float pi = (p + c.x)[j];                                                           \
            clopt_rule_##NAME##_apply(&pi, clopt_rule_##NAME##_direction(s0[s], s1[s], k), r, \
                                      k);                                                      \
            (p + c.x)[j] = pi;                                                                 \
        }                                                                                      \
    }

/*
 * Every kind of cl/optimizers.h: clopt_step_KEY with its full state and clopt_step_KEY_lean
 * with its lean state (SGD before momentum was ever on, Adam without amsgrad); tensor-wise
 * kinds get their three kernels instead.
 */
#define CLOPT_STEP_ELEMENT(KEY, LEAN, FULL)                                                    \
    CLOPT_STEP_KERNEL(KEY, KEY, FULL)                                                          \
    CLOPT_STEP_KERNEL(KEY##_lean, KEY, LEAN)
#define CLOPT_STEP_TENSOR(KEY, LEAN, FULL) CLOPT_TENSOR_STEP_KERNELS(KEY, FULL)
#define CLOPT_STEP_MATRIX(KEY, LEAN, FULL) /* matrix kinds: their own kernels (muon.cl) */
#define CLOPT_STEP_KIND(K, KEY, LEAN, FULL, SHAPE) CLOPT_STEP_##SHAPE(KEY, LEAN, FULL)
CLOPT_OPTIMIZERS(CLOPT_STEP_KIND)
#undef CLOPT_STEP_KIND
