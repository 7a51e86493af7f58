/*
 * Dispatch by path and method, and the run endpoints: POST /api/v1/runs, GET and DELETE
 * /api/v1/runs/ID, GET /api/v1/runs/ID/events.
 */
#include "routes.h"

#include "config.h"
#include "reply.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

#define RUNS "/api/v1/runs"
#define TRAININGS "/api/v1/trainings"

/* The state names the stream's points carry for one optimizer (none for plain SGD). */
static json_t *state_names(const clopt_config *c)
{
    json_t *names = json_array();
    const size_t live = clopt_catalogue_state_count(c->info, c->v);
    for (size_t i = 0; i < live; i++)
        json_array_append_new(names, json_string(c->info->state[i]));
    return names;
}

static json_t *trajectories_json(const srv_request *req)
{
    json_t *all = json_array();
    for (size_t k = 0; k < req->o.noptimizers; k++) {
        clopt_config c;
        clopt_spec_parse(req->specs[k], &c, NULL);
        for (size_t s = 0; s < req->o.nstarts; s++) {
            json_t *t = json_pack("{s:o,s:[ff]}", "optimizer", json_loads(req->specs[k], 0, NULL),
                                  "start", req->starts[2 * s], req->starts[2 * s + 1]);
            if (t && req->o.state)
                json_object_set_new(t, "state", state_names(&c));
            json_array_append_new(all, t);
        }
    }
    return all;
}

static enum MHD_Result post_run(srv *s, struct MHD_Connection *c, const char *body, size_t len)
{
    srv_request req;
    srv_problem p;
    if (srv_request_parse(body, len, &req, &p))
        return srv_reply_problem(c, &p);
    int created = 0;
    srv_run *r = srv_run_submit(s, &req, &created, &p);
    if (!r) {
        srv_request_free(&req);
        return srv_reply_problem(c, &p);
    }
    char events[96];
    snprintf(events, sizeof events, RUNS "/%s/events", r->req.id);
    json_t *out = json_pack("{s:s,s:s,s:o}", "id", r->req.id, "events", events, "trajectories",
                            trajectories_json(&r->req));
    pthread_mutex_lock(&s->lock);
    srv_run_unref(s, r);
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, created ? 201 : 200, out);
}

static enum MHD_Result run_status(srv *s, struct MHD_Connection *c, srv_run *r)
{
    pthread_mutex_lock(&s->lock);
    json_t *out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:o}", "id", r->req.id, "status",
                            srv_run_status_name(r->status), "progress", (json_int_t)r->progress,
                            "steps", (json_int_t)r->req.o.steps, "events",
                            (json_int_t)r->log.count, "request",
                            json_loads(r->req.canonical, 0, NULL));
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, 200, out);
}

static enum MHD_Result run_delete(srv *s, struct MHD_Connection *c, srv_run *r)
{
    const srv_run_status was = srv_run_delete(s, r);
    const int live = was == RUN_QUEUED || was == RUN_RUNNING;
    return srv_reply_json(c, 200,
                          json_pack("{s:s,s:s}", "id", r->req.id, "status",
                                    live ? "cancelled" : srv_run_status_name(was)));
}

static void run_ref(void *owner)
{
    ((srv_run *)owner)->refs++;
}

static void run_unref(srv *s, void *owner)
{
    srv_run_unref(s, owner);
}

static enum MHD_Result run_events(srv *s, struct MHD_Connection *c, srv_run *r)
{
    const srv_feed feed = {&r->log, r, run_ref, run_unref};
    return srv_stream_reply(s, c, &feed);
}

