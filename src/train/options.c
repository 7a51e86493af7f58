/* A training's options and results (options.h). */
#include "options.h"

#include "companion.h"
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
    clopt_config c, rest;
    int has_rest;
    /* a schedule over steps="all" is counted when the data set is known (trainer.c) */
    const clopt_status parsed = clopt_train_split_spec(spec, &c, &rest, &has_rest, err);
    if (parsed != CLOPT_OK) return parsed;
    char *label = clopt_config_label(&c), *label2 = has_rest ? clopt_config_label(&rest) : NULL;
    if (!label || (has_rest && !label2)) {
        free(label);
        free(label2);
        return clopt_error_set(err, CLOPT_ENOMEM, "out of memory");
    }
    snprintf(r->spec, sizeof r->spec, "%s", spec);
    /* Muon with its AdamW: "Muon() + AdamW()", both shown where the training is */
    snprintf(r->label, sizeof r->label, "%s%s%s", label, has_rest ? " + " : "",
             has_rest ? label2 : "");
    free(label);
    free(label2);
    return CLOPT_OK;
}
