/*
 * rpm.c - RPM packages from the rpm database, in all three formats rpm has
 * used: SQLite rpmdb.sqlite (rpm >= 4.16, Fedora 33+, RHEL 9, CBL-Mariner),
 * Berkeley DB hash Packages (RHEL <= 8, Amazon Linux 2) and NDB Packages.db
 * (SUSE), under var/lib/rpm, usr/lib/sysimage/rpm and usr/share/rpm.
 *
 * The format is told by content, not by name.  Databases arrive spilled to a
 * temporary file (they can be large); Berkeley DB and NDB are read page by
 * page with pread, SQLite is loaded once into memory and opened there with
 * sqlite3_deserialize, read-only, defensive, with views and triggers off.
 * parse() turns a database into a sorted list of rpm_rec; finish() emits one
 * package per (name, EVR, arch) - the same package in two database files is
 * one package with two locations - attributes it to the layer that
 * introduced it, resolves REQUIRENAME through PROVIDENAME, and declares each
 * package's files owned (cg_cat_own).  gpg-pubkey headers (imported signing
 * keys that rpm -qa lists as packages) are not software and are skipped.
 *
 * Versions: the package version is VERSION-RELEASE exactly as recorded; the
 * EPOCH is kept apart as property cgate:rpm:epoch (and purl epoch=).  A
 * scanner must compare the full EVR - epoch first, absent epoch = 0 - with
 * rpm's version order, never VERSION-RELEASE alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "catalog/depindex.h"
#include "catalog/license.h"
#include "catalog/rpm_internal.h"
#include "cgate/rpmdb.h"
#include "core/vec.h"

#define RPM_DB_MAX ((size_t)512 * 1024 * 1024)     /* Packages, Packages.db: read by page */
#define RPM_SQLITE_MAX ((size_t)256 * 1024 * 1024) /* rpmdb.sqlite: held in memory */
#define BAD_HDR_WARNS 20u
#define SQLITE_STEPS_MAX 200000 /* progress callbacks of 1000 VM steps each */

static const char *const rpm_dirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"};

/* ---------- paths ---------- */

static bool rpm_wants(const char *path, size_t len, cg_cat_want *w)
{
    const char *slash = len ? memrchr(path, '/', len) : NULL;
    if (!slash)
        return false;
    size_t dl = (size_t)(slash + 1 - path), bl = len - dl;
    const char *base = slash + 1;
    size_t cap;
    if (bl == 8 && !memcmp(base, "Packages", 8))
        cap = RPM_DB_MAX;
    else if (bl == 11 && !memcmp(base, "Packages.db", 11))
        cap = RPM_DB_MAX;
    else if (bl == 12 && !memcmp(base, "rpmdb.sqlite", 12))
        cap = RPM_SQLITE_MAX;
    else
        return false;
    for (size_t i = 0; i < sizeof rpm_dirs / sizeof rpm_dirs[0]; i++)
        if (dl == strlen(rpm_dirs[i]) && !memcmp(path, rpm_dirs[i], dl)) {
            *w = (cg_cat_want){.max_size = cap, .essential = true, .spill = true};
            return true;
        }
    return false;
}

