/* What every data-parallel step needs beyond the collectives themselves (ranks.h). */
#include "ranks.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

clopt_status clopt_ranks_agree(const clopt_ranks *r, clopt_status st, clopt_error *err)
{
    if (!r) return st;
    uint64_t first = st != CLOPT_OK ? (uint64_t)r->rank : UINT64_MAX;
    r->min_u64(r, &first, 1);
    if (first == UINT64_MAX) return CLOPT_OK;
    clopt_error e = {0};
    if ((int)first == r->rank) {
        if (err) e = *err;
        e.status = st; /* a caller without an error struct still reports the status */
        if (!err) snprintf(e.text, sizeof e.text, "%s", clopt_status_string(st));
    }
    r->broadcast(r, &e, sizeof e, (int)first);
    if (err) {
        err->status = e.status;
        err->cl_error = e.cl_error;
        /* The prefix, then as much of the message as fits (it is NUL-terminated). */
        const int k = snprintf(err->text, sizeof err->text, "rank %d: ", (int)first);
        memcpy(err->text + k, e.text, sizeof err->text - (size_t)k - 1);
        err->text[sizeof err->text - 1] = '\0';
    }
    return e.status;
}

void clopt_ranks_share(const clopt_ranks *r, size_t n, size_t *first, size_t *count)
{
    const size_t size = r ? (size_t)r->size : 1, rank = r ? (size_t)r->rank : 0;
    const size_t base = n / size, extra = n % size;
    *first = rank * base + (rank < extra ? rank : extra);
    *count = base + (rank < extra);
}
