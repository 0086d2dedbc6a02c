/*
 * rpm_header.c - one RPM header blob -> rpm_rec.
 *
 * The blob as an rpmdb stores it (rpm's headerExport: no lead, no 8-byte
 * header magic): big-endian int32 index count `il` and data length `dl`,
 * `il` 16-byte index entries (tag, type, offset, count), then `dl` bytes of
 * data store.  Every entry is checked against the data store before any is
 * used - an entry whose data lies past the end makes the whole header bad,
 * as rpm's own header verification does - and the strings cgate keeps are
 * copied into the arena, so the blob need not outlive the call.  A tag that
 * occurs twice (a "dribble" entry after the immutable region) takes the last
 * occurrence, which is the one rpm reads.
 */
#include <stdio.h>
#include <string.h>

#include "catalog/rpm_internal.h"

#define IL_MAX 0xffffu /* rpm: more index entries than this is not a header */
#define ID_MAX 512u    /* NAME, VERSION, RELEASE, ARCH */
#define TEXT_MAX 4096u /* LICENSE, VENDOR, SUMMARY, SOURCERPM */

enum { T_NULL, T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY, T_I18N };

enum { K_NAME, K_VERSION, K_RELEASE, K_EPOCH, K_SUMMARY, K_VENDOR, K_LICENSE, K_ARCH, K_OLDFILENAMES,
       K_SOURCERPM, K_PROVIDENAME, K_REQUIRENAME, K_DIRINDEXES, K_BASENAMES, K_DIRNAMES, K_N };

