/* The update rules of SEMANTICS.md in double precision, element by element. */
#include "reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ref_hyper ref_defaults(ref_kind kind)
{
    ref_hyper h;
    memset(&h, 0, sizeof h);
    h.kind = kind;
    h.epsilon = 1e-8;
    h.beta_1 = 0.9;
    h.beta_2 = 0.999;
    switch (kind) {
    case REF_SGD:
        h.lr = 0.01;
        break;
    case REF_RMSPROP:
        h.lr = 0.001;
        h.rho = 0.9;
        break;
    case REF_ADAGRAD:
        h.lr = 0.01;
        break;
    case REF_ADADELTA:
        h.lr = 1.0;
        h.rho = 0.95;
        break;
    case REF_ADAM:
        h.lr = 0.001;
        break;
    case REF_ADAMAX:
    case REF_NADAM:
        h.lr = 0.002;
        h.schedule_decay = 0.004;
        break;
    }
    return h;
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
    r->ntensors = ntensors;
    r->count = malloc(ntensors * sizeof *r->count);
    memcpy(r->count, count, ntensors * sizeof *count);
    r->p = alloc_rows(ntensors, count);
    r->s0 = alloc_rows(ntensors, count);
    r->s1 = alloc_rows(ntensors, count);
    r->travel = alloc_rows(ntensors, count);
    r->mag0 = alloc_rows(ntensors, count);
    r->mag1 = alloc_rows(ntensors, count);
    for (size_t t = 0; t < ntensors; t++)
        for (size_t i = 0; i < count[t]; i++)
            r->p[t][i] = p0[t][i];
}

void ref_free(ref_optimizer *r)
{
    free_rows(r->p, r->ntensors);
    free_rows(r->s0, r->ntensors);
    free_rows(r->s1, r->ntensors);
    free_rows(r->travel, r->ntensors);
    free_rows(r->mag0, r->ntensors);
    free_rows(r->mag1, r->ntensors);
    free(r->count);
}

/* Gradients as floats (what a device sees) or doubles (the trajectory reference). */
static double grad_at(const float *const *gf, const double *const *gd, size_t k, size_t i)
{
    return gd ? gd[k][i] : (double)gf[k][i];
}

static void step(ref_optimizer *r, const float *const *gf, const double *const *gd)
{
    const ref_hyper *h = &r->h;
    const double it = (double)r->it, t = it + 1.0;

    /* 1. clipping: global norm over every element of every tensor, then value */
    double scale = 1.0;
    if (h->clipnorm > 0) {
        double sum = 0;
        for (size_t k = 0; k < r->ntensors; k++)
            for (size_t i = 0; i < r->count[k]; i++)
                sum += grad_at(gf, gd, k, i) * grad_at(gf, gd, k, i);
        double norm = sqrt(sum);
        if (norm >= h->clipnorm)
            scale = h->clipnorm / norm;
    }
    /* 2. decay */
    const double lr = h->lr / (1.0 + h->decay * it);
    /* Nadam's schedule, once per step */
    double mu_t = 0, mu_t1 = 0, ms_new = 0, ms_next = 0;
    if (h->kind == REF_NADAM) {
        mu_t = h->beta_1 * (1.0 - 0.5 * pow(0.96, t * h->schedule_decay));
        mu_t1 = h->beta_1 * (1.0 - 0.5 * pow(0.96, (t + 1.0) * h->schedule_decay));
        ms_new = r->m_schedule * mu_t;
        ms_next = r->m_schedule * mu_t * mu_t1;
        r->m_schedule = ms_new;
    }

    for (size_t k = 0; k < r->ntensors; k++) {
        for (size_t i = 0; i < r->count[k]; i++) {
            double g = grad_at(gf, gd, k, i) * scale;
            if (h->clipvalue > 0)
                g = fmin(fmax(g, -h->clipvalue), h->clipvalue);
            double *p = &r->p[k][i], *a = &r->s0[k][i], *b = &r->s1[k][i];
            const double before = *p;
            double *ma = &r->mag0[k][i], *mb = &r->mag1[k][i];
            switch (h->kind) {
            case REF_SGD: {
                double v = h->momentum * *a - lr * g;
                *ma = h->momentum * *ma + fabs(lr * g);
                *a = v;
                *p = h->nesterov ? *p + h->momentum * v - lr * g : *p + v;
                break;
            }
            case REF_RMSPROP:
                *a = h->rho * *a + (1 - h->rho) * g * g;
                *ma = *a;
                *p -= lr * g / (sqrt(*a) + h->epsilon);
                break;
            case REF_ADAGRAD:
                *a += g * g;
                *ma = *a;
                *p -= lr * g / (sqrt(*a) + h->epsilon);
                break;
            case REF_ADADELTA: {
                *a = h->rho * *a + (1 - h->rho) * g * g;
                double u = g * sqrt(*b + h->epsilon) / sqrt(*a + h->epsilon);
                *p -= lr * u;
                *b = h->rho * *b + (1 - h->rho) * u * u;
                *ma = *a, *mb = *b;
                break;
            }
            case REF_ADAM: {
                double lr_t = lr * sqrt(1 - pow(h->beta_2, t)) / (1 - pow(h->beta_1, t));
                *a = h->beta_1 * *a + (1 - h->beta_1) * g;
                *ma = h->beta_1 * *ma + (1 - h->beta_1) * fabs(g);
                *b = h->beta_2 * *b + (1 - h->beta_2) * g * g;
                *mb = *b;
                *p -= lr_t * *a / (sqrt(*b) + h->epsilon);
                break;
            }
            case REF_ADAMAX: {
                double lr_t = lr / (1 - pow(h->beta_1, t));
                *a = h->beta_1 * *a + (1 - h->beta_1) * g;
                *ma = h->beta_1 * *ma + (1 - h->beta_1) * fabs(g);
                *b = fmax(h->beta_2 * *b, fabs(g));
                *mb = *b;
                *p -= lr_t * *a / (*b + h->epsilon);
                break;
            }
            case REF_NADAM: {
                double g_prime = g / (1 - ms_new);
                *a = h->beta_1 * *a + (1 - h->beta_1) * g;
                double m_prime = *a / (1 - ms_next);
                *ma = h->beta_1 * *ma + (1 - h->beta_1) * fabs(g);
                *b = h->beta_2 * *b + (1 - h->beta_2) * g * g;
                *mb = *b;
                double v_prime = *b / (1 - pow(h->beta_2, t));
                double m_bar = (1 - mu_t) * g_prime + mu_t1 * m_prime;
                *p -= h->lr * m_bar / (sqrt(v_prime) + h->epsilon);
                break;
            }
            }
            r->travel[k][i] += fabs(*p - before);
        }
    }
    r->it++;
}

void ref_step(ref_optimizer *r, const float *const *grads)
{
    step(r, grads, NULL);
}

void ref_step_double(ref_optimizer *r, const double *const *grads)
{
    step(r, NULL, grads);
}
