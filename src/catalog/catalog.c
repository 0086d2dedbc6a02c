/*
 * catalog.c - the services catalogers use (package list, warnings, distro)
 * and a small driver for unit tests.  The real driver, which feeds catalogers
 * from the streaming layer pass, is src/sbom/build.c.
 *
 * Memory (issue 17): a cataloger's parse results and finish() temporaries go
 * into a work arena its driver frees once the cataloger is done.  Its package
 * records live in pointer-stable chunks while it runs; cg_cat_compact() then
 * copies what they point to into one packed string store (short and repeated
 * strings and arrays interned) and moves the records into one array that
 * becomes the SBOM's package array without another copy.
 */
#include "catalog.h"

#include "core/strmap.h"
#include "core/vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct own_entry {
    const char *owner, *type;
} own_entry;

/* Records of the running cataloger: chunks of PKG_CHUNK records, mapped and
 * unmapped whole so their pages go back to the system at once. */
#define PKG_CHUNK 4096u
#define PACK_BLOCK (65536u - 64u)

struct cg_cat_ctx {
    cg_arena *arena;    /* persistent: the SBOM's arena (warnings, distro, pack blocks) */
    cg_arena *work;     /* what cg_cat_arena() returns (the running cataloger's) */
    cg_arena own_work;  /* work arena when the driver sets none (unit tests) */
    cg_arena own_arena; /* keys and entries of `owned` */
    cg_strmap owned; /* path without leading "/" -> own_entry */
    cg_strmap interned; /* short and repeated strings, stored once in the pack */
    cg_strmap blobs;    /* interned arrays (licences, properties), keyed by their bytes */
    cg_strmap memo;     /* cg_cat_memo_get/put */
    char *pk_cur;       /* the packed string store: bump pointer into a block of ctx->arena */
    size_t pk_left;
    struct pk_block { const char *at; size_t len; } *pk_blocks; /* sorted by address */
    size_t n_pk_blocks, cap_pk_blocks;
    cg_package **chunks; /* pending records (not yet compacted) */
    size_t n_chunks, n_pending;
    cg_package *final;  /* compacted records, an anonymous mapping grown with mremap */
    size_t n_final, final_bytes;
    cg_vec warns; /* const char * */
    cg_distro *distro;
    int distro_kept;    /* distro copied out of a work arena */
    int failed;         /* an allocation of the compaction failed */
};

cg_cat_ctx *cg_cat_ctx_new(cg_arena *a)
{
    cg_cat_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx) {
        ctx->arena = a;
        cg_arena_init(&ctx->own_work);
        cg_arena_init(&ctx->own_arena);
        ctx->work = &ctx->own_work;
        cg_strmap_init(&ctx->owned);
        cg_strmap_init(&ctx->interned);
        cg_strmap_init(&ctx->blobs);
        cg_strmap_init(&ctx->memo);
    }
    return ctx;
}

static void drop_chunks(cg_cat_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_chunks; i++)
        munmap(ctx->chunks[i], PKG_CHUNK * sizeof(cg_package));
    free(ctx->chunks);
    ctx->chunks = NULL;
    ctx->n_chunks = 0;
    ctx->n_pending = 0;
}

void cg_cat_ctx_free(cg_cat_ctx *ctx)
{
    if (!ctx)
        return;
    drop_chunks(ctx);
    if (ctx->final)
        munmap(ctx->final, ctx->final_bytes);
    free(ctx->warns.v);
    free(ctx->pk_blocks);
    cg_strmap_free(&ctx->owned);
    cg_strmap_free(&ctx->interned);
    cg_strmap_free(&ctx->blobs);
    cg_strmap_free(&ctx->memo);
    cg_arena_free(&ctx->own_work);
    cg_arena_free(&ctx->own_arena);
    free(ctx);
}

void cg_cat_set_arena(cg_cat_ctx *ctx, cg_arena *work) { ctx->work = work ? work : &ctx->own_work; }

