/* Explore's options: every limit and name checked before anything is allocated. */
#include "error.h"
#include "explore.h"
#include "functions.h"
#include "numbers.h"
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Value i of an axis before any rounding: its ends exactly, evenly or geometrically between. */
static double axis_raw(const clopt_explore_axis *a, size_t i)
{
    if (i == 0) return a->lo;
    if (i + 1 == a->n) return a->hi;
    const double u = (double)i / (double)(a->n - 1);
    return a->log ? exp(log(a->lo) + (log(a->hi) - log(a->lo)) * u) : a->lo + (a->hi - a->lo) * u;
}

/*
 * Value i of an axis, rounded to 15 significant digits so that the values read as a person
 * would type them (0.001, not 0.0010000000000000002) and a printed value gives the same run
 * again; but only where the rounding stays strictly between its neighbours' values: beta_2
 * from 0.9999999999999992 to 0.9999999999999999 would otherwise give 1, a value no one asked
 * for (and that beta_2 refuses), and close values would merge.
 */
double clopt_explore_axis_value(const clopt_explore_axis *a, size_t i)
{
    const double v = axis_raw(a, i);
    if (i == 0 || i + 1 == a->n) return v;
    char text[32];
    clopt_snprintf(text, sizeof text, "%.15g", v);
    const double r = clopt_strtod(text, NULL);
    const double before = axis_raw(a, i - 1), after = axis_raw(a, i + 1);
    const int inside = before < after ? before < r && r < after : after < r && r < before;
    return inside ? r : v;
}

/* Axis a of a sweep over base config c: a numeric hyperparameter of it, every value valid. */
static clopt_status check_axis(const clopt_explore_options *o, size_t a, const clopt_config *c,
                               int *param, clopt_error *err)
{
    const clopt_explore_axis *ax = &o->axes[a];
    clopt_error e;
    clopt_error_clear(&e);
    char name[48];
    if (!ax->name) return clopt_error_set(err, CLOPT_EINVAL, "vary %zu: the name is NULL", a + 1);
    const int p = clopt_config_setting(c, ax->name, strlen(ax->name), &e);
    if (p < 0) return clopt_error_set(err, CLOPT_EINVAL, "vary %zu: %s", a + 1, e.text);
    if (clopt_setting_is_bool(p))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "vary %zu: %s is true or false; expected a numeric "
                               "hyperparameter of %s",
                               a + 1, clopt_setting_name(p, name), c->info->name);
    if (ax->n < 2 || ax->n > CLOPT_EXPLORE_MAX_SIDE)
        return clopt_error_set(err, CLOPT_EINVAL, "vary %zu: %zu values; expected 2 .. %u", a + 1,
                               ax->n, CLOPT_EXPLORE_MAX_SIDE);
    if (!isfinite(ax->lo) || !isfinite(ax->hi) || !(ax->lo < ax->hi))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "vary %zu: %s from %g to %g; expected finite LO < HI", a + 1,
                               ax->name, ax->lo, ax->hi);
    if (ax->log && !(ax->lo > 0))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "vary %zu: %s from %g on a log scale; expected LO > 0", a + 1,
                               ax->name, ax->lo);
    clopt_config probe = *c;
    for (size_t i = 0; i < ax->n; i++)
        if (clopt_config_assign_setting(&probe, p, clopt_explore_axis_value(ax, i), &e) != CLOPT_OK)
            return clopt_error_set(err, CLOPT_EINVAL, "vary %zu: %s", a + 1, e.text);
    *param = p;
    return CLOPT_OK;
}

/*
 * Two schedule parameters vary together (warmup x steps): their relations (steps >
 * warmup, ...) are monotonic in each, so the four corners of the grid decide.
 */
