/*
 * tarindex.c - a minimal reader of tar headers (ustar, GNU long names, pax
 * path/size records) that records where each member's data starts.  It never
 * reads member data; every offset and size is checked against the file size.
 * Compressed outer archives are refused with a message saying so.
 */
#include "image/tarindex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS 1000000u
#define MAX_PAX (1u << 20)
#define MAX_NAME 4096u

static int pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* Octal (NUL/space terminated) or GNU base-256 numeric field. */
static int parse_num(const unsigned char *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] != 0x80)
            return -1; /* negative or absurd */
        for (size_t i = 1; i < n; i++) {
            if (v >> 56)
                return -1;
            v = (v << 8) | f[i];
        }
        *out = v;
        return 0;
    }
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 60)
            return -1;
        v = v * 8 + (uint64_t)(f[i] - '0');
    }
    if (i < n && f[i] != 0 && f[i] != ' ')
        return -1;
    *out = v;
    return 0;
}

static int checksum_ok(const unsigned char *h)
{
    uint64_t want;
    if (parse_num(h + 148, 8, &want))
        return 0;
    uint64_t sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

/* pax records "LEN key=value\n"; pick path and size. */
static void parse_pax(const char *p, size_t n, char *path, size_t pathcap, int *have_path,
                      uint64_t *size, int *have_size)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 0, j = i;
        while (j < n && p[j] >= '0' && p[j] <= '9' && len < n)
            len = len * 10 + (size_t)(p[j++] - '0');
        if (j >= n || p[j] != ' ' || len == 0 || len > n - i)
            return;
        const char *kv = p + j + 1, *end = p + i + len - 1; /* end at '\n' */
        const char *eq = memchr(kv, '=', (size_t)(end - kv));
        if (eq) {
            size_t kl = (size_t)(eq - kv), vl = (size_t)(end - eq - 1);
            if (kl == 4 && memcmp(kv, "path", 4) == 0 && vl < pathcap) {
                memcpy(path, eq + 1, vl);
                path[vl] = 0;
                *have_path = 1;
            } else if (kl == 4 && memcmp(kv, "size", 4) == 0) {
                uint64_t v = 0;
                int ok = vl > 0 && vl < 20;
                for (size_t k = 0; ok && k < vl; k++) {
                    char c = eq[1 + k];
                    if (c < '0' || c > '9')
                        ok = 0;
                    else
                        v = v * 10 + (uint64_t)(c - '0');
                }
                if (ok) {
                    *size = v;
                    *have_size = 1;
                }
            }
        }
        i += len;
    }
}

