/*
 * Dispatch by path and method, and the job endpoints, the same for every kind posted to
 * /api/v1/<collection>: POST, GET and DELETE /api/v1/<collection>/ID, and GET
 * /api/v1/<collection>/ID/events.
 */
#include "routes.h"

#include "check.h"
#include "fields.h"
#include "landscape_request.h"
#include "landscape.h"
#include "reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API "/api/v1/"

/* The kind posted to path (/api/v1/<collection>[/...]), or NULL; *rest after the name. */
static srv_jobs *posted(srv *s, const char *path, const char **rest)
{
    if (strncmp(path, API, strlen(API))) return NULL;
    path += strlen(API);
    for (size_t k = 0; k < SRV_KINDS; k++) {
        const srv_job_kind *kind = s->jobs[k].kind;
        const size_t n = strlen(kind->collection);
        if (kind->parse && !strncmp(path, kind->collection, n) &&
            (path[n] == '\0' || path[n] == '/')) {
            *rest = path + n;
            return &s->jobs[k];
        }
    }
    return NULL;
}

static enum MHD_Result post_job(srv *s, struct MHD_Connection *c, srv_jobs *q, const char *body,
                                size_t len)
{
    const srv_job_kind *k = q->kind;
    srv_problem p;
    char *canonical = NULL;
    void *req = k->parse(s, body, len, &canonical, &p);
    if (!req) return srv_reply_problem(c, &p);
    char id[SRV_ID_CHARS + 1];
    srv_hash_id(canonical, id);
    int created = 0;
    char client[48];
    srv_connection_client(c, client, sizeof client);
    char follow[SRV_FOLLOW_CHARS + 1];
    srv_job *j = srv_job_submit(q, id, canonical, req, client, follow, &created, &p);
    if (!j) {
        k->free_request(req);
        free(canonical);
        return srv_reply_problem(c, &p);
    }
    char events[96];
    snprintf(events, sizeof events, API "%s/%s/events", k->collection, j->id);
    json_t *out = json_pack("{s:s,s:s}", "id", j->id, "events", events);
    if (out && follow[0]) json_object_set_new(out, "follow", json_string(follow));
    if (out) k->created(j, out);
    srv_job_release(s, j);
    return srv_reply_json(c, created ? 201 : 200, out);
}

static enum MHD_Result job_status(srv *s, struct MHD_Connection *c, srv_job *j)
{
    pthread_mutex_lock(&s->lock);
    json_t *out =
        json_pack("{s:s,s:s,s:I,s:I,s:o}", "id", j->id, "status", srv_job_status_name(j->status),
                  "attempt", (json_int_t)j->attempt, "events", (json_int_t)j->log.count, "request",
                  json_loads(j->canonical, 0, NULL));
    if (out) j->kind->describe(j, out);
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, 200, out);
}

/* ?follow=TOKEN (its POST's answer) lets go of the job; it is cancelled only when no other
 * client follows it; the answer says which. */
static enum MHD_Result job_delete(srv *s, struct MHD_Connection *c, srv_job *j)
{
    const char *token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "follow");
    unsigned followers;
    srv_job_status was;
    srv_problem p;
    if (!token || !*token) {
        srv_problem_set(&p, 400, "follow",
                        "a DELETE names the follow token of the POST that it lets go of: "
                        "?follow=TOKEN, from that POST's answer");
        return srv_reply_problem(c, &p);
    }
    if (srv_job_delete(s, j, token, &followers, &was)) {
        srv_problem_set(&p, 403, "follow",
                        "this follow token is not one of the job's: a client lets go only of a "
                        "job it posted, once, with the token of that POST's answer");
        return srv_reply_problem(c, &p);
    }
    const int live = was == JOB_QUEUED || was == JOB_RUNNING;
    return srv_reply_json(c, 200,
                          json_pack("{s:s,s:s,s:I}", "id", j->id, "status",
                                    live && !followers ? "cancelled" : srv_job_status_name(was),
                                    "followers", (json_int_t)followers));
}

static void feed_ref(void *owner)
{
    srv_job_ref(owner);
}

static void feed_unref(srv *s, void *owner)
{
    srv_job_unref(s, owner);
}

