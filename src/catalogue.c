/* The optimizer catalogue (SEMANTICS.md, "Names, defaults, validation") as data. */
#include "catalogue.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const clopt_param_info params[CLOPT_P_COUNT] = {
    [CLOPT_P_LR] = {"lr", CLOPT_RANGE_NONNEG, "learning rate", "학습률"},
    [CLOPT_P_MOMENTUM] = {"momentum", CLOPT_RANGE_NONNEG,
                          "fraction of the previous update that carries into the next",
                          "이전 업데이트를 다음 스텝에 얼마나 이어갈지 정하는 관성 계수"},
    [CLOPT_P_DECAY] = {"decay", CLOPT_RANGE_NONNEG,
                       "learning-rate decay: lr / (1 + decay * iterations)",
                       "학습률 감쇠: lr / (1 + decay * 반복 횟수)"},
    [CLOPT_P_NESTEROV] = {"nesterov", CLOPT_RANGE_BOOL, "use Nesterov momentum",
                          "네스테로프 모멘텀을 쓸지 여부"},
    [CLOPT_P_RHO] = {"rho", CLOPT_RANGE_UNIT, "decay rate of the running average",
                     "이동 평균의 감쇠율"},
    [CLOPT_P_BETA_1] = {"beta_1", CLOPT_RANGE_UNIT, "decay rate of the first-moment estimate",
                        "1차 모멘트(평균) 추정치의 감쇠율"},
    [CLOPT_P_BETA_2] = {"beta_2", CLOPT_RANGE_UNIT, "decay rate of the second-moment estimate",
                        "2차 모멘트 추정치의 감쇠율"},
    [CLOPT_P_EPSILON] = {"epsilon", CLOPT_RANGE_NONNEG,
                         "small constant that keeps the division away from zero",
                         "0으로 나누지 않도록 더하는 작은 상수"},
    [CLOPT_P_SCHEDULE_DECAY] = {"schedule_decay", CLOPT_RANGE_NONNEG,
                                "decay of Nadam's momentum schedule",
                                "Nadam 모멘텀 스케줄의 감쇠율"},
    [CLOPT_P_CLIPNORM] = {"clipnorm", CLOPT_RANGE_POSITIVE,
                          "rescale all gradients when their global L2 norm reaches this value",
                          "전체 기울기의 L2 노름이 이 값에 이르면 모든 기울기를 같은 비율로 줄입니다"},
    [CLOPT_P_CLIPVALUE] = {"clipvalue", CLOPT_RANGE_POSITIVE,
                           "clip each gradient element to [-clipvalue, clipvalue]",
                           "기울기의 각 원소를 [-clipvalue, clipvalue] 범위로 자릅니다"},
};

