/*
 * runtime_image.c - the image side of runtime evidence: one pass over the
 * layers builds the merged file tree (whiteouts applied), the symlinks that
 * paths are resolved through (usr-merge /lib -> usr/lib, loops bounded) and
 * the owners of files: dpkg .list files, apk's installed db, dist-info RECORD
 * files, the rpm database's file lists (cgate/rpmdb.h), node_modules folders
 * (any folder holding a package.json the SBOM names) and the exact files
 * other packages were found at (jars, binaries).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/rpmdb.h"
#include "image/walk.h"
#include "scan/runtime_int.h"

#define N_REG RT_REG
#define N_DIR RT_DIR
#define N_LINK RT_LINK
#define N_OTHER RT_OTHER

typedef struct rt_node {
    int type;
    const char *link; /* N_LINK: target as written */
    const char *data; /* ownership files: their bytes */
    size_t data_len;
} rt_node;

#define RT_DATA_MAX (64u * 1024u * 1024u)
#define RT_RPMDB_MAX (256u * 1024u * 1024u) /* as the rpm cataloger's cap on rpmdb.sqlite */

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

/* The rpm databases the rpm cataloger reads (src/catalog/rpm.c). */
static int rpmdb_path(const char *p, size_t n)
{
    static const char *const dirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"};
    static const char *const names[] = {"Packages", "Packages.db", "rpmdb.sqlite"};
    for (size_t d = 0; d < 3; d++) {
        size_t dl = strlen(dirs[d]);
        if (n <= dl || memcmp(p, dirs[d], dl))
            continue;
        for (size_t k = 0; k < 3; k++)
            if (n - dl == strlen(names[k]) && !memcmp(p + dl, names[k], n - dl))
                return 1;
    }
    return 0;
}

static int wanted_data(const char *p, size_t n)
{
    if (rpmdb_path(p, n))
        return 1;
    if (n > 18 && !memcmp(p, "var/lib/dpkg/info/", 18) && ends_with(p, n, ".list"))
        return 1;
    if (n == 21 && !memcmp(p, "lib/apk/db/installed", 20))
        return 1;
    if (ends_with(p, n, "lib/apk/db/installed"))
        return 1;
    return ends_with(p, n, ".dist-info/RECORD");
}

/* Drop every node under dir (dir itself too when self). */
static void drop_tree(rt_index *ix, const char *dir, size_t n, int self)
{
    if (self)
        cg_strmap_del(&ix->nodes, dir, n);
    for (size_t i = 0; i < ix->nodes.cap; i++) {
        cg_strmap_slot *s = &ix->nodes.slots[i];
        if (!cg_strmap_live(s))
            continue;
        if (n == 0 || (s->klen > n && !memcmp(s->key, dir, n) && s->key[n] == '/'))
            cg_strmap_del(&ix->nodes, s->key, s->klen);
    }
}

