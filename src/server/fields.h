/*
 * The strict JSON request bodies' fields, shared by runs and trainings: unknown fields,
 * wrong types and out-of-range values are refused with the field's name, and the id of a
 * request is the hash of its canonical text.
 */
#ifndef CLOPT_SERVER_FIELDS_H
#define CLOPT_SERVER_FIELDS_H

#include "problem.h"
#include "request.h"

#include <jansson.h>
#include <stdint.h>

/*
 * Parses a request body of at most SRV_MAX_BODY bytes as a JSON object (duplicate keys
 * refused) whose members are all in `fields` (NULL-terminated; `expected` lists them,
 * `example` shows a valid body). NULL with *p filled (413, 400).
 */
json_t *srv_json_object(const char *body, size_t len, const char *const *fields,
                        const char *expected, const char *example, srv_problem *p);

/* Refuses a member of root not in `fields` (NULL-terminated); `expected` lists them. */
int srv_json_fields(json_t *root, const char *const *fields, const char *expected, srv_problem *p);

/* An optional integer member in [lo, hi]; *out keeps its default when it is absent. */
int srv_json_integer(json_t *root, const char *name, json_int_t lo, json_int_t hi, uint64_t *out,
                     srv_problem *p);

/*
 * "optimizers": 1 .. max specs (strings or objects; absent: ["adam"]), each resolved to its
 * get_config() JSON text in *specs (*n of them, allocated; free each and the array, also
 * after an error).
 */
int srv_json_optimizers(json_t *root, size_t max, char ***specs, size_t *n, srv_problem *p);

/* The same for a training, where a schedule's steps may be "all" (the whole training). */
int srv_json_training_optimizers(json_t *root, size_t max, char ***specs, size_t *n,
                                 srv_problem *p);

/* An optional "precision": "float" (the default, *out unchanged) or "double". */
int srv_json_precision(json_t *root, clopt_precision *out, srv_problem *p);

/* Refuses precision double (field "precision") where the server's device lacks cl_khr_fp64;
 * 0 without a device (offline checks). */
int srv_check_fp64(clopt_context *ctx, clopt_precision precision, srv_problem *p);

/* The first SRV_ID_CHARS hex digits of SHA-256(text). */
void srv_hash_id(const char *text, char id[SRV_ID_CHARS + 1]);

#endif
