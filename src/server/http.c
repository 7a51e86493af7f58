/*
 * The daemon: one internal polling thread (epoll or poll, never a thread per connection),
 * suspend/resume for streams and for requests that wait for a job. Before any route runs,
 * a request passes the checks of srv_check_request (header names, strict UTF-8 in the
 * target, query and headers, Host, Origin, Content-Type and size); a body is read into
 * memory only up to 64 KiB, and only while the memory budget has room for it.
 */
#include "http.h"

#include "error.h"
#include "reply.h"
#include "routes.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *body;
    size_t len, charged; /* bytes of body; bytes of it counted in the budget */
    int refused;         /* an error response is queued; the body is ignored */
    srv_job *waiting;    /* the job a suspended request waits for */
} conn_req;

/* Splits "name[:port]" / "[v6]:port"; 0 if malformed. */
static int split_host(const char *h, char *name, size_t size, unsigned *port)
{
    const char *end = h[0] == '[' ? strchr(h, ']') : strchr(h, ':');
    if (h[0] == '[' && !end)
        return 0;
    if (h[0] == '[')
        end++;
    if (!end)
        end = h + strlen(h);
    const size_t n = (size_t)(end - h);
    if (n == 0 || n >= size)
        return 0;
    memcpy(name, h, n);
    name[n] = '\0';
    *port = 0;
    if (*end == '\0')
        return 1;
    if (*end != ':' || end[1] == '\0' || strlen(end + 1) > 5)
        return 0;
    for (const char *p = end + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    *port = (unsigned)atoi(end + 1);
    return *port <= 65535;
}

static int allowed_name(const srv *s, const char *name)
{
    static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < 3; i++)
        if (!strcasecmp(name, local[i]))
            return 1;
    char bracketed[80];
    snprintf(bracketed, sizeof bracketed, "[%s]", s->o.host);
    if (!strcasecmp(name, s->o.host) || !strcasecmp(name, bracketed))
        return 1;
    for (size_t i = 0; i < s->o.nallow_hosts; i++)
        if (!strcasecmp(name, s->o.allow_hosts[i]))
            return 1;
    return 0;
}

typedef struct {
    unsigned hosts, lengths, bad_names;
    char bad_value[64]; /* the first header, or query argument, whose value is not UTF-8 */
} header_census;

static int is_token(const char *name)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (!*name)
        return 0;
    for (const char *ch = name; *ch; ch++)
        if (!((*ch >= 'a' && *ch <= 'z') || (*ch >= 'A' && *ch <= 'Z') ||
              (*ch >= '0' && *ch <= '9') || strchr(extra, *ch)))
            return 0;
    return 1;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                    const char *value)
{
    (void)kind;
    header_census *h = cls;
    h->hosts += !strcasecmp(name, MHD_HTTP_HEADER_HOST);
    h->lengths += !strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH);
    h->bad_names += !is_token(name);
    if (value && !h->bad_value[0] && !srv_utf8_valid(value, strlen(value)))
        snprintf(h->bad_value, sizeof h->bad_value, "%.63s", name);
    return MHD_YES;
}

/* Query arguments: the name and the value must be UTF-8 (after %-decoding). */
static enum MHD_Result check_argument(void *cls, enum MHD_ValueKind kind, const char *name,
                                      const char *value)
{
    (void)kind;
    header_census *h = cls;
    const int good_name = srv_utf8_valid(name, strlen(name));
    if (!h->bad_value[0] && (!good_name || (value && !srv_utf8_valid(value, strlen(value)))))
        snprintf(h->bad_value, sizeof h->bad_value, "%.63s", good_name ? name : "query");
    return MHD_YES;
}

/*
 * Header names must be tokens, Host and Content-Length must not repeat (smuggling), and the
 * path, query and header values must be strict UTF-8.
 */
static int check_headers(struct MHD_Connection *c, const char *url, srv_problem *p)
{
    header_census h = {0, 0, 0, ""};
    if (!srv_utf8_valid(url, strlen(url)))
        return srv_problem_set(p, 400, "target", "the path is not valid UTF-8");
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &h);
    if (h.bad_names)
        return srv_problem_set(p, 400, "headers", "a header name is not a valid token");
    if (h.bad_value[0])
        return srv_problem_set(p, 400, h.bad_value, "the %s header is not valid UTF-8",
                               h.bad_value);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_argument, &h);
    if (h.bad_value[0])
        return srv_problem_set(p, 400, h.bad_value,
                               "the query argument %s is not valid UTF-8 (after %%-decoding)",
                               h.bad_value);
    if (h.hosts > 1 || h.lengths > 1)
        return srv_problem_set(p, 400, h.hosts > 1 ? "Host" : "Content-Length",
                               "the %s header appears more than once",
                               h.hosts > 1 ? "Host" : "Content-Length");
    return 0;
}

