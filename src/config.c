/* Hyperparameter validation and the Keras get_config() text. */
#include "config.h"

#include "error.h"
#include "numbers.h"
#include "suggest.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void clopt_config_defaults(clopt_config *c, const clopt_optimizer_info *info)
{
    memset(c, 0, sizeof *c);
    c->info = info;
    for (size_t i = 0; i < info->nparams; i++)
        c->v[info->params[i]] = info->defaults[i];
}

/* The names an optimizer takes, in get_config() order, then clipnorm and clipvalue. */
static size_t taken_names(const clopt_optimizer_info *info, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < info->nparams; i++)
        names[n++] = clopt_catalogue_param(info->params[i])->name;
    names[n++] = clopt_catalogue_param(CLOPT_P_CLIPNORM)->name;
    names[n++] = clopt_catalogue_param(CLOPT_P_CLIPVALUE)->name;
    names[n++] = CLOPT_SCHEDULE_ARG;
    return n;
}

clopt_status clopt_config_check_schedule(const clopt_config *c, clopt_error *err)
{
    char num[32], label[256] = "";
    if (!c->sched.info || !(c->v[CLOPT_P_DECAY] > 0.0)) return CLOPT_OK;
    clopt_schedule_label(&c->sched, label, sizeof label);
    return clopt_error_set(err, CLOPT_EINVAL,
                           "%s: schedule=%s and decay=%s together; decay is Keras 1's "
                           "inverse-time schedule lr / (1 + decay * iterations), so use one "
                           "of them (decay=0, or no schedule)",
                           c->info->name, label, clopt_format_number(num, c->v[CLOPT_P_DECAY]));
}

double clopt_config_rate(const clopt_config *c, uint64_t it)
{
    return c->v[CLOPT_P_LR] * clopt_schedule_factor(&c->sched, it) /
           (1.0 + c->v[CLOPT_P_DECAY] * (double)it);
}

int clopt_config_param(const clopt_config *c, const char *name, size_t len, clopt_error *err)
{
    int p = clopt_catalogue_find_param(name, len);
    if (p >= 0 && clopt_catalogue_takes(c->info, (clopt_param)p)) return p;

    const char *names[CLOPT_MAX_OWN_PARAMS + 3];
    size_t n = taken_names(c->info, names);
    const char *hint = clopt_suggest(name, len, names, n);
    if (hint) {
        clopt_error_set(err, CLOPT_EINVAL, "unknown argument '%.*s' for %s; did you mean '%s'?",
                        (int)(len > 64 ? 64 : len), name, c->info->name, hint);
        return -1;
    }
    char list[224] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < n) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    clopt_error_set(err, CLOPT_EINVAL, "unknown argument '%.*s' for %s; it takes %s",
                    (int)(len > 64 ? 64 : len), name, c->info->name, list);
    return -1;
}

int clopt_config_setting(const clopt_config *c, const char *name, size_t len, clopt_error *err)
{
    static const char prefix[] = CLOPT_SCHEDULE_ARG ".";
    const size_t plen = sizeof prefix - 1;
    if (len <= plen || strncmp(name, prefix, plen) != 0)
        return clopt_config_param(c, name, len, err);
    const clopt_schedule_info *info = c->sched.info;
    if (!info) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "'%.*s': %s has no schedule; give it one in the spec, e.g. "
                        "schedule=cosine(steps=1000, warmup=100)",
                        (int)(len > 64 ? 64 : len), name, c->info->name);
        return -1;
    }
    char list[96] = "";
    for (size_t i = 0; i < info->nparams; i++) {
        const clopt_sparam_info *pi = clopt_schedule_param(info->params[i]);
        if (strlen(pi->name) == len - plen && strncmp(pi->name, name + plen, len - plen) == 0 &&
            pi->range != CLOPT_RANGE_CHOICE)
            return CLOPT_SETTING_SCHEDULE + (int)info->params[i];
        if (pi->range == CLOPT_RANGE_CHOICE) continue;
        if (*list) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, pi->name, sizeof list - strlen(list) - 1);
    }
    clopt_error_set(err, CLOPT_EINVAL,
                    "'%.*s': schedule %s has no numeric parameter '%.*s'; it has %s",
                    (int)(len > 64 ? 64 : len), name, info->name,
                    (int)(len - plen > 32 ? 32 : len - plen), name + plen, list);
    return -1;
}

