/*
 * readfile.c - see readfile.h.
 */
#include "core/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cg_status cg_read_file(const char *path, size_t max, const char *what, cg_buf *b, cg_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* " SBOM" in "over the N-byte SBOM cap"; nothing when what is NULL */
    const char *sp = what ? " " : "", *kind = what ? what : "";
    struct stat st;
    cg_status rc = CG_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = cg_error_set(err, CG_ERR_INPUT, "%s: not a regular file", path);
    else if ((uint64_t)st.st_size > max)
        rc = cg_error_set(err, CG_ERR_LIMIT, "%s: %lld bytes, over the %zu-byte%s%s cap", path,
                          (long long)st.st_size, max, sp, kind);
    char chunk[65536];
    while (rc == CG_OK) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = cg_error_set(err, CG_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        else if (n == 0)
            break;
        else if (b->len + (size_t)n > max)
            rc = cg_error_set(err, CG_ERR_LIMIT, "%s: over the %zu-byte%s%s cap", path, max, sp, kind);
        else if (cg_buf_append(b, chunk, (size_t)n) != CG_OK)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    close(fd);
    return rc;
}
