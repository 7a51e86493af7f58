/* Learning-rate schedules (docs/semantics.md, "Schedules") as data, their two syntaxes and m(t). */
#include "lr_schedule.h"

#include "call_syntax.h"
#include "config.h"
#include "error.h"
#include "numbers.h"
#include "suggest.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const shapes[] = {"linear", "sqrt", NULL};

static const clopt_sparam_info sparams[CLOPT_S_COUNT] = {
    [CLOPT_S_WARMUP] = {"warmup", CLOPT_RANGE_COUNT, NULL,
                        "steps of linear warmup: m = (t + 1) / warmup while t < warmup",
                        "선형 워밍업 스텝 수: t < warmup 동안 m = (t + 1) / warmup"},
    [CLOPT_S_STEPS] = {"steps", CLOPT_RANGE_COUNT_POS, NULL,
                       "the steps the schedule spans, warmup included",
                       "워밍업을 포함해 스케줄이 걸치는 스텝 수"},
    [CLOPT_S_EVERY] = {"every", CLOPT_RANGE_COUNT_POS, NULL,
                       "steps between two multiplications by factor",
                       "factor를 한 번 곱하고 다음에 곱할 때까지의 스텝 수"},
    [CLOPT_S_FACTOR] = {"factor", CLOPT_RANGE_NONNEG, NULL, "what each drop multiplies the rate by",
                        "한 번 떨어질 때마다 학습률에 곱하는 값"},
    [CLOPT_S_RATE] = {"rate", CLOPT_RANGE_POSITIVE, NULL,
                      "the factor over `steps` steps (the rate decays as rate^(u / steps))",
                      "steps 스텝 동안 곱해지는 값 (학습률은 rate^(u / steps)로 줄어듭니다)"},
    [CLOPT_S_STAIRCASE] = {"staircase", CLOPT_RANGE_BOOL, NULL,
                           "decay in whole drops every `steps` steps instead of smoothly",
                           "매끄럽게 줄이지 않고 steps 스텝마다 한 번에 떨어뜨립니다"},
    [CLOPT_S_ALPHA] = {"alpha", CLOPT_RANGE_FRACTION, NULL, "the final rate as a fraction of lr",
                       "lr에 대한 마지막 학습률의 비율"},
    [CLOPT_S_DECAY] = {"decay", CLOPT_RANGE_FRACTION, NULL,
                       "the fraction of the steps spent cooling down at the end",
                       "끝에서 학습률을 내리는 데 쓰는 스텝의 비율"},
    [CLOPT_S_SHAPE] = {"shape", CLOPT_RANGE_CHOICE, shapes,
                       "the cooldown's shape: linear (1 - p) or sqrt (1 - sqrt(p))",
                       "쿨다운의 모양: linear (1 - p) 또는 sqrt (1 - sqrt(p))"},
};

static double shape_constant(const double *v, double t, double u)
{
    (void)v, (void)t, (void)u;
    return 1.0;
}

static double shape_step(const double *v, double t, double u)
{
    (void)t;
    return pow(v[CLOPT_S_FACTOR], floor(u / v[CLOPT_S_EVERY]));
}

static double shape_exponential(const double *v, double t, double u)
{
    (void)t;
    const double x = u / v[CLOPT_S_STEPS];
    return pow(v[CLOPT_S_RATE], v[CLOPT_S_STAIRCASE] != 0.0 ? floor(x) : x);
}

static double shape_cosine(const double *v, double t, double u)
{
    (void)t;
    const double a = v[CLOPT_S_ALPHA], span = v[CLOPT_S_STEPS] - v[CLOPT_S_WARMUP];
    const double x = u / span < 1.0 ? u / span : 1.0;
    return a + (1.0 - a) * 0.5 * (1.0 + cos(3.14159265358979323846 * x));
}

/* The first step of wsd's cooldown: S = steps - round(decay * steps), halves up. */
static double wsd_start(const double *v)
{
    return v[CLOPT_S_STEPS] - floor(v[CLOPT_S_DECAY] * v[CLOPT_S_STEPS] + 0.5);
}

static double shape_wsd(const double *v, double t, double u)
{
    (void)u;
    const double s = wsd_start(v), n = v[CLOPT_S_STEPS];
    if (t < s) return 1.0;
    /* A cooldown of no steps (decay * steps rounds to 0) is over at once: p = 1. */
    const double p = n > s && (t - s + 1.0) / (n - s) < 1.0 ? (t - s + 1.0) / (n - s) : 1.0;
    return v[CLOPT_S_SHAPE] != 0.0 ? 1.0 - sqrt(p) : 1.0 - p;
}

