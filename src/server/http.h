/* The libmicrohttpd daemon: connection-level rules, then srv_route. */
#ifndef CLOPT_SERVER_HTTP_H
#define CLOPT_SERVER_HTTP_H

#include "core.h"

/* Binds o.host:o.port and starts the polling thread; fills s->url. */
int srv_http_start(srv *s, clopt_error *err);

/* Stops accepting, waits (a few seconds at most) for the streams to end, stops. */
void srv_http_stop(srv *s);

#endif
