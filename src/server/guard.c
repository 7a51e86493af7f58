/* The connections' guard (guard.h): request deadlines, per-client limits, pushing out. */
#include "guard.h"

#include "core.h"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void srv_client_key(const struct sockaddr *addr, char *out, size_t size)
{
    out[0] = '\0';
    if (addr && addr->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)addr;
        if (ntohl(v4->sin_addr.s_addr) >> 24 == 127)
            snprintf(out, size, "loopback");
        else
            inet_ntop(AF_INET, &v4->sin_addr, out, (socklen_t)size);
    } else if (addr && addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)addr;
        const struct in6_addr *a = &v6->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127))
            snprintf(out, size, "loopback");
        else
            inet_ntop(AF_INET6, a, out, (socklen_t)size);
    }
}

void srv_connection_client(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    srv_client_key(ci ? ci->client_addr : NULL, out, size);
}

/* What one client may hold, and the mark beyond which the oldest is pushed out: 7/8. */
static size_t client_most(const srv *s)
{
    const size_t mark = s->o.max_connections - s->o.max_connections / 8;
    return s->o.client_connections ? s->o.client_connections : mark;
}

/* Bytes the connection has received (0 if it cannot tell). */
static uint64_t received(int fd)
{
    struct tcp_info info;
    socklen_t size = sizeof info;
    if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return 0;
    return info.tcpi_bytes_received;
}

/* Ends a connection (conns_lock held): libmicrohttpd reads its end of file and closes it. */
static void shut(srv_conn *c)
{
    if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
    c->shut = 1;
}

enum MHD_Result srv_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)len;
    srv *s = cls;
    char key[48];
    srv_client_key(addr, key, sizeof key);
    const size_t most = client_most(s);
    const size_t mark = s->o.max_connections - s->o.max_connections / 8;
    size_t mine = 0, all = 0;
    srv_conn *own = NULL, *any = NULL; /* the oldest not being answered */
    pthread_mutex_lock(&s->conns_lock);
    for (srv_conn *c = s->conns; c; c = c->next) {
        if (c->shut) continue;
        const int same = !strcmp(c->client, key);
        all++;
        mine += same;
        if (c->answering) continue;
        if (same && (!own || c->since < own->since)) own = c;
        if (!any || c->since < any->since) any = c;
    }
    int ok = 1;
    if (mine >= most) {
        if (own)
            shut(own);
        else
            ok = 0; /* every one of its connections is being answered */
    } else if (all >= mark && any)
        shut(any);
    pthread_mutex_unlock(&s->conns_lock);
    return ok ? MHD_YES : MHD_NO;
}

void srv_guard_open(srv *s, struct MHD_Connection *c, void **socket_context)
{
    srv_conn *e = calloc(1, sizeof *e);
    *socket_context = e;
    if (!e) return; /* not tracked: left to libmicrohttpd's limits */
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *addr =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    e->fd = fd ? fd->connect_fd : -1;
    srv_client_key(addr ? addr->client_addr : NULL, e->client, sizeof e->client);
    e->since = clopt_now();
    e->fresh = 1;
    pthread_mutex_lock(&s->conns_lock);
    e->next = s->conns;
    if (s->conns) s->conns->prev = e;
    s->conns = e;
    pthread_mutex_unlock(&s->conns_lock);
}

void srv_guard_close(srv *s, void **socket_context)
{
    srv_conn *e = *socket_context;
    *socket_context = NULL;
    if (!e) return;
    pthread_mutex_lock(&s->conns_lock);
    if (e->prev)
        e->prev->next = e->next;
    else
        s->conns = e->next;
    if (e->next) e->next->prev = e->prev;
    pthread_mutex_unlock(&s->conns_lock);
    free(e);
}

void srv_guard_answering(srv *s, struct MHD_Connection *c, int answering)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    srv_conn *e = ci ? ci->socket_context : NULL;
    if (!e) return;
    const uint64_t bytes = answering ? 0 : received(e->fd);
    pthread_mutex_lock(&s->conns_lock);
    e->answering = answering;
    e->started = 0;
    if (answering)
        e->fresh = 0;
    else {
        e->since = clopt_now();
        e->mark = bytes;
    }
    pthread_mutex_unlock(&s->conns_lock);
}

void srv_guard_tick(srv *s)
{
    const double now = clopt_now();
    pthread_mutex_lock(&s->conns_lock);
    for (srv_conn *c = s->conns; c; c = c->next) {
        if (c->shut || c->answering) continue;
        if (!c->started && received(c->fd) > c->mark)
            c->started = c->fresh ? c->since : now; /* a new connection's clock runs from its
                                                       opening */
        if (c->started && now - c->started > (double)s->o.request_timeout_s) shut(c);
    }
    pthread_mutex_unlock(&s->conns_lock);
}