static double shape_inverse_sqrt(const double *v, double t, double u)
{
    (void)u;
    return sqrt(v[CLOPT_S_WARMUP] / (t + 1.0));
}

#define REQUIRED CLOPT_SCHEDULE_REQUIRED
/* Rows leave `ranges` out unless a schedule has a range of its own (CLOPT_RANGE_OWN = 0). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const clopt_schedule_info schedules[] = {
    {"constant",
     1,
     {CLOPT_S_WARMUP},
     {0},
     "the rate lr, after the warmup",
     "워밍업 뒤에는 lr 그대로",
     "1",
     shape_constant},
    {"step",
     3,
     {CLOPT_S_EVERY, CLOPT_S_FACTOR, CLOPT_S_WARMUP},
     {REQUIRED, 0.1, 0},
     "the rate multiplied by factor every `every` steps",
     "every 스텝마다 학습률에 factor를 곱합니다",
     "factor^floor(u / every)",
     shape_step},
    {"exponential",
     4,
     {CLOPT_S_STEPS, CLOPT_S_RATE, CLOPT_S_STAIRCASE, CLOPT_S_WARMUP},
     {REQUIRED, 0.96, 0, 0},
     "the rate multiplied by rate every `steps` steps, smoothly or in drops",
     "steps 스텝마다 학습률에 rate를 곱합니다. 매끄럽게 또는 계단식으로",
     "rate^(u / steps) (floor of u / steps when staircase)",
     shape_exponential},
    {"cosine",
     3,
     {CLOPT_S_STEPS, CLOPT_S_ALPHA, CLOPT_S_WARMUP},
     {REQUIRED, 0.0, 0},
     "half a cosine from lr down to alpha * lr over the steps after the warmup",
     "워밍업 뒤 남은 스텝 동안 lr에서 alpha * lr까지 코사인 반 주기로 내립니다",
     "alpha + (1 - alpha) * 0.5 * (1 + cos(pi * min(u / U, 1))), U = steps - warmup",
     shape_cosine},
    {"wsd",
     4,
     {CLOPT_S_STEPS, CLOPT_S_DECAY, CLOPT_S_SHAPE, CLOPT_S_WARMUP},
     {REQUIRED, 0.2, 0, 0},
     "warmup, stable, decay: lr until the last `decay` fraction of the steps, then down to 0",
     "워밍업, 유지, 감소: 마지막 decay 비율의 스텝 전까지 lr, 그 뒤 0까지 내립니다",
     "1 while t < S = steps - floor(decay * steps + 0.5); then p = min((t - S + 1) / (steps - "
     "S), 1): 1 - p (linear) or 1 - sqrt(p) (sqrt)",
     shape_wsd},
    {"inverse_sqrt",
     1,
     {CLOPT_S_WARMUP},
     {REQUIRED},
     "after the warmup, the rate falls as 1 / sqrt(t + 1)",
     "워밍업 뒤에는 학습률이 1 / sqrt(t + 1)에 비례해 줄어듭니다",
     "sqrt(warmup / (t + 1))",
     shape_inverse_sqrt,
     {CLOPT_RANGE_COUNT_POS}}, /* clopt_schedule_check says why */
};
#define NSCHEDULES (sizeof schedules / sizeof schedules[0])

size_t clopt_schedule_count(void)
{
    return NSCHEDULES;
}

const clopt_schedule_info *clopt_schedule_at(size_t i)
{
    return i < NSCHEDULES ? &schedules[i] : NULL;
}

const clopt_sparam_info *clopt_schedule_param(clopt_sparam p)
{
    return (unsigned)p < CLOPT_S_COUNT ? &sparams[p] : NULL;
}

clopt_range clopt_schedule_range(const clopt_schedule_info *info, size_t i)
{
    return info->ranges[i] != CLOPT_RANGE_OWN ? info->ranges[i] : sparams[info->params[i]].range;
}

double clopt_schedule_factor(const clopt_lr_schedule *s, uint64_t it)
{
    if (!s->info) return 1.0;
    const double t = (double)it, w = s->v[CLOPT_S_WARMUP];
    if (t < w) return (t + 1.0) / w;
    return s->info->shape(s->v, t, t - w);
}

static bool same(const char *name, size_t len, const char *known)
{
    return strlen(known) == len && strncasecmp(name, known, len) == 0;
}

