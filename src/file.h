/* Writing whole files safely: checkpoints and training snapshots. */
#ifndef CLOPT_FILE_H
#define CLOPT_FILE_H

#include "clopt/clopt.h"

/*
 * Writes len bytes to `path` through a temporary file beside it, fsync and rename, so that
 * `path` holds either its old contents or all of the new ones. CLOPT_EIO names the path.
 */
clopt_status clopt_write_atomically(const char *path, const void *data, size_t len,
                                    clopt_error *err);

#endif
