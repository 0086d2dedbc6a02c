/*
 * npm_lock.c - npm lockfiles into npm_rec lists: package-lock.json (v1's
 * nested "dependencies" tree, v2/v3's flat "packages" map with workspace
 * links resolved the way npm lays them out), yarn.lock (v1 and berry share
 * one line-oriented shape), and pnpm-lock.yaml (the core YAML reader's event stream, so
 * aliases are never expanded and memory does not grow with nesting).
 * Everything here is untrusted: names and versions are validated, loops and
 * nesting capped, and a bad file is a warning, never a failed SBOM.
 */
#include "catalog/npm_lock.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/license.h"
#include "catalog/lockutil.h"
#include "core/json.h"
#include "core/yaml.h"

#define MAX_RECS 200000u
#define MAX_DEPS 4096u
#define V1_DEPTH 256
#define YAML_DEPTH 64
#define KEY_MAX 1024u

bool npm_valid_name(const char *s, size_t n)
{
    if (!cg_lock_token_ok(s, n, 214))
        return false;
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return s[0] != '@';
    /* "@scope/name": exactly one slash, both parts non-empty */
    return s[0] == '@' && slash > s + 1 && slash < s + n - 1 &&
           !memchr(slash + 1, '/', (size_t)(s + n - slash - 1));
}

bool npm_valid_version(const char *s, size_t n) { return cg_lock_token_ok(s, n, 256); }

static int rec_cmp(const void *x, const void *y)
{
    const npm_rec *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->version, b->version);
}

cg_status npm_recs_finish(cg_arena *a, cg_vec *recs, npm_result *res)
{
    npm_rec *v = recs->v;
    size_t u = 0;
    if (recs->n) {
        qsort(v, recs->n, sizeof *v, rec_cmp);
        for (size_t i = 0; i < recs->n; i++) {
            if (u && !rec_cmp(&v[u - 1], &v[i])) {
                v[u - 1].flags &= v[i].flags;
                if (!v[u - 1].n_deps) {
                    v[u - 1].deps = v[i].deps;
                    v[u - 1].n_deps = v[i].n_deps;
                }
                continue;
            }
            v[u++] = v[i];
        }
        res->recs = cg_arena_memdup(a, v, u * sizeof *v);
    }
    res->n_recs = u;
    free(recs->v);
    *recs = (cg_vec){0};
    return (u && !res->recs) ? CG_ERR_NOMEM : CG_OK;
}

bool npm_json_dep_names(cg_arena *a, const json_t *obj, const char *const *keys, const char ***out,
                        size_t *n)
{
    cg_vec names = {0};
    *out = NULL;
    *n = 0;
    for (size_t k = 0; keys[k]; k++) {
        json_t *deps = json_is_object(obj) ? json_object_get(obj, keys[k]) : NULL;
        const char *key;
        json_t *val;
        if (!json_is_object(deps))
            continue;
        json_object_foreach(deps, key, val) {
            (void)val;
            if (names.n >= MAX_DEPS || !npm_valid_name(key, strlen(key)))
                continue;
            const char *s = cg_arena_strdup(a, key);
            if (!s || !cg_vec_push(&names, &s, sizeof s)) {
                free(names.v);
                return false;
            }
        }
    }
    return cg_lock_names_finish(a, &names, out, n);
}

static bool add_license(cg_arena *a, const char *s, cg_vec *lics)
{
    size_t n = strlen(s);
    if (n == 0 || n > 1024 || lics->n >= 64)
        return true;
    cg_license l;
    return cg_license_map(a, s, n, &l) == 0 && cg_vec_push(lics, &l, sizeof l);
}

bool npm_json_licenses(cg_arena *a, const json_t *obj, cg_license **out, size_t *n)
{
    cg_vec lics = {0};
    bool ok = true;
    json_t *l = json_object_get(obj, "license");
    if (json_is_string(l)) {
        ok = add_license(a, json_string_value(l), &lics);
    } else if (json_is_object(l) && cg_json_str(l, "type")) {
        ok = add_license(a, cg_json_str(l, "type"), &lics);
    } else {
        json_t *arr = json_is_array(l) ? l : json_object_get(obj, "licenses");
        if (json_is_string(arr))
            ok = add_license(a, json_string_value(arr), &lics);
        for (size_t i = 0; ok && json_is_array(arr) && i < json_array_size(arr); i++) {
            json_t *e = json_array_get(arr, i);
            const char *t = json_is_string(e) ? json_string_value(e) : cg_json_str(e, "type");
            if (t)
                ok = add_license(a, t, &lics);
        }
    }
    *out = NULL;
    *n = 0;
    if (ok && lics.n) {
        *out = cg_arena_memdup(a, lics.v, lics.n * sizeof(cg_license));
        *n = lics.n;
        ok = *out != NULL;
    }
    free(lics.v);
    return ok;
}