static clopt_status unknown_schedule(const char *name, size_t len, const char *owner,
                                     clopt_error *err)
{
    const char *names[NSCHEDULES];
    char list[128] = "";
    for (size_t i = 0; i < NSCHEDULES; i++) {
        names[i] = schedules[i].name;
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    const char *hint = clopt_suggest(name, len, names, NSCHEDULES);
    const int shown = (int)(len > 64 ? 64 : len);
    if (hint)
        return clopt_error_set(err, CLOPT_EINVAL, "%s: unknown schedule '%.*s'; did you mean '%s'?",
                               owner, shown, name, hint);
    return clopt_error_set(err, CLOPT_EINVAL, "%s: unknown schedule '%.*s'; expected one of %s",
                           owner, shown, name, list);
}

/* The parameter name[0, len) of schedule `info`, or -1 with a suggestion in err. */
static int find_param(const clopt_schedule_info *info, const char *name, size_t len,
                      const char *owner, clopt_error *err)
{
    const char *names[CLOPT_SCHEDULE_MAX_PARAMS];
    char list[96] = "";
    for (size_t i = 0; i < info->nparams; i++) {
        names[i] = sparams[info->params[i]].name;
        if (same(name, len, names[i])) return (int)info->params[i];
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    const char *hint = clopt_suggest(name, len, names, info->nparams);
    const int shown = (int)(len > 64 ? 64 : len);
    if (hint)
        clopt_error_set(err, CLOPT_EINVAL,
                        "%s: unknown argument '%.*s' for schedule %s; did you mean '%s'?", owner,
                        shown, name, info->name, hint);
    else
        clopt_error_set(err, CLOPT_EINVAL,
                        "%s: unknown argument '%.*s' for schedule %s; it takes %s", owner, shown,
                        name, info->name, list);
    return -1;
}

/* Starts *s as schedule `info` with its defaults (required ones NaN until given). */
static void start(clopt_lr_schedule *s, const clopt_schedule_info *info)
{
    memset(s, 0, sizeof *s);
    s->info = info;
    for (size_t i = 0; i < info->nparams; i++)
        s->v[info->params[i]] = info->defaults[i];
}

/*
 * Sets parameter p to v, given as a word (`word`: a CHOICE's index) or a number; a CHOICE
 * takes only words, every other parameter only numbers (and True/False).
 */
static clopt_status assign(clopt_lr_schedule *s, bool *seen, clopt_sparam p, double v, bool word,
                           const char *owner, clopt_error *err)
{
    const clopt_sparam_info *pi = &sparams[p];
    char num[32], list[64] = "";
    if (seen[p])
        return clopt_error_set(err, CLOPT_EINVAL, "%s: schedule %s: argument '%s' is given twice",
                               owner, s->info->name, pi->name);
    seen[p] = true;
    if (p == CLOPT_S_STEPS && word) { /* "all", checked by word_value */
        s->v[p] = v;
        return CLOPT_OK;
    }
    if (pi->range == CLOPT_RANGE_CHOICE && !word) {
        for (size_t i = 0; pi->words[i]; i++) {
            if (i) strncat(list, " or ", sizeof list - strlen(list) - 1);
            strncat(list, pi->words[i], sizeof list - strlen(list) - 1);
        }
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule %s: %s must be the word %s in quotes, not %s", owner,
                               s->info->name, pi->name, list, clopt_format_number(num, v));
    }
    if (!clopt_range_accepts(pi->range, v))
        return clopt_error_set(
            err, CLOPT_EINVAL, "%s: schedule %s: %s=%s is out of range; expected %s", owner,
            s->info->name, pi->name, clopt_format_number(num, v), clopt_range_text(pi->range));
    s->v[p] = v;
    return CLOPT_OK;
}

/* Required parameters given, and the relations between parameters (docs/semantics.md). */
clopt_status clopt_schedule_check(const clopt_lr_schedule *s, const char *owner, clopt_error *err)
{
    const clopt_schedule_info *info = s->info;
    for (size_t i = 0; i < info->nparams; i++)
        if (isnan(s->v[info->params[i]]))
            return clopt_error_set(
                err, CLOPT_EINVAL, "%s: schedule %s needs %s (%s), e.g. %s(%s=%s)", owner,
                info->name, sparams[info->params[i]].name, sparams[info->params[i]].en, info->name,
                sparams[info->params[i]].name, info->params[i] == CLOPT_S_WARMUP ? "100" : "1000");
    const double w = s->v[CLOPT_S_WARMUP];
    if (clopt_schedule_unresolved(s)) return CLOPT_OK; /* steps="all": checked once resolved */
    if (info->shape == shape_inverse_sqrt && w < 1.0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule inverse_sqrt needs warmup >= 1 (its rate is "
                               "sqrt(warmup / (t + 1))); got warmup=%.0f",
                               owner, w);
    if ((info->shape == shape_cosine || info->shape == shape_wsd) && !(s->v[CLOPT_S_STEPS] > w))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule %s needs steps > warmup (the steps include the "
                               "warmup); got steps=%.0f, warmup=%.0f",
                               owner, info->name, s->v[CLOPT_S_STEPS], w);
    if (info->shape == shape_wsd && wsd_start(s->v) < w)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule wsd's cooldown would start at step %.0f, inside "
                               "the warmup of %.0f steps; lower decay or warmup",
                               owner, wsd_start(s->v), w);
    return CLOPT_OK;
}

/* A word of a CLOPT_RANGE_CHOICE parameter: its index, or an error listing the words. */
static clopt_status word_value(clopt_sparam p, const char *w, size_t len, const char *owner,
                               const char *schedule, int whole, double *out, clopt_error *err)
{
    const clopt_sparam_info *pi = &sparams[p];
    char list[64] = "";
    if (p == CLOPT_S_STEPS && same(w, len, CLOPT_SCHEDULE_WHOLE)) {
        if (whole) {
            *out = 0.0;
            return CLOPT_OK;
        }
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule %s: steps=\"all\" (the whole training) is known "
                               "only to clopt train; give the number of steps",
                               owner, schedule);
    }
    for (size_t i = 0; pi->words && pi->words[i]; i++) {
        if (same(w, len, pi->words[i])) {
            *out = (double)i;
            return CLOPT_OK;
        }
        if (i) strncat(list, " or ", sizeof list - strlen(list) - 1);
        strncat(list, pi->words[i], sizeof list - strlen(list) - 1);
    }
    if (!pi->words)
        return clopt_error_set(
            err, CLOPT_EINVAL, "%s: schedule %s: %s must be %s, not the word '%.*s'", owner,
            schedule, pi->name, clopt_range_text(pi->range), (int)(len > 32 ? 32 : len), w);
    return clopt_error_set(err, CLOPT_EINVAL, "%s: schedule %s: %s='%.*s' is not %s", owner,
                           schedule, pi->name, (int)(len > 32 ? 32 : len), w, list);
}

