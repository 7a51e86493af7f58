/* The optimizer catalogue (docs/semantics.md, "Names, defaults, validation") as data. */
#include "catalogue.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* Muon's adjust_lr (docs/semantics.md, "Muon"), by index. */
static const char *const adjust_words[] = {"original", "match_rms_adamw", NULL};

/* An entry without words: every range but CLOPT_RANGE_CHOICE. */
#define CLOPT_PARAM(name, range, en, ko)                                                           \
    {                                                                                              \
        name, range, en, ko, NULL                                                                  \
    }

static const clopt_param_info params[CLOPT_P_COUNT] = {
    [CLOPT_P_LR] = CLOPT_PARAM("lr", CLOPT_RANGE_NONNEG, "learning rate", "학습률"),
    [CLOPT_P_MOMENTUM] = CLOPT_PARAM("momentum", CLOPT_RANGE_NONNEG,
                                     "fraction of the previous update that carries into the next",
                                     "이전 갱신량 가운데 다음 갱신으로 이어지는 비율"),
    [CLOPT_P_DECAY] = CLOPT_PARAM("decay", CLOPT_RANGE_NONNEG,
                                  "learning-rate decay: lr / (1 + decay * iterations)",
                                  "학습률 감쇠: lr / (1 + decay * 반복 횟수)"),
    [CLOPT_P_NESTEROV] = CLOPT_PARAM("nesterov", CLOPT_RANGE_BOOL, "use Nesterov momentum",
                                     "네스테로프 모멘텀을 쓸지 여부"),
    [CLOPT_P_RHO] = CLOPT_PARAM("rho", CLOPT_RANGE_UNIT, "decay rate of the running average",
                                "이동 평균의 감쇠율"),
    [CLOPT_P_BETA_1] =
        CLOPT_PARAM("beta_1", CLOPT_RANGE_UNIT, "decay rate of the first-moment estimate",
                    "1차 모멘트 추정치의 감쇠율"),
    [CLOPT_P_BETA_2] =
        CLOPT_PARAM("beta_2", CLOPT_RANGE_UNIT, "decay rate of the second-moment estimate",
                    "2차 모멘트 추정치의 감쇠율"),
    [CLOPT_P_EPSILON] = CLOPT_PARAM("epsilon", CLOPT_RANGE_NONNEG,
                                    "small constant that keeps the division away from zero",
                                    "분모가 0에 너무 가까워지지 않게 더하는 작은 상수"),
    [CLOPT_P_SCHEDULE_DECAY] =
        CLOPT_PARAM("schedule_decay", CLOPT_RANGE_NONNEG, "decay of Nadam's momentum schedule",
                    "Nadam의 모멘텀 스케줄 감쇠"),
    [CLOPT_P_WEIGHT_DECAY] =
        CLOPT_PARAM("weight_decay", CLOPT_RANGE_NONNEG,
                    "decoupled weight decay: each step shrinks the parameters by "
                    "lr * weight_decay of their value",
                    "분리된 가중치 감쇠: 스텝마다 매개변수를 그 값의 "
                    "lr * weight_decay만큼 줄입니다"),
    [CLOPT_P_AMSGRAD] =
        CLOPT_PARAM("amsgrad", CLOPT_RANGE_BOOL,
                    "divide by the largest second-moment estimate so far (AMSGrad)",
                    "지금까지의 2차 모멘트 추정치 중 가장 큰 값으로 나눕니다 (AMSGrad)"),
    [CLOPT_P_WARMUP_STEPS] = CLOPT_PARAM("warmup_steps", CLOPT_RANGE_NONNEG,
                                         "steps of linear warmup of the schedule-free rate",
                                         "스케줄 없는 학습률의 선형 워밍업 스텝 수"),
    [CLOPT_P_R] = CLOPT_PARAM("r", CLOPT_RANGE_NONNEG,
                              "the average weighs step k by (k + 1)^r: 0 is a plain average",
                              "평균에서 스텝 k의 가중치 (k + 1)^r: 0이면 단순 평균"),
    [CLOPT_P_WEIGHT_LR_POWER] =
        CLOPT_PARAM("weight_lr_power", CLOPT_RANGE_NONNEG,
                    "the average weighs each step by the largest rate so far to "
                    "this power",
                    "평균에서 각 스텝의 가중치를 지금까지 가장 큰 학습률의 이 "
                    "거듭제곱으로 둡니다"),
    [CLOPT_P_NS_STEPS] = CLOPT_PARAM("ns_steps", CLOPT_RANGE_ITERATIONS,
                                     "Newton-Schulz iterations that orthogonalise the momentum",
                                     "모멘텀을 직교화하는 뉴턴-슐츠 반복 횟수"),
    [CLOPT_P_NS_A] = CLOPT_PARAM("a", CLOPT_RANGE_FINITE, "Newton-Schulz coefficient of X",
                                 "뉴턴-슐츠 반복에서 X의 계수"),
    [CLOPT_P_NS_B] = CLOPT_PARAM("b", CLOPT_RANGE_FINITE, "Newton-Schulz coefficient of (X X^T) X",
                                 "뉴턴-슐츠 반복에서 (X X^T) X의 계수"),
    [CLOPT_P_NS_C] =
        CLOPT_PARAM("c", CLOPT_RANGE_FINITE, "Newton-Schulz coefficient of (X X^T)^2 X",
                    "뉴턴-슐츠 반복에서 (X X^T)^2 X의 계수"),
    [CLOPT_P_ADJUST_LR] = {"adjust_lr", CLOPT_RANGE_CHOICE,
                           "scale of the step by the matrix's shape: \"original\" sqrt(max(1, "
                           "rows / cols)), \"match_rms_adamw\" 0.2 sqrt(max(rows, cols))",
                           "행렬 모양에 따른 스텝 배율: \"original\"은 sqrt(max(1, 행 / 열)), "
                           "\"match_rms_adamw\"는 0.2 sqrt(max(행, 열))",
                           adjust_words},
    [CLOPT_P_CLIPNORM] =
        CLOPT_PARAM("clipnorm", CLOPT_RANGE_POSITIVE,
                    "rescale all gradients when their global L2 norm reaches this value",
                    "전체 기울기의 L2 노름이 이 값에 이르면 모든 기울기를 같은 비율로 줄입니다"),
    [CLOPT_P_CLIPVALUE] = CLOPT_PARAM("clipvalue", CLOPT_RANGE_POSITIVE,
                                      "clip each gradient element to [-clipvalue, clipvalue]",
                                      "기울기의 각 원소를 [-clipvalue, clipvalue] 범위로 자릅니다"),
};
#undef CLOPT_PARAM

