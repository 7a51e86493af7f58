/* Building and queueing responses: JSON bodies, errors, the headers every answer carries. */
#ifndef CLOPT_SERVER_REPLY_H
#define CLOPT_SERVER_REPLY_H

#include "problem.h"

#include <jansson.h>
#include <microhttpd.h>

/* Adds the headers of every response (nosniff, no referrer, a strict CSP). */
void srv_reply_headers(struct MHD_Response *resp);

/*
 * Adds Content-Type `type` (unless NULL), Cache-Control `cache` and the common headers to
 * resp, queues it with status and releases it. A NULL resp (out of memory) gives MHD_NO,
 * which closes the connection.
 */
enum MHD_Result srv_reply_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp,
                               const char *type, const char *cache);

/* Queues body (steals the reference; NULL answers 503) with status. */
enum MHD_Result srv_reply_json(struct MHD_Connection *c, unsigned status, json_t *body);

/* Queues {"error": text, "field": field} with p's status (and Allow / Retry-After). */
enum MHD_Result srv_reply_problem(struct MHD_Connection *c, const srv_problem *p);

/* 405 with an Allow header listing `allow`. */
enum MHD_Result srv_reply_method(struct MHD_Connection *c, const char *method, const char *allow);

/* Queues a response that carries no body (204, 304). */
enum MHD_Result srv_reply_empty(struct MHD_Connection *c, unsigned status);

typedef struct srv srv;
typedef struct srv_job srv_job;

/*
 * Queues 200 with the `size` bytes at `data`, which job j owns (a landscape, a field of an
 * exploration), as Content-Type `type`, no-cache, with the headers `headers` (name, value,
 * ..., NULL; or NULL). Takes over the caller's reference to j and drops it once the answer is
 * sent or dropped, so the data lives as long as the answer. 503 when out of memory.
 */
enum MHD_Result srv_reply_job_data(srv *s, struct MHD_Connection *c, srv_job *j, const void *data,
                                   size_t size, const char *type, const char *const *headers);

#endif
