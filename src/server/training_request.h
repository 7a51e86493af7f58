/*
 * A training request (the body of POST /api/v1/trainings): {"optimizers": [...], "epochs",
 * "batch", "hidden", "seed", "limit"}, validated against the server's limits and written
 * canonically, so that equal requests have the same id (a training is deterministic).
 */
#ifndef CLOPT_SERVER_TRAINING_REQUEST_H
#define CLOPT_SERVER_TRAINING_REQUEST_H

#include "problem.h"
#include "request.h"
#include "train/trainer.h"

#define SRV_TRAIN_MAX_EPOCHS 50u
#define SRV_TRAIN_MAX_HIDDEN 4096u
#define SRV_TRAIN_MAX_OPTIMIZERS 12u /* every optimizer of the catalogue, and one more */
#define SRV_TRAIN_MAX_BATCH 4096u
#define SRV_TRAIN_MAX_LIMIT 1000000u

typedef struct {
    char id[SRV_ID_CHARS + 1];
    char *canonical;       /* compact JSON, keys sorted, every default filled in */
    clopt_train_options o; /* defaults: 5 epochs, batch 128, hidden 256, seed 1, limit 0 */
    char **specs;          /* the optimizers' get_config() JSON */
    size_t nspecs;
} srv_train_request;

/* As srv_request_parse: -1 with *p filled (400 naming the field, 413, 503) and *req zeroed. */
int srv_train_request_parse(const char *body, size_t len, srv_train_request *req, srv_problem *p);

void srv_train_request_free(srv_train_request *req);

#endif
