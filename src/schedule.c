/* Per-step scalars of docs/semantics.md, "One step" and "After Keras 1", in double precision. */
#include "schedule.h"

#include <math.h>
#include <string.h>

/*
 * What every kind shares comes from the hyperparameters it takes: the rules read beta_1
 * for momentum (SGD) and rho (RMSprop, Adadelta) too. Only the step size and the
 * schedules below differ by kind.
 */
double clopt_muon_scale(double adjust_lr, size_t rows, size_t cols)
{
    const double a = (double)rows, b = (double)cols;
    return adjust_lr != 0.0 ? 0.2 * sqrt(a > b ? a : b) : sqrt(a > b ? a / b : 1.0);
}

clopt_running clopt_running_start(void)
{
    return (clopt_running){1.0, -1.0, 0.0};
}

/*
 * Schedule-free (docs/semantics.md): lr_k with its own warmup (and, for AdamW, Adam's second
 * bias correction), the running largest rate and the weight c of this step's z in x.
 */
static clopt_running schedule_free(const clopt_config *c, double lr_e, double t, clopt_running run,
                                   clopt_scalars64 *k)
{
    const double *v = c->v, warm = v[CLOPT_P_WARMUP_STEPS];
    double lr = lr_e * (t - 1.0 < warm ? t / warm : 1.0);
    if (c->info->kind == CLOPT_ADAMW_SCHEDULEFREE) lr *= sqrt(1.0 - pow(v[CLOPT_P_BETA_2], t));
    run.lr_max = lr > run.lr_max ? lr : run.lr_max;
    const double w = pow(t, v[CLOPT_P_R]) * pow(run.lr_max, v[CLOPT_P_WEIGHT_LR_POWER]);
    run.weight_sum += w;
    const double ckp = run.weight_sum != 0.0 ? w / run.weight_sum : 0.0;
    k->lr = lr;
    k->weight_decay = (lr * v[CLOPT_P_WEIGHT_DECAY]);
    k->m_scale = ckp;
    k->g_scale = (1.0 - ckp);
    k->start = t == 1.0;
    return run;
}

clopt_running clopt_schedule_scalars64(const clopt_config *c, uint64_t it, clopt_running run,
                                       clopt_scalars64 *k)
{
    const double *v = c->v;
    const clopt_optimizer_info *info = c->info;
    /* lr * m(t) with a schedule (lr_schedule.c), Keras 1's lr / (1 + decay * it) without */
    const double lr_e = clopt_config_rate(c, it);
    const double t = (double)it + 1.0;
    double b1 = v[CLOPT_P_BETA_1];
    if (clopt_catalogue_takes(info, CLOPT_P_MOMENTUM)) b1 = v[CLOPT_P_MOMENTUM];
    if (clopt_catalogue_takes(info, CLOPT_P_RHO)) b1 = v[CLOPT_P_RHO];
    const double b2 = v[CLOPT_P_BETA_2];
    memset(k, 0, sizeof *k);
    k->lr = lr_e;
    k->beta_1 = b1;
    k->one_minus_beta_1 = (1.0 - b1);
    k->beta_2 = b2;
    k->one_minus_beta_2 = (1.0 - b2);
    k->epsilon = v[CLOPT_P_EPSILON];
    k->nesterov = v[CLOPT_P_NESTEROV];
    k->amsgrad = v[CLOPT_P_AMSGRAD];
    k->weight_decay = (v[CLOPT_P_WEIGHT_DECAY] * lr_e);
    k->clipnorm = v[CLOPT_P_CLIPNORM];
    k->clipvalue = v[CLOPT_P_CLIPVALUE];

    switch (info->kind) {
    case CLOPT_ADAM:
    case CLOPT_ADAMW:
        k->lr = lr_e * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t));
        break;
    case CLOPT_ADAMAX:
        k->lr = lr_e / (1.0 - pow(b1, t));
        break;
    case CLOPT_NADAM: {
        const double sd = v[CLOPT_P_SCHEDULE_DECAY];
        const double mu_t = b1 * (1.0 - 0.5 * pow(0.96, t * sd));
        const double mu_t1 = b1 * (1.0 - 0.5 * pow(0.96, (t + 1.0) * sd));
        const double ms_new = run.m_schedule * mu_t, ms_next = run.m_schedule * mu_t * mu_t1;
        k->lr = lr_e; /* Nadam takes no decay: lr, or lr * m(t) with a schedule */
        k->g_scale = ((1.0 - mu_t) / (1.0 - ms_new));
        k->m_scale = (mu_t1 / (1.0 - ms_next));
        k->v_scale = (1.0 / (1.0 - pow(b2, t)));
        run.m_schedule = ms_new;
        return run;
    }
    case CLOPT_LAMB:
        k->m_scale = (1.0 / (1.0 - pow(b1, t)));
        k->v_scale = (1.0 / (1.0 - pow(b2, t)));
        break;
    case CLOPT_RADAM: {
        const double b2t = pow(b2, t);
        const double rho_inf = 2.0 / (1.0 - b2) - 1.0;
        const double rho_t = rho_inf - 2.0 * t * b2t / (1.0 - b2t);
        k->rectified = rho_t > 5.0;
        if (k->rectified) {
            const double r = sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                                  ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t));
            k->lr = lr_e * r * sqrt(1.0 - b2t) / (1.0 - pow(b1, t));
        } else {
            k->lr = lr_e / (1.0 - pow(b1, t));
        }
        break;
    }
    case CLOPT_SGD_SCHEDULEFREE:
    case CLOPT_ADAMW_SCHEDULEFREE:
        return schedule_free(c, lr_e, t, run, k);
    case CLOPT_MUON: /* a tensor's own scale s comes from its shape (src/muon.c) */
        /* in double, as every field here: the float table rounds them once (below) */
        k->ns_a = v[CLOPT_P_NS_A];
        k->ns_b = v[CLOPT_P_NS_B];
        k->ns_c = v[CLOPT_P_NS_C];
        k->ns_steps = v[CLOPT_P_NS_STEPS];
        k->muon_scale = clopt_muon_scale(v[CLOPT_P_ADJUST_LR], 1, 2);
        break;
    default: /* the decayed rate: SGD, RMSprop, Adagrad, Adadelta, and later kinds */
        break;
    }
    return run;
}

/* The float table's row: each field the double one rounded once, as kernels in float read. */
clopt_running clopt_schedule_scalars(const clopt_config *c, uint64_t it, clopt_running run,
                                     clopt_scalars *k)
{
    clopt_scalars64 d;
    run = clopt_schedule_scalars64(c, it, run, &d);
#define CLOPT_ROUND_FIELD(name) k->name = (float)d.name;
    CLOPT_SCALARS_FIELDS(CLOPT_ROUND_FIELD)
#undef CLOPT_ROUND_FIELD
    return run;
}

int clopt_schedule_constant(const clopt_config *c)
{
    /* Kinds not named here are taken to change per step: slower, never wrong. */
    const clopt_kind kind = c->info->kind;
    return c->v[CLOPT_P_DECAY] == 0.0 && !c->sched.info &&
           (kind == CLOPT_SGD || kind == CLOPT_RMSPROP || kind == CLOPT_ADAGRAD ||
            kind == CLOPT_ADADELTA);
}
