/*
 * Expressions on the server: GET /api/v1/check?function=... parses without compiling (the
 * page checks as a person types). The HTTP thread never compiles: an expression's kernels
 * are built by the compile queue (compiler.c) for the job that needs them (a run, or a
 * landscape whose connection waits suspended meanwhile), within those kinds' queues.
 */
#include "routes.h"

#include "config.h"
#include "functions.h"
#include "reply.h"
#include "request.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

/* ?optimizer=SPEC: whether a spec parses, with the library's sentence when it does not. */
static enum MHD_Result check_optimizer(struct MHD_Connection *c, const char *spec)
{
    clopt_config cfg;
    clopt_error err = {0}; /* the first error wins: start with none */
    if (clopt_spec_parse(spec, &cfg, &err) != CLOPT_OK)
        return srv_reply_json(
            c, 200,
            json_pack("{s:b,s:s,s:s}", "valid", 0, "error", err.text, "field", "optimizer"));
    char *config = clopt_config_json(&cfg);
    json_t *body =
        json_pack("{s:b,s:o?}", "valid", 1, "config", config ? json_loads(config, 0, NULL) : NULL);
    free(config);
    return srv_reply_json(c, 200, body);
}

enum MHD_Result srv_api_check(srv *s, struct MHD_Connection *c)
{
    (void)s;
    srv_problem p;
    const char *spec = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "optimizer");
    if (spec) return check_optimizer(c, spec);
    const char *text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "function");
    if (!text) {
        srv_problem_set(&p, 400, "function",
                        "function or optimizer is required, e.g. ?function=x^2%%2B10*y^2 or "
                        "?optimizer=adam(lr=0.01)");
        return srv_reply_problem(c, &p);
    }
    clopt_function_ref f;
    clopt_expr_error where;
    clopt_error err;
    const clopt_status st = clopt_function_resolve(text, &f, &where, &err);
    if (st == CLOPT_ENOMEM) {
        clopt_function_ref_release(&f);
        srv_problem_set(&p, 503, "", "out of memory");
        return srv_reply_problem(c, &p);
    }
    /* a verdict, not a failed request: 200 either way (the page asks at every keystroke); an
     * expression's error also as data, its code and values, for the page's own words */
    json_t *body =
        st != CLOPT_OK
            ? json_pack("{s:b,s:s,s:s,s:i,s:i,s:s*,s:o*}", "valid", 0, "error", err.text, "field",
                        "function", "column", (int)where.column, "length", (int)where.length,
                        "code", where.code, "args", where.code ? srv_expr_args(where.args) : NULL)
            : json_pack("{s:b,s:s,s:s,s:s,s:b}", "valid", 1, "function", f.info->name, "formula",
                        f.info->formula, "tex", f.info->tex ? f.info->tex : "", "expression",
                        f.expr != NULL);
    clopt_function_ref_release(&f);
    return srv_reply_json(c, 200, body);
}