static int check_host(const srv *s, struct MHD_Connection *c, srv_problem *p)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char name[256];
    unsigned port;
    if (!h)
        return 0; /* HTTP/1.0 without Host: no browser sends that */
    if (!split_host(h, name, sizeof name, &port) || !allowed_name(s, name))
        return srv_problem_set(p, 421, "Host",
                               "Host '%.64s' is not this server; it answers to localhost, "
                               "127.0.0.1, [::1] and %s (start it with --allow-host NAME to "
                               "add a name)",
                               h, s->o.host);
    return 0;
}

/*
 * A state-changing request, or one that costs the server real work (a landscape), from a
 * page of another origin is refused.
 */
static int check_origin(const srv *s, struct MHD_Connection *c, const char *url,
                        const char *method, srv_problem *p)
{
    if (strcmp(method, "POST") && strcmp(method, "DELETE") && strcmp(url, "/api/v1/landscape"))
        return 0;
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!o)
        return 0;
    char name[256];
    unsigned port;
    if (strncmp(o, "http://", 7) || !split_host(o + 7, name, sizeof name, &port) ||
        !allowed_name(s, name) || (port ? port : 80) != s->o.port)
        return srv_problem_set(p, 403, "Origin",
                               "Origin '%.64s' is not this server's own; clopt serve sends no "
                               "CORS headers and takes work only from its own page",
                               o);
    return 0;
}

static int check_body(struct MHD_Connection *c, srv_problem *p)
{
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (len && strtoull(len, NULL, 10) > SRV_MAX_BODY)
        return srv_problem_set(p, 413, "body", "the body has %.20s bytes; the limit is %u", len,
                               SRV_MAX_BODY);
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    const size_t n = strlen("application/json");
    if (!type || strncasecmp(type, "application/json", n) ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' '))
        return srv_problem_set(p, 415, "Content-Type",
                               "Content-Type is '%.64s'; expected application/json",
                               type ? type : "(none)");
    return 0;
}

/* Takes the body's memory from the budget; 503 (queued) when it has no room now. */
static int take_body(srv *s, struct MHD_Connection *c, conn_req *q, size_t need,
                     enum MHD_Result *rc)
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
    srv_problem p;
    srv_problem_set(&p, 503, "", "the server's memory budget has no room for this request's "
                                 "body now; retry in a moment");
    q->refused = 1;
    *rc = srv_reply_problem(c, &p);
    return -1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    (void)version;
    srv *s = cls;
    conn_req *q = *req_cls;
    srv_problem p;
    enum MHD_Result rc;
    if (!q) {
        if (!(q = calloc(1, sizeof *q)))
            return MHD_NO;
        *req_cls = q;
        const int body = srv_route_has_body(s, url, method);
        if (check_headers(c, url, &p) || check_host(s, c, &p) ||
            check_origin(s, c, url, method, &p) || (body && check_body(c, &p))) {
            q->refused = 1;
            return srv_reply_problem(c, &p);
        }
        if (!body)
            return srv_route(s, c, url, method, NULL, 0, &q->waiting);
        return MHD_YES; /* the body follows */
    }
    if (*upload_size) {
        if (q->refused) {
            *upload_size = 0;
            return MHD_YES;
        }
        if (q->len + *upload_size > SRV_MAX_BODY) { /* chunked past the limit */
            *upload_size = 0;
            q->refused = 1;
            srv_problem_set(&p, 413, "body", "the body has more than %u bytes, the limit",
                            SRV_MAX_BODY);
            return srv_reply_problem(c, &p);
        }
        if (!q->body && take_body(s, c, q, SRV_MAX_BODY, &rc)) {
            *upload_size = 0;
            return rc;
        }
        memcpy(q->body + q->len, upload, *upload_size);
        q->len += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }
    if (q->refused)
        return MHD_YES;
    return srv_route(s, c, url, method, q->body, q->len, &q->waiting);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    srv *s = cls;
    conn_req *q = *req_cls;
    if (q) {
        pthread_mutex_lock(&s->lock);
        srv_budget_give(s, q->charged);
        if (q->waiting)
            srv_job_unref(s, q->waiting);
        pthread_mutex_unlock(&s->lock);
        free(q->body);
    }
    free(q);
    *req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)c, (void)socket_context;
    srv *s = cls; /* MHD may hold its own mutex here: no s->lock (core.h's lock order) */
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        __atomic_add_fetch(&s->connections, 1, __ATOMIC_RELAXED);
    else
        __atomic_sub_fetch(&s->connections, 1, __ATOMIC_RELAXED);
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
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)s->o.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_CONNECTION_LIMIT, s->o.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        s->o.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->o.header_limit,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, s, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
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
    snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u/" : "http://%s:%u/", s->o.host,
             s->o.port);
    return 0;
}

void srv_http_stop(srv *s)
{
    if (!s->daemon)
        return;
    const MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    /* The streams saw `stopping` when they were woken and end; wait for them to go. */
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s->lock);
        const size_t n = s->nstreams;
        srv_streams_wake(s, NULL);
        pthread_mutex_unlock(&s->lock);
        if (n == 0)
            break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
}
