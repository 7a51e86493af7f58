/*
 * Expressions on the server: GET /api/v1/check?function=... parses without compiling (the
 * page checks as a person types), and the landscape of an expression whose program is not
 * built yet suspends its connection while a build thread compiles, so the HTTP thread never
 * compiles; the resumed request is answered from the cache. At most SRV_MAX_COMPILES builds
 * run at once (503 with Retry-After beyond); runs build theirs on the worker, within the
 * queue's limit.
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
        return srv_reply_json(c, 200, json_pack("{s:b,s:s,s:s}", "valid", 0, "error", err.text,
                                                "field", "optimizer"));
    char *config = clopt_config_json(&cfg);
    json_t *body = json_pack("{s:b,s:o?}", "valid", 1, "config",
                             config ? json_loads(config, 0, NULL) : NULL);
    free(config);
    return srv_reply_json(c, 200, body);
}

enum MHD_Result srv_api_check(srv *s, struct MHD_Connection *c)
{
    (void)s;
    srv_problem p;
    const char *spec = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "optimizer");
    if (spec)
        return check_optimizer(c, spec);
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
    /* a verdict, not a failed request: 200 either way (the page asks at every keystroke) */
    json_t *body =
        st != CLOPT_OK
            ? json_pack("{s:b,s:s,s:s,s:i,s:i}", "valid", 0, "error", err.text, "field", "function",
                        "column", (int)where.column, "length", (int)where.length)
            : json_pack("{s:b,s:s,s:s,s:s,s:b}", "valid", 1, "function", f.info->name, "formula",
                        f.info->formula, "tex", f.info->tex ? f.info->tex : "", "expression",
                        f.expr != NULL);
    clopt_function_ref_release(&f);
    return srv_reply_json(c, 200, body);
}

typedef struct {
    srv *s;
    struct MHD_Connection *c; /* suspended until the build ends */
    clopt_function_ref f;
} build_job;

static void *build_main(void *arg)
{
    build_job *job = arg;
    srv *s = job->s;
    cl_program program = NULL;
    cl_uint id;
    clopt_error err;
    if (clopt_function_program(s->ctx, &job->f, &program, &id, &err) == CLOPT_OK)
        clReleaseProgram(program);
    clopt_function_ref_release(&job->f);
    pthread_mutex_lock(&s->lock);
    MHD_resume_connection(job->c); /* the landscape is asked again, now built (or failing) */
    s->compiling--;
    pthread_cond_broadcast(&s->compiled);
    pthread_mutex_unlock(&s->lock);
    free(job);
    return NULL;
}

int srv_expression_ready(srv *s, struct MHD_Connection *c, const char *function, srv_problem *p)
{
    clopt_function_ref f;
    clopt_error err;
    if (clopt_function_resolve(function, &f, NULL, &err) != CLOPT_OK ||
        clopt_function_program_cached(s->ctx, &f)) {
        clopt_function_ref_release(&f); /* a bad function: the landscape reports it */
        return 0;
    }
    build_job *job = malloc(sizeof *job);
    pthread_mutex_lock(&s->lock);
    const int full = s->stopping || s->compiling >= SRV_MAX_COMPILES;
    int started = 0;
    if (job && !full) {
        *job = (build_job){s, c, f};
        pthread_t t;
        pthread_attr_t detached;
        pthread_attr_init(&detached);
        pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
        /* suspended under the lock: the build's resume cannot come before the suspend */
        started = pthread_create(&t, &detached, build_main, job) == 0;
        pthread_attr_destroy(&detached);
        if (started) {
            s->compiling++;
            MHD_suspend_connection(c);
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (started) return 1;
    free(job);
    clopt_function_ref_release(&f);
    return srv_problem_set(p, 503, "", "%u expressions are being compiled; retry in a second",
                           (unsigned)SRV_MAX_COMPILES);
}

void srv_expressions_wait(srv *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->compiling)
        pthread_cond_wait(&s->compiled, &s->lock);
    pthread_mutex_unlock(&s->lock);
}
