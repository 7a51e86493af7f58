/*
 * The 2-D test functions of docs/semantics.md with their analytic gradients. Each returns f(x, y)
 * and stores df/dx, df/dy. Written in the subset shared by OpenCL C and C (see real.h), so
 * the tests also compile this file in double precision and check every gradient against
 * central differences. The order of clopt_function() is the catalogue's (src/functions.c).
 */
#define CLOPT_PI CLOPT_K(3.14159265358979323846)
#define CLOPT_E CLOPT_K(2.71828182845904523536)

CLOPT_INLINE clopt_real clopt_f_rosenbrock(clopt_real x, clopt_real y, clopt_real *gx,
                                           clopt_real *gy)
{
    const clopt_real a = CLOPT_K(1.0) - x, b = y - x * x;
    *gx = CLOPT_K(-2.0) * a - CLOPT_K(400.0) * x * b;
    *gy = CLOPT_K(200.0) * b;
    return a * a + CLOPT_K(100.0) * b * b;
}

CLOPT_INLINE clopt_real clopt_f_beale(clopt_real x, clopt_real y, clopt_real *gx,
                                      clopt_real *gy)
{
    const clopt_real y2 = y * y, y3 = y2 * y;
    const clopt_real a = CLOPT_K(1.5) - x + x * y;
    const clopt_real b = CLOPT_K(2.25) - x + x * y2;
    const clopt_real c = CLOPT_K(2.625) - x + x * y3;
    *gx = CLOPT_K(2.0) * (a * (y - CLOPT_K(1.0)) + b * (y2 - CLOPT_K(1.0)) +
                          c * (y3 - CLOPT_K(1.0)));
    *gy = CLOPT_K(2.0) * x * (a + CLOPT_K(2.0) * b * y + CLOPT_K(3.0) * c * y2);
    return a * a + b * b + c * c;
}

CLOPT_INLINE clopt_real clopt_f_himmelblau(clopt_real x, clopt_real y, clopt_real *gx,
                                           clopt_real *gy)
{
    const clopt_real a = x * x + y - CLOPT_K(11.0), b = x + y * y - CLOPT_K(7.0);
    *gx = CLOPT_K(4.0) * x * a + CLOPT_K(2.0) * b;
    *gy = CLOPT_K(2.0) * a + CLOPT_K(4.0) * y * b;
    return a * a + b * b;
}

CLOPT_INLINE clopt_real clopt_f_booth(clopt_real x, clopt_real y, clopt_real *gx,
                                      clopt_real *gy)
{
    const clopt_real a = x + CLOPT_K(2.0) * y - CLOPT_K(7.0);
    const clopt_real b = CLOPT_K(2.0) * x + y - CLOPT_K(5.0);
    *gx = CLOPT_K(2.0) * a + CLOPT_K(4.0) * b;
    *gy = CLOPT_K(4.0) * a + CLOPT_K(2.0) * b;
    return a * a + b * b;
}

CLOPT_INLINE clopt_real clopt_f_matyas(clopt_real x, clopt_real y, clopt_real *gx,
                                       clopt_real *gy)
{
    *gx = CLOPT_K(0.52) * x - CLOPT_K(0.48) * y;
    *gy = CLOPT_K(0.52) * y - CLOPT_K(0.48) * x;
    return CLOPT_K(0.26) * (x * x + y * y) - CLOPT_K(0.48) * x * y;
}

CLOPT_INLINE clopt_real clopt_f_sphere(clopt_real x, clopt_real y, clopt_real *gx,
                                       clopt_real *gy)
{
    *gx = CLOPT_K(2.0) * x;
    *gy = CLOPT_K(2.0) * y;
    return x * x + y * y;
}

CLOPT_INLINE clopt_real clopt_f_quadratic(clopt_real x, clopt_real y, clopt_real *gx,
                                          clopt_real *gy)
{
    *gx = x;
    *gy = CLOPT_K(100.0) * y;
    return CLOPT_K(0.5) * (x * x + CLOPT_K(100.0) * y * y);
}

