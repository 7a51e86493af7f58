/*
 * The programs of expressions: built on first use, kept per context by the hash of the
 * canonical tree, at most CLOPT_PROGRAMS_MAX of them (the least recently used goes first).
 * Locked: the server's worker and its HTTP thread may look up at the same time.
 */
#ifndef CLOPT_PROGRAMS_H
#define CLOPT_PROGRAMS_H

#include "clopt/clopt.h"

#define CLOPT_PROGRAMS_MAX 64

typedef struct clopt_programs clopt_programs;

/* A cache of at most `capacity` programs (1 .. CLOPT_PROGRAMS_MAX; contexts use the most). */
clopt_programs *clopt_programs_create(size_t capacity);
void clopt_programs_release(clopt_programs *p);

/* Programs built by this cache so far (compiles, not lookups). */
uint64_t clopt_programs_builds(const clopt_programs *p);

/* Programs held now (at most the capacity). */
size_t clopt_programs_count(clopt_programs *p);

/*
 * Holds at most `capacity` (clamped to 1 .. CLOPT_PROGRAMS_MAX) from now on; the least
 * recently used beyond it are let go (runs and kernels keep their own references). A
 * server sizes its cache to its memory budget this way.
 */
void clopt_programs_set_capacity(clopt_programs *p, size_t capacity);

#endif
