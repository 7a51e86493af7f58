/* Responses are built, queued and released at once, as libmicrohttpd's examples do. */
#include "reply.h"

#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Every answer: no type sniffing, readable only by this origin's pages (CORP), and a CSP
 * that lets the page load and connect to its own origin alone (inline style attributes are
 * allowed for d3; no inline scripts, no plugins, no framing, no foreign form targets).
 */
void srv_reply_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; connect-src 'self'; "
                            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                            "object-src 'none'; base-uri 'none'; form-action 'self'; "
                            "frame-ancestors 'none'");
}

/* The answer when even the error cannot be formatted: a client never gets nothing. */
static const char fallback[] = "{\"error\":\"the server could not format its answer (out of "
                               "memory, or text that is not UTF-8)\",\"field\":\"\"}";

/*
 * Whether the client has shut down its side (a read would give end of file). libmicrohttpd
 * notices that itself between requests, but not when it read the end of file together
 * with a request's body: the connection would then stay open until --timeout.
 */
static int half_closed(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    char byte;
    return ci && recv(ci->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

enum MHD_Result srv_reply_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp,
                               const char *type, const char *cache)
{
    if (!resp) {
        resp = MHD_create_response_from_buffer(sizeof fallback - 1, (void *)fallback,
                                               MHD_RESPMEM_PERSISTENT);
        if (!resp) return MHD_NO;
        status = 500;
        type = "application/json";
        cache = "no-store";
    }
    if (type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (half_closed(c)) /* nothing more can come: close once the answer is sent */
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    srv_reply_headers(resp);
    const enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static struct MHD_Response *json_response(json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
    json_decref(body);
    if (!text) return NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) free(text);
    return resp;
}

enum MHD_Result srv_reply_json(struct MHD_Connection *c, unsigned status, json_t *body)
{
    if (!body) {
        srv_problem p;
        srv_problem_set(&p, 503, "", "out of memory");
        return srv_reply_problem(c, &p);
    }
    return srv_reply_send(c, status, json_response(body), "application/json", "no-store");
}

enum MHD_Result srv_reply_problem(struct MHD_Connection *c, const srv_problem *p)
{
    char *text = srv_problem_text(p);
    struct MHD_Response *resp =
        text ? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE) : NULL;
    if (text && !resp) free(text);
    if (resp && p->status == 503) MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    return srv_reply_send(c, p->status, resp, "application/json", "no-store");
}

enum MHD_Result srv_reply_method(struct MHD_Connection *c, const char *method, const char *allow)
{
    srv_problem p;
    srv_problem_set(&p, 405, "method", "method %s is not allowed here; use %s",
                    strcmp(method, "GET") && strcmp(method, "POST") && strcmp(method, "DELETE")
                        ? "(other)"
                        : method,
                    allow);
    char *text = srv_problem_text(&p);
    struct MHD_Response *resp =
        text ? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE) : NULL;
    if (text && !resp) free(text);
    if (resp) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    return srv_reply_send(c, 405, resp, "application/json", "no-store");
}

enum MHD_Result srv_reply_empty(struct MHD_Connection *c, unsigned status)
{
    return srv_reply_send(c, status,
                          MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT), NULL,
                          "no-store");
}

typedef struct {
    srv *s;
    srv_job *j;
} job_hold;

/* The answer is sent (or dropped): its job's data may go. */
static void job_hold_done(void *cls)
{
    job_hold *h = cls;
    srv_job_release(h->s, h->j);
    free(h);
}

enum MHD_Result srv_reply_job_data(srv *s, struct MHD_Connection *c, srv_job *j, const void *data,
                                   size_t size, const char *type, const char *const *headers)
{
    job_hold *h = malloc(sizeof *h);
    if (!h) {
        srv_job_release(s, j);
        srv_problem p;
        srv_problem_set(&p, 503, "", "out of memory");
        return srv_reply_problem(c, &p);
    }
    h->s = s;
    h->j = j;
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback_cls(
        size, (void *)data, job_hold_done, h);
    if (!resp) {
        job_hold_done(h);
        return MHD_NO;
    }
    for (size_t i = 0; headers && headers[i]; i += 2)
        MHD_add_response_header(resp, headers[i], headers[i + 1]);
    return srv_reply_send(c, 200, resp, type, "no-cache");
}