const char *clopt_setting_name(int setting, char buf[48])
{
    if (setting < CLOPT_SETTING_SCHEDULE)
        snprintf(buf, 48, "%s", clopt_catalogue_param((clopt_param)setting)->name);
    else
        snprintf(buf, 48, CLOPT_SCHEDULE_ARG ".%s",
                 clopt_schedule_param((clopt_sparam)(setting - CLOPT_SETTING_SCHEDULE))->name);
    return buf;
}

int clopt_setting_is_bool(int setting)
{
    return setting < CLOPT_SETTING_SCHEDULE
               ? clopt_catalogue_param((clopt_param)setting)->range == CLOPT_RANGE_BOOL
               : clopt_schedule_param((clopt_sparam)(setting - CLOPT_SETTING_SCHEDULE))->range ==
                     CLOPT_RANGE_BOOL;
}

double clopt_config_get_setting(const clopt_config *c, int setting)
{
    return setting < CLOPT_SETTING_SCHEDULE ? c->v[setting]
                                            : c->sched.v[setting - CLOPT_SETTING_SCHEDULE];
}

void clopt_config_put_setting(clopt_config *c, int setting, double v)
{
    if (setting < CLOPT_SETTING_SCHEDULE)
        c->v[setting] = v;
    else
        c->sched.v[setting - CLOPT_SETTING_SCHEDULE] = v;
}

clopt_status clopt_config_assign_setting(clopt_config *c, int setting, double v, clopt_error *err)
{
    if (setting < CLOPT_SETTING_SCHEDULE)
        return clopt_config_assign(c, (clopt_param)setting, v, err);
    const clopt_sparam p = (clopt_sparam)(setting - CLOPT_SETTING_SCHEDULE);
    const clopt_sparam_info *pi = clopt_schedule_param(p);
    char num[32];
    if (!clopt_range_accepts(pi->range, v))
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: schedule %s: %s=%s is out of range; expected %s", c->info->name,
                               c->sched.info->name, pi->name, clopt_format_number(num, v),
                               clopt_range_text(pi->range));
    clopt_lr_schedule next = c->sched;
    next.v[p] = v;
    const clopt_status st = clopt_schedule_check(&next, c->info->name, err);
    if (st == CLOPT_OK) c->sched = next;
    return st;
}

clopt_status clopt_config_assign(clopt_config *c, clopt_param p, double v, clopt_error *err)
{
    const clopt_param_info *pi = clopt_catalogue_param(p);
    const clopt_range range = clopt_catalogue_range(c->info, p);
    size_t nwords = 0;
    while (pi->words && pi->words[nwords])
        nwords++;
    if (pi->words && clopt_range_accepts(range, v) && v >= (double)nwords)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: %s=%g is not the index of one of its %zu words (%s, ...)",
                               c->info->name, pi->name, v, nwords, pi->words[0]);
    if (!clopt_range_accepts(range, v)) {
        char num[32];
        return clopt_error_set(err, CLOPT_EINVAL, "%s: %s=%s is out of range; expected %s",
                               c->info->name, pi->name, clopt_format_number(num, v),
                               clopt_range_text(range));
    }
    /* Checked as a double, used as a float32 on the device: a value that becomes 0 or inf
     * there (clipvalue=1e-46 would mean "off"), or a subnormal a device may flush to 0, is not
     * the value asked for. */
    if (v != 0.0 && !(fabs(v) >= FLT_MIN && fabs(v) <= FLT_MAX)) {
        char num[32];
        const float f = (float)v;
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: %s=%s is out of range; the device computes in float32, "
                               "where it is %s; expected 0 or a magnitude from 1.1754944e-38 "
                               "to 3.4028235e+38",
                               c->info->name, pi->name, clopt_format_number(num, v),
                               f == 0.0f  ? "0"
                               : isinf(f) ? "inf"
                                          : "a subnormal number");
    }
    c->v[p] = v;
    return CLOPT_OK;
}