int clopt_schedule_unresolved(const clopt_lr_schedule *s)
{
    for (size_t i = 0; s->info && i < s->info->nparams; i++)
        if (s->info->params[i] == CLOPT_S_STEPS) return s->v[CLOPT_S_STEPS] == 0.0;
    return 0;
}

clopt_status clopt_schedule_resolve(clopt_lr_schedule *s, uint64_t steps, const char *owner,
                                    clopt_error *err)
{
    if (!clopt_schedule_unresolved(s)) return CLOPT_OK;
    clopt_lr_schedule next = *s;
    next.v[CLOPT_S_STEPS] = (double)steps;
    if (steps < 1 || steps > 1e15)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule %s: steps=\"all\" would be %llu steps; expected 1 "
                               "or more",
                               owner, s->info->name, (unsigned long long)steps);
    const clopt_status st = clopt_schedule_check(&next, owner, err);
    if (st == CLOPT_OK) *s = next;
    return st;
}

/* ---- call syntax (call_syntax.h) ---- */

typedef struct {
    clopt_lr_schedule s;
    bool seen[CLOPT_S_COUNT];
    int whole;
} call;

/* One value: a number, True/False, or a word (quoted or bare) for a CHOICE parameter. */
static clopt_status call_value(clopt_cursor *c, const call *k, clopt_sparam p, double *out,
                               bool *word, clopt_error *err)
{
    const char *from = c->cur;
    *word = true;
    if (c->cur < c->end && (*c->cur == '"' || *c->cur == '\'')) {
        const char q = *c->cur++;
        const char *w = c->cur;
        while (c->cur < c->end && *c->cur != q)
            c->cur++;
        if (c->cur >= c->end) return clopt_cursor_syntax(c, "a closing quote", err);
        const size_t len = (size_t)(c->cur++ - w);
        return word_value(p, w, len, c->owner, k->s.info->name, k->whole, out, err);
    }
    const size_t len_word = clopt_cursor_identifier(c);
    if (len_word) {
        if (sparams[p].range != CLOPT_RANGE_CHOICE &&
            (same(from, len_word, "true") || same(from, len_word, "false"))) {
            *word = false;
            *out = tolower((unsigned char)*from) == 't';
            return CLOPT_OK;
        }
        return word_value(p, from, len_word, c->owner, k->s.info->name, k->whole, out, err);
    }
    *word = false;
    return clopt_cursor_number(c, "a number, True, False or a quoted word", out, err);
}

