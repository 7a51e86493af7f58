/*
 * The JSON of the stream's events, formatted once per run by the worker.
 *
 * step: {"step":k,"points":[P, ...]} for one recorded step, or {"steps":[{"step":k,
 *       "points":[...]}, ...]} when a slice recorded several (one event per engine slice).
 *       P is [x, y, f] per trajectory in the run's order, or null once it has diverged;
 *       with "state": true, [x, y, f, g_x, g_y, a_x, a_y, b_x, b_y, d_x, d_y]: the
 *       gradient, the optimizer's two state values per coordinate (names in the run's
 *       trajectories) and the step just taken (0 at step 0). A run with a schedule-free
 *       optimizer (and no state) adds "average":[A, ...] after "points": A is [x, y, f] of
 *       the trajectory's average x (where such a model is evaluated; "points" are y, where
 *       gradients are taken), null for another optimizer's trajectory or once diverged.
 * done: {"steps":N,"diverged_at":[step or null, ...]}
 * error: {"error":"sentence"}
 * Numbers are the shortest text that reads back as the same float32 (at most 9 digits); in
 * a run of precision "double", as the same double (at most 17 digits).
 */
#ifndef CLOPT_SERVER_FRAMES_H
#define CLOPT_SERVER_FRAMES_H

#include "clopt/clopt.h"
#include "device.h"

#include <jansson.h>

#include <stddef.h>

/* The step event of one slice; `last` (state mode) holds and receives each x, y; `run`
 * says which trajectories have an average. malloc'd. */
char *srv_frame_step(const clopt_slice *sl, uint64_t every, double *last, const clopt_run *run,
                     size_t *len);

char *srv_frame_done(const clopt_run *run, uint64_t steps, size_t *len);

char *srv_frame_error(const char *message, size_t *len);

/*
 * An OpenCL device as JSON: {"selector": "P:D", "platform", "name", "version", "type",
 * "compute_units", "global_memory"} (clopt devices --json, GET /api/v1/devices).
 */
json_t *srv_device_json(const clopt_device_entry *e);

/* v as a JSON number, or null where it is not finite (JSON has neither inf nor NaN). */
json_t *srv_json_real(double v);

/* v as printf's %.7g, or "null" where it is not finite; the text is in buf or a literal. */
const char *srv_format_g7(char buf[32], double v);

/* text as a JSON string, quotes included (malloc'd; NULL out of memory or not UTF-8). */
char *srv_json_quote(const char *text);

/*
 * {"function","nx","ny","view","min","max","values"}: a landscape (clopt landscape, GET
 * /api/v1/landscape), values row-major from y0, null where not finite. malloc'd.
 */
char *srv_frame_landscape(const char *function, size_t nx, size_t ny, const double view[4],
                          float lo, float hi, const float *values, size_t *len);

#endif
