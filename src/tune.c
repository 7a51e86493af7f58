/*
 * Tunings: a fair race's first half. Every optimizer gets the same budget (steps), the same
 * starts and the same noise seeds; each value of its swept hyperparameter is judged by the
 * median of its runs' scores, so one lucky start cannot make a setting look good, and a run
 * that diverged scores worst (+inf) rather than being left out.
 */
#include "tune.h"

#include "catalogue.h"
#include "config.h"
#include "error.h"
#include "functions.h"
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_SEED 0x636c6f7074ull /* "clopt": the same starts on every machine */

struct clopt_tune {
    clopt_tune_plan plan;
    const clopt_function_info *info;
    char axis_name[2][64];
    double *starts; /* [k][x, y] */
    clopt_explore_options *options;
    clopt_tune_curve *curves;
};

static const char *const score_names[] = {"final", "auc", "reach"};

const char *clopt_tune_score_name(clopt_tune_score s)
{
    return (unsigned)s < 3 ? score_names[s] : "?";
}

int clopt_tune_score_parse(const char *name, clopt_tune_score *out)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, score_names[i])) {
            *out = (clopt_tune_score)i;
            return 0;
        }
    return -1;
}

/* splitmix64 (Steele, Lea, Flood 2014): a small generator whose stream is fixed by its seed. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void clopt_tune_starts(const clopt_function_info *f, size_t k, double *out)
{
    uint64_t s = START_SEED;
    for (size_t i = 0; i < 2 * k; i++) {
        const double u = (double)(splitmix64(&s) >> 11) * 0x1p-53; /* [0, 1) */
        const double *v = f->view + (i % 2 ? 2 : 0);
        out[i] = (double)(float)(v[0] + u * (v[1] - v[0])); /* what the runs start from */
    }
}

double clopt_tune_quantile(const double *sorted, size_t n, double p)
{
    const double h = (double)(n - 1) * p;
    const size_t lo = (size_t)floor(h);
    const double frac = h - (double)lo;
    if (frac == 0.0 || lo + 1 >= n || sorted[lo] == sorted[lo + 1]) return sorted[lo];
    if (isinf(sorted[lo + 1])) return INFINITY;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* v to 15 significant digits, as the axis values are: 1e-07, not 1.0000000000000001e-07. */
static double round15(double v)
{
    char text[32];
    snprintf(text, sizeof text, "%.15g", v);
    return strtod(text, NULL);
}

/* Optimizer k's options: the plan's axes, or lr over 1e-4 .. 10 x the spec's own lr. */
static clopt_status make_options(clopt_tune *t, size_t k, clopt_error *err)
{
    const clopt_tune_plan *p = &t->plan;
    clopt_explore_options *o = &t->options[k];
    clopt_config c;
    if (clopt_spec_parse_nth(p->optimizers, k, &c, err) != CLOPT_OK) return CLOPT_EINVAL;
    *o = (clopt_explore_options){.kind = CLOPT_EXPLORE_TUNE,
                                 .function = p->function,
                                 .optimizers = p->optimizers + k,
                                 .noptimizers = 1,
                                 .naxes = p->naxes,
                                 .steps = p->steps,
                                 .tol = p->tol,
                                 .starts = t->starts,
                                 .nstarts = p->nstarts,
                                 .nseeds = p->nseeds,
                                 .noise = p->noise,
                                 .auc = p->score == CLOPT_TUNE_AUC};
    for (size_t a = 0; a < p->naxes; a++) {
        o->axes[a] = p->axes[a];
        o->axes[a].name = t->axis_name[a];
    }
    if (p->naxes == 0) {
        const double lr = c.v[CLOPT_P_LR];
        if (!(lr > 0))
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "optimizer %zu: lr = %g, so the default sweep over %g .. %g x "
                                   "lr is empty; expected lr > 0 or an axis to vary",
                                   k + 1, lr, CLOPT_TUNE_LR_LO, CLOPT_TUNE_LR_HI);
        o->naxes = 1;
        o->axes[0] = (clopt_explore_axis){"lr", round15(CLOPT_TUNE_LR_LO * lr),
                                          round15(CLOPT_TUNE_LR_HI * lr),
                                          p->nvalues ? p->nvalues : CLOPT_TUNE_VALUES, 1};
    }
    clopt_error e;
    if (clopt_explore_check(o, &e) != CLOPT_OK)
        return clopt_error_set(err, e.status, "optimizer %zu: %s", k + 1, e.text);
    return CLOPT_OK;
}

