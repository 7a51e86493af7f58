/* The update rules of docs/semantics.md in double precision, tensor by tensor. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every rule has the same signature; most use only part of it. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* The step's numbers shared by every element: docs/semantics.md, "One step". */
typedef struct {
    double lr;                           /* lr_e = lr / (1 + decay * it) */
    double t;                            /* it + 1 */
    double mu_t, mu_t1, ms_new, ms_next; /* Nadam */
    double sf_lr, sf_c;                  /* schedule-free: lr_k and the weight c */
    size_t rows;                         /* Muon: the tensor's rows */
} ref_sched;

/* One tensor's update: p, its state and the clipped gradient g, n elements. */
typedef void ref_rule(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                      double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                      const double *g);

#define EACH for (size_t i = 0; i < n; i++)

static void sgd(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                const double *g)
{
    EACH
    {
        double v = h->momentum * st[0][i] - s->lr * g[i];
        mag[0][i] = h->momentum * mag[0][i] + fabs(s->lr * g[i]);
        st[0][i] = v;
        p[i] = h->nesterov ? p[i] + h->momentum * v - s->lr * g[i] : p[i] + v;
    }
}

static void rmsprop(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                    double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                    const double *g)
{
    EACH
    {
        st[0][i] = h->rho * st[0][i] + (1 - h->rho) * g[i] * g[i];
        mag[0][i] = st[0][i];
        p[i] -= s->lr * g[i] / (sqrt(st[0][i]) + h->epsilon);
    }
}

static void adagrad(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                    double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                    const double *g)
{
    EACH
    {
        st[0][i] += g[i] * g[i];
        mag[0][i] = st[0][i];
        p[i] -= s->lr * g[i] / (sqrt(st[0][i]) + h->epsilon);
    }
}

static void adadelta(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                     double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                     const double *g)
{
    EACH
    {
        double *a = &st[0][i], *d = &st[1][i];
        *a = h->rho * *a + (1 - h->rho) * g[i] * g[i];
        double u = g[i] * sqrt(*d + h->epsilon) / sqrt(*a + h->epsilon);
        p[i] -= s->lr * u;
        *d = h->rho * *d + (1 - h->rho) * u * u;
        mag[0][i] = *a, mag[1][i] = *d;
    }
}

/* First and second moments, as Adam and its descendants keep them. */
static void moments(const ref_hyper *h, size_t i, double g, double *const st[REF_STATE],
                    double *const mag[REF_STATE])
{
    st[0][i] = h->beta_1 * st[0][i] + (1 - h->beta_1) * g;
    mag[0][i] = h->beta_1 * mag[0][i] + (1 - h->beta_1) * fabs(g);
    st[1][i] = h->beta_2 * st[1][i] + (1 - h->beta_2) * g * g;
    mag[1][i] = st[1][i];
}

static void adam(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                 double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                 const double *g)
{
    const double lr_t = s->lr * sqrt(1 - pow(h->beta_2, s->t)) / (1 - pow(h->beta_1, s->t));
    EACH
    {
        moments(h, i, g[i], st, mag);
        double v = st[1][i];
        if (h->amsgrad) {
            st[2][i] = fmax(st[2][i], st[1][i]);
            mag[2][i] = st[2][i];
            v = st[2][i];
        }
        p[i] -= lr_t * st[0][i] / (sqrt(v) + h->epsilon);
    }
}

static void adamw(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                  double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                  const double *g)
{
    EACH p[i] -= p[i] * h->weight_decay * s->lr;
    adam(h, s, n, p, st, mag, slack, g);
}

static void adamax(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                   double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                   const double *g)
{
    const double lr_t = s->lr / (1 - pow(h->beta_1, s->t));
    EACH
    {
        st[0][i] = h->beta_1 * st[0][i] + (1 - h->beta_1) * g[i];
        mag[0][i] = h->beta_1 * mag[0][i] + (1 - h->beta_1) * fabs(g[i]);
        st[1][i] = fmax(h->beta_2 * st[1][i], fabs(g[i]));
        mag[1][i] = st[1][i];
        p[i] -= lr_t * st[0][i] / (st[1][i] + h->epsilon);
    }
}

