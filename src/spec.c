/*
 * Optimizer specs. The call syntax is what a Keras user writes:
 *   spec  := name [ "(" [ arg { "," arg } [","] ] ")" ]      (optionally in quotes)
 *   arg   := name "=" ( number | True | False ) | "schedule" "=" schedule
 *   schedule := name [ "(" [ name "=" ( number | True | False | "word" ) {, ...} ] ")" ]
 * JSON is what clopt_optimizer_config gives back: {"name": ..., hyperparameter: value}.
 */
#include "spec.h"

#include "call_syntax.h"
#include "error.h"
#include "numbers.h"
#include "suggest.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPEC_MAX 4096

static clopt_status unknown_optimizer(const char *name, size_t len, clopt_error *err)
{
    const char *keys[CLOPT_KIND_COUNT];
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++)
        keys[k] = clopt_catalogue_optimizer((clopt_kind)k)->key;
    const char *hint = clopt_suggest(name, len, keys, CLOPT_KIND_COUNT);
    int shown = (int)(len > 64 ? 64 : len);
    if (hint)
        return clopt_error_set(err, CLOPT_EINVAL, "unknown optimizer '%.*s'; did you mean '%s'?",
                               shown, name, hint);
    char list[256] = "";
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        if (k) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, keys[k], sizeof list - strlen(list) - 1);
    }
    return clopt_error_set(err, CLOPT_EINVAL, "unknown optimizer '%.*s'; expected one of %s", shown,
                           name, list);
}

/* Resolves and assigns one argument, refusing a name given twice. */
static clopt_status assign(clopt_config *c, bool *seen, const char *name, size_t len, double v,
                           clopt_error *err)
{
    int p = clopt_config_param(c, name, len, err);
    if (p < 0) return CLOPT_EINVAL;
    if (seen[p])
        return clopt_error_set(err, CLOPT_EINVAL, "%s: argument '%s' is given twice", c->info->name,
                               clopt_catalogue_param(p)->name);
    seen[p] = true;
    return clopt_config_assign(c, (clopt_param)p, v, err);
}

/* ---- call syntax (call_syntax.h) ---- */

/* A word of a CHOICE hyperparameter (adjust_lr="original"), quoted or bare: its index. */
static clopt_status word_value(const clopt_config *cfg, int p, const char *w, size_t len,
                               double *out, clopt_error *err)
{
    const clopt_param_info *pi = clopt_catalogue_param((clopt_param)p);
    const int i = clopt_catalogue_word((clopt_param)p, w, len);
    if (i >= 0) {
        *out = i;
        return CLOPT_OK;
    }
    char list[128] = "";
    for (size_t k = 0; pi->words[k]; k++) {
        if (k) strncat(list, " or ", sizeof list - strlen(list) - 1);
        strncat(list, "\"", sizeof list - strlen(list) - 1);
        strncat(list, pi->words[k], sizeof list - strlen(list) - 1);
        strncat(list, "\"", sizeof list - strlen(list) - 1);
    }
    return clopt_error_set(err, CLOPT_EINVAL, "%s: %s=\"%.*s\" is not accepted; expected %s",
                           cfg->info->name, pi->name, (int)(len > 48 ? 48 : len), w, list);
}

static clopt_status value(clopt_cursor *c, const clopt_config *cfg, int p, const char *arg,
                          size_t arg_len, double *out, clopt_error *err)
{
    const char *start = c->cur;
    if (clopt_catalogue_param((clopt_param)p)->words) {
        const char q = c->cur < c->end && (*c->cur == '"' || *c->cur == '\'') ? *c->cur : 0;
        if (q) c->cur++;
        const char *w = c->cur;
        const size_t len = clopt_cursor_identifier(c);
        if (q && (c->cur >= c->end || *c->cur != q))
            return clopt_cursor_syntax(c, "a closing quote", err);
        if (q) c->cur++;
        if (!len) {
            c->cur = start;
            return clopt_cursor_syntax(c, "a word in quotes", err);
        }
        return word_value(cfg, p, w, len, out, err);
    }
    size_t word = clopt_cursor_identifier(c);
    if (word) {
        if ((word == 4 && strncmp(start, "True", 4) == 0) ||
            (word == 4 && strncmp(start, "true", 4) == 0)) {
            *out = 1.0;
            return CLOPT_OK;
        }
        if ((word == 5 && strncmp(start, "False", 5) == 0) ||
            (word == 5 && strncmp(start, "false", 5) == 0)) {
            *out = 0.0;
            return CLOPT_OK;
        }
        c->cur = start;
        return clopt_cursor_syntax(c, "a number, True or False", err);
    }
    double v;
    const clopt_status st = clopt_cursor_number(c, "a number", &v, err);
    if (st != CLOPT_OK) return st;
    if (v - v != 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%.*s=%.*s is not a finite number (it overflows a double)",
                               (int)arg_len, arg, (int)(c->cur - start), start);
    *out = v;
    return CLOPT_OK;
}

