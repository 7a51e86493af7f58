/* Whole files written so that a reader never sees half of one (see file.h). */
#include "file.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

clopt_status clopt_file_open(clopt_file *f, const char *path, clopt_error *err)
{
    const size_t plen = strlen(path);
    f->path = path;
    f->fd = -1;
    f->tmp = malloc(plen + 16);
    if (!f->tmp) return clopt_error_set(err, CLOPT_ENOMEM, "out of memory writing '%.120s'", path);
    snprintf(f->tmp, plen + 16, "%s.tmp.XXXXXX", path);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        clopt_error_set(err, CLOPT_EIO, "cannot create a temporary file beside '%.120s': %s", path,
                        strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return CLOPT_EIO;
    }
    return CLOPT_OK;
}

clopt_status clopt_file_write(clopt_file *f, const void *data, size_t len, clopt_error *err)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(f->fd, (const char *)data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return clopt_error_set(err, CLOPT_EIO, "cannot write '%.120s': %s", f->path,
                                   n < 0 ? strerror(errno) : "no space written");
        done += (size_t)n;
    }
    return CLOPT_OK;
}

void clopt_file_abort(clopt_file *f)
{
    if (f->fd >= 0) close(f->fd);
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    f->fd = -1;
}

clopt_status clopt_file_commit(clopt_file *f, clopt_error *err)
{
    int ok = fsync(f->fd) == 0;
    int saved = errno;
    ok = close(f->fd) == 0 && ok;
    f->fd = -1;
    if (ok && rename(f->tmp, f->path) != 0) {
        saved = errno;
        ok = 0;
    }
    if (!ok) clopt_error_set(err, CLOPT_EIO, "cannot write '%.120s': %s", f->path, strerror(saved));
    if (!ok) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return ok ? CLOPT_OK : CLOPT_EIO;
}

clopt_status clopt_write_atomically(const char *path, const void *data, size_t len,
                                    clopt_error *err)
{
    clopt_file f;
    clopt_status st = clopt_file_open(&f, path, err);
    if (st != CLOPT_OK) return st;
    st = clopt_file_write(&f, data, len, err);
    if (st != CLOPT_OK) {
        clopt_file_abort(&f);
        return st;
    }
    return clopt_file_commit(&f, err);
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
