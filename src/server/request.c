/*
 * POST /api/v1/runs bodies: strict JSON (duplicate keys, unknown fields and wrong types are
 * refused with the field's name), the server's limits, then the engine's own check. The
 * canonical text is what the id hashes, so "adam" and {"name":"Adam","lr":0.001} are one
 * run.
 */
#include "request.h"

#include "fields.h"

#include "config.h"
#include "functions.h"
#include "spec.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"function", "optimizers", "starts", "steps",     "every",
                                     "noise",    "seed",       "state",  "precision", NULL};

static int parse_optimizers(json_t *root, srv_request *r, srv_problem *p)
{
    if (srv_json_optimizers(root, SRV_MAX_TRAJECTORIES, &r->specs, &r->o.noptimizers, p)) return -1;
    return 0;
}

static int parse_function(json_t *root, srv_request *r, srv_problem *p)
{
    json_t *v = json_object_get(root, "function");
    if (!v)
        return srv_problem_set(p, 400, "function",
                               "function is required, e.g. \"rosenbrock\" (see /api/v1/functions)");
    if (!json_is_string(v)) return srv_problem_set(p, 400, "function", "function must be a string");
    if (srv_function_resolve(json_string_value(v), &r->function, p)) return -1;
    r->o.function = r->function;
    return 0;
}

static int parse_starts(json_t *root, srv_request *r, srv_problem *p)
{
    json_t *list = json_object_get(root, "starts");
    if (list && !json_is_array(list))
        return srv_problem_set(p, 400, "starts", "starts must be an array of [x, y] pairs");
    const size_t s = list ? json_array_size(list) : 1;
    if (s == 0 || s > SRV_MAX_TRAJECTORIES)
        return srv_problem_set(p, 400, "starts", "starts has %zu points; expected 1 .. %u", s,
                               SRV_MAX_TRAJECTORIES);
    if (!(r->starts = malloc(2 * s * sizeof *r->starts)))
        return srv_problem_set(p, 503, "", "out of memory");
    r->o.starts = r->starts;
    r->o.nstarts = s;
    if (!list) {
        clopt_function_ref f;
        clopt_error err;
        const clopt_status st = clopt_function_resolve(r->function, &f, NULL, &err);
        if (st == CLOPT_OK) memcpy(r->starts, f.info->start, sizeof f.info->start);
        clopt_function_ref_release(&f);
        return st == CLOPT_OK
                   ? 0
                   : srv_problem_set(p, st == CLOPT_ENOMEM ? 503 : 400, "function", "%s", err.text);
    }
    for (size_t i = 0; i < s; i++) {
        char field[32];
        snprintf(field, sizeof field, "starts[%zu]", i);
        json_t *pt = json_array_get(list, i);
        if (!json_is_array(pt) || json_array_size(pt) != 2 ||
            !json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1)))
            return srv_problem_set(p, 400, field, "%s must be a pair of numbers [x, y]", field);
        for (size_t c = 0; c < 2; c++) {
            double v = json_number_value(json_array_get(pt, c));
            if (!(fabs(v) <= 1e6))
                return srv_problem_set(p, 400, field,
                                       "%s: %c = %g is out of range; expected |%c| <= 1e6", field,
                                       "xy"[c], v, "xy"[c]);
            r->starts[2 * i + c] = v;
        }
    }
    return 0;
}

static int parse_scalars(json_t *root, srv_request *r, srv_problem *p)
{
    r->o.steps = 500;
    r->o.every = 1;
    if (srv_json_integer(root, "steps", 1, SRV_MAX_STEPS, &r->o.steps, p) ||
        srv_json_integer(root, "every", 1, (json_int_t)r->o.steps, &r->o.every, p) ||
        srv_json_integer(root, "seed", 0, SRV_MAX_SEED, &r->o.seed, p))
        return -1;
    json_t *v = json_object_get(root, "noise");
    if (v) {
        if (!json_is_number(v) || !(json_number_value(v) >= 0.0) || !(json_number_value(v) <= 1e6))
            return srv_problem_set(p, 400, "noise",
                                   "noise must be a number from 0 to 1e6 (the standard "
                                   "deviation added to each gradient component)");
        r->o.noise = json_number_value(v);
    }
    v = json_object_get(root, "state");
    if (v) {
        if (!json_is_boolean(v))
            return srv_problem_set(p, 400, "state", "state must be true or false");
        r->o.state = json_is_true(v);
    }
    return srv_json_precision(root, &r->o.precision, p);
}

