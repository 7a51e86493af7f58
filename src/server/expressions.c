/*
 * Expressions on the server: GET /api/v1/check?function=... parses without compiling (the
 * page checks as a person types), and the landscape of an expression whose program is not
 * built yet starts the build on its own thread and answers 503 with Retry-After, so the
 * HTTP thread never compiles. At most SRV_MAX_COMPILES builds run at once (a 503 beyond);
 * runs build theirs on the worker, within the queue's limit.
 */
#include "routes.h"

#include "functions.h"
#include "reply.h"
#include "request.h"

#include <stdlib.h>
#include <string.h>

enum MHD_Result srv_api_check(srv *s, struct MHD_Connection *c)
{
    (void)s;
    srv_problem p;
    const char *text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "function");
    if (!text) {
        srv_problem_set(&p, 400, "function", "function is required, e.g. ?function=x^2%%2B10*y^2");
        return srv_reply_problem(c, &p);
    }
    clopt_function_ref f;
    clopt_expr_error where;
    clopt_error err;
    if (clopt_function_resolve(text, &f, &where, &err) != CLOPT_OK) {
        clopt_function_ref_release(&f);
        srv_problem_set(&p, err.status == CLOPT_ENOMEM ? 503 : 400, "function", "%s", err.text);
        p.column = (unsigned)where.column;
        p.length = (unsigned)where.length;
        return srv_reply_problem(c, &p);
    }
    json_t *body = json_pack("{s:s,s:s,s:s,s:b}", "function", f.info->name, "formula",
                             f.info->formula, "tex", f.info->tex, "expression", f.expr != NULL);
    clopt_function_ref_release(&f);
    return srv_reply_json(c, 200, body);
}

typedef struct {
    srv *s;
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
    free(job);
    pthread_mutex_lock(&s->lock);
    s->compiling--;
    pthread_cond_broadcast(&s->compiled);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int srv_expression_ready(srv *s, const char *function, srv_problem *p)
{
    clopt_function_ref f;
    clopt_error err;
    if (clopt_function_resolve(function, &f, NULL, &err) != CLOPT_OK) {
        clopt_function_ref_release(&f);
        return 0; /* the landscape reports the error */
    }
    if (clopt_function_program_cached(s->ctx, &f)) {
        clopt_function_ref_release(&f);
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    const int full = s->stopping || s->compiling >= SRV_MAX_COMPILES;
    if (!full)
        s->compiling++;
    pthread_mutex_unlock(&s->lock);
    build_job *job = full ? NULL : malloc(sizeof *job);
    pthread_t t;
    pthread_attr_t detached;
    int started = 0;
    if (job) {
        *job = (build_job){s, f};
        pthread_attr_init(&detached);
        pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&t, &detached, build_main, job) == 0;
        pthread_attr_destroy(&detached);
    }
    if (!started) {
        clopt_function_ref_release(&f);
        free(job);
        if (!full) {
            pthread_mutex_lock(&s->lock);
            s->compiling--;
            pthread_mutex_unlock(&s->lock);
        }
    }
    return srv_problem_set(p, 503, "",
                           full ? "%u expressions are being compiled; retry in a second"
                                : "compiling the expression for the device; retry in a second",
                           (unsigned)SRV_MAX_COMPILES);
}

void srv_expressions_wait(srv *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->compiling)
        pthread_cond_wait(&s->compiled, &s->lock);
    pthread_mutex_unlock(&s->lock);
}
