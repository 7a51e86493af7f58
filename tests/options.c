/* Optimizer specs that cover the catalogue (options.h), from the catalogue's own table. */
#include "options.h"

#include "catalogue.h"
#include "harness.h"
#include "optimizer.h"

#include <stdio.h>

_Static_assert(2 * CLOPT_KIND_COUNT <= TEST_CATALOGUE_OPTIONS, "two specs per optimizer kind");

size_t test_catalogue_options(const char *out[TEST_CATALOGUE_OPTIONS])
{
    static char text[2 * CLOPT_KIND_COUNT][160];
    size_t n = 0;
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++) {
        const clopt_optimizer_info *info = clopt_catalogue_optimizer((clopt_kind)k);
        char *a = text[2 * k], *b = text[2 * k + 1];
        snprintf(a, 160, "%s(lr=0.0005)", info->key);
        int at = snprintf(b, 160, "%s(lr=0.01, clipnorm=10", info->key);
        for (size_t i = 1; i < info->nparams; i++) {
            const clopt_param p = info->params[i];
            const clopt_range range = clopt_catalogue_range(info, p);
            if (range == CLOPT_RANGE_FINITE) continue; /* Muon's a, b, c: its own quintic */
            if (range == CLOPT_RANGE_ITERATIONS || range == CLOPT_RANGE_CHOICE) {
                at += snprintf(b + at, 160 - (size_t)at, ", %s=%s", clopt_catalogue_param(p)->name,
                               range == CLOPT_RANGE_ITERATIONS ? "3" : "'match_rms_adamw'");
                continue;
            }
            const int boolean = range == CLOPT_RANGE_BOOL;
            /* 0.8 of a rate in [0, 1) or (0, 1]; 0.01 for epsilon, decay and the like */
            const double v = boolean ? 1.0 : info->defaults[i] >= 0.5 ? 0.8 : 0.01;
            at += snprintf(b + at, 160 - (size_t)at, ", %s=%s", clopt_catalogue_param(p)->name,
                           boolean    ? "True"
                           : v == 0.8 ? "0.8"
                                      : "0.01");
        }
        snprintf(b + at, 160 - (size_t)at, ")");
        if (!test_quick()) out[n++] = a;
        out[n++] = b;
    }
    return n;
}

ref_hyper test_ref_hyper(clopt_context *ctx, const char *spec)
{
    clopt_optimizer *o = clopt_optimizer_create(ctx, spec, NULL);
    const clopt_optimizer_info *info = o->cfg.info;
    ref_hyper h = ref_defaults(info->key);
    for (clopt_param p = 0; p < CLOPT_P_COUNT; p++) {
        double v;
        const char *name = clopt_catalogue_param(p)->name;
        if (clopt_catalogue_takes(info, p) && clopt_optimizer_get(o, name, &v, NULL) == CLOPT_OK)
            ref_set(&h, name, v);
    }
    clopt_optimizer_release(o);
    return h;
}
