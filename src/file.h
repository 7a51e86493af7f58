/* Writing whole files safely: checkpoints and training snapshots. */
#ifndef CLOPT_FILE_H
#define CLOPT_FILE_H

#include "clopt/clopt.h"

#include <stdint.h>

/*
 * A file written in pieces the same way: clopt_file_open creates the temporary file,
 * clopt_file_write appends (CLOPT_EIO names the path), clopt_file_commit fsyncs and renames
 * it over `path` (removing it on failure), clopt_file_abort removes it. `path` must outlive f.
 */
typedef struct {
    const char *path;
    char *tmp;
    int fd;
} clopt_file;

clopt_status clopt_file_open(clopt_file *f, const char *path, clopt_error *err);
clopt_status clopt_file_write(clopt_file *f, const void *data, size_t len, clopt_error *err);
clopt_status clopt_file_commit(clopt_file *f, clopt_error *err);
void clopt_file_abort(clopt_file *f);

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