static clopt_status check_corners(const clopt_explore_options *o, const clopt_config *base,
                                  const int params[2], clopt_error *err)
{
    clopt_error e;
    clopt_error_clear(&e);
    for (int corner = 0; corner < 4; corner++) {
        clopt_config probe = *base;
        const clopt_explore_axis *a0 = &o->axes[0], *a1 = &o->axes[1];
        probe.sched.v[params[0] - CLOPT_SETTING_SCHEDULE] = corner & 1 ? a0->hi : a0->lo;
        probe.sched.v[params[1] - CLOPT_SETTING_SCHEDULE] = corner & 2 ? a1->hi : a1->lo;
        if (clopt_schedule_check(&probe.sched, base->info->name, &e) != CLOPT_OK)
            return clopt_error_set(err, CLOPT_EINVAL, "vary 1 and 2 at %g and %g: %s",
                                   corner & 1 ? a0->hi : a0->lo, corner & 2 ? a1->hi : a1->lo,
                                   e.text);
    }
    return CLOPT_OK;
}

static clopt_status check_basins(const clopt_explore_options *o, clopt_error *err)
{
    if (o->noptimizers > CLOPT_EXPLORE_MAX_MAPS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu optimizers; expected 1 .. %u",
                               o->noptimizers, CLOPT_EXPLORE_MAX_MAPS);
    if (o->nx < 2 || o->nx > CLOPT_EXPLORE_MAX_SIDE || o->ny < 2 || o->ny > CLOPT_EXPLORE_MAX_SIDE)
        return clopt_error_set(err, CLOPT_EINVAL, "grid %zu x %zu; expected 2 .. %u per side",
                               o->nx, o->ny, CLOPT_EXPLORE_MAX_SIDE);
    if (o->view) {
        for (int i = 0; i < 4; i++)
            if (!isfinite(o->view[i]))
                return clopt_error_set(err, CLOPT_EINVAL, "view: %s = %g is not a finite number",
                                       (const char *[]){"x0", "x1", "y0", "y1"}[i], o->view[i]);
        if (!(o->view[0] < o->view[1]) || !(o->view[2] < o->view[3]))
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "view %g,%g,%g,%g: expected x0 < x1 and y0 < y1", o->view[0],
                                   o->view[1], o->view[2], o->view[3]);
    }
    if (o->nx * o->ny > CLOPT_EXPLORE_MAX_RUNS / o->noptimizers)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%zu optimizers x %zu x %zu cells is more than %u runs",
                               o->noptimizers, o->nx, o->ny, CLOPT_EXPLORE_MAX_RUNS);
    clopt_config c;
    for (size_t k = 0; k < o->noptimizers; k++)
        if (clopt_spec_parse_nth(o->optimizers, k, &c, err) != CLOPT_OK) return CLOPT_EINVAL;
    return CLOPT_OK;
}

/* Checks a sweep; fills the base config and the axes' parameters. */
static clopt_status check_sweep(const clopt_explore_options *o, clopt_config *base, int params[2],
                                clopt_error *err)
{
    if (o->noptimizers != 1)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu optimizers; a sweep varies exactly one",
                               o->noptimizers);
    if (o->start && (!isfinite(o->start[0]) || !isfinite(o->start[1])))
        return clopt_error_set(err, CLOPT_EINVAL, "start %g,%g: expected two finite numbers",
                               o->start[0], o->start[1]);
    if (o->naxes < 1 || o->naxes > 2)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu hyperparameters to vary; expected 1 or 2",
                               o->naxes);
    if (clopt_spec_parse_nth(o->optimizers, 0, base, err) != CLOPT_OK) return CLOPT_EINVAL;
    for (size_t a = 0; a < o->naxes; a++)
        if (check_axis(o, a, base, &params[a], err) != CLOPT_OK) return CLOPT_EINVAL;
    char name[48];
    if (o->naxes == 2 && params[0] == params[1])
        return clopt_error_set(err, CLOPT_EINVAL, "vary 2: %s is varied twice",
                               clopt_setting_name(params[0], name));
    if (o->naxes == 2 && params[0] >= CLOPT_SETTING_SCHEDULE &&
        params[1] >= CLOPT_SETTING_SCHEDULE && check_corners(o, base, params, err) != CLOPT_OK)
        return CLOPT_EINVAL;
    if (o->naxes == 2 && o->axes[0].n * o->axes[1].n > CLOPT_EXPLORE_MAX_RUNS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu x %zu values is more than %u runs",
                               o->axes[0].n, o->axes[1].n, CLOPT_EXPLORE_MAX_RUNS);
    return CLOPT_OK;
}

/*
 * Checks a tuning: a sweep's optimizer and axes, then the starts, seeds and noise; the runs
 * (values x seeds x starts) within the limit.
 */