/*
 * Equation lines (catalogue.h, clopt_equation) shared by several rows. The page prints the
 * gradient before them and the new position and f after them.
 */
#define EQ_M_MOMENTUM "<var>m</var> ← {beta_1}·<var>m</var> + {1-beta_1}·<var>g</var>"
#define EQ_V_SQUARES "<var>v</var> ← {beta_2}·<var>v</var> + {1-beta_2}·<var>g</var>²"
#define EQ_A_SQUARES "<var>a</var> ← {rho}·<var>a</var> + {1-rho}·<var>g</var>²"
#define LR_ADAM "lr_e*sqrt(1-beta_2^t)/(1-beta_1^t)"
#define EQ_LR_ADAM                                                                                 \
    {                                                                                              \
        "<var>lr</var><sub>t</sub> = {lr_e}·√(1 − {beta_2}<sup>{t}</sup>) / (1 − "          \
        "{beta_1}<sup>{t}</sup>)",                                                                 \
            "=" LR_ADAM, NULL                                                                      \
    }
#define EQ_VHAT                                                                                    \
    {                                                                                              \
        "<var>v̂</var> ← max(<var>v̂</var>, <var>v</var>)", "vhat", "amsgrad"                        \
    }
/* Schedule-free's rate: lr_e, times t / warmup_steps during its warmup (t is 1-based). */
#define LR_SF "lr_e*((t<warmup_steps)*t/(warmup_steps+!warmup_steps)+!(t<warmup_steps))"
#define RHO_INF "(2/(1-beta_2)-1)"
#define RHO_T "(" RHO_INF "-2*t*beta_2^t/(1-beta_2^t))"

