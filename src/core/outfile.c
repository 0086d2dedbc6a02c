/*
 * outfile.c - atomic output: mkstemp beside the target, write, fsync, rename.
 * On any failure the temporary file is removed, so the target is either the
 * complete new content or untouched.
 */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static cg_status write_all(int fd, const void *data, size_t len, const char *path, cg_error *err)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return cg_error_set(err, CG_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return CG_OK;
}

cg_status cg_write_output(const char *path, const void *data, size_t len, cg_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return cg_error_set(err, CG_ERR_IO, "%s: is a directory", path);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        cg_status s = write_all(fd, data, len, path, err);
        if (close(fd) != 0 && s == CG_OK)
            s = cg_error_set(err, CG_ERR_IO, "%s: close failed: %s", path, strerror(errno));
        return s;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cg_status s = cg_error_set(err, CG_ERR_IO, "%s: cannot create output: %s", path, strerror(errno));
        free(tmp);
        return s;
    }
    cg_status s = write_all(fd, data, len, path, err);
    if (s == CG_OK && fchmod(fd, 0644) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: chmod failed: %s", path, strerror(errno));
    if (s == CG_OK && fsync(fd) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: fsync failed: %s", path, strerror(errno));
    if (close(fd) != 0 && s == CG_OK)
        s = cg_error_set(err, CG_ERR_IO, "%s: close failed: %s", path, strerror(errno));
    if (s == CG_OK && rename(tmp, path) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: rename failed: %s", path, strerror(errno));
    if (s != CG_OK)
        unlink(tmp);
    free(tmp);
    return s;
}

cg_status cg_outstream_open(cg_outstream *o, const char *path, cg_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = path && strcmp(path, "-") ? path : "standard output";
    if (!path || !strcmp(path, "-")) {
        o->fd = STDOUT_FILENO;
        o->direct = 1;
        return CG_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return cg_error_set(err, CG_ERR_IO, "%s: is a directory", path);
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        o->direct = 1;
        return CG_OK;
    }
    size_t plen = strlen(path);
    o->tmp = malloc(plen + 16);
    if (!o->tmp)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    snprintf(o->tmp, plen + 16, "%s.tmp.XXXXXX", path);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        cg_status s = cg_error_set(err, CG_ERR_IO, "%s: cannot create output: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return s;
    }
    return CG_OK;
}

cg_status cg_outstream_write(void *ud, const void *data, size_t len, cg_error *err)
{
    cg_outstream *o = ud;
    if (o->fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: not open", o->path);
    if (o->direct && o->fd == STDOUT_FILENO && fflush(stdout) != 0)
        return cg_error_set(err, CG_ERR_IO, "writing to standard output failed: %s", strerror(errno));
    return write_all(o->fd, data, len, o->path, err);
}

cg_status cg_outstream_commit(cg_outstream *o, cg_error *err)
{
    cg_status s = CG_OK;
    if (o->direct) {
        if (o->fd != STDOUT_FILENO && close(o->fd) != 0)
            s = cg_error_set(err, CG_ERR_IO, "%s: close failed: %s", o->path, strerror(errno));
        o->fd = -1;
        return s;
    }
    if (fchmod(o->fd, 0644) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: chmod failed: %s", o->path, strerror(errno));
    if (s == CG_OK && fsync(o->fd) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: fsync failed: %s", o->path, strerror(errno));
    if (close(o->fd) != 0 && s == CG_OK)
        s = cg_error_set(err, CG_ERR_IO, "%s: close failed: %s", o->path, strerror(errno));
    o->fd = -1;
    if (s == CG_OK && rename(o->tmp, o->path) != 0)
        s = cg_error_set(err, CG_ERR_IO, "%s: rename failed: %s", o->path, strerror(errno));
    if (s != CG_OK)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return s;
}

void cg_outstream_abort(cg_outstream *o)
{
    if (o->fd >= 0 && o->fd != STDOUT_FILENO)
        close(o->fd);
    o->fd = -1;
    if (o->tmp) {
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
}
