/* A training's options and results (options.h). */
#include "options.h"

#include "config.h"
#include "error.h"
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

clopt_status clopt_train_result_init(clopt_train_result *r, const char *spec, clopt_error *err)
{
    memset(r, 0, sizeof *r);
    if (strlen(spec) > CLOPT_TRAIN_MAX_SPEC)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "optimizer spec of %zu characters; the limit is %d", strlen(spec),
                               CLOPT_TRAIN_MAX_SPEC);
    clopt_config c;
    /* a schedule over steps="all" is counted when the data set is known (trainer.c) */
    const clopt_status parsed = clopt_spec_parse_training(spec, &c, err);
    if (parsed != CLOPT_OK) return parsed;
    char *label = clopt_config_label(&c);
    if (!label) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
    snprintf(r->spec, sizeof r->spec, "%s", spec);
    snprintf(r->label, sizeof r->label, "%s", label);
    free(label);
    return CLOPT_OK;
}