static void nadam(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                  double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                  const double *g)
{
    EACH
    {
        double g_prime = g[i] / (1 - s->ms_new);
        moments(h, i, g[i], st, mag);
        double m_prime = st[0][i] / (1 - s->ms_next);
        double v_prime = st[1][i] / (1 - pow(h->beta_2, s->t));
        double m_bar = (1 - s->mu_t) * g_prime + s->mu_t1 * m_prime;
        p[i] -= s->lr * m_bar / (sqrt(v_prime) + h->epsilon); /* lr (or lr * m(t)): no decay */
    }
}

/* Lamb: the trust ratio over the whole tensor (docs/semantics.md, "After Keras 1"). */
static void lamb(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                 double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                 const double *g)
{
    double *u = malloc(n * sizeof *u), pn = 0, un = 0;
    EACH
    {
        p[i] -= p[i] * h->weight_decay * s->lr;
        moments(h, i, g[i], st, mag);
        u[i] = (st[0][i] / (1 - pow(h->beta_1, s->t))) /
               (sqrt(st[1][i] / (1 - pow(h->beta_2, s->t))) + h->epsilon);
        pn += p[i] * p[i];
        un += u[i] * u[i];
    }
    pn = sqrt(pn), un = sqrt(un);
    const double r = pn > 0 && un > 0 ? pn / un : 1.0;
    EACH p[i] -= r * s->lr * u[i];
    free(u);
}

static void radam(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                  double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                  const double *g)
{
    const double b2t = pow(h->beta_2, s->t);
    const double rho_inf = 2 / (1 - h->beta_2) - 1;
    const double rho_t = rho_inf - 2 * s->t * b2t / (1 - b2t);
    EACH
    {
        moments(h, i, g[i], st, mag);
        const double m_hat = st[0][i] / (1 - pow(h->beta_1, s->t));
        if (rho_t > 5) {
            double r =
                sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
            p[i] -= s->lr * r * sqrt(1 - b2t) * m_hat / (sqrt(st[1][i]) + h->epsilon);
        } else {
            p[i] -= s->lr * m_hat;
        }
    }
}

/*
 * Lion. Where c is within float's error of 0 (the rounding of its two terms, and m's own
 * error: the state bound of test_numerics.c, twice eps (16 + t) |m|, and twice the rounding), float
 * may see the other sign (or 0): such an element-step may be off by 2 lr_e, which `slack` records.
 */
static void lion(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                 double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                 const double *g)
{
    EACH
    {
        p[i] -= p[i] * h->weight_decay * s->lr;
        const double a = h->beta_1 * st[0][i], b = (1 - h->beta_1) * g[i], c = a + b;
        if (fabs(c) <=
            2 * FLT_EPSILON * (4 * (fabs(a) + fabs(b)) + h->beta_1 * (16 + s->t) * mag[0][i]))
            slack[i] += 2 * s->lr;
        p[i] -= s->lr * (c > 0 ? 1.0 : c < 0 ? -1.0 : 0.0);
        st[0][i] = h->beta_2 * st[0][i] + (1 - h->beta_2) * g[i];
        mag[0][i] = h->beta_2 * mag[0][i] + (1 - h->beta_2) * fabs(g[i]);
    }
}

/*
 * Schedule-free SGD and AdamW, as docs/semantics.md writes them: z (st[0]) and x (st[1]) start at
 * y = p on the first step; z takes the step (weight decay at y), x averages z with weight c,
 * y lies between them. mag: z's terms in absolute value, and their average for x.
 */
