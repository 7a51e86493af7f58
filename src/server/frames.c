/* Step, done and error events as JSON text (see frames.h for the shapes). */
#include "frames.h"

#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Component i of the slice as computed: the double (precision double) or the float. */
static double value(const clopt_slice *sl, size_t i)
{
    return sl->data_d ? sl->data_d[i] : (double)sl->data[i];
}

/* v as the shortest text that reads back as the same double, or as the same float; null
 * where it is not finite (a state value or a step past the float range: JSON has no inf). */
static const char *number(char num[32], const clopt_slice *sl, double v)
{
    if (!isfinite(sl->data_d ? v : (double)(float)v)) return "null";
    return sl->data_d ? clopt_format_number(num, v) : clopt_format_float(num, (float)v);
}

/* x, y, f of trajectory t's point (components at) if all are finite: 1, else 0. */
static int finite_point(const clopt_slice *sl, size_t at)
{
    return isfinite(value(sl, at)) && isfinite(value(sl, at + 1)) && isfinite(value(sl, at + 2));
}

static void put_row(FILE *f, const clopt_slice *sl, size_t r, uint64_t every, double *last,
                    const clopt_run *run)
{
    char num[32];
    /* a run with a schedule-free optimizer: the point's x, y, f, then its average's */
    const int average = sl->components == CLOPT_RUN_AVERAGE_COMPONENTS;
    const size_t ncomp = average ? 3 : sl->components;
    fprintf(f, "{\"step\":%llu,\"points\":[", (unsigned long long)(sl->first_step + r * every));
    for (size_t t = 0; t < sl->trajectories; t++) {
        const size_t at = (r * sl->trajectories + t) * sl->components;
        if (t) fputc(',', f);
        if (!finite_point(sl, at)) {
            fputs("null", f); /* diverged: the done event says when */
            continue;
        }
        fputc('[', f);
        for (size_t c = 0; c < ncomp; c++)
            fprintf(f, "%s%s", c ? "," : "", number(num, sl, value(sl, at + c)));
        if (last) {
            const int first = sl->first_step + r * every == 0;
            for (size_t c = 0; c < 2; c++) {
                const double q = value(sl, at + c);
                /* float: the difference of the two floats, rounded as float arithmetic does */
                const double d = first        ? 0.0
                                 : sl->data_d ? q - last[2 * t + c]
                                              : (double)((float)q - (float)last[2 * t + c]);
                last[2 * t + c] = q;
                fprintf(f, ",%s", number(num, sl, d));
            }
        }
        fputc(']', f);
    }
    for (size_t t = 0; average && t < sl->trajectories; t++) {
        const size_t at = (r * sl->trajectories + t) * sl->components + 3;
        fputs(t ? "," : "],\"average\":[", f);
        if (!clopt_run_has_average(run, t) || !finite_point(sl, at)) {
            fputs("null", f); /* not schedule-free, or diverged */
            continue;
        }
        fprintf(f, "[%s,", number(num, sl, value(sl, at)));
        fprintf(f, "%s,", number(num, sl, value(sl, at + 1)));
        fprintf(f, "%s]", number(num, sl, value(sl, at + 2)));
    }
    fputs("]}", f);
}

char *srv_frame_step(const clopt_slice *sl, uint64_t every, double *last, const clopt_run *run,
                     size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) return NULL;
    if (sl->rows == 1)
        put_row(f, sl, 0, every, last, run);
    else {
        fputs("{\"steps\":[", f);
        for (size_t r = 0; r < sl->rows; r++) {
            if (r) fputc(',', f);
            put_row(f, sl, r, every, last, run);
        }
        fputs("]}", f);
    }
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}

json_t *srv_json_real(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

const char *srv_format_g7(char buf[32], double v)
{
    if (!isfinite(v)) return "null";
    snprintf(buf, 32, "%.7g", v);
    return buf;
}

char *srv_frame_done(const clopt_run *run, uint64_t steps, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) return NULL;
    fprintf(f, "{\"steps\":%llu,\"diverged_at\":[", (unsigned long long)steps);
    for (size_t t = 0; t < clopt_run_trajectories(run); t++) {
        const int64_t d = clopt_run_diverged_at(run, t);
        if (d < 0)
            fprintf(f, "%snull", t ? "," : "");
        else
            fprintf(f, "%s%lld", t ? "," : "", (long long)d);
    }
    fputs("]}", f);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}

char *srv_frame_error(const char *message, size_t *len)
{
    json_t *j = json_pack("{s:s}", "error", message);
    if (!j) /* not valid UTF-8: say so rather than end the log without a reason */
        j = json_pack("{s:s}", "error", "the job failed (its message was not valid UTF-8)");
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (text) *len = strlen(text);
    return text;
}

json_t *srv_device_json(const clopt_device_entry *e)
{
    char pd[24];
    snprintf(pd, sizeof pd, "%u:%u", e->platform_index, e->device_index);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "selector", pd, "platform", e->platform_name,
                     "name", e->name, "version", e->version, "type",
                     clopt_device_type_name(e->type), "compute_units", (json_int_t)e->compute_units,
                     "global_memory", (json_int_t)e->global_mem);
}

char *srv_json_quote(const char *text)
{
    json_t *j = json_string(text);
    char *quoted = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return quoted;
}

char *srv_frame_landscape(const char *function, size_t nx, size_t ny, const double view[4],
                          float lo, float hi, const float *values, size_t *len)
{
    char *text = NULL, a[32], b[32], c[32], d[32];
    char *name = srv_json_quote(function);
    FILE *f = name ? open_memstream(&text, len) : NULL;
    if (!f) {
        free(name);
        return NULL;
    }
    fprintf(f, "{\"function\":%s,\"nx\":%zu,\"ny\":%zu,\"view\":[%s,%s,%s,%s]", name, nx, ny,
            clopt_format_number(a, view[0]), clopt_format_number(b, view[1]),
            clopt_format_number(c, view[2]), clopt_format_number(d, view[3]));
    free(name);
    fprintf(f, ",\"min\":%s,\"max\":%s,\"values\":[",
            isfinite(lo) ? clopt_format_float(a, lo) : "null",
            isfinite(hi) ? clopt_format_float(b, hi) : "null");
    for (size_t i = 0; i < nx * ny; i++) {
        if (i) fputc(',', f);
        fputs(isfinite(values[i]) ? clopt_format_float(a, values[i]) : "null", f);
    }
    fputs("]}", f);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}