/* One name=value of a schedule, the position at the value. */
static clopt_status call_arg(clopt_cursor *c, const char *arg, size_t arg_len, void *ctx,
                             clopt_error *err)
{
    call *k = ctx;
    const int p = find_param(k->s.info, arg, arg_len, c->owner, err);
    if (p < 0) return CLOPT_EINVAL;
    double v = 0.0;
    bool word = false;
    const clopt_status st = call_value(c, k, (clopt_sparam)p, &v, &word, err);
    return st == CLOPT_OK ? assign(&k->s, k->seen, (clopt_sparam)p, v, word, c->owner, err) : st;
}

clopt_status clopt_schedule_parse(const char *text, size_t len, const char *owner, int whole,
                                  clopt_lr_schedule *out, clopt_error *err)
{
    clopt_cursor c = {text, text, text + len, owner, "schedule"};
    clopt_cursor_skip_ws(&c);
    const char *name = c.cur;
    const size_t name_len = clopt_cursor_identifier(&c);
    if (!name_len)
        return clopt_cursor_syntax(&c, "a schedule name such as cosine(steps=1000)", err);
    const clopt_schedule_info *info = NULL;
    for (size_t i = 0; i < NSCHEDULES && !info; i++)
        if (same(name, name_len, schedules[i].name)) info = &schedules[i];
    if (!info) return unknown_schedule(name, name_len, owner, err);
    call k = {.whole = whole};
    start(&k.s, info);
    clopt_status st = clopt_cursor_args(&c, call_arg, &k, err);
    if (st != CLOPT_OK) return st;
    if (c.cur != c.end) return clopt_cursor_syntax(&c, "the end of the schedule", err);
    st = clopt_schedule_check(&k.s, owner, err);
    if (st == CLOPT_OK) *out = k.s;
    return st;
}

/* ---- JSON ---- */

clopt_status clopt_schedule_from_json(const json_t *j, const char *owner, int whole,
                                      clopt_lr_schedule *out, clopt_error *err)
{
    if (json_is_null(j)) {
        memset(out, 0, sizeof *out);
        return CLOPT_OK;
    }
    const json_t *jname = json_object_get(j, "name");
    if (!json_is_object(j) || !json_is_string(jname))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: \"schedule\" must be an object with a string \"name\", e.g. "
                               "{\"name\":\"cosine\",\"steps\":1000}",
                               owner);
    const char *name = json_string_value(jname);
    const clopt_schedule_info *info = NULL;
    for (size_t i = 0; i < NSCHEDULES && !info; i++)
        if (same(name, strlen(name), schedules[i].name)) info = &schedules[i];
    if (!info) return unknown_schedule(name, strlen(name), owner, err);
    clopt_lr_schedule s;
    bool seen[CLOPT_S_COUNT] = {false};
    start(&s, info);
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)j, key, val)
    {
        if (strcmp(key, "name") == 0) continue;
        const int p = find_param(info, key, strlen(key), owner, err);
        if (p < 0) return CLOPT_EINVAL;
        double v = 0.0;
        clopt_status st = CLOPT_OK;
        if (json_is_number(val))
            v = json_number_value(val);
        else if (json_is_boolean(val))
            v = json_is_true(val);
        else if (json_is_string(val))
            st = word_value((clopt_sparam)p, json_string_value(val), strlen(json_string_value(val)),
                            owner, info->name, whole, &v, err);
        else
            st =
                clopt_error_set(err, CLOPT_EINVAL,
                                "%s: schedule %s: \"%s\" must be a number, not null or a container",
                                owner, info->name, sparams[p].name);
        if (st == CLOPT_OK)
            st = assign(&s, seen, (clopt_sparam)p, v, json_is_string(val), owner, err);
        if (st != CLOPT_OK) return st;
    }
    const clopt_status st = clopt_schedule_check(&s, owner, err);
    if (st == CLOPT_OK) *out = s;
    return st;
}
