/*
 * read.c - cg_sbom_read: an existing CycloneDX or SPDX JSON SBOM (cgate's
 * own, Syft's, Trivy's) back into cgate's records, so `cgate sbom --from`
 * can convert it and later stages can scan it without the image.
 *
 * The purl is the key: a component becomes a package only when it carries a
 * purl that parses, and type, namespace, name, arch come from it.  Everything
 * else is taken where a producer is known to put it: cgate's own `cgate:*`
 * properties (the inverse of cyclonedx.c / spdx.c), Trivy's
 * `aquasecurity:trivy:*` properties and SPDX annotations, Syft's
 * `syft:location:N:*` properties.  The input is untrusted: size and count
 * caps, jansson's depth limit, every field type-checked; a document that
 * breaks its own format is refused with one line naming it, never half read.
 * This file does not touch the catalogers or the writers.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/license.h"
#include "core/purl.h"
#include "cgate/sbom.h"
#include "core/json.h"
#include "core/rfc3339.h"

#define STR_MAX 65536u
#define LOCS_MAX 64u
#define PROPS_MAX 256u
#define LICS_MAX 64u
#define LAYERS_MAX 4096u
#define WARNS_MAX 10000u
#define NEST_MAX 8

typedef struct refidx {
    const char *ref;
    size_t idx;
} refidx;

typedef struct rd {
    cg_sbom *s;
    cg_arena *a;
    const char *what;
    cg_package *pkgs;
    size_t n, cap;
    const char **refs; /* bom-ref / SPDXID of each package */
    cg_layer_info *layers;
    size_t n_layers;
    const char **warns;
    size_t n_warns;
    size_t no_purl, bad_purl;
    const char *distro_q; /* first distro= qualifier seen */
    bool oom;
} rd;

/* ---------- small helpers ---------- */

/* A JSON string without NUL, at most STR_MAX bytes, copied to the arena. */
static const char *jstr(rd *r, const json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (!n || n > STR_MAX || memchr(s, '\0', n))
        return NULL;
    const char *c = cg_arena_strndup(r->a, s, n);
    if (!c)
        r->oom = true;
    return c;
}

static const char *jget(rd *r, const json_t *obj, const char *key)
{
    return json_is_object(obj) ? jstr(r, json_object_get(obj, key)) : NULL;
}

static bool starts(const char *s, const char *pre)
{
    return s && !strncmp(s, pre, strlen(pre));
}

static void warn(rd *r, const char *msg)
{
    if (r->n_warns >= WARNS_MAX || !msg)
        return;
    if (r->n_warns % 64 == 0) {
        const char **nw = realloc(r->warns, (r->n_warns + 64) * sizeof *nw);
        if (!nw) {
            r->oom = true;
            return;
        }
        r->warns = nw;
    }
    r->warns[r->n_warns++] = msg;
}

static int layer_find(const rd *r, const char *id)
{
    for (size_t i = 0; id && i < r->n_layers; i++)
        if ((r->layers[i].digest && !strcmp(r->layers[i].digest, id)) ||
            (r->layers[i].diff_id && !strcmp(r->layers[i].diff_id, id)))
            return (int)i;
    return -1;
}

/* Ensure layer slot i exists (cgate numbers its layers). */
static cg_layer_info *layer_at(rd *r, size_t i)
{
    if (i >= LAYERS_MAX)
        return NULL;
    if (i >= r->n_layers) {
        cg_layer_info *nl = cg_arena_calloc(r->a, i + 1, sizeof *nl);
        if (!nl) {
            r->oom = true;
            return NULL;
        }
        if (r->n_layers)
            memcpy(nl, r->layers, r->n_layers * sizeof *nl);
        for (size_t k = r->n_layers; k <= i; k++)
            nl[k].size = -1;
        r->layers = nl;
        r->n_layers = i + 1;
    }
    return &r->layers[i];
}

/* The layer with this digest or diff_id, appended when new. */
static int layer_ref(rd *r, const char *id, bool is_diff_id)
{
    if (!id)
        return -1;
    int i = layer_find(r, id);
    if (i >= 0)
        return i;
    cg_layer_info *l = layer_at(r, r->n_layers);
    if (!l)
        return -1;
    if (is_diff_id)
        l->diff_id = id;
    else
        l->digest = id;
    return (int)(r->n_layers - 1);
}

/* ---------- packages ---------- */

typedef struct pbuild {
    cg_location locs[LOCS_MAX];
    const char *loc_layer[LOCS_MAX];
    bool loc_is_diff[LOCS_MAX]; /* Syft's layerID is a diff_id, cgate's a blob digest */
    size_t n_locs;
    cg_prop props[PROPS_MAX];
    size_t n_props;
    const char *licref_name[LICS_MAX], *licref_text[LICS_MAX];
    size_t n_licrefs;
    const char *src_version, *src_release, *src_epoch;
} pbuild;

/* A new package from a purl string; NULL (counted) when there is none or it
 * does not parse. */