static int is_id(const char *s, size_t n)
{
    if (n != SRV_ID_CHARS) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static enum MHD_Result not_found(struct MHD_Connection *c, const char *what)
{
    srv_problem p;
    srv_problem_set(&p, 404, "", "%s", what);
    return srv_reply_problem(c, &p);
}

/* /api/v1/<collection>/ID[/events] */
static enum MHD_Result item_route(srv *s, struct MHD_Connection *c, srv_jobs *q, const char *rest,
                                  const char *method)
{
    const char *collection = q->kind->collection;
    const char *slash = strchr(rest, '/');
    const size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    const int events = slash && strcmp(slash, "/events") == 0;
    const int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    const int sub = slash && !events && q->kind->subroute;
    if ((slash && !events && !sub) || !is_id(rest, n)) {
        srv_problem p;
        srv_problem_set(&p, 404, "",
                        "no such endpoint; %s are at " API "%s/ID and " API "%s/ID/events",
                        collection, collection, collection);
        return srv_reply_problem(c, &p);
    }
    if (events && !get) return srv_reply_method(c, method, "GET, HEAD");
    if (sub && !get) return srv_reply_method(c, method, "GET, HEAD");
    if (!events && !get && strcmp(method, "DELETE"))
        return srv_reply_method(c, method, "GET, HEAD, DELETE");
    char id[SRV_ID_CHARS + 1];
    memcpy(id, rest, n);
    id[n] = '\0';
    srv_job *j = srv_job_find(q, id);
    if (!j) {
        char what[200];
        snprintf(what, sizeof what,
                 "no %s with this id: it was deleted or evicted (POST the request again)",
                 q->kind->name);
        return not_found(c, what);
    }
    enum MHD_Result rc;
    if (sub)
        rc = q->kind->subroute(s, c, j, slash + 1, method);
    else if (events) {
        const srv_feed feed = {&j->log, j, feed_ref, feed_unref};
        rc = srv_stream_reply(s, c, &feed);
    } else
        rc = get ? job_status(s, c, j) : job_delete(s, c, j);
    srv_job_release(s, j);
    return rc;
}

typedef enum MHD_Result (*get_handler)(srv *s, struct MHD_Connection *c);

static const struct {
    const char *path;
    get_handler get;
} gets[] = {
    {API "health", srv_api_health},       {API "optimizers", srv_api_optimizers},
    {API "functions", srv_api_functions}, {API "devices", srv_api_devices},
    {API "check", srv_api_check},         {API "limits", srv_api_limits},
    {API "schedules", srv_api_schedules},
};

enum MHD_Result srv_route(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len, srv_job **waiting)
{
    const int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    for (size_t i = 0; i < sizeof gets / sizeof *gets; i++)
        if (!strcmp(url, gets[i].path))
            return get ? gets[i].get(s, c) : srv_reply_method(c, method, "GET, HEAD");
    if (!strcmp(url, API "landscape"))
        return get ? srv_api_landscape(s, c, waiting) : srv_reply_method(c, method, "GET, HEAD");
    const char *rest;
    srv_jobs *q = posted(s, url, &rest);
    if (q && *rest == '\0')
        return strcmp(method, "POST") ? srv_reply_method(c, method, "POST")
                                      : post_job(s, c, q, body ? body : "", len);
    if (q) return item_route(s, c, q, rest + 1, method);
    if (!strncmp(url, "/api/", 5))
        return not_found(c, "no such endpoint; see /api/v1/health, optimizers, functions, "
                            "devices, landscape, check, limits, schedules, runs, trainings, "
                            "explorations, tunings");
    if (!srv_assets_has(url)) return not_found(c, "no such page");
    return get ? srv_assets_serve(c, url) : srv_reply_method(c, method, "GET, HEAD");
}

int srv_route_has_body(srv *s, const char *url, const char *method)
{
    const char *rest;
    return !strcmp(method, "POST") && posted(s, url, &rest) && *rest == '\0';
}

static const char *view_arg(void *cls, const char *name)
{
    return srv_view_arg(cls, name);
}

unsigned srv_exchange(srv *s, const srv_view *v, const char *body, size_t len, char **out)
{
    srv_problem p;
    char *canonical = NULL;
    *out = NULL;
    if (srv_check_request(&s->o, v, srv_route_has_body(s, v->path, v->method), &p)) goto problem;
    if (!strcmp(v->path, API "landscape") && !strcmp(v->method, "GET")) {
        int f32;
        landscape *l = srv_landscape_parse(view_arg, (void *)v, &f32, &p);
        if (!l) goto problem;
        canonical = srv_landscape_canonical(l);
        free(l->function);
        free(l);
    } else if (srv_route_has_body(s, v->path, v->method)) {
        const char *rest;
        const srv_jobs *q = posted(s, v->path, &rest);
        void *req = q->kind->parse(s, body, len, &canonical, &p);
        if (!req) goto problem;
        q->kind->free_request(req);
    } else
        return 0; /* the route needs the server's state */
    if (!canonical) {
        srv_problem_set(&p, 503, "", "out of memory");
        goto problem;
    }
    *out = canonical;
    return 200;
problem:
    *out = srv_problem_text(&p);
    return p.status;
}
