/* "Did you mean": optimal-string-alignment distance over a small set of names. */
#include "suggest.h"

#include <ctype.h>
#include <string.h>

#define MAX_WORD 64

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    /* Three rows suffice: the transposition looks back two rows. */
    size_t rows[3][MAX_WORD + 1];
    for (size_t j = 0; j <= lb; j++)
        rows[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *prev2 = rows[(i + 1) % 3];
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
    }
    return rows[la % 3][lb];
}

const char *clopt_suggest(const char *word, size_t len, const char *const *candidates,
                          size_t ncandidates)
{
    if (len == 0 || len > MAX_WORD) return NULL;
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < ncandidates; i++) {
        size_t lc = strlen(candidates[i]);
        if (lc > MAX_WORD) continue;
        size_t d = distance(word, len, candidates[i], lc);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
