/*
 * GET /api/v1/runs/ID/events: a text/event-stream that reads the run's shared log. A
 * client that is caught up is parked: its connection is suspended (under the lock, so a
 * wake-up cannot slip in between) and resumed when the worker appends an event, when a
 * heartbeat is due, or when the server stops.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static const char heartbeat[] = ": heartbeat\n\n";

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    srv_stream *st = cls;
    srv *s = st->s;
    const srv_log *log = &st->run->log;
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
    srv_run_unref(s, st->run);
    pthread_mutex_unlock(&s->lock);
    free(st);
}

struct MHD_Response *srv_stream_response(srv *s, struct MHD_Connection *c, srv_run *r,
                                         uint64_t seen)
{
    srv_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->s = s;
    st->run = r;
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
    r->refs++;
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

void srv_streams_wake(srv *s, const srv_run *r)
{
    for (srv_stream *st = s->streams; st; st = st->next)
        if (st->parked && (!r || st->run == r))
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
