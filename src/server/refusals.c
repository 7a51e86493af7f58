/*
 * The server's refusals as data: every sentence srv_problem_set writes has a row here, its
 * stable code and the keys of its values in the order the format takes them, so that a
 * client words the refusal from {"code", "args"} in its own language instead of reading
 * the English. tests/server/test_refusals.py fails on a format of src/server/ without a row
 * (or a row no format uses); web/test/refusals.test.mjs on a code without the page's English
 * and Korean sentences.
 */
#include "refusals.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code; /* stable, a-z and _ */
    const char
        *keys; /* one key per conversion of fmt, space-separated (a repeated key: kept once) */
    const char *fmt; /* exactly as srv_problem_set is called with it */
} srv_refusal;

static const srv_refusal refusals[] = {
    {"bad_utf8_path", "", "the path is not valid UTF-8"},
    {"bad_header_name", "", "a header name is not a valid token"},
    {"bad_utf8_header", "header", "the %.60s header is not valid UTF-8"},
    {"repeated_header", "header", "the %s header appears more than once"},
    {"bad_utf8_query", "separator name",
     "a query argument%s%.60s is not valid UTF-8 (after %%-decoding)"},
    {"foreign_host", "host names",
     "Host '%.64s' is not this server; it answers to localhost, 127.0.0.1, [::1] and %s (start it "
     "with --allow-host NAME to add a name)"},
    {"foreign_origin", "origin",
     "Origin '%.64s' is not this server's own; clopt serve sends no CORS headers and takes work "
     "only from its own page"},
    {"host_required", "", "an HTTP/1.1 request needs a Host header"},
    {"cross_site", "site",
     "this request came from another site's page (Sec-Fetch-Site: %.32s); clopt serve computes "
     "only for its own page"},
    {"body_too_large", "bytes limit", "the body has %.20s bytes; the limit is %u"},
    {"body_too_large", "bytes limit", "the request body has %zu bytes; the limit is %u"},
    {"body_over_limit", "limit", "the body has more than %u bytes, the limit"},
    {"bad_content_type", "type", "Content-Type is '%.64s'; expected application/json"},
    {"not_number_array", "field count", "%s must be an array of %zu numbers"},
    {"not_finite", "field index", "%s[%zu] must be a finite number"},
    {"foreign_field", "field kind expected", "%s is not a field of a %s exploration; %s"},
    {"grid_required", "", "grid is required: N or [NX, NY]"},
    {"grid_type", "", "grid must be an integer N or an array [NX, NY]"},
    {"grid_side", "nx ny max", "grid is %lld x %lld; each side must be 2 .. %u"},
    {"vary_required", "",
     "vary is required: [{\"name\": \"lr\", \"lo\": 0.001, \"hi\": 0.1, \"n\": 32, \"log\": "
     "true}], one or two hyperparameters"},
    {"vary_type", "", "vary must be an array of 1 or 2 axes"},
    {"axis_type", "field", "%s must be an object {name, lo, hi, n, log}"},
    {"axis_member", "field member",
     "%s has an unknown member '%.40s'; expected name, lo, hi, n or log"},
    {"axis_name", "field", "%s.name must be a hyperparameter's name"},
    {"axis_range", "field", "%s.lo and .hi must be finite numbers"},
    {"axis_count", "field max", "%s.n must be an integer from 2 to %u"},
    {"axis_log", "field", "%s.log must be true or false"},
    {"no_memory", "", "out of memory"},
    {"follow_required", "",
     "a DELETE names the follow token of the POST that it lets go of: ?follow=TOKEN, from that "
     "POST's answer"},
    {"follow_unknown", "",
     "this follow token is not one of the job's: a client lets go only of a job it posted, once, "
     "with the token of that POST's answer"},
    /* the job kinds' full queues (srv_job_kind.busy) */
    {"queue_full", "waiting", "%u explorations are waiting for the device; retry when one ends"},
    {"queue_full", "waiting", "%u landscapes are waiting to be computed; retry in a second"},
    {"queue_full", "waiting", "%u runs are waiting for the device; retry in a second"},
    {"queue_full", "waiting",
     "one training runs at a time and %u are waiting; retry when one ends"},
    {"explore_kind", "", "kind must be \"basins\", \"sweep\" or \"trainability\""},
    {"function_required", "", "function is required: a name that /api/v1/functions lists"},
    {"function_required", "", "function is required, e.g. \"rosenbrock\" (see /api/v1/functions)"},
    {"function_required", "", "function is required, e.g. ?function=rosenbrock"},
    {"explore_not_catalogue", "reason",
     "%s (explorations take the catalogue's functions, not expressions)"},
    {"bad_tol", "", "tol must be a finite number >= 0"},
    {"bad_precision", "", "precision must be \"float\" or \"double\""},
    {"no_fp64", "",
     "precision \"double\" needs the device's cl_khr_fp64 extension, which this device lacks; "
     "use \"float\""},
    /* trainability windows (trainability.c) */
    {"train_activation", "", "activation must be \"tanh\", \"relu\" or \"identity\""},
    {"train_window_range", "index value limit limit",
     "window[%zu] = %g; expected log10 of a rate from -%d to %d"},
    {"train_window_order", "", "window must have x0 < x1 and y0 < y1"},
    {"train_data_seed", "", "seed and data exclude each other: data is what a seed draws"},
    {"train_data_type", "", "data must be an object {X, Y, W1, W2}"},
    {"train_data_member", "member", "data has an unknown member '%.40s'; expected X, Y, W1 and W2"},
    {"train_data_count", "name count width",
     "data.%s must hold %zu numbers for width %zu (an array of them, or of rows)"},
    {"train_too_much_work", "cells steps width limit",
     "%zu cells x %llu steps at width %zu is more than %llu units of work (fewer cells or steps, "
     "or a smaller width)"},
    {"train_cell_work", "steps width work limit",
     "%llu steps at width %zu are %llu units of work a cell; a cell may take %llu, as long as one "
     "turn holds the device (fewer steps or a smaller width)"},
    {"no_such_train_field", "",
     "no such endpoint; a trainability window's fields are at /api/v1/explorations/ID/passes/P/"
     "FIELD, P 0 (coarse) or 1, FIELD measure or converged"},
    /* tunings (tunings.c) */
    {"tune_not_catalogue", "reason",
     "%s (tunings take the catalogue's functions, not expressions)"},
    {"queue_full", "waiting", "%u tunings are waiting for the device; retry when one ends"},
    {"tune_too_many_runs", "optimizers values seeds starts limit",
     "%zu optimizers x %zu values x %zu seeds x %zu starts is more than %u runs (fewer values, "
     "seeds or starts)"},
    {"tune_noise", "", "noise must be a finite number >= 0"},
    {"tune_optimizers_required", "limit", "optimizers is required: the specs to tune, 1 .. %u"},
    {"tune_score", "", "score must be \"final\", \"auc\" or \"reach\""},
    {"tune_vary_type", "", "vary must be an array of 0, 1 or 2 axes {name, lo, hi, n, log}"},
    {"view_order", "", "view must have x0 < x1 and y0 < y1"},
    {"too_many_runs", "runs limit fewer", "%zu runs; the limit is %u (fewer %s)"},
    {"too_much_work", "runs steps total limit",
     "%zu runs x %llu steps = %llu run-steps; the limit is %llu"},
    {"no_such_field", "more",
     "no such endpoint; a pass's fields are at /api/v1/explorations/ID/passes/P/FIELD, P 0 "
     "(coarse) or 1, FIELD x, y, f, converged_at, diverged_at%s"},
    {"pass_not_ready", "pass", "pass %d is not computed yet; its event on the stream says when"},
    {"check_required", "",
     "function or optimizer is required, e.g. ?function=x^2%%2B10*y^2 or ?optimizer=adam(lr=0.01)"},
    {"unknown_field", "name expected", "unknown field \"%.40s\"; expected %s"},
    {"bad_json", "line column reason", "invalid JSON at line %d, column %d: %s"},
    {"not_object", "example", "the request must be a JSON object such as %s"},
    {"not_integer", "field min max", "%s must be an integer from %lld to %lld"},
    {"out_of_range", "field value min max", "%s = %lld is out of range: the limit is %lld .. %lld"},
    {"optimizers_type", "", "optimizers must be an array of specs, e.g. [\"adam(lr=0.01)\"]"},
    {"optimizers_count", "count max", "optimizers has %zu entries; expected 1 .. %zu"},
    {"optimizer_type", "field",
     "%s must be a string such as \"adam(lr=0.01)\" or an object such as {\"name\": \"sgd\", "
     "\"momentum\": 0.9}"},
    {"bad_optimizer", "index reason", "optimizers[%zu]: %s"},
    {"optimizer_too_long", "index", "optimizers[%zu] is too long"},
    {"body_budget", "",
     "the server's memory budget has no room for this request's body now; retry in a moment"},
    {"id_collision", "kind id", "two different requests hash to %s id %s"},
    {"over_budget", "kind need budget",
     "this %s needs up to %zu MiB of the server's memory and the budget is %zu MiB (clopt serve "
     "--memory); ask for less"},
    {"budget_busy", "budget kind need",
     "the server's memory budget (%zu MiB) is held by other clients' work; this %s needs up to %zu "
     "MiB: retry when some has finished"},
    {"bad_integer", "field text min max", "%s = '%.32s'; expected an integer from %zu to %zu"},
    {"bad_view", "text", "view = '%.64s'; expected x0,x1,y0,y1: four numbers within +-1e6"},
    {"bad_view_order", "text", "view = '%.64s'; expected x0 < x1 and y0 < y1"},
    {"bad_format", "text", "format = '%.32s'; expected json or f32"},
    {"too_many_values", "values limit", "nx x ny = %zu values; the limit is %u"},
    {"method_not_allowed", "method allowed", "method %s is not allowed here; use %s"},
    {"function_type", "", "function must be a string"},
    {"starts_type", "", "starts must be an array of [x, y] pairs"},
    {"starts_count", "count max", "starts has %zu points; expected 1 .. %u"},
    {"start_type", "field", "%s must be a pair of numbers [x, y]"},
    {"start_range", "field axis value axis", "%s: %c = %g is out of range; expected |%c| <= 1e6"},
    {"bad_noise", "",
     "noise must be a number from 0 to 1e6 (the standard deviation added to each gradient "
     "component)"},
    {"state_type", "", "state must be true or false"},
    {"too_many_trajectories", "optimizers starts trajectories limit",
     "%zu optimizers x %zu starts = %zu trajectories; the limit is %u"},
    {"too_many_state", "limit trajectories",
     "\"state\": true allows at most %u trajectories; this run has %zu"},
    {"state_every", "every", "\"state\": true records every step, so every must be 1 (it is %llu)"},
    {"too_many_points", "trajectories points total limit",
     "%zu trajectories x %llu recorded points = %zu points; the limit is %u per run (raise every "
     "or lower steps)"},
    {"no_such_endpoint", "collection collection collection",
     "no such endpoint; %s are at /api/v1/%s/ID and /api/v1/%s/ID/events"},
    {"streams_full", "streams",
     "%zu event streams are open, the most this server keeps (3/4 of --max-connections); retry in "
     "a moment"},
    {"client_streams", "streams",
     "this client already has %zu event streams open, the most one client may hold (clopt serve "
     "--client-streams); close one"},
    {"bad_event_id", "field text",
     "%s = '%.24s'; expected the id of the last event received (an integer >= 0)"},
    {"over_examples", "limit examples examples",
     "limit = %llu, but the data set has %zu training examples; expected 0 (all) .. %zu"},
    {"refused", "reason", "%s"},
};

