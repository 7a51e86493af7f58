/*
 * The names of cl/real.h for the host in double precision, so that the tests compile
 * cl/functions.cl and cl/noise.cl as C: one source for the kernels and for the checks of
 * their mathematics (gradients against central differences, the noise generator against
 * published Philox vectors).
 */
#ifndef CLOPT_TEST_HOST_CL_H
#define CLOPT_TEST_HOST_CL_H

#include <math.h>
#include <stdint.h>

typedef double clopt_real;
typedef int clopt_int;
typedef uint32_t clopt_uint;
#define CLOPT_INLINE static inline
#define CLOPT_K(c) c
#define CLOPT_SELECT(a, b, c) ((c) ? (b) : (a))
#define CLOPT_MUL_HI(a, b) ((uint32_t)(((uint64_t)(a) * (uint64_t)(b)) >> 32))
#define CLOPT_TO_REAL(x) ((double)(x))
#define CLOPT_SINCOS(x, c) (*(c) = cos(x), sin(x))

#endif