/*
 * The text of a schedule value (`cosine(steps=1000, warmup=100)`), parsed by
 * clopt_schedule_parse: a name and, if a '(' follows, everything to its ')' (quotes may
 * hold anything but their own quote).
 */
static clopt_status schedule_value(clopt_cursor *c, clopt_config *cfg, bool *seen, int whole,
                                   clopt_error *err)
{
    const char *from = c->cur;
    if (*seen)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "%s: argument '" CLOPT_SCHEDULE_ARG "' is given twice",
                               cfg->info->name);
    *seen = true;
    if (!clopt_cursor_identifier(c))
        return clopt_cursor_syntax(c, "a schedule name such as cosine(steps=1000)", err);
    clopt_cursor_skip_ws(c);
    if (c->cur < c->end && *c->cur == '(') {
        char quote = 0;
        for (c->cur++; c->cur < c->end && (quote || *c->cur != ')'); c->cur++)
            if (*c->cur == '"' || *c->cur == '\'')
                quote = quote == *c->cur ? 0 : quote ? quote : *c->cur;
        if (c->cur >= c->end) return clopt_cursor_syntax(c, "')' closing the schedule", err);
        c->cur++;
    }
    return clopt_schedule_parse(from, (size_t)(c->cur - from), cfg->info->name, whole, &cfg->sched,
                                err);
}

typedef struct {
    clopt_config cfg;
    bool seen[CLOPT_P_COUNT], seen_schedule;
    int whole;
} call;

/* One name=value of a spec, the position at the value. */
static clopt_status call_arg(clopt_cursor *c, const char *arg, size_t arg_len, void *ctx,
                             clopt_error *err)
{
    call *k = ctx;
    if (arg_len == strlen(CLOPT_SCHEDULE_ARG) && strncasecmp(arg, CLOPT_SCHEDULE_ARG, arg_len) == 0)
        return schedule_value(c, &k->cfg, &k->seen_schedule, k->whole, err);
    const int p = clopt_config_param(&k->cfg, arg, arg_len, err); /* the name first */
    if (p < 0) return CLOPT_EINVAL;
    double v = 0.0;
    const clopt_status st = value(c, &k->cfg, p, arg, arg_len, &v, err);
    return st == CLOPT_OK ? assign(&k->cfg, k->seen, arg, arg_len, v, err) : st;
}

static clopt_status parse_call(const char *spec, size_t len, int whole, clopt_config *out,
                               clopt_error *err)
{
    clopt_cursor c = {spec, spec, spec + len, NULL, "optimizer spec"};
    clopt_cursor_skip_ws(&c);
    /* A name pasted from Python with its quotes: 'sgd' or "sgd". */
    if (c.end - c.cur >= 2 && (*c.cur == '\'' || *c.cur == '"')) {
        const char *last = c.end - 1;
        while (last > c.cur && isspace((unsigned char)*last))
            last--;
        if (*last == *c.cur) {
            c.cur++;
            c.end = last;
        }
    }
    const char *name = c.cur;
    const size_t name_len = clopt_cursor_identifier(&c);
    if (!name_len) return clopt_cursor_syntax(&c, "an optimizer name", err);
    const clopt_optimizer_info *info = clopt_catalogue_find_optimizer(name, name_len);
    if (!info) return unknown_optimizer(name, name_len, err);

    call k = {.whole = whole};
    clopt_config_defaults(&k.cfg, info);
    clopt_status st = clopt_cursor_args(&c, call_arg, &k, err);
    if (st != CLOPT_OK) return st;
    if (c.cur != c.end) return clopt_cursor_syntax(&c, "the end of the spec", err);
    st = clopt_config_check_schedule(&k.cfg, err);
    if (st == CLOPT_OK) *out = k.cfg;
    return st;
}