/* The next conversion of fmt at or after *at: its precision (-1: none) and its type letter
 * with the length modifier folded in ('s', 'c', 'g', 'i' signed, 'u' unsigned, 'l' long long,
 * 'L' unsigned long long, 'z' size_t); 0 at the end. */
static char next_conversion(const char **at, int *precision)
{
    const char *s = *at;
    for (;;) {
        s = strchr(s, '%');
        if (!s) return 0;
        if (s[1] != '%') break;
        s += 2;
    }
    s++;
    *precision = -1;
    if (*s == '.') {
        *precision = 0;
        for (s++; *s >= '0' && *s <= '9'; s++)
            *precision = *precision * 10 + (*s - '0');
    }
    char type;
    if (s[0] == 'l' && s[1] == 'l') {
        s += 2;
        type = *s == 'u' ? 'L' : 'l';
    } else if (s[0] == 'z') {
        s++;
        type = 'z';
    } else
        type = *s == 'd' ? 'i' : *s;
    *at = s + 1;
    return type;
}

/* The key-th key (0-based) of keys into out (at most n bytes); 0 when there is none. */
static int key_at(const char *keys, size_t key, char *out, size_t n)
{
    for (size_t k = 0; *keys; k++) {
        const size_t len = strcspn(keys, " ");
        if (k == key) {
            snprintf(out, n, "%.*s", (int)len, keys);
            return len > 0;
        }
        keys += len + (keys[len] == ' ');
    }
    return 0;
}