static int key_of(uint32_t tag)
{
    switch (tag) {
    case 1000: return K_NAME;
    case 1001: return K_VERSION;
    case 1002: return K_RELEASE;
    case 1003: return K_EPOCH;
    case 1004: return K_SUMMARY;
    case 1011: return K_VENDOR;
    case 1014: return K_LICENSE;
    case 1022: return K_ARCH;
    case 1027: return K_OLDFILENAMES;
    case 1044: return K_SOURCERPM;
    case 1047: return K_PROVIDENAME;
    case 1049: return K_REQUIRENAME;
    case 1116: return K_DIRINDEXES;
    case 1117: return K_BASENAMES;
    case 1118: return K_DIRNAMES;
    default: return -1;
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct ent {
    uint32_t type, off, count;
    bool set;
} ent;

static const size_t type_size[] = {0, 1, 1, 2, 4, 8, 0, 1, 0, 0};

/* Length of the NUL-terminated string at data[off], or -1 when it runs past dl. */
static long str_at(const uint8_t *data, size_t dl, size_t off)
{
    if (off >= dl)
        return -1;
    const uint8_t *z = memchr(data + off, 0, dl - off);
    return z ? (long)(z - (data + off)) : -1;
}

static bool clean_id(const uint8_t *s, size_t n)
{
    if (n == 0 || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

/* First string of a STRING / I18NSTRING entry (STRING_ARRAY too); *bad when
 * the entry is malformed.  Free text is cut at TEXT_MAX on a UTF-8 boundary. */
static const char *get_str(cg_arena *a, const uint8_t *data, size_t dl, const ent *e, bool id,
                           bool *bad, bool *oom)
{
    if (!e->set)
        return NULL;
    if ((e->type != T_STRING && e->type != T_I18N && e->type != T_STRING_ARRAY) || e->count == 0) {
        *bad = true;
        return NULL;
    }
    long l = str_at(data, dl, e->off);
    if (l < 0) {
        *bad = true;
        return NULL;
    }
    const uint8_t *s = data + e->off;
    size_t n = (size_t)l;
    if (id) {
        if (!clean_id(s, n)) {
            *bad = true;
            return NULL;
        }
    } else {
        if (n == 0)
            return NULL;
        if (n > TEXT_MAX) {
            n = TEXT_MAX;
            while (n && (s[n] & 0xC0) == 0x80)
                n--;
        }
    }
    const char *r = cg_arena_strndup(a, (const char *)s, n);
    if (!r)
        *oom = true;
    return r;
}

/* A STRING_ARRAY entry -> rpm_strs (copied); false when malformed. */
static bool get_strs(cg_arena *a, const uint8_t *data, size_t dl, const ent *e, rpm_strs *out, bool *oom)
{
    if (!e->set)
        return true;
    if (e->type != T_STRING_ARRAY || e->off >= dl || e->count > dl - e->off)
        return false;
    size_t p = e->off;
    for (uint32_t i = 0; i < e->count; i++) {
        long l = str_at(data, dl, p);
        if (l < 0)
            return false;
        p += (size_t)l + 1;
    }
    out->p = cg_arena_memdup(a, data + e->off, p - e->off);
    out->len = p - e->off;
    out->n = e->count;
    if (!out->p)
        *oom = true;
    return true;
}

int rpm_header_parse(cg_arena *a, const uint8_t *b, size_t n, rpm_rec *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (n < 8) {
        *why = "shorter than a header";
        return RPM_HDR_BAD;
    }
    uint32_t il = be32(b), dl32 = be32(b + 4);
    if (il == 0 || il > IL_MAX || dl32 > RPM_BLOB_MAX) {
        *why = "index count or data length out of range";
        return RPM_HDR_BAD;
    }
    size_t dl = dl32;
    if ((size_t)il * 16 + dl > n - 8) {
        *why = "index or data store runs past the end of the blob";
        return RPM_HDR_BAD;
    }
    const uint8_t *ix = b + 8, *data = b + 8 + (size_t)il * 16;
    ent k[K_N];
    memset(k, 0, sizeof k);
    for (uint32_t i = 0; i < il; i++) {
        const uint8_t *e = ix + (size_t)i * 16;
        uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
        if (type > T_I18N) {
            *why = "index entry with an unknown data type";
            return RPM_HDR_BAD;
        }
        /* every entry's data must lie inside the data store */
        if (count && off >= dl) {
            *why = "index entry whose offset is past the end of the data store";
            return RPM_HDR_BAD;
        }
        if (type_size[type] && count > (dl - off) / type_size[type]) {
            *why = "index entry whose data runs past the end of the data store";
            return RPM_HDR_BAD;
        }
        int key = key_of(tag);
        if (key >= 0)
            k[key] = (ent){type, off, count, true};
    }
    bool bad = false, oom = false;
    out->name = get_str(a, data, dl, &k[K_NAME], true, &bad, &oom);
    out->version = get_str(a, data, dl, &k[K_VERSION], true, &bad, &oom);
    out->release = get_str(a, data, dl, &k[K_RELEASE], true, &bad, &oom);
    out->arch = get_str(a, data, dl, &k[K_ARCH], true, &bad, &oom);
    out->summary = get_str(a, data, dl, &k[K_SUMMARY], false, &bad, &oom);
    out->vendor = get_str(a, data, dl, &k[K_VENDOR], false, &bad, &oom);
    out->license = get_str(a, data, dl, &k[K_LICENSE], false, &bad, &oom);
    out->sourcerpm = get_str(a, data, dl, &k[K_SOURCERPM], false, &bad, &oom);
    if (oom)
        return RPM_HDR_NOMEM;
    if (bad) {
        *why = "malformed NAME/VERSION/RELEASE/ARCH or text tag";
        return RPM_HDR_BAD;
    }
    if (!out->name || !out->version || !out->release) {
        *why = "no NAME, VERSION or RELEASE";
        return RPM_HDR_BAD;
    }
    if (k[K_EPOCH].set) {
        const ent *e = &k[K_EPOCH];
        if (e->type != T_INT32 || e->count < 1) {
            *why = "malformed EPOCH";
            return RPM_HDR_BAD;
        }
        out->epoch = cg_arena_sprintf(a, "%u", be32(data + e->off));
        if (!out->epoch)
            return RPM_HDR_NOMEM;
    }
    out->evr = cg_arena_sprintf(a, "%s-%s", out->version, out->release);
    if (!out->evr)
        return RPM_HDR_NOMEM;
    /* file lists and capabilities: a malformed one costs only that list */
    if (!get_strs(a, data, dl, &k[K_BASENAMES], &out->basenames, &oom) ||
        !get_strs(a, data, dl, &k[K_DIRNAMES], &out->dirnames, &oom) ||
        !get_strs(a, data, dl, &k[K_OLDFILENAMES], &out->oldfilenames, &oom)) {
        if (oom)
            return RPM_HDR_NOMEM;
        *why = "malformed file list";
        return RPM_HDR_BAD;
    }
    if (out->basenames.n) {
        const ent *e = &k[K_DIRINDEXES];
        if (!e->set || e->type != T_INT32 || e->count != out->basenames.n) {
            *why = "DIRINDEXES does not match BASENAMES";
            return RPM_HDR_BAD;
        }
        out->dirindexes = cg_arena_memdup(a, data + e->off, (size_t)e->count * 4);
        if (!out->dirindexes)
            return RPM_HDR_NOMEM;
        for (uint32_t i = 0; i < e->count; i++)
            if (be32(out->dirindexes + (size_t)i * 4) >= out->dirnames.n) {
                *why = "DIRINDEXES entry past the end of DIRNAMES";
                return RPM_HDR_BAD;
            }
    }
    if (!get_strs(a, data, dl, &k[K_REQUIRENAME], &out->requires, &oom) ||
        !get_strs(a, data, dl, &k[K_PROVIDENAME], &out->provides, &oom)) {
        if (oom)
            return RPM_HDR_NOMEM;
        *why = "malformed REQUIRENAME/PROVIDENAME";
        return RPM_HDR_BAD;
    }
    return oom ? RPM_HDR_NOMEM : RPM_HDR_OK;
}