cg_status cg_tarindex_open(cg_tarindex *ti, const char *path, cg_arena *a, cg_error *err)
{
    memset(ti, 0, sizeof *ti);
    ti->fd = -1;
    ti->what = path;
    cg_strmap_init(&ti->by_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    ti->fd = fd;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a regular file", path);
    ti->file_size = (uint64_t)st.st_size;
    unsigned char h[512];
    if (ti->file_size < 512)
        return cg_error_set(err, CG_ERR_INPUT, "%s: too short to be a tar archive (%llu bytes)",
                            path, (unsigned long long)ti->file_size);
    if (pread_full(fd, h, 512, 0))
        return cg_error_set(err, CG_ERR_IO, "%s: read failed", path);
    if ((h[0] == 0x1f && h[1] == 0x8b) || (h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd))
        return cg_error_set(err, CG_ERR_INPUT,
                            "%s: compressed archive; decompress it first (only plain tar archives are read)", path);

    char longname[MAX_NAME + 1];
    int have_long = 0, have_pax_size = 0;
    uint64_t pax_size = 0;
    uint64_t off = 0;
    char *pax = NULL;
    cg_status rc = CG_OK;
    for (;;) {
        if (off + 512 > ti->file_size) {
            /* archives without end-of-archive blocks are accepted at a member boundary */
            if (off == ti->file_size)
                break;
            rc = cg_error_set(err, CG_ERR_INPUT, "%s: truncated tar header at offset %llu", path,
                              (unsigned long long)off);
            break;
        }
        if (pread_full(fd, h, 512, off)) {
            rc = cg_error_set(err, CG_ERR_IO, "%s: read failed at offset %llu", path, (unsigned long long)off);
            break;
        }
        int zero = 1;
        for (int i = 0; i < 512 && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;
        if (!checksum_ok(h)) {
            rc = cg_error_set(err, CG_ERR_INPUT, "%s: not a tar archive or corrupt header at offset %llu",
                              path, (unsigned long long)off);
            break;
        }
        uint64_t size;
        if (parse_num(h + 124, 12, &size)) {
            rc = cg_error_set(err, CG_ERR_INPUT, "%s: bad size field at offset %llu", path, (unsigned long long)off);
            break;
        }
        char type = (char)h[156];
        if (have_pax_size && type != 'x' && type != 'g')
            size = pax_size;
        uint64_t data = off + 512;
        if (size > ti->file_size - data) {
            rc = cg_error_set(err, CG_ERR_INPUT, "%s: member at offset %llu claims %llu bytes, past the end of the file",
                              path, (unsigned long long)off, (unsigned long long)size);
            break;
        }
        uint64_t next = data + ((size + 511) & ~(uint64_t)511);
        if (type == 'x' || type == 'L' || type == 'g') {
            if (size > MAX_PAX) {
                rc = cg_error_set(err, CG_ERR_LIMIT, "%s: extended header of %llu bytes at offset %llu",
                                  path, (unsigned long long)size, (unsigned long long)off);
                break;
            }
            if (type != 'g') {
                pax = realloc(pax, size + 1);
                if (!pax || pread_full(fd, pax, size, data)) {
                    rc = cg_error_set(err, CG_ERR_IO, "%s: cannot read extended header", path);
                    break;
                }
                pax[size] = 0;
                if (type == 'L') {
                    size_t l = strnlen(pax, size);
                    if (l > MAX_NAME)
                        l = MAX_NAME;
                    memcpy(longname, pax, l);
                    longname[l] = 0;
                    have_long = 1;
                } else {
                    parse_pax(pax, size, longname, sizeof longname, &have_long, &pax_size, &have_pax_size);
                }
            }
            off = next;
            continue;
        }
        char name[MAX_NAME + 1];
        if (have_long) {
            memcpy(name, longname, sizeof name);
        } else {
            char nm[101], pf[156];
            memcpy(nm, h, 100);
            nm[100] = 0;
            memcpy(pf, h + 345, 155);
            pf[155] = 0;
            if (memcmp(h + 257, "ustar", 5) == 0 && pf[0])
                snprintf(name, sizeof name, "%s/%s", pf, nm);
            else
                snprintf(name, sizeof name, "%s", nm);
        }
        have_long = have_pax_size = 0;
        char norm[MAX_NAME + 1];
        size_t nl;
        if (cg_path_normalize(name, strlen(name), norm, sizeof norm, &nl) == 0 && nl > 0) {
            if (ti->n >= MAX_MEMBERS) {
                rc = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u members", path, MAX_MEMBERS);
                break;
            }
            cg_tar_member *m = cg_arena_alloc(a, sizeof *m);
            char *kn = m ? cg_arena_strndup(a, norm, nl) : NULL;
            if (!kn || cg_strmap_put(&ti->by_name, kn, nl, m) != CG_OK) {
                rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            m->name = kn;
            m->offset = data;
            m->size = size;
            m->type = type ? type : '0';
            ti->n++;
        }
        off = next;
    }
    free(pax);
    return rc;
}

void cg_tarindex_close(cg_tarindex *ti)
{
    if (ti->fd >= 0)
        close(ti->fd);
    ti->fd = -1;
    cg_strmap_free(&ti->by_name);
}

const cg_tar_member *cg_tarindex_find(const cg_tarindex *ti, const char *name)
{
    char norm[MAX_NAME + 1];
    size_t nl;
    if (cg_path_normalize(name, strlen(name), norm, sizeof norm, &nl) != 0)
        return NULL;
    const cg_tar_member *m = cg_strmap_get(&ti->by_name, norm, nl);
    return m && (m->type == '0' || m->type == '7') ? m : NULL;
}

typedef struct range_blob {
    int fd;
    uint64_t off, left;
} range_blob;

static ssize_t range_read(cg_blob *b, void *buf, size_t n, cg_error *err)
{
    range_blob *r = b->impl;
    if (r->left == 0)
        return 0;
    if (n > r->left)
        n = (size_t)r->left;
    for (;;) {
        ssize_t got = pread(r->fd, buf, n, (off_t)r->off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cg_error_set(err, CG_ERR_IO, "read failed: %s", strerror(errno));
            return -1;
        }
        if (got == 0) {
            cg_error_set(err, CG_ERR_INPUT, "unexpected end of file");
            return -1;
        }
        r->off += (uint64_t)got;
        r->left -= (uint64_t)got;
        return got;
    }
}

static void range_close(cg_blob *b)
{
    free(b->impl);
    b->impl = NULL;
}

cg_status cg_blob_from_range(int fd, uint64_t offset, uint64_t size, cg_blob *out, cg_error *err)
{
    range_blob *r = malloc(sizeof *r);
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    r->fd = fd;
    r->off = offset;
    r->left = size;
    out->read = range_read;
    out->close = range_close;
    out->impl = r;
    return CG_OK;
}

cg_status cg_tarindex_read(const cg_tarindex *ti, const cg_tar_member *m, uint64_t max, cg_buf *buf,
                           cg_error *err)
{
    if (m->size > max)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %llu bytes, over the %llu-byte cap", m->name,
                            (unsigned long long)m->size, (unsigned long long)max);
    cg_buf_reset(buf);
    if (cg_buf_reserve(buf, (size_t)m->size) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (pread_full(ti->fd, buf->data, (size_t)m->size, m->offset))
        return cg_error_set(err, CG_ERR_IO, "%s: read failed", m->name);
    buf->len = (size_t)m->size;
    buf->data[buf->len] = 0;
    return CG_OK;
}