CLOPT_INLINE clopt_real clopt_f_rastrigin(clopt_real x, clopt_real y, clopt_real *gx,
                                          clopt_real *gy)
{
    const clopt_real tx = CLOPT_K(2.0) * CLOPT_PI * x, ty = CLOPT_K(2.0) * CLOPT_PI * y;
    clopt_real cx, cy;
    const clopt_real sx = CLOPT_SINCOS(tx, &cx), sy = CLOPT_SINCOS(ty, &cy);
    *gx = CLOPT_K(2.0) * x + CLOPT_K(20.0) * CLOPT_PI * sx;
    *gy = CLOPT_K(2.0) * y + CLOPT_K(20.0) * CLOPT_PI * sy;
    return CLOPT_K(20.0) + x * x - CLOPT_K(10.0) * cx + y * y - CLOPT_K(10.0) * cy;
}

/* At the origin the first term has no gradient (a cone's tip): it contributes 0 there. */
CLOPT_INLINE clopt_real clopt_f_ackley(clopt_real x, clopt_real y, clopt_real *gx,
                                       clopt_real *gy)
{
    const clopt_real tx = CLOPT_K(2.0) * CLOPT_PI * x, ty = CLOPT_K(2.0) * CLOPT_PI * y;
    clopt_real cx, cy;
    const clopt_real sx = CLOPT_SINCOS(tx, &cx), sy = CLOPT_SINCOS(ty, &cy);
    const clopt_real r = sqrt(CLOPT_K(0.5) * (x * x + y * y));
    const clopt_real ea = exp(CLOPT_K(-0.2) * r);
    const clopt_real ec = exp(CLOPT_K(0.5) * (cx + cy));
    const clopt_real zero = (clopt_real)(CLOPT_K(0.0));
    const clopt_real cone = CLOPT_SELECT(zero, CLOPT_K(2.0) * ea / r, r > CLOPT_K(0.0));
    *gx = cone * x + CLOPT_PI * sx * ec;
    *gy = cone * y + CLOPT_PI * sy * ec;
    return CLOPT_K(-20.0) * ea - ec + CLOPT_E + CLOPT_K(20.0);
}

CLOPT_INLINE clopt_real clopt_f_goldstein_price(clopt_real x, clopt_real y, clopt_real *gx,
                                                clopt_real *gy)
{
    const clopt_real u = x + y + CLOPT_K(1.0);
    const clopt_real p = CLOPT_K(19.0) - CLOPT_K(14.0) * x + CLOPT_K(3.0) * x * x -
                         CLOPT_K(14.0) * y + CLOPT_K(6.0) * x * y + CLOPT_K(3.0) * y * y;
    const clopt_real dp = CLOPT_K(-14.0) + CLOPT_K(6.0) * x + CLOPT_K(6.0) * y; /* = dp/dy */
    const clopt_real w = CLOPT_K(2.0) * x - CLOPT_K(3.0) * y;
    const clopt_real q = CLOPT_K(18.0) - CLOPT_K(32.0) * x + CLOPT_K(12.0) * x * x +
                         CLOPT_K(48.0) * y - CLOPT_K(36.0) * x * y + CLOPT_K(27.0) * y * y;
    const clopt_real qx = CLOPT_K(-32.0) + CLOPT_K(24.0) * x - CLOPT_K(36.0) * y;
    const clopt_real qy = CLOPT_K(48.0) - CLOPT_K(36.0) * x + CLOPT_K(54.0) * y;
    const clopt_real a = CLOPT_K(1.0) + u * u * p, b = CLOPT_K(30.0) + w * w * q;
    const clopt_real da = CLOPT_K(2.0) * u * p + u * u * dp; /* da/dx = da/dy */
    const clopt_real bx = CLOPT_K(4.0) * w * q + w * w * qx;
    const clopt_real by = CLOPT_K(-6.0) * w * q + w * w * qy;
    *gx = da * b + a * bx;
    *gy = da * b + a * by;
    return a * b;
}

