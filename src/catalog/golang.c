/*
 * golang.c - Go modules from the build information embedded in Go ELF
 * executables, and from go.mod files when the image holds no Go binary.
 *
 * Binaries are claimed by content (sniff: an ELF executable whose first 4 KiB
 * hold the Go build-ID note, owner "Go", type 4) and spilled, so only the
 * headers and the build-info blob are ever read.  The blob is the 32-byte
 * header "\xff Go buildinf:" + pointer size + flags at the start of the
 * .go.buildinfo section (or, with no section table, found 16-aligned in a
 * writable PT_LOAD segment), followed either by two varint-prefixed strings
 * (flags & 2, Go >= 1.18) or by two pointers to Go string headers (older
 * toolchains), translated through the program headers.  The strings are the
 * toolchain version ("go1.20.4") and the module info ("path", "mod", "dep",
 * "=>", "build" lines between two 16-byte sentinels), read as cmd/go writes
 * them (runtime/debug.BuildInfo.String).
 *
 * The toolchain is reported as package "stdlib" with the Go vulnerability
 * database's SEMVER spelling ("go1.20.4" -> "1.20.4", "go1.21rc2" ->
 * "1.21.0-rc.2"): OSV records for Go key stdlib advisories on exactly that
 * (ecosystem "Go", name "stdlib", events like "fixed": "1.20.5"), and Syft
 * writes the same purl, pkg:golang/stdlib@1.20.4.  The raw string stays in
 * cgate:go:toolchain.  Nothing here trusts an offset or a length it reads.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/elf.h"
#include "catalog/lockutil.h"

#define GO_BIN_MAX ((size_t)4 << 30)       /* larger executables are skipped with a warning */
#define GO_MOD_MAX ((size_t)4 << 20)       /* go.mod */
#define GO_STR_MAX ((size_t)4 << 20)       /* version / modinfo strings */
#define GO_SCAN_MAX ((uint64_t)64 << 20)   /* bytes searched for the magic without a section */
#define GO_MAX_MODS 100000u
#define GO_NOTE_BUILDID 4u

static const uint8_t BUILDINFO_MAGIC[14] = "\xff Go buildinf:";

enum { R_BIN = 1, R_MOD = 2 };

typedef struct go_mod {
    const char *path, *version, *sum;
    const char *rpath, *rversion; /* "=>" replacement (rversion NULL: a local directory) */
    bool indirect;                /* go.mod: "// indirect" */
} go_mod;

typedef struct go_result {
    int kind;
    const char *toolchain; /* R_BIN: "go1.20.4" as embedded */
    const char *pkgpath;   /* R_BIN: "path" line (main package) */
    go_mod main;           /* R_BIN: "mod" line (path NULL when built without modules) */
    go_mod *mods;          /* R_BIN: "dep" lines; R_MOD: require directives */
    size_t n_mods;
    const char **build;    /* R_BIN: "KEY=VALUE" of the build lines we keep */
    size_t n_build;
} go_result;

/* ---------- claiming files ---------- */

static bool contains(const char *path, const char *part)
{
    return strstr(path, part) != NULL || !strncmp(path, part + 1, strlen(part) - 1);
}

static bool golang_wants(const char *path, size_t len, cg_cat_want *w)
{
    if (!cg_lock_has_base(path, len, "go.mod"))
        return false;
    /* the module cache, vendored copies and the toolchain's own tree hold
     * go.mod files of modules that are not this application's requirements */
    if (contains(path, "/pkg/mod/") || contains(path, "/vendor/") || contains(path, "/usr/local/go/") ||
        contains(path, "/usr/lib/go/") || contains(path, "/usr/lib/go-") || contains(path, "/testdata/"))
        return false;
    *w = (cg_cat_want){.max_size = GO_MOD_MAX, .essential = false, .evidence = CG_EV_DECLARED};
    return true;
}

static bool golang_sniff(const cg_cat_entry *e, const uint8_t *head, size_t n, cg_cat_want *w)
{
    (void)e;
    cg_elf_hdr h;
    if (n < 64 || head[0] != 0x7f || !cg_elf_ident(head, n, &h))
        return false;
    if (h.type != CG_ET_EXEC && h.type != CG_ET_DYN)
        return false;
    if (!cg_elf_head_has_note(head, n, &h, "Go", GO_NOTE_BUILDID))
        return false;
    *w = (cg_cat_want){.max_size = GO_BIN_MAX, .essential = false, .spill = true, .evidence = CG_EV_INSTALLED};
    return true;
}

