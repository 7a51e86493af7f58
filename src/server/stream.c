/*
 * GET /api/v1/<jobs>/ID/events: a text/event-stream that reads the job's shared log. A
 * client that is caught up is parked: its connection is suspended (under the lock, so a
 * wake-up cannot slip in between) and resumed when the worker appends an event, when a
 * heartbeat is due, or when the server stops.
 *
 * Limits: streams hold at most 3/4 of --max-connections (503 beyond, so the API stays
 * reachable) and --client-streams per client address (429 beyond; the loopback range is one
 * client). A stream whose client
 * takes nothing for --timeout (its kernel acknowledges no byte while some wait) is ended.
 */
#include "core.h"
#include "reply.h"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static const char heartbeat[] = ": heartbeat\n\n";

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    srv_stream *st = cls;
    srv *s = st->s;
    const srv_log *log = st->feed.log;
    ssize_t n = 0;
    pthread_mutex_lock(&s->lock);
    if (!st->placed && st->seen <= log->count) {
        st->offset = srv_log_offset(log, st->seen);
        st->placed = 1;
    }
    if (st->stalled)
        n = MHD_CONTENT_READER_END_WITH_ERROR; /* closes the connection */
    else if (s->stopping)
        n = MHD_CONTENT_READER_END_OF_STREAM;
    else if (st->placed && st->offset < log->len) {
        const size_t left = log->len - st->offset;
        const size_t k = left < max ? left : max;
        memcpy(buf, log->data + st->offset, k);
        st->offset += k;
        n = (ssize_t)k;
    } else if (log->ended)
        n = MHD_CONTENT_READER_END_OF_STREAM;
    else if (st->heartbeat && max >= sizeof heartbeat - 1) {
        memcpy(buf, heartbeat, sizeof heartbeat - 1);
        n = (ssize_t)(sizeof heartbeat - 1);
    } else {
        st->parked = 1;
        MHD_suspend_connection(st->conn);
    }
    st->heartbeat = 0;
    if (n > 0) st->last_write = clopt_now();
    pthread_mutex_unlock(&s->lock);
    return n;
}

static void release(void *cls)
{
    srv_stream *st = cls;
    srv *s = st->s;
    pthread_mutex_lock(&s->lock);
    if (st->prev)
        st->prev->next = st->next;
    else
        s->streams = st->next;
    if (st->next) st->next->prev = st->prev;
    s->nstreams--;
    st->feed.unref(s, st->feed.owner);
    pthread_mutex_unlock(&s->lock);
    free(st);
}

/* A stream of feed's log from event `seen` on; it takes a reference to the owner. */
static struct MHD_Response *stream_response(srv *s, struct MHD_Connection *c, const srv_feed *feed,
                                            uint64_t seen, const char *client)
{
    srv_stream *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->s = s;
    st->feed = *feed;
    st->conn = c;
    st->seen = seen;
    st->last_write = st->progress_at = clopt_now();
    snprintf(st->client, sizeof st->client, "%s", client);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    st->fd = ci ? ci->connect_fd : -1;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, reader, st, release);
    if (!resp) {
        free(st);
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    feed->ref(feed->owner);
    st->next = s->streams;
    if (s->streams) s->streams->prev = st;
    s->streams = st;
    s->nstreams++;
    pthread_mutex_unlock(&s->lock);
    return resp;
}

static void wake(srv_stream *st)
{
    st->parked = 0;
    MHD_resume_connection(st->conn);
}

void srv_streams_wake(srv *s, const srv_log *log)
{
    for (srv_stream *st = s->streams; st; st = st->next)
        if (st->parked && (!log || st->feed.log == log)) wake(st);
}

/*
 * Whether the client has taken bytes within --timeout (lock held): its kernel acknowledged
 * some since the last look, or nothing is waiting for it. Bytes the server adds to a full
 * send queue (heartbeats) are not the client reading.
 */
static int reading(srv_stream *st, double now)
{
    struct tcp_info info;
    socklen_t size = sizeof info;
    int queued = 0;
    if (st->fd < 0 || getsockopt(st->fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0 ||
        ioctl(st->fd, SIOCOUTQ, &queued) != 0)
        return 1; /* cannot tell: leave it to libmicrohttpd's timeout */
    if (queued == 0 || info.tcpi_bytes_acked != st->acked) st->progress_at = now;
    st->acked = info.tcpi_bytes_acked;
    return now - st->progress_at < (double)st->s->o.timeout_s;
}

void srv_streams_heartbeat(srv *s)
{
    const double now = clopt_now();
    for (srv_stream *st = s->streams; st; st = st->next) {
        if (!st->stalled && !reading(st, now)) {
            st->stalled = 1; /* its next read ends it */
            if (st->parked) wake(st);
        }
        if (now - st->last_write >= s->o.heartbeat_s) {
            st->heartbeat = 1; /* woken or not, its next read sends the comment */
            if (st->parked) wake(st);
        }
    }
}

/* 503 when streams hold their share of the connections, 429 when this client holds its. */
static int check_limits(srv *s, const char *client, srv_problem *p)
{
    const size_t most = (size_t)s->o.max_connections * 3 / 4;
    size_t mine = 0;
    for (srv_stream *st = s->streams; st; st = st->next)
        mine += !strcmp(st->client, client);
    if (s->nstreams >= (most ? most : 1))
        return srv_problem_set(p, 503, "",
                               "%zu event streams are open, the most this server keeps (3/4 of "
                               "--max-connections); retry in a moment",
                               s->nstreams);
    if (mine >= s->o.client_streams)
        return srv_problem_set(p, 429, "",
                               "this client already has %zu event streams open, the most one "
                               "client may hold (clopt serve --client-streams); close one",
                               mine);
    return 0;
}

/* The events a reconnecting client has seen: Last-Event-ID, else ?after=, else 0. */
static int seen_events(struct MHD_Connection *c, uint64_t *seen, srv_problem *p)
{
    const char *field = "Last-Event-ID";
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, field);
    if (!v) {
        field = "after";
        v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, field);
    }
    *seen = 0;
    if (!v) return 0;
    unsigned long long n;
    if (srv_parse_count(v, &n))
        return srv_problem_set(p, 400, field,
                               "%s = '%.24s'; expected the id of the last event received (an "
                               "integer >= 0)",
                               field, v);
    *seen = n;
    return 0;
}

enum MHD_Result srv_stream_reply(srv *s, struct MHD_Connection *c, const srv_feed *feed)
{
    srv_problem p;
    uint64_t seen;
    if (seen_events(c, &seen, &p)) return srv_reply_problem(c, &p);
    char client[48];
    srv_connection_client(c, client, sizeof client);
    pthread_mutex_lock(&s->lock);
    const int over = feed->log->ended && seen >= feed->log->count;
    const int refused = !over && check_limits(s, client, &p);
    pthread_mutex_unlock(&s->lock);
    if (over) /* 204 tells an EventSource to stop reconnecting */
        return srv_reply_empty(c, 204);
    if (refused) return srv_reply_problem(c, &p);
    return srv_reply_send(c, 200, stream_response(s, c, feed, seen, client), "text/event-stream",
                          "no-store");
}