static cg_status on_entry(void *ud, const cg_entry *e, cg_entry_data *d, cg_error *err)
{
    rt_index *ix = ud;
    if (e->type == CG_ENT_WHITEOUT) {
        rt_node *old = cg_strmap_get(&ix->nodes, e->path, e->path_len);
        if (old && old->type == N_DIR)
            drop_tree(ix, e->path, e->path_len, 0);
        cg_strmap_del(&ix->nodes, e->path, e->path_len);
        return CG_OK;
    }
    if (e->type == CG_ENT_OPAQUE) {
        drop_tree(ix, e->path, e->path_len, 0);
        return CG_OK;
    }
    rt_node *n = cg_arena_calloc(&ix->arena, 1, sizeof *n);
    char *key = cg_arena_strndup(&ix->arena, e->path, e->path_len);
    if (!n || !key)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
    switch (e->type) {
    case CG_ENT_REG:
    case CG_ENT_HARDLINK: n->type = N_REG; break;
    case CG_ENT_DIR: n->type = N_DIR; break;
    case CG_ENT_SYMLINK:
        n->type = N_LINK;
        n->link = cg_arena_strdup(&ix->arena, e->link ? e->link : "");
        if (!n->link)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
        break;
    default: n->type = N_OTHER; break;
    }
    size_t cap = rpmdb_path(e->path, e->path_len) ? RT_RPMDB_MAX : RT_DATA_MAX;
    if (e->type == CG_ENT_REG && wanted_data(e->path, e->path_len) && d && e->size <= cap) {
        /* larger: not read, its packages' files stay unknown (filesKnown false) */
        cg_buf b;
        cg_buf_init(&b, cap);
        cg_status st = cg_entry_read(d, &b, cap, err);
        if (st == CG_OK) {
            n->data = b.len ? cg_arena_memdup(&ix->arena, b.data, b.len) : "";
            n->data_len = b.len;
            if (!n->data)
                st = cg_error_set(err, CG_ERR_NOMEM, "out of memory reading /%s", key);
        }
        cg_buf_free(&b);
        if (st != CG_OK)
            return st;
    }
    if (cg_strmap_put(&ix->nodes, key, e->path_len, n) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
    return CG_OK;
}

int rt_resolve(const rt_index *ix, const char *in, size_t len, char *out, size_t cap, size_t *out_len)
{
    char rem[2 * RT_MAX_PATH + 2], tmp[2 * RT_MAX_PATH + 2];
    if (len == 0 || in[0] != '/' || len > RT_MAX_PATH || cap < 2)
        return -1;
    memcpy(rem, in, len);
    rem[len] = 0;
    size_t rlen = len, pos = 0, olen = 0;
    int hops = 0;
    out[0] = 0;
    while (pos < rlen) {
        while (pos < rlen && rem[pos] == '/')
            pos++;
        size_t st = pos;
        while (pos < rlen && rem[pos] != '/')
            pos++;
        size_t cl = pos - st;
        if (cl == 0 || (cl == 1 && rem[st] == '.'))
            continue;
        if (cl == 2 && rem[st] == '.' && rem[st + 1] == '.') {
            while (olen > 0 && out[olen - 1] != '/')
                olen--;
            if (olen > 0)
                olen--; /* the '/' */
            out[olen] = 0;
            continue;
        }
        size_t need = olen + (olen ? 1 : 0) + cl;
        if (need + 1 > cap)
            return -1;
        size_t base = olen;
        if (olen)
            out[olen++] = '/';
        memcpy(out + olen, rem + st, cl);
        olen += cl;
        out[olen] = 0;
        const rt_node *n = cg_strmap_get(&ix->nodes, out, olen);
        if (!n || n->type != N_LINK)
            continue;
        if (++hops > RT_MAX_HOPS)
            return -1;
        /* replace the component by the target, then the rest */
        size_t tl = strlen(n->link), restl = rlen - pos;
        if (tl == 0 || tl + 1 + restl > 2 * RT_MAX_PATH)
            return -1;
        memcpy(tmp, n->link, tl);
        memcpy(tmp + tl, rem + pos, restl);
        rlen = tl + restl;
        memcpy(rem, tmp, rlen);
        rem[rlen] = 0;
        pos = 0;
        olen = n->link[0] == '/' ? 0 : base;
        out[olen] = 0;
    }
    *out_len = olen;
    return 0;
}

static cg_status add_owner(rt_index *ix, cg_strmap *m, const char *p, size_t len, size_t pkg, cg_error *err)
{
    rt_owner *head = cg_strmap_get(m, p, len);
    for (rt_owner *o = head; o; o = o->next)
        if (o->pkg == pkg)
            return CG_OK;
    rt_owner *o = cg_arena_alloc(&ix->arena, sizeof *o);
    char *key = head ? NULL : cg_arena_strndup(&ix->arena, p, len);
    if (!o || (!head && !key))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory mapping files to packages");
    o->pkg = pkg;
    o->next = head;
    if (ix->known)
        ix->known[pkg] = 1;
    if (head) { /* keep the key already stored: put the new one second */
        o->next = head->next;
        head->next = o;
        return CG_OK;
    }
    return cg_strmap_put(m, key, len, o) == CG_OK ? CG_OK
           : cg_error_set(err, CG_ERR_NOMEM, "out of memory mapping files to packages");
}

/* Own the file that absolute path p (len bytes) resolves to, when it is one. */
static cg_status own_file(rt_index *ix, const char *p, size_t len, size_t pkg, cg_error *err)
{
    char r[RT_MAX_PATH + 1];
    size_t rl;
    if (rt_resolve(ix, p, len, r, sizeof r, &rl) != 0 || rl == 0)
        return CG_OK;
    const rt_node *n = cg_strmap_get(&ix->nodes, r, rl);
    if (!n || n->type != N_REG)
        return CG_OK; /* folders are shared by many packages: not evidence */
    return add_owner(ix, &ix->exact, r, rl, pkg, err);
}

static cg_status own_dir(rt_index *ix, const char *p, size_t len, size_t pkg, cg_error *err)
{
    char r[RT_MAX_PATH + 1];
    size_t rl;
    if (rt_resolve(ix, p, len, r, sizeof r, &rl) != 0 || rl == 0)
        return CG_OK;
    return add_owner(ix, &ix->prefix, r, rl, pkg, err);
}

/* Each line of data is an absolute path (dpkg .list). */
static cg_status own_lines(rt_index *ix, const char *data, size_t n, size_t pkg, cg_error *err)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - data) : n;
        if (e > i && data[i] == '/') {
            cg_status st = own_file(ix, data + i, e - i, pkg, err);
            if (st != CG_OK)
                return st;
        }
        i = e + 1;
    }
    return CG_OK;
}

