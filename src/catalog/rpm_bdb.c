/*
 * rpm_bdb.c - rpm's Berkeley DB hash database (var/lib/rpm/Packages), read
 * without libdb.
 *
 * Layout (libdb dbinc/db_page.h and hash.h): page 0 is the hash metadata
 * page - magic 0x061561 at offset 12 (in the byte order of the machine that
 * wrote it, which also gives every other integer's order), page size at 20,
 * page type 8 at 25, last page number at 32.  Every page starts with a
 * 26-byte header: page number (8), prev (12), next (16), entry count (20),
 * high free offset (22), level (24), type (25).  Hash pages (type 13, or 2
 * for old unsorted ones) hold `entries` 2-byte item offsets after the
 * header, alternating key and data.  An rpm header is a data item of type
 * H_OFFPAGE (3): page number and total length of an overflow chain; each
 * overflow page (type 7) holds OV_LEN (the high free offset field) bytes
 * after its header and links to the next.  Small data can also sit on the
 * page itself (H_KEYDATA, 1).  Key 0 is rpm's instance counter, not a header.
 *
 * The hash pages are visited in file order (no bucket walk, so no cycle is
 * possible there); each overflow chain is followed with a per-chain visited
 * mark, so a page loop is detected on its first repeat, and its length must
 * add up to exactly the item's recorded length.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm_internal.h"

#define BDB_HASH_MAGIC 0x061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13
#define H_KEYDATA 1
#define H_OFFPAGE 3
#define PG_HDR 26u

typedef struct bdb {
    cg_cat_ctx *ctx;
    const char *path;
    const rpm_src *src;
    bool swap; /* integers are big-endian */
    uint32_t psize, npages;
    uint8_t *ovpage;  /* scratch for overflow pages */
    uint32_t *seen;   /* per page: the chain that last visited it */
    uint32_t chain;
    uint8_t *blob;
    size_t blob_cap;
    size_t loops, bad;
} bdb;

static uint32_t rd32(const bdb *db, const uint8_t *p)
{
    if (db->swap)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const bdb *db, const uint8_t *p)
{
    unsigned v = db->swap ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
    return (uint16_t)v;
}

bool rpm_bdb_magic(const uint8_t *h, size_t n)
{
    if (n < 16)
        return false;
    uint32_t le = (uint32_t)h[12] | (uint32_t)h[13] << 8 | (uint32_t)h[14] << 16 | (uint32_t)h[15] << 24;
    uint32_t be = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
    return le == BDB_HASH_MAGIC || be == BDB_HASH_MAGIC;
}

static bool read_page(const bdb *db, uint32_t pgno, uint8_t *buf)
{
    return pgno < db->npages && rpm_src_read(db->src, (uint64_t)pgno * db->psize, buf, db->psize);
}

/* Assemble the overflow chain starting at pgno, tlen bytes, into db->blob.
 * 1 ok, 0 damaged (counted), -1 out of memory. */
static int read_chain(bdb *db, uint32_t pgno, uint32_t tlen)
{
    if (tlen == 0 || tlen > RPM_BLOB_MAX || tlen > (uint64_t)db->npages * (db->psize - PG_HDR)) {
        db->bad++;
        return 0;
    }
    if (tlen > db->blob_cap) {
        uint8_t *nb = realloc(db->blob, tlen);
        if (!nb)
            return -1;
        db->blob = nb;
        db->blob_cap = tlen;
    }
    db->chain++;
    size_t got = 0;
    while (got < tlen) {
        if (pgno == 0 || pgno >= db->npages) {
            db->bad++;
            return 0;
        }
        if (db->seen[pgno] == db->chain) {
            db->loops++;
            return 0;
        }
        db->seen[pgno] = db->chain;
        if (!read_page(db, pgno, db->ovpage) || db->ovpage[25] != P_OVERFLOW) {
            db->bad++;
            return 0;
        }
        uint32_t n = rd16(db, db->ovpage + 22); /* OV_LEN */
        if (n == 0 || n > db->psize - PG_HDR || n > tlen - got) {
            db->bad++;
            return 0;
        }
        memcpy(db->blob + got, db->ovpage + PG_HDR, n);
        got += n;
        pgno = rd32(db, db->ovpage + 16);
    }
    return 1;
}

static bool key_is_zero(const bdb *db, const uint8_t *page, uint16_t koff, uint32_t klen)
{
    (void)db;
    if (page[koff] != H_KEYDATA || klen != 4)
        return false;
    return !memcmp(page + koff + 1, "\0\0\0\0", 4);
}