static clopt_expr_arg *arg_slot(srv_problem *p, const char *key)
{
    for (size_t i = 0; i < SRV_PROBLEM_MAX_ARGS; i++)
        if (!p->args[i].key[0] || !strcmp(p->args[i].key, key)) return &p->args[i];
    return NULL;
}

void srv_refusal_fill(srv_problem *p, const char *fmt, va_list ap)
{
    const srv_refusal *r = NULL;
    for (size_t i = 0; !r && i < sizeof refusals / sizeof *refusals; i++)
        if (!strcmp(refusals[i].fmt, fmt)) r = &refusals[i];
    if (!r) return; /* the tests fail on such a format: every refusal has its row */
    p->code = r->code;
    const char *at = fmt;
    int precision;
    char type;
    for (size_t k = 0; (type = next_conversion(&at, &precision)); k++) {
        char key[sizeof p->args[0].key];
        clopt_expr_arg tmp = {0};
        if (type == 's') {
            const char *s = va_arg(ap, const char *);
            snprintf(tmp.text, sizeof tmp.text, "%.*s",
                     precision < 0 ? (int)sizeof tmp.text : precision, s ? s : "");
        } else if (type == 'c')
            snprintf(tmp.text, sizeof tmp.text, "%c", va_arg(ap, int));
        else if (type == 'g')
            snprintf(tmp.text, sizeof tmp.text, "%g", va_arg(ap, double));
        else if (type == 'l')
            tmp.number = (long)va_arg(ap, long long);
        else if (type == 'L')
            tmp.number = (long)va_arg(ap, unsigned long long);
        else if (type == 'z')
            tmp.number = (long)va_arg(ap, size_t);
        else if (type == 'u')
            tmp.number = (long)va_arg(ap, unsigned);
        else
            tmp.number = va_arg(ap, int);
        clopt_expr_arg *slot = key_at(r->keys, k, key, sizeof key) ? arg_slot(p, key) : NULL;
        if (slot && !slot->key[0]) { /* a repeated key keeps its first value */
            *slot = tmp;
            snprintf(slot->key, sizeof slot->key, "%s", key);
        }
    }
}
