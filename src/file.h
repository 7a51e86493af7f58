/* Writing whole files safely: checkpoints and training snapshots. */
#ifndef CLOPT_FILE_H
#define CLOPT_FILE_H

#include "clopt/clopt.h"

#include <stdint.h>

/*
 * Writes len bytes to `path` through a temporary file beside it, fsync and rename, so that
 * `path` holds either its old contents or all of the new ones. CLOPT_EIO names the path.
 */
clopt_status clopt_write_atomically(const char *path, const void *data, size_t len,
                                    clopt_error *err);

/*
 * Continues the CRC-32 (zlib's) `crc` over len bytes, any length (zlib's crc32 takes a 32-bit
 * length: a file of 4 GiB or more would be checked mod 2^32). Start with crc = 0.
 */
uint32_t clopt_crc32(uint32_t crc, const void *data, size_t len);

#endif
