/* An optimizer's kind and hyperparameters: validation by name, and Keras get_config() JSON. */
#ifndef CLOPT_CONFIG_H
#define CLOPT_CONFIG_H

#include "catalogue.h"
#include "clopt/clopt.h"
#include "lr_schedule.h"

typedef struct {
    const clopt_optimizer_info *info;
    double v[CLOPT_P_COUNT]; /* indexed by clopt_param; clipnorm/clipvalue 0 = off */
    clopt_lr_schedule sched; /* sched.info NULL: none */
} clopt_config;

/* The name of the argument that holds a schedule, in specs and configs. */
#define CLOPT_SCHEDULE_ARG "schedule"

/*
 * The refusal of a schedule together with Keras 1's decay > 0 (two schedules at once), or
 * CLOPT_OK when c has at most one of them.
 */
clopt_status clopt_config_check_schedule(const clopt_config *c, clopt_error *err);

/* The learning rate of the step after `it` completed ones: lr * m(it) / (1 + decay * it). */
double clopt_config_rate(const clopt_config *c, uint64_t it);

/* The optimizer's Keras defaults, clipping off. */
void clopt_config_defaults(clopt_config *c, const clopt_optimizer_info *info);

/*
 * Resolves the hyperparameter name[0, len) of c's optimizer (case-insensitive,
 * "learning_rate" = "lr"); on an unknown name, an error with a suggestion or the list of
 * valid names. Returns the clopt_param, or -1 with err filled.
 */
int clopt_config_param(const clopt_config *c, const char *name, size_t len, clopt_error *err);

/*
 * A numeric setting of a config by name: a hyperparameter (its clopt_param, as
 * clopt_config_param finds it) or a parameter of the config's schedule, "schedule.NAME"
 * (CLOPT_SETTING_SCHEDULE + its clopt_sparam). Sweeps vary settings, and
 * clopt_optimizer_set and _get take them. -1 with err filled when c has no such setting.
 */
#define CLOPT_SETTING_SCHEDULE CLOPT_P_COUNT
int clopt_config_setting(const clopt_config *c, const char *name, size_t len, clopt_error *err);

/* The setting's name ("lr", "schedule.warmup"), whether it is true/false, its value. */
const char *clopt_setting_name(int setting, char buf[48]);
int clopt_setting_is_bool(int setting);
double clopt_config_get_setting(const clopt_config *c, int setting);

/* Sets a setting without checks: for values checked already (a sweep's cells). */
void clopt_config_put_setting(clopt_config *c, int setting, double v);

/* Sets a setting after its range check (and the schedule's relations); c unchanged on error. */
clopt_status clopt_config_assign_setting(clopt_config *c, int setting, double v, clopt_error *err);

/* Sets hyperparameter p to v after the range check; c is unchanged on error. */
clopt_status clopt_config_assign(clopt_config *c, clopt_param p, double v, clopt_error *err);

/* The compact get_config() JSON with "name" first; malloc'd, NULL when out of memory. */
char *clopt_config_json(const clopt_config *c);

/*
 * Keras call syntax with only the hyperparameters that differ from the defaults, in
 * catalogue order: "Adam(lr=0.01)", "SGD(momentum=0.9, nesterov=True)", "RMSprop()".
 * malloc'd, NULL when out of memory.
 */
char *clopt_config_label(const clopt_config *c);

/* Shortest text (6 to 9 significant digits) that reads back as the same float32 ("2.0"). */
const char *clopt_format_float(char buf[32], float v);

/* Shortest text that reads back as v, Python-style ("0.001", "1e-08", "0.0"). */
const char *clopt_format_number(char buf[32], double v);

#endif