/* ---------- reading the build info ---------- */

/* Read a uvarint at *off (at most 10 bytes, inside the file). */
static bool read_uvarint(const cg_elf *e, uint64_t *off, uint64_t *v)
{
    uint8_t b[10];
    uint64_t left = *off < e->size ? e->size - *off : 0;
    size_t n = left < sizeof b ? (size_t)left : sizeof b;
    if (!n || !cg_elf_read(e, *off, b, n))
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 9 && b[i] > 1)
            return false;
        x |= (uint64_t)(b[i] & 0x7f) << (7 * i);
        if (!(b[i] & 0x80)) {
            *v = x;
            *off += i + 1;
            return true;
        }
    }
    return false;
}

/* Bytes [off, off+len) into a NUL-terminated arena string; NULL on failure
 * (*nomem set when the arena is out of memory). */
static char *read_str(cg_arena *a, const cg_elf *e, uint64_t off, uint64_t len, size_t *out_len, bool *nomem)
{
    if (len > GO_STR_MAX || off > e->size || len > e->size - off)
        return NULL;
    char *s = cg_arena_alloc(a, (size_t)len + 1);
    if (!s) {
        *nomem = true;
        return NULL;
    }
    if (!cg_elf_read(e, off, s, (size_t)len))
        return NULL;
    s[len] = '\0';
    if (out_len)
        *out_len = (size_t)len;
    return s;
}

/* A Go string header {data, len} at virtual address va. */
static char *read_gostring(cg_arena *a, const cg_elf *e, uint64_t va, size_t ptrsize, bool big, size_t *out_len,
                           bool *nomem)
{
    uint8_t hdr[16];
    uint64_t off;
    if (!cg_elf_va_to_off(e, va, 2 * ptrsize, &off) || !cg_elf_read(e, off, hdr, 2 * ptrsize))
        return NULL;
    uint64_t data = cg_elf_uint(big, hdr, ptrsize), len = cg_elf_uint(big, hdr + ptrsize, ptrsize);
    if (len > GO_STR_MAX || !cg_elf_va_to_off(e, data, len, &off))
        return NULL;
    return read_str(a, e, off, len, out_len, nomem);
}

/* File offset of the 32-byte build-info header, or false. */
static bool find_buildinfo(const cg_elf *e, uint64_t *at)
{
    uint8_t m[16];
    const cg_elf_shdr *s = cg_elf_section(e, ".go.buildinfo");
    if (s && s->type != CG_SHT_NOBITS && s->size >= 32 && cg_elf_read(e, s->offset, m, 16) &&
        !memcmp(m, BUILDINFO_MAGIC, sizeof BUILDINFO_MAGIC)) {
        *at = s->offset;
        return true;
    }
    uint64_t budget = GO_SCAN_MAX;
    uint8_t *chunk = malloc(65536);
    if (!chunk)
        return false;
    bool found = false;
    for (size_t i = 0; i < e->n_ph && !found && budget; i++) {
        const cg_elf_phdr *p = &e->ph[i];
        if (p->type != CG_PT_LOAD || !(p->flags & CG_PF_W) || p->offset >= e->size)
            continue;
        uint64_t end = p->filesz < e->size - p->offset ? p->offset + p->filesz : e->size;
        uint64_t pos = p->offset + ((16 - (p->vaddr & 15)) & 15); /* 16-aligned virtual addresses */
        while (pos + 32 <= end && budget && !found) {
            uint64_t want = end - pos < 65536 ? end - pos : 65536;
            if (want > budget)
                want = budget;
            size_t n = (size_t)want & ~(size_t)15;
            if (n < 16 || !cg_elf_read(e, pos, chunk, n))
                break;
            for (size_t k = 0; k + 16 <= n; k += 16)
                if (chunk[k] == 0xff && !memcmp(chunk + k, BUILDINFO_MAGIC, sizeof BUILDINFO_MAGIC) &&
                    pos + k + 32 <= end) {
                    *at = pos + k;
                    found = true;
                    break;
                }
            pos += n;
            budget -= n;
        }
    }
    free(chunk);
    return found;
}