bool rpm_src_read(const rpm_src *s, uint64_t off, void *buf, size_t n)
{
    if (off > s->len || n > s->len - off)
        return false;
    if (s->data) {
        memcpy(buf, s->data + off, n);
        return true;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(s->fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* ---------- collecting headers ---------- */

typedef struct rpm_result {
    rpm_rec *recs; /* sorted by (name, evr, arch) */
    size_t n_recs;
    const char *format; /* "sqlite", "bdb", "ndb" */
} rpm_result;

typedef struct collector {
    cg_cat_ctx *ctx;
    const char *path;
    rpm_rec *v;
    size_t n, cap;
    size_t bad, pubkeys;
    bool oom;
} collector;

static bool on_blob(void *ud, const uint8_t *blob, size_t len, uint64_t id)
{
    collector *c = ud;
    rpm_rec r;
    const char *why = NULL;
    int st = rpm_header_parse(cg_cat_arena(c->ctx), blob, len, &r, &why);
    if (st == RPM_HDR_NOMEM) {
        c->oom = true;
        return false;
    }
    if (st == RPM_HDR_BAD) {
        if (c->bad++ < BAD_HDR_WARNS)
            cg_cat_warn(c->ctx, "/%s: package header %llu skipped: %s", c->path, (unsigned long long)id, why);
        return true;
    }
    if (!strcmp(r.name, "gpg-pubkey")) {
        c->pubkeys++;
        return true;
    }
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        rpm_rec *p = realloc(c->v, nc * sizeof *p);
        if (!p) {
            c->oom = true;
            return false;
        }
        c->v = p;
        c->cap = nc;
    }
    c->v[c->n++] = r;
    return true;
}

static int rec_cmp(const void *x, const void *y)
{
    const rpm_rec *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (!c)
        c = strcmp(a->evr, b->evr);
    if (!c)
        c = strcmp(a->epoch ? a->epoch : "", b->epoch ? b->epoch : "");
    if (!c)
        c = strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
    return c;
}

/* ---------- SQLite ---------- */

static int sqlite_progress(void *ud)
{
    long *steps = ud;
    return ++*steps > SQLITE_STEPS_MAX;
}

static bool sqlite_magic(const uint8_t *h, size_t n)
{
    return n >= 16 && !memcmp(h, "SQLite format 3", 16);
}

/* Table Packages(hnum INTEGER PRIMARY KEY, blob BLOB).  Returns CG_ERR_NOMEM or CG_OK. */
static cg_status read_sqlite(collector *c, const rpm_src *src)
{
    if (src->len < 512) {
        cg_cat_warn(c->ctx, "/%s: SQLite database truncated (%llu bytes)", c->path, (unsigned long long)src->len);
        return CG_OK;
    }
    unsigned char *buf = sqlite3_malloc64(src->len);
    if (!buf)
        return CG_ERR_NOMEM;
    if (!rpm_src_read(src, 0, buf, (size_t)src->len)) {
        sqlite3_free(buf);
        cg_cat_warn(c->ctx, "/%s: cannot read the database", c->path);
        return CG_OK;
    }
    /* rpm keeps rpmdb.sqlite in WAL mode; an in-memory database cannot open
     * a WAL file (there is none to open), so read it as a rollback-journal
     * database: file format bytes 18-19 = 1.  Any -wal content not yet
     * checkpointed is not in the image's main file either way. */
    if (buf[18] == 2)
        buf[18] = 1;
    if (buf[19] == 2)
        buf[19] = 1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
        sqlite3_free(buf);
        sqlite3_close(db);
        return CG_ERR_NOMEM;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)RPM_BLOB_MAX);
    long steps = 0;
    sqlite3_progress_handler(db, 1000, sqlite_progress, &steps);
    int rc = sqlite3_deserialize(db, "main", buf, (sqlite3_int64)src->len, (sqlite3_int64)src->len,
                                 SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
    cg_status st = CG_OK;
    sqlite3_stmt *q = NULL;
    if (rc == SQLITE_NOMEM) {
        st = CG_ERR_NOMEM;
        goto out;
    }
    if (rc != SQLITE_OK) {
        cg_cat_warn(c->ctx, "/%s: not a readable SQLite database: %s", c->path, sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_exec(db, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);
    rc = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        if (rc == SQLITE_NOMEM)
            st = CG_ERR_NOMEM;
        else
            cg_cat_warn(c->ctx, "/%s: not an rpm SQLite database: %s", c->path, sqlite3_errmsg(db));
        goto out;
    }
    size_t not_blob = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        if (sqlite3_column_type(q, 1) != SQLITE_BLOB) {
            not_blob++;
            continue;
        }
        const void *b = sqlite3_column_blob(q, 1);
        int n = sqlite3_column_bytes(q, 1);
        if (!b || n <= 0) {
            not_blob++;
            continue;
        }
        if (!on_blob(c, b, (size_t)n, (uint64_t)id))
            break;
    }
    if (c->oom || rc == SQLITE_NOMEM) {
        st = CG_ERR_NOMEM;
        goto out;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        cg_cat_warn(c->ctx, "/%s: SQLite database unreadable after %zu package(s): %s", c->path, c->n,
                    rc == SQLITE_INTERRUPT ? "too much work, stopped" : sqlite3_errmsg(db));
    if (not_blob)
        cg_cat_warn(c->ctx, "/%s: %zu row(s) of Packages without a header blob ignored", c->path, not_blob);
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    return st;
}

/* ---------- parse ---------- */

static cg_status rpm_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    rpm_src src = {f->data, f->fd, f->len};
    uint8_t head[64] = {0};
    size_t hn = f->len < sizeof head ? (size_t)f->len : sizeof head;
    collector c = {.ctx = ctx, .path = f->path};
    rpm_result *res = cg_arena_calloc(a, 1, sizeof *res);
    if (!res)
        return cg_error_set(err, CG_ERR_NOMEM, "/%s: out of memory", f->path);
    cg_status st = CG_OK;
    if (f->len == 0) {
        cg_cat_warn(ctx, "/%s: empty file, not an rpm database", f->path);
    } else if (!rpm_src_read(&src, 0, head, hn)) {
        cg_cat_warn(ctx, "/%s: cannot read the database", f->path);
    } else if (sqlite_magic(head, hn)) {
        res->format = "sqlite";
        st = read_sqlite(&c, &src);
    } else if (rpm_ndb_magic(head, hn)) {
        res->format = "ndb";
        st = rpm_ndb_read(ctx, f->path, &src, on_blob, &c);
    } else if (rpm_bdb_magic(head, hn)) {
        res->format = "bdb";
        st = rpm_bdb_read(ctx, f->path, &src, on_blob, &c);
    } else {
        cg_cat_warn(ctx, "/%s: not an rpm database (neither SQLite, Berkeley DB hash nor NDB)", f->path);
    }
    if (st == CG_OK && c.oom)
        st = CG_ERR_NOMEM;
    if (st == CG_OK && c.bad > BAD_HDR_WARNS)
        cg_cat_warn(ctx, "/%s: %zu more package header(s) skipped", f->path, c.bad - BAD_HDR_WARNS);
    if (st == CG_OK && c.n) {
        qsort(c.v, c.n, sizeof *c.v, rec_cmp);
        res->recs = cg_arena_memdup(a, c.v, c.n * sizeof *c.v);
        res->n_recs = c.n;
        if (!res->recs)
            st = CG_ERR_NOMEM;
    }
    free(c.v);
    if (st != CG_OK)
        return cg_error_set(err, st, "/%s: out of memory", f->path);
    *result = res;
    return CG_OK;
}

/* ---------- finish ---------- */

static const rpm_rec *find_rec(const rpm_result *r, const rpm_rec *key)
{
    if (!r || !r->n_recs)
        return NULL;
    return bsearch(key, r->recs, r->n_recs, sizeof *key, rec_cmp);
}

/* Lowest layer from which the same package survives, unchanged, up to top. */
/* For cg_cat_intro_layer: does a lower db hold the same package? */
static bool same_rec(const void *result, const void *rec)
{
    return find_rec(result, rec) != NULL;
}

/* "glibc-2.35-1.cm2.src.rpm" -> name "glibc", version "2.35-1.cm2". */
static void split_srpm(cg_arena *a, const char *s, const char **name, const char **ver)
{
    *name = *ver = NULL;
    size_t n = strlen(s);
    if (n > 8 && !strcmp(s + n - 8, ".src.rpm"))
        n -= 8;
    else if (n > 10 && !strcmp(s + n - 10, ".nosrc.rpm"))
        n -= 10;
    else
        return;
    const char *r = memrchr(s, '-', n);
    if (!r || r == s)
        return;
    const char *v = memrchr(s, '-', (size_t)(r - s));
    if (!v || v == s || v + 1 == r || r + 1 == s + n)
        return;
    *name = cg_arena_strndup(a, s, (size_t)(v - s));
    *ver = cg_arena_strndup(a, v + 1, (size_t)(s + n - v - 1));
}

typedef struct emitted {
    const rpm_rec *rec;
    cg_package *pkg;
} emitted;

static int emitted_cmp(const void *x, const void *y)
{
    return rec_cmp(((const emitted *)x)->rec, ((const emitted *)y)->rec);
}

/* Each string of an rpm_strs in turn: *p = NULL to start; false at the end. */
static bool next_str(const rpm_strs *s, const char **p)
{
    if (!s->n)
        return false;
    const char *nx = *p ? *p + strlen(*p) + 1 : s->p;
    if (nx >= s->p + s->len)
        return false;
    *p = nx;
    return true;
}

/* Sorted set of the file paths some package requires ("/bin/sh"): the
 * packages whose file lists hold them provide them. */
typedef struct finish_state {
    cg_cat_ctx *ctx;
    const char **req_paths;
    size_t n_req_paths;
    cg_depindex caps; /* PROVIDENAME and required paths -> package */
} finish_state;

static cg_status own_file(finish_state *fs, const char *path, const rpm_rec *r)
{
    if (fs->n_req_paths && bsearch(&path, fs->req_paths, fs->n_req_paths, sizeof path, cg_strptr_cmp) &&
        !cg_depindex_add_provide(&fs->caps, path, r->name))
        return CG_ERR_NOMEM;
    return cg_cat_own(fs->ctx, path, r->name, "rpm");
}

static cg_status own_files(finish_state *fs, const rpm_rec *r)
{
    cg_arena *a = cg_cat_arena(fs->ctx);
    cg_status st = CG_OK;
    const char *s = NULL;
    while (st == CG_OK && next_str(&r->oldfilenames, &s))
        st = own_file(fs, s, r);
    if (!r->basenames.n || !r->dirnames.n || st != CG_OK)
        return st;
    const char **dirs = malloc(r->dirnames.n * sizeof *dirs);
    if (!dirs)
        return CG_ERR_NOMEM;
    size_t nd = 0;
    for (s = NULL; nd < r->dirnames.n && next_str(&r->dirnames, &s);)
        dirs[nd++] = s;
    size_t i = 0;
    for (s = NULL; st == CG_OK && i < r->basenames.n && next_str(&r->basenames, &s); i++) {
        const uint8_t *p = r->dirindexes + i * 4;
        uint32_t di = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (di >= nd)
            continue;
        const char *full = cg_arena_sprintf(a, "%s%s", dirs[di], s);
        st = full ? own_file(fs, full, r) : CG_ERR_NOMEM;
    }
    free(dirs);
    return st;
}

/* REQUIRENAME -> names of installed packages: a capability resolves to each
 * installed package that provides it (PROVIDENAME, or for a path the file
 * list); rpmlib(...) and unresolvable requirements are dropped. */
static cg_status set_depends(cg_arena *a, const cg_depindex *caps, const rpm_rec *r, cg_package *p)
{
    cg_vec out = {0};
    const char *s = NULL;
    while (out.n < 4096 && next_str(&r->requires, &s))
        if (cg_depindex_resolve(caps, s, 0, &out) < 0) {
            free(out.v);
            return CG_ERR_NOMEM;
        }
    return cg_depindex_set_depends(a, &out, p);
}

static cg_status fill_package(cg_cat_ctx *ctx, const char *ns, const cg_cat_node *node, const rpm_rec *r,
                              cg_package *p)
{
    cg_arena *a = cg_cat_arena(ctx);
    p->type = "rpm";
    p->namespace_ = ns;
    p->name = r->name;
    p->version = r->evr;
    p->arch = r->arch;
    p->supplier = r->vendor;
    p->description = r->summary;
    p->cataloger = "rpm";
    p->layer = cg_cat_intro_layer(node, same_rec, r);
    if (r->sourcerpm) {
        const char *sn, *sv;
        split_srpm(a, r->sourcerpm, &sn, &sv);
        p->source_name = sn;
        if (sv && strcmp(sv, r->evr))
            p->source_version = sv;
    }
    if (r->license) {
        p->licenses = cg_arena_alloc(a, sizeof *p->licenses);
        if (!p->licenses || cg_license_map(a, r->license, strlen(r->license), p->licenses) != 0)
            return CG_ERR_NOMEM;
        p->n_licenses = 1;
    }
    cg_status st = cg_cat_add_location(ctx, p, node->path, node->layer);
    if (st == CG_OK && r->epoch)
        st = cg_cat_add_prop(ctx, p, "cgate:rpm:epoch", r->epoch);
    if (st == CG_OK && r->sourcerpm)
        st = cg_cat_add_prop(ctx, p, "cgate:rpm:sourcerpm", r->sourcerpm);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:rpm:release", r->release);
    if (st == CG_OK)
        st = cg_cat_add_prop(ctx, p, "cgate:rpm:db-format", ((const rpm_result *)node->result)->format);
    return st;
}

/* Paths that some package requires, sorted and unique, into fs. */
static cg_status collect_req_paths(finish_state *fs, const cg_cat_node *const *nodes, size_t n)
{
    cg_vec v = {0};
    for (size_t i = 0; i < n; i++) {
        const rpm_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs; k++) {
            const char *s = NULL;
            while (next_str(&r->recs[k].requires, &s))
                if (s[0] == '/' && !cg_vec_push(&v, &s, sizeof s)) {
                    free(v.v);
                    return CG_ERR_NOMEM;
                }
        }
    }
    const char **p = v.v;
    size_t u = 0;
    if (v.n) {
        qsort(p, v.n, sizeof *p, cg_strptr_cmp);
        for (size_t i = 0; i < v.n; i++)
            if (u == 0 || strcmp(p[u - 1], p[i]))
                p[u++] = p[i];
        fs->req_paths = cg_arena_memdup(cg_cat_arena(fs->ctx), p, u * sizeof *p);
        fs->n_req_paths = fs->req_paths ? u : 0;
    }
    free(p);
    return (u && !fs->req_paths) ? CG_ERR_NOMEM : CG_OK;
}