static cg_package *pkg_from_purl(rd *r, const char *purl, const char *version, const char *ref)
{
    if (!purl) {
        r->no_purl++;
        return NULL;
    }
    cg_purl pu;
    int rc = cg_purl_parse(r->a, purl, strlen(purl), &pu);
    if (rc == -2) {
        r->oom = true;
        return NULL;
    }
    if (rc != 0) {
        r->bad_purl++;
        return NULL;
    }
    if (r->n >= CG_SBOM_READ_MAX_COMPONENTS)
        return NULL;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 64;
        cg_package *np = realloc(r->pkgs, nc * sizeof *np);
        const char **nr = np ? realloc(r->refs, nc * sizeof *nr) : NULL;
        if (np)
            r->pkgs = np;
        if (!np || !nr) {
            r->oom = true;
            return NULL;
        }
        r->refs = nr;
        r->cap = nc;
    }
    cg_package *p = &r->pkgs[r->n];
    memset(p, 0, sizeof *p);
    r->refs[r->n] = ref;
    r->n++;
    p->type = pu.type;
    p->namespace_ = pu.namespace_;
    p->name = pu.name;
    p->version = version ? version : pu.version;
    p->arch = cg_purl_qualifier(&pu, "arch");
    const char *epoch = cg_purl_qualifier(&pu, "epoch");
    if (epoch && pu.type && !strcmp(pu.type, "rpm")) {
        /* cgate's rpm records keep VERSION-RELEASE as the version and the epoch
         * beside it (the rpm cataloger's cgate:rpm:epoch; purl.c emits it back) */
        p->props = cg_arena_calloc(r->a, 1, sizeof *p->props);
        if (!p->props) {
            r->oom = true;
        } else {
            p->props[0] = (cg_prop){"cgate:rpm:epoch", epoch};
            p->n_props = 1;
        }
    } else if (epoch && p->version && !strchr(p->version, ':') && strcmp(epoch, "0")) {
        /* deb: the epoch belongs in the version, as dpkg records it (Trivy moves it to a qualifier) */
        p->version = cg_arena_sprintf(r->a, "%s:%s", epoch, p->version);
        if (!p->version)
            r->oom = true;
    }
    const char *dq = cg_purl_qualifier(&pu, "distro");
    if (dq && !r->distro_q)
        r->distro_q = dq;
    p->purl = purl;
    p->layer = -1;
    return p;
}

