/*
 * srv_exploration_kind, the job kind of POST /api/v1/explorations: the body's "kind" picks
 * the parser (explorations.h), and every later call goes to the kind that the request
 * names in its first member, so basin maps, sweeps and trainability windows share one
 * registry, queue, worker and memory reservation without one knowing the other.
 */
#include "explorations.h"

#include <string.h>

static const srv_job_kind *kind_of(const void *req)
{
    return ((const srv_exploration_head *)req)->kind;
}

static int any_turn(srv *s, srv_job *j, char *error, size_t esize)
{
    return kind_of(j->req)->turn(s, j, error, esize);
}

static void any_release(srv *s, srv_job *j)
{
    if (kind_of(j->req)->release) kind_of(j->req)->release(s, j);
}

static void any_free_request(void *req)
{
    if (req) kind_of(req)->free_request(req);
}

/* The body's "kind" picks the parser; anything else (not JSON, no such kind) goes to the
 * basins' and sweeps' parser, whose refusals name what is wrong. */
static void *any_parse(const srv *s, const char *body, size_t len, char **canonical, srv_problem *p)
{
    const srv_job_kind *k = &srv_explore_maps_kind;
    json_t *root = len <= SRV_MAX_BODY ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *kind = json_object_get(root, "kind");
    if (json_is_string(kind) && !strcmp(json_string_value(kind), "trainability"))
        k = &srv_trainability_kind;
    json_decref(root);
    return k->parse(s, body, len, canonical, p);
}

static void any_created(const srv_job *j, json_t *out)
{
    kind_of(j->req)->created(j, out);
}

static void any_describe(const srv_job *j, json_t *out)
{
    kind_of(j->req)->describe(j, out);
}

static size_t any_estimate(const srv *s, const void *req)
{
    return kind_of(req)->estimate(s, req);
}

static size_t any_result_bytes(const srv_job *j)
{
    return kind_of(j->req)->result_bytes(j);
}

static enum MHD_Result any_subroute(srv *s, struct MHD_Connection *c, srv_job *j, const char *rest,
                                    const char *method)
{
    return kind_of(j->req)->subroute(s, c, j, rest, method);
}

const srv_job_kind srv_exploration_kind = {
    .name = "exploration",
    .collection = "explorations",
    .busy = "%u explorations are waiting for the device; retry when one ends",
    .active = 1,
    .queue = SRV_EXPLORE_QUEUE,
    .keep = SRV_EXPLORE_KEEP,
    .turn = any_turn,
    .release = any_release,
    .free_request = any_free_request,
    .parse = any_parse,
    .created = any_created,
    .describe = any_describe,
    .estimate = any_estimate,
    .result_bytes = any_result_bytes,
    .subroute = any_subroute,
};
