/* srv_log: an append-only byte log of SSE events with an index of event ends. */
#include "eventlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p to hold `need` units, doubling, but not past `limit` units when need fits it. */
static int reserve(void **p, size_t *cap, size_t need, size_t unit, size_t limit)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    if (limit && need <= limit && n > limit) n = limit;
    void *q = realloc(*p, n * unit);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

size_t srv_log_append(srv_log *log, const char *name, const char *json, size_t json_len, int final)
{
    char head[64];
    const int h =
        snprintf(head, sizeof head,
                 "id: %llu\nevent: %s\ndata: ", (unsigned long long)(log->count + 1), name);
    const size_t add = (size_t)h + json_len + 2;
    if (reserve((void **)&log->data, &log->cap, log->len + add, 1, log->limit) ||
        reserve((void **)&log->ends, &log->ends_cap, log->count + 1, sizeof *log->ends, 0))
        return 0;
    char *at = log->data + log->len;
    memcpy(at, head, (size_t)h);
    memcpy(at + h, json, json_len);
    memcpy(at + h + json_len, "\n\n", 2);
    log->len += add;
    log->ends[log->count++] = log->len;
    log->ended = final;
    if (final) { /* nothing more will come: give back the growth reserve */
        char *data = realloc(log->data, log->len);
        size_t *ends = realloc(log->ends, log->count * sizeof *log->ends);
        if (data) {
            log->data = data;
            log->cap = log->len;
        }
        if (ends) {
            log->ends = ends;
            log->ends_cap = log->count;
        }
    }
    return add;
}

size_t srv_log_offset(const srv_log *log, uint64_t seen)
{
    return seen == 0 ? 0 : log->ends[seen - 1];
}

size_t srv_log_bytes(const srv_log *log)
{
    return log->cap + log->ends_cap * sizeof *log->ends;
}

void srv_log_free(srv_log *log)
{
    free(log->data);
    free(log->ends);
    memset(log, 0, sizeof *log);
}