const char *clopt_format_number(char buf[32], double v)
{
    if (v != v || v - v != 0) { /* NaN or infinity: not JSON, shown for error messages */
        clopt_snprintf(buf, 32, "%s", v != v ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    int prec = 1;
    for (; prec < 17; prec++) {
        clopt_snprintf(buf, 32, "%.*g", prec, v);
        if (clopt_strtod(buf, NULL) == v) break;
    }
    clopt_snprintf(buf, 32, "%.*e", prec - 1, v);
    const int exp = atoi(strchr(buf, 'e') + 1);
    if (exp >= -4 && exp < 16) /* positional, as Python's repr */
        clopt_snprintf(buf, 32, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
    else
        clopt_snprintf(buf, 32, "%.*g", prec, v);
    if (!strpbrk(buf, ".e")) strncat(buf, ".0", 31 - strlen(buf));
    return buf;
}

const char *clopt_format_float(char buf[32], float v)
{
    if (v != v || v - v != 0) return clopt_format_number(buf, v);
    for (int prec = 6; prec <= 9; prec++) {
        clopt_snprintf(buf, 32, "%.*g", prec, (double)v);
        if (clopt_strtof(buf, NULL) == v) break;
    }
    if (!strpbrk(buf, ".e")) strncat(buf, ".0", 31 - strlen(buf));
    return buf;
}

char *clopt_config_label(const clopt_config *c)
{
    char text[1024], num[32];
    const clopt_optimizer_info *info = c->info;
    int n = snprintf(text, sizeof text, "%s(", info->name);
    const char *sep = "";
    for (clopt_param p = 0; p < CLOPT_P_COUNT; p++) {
        if (!clopt_catalogue_takes(info, p)) continue;
        double def = 0.0;
        for (size_t i = 0; i < info->nparams; i++)
            if (info->params[i] == p) def = info->defaults[i];
        if (c->v[p] == def) continue;
        if (clopt_catalogue_param(p)->range == CLOPT_RANGE_BOOL)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%s=%s", sep,
                          clopt_catalogue_param(p)->name, c->v[p] != 0.0 ? "True" : "False");
        else if (clopt_catalogue_param(p)->words)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%s=\"%s\"", sep,
                          clopt_catalogue_param(p)->name,
                          clopt_catalogue_param(p)->words[(size_t)c->v[p]]);
        else
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%s=%s", sep,
                          clopt_catalogue_param(p)->name, clopt_format_number(num, c->v[p]));
        sep = ", ";
    }
    snprintf(text + n, sizeof text - (size_t)n, "%s%s", c->sched.info ? sep : "",
             c->sched.info ? CLOPT_SCHEDULE_ARG "=" : "");
    if (c->sched.info && clopt_schedule_label(&c->sched, text, sizeof text - 1) != 0) return NULL;
    strcat(text, ")");
    return strdup(text);
}

char *clopt_config_json(const clopt_config *c)
{
    char text[1024], num[32];
    const clopt_optimizer_info *info = c->info;
    int n = snprintf(text, sizeof text, "{\"name\":\"%s\"", info->name);
    for (size_t i = 0; i < info->nparams; i++) {
        const clopt_param p = info->params[i];
        const char *name = clopt_catalogue_param(p)->name;
        if (clopt_catalogue_param(p)->range == CLOPT_RANGE_BOOL)
            n += snprintf(text + n, sizeof text - (size_t)n, ",\"%s\":%s", name,
                          c->v[p] != 0.0 ? "true" : "false");
        else if (clopt_catalogue_param(p)->words)
            n += snprintf(text + n, sizeof text - (size_t)n, ",\"%s\":\"%s\"", name,
                          clopt_catalogue_param(p)->words[(size_t)c->v[p]]);
        else
            n += snprintf(text + n, sizeof text - (size_t)n, ",\"%s\":%s", name,
                          clopt_format_number(num, c->v[p]));
    }
    if (c->sched.info) {
        snprintf(text + n, sizeof text - (size_t)n, ",\"" CLOPT_SCHEDULE_ARG "\":");
        if (clopt_schedule_json_text(&c->sched, text, sizeof text) != 0) return NULL;
        n = (int)strlen(text);
    }
    for (clopt_param p = CLOPT_P_CLIPNORM; p <= CLOPT_P_CLIPVALUE; p++)
        if (c->v[p] > 0.0)
            n += snprintf(text + n, sizeof text - (size_t)n, ",\"%s\":%s",
                          clopt_catalogue_param(p)->name, clopt_format_number(num, c->v[p]));
    snprintf(text + n, sizeof text - (size_t)n, "}");
    return strdup(text);
}
