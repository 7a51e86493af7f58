/*
 * POST /api/v1/runs bodies: strict JSON (duplicate keys, unknown fields and wrong types are
 * refused with the field's name), the server's limits, then the engine's own check. The
 * canonical text is what the id hashes, so "adam" and {"name":"Adam","lr":0.001} are one
 * run.
 */
#include "request.h"

#include "config.h"
#include "spec.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"function", "optimizers", "starts", "steps",
                                     "every",    "noise",      "seed",   "state"};

static int check_fields(json_t *root, srv_problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        size_t i = 0;
        while (i < sizeof fields / sizeof *fields && strcmp(key, fields[i]))
            i++;
        if (i == sizeof fields / sizeof *fields)
            return srv_problem_set(p, 400, key,
                                   "unknown field \"%.40s\"; expected function, optimizers, "
                                   "starts, steps, every, noise, seed or state",
                                   key);
    }
    return 0;
}

/* An optional integer field in [lo, hi]; *out keeps its default when the field is absent. */
static int integer_field(json_t *root, const char *name, json_int_t lo, json_int_t hi,
                         uint64_t *out, srv_problem *p)
{
    json_t *v = json_object_get(root, name);
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return srv_problem_set(p, 400, name, "%s must be an integer from %lld to %lld", name,
                               (long long)lo, (long long)hi);
    json_int_t n = json_integer_value(v);
    if (n < lo || n > hi)
        return srv_problem_set(p, 400, name, "%s = %lld is out of range: the limit is %lld .. %lld",
                               name, (long long)n, (long long)lo, (long long)hi);
    *out = (uint64_t)n;
    return 0;
}

static int parse_function(json_t *root, srv_request *r, srv_problem *p)
{
    json_t *v = json_object_get(root, "function");
    if (!v)
        return srv_problem_set(p, 400, "function",
                               "function is required, e.g. \"rosenbrock\" (see /api/v1/functions)");
    if (!json_is_string(v))
        return srv_problem_set(p, 400, "function", "function must be a string");
    clopt_error err;
    const clopt_function_info *f = clopt_function_find(json_string_value(v), &err);
    if (!f)
        return srv_problem_set(p, 400, "function", "%s", err.text);
    r->o.function = f->name;
    return 0;
}

