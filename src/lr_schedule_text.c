/* Schedules as text: their config JSON, their spec label and the catalogue's JSON. */
#include "lr_schedule.h"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A parameter's value as config and spec print it: whole numbers without ".0", words. */
static const char *value_text(clopt_sparam p, double v, int json, char buf[32])
{
    const clopt_sparam_info *pi = clopt_schedule_param(p);
    if (pi->range == CLOPT_RANGE_CHOICE)
        snprintf(buf, 32, "\"%s\"", pi->words[(size_t)v]);
    else if (pi->range == CLOPT_RANGE_BOOL)
        snprintf(buf, 32, "%s", v != 0.0 ? (json ? "true" : "True") : (json ? "false" : "False"));
    else if (p == CLOPT_S_STEPS && v == 0.0) /* unresolved: the whole training */
        snprintf(buf, 32, "\"" CLOPT_SCHEDULE_WHOLE "\"");
    else if (pi->range == CLOPT_RANGE_COUNT || pi->range == CLOPT_RANGE_COUNT_POS)
        snprintf(buf, 32, "%.0f", v);
    else
        clopt_format_number(buf, v);
    return buf;
}

static int append(char *buf, size_t cap, const char *fmt, const char *a, const char *b)
{
    const size_t n = strlen(buf);
    const int w = snprintf(buf + n, cap - n, fmt, a, b);
    return w < 0 || (size_t)w >= cap - n ? -1 : 0;
}

int clopt_schedule_json_text(const clopt_lr_schedule *s, char *buf, size_t cap)
{
    char num[32];
    int bad = append(buf, cap, "{\"name\":\"%s\"%s", s->info->name, "");
    for (size_t i = 0; i < s->info->nparams; i++) {
        const clopt_sparam p = s->info->params[i];
        bad |= append(buf, cap, ",\"%s\":%s", clopt_schedule_param(p)->name,
                      value_text(p, s->v[p], 1, num));
    }
    return bad | append(buf, cap, "%s%s", "}", "");
}

int clopt_schedule_label(const clopt_lr_schedule *s, char *buf, size_t cap)
{
    char num[32];
    const char *sep = "(";
    int bad = append(buf, cap, "%s%s", s->info->name, "");
    for (size_t i = 0; i < s->info->nparams; i++) {
        const clopt_sparam p = s->info->params[i];
        if (s->v[p] == s->info->defaults[i]) continue;
        bad |= append(buf, cap, sep, "", "");
        bad |= append(buf, cap, "%s=%s", clopt_schedule_param(p)->name,
                      value_text(p, s->v[p], 0, num));
        sep = ", ";
    }
    return bad | append(buf, cap, "%s%s", *sep == ',' ? ")" : "", "");
}

json_t *clopt_schedules_json(void)
{
    json_t *all = json_array();
    for (size_t k = 0; all && k < clopt_schedule_count(); k++) {
        const clopt_schedule_info *info = clopt_schedule_at(k);
        json_t *params = json_array();
        for (size_t i = 0; params && i < info->nparams; i++) {
            const clopt_sparam_info *pi = clopt_schedule_param(info->params[i]);
            const double d = info->defaults[i];
            json_t *def = isnan(d)                          ? json_null()
                          : pi->range == CLOPT_RANGE_CHOICE ? json_string(pi->words[(size_t)d])
                          : pi->range == CLOPT_RANGE_BOOL   ? json_boolean(d != 0.0)
                          : pi->range == CLOPT_RANGE_COUNT || pi->range == CLOPT_RANGE_COUNT_POS
                              ? json_integer((json_int_t)d)
                              : json_real(d);
            json_t *p =
                json_pack("{s:s,s:o,s:b,s:s,s:s,s:s}", "name", pi->name, "default", def, "required",
                          isnan(d), "range_text", clopt_range_text(clopt_schedule_range(info, i)),
                          "en", pi->en, "ko", pi->ko);
            if (p && pi->words) {
                json_t *words = json_array();
                for (size_t w = 0; pi->words[w]; w++)
                    json_array_append_new(words, json_string(pi->words[w]));
                json_object_set_new(p, "choices", words);
            }
            json_array_append_new(params, p);
        }
        json_array_append_new(all, json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", info->name, "en",
                                             info->en, "ko", info->ko, "formula", info->formula,
                                             "parameters", params));
    }
    return all;
}
