/* GET endpoints that describe the server and its catalogues. */
#include "routes.h"

#include "device.h"
#include "frames.h"
#include "lr_schedule.h"
#include "reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result srv_api_health(srv *s, struct MHD_Connection *c)
{
    pthread_mutex_lock(&s->lock);
    const srv_jobs *runs = &s->jobs[SRV_RUNS], *trainings = &s->jobs[SRV_TRAININGS],
                   *landscapes = &s->jobs[SRV_LANDSCAPES],
                   *explorations = &s->jobs[SRV_EXPLORATIONS];
    json_t *body =
        json_pack("{s:s,s:s,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "status",
                  "ok", "version", clopt_version(), "device", s->device_name, "load", "connections",
                  (json_int_t)__atomic_load_n(&s->connections, __ATOMIC_RELAXED), "streams",
                  (json_int_t)s->nstreams, "runs", (json_int_t)runs->count, "queued",
                  (json_int_t)runs->queued, "memory", (json_int_t)s->bytes, "memory_budget",
                  (json_int_t)s->o.memory_budget, "trainings", (json_int_t)trainings->count,
                  "trainings_queued", (json_int_t)trainings->queued, "landscapes",
                  (json_int_t)landscapes->count, "landscapes_queued",
                  (json_int_t)landscapes->queued, "explorations", (json_int_t)explorations->count,
                  "explorations_queued", (json_int_t)explorations->queued);
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, 200, body);
}

/* The catalogues never change while the server runs: formatted once, sent as they are. */
static enum MHD_Result reply_text(struct MHD_Connection *c, const char *text)
{
    return srv_reply_send(
        c, 200, MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT),
        "application/json", "no-cache");
}

enum MHD_Result srv_api_optimizers(srv *s, struct MHD_Connection *c)
{
    return reply_text(c, s->o.optimizers_json);
}

enum MHD_Result srv_api_schedules(srv *s, struct MHD_Connection *c)
{
    (void)s;
    json_t *all = clopt_schedules_json();
    if (!all) {
        srv_problem p;
        srv_problem_set(&p, 500, "", "out of memory");
        return srv_reply_problem(c, &p);
    }
    return srv_reply_json(c, 200, all);
}

enum MHD_Result srv_api_functions(srv *s, struct MHD_Connection *c)
{
    return reply_text(c, s->o.functions_json);
}

enum MHD_Result srv_api_devices(srv *s, struct MHD_Connection *c)
{
    clopt_device_entry *list;
    size_t n;
    clopt_error err = {0}; /* clopt_device_list records only the first error */
    if (clopt_device_list(&list, &n, &err) != CLOPT_OK) {
        srv_problem p;
        srv_problem_set(&p, 500, "", "%s", err.text);
        return srv_reply_problem(c, &p);
    }
    json_t *all = json_array();
    const cl_device_id used = clopt_context_device(s->ctx);
    for (size_t i = 0; i < n; i++) {
        json_t *d = srv_device_json(&list[i]);
        json_object_set_new(d, "in_use", json_boolean(list[i].device == used));
        json_array_append_new(all, d);
    }
    free(list);
    return srv_reply_json(c, 200, all);
}