clopt_tune_plan clopt_tune_coarse(const clopt_tune_plan *p)
{
    clopt_tune_plan c = *p;
    for (size_t a = 0; a < p->naxes && a < 2; a++)
        if (c.axes[a].n > CLOPT_TUNE_COARSE_VALUES) c.axes[a].n = CLOPT_TUNE_COARSE_VALUES;
    c.nvalues = CLOPT_TUNE_COARSE_VALUES;
    if (c.nstarts > CLOPT_TUNE_COARSE_STARTS) c.nstarts = CLOPT_TUNE_COARSE_STARTS;
    c.nseeds = 1;
    return c;
}

static clopt_status check_plan(const clopt_tune_plan *p, const clopt_function_info **info,
                               clopt_error *err)
{
    if (!(*info = clopt_function_find(p->function, err))) return CLOPT_EINVAL;
    if (!p->optimizers || p->noptimizers < 1 || p->noptimizers > CLOPT_TUNE_MAX_OPTIMIZERS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu optimizers; expected 1 .. %u",
                               p->noptimizers, CLOPT_TUNE_MAX_OPTIMIZERS);
    if ((unsigned)p->score > CLOPT_TUNE_REACH)
        return clopt_error_set(err, CLOPT_EINVAL, "score %d; expected final, auc or reach",
                               (int)p->score);
    if (p->score == CLOPT_TUNE_REACH && (*info)->nminima == 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "score reach: %s has no known minimum to reach; expected final "
                               "or auc",
                               (*info)->name);
    if (p->naxes > 2)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu hyperparameters to vary; expected 0 .. 2",
                               p->naxes);
    for (size_t a = 0; a < p->naxes; a++)
        if (!p->axes[a].name || strlen(p->axes[a].name) >= sizeof((clopt_tune *)0)->axis_name[0])
            return clopt_error_set(err, CLOPT_EINVAL,
                                   "vary %zu: the name is missing or longer than 63 characters",
                                   a + 1);
    if (p->nseeds < 1 || p->nseeds > CLOPT_EXPLORE_MAX_SEEDS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu seeds; expected 1 .. %u", p->nseeds,
                               CLOPT_EXPLORE_MAX_SEEDS);
    if (!isfinite(p->noise) || !(p->noise >= 0))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "noise = %g; expected a finite standard deviation >= 0", p->noise);
    if (!isfinite(p->tol) || !(p->tol >= 0)) /* the plan's, not one optimizer's */
        return clopt_error_set(err, CLOPT_EINVAL, "tol = %g; expected a finite number >= 0",
                               p->tol);
    if (p->nstarts < 1 || p->nstarts > CLOPT_EXPLORE_MAX_RUNS)
        return clopt_error_set(err, CLOPT_EINVAL, "%zu starts; expected 1 .. %u", p->nstarts,
                               CLOPT_EXPLORE_MAX_RUNS);
    return CLOPT_OK;
}

