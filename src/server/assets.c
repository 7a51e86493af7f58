/* The page's static files: "/" is /index.html; ETag / If-None-Match give 304s. */
#include "routes.h"

#include "assets_table.h"
#include "reply.h"

#include <string.h>

static const srv_asset *find(const char *url)
{
    if (!strcmp(url, "/")) url = "/index.html";
    for (const srv_asset *a = srv_assets; a->path; a++)
        if (!strcmp(a->path, url)) return a;
    return NULL;
}

int srv_assets_has(const char *url)
{
    return find(url) != NULL;
}

/* HEAD gets the same headers: libmicrohttpd leaves the body out itself. */
enum MHD_Result srv_assets_serve(struct MHD_Connection *c, const char *url)
{
    const srv_asset *a = find(url);
    const char *match =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    struct MHD_Response *resp;
    unsigned status = 200;
    if (match && !strcmp(match, a->etag)) {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        status = 304;
    } else
        resp = MHD_create_response_from_buffer(a->size, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    if (resp) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, a->etag);
    return srv_reply_send(c, status, resp, status == 200 ? a->type : NULL, "no-cache");
}
