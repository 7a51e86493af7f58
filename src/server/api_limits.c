/* GET /api/v1/limits: the server's limits (api_limits.h), the same constants its parsers use. */
#include "api_limits.h"

#include "reply.h"
#include "routes.h"

static const struct {
    const char *group, *name;
    json_int_t value;
} limits[] = {
#define X_ROW(group, name, value) {group, name, (json_int_t)(value)},
    SRV_LIMITS(X_ROW)
#undef X_ROW
};

json_t *srv_limits_json(void)
{
    json_t *out = json_object();
    for (size_t i = 0; out && i < sizeof limits / sizeof *limits; i++) {
        json_t *group = json_object_get(out, limits[i].group);
        if (!group) { /* the first row of its group: the object is the parent's to keep */
            group = json_object();
            if (json_object_set_new(out, limits[i].group, group)) group = NULL;
        }
        if (!group || json_object_set_new(group, limits[i].name, json_integer(limits[i].value))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

enum MHD_Result srv_api_limits(srv *s, struct MHD_Connection *c)
{
    (void)s;
    return srv_reply_json(c, 200, srv_limits_json());
}