/* ---------- package-lock.json ---------- */

typedef struct lock_state {
    cg_cat_ctx *ctx;
    cg_arena *a;
    cg_vec recs;
    size_t bad;
    bool deep;
} lock_state;

static bool lock_add(lock_state *s, const char *name, const json_t *e, const char *const *dep_keys)
{
    const char *ver = cg_json_str(e, "version");
    if (!name || !ver || !npm_valid_name(name, strlen(name)) || !npm_valid_version(ver, strlen(ver))) {
        s->bad++;
        return true;
    }
    if (s->recs.n >= MAX_RECS)
        return true;
    npm_rec r = {0};
    r.name = cg_arena_strdup(s->a, name);
    r.version = cg_arena_strdup(s->a, ver);
    if (!r.name || !r.version)
        return false;
    if (json_is_true(json_object_get(e, "dev")))
        r.flags |= NPM_DEV;
    if (json_is_true(json_object_get(e, "optional")) || json_is_true(json_object_get(e, "devOptional")))
        r.flags |= NPM_OPTIONAL;
    if (json_is_true(json_object_get(e, "devOptional")))
        r.flags |= NPM_DEV;
    if (!npm_json_dep_names(s->a, e, dep_keys, &r.deps, &r.n_deps) ||
        !npm_json_licenses(s->a, e, &r.lics, &r.n_lics))
        return false;
    return cg_vec_push(&s->recs, &r, sizeof r);
}

/* v1: {"dependencies": {NAME: {version, dev, requires, dependencies: {...}}}} */
static bool lock_v1(lock_state *s, const json_t *deps, int depth)
{
    static const char *const keys[] = {"requires", NULL};
    if (!json_is_object(deps))
        return true;
    if (depth > V1_DEPTH) {
        s->deep = true;
        return true;
    }
    const char *name;
    json_t *e;
    json_object_foreach((json_t *)deps, name, e) {
        if (!json_is_object(e)) {
            s->bad++;
            continue;
        }
        if (!lock_add(s, name, e, keys) || !lock_v1(s, json_object_get(e, "dependencies"), depth + 1))
            return false;
    }
    return true;
}

/* The name npm installs a "packages" key under: after the last "node_modules/". */
static const char *name_from_path(const char *path)
{
    const char *best = NULL;
    for (const char *p = path; (p = strstr(p, "node_modules/")) != NULL; p += 13)
        if (p == path || p[-1] == '/')
            best = p + 13;
    return best;
}

/* v2/v3: {"packages": {"": root, "node_modules/a": {...}, "node_modules/a/node_modules/b": ...,
 * "packages/ws": workspace target, "node_modules/ws": {"link": true, "resolved": "packages/ws"}}}.
 * Link targets are reported under the name of the link that points at them. */
#define MAX_LINKS 1024u

typedef struct lock_link {
    const char *path, *resolved;
    size_t rlen;
} lock_link;

static bool lock_v2(lock_state *s, const json_t *pkgs)
{
    static const char *const keys[] = {"dependencies", "optionalDependencies", "peerDependencies", NULL};
    /* links first (bounded, so a hostile file cannot make this quadratic) */
    lock_link links[64];
    lock_link *lk = links;
    size_t n_links = 0, cap = sizeof links / sizeof links[0];
    const char *path;
    json_t *e;
    bool ok = true;
    json_object_foreach((json_t *)pkgs, path, e) {
        const char *res = cg_json_str(e, "resolved");
        if (!json_is_true(json_object_get(e, "link")) || !res || !*res || n_links >= MAX_LINKS)
            continue;
        if (n_links == cap) {
            lock_link *nl = malloc(2 * cap * sizeof *nl);
            if (!nl) {
                ok = false;
                break;
            }
            memcpy(nl, lk, n_links * sizeof *nl);
            if (lk != links)
                free(lk);
            lk = nl;
            cap *= 2;
        }
        lk[n_links++] = (lock_link){path, res, strlen(res)};
    }
    json_object_foreach((json_t *)pkgs, path, e) {
        if (!ok)
            break;
        if (!*path || !json_is_object(e) || json_is_true(json_object_get(e, "link")))
            continue; /* the root (the application), or a link: its target has its own entry */
        const char *name = cg_json_str(e, "name");
        const char *from_path = name_from_path(path);
        if (!strncmp(path, "node_modules/", 13)) {
            if (!name)
                name = from_path;
        } else {
            /* not under node_modules: a workspace (link target) or something
             * inside one; report only what a link points at */
            const char *link_name = NULL;
            for (size_t i = 0; i < n_links && !link_name; i++)
                if (!strncmp(path, lk[i].resolved, lk[i].rlen))
                    link_name = name_from_path(lk[i].path);
            if (!link_name)
                continue;
            if (!name)
                name = from_path ? from_path : link_name;
        }
        ok = lock_add(s, name, e, keys);
    }
    if (lk != links)
        free(lk);
    return ok;
}