static void schedule_free(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                          double *const st[REF_STATE], double *const mag[REF_STATE],
                          const double *g, int adam)
{
    const double b1 = adam ? h->beta_1 : h->momentum;
    EACH
    {
        double *z = &st[0][i], *x = &st[1][i];
        if (s->t == 1) {
            *z = *x = p[i];
            mag[0][i] = mag[1][i] = fabs(p[i]);
        }
        double step = g[i];
        if (adam) {
            st[2][i] = h->beta_2 * st[2][i] + (1 - h->beta_2) * g[i] * g[i];
            mag[2][i] = st[2][i];
            step = g[i] / (sqrt(st[2][i]) + h->epsilon);
        }
        *z -= s->sf_lr * h->weight_decay * p[i];
        *z -= s->sf_lr * step;
        mag[0][i] += fabs(s->sf_lr * h->weight_decay * p[i]) + fabs(s->sf_lr * step);
        *x = (1 - s->sf_c) * *x + s->sf_c * *z;
        mag[1][i] = (1 - s->sf_c) * mag[1][i] + s->sf_c * mag[0][i];
        p[i] = b1 * *x + (1 - b1) * *z;
    }
}

static void sgd_schedulefree(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                             double *const st[REF_STATE], double *const mag[REF_STATE],
                             double *slack, const double *g)
{
    schedule_free(h, s, n, p, st, mag, g, 0);
}

static void adamw_schedulefree(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                               double *const st[REF_STATE], double *const mag[REF_STATE],
                               double *slack, const double *g)
{
    schedule_free(h, s, n, p, st, mag, g, 1);
}

/*
 * Muon (docs/semantics.md, "Muon") on the A x B matrix p (A = s->rows), in double: buf in st[0]
 * (mag[0]: buf with |g|), u transposed when A > B, normalised, ns_steps Newton-Schulz
 * iterations X = a X + (b G + c G G) X with G = X X^T, then decoupled weight decay and the
 * step along O with the scale of adjust_lr.
 */
static void muon(const ref_hyper *h, const ref_sched *s, size_t n, double *p,
                 double *const st[REF_STATE], double *const mag[REF_STATE], double *slack,
                 const double *g)
{
    const size_t rows = s->rows, cols = n / rows;
    const int tall = rows > cols;
    const size_t nn = tall ? cols : rows, mm = tall ? rows : cols;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *gram = malloc(nn * nn * sizeof *gram), *hh = malloc(nn * nn * sizeof *hh);
    double norm = 0;
    EACH
    {
        st[0][i] = h->momentum * st[0][i] + (1 - h->momentum) * g[i];
        mag[0][i] = h->momentum * mag[0][i] + (1 - h->momentum) * fabs(g[i]);
        const double u = h->nesterov ? (1 - h->momentum) * g[i] + h->momentum * st[0][i] : st[0][i];
        x[tall ? (i % cols) * rows + i / cols : i] = u;
        norm += u * u;
    }
    const double d = fmax(sqrt(norm), h->epsilon);
    EACH x[i] /= d;
    for (int it = 0; it < (int)h->ns_steps; it++) {
        for (size_t r = 0; r < nn; r++)
            for (size_t c = 0; c < nn; c++) {
                double sum = 0;
                for (size_t j = 0; j < mm; j++)
                    sum += x[r * mm + j] * x[c * mm + j];
                gram[r * nn + c] = sum;
            }
        for (size_t r = 0; r < nn; r++)
            for (size_t c = 0; c < nn; c++) {
                double sum = 0;
                for (size_t j = 0; j < nn; j++)
                    sum += gram[r * nn + j] * gram[j * nn + c];
                hh[r * nn + c] = h->ns_b * gram[r * nn + c] + h->ns_c * sum;
            }
        for (size_t r = 0; r < nn; r++)
            for (size_t c = 0; c < mm; c++) {
                double sum = 0;
                for (size_t j = 0; j < nn; j++)
                    sum += hh[r * nn + j] * x[j * mm + c];
                y[r * mm + c] = h->ns_a * x[r * mm + c] + sum;
            }
        memcpy(x, y, n * sizeof *x);
    }
    const double A = (double)rows, B = (double)cols;
    const double scale = h->adjust_lr != 0 ? 0.2 * sqrt(fmax(A, B)) : sqrt(fmax(1.0, A / B));
    EACH
    {
        p[i] -= p[i] * s->lr * h->weight_decay;
        p[i] -= s->lr * scale * x[tall ? (i % cols) * rows + i / cols : i];
    }
    (void)slack;
    free(x);
    free(y);
    free(gram);
    free(hh);
}

