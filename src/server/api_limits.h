/*
 * The limits the server holds every request to, in one list: the parsers enforce the
 * constants it names, GET /api/v1/limits publishes them, and tests/limits.py checks the page,
 * the CLI's help and the README against that answer.
 */
#ifndef CLOPT_SERVER_LIMITS_H
#define CLOPT_SERVER_LIMITS_H

#include "expr.h"
#include "landscape_request.h"
#include "request.h"
#include "training_request.h"

#include <jansson.h>

/* The explorations' own (explorations.c). */
#define SRV_EXPLORE_MAX_MAPS CLOPT_EXPLORE_MAX_MAPS /* as `clopt explore` */
#define SRV_EXPLORE_MAX_RUNS (1u << 20)             /* runs of the full pass, all maps */
#define SRV_EXPLORE_MAX_STEPS 100000u               /* steps per run */
#define SRV_EXPLORE_MAX_WORK 4000000000ull          /* runs x steps */

/* Trainability windows (trainability.c): the library's own width, steps and window, and the
 * work of the full pass, cells x steps x cell_work (trainability.c: about 1e-10 s a unit on
 * PoCL's CPU device here, so the limit is a few minutes there and seconds on a GPU). */
#define SRV_TRAINABILITY_MAX_WIDTH CLOPT_TRAINABILITY_MAX_WIDTH
#define SRV_TRAINABILITY_MAX_STEPS 100000u
#define SRV_TRAINABILITY_MAX_LOG_RATE 10 /* |window values|: log10 of a rate */
#define SRV_TRAINABILITY_MAX_WORK 1000000000000ull
/* steps x cell_work of one cell (twice in double), which a turn cannot split: about 2 s
 * alone here (float at width 16: 12,327 steps; width 8 and less: every steps). */
#define SRV_TRAINABILITY_MAX_CELL_WORK (1ull << 30)

/* X(group, name, value): GET /api/v1/limits is {"group": {"name": value, ...}, ...}. */
#define SRV_LIMITS(X)                                                                              \
    X("body", "bytes", SRV_MAX_BODY)                                                               \
    X("runs", "steps", SRV_MAX_STEPS)                                                              \
    X("runs", "trajectories", SRV_MAX_TRAJECTORIES)                                                \
    X("runs", "state_trajectories", SRV_MAX_STATE_TRAJECTORIES)                                    \
    X("runs", "points", SRV_MAX_POINTS)                                                            \
    X("runs", "rates", SRV_MAX_RATES)                                                              \
    X("runs", "seed", SRV_MAX_SEED)                                                                \
    X("landscapes", "side", SRV_LANDSCAPE_MAX_SIDE)                                                \
    X("landscapes", "values", SRV_LANDSCAPE_MAX_VALUES)                                            \
    X("explorations", "maps", SRV_EXPLORE_MAX_MAPS)                                                \
    X("explorations", "side", CLOPT_EXPLORE_MAX_SIDE)                                              \
    X("explorations", "runs", SRV_EXPLORE_MAX_RUNS)                                                \
    X("explorations", "steps", SRV_EXPLORE_MAX_STEPS)                                              \
    X("explorations", "run_steps", SRV_EXPLORE_MAX_WORK)                                           \
    X("trainability", "width", SRV_TRAINABILITY_MAX_WIDTH)                                         \
    X("trainability", "steps", SRV_TRAINABILITY_MAX_STEPS)                                         \
    X("trainability", "side", CLOPT_EXPLORE_MAX_SIDE)                                              \
    X("trainability", "log_rate", SRV_TRAINABILITY_MAX_LOG_RATE)                                   \
    X("trainability", "work", SRV_TRAINABILITY_MAX_WORK)                                           \
    X("trainability", "cell_work", SRV_TRAINABILITY_MAX_CELL_WORK)                                 \
    X("expressions", "chars", CLOPT_EXPR_MAX_CHARS)                                                \
    X("expressions", "depth", CLOPT_EXPR_MAX_DEPTH)                                                \
    X("expressions", "nodes", CLOPT_EXPR_MAX_NODES)                                                \
    X("trainings", "optimizers", SRV_TRAIN_MAX_OPTIMIZERS)                                         \
    X("trainings", "epochs", SRV_TRAIN_MAX_EPOCHS)                                                 \
    X("trainings", "batch", SRV_TRAIN_MAX_BATCH)                                                   \
    X("trainings", "hidden", SRV_TRAIN_MAX_HIDDEN)                                                 \
    X("trainings", "limit", SRV_TRAIN_MAX_LIMIT)                                                   \
    X("trainings", "seed", SRV_MAX_SEED)

/* The list as JSON (new reference; NULL out of memory). */
json_t *srv_limits_json(void);

#endif
