/* The kernels' test functions and noise generator, evaluated on the host in double. */
#ifndef CLOPT_TEST_HOST_FUNCTIONS_H
#define CLOPT_TEST_HOST_FUNCTIONS_H

#include <stdint.h>

/* f and its gradient for catalogue entry `id` (cl/functions.cl). */
double host_function(unsigned id, double x, double y, double *gx, double *gy);

/* The largest second derivative of entry `id` near (x, y), by central differences of the
 * gradient over step (1 + |x|) and step (1 + |y|): how far a rounding of the inputs moves g. */
double host_curvature(unsigned id, double x, double y, double step);

/* Philox4x32-10 on counter c with key (k0, k1), in place. */
void host_philox(uint32_t c[4], uint32_t k0, uint32_t k1);

/* The two N(0,1) deviates the kernels add for (trajectory, step) under `seed`. */
void host_normal2(uint32_t trajectory, uint32_t step, uint64_t seed, double *n0, double *n1);

/* The steps of a deviate (cl/noise.cl): 32 bits to a uniform in (0, 1), its logarithm, and
 * the standard normal quantile of a uniform. */
double host_uniform(uint32_t bits);
double host_log(double u);
double host_normal_quantile(double p);

#endif
