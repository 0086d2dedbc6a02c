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
 * This file holds what both formats share (helpers, packages, edges) and
 * the whole; read_cyclonedx.c and read_spdx.c read each format.  It does
 * not touch the catalogers or the writers.
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
#include "core/jsplit.h"
#include "core/oom.h"
#include "core/rfc3339.h"
#include "sbom/read_int.h"

/* ---------- small helpers ---------- */

/* A copy of s[0..n) packed back to back with the other strings of the
 * records (the arena rounds every allocation to 16 bytes: a third of a
 * package's strings was padding); long ones get their own allocation. */
static char *rd_strndup(rd *r, const char *s, size_t n)
{
    enum { PACK = 16384, PACK_MAX = 512 };
    if (n >= PACK_MAX)
        return cg_arena_strndup(r->a, s, n);
    if (r->pack_left < n + 1) {
        if (!(r->pack = cg_arena_alloc(r->a, PACK)))
            return NULL;
        r->pack_left = PACK;
    }
    char *d = r->pack;
    memcpy(d, s, n);
    d[n] = '\0';
    r->pack += n + 1;
    r->pack_left -= n + 1;
    return d;
}

/* v's text when it is a non-empty JSON string without NUL of at most
 * STR_MAX bytes (its length in *len), else NULL. */
static const char *jstr_view(const json_t *v, size_t *len)
{
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (!n || n > STR_MAX || memchr(s, '\0', n))
        return NULL;
    *len = n;
    return s;
}

/* A JSON string without NUL, at most STR_MAX bytes, copied to the arena. */
const char *rd_jstr(rd *r, const json_t *v)
{
    size_t n = 0;
    const char *s = jstr_view(v, &n);
    if (!s)
        return NULL;
    const char *c = rd_strndup(r, s, n);
    if (!c)
        r->oom = true;
    return c;
}

/* The one copy of the n bytes at s (no NUL inside) in r's intern table. */
static const char *rd_intern_n(rd *r, const char *s, size_t n)
{
    const char *c = cg_strmap_get(&r->interned, s, n);
    if (c)
        return c;
    char *d = rd_strndup(r, s, n);
    if (!d || cg_strmap_put(&r->interned, d, n, d) != CG_OK) {
        r->oom = true;
        return NULL;
    }
    return d;
}

const char *rd_jstr_intern(rd *r, const json_t *v)
{
    size_t n = 0;
    const char *s = jstr_view(v, &n);
    return s ? rd_intern_n(r, s, n) : NULL;
}

const char *rd_jget_intern(rd *r, const json_t *obj, const char *key)
{
    return json_is_object(obj) ? rd_jstr_intern(r, json_object_get(obj, key)) : NULL;
}

const char *rd_jget(rd *r, const json_t *obj, const char *key)
{
    return json_is_object(obj) ? rd_jstr(r, json_object_get(obj, key)) : NULL;
}

const char *rd_jpeek(const json_t *obj, const char *key)
{
    size_t n = 0;
    return jstr_view(json_is_object(obj) ? json_object_get(obj, key) : NULL, &n);
}

/* The one copy of s (a string repeated across packages: types, namespaces,
 * qualifier values); NULL for NULL. */
static const char *rd_intern(rd *r, const char *s)
{
    if (!s)
        return NULL;
    return rd_intern_n(r, s, strlen(s));
}

static const char *rd_copy(rd *r, const char *s)
{
    const char *c = s ? rd_strndup(r, s, strlen(s)) : NULL;
    if (s && !c)
        r->oom = true;
    return c;
}

void rd_pkgs_reserve(rd *r, size_t n)
{
    if (r->pkgs || !n || n > CG_SBOM_READ_MAX_COMPONENTS)
        return;
    r->pkgs = cg_arena_calloc(r->a, n, sizeof *r->pkgs);
    if (!r->pkgs) {
        r->oom = true;
        return;
    }
    r->cap = n;
    r->pkgs_in_arena = true;
    if (!r->lean && !(r->refs = malloc(n * sizeof *r->refs)))
        r->oom = true;
}

bool rd_starts(const char *s, const char *pre)
{
    return s && !strncmp(s, pre, strlen(pre));
}

void rd_warn(rd *r, const char *msg)
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
cg_layer_info *rd_layer_at(rd *r, size_t i)
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
int rd_layer_ref(rd *r, const char *id, bool is_diff_id)
{
    if (!id)
        return -1;
    int i = layer_find(r, id);
    if (i >= 0)
        return i;
    cg_layer_info *l = rd_layer_at(r, r->n_layers);
    if (!l)
        return -1;
    if (is_diff_id)
        l->diff_id = id;
    else
        l->digest = id;
    return (int)(r->n_layers - 1);
}

