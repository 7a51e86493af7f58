/* Request fields shared by the run and training parsers (see fields.h). */
#include "fields.h"

#include "config.h"
#include "context.h"
#include "spec.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int srv_json_fields(json_t *root, const char *const *fields, const char *expected, srv_problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        size_t i = 0;
        while (fields[i] && strcmp(key, fields[i]))
            i++;
        if (!fields[i])
            return srv_problem_set(p, 400, key, "unknown field \"%.40s\"; expected %s", key,
                                   expected);
    }
    return 0;
}

json_t *srv_json_object(const char *body, size_t len, const char *const *fields,
                        const char *expected, const char *example, srv_problem *p)
{
    if (len > SRV_MAX_BODY) {
        srv_problem_set(p, 413, "", "the request body has %zu bytes; the limit is %u", len,
                        SRV_MAX_BODY);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        srv_problem_set(p, 400, "", "invalid JSON at line %d, column %d: %s", jerr.line,
                        jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(root))
        srv_problem_set(p, 400, "", "the request must be a JSON object such as %s", example);
    else if (!srv_json_fields(root, fields, expected, p))
        return root;
    json_decref(root);
    return NULL;
}

int srv_json_integer(json_t *root, const char *name, json_int_t lo, json_int_t hi, uint64_t *out,
                     srv_problem *p)
{
    json_t *v = json_object_get(root, name);
    if (!v) return 0;
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

int srv_json_precision(json_t *root, clopt_precision *out, srv_problem *p)
{
    json_t *v = json_object_get(root, "precision");
    if (!v) return 0;
    const char *text = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(text, "float") && strcmp(text, "double"))
        return srv_problem_set(p, 400, "precision", "precision must be \"float\" or \"double\"");
    *out = text[0] == 'd' ? CLOPT_PRECISION_DOUBLE : CLOPT_PRECISION_FLOAT;
    return 0;
}

int srv_check_fp64(clopt_context *ctx, clopt_precision precision, srv_problem *p)
{
    if (ctx && precision == CLOPT_PRECISION_DOUBLE && !clopt_context_has_fp64(ctx))
        return srv_problem_set(p, 400, "precision",
                               "precision \"double\" needs the device's cl_khr_fp64 extension, "
                               "which this device lacks; use \"float\"");
    return 0;
}

static int json_optimizers(json_t *root, size_t max, int training, char ***specs, size_t *n,
                           srv_problem *p)
{
    json_t *list = json_object_get(root, "optimizers");
    const size_t k = list ? json_array_size(list) : 1;
    if (list && !json_is_array(list))
        return srv_problem_set(p, 400, "optimizers",
                               "optimizers must be an array of specs, e.g. [\"adam(lr=0.01)\"]");
    if (k == 0 || k > max)
        return srv_problem_set(p, 400, "optimizers",
                               "optimizers has %zu entries; expected 1 .. %zu", k, max);
    if (!(*specs = calloc(k, sizeof **specs))) return srv_problem_set(p, 503, "", "out of memory");
    *n = k;
    for (size_t i = 0; i < k; i++) {
        char field[48];
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
        clopt_status st = !spec      ? CLOPT_ENOMEM
                          : training ? clopt_spec_parse_training(spec, &c, &err)
                                     : clopt_spec_parse(spec, &c, &err);
        free(text);
        if (st != CLOPT_OK)
            return srv_problem_set(p, 400, field, "optimizers[%zu]: %s", i,
                                   spec ? err.text : "out of memory");
        if (!((*specs)[i] = clopt_config_json(&c)))
            return srv_problem_set(p, 503, "", "out of memory");
    }
    return 0;
}

int srv_json_optimizers(json_t *root, size_t max, char ***specs, size_t *n, srv_problem *p)
{
    return json_optimizers(root, max, 0, specs, n, p);
}

int srv_json_training_optimizers(json_t *root, size_t max, char ***specs, size_t *n, srv_problem *p)
{
    return json_optimizers(root, max, 1, specs, n, p);
}

void srv_hash_id(const char *text, char id[SRV_ID_CHARS + 1])
{
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, strlen(text), (const uint8_t *)text);
    sha256_digest(&h, sizeof digest, digest);
    for (int i = 0; i < SRV_ID_CHARS / 2; i++)
        snprintf(&id[2 * i], 3, "%02x", digest[i]);
}