cg_status npm_parse_package_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                                 cg_error *err)
{
    cg_error jerr;
    json_t *j = NULL;
    if (cg_json_parse(f->data, f->len, f->path, &j, &jerr) != CG_OK) {
        cg_cat_warn(ctx, "/%s: not a valid package-lock.json: %s", f->path, jerr.msg);
        return CG_OK;
    }
    lock_state s = {ctx, cg_cat_arena(ctx), {0}, 0, false};
    bool ok = true;
    json_t *pkgs = json_object_get(j, "packages");
    json_int_t ver = json_integer_value(json_object_get(j, "lockfileVersion"));
    if (!json_is_object(j)) {
        cg_cat_warn(ctx, "/%s: not a package-lock.json (top level is not an object)", f->path);
    } else if (ver >= 2 && json_is_object(pkgs)) {
        ok = lock_v2(&s, pkgs);
    } else {
        ok = lock_v1(&s, json_object_get(j, "dependencies"), 0);
    }
    json_decref(j);
    if (!ok) {
        free(s.recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    if (s.deep)
        cg_cat_warn(ctx, "/%s: dependencies nested more than %d deep, deeper ones ignored", f->path,
                    V1_DEPTH);
    if (s.bad)
        cg_lock_warn_invalid(ctx, f->path, s.bad);
    if (npm_recs_finish(cg_cat_arena(ctx), &s.recs, res) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    return CG_OK;
}

/* ---------- yarn.lock ---------- */

static cg_span unquote(cg_span s)
{
    s = cg_span_trim(s);
    if (s.n && s.p[s.n - 1] == ':')
        s.n--;
    s = cg_span_trim(s);
    if (s.n >= 2 && s.p[0] == '"' && s.p[s.n - 1] == '"')
        s.p++, s.n -= 2;
    else if (s.n && s.p[0] == '"')
        s.p++, s.n--;
    return s;
}

/* Key line `"@a/b@^1.0.0", "@a/b@^1.1.0":` or berry `"@a/b@npm:^1.0.0":` ->
 * name and protocol of the first descriptor. */
static bool yarn_descriptor(cg_span line, cg_span *name, cg_span *proto)
{
    cg_span first = line;
    for (size_t i = 0; i + 1 < line.n; i++)
        if (line.p[i] == ',' && line.p[i + 1] == ' ') {
            first.n = i;
            break;
        }
    first = unquote(first);
    const char *at = first.n > 1 ? memchr(first.p + 1, '@', first.n - 1) : NULL;
    if (!at)
        return false;
    *name = (cg_span){first.p, (size_t)(at - first.p)};
    cg_span rest = {at + 1, (size_t)(first.p + first.n - at - 1)};
    *proto = (cg_span){rest.p, 0};
    for (size_t i = 0; i < rest.n && rest.p[i] > ' '; i++)
        if (rest.p[i] == ':') {
            proto->n = i;
            break;
        }
    return name->n > 0;
}

typedef struct yarn_block {
    cg_span name, version;
    bool skip;
    cg_vec deps;
} yarn_block;

static bool yarn_flush(cg_arena *a, yarn_block *b, cg_vec *recs, size_t *bad)
{
    bool ok = true;
    if (!b->skip && b->name.n) {
        if (!npm_valid_name(b->name.p, b->name.n) || !npm_valid_version(b->version.p, b->version.n)) {
            (*bad)++;
        } else if (recs->n < MAX_RECS) {
            npm_rec r = {0};
            r.name = cg_arena_strndup(a, b->name.p, b->name.n);
            r.version = cg_arena_strndup(a, b->version.p, b->version.n);
            ok = r.name && r.version && cg_lock_names_finish(a, &b->deps, &r.deps, &r.n_deps) &&
                 cg_vec_push(recs, &r, sizeof r);
        }
    }
    free(b->deps.v);
    *b = (yarn_block){0};
    return ok;
}

cg_status npm_parse_yarn_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                              cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    const char *p = (const char *)f->data, *end = p + f->len;
    cg_vec recs = {0};
    yarn_block b = {0};
    bool ok = true, in_deps = false;
    size_t bad = 0, unknown = 0;
    while (ok && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cg_span line = {p, (size_t)((nl ? nl : end) - p)};
        p = nl ? nl + 1 : end;
        cg_span t = cg_span_trim(line);
        if (t.n == 0 || t.p[0] == '#')
            continue;
        size_t indent = (size_t)(t.p - line.p);
        if (indent == 0) {
            ok = yarn_flush(a, &b, &recs, &bad);
            in_deps = false;
            cg_span name, proto;
            if (cg_span_is(unquote(t), "__metadata") || !yarn_descriptor(t, &name, &proto)) {
                b.skip = true;
                continue;
            }
            b.name = name;
            if (!(proto.n == 0 || cg_span_is(proto, "npm"))) {
                b.skip = true;
                if (!(cg_span_is(proto, "workspace") || cg_span_is(proto, "patch") ||
                      cg_span_is(proto, "file") || cg_span_is(proto, "link") ||
                      cg_span_is(proto, "portal") || cg_span_is(proto, "github") ||
                      (proto.n >= 3 && !memcmp(proto.p, "git", 3))))
                    unknown++;
            }
            continue;
        }
        if (b.skip)
            continue;
        if (indent <= 2) {
            in_deps = false;
            /* `version "1.0.0"`, `"version" "1.0.0"` (v1), `version: 1.0.0` (berry) */
            size_t i = t.p[0] == '"' ? 1 : 0;
            while (i < t.n && t.p[i] != ' ' && t.p[i] != ':' && t.p[i] != '"')
                i++;
            cg_span key = {t.p + (t.p[0] == '"'), i - (t.p[0] == '"')};
            while (i < t.n && (t.p[i] == '"' || t.p[i] == ':'))
                i++;
            cg_span val = unquote((cg_span){t.p + i, t.n - i});
            if (cg_span_is(key, "version"))
                b.version = val;
            else if ((cg_span_is(key, "dependencies") || cg_span_is(key, "optionalDependencies")) &&
                     val.n == 0)
                in_deps = true;
            continue;
        }
        if (in_deps && b.deps.n < MAX_DEPS) {
            /* `"@a/b" "^1.0"` (v1) or `"@a/b": ^1.0` (berry) */
            size_t i = 0;
            bool q = t.p[0] == '"';
            if (q)
                i = 1;
            while (i < t.n && (q ? t.p[i] != '"' : (t.p[i] != ' ' && t.p[i] != ':')))
                i++;
            cg_span dn = {t.p + (q ? 1 : 0), i - (q ? 1 : 0)};
            if (npm_valid_name(dn.p, dn.n)) {
                const char *s = cg_arena_strndup(a, dn.p, dn.n);
                ok = s && cg_vec_push(&b.deps, &s, sizeof s);
            }
        }
    }
    if (ok)
        ok = yarn_flush(a, &b, &recs, &bad);
    else
        free(b.deps.v);
    if (!ok || npm_recs_finish(a, &recs, res) != CG_OK) {
        free(recs.v);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    if (bad)
        cg_lock_warn_invalid(ctx, f->path, bad);
    if (unknown)
        cg_cat_warn(ctx, "/%s: %zu entr%s with an unknown protocol ignored", f->path, unknown,
                    unknown == 1 ? "y" : "ies");
    return CG_OK;
}

/* ---------- pnpm-lock.yaml ---------- */

typedef struct yframe {
    bool is_map, want_key;
    char key[KEY_MAX];
    size_t key_len;
} yframe;

typedef struct pnpm_state {
    cg_arena *a;
    int major;          /* lockfileVersion's major number, 0 unknown */
    yframe st[YAML_DEPTH];
    int depth;
    bool in_pkg;        /* inside packages/snapshots -> KEY -> mapping */
    npm_rec cur;
    cg_span cur_name_field, cur_ver_field;
    char name_buf[KEY_MAX], ver_buf[KEY_MAX];
    cg_vec deps, recs;
    size_t bad;
    const char *problem; /* why the stream stopped early */
    bool oom;
} pnpm_state;

/* "/@a/b@1.0.0(peer@2)" (v6), "@a/b@1.0.0(peer)" (v9), "/@a/b/1.0.0_peer@2" (v5). */
static bool pnpm_key(int major, const char *k, size_t n, cg_span *name, cg_span *ver)
{
    if (n && k[0] == '/')
        k++, n--;
    const char *paren = memchr(k, '(', n);
    if (paren)
        n = (size_t)(paren - k);
    if (major >= 6 || (major == 0 && n > 1 && memchr(k + 1, '@', n - 1))) {
        const char *at = NULL;
        for (size_t i = 1; i < n; i++)
            if (k[i] == '@')
                at = k + i;
        if (!at)
            return false;
        *name = (cg_span){k, (size_t)(at - k)};
        *ver = (cg_span){at + 1, (size_t)(k + n - at - 1)};
        return true;
    }
    /* v5: name is one path segment, or two for a scope; the rest is the version */
    const char *s1 = memchr(k, '/', n);
    if (!s1)
        return false;
    if (k[0] == '@') {
        s1 = memchr(s1 + 1, '/', (size_t)(k + n - s1 - 1));
        if (!s1)
            return false;
    }
    *name = (cg_span){k, (size_t)(s1 - k)};
    cg_span v = {s1 + 1, (size_t)(k + n - s1 - 1)};
    const char *us = memchr(v.p, '_', v.n);
    if (us)
        v.n = (size_t)(us - v.p);
    *ver = v;
    return true;
}

static bool frame_key_is(const yframe *f, const char *lit)
{
    size_t n = strlen(lit);
    return f->key_len == n && !memcmp(f->key, lit, n);
}

static bool pnpm_end_pkg(pnpm_state *s, const char *key, size_t key_len)
{
    cg_span name = {0}, ver = {0};
    bool have = pnpm_key(s->major, key, key_len, &name, &ver);
    if (s->cur_name_field.n)
        name = s->cur_name_field;
    if (s->cur_ver_field.n && s->cur_ver_field.p[0] >= '0' && s->cur_ver_field.p[0] <= '9')
        ver = s->cur_ver_field;
    bool ok = true;
    if ((!have && !s->cur_name_field.n) || !npm_valid_name(name.p, name.n) ||
        !npm_valid_version(ver.p, ver.n) || memchr(ver.p, ':', ver.n)) {
        if (!frame_key_is(&s->st[0], "snapshots")) /* snapshots repeat packages' keys */
            s->bad++;
        free(s->deps.v);
    } else if (s->recs.n < MAX_RECS) {
        s->cur.name = cg_arena_strndup(s->a, name.p, name.n);
        s->cur.version = cg_arena_strndup(s->a, ver.p, ver.n);
        ok = s->cur.name && s->cur.version &&
             cg_lock_names_finish(s->a, &s->deps, &s->cur.deps, &s->cur.n_deps) &&
             cg_vec_push(&s->recs, &s->cur, sizeof s->cur);
    } else {
        free(s->deps.v);
    }
    s->deps = (cg_vec){0};
    s->cur = (npm_rec){0};
    s->cur_name_field = s->cur_ver_field = (cg_span){0};
    s->in_pkg = false;
    return ok;
}

/* A scalar value (or key) at the current depth. */
static bool pnpm_scalar(pnpm_state *s, const char *t, size_t n)
{
    yframe *top = s->depth ? &s->st[s->depth - 1] : NULL;
    if (!top)
        return true;
    if (top->is_map && top->want_key) {
        if (n >= KEY_MAX)
            n = 0; /* an unusable key */
        memcpy(top->key, t, n);
        top->key_len = n;
        top->want_key = false;
        /* a key inside packages/snapshots/KEY/dependencies: a dependency name */
        if (s->in_pkg && s->depth == 4 &&
            (frame_key_is(&s->st[2], "dependencies") || frame_key_is(&s->st[2], "optionalDependencies")) &&
            s->deps.n < MAX_DEPS && npm_valid_name(t, n)) {
            const char *d = cg_arena_strndup(s->a, t, n);
            return d && cg_vec_push(&s->deps, &d, sizeof d);
        }
        return true;
    }
    if (top->is_map)
        top->want_key = true;
    if (s->depth == 1 && frame_key_is(top, "lockfileVersion")) {
        s->major = 0;
        for (size_t i = 0; i < n && i < 4 && t[i] >= '0' && t[i] <= '9'; i++)
            s->major = s->major * 10 + (t[i] - '0');
    } else if (s->in_pkg && s->depth == 3) {
        bool yes = n == 4 && !memcmp(t, "true", 4);
        if (frame_key_is(top, "dev") && yes)
            s->cur.flags |= NPM_DEV;
        else if (frame_key_is(top, "optional") && yes)
            s->cur.flags |= NPM_OPTIONAL;
        else if (frame_key_is(top, "name") && n < KEY_MAX) {
            memcpy(s->name_buf, t, n);
            s->cur_name_field = (cg_span){s->name_buf, n};
        } else if (frame_key_is(top, "version") && n < KEY_MAX) {
            memcpy(s->ver_buf, t, n);
            s->cur_ver_field = (cg_span){s->ver_buf, n};
        }
    }
    return true;
}

/* One event of the lock file's stream (core/yaml.h); a structural problem
 * stops the stream with CG_ERR_INPUT and a reason in s->problem. */
static cg_status pnpm_event(void *user, const cg_yaml_event *ev, cg_error *err)
{
    (void)err;
    pnpm_state *s = user;
    bool ok = true;
    switch (ev->type) {
    case CG_YEV_DOC_START:
        free(s->deps.v);
        s->deps = (cg_vec){0};
        s->cur = (npm_rec){0};
        s->cur_name_field = s->cur_ver_field = (cg_span){0};
        s->depth = 0;
        s->in_pkg = false;
        break;
    case CG_YEV_SCALAR:
        ok = pnpm_scalar(s, ev->text, ev->len);
        break;
    case CG_YEV_ALIAS: /* never expanded: an opaque value */
        ok = pnpm_scalar(s, "", 0);
        break;
    case CG_YEV_MAP_START:
    case CG_YEV_SEQ_START:
        if (s->depth >= YAML_DEPTH) {
            s->problem = "nested too deeply";
            return CG_ERR_INPUT;
        }
        if (s->depth == 2 && ev->type == CG_YEV_MAP_START &&
            (frame_key_is(&s->st[0], "packages") || frame_key_is(&s->st[0], "snapshots")))
            s->in_pkg = true;
        s->st[s->depth] = (yframe){.is_map = ev->type == CG_YEV_MAP_START, .want_key = true};
        s->depth++;
        break;
    case CG_YEV_MAP_END:
    case CG_YEV_SEQ_END:
        if (s->depth > 0)
            s->depth--;
        if (s->depth == 2 && s->in_pkg)
            ok = pnpm_end_pkg(s, s->st[1].key, s->st[1].key_len);
        if (s->depth > 0 && s->st[s->depth - 1].is_map)
            s->st[s->depth - 1].want_key = true;
        break;
    default:
        break;
    }
    if (!ok)
        s->oom = true;
    return ok ? CG_OK : CG_ERR_NOMEM;
}

cg_status npm_parse_pnpm_lock(cg_cat_ctx *ctx, const cg_cat_file *f, npm_result *res,
                              cg_error *err)
{
    pnpm_state *s = calloc(1, sizeof *s);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    s->a = cg_cat_arena(ctx);
    cg_error yerr;
    cg_error_clear(&yerr);
    cg_status st = cg_yaml_events(f->data, f->len, f->path, YAML_DEPTH + 1, pnpm_event, s, &yerr);
    bool ok = !s->oom && st != CG_ERR_NOMEM;
    const char *problem = s->problem;
    if (ok && st != CG_OK && !problem)
        problem = "is not valid YAML";
    free(s->deps.v);
    size_t pl = strlen(f->path);
    if (problem && !s->problem && !strncmp(yerr.msg, f->path, pl) && yerr.msg[pl] == ':')
        /* the reader's "PATH:LINE: why" */
        cg_cat_warn(ctx, "/%s: %s (line %.300s); packages after the problem ignored", f->path, problem,
                    yerr.msg + pl + 1);
    else if (problem)
        cg_cat_warn(ctx, "/%s: %s; packages after the problem ignored", f->path, problem);
    if (ok && s->bad)
        cg_lock_warn_invalid(ctx, f->path, s->bad);
    if (!ok || npm_recs_finish(s->a, &s->recs, res) != CG_OK) {
        free(s->recs.v);
        free(s);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    }
    free(s);
    return CG_OK;
}
