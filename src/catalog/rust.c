/*
 * rust.c - Rust crates from Cargo.lock files and from `cargo auditable`
 * executables (zlib-compressed JSON in the .dep-v0 ELF section:
 * {"packages":[{"name","version","source","kind","dependencies":[i..],"root"}]}).
 *
 * Cargo.lock is read by a small line reader of its own: only the
 * [[package]] tables and their name / version / source / checksum /
 * dependencies keys matter, everything else is skipped.  Binaries are claimed
 * by content: the section table sits at the end of a file, out of sniff()'s
 * sight, so the head decides which executables are worth spilling (see
 * rust_sniff).  The compressed section is capped and so is what it inflates
 * to (a zlib bomb is a warning).  Cargo.lock files inside Cargo's registry
 * and git caches or vendored directories describe other crates' builds and
 * are not read.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "catalog/catalog.h"
#include "catalog/elf.h"
#include "catalog/lockutil.h"
#include "core/json.h"

#define RUST_BIN_MAX ((size_t)4 << 30)
#define RUST_LOCK_MAX ((size_t)16 << 20)
#define DEP_Z_MAX ((uint64_t)8 << 20)      /* compressed .dep-v0 */
#define DEP_JSON_MAX ((size_t)16 << 20)    /* what it may inflate to */
#define RUST_MAX_PKGS 100000u
#define RUST_MAX_DEPS 4096u                /* per package */

typedef struct rs_pkg {
    const char *name, *version, *source, *checksum, *kind;
    bool root;
    const char **deps; /* names */
    size_t n_deps;
} rs_pkg;

typedef struct rs_result {
    bool binary;
    rs_pkg *pkgs;
    size_t n;
} rs_result;

/* ---------- claiming files ---------- */

static bool under(const char *path, const char *dir)
{
    return strstr(path, dir) != NULL || !strncmp(path, dir + 1, strlen(dir) - 1);
}

static bool rust_wants(const char *path, size_t len, cg_cat_want *w)
{
    if (!cg_lock_has_base(path, len, "Cargo.lock"))
        return false;
    if (under(path, "/cargo/registry/") || under(path, "/.cargo/registry/") || under(path, "/cargo/git/") ||
        under(path, "/.cargo/git/") || under(path, "/vendor/"))
        return false;
    *w = (cg_cat_want){.max_size = RUST_LOCK_MAX, .essential = false};
    return true;
}

static bool mem_has(const uint8_t *h, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (h[i] == (uint8_t)s[0] && !memcmp(h + i, s, k))
            return true;
    return false;
}