/* dist-info RECORD: "path,hash,size" relative to the folder holding the dist-info. */
static cg_status own_record(rt_index *ix, const char *site, size_t sl, const char *data, size_t n, size_t pkg,
                            cg_error *err)
{
    char p[RT_MAX_PATH + 1];
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - data) : n;
        const char *comma = memchr(data + i, ',', e - i);
        size_t fl = comma ? (size_t)(comma - (data + i)) : e - i;
        if (fl && data[i] != '"' && sl + 2 + fl < sizeof p) {
            size_t k = 0;
            p[k++] = '/';
            memcpy(p + k, site, sl);
            k += sl;
            p[k++] = '/';
            memcpy(p + k, data + i, fl);
            k += fl;
            cg_status st = own_file(ix, p, k, pkg, err);
            if (st != CG_OK)
                return st;
        }
        i = e + 1;
    }
    return CG_OK;
}

/* apk's installed db: blocks of "P:name", "F:dir", "R:file". */
static cg_status own_apk(rt_index *ix, const cg_sbom *sb, const char *data, size_t n, cg_error *err)
{
    char dir[RT_MAX_PATH + 1], p[RT_MAX_PATH + 1];
    size_t dl = 0, i = 0;
    const char *name = NULL;
    size_t nl_ = 0;
    while (i < n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - data) : n;
        const char *l = data + i;
        size_t ll = e - i;
        if (ll == 0) {
            name = NULL;
            dl = 0;
        } else if (ll > 2 && l[1] == ':') {
            if (l[0] == 'P') {
                name = l + 2;
                nl_ = ll - 2;
                dl = 0;
            } else if (l[0] == 'F' && ll - 2 < sizeof dir) {
                memcpy(dir, l + 2, ll - 2);
                dl = ll - 2;
            } else if (l[0] == 'R' && name && dl + ll + 2 < sizeof p) {
                size_t k = 0;
                p[k++] = '/';
                memcpy(p + k, dir, dl);
                k += dl;
                if (dl)
                    p[k++] = '/';
                memcpy(p + k, l + 2, ll - 2);
                k += ll - 2;
                for (size_t j = 0; j < sb->n_pkgs; j++) {
                    const cg_package *pk = &sb->pkgs[j];
                    if (pk->type && !strcmp(pk->type, "apk") && pk->name && strlen(pk->name) == nl_ &&
                        !memcmp(pk->name, name, nl_)) {
                        cg_status st = own_file(ix, p, k, j, err);
                        if (st != CG_OK)
                            return st;
                    }
                }
            }
        }
        i = e + 1;
    }
    return CG_OK;
}

