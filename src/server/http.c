/*
 * The daemon: one internal polling thread (epoll or poll, never a thread per connection),
 * suspend/resume for streams and for requests that wait for a job. Before any route runs,
 * a request passes the checks of srv_check_request (header names, strict UTF-8 in the
 * target, query and headers, Host, Origin, Content-Type and size); a body is read into
 * memory only up to 64 KiB, and only while the memory budget has room for it.
 */
#include "http.h"

#include "check.h"
#include "error.h"
#include "reply.h"
#include "routes.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * libmicrohttpd 0.9.75 cannot queue a response while a body arrives: a refusal found then
 * (413, no room in the budget) is kept in `due`, the rest of the body is read and dropped,
 * and the refusal is sent once the upload ends. A client that sends more than
 * SRV_MAX_DROPPED after its refusal is cut off.
 */
#define SRV_MAX_DROPPED (16u * SRV_MAX_BODY)

typedef struct {
    char *body;
    size_t len, charged; /* bytes of body; bytes of it counted in the budget */
    int refused;         /* an error response is queued; the body is ignored */
    int due;             /* `problem` is to be sent once the body has arrived */
    srv_problem problem;
    size_t dropped;   /* bytes of body read and dropped after the refusal */
    srv_job *waiting; /* the job a suspended request waits for */
} conn_req;

/* Collects MHD's pairs of one kind into a srv_pair array. */
typedef struct {
    srv_pair *pairs;
    size_t n, cap;
    int oom;
} pairs;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *name,
                               const char *value)
{
    (void)kind;
    pairs *ps = cls;
    if (ps->n == ps->cap) {
        const size_t cap = ps->cap ? 2 * ps->cap : 16;
        srv_pair *more = realloc(ps->pairs, cap * sizeof *more);
        if (!more) {
            ps->oom = 1;
            return MHD_NO;
        }
        ps->pairs = more;
        ps->cap = cap;
    }
    ps->pairs[ps->n++] = (srv_pair){name ? name : "", value};
    return MHD_YES;
}

/* srv_check_request on what libmicrohttpd parsed. -1 with *p filled. */
static int check(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                 const char *version, int body, srv_problem *p)
{
    pairs args = {NULL, 0, 0, 0}, headers = {NULL, 0, 0, 0};
    int rc;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &args);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &headers);
    if (args.oom || headers.oom)
        rc = srv_problem_set(p, 503, "", "out of memory");
    else {
        const srv_view v = {method, url, args.pairs, headers.pairs, args.n, headers.n, version};
        rc = srv_check_request(&s->o, &v, body, p);
    }
    free(args.pairs);
    free(headers.pairs);
    return rc;
}

/* Takes the body's memory from the budget; 503 (due) when it has no room now. */
static int take_body(srv *s, conn_req *q, size_t need)
{
    pthread_mutex_lock(&s->lock);
    const int full = srv_budget_take(s, need, 1);
    pthread_mutex_unlock(&s->lock);
    char *body = full ? NULL : realloc(q->body, need);
    if (body) {
        q->body = body;
        q->charged = need;
        return 0;
    }
    if (!full) {
        pthread_mutex_lock(&s->lock);
        srv_budget_give(s, need);
        pthread_mutex_unlock(&s->lock);
    }
    srv_problem_set(&q->problem, 503, "",
                    "the server's memory budget has no room for this request's "
                    "body now; retry in a moment");
    q->due = 1;
    return -1;
}

/* The bytes a body needs: its Content-Length (checked against the limit), else the limit. */
static size_t body_size(struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const unsigned long long n = v ? strtoull(v, NULL, 10) : 0;
    return n > 0 && n <= SRV_MAX_BODY ? (size_t)n : SRV_MAX_BODY;
}

