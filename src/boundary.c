/*
 * The box-counting dimension of a trainability window's boundary: an edge of the boundary
 * joins two neighbouring cells (across or up) on different sides of 0 (measure < 0:
 * converged); the edge belongs to the box of its lower-left cell. For box sides s = 1, 2,
 * 4, ... the count N(s) of boxes holding an edge, and the least-squares slope of log N(s)
 * against log(1 / s): 1 for a smooth curve, 2 for a boundary that fills the window.
 */
#include "clopt/clopt.h"

#include <math.h>
#include <stdlib.h>

static int side_of(double v)
{
    return v < 0.0;
}

/* Whether cell (i, j) has a boundary edge to its right or above. */
static int edge_at(const double *m, size_t nx, size_t ny, size_t i, size_t j)
{
    const int here = side_of(m[j * nx + i]);
    return (i + 1 < nx && side_of(m[j * nx + i + 1]) != here) ||
           (j + 1 < ny && side_of(m[(j + 1) * nx + i]) != here);
}

double clopt_boundary_dimension(const double *measure, size_t nx, size_t ny)
{
    if (!measure || nx < 8 || ny < 8) return NAN;
    const size_t small = nx < ny ? nx : ny;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t points = 0;
    for (size_t s = 1; s <= small / 4; s *= 2) {
        const size_t bx = (nx + s - 1) / s, by = (ny + s - 1) / s;
        size_t count = 0;
        for (size_t b = 0; b < bx * by; b++) {
            const size_t i0 = b % bx * s, j0 = b / bx * s;
            int hit = 0;
            for (size_t j = j0; j < j0 + s && j < ny && !hit; j++)
                for (size_t i = i0; i < i0 + s && i < nx && !hit; i++)
                    hit = edge_at(measure, nx, ny, i, j);
            count += (size_t)hit;
        }
        if (count == 0) return NAN; /* no boundary (the first, finest count is 0) */
        const double x = -log((double)s), y = log((double)count);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        points++;
    }
    const double n = (double)points, den = n * sxx - sx * sx;
    return points >= 2 && den > 0 ? (n * sxy - sx * sy) / den : NAN;
}