/* rpm: every database some rpm package of the SBOM was read from, once;
 * each file of its headers is owned by the package of the same name, EVR,
 * arch and database. */
typedef struct rpm_own {
    rt_index *ix;
    cg_strmap pkgs; /* "name\nevr\narch" -> package index + 1 */
    cg_error *err;
    cg_status st;
} rpm_own;

static int rpm_key(char *k, size_t cap, const char *name, const char *evr, const char *arch)
{
    int n = snprintf(k, cap, "%s\n%s\n%s", name, evr ? evr : "", arch ? arch : "");
    return n > 0 && (size_t)n < cap ? n : -1;
}

static int rpm_file(void *ud, const char *name, const char *evr, const char *arch, const char *path)
{
    rpm_own *ro = ud;
    char k[1024];
    int kl = rpm_key(k, sizeof k, name, evr, arch);
    if (kl < 0)
        return 0;
    uintptr_t v = (uintptr_t)cg_strmap_get(&ro->pkgs, k, (size_t)kl);
    if (!v)
        return 0;
    ro->st = own_file(ro->ix, path, strlen(path), (size_t)(v - 1), ro->err);
    return ro->st != CG_OK;
}

static cg_status own_rpm(rt_index *ix, const cg_sbom *sb, cg_error *err)
{
    cg_status st = CG_OK;
    unsigned char *done = calloc(sb->n_pkgs ? sb->n_pkgs : 1, 1);
    if (!done)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory mapping files to rpm packages");
    for (size_t i = 0; st == CG_OK && i < sb->n_pkgs; i++) {
        const cg_package *p = &sb->pkgs[i];
        if (done[i] || !p->type || strcmp(p->type, "rpm") || !p->n_locations || !p->locations[0].path)
            continue;
        const char *db = p->locations[0].path;
        while (*db == '/')
            db++;
        rpm_own ro = {ix, {0}, err, CG_OK};
        cg_strmap_init(&ro.pkgs);
        for (size_t j = i; j < sb->n_pkgs; j++) { /* the packages read from this database */
            const cg_package *q = &sb->pkgs[j];
            const char *qd = q->n_locations && q->locations[0].path ? q->locations[0].path : "";
            while (*qd == '/')
                qd++;
            if (done[j] || !q->type || strcmp(q->type, "rpm") || !q->name || strcmp(qd, db))
                continue;
            done[j] = 1;
            char k[1024];
            int kl = rpm_key(k, sizeof k, q->name, q->version, q->arch);
            char *key = kl < 0 ? NULL : cg_arena_strndup(&ix->arena, k, (size_t)kl);
            if (kl >= 0 && (!key || cg_strmap_put(&ro.pkgs, key, (size_t)kl, (void *)(uintptr_t)(j + 1)) != CG_OK))
                st = cg_error_set(err, CG_ERR_NOMEM, "out of memory mapping files to rpm packages");
        }
        const rt_node *n = cg_strmap_get(&ix->nodes, db, strlen(db));
        char rp[RT_MAX_PATH + 1], ap[RT_MAX_PATH + 2];
        size_t rl;
        int al = snprintf(ap, sizeof ap, "/%s", db);
        if (!n && al > 0 && (size_t)al < sizeof ap && rt_resolve(ix, ap, (size_t)al, rp, sizeof rp, &rl) == 0)
            n = cg_strmap_get(&ix->nodes, rp, rl); /* named through a link (/var/lib/rpm -> usr/lib/sysimage/rpm) */
        if (st == CG_OK && n && n->data && n->data_len)
            st = cg_rpmdb_files((const uint8_t *)n->data, n->data_len, db, rpm_file, &ro, NULL, err);
        if (st != CG_OK && ro.st != CG_OK)
            st = ro.st;
        cg_strmap_free(&ro.pkgs);
    }
    free(done);
    return st;
}

