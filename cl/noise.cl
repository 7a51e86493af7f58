/*
 * Gradient noise for stochastic runs: sigma * N(0, 1) per gradient component, from the
 * Philox4x32-10 counter-based generator (Salmon et al., SC'11) keyed by the run's seed,
 * with the counter (trajectory, step, 0, 0). The normal deviates come from Acklam's
 * rational approximation of the inverse normal CDF with a logarithm built from frexp and
 * a polynomial, so only +, -, *, / and sqrt are used: operations that OpenCL rounds
 * correctly (with -cl-fp32-correctly-rounded-divide-sqrt), so the noise is the same on
 * every device. Shared with the host tests like functions.cl (see real.h).
 */

/* Philox4x32-10: four 32-bit words from a 128-bit counter and a 64-bit key. */
CLOPT_INLINE void clopt_philox(clopt_uint c[4], unsigned int k0, unsigned int k1)
{
    for (int round = 0; round < 10; round++) {
        const clopt_uint m0 = (clopt_uint)(0xD2511F53u), m1 = (clopt_uint)(0xCD9E8D57u);
        const clopt_uint hi0 = CLOPT_MUL_HI(m0, c[0]), lo0 = m0 * c[0];
        const clopt_uint hi1 = CLOPT_MUL_HI(m1, c[2]), lo1 = m1 * c[2];
        const clopt_uint n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0;
        c[1] = lo1;
        c[2] = n2;
        c[3] = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

/* A uniform in (0, 1) from 32 random bits: an odd multiple of 2^-24, exact in float. */
CLOPT_INLINE clopt_real clopt_uniform(clopt_uint bits)
{
    return CLOPT_TO_REAL((bits >> 9) * 2u + 1u) * CLOPT_K(5.9604644775390625e-8);
}

/* ln(u) for u in (0, 1]: u = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s). */
CLOPT_INLINE clopt_real clopt_log(clopt_real u)
{
    clopt_int e;
    clopt_real m = frexp(u, &e);
    const clopt_int small = m < CLOPT_K(0.70710678118654752);
    m = CLOPT_SELECT(m, m * CLOPT_K(2.0), small);
    e = CLOPT_SELECT(e, e - 1, small);
    const clopt_real s = (m - CLOPT_K(1.0)) / (m + CLOPT_K(1.0)), s2 = s * s;
    const clopt_real series =
        CLOPT_K(1.0) +
        s2 * (CLOPT_K(1.0) / CLOPT_K(3.0) +
              s2 * (CLOPT_K(0.2) + s2 * (CLOPT_K(1.0) / CLOPT_K(7.0) +
                                         s2 * (CLOPT_K(1.0) / CLOPT_K(9.0)))));
    return CLOPT_TO_REAL(e) * CLOPT_K(0.69314718055994531) + CLOPT_K(2.0) * s * series;
}

/* The standard normal quantile of p in (0, 1) (Acklam; relative error < 1.2e-9). */
CLOPT_INLINE clopt_real clopt_normal_quantile(clopt_real p)
{
    const clopt_real q = p - CLOPT_K(0.5), r = q * q;
    const clopt_real centre =
        (((((CLOPT_K(-3.969683028665376e+01) * r + CLOPT_K(2.209460984245205e+02)) * r +
            CLOPT_K(-2.759285104469687e+02)) * r + CLOPT_K(1.383577518672690e+02)) * r +
          CLOPT_K(-3.066479806614716e+01)) * r + CLOPT_K(2.506628277459239e+00)) * q /
        (((((CLOPT_K(-5.447609879822406e+01) * r + CLOPT_K(1.615858368580409e+02)) * r +
            CLOPT_K(-1.556989798598866e+02)) * r + CLOPT_K(6.680131188771972e+01)) * r +
          CLOPT_K(-1.328068155288572e+01)) * r + CLOPT_K(1.0));
    const clopt_real lower = CLOPT_SELECT(CLOPT_K(1.0) - p, p, p < CLOPT_K(0.5));
    const clopt_real t = sqrt(CLOPT_K(-2.0) * clopt_log(lower));
    const clopt_real tail =
        (((((CLOPT_K(-7.784894002430293e-03) * t + CLOPT_K(-3.223964580411365e-01)) * t +
            CLOPT_K(-2.400758277161838e+00)) * t + CLOPT_K(-2.549732539343734e+00)) * t +
          CLOPT_K(4.374664141464968e+00)) * t + CLOPT_K(2.938163982698783e+00)) /
        ((((CLOPT_K(7.784695709041462e-03) * t + CLOPT_K(3.224671290700398e-01)) * t +
           CLOPT_K(2.445134137142996e+00)) * t + CLOPT_K(3.754408661907416e+00)) * t +
         CLOPT_K(1.0));
    const clopt_real signed_tail = CLOPT_SELECT(-tail, tail, p < CLOPT_K(0.5));
    return CLOPT_SELECT(centre, signed_tail,
                        (p < CLOPT_K(0.02425)) | (p > CLOPT_K(1.0) - CLOPT_K(0.02425)));
}

/* Two independent N(0, 1) deviates for (trajectory, step) under the key (k0, k1). */
CLOPT_INLINE void clopt_normal2(clopt_uint trajectory, unsigned int step, unsigned int k0,
                                unsigned int k1, clopt_real *n0, clopt_real *n1)
{
    clopt_uint c[4] = {trajectory, (clopt_uint)(step), (clopt_uint)(0u), (clopt_uint)(0u)};
    clopt_philox(c, k0, k1);
    *n0 = clopt_normal_quantile(clopt_uniform(c[0]));
    *n1 = clopt_normal_quantile(clopt_uniform(c[1]));
}
