/* The page's static files: "/" is /index.html; ETag / If-None-Match give 304s. */
#include "routes.h"

#include "assets_table.h"
#include "reply.h"

#include <string.h>

static const srv_asset *find(const char *url)
{
    if (!strcmp(url, "/"))
        url = "/index.html";
    for (const srv_asset *a = srv_assets; a->path; a++)
        if (!strcmp(a->path, url))
            return a;
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
    const char *match = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_IF_NONE_MATCH);
    struct MHD_Response *resp;
    unsigned status = 200;
    if (match && !strcmp(match, a->etag)) {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        status = 304;
    } else
        resp = MHD_create_response_from_buffer(a->size, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, a->etag);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    if (status == 200)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
    srv_reply_headers(resp);
    const enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}
