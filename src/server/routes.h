/* The server's routes: one handler per route family, dispatched by path and method. */
#ifndef CLOPT_SERVER_ROUTES_H
#define CLOPT_SERVER_ROUTES_H

#include "check.h"
#include "core.h"

/*
 * Answers one complete request (body: the POST body, or NULL). *waiting is the job a
 * suspended request waits for (NULL at first; the request's own slot, released by the
 * caller when the request ends with it set).
 */
enum MHD_Result srv_route(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len, srv_job **waiting);

/*
 * The part of answering a request that needs no device and no job: srv_check_request, then
 * the body or query parser of its route, the same functions libmicrohttpd's callbacks call.
 * Returns the status with *out the JSON error, or 200 with *out the canonical request that
 * would go to a job, or 0 (*out NULL) when the answer needs the server's state. *out is
 * malloc'd. The request path's fuzz harness drives the server through this.
 */
unsigned srv_exchange(srv *s, const srv_view *v, const char *body, size_t len, char **out);

/* Whether this request carries a JSON body (POST to a job collection). */
int srv_route_has_body(srv *s, const char *url, const char *method);

/* api.c: the catalogue and status endpoints (GET). */
enum MHD_Result srv_api_health(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_optimizers(srv *s, struct MHD_Connection *c);
/* The learning-rate schedules every optimizer takes (schedule=...), as clopt_schedules_json. */
enum MHD_Result srv_api_schedules(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_functions(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_devices(srv *s, struct MHD_Connection *c);
/* limits.c: GET /api/v1/limits. */
enum MHD_Result srv_api_limits(srv *s, struct MHD_Connection *c);
/* expressions.c: GET /api/v1/check?function=: parses without compiling (200 either way). */
enum MHD_Result srv_api_check(srv *s, struct MHD_Connection *c);

/* assets.c: the page, embedded from web/ at build time; MHD_NO-free 404 when unknown. */
enum MHD_Result srv_assets_serve(struct MHD_Connection *c, const char *url);
int srv_assets_has(const char *url);

#endif