clopt_tune *clopt_tune_create(const clopt_tune_plan *p, clopt_error *err)
{
    clopt_error_clear(err);
    const clopt_function_info *info;
    if (!p) {
        clopt_error_set(err, CLOPT_EINVAL, "clopt_tune_create: plan is NULL");
        return NULL;
    }
    if (check_plan(p, &info, err) != CLOPT_OK) return NULL;
    clopt_tune *t = calloc(1, sizeof *t);
    if (!t) goto nomem;
    t->plan = *p;
    t->info = info;
    for (size_t a = 0; a < p->naxes; a++)
        strcpy(t->axis_name[a], p->axes[a].name);
    t->starts = malloc(2 * p->nstarts * sizeof *t->starts);
    t->options = calloc(p->noptimizers, sizeof *t->options);
    t->curves = calloc(p->noptimizers, sizeof *t->curves);
    if (!t->starts || !t->options || !t->curves) goto nomem;
    clopt_tune_starts(info, p->nstarts, t->starts);
    for (size_t k = 0; k < p->noptimizers; k++)
        if (make_options(t, k, err) != CLOPT_OK) {
            clopt_tune_release(t);
            return NULL;
        }
    return t;
nomem:
    clopt_tune_release(t);
    clopt_error_set(err, CLOPT_ENOMEM, "out of memory creating a tuning");
    return NULL;
}

void clopt_tune_release(clopt_tune *t)
{
    if (!t) return;
    for (size_t k = 0; t->curves && k < t->plan.noptimizers; k++) {
        clopt_tune_curve *c = &t->curves[k];
        free(c->values);
        free(c->median);
        free(c->q1);
        free(c->q3);
        free(c->diverged);
        free(c->tuned);
    }
    free(t->curves);
    free(t->options);
    free(t->starts);
    free(t);
}

size_t clopt_tune_optimizers(const clopt_tune *t)
{
    return t ? t->plan.noptimizers : 0;
}

const double *clopt_tune_start_points(const clopt_tune *t, size_t *n)
{
    *n = t->plan.nstarts;
    return t->starts;
}

const clopt_explore_options *clopt_tune_explore_options(const clopt_tune *t, size_t k)
{
    return k < t->plan.noptimizers ? &t->options[k] : NULL;
}

const clopt_tune_curve *clopt_tune_curve_get(const clopt_tune *t, size_t k)
{
    return k < t->plan.noptimizers ? &t->curves[k] : NULL;
}

