/*
 * The optimizer kinds, one row each: the single list from which the kind enum
 * (src/catalogue.h), the step kernels (step.cl), the trajectory dispatch (trajectory.cl),
 * the benchmark loops (src/cli/bench_step_loops.c) and the tests' loops are expanded.
 * Both C and OpenCL C include it, so the host and the kernels cannot disagree on a number.
 * The rest of a row (names, hyperparameters, defaults, ranges, texts, equations) is data in
 * src/catalogue.c, indexed by the same enum.
 *
 * X(KIND, key, lean, full, SHAPE)
 *   KIND   the enum suffix: CLOPT_SGD ...
 *   key    the lower-case name and the suffix of its rule in rules.cl: clopt_rule_sgd
 *   lean   state buffers per tensor when the optional state is off (SGD without momentum,
 *          Adam without amsgrad); full: with it on (equal for kinds without optional state)
 *   SHAPE  ELEMENT: the rule updates each element on its own (one kernel);
 *          TENSOR: it needs norms over each tensor (Lamb: moments, a per-tensor reduction,
 *          then the update: three kernels, still a constant number per buffer pair)
 *          MATRIX: it needs each tensor's shape and matrix products (Muon: cl/muon.cl and
 *          src/muon.c, a few launches per matrix; the 2-D world's point is a 1 x 2 matrix)
 * Rows may be appended; their order is the kind number stored nowhere outside a process.
 */
#ifndef CLOPT_OPTIMIZERS_H
#define CLOPT_OPTIMIZERS_H

#define CLOPT_OPTIMIZERS(X)                                                                    \
    X(SGD, sgd, 0, 1, ELEMENT)                                                                 \
    X(RMSPROP, rmsprop, 1, 1, ELEMENT)                                                         \
    X(ADAGRAD, adagrad, 1, 1, ELEMENT)                                                         \
    X(ADADELTA, adadelta, 2, 2, ELEMENT)                                                       \
    X(ADAM, adam, 2, 3, ELEMENT)                                                               \
    X(ADAMAX, adamax, 2, 2, ELEMENT)                                                           \
    X(NADAM, nadam, 2, 2, ELEMENT)                                                             \
    X(ADAMW, adamw, 2, 3, ELEMENT)                                                             \
    X(LAMB, lamb, 2, 2, TENSOR)                                                                \
    X(RADAM, radam, 2, 2, ELEMENT)                                                             \
    X(LION, lion, 1, 1, ELEMENT)                                                               \
    X(SGD_SCHEDULEFREE, sgd_schedulefree, 2, 2, ELEMENT)                                       \
    X(ADAMW_SCHEDULEFREE, adamw_schedulefree, 3, 3, ELEMENT)                                   \
    X(MUON, muon, 1, 1, MATRIX)

/* CLOPT_SGD, CLOPT_RMSPROP, ...: the kind numbers, for the host and the kernels. */
#define CLOPT_KIND_ENUM_(K, key, lean, full, shape) CLOPT_##K,
typedef enum { CLOPT_OPTIMIZERS(CLOPT_KIND_ENUM_) CLOPT_KIND_COUNT } clopt_kind;
#undef CLOPT_KIND_ENUM_

/* The most state buffers any kind keeps per tensor. */
#define CLOPT_MAX_STATE 3

/* Expands x only for rows of the given shape: CLOPT_IF_ELEMENT(ELEMENT, x) is x. */
#define CLOPT_IF_ELEMENT_ELEMENT(x) x
#define CLOPT_IF_ELEMENT_TENSOR(x)
#define CLOPT_IF_ELEMENT_MATRIX(x)
#define CLOPT_IF_ELEMENT(SHAPE, x) CLOPT_IF_ELEMENT_##SHAPE(x)

#endif
