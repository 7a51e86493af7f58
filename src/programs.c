/*
 * Programs for expressions: the trajectory and landscape kernels (cl/, without the tensor
 * kernels) with the function printed from the expression's tree, built for the context's
 * device in float or double and kept by the canonical tree (hash, then text) and the
 * precision in a small LRU table.
 */
#include "programs.h"

#include "context.h"
#include "error.h"
#include "functions.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const char clopt_function_head_source[];
extern const char clopt_function_tail_source[];

typedef struct {
    uint64_t hash;
    char *canonical;
    int dbl; /* built with CLOPT_DOUBLE */
    cl_program program;
    uint64_t used; /* the lookup clock when last used */
} entry;

struct clopt_programs {
    pthread_mutex_t lock;
    entry entries[CLOPT_PROGRAMS_MAX];
    size_t count, capacity;
    uint64_t clock, builds;
};

clopt_programs *clopt_programs_create(size_t capacity)
{
    if (capacity < 1 || capacity > CLOPT_PROGRAMS_MAX) return NULL;
    clopt_programs *p = calloc(1, sizeof *p);
    if (p) p->capacity = capacity;
    if (p && pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void clopt_programs_release(clopt_programs *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->count; i++) {
        clReleaseProgram(p->entries[i].program);
        free(p->entries[i].canonical);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

uint64_t clopt_programs_builds(const clopt_programs *p)
{
    return p ? p->builds : 0;
}

size_t clopt_programs_count(clopt_programs *p)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->lock);
    const size_t n = p->count;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void clopt_programs_set_capacity(clopt_programs *p, size_t capacity)
{
    if (!p) return;
    capacity = capacity < 1 ? 1 : capacity > CLOPT_PROGRAMS_MAX ? CLOPT_PROGRAMS_MAX : capacity;
    pthread_mutex_lock(&p->lock);
    while (p->count > capacity) {
        size_t oldest = 0;
        for (size_t i = 1; i < p->count; i++)
            if (p->entries[i].used < p->entries[oldest].used) oldest = i;
        clReleaseProgram(p->entries[oldest].program);
        free(p->entries[oldest].canonical);
        p->entries[oldest] = p->entries[--p->count];
    }
    p->capacity = capacity;
    pthread_mutex_unlock(&p->lock);
}

/* The entry of expression x in that precision, or NULL; called with the lock held. */
static entry *find(clopt_programs *p, const clopt_expr *x, int dbl)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->entries[i].hash == x->hash && p->entries[i].dbl == dbl &&
            strcmp(p->entries[i].canonical, x->canonical) == 0)
            return &p->entries[i];
    return NULL;
}

/*
 * Adds a built program (or takes the one another thread added meanwhile) and returns a
 * reference for the caller; lock held.
 */
static cl_program insert(clopt_programs *p, const clopt_expr *x, int dbl, cl_program built)
{
    entry *e = find(p, x, dbl);
    if (e) {
        clReleaseProgram(built);
        clRetainProgram(e->program);
        return e->program;
    }
    char *canonical = strdup(x->canonical);
    if (!canonical) return built; /* not cached: the caller's reference is the only one */
    if (p->count < p->capacity)
        e = &p->entries[p->count++];
    else {
        e = &p->entries[0];
        for (size_t i = 1; i < p->count; i++)
            if (p->entries[i].used < e->used) e = &p->entries[i];
        clReleaseProgram(e->program); /* runs and kernels keep their own references */
        free(e->canonical);
    }
    *e = (entry){x->hash, canonical, dbl, built, ++p->clock}; /* the entry owns canonical */
    clRetainProgram(built);
    /* cppcheck-suppress memleak */
    return built;
}

static clopt_status build(clopt_context *ctx, const clopt_expr *x, int dbl, cl_program *program,
                          clopt_error *err)
{
    char *function = clopt_expr_opencl(x, "clopt_f_custom");
    if (!function)
        return clopt_error_set(err, CLOPT_ENOMEM,
                               "out of memory generating an expression's "
                               "kernel");
    const char *sources[] = {clopt_function_head_source, "\n#line 1 \"expression\"\n", function,
                             "\n#define CLOPT_CUSTOM 1\n", clopt_function_tail_source};
    const clopt_status st = dbl ? clopt_context_build_double(ctx, 5, sources, program, err)
                                : clopt_context_build(ctx, 5, sources, program, err);
    free(function);
    return st;
}

clopt_status clopt_function_program(clopt_context *ctx, const clopt_function_ref *f, int dbl,
                                    cl_program *program, cl_uint *id, clopt_error *err)
{
    clopt_programs *p = ctx->programs;
    *program = NULL;
    if (!f->expr) {
        *id = clopt_function_id(f->info);
        cl_program own = ctx->program;
        const clopt_status st = dbl ? clopt_context_double_program(ctx, &own, err) : CLOPT_OK;
        if (st != CLOPT_OK) return st;
        clRetainProgram(own);
        *program = own;
        return CLOPT_OK;
    }
    *id = 0;
    pthread_mutex_lock(&p->lock);
    entry *e = find(p, f->expr, dbl);
    if (e) {
        e->used = ++p->clock;
        clRetainProgram(e->program);
        *program = e->program;
    }
    pthread_mutex_unlock(&p->lock);
    if (*program) return CLOPT_OK;
    cl_program built;
    const clopt_status st = build(ctx, f->expr, dbl, &built, err);
    if (st != CLOPT_OK) return st;
    pthread_mutex_lock(&p->lock);
    p->builds++;
    *program = insert(p, f->expr, dbl, built);
    pthread_mutex_unlock(&p->lock);
    return CLOPT_OK;
}

int clopt_function_program_cached(clopt_context *ctx, const clopt_function_ref *f, int dbl)
{
    if (!f->expr) return 1;
    pthread_mutex_lock(&ctx->programs->lock);
    const int cached = find(ctx->programs, f->expr, dbl) != NULL;
    pthread_mutex_unlock(&ctx->programs->lock);
    return cached;
}
