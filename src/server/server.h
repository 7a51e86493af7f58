/*
 * clopt serve: the HTTP server that runs the trajectory engine for browsers. One
 * libmicrohttpd daemon (its internal polling thread, suspend/resume for streams) and one
 * worker thread that owns the OpenCL work.
 */
#ifndef CLOPT_SERVER_SERVER_H
#define CLOPT_SERVER_SERVER_H

#include "clopt/clopt.h"

#include <stddef.h>

#define SRV_MAX_ALLOW_HOSTS 16

typedef struct {
    const char *host;                             /* listening address (default "127.0.0.1") */
    unsigned port;                                /* 0 picks a free port */
    const char *device;                           /* device selector; NULL: the default device */
    const char *allow_hosts[SRV_MAX_ALLOW_HOSTS]; /* extra names accepted in Host */
    size_t nallow_hosts;
    unsigned max_connections;    /* open connections at once */
    unsigned timeout_s;          /* an idle connection is closed after this */
    size_t header_limit;         /* bytes of memory per connection (request line + headers) */
    size_t memory_budget;        /* bytes of everything clients make the server hold */
    unsigned queue;              /* runs waiting for the worker */
    unsigned heartbeat_s;        /* an idle stream gets a comment this often */
    const char *data;            /* Fashion-MNIST's IDX files; NULL: Debian's path */
    unsigned client_streams;     /* streams one client address may hold at once */
    unsigned request_timeout_s;  /* a request arrives whole within this of its first byte */
    unsigned client_connections; /* connections of one client address; 0: 7/8 of the most */
    unsigned disk_cache_mb;      /* the server's own PoCL cache directory's size (0: none) */
    /* The catalogues' JSON text (GET /api/v1/optimizers, functions); the caller keeps them
     * until srv_stop. */
    const char *optimizers_json, *functions_json;
} srv_options;

/*
 * The defaults above: 127.0.0.1:8080, 512 connections, 30 s, 32 KiB, 1 GiB, 32, 10 s,
 * 32 streams per client, 10 s per request, 7/8 of the connections per client; the
 * catalogues must be set.
 */
void srv_options_defaults(srv_options *o);

typedef struct srv srv;

/* Opens the device, starts the worker and listens; NULL with err filled. */
srv *srv_start(const srv_options *o, clopt_error *err);

/*
 * A server that neither computes nor listens (no device, no threads): for checking and
 * parsing requests (srv_exchange, the fuzz harness). Freed with srv_stop.
 */
srv *srv_open_offline(const srv_options *o, clopt_error *err);

/* "http://127.0.0.1:8080/" with the port actually bound. */
const char *srv_url(const srv *s);

/* Ends every stream, stops the daemon and the worker, frees every run. NULL: no-op. */
void srv_stop(srv *s);

#endif