/* The server's limits on the size of a run, each named in its message. */
static int check_size(srv_request *r, srv_problem *p)
{
    const size_t k = r->o.noptimizers, s = r->o.nstarts;
    if (k * s > SRV_MAX_TRAJECTORIES)
        return srv_problem_set(p, 400, "starts",
                               "%zu optimizers x %zu starts = %zu trajectories; the limit is %u", k,
                               s, k * s, SRV_MAX_TRAJECTORIES);
    if (r->o.state && k * s > SRV_MAX_STATE_TRAJECTORIES)
        return srv_problem_set(p, 400, "state",
                               "\"state\": true allows at most %u trajectories; this run has %zu",
                               SRV_MAX_STATE_TRAJECTORIES, k * s);
    if (r->o.state && r->o.every != 1)
        return srv_problem_set(p, 400, "every",
                               "\"state\": true records every step, so every must be 1 (it is "
                               "%llu)",
                               (unsigned long long)r->o.every);
    const uint64_t rows = r->o.steps / r->o.every + 1;
    r->points = k * s * (size_t)rows;
    if (r->points > SRV_MAX_POINTS)
        return srv_problem_set(p, 400, "steps",
                               "%zu trajectories x %llu recorded points = %zu points; the limit "
                               "is %u per run (raise every or lower steps)",
                               k * s, (unsigned long long)rows, r->points, SRV_MAX_POINTS);
    return 0;
}

/*
 * Keys in sorted order, numbers as the shortest text that reads back exactly (so 0.1 stays
 * "0.1"), optimizers as their get_config() text: equal requests give equal bytes.
 */
static char *canonical_text(const srv_request *r)
{
    char *text = NULL, a[32], b[32];
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fprintf(f, "{\"every\":%llu,\"function\":\"%s\",\"noise\":%s,\"optimizers\":[",
            (unsigned long long)r->o.every, r->o.function, clopt_format_number(a, r->o.noise));
    for (size_t i = 0; i < r->o.noptimizers; i++)
        fprintf(f, "%s%s", i ? "," : "", r->specs[i]);
    /* "precision" only when double: a float run keeps the id it had before the field */
    fprintf(f, "]%s,\"seed\":%llu,\"starts\":[",
            r->o.precision == CLOPT_PRECISION_DOUBLE ? ",\"precision\":\"double\"" : "",
            (unsigned long long)r->o.seed);
    for (size_t i = 0; i < r->o.nstarts; i++)
        fprintf(f, "%s[%s,%s]", i ? "," : "", clopt_format_number(a, r->starts[2 * i]),
                clopt_format_number(b, r->starts[2 * i + 1]));
    fprintf(f, "],\"state\":%s,\"steps\":%llu}", r->o.state ? "true" : "false",
            (unsigned long long)r->o.steps);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int srv_request_parse(const char *body, size_t len, srv_request *req, srv_problem *p)
{
    memset(req, 0, sizeof *req);
    json_t *root = srv_json_object(
        body, len, fields,
        "function, optimizers, starts, steps, every, noise, seed, state or precision",
        "{\"function\": \"rosenbrock\", \"optimizers\": [\"adam\"]}", p);
    if (!root) return -1;
    int rc = -1;
    if (parse_function(root, req, p) || parse_optimizers(root, req, p) ||
        parse_starts(root, req, p) || parse_scalars(root, req, p) || check_size(req, p))
        goto done;
    req->o.optimizers = (const char *const *)req->specs;
    clopt_error err;
    if (clopt_run_check(&req->o, &err) != CLOPT_OK) {
        srv_problem_set(p, 400, "", "%s", err.text);
        goto done;
    }
    if (!(req->canonical = canonical_text(req))) {
        srv_problem_set(p, 503, "", "out of memory");
        goto done;
    }
    srv_hash_id(req->canonical, req->id);
    rc = 0;
done:
    json_decref(root);
    if (rc) srv_request_free(req);
    return rc;
}

int srv_parse_count(const char *text, unsigned long long *out)
{
    if (*text < '0' || *text > '9') return -1;
    char *end;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return *end || errno ? -1 : 0;
}

int srv_function_resolve(const char *text, char **name, srv_problem *p)
{
    clopt_function_ref f;
    clopt_expr_error where;
    clopt_error err;
    const clopt_status st = clopt_function_resolve(text, &f, &where, &err);
    if (st == CLOPT_OK && !(*name = strdup(f.info->name)))
        srv_problem_set(p, 503, "", "out of memory");
    clopt_function_ref_release(&f);
    if (st != CLOPT_OK) {
        srv_problem_set(p, st == CLOPT_ENOMEM ? 503 : 400, "function", "%s", err.text);
        srv_problem_expr(p, &where);
        return -1;
    }
    return *name ? 0 : -1;
}

void srv_request_free(srv_request *req)
{
    free(req->function);
    if (req->specs)
        for (size_t i = 0; i < req->o.noptimizers; i++)
            free(req->specs[i]);
    free(req->specs);
    free(req->starts);
    free(req->canonical);
    json_decref(req->rates);
    memset(req, 0, sizeof *req);
}
