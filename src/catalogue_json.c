/* The optimizer catalogue as JSON (see catalogue_json.h). */
#include "catalogue_json.h"

#include "catalogue.h"

static json_t *range_json(clopt_range r)
{
    switch (r) {
    case CLOPT_RANGE_NONNEG:
        return json_pack("{s:f,s:b}", "min", 0.0, "min_inclusive", 1);
    case CLOPT_RANGE_UNIT:
        return json_pack("{s:f,s:b,s:f,s:b}", "min", 0.0, "min_inclusive", 1, "max", 1.0,
                         "max_inclusive", 0);
    case CLOPT_RANGE_UNIT_TOP:
        return json_pack("{s:f,s:b,s:f,s:b}", "min", 0.0, "min_inclusive", 0, "max", 1.0,
                         "max_inclusive", 1);
    case CLOPT_RANGE_POSITIVE:
        return json_pack("{s:f,s:b}", "min", 0.0, "min_inclusive", 0);
    case CLOPT_RANGE_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case CLOPT_RANGE_OPEN_UNIT:
        return json_pack("{s:f,s:b,s:f,s:b}", "min", 0.0, "min_inclusive", 0, "max", 1.0,
                         "max_inclusive", 0);
    case CLOPT_RANGE_FRACTION:
        return json_pack("{s:f,s:b,s:f,s:b}", "min", 0.0, "min_inclusive", 1, "max", 1.0,
                         "max_inclusive", 1);
    case CLOPT_RANGE_COUNT:
    case CLOPT_RANGE_COUNT_POS:
        return json_pack("{s:f,s:b,s:f,s:b,s:s}", "min", r == CLOPT_RANGE_COUNT ? 0.0 : 1.0,
                         "min_inclusive", 1, "max", 1e15, "max_inclusive", 1, "type", "integer");
    case CLOPT_RANGE_CHOICE:
        return json_pack("{s:s}", "type", "string");
    case CLOPT_RANGE_FINITE:
        return json_pack("{s:s}", "type", "number");
    case CLOPT_RANGE_ITERATIONS:
        return json_pack("{s:f,s:b,s:f,s:b,s:s}", "min", 1.0, "min_inclusive", 1, "max", 99.0,
                         "max_inclusive", 1, "type", "integer");
    case CLOPT_RANGE_OWN:
        break;
    }
    return json_null();
}

static json_t *param_json(const clopt_optimizer_info *info, clopt_param p, int has_default,
                          double def)
{
    const clopt_param_info *pi = clopt_catalogue_param(p);
    const clopt_range range = clopt_catalogue_range(info, p);
    json_t *j = json_pack("{s:s,s:o,s:s,s:s,s:s}", "name", pi->name, "range", range_json(range),
                          "range_text", clopt_range_text(range), "en", pi->en, "ko", pi->ko);
    if (!has_default)
        json_object_set_new(j, "default", json_null()); /* clipping: off unless set */
    else if (range == CLOPT_RANGE_BOOL)
        json_object_set_new(j, "default", json_boolean(def != 0.0));
    else if (pi->words) { /* a word: the default and the accepted ones */
        json_t *words = json_array();
        for (size_t i = 0; pi->words[i]; i++)
            json_array_append_new(words, json_string(pi->words[i]));
        json_object_set_new(json_object_get(j, "range"), "words", words);
        json_object_set_new(j, "default", json_string(pi->words[(size_t)def]));
    } else
        json_object_set_new(j, "default", json_real(def));
    return j;
}

static json_t *equations_json(const clopt_optimizer_info *info)
{
    json_t *all = json_array();
    for (size_t i = 0; i < CLOPT_MAX_EQUATIONS && info->equations[i].html; i++) {
        const clopt_equation *e = &info->equations[i];
        json_array_append_new(
            all, json_pack("{s:s,s:s?,s:s?}", "html", e->html, "show", e->show, "when", e->when));
    }
    return all;
}

json_t *clopt_catalogue_json(void)
{
    json_t *all = json_array();
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        json_t *params = json_array(), *state = json_array();
        for (size_t i = 0; i < info->nparams; i++)
            json_array_append_new(params, param_json(info, info->params[i], 1, info->defaults[i]));
        json_array_append_new(params, param_json(info, CLOPT_P_CLIPNORM, 0, 0));
        json_array_append_new(params, param_json(info, CLOPT_P_CLIPVALUE, 0, 0));
        for (size_t i = 0; i < info->full; i++)
            json_array_append_new(state, json_string(info->state[i]));
        json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:o,s:o}", "name", info->name, "key", info->key,
                              "hyperparameters", params, "en", info->en, "ko", info->ko, "state",
                              state, "equations", equations_json(info));
        /* schedule-free: the state value that is the average x, where to evaluate */
        json_object_set_new(o, "average",
                            info->schedule_free ? json_string(info->state[1]) : json_null());
        json_object_set_new(o, "optional_state",
                            info->lean < info->full
                                ? json_string(clopt_catalogue_param(info->state_switch)->name)
                                : json_null());
        json_array_append_new(all, o);
    }
    return all;
}
