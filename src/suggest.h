/* "Did you mean": the closest known name to a misspelt one. */
#ifndef CLOPT_SUGGEST_H
#define CLOPT_SUGGEST_H

#include <stddef.h>

/*
 * The candidate closest to word[0, len) by case-insensitive edit distance (insertions,
 * deletions, substitutions and adjacent transpositions), or NULL when none is close enough
 * to be a plausible typo (at most 1 edit for words up to 3 letters, 2 up to 6, else 3).
 */
const char *clopt_suggest(const char *word, size_t len, const char *const *candidates,
                          size_t ncandidates);

#endif