/* Rows leave `ranges` out unless an optimizer has a range of its own (CLOPT_RANGE_OWN = 0). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const clopt_optimizer_info optimizers[CLOPT_KIND_COUNT] = {
    [CLOPT_SGD] =
        {CLOPT_SGD,
         "SGD",
         "sgd",
         4,
         {CLOPT_P_LR, CLOPT_P_MOMENTUM, CLOPT_P_DECAY, CLOPT_P_NESTEROV},
         {0.01, 0.0, 0.0, 0.0},
         0,
         1,
         CLOPT_P_MOMENTUM,
         {"m"},
         "Stochastic gradient descent, with optional momentum, Nesterov momentum "
         "and learning-rate decay.",
         "확률적 경사 하강법입니다. 모멘텀, 네스테로프 모멘텀, 학습률 감쇠를 골라 쓸 수 "
         "있습니다.",
         {{"<var>m</var> ← {momentum}·<var>m</var> − {lr_e}·<var>g</var>", "m", "momentum>0"},
          {"Δ = {momentum}·<var>m</var> − {lr_e}·<var>g</var>", "delta", "(momentum>0)*nesterov"},
          {"Δ = <var>m</var>", "delta", "(momentum>0)*!nesterov"},
          {"Δ = −{lr_e}·<var>g</var>", "delta", "!(momentum>0)"}}},
    [CLOPT_RMSPROP] = {CLOPT_RMSPROP,
                       "RMSprop",
                       "rmsprop",
                       4,
                       {CLOPT_P_LR, CLOPT_P_RHO, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                       {0.001, 0.9, 1e-8, 0.0},
                       1,
                       1,
                       CLOPT_P_LR,
                       {"a"},
                       "Divides each step by a running average of recent squared gradients; "
                       "a good default for recurrent networks.",
                       "각 스텝을 최근 기울기 제곱의 이동 평균으로 나눕니다. 순환 신경망에 "
                       "무난한 기본 선택입니다.",
                       {{EQ_A_SQUARES, "a", NULL},
                        {"Δ = −{lr_e}·<var>g</var> / (√<var>a</var> + {epsilon})", "delta", NULL}}},
    [CLOPT_ADAGRAD] = {CLOPT_ADAGRAD,
                       "Adagrad",
                       "adagrad",
                       3,
                       {CLOPT_P_LR, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                       {0.01, 1e-8, 0.0},
                       1,
                       1,
                       CLOPT_P_LR,
                       {"a"},
                       "Per-parameter step sizes that shrink with the sum of all past squared "
                       "gradients.",
                       "매개변수마다 스텝 크기가 따로 있으며, 지금까지의 기울기 제곱을 모두 "
                       "더한 값이 커질수록 줄어듭니다.",
                       {{"<var>a</var> ← <var>a</var> + <var>g</var>²", "a", NULL},
                        {"Δ = −{lr_e}·<var>g</var> / (√<var>a</var> + {epsilon})", "delta", NULL}}},
    [CLOPT_ADADELTA] = {CLOPT_ADADELTA,
                        "Adadelta",
                        "adadelta",
                        4,
                        {CLOPT_P_LR, CLOPT_P_RHO, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                        {1.0, 0.95, 1e-8, 0.0},
                        2,
                        2,
                        CLOPT_P_LR,
                        {"a", "d"},
                        "Adagrad without a hand-tuned rate: steps are scaled by a running "
                        "average of past updates.",
                        "학습률을 직접 조정할 필요가 없는 Adagrad입니다. 지난 갱신량의 이동 "
                        "평균으로 스텝 크기를 맞춥니다.",
                        {{EQ_A_SQUARES, "a", NULL},
                         {"Δ = −{lr_e}·<var>g</var>·√(<var>d</var> + {epsilon}) / √(<var>a</var> "
                          "+ {epsilon})",
                          "delta", NULL},
                         {"<var>d</var> ← {rho}·<var>d</var> + {1-rho}·(Δ/{lr_e})²", "d", NULL}}},
    [CLOPT_ADAM] =
        {CLOPT_ADAM,
         "Adam",
         "adam",
         6,
         {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_DECAY,
          CLOPT_P_AMSGRAD},
         {0.001, 0.9, 0.999, 1e-8, 0.0, 0.0},
         2,
         3,
         CLOPT_P_AMSGRAD,
         {"m", "v", "vhat"},
         "Momentum plus RMSprop-style scaling, with bias correction of both moment "
         "estimates; amsgrad divides by the largest second moment seen.",
         "모멘텀과 RMSprop식 스텝 크기 조절을 합치고, 두 모멘트 추정치의 초기 편향을 "
         "보정합니다. amsgrad를 켜면 지금까지 가장 컸던 2차 모멘트로 나눕니다.",
         {{EQ_M_MOMENTUM, "m", NULL},
          {EQ_V_SQUARES, "v", NULL},
          EQ_VHAT,
          EQ_LR_ADAM,
          {"Δ = −{" LR_ADAM "}·<var>m</var> / (√<var>v</var> + {epsilon})", "delta", "!amsgrad"},
          {"Δ = −{" LR_ADAM "}·<var>m</var> / (√<var>v̂</var> + {epsilon})", "delta", "amsgrad"}}},
    [CLOPT_ADAMAX] = {CLOPT_ADAMAX,
                      "Adamax",
                      "adamax",
                      5,
                      {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                      {0.002, 0.9, 0.999, 1e-8, 0.0},
                      2,
                      2,
                      CLOPT_P_LR,
                      {"m", "u"},
                      "Adam with the infinity norm: steps are scaled by the largest recent "
                      "gradient magnitude.",
                      "무한 노름을 쓰는 Adam으로, 최근 기울기 크기의 최댓값으로 스텝 크기를 "
                      "조절합니다.",
                      {{EQ_M_MOMENTUM, "m", NULL},
                       {"<var>u</var> ← max({beta_2}·<var>u</var>, |<var>g</var>|)", "u", NULL},
                       {"Δ = −{lr_e/(1-beta_1^t)}·<var>m</var> / (<var>u</var> + {epsilon})",
                        "delta", NULL}}},
    [CLOPT_NADAM] =
        {CLOPT_NADAM,
         "Nadam",
         "nadam",
         5,
         {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_SCHEDULE_DECAY},
         {0.002, 0.9, 0.999, 1e-8, 0.004},
         2,
         2,
         CLOPT_P_LR,
         {"m", "v"},
         "Adam with Nesterov momentum: each step looks one momentum step ahead.",
         "네스테로프 모멘텀을 적용한 Adam으로, 스텝마다 모멘텀 스텝 하나만큼 앞을 "
         "내다봅니다.",
         {{"μ<sub>t</sub> = {beta_1*(1-0.5*0.96^(t*schedule_decay))}, "
           "μ<sub>t+1</sub> = {beta_1*(1-0.5*0.96^((t+1)*schedule_decay))}",
           NULL, NULL},
          {EQ_M_MOMENTUM, "m", NULL},
          {EQ_V_SQUARES, "v", NULL},
          {"Δ = −{lr}·((1 − μ<sub>t</sub>)·<var>ĝ</var> + μ<sub>t+1</sub>·<var>m̂</var>) "
           "/ (√<var>v̂</var> + {epsilon})",
           "delta", NULL}}},
    [CLOPT_ADAMW] = {CLOPT_ADAMW,
                     "AdamW",
                     "adamw",
                     7,
                     {CLOPT_P_LR, CLOPT_P_WEIGHT_DECAY, CLOPT_P_BETA_1, CLOPT_P_BETA_2,
                      CLOPT_P_EPSILON, CLOPT_P_AMSGRAD, CLOPT_P_DECAY},
                     {0.001, 0.004, 0.9, 0.999, 1e-7, 0.0, 0.0},
                     2,
                     3,
                     CLOPT_P_AMSGRAD,
                     {"m", "v", "vhat"},
                     "Adam with decoupled weight decay: besides Adam's step, parameters shrink "
                     "toward 0 by lr * weight_decay of their value.",
                     "가중치 감쇠를 분리한 Adam입니다. Adam의 스텝과 별도로, 매개변수를 그 값의 "
                     "lr * weight_decay만큼 0 쪽으로 줄입니다.",
                     {{EQ_M_MOMENTUM, "m", NULL},
                      {EQ_V_SQUARES, "v", NULL},
                      EQ_VHAT,
                      EQ_LR_ADAM,
                      {"Δ = −{weight_decay*lr_e}·<var>x</var> − {" LR_ADAM "}·<var>m</var> / "
                       "(√<var>v</var> + {epsilon})",
                       "delta", "!amsgrad"},
                      {"Δ = −{weight_decay*lr_e}·<var>x</var> − {" LR_ADAM "}·<var>m</var> / "
                       "(√<var>v̂</var> + {epsilon})",
                       "delta", "amsgrad"}}},
    [CLOPT_LAMB] = {CLOPT_LAMB,
                    "Lamb",
                    "lamb",
                    6,
                    {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON,
                     CLOPT_P_WEIGHT_DECAY, CLOPT_P_DECAY},
                    {0.001, 0.9, 0.999, 1e-7, 0.0, 0.0},
                    2,
                    2,
                    CLOPT_P_LR,
                    {"m", "v"},
                    "Adam's direction, rescaled per tensor by the trust ratio |p| / |u| so "
                    "that every layer moves by a similar fraction of its size; for large "
                    "batches.",
                    "Adam의 방향을 텐서마다 신뢰 비율 |p| / |u|로 다시 조절해, 모든 층이 자기 "
                    "크기의 비슷한 비율만큼 움직이게 합니다. 큰 배치 학습을 위해 고안되었습니다.",
                    {{EQ_M_MOMENTUM, "m", NULL},
                     {EQ_V_SQUARES, "v", NULL},
                     {"<var>u</var> = (<var>m</var> / {1-beta_1^t}) / (√(<var>v</var> / "
                      "{1-beta_2^t}) + {epsilon})",
                      NULL, NULL},
                     {"<var>r</var> = ‖<var>x</var>‖ / ‖<var>u</var>‖", NULL, NULL},
                     {"Δ = −{weight_decay*lr_e}·<var>x</var> − <var>r</var>·{lr_e}·<var>u</var>",
                      "delta", NULL}}},
    [CLOPT_RADAM] = {CLOPT_RADAM,
                     "RAdam",
                     "radam",
                     5,
                     {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_DECAY},
                     {0.001, 0.9, 0.999, 1e-8, 0.0},
                     2,
                     2,
                     CLOPT_P_LR,
                     {"m", "v"},
                     "Adam with a rectified warm-up: plain momentum steps while the variance "
                     "estimate is unreliable, then adaptive steps scaled by r.",
                     "워밍업을 보정한 Adam입니다. 분산 추정치를 믿기 어려운 동안은 모멘텀만으로 "
                     "움직이고, 그 뒤에는 r로 조절한 적응형 스텝을 씁니다.",
                     {{EQ_M_MOMENTUM, "m", NULL},
                      {EQ_V_SQUARES, "v", NULL},
                      {"ρ<sub>t</sub> = ρ<sub>∞</sub> − 2<var>t</var>·{beta_2}<sup>{t}</sup> / "
                       "(1 − {beta_2}<sup>{t}</sup>)",
                       "=" RHO_T, NULL},
                      {"<var>r</var> = √((ρ<sub>t</sub>−4)(ρ<sub>t</sub>−2)ρ<sub>∞</sub> / "
                       "((ρ<sub>∞</sub>−4)(ρ<sub>∞</sub>−2)ρ<sub>t</sub>))",
                       "=sqrt((" RHO_T "-4)*(" RHO_T "-2)*" RHO_INF "/((" RHO_INF "-4)*(" RHO_INF
                       "-2)*" RHO_T "))",
                       RHO_T ">5"},
                      {"Δ = −{lr_e}·<var>r</var>·{sqrt(1-beta_2^t)/(1-beta_1^t)}·<var>m</var> / "
                       "(√<var>v</var> + {epsilon})",
                       "delta", RHO_T ">5"},
                      {"Δ = −{lr_e/(1-beta_1^t)}·<var>m</var>", "delta", "!(" RHO_T ">5)"}}},
    [CLOPT_LION] = {CLOPT_LION,
                    "Lion",
                    "lion",
                    5,
                    {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_WEIGHT_DECAY,
                     CLOPT_P_DECAY},
                    {0.001, 0.9, 0.99, 0.0, 0.0},
                    1,
                    1,
                    CLOPT_P_LR,
                    {"m"},
                    "Sign momentum: every parameter moves by exactly lr, in the direction of "
                    "the sign of a blend of momentum and gradient.",
                    "부호 모멘텀: 모멘텀과 기울기를 섞은 값의 부호 방향으로, 모든 매개변수가 "
                    "정확히 lr만큼 움직입니다.",
                    {{"<var>c</var> = {beta_1}·<var>m</var> + {1-beta_1}·<var>g</var>", NULL, NULL},
                     {"Δ = −{weight_decay*lr_e}·<var>x</var> − {lr_e}·sign(<var>c</var>)", "delta",
                      NULL},
                     {"<var>m</var> ← {beta_2}·<var>m</var> + {1-beta_2}·<var>g</var>", "m", NULL}},
                    {[1] = CLOPT_RANGE_UNIT_TOP}},
    [CLOPT_SGD_SCHEDULEFREE] =
        {CLOPT_SGD_SCHEDULEFREE,
         "SGDScheduleFree",
         "sgd_schedulefree",
         7,
         {CLOPT_P_LR, CLOPT_P_MOMENTUM, CLOPT_P_WEIGHT_DECAY, CLOPT_P_WARMUP_STEPS, CLOPT_P_R,
          CLOPT_P_WEIGHT_LR_POWER, CLOPT_P_DECAY},
         {1.0, 0.9, 0.0, 0.0, 0.0, 2.0, 0.0},
         2,
         2,
         CLOPT_P_LR,
         {"z", "x"},
         "Schedule-free SGD: steps on a base sequence z, keeps x, the running average of z, "
         "and takes gradients at y, between the two; evaluate the model at x.",
         "스케줄 없는 SGD: 기본 수열 z로 스텝을 밟고, z의 이동 평균 x를 유지하며, 둘 사이의 점 "
         "y에서 기울기를 구합니다. 모델은 x에서 평가합니다.",
         {{"<var>z</var> ← <var>z</var> − {" LR_SF "}·(<var>g</var> + {weight_decay}·<var>y</var>)",
           "z", NULL},
          {"<var>x</var> ← (1 − <var>c</var>)·<var>x</var> + <var>c</var>·<var>z</var>,  "
           "<var>c</var> = <var>w</var><sub>t</sub> / Σ<var>w</var>",
           "x", NULL},
          {"<var>y</var> = {momentum}·<var>x</var> + {1-momentum}·<var>z</var>", "delta", NULL}},
         {[1] = CLOPT_RANGE_OPEN_UNIT},
         true},
    [CLOPT_ADAMW_SCHEDULEFREE] =
        {CLOPT_ADAMW_SCHEDULEFREE,
         "AdamWScheduleFree",
         "adamw_schedulefree",
         9,
         {CLOPT_P_LR, CLOPT_P_BETA_1, CLOPT_P_BETA_2, CLOPT_P_EPSILON, CLOPT_P_WEIGHT_DECAY,
          CLOPT_P_WARMUP_STEPS, CLOPT_P_R, CLOPT_P_WEIGHT_LR_POWER, CLOPT_P_DECAY},
         {0.0025, 0.9, 0.999, 1e-8, 0.0, 0.0, 0.0, 2.0, 0.0},
         3,
         3,
         CLOPT_P_LR,
         {"z", "x", "v"},
         "Schedule-free AdamW: Adam's normalised step on a base sequence z, its running "
         "average x, gradients at y between them; no decaying schedule needed. Evaluate at x.",
         "스케줄 없는 AdamW: 기본 수열 z에 Adam식 정규화 스텝을 밟고, 그 이동 평균 x와 둘 "
         "사이의 점 y에서 기울기를 구합니다. 감소 스케줄이 필요 없으며 모델은 x에서 평가합니다.",
         {{EQ_V_SQUARES, "v", NULL},
          {"<var>z</var> ← <var>z</var> − {" LR_SF "*sqrt(1-beta_2^t)}·(<var>g</var> / "
           "(√<var>v</var> + {epsilon}) + {weight_decay}·<var>y</var>)",
           "z", NULL},
          {"<var>x</var> ← (1 − <var>c</var>)·<var>x</var> + <var>c</var>·<var>z</var>,  "
           "<var>c</var> = <var>w</var><sub>t</sub> / Σ<var>w</var>",
           "x", NULL},
          {"<var>y</var> = {beta_1}·<var>x</var> + {1-beta_1}·<var>z</var>", "delta", NULL}},
         {0},
         true},
    [CLOPT_MUON] =
        {CLOPT_MUON,
         "Muon",
         "muon",
         10,
         {CLOPT_P_LR, CLOPT_P_WEIGHT_DECAY, CLOPT_P_MOMENTUM, CLOPT_P_NESTEROV, CLOPT_P_NS_STEPS,
          CLOPT_P_NS_A, CLOPT_P_NS_B, CLOPT_P_NS_C, CLOPT_P_EPSILON, CLOPT_P_ADJUST_LR},
         {0.001, 0.1, 0.95, 1.0, 5.0, 3.4445, -4.7750, 2.0315, 1e-7, 0.0},
         1,
         1,
         CLOPT_P_LR,
         {"buf"},
         "Muon: momentum of each weight matrix orthogonalised by Newton-Schulz iterations, "
         "for hidden layers' matrices (use AdamW for biases and vectors). Here a point is a "
         "1 x 2 matrix, where Muon is normalised momentum: the direction of the momentum, "
         "of a fixed length.",
         "Muon: 가중치 행렬마다 모멘텀을 뉴턴-슐츠 반복으로 직교화해 갱신합니다. 은닉층의 "
         "행렬에 쓰며, 편향과 벡터에는 AdamW를 씁니다. 여기서는 점 하나가 1 × 2 행렬이라 "
         "Muon은 정규화된 모멘텀, 곧 길이가 일정하고 방향만 모멘텀을 따르는 스텝이 됩니다.",
         {{"<var>buf</var> ← {momentum}·<var>buf</var> + {1-momentum}·<var>g</var>", "buf", NULL},
          {"<var>u</var> = {1-momentum}·<var>g</var> + {momentum}·<var>buf</var>", NULL,
           "nesterov"},
          {"<var>u</var> = <var>buf</var>", NULL, "!nesterov"},
          {"<var>O</var> = NS<sub>{ns_steps}</sub>(<var>u</var> / ‖<var>u</var>‖): a 1 × 2 "
           "matrix, so the iterations only rescale it",
           NULL, NULL},
          {"Δ = −{lr_e*weight_decay}·<var>p</var> − {lr_e*(1+(0.2*sqrt(2)-1)*adjust_lr)}·"
           "<var>O</var>",
           "delta", NULL}},
         {CLOPT_RANGE_OWN, CLOPT_RANGE_OWN, CLOPT_RANGE_UNIT}},
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
    /* the key or the class name: sgd_schedulefree or SGDScheduleFree */
    for (size_t k = 0; k < CLOPT_KIND_COUNT; k++)
        if (same_name(name, len, optimizers[k].key) || same_name(name, len, optimizers[k].name))
            return &optimizers[k];
    return NULL;
}

