/*
 * The checks every request passes before a route runs, on the request as data: the method,
 * the path, the query arguments and headers (name, value pairs, %-decoded) and whether a
 * body follows. libmicrohttpd's callbacks (http.c) and the fuzz harness
 * (tests/fuzz/fuzz_request.c) call the same functions.
 */
#ifndef CLOPT_SERVER_CHECK_H
#define CLOPT_SERVER_CHECK_H

#include "problem.h"
#include "server.h"

#include <stddef.h>

typedef struct {
    const char *name, *value;
} srv_pair;

typedef struct {
    const char *method, *path;
    const srv_pair *args, *headers;
    size_t nargs, nheaders;
    const char *version; /* "HTTP/1.1"; NULL: 1.0 (Host is then optional) */
} srv_view;

/* The value of query argument / header `name` (headers case-insensitive), or NULL. */
const char *srv_view_arg(const srv_view *v, const char *name);
const char *srv_view_header(const srv_view *v, const char *name);

/*
 * Header names are tokens, Host and Content-Length appear at most once, the path, query
 * and header values are strict UTF-8, Host names this server (421), a foreign Origin or a
 * Sec-Fetch-Site other than same-origin or none is refused on POST, DELETE and costly GETs
 * (403), and a body (`body`: the route takes one)
 * is application/json of at most SRV_MAX_BODY bytes (415, 413). -1 with *p filled.
 */
int srv_check_request(const srv_options *o, const srv_view *v, int body, srv_problem *p);

#endif