/* The defaults of docs/semantics.md's tables; hyperparameters an optimizer lacks stay 0. */
static const struct {
    const char *name;
    ref_rule *rule;
    double lr, momentum, rho, beta_1, beta_2, epsilon, schedule_decay, weight_decay;
    double weight_lr_power;
} rules[] = {
    {"sgd", sgd, 0.01, 0, 0, 0, 0, 0, 0, 0, 0},
    {"rmsprop", rmsprop, 0.001, 0, 0.9, 0, 0, 1e-8, 0, 0, 0},
    {"adagrad", adagrad, 0.01, 0, 0, 0, 0, 1e-8, 0, 0, 0},
    {"adadelta", adadelta, 1.0, 0, 0.95, 0, 0, 1e-8, 0, 0, 0},
    {"adam", adam, 0.001, 0, 0, 0.9, 0.999, 1e-8, 0, 0, 0},
    {"adamax", adamax, 0.002, 0, 0, 0.9, 0.999, 1e-8, 0, 0, 0},
    {"nadam", nadam, 0.002, 0, 0, 0.9, 0.999, 1e-8, 0.004, 0, 0},
    {"adamw", adamw, 0.001, 0, 0, 0.9, 0.999, 1e-7, 0, 0.004, 0},
    {"lamb", lamb, 0.001, 0, 0, 0.9, 0.999, 1e-7, 0, 0, 0},
    {"radam", radam, 0.001, 0, 0, 0.9, 0.999, 1e-8, 0, 0, 0},
    {"lion", lion, 0.001, 0, 0, 0.9, 0.99, 0, 0, 0, 0},
    {"sgd_schedulefree", sgd_schedulefree, 1.0, 0.9, 0, 0, 0, 0, 0, 0, 2},
    {"adamw_schedulefree", adamw_schedulefree, 0.0025, 0, 0, 0.9, 0.999, 1e-8, 0, 0, 2},
    {"muon", muon, 0.001, 0.95, 0, 0, 0, 1e-7, 0, 0.1, 0},
};
#define NRULES (sizeof rules / sizeof rules[0])

static int find(const char *name)
{
    for (size_t k = 0; k < NRULES; k++)
        if (strcmp(rules[k].name, name) == 0) return (int)k;
    return -1;
}

int ref_has(const char *name)
{
    return find(name) >= 0;
}

ref_hyper ref_defaults(const char *name)
{
    ref_hyper h;
    memset(&h, 0, sizeof h);
    const int k = find(name);
    if (k < 0) return h;
    strncpy(h.name, name, sizeof h.name - 1);
    h.lr = rules[k].lr, h.momentum = rules[k].momentum, h.rho = rules[k].rho;
    h.beta_1 = rules[k].beta_1, h.beta_2 = rules[k].beta_2, h.epsilon = rules[k].epsilon;
    h.schedule_decay = rules[k].schedule_decay, h.weight_decay = rules[k].weight_decay;
    h.weight_lr_power = rules[k].weight_lr_power;
    if (strcmp(name, "muon") == 0) /* Newton-Schulz's quintic (Muon's other defaults above) */
        h.nesterov = 1, h.ns_steps = 5, h.ns_a = 3.4445, h.ns_b = -4.7750, h.ns_c = 2.0315;
    return h;
}

int ref_set(ref_hyper *h, const char *name, double v)
{
    struct {
        const char *name;
        double *at;
    } fields[] = {{"lr", &h->lr},
                  {"momentum", &h->momentum},
                  {"decay", &h->decay},
                  {"rho", &h->rho},
                  {"beta_1", &h->beta_1},
                  {"beta_2", &h->beta_2},
                  {"epsilon", &h->epsilon},
                  {"schedule_decay", &h->schedule_decay},
                  {"weight_decay", &h->weight_decay},
                  {"warmup_steps", &h->warmup_steps},
                  {"r", &h->r},
                  {"weight_lr_power", &h->weight_lr_power},
                  {"clipnorm", &h->clipnorm},
                  {"clipvalue", &h->clipvalue},
                  {"ns_steps", &h->ns_steps},
                  {"a", &h->ns_a},
                  {"b", &h->ns_b},
                  {"c", &h->ns_c},
                  {"adjust_lr", &h->adjust_lr}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, name) == 0) {
            *fields[i].at = v;
            return 1;
        }
    if (strcmp(name, "nesterov") == 0) return h->nesterov = v != 0, 1;
    if (strcmp(name, "amsgrad") == 0) return h->amsgrad = v != 0, 1;
    return 0;
}

