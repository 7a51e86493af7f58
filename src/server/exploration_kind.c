/*
 * srv_exploration_kind, the job kind of POST /api/v1/explorations: the body's "kind" picks
 * the parser (explorations.h), and every later call goes to the kind that the request
 * names in its first member, so basin maps, sweeps and trainability windows share one
 * registry, queue, worker and memory reservation without one knowing the other.
 */
#include "explorations.h"

#include "reply.h"

#include <stdio.h>
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

void srv_explore_created(const srv_job *j, json_t *out, size_t layers, const size_t side[2][2])
{
    json_object_set_new(out, "request", json_loads(j->canonical, 0, NULL));
    json_object_set_new(out, "passes",
                        json_pack("[{s:[III]},{s:[III]}]", "shape", (json_int_t)layers,
                                  (json_int_t)side[0][1], (json_int_t)side[0][0], "shape",
                                  (json_int_t)layers, (json_int_t)side[1][1],
                                  (json_int_t)side[1][0]));
}

void srv_explore_describe(const srv_job *j, json_t *out, uint64_t steps, int passes)
{
    json_object_set_new(out, "pass", json_integer((json_int_t)j->progress[0]));
    json_object_set_new(out, "progress", json_integer((json_int_t)j->progress[1]));
    json_object_set_new(out, "steps", json_integer((json_int_t)steps));
    json_object_set_new(out, "passes_done", json_integer(passes));
}

int srv_explore_field_path(const char *rest, const char *const *names, size_t n, size_t *field)
{
    if (strncmp(rest, "passes/", 7) || (rest[7] != '0' && rest[7] != '1') || rest[8] != '/')
        return -1;
    for (*field = 0; *field < n; (*field)++)
        if (!strcmp(rest + 9, names[*field])) return rest[7] - '0';
    return -1;
}

enum MHD_Result srv_explore_field_reply(srv *s, struct MHD_Connection *c, srv_job *j,
                                        const char *method, int pass, size_t field,
                                        const char *const *names, const int *passes, size_t layers,
                                        const size_t side[2][2], float *const results[2],
                                        const size_t counts[2])
{
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return srv_reply_method(c, method, "GET, HEAD");
    pthread_mutex_lock(&s->lock);
    const int ready = *passes > pass;
    if (ready) srv_job_ref(j);
    pthread_mutex_unlock(&s->lock);
    if (!ready) {
        srv_problem p;
        srv_problem_set(&p, 409, "",
                        "pass %d is not computed yet; its event on the stream says when", pass);
        return srv_reply_problem(c, &p);
    }
    const size_t n = counts[pass];
    char shape[96];
    snprintf(shape, sizeof shape, "%zu,%zu,%zu", layers, side[pass][1], side[pass][0]);
    const char *const headers[] = {"X-Shape", shape, "X-Field", names[field], NULL};
    return srv_reply_job_data(s, c, j, results[pass] + field * n, n * sizeof(float),
                              "application/octet-stream", headers);
}
