/*
 * zip.c - the bounded zip reader behind the Java cataloger (see zip.h).
 *
 * Why not libarchive's zip reader: its streaming mode trusts local headers
 * (the JVM and every jar tool use the central directory, so the two can
 * disagree on a crafted file), its seekable mode needs a callback layer of the
 * same size as this file anyway, and neither gives a ratio cap, a shared
 * output budget across nested archives, or a window over a stored inner jar
 * without copying it.  The format parts used (APPNOTE 6.3.x sections 4.3.6 -
 * 4.3.16, 4.5.3) are small; every offset and length read from the archive is
 * checked against the source before use.
 */
#include "catalog/zip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define EOCD_LEN 22u
#define EOCD_SEARCH (EOCD_LEN + 65535u)
#define LOC64_LEN 20u
#define EOCD64_LEN 56u
#define CDH_LEN 46u
#define LFH_LEN 30u
#define IN_CHUNK 16384u

static int fail(int rc, char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(int rc, char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32); }

int cg_zsrc_read(const cg_zsrc *s, uint64_t off, void *buf, size_t n)
{
    if (off > s->len || n > s->len - off)
        return -1;
    if (n == 0)
        return 0;
    if (s->mem) {
        memcpy(buf, s->mem + s->base + off, n);
        return 0;
    }
    uint8_t *p = buf;
    uint64_t at = s->base + off;
    while (n) {
        ssize_t r = pread(s->fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        at += (uint64_t)r;
        n -= (size_t)r;
    }
    return 0;
}

/* The zip64 end record via its locator just before the classic end record at
 * eocd; fills count / size / offset and the record's own position. */
static int read_zip64(const cg_zsrc *s, uint64_t eocd, uint64_t *n, uint64_t *cd_size, uint64_t *cd_off,
                      uint64_t *rec_pos, char *why, size_t wl)
{
    uint8_t loc[LOC64_LEN], rec[EOCD64_LEN];
    if (eocd < LOC64_LEN || cg_zsrc_read(s, eocd - LOC64_LEN, loc, sizeof loc) || memcmp(loc, "PK\6\7", 4))
        return fail(CG_ZIP_BAD, why, wl, "zip64 sizes without a zip64 end-of-directory locator");
    if (le32(loc + 4) != 0 || le32(loc + 16) > 1)
        return fail(CG_ZIP_BAD, why, wl, "multi-volume zip64 archive");
    uint64_t at = le64(loc + 8);
    /* A prefixed archive shifts the stated offset; the record normally sits
     * right before the locator, so look there second. */
    uint64_t cands[2] = {at, eocd - LOC64_LEN >= EOCD64_LEN ? eocd - LOC64_LEN - EOCD64_LEN : UINT64_MAX};
    for (int i = 0; i < 2; i++) {
        if (cands[i] == UINT64_MAX || cg_zsrc_read(s, cands[i], rec, sizeof rec) || memcmp(rec, "PK\6\6", 4))
            continue;
        *n = le64(rec + 32);
        *cd_size = le64(rec + 40);
        *cd_off = le64(rec + 48);
        *rec_pos = cands[i];
        return CG_ZIP_OK;
    }
    return fail(CG_ZIP_BAD, why, wl, "zip64 end-of-directory record not found");
}

int cg_zip_open(cg_zip *z, const cg_zsrc *src, char *why, size_t wl)
{
    memset(z, 0, sizeof *z);
    z->src = *src;
    if (src->len < EOCD_LEN)
        return fail(CG_ZIP_BAD, why, wl, "not a zip archive: %llu bytes", (unsigned long long)src->len);
    size_t tl = src->len < EOCD_SEARCH ? (size_t)src->len : EOCD_SEARCH;
    uint64_t tail_at = src->len - tl;
    uint8_t *tail = malloc(tl);
    if (!tail)
        return CG_ZIP_NOMEM;
    if (cg_zsrc_read(src, tail_at, tail, tl)) {
        free(tail);
        return fail(CG_ZIP_BAD, why, wl, "read error");
    }
    size_t i = tl - EOCD_LEN + 1;
    bool found = false;
    while (i-- > 0) {
        if (tail[i] == 'P' && !memcmp(tail + i, "PK\5\6", 4)) {
            found = true;
            break;
        }
    }
    if (!found) {
        free(tail);
        uint8_t head[4];
        if (!cg_zsrc_read(src, 0, head, sizeof head) && !memcmp(head, "PK\3\4", 4))
            return fail(CG_ZIP_BAD, why, wl, "truncated or corrupt zip archive (no end-of-central-directory record)");
        return fail(CG_ZIP_BAD, why, wl, "not a zip archive (no end-of-central-directory record)");
    }
    const uint8_t *e = tail + i;
    uint64_t eocd = tail_at + i;
    uint16_t disk = le16(e + 4), cd_disk = le16(e + 6);
    uint64_t n = le16(e + 10), cd_size = le32(e + 12), cd_off = le32(e + 16);
    free(tail);
    uint64_t end_of_cd = eocd; /* where the directory must end */
    if (n == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
        int rc = read_zip64(src, eocd, &n, &cd_size, &cd_off, &end_of_cd, why, wl);
        if (rc)
            return rc;
    } else if (disk != 0 || cd_disk != 0) {
        return fail(CG_ZIP_BAD, why, wl, "multi-volume archive");
    }
    if (cd_size > CG_ZIP_CD_MAX)
        return fail(CG_ZIP_LIMIT, why, wl, "central directory of %llu bytes, over the %u-byte cap",
                    (unsigned long long)cd_size, CG_ZIP_CD_MAX);
    if (n > CG_ZIP_ENTRIES_MAX)
        return fail(CG_ZIP_LIMIT, why, wl, "%llu entries, over the cap of %u", (unsigned long long)n,
                    CG_ZIP_ENTRIES_MAX);
    if (cd_off > end_of_cd || cd_size > end_of_cd - cd_off)
        return fail(CG_ZIP_BAD, why, wl, "central directory outside the archive (truncated?)");
    /* Bytes before the archive (a launcher script) shift every offset. */
    z->shift = end_of_cd - cd_off - cd_size;
    z->n_entries = n;
    z->cd_len = (size_t)cd_size;
    z->cd = malloc(z->cd_len ? z->cd_len : 1);
    if (!z->cd)
        return CG_ZIP_NOMEM;
    if (cg_zsrc_read(src, cd_off + z->shift, z->cd, z->cd_len))
        return fail(CG_ZIP_BAD, why, wl, "central directory unreadable");
    return CG_ZIP_OK;
}

void cg_zip_close(cg_zip *z)
{
    free(z->cd);
    z->cd = NULL;
}

int cg_zip_next(cg_zip *z, cg_zip_entry *e, char *why, size_t wl)
{
    if (z->pos >= z->cd_len)
        return 0;
    if (z->seen >= CG_ZIP_ENTRIES_MAX)
        return fail(CG_ZIP_LIMIT, why, wl, "more than %u entries", CG_ZIP_ENTRIES_MAX);
    const uint8_t *p = z->cd + z->pos;
    size_t left = z->cd_len - z->pos;
    if (left < CDH_LEN || memcmp(p, "PK\1\2", 4)) {
        /* Some writers leave padding; a directory that has delivered what the
         * end record promised is complete. */
        if (z->seen >= z->n_entries)
            return 0;
        return fail(CG_ZIP_BAD, why, wl, "central directory entry %llu is corrupt",
                    (unsigned long long)z->seen + 1);
    }
    size_t nl = le16(p + 28), xl = le16(p + 30), cl = le16(p + 32);
    if (CDH_LEN + nl + xl + cl > left)
        return fail(CG_ZIP_BAD, why, wl, "central directory entry %llu runs past the directory",
                    (unsigned long long)z->seen + 1);
    memset(e, 0, sizeof *e);
    e->flags = le16(p + 8);
    e->method = le16(p + 10);
    e->crc = le32(p + 16);
    e->csize = le32(p + 20);
    e->usize = le32(p + 24);
    e->lho = le32(p + 42);
    e->name = (const char *)p + CDH_LEN;
    e->name_len = nl;
    /* zip64 extended information: only the fields that are saturated, in order */
    const uint8_t *x = p + CDH_LEN + nl, *xe = x + xl;
    while (xe - x >= 4) {
        uint16_t id = le16(x), sz = le16(x + 2);
        if ((size_t)(xe - x - 4) < sz)
            break;
        if (id == 0x0001) {
            const uint8_t *q = x + 4, *qe = q + sz;
            if (e->usize == 0xFFFFFFFFu && qe - q >= 8) {
                e->usize = le64(q);
                q += 8;
            }
            if (e->csize == 0xFFFFFFFFu && qe - q >= 8) {
                e->csize = le64(q);
                q += 8;
            }
            if (e->lho == 0xFFFFFFFFu && qe - q >= 8)
                e->lho = le64(q);
        }
        x += 4 + sz;
    }
    e->lho += z->shift;
    z->pos += CDH_LEN + nl + xl + cl;
    z->seen++;
    return 1;
}

int cg_zip_data(const cg_zip *z, const cg_zip_entry *e, cg_zsrc *out, char *why, size_t wl)
{
    uint8_t h[LFH_LEN];
    if (e->lho > z->src.len || cg_zsrc_read(&z->src, e->lho, h, sizeof h))
        return fail(CG_ZIP_BAD, why, wl, "local header past the end of the archive (truncated?)");
    if (memcmp(h, "PK\3\4", 4))
        return fail(CG_ZIP_BAD, why, wl, "bad local header signature");
    uint64_t at = e->lho + LFH_LEN + le16(h + 26) + le16(h + 28);
    if (at > z->src.len || e->csize > z->src.len - at)
        return fail(CG_ZIP_BAD, why, wl, "entry data past the end of the archive (truncated?)");
    *out = (cg_zsrc){z->src.mem, z->src.fd, z->src.base + at, e->csize};
    return CG_ZIP_OK;
}

static int inflate_into(const cg_zsrc *in, uint8_t *out, size_t want, size_t *got, char *why, size_t wl)
{
    if (want > (size_t)UINT32_MAX)
        return fail(CG_ZIP_LIMIT, why, wl, "entry too large");
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
        return CG_ZIP_NOMEM;
    uint8_t buf[IN_CHUNK], spare[1];
    uint64_t off = 0;
    int rc = CG_ZIP_OK, zr = Z_OK;
    bool in_spare = false;
    zs.next_out = out;
    zs.avail_out = (uInt)want;
    while (zr != Z_STREAM_END) {
        if (zs.avail_in == 0) {
            size_t n = in->len - off < IN_CHUNK ? (size_t)(in->len - off) : IN_CHUNK;
            if (n == 0) {
                rc = fail(CG_ZIP_BAD, why, wl, "deflate stream truncated");
                break;
            }
            if (cg_zsrc_read(in, off, buf, n)) {
                rc = fail(CG_ZIP_BAD, why, wl, "read error");
                break;
            }
            off += n;
            zs.next_in = buf;
            zs.avail_in = (uInt)n;
        }
        if (zs.avail_out == 0 && !in_spare) { /* full: one byte more means the size lied */
            in_spare = true;
            zs.next_out = spare;
            zs.avail_out = 1;
        }
        zr = inflate(&zs, Z_NO_FLUSH);
        if (in_spare && zs.avail_out == 0) {
            rc = fail(CG_ZIP_BAD, why, wl, "inflates to more than its declared %zu bytes", want);
            break;
        }
        if (zr == Z_MEM_ERROR) {
            rc = CG_ZIP_NOMEM;
            break;
        }
        if (zr != Z_OK && zr != Z_STREAM_END && !(zr == Z_BUF_ERROR && zs.avail_in == 0)) {
            rc = fail(CG_ZIP_BAD, why, wl, "corrupt deflate data (%s)", zs.msg ? zs.msg : "error");
            break;
        }
    }
    *got = in_spare ? want : want - zs.avail_out;
    inflateEnd(&zs);
    return rc;
}

int cg_zip_extract(const cg_zip *z, const cg_zip_entry *e, const cg_zip_caps *caps, uint8_t **out,
                   size_t *out_len, char *why, size_t wl)
{
    *out = NULL;
    *out_len = 0;
    if (e->flags & 1u)
        return fail(CG_ZIP_BAD, why, wl, "encrypted entry");
    if (e->method != 0 && e->method != 8)
        return fail(CG_ZIP_BAD, why, wl, "unsupported compression method %u", e->method);
    if (e->method == 0 && e->csize != e->usize)
        return fail(CG_ZIP_BAD, why, wl, "stored entry with differing sizes");
    if (e->method == 8 && caps->max_ratio && e->usize > caps->ratio_floor &&
        e->usize / (e->csize ? e->csize : 1) > caps->max_ratio)
        return fail(CG_ZIP_LIMIT, why, wl, "compression ratio %llu:1, over the %u:1 cap (zip bomb?)",
                    (unsigned long long)(e->usize / (e->csize ? e->csize : 1)), caps->max_ratio);
    if (e->usize > caps->max_out)
        return fail(CG_ZIP_LIMIT, why, wl, "%llu bytes uncompressed, over the %llu-byte cap",
                    (unsigned long long)e->usize, (unsigned long long)caps->max_out);
    if (caps->budget && e->usize > *caps->budget)
        return fail(CG_ZIP_LIMIT, why, wl, "the cap on bytes inflated per archive is reached");
    cg_zsrc data;
    int rc = cg_zip_data(z, e, &data, why, wl);
    if (rc)
        return rc;
    size_t n = (size_t)e->usize;
    uint8_t *buf = malloc(n + 1);
    if (!buf)
        return CG_ZIP_NOMEM;
    size_t got = 0;
    if (e->method == 0) {
        rc = cg_zsrc_read(&data, 0, buf, n) ? fail(CG_ZIP_BAD, why, wl, "read error") : CG_ZIP_OK;
        got = n;
    } else {
        rc = inflate_into(&data, buf, n, &got, why, wl);
        if (rc == CG_ZIP_OK && got != n)
            rc = fail(CG_ZIP_BAD, why, wl, "inflated to %zu bytes, declared %zu", got, n);
    }
    if (rc == CG_ZIP_OK) {
        uLong c = crc32(0L, Z_NULL, 0);
        size_t done = 0;
        while (done < got) { /* crc32 takes uInt lengths */
            size_t k = got - done > (1u << 30) ? (1u << 30) : got - done;
            c = crc32(c, buf + done, (uInt)k);
            done += k;
        }
        if ((uint32_t)c != e->crc)
            rc = fail(CG_ZIP_BAD, why, wl, "CRC-32 mismatch");
    }
    if (rc) {
        free(buf);
        return rc;
    }
    if (caps->budget)
        *caps->budget -= got;
    buf[got] = 0;
    *out = buf;
    *out_len = got;
    return CG_ZIP_OK;
}
