/*
 * libFuzzer harness for the server's request path: any bytes, read as
 *
 *     METHOD [VERSION] \n TARGET \n (NAME: VALUE \n)* \n BODY
 *
 * (the target's path and query %-decoded as libmicrohttpd decodes them; without a version,
 * HTTP/1.0, where Host is optional; "POST HTTP/1.1" checks the Host rules), go through
 * srv_exchange: the same checks (srv_check_request) and parsers (runs, trainings,
 * landscapes) that libmicrohttpd's callbacks call. Whatever the bytes, the answer is a
 * status from 200 to 599 with a body that is valid JSON: a JSON error naming a field, or
 * the canonical request, which parses back to the same canonical text and id.
 */
#include "routes.h"

#include "fields.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static srv *server(void)
{
    static srv *s; /* one for the whole run: the harness's only state */
    if (!s) {
        srv_options o;
        srv_options_defaults(&o);
        o.functions_json = o.optimizers_json = "[]";
        if (!(s = srv_open_offline(&o, NULL))) abort();
    }
    return s;
}

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* %XX decoding in place (and '+' as a space in the query), as libmicrohttpd does. */
static void decode(char *s, int plus)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
            *out++ = (char)(hex(s[1]) * 16 + hex(s[2]));
            s += 2;
        } else
            *out++ = plus && *s == '+' ? ' ' : *s;
    }
    *out = '\0';
}

/* The next line of [*at, end) as a NUL-terminated string (the input is a private copy). */
static char *line(char **at, char *end)
{
    if (*at >= end) return NULL;
    char *start = *at, *nl = memchr(start, '\n', (size_t)(end - start));
    if (!nl) nl = end;
    *nl = '\0';
    *at = nl + 1;
    return start;
}

static void check_answer(srv *s, unsigned status, char *out, const srv_view *v)
{
    if (status == 0) {
        if (out) abort();
        return;
    }
    if (status < 200 || status > 599 || !out) abort();
    json_error_t e;
    json_t *j = json_loads(out, 0, &e);
    if (!j) abort(); /* never a body a client cannot parse */
    if (status >= 400 && (!json_is_string(json_object_get(j, "error")) ||
                          !json_string_value(json_object_get(j, "error"))[0]))
        abort();
    json_decref(j);
    if (status == 200 && !strcmp(v->method, "POST")) {
        /* The canonical request is itself a valid request with the same text. */
        const srv_view again = {v->method, v->path, NULL, v->headers, 0, v->nheaders, v->version};
        char *twice = NULL;
        if (strlen(out) <= SRV_MAX_BODY) {
            if (srv_exchange(s, &again, out, strlen(out), &twice) != 200 || strcmp(twice, out))
                abort();
            char a[SRV_ID_CHARS + 1], b[SRV_ID_CHARS + 1];
            srv_hash_id(out, a);
            srv_hash_id(twice, b);
            if (strcmp(a, b)) abort();
        }
        free(twice);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *at = copy, *end = copy + size;
    char *method = line(&at, end), *target = line(&at, end);
    srv_pair headers[MAX_PAIRS], args[MAX_PAIRS];
    size_t nh = 0, na = 0;
    char *h;
    while (nh < MAX_PAIRS && (h = line(&at, end)) && *h) {
        char *colon = strchr(h, ':');
        if (!colon) continue;
        *colon = '\0';
        headers[nh++] = (srv_pair){h, colon[1] == ' ' ? colon + 2 : colon + 1};
    }
    if (!method || !target) {
        free(copy);
        return 0;
    }
    const char *version = NULL;
    char *space = strchr(method, ' ');
    if (space) {
        *space = '\0';
        version = space + 1;
    }
    char *query = strchr(target, '?');
    if (query) {
        *query++ = '\0';
        for (char *arg = strtok(query, "&"); arg && na < MAX_PAIRS; arg = strtok(NULL, "&")) {
            char *eq = strchr(arg, '=');
            if (eq) *eq++ = '\0';
            decode(arg, 1);
            if (eq) decode(eq, 1);
            args[na++] = (srv_pair){arg, eq};
        }
    }
    decode(target, 0);
    const srv_view v = {method, target, args, headers, na, nh, version};
    const size_t body = at < end ? (size_t)(end - at) : 0;
    char *out = NULL;
    srv *s = server();
    const unsigned status = srv_exchange(s, &v, body ? at : "", body, &out);
    check_answer(s, status, out, &v);
    free(out);
    free(copy);
    return 0;
}