/* ---------- module info text ---------- */

/* Split line s (NUL-terminated, modified in place) on tabs into at most max fields. */
static size_t split_tabs(char *s, char **f, size_t max)
{
    size_t n = 0;
    while (n < max) {
        f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return n;
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* build settings worth carrying into the SBOM (others, such as -ldflags, may hold secrets) */
static bool keep_build_key(const char *kv)
{
    static const char *const keys[] = {"GOOS=", "GOARCH=", "GOAMD64=", "GOARM=", "CGO_ENABLED=", "-buildmode=",
                                       "-compiler=", "-trimpath=", "-tags=", "vcs=", "vcs.revision=", "vcs.time=",
                                       "vcs.modified="};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strncmp(kv, keys[i], strlen(keys[i])))
            return true;
    return false;
}

static cg_status parse_modinfo(cg_cat_ctx *ctx, const char *path, char *mi, size_t len, go_result *r)
{
    cg_arena *a = cg_cat_arena(ctx);
    /* cmd/go wraps the text in two 16-byte sentinels (arbitrary bytes, NULs
     * included); the byte before the end one is '\n'.  A NUL inside the text
     * itself ends it early. */
    if (len < 33 || mi[len - 17] != '\n')
        return CG_OK;
    mi[len - 16] = '\0';
    mi += 16;
    size_t cap_mods = 0, cap_build = 0, n_lines = 0;
    go_mod *last = NULL;
    for (char *line = mi; line && *line; n_lines++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *f[5] = {NULL, NULL, NULL, NULL, NULL}; /* split_tabs sets f[0..nf) */
        size_t nf = split_tabs(line, f, 5);
        if (!strcmp(f[0], "path") && nf >= 2) {
            r->pkgpath = f[1];
        } else if ((!strcmp(f[0], "mod") || !strcmp(f[0], "dep")) && nf >= 2 && *f[1]) {
            go_mod *m;
            if (f[0][0] == 'm') {
                m = &r->main;
            } else {
                if (r->n_mods >= GO_MAX_MODS) {
                    cg_cat_warn(ctx, "/%s: more than %u modules in the build info; the rest are ignored", path,
                                GO_MAX_MODS);
                    break;
                }
                if (r->n_mods == cap_mods) {
                    size_t nc = cap_mods ? cap_mods * 2 : 32;
                    go_mod *nm = cg_arena_calloc(a, nc, sizeof *nm);
                    if (!nm)
                        return CG_ERR_NOMEM;
                    if (r->n_mods)
                        memcpy(nm, r->mods, r->n_mods * sizeof *nm);
                    r->mods = nm;
                    cap_mods = nc;
                }
                m = &r->mods[r->n_mods++];
            }
            *m = (go_mod){f[1], nf >= 3 ? nz(f[2]) : NULL, nf >= 4 ? nz(f[3]) : NULL, NULL, NULL, false};
            last = m;
        } else if (!strcmp(f[0], "=>") && nf >= 2 && *f[1] && last) {
            last->rpath = f[1];
            last->rversion = nf >= 3 ? nz(f[2]) : NULL;
            if (nf >= 4 && nz(f[3]))
                last->sum = f[3];
            last = NULL;
        } else if (!strcmp(f[0], "build") && nf >= 2 && keep_build_key(f[1])) {
            if (r->n_build == cap_build) {
                size_t nc = cap_build ? cap_build * 2 : 16;
                const char **nb = cg_arena_calloc(a, nc, sizeof *nb);
                if (!nb)
                    return CG_ERR_NOMEM;
                if (r->n_build)
                    memcpy(nb, r->build, r->n_build * sizeof *nb);
                r->build = nb;
                cap_build = nc;
            }
            r->build[r->n_build++] = f[1];
        }
        line = nl ? nl + 1 : NULL;
    }
    return CG_OK;
}

static cg_status parse_binary(cg_cat_ctx *ctx, const cg_cat_file *f, void **result)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_elf e;
    const char *why;
    cg_elf_status es = cg_elf_open(&e, f->data, f->fd, f->len, &why);
    if (es == CG_ELF_NOMEM)
        return CG_ERR_NOMEM;
    if (es != CG_ELF_OK) {
        cg_cat_warn(ctx, "/%s: Go binary: %s", f->path, why);
        cg_elf_close(&e);
        return CG_OK;
    }
    cg_status st = CG_OK;
    bool nomem = false;
    uint64_t at;
    uint8_t hdr[32];
    char *vers = NULL, *mi = NULL;
    size_t mi_len = 0;
    if (!find_buildinfo(&e, &at) || !cg_elf_read(&e, at, hdr, sizeof hdr)) {
        cg_cat_warn(ctx, "/%s: Go binary without readable build information", f->path);
        goto out;
    }
    size_t ptrsize = hdr[14];
    uint8_t flags = hdr[15];
    if (flags & 2) { /* Go >= 1.18: two varint-prefixed strings after the header */
        uint64_t off = at + 32, n;
        if (read_uvarint(&e, &off, &n) && (vers = read_str(a, &e, off, n, NULL, &nomem)) != NULL) {
            off += n;
            if (read_uvarint(&e, &off, &n))
                mi = read_str(a, &e, off, n, &mi_len, &nomem);
        }
    } else if (ptrsize == 4 || ptrsize == 8) { /* older: pointers to string headers */
        bool big = flags & 1;
        uint64_t pv = cg_elf_uint(big, hdr + 16, ptrsize), pm = cg_elf_uint(big, hdr + 16 + ptrsize, ptrsize);
        vers = read_gostring(a, &e, pv, ptrsize, big, NULL, &nomem);
        if (vers)
            mi = read_gostring(a, &e, pm, ptrsize, big, &mi_len, &nomem);
    }
    if (nomem) {
        st = CG_ERR_NOMEM;
        goto out;
    }
    if (!vers) {
        cg_cat_warn(ctx, "/%s: Go build information points outside the file or is malformed", f->path);
        goto out;
    }
    go_result *r = cg_arena_calloc(a, 1, sizeof *r);
    if (!r) {
        st = CG_ERR_NOMEM;
        goto out;
    }
    r->kind = R_BIN;
    r->toolchain = vers;
    if (mi && (st = parse_modinfo(ctx, f->path, mi, mi_len, r)) != CG_OK)
        goto out;
    *result = r;
out:
    cg_elf_close(&e);
    return st;
}