static cg_status rpm_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const cg_distro *d = cg_cat_distro(ctx);
    const char *ns = d && d->id && *d->id ? d->id : NULL;
    finish_state fs = {.ctx = ctx};
    cg_vec done = {0}; /* emitted, sorted by rec */
    cg_status st = collect_req_paths(&fs, nodes, n);
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const rpm_result *r = nodes[i]->result;
        for (size_t k = 0; r && k < r->n_recs && st == CG_OK; k++) {
            const rpm_rec *rec = &r->recs[k];
            emitted key = {rec, NULL}, *ev = done.v;
            size_t lo = 0, hi = done.n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (emitted_cmp(&ev[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < done.n && !emitted_cmp(&ev[lo], &key)) { /* the same package in another db file */
                st = cg_cat_add_location(ctx, ev[lo].pkg, nodes[i]->path, nodes[i]->layer);
                continue;
            }
            cg_package *p = cg_cat_add_package(ctx);
            if (!p || !cg_vec_push(&done, &key, sizeof key)) {
                st = CG_ERR_NOMEM;
                break;
            }
            ev = done.v;
            memmove(ev + lo + 1, ev + lo, (done.n - 1 - lo) * sizeof *ev);
            ev[lo] = (emitted){rec, p};
            st = fill_package(ctx, ns, nodes[i], rec, p);
            const char *s = NULL;
            while (st == CG_OK && next_str(&rec->provides, &s))
                if (!cg_depindex_add_provide(&fs.caps, s, rec->name))
                    st = CG_ERR_NOMEM;
            if (st == CG_OK)
                st = own_files(&fs, rec);
        }
    }
    cg_depindex_seal(&fs.caps);
    for (size_t i = 0; i < done.n && st == CG_OK; i++) {
        const emitted *e = (const emitted *)done.v + i;
        st = set_depends(a, &fs.caps, e->rec, e->pkg);
    }
    free(done.v);
    cg_depindex_free(&fs.caps);
    if (st != CG_OK)
        return cg_error_set(err, st, "rpm: out of memory");
    return CG_OK;
}