static int prop_cmp(const void *a, const void *b)
{
    const cg_prop *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

/* One property of a package (CycloneDX property or Trivy annotation). */
static void pkg_prop(rd *r, cg_package *p, pbuild *b, const char *name, const char *value)
{
    unsigned n = 0;
    int used = 0;
    if (!name || !value)
        return;
    if (!strcmp(name, "cgate:cataloger") || !strcmp(name, "syft:package:foundBy")) {
        p->cataloger = value;
    } else if (!strcmp(name, "cgate:source:name") || !strcmp(name, "aquasecurity:trivy:SrcName")) {
        p->source_name = value;
    } else if (!strcmp(name, "cgate:source:version") || !strcmp(name, "aquasecurity:trivy:SrcVersion")) {
        b->src_version = value;
    } else if (!strcmp(name, "aquasecurity:trivy:SrcRelease")) {
        b->src_release = value;
    } else if (!strcmp(name, "aquasecurity:trivy:SrcEpoch")) {
        b->src_epoch = value;
    } else if (!strcmp(name, "cgate:owned-by")) {
        p->owned_by = value;
    } else if (!strcmp(name, "cgate:owned-by:type")) {
        p->owned_by_type = value;
    } else if (!strcmp(name, "cgate:layer:diff_id") || !strcmp(name, "aquasecurity:trivy:LayerDiffID") ||
               !strcmp(name, "cgate:layer:digest") || !strcmp(name, "aquasecurity:trivy:LayerDigest")) {
        /* the digest and diff_id of one layer: the second one seen completes it */
        bool diff = strstr(name, "iff") != NULL;
        int l = layer_find(r, value);
        if (l >= 0)
            p->layer = l;
        else if (p->layer >= 0 && !(diff ? r->layers[p->layer].diff_id : r->layers[p->layer].digest))
            *(diff ? &r->layers[p->layer].diff_id : &r->layers[p->layer].digest) = value;
        else
            p->layer = layer_ref(r, value, diff);
    } else if ((sscanf(name, "cgate:location:%u:path%n", &n, &used) == 1 ||
                sscanf(name, "syft:location:%u:path%n", &n, &used) == 1) && !name[used]) {
        if (n < LOCS_MAX) {
            b->locs[n].path = value;
            if (n >= b->n_locs)
                b->n_locs = n + 1;
        }
    } else if ((sscanf(name, "cgate:location:%u:layer:digest%n", &n, &used) == 1 ||
                sscanf(name, "syft:location:%u:layerID%n", &n, &used) == 1) && !name[used]) {
        if (n < LOCS_MAX) {
            b->loc_layer[n] = value;
            b->loc_is_diff[n] = starts(name, "syft:");
        }
    } else if (!strcmp(name, "aquasecurity:trivy:FilePath")) {
        if (!b->locs[0].path) {
            b->locs[0].path = value[0] == '/' ? value : cg_arena_sprintf(r->a, "/%s", value);
            if (!b->n_locs)
                b->n_locs = 1;
        }
    } else if (starts(name, "cgate:license:")) {
        if (b->n_licrefs < LICS_MAX) {
            b->licref_name[b->n_licrefs] = name + strlen("cgate:license:");
            b->licref_text[b->n_licrefs++] = value;
        }
    } else if (starts(name, "cgate:") && strcmp(name, "cgate:package:type") && strcmp(name, "cgate:package:arch")) {
        if (b->n_props < PROPS_MAX)
            b->props[b->n_props++] = (cg_prop){name, value};
    }
}

static void add_license(rd *r, cg_license *ls, size_t *n, const char *v, bool spdx)
{
    if (!v || *n >= LICS_MAX)
        return;
    if (spdx) {
        ls[(*n)++] = (cg_license){v, 1};
    } else if (cg_license_map(r->a, v, strlen(v), &ls[*n]) == 0) {
        (*n)++;
    } else {
        r->oom = true;
    }
}

/* An SPDX expression: when it names LicenseRefs whose text is known (cgate's
 * cgate:license:* properties, SPDX hasExtractedLicensingInfos), split it at
 * its top-level ANDs and give those terms back as names. */
static void add_expression(rd *r, cg_license *ls, size_t *n, const char *e, const pbuild *b,
                           const json_t *extracted)
{
    bool has_ref = strstr(e, "LicenseRef-") != NULL;
    if (!has_ref) {
        add_license(r, ls, n, e, true);
        return;
    }
    size_t len = strlen(e), start = 0;
    int depth = 0;
    for (size_t i = 0; i <= len && !r->oom; i++) {
        if (i < len && e[i] == '(')
            depth++;
        else if (i < len && e[i] == ')')
            depth--;
        if (i < len && !(depth == 0 && !strncmp(e + i, " AND ", 5)))
            continue;
        const char *t = e + start;
        size_t tl = i - start;
        while (tl >= 2 && t[0] == '(' && t[tl - 1] == ')') {
            t++;
            tl -= 2;
        }
        const char *term = cg_arena_strndup(r->a, t, tl);
        if (!term) {
            r->oom = true;
            return;
        }
        const char *text = NULL;
        for (size_t k = 0; b && k < b->n_licrefs && !text; k++)
            if (!strcmp(b->licref_name[k], term))
                text = b->licref_text[k];
        size_t idx;
        json_t *x;
        json_array_foreach(extracted, idx, x) {
            const char *id = cg_json_str(x, "licenseId");
            if (!text && id && !strcmp(id, term)) {
                text = jget(r, x, "name");
                if (!text)
                    text = jget(r, x, "extractedText");
            }
        }
        if (text && *n < LICS_MAX)
            ls[(*n)++] = (cg_license){text, 0};
        else
            add_license(r, ls, n, term, true);
        start = i + 5;
        i += 4;
    }
}

/* Locations, props, source version, licences into p. */
static void pkg_finish(rd *r, cg_package *p, pbuild *b, cg_license *ls, size_t n_ls)
{
    size_t nl = 0;
    for (size_t i = 0; i < b->n_locs; i++)
        if (b->locs[i].path)
            nl++;
    if (nl) {
        p->locations = cg_arena_calloc(r->a, nl, sizeof *p->locations);
        if (!p->locations) {
            r->oom = true;
            return;
        }
        for (size_t i = 0; i < b->n_locs; i++) {
            if (!b->locs[i].path)
                continue;
            cg_location *l = &p->locations[p->n_locations++];
            l->path = b->locs[i].path;
            l->layer = b->loc_layer[i] ? layer_ref(r, b->loc_layer[i], b->loc_is_diff[i]) : -1;
        }
    }
    if (b->n_props) {
        qsort(b->props, b->n_props, sizeof b->props[0], prop_cmp);
        p->props = cg_arena_memdup(r->a, b->props, b->n_props * sizeof b->props[0]);
        p->n_props = p->props ? b->n_props : 0;
        if (!p->props)
            r->oom = true;
    }
    if (b->src_version) {
        const char *sv = b->src_version;
        if (b->src_release || b->src_epoch)
            sv = cg_arena_sprintf(r->a, "%s%s%s%s%s", b->src_epoch && strcmp(b->src_epoch, "0") ? b->src_epoch : "",
                                  b->src_epoch && strcmp(b->src_epoch, "0") ? ":" : "", b->src_version,
                                  b->src_release ? "-" : "", b->src_release ? b->src_release : "");
        if (!sv)
            r->oom = true;
        else if (!p->version || strcmp(sv, p->version))
            p->source_version = sv;
    }
    if (n_ls) {
        p->licenses = cg_arena_memdup(r->a, ls, n_ls * sizeof *ls);
        p->n_licenses = p->licenses ? n_ls : 0;
        if (!p->licenses)
            r->oom = true;
    }
}

/* ---------- CycloneDX ---------- */

static cg_status bad(rd *r, cg_error *err, const char *why)
{
    return cg_error_set(err, CG_ERR_INPUT, "%s: %s", r->what, why);
}

static void cdx_image(rd *r, const json_t *c)
{
    cg_image_info *im = &r->s->image;
    im->name = jget(r, c, "name");
    r->s->image_purl = jget(r, c, "purl");
    const char *ver = jget(r, c, "version");
    size_t i;
    json_t *pr;
    json_array_foreach(json_object_get(c, "properties"), i, pr) {
        const char *n = cg_json_str(pr, "name"), *v = jget(r, pr, "value");
        unsigned k = 0;
        int used = 0;
        if (!n || !v)
            continue;
        if (!strcmp(n, "cgate:image:manifest-digest"))
            im->manifest_digest = v;
        else if (!strcmp(n, "cgate:image:config-digest") || !strcmp(n, "aquasecurity:trivy:ImageID"))
            im->config_digest = v;
        else if (!strcmp(n, "cgate:image:transport"))
            im->transport = v;
        else if (!strcmp(n, "cgate:image:tag"))
            im->tag = v;
        else if (!strcmp(n, "cgate:image:os"))
            im->os = v;
        else if (!strcmp(n, "cgate:image:architecture"))
            im->architecture = v;
        else if (!strcmp(n, "cgate:warning"))
            warn(r, v);
        else if (!strcmp(n, "aquasecurity:trivy:RepoDigest") && strchr(v, '@') && !im->manifest_digest)
            im->manifest_digest = strchr(v, '@') + 1;
        else if (!strcmp(n, "aquasecurity:trivy:DiffID"))
            layer_ref(r, v, true);
        else if (sscanf(n, "cgate:image:layer:%u:digest%n", &k, &used) == 1 && !n[used]) {
            cg_layer_info *l = layer_at(r, k);
            if (l)
                l->digest = v;
        } else if (sscanf(n, "cgate:image:layer:%u:diff_id%n", &k, &used) == 1 && !n[used]) {
            cg_layer_info *l = layer_at(r, k);
            if (l)
                l->diff_id = v;
        }
    }
    /* Syft and Trivy put the image ID or digest in version */
    if (ver && starts(ver, "sha256:") && !im->manifest_digest && !im->config_digest)
        im->config_digest = ver;
}

static void cdx_os(rd *r, const json_t *c)
{
    if (r->s->distro)
        return;
    cg_distro *d = cg_arena_calloc(r->a, 1, sizeof *d);
    if (!d) {
        r->oom = true;
        return;
    }
    d->id = jget(r, c, "name");
    d->version_id = jget(r, c, "version");
    d->pretty_name = jget(r, c, "description");
    d->layer = -1;
    size_t i;
    json_t *pr;
    json_array_foreach(json_object_get(c, "properties"), i, pr) {
        const char *n = cg_json_str(pr, "name"), *v = jget(r, pr, "value");
        if (!n || !v)
            continue;
        if (!strcmp(n, "cgate:distro:version_codename"))
            d->version_codename = v;
        else if (!strcmp(n, "cgate:distro:id_like"))
            d->id_like = v;
        else if (!strcmp(n, "cgate:location:0:path"))
            d->source_path = v;
        else if (!strcmp(n, "cgate:location:0:layer:digest"))
            d->layer = layer_ref(r, v, false);
    }
    r->s->distro = d;
}

static void cdx_component(rd *r, const json_t *c, int depth)
{
    if (!json_is_object(c) || r->oom)
        return;
    const char *type = cg_json_str(c, "type");
    if (type && !strcmp(type, "operating-system")) {
        cdx_os(r, c);
    } else if (!type || strcmp(type, "file")) {
        const char *purl = jget(r, c, "purl");
        /* application components without a purl are Trivy's lock files, not packages */
        if (purl || (type && strcmp(type, "application"))) {
            cg_package *p = pkg_from_purl(r, purl, jget(r, c, "version"), jget(r, c, "bom-ref"));
            if (p) {
                pbuild b;
                memset(&b, 0, sizeof b);
                cg_license ls[LICS_MAX];
                size_t n_ls = 0;
                p->supplier = jget(r, json_object_get(c, "supplier"), "name");
                p->description = jget(r, c, "description");
                size_t i;
                json_t *e;
                json_array_foreach(json_object_get(c, "properties"), i, e)
                    pkg_prop(r, p, &b, jget(r, e, "name"), jget(r, e, "value"));
                json_array_foreach(json_object_get(c, "licenses"), i, e) {
                    const json_t *l = json_object_get(e, "license");
                    const char *expr = jget(r, e, "expression");
                    if (expr)
                        add_expression(r, ls, &n_ls, expr, &b, NULL);
                    else if (jget(r, l, "id"))
                        add_license(r, ls, &n_ls, jget(r, l, "id"), true);
                    else if (jget(r, l, "name"))
                        add_license(r, ls, &n_ls, jget(r, l, "name"), false);
                }
                pkg_finish(r, p, &b, ls, n_ls);
            }
        }
    }
    /* nested components (assemblies); bounded depth */
    const json_t *sub = json_object_get(c, "components");
    if (json_is_array(sub) && depth < NEST_MAX) {
        size_t i;
        json_t *e;
        json_array_foreach(sub, i, e) cdx_component(r, e, depth + 1);
    }
}

static int refidx_cmp(const void *a, const void *b)
{
    return strcmp(((const refidx *)a)->ref, ((const refidx *)b)->ref);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* edges[k] = (from ref, to ref) -> depends names. */
static void set_edges(rd *r, const char **from, const char **to, size_t n_edges)
{
    size_t nr = 0;
    refidx *idx = malloc((r->n ? r->n : 1) * sizeof *idx);
    size_t *cnt = calloc(r->n ? r->n : 1, sizeof *cnt);
    if (!idx || !cnt) {
        free(idx);
        free(cnt);
        r->oom = true;
        return;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->refs[i])
            idx[nr++] = (refidx){r->refs[i], i};
    qsort(idx, nr, sizeof *idx, refidx_cmp);
    /* two passes: count, then fill */
    for (int pass = 0; pass < 2 && !r->oom; pass++) {
        for (size_t k = 0; k < n_edges; k++) {
            refidx kf = {from[k], 0}, kt = {to[k], 0};
            const refidx *f = from[k] ? bsearch(&kf, idx, nr, sizeof kf, refidx_cmp) : NULL;
            const refidx *t = to[k] ? bsearch(&kt, idx, nr, sizeof kt, refidx_cmp) : NULL;
            if (!f || !t || f->idx == t->idx)
                continue;
            cg_package *p = &r->pkgs[f->idx];
            if (pass == 0)
                cnt[f->idx]++;
            else
                p->depends[p->n_depends++] = r->pkgs[t->idx].name;
        }
        if (pass == 0)
            for (size_t i = 0; i < r->n; i++)
                if (cnt[i] && !(r->pkgs[i].depends = cg_arena_calloc(r->a, cnt[i], sizeof(char *))))
                    r->oom = true;
    }
    for (size_t i = 0; i < r->n && !r->oom; i++) {
        cg_package *p = &r->pkgs[i];
        if (!p->n_depends)
            continue;
        qsort(p->depends, p->n_depends, sizeof *p->depends, str_cmp);
        size_t u = 0;
        for (size_t k = 0; k < p->n_depends; k++)
            if (u == 0 || strcmp(p->depends[u - 1], p->depends[k]))
                p->depends[u++] = p->depends[k];
        p->n_depends = u;
    }
    free(idx);
    free(cnt);
}

typedef struct evec {
    const char **from, **to;
    size_t n, cap;
} evec;

static void edge_push(rd *r, evec *e, const char *from, const char *to)
{
    if (e->n >= 4u * CG_SBOM_READ_MAX_COMPONENTS)
        return;
    if (e->n == e->cap) {
        size_t nc = e->cap ? e->cap * 2 : 256;
        const char **nf = realloc(e->from, nc * sizeof *nf);
        if (nf)
            e->from = nf;
        const char **nt = nf ? realloc(e->to, nc * sizeof *nt) : NULL;
        if (!nf || !nt) {
            r->oom = true;
            return;
        }
        e->to = nt;
        e->cap = nc;
    }
    e->from[e->n] = from;
    e->to[e->n++] = to;
}

static cg_status read_cdx(rd *r, const json_t *doc, cg_error *err)
{
    const char *sv = cg_json_str(doc, "specVersion");
    static const char *const ok[] = {"1.2", "1.3", "1.4", "1.5", "1.6", "1.7"};
    bool known = false;
    for (size_t i = 0; sv && i < sizeof ok / sizeof ok[0]; i++)
        known |= !strcmp(sv, ok[i]);
    if (!known)
        return cg_error_set(err, CG_ERR_INPUT, "%s: CycloneDX specVersion %s%.20s%s is not supported (1.2-1.7)", r->what,
                            sv ? "\"" : "", sv ? sv : "missing", sv ? "\"" : "");
    const json_t *meta = json_object_get(doc, "metadata"), *comps = json_object_get(doc, "components"),
                 *deps = json_object_get(doc, "dependencies");
    if ((meta && !json_is_object(meta)) || (comps && !json_is_array(comps)) || (deps && !json_is_array(deps)))
        return bad(r, err, "CycloneDX metadata, components or dependencies of the wrong JSON type");
    if (json_array_size(comps) > CG_SBOM_READ_MAX_COMPONENTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u components", r->what, CG_SBOM_READ_MAX_COMPONENTS);
    const json_t *mc = json_object_get(meta, "component");
    if (json_is_object(mc))
        cdx_image(r, mc);
    const char *ts = cg_json_str(meta, "timestamp");
    if (ts && cg_rfc3339_parse(ts, &r->s->timestamp) != 0)
        r->s->timestamp = 0;
    size_t i;
    json_t *c;
    json_array_foreach(comps, i, c) cdx_component(r, c, 0);
    evec e = {0};
    json_array_foreach(deps, i, c) {
        const char *from = jget(r, c, "ref");
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(c, "dependsOn"), k, t) edge_push(r, &e, from, jstr(r, t));
    }
    if (!r->oom && e.n)
        set_edges(r, e.from, e.to, e.n);
    free(e.from);
    free(e.to);
    return CG_OK;
}

/* ---------- SPDX ---------- */

/* "acquired package info from NAME cataloger: /a, /b; installed by ..." (cgate, Syft) */
static void spdx_source_info(rd *r, cg_package *p, pbuild *b, const char *si)
{
    const char *pre = "acquired package info from ";
    if (!starts(si, pre))
        return;
    const char *s = si + strlen(pre);
    const char *cat = strstr(s, " cataloger");
    if (cat && cat > s && strncmp(s, "the", 3)) {
        p->cataloger = cg_arena_strndup(r->a, s, (size_t)(cat - s));
        if (!p->cataloger)
            r->oom = true;
    }
    /* "; installed by the deb package NAME" (cgate: the OS package that owns it) */
    const char *own = strstr(s, "; installed by the ");
    if (own) {
        const char *t = own + strlen("; installed by the "), *pk = strstr(t, " package ");
        if (pk && pk > t && pk[9]) {
            p->owned_by_type = cg_arena_strndup(r->a, t, (size_t)(pk - t));
            p->owned_by = cg_arena_strdup(r->a, pk + 9);
            if (!p->owned_by_type || !p->owned_by)
                r->oom = true;
        }
    }
    const char *colon = strstr(s, ": ");
    if (!colon || (own && colon > own))
        return;
    const char *q = colon + 2, *end = strchr(q, ';');
    if (!end)
        end = q + strlen(q);
    while (q < end && b->n_locs < LOCS_MAX && !r->oom) {
        const char *comma = strstr(q, ", ");
        const char *e = comma && comma < end ? comma : end;
        if (e > q && *q == '/') {
            b->locs[b->n_locs++].path = cg_arena_strndup(r->a, q, (size_t)(e - q));
            if (!b->locs[b->n_locs - 1].path)
                r->oom = true;
        }
        q = e == end ? end : e + 2;
    }
}

static const char *spdx_purl(rd *r, const json_t *pkg)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(pkg, "externalRefs"), i, x) {
        const char *t = cg_json_str(x, "referenceType");
        if (t && !strcmp(t, "purl"))
            return jget(r, x, "referenceLocator");
    }
    return NULL;
}

