/*
 * os_release.c - the distro cataloger: ID / VERSION_ID of the image's OS.
 *
 * Reads etc/os-release (then usr/lib/os-release) as os-release(5) defines it
 * - KEY=VALUE lines, shell-style single/double quotes, backslash escapes in
 * double quotes, '#' comments - and falls back to etc/debian_version and
 * etc/alpine-release when no os-release names the system.  It runs first so
 * OS package catalogers can use the distro for namespaces and purl distro=.
 * Owns only the cg_distro record; emits no packages.
 */
#include <stdbool.h>
#include <string.h>

#include "catalog/catalog.h"

#define OSREL_MAX (64u * 1024u)
#define OSREL_VALUE_MAX 1024u

enum osrel_kind { K_ETC_OSREL, K_USR_OSREL, K_DEBIAN_VERSION, K_ALPINE_RELEASE, K_NONE };

typedef struct osrel_result {
    enum osrel_kind kind;
    cg_distro d;
} osrel_result;

static enum osrel_kind kind_of(const char *path)
{
    if (!strcmp(path, "etc/os-release"))
        return K_ETC_OSREL;
    if (!strcmp(path, "usr/lib/os-release"))
        return K_USR_OSREL;
    if (!strcmp(path, "etc/debian_version"))
        return K_DEBIAN_VERSION;
    if (!strcmp(path, "etc/alpine-release"))
        return K_ALPINE_RELEASE;
    return K_NONE;
}

static bool osrel_wants(const char *path, size_t len, cg_cat_want *w)
{
    (void)len;
    if (kind_of(path) == K_NONE)
        return false;
    w->max_size = OSREL_MAX;
    w->essential = false;
    return true;
}

static bool is_key_char(unsigned char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* Decode a shell-style value from s[0..n) into out (cap OSREL_VALUE_MAX).
 * Returns false on an unterminated quote or an over-long value. */
static bool decode_value(const uint8_t *s, size_t n, char *out, size_t *outlen)
{
    size_t o = 0, i = 0;
    char q = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (!q && (c == ' ' || c == '\t'))
            break; /* unquoted whitespace ends the value (rest is a comment/junk) */
        if (!q && (c == '"' || c == '\'')) {
            q = (char)c;
            i++;
            continue;
        }
        if (q && c == (unsigned char)q) {
            q = 0;
            i++;
            continue;
        }
        if (c == '\\' && q != '\'' && i + 1 < n) {
            unsigned char e = s[i + 1];
            /* in double quotes only these are escapes (sh); elsewhere any char */
            if (!q || e == '"' || e == '\\' || e == '$' || e == '`') {
                c = e;
                i++;
            }
        }
        if (c == 0 || o >= OSREL_VALUE_MAX)
            return false;
        out[o++] = (char)c;
        i++;
    }
    if (q)
        return false;
    out[o] = 0;
    *outlen = o;
    return true;
}

static cg_status parse_os_release(cg_cat_ctx *ctx, const cg_cat_file *f, cg_distro *d)
{
    cg_arena *a = cg_cat_arena(ctx);
    const uint8_t *p = f->data, *end = f->data + f->len;
    char val[OSREL_VALUE_MAX + 1];
    size_t bad = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *le = nl ? nl : end;
        const uint8_t *s = p;
        p = nl ? nl + 1 : end;
        while (s < le && (*s == ' ' || *s == '\t'))
            s++;
        size_t n = (size_t)(le - s);
        if (n && s[n - 1] == '\r')
            n--;
        if (n == 0 || s[0] == '#')
            continue;
        size_t k = 0;
        while (k < n && is_key_char(s[k], k == 0))
            k++;
        if (k == 0 || k >= n || s[k] != '=') {
            bad++;
            continue;
        }
        size_t vl = 0;
        if (!decode_value(s + k + 1, n - k - 1, val, &vl)) {
            bad++;
            continue;
        }
        const char **slot = NULL;
#define KEY(name) (k == sizeof(name) - 1 && !memcmp(s, name, k))
        if (KEY("ID"))
            slot = &d->id;
        else if (KEY("VERSION_ID"))
            slot = &d->version_id;
        else if (KEY("VERSION_CODENAME"))
            slot = &d->version_codename;
        else if (KEY("NAME"))
            slot = &d->name;
        else if (KEY("PRETTY_NAME"))
            slot = &d->pretty_name;
        else if (KEY("ID_LIKE"))
            slot = &d->id_like;
        else if (KEY("HOME_URL"))
            slot = &d->home_url;
#undef KEY
        if (!slot || vl == 0)
            continue;
        *slot = cg_arena_strndup(a, val, vl);
        if (!*slot)
            return CG_ERR_NOMEM;
    }
    if (bad)
        cg_cat_warn(ctx, "%s: %zu malformed line(s) ignored", f->path, bad);
    return CG_OK;
}