static double **alloc_rows(size_t n, const size_t *count)
{
    double **rows = calloc(n, sizeof *rows);
    for (size_t t = 0; t < n; t++)
        rows[t] = calloc(count[t], sizeof **rows);
    return rows;
}

static void free_rows(double **rows, size_t n)
{
    for (size_t t = 0; t < n; t++)
        free(rows[t]);
    free(rows);
}

void ref_init(ref_optimizer *r, ref_hyper h, size_t ntensors, const size_t *count,
              const float *const *p0)
{
    r->h = h;
    r->it = 0;
    r->m_schedule = 1.0;
    r->lr_max = -1.0;
    r->weight_sum = 0.0;
    r->ntensors = ntensors;
    r->count = malloc(ntensors * sizeof *r->count);
    memcpy(r->count, count, ntensors * sizeof *count);
    r->rows = malloc(ntensors * sizeof *r->rows);
    for (size_t t = 0; t < ntensors; t++)
        r->rows[t] = 1;
    r->p = alloc_rows(ntensors, count);
    for (int s = 0; s < REF_STATE; s++) {
        r->s[s] = alloc_rows(ntensors, count);
        r->mag[s] = alloc_rows(ntensors, count);
    }
    r->travel = alloc_rows(ntensors, count);
    r->slack = alloc_rows(ntensors, count);
    r->psum = alloc_rows(ntensors, count);
    for (size_t t = 0; t < ntensors; t++)
        for (size_t i = 0; i < count[t]; i++)
            r->p[t][i] = p0[t][i];
}

void ref_free(ref_optimizer *r)
{
    free_rows(r->p, r->ntensors);
    for (int s = 0; s < REF_STATE; s++) {
        free_rows(r->s[s], r->ntensors);
        free_rows(r->mag[s], r->ntensors);
    }
    free_rows(r->travel, r->ntensors);
    free_rows(r->slack, r->ntensors);
    free_rows(r->psum, r->ntensors);
    free(r->count);
    free(r->rows);
}

void ref_set_rows(ref_optimizer *r, size_t t, size_t rows)
{
    r->rows[t] = rows;
}

/* Gradients as floats (what a device sees) or doubles (the trajectory reference). */
static double grad_at(const float *const *gf, const double *const *gd, size_t k, size_t i)
{
    return gd ? gd[k][i] : (double)gf[k][i];
}