int clopt_catalogue_find_param(const char *name, size_t len)
{
    if (same_name(name, len, "learning_rate")) return CLOPT_P_LR;
    for (int p = 0; p < CLOPT_P_COUNT; p++)
        if (same_name(name, len, params[p].name)) return p;
    return -1;
}

bool clopt_catalogue_tensorwise(clopt_kind kind)
{
#define TENSORWISE_(K, key, lean, full, SHAPE) [CLOPT_##K] = CLOPT_SHAPE_IS_TENSOR_##SHAPE,
#define CLOPT_SHAPE_IS_TENSOR_ELEMENT false
#define CLOPT_SHAPE_IS_TENSOR_TENSOR true
#define CLOPT_SHAPE_IS_TENSOR_MATRIX false
    static const bool tensorwise[CLOPT_KIND_COUNT] = {CLOPT_OPTIMIZERS(TENSORWISE_)};
#undef TENSORWISE_
    return (unsigned)kind < CLOPT_KIND_COUNT && tensorwise[kind];
}

bool clopt_catalogue_matrix(clopt_kind kind)
{
#define MATRIX_(K, key, lean, full, SHAPE) [CLOPT_##K] = CLOPT_SHAPE_IS_MATRIX_##SHAPE,
#define CLOPT_SHAPE_IS_MATRIX_ELEMENT false
#define CLOPT_SHAPE_IS_MATRIX_TENSOR false
#define CLOPT_SHAPE_IS_MATRIX_MATRIX true
    static const bool matrix[CLOPT_KIND_COUNT] = {CLOPT_OPTIMIZERS(MATRIX_)};
#undef MATRIX_
    return (unsigned)kind < CLOPT_KIND_COUNT && matrix[kind];
}