void cg_cat_end_parse(cg_cat_ctx *ctx)
{
    cg_strmap_free(&ctx->memo);
    cg_strmap_init(&ctx->memo);
}

cg_arena *cg_cat_arena(cg_cat_ctx *ctx) { return ctx->work; }

/* ---- the packed store ---------------------------------------------------- */

/* A block of the store, remembered so in_pack() can tell its strings apart. */
static char *pack_block(cg_cat_ctx *ctx, size_t n)
{
    if (ctx->n_pk_blocks == ctx->cap_pk_blocks) {
        size_t nc = ctx->cap_pk_blocks ? ctx->cap_pk_blocks * 2 : 64;
        struct pk_block *v = realloc(ctx->pk_blocks, nc * sizeof *v);
        if (!v)
            return NULL;
        ctx->pk_blocks = v;
        ctx->cap_pk_blocks = nc;
    }
    char *b = cg_arena_alloc(ctx->arena, n);
    if (!b)
        return NULL;
    size_t i = ctx->n_pk_blocks;
    while (i > 0 && (uintptr_t)ctx->pk_blocks[i - 1].at > (uintptr_t)b) {
        ctx->pk_blocks[i] = ctx->pk_blocks[i - 1];
        i--;
    }
    ctx->pk_blocks[i] = (struct pk_block){b, n};
    ctx->n_pk_blocks++;
    return b;
}

/* Whether s lies in the packed store (kept already). */
static bool in_pack(const cg_cat_ctx *ctx, const void *s)
{
    uintptr_t p = (uintptr_t)s;
    size_t lo = 0, hi = ctx->n_pk_blocks;
    while (lo < hi) { /* the last block starting at or before p */
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)ctx->pk_blocks[mid].at <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && p - (uintptr_t)ctx->pk_blocks[lo - 1].at < ctx->pk_blocks[lo - 1].len;
}

/* n bytes aligned to align (a power of two, at most 16) in the packed store. */
static void *pack_alloc(cg_cat_ctx *ctx, size_t n, size_t align)
{
    size_t pad = (size_t)(-(uintptr_t)ctx->pk_cur & (align - 1));
    if (!ctx->pk_cur || ctx->pk_left < n + pad) {
        if (n > PACK_BLOCK / 4) /* big: a block of its own, the current one stays */
            return pack_block(ctx, n ? n : 1);
        char *b = pack_block(ctx, PACK_BLOCK);
        if (!b)
            return NULL;
        ctx->pk_cur = b;
        ctx->pk_left = PACK_BLOCK;
        pad = 0;
    }
    char *p = ctx->pk_cur + pad;
    ctx->pk_cur = p + n;
    ctx->pk_left -= n + pad;
    return p;
}