const cg_cataloger cg_cataloger_rpm = {
    .name = "rpm",
    .purl_type = "rpm",
    .wants = rpm_wants,
    .parse = rpm_parse,
    .finish = rpm_finish,
};

/* ---------- file lists for other stages (cgate/rpmdb.h) ---------- */

static int rec_files(const rpm_rec *r, cg_rpmdb_file_fn fn, void *ud)
{
    const char *s = NULL;
    while (next_str(&r->oldfilenames, &s))
        if (fn(ud, r->name, r->evr, r->arch, s))
            return -1;
    if (!r->basenames.n || !r->dirnames.n || !r->dirindexes)
        return 0;
    const char **dirs = malloc(r->dirnames.n * sizeof *dirs);
    if (!dirs)
        return -1;
    size_t nd = 0;
    for (s = NULL; nd < r->dirnames.n && next_str(&r->dirnames, &s);)
        dirs[nd++] = s;
    char path[8192];
    int rc = 0;
    size_t i = 0;
    for (s = NULL; rc == 0 && i < r->basenames.n && next_str(&r->basenames, &s); i++) {
        const uint8_t *p = r->dirindexes + i * 4;
        uint32_t di = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (di >= nd)
            continue;
        int n = snprintf(path, sizeof path, "%s%s", dirs[di], s);
        if (n > 0 && (size_t)n < sizeof path)
            rc = fn(ud, r->name, r->evr, r->arch, path);
    }
    free(dirs);
    return rc;
}

cg_status cg_rpmdb_files(const uint8_t *buf, size_t len, const char *name, cg_rpmdb_file_fn fn, void *ud,
                         size_t *n_pkgs, cg_error *err)
{
    if (n_pkgs)
        *n_pkgs = 0;
    cg_arena a;
    cg_arena_init(&a);
    cg_cat_ctx *ctx = cg_cat_ctx_new(&a);
    if (!ctx) {
        cg_arena_free(&a);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory reading %s", name);
    }
    cg_cat_file f = {.path = name, .layer = -1, .data = buf ? buf : (const uint8_t *)"", .len = len, .fd = -1};
    void *res = NULL;
    cg_status st = rpm_parse(ctx, &f, &res, err); /* warnings stay in ctx: a damaged db gives fewer files */
    const rpm_result *r = res;
    for (size_t i = 0; st == CG_OK && r && i < r->n_recs; i++)
        if (rec_files(&r->recs[i], fn, ud))
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory reading the file lists of %s", name);
    if (st == CG_OK && n_pkgs && r)
        *n_pkgs = r->n_recs;
    cg_cat_ctx_free(ctx);
    cg_arena_free(&a);
    return st;
}
