/*
 * catalog.h - the cataloger interface (internal).
 *
 * A cataloger is a visitor over the one streaming pass across an image's
 * layers.  It declares which paths it wants (wants), is handed the bytes of
 * each wanted file as its layer streams by (parse: turn bytes into a small
 * per-file result in the arena; the bytes are not kept), and once the pass is
 * over receives only the files that survive in the flattened view, i.e. were
 * not deleted or replaced by a higher layer (finish: emit packages).
 *
 * Adding an ecosystem = one new file in src/catalog/ defining a
 * `const cg_cataloger cg_cataloger_NAME` plus one line in catalogers.c.
 * Catalogers never see the file system, never print, never exit.
 */
#ifndef CG_CATALOG_H
#define CG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgate/arena.h"
#include "cgate/error.h"
#include "cgate/package.h"

typedef struct cg_cat_ctx cg_cat_ctx;

/* What a file is evidence of (Trivy's language coverage tables, "Image" and
 * "Filesystem" columns; docs/coverage.md is the table per ecosystem). */
typedef enum cg_cat_evidence {
    CG_EV_ANY = 0,   /* read for every target (OS databases, Cargo.lock, .deps.json) */
    CG_EV_INSTALLED, /* what a package manager installed (node_modules, gemspecs,
                        dist-info, jars, binaries): images and root filesystems */
    CG_EV_DECLARED   /* a lock file or manifest that declares dependencies: source
                        trees (fs:); in images only with --declared, marked */
} cg_cat_evidence;

/* Size policy for one wanted path. */
typedef struct cg_cat_want {
    size_t max_size; /* larger files are not read */
    bool essential;  /* true for a package database itself: a larger file, or a
                        link to it that does not resolve inside the image, fails
                        the whole SBOM (an SBOM silently missing the database
                        would pass a gate it should not); false: skipped with a
                        warning.  A link loop fails the SBOM either way. */
    bool spill;      /* hand the file over as a temporary file (cg_cat_file.fd,
                        read it with pread) instead of in memory: for binaries
                        and archives too large to hold; max_size still applies */
    uint8_t evidence; /* cg_cat_evidence: the SBOM builder drops files the
                         target does not read (the table, not the cataloger,
                         decides what a source tree or an image reports) */
} cg_cat_want;

/* One file as it streams by. */
typedef struct cg_cat_file {
    const char *path;   /* normalised, relative, no leading "/": "var/lib/dpkg/status" */
    int layer;          /* layer index, -1 for dir: */
    const uint8_t *data; /* the bytes (NOT NUL-terminated), or NULL: then use fd */
    size_t len;         /* file size */
    int fd;             /* when data is NULL (the cataloger asked to spill): read with pread() */
    uint32_t mode;      /* permission bits */
} cg_cat_file;

/* What sniff() sees of a file no wants() claimed. */
#define CG_CAT_HEAD 4096
typedef struct cg_cat_entry {
    const char *path;   /* as in cg_cat_file */
    size_t path_len;
    uint64_t size;
    uint32_t mode;
} cg_cat_entry;

/* A surviving file in the flattened view.  `lower` chains to the versions of
 * the same path in lower layers that this one replaced (no deletion between),
 * newest first, so a cataloger can tell which layer first introduced a record. */
typedef struct cg_cat_node {
    const char *path;   /* the path the cataloger asked for (for a symlink: the link's path) */
    int layer;
    void *result;       /* what parse() returned for this file (may be NULL) */
    const struct cg_cat_node *lower;
} cg_cat_node;

typedef struct cg_cataloger {
    const char *name;
    /* The purl type of the packages it adds (NULL: it adds none); must have a
     * row in the ecosystem table, core/ecosystem.c (tests/unit/test_ecosystem.c). */
    const char *purl_type;
    /* path: as in cg_cat_file.path, len bytes, NUL-terminated.  Return true and
     * fill *w when the cataloger wants the file. */
    bool (*wants)(const char *path, size_t len, cg_cat_want *w);
    /* Parse one file; set *result (arena memory) or leave it NULL.  A returned
     * error fails the SBOM; use cg_cat_warn for recoverable problems. */
    cg_status (*parse)(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err);
    /* After the pass: surviving nodes for this cataloger, sorted by path. */
    cg_status (*finish)(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err);
    /* Optional: claim files by content (e.g. ELF executables) rather than by
     * path.  Called for non-empty regular files that no wants() claimed, with
     * their first min(size, CG_CAT_HEAD) bytes.  Keep it cheap: it sees every
     * such file of the image. */
    bool (*sniff)(const cg_cat_entry *e, const uint8_t *head, size_t n, cg_cat_want *w);
    /* When non-zero, sniff() is offered only files with one of these permission
     * bits (0111: executables, as Trivy's binary analyzers require), so the
     * driver need not read the first bytes of every other file. */
    uint32_t sniff_mode;
} cg_cataloger;

/* The table (catalogers.c), in the order finish() runs; os-release first. */
extern const cg_cataloger *const cg_catalogers[];
extern const size_t cg_n_catalogers;