/* ---------- go.mod ---------- */

/* Next whitespace-separated token of line[*i..n) (a "quoted" one unquoted). */
static bool next_tok(const char *l, size_t n, size_t *i, const char **t, size_t *tn)
{
    while (*i < n && (l[*i] == ' ' || l[*i] == '\t' || l[*i] == '\r'))
        (*i)++;
    if (*i >= n || (l[*i] == '/' && *i + 1 < n && l[*i + 1] == '/'))
        return false;
    size_t s = *i;
    if (l[s] == '"' || l[s] == '`') {
        char q = l[s];
        size_t e = s + 1;
        while (e < n && l[e] != q)
            e++;
        *t = l + s + 1;
        *tn = e - s - 1;
        *i = e < n ? e + 1 : e;
        return true;
    }
    while (*i < n && l[*i] != ' ' && l[*i] != '\t' && l[*i] != '\r')
        (*i)++;
    *t = l + s;
    *tn = *i - s;
    return true;
}

typedef struct mod_vec {
    go_mod *v;
    size_t n, cap;
} mod_vec;

static go_mod *mod_push(cg_arena *a, mod_vec *mv)
{
    if (mv->n == mv->cap) {
        size_t nc = mv->cap ? mv->cap * 2 : 32;
        go_mod *nv = cg_arena_calloc(a, nc, sizeof *nv);
        if (!nv)
            return NULL;
        if (mv->n)
            memcpy(nv, mv->v, mv->n * sizeof *nv);
        mv->v = nv;
        mv->cap = nc;
    }
    return &mv->v[mv->n++];
}