cg_status rpm_bdb_read(cg_cat_ctx *ctx, const char *path, const rpm_src *src, rpm_blob_fn fn, void *ud)
{
    uint8_t meta[512];
    if (!rpm_src_read(src, 0, meta, sizeof meta)) {
        cg_cat_warn(ctx, "/%s: Berkeley DB metadata page truncated", path);
        return CG_OK;
    }
    bdb db = {.ctx = ctx, .path = path, .src = src};
    db.swap = !(meta[12] == 0x61 && meta[13] == 0x15 && meta[14] == 0x06 && meta[15] == 0);
    db.psize = rd32(&db, meta + 20);
    uint32_t last = rd32(&db, meta + 32);
    if (meta[25] != P_HASHMETA || db.psize < 512 || db.psize > 65536 || (db.psize & (db.psize - 1))) {
        cg_cat_warn(ctx, "/%s: not a Berkeley DB hash database (page type %u, page size %u)", path, meta[25],
                    db.psize);
        return CG_OK;
    }
    uint64_t have = src->len / db.psize;
    if ((uint64_t)last + 1 > have) {
        cg_cat_warn(ctx, "/%s: Berkeley DB truncated: %llu page(s), metadata says %llu", path,
                    (unsigned long long)have, (unsigned long long)last + 1);
        if (have == 0)
            return CG_OK;
        last = (uint32_t)(have - 1);
    }
    db.npages = last + 1;
    uint8_t *page = malloc(db.psize);
    db.ovpage = malloc(db.psize);
    db.seen = calloc(db.npages, sizeof *db.seen);
    cg_status st = (page && db.ovpage && db.seen) ? CG_OK : CG_ERR_NOMEM;
    size_t unsupported = 0;
    bool stop = false;
    for (uint32_t pg = 1; pg < db.npages && st == CG_OK && !stop; pg++) {
        if (!read_page(&db, pg, page)) {
            db.bad++;
            break;
        }
        if (page[25] != P_HASH && page[25] != P_HASH_UNSORTED)
            continue;
        uint32_t entries = rd16(&db, page + 20);
        if (entries % 2 || PG_HDR + (size_t)entries * 2 > db.psize) {
            db.bad++;
            continue;
        }
        for (uint32_t i = 0; i + 1 < entries && !stop; i += 2) {
            uint16_t koff = rd16(&db, page + PG_HDR + i * 2), doff = rd16(&db, page + PG_HDR + (i + 1) * 2);
            /* items grow down from the end: item i ends where item i-1 starts */
            uint32_t kend = i == 0 ? db.psize : rd16(&db, page + PG_HDR + (i - 1) * 2);
            uint32_t dend = koff;
            if (koff < PG_HDR || koff >= kend || kend > db.psize || doff < PG_HDR || doff >= dend) {
                db.bad++;
                continue;
            }
            uint32_t dlen = dend - doff;
            const uint8_t *item = page + doff;
            int got;
            const uint8_t *blob;
            size_t blen;
            if (item[0] == H_OFFPAGE && dlen >= 12) {
                got = read_chain(&db, rd32(&db, item + 4), rd32(&db, item + 8));
                blob = db.blob;
                blen = rd32(&db, item + 8);
            } else if (item[0] == H_KEYDATA) {
                if (key_is_zero(&db, page, koff, kend - koff - 1))
                    continue; /* rpm's header instance counter */
                got = 1;
                blob = item + 1;
                blen = dlen - 1;
            } else {
                unsupported++;
                continue;
            }
            if (got < 0) {
                st = CG_ERR_NOMEM;
                break;
            }
            if (got == 0)
                continue;
            uint32_t id = page[koff] == H_KEYDATA && kend - koff - 1 == 4 ? rd32(&db, page + koff + 1) : 0;
            if (!fn(ud, blob, blen, id))
                stop = true;
        }
    }
    free(page);
    free(db.ovpage);
    free(db.seen);
    free(db.blob);
    if (st == CG_OK && db.loops)
        cg_cat_warn(ctx, "/%s: %zu Berkeley DB overflow chain(s) loop back on themselves, skipped", path, db.loops);
    if (st == CG_OK && db.bad)
        cg_cat_warn(ctx, "/%s: %zu damaged Berkeley DB page item(s) or overflow chain(s) skipped", path, db.bad);
    if (st == CG_OK && unsupported)
        cg_cat_warn(ctx, "/%s: %zu Berkeley DB item(s) of an unsupported type (duplicates) skipped", path,
                    unsupported);
    return st;
}