int clopt_catalogue_word(clopt_param p, const char *word, size_t len)
{
    const char *const *w = (unsigned)p < CLOPT_P_COUNT ? params[p].words : NULL;
    for (int i = 0; w && w[i]; i++)
        if (strlen(w[i]) == len && strncmp(w[i], word, len) == 0) return i;
    return -1;
}

clopt_range clopt_catalogue_range(const clopt_optimizer_info *info, clopt_param p)
{
    for (size_t i = 0; i < info->nparams; i++)
        if (info->params[i] == p && info->ranges[i] != CLOPT_RANGE_OWN) return info->ranges[i];
    return params[p].range;
}

size_t clopt_catalogue_state_count(const clopt_optimizer_info *info, const double *v)
{
    return info->state_switch != CLOPT_P_LR && v[info->state_switch] != 0.0 ? info->full
                                                                            : info->lean;
}

bool clopt_catalogue_takes(const clopt_optimizer_info *info, clopt_param p)
{
    if (p == CLOPT_P_CLIPNORM || p == CLOPT_P_CLIPVALUE) return true;
    for (size_t i = 0; i < info->nparams; i++)
        if (info->params[i] == p) return true;
    return false;
}

const char *clopt_range_text(clopt_range r)
{
    switch (r) {
    case CLOPT_RANGE_NONNEG:
        return "a finite number >= 0";
    case CLOPT_RANGE_UNIT:
        return "a number in [0, 1)";
    case CLOPT_RANGE_UNIT_TOP:
        return "a number in (0, 1]";
    case CLOPT_RANGE_POSITIVE:
        return "a finite number > 0";
    case CLOPT_RANGE_BOOL:
        return "True or False (1 or 0)";
    case CLOPT_RANGE_OPEN_UNIT:
        return "a number in (0, 1)";
    case CLOPT_RANGE_FRACTION:
        return "a number in [0, 1]";
    case CLOPT_RANGE_COUNT:
        return "a whole number >= 0";
    case CLOPT_RANGE_COUNT_POS:
        return "a whole number >= 1";
    case CLOPT_RANGE_CHOICE:
        return "one of the listed words";
    case CLOPT_RANGE_FINITE:
        return "a finite number";
    case CLOPT_RANGE_ITERATIONS:
        return "a whole number in [1, 99]";
    case CLOPT_RANGE_OWN:
        break;
    }
    return "?";
}