/* One directive body (after "require"/"replace" or inside its block). */
static cg_status gomod_directive(cg_arena *a, int kind, const char *l, size_t n, mod_vec *req, mod_vec *rep)
{
    const char *t[6];
    size_t tn[6], nt = 0, i = 0;
    while (nt < 6 && next_tok(l, n, &i, &t[nt], &tn[nt]))
        nt++;
    if (kind == 'q' && nt >= 2) {
        go_mod *m = mod_push(a, req);
        if (!m)
            return CG_ERR_NOMEM;
        memset(m, 0, sizeof *m);
        m->path = cg_arena_strndup(a, t[0], tn[0]);
        m->version = cg_arena_strndup(a, t[1], tn[1]);
        const char *c = memchr(l, '/', n);
        while (c && (size_t)(c - l) + 1 < n && c[1] != '/')
            c = memchr(c + 1, '/', n - (size_t)(c + 1 - l));
        if (c) {
            size_t rest = n - (size_t)(c - l);
            for (size_t k = 0; k + 8 <= rest; k++)
                if (!memcmp(c + k, "indirect", 8))
                    m->indirect = true;
        }
        if (!m->path || !m->version)
            return CG_ERR_NOMEM;
    } else if (kind == 'p') {
        /* PATH [VERSION] => NEWPATH [NEWVERSION] */
        size_t arrow = 0;
        while (arrow < nt && !(tn[arrow] == 2 && !memcmp(t[arrow], "=>", 2)))
            arrow++;
        if (arrow == 0 || arrow > 2 || arrow + 1 >= nt)
            return CG_OK;
        go_mod *m = mod_push(a, rep);
        if (!m)
            return CG_ERR_NOMEM;
        memset(m, 0, sizeof *m);
        m->path = cg_arena_strndup(a, t[0], tn[0]);
        m->version = arrow == 2 ? cg_arena_strndup(a, t[1], tn[1]) : NULL;
        m->rpath = cg_arena_strndup(a, t[arrow + 1], tn[arrow + 1]);
        m->rversion = arrow + 2 < nt ? cg_arena_strndup(a, t[arrow + 2], tn[arrow + 2]) : NULL;
        if (!m->path || !m->rpath)
            return CG_ERR_NOMEM;
    }
    return CG_OK;
}

static cg_status parse_gomod(cg_cat_ctx *ctx, const cg_cat_file *f, void **result)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *d = (const char *)f->data;
    mod_vec req = {0}, rep = {0};
    int block = 0; /* 0, 'q' require (...), 'p' replace (...), 'x' another block */
    size_t pos = 0;
    for (size_t lines = 0; pos < f->len && lines < 1000000; lines++) {
        const char *nl = memchr(d + pos, '\n', f->len - pos);
        size_t n = nl ? (size_t)(nl - d) - pos : f->len - pos;
        const char *l = d + pos;
        pos += n + 1;
        size_t i = 0;
        const char *t;
        size_t tn;
        if (!next_tok(l, n, &i, &t, &tn))
            continue;
        if (block) {
            if (tn == 1 && *t == ')') {
                block = 0;
                continue;
            }
            if (block != 'x' && gomod_directive(a, block, l, n, &req, &rep) != CG_OK)
                return CG_ERR_NOMEM;
            if (req.n + rep.n > GO_MAX_MODS)
                break;
            continue;
        }
        int kind = tn == 7 && !memcmp(t, "require", 7) ? 'q' : tn == 7 && !memcmp(t, "replace", 7) ? 'p' : 'x';
        size_t j = i;
        const char *t2;
        size_t tn2;
        if (next_tok(l, n, &j, &t2, &tn2) && tn2 == 1 && *t2 == '(') {
            block = kind;
            continue;
        }
        if (kind != 'x' && gomod_directive(a, kind, l + i, n - i, &req, &rep) != CG_OK)
            return CG_ERR_NOMEM;
    }
    if (req.n > GO_MAX_MODS)
        cg_cat_warn(ctx, "/%s: more than %u requirements; the rest are ignored", f->path, GO_MAX_MODS);
    /* apply replacements: a versioned one applies to that version only */
    for (size_t k = 0; k < req.n; k++)
        for (size_t j = 0; j < rep.n; j++)
            if (!strcmp(req.v[k].path, rep.v[j].path) &&
                (!rep.v[j].version || !strcmp(rep.v[j].version, req.v[k].version))) {
                req.v[k].rpath = rep.v[j].rpath;
                req.v[k].rversion = rep.v[j].rversion;
            }
    go_result *r = cg_arena_calloc(a, 1, sizeof *r);
    if (!r)
        return CG_ERR_NOMEM;
    r->kind = R_MOD;
    r->mods = req.v;
    r->n_mods = req.n;
    *result = r;
    return CG_OK;
}

