/*
 * A run's event log: Server-Sent Events, formatted once, appended in order and read by
 * every client of the run. Event n (n = 1, 2, ...) carries "id: n", so a client that has
 * seen n events resumes at byte srv_log_offset(log, n). The caller locks.
 */
#ifndef CLOPT_SERVER_EVENTLOG_H
#define CLOPT_SERVER_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;
    size_t len, cap;
    size_t *ends; /* ends[n - 1]: the byte after event n */
    uint64_t count;
    size_t ends_cap;
    int ended;    /* a done or error event was appended: nothing follows */
    size_t limit; /* growth stops doubling at this many bytes (the job's reservation) */
} srv_log;

/*
 * Appends "id: n\nevent: name\ndata: json\n\n" (json has no newline) and returns the bytes
 * the log grew by, or 0 when out of memory (the log is unchanged). `final` ends the log.
 */
size_t srv_log_append(srv_log *log, const char *name, const char *json, size_t json_len, int final);

/* Where the event after the first `seen` ones starts (seen <= count). */
size_t srv_log_offset(const srv_log *log, uint64_t seen);

/* The bytes the log holds in memory. */
size_t srv_log_bytes(const srv_log *log);

void srv_log_free(srv_log *log);

#endif
