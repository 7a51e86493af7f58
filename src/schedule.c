/* Per-step scalars of SEMANTICS.md, "One step", in double precision. */
#include "schedule.h"

#include <math.h>
#include <string.h>

double clopt_schedule_scalars(const clopt_config *c, uint64_t it, double m_schedule,
                              clopt_scalars *k)
{
    const double *v = c->v;
    const double lr_e = v[CLOPT_P_LR] / (1.0 + v[CLOPT_P_DECAY] * (double)it);
    const double t = (double)it + 1.0;
    memset(k, 0, sizeof *k);
    k->epsilon = (float)v[CLOPT_P_EPSILON];
    k->clipnorm = (float)v[CLOPT_P_CLIPNORM];
    k->clipvalue = (float)v[CLOPT_P_CLIPVALUE];

    switch (c->info->kind) {
    case CLOPT_SGD:
        k->lr = (float)lr_e;
        k->beta_1 = (float)v[CLOPT_P_MOMENTUM];
        k->nesterov = (float)v[CLOPT_P_NESTEROV];
        break;
    case CLOPT_RMSPROP:
    case CLOPT_ADADELTA:
        k->lr = (float)lr_e;
        k->beta_1 = (float)v[CLOPT_P_RHO];
        k->one_minus_beta_1 = (float)(1.0 - v[CLOPT_P_RHO]);
        break;
    case CLOPT_ADAGRAD:
        k->lr = (float)lr_e;
        break;
    case CLOPT_ADAM:
    case CLOPT_ADAMAX:
    case CLOPT_NADAM:
        k->beta_1 = (float)v[CLOPT_P_BETA_1];
        k->one_minus_beta_1 = (float)(1.0 - v[CLOPT_P_BETA_1]);
        k->beta_2 = (float)v[CLOPT_P_BETA_2];
        k->one_minus_beta_2 = (float)(1.0 - v[CLOPT_P_BETA_2]);
        break;
    case CLOPT_KIND_COUNT:
        break;
    }

    const double b1 = v[CLOPT_P_BETA_1], b2 = v[CLOPT_P_BETA_2];
    if (c->info->kind == CLOPT_ADAM)
        k->lr = (float)(lr_e * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t)));
    if (c->info->kind == CLOPT_ADAMAX)
        k->lr = (float)(lr_e / (1.0 - pow(b1, t)));
    if (c->info->kind == CLOPT_NADAM) {
        const double sd = v[CLOPT_P_SCHEDULE_DECAY];
        const double mu_t = b1 * (1.0 - 0.5 * pow(0.96, t * sd));
        const double mu_t1 = b1 * (1.0 - 0.5 * pow(0.96, (t + 1.0) * sd));
        const double ms_new = m_schedule * mu_t, ms_next = m_schedule * mu_t * mu_t1;
        k->lr = (float)v[CLOPT_P_LR];
        k->g_scale = (float)((1.0 - mu_t) / (1.0 - ms_new));
        k->m_scale = (float)(mu_t1 / (1.0 - ms_next));
        k->v_scale = (float)(1.0 / (1.0 - pow(b2, t)));
        return ms_new;
    }
    return m_schedule;
}
