/*
 * mapfile.c - read-only mappings of large inputs, released page by page as
 * a reader sweeps through them (see mapfile.h).
 */
#include "core/mapfile.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/readfile.h"

#define RELEASE_STEP (1u << 20) /* drop pages a MiB at a time */

cg_status cg_mapfile_open(cg_mapfile *m, const char *path, size_t max, const char *what, cg_error *err)
{
    memset(m, 0, sizeof *m);
    struct stat st;
    int fd = path && strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= max) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            m->map = p;
            m->data = p;
            m->len = (size_t)st.st_size;
            return CG_OK;
        }
    }
    if (fd >= 0)
        close(fd);
    cg_status s = cg_read_file(path, max, what, &m->buf, err);
    if (s != CG_OK)
        return s;
    m->data = (const uint8_t *)m->buf.data; /* NULL when empty, as cg_read_file leaves it */
    m->len = m->buf.len;
    return CG_OK;
}

void cg_mapfile_release(void *ud, size_t upto)
{
    cg_mapfile *m = ud;
    if (!m->map)
        return;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    if (upto > m->len)
        upto = m->len;
    size_t end = upto & ~(pg - 1);
    if (end < m->mark) { /* a new sweep from further back */
        m->mark = end;
        return;
    }
    if (end - m->mark < RELEASE_STEP)
        return;
    madvise((uint8_t *)m->map + m->mark, end - m->mark, MADV_DONTNEED);
    m->mark = end;
}

void cg_mapfile_close(cg_mapfile *m)
{
    if (m->map)
        munmap(m->map, m->len);
    cg_buf_free(&m->buf);
    memset(m, 0, sizeof *m);
}