static const char *pack_strn(cg_cat_ctx *ctx, const char *s, size_t n)
{
    char *d = pack_alloc(ctx, n + 1, 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* One copy per distinct string: type names, property names and short values,
 * licences, suppliers repeat on many packages. */
static const char *intern(cg_cat_ctx *ctx, const char *s)
{
    size_t n = strlen(s);
    const char *hit = cg_strmap_get(&ctx->interned, s, n);
    if (hit)
        return hit;
    const char *copy = pack_strn(ctx, s, n);
    if (!copy || cg_strmap_put(&ctx->interned, copy, n, (void *)copy) != CG_OK)
        return NULL;
    return copy;
}

/* Copies for the compaction: NULL stays NULL, a string kept already stays
 * where it is, a failed copy marks ctx. */
static const char *keep_copy(cg_cat_ctx *ctx, const char *s)
{
    if (!s || in_pack(ctx, s))
        return s;
    const char *r = pack_strn(ctx, s, strlen(s));
    if (!r)
        ctx->failed = 1;
    return r;
}

static const char *keep_intern(cg_cat_ctx *ctx, const char *s)
{
    if (!s)
        return NULL;
    const char *r = intern(ctx, s);
    if (!r)
        ctx->failed = 1;
    return r;
}

/* Short values are mostly shared ("true", "MIT", "amd64"); long ones
 * (descriptions, paths, checksums) mostly unique: interning them would cost more. */
static const char *keep_auto(cg_cat_ctx *ctx, const char *s)
{
    return s && strlen(s) <= 24 ? keep_intern(ctx, s) : keep_copy(ctx, s);
}

/* An array of n bytes, interned by content (its pointers already point into
 * the store, so equal arrays are equal bytes) when share, else copied. */
static void *keep_array(cg_cat_ctx *ctx, const void *v, size_t n, int share)
{
    if (!v || !n)
        return NULL;
    if (share) {
        void *hit = cg_strmap_get(&ctx->blobs, v, n);
        if (hit)
            return hit;
    }
    void *d = pack_alloc(ctx, n, 8);
    if (!d) {
        ctx->failed = 1;
        return NULL;
    }
    memcpy(d, v, n);
    if (share && cg_strmap_put(&ctx->blobs, d, n, d) != CG_OK)
        ctx->failed = 1;
    return d;
}

void *cg_cat_keep_alloc(cg_cat_ctx *ctx, size_t n) { return pack_alloc(ctx, n ? n : 1, 1); }

const char *cg_cat_keep(cg_cat_ctx *ctx, const char *s)
{
    return s ? pack_strn(ctx, s, strlen(s)) : NULL;
}

/* ---- package records ------------------------------------------------------ */

static cg_package *pending_at(cg_cat_ctx *ctx, size_t i)
{
    return &ctx->chunks[i / PKG_CHUNK][i % PKG_CHUNK];
}

cg_package *cg_cat_add_package(cg_cat_ctx *ctx)
{
    if (ctx->n_pending == ctx->n_chunks * PKG_CHUNK) {
        cg_package **v = realloc(ctx->chunks, (ctx->n_chunks + 1) * sizeof *v);
        if (!v)
            return NULL;
        ctx->chunks = v;
        void *c = mmap(NULL, PKG_CHUNK * sizeof(cg_package), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (c == MAP_FAILED)
            return NULL;
        ctx->chunks[ctx->n_chunks++] = c;
    }
    cg_package *p = pending_at(ctx, ctx->n_pending++);
    memset(p, 0, sizeof *p);
    p->layer = -1;
    return p;
}

void cg_cat_warn(cg_cat_ctx *ctx, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx->warns.n >= 10000) /* a hostile image must not grow this without bound */
        return;
    const char *w = cg_arena_strdup(ctx->arena, msg);
    if (w)
        cg_vec_push(&ctx->warns, &w, sizeof w);
}

void cg_cat_set_distro(cg_cat_ctx *ctx, cg_distro *d)
{
    ctx->distro = d;
    ctx->distro_kept = 0;
}
const cg_distro *cg_cat_distro(cg_cat_ctx *ctx) { return ctx->distro; }

cg_status cg_cat_add_location(cg_cat_ctx *ctx, cg_package *pkg, const char *path, int layer)
{
    cg_location *l = cg_arena_calloc(ctx->work, pkg->n_locations + 1, sizeof *l);
    if (!l)
        return CG_ERR_NOMEM;
    if (pkg->n_locations)
        memcpy(l, pkg->locations, pkg->n_locations * sizeof *l);
    /* the path is kept as it is (compaction copies only the array) */
    size_t n = strlen(path), slash = path[0] != '/';
    char *d = pack_alloc(ctx, n + slash + 1, 1);
    if (d) {
        d[0] = '/';
        memcpy(d + slash, path, n + 1);
    }
    l[pkg->n_locations].path = d;
    l[pkg->n_locations].layer = layer;
    if (!l[pkg->n_locations].path)
        return CG_ERR_NOMEM;
    pkg->locations = l;
    pkg->n_locations++;
    return CG_OK;
}

int cg_cat_intro_layer(const cg_cat_node *top, bool (*same)(const void *result, const void *rec), const void *rec)
{
    int layer = top->layer;
    size_t guard = 0; /* chains are as long as the image has layers; bound it anyway */
    for (const cg_cat_node *n = top->lower; n && guard < 4096; n = n->lower, guard++) {
        if (!same(n->result, rec))
            break;
        layer = n->layer;
    }
    return layer;
}

static int prop_cmp(const void *a, const void *b)
{
    const cg_prop *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

void *cg_cat_memo_get(cg_cat_ctx *ctx, const void *key, size_t klen)
{
    return cg_strmap_get(&ctx->memo, key, klen);
}

cg_status cg_cat_memo_put(cg_cat_ctx *ctx, const void *key, size_t klen, void *val)
{
    const char *k = cg_arena_memdup(ctx->work, key, klen);
    if (!k)
        return CG_ERR_NOMEM;
    return cg_strmap_put(&ctx->memo, k, klen, val);
}

cg_status cg_cat_add_prop(cg_cat_ctx *ctx, cg_package *pkg, const char *name, const char *value)
{
    if (!name || !value)
        return CG_OK;
    cg_prop *v = cg_arena_calloc(ctx->work, pkg->n_props + 1, sizeof *v);
    if (!v)
        return CG_ERR_NOMEM;
    if (pkg->n_props)
        memcpy(v, pkg->props, pkg->n_props * sizeof *v);
    v[pkg->n_props].name = intern(ctx, name);
    v[pkg->n_props].value = strlen(value) <= 24 ? intern(ctx, value) : cg_arena_strdup(ctx->work, value);
    if (!v[pkg->n_props].name || !v[pkg->n_props].value)
        return CG_ERR_NOMEM;
    pkg->props = v;
    pkg->n_props++;
    qsort(pkg->props, pkg->n_props, sizeof *pkg->props, prop_cmp);
    return CG_OK;
}

cg_status cg_cat_own(cg_cat_ctx *ctx, const char *path, const char *owner, const char *type)
{
    while (*path == '/')
        path++;
    if (!*path || cg_strmap_get(&ctx->owned, path, strlen(path)))
        return CG_OK; /* the first owner wins */
    own_entry *e = cg_arena_alloc(&ctx->own_arena, sizeof *e);
    char *k = cg_arena_strdup(&ctx->own_arena, path);
    if (!e || !k)
        return CG_ERR_NOMEM;
    /* the owner's name outlives the cataloger's work arena */
    e->owner = owner ? intern(ctx, owner) : NULL;
    e->type = type ? intern(ctx, type) : NULL;
    if ((owner && !e->owner) || (type && !e->type))
        return CG_ERR_NOMEM;
    return cg_strmap_put(&ctx->owned, k, strlen(k), e);
}

size_t cg_cat_n_packages(const cg_cat_ctx *ctx) { return ctx->n_final + ctx->n_pending; }

cg_package *cg_cat_package(cg_cat_ctx *ctx, size_t i)
{
    if (i < ctx->n_final)
        return &ctx->final[i];
    i -= ctx->n_final;
    return i < ctx->n_pending ? pending_at(ctx, i) : NULL;
}

void cg_cat_resolve_owners(cg_cat_ctx *ctx)
{
    if (ctx->owned.count == 0)
        return;
    size_t n = cg_cat_n_packages(ctx);
    for (size_t i = 0; i < n; i++) {
        cg_package *p = cg_cat_package(ctx, i);
        if (!p->n_locations || !strcmp(p->type ? p->type : "", "deb") || !strcmp(p->type ? p->type : "", "apk") ||
            !strcmp(p->type ? p->type : "", "rpm"))
            continue;
        const char *path = p->locations[0].path;
        while (*path == '/')
            path++;
        const own_entry *e = cg_strmap_get(&ctx->owned, path, strlen(path));
        if (e) {
            p->owned_by = e->owner;
            p->owned_by_type = e->type;
        }
    }
}

/* Keep only pending records from index `from` on for which keep() is true;
 * records are moved down (order kept). */
void cg_cat_filter(cg_cat_ctx *ctx, size_t from, bool (*keep)(void *ud, cg_package *p), void *ud)
{
    if (from < ctx->n_final)
        from = ctx->n_final; /* compacted records are final */
    size_t k = from - ctx->n_final;
    for (size_t i = k; i < ctx->n_pending; i++) {
        cg_package *p = pending_at(ctx, i);
        if (!keep(ud, p))
            continue;
        if (k != i)
            *pending_at(ctx, k) = *p;
        k++;
    }
    ctx->n_pending = k;
}

/* Every string and array of p copied into the packed store. */
static void keep_package(cg_cat_ctx *ctx, cg_package *p)
{
    p->type = keep_intern(ctx, p->type);
    p->namespace_ = keep_intern(ctx, p->namespace_);
    p->name = keep_copy(ctx, p->name);
    p->version = keep_auto(ctx, p->version);
    p->arch = keep_intern(ctx, p->arch);
    p->source_name = keep_copy(ctx, p->source_name);
    p->source_version = keep_auto(ctx, p->source_version);
    p->supplier = keep_intern(ctx, p->supplier);
    p->description = keep_copy(ctx, p->description);
    p->cataloger = keep_intern(ctx, p->cataloger);
    p->purl = keep_copy(ctx, p->purl);
    p->owned_by = keep_intern(ctx, p->owned_by);
    p->owned_by_type = keep_intern(ctx, p->owned_by_type);
    if (p->n_licenses) {
        cg_license tmp[8], *v = p->n_licenses <= 8 ? tmp : calloc(p->n_licenses, sizeof *v);
        if (!v) {
            ctx->failed = 1;
            return;
        }
        memset(v, 0, p->n_licenses * sizeof *v);
        for (size_t i = 0; i < p->n_licenses; i++) {
            v[i].value = keep_intern(ctx, p->licenses[i].value);
            v[i].is_spdx = p->licenses[i].is_spdx;
        }
        p->licenses = keep_array(ctx, v, p->n_licenses * sizeof *v, 1);
        if (v != tmp)
            free(v);
    } else {
        p->licenses = NULL;
    }
    if (p->n_props) {
        cg_prop tmp[16], *v = p->n_props <= 16 ? tmp : calloc(p->n_props, sizeof *v);
        if (!v) {
            ctx->failed = 1;
            return;
        }
        for (size_t i = 0; i < p->n_props; i++) {
            v[i].name = keep_intern(ctx, p->props[i].name);
            v[i].value = keep_auto(ctx, p->props[i].value);
        }
        p->props = keep_array(ctx, v, p->n_props * sizeof *v, 1);
        if (v != tmp)
            free(v);
    } else {
        p->props = NULL;
    }
    if (p->n_locations) {
        cg_location *v = pack_alloc(ctx, p->n_locations * sizeof *v, 8);
        if (!v) {
            ctx->failed = 1;
            return;
        }
        /* the paths are in the store already (cg_cat_add_location) */
        memcpy(v, p->locations, p->n_locations * sizeof *v);
        p->locations = v;
    } else {
        p->locations = NULL;
    }
    if (p->n_depends) {
        const char **v = pack_alloc(ctx, p->n_depends * sizeof *v, 8);
        if (!v) {
            ctx->failed = 1;
            return;
        }
        for (size_t i = 0; i < p->n_depends; i++)
            v[i] = keep_copy(ctx, p->depends[i]);
        p->depends = v;
    } else {
        p->depends = NULL;
    }
}

/* Room for n more records in the final array (an anonymous mapping: growing
 * it moves pages, never copies them). */
static cg_status final_reserve(cg_cat_ctx *ctx, size_t more)
{
    size_t need = (ctx->n_final + more) * sizeof(cg_package);
    if (need <= ctx->final_bytes)
        return CG_OK;
    size_t page = 4096, nb = ctx->final_bytes ? ctx->final_bytes : 16 * page;
    while (nb < need)
        nb += nb / 2;
    nb = (nb + page - 1) / page * page;
    void *m = ctx->final ? mremap(ctx->final, ctx->final_bytes, nb, MREMAP_MAYMOVE)
                         : mmap(NULL, nb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return CG_ERR_NOMEM;
    ctx->final = m;
    ctx->final_bytes = nb;
    return CG_OK;
}

cg_status cg_cat_compact(cg_cat_ctx *ctx)
{
    if (ctx->distro && !ctx->distro_kept) {
        cg_distro *d = cg_arena_memdup(ctx->arena, ctx->distro, sizeof *d);
        if (!d)
            return CG_ERR_NOMEM;
        d->id = keep_copy(ctx, d->id);
        d->version_id = keep_copy(ctx, d->version_id);
        d->version_codename = keep_copy(ctx, d->version_codename);
        d->name = keep_copy(ctx, d->name);
        d->pretty_name = keep_copy(ctx, d->pretty_name);
        d->id_like = keep_copy(ctx, d->id_like);
        d->home_url = keep_copy(ctx, d->home_url);
        d->source_path = keep_copy(ctx, d->source_path);
        ctx->distro = d;
        ctx->distro_kept = 1;
    }
    if (final_reserve(ctx, ctx->n_pending) != CG_OK)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < ctx->n_pending; i++) {
        cg_package *p = pending_at(ctx, i);
        keep_package(ctx, p);
        ctx->final[ctx->n_final++] = *p;
        if ((i + 1) % PKG_CHUNK == 0) { /* that chunk is done with: give its pages back */
            madvise(ctx->chunks[i / PKG_CHUNK], PKG_CHUNK * sizeof(cg_package), MADV_DONTNEED);
        }
    }
    drop_chunks(ctx);
    return ctx->failed ? CG_ERR_NOMEM : CG_OK;
}

cg_package *cg_cat_take_packages(cg_cat_ctx *ctx, size_t *n, size_t *bytes)
{
    cg_package *v = ctx->final;
    *n = ctx->n_final;
    *bytes = ctx->final_bytes;
    ctx->final = NULL;
    ctx->n_final = ctx->final_bytes = 0;
    return v;
}

size_t cg_cat_n_warnings(const cg_cat_ctx *ctx) { return ctx->warns.n; }
const char *cg_cat_warning(const cg_cat_ctx *ctx, size_t i)
{
    return i < ctx->warns.n ? ((const char **)ctx->warns.v)[i] : NULL;
}
cg_distro *cg_cat_take_distro(cg_cat_ctx *ctx) { return ctx->distro; }

static int node_cmp(const void *a, const void *b)
{
    const cg_cat_node *x = *(const cg_cat_node *const *)a, *y = *(const cg_cat_node *const *)b;
    return strcmp(x->path, y->path);
}

cg_status cg_cat_run_files(cg_cat_ctx *ctx, const cg_cataloger *c, const cg_cat_file *files,
                           size_t n, cg_error *err)
{
    cg_cat_node *nodes = cg_arena_calloc(ctx->arena, n ? n : 1, sizeof *nodes);
    const cg_cat_node **ptrs = cg_arena_calloc(ctx->arena, n ? n : 1, sizeof *ptrs);
    if (!nodes || !ptrs)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        cg_cat_want w = {0};
        if (!c->wants(files[i].path, strlen(files[i].path), &w))
            continue;
        if (files[i].len > w.max_size) {
            if (w.essential)
                return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes exceeds the %zu-byte cap",
                                    files[i].path, files[i].len, w.max_size);
            cg_cat_warn(ctx, "%s: skipped, %zu bytes exceeds the %zu-byte cap", files[i].path,
                        files[i].len, w.max_size);
            continue;
        }
        void *res = NULL;
        cg_status st = c->parse(ctx, &files[i], &res, err);
        if (st != CG_OK)
            return st;
        nodes[k].path = files[i].path;
        nodes[k].layer = files[i].layer;
        nodes[k].result = res;
        ptrs[k] = &nodes[k];
        k++;
    }
    qsort(ptrs, k, sizeof *ptrs, node_cmp);
    cg_status st = c->finish(ctx, ptrs, k, err);
    if (st == CG_OK && cg_cat_compact(ctx) != CG_OK)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return st;
}
