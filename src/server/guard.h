/*
 * The connections' guard: who may open a connection and how long a request may take to
 * arrive. libmicrohttpd's --timeout closes only silent connections; a client that sends a
 * header byte every few seconds would hold its connection for ever, and enough of them hold
 * every connection. So:
 *
 * - a request must arrive whole (headers and body) within --request-timeout of its first
 *   byte (a new connection's: of its opening); past that its connection is shut;
 * - one client address holds at most --client-connections; the loopback range (127.0.0.0/8,
 *   ::1, ::ffff:127.0.0.0/104) is one client, since any local process can use all of it;
 * - a connection beyond either limit, or beyond 7/8 of --max-connections, pushes out the
 *   oldest connection that is not being answered (idle between requests, or still sending
 *   one) of that client, or of anyone at the global mark. A client that sends its request
 *   at once is never the oldest: slow clients cannot keep it out.
 *
 * Connections that are being answered (a request received whole, its answer, a stream, a
 * request waiting for a job) are never pushed out; streams have their own limits
 * (stream.c). The table has its own mutex, `conns_lock`, taken after `lock` (core.h) and
 * never held while calling into libmicrohttpd.
 */
#ifndef CLOPT_SERVER_GUARD_H
#define CLOPT_SERVER_GUARD_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct srv srv;
struct sockaddr;

typedef struct srv_conn {
    int fd;
    char client[48]; /* srv_client_key */
    double since;    /* opened, or its last answer ended */
    double started;  /* when its current request began to arrive; 0: none yet */
    uint64_t mark;   /* bytes received when its last answer ended */
    int answering;   /* a request arrived whole and is being answered */
    int fresh;       /* no request has arrived yet */
    int shut;        /* pushed out or past its deadline: closing */
    struct srv_conn *prev, *next;
} srv_conn;

/*
 * The key of a client address: the address as text, or "loopback" for the loopback range
 * (so that 127.0.0.2 and 127.0.0.3 are one client). out holds at least 48 bytes.
 */
void srv_client_key(const struct sockaddr *addr, char *out, size_t size);

/* srv_client_key of a connection's peer ("" if unknown). */
void srv_connection_client(struct MHD_Connection *c, char *out, size_t size);

/* libmicrohttpd's accept policy: MHD_NO when the client is at its limit and nothing of
 * its own can be pushed out. */
enum MHD_Result srv_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len);
/* NOTIFY_CONNECTION: a connection opens (*socket_context = its entry) or closes. */
void srv_guard_open(srv *s, struct MHD_Connection *c, void **socket_context);
void srv_guard_close(srv *s, void **socket_context);
/* The request on c arrived whole / its answer ended (the polling thread). */
void srv_guard_answering(srv *s, struct MHD_Connection *c, int answering);
/* About once a second (s->lock may be held): shuts connections past --request-timeout. */
void srv_guard_tick(srv *s);

#endif
