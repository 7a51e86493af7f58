/* srv_check_request: the connection-level rules, on a request given as data. */
#include "check.h"

#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *srv_view_arg(const srv_view *v, const char *name)
{
    for (size_t i = 0; i < v->nargs; i++)
        if (!strcmp(v->args[i].name, name)) return v->args[i].value;
    return NULL;
}

const char *srv_view_header(const srv_view *v, const char *name)
{
    for (size_t i = 0; i < v->nheaders; i++)
        if (!strcasecmp(v->headers[i].name, name)) return v->headers[i].value;
    return NULL;
}

/* Splits "name[:port]" / "[v6]:port"; 0 if malformed. */
static int split_host(const char *h, char *name, size_t size, unsigned *port)
{
    const char *end = h[0] == '[' ? strchr(h, ']') : strchr(h, ':');
    if (h[0] == '[' && !end) return 0;
    if (h[0] == '[') end++;
    if (!end) end = h + strlen(h);
    const size_t n = (size_t)(end - h);
    if (n == 0 || n >= size) return 0;
    memcpy(name, h, n);
    name[n] = '\0';
    *port = 0;
    if (*end == '\0') return 1;
    if (*end != ':' || end[1] == '\0' || strlen(end + 1) > 5) return 0;
    for (const char *p = end + 1; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    *port = (unsigned)atoi(end + 1);
    return *port <= 65535;
}

static int allowed_name(const srv_options *o, const char *name)
{
    static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < 3; i++)
        if (!strcasecmp(name, local[i])) return 1;
    char bracketed[80];
    snprintf(bracketed, sizeof bracketed, "[%s]", o->host);
    if (!strcasecmp(name, o->host) || !strcasecmp(name, bracketed)) return 1;
    for (size_t i = 0; i < o->nallow_hosts; i++)
        if (!strcasecmp(name, o->allow_hosts[i])) return 1;
    return 0;
}

static int is_token(const char *name)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (!*name) return 0;
    for (const char *ch = name; *ch; ch++)
        if (!((*ch >= 'a' && *ch <= 'z') || (*ch >= 'A' && *ch <= 'Z') ||
              (*ch >= '0' && *ch <= '9') || strchr(extra, *ch)))
            return 0;
    return 1;
}

static int valid(const char *s)
{
    return !s || srv_utf8_valid(s, strlen(s));
}

/* Token names, no repeated Host or Content-Length (smuggling), strict UTF-8 everywhere. */
static int check_bytes(const srv_view *v, srv_problem *p)
{
    unsigned hosts = 0, lengths = 0;
    if (!valid(v->path)) return srv_problem_set(p, 400, "target", "the path is not valid UTF-8");
    for (size_t i = 0; i < v->nheaders; i++) {
        const char *name = v->headers[i].name;
        if (!is_token(name))
            return srv_problem_set(p, 400, "headers", "a header name is not a valid token");
        hosts += !strcasecmp(name, "Host");
        lengths += !strcasecmp(name, "Content-Length");
        if (!valid(v->headers[i].value))
            return srv_problem_set(p, 400, name, "the %.60s header is not valid UTF-8", name);
    }
    if (hosts > 1 || lengths > 1)
        return srv_problem_set(p, 400, hosts > 1 ? "Host" : "Content-Length",
                               "the %s header appears more than once",
                               hosts > 1 ? "Host" : "Content-Length");
    for (size_t i = 0; i < v->nargs; i++) {
        const int good_name = valid(v->args[i].name);
        if (!good_name || !valid(v->args[i].value))
            return srv_problem_set(p, 400, good_name ? v->args[i].name : "query",
                                   "a query argument%s%.60s is not valid UTF-8 (after "
                                   "%%-decoding)",
                                   good_name ? " " : "", good_name ? v->args[i].name : "");
    }
    return 0;
}

static int check_host(const srv_options *o, const srv_view *v, srv_problem *p)
{
    const char *h = srv_view_header(v, "Host");
    char name[256];
    unsigned port;
    if (!h && v->version && strcmp(v->version, "HTTP/1.0"))
        return srv_problem_set(p, 400, "Host", "an HTTP/1.1 request needs a Host header");
    if (!h) return 0; /* HTTP/1.0 without Host: no browser sends that */
    if (!split_host(h, name, sizeof name, &port) || !allowed_name(o, name))
        return srv_problem_set(p, 421, "Host",
                               "Host '%.64s' is not this server; it answers to localhost, "
                               "127.0.0.1, [::1] and %s (start it with --allow-host NAME to "
                               "add a name)",
                               h, o->host);
    return 0;
}

/*
 * A state-changing request, or one that costs the server real work (a landscape, an exploration's
 * pass field), from a
 * page of another origin is refused.
 */
static int check_origin(const srv_options *o, const srv_view *v, srv_problem *p)
{
    const char *const explorations = "/api/v1/explorations/";
    const int pass_field =
        !strncmp(v->path, explorations, strlen(explorations)) && strstr(v->path, "/passes/");
    if (strcmp(v->method, "POST") && strcmp(v->method, "DELETE") &&
        strcmp(v->path, "/api/v1/landscape") && !pass_field)
        return 0;
    /* A page's <img> or <link> sends no Origin, but a browser says where it came from:
     * only the server's own page (same-origin) or the person (none: typed, bookmarked) may
     * make it compute. same-site is another port or subdomain: another application. */
    const char *site = srv_view_header(v, "Sec-Fetch-Site");
    if (site && strcasecmp(site, "same-origin") && strcasecmp(site, "none"))
        return srv_problem_set(p, 403, "Sec-Fetch-Site",
                               "this request came from another site's page (Sec-Fetch-Site: "
                               "%.32s); clopt serve computes only for its own page",
                               site);
    const char *origin = srv_view_header(v, "Origin");
    if (!origin) return 0;
    char name[256];
    unsigned port;
    if (strncmp(origin, "http://", 7) || !split_host(origin + 7, name, sizeof name, &port) ||
        !allowed_name(o, name) || (port ? port : 80) != o->port)
        return srv_problem_set(p, 403, "Origin",
                               "Origin '%.64s' is not this server's own; clopt serve sends no "
                               "CORS headers and takes work only from its own page",
                               origin);
    return 0;
}

static int check_body(const srv_view *v, srv_problem *p)
{
    const char *len = srv_view_header(v, "Content-Length");
    if (len && strtoull(len, NULL, 10) > SRV_MAX_BODY)
        return srv_problem_set(p, 413, "body", "the body has %.20s bytes; the limit is %u", len,
                               SRV_MAX_BODY);
    const char *type = srv_view_header(v, "Content-Type");
    const size_t n = strlen("application/json");
    if (!type || strncasecmp(type, "application/json", n) ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' '))
        return srv_problem_set(p, 415, "Content-Type",
                               "Content-Type is '%.64s'; expected application/json",
                               type ? type : "(none)");
    return 0;
}

int srv_check_request(const srv_options *o, const srv_view *v, int body, srv_problem *p)
{
    return check_bytes(v, p) || check_host(o, v, p) || check_origin(o, v, p) ||
                   (body && check_body(v, p))
               ? -1
               : 0;
}