static clopt_status check_tune(const clopt_explore_options *o, clopt_config *base, int params[2],
                               clopt_error *err)
{
    if (o->start)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "start: a tuning runs from its list of starts; expected NULL");
    if (check_sweep(o, base, params, err) != CLOPT_OK) return CLOPT_EINVAL;
    if (!o->starts)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "starts is NULL; expected nstarts = %zu points (x0, y0, x1, ...)",
                               o->nstarts);
    if (o->nstarts == 0 || o->nstarts > CLOPT_EXPLORE_MAX_RUNS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu starts; expected 1 .. %u", o->nstarts,
                               CLOPT_EXPLORE_MAX_RUNS);
    for (size_t k = 0; k < o->nstarts; k++)
        if (!isfinite(o->starts[2 * k]) || !isfinite(o->starts[2 * k + 1]))
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "start %zu = %g,%g: expected two finite numbers", k + 1,
                                   o->starts[2 * k], o->starts[2 * k + 1]);
    if (o->nseeds < 1 || o->nseeds > CLOPT_EXPLORE_MAX_SEEDS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu seeds; expected 1 .. %u", o->nseeds,
                               CLOPT_EXPLORE_MAX_SEEDS);
    if (!isfinite(o->noise) || !(o->noise >= 0))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "noise = %g; expected a finite standard deviation >= 0", o->noise);
    const size_t values = o->axes[0].n * (o->naxes == 2 ? o->axes[1].n : 1);
    if (values * o->nseeds > CLOPT_EXPLORE_MAX_RUNS / o->nstarts)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%zu values x %zu seeds x %zu starts is more than %u runs", values,
                               o->nseeds, o->nstarts, CLOPT_EXPLORE_MAX_RUNS);
    return CLOPT_OK;
}

/* Checks everything a caller controls before anything is allocated. */
clopt_status clopt_explore_validate(const clopt_explore_options *o, clopt_config *base,
                                    int params[2], clopt_error *err)
{
    if (!clopt_function_find(o->function, err)) return CLOPT_EINVAL;
    if (o->kind != CLOPT_EXPLORE_BASINS && o->kind != CLOPT_EXPLORE_SWEEP &&
        o->kind != CLOPT_EXPLORE_TUNE)
        return clopt_error_set(err, CLOPT_EINVAL, "kind %d; expected basins, sweep or tune",
                               (int)o->kind);
    if (o->kind != CLOPT_EXPLORE_TUNE && (o->noise != 0 || o->auc || o->starts))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "noise, auc and starts belong to tunings; expected 0 (NULL) for "
                               "a %s",
                               o->kind == CLOPT_EXPLORE_BASINS ? "basin map" : "sweep");
    if (o->precision != CLOPT_PRECISION_FLOAT && o->precision != CLOPT_PRECISION_DOUBLE)
        return clopt_error_set(err, CLOPT_EINVAL, "precision %d; expected float or double",
                               (int)o->precision);
    if (!o->optimizers || o->noptimizers == 0)
        return clopt_error_set(err, CLOPT_EINVAL, "no optimizers; expected at least one spec");
    if (o->steps < 1 || o->steps > CLOPT_RUN_MAX_STEPS)
        return clopt_error_set(err, CLOPT_EINVAL, "steps = %llu; expected 1 .. %u",
                               (unsigned long long)o->steps, CLOPT_RUN_MAX_STEPS);
    if (!isfinite(o->tol) || !(o->tol >= 0))
        return clopt_error_set(err, CLOPT_EINVAL, "tol = %g; expected a finite number >= 0",
                               o->tol);
    if (o->kind == CLOPT_EXPLORE_BASINS) return check_basins(o, err);
    if (o->kind == CLOPT_EXPLORE_TUNE) return check_tune(o, base, params, err);
    return check_sweep(o, base, params, err);
}

clopt_status clopt_explore_check(const clopt_explore_options *o, clopt_error *err)
{
    clopt_error_clear(err);
    if (!o) return clopt_error_set(err, CLOPT_EINVAL, "clopt_explore_check: options is NULL");
    clopt_config base;
    int params[2];
    return clopt_explore_validate(o, &base, params, err);
}
