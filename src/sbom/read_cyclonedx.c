/*
 * read_cyclonedx.c - CycloneDX JSON into cgate's records (see read.c for the
 * rules every reader follows): the image and OS components, packages with
 * their properties, licences and nesting, and the dependency graph.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/license.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "sbom/read_int.h"

static void cdx_image(rd *r, const json_t *c)
{
    cg_image_info *im = &r->s->image;
    im->name = rd_jget(r, c, "name");
    r->s->image_purl = rd_jget(r, c, "purl");
    const char *ver = rd_jget(r, c, "version");
    size_t i;
    json_t *pr;
    json_array_foreach(json_object_get(c, "properties"), i, pr) {
        const char *n = cg_json_str(pr, "name"), *v = rd_jget(r, pr, "value");
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
            rd_warn(r, v);
        else if (!strcmp(n, "aquasecurity:trivy:RepoDigest") && strchr(v, '@') && !im->manifest_digest)
            im->manifest_digest = strchr(v, '@') + 1;
        else if (!strcmp(n, "aquasecurity:trivy:DiffID"))
            rd_layer_ref(r, v, true);
        else if (sscanf(n, "cgate:image:layer:%u:digest%n", &k, &used) == 1 && !n[used]) {
            cg_layer_info *l = rd_layer_at(r, k);
            if (l)
                l->digest = v;
        } else if (sscanf(n, "cgate:image:layer:%u:diff_id%n", &k, &used) == 1 && !n[used]) {
            cg_layer_info *l = rd_layer_at(r, k);
            if (l)
                l->diff_id = v;
        }
    }
    /* Syft and Trivy put the image ID or digest in version */
    if (ver && rd_starts(ver, "sha256:") && !im->manifest_digest && !im->config_digest)
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
    d->id = rd_jget(r, c, "name");
    d->version_id = rd_jget(r, c, "version");
    d->pretty_name = rd_jget(r, c, "description");
    d->layer = -1;
    size_t i;
    json_t *pr;
    json_array_foreach(json_object_get(c, "properties"), i, pr) {
        const char *n = cg_json_str(pr, "name"), *v = rd_jget(r, pr, "value");
        if (!n || !v)
            continue;
        if (!strcmp(n, "cgate:distro:version_codename"))
            d->version_codename = v;
        else if (!strcmp(n, "cgate:distro:id_like"))
            d->id_like = v;
        else if (!strcmp(n, "cgate:location:0:path"))
            d->source_path = v;
        else if (!strcmp(n, "cgate:location:0:layer:digest"))
            d->layer = rd_layer_ref(r, v, false);
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
        /* interned: bom-ref is usually the purl, and dependencies name it again */
        /* (a scan reads no dependencies: the purl is not needed as a ref) */
        const char *purl = r->lean ? rd_jget(r, c, "purl") : rd_jget_intern(r, c, "purl");
        /* application components without a purl are Trivy's lock files, not packages */
        if (purl || (type && strcmp(type, "application"))) {
            cg_package *p = rd_pkg_from_purl(r, purl, rd_jget(r, c, "version"),
                                             r->lean ? NULL : rd_jget_intern(r, c, "bom-ref"));
            if (p && r->lean) {
                pbuild b;
                memset(&b, 0, sizeof b);
                size_t i;
                json_t *e;
                json_array_foreach(json_object_get(c, "properties"), i, e) {
                    const char *pn = rd_jpeek(e, "name");
                    if (!pn || !rd_prop_kept(pn)) /* not copied at all */
                        continue;
                    pn = rd_jget_intern(r, e, "name");
                    size_t pl = pn ? strlen(pn) : 0;
                    int uniq = pl >= 5 && !strcmp(pn + pl - 5, ":path");
                    rd_pkg_prop(r, p, &b, pn, uniq ? rd_jget(r, e, "value") : rd_jget_intern(r, e, "value"));
                }
                rd_pkg_finish(r, p, &b, NULL, 0);
            } else if (p) {
                pbuild b;
                memset(&b, 0, sizeof b);
                cg_license ls[LICS_MAX];
                size_t n_ls = 0;
                p->supplier = rd_jget(r, json_object_get(c, "supplier"), "name");
                p->description = rd_jget(r, c, "description");
                size_t i;
                json_t *e;
                json_array_foreach(json_object_get(c, "properties"), i, e) {
                    /* names and most values repeat on every package: kept once;
                     * location paths are unique: plain copies */
                    const char *pn = rd_jget_intern(r, e, "name");
                    size_t pl = pn ? strlen(pn) : 0;
                    int uniq = pl >= 5 && !strcmp(pn + pl - 5, ":path");
                    rd_pkg_prop(r, p, &b, pn, uniq ? rd_jget(r, e, "value") : rd_jget_intern(r, e, "value"));
                }
                json_array_foreach(json_object_get(c, "licenses"), i, e) {
                    const json_t *l = json_object_get(e, "license");
                    const char *expr = rd_jget(r, e, "expression");
                    if (expr)
                        rd_add_expression(r, ls, &n_ls, expr, &b, NULL);
                    else if (rd_jget(r, l, "id"))
                        rd_add_license(r, ls, &n_ls, rd_jget(r, l, "id"), true);
                    else if (rd_jget(r, l, "name"))
                        rd_add_license(r, ls, &n_ls, rd_jget(r, l, "name"), false);
                }
                rd_pkg_finish(r, p, &b, ls, n_ls);
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


/* The next element of doc's array `which` (0 components, 1 dependencies):
 * from the tree, or from the piecewise reader; a new reference. */
static json_t *next_elem(const json_t *arr, const rd_elems *el, int which, size_t *i)
{
    if (el)
        return el->next(el->ud, which);
    json_t *e = json_array_get(arr, (*i)++);
    return e ? json_incref(e) : NULL;
}

cg_status rd_read_cdx(rd *r, const json_t *doc, const rd_elems *el, cg_error *err)
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
        return rd_bad(r, err, "CycloneDX metadata, components or dependencies of the wrong JSON type");
    if (json_array_size(comps) > CG_SBOM_READ_MAX_COMPONENTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %u components", r->what, CG_SBOM_READ_MAX_COMPONENTS);
    const json_t *mc = json_object_get(meta, "component");
    if (json_is_object(mc))
        cdx_image(r, mc);
    const char *ts = cg_json_str(meta, "timestamp");
    if (ts && cg_rfc3339_parse(ts, &r->s->timestamp) != 0)
        r->s->timestamp = 0;
    size_t i = 0;
    json_t *c;
    while ((c = next_elem(comps, el, 0, &i)) != NULL) {
        cdx_component(r, c, 0);
        json_decref(c);
    }
    evec e = {0};
    i = 0;
    while ((c = next_elem(deps, el, 1, &i)) != NULL) {
        if (r->lean) { /* read (a broken element is refused as before), not kept */
            json_decref(c);
            continue;
        }
        const char *from = rd_jget_intern(r, c, "ref");
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(c, "dependsOn"), k, t) rd_edge_push(r, &e, from, rd_jstr_intern(r, t));
        json_decref(c);
    }
    if (!r->oom && e.n)
        rd_set_edges(r, e.from, e.to, e.n);
    free(e.from);
    free(e.to);
    return CG_OK;
}
