/*
 * rpm_ndb.c - rpm's NDB package database (Packages.db, SUSE), read-only.
 *
 * Layout (rpm lib/backend/ndb/rpmpkg.c; all integers little-endian): the
 * file starts with slot pages of 4096 bytes.  The first 32 bytes are the
 * header - magic "RpmP", version 0, generation, number of slot pages, next
 * package index - and the rest of the slot pages are 16-byte slots: magic
 * "Slot", package index (0 = free), block offset and block count, in 16-byte
 * blocks.  A package's blob starts at block offset * 16 with a 16-byte head
 * (magic "BlbS", package index, generation, blob length) followed by the
 * header blob; the blob must fit in its blocks.  A bad slot or blob costs
 * that package (one warning per file, with a count); the file is only
 * abandoned when its header is unusable.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm_internal.h"

#define NDB_PAGE 4096u
#define NDB_SLOT 16u
#define NDB_BLK 16u
#define NDB_HEAD 16u
#define NDB_TAIL 12u
#define NDB_SLOT_PAGES_MAX 65536u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool rpm_ndb_magic(const uint8_t *h, size_t n) { return n >= 4 && !memcmp(h, "RpmP", 4); }

cg_status rpm_ndb_read(cg_cat_ctx *ctx, const char *path, const rpm_src *src, rpm_blob_fn fn, void *ud)
{
    uint8_t hdr[32];
    if (!rpm_src_read(src, 0, hdr, sizeof hdr) || le32(hdr) != le32((const uint8_t *)"RpmP")) {
        cg_cat_warn(ctx, "/%s: NDB header truncated", path);
        return CG_OK;
    }
    uint32_t version = le32(hdr + 4), npages = le32(hdr + 12);
    if (version != 0) {
        cg_cat_warn(ctx, "/%s: NDB version %u not supported", path, version);
        return CG_OK;
    }
    if (npages == 0 || npages > NDB_SLOT_PAGES_MAX || (uint64_t)npages * NDB_PAGE > src->len) {
        cg_cat_warn(ctx, "/%s: NDB slot page count %u does not fit the file", path, npages);
        return CG_OK;
    }
    uint8_t *page = malloc(NDB_PAGE);
    if (!page)
        return CG_ERR_NOMEM;
    size_t bad_slots = 0, bad_blobs = 0;
    uint8_t *blob = NULL;
    size_t blob_cap = 0;
    cg_status st = CG_OK;
    bool stop = false;
    for (uint32_t pg = 0; pg < npages && !stop; pg++) {
        if (!rpm_src_read(src, (uint64_t)pg * NDB_PAGE, page, NDB_PAGE)) {
            bad_slots++;
            break;
        }
        for (uint32_t s = pg == 0 ? 32 / NDB_SLOT : 0; s < NDB_PAGE / NDB_SLOT && !stop; s++) {
            const uint8_t *sl = page + s * NDB_SLOT;
            uint32_t magic = le32(sl), idx = le32(sl + 4), blkoff = le32(sl + 8), blkcnt = le32(sl + 12);
            if (magic != le32((const uint8_t *)"Slot")) {
                bad_slots++;
                continue;
            }
            if (idx == 0) /* free slot */
                continue;
            uint64_t off = (uint64_t)blkoff * NDB_BLK, room = (uint64_t)blkcnt * NDB_BLK;
            uint8_t bh[NDB_HEAD];
            if (blkcnt == 0 || off < (uint64_t)npages * NDB_PAGE || room > src->len || off > src->len - room ||
                room < NDB_HEAD + NDB_TAIL || !rpm_src_read(src, off, bh, sizeof bh) ||
                le32(bh) != le32((const uint8_t *)"BlbS") || le32(bh + 4) != idx) {
                bad_blobs++;
                continue;
            }
            uint32_t blen = le32(bh + 12);
            if (blen == 0 || blen > RPM_BLOB_MAX || (uint64_t)blen > room - NDB_HEAD - NDB_TAIL) {
                bad_blobs++;
                continue;
            }
            if (blen > blob_cap) {
                uint8_t *nb = realloc(blob, blen);
                if (!nb) {
                    st = CG_ERR_NOMEM;
                    break;
                }
                blob = nb;
                blob_cap = blen;
            }
            if (!rpm_src_read(src, off + NDB_HEAD, blob, blen)) {
                bad_blobs++;
                continue;
            }
            if (!fn(ud, blob, blen, idx))
                stop = true;
        }
        if (st != CG_OK)
            break;
    }
    free(page);
    free(blob);
    if (st == CG_OK && bad_slots)
        cg_cat_warn(ctx, "/%s: %zu damaged NDB slot(s) skipped", path, bad_slots);
    if (st == CG_OK && bad_blobs)
        cg_cat_warn(ctx, "/%s: %zu NDB package blob(s) out of range or damaged, skipped", path, bad_blobs);
    return st;
}