/* A Maven package is located at the outer file; cgate:java:archive-path
 * names the nested archive it was read from ("/app/x.jar!/lib/y.jar"). */
static cg_status own_archive(rt_index *ix, const cg_package *p, const char *loc, size_t ll, size_t pkg, cg_error *err)
{
    const char *ap = NULL;
    for (size_t k = 0; k < p->n_props; k++)
        if (p->props[k].name && !strcmp(p->props[k].name, "cgate:java:archive-path"))
            ap = p->props[k].value;
    const char *inner = ap ? strstr(ap, "!/") : NULL;
    char r[RT_MAX_PATH + 1], key[2 * RT_MAX_PATH + 4];
    size_t rl;
    if (rt_resolve(ix, loc, ll, r, sizeof r, &rl) != 0 || rl == 0)
        return CG_OK;
    int n = snprintf(key, sizeof key, "%.*s!%s", (int)rl, r, inner ? inner + 1 : "");
    if (n <= 0 || (size_t)n >= sizeof key)
        return CG_OK;
    return add_owner(ix, &ix->archive, key, (size_t)n, pkg, err);
}

static cg_status own_package(rt_index *ix, const cg_sbom *sb, size_t i, cg_error *err)
{
    const cg_package *p = &sb->pkgs[i];
    if (!p->type || !p->name)
        return CG_OK;
    if (!strcmp(p->type, "rpm"))
        return CG_OK; /* own_rpm */
    if (!strcmp(p->type, "deb")) {
        char key[600];
        const rt_node *n = NULL;
        if (p->arch && (size_t)snprintf(key, sizeof key, "var/lib/dpkg/info/%s:%s.list", p->name, p->arch) < sizeof key)
            n = cg_strmap_get(&ix->nodes, key, strlen(key));
        if ((!n || !n->data) && (size_t)snprintf(key, sizeof key, "var/lib/dpkg/info/%s.list", p->name) < sizeof key)
            n = cg_strmap_get(&ix->nodes, key, strlen(key));
        if (n && n->data)
            return own_lines(ix, n->data, n->data_len, i, err);
        return CG_OK;
    }
    if (!strcmp(p->type, "apk") || !p->n_locations || !p->locations[0].path)
        return CG_OK;
    const char *loc = p->locations[0].path;
    size_t ll = strlen(loc);
    if (loc[0] != '/')
        return CG_OK;
    const char *slash = strrchr(loc, '/');
    size_t dl = (size_t)(slash - loc);
    if (!strcmp(slash + 1, "package.json") && dl > 0)
        return own_dir(ix, loc, dl, i, err);
    if (dl > 10 && ends_with(loc, dl, ".dist-info")) {
        char key[RT_MAX_PATH + 1];
        if (dl + 7 < sizeof key) {
            memcpy(key, loc + 1, dl - 1);
            memcpy(key + dl - 1, "/RECORD", 7);
            const rt_node *n = cg_strmap_get(&ix->nodes, key, dl + 6);
            const char *site_end = memrchr(loc, '/', dl);
            if (n && n->data && site_end && site_end > loc) {
                cg_status st = own_record(ix, loc + 1, (size_t)(site_end - loc) - 1, n->data, n->data_len, i, err);
                if (st != CG_OK)
                    return st;
            }
        }
        return own_dir(ix, loc, dl, i, err);
    }
    cg_status st = own_file(ix, loc, ll, i, err);
    if (st == CG_OK && !strcmp(p->type, "maven"))
        st = own_archive(ix, p, loc, ll, i, err);
    return st;
}