/* ---------- packages ---------- */

/* A new package from a purl string; NULL (counted) when there is none or it
 * does not parse. */
cg_package *rd_pkg_from_purl(rd *r, const char *purl, const char *version, const char *ref)
{
    if (!purl) {
        r->no_purl++;
        return NULL;
    }
    /* parsed in scratch: what the record keeps is copied out below (type,
     * namespace and qualifiers once per distinct value); emptied now and
     * then, not per component (a block freed and taken again per component
     * leaves holes the small allocations between them split) */
    if (r->scratch.used_total > 32768)
        cg_arena_free(&r->scratch);
    cg_purl pu;
    int rc = cg_purl_parse(&r->scratch, purl, strlen(purl), &pu);
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
        cg_package *np = r->pkgs_in_arena ? malloc(nc * sizeof *np) : realloc(r->pkgs, nc * sizeof *np);
        const char **nr = np && !r->lean ? realloc(r->refs, nc * sizeof *nr) : NULL;
        if (np && r->pkgs_in_arena) { /* more than the count said (nested components): grown on the heap */
            memcpy(np, r->pkgs, r->n * sizeof *np);
            r->pkgs_in_arena = false;
        }
        if (np)
            r->pkgs = np;
        if (!np || (!r->lean && !nr)) {
            r->oom = true;
            return NULL;
        }
        if (!r->lean)
            r->refs = nr;
        r->cap = nc;
    }
    cg_package *p = &r->pkgs[r->n];
    memset(p, 0, sizeof *p);
    if (!r->lean)
        r->refs[r->n] = ref;
    r->n++;
    p->type = rd_intern(r, pu.type);
    p->namespace_ = rd_intern(r, pu.namespace_);
    p->name = rd_copy(r, pu.name);
    p->version = version ? version : rd_copy(r, pu.version);
    p->arch = rd_intern(r, cg_purl_qualifier(&pu, "arch"));
    const char *epoch = rd_intern(r, cg_purl_qualifier(&pu, "epoch"));
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
        r->distro_q = rd_copy(r, dq);
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

bool rd_prop_kept(const char *name)
{
    static const char *const exact[] = {
        "cgate:cataloger", "syft:package:foundBy", "cgate:source:name", "aquasecurity:trivy:SrcName",
        "cgate:source:version", "aquasecurity:trivy:SrcVersion", "aquasecurity:trivy:SrcRelease",
        "aquasecurity:trivy:SrcEpoch", "cgate:owned-by", "cgate:owned-by:type", "cgate:layer:diff_id",
        "aquasecurity:trivy:LayerDiffID", "cgate:layer:digest", "aquasecurity:trivy:LayerDigest",
        "aquasecurity:trivy:FilePath",
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (!strcmp(name, exact[i]))
            return true;
    /* cgate:location:N:path, cgate:location:N:layer:digest and Syft's */
    return rd_starts(name, "cgate:location:") || rd_starts(name, "syft:location:");
}

/* One property of a package (CycloneDX property or Trivy annotation). */
void rd_pkg_prop(rd *r, cg_package *p, pbuild *b, const char *name, const char *value)
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
            p->layer = rd_layer_ref(r, value, diff);
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
            b->loc_is_diff[n] = rd_starts(name, "syft:");
        }
    } else if (!strcmp(name, "aquasecurity:trivy:FilePath")) {
        if (!b->locs[0].path) {
            b->locs[0].path = value[0] == '/' ? value : cg_arena_sprintf(r->a, "/%s", value);
            if (!b->n_locs)
                b->n_locs = 1;
        }
    } else if (r->lean) {
        return; /* licence texts and other properties: not kept for a scan */
    } else if (rd_starts(name, "cgate:license:")) {
        if (b->n_licrefs < LICS_MAX) {
            b->licref_name[b->n_licrefs] = name + strlen("cgate:license:");
            b->licref_text[b->n_licrefs++] = value;
        }
    } else if (rd_starts(name, "cgate:") && strcmp(name, "cgate:package:type") && strcmp(name, "cgate:package:arch")) {
        if (b->n_props < PROPS_MAX)
            b->props[b->n_props++] = (cg_prop){name, value};
    }
}