/* "Organization: Name (mail)" -> "Name <mail>"; "Person: X" -> "X". */
static const char *spdx_supplier(rd *r, const char *s)
{
    if (!s || !strcmp(s, "NOASSERTION") || !strcmp(s, "NONE"))
        return NULL;
    const char *c = strchr(s, ':');
    if (c && (starts(s, "Organization:") || starts(s, "Person:") || starts(s, "Tool:")))
        s = c + 1 + (c[1] == ' ');
    size_t n = strlen(s);
    const char *lp = strrchr(s, '(');
    if (lp && lp > s && lp[-1] == ' ' && n && s[n - 1] == ')')
        return cg_arena_sprintf(r->a, "%.*s<%.*s>", (int)(lp - s), s, (int)(n - (size_t)(lp - s) - 2), lp + 1);
    return s;
}

static cg_status read_spdx(rd *r, const json_t *doc, cg_error *err)
{
    const json_t *pkgs = json_object_get(doc, "packages"), *rels = json_object_get(doc, "relationships"),
                 *desc = json_object_get(doc, "documentDescribes"), *ci = json_object_get(doc, "creationInfo"),
                 *extracted = json_object_get(doc, "hasExtractedLicensingInfos");
    if ((pkgs && !json_is_array(pkgs)) || (rels && !json_is_array(rels)) || (desc && !json_is_array(desc)) ||
        (ci && !json_is_object(ci)) || (extracted && !json_is_array(extracted)))
        return bad(r, err, "SPDX packages, relationships or creationInfo of the wrong JSON type");
    if (json_array_size(pkgs) > CG_SBOM_READ_MAX_COMPONENTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u packages", r->what, CG_SBOM_READ_MAX_COMPONENTS);
    const char *ts = cg_json_str(ci, "created");
    if (ts && cg_rfc3339_parse(ts, &r->s->timestamp) != 0)
        r->s->timestamp = 0;
    /* cgate keeps its warnings in creationInfo.comment, one "cgate warning: " line each */
    const char *cm = cg_json_str(ci, "comment");
    for (const char *p = cm; p && *p && !r->oom;) {
        const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
        if (starts(p, "cgate warning: ")) {
            const char *w = cg_arena_strndup(r->a, p + 15, (size_t)(e - p - 15));
            if (!w)
                r->oom = true;
            warn(r, w);
        }
        p = nl ? nl + 1 : e;
    }
    /* the described element(s) */
    size_t i;
    json_t *x;
    const char *described = NULL;
    json_array_foreach(desc, i, x) if (!described) described = jstr(r, x);
    json_array_foreach(rels, i, x) {
        const char *t = cg_json_str(x, "relationshipType"), *a = cg_json_str(x, "spdxElementId");
        if (!described && t && a && !strcmp(t, "DESCRIBES") && !strcmp(a, "SPDXRef-DOCUMENT"))
            described = jget(r, x, "relatedSpdxElement");
    }
    json_array_foreach(pkgs, i, x) {
        if (!json_is_object(x) || r->oom)
            continue;
        const char *id = jget(r, x, "SPDXID"), *purpose = cg_json_str(x, "primaryPackagePurpose");
        const char *purl = spdx_purl(r, x), *ver = jget(r, x, "versionInfo");
        if (purpose && (!strcmp(purpose, "OPERATING_SYSTEM") || !strcmp(purpose, "OPERATING-SYSTEM"))) {
            if (!r->s->distro) {
                cg_distro *d = cg_arena_calloc(r->a, 1, sizeof *d);
                if (!d) {
                    r->oom = true;
                    break;
                }
                d->id = jget(r, x, "name");
                d->version_id = ver;
                d->pretty_name = jget(r, x, "description");
                d->layer = -1;
                r->s->distro = d;
            }
            continue;
        }
        if (id && described && !strcmp(id, described) &&
            (!purl || (purpose && !strcmp(purpose, "CONTAINER")) || starts(purl, "pkg:oci/") ||
             starts(purl, "pkg:docker/"))) {
            r->s->image.name = jget(r, x, "name");
            r->s->image_purl = purl;
            if (ver && starts(ver, "sha256:"))
                r->s->image.manifest_digest = ver;
            continue;
        }
        if (!purl && purpose && (!strcmp(purpose, "APPLICATION") || !strcmp(purpose, "SOURCE") ||
                                 !strcmp(purpose, "FILE") || !strcmp(purpose, "ARCHIVE")))
            continue; /* Trivy's lock files and scanned directories, not packages */
        cg_package *p = pkg_from_purl(r, purl, ver, id);
        if (!p)
            continue;
        pbuild b;
        memset(&b, 0, sizeof b);
        cg_license ls[LICS_MAX];
        size_t n_ls = 0;
        p->supplier = spdx_supplier(r, jget(r, x, "supplier"));
        p->description = jget(r, x, "description");
        spdx_source_info(r, p, &b, cg_json_str(x, "sourceInfo"));
        /* Trivy: annotations "SrcName: x", "LayerDiffID: sha256:..." */
        size_t k;
        json_t *an;
        json_array_foreach(json_object_get(x, "annotations"), k, an) {
            const char *c = cg_json_str(an, "comment");
            const char *sep = c ? strstr(c, ": ") : NULL;
            if (!sep || sep - c > 64)
                continue;
            const char *name = cg_arena_sprintf(r->a, "aquasecurity:trivy:%.*s", (int)(sep - c), c);
            const char *value = cg_arena_strdup(r->a, sep + 2);
            if (!name || !value) {
                r->oom = true;
                break;
            }
            pkg_prop(r, p, &b, name, value);
        }
        const char *lic = jget(r, x, "licenseDeclared");
        if (!lic || !strcmp(lic, "NOASSERTION") || !strcmp(lic, "NONE"))
            lic = jget(r, x, "licenseConcluded");
        if (lic && strcmp(lic, "NOASSERTION") && strcmp(lic, "NONE"))
            add_expression(r, ls, &n_ls, lic, NULL, extracted);
        pkg_finish(r, p, &b, ls, n_ls);
    }
    evec e = {0};
    json_array_foreach(rels, i, x) {
        const char *t = cg_json_str(x, "relationshipType");
        if (!t)
            continue;
        if (!strcmp(t, "DEPENDS_ON"))
            edge_push(r, &e, jget(r, x, "spdxElementId"), jget(r, x, "relatedSpdxElement"));
        else if (!strcmp(t, "DEPENDENCY_OF"))
            edge_push(r, &e, jget(r, x, "relatedSpdxElement"), jget(r, x, "spdxElementId"));
    }
    if (!r->oom && e.n)
        set_edges(r, e.from, e.to, e.n);
    free(e.from);
    free(e.to);
    return CG_OK;
}

/* ---------- the whole ---------- */

static int cmpstr(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int pkg_cmp(const void *x, const void *y)
{
    const cg_package *a = x, *b = y;
    int c;
    if ((c = cmpstr(a->type, b->type)) || (c = cmpstr(a->name, b->name)) || (c = cmpstr(a->version, b->version)) ||
        (c = cmpstr(a->arch, b->arch)))
        return c;
    return cmpstr(a->n_locations ? a->locations[0].path : NULL, b->n_locations ? b->locations[0].path : NULL);
}

/* "debian-12" -> a distro when the document has no OS component. */
static void distro_from_qualifier(rd *r)
{
    if (r->s->distro || !r->distro_q)
        return;
    const char *dash = strrchr(r->distro_q, '-');
    cg_distro *d = cg_arena_calloc(r->a, 1, sizeof *d);
    if (!d) {
        r->oom = true;
        return;
    }
    d->layer = -1;
    if (dash && dash > r->distro_q && dash[1] >= '0' && dash[1] <= '9') {
        d->id = cg_arena_strndup(r->a, r->distro_q, (size_t)(dash - r->distro_q));
        d->version_id = dash + 1;
    } else {
        d->version_codename = r->distro_q;
    }
    r->s->distro = d;
}

cg_status cg_sbom_read(const uint8_t *buf, size_t len, const char *what, cg_sbom **out, cg_error *err)
{
    *out = NULL;
    if (!what)
        what = "SBOM";
    if (len > CG_SBOM_READ_MAX_BYTES)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes, over the %u-byte SBOM cap", what, len,
                            CG_SBOM_READ_MAX_BYTES);
    json_t *doc = NULL;
    cg_status st = cg_json_parse(buf, len, what, &doc, err);
    if (st != CG_OK)
        return st;
    bool cdx = json_is_object(doc) && cg_json_str(doc, "bomFormat") && !strcmp(cg_json_str(doc, "bomFormat"), "CycloneDX");
    const char *sv = json_is_object(doc) ? cg_json_str(doc, "spdxVersion") : NULL;
    bool spdx = sv && (!strcmp(sv, "SPDX-2.3") || !strcmp(sv, "SPDX-2.2"));
    if (!cdx && !spdx) {
        if (sv) /* sv lives in doc: format the message before releasing it */
            cg_error_set(err, CG_ERR_INPUT, "%s: SPDX version \"%.20s\" is not supported (SPDX-2.2, SPDX-2.3)", what,
                         sv);
        else
            cg_error_set(err, CG_ERR_INPUT,
                         "%s: not a CycloneDX or SPDX JSON SBOM (no \"bomFormat\": \"CycloneDX\" or \"spdxVersion\")",
                         what);
        json_decref(doc);
        return CG_ERR_INPUT;
    }
    cg_sbom *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_arena_init(&s->arena);
    rd r = {.s = s, .a = &s->arena, .what = what};
    st = cdx ? read_cdx(&r, doc, err) : read_spdx(&r, doc, err);
    json_decref(doc);
    if (st == CG_OK && !r.oom)
        distro_from_qualifier(&r);
    if (st == CG_OK && !r.oom && (r.no_purl || r.bad_purl)) {
        if (r.no_purl)
            warn(&r, cg_arena_sprintf(r.a, "%s: %zu component(s) without a purl not read as packages", what, r.no_purl));
        if (r.bad_purl)
            warn(&r, cg_arena_sprintf(r.a, "%s: %zu component(s) with an invalid purl skipped", what, r.bad_purl));
    }
    if (st == CG_OK && !r.oom) {
        s->image.ref = s->image.name ? s->image.name : cg_arena_strdup(r.a, what);
        s->image.layers = r.layers;
        s->image.n_layers = r.n_layers;
        s->pkgs = cg_arena_calloc(r.a, r.n ? r.n : 1, sizeof *s->pkgs);
        s->warnings = cg_arena_calloc(r.a, r.n_warns ? r.n_warns : 1, sizeof *s->warnings);
        if (!s->pkgs || !s->warnings || !s->image.ref) {
            r.oom = true;
        } else {
            if (r.n)
                memcpy(s->pkgs, r.pkgs, r.n * sizeof *s->pkgs);
            s->n_pkgs = r.n;
            qsort(s->pkgs, s->n_pkgs, sizeof *s->pkgs, pkg_cmp);
            size_t k = 0;
            if (r.n_warns)
                qsort(r.warns, r.n_warns, sizeof *r.warns, str_cmp);
            for (size_t i = 0; i < r.n_warns; i++)
                if (k == 0 || strcmp(s->warnings[k - 1], r.warns[i]))
                    s->warnings[k++] = r.warns[i];
            s->n_warnings = k;
        }
    }
    free(r.pkgs);
    free(r.refs);
    free(r.warns);
    if (st == CG_OK && r.oom)
        st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    if (st != CG_OK) {
        cg_sbom_free(s);
        return st;
    }
    *out = s;
    return CG_OK;
}