void rt_index_init(rt_index *ix, unsigned char *known)
{
    memset(ix, 0, sizeof *ix);
    ix->known = known;
    cg_arena_init(&ix->arena);
    cg_strmap_init(&ix->nodes);
    cg_strmap_init(&ix->exact);
    cg_strmap_init(&ix->prefix);
    cg_strmap_init(&ix->archive);
}

cg_status rt_index_build(cg_image *img, const cg_sbom *sbom, rt_index *ix, unsigned char *known, cg_error *err)
{
    rt_index_init(ix, known);
    cg_status st = CG_OK;
    if (img) {
        cg_walk_visitor v = {ix, NULL, on_entry, NULL};
        st = cg_image_walk(img, &v, err);
    }
    return st == CG_OK ? rt_index_own(ix, sbom, err) : st;
}

cg_status rt_index_add(rt_index *ix, const char *path, int type, const char *link, const char *data, size_t len,
                       cg_error *err)
{
    size_t pl = strlen(path);
    rt_node *n = cg_arena_calloc(&ix->arena, 1, sizeof *n);
    char *key = cg_arena_strndup(&ix->arena, path, pl);
    if (!n || !key)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
    n->type = type;
    if (type == N_LINK && !(n->link = cg_arena_strdup(&ix->arena, link ? link : "")))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
    if (type == N_REG && data && wanted_data(path, pl)) {
        n->data = len ? cg_arena_memdup(&ix->arena, data, len) : "";
        n->data_len = len;
        if (!n->data)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
    }
    return cg_strmap_put(&ix->nodes, key, pl, n) == CG_OK
               ? CG_OK
               : cg_error_set(err, CG_ERR_NOMEM, "out of memory indexing the image's files");
}

cg_status rt_index_own(rt_index *ix, const cg_sbom *sbom, cg_error *err)
{
    cg_status st = CG_OK;
    for (size_t i = 0; st == CG_OK && i < sbom->n_pkgs; i++)
        st = own_package(ix, sbom, i, err);
    if (st == CG_OK)
        st = own_rpm(ix, sbom, err);
    if (st == CG_OK) {
        const rt_node *n = cg_strmap_get(&ix->nodes, "lib/apk/db/installed", 20);
        if (n && n->data)
            st = own_apk(ix, sbom, n->data, n->data_len, err);
    }
    return st;
}

void rt_index_free(rt_index *ix)
{
    cg_strmap_free(&ix->nodes);
    cg_strmap_free(&ix->exact);
    cg_strmap_free(&ix->prefix);
    cg_strmap_free(&ix->archive);
    cg_arena_free(&ix->arena);
}

size_t rt_owners(const rt_index *ix, const char *p, size_t len, void (*fn)(void *ud, size_t pkg), void *ud)
{
    size_t count = 0;
    for (const rt_owner *o = cg_strmap_get(&ix->exact, p, len); o; o = o->next, count++)
        fn(ud, o->pkg);
    /* the nearest folder owner (node_modules/x inside node_modules/y: x) */
    size_t l = len;
    while (l > 0) {
        while (l > 0 && p[l - 1] != '/')
            l--;
        if (l == 0)
            break;
        l--; /* drop the '/' */
        const rt_owner *o = cg_strmap_get(&ix->prefix, p, l);
        if (o) {
            for (; o; o = o->next, count++)
                fn(ud, o->pkg);
            break;
        }
    }
    return count;
}

size_t rt_archive_owners(const rt_index *ix, const char *key, size_t len, void (*fn)(void *ud, size_t pkg), void *ud)
{
    size_t count = 0;
    for (const rt_owner *o = cg_strmap_get(&ix->archive, key, len); o; o = o->next, count++)
        fn(ud, o->pkg);
    return count;
}
