/*
 * store.c - directory and tar backends of cg_store.  Directory access goes
 * through openat() below the layout's directory and refuses paths with ".."
 * or a leading "/", so names taken from an index can never leave the layout.
 */
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/digest.h"

cg_status cg_store_open_dir(cg_store *s, const char *dir, cg_error *err)
{
    memset(s, 0, sizeof *s);
    s->tar.fd = -1;
    s->what = dir;
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    return CG_OK;
}

cg_status cg_store_open_tar(cg_store *s, const char *path, cg_arena *a, cg_error *err)
{
    memset(s, 0, sizeof *s);
    s->dirfd = -1;
    s->what = path;
    return cg_tarindex_open(&s->tar, path, a, err);
}

void cg_store_close(cg_store *s)
{
    if (s->dirfd >= 0)
        close(s->dirfd);
    s->dirfd = -1;
    cg_tarindex_close(&s->tar);
}

static int safe_rel(const char *rel)
{
    char tmp[4096];
    size_t n;
    return cg_path_normalize(rel, strlen(rel), tmp, sizeof tmp, &n) == 0 && n > 0;
}

static int open_rel(cg_store *s, const char *rel, uint64_t *size)
{
    if (!safe_rel(rel)) {
        errno = EINVAL;
        return -1;
    }
    int fd = openat(s->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

bool cg_store_exists(cg_store *s, const char *rel)
{
    if (s->dirfd >= 0) {
        uint64_t sz;
        int fd = open_rel(s, rel, &sz);
        if (fd < 0)
            return false;
        close(fd);
        return true;
    }
    return cg_tarindex_find(&s->tar, rel) != NULL;
}

static ssize_t fd_read(cg_blob *b, void *buf, size_t n, cg_error *err)
{
    int fd = (int)(intptr_t)b->impl;
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            cg_error_set(err, CG_ERR_IO, "read failed: %s", strerror(errno));
        return r;
    }
}

static void fd_close(cg_blob *b)
{
    close((int)(intptr_t)b->impl);
}

cg_status cg_store_open(cg_store *s, const char *rel, uint64_t *size, cg_blob *out, cg_error *err)
{
    if (s->dirfd >= 0) {
        int fd = open_rel(s, rel, size);
        if (fd < 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: %s: %s", s->what, rel, strerror(errno));
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        out->read = fd_read;
        out->close = fd_close;
        out->impl = (void *)(intptr_t)fd;
        return CG_OK;
    }
    const cg_tar_member *m = cg_tarindex_find(&s->tar, rel);
    if (!m)
        return cg_error_set(err, CG_ERR_INPUT, "%s: %s: not in the archive", s->what, rel);
    *size = m->size;
    return cg_blob_from_range(s->tar.fd, m->offset, m->size, out, err);
}

cg_status cg_store_read(cg_store *s, const char *rel, uint64_t max, cg_buf *out, cg_error *err)
{
    uint64_t size;
    cg_blob b;
    cg_status st = cg_store_open(s, rel, &size, &b, err);
    if (st != CG_OK)
        return st;
    if (size > max) {
        b.close(&b);
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %s is %llu bytes, over the %llu-byte cap", s->what, rel,
                            (unsigned long long)size, (unsigned long long)max);
    }
    cg_buf_reset(out);
    st = cg_buf_reserve(out, (size_t)size);
    while (st == CG_OK && out->len < size) {
        ssize_t r = b.read(&b, out->data + out->len, (size_t)size - out->len, err);
        if (r < 0) {
            st = cg_error_prefix(err, "%s: %s", s->what, rel);
            break;
        }
        if (r == 0) {
            st = cg_error_set(err, CG_ERR_INPUT, "%s: %s: shorter than expected", s->what, rel);
            break;
        }
        out->len += (size_t)r;
    }
    if (st == CG_OK)
        out->data[out->len] = 0;
    else if (st == CG_ERR_NOMEM)
        cg_error_set(err, st, "out of memory");
    b.close(&b);
    return st;
}

const char *cg_store_blob_path(cg_arena *a, const char *digest)
{
    if (!cg_digest_valid(digest))
        return NULL;
    return cg_arena_sprintf(a, "blobs/sha256/%s", digest + 7);
}
