/* Whole files written so that a reader never sees half of one (see file.h). */
#include "file.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

clopt_status clopt_write_atomically(const char *path, const void *data, size_t len,
                                    clopt_error *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing '%.120s'", path);
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        clopt_error_set(err, CLOPT_EIO, "cannot create a temporary file beside '%.120s': %s", path,
                        strerror(errno));
        free(tmp);
        return CLOPT_EIO;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, (const char *)data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    int ok = done == len && fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = 0;
    }
    if (!ok) {
        unlink(tmp);
        clopt_error_set(err, CLOPT_EIO, "cannot write '%.120s': %s", path, strerror(saved));
    }
    free(tmp);
    return ok ? CLOPT_OK : CLOPT_EIO;
}

uint32_t clopt_crc32(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        const uInt n = len > (1u << 30) ? 1u << 30 : (uInt)len;
        crc = (uint32_t)crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return crc;
}
