/* Instantiates rules.cl for the trajectory kernels: CLOPT_TW trajectories per work-item. */
#undef CLOPT_T
#undef CLOPT_RULE
#define CLOPT_T clopt_real
#define CLOPT_RULE(name) clopt_trule_##name