static bool system_dir(const char *p)
{
    static const char *const dirs[] = {"usr/bin/", "usr/sbin/", "bin/", "sbin/", "usr/lib/", "usr/lib64/",
                                       "usr/libexec/", "lib/", "lib64/", "usr/lib32/", "lib32/"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (!strncmp(p, dirs[i], strlen(dirs[i])))
            return true;
    return false;
}

/*
 * Which executables to spill.  A Debian image holds ~300 ELF executables
 * (~30 MB) and ~400 shared libraries; spilling them all to look for a
 * section that almost none has would cost more than the rest of the pass.
 * The head shows the program headers and, for small programs, the dynamic
 * string table, so:
 *   - shared libraries (".so" in the name) and Go binaries: never;
 *   - static executables (no PT_INTERP): always (Rust built for musl, FROM
 *     scratch images; distros ship few of them);
 *   - dynamic executables whose imports are visible: only when they import
 *     the unwinder (_Unwind_*, libgcc_s), which Rust's std always does;
 *   - dynamic executables whose string table lies past the head: only
 *     outside the distro's own directories (usr/bin, usr/lib, ...), where an
 *     application copied into the image lives.
 */
static bool rust_sniff(const cg_cat_entry *e, const uint8_t *head, size_t n, cg_cat_want *w)
{
    cg_elf_hdr h;
    if (n < 64 || head[0] != 0x7f || !cg_elf_ident(head, n, &h))
        return false;
    if (h.type != CG_ET_EXEC && h.type != CG_ET_DYN)
        return false;
    const char *base = strrchr(e->path, '/');
    base = base ? base + 1 : e->path;
    if (strstr(base, ".so"))
        return false;
    if (h.phoff > n || (uint64_t)h.phnum * h.phentsize > n - h.phoff)
        return false; /* program headers past the head: not a normal executable */
    bool interp = false, dynamic = false;
    for (size_t i = 0; i < h.phnum; i++) {
        uint32_t t = (uint32_t)cg_elf_uint(h.big, head + h.phoff + i * h.phentsize, 4);
        interp = interp || t == CG_PT_INTERP;
        dynamic = dynamic || t == CG_PT_DYNAMIC;
    }
    if (cg_elf_head_has_note(head, n, &h, "Go", 4))
        return false;
    bool want;
    if (!interp)
        want = h.type == CG_ET_EXEC || dynamic; /* static, or static-pie */
    else if (mem_has(head, n, "_Unwind_") || mem_has(head, n, "libgcc_s"))
        want = true;
    else if (mem_has(head, n, "GLIBC_") || mem_has(head, n, "libc.so") || mem_has(head, n, "libc.musl"))
        want = false;
    else
        want = !system_dir(e->path);
    if (want)
        *w = (cg_cat_want){.max_size = RUST_BIN_MAX, .essential = false, .spill = true, .evidence = CG_EV_INSTALLED};
    return want;
}

/* ---------- cargo auditable ---------- */

static cg_status add_pkg(cg_arena *a, rs_result *r, size_t *cap, rs_pkg **out)
{
    if (r->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        rs_pkg *np = cg_arena_calloc(a, nc, sizeof *np);
        if (!np)
            return CG_ERR_NOMEM;
        if (r->n)
            memcpy(np, r->pkgs, r->n * sizeof *np);
        r->pkgs = np;
        *cap = nc;
    }
    *out = &r->pkgs[r->n++];
    memset(*out, 0, sizeof **out);
    return CG_OK;
}

static const char *jdup(cg_arena *a, const json_t *o, const char *key, bool *nomem)
{
    const char *s = cg_json_str(o, key);
    if (!s)
        return NULL;
    char *d = cg_arena_strdup(a, s);
    if (!d)
        *nomem = true;
    return d;
}

/* Inflate src into at most DEP_JSON_MAX bytes (malloc'd).  1: ok, 0: bad or
 * too large (*why set), -1: out of memory. */
static int inflate_capped(const uint8_t *src, size_t n, uint8_t **out, size_t *out_len, const char **why)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return -1;
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        inflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (len == cap) {
            if (cap >= DEP_JSON_MAX) {
                *why = "inflates to more than 16 MiB (a zlib bomb?)";
                break;
            }
            size_t nc = cap * 2 > DEP_JSON_MAX ? DEP_JSON_MAX : cap * 2;
            uint8_t *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                inflateEnd(&z);
                return -1;
            }
            buf = nb;
            cap = nc;
        }
        z.next_out = buf + len;
        z.avail_out = (uInt)(cap - len);
        rc = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            *why = "zlib stream truncated";
            break;
        }
        if (rc == Z_BUF_ERROR && len == cap)
            rc = Z_OK; /* needs more room */
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        if (!*why)
            *why = "not a valid zlib stream";
        free(buf);
        return 0;
    }
    *out = buf;
    *out_len = len;
    return 1;
}

