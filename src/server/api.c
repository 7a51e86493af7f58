/* GET endpoints that describe the server and its catalogues, and the landscape grid. */
#include "routes.h"

#include "../cli/cli.h"
#include "catalogue_json.h"
#include "device.h"
#include "functions.h"
#include "reply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LANDSCAPE_MAX_SIDE 1024
#define LANDSCAPE_MAX_VALUES (512u * 512u)

enum MHD_Result srv_api_health(srv *s, struct MHD_Connection *c)
{
    pthread_mutex_lock(&s->lock);
    json_t *body = json_pack(
        "{s:s,s:s,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "status", "ok", "version",
        clopt_version(),
        "device", s->device_name, "load", "connections", (json_int_t)s->connections, "streams",
        (json_int_t)s->nstreams, "runs", (json_int_t)s->nruns, "queued", (json_int_t)s->queued,
        "memory", (json_int_t)s->bytes, "memory_budget", (json_int_t)s->o.memory_budget,
        "trainings", (json_int_t)s->ntrainings, "trainings_queued", (json_int_t)s->tqueued);
    if (body)
        json_object_set_new(json_object_get(body, "load"), "compiling", json_integer(s->compiling));
    pthread_mutex_unlock(&s->lock);
    return srv_reply_json(c, 200, body);
}

int srv_api_prepare(srv *s)
{
    json_t *fns = json_array();
    for (size_t i = 0; fns && i < clopt_function_count(); i++)
        json_array_append_new(fns, clopt_cli_function_json(clopt_function_get(i)));
    json_t *opts = clopt_catalogue_json();
    s->functions = fns ? json_dumps(fns, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
    s->optimizers = opts ? json_dumps(opts, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
    json_decref(fns);
    json_decref(opts);
    return s->functions && s->optimizers ? 0 : -1;
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
    return reply_text(c, s->optimizers);
}

enum MHD_Result srv_api_functions(srv *s, struct MHD_Connection *c)
{
    return reply_text(c, s->functions);
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
        json_t *d = clopt_cli_device_json(&list[i]);
        json_object_set_new(d, "in_use", json_boolean(list[i].device == used));
        json_array_append_new(all, d);
    }
    free(list);
    return srv_reply_json(c, 200, all);
}

/* A whole-string unsigned integer query argument in [lo, hi]; absent keeps *out. */
static int size_arg(struct MHD_Connection *c, const char *name, size_t lo, size_t hi,
                    size_t *out, srv_problem *p)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    if (!v)
        return 0;
    unsigned long long n;
    if (srv_parse_count(v, &n) || n < lo || n > hi)
        return srv_problem_set(p, 400, name, "%s = '%.32s'; expected an integer from %zu to %zu",
                               name, v, lo, hi);
    *out = (size_t)n;
    return 0;
}

static int view_arg(struct MHD_Connection *c, double view[4], int *has, srv_problem *p)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "view");
    *has = v != NULL;
    if (!v)
        return 0;
    const char *at = v;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        view[i] = strtod(at, &end);
        if (end == at || errno || !(view[i] >= -1e6 && view[i] <= 1e6) ||
            *end != (i < 3 ? ',' : '\0'))
            return srv_problem_set(p, 400, "view",
                                   "view = '%.64s'; expected x0,x1,y0,y1: four numbers "
                                   "within +-1e6",
                                   v);
        at = end + 1;
    }
    return 0;
}

enum MHD_Result srv_api_landscape(srv *s, struct MHD_Connection *c)
{
    srv_problem p;
    const char *fn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "function");
    size_t nx = 128, ny = 128;
    double view[4];
    int has_view;
    if (!fn) {
        srv_problem_set(&p, 400, "function", "function is required, e.g. ?function=rosenbrock");
        return srv_reply_problem(c, &p);
    }
    if (size_arg(c, "nx", 2, LANDSCAPE_MAX_SIDE, &nx, &p) ||
        size_arg(c, "ny", 2, LANDSCAPE_MAX_SIDE, &ny, &p) || view_arg(c, view, &has_view, &p))
        return srv_reply_problem(c, &p);
    if (nx * ny > LANDSCAPE_MAX_VALUES) {
        srv_problem_set(&p, 400, "nx", "nx x ny = %zu values; the limit is %u", nx * ny,
                        LANDSCAPE_MAX_VALUES);
        return srv_reply_problem(c, &p);
    }
    const int ready = srv_expression_ready(s, c, fn, &p);
    if (ready) return ready > 0 ? MHD_YES : srv_reply_problem(c, &p);
    clopt_error err;
    pthread_mutex_lock(&s->device);
    json_t *body = clopt_cli_landscape_json(s->ctx, fn, nx, ny, has_view ? view : NULL, &err);
    pthread_mutex_unlock(&s->device);
    if (!body) {
        const int client = err.status == CLOPT_EINVAL;
        srv_problem_set(&p, client ? 400 : 500, client ? "function" : "", "%s", err.text);
        clopt_function_ref f;
        clopt_expr_error where;
        if (client && clopt_function_resolve(fn, &f, &where, NULL) != CLOPT_OK) {
            p.column = (unsigned)where.column;
            p.length = (unsigned)where.length;
        }
        clopt_function_ref_release(&f);
        if (client && strstr(err.text, "view"))
            snprintf(p.field, sizeof p.field, "view");
        return srv_reply_problem(c, &p);
    }
    return srv_reply_json(c, 200, body);
}