/* Run r's score; +inf for a run that diverged, whatever the score. */
static double run_score(const clopt_tune *t, const clopt_explore_map *m, size_t r)
{
    if (m->diverged_at[r] >= 0) return INFINITY;
    switch (t->plan.score) {
    case CLOPT_TUNE_AUC:
        return (double)m->auc[r];
    case CLOPT_TUNE_REACH:
        return m->converged_at[r] >= 0 ? (double)m->converged_at[r] : (double)t->plan.steps + 1;
    default:
        if (!t->info->nminima) return (double)m->f[r];
        return log10(fmax((double)m->f[r] - t->info->minima[0].f, 0.0) + 1e-12);
    }
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Whether value v1 of curve c1 beats value v0 of c0: the lower median, then the lower
 * diverged share, then the lower first and third quartiles (so that among values whose
 * median is "never reached", the one that reaches more often wins).
 */
static int better(const clopt_tune_curve *c1, size_t v1, const clopt_tune_curve *c0, size_t v0)
{
    const double a[4] = {c1->median[v1], c1->diverged[v1], c1->q1[v1], c1->q3[v1]};
    const double b[4] = {c0->median[v0], c0->diverged[v0], c0->q1[v0], c0->q3[v0]};
    for (int i = 0; i < 4; i++)
        if (a[i] != b[i]) return a[i] < b[i];
    return 0;
}

/*
 * The best value's spec in Keras call syntax; a tuned value that is the default is written
 * too ("Adam(lr=0.001)", not "Adam()"), since it is the answer.
 */
static char *tuned_label(const clopt_tune *t, size_t k, const clopt_tune_curve *c)
{
    clopt_config cfg, defaults;
    clopt_spec_parse(t->plan.optimizers[k], &cfg, NULL); /* checked in create */
    clopt_config_defaults(&defaults, cfg.info);
    const clopt_explore_options *o = &t->options[k];
    char extra[128] = "", num[32];
    size_t used = 0;
    for (size_t a = 0; a < o->naxes; a++) {
        const int p = clopt_config_param(&cfg, o->axes[a].name, strlen(o->axes[a].name), NULL);
        cfg.v[p] = c->values[c->best * o->naxes + a];
        if (cfg.v[p] == defaults.v[p])
            used += (size_t)snprintf(extra + used, sizeof extra - used, "%s%s=%s", used ? ", " : "",
                                     clopt_catalogue_param((clopt_param)p)->name,
                                     clopt_format_number(num, cfg.v[p]));
    }
    char *label = clopt_config_label(&cfg);
    if (!label || !used) return label;
    const size_t len = strlen(label); /* "Name(...)" */
    char *out = malloc(len + used + 3);
    if (out)
        snprintf(out, len + used + 3, "%.*s%s%s)", (int)(len - 1), label,
                 label[len - 2] == '(' ? "" : ", ", extra);
    free(label);
    return out;
}

clopt_status clopt_tune_collect(clopt_tune *t, size_t k, clopt_exploration *e, clopt_error *err)
{
    clopt_error_clear(err);
    if (!t || !e || k >= t->plan.noptimizers)
        return clopt_error_set(err, CLOPT_EINVAL, "clopt_tune_collect: %s",
                               !t || !e ? "tuning or exploration is NULL" : "no such optimizer");
    if (t->curves[k].collected)
        return clopt_error_set(err, CLOPT_ESTATE, "optimizer %zu is scored already", k + 1);
    clopt_explore_map m;
    clopt_status st = clopt_explore_map_get(e, 0, &m, err);
    if (st != CLOPT_OK) return st;
    const clopt_explore_options *o = &t->options[k];
    clopt_tune_curve *c = &t->curves[k];
    const size_t n0 = o->axes[0].n, nv = n0 * (o->naxes == 2 ? o->axes[1].n : 1);
    const size_t per = o->nseeds * o->nstarts;
    if (m.runs != nv * per || (o->auc && !m.auc))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "clopt_tune_collect: the exploration has %zu runs; optimizer %zu's "
                               "plan has %zu",
                               m.runs, k + 1, nv * per);
    c->spec = t->plan.optimizers[k];
    c->nvalues = nv;
    c->values = malloc(nv * o->naxes * sizeof *c->values);
    c->median = malloc(nv * sizeof *c->median);
    c->q1 = malloc(nv * sizeof *c->q1);
    c->q3 = malloc(nv * sizeof *c->q3);
    c->diverged = malloc(nv * sizeof *c->diverged);
    double *s = malloc(per * sizeof *s);
    if (!c->values || !c->median || !c->q1 || !c->q3 || !c->diverged || !s) {
        free(s);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory scoring a tuning");
    }
    size_t n;
    const double *axis0 = clopt_explore_axis_values(e, 0, &n);
    const double *axis1 = o->naxes == 2 ? clopt_explore_axis_values(e, 1, &n) : NULL;
    c->best = 0;
    for (size_t v = 0; v < nv; v++) {
        c->values[v * o->naxes] = axis0[v % n0];
        if (axis1) c->values[v * o->naxes + 1] = axis1[v / n0];
        size_t div = 0;
        for (size_t r = 0; r < per; r++) {
            s[r] = run_score(t, &m, v * per + r);
            div += m.diverged_at[v * per + r] >= 0;
        }
        qsort(s, per, sizeof *s, compare_doubles);
        c->median[v] = clopt_tune_quantile(s, per, 0.5);
        c->q1[v] = clopt_tune_quantile(s, per, 0.25);
        c->q3[v] = clopt_tune_quantile(s, per, 0.75);
        c->diverged[v] = (double)div / (double)per;
        if (better(c, v, c, c->best)) c->best = v;
    }
    free(s);
    if (!(c->tuned = tuned_label(t, k, c)))
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory scoring a tuning");
    c->collected = 1;
    return CLOPT_OK;
}