/* --- services for catalogers (catalog.c) --- */
/* The running cataloger's work arena: parse results and finish() temporaries.
 * It is freed once the cataloger's finish() is over and its packages are
 * compacted (every string and array they point to is copied then), so
 * nothing a cataloger keeps may point into it after that. */
cg_arena *cg_cat_arena(cg_cat_ctx *ctx);
/* A new zeroed package appended to the SBOM (layer = -1); NULL on OOM.  The
 * pointer stays valid until the cataloger's packages are compacted. */
cg_package *cg_cat_add_package(cg_cat_ctx *ctx);
/* A non-fatal note that ends up in the SBOM's warnings. */
void cg_cat_warn(cg_cat_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the distro (os-release cataloger). */
void cg_cat_set_distro(cg_cat_ctx *ctx, cg_distro *d);
const cg_distro *cg_cat_distro(cg_cat_ctx *ctx);
/* The layer that introduced a record found in `top`: the lowest layer of the
 * top->lower chain from which every version of the file still holds it, as
 * `same(result, rec)` decides (e.g. same name, arch and version). */
int cg_cat_intro_layer(const cg_cat_node *top, bool (*same)(const void *result, const void *rec), const void *rec);
/* Add a property (cg_prop) to pkg; name and value are copied. */
cg_status cg_cat_add_prop(cg_cat_ctx *ctx, cg_package *pkg, const char *name, const char *value);
/* OS package catalogers: declare that path (absolute or relative) was installed
 * by OS package `owner` of type `type` ("deb", ...).  After all catalogers have
 * run, every package whose primary location is such a path gets owned_by. */
cg_status cg_cat_own(cg_cat_ctx *ctx, const char *path, const char *owner, const char *type);
/* A memo shared by every parse() of one SBOM: the value stored under key
 * (klen bytes, copied), or NULL.  For records that repeat across layers
 * (each layer that rewrites a package database repeats most of it): parse a
 * record once, keep one copy.  Keys should start with the cataloger's name. */
void *cg_cat_memo_get(cg_cat_ctx *ctx, const void *key, size_t klen);
cg_status cg_cat_memo_put(cg_cat_ctx *ctx, const void *key, size_t klen, void *val);
/* n bytes (unaligned) in the SBOM's packed string store, for strings a
 * package will keep as they are: the compaction does not copy them again.
 * They stay as long as the SBOM, used or not: for records that are mostly
 * emitted (NULL on OOM). */
void *cg_cat_keep_alloc(cg_cat_ctx *ctx, size_t n);
/* Add a location (path gets a leading "/") to pkg. */
cg_status cg_cat_add_location(cg_cat_ctx *ctx, cg_package *pkg, const char *path, int layer);


/* --- for the SBOM builder and unit tests --- */
/* A context whose kept strings go into arena a (the SBOM's). */
cg_cat_ctx *cg_cat_ctx_new(cg_arena *a);
void cg_cat_ctx_free(cg_cat_ctx *ctx);
/* The arena cg_cat_arena() returns from now on (NULL: the context's own). */
void cg_cat_set_arena(cg_cat_ctx *ctx, cg_arena *work);
/* Every parse() is over: the memo is dropped. */
void cg_cat_end_parse(cg_cat_ctx *ctx);
/* After a cataloger's finish(): copy everything its packages point to into
 * the packed store (short and repeated strings and arrays once) and move the
 * records into the final array; the work arena may then be freed. */
cg_status cg_cat_compact(cg_cat_ctx *ctx);
/* A copy of s in the packed store (NULL on OOM or for NULL). */
const char *cg_cat_keep(cg_cat_ctx *ctx, const char *s);
/* Hand over the compacted records: an anonymous mapping of *bytes bytes
 * (munmap it) holding *n packages; NULL when there are none. */
cg_package *cg_cat_take_packages(cg_cat_ctx *ctx, size_t *n, size_t *bytes);
/* Set owned_by on packages whose primary location an OS package owns (after all finish()). */
void cg_cat_resolve_owners(cg_cat_ctx *ctx);
/* The distro set by the os-release cataloger (arena memory), or NULL. */
cg_distro *cg_cat_take_distro(cg_cat_ctx *ctx);
size_t cg_cat_n_packages(const cg_cat_ctx *ctx);
/* Keep only the packages from index `from` on (not yet compacted) for which
 * keep() is true (order kept; records move down). */
void cg_cat_filter(cg_cat_ctx *ctx, size_t from, bool (*keep)(void *ud, cg_package *p), void *ud);
cg_package *cg_cat_package(cg_cat_ctx *ctx, size_t i);
size_t cg_cat_n_warnings(const cg_cat_ctx *ctx);
const char *cg_cat_warning(const cg_cat_ctx *ctx, size_t i);
/* Run one cataloger over in-memory files as if each were the only version of
 * its path in layer 0 (unit tests).  Files it does not want are ignored. */
cg_status cg_cat_run_files(cg_cat_ctx *ctx, const cg_cataloger *c, const cg_cat_file *files,
                           size_t n, cg_error *err);

#endif
