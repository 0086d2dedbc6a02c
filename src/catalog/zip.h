/*
 * zip.h - a small, bounded reader of zip archives (jar, war, ear, ...) for the
 * Java cataloger.  It reads the central directory (as the JVM does, not the
 * local headers as a streaming reader would), finds an entry's data through
 * its local header, and inflates stored/deflated entries under explicit caps:
 * bytes out per entry, compression ratio, and a budget shared by every entry
 * of one top-level file (nested archives included).
 *
 * The bytes come from a cg_zsrc: memory, or a file descriptor read with
 * pread, or a window (offset, length) of either, so a stored jar inside a war
 * is read in place and a 200 MB war is never loaded.  Nothing here writes
 * files, prints or allocates beyond the caps the caller gives.
 */
#ifndef CG_ZIP_H
#define CG_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A byte source: mem != NULL -> mem[base .. base+len), else fd at base. */
typedef struct cg_zsrc {
    const uint8_t *mem;
    int fd;
    uint64_t base;
    uint64_t len;
} cg_zsrc;

/* Results: 0 ok; the others fill the caller's `why` buffer. */
enum {
    CG_ZIP_OK = 0,
    CG_ZIP_BAD = -1,   /* not a zip, truncated, corrupt, unsupported */
    CG_ZIP_LIMIT = -2, /* a cap was reached (bomb, too many entries, budget) */
    CG_ZIP_NOMEM = -3,
};

/* Exactly n bytes at off, or -1 (outside the source, or an I/O error). */
int cg_zsrc_read(const cg_zsrc *s, uint64_t off, void *buf, size_t n);

typedef struct cg_zip_entry {
    const char *name; /* NOT NUL-terminated; points into the directory copy */
    size_t name_len;
    uint16_t flags, method;
    uint32_t crc;
    uint64_t csize, usize;
    uint64_t lho; /* local header offset (already shifted by any prefix) */
} cg_zip_entry;

typedef struct cg_zip {
    cg_zsrc src;
    uint8_t *cd; /* a malloc'd copy of the central directory */
    size_t cd_len;
    uint64_t n_entries; /* as the end record says */
    uint64_t shift;     /* bytes prepended before the archive (executable jars) */
    size_t pos;         /* iteration: offset in cd */
    uint64_t seen;
} cg_zip;

/* Caps for reading directories. */
#define CG_ZIP_CD_MAX (64u * 1024u * 1024u)
#define CG_ZIP_ENTRIES_MAX 1000000u

/* Open: locate the end record (zip64 too) and copy the central directory.
 * cg_zip_close frees it (also after a failed open). */
int cg_zip_open(cg_zip *z, const cg_zsrc *src, char *why, size_t why_len);
void cg_zip_close(cg_zip *z);

/* Next central-directory entry: 1 = got one, 0 = end, or a negative result
 * (directory corrupt: stop iterating). */
int cg_zip_next(cg_zip *z, cg_zip_entry *e, char *why, size_t why_len);

/* The entry's data as a window of the archive's source (through its local
 * header): the compressed bytes, csize long. */
int cg_zip_data(const cg_zip *z, const cg_zip_entry *e, cg_zsrc *out, char *why, size_t why_len);

/* Inflation caps. */
typedef struct cg_zip_caps {
    uint64_t max_out;   /* per entry: more declared or produced -> CG_ZIP_LIMIT */
    uint64_t *budget;   /* shared remaining output bytes; decremented; may be NULL */
    uint32_t max_ratio; /* output/compressed, checked once output passes ratio_floor */
    uint64_t ratio_floor;
} cg_zip_caps;

/* Extract one entry (stored or deflate) into a malloc'd buffer (*out, *out_len;
 * the caller frees it; one spare NUL byte follows the data).  The CRC-32 is
 * checked. */
int cg_zip_extract(const cg_zip *z, const cg_zip_entry *e, const cg_zip_caps *caps, uint8_t **out,
                   size_t *out_len, char *why, size_t why_len);

#endif
