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