static int is_id(const char *s, size_t n)
{
    if (n != SRV_ID_CHARS)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static enum MHD_Result not_found(struct MHD_Connection *c, const char *what)
{
    srv_problem p;
    srv_problem_set(&p, 404, "", "%s", what);
    return srv_reply_problem(c, &p);
}

/*
 * Parses ID[/events] below a collection ("runs", "trainings") and checks the method.
 * Returns 1 with id, *events and *get set, or 0 with the refusal sent in *rc.
 */
static int item_path(struct MHD_Connection *c, const char *rest, const char *method,
                     const char *collection, char id[SRV_ID_CHARS + 1], int *events, int *get,
                     enum MHD_Result *rc)
{
    const char *slash = strchr(rest, '/');
    const size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    *events = slash && strcmp(slash, "/events") == 0;
    *get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if ((slash && !*events) || !is_id(rest, n)) {
        srv_problem p;
        srv_problem_set(&p, 404, "", "no such endpoint; %s are at /api/v1/%s/ID and "
                        "/api/v1/%s/ID/events", collection, collection, collection);
        *rc = srv_reply_problem(c, &p);
        return 0;
    }
    if (*events && !*get) {
        *rc = srv_reply_method(c, method, "GET, HEAD");
        return 0;
    }
    if (!*events && !*get && strcmp(method, "DELETE")) {
        *rc = srv_reply_method(c, method, "GET, HEAD, DELETE");
        return 0;
    }
    memcpy(id, rest, n);
    id[n] = '\0';
    return 1;
}

/* /api/v1/runs/ID[/events] */
static enum MHD_Result run_route(srv *s, struct MHD_Connection *c, const char *rest,
                                 const char *method)
{
    char id[SRV_ID_CHARS + 1];
    int events, get;
    enum MHD_Result rc;
    if (!item_path(c, rest, method, "runs", id, &events, &get, &rc))
        return rc;
    srv_run *r = srv_run_find(s, id);
    if (!r)
        return not_found(c, "no run with this id: it was deleted or evicted (POST the request "
                            "again to recompute it)");
    rc = events ? run_events(s, c, r) : get ? run_status(s, c, r) : run_delete(s, c, r);
    pthread_mutex_lock(&s->lock);
    srv_run_unref(s, r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static enum MHD_Result post_training(srv *s, struct MHD_Connection *c, const char *body,
                                     size_t len)
{
    srv_train_request req;
    srv_problem p;
    if (srv_train_request_parse(body, len, &req, &p))
        return srv_reply_problem(c, &p);
    int created = 0;
    srv_training *t = srv_training_submit(s, &req, &created, &p);
    if (!t) {
        srv_train_request_free(&req);
        return srv_reply_problem(c, &p);
    }
    char events[96];
    snprintf(events, sizeof events, TRAININGS "/%s/events", t->req.id);
    json_t *optimizers = json_array();
    for (size_t i = 0; i < t->req.nspecs; i++)
        json_array_append_new(optimizers, json_loads(t->req.specs[i], 0, NULL));
    json_t *out = json_pack("{s:s,s:s,s:o,s:o}", "id", t->req.id, "events", events,
                            "optimizers", optimizers, "request",
                            json_loads(t->req.canonical, 0, NULL));
    pthread_mutex_lock(&s->lock);
    srv_training_unref(s, t);
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, created ? 201 : 200, out);
}

static void training_ref(void *owner)
{
    ((srv_training *)owner)->refs++;
}

static void training_unref(srv *s, void *owner)
{
    srv_training_unref(s, owner);
}

static enum MHD_Result training_answer(srv *s, struct MHD_Connection *c, srv_training *t,
                                       int events, int get)
{
    if (events) {
        const srv_feed feed = {&t->log, t, training_ref, training_unref};
        return srv_stream_reply(s, c, &feed);
    }
    if (!get) {
        const srv_run_status was = srv_training_delete(s, t);
        const int live = was == RUN_QUEUED || was == RUN_RUNNING;
        return srv_reply_json(c, 200, json_pack("{s:s,s:s}", "id", t->req.id, "status",
                                                live ? "cancelled" : srv_run_status_name(was)));
    }
    pthread_mutex_lock(&s->lock);
    json_t *out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:o}", "id", t->req.id, "status",
                            srv_run_status_name(t->status), "optimizer", (json_int_t)t->optimizer,
                            "epochs_done", (json_int_t)t->epochs, "events",
                            (json_int_t)t->log.count, "request",
                            json_loads(t->req.canonical, 0, NULL));
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, 200, out);
}

/* /api/v1/trainings/ID[/events] */
static enum MHD_Result training_route(srv *s, struct MHD_Connection *c, const char *rest,
                                      const char *method)
{
    char id[SRV_ID_CHARS + 1];
    int events, get;
    enum MHD_Result rc;
    if (!item_path(c, rest, method, "trainings", id, &events, &get, &rc))
        return rc;
    srv_training *t = srv_training_find(s, id);
    if (!t)
        return not_found(c, "no training with this id: it was deleted or has been replaced by "
                            "newer ones (POST the request again)");
    rc = training_answer(s, c, t, events, get);
    pthread_mutex_lock(&s->lock);
    srv_training_unref(s, t);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

typedef enum MHD_Result (*get_handler)(srv *s, struct MHD_Connection *c);

static const struct {
    const char *path;
    get_handler get;
} gets[] = {
    {"/api/v1/health", srv_api_health},       {"/api/v1/optimizers", srv_api_optimizers},
    {"/api/v1/functions", srv_api_functions}, {"/api/v1/devices", srv_api_devices},
    {"/api/v1/landscape", srv_api_landscape}, {"/api/v1/check", srv_api_check},
};

enum MHD_Result srv_route(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len)
{
    const int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    for (size_t i = 0; i < sizeof gets / sizeof *gets; i++)
        if (!strcmp(url, gets[i].path))
            return get ? gets[i].get(s, c) : srv_reply_method(c, method, "GET, HEAD");
    if (!strcmp(url, RUNS))
        return strcmp(method, "POST") ? srv_reply_method(c, method, "POST")
                                      : post_run(s, c, body ? body : "", len);
    if (!strncmp(url, RUNS "/", sizeof RUNS))
        return run_route(s, c, url + sizeof RUNS, method);
    if (!strcmp(url, TRAININGS))
        return strcmp(method, "POST") ? srv_reply_method(c, method, "POST")
                                      : post_training(s, c, body ? body : "", len);
    if (!strncmp(url, TRAININGS "/", sizeof TRAININGS))
        return training_route(s, c, url + sizeof TRAININGS, method);
    if (!strncmp(url, "/api/", 5))
        return not_found(c, "no such endpoint; see /api/v1/health, optimizers, functions, "
                            "devices, landscape, check, runs, trainings");
    if (!srv_assets_has(url))
        return not_found(c, "no such page");
    return get ? srv_assets_serve(c, url)
               : srv_reply_method(c, method, "GET, HEAD");
}