static void step(ref_optimizer *r, const float *const *gf, const double *const *gd)
{
    const ref_hyper *h = &r->h;
    const int kind = find(h->name);
    if (kind < 0) abort(); /* a test asked for an optimizer the reference lacks: ref_has first */
    ref_sched s = {0};
    s.t = (double)r->it + 1.0;

    /* 1. clipping: global norm over every element of every tensor, then value */
    double scale = 1.0;
    if (h->clipnorm > 0) {
        double sum = 0;
        for (size_t k = 0; k < r->ntensors; k++)
            for (size_t i = 0; i < r->count[k]; i++)
                sum += grad_at(gf, gd, k, i) * grad_at(gf, gd, k, i);
        double norm = sqrt(sum);
        if (norm >= h->clipnorm) scale = h->clipnorm / norm;
    }
    /* 2. decay, or a schedule (at most one of the two differs from 1) */
    s.lr = h->lr * ref_schedule_m(&h->sched, r->it) / (1.0 + h->decay * (double)r->it);
    /* Nadam's schedule, once per step */
    s.mu_t = h->beta_1 * (1.0 - 0.5 * pow(0.96, s.t * h->schedule_decay));
    s.mu_t1 = h->beta_1 * (1.0 - 0.5 * pow(0.96, (s.t + 1.0) * h->schedule_decay));
    s.ms_new = r->m_schedule * s.mu_t;
    s.ms_next = r->m_schedule * s.mu_t * s.mu_t1;
    if (strcmp(h->name, "nadam") == 0) r->m_schedule = s.ms_new;
    /* schedule-free: its own warmup, the running largest rate, the weight of this step */
    const double kk = (double)r->it;
    s.sf_lr = s.lr * (kk < h->warmup_steps ? (kk + 1) / h->warmup_steps : 1.0);
    if (strcmp(h->name, "adamw_schedulefree") == 0) s.sf_lr *= sqrt(1 - pow(h->beta_2, kk + 1));
    r->lr_max = fmax(r->lr_max, s.sf_lr);
    const double w = pow(kk + 1, h->r) * pow(r->lr_max, h->weight_lr_power);
    r->weight_sum += w;
    s.sf_c = r->weight_sum > 0 ? w / r->weight_sum : 0.0;

    for (size_t k = 0; k < r->ntensors; k++) {
        const size_t n = r->count[k];
        double *g = malloc(n * sizeof *g), *before = malloc(n * sizeof *before);
        for (size_t i = 0; i < n; i++) {
            g[i] = grad_at(gf, gd, k, i) * scale;
            if (h->clipvalue > 0) g[i] = fmin(fmax(g[i], -h->clipvalue), h->clipvalue);
            before[i] = r->p[k][i];
        }
        double *const st[REF_STATE] = {r->s[0][k], r->s[1][k], r->s[2][k]};
        double *const mag[REF_STATE] = {r->mag[0][k], r->mag[1][k], r->mag[2][k]};
        s.rows = r->rows[k];
        rules[kind].rule(h, &s, n, r->p[k], st, mag, r->slack[k], g);
        /* Schedule-free: y = beta_1 x + (1 - beta_1) z is rounded from z and x, each rounded
         * once or twice per step at their own size (which can be far above |y|), so their
         * sizes join |p| in the bound (test_numerics.c). */
        const int sf = strstr(h->name, "schedulefree") != NULL;
        for (size_t i = 0; i < n; i++) {
            r->travel[k][i] += fabs(r->p[k][i] - before[i]);
            r->psum[k][i] += fabs(r->p[k][i]) + (sf ? fabs(st[0][i]) + fabs(st[1][i]) : 0.0);
        }
        free(g);
        free(before);
    }
    r->it++;
}

double ref_schedule_m(const ref_sched_spec *s, uint64_t it)
{
    const double t = (double)it, w = s->warmup, u = t - w;
    if (!s->name[0]) return 1.0;
    if (t < w) return (t + 1) / w;
    if (strcmp(s->name, "step") == 0) return pow(s->factor, floor(u / s->every));
    if (strcmp(s->name, "exponential") == 0)
        return pow(s->rate, s->staircase ? floor(u / s->steps) : u / s->steps);
    if (strcmp(s->name, "cosine") == 0) {
        const double big_u = s->steps - w;
        return s->alpha +
               (1 - s->alpha) * 0.5 * (1 + cos(3.14159265358979323846 * fmin(u / big_u, 1)));
    }
    if (strcmp(s->name, "wsd") == 0) {
        const double start = s->steps - floor(s->decay * s->steps + 0.5);
        if (t < start) return 1.0;
        const double p = fmin((t - start + 1) / (s->steps - start), 1);
        return s->sqrt_shape ? 1 - sqrt(p) : 1 - p;
    }
    if (strcmp(s->name, "inverse_sqrt") == 0) return sqrt(w / (t + 1));
    return 1.0; /* constant */
}

void ref_step(ref_optimizer *r, const float *const *grads)
{
    step(r, grads, NULL);
}

void ref_step_double(ref_optimizer *r, const double *const *grads)
{
    step(r, NULL, grads);
}
