/*
 * The server's own PoCL kernel cache. PoCL keeps every program it builds on disk
 * (POCL_CACHE_DIR, one directory per program), about 0.25 MiB per expression, without end;
 * a client that sends new expressions would fill the disk. So `clopt serve` points PoCL at
 * a directory of its own ($XDG_CACHE_HOME/clopt/pocl, else ~/.cache/clopt/pocl), unless
 * POCL_CACHE_DIR is set already (then the user's choice is left as it is), and keeps it
 * under --disk-cache MiB: after every expression it compiles, the programs PoCL used least
 * recently go first. A program used within the last few seconds is kept: another server
 * sharing the directory may be writing it. --disk-cache 0: no cache on disk at all.
 */
#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECENT_S 2.0 /* a program used this recently is not removed */

typedef struct {
    char path[sizeof(((srv *)0)->disk_cache) + 64];
    double used;
    size_t bytes;
} program_dir;

/* mkdir -p; 0 when the directory exists afterwards. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            const int bad = mkdir(path, 0700) && errno != EEXIST;
            *p = '/';
            if (bad) return -1;
        }
    return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

/* Bytes under path; with `remove`, deletes it too. */
static size_t walk(const char *path, int remove)
{
    struct stat st;
    if (lstat(path, &st)) return 0;
    size_t bytes = (size_t)st.st_size;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        for (struct dirent *e; d && (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[1024];
            if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
                bytes += walk(sub, remove);
        }
        if (d) closedir(d);
        if (remove) rmdir(path);
    } else if (remove)
        unlink(path);
    return bytes;
}

static int older(const void *a, const void *b)
{
    const double x = ((const program_dir *)a)->used, y = ((const program_dir *)b)->used;
    return (x > y) - (x < y);
}

/* Appends every program directory (ROOT/XX/NAME) to *list; -1 when out of memory. */
static int list_programs(const char *kcache, program_dir **list, size_t *n, size_t *cap)
{
    DIR *top = opendir(kcache);
    int rc = 0;
    for (struct dirent *a; top && rc == 0 && (a = readdir(top));) {
        if (a->d_name[0] == '.') continue;
        char mid[sizeof(((srv *)0)->disk_cache) + 260];
        snprintf(mid, sizeof mid, "%s/%s", kcache, a->d_name);
        DIR *d = opendir(mid);
        for (struct dirent *b; d && rc == 0 && (b = readdir(d));) {
            if (b->d_name[0] == '.') continue;
            if (*n == *cap) {
                const size_t more = *cap ? 2 * *cap : 64;
                program_dir *grown = realloc(*list, more * sizeof *grown);
                if (!grown) {
                    rc = -1;
                    break;
                }
                *list = grown;
                *cap = more;
            }
            program_dir *p = &(*list)[*n];
            if (snprintf(p->path, sizeof p->path, "%s/%s", mid, b->d_name) >= (int)sizeof p->path)
                continue;
            char stamp[sizeof p->path + 16];
            snprintf(stamp, sizeof stamp, "%s/last_accessed", p->path);
            struct stat st;
            if (stat(stamp, &st) && stat(p->path, &st)) continue;
            p->used = (double)st.st_mtim.tv_sec + 1e-9 * (double)st.st_mtim.tv_nsec;
            p->bytes = walk(p->path, 0);
            (*n)++;
        }
        if (d) closedir(d);
    }
    if (top) closedir(top);
    return rc;
}

void srv_disk_cache_init(srv *s)
{
    s->disk_cache[0] = '\0';
    if (getenv("POCL_CACHE_DIR")) return; /* the user's: left as it is */
    if (s->o.disk_cache_mb == 0) {
        setenv("POCL_KERNEL_CACHE", "0", 1);
        return;
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[sizeof s->disk_cache];
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(dir, sizeof dir, "%s/clopt/pocl", xdg);
    else if (home && *home == '/')
        n = snprintf(dir, sizeof dir, "%s/.cache/clopt/pocl", home);
    else
        return;
    if (n >= (int)sizeof dir || make_dirs(dir)) return; /* PoCL's default, then */
    setenv("POCL_CACHE_DIR", dir, 1);
    memcpy(s->disk_cache, dir, sizeof dir);
    srv_disk_cache_trim(s);
}

void srv_disk_cache_trim(srv *s)
{
    if (!s->disk_cache[0]) return;
    program_dir *list = NULL;
    size_t n = 0, cap = 0, total = 0;
    if (list_programs(s->disk_cache, &list, &n, &cap) == 0) {
        for (size_t i = 0; i < n; i++)
            total += list[i].bytes;
        const size_t most = (size_t)s->o.disk_cache_mb << 20;
        const double now = (double)time(NULL);
        if (n) qsort(list, n, sizeof *list, older);
        for (size_t i = 0; i < n && total > most; i++)
            if (now - list[i].used >= RECENT_S) {
                walk(list[i].path, 1);
                total -= list[i].bytes < total ? list[i].bytes : total;
            }
    }
    free(list);
}
