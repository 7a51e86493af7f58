/* Instantiates rules.cl for the tensor kernels: one float per work-item step. */
#undef CLOPT_T
#undef CLOPT_RULE
#define CLOPT_T float
#define CLOPT_RULE(name) clopt_rule_##name