static int parse_optimizers(json_t *root, srv_request *r, srv_problem *p)
{
    json_t *list = json_object_get(root, "optimizers");
    const size_t k = list ? json_array_size(list) : 1;
    if (list && !json_is_array(list))
        return srv_problem_set(p, 400, "optimizers",
                               "optimizers must be an array of specs, e.g. [\"adam(lr=0.01)\"]");
    if (k == 0 || k > SRV_MAX_TRAJECTORIES)
        return srv_problem_set(p, 400, "optimizers",
                               "optimizers has %zu entries; expected 1 .. %u", k,
                               SRV_MAX_TRAJECTORIES);
    if (!(r->specs = calloc(k, sizeof *r->specs)))
        return srv_problem_set(p, 503, "", "out of memory");
    r->o.noptimizers = k;
    for (size_t i = 0; i < k; i++) {
        char field[32];
        snprintf(field, sizeof field, "optimizers[%zu]", i);
        json_t *v = list ? json_array_get(list, i) : NULL;
        char *text = NULL;
        const char *spec = "adam";
        if (v && json_is_string(v))
            spec = json_string_value(v);
        else if (v && json_is_object(v))
            spec = text = json_dumps(v, JSON_COMPACT);
        else if (v)
            return srv_problem_set(p, 400, field,
                                   "%s must be a string such as \"adam(lr=0.01)\" or an object "
                                   "such as {\"name\": \"sgd\", \"momentum\": 0.9}",
                                   field);
        clopt_config c;
        clopt_error err = {0}; /* clopt_spec_parse keeps an error already set */
        clopt_status st = spec ? clopt_spec_parse(spec, &c, &err) : CLOPT_ENOMEM;
        free(text);
        if (st != CLOPT_OK)
            return srv_problem_set(p, 400, field, "%s: %s", field,
                                   spec ? err.text : "out of memory");
        if (!(r->specs[i] = clopt_config_json(&c)))
            return srv_problem_set(p, 503, "", "out of memory");
    }
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
        const clopt_function_info *f = clopt_function_find(r->o.function, NULL);
        memcpy(r->starts, f->start, sizeof f->start);
        return 0;
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
    if (integer_field(root, "steps", 1, SRV_MAX_STEPS, &r->o.steps, p) ||
        integer_field(root, "every", 1, (json_int_t)r->o.steps, &r->o.every, p) ||
        integer_field(root, "seed", 0, ((json_int_t)1 << 53), &r->o.seed, p))
        return -1;
    json_t *v = json_object_get(root, "noise");
    if (v) {
        if (!json_is_number(v) || !(json_number_value(v) >= 0.0) ||
            !(json_number_value(v) <= 1e6))
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
    return 0;
}

/* The server's limits on the size of a run, each named in its message. */
static int check_size(srv_request *r, srv_problem *p)
{
    const size_t k = r->o.noptimizers, s = r->o.nstarts;
    if (k * s > SRV_MAX_TRAJECTORIES)
        return srv_problem_set(p, 400, "starts",
                               "%zu optimizers x %zu starts = %zu trajectories; the limit is %u",
                               k, s, k * s, SRV_MAX_TRAJECTORIES);
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
    if (!f)
        return NULL;
    fprintf(f, "{\"every\":%llu,\"function\":\"%s\",\"noise\":%s,\"optimizers\":[",
            (unsigned long long)r->o.every, r->o.function, clopt_format_number(a, r->o.noise));
    for (size_t i = 0; i < r->o.noptimizers; i++)
        fprintf(f, "%s%s", i ? "," : "", r->specs[i]);
    fprintf(f, "],\"seed\":%llu,\"starts\":[", (unsigned long long)r->o.seed);
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

static void hash_id(const char *text, char id[SRV_ID_CHARS + 1])
{
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, strlen(text), (const uint8_t *)text);
    sha256_digest(&h, sizeof digest, digest);
    for (int i = 0; i < SRV_ID_CHARS / 2; i++)
        snprintf(&id[2 * i], 3, "%02x", digest[i]);
}

int srv_request_parse(const char *body, size_t len, srv_request *req, srv_problem *p)
{
    memset(req, 0, sizeof *req);
    if (len > SRV_MAX_BODY)
        return srv_problem_set(p, 413, "", "the request body has %zu bytes; the limit is %u",
                               len, SRV_MAX_BODY);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return srv_problem_set(p, 400, "", "invalid JSON at line %d, column %d: %s", jerr.line,
                               jerr.column, jerr.text);
    int rc = -1;
    if (!json_is_object(root)) {
        srv_problem_set(p, 400, "", "the request must be a JSON object such as "
                                    "{\"function\": \"rosenbrock\", \"optimizers\": [\"adam\"]}");
        goto done;
    }
    if (check_fields(root, p) || parse_function(root, req, p) ||
        parse_optimizers(root, req, p) || parse_starts(root, req, p) ||
        parse_scalars(root, req, p) || check_size(req, p))
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
    hash_id(req->canonical, req->id);
    rc = 0;
done:
    json_decref(root);
    if (rc)
        srv_request_free(req);
    return rc;
}

int srv_parse_count(const char *text, unsigned long long *out)
{
    if (*text < '0' || *text > '9')
        return -1;
    char *end;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return *end || errno ? -1 : 0;
}

void srv_request_free(srv_request *req)
{
    if (req->specs)
        for (size_t i = 0; i < req->o.noptimizers; i++)
            free(req->specs[i]);
    free(req->specs);
    free(req->starts);
    free(req->canonical);
    memset(req, 0, sizeof *req);
}