/* ---- JSON ---- */

static clopt_status parse_json(const char *spec, size_t len, int whole, clopt_config *out,
                               clopt_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(spec, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "malformed JSON optimizer spec: %s at line %d column %d", jerr.text,
                               jerr.line, jerr.column);
    clopt_status st = CLOPT_OK;
    json_t *jname = json_object_get(root, "name");
    if (!json_is_object(root) || !json_is_string(jname)) {
        st = clopt_error_set(err, CLOPT_EINVAL,
                             "JSON optimizer spec needs a string \"name\", e.g. "
                             "{\"name\":\"adam\",\"lr\":0.01}");
        goto done;
    }
    const char *name = json_string_value(jname);
    const clopt_optimizer_info *info = clopt_catalogue_find_optimizer(name, strlen(name));
    if (!info) {
        st = unknown_optimizer(name, strlen(name), err);
        goto done;
    }
    clopt_config cfg;
    bool seen[CLOPT_P_COUNT] = {false};
    clopt_config_defaults(&cfg, info);
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (strcmp(key, "name") == 0) continue;
        if (strcmp(key, CLOPT_SCHEDULE_ARG) == 0) {
            st = clopt_schedule_from_json(val, info->name, whole, &cfg.sched, err);
            if (st != CLOPT_OK) goto done;
            continue;
        }
        double v;
        const int p = clopt_config_param(&cfg, key, strlen(key), err);
        if (p < 0) {
            st = CLOPT_EINVAL;
            goto done;
        }
        if (clopt_catalogue_param((clopt_param)p)->words && json_is_string(val)) {
            st = word_value(&cfg, p, json_string_value(val), json_string_length(val), &v, err);
            if (st != CLOPT_OK) goto done;
        } else if (json_is_number(val)) {
            v = json_number_value(val);
        } else if (json_is_boolean(val)) {
            v = json_is_true(val) ? 1.0 : 0.0;
        } else {
            st = clopt_error_set(err, CLOPT_EINVAL, "%s: \"%.64s\" must be a number, not %s",
                                 info->name, key,
                                 json_is_string(val) ? "a string" : "null or a container");
            goto done;
        }
        st = assign(&cfg, seen, key, strlen(key), v, err);
        if (st != CLOPT_OK) goto done;
    }
    st = clopt_config_check_schedule(&cfg, err);
    if (st == CLOPT_OK) *out = cfg;
done:
    json_decref(root);
    return st;
}

static clopt_status parse(const char *spec, int whole, clopt_config *out, clopt_error *err)
{
    if (!spec)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "spec is NULL; expected an optimizer spec such as \"adam\" or "
                               "\"SGD(lr=0.1, momentum=0.9)\"");
    size_t len = strnlen(spec, SPEC_MAX + 1);
    if (len > SPEC_MAX)
        return clopt_error_set(err, CLOPT_EINVAL, "optimizer spec is longer than %d bytes",
                               SPEC_MAX);
    const char *p = spec;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '{' || *p == '[') return parse_json(spec, len, whole, out, err);
    return parse_call(spec, len, whole, out, err);
}

clopt_status clopt_spec_parse(const char *spec, clopt_config *out, clopt_error *err)
{
    return parse(spec, 0, out, err);
}

clopt_status clopt_spec_parse_training(const char *spec, clopt_config *out, clopt_error *err)
{
    return parse(spec, 1, out, err);
}

clopt_status clopt_spec_parse_nth(const char *const *specs, size_t k, clopt_config *out,
                                  clopt_error *err)
{
    clopt_error e;
    clopt_error_clear(&e);
    if (clopt_spec_parse(specs[k], out, &e) != CLOPT_OK)
        return clopt_error_set(err, e.status, "optimizer %zu: %s", k + 1, e.text);
    return CLOPT_OK;
}