static cg_status golang_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    *result = NULL;
    cg_status st;
    size_t len = strlen(f->path);
    if (cg_lock_has_base(f->path, len, "go.mod") && f->data)
        st = parse_gomod(ctx, f, result);
    else
        st = parse_binary(ctx, f, result);
    return st == CG_OK ? CG_OK : cg_error_set(err, st, "out of memory");
}

/* ---------- emitting packages ---------- */

/* "go1.20.4" -> "1.20.4", "go1.21" -> "1.21.0", "go1.21rc2" -> "1.21.0-rc.2"; NULL otherwise. */
static char *stdlib_version(cg_arena *a, const char *tc)
{
    if (strncmp(tc, "go", 2) != 0)
        return NULL;
    const char *p = tc + 2;
    unsigned long v[3] = {0, 0, 0};
    int nv = 0;
    while (nv < 3 && *p >= '0' && *p <= '9') {
        char *end;
        v[nv++] = strtoul(p, &end, 10);
        if (end - p > 6)
            return NULL;
        p = end;
        if (*p != '.')
            break;
        p++;
    }
    if (nv < 2 || p[-1] == '.')
        return NULL;
    const char *pre = NULL;
    unsigned long pn = 0;
    if (!strncmp(p, "rc", 2) || !strncmp(p, "beta", 4)) {
        pre = p[0] == 'r' ? "rc" : "beta";
        p += strlen(pre);
        char *end;
        pn = strtoul(p, &end, 10);
        if (end == p || end - p > 6)
            return NULL;
        p = end;
    }
    if (*p && *p != ' ' && *p != '-')
        return NULL;
    if (pre)
        return cg_arena_sprintf(a, "%lu.%lu.%lu-%s.%lu", v[0], v[1], v[2], pre, pn);
    return cg_arena_sprintf(a, "%lu.%lu.%lu", v[0], v[1], v[2]);
}

static cg_package *new_pkg(cg_cat_ctx *ctx, const cg_cat_node *node, const char *name, const char *version,
                           cg_status *st)
{
    cg_package *p = cg_cat_add_package(ctx);
    if (!p) {
        *st = CG_ERR_NOMEM;
        return NULL;
    }
    p->type = "golang";
    /* purl: module path "github.com/foo/bar" -> namespace "github.com/foo", name "bar" */
    const char *slash = strrchr(name, '/');
    if (slash && slash != name && slash[1]) {
        p->namespace_ = cg_arena_strndup(cg_cat_arena(ctx), name, (size_t)(slash - name));
        p->name = slash + 1;
    } else {
        p->name = name;
    }
    p->version = version;
    p->cataloger = "golang";
    p->layer = node->layer;
    *st = cg_cat_add_location(ctx, p, node->path, node->layer);
    return p;
}

static cg_status add_props(cg_cat_ctx *ctx, cg_package *p, const char *const *kv, size_t n)
{
    cg_status st = CG_OK;
    for (size_t i = 0; i + 1 < n && st == CG_OK; i += 2)
        if (kv[i + 1])
            st = cg_cat_add_prop(ctx, p, kv[i], kv[i + 1]);
    return st;
}

