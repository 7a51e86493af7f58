/*
 * GET /api/v1/runs/ID/events: a text/event-stream that reads the run's shared log. A
 * client that is caught up is parked: its connection is suspended (under the lock, so a
 * wake-up cannot slip in between) and resumed when the worker appends an event, when a
 * heartbeat is due, or when the server stops.
 */
#include "core.h"
#include "reply.h"

#include <stdlib.h>
#include <string.h>

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
    if (s->stopping)
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
    if (n > 0)
        st->last_write = srv_now();
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
    if (st->next)
        st->next->prev = st->prev;
    s->nstreams--;
    st->feed.unref(s, st->feed.owner);
    pthread_mutex_unlock(&s->lock);
    free(st);
}

struct MHD_Response *srv_stream_response(srv *s, struct MHD_Connection *c, const srv_feed *feed,
                                         uint64_t seen)
{
    srv_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->s = s;
    st->feed = *feed;
    st->conn = c;
    st->seen = seen;
    st->last_write = srv_now();
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, reader, st, release);
    if (!resp) {
        free(st);
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    feed->ref(feed->owner);
    st->next = s->streams;
    if (s->streams)
        s->streams->prev = st;
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
        if (st->parked && (!log || st->feed.log == log))
            wake(st);
}

void srv_streams_heartbeat(srv *s)
{
    const double now = srv_now();
    for (srv_stream *st = s->streams; st; st = st->next)
        if (now - st->last_write >= s->o.heartbeat_s) {
            st->heartbeat = 1; /* woken or not, its next read sends the comment */
            if (st->parked)
                wake(st);
        }
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
    if (!v)
        return 0;
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
    if (seen_events(c, &seen, &p))
        return srv_reply_problem(c, &p);
    pthread_mutex_lock(&s->lock);
    const int over = feed->log->ended && seen >= feed->log->count;
    pthread_mutex_unlock(&s->lock);
    if (over) /* 204 tells an EventSource to stop reconnecting */
        return srv_reply_empty(c, 204);
    return srv_reply_send(c, 200, srv_stream_response(s, c, feed, seen), "text/event-stream",
                          "no-store");
}
