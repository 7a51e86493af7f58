/* cl/functions.cl and cl/noise.cl compiled for the host in double precision. */
#include "host_functions.h"

#include "host_cl.h"

#include "../cl/functions.cl"
#include "../cl/noise.cl"

double host_function(unsigned id, double x, double y, double *gx, double *gy)
{
    return clopt_function(id, x, y, gx, gy);
}

double host_curvature(unsigned id, double x, double y, double step)
{
    double a[2], b[2], c[2], e[2];
    const double hx = step * (1 + fabs(x)), hy = step * (1 + fabs(y));
    host_function(id, x + hx, y, &a[0], &a[1]);
    host_function(id, x - hx, y, &b[0], &b[1]);
    host_function(id, x, y + hy, &c[0], &c[1]);
    host_function(id, x, y - hy, &e[0], &e[1]);
    return fmax(fabs(a[0] - b[0]) + fabs(a[1] - b[1]), fabs(c[0] - e[0]) + fabs(c[1] - e[1])) /
           (2 * fmin(hx, hy));
}

void host_philox(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    clopt_philox(c, k0, k1);
}

void host_normal2(uint32_t trajectory, uint32_t step, uint64_t seed, double *n0, double *n1)
{
    clopt_normal2(trajectory, step, (uint32_t)seed, (uint32_t)(seed >> 32), n0, n1);
}

double host_uniform(uint32_t bits)
{
    return clopt_uniform(bits);
}

double host_log(double u)
{
    return clopt_log(u);
}

double host_normal_quantile(double p)
{
    return clopt_normal_quantile(p);
}