/* First line of a one-line release file, trimmed; NULL when empty/binary. */
static char *first_line(cg_arena *a, const cg_cat_file *f)
{
    size_t b = 0, e = 0;
    while (b < f->len && (f->data[b] == ' ' || f->data[b] == '\t'))
        b++;
    e = b;
    while (e < f->len && f->data[e] != '\n' && f->data[e] != '\r')
        e++;
    while (e > b && (f->data[e - 1] == ' ' || f->data[e - 1] == '\t'))
        e--;
    if (e == b || e - b > 256 || memchr(f->data + b, 0, e - b))
        return NULL;
    return cg_arena_strndup(a, (const char *)f->data + b, e - b);
}

static cg_status osrel_parse(cg_cat_ctx *ctx, const cg_cat_file *f, void **result, cg_error *err)
{
    cg_arena *a = cg_cat_arena(ctx);
    osrel_result *r = cg_arena_alloc(a, sizeof *r);
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    r->kind = kind_of(f->path);
    r->d.layer = f->layer;
    r->d.source_path = cg_arena_sprintf(a, "/%s", f->path);
    if (!r->d.source_path)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
    if (r->kind == K_ETC_OSREL || r->kind == K_USR_OSREL) {
        if (parse_os_release(ctx, f, &r->d) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", f->path);
        if (!r->d.id) {
            cg_cat_warn(ctx, "%s: no ID= line; ignored", f->path);
            return CG_OK;
        }
    } else {
        char *line = first_line(a, f);
        if (!line) {
            cg_cat_warn(ctx, "%s: empty or unreadable; ignored", f->path);
            return CG_OK;
        }
        if (r->kind == K_ALPINE_RELEASE) {
            r->d.id = "alpine";
            r->d.version_id = line;
        } else {
            r->d.id = "debian";
            if (line[0] >= '0' && line[0] <= '9') {
                /* "12.5" -> VERSION_ID "12", as Debian's own os-release says */
                char *dot = strchr(line, '.');
                if (dot)
                    *dot = 0;
                r->d.version_id = line;
            } else {
                /* "bookworm/sid": testing/unstable, no version number */
                char *sl = strchr(line, '/');
                if (sl)
                    *sl = 0;
                r->d.version_codename = line;
            }
        }
    }
    *result = r;
    return CG_OK;
}

/* Rank by the node's path (for a symlinked etc/os-release the result was
 * parsed from the target, but the precedence and source_path are the link's). */
static cg_status osrel_finish(cg_cat_ctx *ctx, const cg_cat_node *const *nodes, size_t n,
                              cg_error *err)
{
    const cg_cat_node *best = NULL;
    enum osrel_kind best_kind = K_NONE;
    const osrel_result *debver = NULL;
    for (size_t i = 0; i < n; i++) {
        const osrel_result *r = nodes[i]->result;
        enum osrel_kind k = kind_of(nodes[i]->path);
        if (!r || !r->d.id || k == K_NONE)
            continue;
        if (r->kind == K_DEBIAN_VERSION)
            debver = r;
        if (k < best_kind) {
            best = nodes[i];
            best_kind = k;
        }
    }
    if (!best)
        return CG_OK;
    cg_arena *a = cg_cat_arena(ctx);
    const osrel_result *br = best->result;
    cg_distro *d = cg_arena_memdup(a, &br->d, sizeof br->d);
    if (!d || !(d->source_path = cg_arena_sprintf(a, "/%s", best->path)))
        return cg_error_set(err, CG_ERR_NOMEM, "os-release: out of memory");
    d->layer = best->layer;
    /* Debian testing's os-release has no VERSION_ID; debian_version may. */
    if (!d->version_id && debver && debver != br && !strcmp(d->id, "debian"))
        d->version_id = debver->d.version_id;
    cg_cat_set_distro(ctx, d);
    return CG_OK;
}

const cg_cataloger cg_cataloger_os_release = {
    .name = "os-release",
    .wants = osrel_wants,
    .parse = osrel_parse,
    .finish = osrel_finish,
};