void rd_add_license(rd *r, cg_license *ls, size_t *n, const char *v, bool spdx)
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
void rd_add_expression(rd *r, cg_license *ls, size_t *n, const char *e, const pbuild *b,
                           const json_t *extracted)
{
    bool has_ref = strstr(e, "LicenseRef-") != NULL;
    if (!has_ref) {
        rd_add_license(r, ls, n, e, true);
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
                text = rd_jget(r, x, "name");
                if (!text)
                    text = rd_jget(r, x, "extractedText");
            }
        }
        if (text && *n < LICS_MAX)
            ls[(*n)++] = (cg_license){text, 0};
        else
            rd_add_license(r, ls, n, term, true);
        start = i + 5;
        i += 4;
    }
}

/* Locations, props, source version, licences into p. */
void rd_pkg_finish(rd *r, cg_package *p, pbuild *b, cg_license *ls, size_t n_ls)
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
            l->layer = b->loc_layer[i] ? rd_layer_ref(r, b->loc_layer[i], b->loc_is_diff[i]) : -1;
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


cg_status rd_bad(rd *r, cg_error *err, const char *why)
{
    return cg_error_set(err, CG_ERR_INPUT, "%s: %s", r->what, why);
}


/* ---------- dependency edges ---------- */

static int refidx_cmp(const void *a, const void *b)
{
    return strcmp(((const refidx *)a)->ref, ((const refidx *)b)->ref);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* edges[k] = (from ref, to ref) -> depends names. */
void rd_set_edges(rd *r, const char **from, const char **to, size_t n_edges)
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


void rd_edge_push(rd *r, evec *e, const char *from, const char *to)
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

/* The records of a parsed document (or of its skeleton, with el giving the
 * big arrays' elements). */
static cg_status read_doc(const json_t *doc, bool cdx, const rd_elems *el, const char *what, bool lean,
                          size_t hint, cg_sbom **out, cg_error *err)
{
    cg_sbom *s = calloc(1, sizeof *s);
    if (!s)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_arena_init(&s->arena);
    rd r = {.s = s, .a = &s->arena, .what = what, .lean = lean};
    cg_strmap_init(&r.interned);
    cg_arena_init(&r.scratch);
    rd_pkgs_reserve(&r, hint);
    cg_status st = cdx ? rd_read_cdx(&r, doc, el, err) : rd_read_spdx(&r, doc, err);
    if (st == CG_OK && !r.oom)
        distro_from_qualifier(&r);
    if (st == CG_OK && !r.oom && (r.no_purl || r.bad_purl)) {
        if (r.no_purl)
            rd_warn(&r, cg_arena_sprintf(r.a, "%s: %zu component(s) without a purl not read as packages", what, r.no_purl));
        if (r.bad_purl)
            rd_warn(&r, cg_arena_sprintf(r.a, "%s: %zu component(s) with an invalid purl skipped", what, r.bad_purl));
    }
    if (st == CG_OK && !r.oom) {
        s->image.ref = s->image.name ? s->image.name : cg_arena_strdup(r.a, what);
        s->image.layers = r.layers;
        s->image.n_layers = r.n_layers;
        /* the array sized from the component count is the sbom's already */
        s->pkgs = r.pkgs_in_arena ? r.pkgs : cg_arena_calloc(r.a, r.n ? r.n : 1, sizeof *s->pkgs);
        s->warnings = cg_arena_calloc(r.a, r.n_warns ? r.n_warns : 1, sizeof *s->warnings);
        if (!s->pkgs || !s->warnings || !s->image.ref) {
            r.oom = true;
        } else {
            if (r.n && !r.pkgs_in_arena)
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
    if (!r.pkgs_in_arena)
        free(r.pkgs);
    free(r.refs);
    free(r.warns);
    cg_strmap_free(&r.interned);
    cg_arena_free(&r.scratch);
    if (st == CG_OK && r.oom)
        st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    if (st != CG_OK) {
        cg_sbom_free(s);
        return st;
    }
    *out = s;
    return CG_OK;
}

static cg_status read_whole(const uint8_t *buf, size_t len, const char *what, bool lean, cg_sbom **out,
                            cg_error *err)
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
    size_t hint = json_array_size(json_object_get(doc, cdx ? "components" : "packages"));
    st = read_doc(doc, cdx, NULL, what, lean, hint, out, err);
    json_decref(doc);
    return st;
}

/* ---------- piece by piece ----------
 * A CycloneDX SBOM of 100,000 packages is ~150 MB of text and several times
 * that as one jansson tree.  Its "components" and "dependencies" arrays are
 * cut out of the text (core/jsplit.h); the rest (metadata) is parsed as a
 * tree and each element is parsed alone, read and dropped.  At anything
 * unexpected (not CycloneDX, a structural or parse error, an escaped key, too
 * many components) the whole text is read as before instead, so records and
 * error messages stay the same bytes. */

typedef struct pieces {
    cg_jsplit j;
    size_t val[2];
    bool has[2];
    int cur;
    size_t pos, n;
    int first;
    bool failed;
    bool lean; /* cg_sbom_read_for_scan: dependencies are checked, not read */
    const char *what;
    void (*release)(void *ud, size_t upto);
    void *release_ud;
} pieces;

/* Parse data[0..len) as jansson would inside the document and drop it;
 * -1 when it is not valid (or memory ran out). */
static int parse_drop(const void *data, size_t len)
{
    json_error_t je;
    unsigned long oom_before = cg_oom_count();
    json_t *v = json_loadb(data, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    json_decref(v);
    return v && cg_oom_count() == oom_before ? 0 : -1;
}

/* A dependencies element of a lean read: checked as the whole reader checks
 * it, never built as one tree (the image's entry lists every package: 100,000
 * refs were 8 MiB of jansson nodes).  Its arrays are checked an element at a
 * time, the rest as a skeleton with those arrays empty.  -1: not valid. */
static int check_dep(pieces *p, size_t val, size_t end)
{
    const uint8_t *buf = p->j.buf;
    if (buf[val] != '{')
        return parse_drop(buf + val, end - val);
    cg_buf sk = CG_BUF_INIT;
    size_t pos = val, copied = val;
    int first = 1, r = 0, ok = 1;
    cg_jrange m;
    while (ok && (r = cg_jsplit_next_lazy(&p->j, &pos, &first, 1, &m)) == 1) {
        if (buf[m.val] != '[') {
            if (!m.val_end && !(pos = m.val_end = cg_jsplit_value_end(&p->j, m.val)))
                ok = 0;
            continue;
        }
        int af = 1, ar;
        cg_jrange el;
        while ((ar = cg_jsplit_next(&p->j, &pos, &af, 0, &el)) == 1)
            if (parse_drop(buf + el.val, el.val_end - el.val) < 0) {
                ok = 0;
                break;
            }
        if (ar < 0 || cg_buf_append(&sk, buf + copied, m.val + 1 - copied) != CG_OK)
            ok = 0;
        copied = pos - 1; /* the closing bracket */
    }
    if (r < 0 || pos != end || cg_buf_append(&sk, buf + copied, end - copied) != CG_OK)
        ok = 0;
    ok = ok && parse_drop(sk.data, sk.len) == 0;
    cg_buf_free(&sk);
    return ok ? 0 : -1;
}

static json_t *pieces_next(void *ud, int which)
{
    pieces *p = ud;
    if (p->failed || !p->has[which])
        return NULL;
    if (p->cur != which) {
        p->cur = which;
        p->pos = p->val[which];
        p->first = 1;
    }
    cg_jrange el;
    int r = cg_jsplit_next(&p->j, &p->pos, &p->first, 0, &el);
    if (r <= 0) {
        p->failed = r < 0;
        p->has[which] = false;
        return NULL;
    }
    json_t *v = NULL;
    cg_error e;
    cg_error_clear(&e);
    if (p->lean && which == 1) { /* checked only: the caller drops it */
        if (check_dep(p, el.val, el.val_end) < 0) {
            p->failed = true;
            return NULL;
        }
        v = json_null();
    } else if (cg_json_parse(p->j.buf + el.val, el.val_end - el.val, p->what, &v, &e) != CG_OK) {
        p->failed = true;
        return NULL;
    }
    if (p->release && (++p->n & 255) == 0)
        p->release(p->release_ud, p->pos);
    return v;
}

/* 1: read (st says how); 0: take the whole-text path. */
static int read_pieces(const uint8_t *buf, size_t len, const char *what, bool lean, cg_sbom **out, pieces *p,
                       cg_error *err, cg_status *st)
{
    static const char *const names[2] = {"components", "dependencies"};
    p->j = (cg_jsplit){buf, len};
    p->lean = lean;
    p->cur = -1;
    size_t pos = cg_jsplit_ws(&p->j, 0), copied = 0, n_comps = 0;
    int first = 1, r;
    cg_jrange m;
    cg_buf sk = CG_BUF_INIT;
    if (pos >= len || buf[pos] != '{')
        return 0;
    while ((r = cg_jsplit_next_lazy(&p->j, &pos, &first, 1, &m)) == 1) {
        if (memchr(buf + m.key, '\\', m.key_len)) {
            r = -1;
            break;
        }
        int w = -1;
        for (int k = 0; k < 2; k++)
            if (m.key_len == strlen(names[k]) && !memcmp(buf + m.key, names[k], m.key_len) && buf[m.val] == '[')
                w = k;
        if (w < 0) { /* anything else: scanned whole (it stays in the skeleton) */
            if (!m.val_end && !(pos = m.val_end = cg_jsplit_value_end(&p->j, m.val))) {
                r = -1;
                break;
            }
            continue;
        }
        if (p->has[w]) { /* a duplicate: jansson's error */
            r = -1;
            break;
        }
        /* step over the elements, counting them and dropping the pages passed */
        int af = 1, ar;
        size_t an = 0;
        cg_jrange el;
        while ((ar = cg_jsplit_next(&p->j, &pos, &af, 0, &el)) == 1)
            if (++an % 1024 == 0 && p->release)
                p->release(p->release_ud, pos);
        if (w == 0)
            n_comps = an;
        if (ar < 0) {
            r = -1;
            break;
        }
        m.val_end = pos;
        p->has[w] = true;
        p->val[w] = m.val;
        if (cg_buf_append(&sk, buf + copied, m.val + 1 - copied) != CG_OK) {
            r = -1;
            break;
        }
        copied = m.val_end - 1;
    }
    if (r < 0 || cg_jsplit_ws(&p->j, pos) != len || cg_buf_append(&sk, buf + copied, len - copied) != CG_OK) {
        cg_buf_free(&sk);
        return 0;
    }
    /* the count cap, before anything is read (counted in the sweep above:
     * a second sweep would bring the whole array back into memory) */
    size_t n = n_comps;
    if (n > CG_SBOM_READ_MAX_COMPONENTS) {
        cg_buf_free(&sk);
        return 0;
    }
    json_t *doc = NULL;
    cg_error e;
    cg_error_clear(&e);
    int ok = cg_json_parse(sk.data ? sk.data : "", sk.len, what, &doc, &e) == CG_OK;
    cg_buf_free(&sk);
    ok = ok && json_is_object(doc) && cg_json_str(doc, "bomFormat") && !strcmp(cg_json_str(doc, "bomFormat"), "CycloneDX");
    if (!ok) {
        json_decref(doc);
        return 0;
    }
    rd_elems el = {pieces_next, p};
    unsigned long oom_before = cg_oom_count();
    cg_sbom *s = NULL;
    cg_status rs = read_doc(doc, true, &el, what, lean, n, &s, &e);
    json_decref(doc);
    if (p->failed || cg_oom_count() != oom_before || (rs != CG_OK && rs != CG_ERR_INPUT && rs != CG_ERR_LIMIT)) {
        cg_sbom_free(s);
        return 0;
    }
    if (rs != CG_OK) { /* an input error of the reader itself: the whole path says it the same way */
        cg_sbom_free(s);
        return 0;
    }
    *out = s;
    *st = CG_OK;
    (void)err;
    return 1;
}

static cg_status sbom_read(const uint8_t *buf, size_t len, const char *what, bool lean,
                           void (*release)(void *ud, size_t upto), void *release_ud, cg_sbom **out, cg_error *err)
{
    *out = NULL;
    if (!what)
        what = "SBOM";
    if (len > CG_SBOM_READ_MAX_BYTES)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes, over the %u-byte SBOM cap", what, len,
                            CG_SBOM_READ_MAX_BYTES);
    pieces p;
    memset(&p, 0, sizeof p);
    p.what = what;
    p.release = release;
    p.release_ud = release_ud;
    cg_status st = CG_OK;
    if (read_pieces(buf, len, what, lean, out, &p, err, &st))
        return st;
    return read_whole(buf, len, what, lean, out, err);
}

cg_status cg_sbom_read_ex(const uint8_t *buf, size_t len, const char *what, void (*release)(void *ud, size_t upto),
                          void *release_ud, cg_sbom **out, cg_error *err)
{
    return sbom_read(buf, len, what, false, release, release_ud, out, err);
}

cg_status cg_sbom_read_for_scan(const uint8_t *buf, size_t len, const char *what,
                                void (*release)(void *ud, size_t upto), void *release_ud, cg_sbom **out,
                                cg_error *err)
{
    return sbom_read(buf, len, what, true, release, release_ud, out, err);
}

cg_status cg_sbom_read(const uint8_t *buf, size_t len, const char *what, cg_sbom **out, cg_error *err)
{
    return cg_sbom_read_ex(buf, len, what, NULL, NULL, out, err);
}
