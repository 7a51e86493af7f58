/* The server's routes: one handler per route family, dispatched by path and method. */
#ifndef CLOPT_SERVER_ROUTES_H
#define CLOPT_SERVER_ROUTES_H

#include "core.h"

/* Answers one complete request (body: the POST body, or NULL). */
enum MHD_Result srv_route(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                          const char *body, size_t len);

/* api.c: the catalogue and status endpoints (GET). */
enum MHD_Result srv_api_health(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_optimizers(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_functions(srv *s, struct MHD_Connection *c);
/* Formats the catalogues once, at start (s->functions, s->optimizers); -1 out of memory. */
int srv_api_prepare(srv *s);
enum MHD_Result srv_api_devices(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_landscape(srv *s, struct MHD_Connection *c);
enum MHD_Result srv_api_check(srv *s, struct MHD_Connection *c);

/* assets.c: the page, embedded from web/ at build time; MHD_NO-free 404 when unknown. */
enum MHD_Result srv_assets_serve(struct MHD_Connection *c, const char *url);
int srv_assets_has(const char *url);

#endif