static cg_status parse_dep_json(cg_cat_ctx *ctx, const char *path, const uint8_t *js, size_t len, rs_result *r)
{
    cg_arena *a = cg_cat_arena(ctx);
    json_t *root = NULL;
    cg_error jerr;
    if (cg_json_parse(js, len, ".dep-v0", &root, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s: cargo auditable data: %s", path, jerr.msg);
        return CG_OK;
    }
    json_t *pk = json_object_get(root, "packages");
    if (!json_is_array(pk)) {
        cg_cat_warn(ctx, "/%s: cargo auditable data without a \"packages\" array", path);
        json_decref(root);
        return CG_OK;
    }
    size_t np = json_array_size(pk), cap = 0;
    if (np > RUST_MAX_PKGS) {
        cg_cat_warn(ctx, "/%s: cargo auditable data lists %zu packages; only the first %u are read", path, np,
                    RUST_MAX_PKGS);
        np = RUST_MAX_PKGS;
    }
    /* names first, so dependency indices can be resolved */
    const char **names = cg_arena_calloc(a, np ? np : 1, sizeof *names);
    bool nomem = !names;
    for (size_t i = 0; i < np && !nomem; i++)
        names[i] = jdup(a, json_array_get(pk, i), "name", &nomem);
    size_t bad = 0;
    for (size_t i = 0; i < np && !nomem; i++) {
        json_t *o = json_array_get(pk, i);
        const char *version = jdup(a, o, "version", &nomem);
        if (!names[i] || !version) {
            bad++;
            continue;
        }
        rs_pkg *p;
        if (add_pkg(a, r, &cap, &p) != CG_OK) {
            nomem = true;
            break;
        }
        p->name = names[i];
        p->version = version;
        p->source = jdup(a, o, "source", &nomem);
        p->kind = jdup(a, o, "kind", &nomem);
        p->root = json_is_true(json_object_get(o, "root"));
        json_t *deps = json_object_get(o, "dependencies");
        size_t nd = json_is_array(deps) ? json_array_size(deps) : 0;
        if (nd > RUST_MAX_DEPS)
            nd = RUST_MAX_DEPS;
        p->deps = nd ? cg_arena_calloc(a, nd, sizeof *p->deps) : NULL;
        if (nd && !p->deps) {
            nomem = true;
            break;
        }
        for (size_t k = 0; k < nd; k++) {
            json_t *ix = json_array_get(deps, k);
            if (json_is_integer(ix) && json_integer_value(ix) >= 0 && (size_t)json_integer_value(ix) < np &&
                names[json_integer_value(ix)])
                p->deps[p->n_deps++] = names[json_integer_value(ix)];
        }
    }
    json_decref(root);
    if (nomem)
        return CG_ERR_NOMEM;
    if (bad)
        cg_cat_warn(ctx, "/%s: cargo auditable data: %zu packages without a name or version skipped", path, bad);
    return CG_OK;
}

static cg_status parse_binary(cg_cat_ctx *ctx, const cg_cat_file *f, void **result)
{
    cg_elf e;
    const char *why;
    cg_elf_status es = cg_elf_open(&e, f->data, f->fd, f->len, &why);
    if (es == CG_ELF_NOMEM)
        return CG_ERR_NOMEM;
    const cg_elf_shdr *s = es == CG_ELF_OK ? cg_elf_section(&e, ".dep-v0") : NULL;
    if (!s) { /* most candidates are simply not auditable binaries */
        cg_elf_close(&e);
        return CG_OK;
    }
    cg_status st = CG_OK;
    uint8_t *z = NULL, *js = NULL;
    size_t js_len = 0;
    why = NULL;
    if (s->type == CG_SHT_NOBITS || s->offset > e.size || s->size > e.size - s->offset)
        why = ".dep-v0 section lies outside the file";
    else if (s->size > DEP_Z_MAX)
        why = ".dep-v0 section larger than 8 MiB";
    else if (!(z = malloc(s->size ? (size_t)s->size : 1)))
        st = CG_ERR_NOMEM;
    else if (!cg_elf_read(&e, s->offset, z, (size_t)s->size))
        why = ".dep-v0 section cannot be read";
    if (st == CG_OK && !why) {
        int ir = inflate_capped(z, (size_t)s->size, &js, &js_len, &why);
        if (ir < 0)
            st = CG_ERR_NOMEM;
    }
    if (st == CG_OK && !why && js) {
        rs_result *r = cg_arena_calloc(cg_cat_arena(ctx), 1, sizeof *r);
        if (!r)
            st = CG_ERR_NOMEM;
        else {
            r->binary = true;
            st = parse_dep_json(ctx, f->path, js, js_len, r);
            *result = r;
        }
    }
    if (st == CG_OK && why)
        cg_cat_warn(ctx, "/%s: cargo auditable data: %s", f->path, why);
    free(z);
    free(js);
    cg_elf_close(&e);
    return st;
}

/* ---------- Cargo.lock ---------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

static span trim(span s)
{
    while (s.n && (*s.p == ' ' || *s.p == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

/* A TOML basic string "..." at the start of s (escapes kept as written: the
 * values we read never need them); NULL when s is not one. */
static const char *toml_str(cg_arena *a, span s, bool *nomem)
{
    if (s.n < 2 || s.p[0] != '"')
        return NULL;
    const char *end = memchr(s.p + 1, '"', s.n - 1);
    if (!end)
        return NULL;
    char *d = cg_arena_strndup(a, s.p + 1, (size_t)(end - s.p - 1));
    if (!d)
        *nomem = true;
    return d;
}

/* "name 1.0.0 (registry+...)" -> "name" */
static const char *dep_name(cg_arena *a, span s, bool *nomem)
{
    const char *v = toml_str(a, s, nomem);
    if (!v)
        return NULL;
    char *sp = strchr(v, ' ');
    if (sp)
        *sp = '\0';
    return v;
}

static cg_status parse_lock(cg_cat_ctx *ctx, const cg_cat_file *f, void **result)
{
    cg_arena *a = cg_cat_arena(ctx);
    rs_result *r = cg_arena_calloc(a, 1, sizeof *r);
    if (!r)
        return CG_ERR_NOMEM;
    const char *d = (const char *)f->data;
    size_t pos = 0, cap = 0, dep_cap = 0;
    rs_pkg *cur = NULL;
    bool in_deps = false, nomem = false, warned = false;
    for (size_t lines = 0; pos < f->len && !nomem && lines < 4000000; lines++) {
        const char *nl = memchr(d + pos, '\n', f->len - pos);
        span l = {d + pos, nl ? (size_t)(nl - d) - pos : f->len - pos};
        pos += l.n + 1;
        l = trim(l);
        if (!l.n || l.p[0] == '#')
            continue;
        if (l.p[0] == '[' && !in_deps) {
            cur = NULL;
            if (l.n == 11 && !memcmp(l.p, "[[package]]", 11)) {
                if (r->n >= RUST_MAX_PKGS) {
                    if (!warned)
                        cg_cat_warn(ctx, "/%s: more than %u packages; the rest are ignored", f->path, RUST_MAX_PKGS);
                    warned = true;
                    continue;
                }
                if (add_pkg(a, r, &cap, &cur) != CG_OK)
                    return CG_ERR_NOMEM;
                dep_cap = 0;
            }
            continue;
        }
        if (!cur)
            continue;
        if (in_deps) { /* inside dependencies = [ ... ] */
            if (l.p[0] == ']') {
                in_deps = false;
                continue;
            }
            const char *dn = dep_name(a, l, &nomem);
            if (!dn || cur->n_deps >= RUST_MAX_DEPS)
                continue;
            if (cur->n_deps == dep_cap) {
                size_t nc = dep_cap ? dep_cap * 2 : 8;
                const char **nd = cg_arena_calloc(a, nc, sizeof *nd);
                if (!nd)
                    return CG_ERR_NOMEM;
                if (cur->n_deps)
                    memcpy(nd, cur->deps, cur->n_deps * sizeof *nd);
                cur->deps = nd;
                dep_cap = nc;
            }
            cur->deps[cur->n_deps++] = dn;
            continue;
        }
        const char *eq = memchr(l.p, '=', l.n);
        if (!eq)
            continue;
        span k = trim((span){l.p, (size_t)(eq - l.p)}), v = trim((span){eq + 1, l.n - (size_t)(eq - l.p) - 1});
#define KEY(s) (k.n == sizeof s - 1 && !memcmp(k.p, s, k.n))
        if (KEY("name"))
            cur->name = toml_str(a, v, &nomem);
        else if (KEY("version"))
            cur->version = toml_str(a, v, &nomem);
        else if (KEY("source"))
            cur->source = toml_str(a, v, &nomem);
        else if (KEY("checksum"))
            cur->checksum = toml_str(a, v, &nomem);
        else if (KEY("dependencies") && v.n && v.p[0] == '[') {
            /* one-line arrays ("[]", "[\"a\"]") or the multi-line form */
            if (v.n >= 2 && v.p[v.n - 1] == ']') {
                span in = {v.p + 1, v.n - 2};
                while (in.n && !nomem && cur->n_deps < RUST_MAX_DEPS) {
                    const char *c = memchr(in.p, ',', in.n);
                    span item = trim((span){in.p, c ? (size_t)(c - in.p) : in.n});
                    const char *dn = item.n ? dep_name(a, item, &nomem) : NULL;
                    if (dn) {
                        if (cur->n_deps == dep_cap) {
                            size_t nc = dep_cap ? dep_cap * 2 : 8;
                            const char **nd = cg_arena_calloc(a, nc, sizeof *nd);
                            if (!nd)
                                return CG_ERR_NOMEM;
                            if (cur->n_deps)
                                memcpy(nd, cur->deps, cur->n_deps * sizeof *nd);
                            cur->deps = nd;
                            dep_cap = nc;
                        }
                        cur->deps[cur->n_deps++] = dn;
                    }
                    if (!c)
                        break;
                    in.n -= (size_t)(c - in.p) + 1;
                    in.p = c + 1;
                }
            } else {
                in_deps = true;
            }
        }
#undef KEY
    }
    if (nomem)
        return CG_ERR_NOMEM;
    size_t k = 0, bad = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->pkgs[i].name && r->pkgs[i].version)
            r->pkgs[k++] = r->pkgs[i];
        else
            bad++;
    }
    r->n = k;
    if (bad)
        cg_cat_warn(ctx, "/%s: %zu [[package]] entries without a name or version skipped", f->path, bad);
    *result = r;
    return CG_OK;
}