CLOPT_INLINE clopt_real clopt_f_styblinski_tang(clopt_real x, clopt_real y, clopt_real *gx,
                                                clopt_real *gy)
{
    const clopt_real x2 = x * x, y2 = y * y;
    *gx = CLOPT_K(2.0) * x2 * x - CLOPT_K(16.0) * x + CLOPT_K(2.5);
    *gy = CLOPT_K(2.0) * y2 * y - CLOPT_K(16.0) * y + CLOPT_K(2.5);
    return CLOPT_K(0.5) * (x2 * x2 - CLOPT_K(16.0) * x2 + CLOPT_K(5.0) * x + y2 * y2 -
                           CLOPT_K(16.0) * y2 + CLOPT_K(5.0) * y);
}

CLOPT_INLINE clopt_real clopt_f_three_hump_camel(clopt_real x, clopt_real y, clopt_real *gx,
                                                 clopt_real *gy)
{
    const clopt_real x2 = x * x, x4 = x2 * x2;
    *gx = CLOPT_K(4.0) * x - CLOPT_K(4.2) * x2 * x + x4 * x + y;
    *gy = x + CLOPT_K(2.0) * y;
    return CLOPT_K(2.0) * x2 - CLOPT_K(1.05) * x4 + x4 * x2 / CLOPT_K(6.0) + x * y + y * y;
}

CLOPT_INLINE clopt_real clopt_f_six_hump_camel(clopt_real x, clopt_real y, clopt_real *gx,
                                               clopt_real *gy)
{
    const clopt_real x2 = x * x, x4 = x2 * x2, y2 = y * y;
    *gx = CLOPT_K(8.0) * x - CLOPT_K(8.4) * x2 * x + CLOPT_K(2.0) * x4 * x + y;
    *gy = x - CLOPT_K(8.0) * y + CLOPT_K(16.0) * y2 * y;
    return (CLOPT_K(4.0) - CLOPT_K(2.1) * x2 + x4 / CLOPT_K(3.0)) * x2 + x * y +
           (CLOPT_K(-4.0) + CLOPT_K(4.0) * y2) * y2;
}

CLOPT_INLINE clopt_real clopt_f_mccormick(clopt_real x, clopt_real y, clopt_real *gx,
                                          clopt_real *gy)
{
    clopt_real c;
    const clopt_real s = CLOPT_SINCOS(x + y, &c), d = x - y;
    *gx = c + CLOPT_K(2.0) * d - CLOPT_K(1.5);
    *gy = c - CLOPT_K(2.0) * d + CLOPT_K(2.5);
    return s + d * d - CLOPT_K(1.5) * x + CLOPT_K(2.5) * y + CLOPT_K(1.0);
}

CLOPT_INLINE clopt_real clopt_f_saddle(clopt_real x, clopt_real y, clopt_real *gx,
                                       clopt_real *gy)
{
    *gx = CLOPT_K(2.0) * x;
    *gy = CLOPT_K(-2.0) * y;
    return x * x - y * y;
}

/*
 * Every function with its id (its index in the catalogue), for switches over functions. A
 * program built for an expression (src/programs.c) defines CLOPT_CUSTOM and, before this
 * file, clopt_f_custom printed from the expression's tree: its only function, id 0.
 */
#ifdef CLOPT_CUSTOM
#define CLOPT_FUNCTIONS(X) X(0, custom)
#else
#define CLOPT_FUNCTIONS(X)                                                                     \
    X(0, rosenbrock) X(1, beale) X(2, himmelblau) X(3, booth) X(4, matyas) X(5, sphere)       \
    X(6, quadratic) X(7, rastrigin) X(8, ackley) X(9, goldstein_price) X(10, styblinski_tang) \
    X(11, three_hump_camel) X(12, six_hump_camel) X(13, mccormick) X(14, saddle)
#endif

/* Function `id` (its index in the catalogue) at (x, y); NaN for an unknown id. */
CLOPT_INLINE clopt_real clopt_function(unsigned int id, clopt_real x, clopt_real y,
                                       clopt_real *gx, clopt_real *gy)
{
    switch (id) {
#define CLOPT_FUNCTION_CASE(ID, NAME)                                                          \
    case ID:                                                                                   \
        return clopt_f_##NAME(x, y, gx, gy);
        CLOPT_FUNCTIONS(CLOPT_FUNCTION_CASE)
#undef CLOPT_FUNCTION_CASE
    default:
        *gx = *gy = x * CLOPT_K(0.0) / CLOPT_K(0.0);
        return *gx;
    }
}