static const clopt_optimizer_info optimizers[CLOPT_KIND_COUNT] = {
    [CLOPT_SGD] = {CLOPT_SGD, "SGD", "sgd", 4,
                   {CLOPT_P_LR, CLOPT_P_MOMENTUM, CLOPT_P_DECAY, CLOPT_P_NESTEROV},
                   {0.01, 0.0, 0.0, 0.0}, 1, {"m"},
                   "Stochastic gradient descent, with optional momentum, Nesterov momentum "
                   "and learning-rate decay.",
                   "확률적 경사 하강법입니다. 모멘텀, 네스테로프 모멘텀, 학습률 감쇠를 골라 쓸 수 "
                   "있습니다."},
    [CLOPT_RMSPROP] = {CLOPT_RMSPROP, "RMSprop", "rmsprop", 4,
                       {CLOPT_P_LR, CLOPT_P_RHO, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                       {0.001, 0.9, 1e-8, 0.0}, 1, {"a"},
                       "Divides each step by a running average of recent squared gradients; "
                       "a good default for recurrent networks.",
                       "최근 기울기 제곱의 이동 평균으로 나눠 보폭을 조절합니다. 순환 신경망에 "
                       "무난한 선택입니다."},
    [CLOPT_ADAGRAD] = {CLOPT_ADAGRAD, "Adagrad", "adagrad", 3,
                       {CLOPT_P_LR, CLOPT_P_EPSILON, CLOPT_P_DECAY}, {0.01, 1e-8, 0.0}, 1, {"a"},
                       "Per-parameter step sizes that shrink with the sum of all past squared "
                       "gradients.",
                       "지금까지의 기울기 제곱을 모두 더해 나누므로, 매개변수마다 보폭이 점점 "
                       "줄어듭니다."},
    [CLOPT_ADADELTA] = {CLOPT_ADADELTA, "Adadelta", "adadelta", 4,
                        {CLOPT_P_LR, CLOPT_P_RHO, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                        {1.0, 0.95, 1e-8, 0.0}, 2, {"a", "d"},
                        "Adagrad without a hand-tuned rate: steps are scaled by a running "
                        "average of past updates.",
                        "학습률을 손으로 고르지 않도록, 지난 업데이트 크기의 이동 평균으로 보폭을 "
                        "맞추는 Adagrad의 변형입니다."},
    [CLOPT_ADAM] = {CLOPT_ADAM, "Adam", "adam", 5,
                    {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                    {0.001, 0.9, 0.999, 1e-8, 0.0}, 2, {"m", "v"},
                    "Momentum plus RMSprop-style scaling, with bias correction of both moment "
                    "estimates.",
                    "모멘텀과 RMSprop식 보폭 조절을 합치고, 두 모멘트 추정치의 초기 편향을 "
                    "보정합니다."},
    [CLOPT_ADAMAX] = {CLOPT_ADAMAX, "Adamax", "adamax", 5,
                      {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON,
                       CLOPT_P_DECAY},
                      {0.002, 0.9, 0.999, 1e-8, 0.0}, 2, {"m", "u"},
                      "Adam with the infinity norm: steps are scaled by the largest recent "
                      "gradient magnitude.",
                      "Adam의 무한 노름 버전으로, 최근 기울기 크기의 최댓값으로 보폭을 "
                      "조절합니다."},
    [CLOPT_NADAM] = {CLOPT_NADAM, "Nadam", "nadam", 5,
                     {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON,
                      CLOPT_P_SCHEDULE_DECAY},
                     {0.002, 0.9, 0.999, 1e-8, 0.004}, 2, {"m", "v"},
                     "Adam with Nesterov momentum: each step looks one momentum step ahead.",
                     "네스테로프 모멘텀을 적용한 Adam으로, 모멘텀 방향으로 한 걸음 앞을 내다보고 "
                     "갱신합니다."},
};

const clopt_optimizer_info *clopt_catalogue_optimizer(clopt_kind kind)
{
    return (unsigned)kind < CLOPT_KIND_COUNT ? &optimizers[kind] : NULL;
}

const clopt_param_info *clopt_catalogue_param(clopt_param p)
{
    return (unsigned)p < CLOPT_P_COUNT ? &params[p] : NULL;
}

static bool same_name(const char *name, size_t len, const char *known)
{
    return strlen(known) == len && strncasecmp(name, known, len) == 0;
}

const clopt_optimizer_info *clopt_catalogue_find_optimizer(const char *name, size_t len)
{
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++)
        if (same_name(name, len, optimizers[k].key))
            return &optimizers[k];
    return NULL;
}

int clopt_catalogue_find_param(const char *name, size_t len)
{
    if (same_name(name, len, "learning_rate"))
        return CLOPT_P_LR;
    for (int p = 0; p < CLOPT_P_COUNT; p++)
        if (same_name(name, len, params[p].name))
            return p;
    return -1;
}

bool clopt_catalogue_takes(const clopt_optimizer_info *info, clopt_param p)
{
    if (p == CLOPT_P_CLIPNORM || p == CLOPT_P_CLIPVALUE)
        return true;
    for (size_t i = 0; i < info->nparams; i++)
        if (info->params[i] == p)
            return true;
    return false;
}

const char *clopt_range_text(clopt_range r)
{
    switch (r) {
    case CLOPT_RANGE_NONNEG:
        return "a finite number >= 0";
    case CLOPT_RANGE_UNIT:
        return "a number in [0, 1)";
    case CLOPT_RANGE_POSITIVE:
        return "a finite number > 0";
    case CLOPT_RANGE_BOOL:
        return "True or False (1 or 0)";
    }
    return "?";
}

bool clopt_range_accepts(clopt_range r, double v)
{
    if (!isfinite(v))
        return false;
    switch (r) {
    case CLOPT_RANGE_NONNEG:
        return v >= 0.0;
    case CLOPT_RANGE_UNIT:
        return v >= 0.0 && v < 1.0;
    case CLOPT_RANGE_POSITIVE:
        return v > 0.0;
    case CLOPT_RANGE_BOOL:
        return v == 0.0 || v == 1.0;
    }
    return false;
}