/* A module (dep, main module or go.mod requirement), replacement honoured. */
static cg_package *emit_mod(cg_cat_ctx *ctx, const cg_cat_node *node, const go_mod *m, cg_status *st)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *name = m->path, *version = m->version;
    const char *replaces = NULL, *replaced_by = NULL;
    /* go.mod reference, "replace": a path beginning with ./ ../ or / is a directory */
    bool local = m->rpath && (m->rpath[0] == '.' || m->rpath[0] == '/');
    if (m->rpath && !local && m->rversion) { /* module replacement: what was built is the replacement */
        name = m->rpath;
        version = m->rversion;
        replaces = m->version ? cg_arena_sprintf(a, "%s@%s", m->path, m->version) : m->path;
    } else if (m->rpath) { /* a local directory: its code has no module version ("(devel)", as go reports) */
        version = "(devel)";
        replaced_by = m->rpath;
    }
    cg_package *p = new_pkg(ctx, node, name, version, st);
    if (!p || *st != CG_OK)
        return p;
    const char *kv[] = {"cgate:go:replaces", replaces, "cgate:go:replaced-by", replaced_by, "cgate:go:sum", m->sum,
                        "cgate:go:indirect", m->indirect ? "true" : NULL, "cgate:go:devel", replaced_by ? "true" : NULL};
    *st = add_props(ctx, p, kv, sizeof kv / sizeof kv[0]);
    return p;
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static cg_status emit_binary(cg_cat_ctx *ctx, const cg_cat_node *node, const go_result *r)
{
    cg_arena *a = cg_cat_arena(ctx);
    cg_status st = CG_OK;
    const char **names = cg_arena_calloc(a, r->n_mods + 2, sizeof *names);
    if (!names)
        return CG_ERR_NOMEM;
    size_t nn = 0;
    for (size_t i = 0; i < r->n_mods && st == CG_OK; i++) {
        const go_mod *m = &r->mods[i];
        cg_package *p = emit_mod(ctx, node, m, &st);
        if (p && st == CG_OK)
            names[nn] = p->namespace_ ? cg_arena_sprintf(a, "%s/%s", p->namespace_, p->name) : p->name;
        if (p && st == CG_OK && !names[nn++])
            st = CG_ERR_NOMEM;
    }
    char *sv = st == CG_OK ? stdlib_version(a, r->toolchain) : NULL;
    if (sv) {
        cg_package *p = new_pkg(ctx, node, "stdlib", sv, &st);
        const char *kv[] = {"cgate:go:toolchain", r->toolchain, "cgate:go:package", r->pkgpath};
        if (p && st == CG_OK)
            st = add_props(ctx, p, kv, sizeof kv / sizeof kv[0]);
        names[nn++] = "stdlib";
    }
    /* "command-line-arguments": built from files, not a module */
    if (st == CG_OK && r->main.path && strcmp(r->main.path, "command-line-arguments") != 0) {
        bool devel = !r->main.version || !strcmp(r->main.version, "(devel)");
        go_mod mm = r->main;
        if (!mm.version)
            mm.version = "(devel)";
        cg_package *p = emit_mod(ctx, node, &mm, &st);
        const char *kv[] = {"cgate:go:main-module", "true", "cgate:go:devel", devel ? "true" : NULL,
                            "cgate:go:toolchain", r->toolchain, "cgate:go:package", r->pkgpath};
        if (p && st == CG_OK)
            st = add_props(ctx, p, kv, sizeof kv / sizeof kv[0]);
        for (size_t i = 0; p && st == CG_OK && i < r->n_build; i++) {
            const char *eq = strchr(r->build[i], '=');
            const char *key = cg_arena_sprintf(a, "cgate:go:build:%.*s", (int)(eq - r->build[i]), r->build[i]);
            st = key ? cg_cat_add_prop(ctx, p, key, eq + 1) : CG_ERR_NOMEM;
        }
        if (p && st == CG_OK && nn) {
            qsort(names, nn, sizeof *names, str_cmp);
            p->depends = names;
            p->n_depends = nn;
        }
    } else if (st == CG_OK && !sv && !r->n_mods) {
        cg_cat_warn(ctx, "/%s: Go binary with toolchain \"%s\" and no module information: nothing to report",
                    node->path, r->toolchain);
    }
    return st;
}

static cg_status golang_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    cg_status st = CG_OK;
    bool any_binary = false;
    for (size_t i = 0; i < n && st == CG_OK; i++) {
        const go_result *r = nodes[i]->result;
        if (r && r->kind == R_BIN) {
            any_binary = true;
            st = emit_binary(ctx, nodes[i], r);
        }
    }
    /* go.mod describes what a build would use; a binary says what was built */
    for (size_t i = 0; i < n && st == CG_OK && !any_binary; i++) {
        const go_result *r = nodes[i]->result;
        if (!r || r->kind != R_MOD)
            continue;
        for (size_t k = 0; k < r->n_mods && st == CG_OK; k++) {
            cg_package *p = emit_mod(ctx, nodes[i], &r->mods[k], &st);
            (void)p;
        }
    }
    return st == CG_OK ? CG_OK : cg_error_set(err, st, "out of memory");
}

const cg_cataloger cg_cataloger_golang = {
    .name = "golang",
    .purl_type = "golang",
    .wants = golang_wants,
    .parse = golang_parse,
    .finish = golang_finish,
    .sniff = golang_sniff,
    .sniff_mode = 0111, /* executables only, as Trivy's Go binary analyzer */
};
