/*
 * The element type of the trajectory and landscape kernels: CLOPT_TW (1, 2, 4, 8 or 16)
 * trajectories or grid points per work-item, as one OpenCL vector, so that CPU devices
 * vectorise across trajectories; GPUs use 1 (see src/tuning.c). Every lane computes
 * exactly what a scalar work-item would, so results do not depend on the width.
 *
 * functions.cl and noise.cl use only the names below, so the tests can compile them as
 * C in double precision (tests/host_cl.h defines the same names for the host).
 */
#ifndef CLOPT_GROUPS
#define CLOPT_GROUPS 1 /* at most this many groups of CLOPT_TW trajectories per work-item */
#endif
#ifndef CLOPT_TW
#define CLOPT_TW 1
#endif
#define CLOPT_CAT_(a, b) a##b
#define CLOPT_CAT(a, b) CLOPT_CAT_(a, b)

#ifdef CLOPT_DOUBLE
/*
 * Double precision (cl_khr_fp64, enabled in scalars.h): one run per work-item, since a
 * comparison of doubleN vectors gives longN masks that the uint lanes cannot select with.
 * clopt_elem is the buffers' element type; the same rule and function code as in float.
 */
#if CLOPT_TW != 1
#error "CLOPT_DOUBLE needs CLOPT_TW 1"
#endif
typedef double clopt_real;
typedef double clopt_elem;
typedef int clopt_int;
typedef uint clopt_uint;
#define CLOPT_LOAD(p, i) ((p)[i])
#define CLOPT_STORE(v, p, i) ((p)[i] = (v))
#define CLOPT_TO_REAL(x) convert_double(x)
#define CLOPT_IOTA 0u
#define CLOPT_K(c) c /* a constant of the element type */
/*
 * A scalar double select takes a long condition, and comparisons give int: the builtin is
 * ambiguous there. For scalars select is c ? b : a (OpenCL 1.2, 6.12.6), so say that.
 */
#undef select
#define select(a, b, c) ((c) ? (b) : (a))
#elif CLOPT_TW == 1
typedef float clopt_real;
typedef int clopt_int;
typedef uint clopt_uint;
#define CLOPT_LOAD(p, i) ((p)[i])
#define CLOPT_STORE(v, p, i) ((p)[i] = (v))
#define CLOPT_TO_REAL(x) convert_float(x)
#define CLOPT_IOTA 0u
#else
typedef CLOPT_CAT(float, CLOPT_TW) clopt_real;
typedef CLOPT_CAT(int, CLOPT_TW) clopt_int;
typedef CLOPT_CAT(uint, CLOPT_TW) clopt_uint;
#define CLOPT_LOAD(p, i) CLOPT_CAT(vload, CLOPT_TW)(0, (p) + (i))
#define CLOPT_STORE(v, p, i) CLOPT_CAT(vstore, CLOPT_TW)((v), 0, (p) + (i))
#define CLOPT_TO_REAL(x) CLOPT_CAT(convert_float, CLOPT_TW)(x)
#if CLOPT_TW == 2
#define CLOPT_IOTA ((uint2)(0, 1))
#elif CLOPT_TW == 4
#define CLOPT_IOTA ((uint4)(0, 1, 2, 3))
#elif CLOPT_TW == 8
#define CLOPT_IOTA ((uint8)(0, 1, 2, 3, 4, 5, 6, 7))
#elif CLOPT_TW == 16
#define CLOPT_IOTA ((uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#else
#error "CLOPT_TW must be 1, 2, 4, 8 or 16"
#endif
#endif
#ifndef CLOPT_DOUBLE
typedef float clopt_elem;
#define CLOPT_K(c) c##f /* a constant of the element type */
#endif

#define CLOPT_INLINE inline __attribute__((always_inline))
#define CLOPT_SELECT(a, b, c) select((a), (b), (c)) /* c ? b : a, per lane */
#define CLOPT_MUL_HI(a, b) mul_hi((a), (b))
/* sin(x), and cos(x) into *c: one range reduction for both (PoCL: the same bits as sin and
 * cos, in 0.6 of their time) */
#define CLOPT_SINCOS(x, c) sincos((x), (c))
