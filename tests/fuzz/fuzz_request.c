/*
 * libFuzzer harness for the server's request-body parser (src/server/request.c): any bytes
 * either parse into a request whose canonical text parses back to the same request and id,
 * or give a problem with a 4xx/5xx status and text that Jansson accepts as JSON strings.
 */
#include "problem.h"
#include "request.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    srv_request req;
    srv_problem p;
    if (srv_request_parse((const char *)data, size, &req, &p) != 0) {
        json_t *j = json_pack("{s:s,s:s}", "error", p.text, "field", p.field);
        if (!j || p.status < 400 || p.status > 599 || !p.text[0])
            abort();
        json_decref(j);
        return 0;
    }
    const size_t n = strlen(req.canonical);
    if (n <= SRV_MAX_BODY) {
        srv_request again;
        if (srv_request_parse(req.canonical, n, &again, &p) != 0)
            abort();
        if (strcmp(again.id, req.id) || strcmp(again.canonical, req.canonical))
            abort();
        srv_request_free(&again);
    }
    srv_request_free(&req);
    return 0;
}