/* One piece of a body: kept, or dropped after a refusal. MHD_NO cuts the client off. */
static enum MHD_Result receive_body(srv *s, struct MHD_Connection *c, conn_req *q, const char *data,
                                    size_t size)
{
    if (!q->due && !q->refused && !q->body) take_body(s, q, body_size(c));
    if (!q->due && !q->refused && q->len + size > q->charged) { /* chunked past the limit */
        srv_problem_set(&q->problem, 413, "body", "the body has more than %u bytes, the limit",
                        SRV_MAX_BODY);
        q->due = 1;
    }
    if (q->due || q->refused) {
        q->dropped += size;
        return q->dropped > SRV_MAX_DROPPED ? MHD_NO : MHD_YES;
    }
    memcpy(q->body + q->len, data, size);
    q->len += size;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    srv *s = cls;
    conn_req *q = *req_cls;
    srv_problem p;
    if (!q) {
        if (!(q = calloc(1, sizeof *q))) return MHD_NO;
        *req_cls = q;
        const int body = srv_route_has_body(s, url, method);
        if (check(s, c, url, method, version, body, &p)) {
            q->refused = 1;
            srv_guard_answering(s, c, 1);
            return srv_reply_problem(c, &p);
        }
        if (!body) {
            srv_guard_answering(s, c, 1);
            return srv_route(s, c, url, method, NULL, 0, &q->waiting);
        }
        return MHD_YES; /* the body follows */
    }
    if (*upload_size) {
        const size_t size = *upload_size;
        *upload_size = 0;
        return receive_body(s, c, q, upload, size);
    }
    if (q->refused) return MHD_YES;
    srv_guard_answering(s, c, 1); /* the request has arrived whole */
    if (q->due) {                 /* the body has arrived: now the refusal can be sent */
        q->due = 0;
        q->refused = 1;
        return srv_reply_problem(c, &q->problem);
    }
    return srv_route(s, c, url, method, q->body, q->len, &q->waiting);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    srv *s = cls;
    conn_req *q = *req_cls;
    srv_guard_answering(s, c, 0);
    if (q) {
        pthread_mutex_lock(&s->lock);
        srv_budget_give(s, q->charged);
        if (q->waiting) srv_job_unref(s, q->waiting);
        pthread_mutex_unlock(&s->lock);
        free(q->body);
    }
    free(q);
    *req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    srv *s = cls; /* MHD may hold its own mutex here: no s->lock (core.h's lock order) */
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        __atomic_add_fetch(&s->connections, 1, __ATOMIC_RELAXED);
        srv_guard_open(s, c, socket_context);
    } else {
        __atomic_sub_fetch(&s->connections, 1, __ATOMIC_RELAXED);
        srv_guard_close(s, socket_context);
    }
}

int srv_http_start(srv *s, clopt_error *err)
{
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof port, "%u", s->o.port);
    if (getaddrinfo(s->o.host, port, &hints, &ai) != 0) {
        clopt_error_set(err, CLOPT_EINVAL,
                        "--host '%s' is not an IP address (e.g. 127.0.0.1 or ::1)", s->o.host);
        return -1;
    }
    /* Not libmicrohttpd's strict mode: its own refusal of an HTTP/1.1 request without Host
     * is HTML with the status line twice; srv_check_request refuses it as JSON. */
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->daemon =
        MHD_start_daemon(flags, (uint16_t)s->o.port, srv_guard_accept, s, on_request, s,
                         MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_CONNECTION_LIMIT,
                         s->o.max_connections, MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->o.header_limit,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                         on_connection, s, MHD_OPTION_STRICT_FOR_CLIENT, 0, MHD_OPTION_END);
    const int v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    if (!s->daemon) {
        clopt_error_set(err, CLOPT_EIO,
                        "cannot listen on %s port %u (in use, or not an address of this "
                        "machine); try --port 0",
                        s->o.host, s->o.port);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->o.port = info ? info->port : s->o.port;
    snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u/" : "http://%s:%u/", s->o.host, s->o.port);
    return 0;
}

void srv_http_stop(srv *s)
{
    if (!s->daemon) return;
    const MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
    /* The streams saw `stopping` when they were woken and end; wait for them to go. */
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s->lock);
        const size_t n = s->nstreams;
        srv_streams_wake(s, NULL);
        pthread_mutex_unlock(&s->lock);
        if (n == 0) break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
}
