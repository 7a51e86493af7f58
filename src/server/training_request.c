/* POST /api/v1/trainings bodies (see training_request.h). */
#include "training_request.h"

#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"optimizers", "epochs", "batch", "hidden",
                                     "seed",       "limit",  NULL};

static char *canonical_text(const srv_train_request *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    fprintf(f, "{\"batch\":%llu,\"epochs\":%llu,\"hidden\":%llu,\"limit\":%llu,\"optimizers\":[",
            (unsigned long long)r->o.batch, (unsigned long long)r->o.epochs,
            (unsigned long long)r->o.hidden, (unsigned long long)r->o.limit);
    for (size_t i = 0; i < r->nspecs; i++)
        fprintf(f, "%s%s", i ? "," : "", r->specs[i]);
    fprintf(f, "],\"seed\":%llu}", (unsigned long long)r->o.seed);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int srv_train_request_parse(const char *body, size_t len, srv_train_request *req, srv_problem *p)
{
    memset(req, 0, sizeof *req);
    json_t *root =
        srv_json_object(body, len, fields, "optimizers, epochs, batch, hidden, seed or limit",
                        "{\"optimizers\": [\"adam\", \"sgd\"], \"epochs\": 5}", p);
    if (!root) return -1;
    req->o = (clopt_train_options){5, 128, 256, 1, 0};
    int rc = -1;
    if (srv_json_training_optimizers(root, SRV_TRAIN_MAX_OPTIMIZERS, &req->specs, &req->nspecs,
                                     p) ||
        srv_json_integer(root, "epochs", 1, SRV_TRAIN_MAX_EPOCHS, &req->o.epochs, p) ||
        srv_json_integer(root, "batch", 1, SRV_TRAIN_MAX_BATCH, &req->o.batch, p) ||
        srv_json_integer(root, "hidden", 1, SRV_TRAIN_MAX_HIDDEN, &req->o.hidden, p) ||
        srv_json_integer(root, "seed", 0, SRV_MAX_SEED, &req->o.seed, p) ||
        srv_json_integer(root, "limit", 0, SRV_TRAIN_MAX_LIMIT, &req->o.limit, p))
        goto done;
    for (size_t i = 0; i < req->nspecs; i++)
        if (strlen(req->specs[i]) > CLOPT_TRAIN_MAX_SPEC) {
            srv_problem_set(p, 400, "optimizers", "optimizers[%zu] is too long", i);
            goto done;
        }
    if (!(req->canonical = canonical_text(req))) {
        srv_problem_set(p, 503, "", "out of memory");
        goto done;
    }
    srv_hash_id(req->canonical, req->id);
    rc = 0;
done:
    json_decref(root);
    if (rc) srv_train_request_free(req);
    return rc;
}

void srv_train_request_free(srv_train_request *req)
{
    if (req->specs)
        for (size_t i = 0; i < req->nspecs; i++)
            free(req->specs[i]);
    free(req->specs);
    free(req->canonical);
    memset(req, 0, sizeof *req);
}