static cg_status rust_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    *result = NULL;
    cg_status st;
    if (cg_lock_has_base(f->path, strlen(f->path), "Cargo.lock") && f->data)
        st = parse_lock(ctx, f, result);
    else
        st = parse_binary(ctx, f, result);
    return st == CG_OK ? CG_OK : cg_error_set(err, st, "out of memory");
}

/* ---------- emitting packages ---------- */

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* crates.io in Cargo.lock is "registry+https://github.com/rust-lang/crates.io-index"
 * (or the sparse "registry+sparse+https://index.crates.io/"); in auditable data "crates.io" */
static cg_status emit(cg_cat_ctx *ctx, const cg_cat_node *node, const rs_result *r)
{
    cg_status st = CG_OK;
    for (size_t i = 0; i < r->n && st == CG_OK; i++) {
        const rs_pkg *rp = &r->pkgs[i];
        cg_package *p = cg_cat_add_package(ctx);
        if (!p)
            return CG_ERR_NOMEM;
        p->type = "cargo";
        p->name = rp->name;
        p->version = rp->version;
        p->cataloger = "rust";
        p->layer = node->layer;
        if (rp->n_deps) {
            qsort((void *)rp->deps, rp->n_deps, sizeof *rp->deps, str_cmp);
            p->depends = rp->deps;
            p->n_depends = rp->n_deps;
        }
        st = cg_cat_add_location(ctx, p, node->path, node->layer);
        const char *kv[] = {"cgate:rust:source", rp->source,
                            "cgate:rust:checksum", rp->checksum,
                            "cgate:rust:kind", rp->kind,
                            "cgate:rust:root", rp->root ? "true" : NULL,
                            "cgate:rust:metadata-source", r->binary ? "cargo-auditable" : "Cargo.lock"};
        for (size_t k = 0; k + 1 < sizeof kv / sizeof kv[0] && st == CG_OK; k += 2)
            if (kv[k + 1])
                st = cg_cat_add_prop(ctx, p, kv[k], kv[k + 1]);
    }
    return st;
}

static cg_status rust_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n, cg_error *err)
{
    cg_status st = CG_OK;
    for (size_t i = 0; i < n && st == CG_OK; i++)
        if (nodes[i]->result)
            st = emit(ctx, nodes[i], nodes[i]->result);
    return st == CG_OK ? CG_OK : cg_error_set(err, st, "out of memory");
}

const cg_cataloger cg_cataloger_rust = {
    .name = "rust",
    .purl_type = "cargo",
    .wants = rust_wants,
    .parse = rust_parse,
    .finish = rust_finish,
    .sniff = rust_sniff,
    .sniff_mode = 0111, /* executables only */
};