void clopt_tune_ranking(const clopt_tune *t, size_t order[CLOPT_TUNE_MAX_OPTIMIZERS])
{
    const size_t n = t->plan.noptimizers;
    for (size_t i = 0; i < n; i++) { /* insertion sort: stable, n <= 16 */
        size_t j = i;
        const clopt_tune_curve *ci = &t->curves[i];
        for (; j > 0; j--) {
            const clopt_tune_curve *cj = &t->curves[order[j - 1]];
            if (!better(ci, ci->best, cj, cj->best)) break;
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
}

/* JSON text of a string (the specs may hold quotes: JSON specs). */
static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        const unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void put_number(FILE *f, double v)
{
    char num[32];
    fputs(isfinite(v) ? clopt_format_number(num, v) : "null", f);
}

static void put_array(FILE *f, const char *key, const double *v, size_t n)
{
    fprintf(f, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', f);
        put_number(f, v[i]);
    }
    fputc(']', f);
}

/* Value v of a curve: a number, or a pair with two axes. */
static void put_value(FILE *f, const clopt_tune_curve *c, size_t naxes, size_t v)
{
    if (naxes == 2) fputc('[', f);
    for (size_t a = 0; a < naxes; a++) {
        if (a) fputc(',', f);
        put_number(f, c->values[v * naxes + a]);
    }
    if (naxes == 2) fputc(']', f);
}

static void put_curve(FILE *f, const clopt_tune *t, size_t k)
{
    const clopt_tune_curve *c = &t->curves[k];
    const clopt_explore_options *o = &t->options[k];
    fputs("{\"optimizer\":", f);
    put_string(f, c->spec);
    fputs(",\"vary\":", f);
    if (o->naxes == 2) fputc('[', f);
    for (size_t a = 0; a < o->naxes; a++) {
        if (a) fputc(',', f);
        const char *name = o->axes[a].name; /* checked: a parameter's name or alias */
        put_string(
            f, clopt_catalogue_param((clopt_param)clopt_catalogue_find_param(name, strlen(name)))
                   ->name);
    }
    if (o->naxes == 2) fputc(']', f);
    fputs(",\"values\":[", f);
    for (size_t v = 0; v < c->nvalues; v++) {
        if (v) fputc(',', f);
        put_value(f, c, o->naxes, v);
    }
    fputc(']', f);
    put_array(f, "median", c->median, c->nvalues);
    put_array(f, "q1", c->q1, c->nvalues);
    put_array(f, "q3", c->q3, c->nvalues);
    put_array(f, "diverged", c->diverged, c->nvalues);
    fputs(",\"best\":", f);
    put_value(f, c, o->naxes, c->best);
    fputs(",\"tuned\":", f);
    put_string(f, c->tuned);
    fputc('}', f);
}

char *clopt_tune_json(const clopt_tune *t)
{
    for (size_t k = 0; k < t->plan.noptimizers; k++)
        if (!t->curves[k].collected) return NULL;
    char *text = NULL, num[32];
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fprintf(f, "{\"function\":\"%s\",\"score\":\"%s\",\"steps\":%llu,\"starts\":[", t->info->name,
            clopt_tune_score_name(t->plan.score), (unsigned long long)t->plan.steps);
    for (size_t i = 0; i < t->plan.nstarts; i++) {
        fprintf(f, "%s[%s,", i ? "," : "", clopt_format_float(num, (float)t->starts[2 * i]));
        fprintf(f, "%s]", clopt_format_float(num, (float)t->starts[2 * i + 1]));
    }
    fprintf(f, "],\"seeds\":%zu,\"noise\":", t->plan.nseeds);
    put_number(f, t->plan.noise);
    fputs(",\"optimizers\":[", f);
    for (size_t k = 0; k < t->plan.noptimizers; k++) {
        if (k) fputc(',', f);
        put_curve(f, t, k);
    }
    fputs("],\"ranking\":[", f);
    size_t order[CLOPT_TUNE_MAX_OPTIMIZERS];
    clopt_tune_ranking(t, order);
    for (size_t k = 0; k < t->plan.noptimizers; k++) {
        if (k) fputc(',', f);
        put_string(f, t->curves[order[k]].spec);
    }
    fputs("]}", f);
    return fclose(f) == 0 ? text : (free(text), NULL);
}