bool clopt_range_accepts(clopt_range r, double v)
{
    if (!isfinite(v)) return false;
    switch (r) {
    case CLOPT_RANGE_NONNEG:
        return v >= 0.0;
    case CLOPT_RANGE_UNIT:
        return v >= 0.0 && v < 1.0;
    case CLOPT_RANGE_UNIT_TOP:
        return v > 0.0 && v <= 1.0;
    case CLOPT_RANGE_POSITIVE:
        return v > 0.0;
    case CLOPT_RANGE_BOOL:
        return v == 0.0 || v == 1.0;
    case CLOPT_RANGE_OPEN_UNIT:
        return v > 0.0 && v < 1.0;
    case CLOPT_RANGE_FRACTION:
        return v >= 0.0 && v <= 1.0;
    case CLOPT_RANGE_COUNT:
    case CLOPT_RANGE_COUNT_POS: /* whole numbers a double holds exactly, and steps can reach */
        return v == floor(v) && v >= (r == CLOPT_RANGE_COUNT ? 0.0 : 1.0) && v <= 1e15;
    case CLOPT_RANGE_CHOICE:
        return v == floor(v) && v >= 0.0;
    case CLOPT_RANGE_FINITE:
        return true;
    case CLOPT_RANGE_ITERATIONS:
        return v == floor(v) && v >= 1.0 && v <= 99.0;
    case CLOPT_RANGE_OWN:
        break;
    }
    return false;
}
