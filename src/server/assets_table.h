/* The page's files, embedded at build time by tools/embed_web.cmake. */
#ifndef CLOPT_SERVER_ASSETS_TABLE_H
#define CLOPT_SERVER_ASSETS_TABLE_H

#include <stddef.h>

typedef struct {
    const char *path; /* "/index.html" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t size;
    const char *etag; /* quoted, from the content's SHA-256 */
} srv_asset;

extern const srv_asset srv_assets[]; /* ends with a NULL path */

#endif
