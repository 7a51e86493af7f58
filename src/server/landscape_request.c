/* GET /api/v1/landscape's query (see landscape_request.h). */
#include "landscape_request.h"

#include "config.h"
#include "frames.h"
#include "functions.h"
#include "numbers.h"
#include "request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole-string unsigned integer query argument in [lo, hi]; absent keeps *out. */
static int size_arg(srv_arg_fn *arg, void *c, const char *name, size_t lo, size_t hi, size_t *out,
                    srv_problem *p)
{
    const char *v = arg(c, name);
    if (!v) return 0;
    unsigned long long n;
    if (srv_parse_count(v, &n) || n < lo || n > hi)
        return srv_problem_set(p, 400, name, "%s = '%.32s'; expected an integer from %zu to %zu",
                               name, v, lo, hi);
    *out = (size_t)n;
    return 0;
}

static int view_arg(srv_arg_fn *arg, void *c, double view[4], srv_problem *p)
{
    const char *v = arg(c, "view");
    if (!v) return 0;
    const char *at = v;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        view[i] = clopt_strtod(at, &end);
        if (end == at || errno || !(view[i] >= -1e6 && view[i] <= 1e6) ||
            *end != (i < 3 ? ',' : '\0'))
            return srv_problem_set(p, 400, "view",
                                   "view = '%.64s'; expected x0,x1,y0,y1: four numbers "
                                   "within +-1e6",
                                   v);
        at = end + 1;
    }
    if (!(view[0] < view[1]) || !(view[2] < view[3]))
        return srv_problem_set(p, 400, "view", "view = '%.64s'; expected x0 < x1 and y0 < y1", v);
    return 0;
}

landscape *srv_landscape_parse(srv_arg_fn *arg, void *c, int *f32, srv_problem *p)
{
    const char *fn = arg(c, "function");
    const char *format = arg(c, "format");
    landscape *l = calloc(1, sizeof *l);
    if (!l) {
        srv_problem_set(p, 503, "", "out of memory");
        return NULL;
    }
    l->nx = l->ny = 128;
    if (!fn)
        srv_problem_set(p, 400, "function", "function is required, e.g. ?function=rosenbrock");
    else if (format && strcmp(format, "json") && strcmp(format, "f32"))
        srv_problem_set(p, 400, "format", "format = '%.32s'; expected json or f32", format);
    else if (!srv_function_resolve(fn, &l->function, p) &&
             !size_arg(arg, c, "nx", 2, SRV_LANDSCAPE_MAX_SIDE, &l->nx, p) &&
             !size_arg(arg, c, "ny", 2, SRV_LANDSCAPE_MAX_SIDE, &l->ny, p)) {
        clopt_function_ref f;
        if (clopt_function_resolve(l->function, &f, NULL, NULL) == CLOPT_OK)
            memcpy(l->view, f.info->view, sizeof l->view);
        clopt_function_ref_release(&f);
        if (l->nx * l->ny > SRV_LANDSCAPE_MAX_VALUES)
            srv_problem_set(p, 400, "nx", "nx x ny = %zu values; the limit is %u", l->nx * l->ny,
                            SRV_LANDSCAPE_MAX_VALUES);
        else if (!view_arg(arg, c, l->view, p)) {
            *f32 = format && !strcmp(format, "f32");
            return l;
        }
    }
    free(l->function);
    free(l);
    return NULL;
}

char *srv_landscape_canonical(const landscape *l)
{
    char *text = NULL, a[32], b[32], c[32], d[32];
    size_t size;
    char *name = srv_json_quote(l->function);
    FILE *f = name ? open_memstream(&text, &size) : NULL;
    if (!f) {
        free(name);
        return NULL;
    }
    fprintf(f, "{\"function\":%s,\"nx\":%zu,\"ny\":%zu,\"view\":[%s,%s,%s,%s]}", name, l->nx, l->ny,
            clopt_format_number(a, l->view[0]), clopt_format_number(b, l->view[1]),
            clopt_format_number(c, l->view[2]), clopt_format_number(d, l->view[3]));
    free(name);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}
