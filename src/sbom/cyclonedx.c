/*
 * cyclonedx.c - the SBOM as CycloneDX 1.6 JSON (bom-1.6.schema.json).
 * The image is metadata.component; the distro and every package are
 * components; the dependency graph is image -> OS -> OS packages (deb, apk,
 * rpm), image -> other packages, package -> its resolved depends.  The
 * serialNumber is a UUID derived from the document's own bytes, so the same
 * SBOM always gets the same serial.  Licences: see add_licenses() for how
 * lists mixing SPDX expressions and free-text names stay valid and lossless.
 * Identities (bom-refs, LicenseRefs, edges) come from the shared model in
 * write.c; this file only lays them out.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/license.h"
#include "core/vec.h"
#include "sbom/writers.h"

/* Whether id is in CycloneDX's spdx.schema.json enum (table at the end). */
static int in_spdx_enum(const char *id);

static void add_prop(cg_jctx *j, json_t *props, const char *name, const char *value)
{
    if (!value)
        return;
    json_t *p = cg_j_obj(j);
    cg_j_str(j, p, "name", name);
    cg_j_str(j, p, "value", value);
    cg_j_push(j, props, p);
}

/* Add "properties" to obj unless the list is empty. */
static void set_props(cg_jctx *j, json_t *obj, json_t *props)
{
    if (props && json_array_size(props) == 0)
        json_decref(props);
    else
        cg_j_set(j, obj, "properties", props);
}

static json_t *image_component(cg_wmodel *m, cg_jctx *j)
{
    const cg_image_info *im = &m->s->image;
    cg_arena *a = &m->arena;
    json_t *c = cg_j_obj(j), *props = cg_j_arr(j);
    cg_j_str(j, c, "type", "container");
    cg_j_str(j, c, "bom-ref", m->image_ref);
    cg_j_str(j, c, "name", m->image_name);
    cg_j_str(j, c, "version", m->image_version);
    cg_j_str(j, c, "purl", m->s->image_purl);
    add_prop(j, props, "cgate:image:manifest-digest", im->manifest_digest);
    add_prop(j, props, "cgate:image:config-digest", im->config_digest);
    add_prop(j, props, "cgate:image:transport", im->transport);
    add_prop(j, props, "cgate:image:tag", im->tag);
    add_prop(j, props, "cgate:image:os", im->os);
    add_prop(j, props, "cgate:image:architecture", im->architecture);
    if (m->s->nothing_recognised) /* --allow-empty: say it, do not let it pass as a clean image */
        add_prop(j, props, "cgate:inventory", "empty");
    /* files the catalogers skipped or could not read, so a reader of the SBOM knows */
    for (size_t i = 0; i < m->s->n_warnings; i++)
        add_prop(j, props, "cgate:warning", m->s->warnings[i]);
    for (size_t i = 0; i < im->n_layers && im->layers; i++) {
        const cg_layer_info *l = &im->layers[i];
        if (l->digest)
            add_prop(j, props, cg_arena_sprintf(a, "cgate:image:layer:%zu:digest", i), l->digest);
        if (l->diff_id)
            add_prop(j, props, cg_arena_sprintf(a, "cgate:image:layer:%zu:diff_id", i), l->diff_id);
    }
    set_props(j, c, props);
    return c;
}

static const cg_layer_info *layer_at(const cg_sbom *s, int idx)
{
    if (idx < 0 || !s->image.layers || (size_t)idx >= s->image.n_layers)
        return NULL;
    return &s->image.layers[idx];
}

static json_t *os_component(cg_wmodel *m, cg_jctx *j)
{
    const cg_distro *d = m->s->distro;
    json_t *c = cg_j_obj(j), *props = cg_j_arr(j);
    const cg_layer_info *l = layer_at(m->s, d->layer);
    cg_j_str(j, c, "type", "operating-system");
    cg_j_str(j, c, "bom-ref", m->os_ref);
    cg_j_str(j, c, "name", d->id ? d->id : d->name ? d->name : "unknown");
    cg_j_str(j, c, "version", d->version_id);
    cg_j_str(j, c, "description", d->pretty_name);
    add_prop(j, props, "cgate:distro:version_codename", d->version_codename);
    add_prop(j, props, "cgate:distro:id_like", d->id_like);
    add_prop(j, props, "cgate:location:0:path", d->source_path);
    add_prop(j, props, "cgate:location:0:layer:digest", l ? l->digest : NULL);
    set_props(j, c, props);
    return c;
}

/*
 * CycloneDX allows either a list of {"license": {id|name}} or exactly one
 * {"expression"}.  So:
 *  - when every entry is a single id of the CycloneDX SPDX enum or a free-text
 *    name, emit the list: {"license":{"id":X}} / {"license":{"name":X}};
 *  - otherwise (a compound expression, or an SPDX id CycloneDX does not list),
 *    emit one expression: every SPDX entry AND-ed (compound ones in
 *    parentheses) with the document-wide LicenseRef-<name> of each free-text
 *    name, and keep each such name losslessly in a property
 *    "cgate:license:LicenseRef-<name>" = the text as written.
 */
static void add_licenses(cg_wmodel *m, cg_jctx *j, json_t *c, json_t *props, const cg_package *p)
{
    const cg_license **ls;
    size_t n = cg_w_pkg_licenses(m, p, &ls);
    if (!n)
        return;
    int list_ok = 1;
    for (size_t i = 0; i < n; i++)
        if (cg_w_license_is_spdx(ls[i]) &&
            !(cg_w_license_is_single(ls[i]->value) && in_spdx_enum(ls[i]->value)))
            list_ok = 0;
    json_t *arr = cg_j_arr(j);
    if (list_ok) {
        for (size_t i = 0; i < n; i++) {
            json_t *e = cg_j_obj(j), *lic = cg_j_obj(j);
            cg_j_str(j, lic, cg_w_license_is_spdx(ls[i]) ? "id" : "name", ls[i]->value);
            cg_j_set(j, e, "license", lic);
            cg_j_push(j, arr, e);
        }
    } else {
        cg_buf expr = CG_BUF_INIT;
        cg_status st = CG_OK;
        for (size_t i = 0; i < n && st == CG_OK; i++) {
            int spdx = cg_w_license_is_spdx(ls[i]);
            const char *term = spdx ? ls[i]->value : cg_w_licref(m, ls[i]->value);
            int paren = n > 1 && !cg_w_license_is_single(term);
            st = cg_buf_printf(&expr, "%s%s%s%s", i ? " AND " : "", paren ? "(" : "", term,
                               paren ? ")" : "");
            if (!spdx) {
                const char *pn = cg_arena_sprintf(&m->arena, "cgate:license:%s", term);
                if (!pn)
                    j->failed = 1;
                else
                    add_prop(j, props, pn, ls[i]->value);
            }
        }
        if (st != CG_OK)
            j->failed = 1;
        json_t *e = cg_j_obj(j);
        cg_j_str(j, e, "expression", cg_buf_str(&expr));
        cg_j_push(j, arr, e);
        cg_buf_free(&expr);
    }
    cg_j_set(j, c, "licenses", arr);
}

static json_t *pkg_component(cg_wmodel *m, cg_jctx *j, size_t idx)
{
    const cg_sbom *s = m->s;
    const cg_package *p = &s->pkgs[idx];
    cg_arena *a = &m->arena;
    json_t *c = cg_j_obj(j), *props = cg_j_arr(j);
    cg_j_str(j, c, "type", "library");
    cg_j_str(j, c, "bom-ref", m->refs[idx]);
    if (p->supplier) {
        json_t *sup = cg_j_obj(j);
        cg_j_str(j, sup, "name", p->supplier);
        cg_j_set(j, c, "supplier", sup);
    }
    /* CycloneDX's group is the Maven groupId / npm scope / module path prefix;
     * an OS package's namespace is its distro, not a group */
    if (p->namespace_ && !cg_w_is_os_pkg(p))
        cg_j_str(j, c, "group", p->namespace_);
    cg_j_str(j, c, "name", p->name ? p->name : "");
    cg_j_str(j, c, "version", p->version);
    cg_j_str(j, c, "description", p->description);
    /* Properties first in the list, licence names appended by add_licenses. */
    add_prop(j, props, "cgate:package:type", p->type);
    add_prop(j, props, "cgate:cataloger", p->cataloger);
    add_prop(j, props, "cgate:source:name", p->source_name);
    add_prop(j, props, "cgate:source:version", p->source_version);
    add_prop(j, props, "cgate:package:arch", p->arch);
    add_prop(j, props, "cgate:owned-by", p->owned_by);
    add_prop(j, props, "cgate:owned-by:type", p->owned_by_type);
    for (size_t k = 0; k < p->n_props; k++)
        add_prop(j, props, p->props[k].name, p->props[k].value);
    const cg_layer_info *l = layer_at(s, p->layer);
    if (l) {
        add_prop(j, props, "cgate:layer:digest", l->digest);
        add_prop(j, props, "cgate:layer:diff_id", l->diff_id);
    }
    for (size_t i = 0; i < p->n_locations && p->locations; i++) {
        const cg_layer_info *ll = layer_at(s, p->locations[i].layer);
        if (p->locations[i].path)
            add_prop(j, props, cg_arena_sprintf(a, "cgate:location:%zu:path", i),
                     p->locations[i].path);
        if (ll && ll->digest)
            add_prop(j, props, cg_arena_sprintf(a, "cgate:location:%zu:layer:digest", i), ll->digest);
    }
    add_licenses(m, j, c, props, p);
    cg_j_str(j, c, "purl", p->purl && p->purl[0] ? p->purl : NULL);
    set_props(j, c, props);
    return c;
}

typedef struct dep_entry {
    const char *ref;
    const char **on;
    size_t n_on;
} dep_entry;

static int dep_entry_cmp(const void *a, const void *b)
{
    return strcmp(((const dep_entry *)a)->ref, ((const dep_entry *)b)->ref);
}

static json_t *dependencies(cg_wmodel *m, cg_jctx *j)
{
    const cg_sbom *s = m->s;
    cg_arena *a = &m->arena;
    size_t n = 0, cap = s->n_pkgs + 2;
    dep_entry *e = cg_arena_calloc(a, cap, sizeof *e);
    const char **img = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *img);
    const char **os = cg_arena_calloc(a, s->n_pkgs + 1, sizeof *os);
    if (!e || !img || !os) {
        j->failed = 1;
        return NULL;
    }
    size_t n_img = 0, n_os = 0;
    if (m->os_ref)
        img[n_img++] = m->os_ref;
    for (size_t i = 0; i < s->n_pkgs; i++) {
        if (m->os_ref && cg_w_is_os_pkg(&s->pkgs[i]))
            os[n_os++] = m->refs[i];
        else
            img[n_img++] = m->refs[i];
    }
    e[n++] = (dep_entry){m->image_ref, img, n_img};
    if (m->os_ref)
        e[n++] = (dep_entry){m->os_ref, os, n_os};
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const char **on = cg_arena_calloc(a, m->n_deps[i] + 1, sizeof *on);
        if (!on) {
            j->failed = 1;
            return NULL;
        }
        for (size_t k = 0; k < m->n_deps[i]; k++)
            on[k] = m->refs[m->deps[i][k]];
        e[n++] = (dep_entry){m->refs[i], on, m->n_deps[i]};
    }
    qsort(e, n, sizeof *e, dep_entry_cmp);
    json_t *arr = cg_j_arr(j);
    for (size_t i = 0; i < n; i++) {
        json_t *d = cg_j_obj(j), *on = cg_j_arr(j);
        if (e[i].n_on)
            qsort(e[i].on, e[i].n_on, sizeof *e[i].on, cg_strptr_cmp);
        for (size_t k = 0; k < e[i].n_on; k++)
            cg_j_pushstr(j, on, e[i].on[k]);
        cg_j_str(j, d, "ref", e[i].ref);
        cg_j_set(j, d, "dependsOn", on);
        cg_j_push(j, arr, d);
    }
    return arr;
}

/* The document with or without serialNumber; parts are shared (incref'd). */
static json_t *assemble(cg_jctx *j, const char *serial, json_t *meta, json_t *comps, json_t *deps,
                        json_t *vulns)
{
    json_t *doc = cg_j_obj(j);
    cg_j_str(j, doc, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    cg_j_str(j, doc, "bomFormat", "CycloneDX");
    cg_j_str(j, doc, "specVersion", "1.6");
    cg_j_str(j, doc, "serialNumber", serial);
    cg_j_set(j, doc, "version", json_integer(1));
    cg_j_set(j, doc, "metadata", json_incref(meta));
    cg_j_set(j, doc, "components", json_incref(comps));
    cg_j_set(j, doc, "dependencies", json_incref(deps));
    if (vulns)
        cg_j_set(j, doc, "vulnerabilities", json_incref(vulns));
    return doc;
}

cg_status cg_write_cyclonedx(cg_wmodel *m, cg_buf *out, cg_error *err)
{
    cg_jctx j = {0};
    json_t *meta = cg_j_obj(&j), *tools = cg_j_obj(&j), *tcomps = cg_j_arr(&j), *tool = cg_j_obj(&j);
    cg_j_str(&j, meta, "timestamp", m->timestamp);
    cg_j_str(&j, tool, "type", "application");
    cg_j_str(&j, tool, "name", "cgate");
    cg_j_str(&j, tool, "version", CGATE_VERSION);
    cg_j_push(&j, tcomps, tool);
    cg_j_set(&j, tools, "components", tcomps);
    cg_j_set(&j, meta, "tools", tools);
    cg_j_set(&j, meta, "component", image_component(m, &j));

    json_t *comps = cg_j_arr(&j);
    if (m->s->distro)
        cg_j_push(&j, comps, os_component(m, &j));
    for (size_t i = 0; i < m->s->n_pkgs; i++)
        cg_j_push(&j, comps, pkg_component(m, &j, i));
    json_t *deps = dependencies(m, &j);
    json_t *vulns = m->cdx_vulns ? m->cdx_vulns(m->cdx_vulns_ud, m->refs, &j) : NULL;

    cg_status st = CG_OK;
    json_t *doc = NULL;
    if (!j.failed) {
        json_t *draft = assemble(&j, NULL, meta, comps, deps, vulns);
        char *text = NULL, uuid[37];
        size_t len = 0;
        if (!j.failed && (st = cg_j_dump(draft, &text, &len, err)) == CG_OK &&
            (st = cg_w_uuid(text, len, uuid, err)) == CG_OK) {
            char serial[64];
            memcpy(serial, "urn:uuid:", 9);
            memcpy(serial + 9, uuid, 37);
            doc = assemble(&j, serial, meta, comps, deps, vulns);
        }
        free(text);
        json_decref(draft);
    }
    if (st == CG_OK && j.failed)
        st = cg_error_set(err, CG_ERR_NOMEM, "writing CycloneDX: out of memory");
    if (st == CG_OK)
        st = cg_j_emit(doc, out, err);
    json_decref(doc);
    json_decref(meta);
    json_decref(comps);
    json_decref(deps);
    json_decref(vulns);
    return st;
}

static int in_spdx_enum(const char *id)
{
    /* CycloneDX's license.id enum is the SPDX list; ids are case-sensitive there */
    const char *canon = cg_spdx_id_lookup(id, strlen(id));
    return canon && !strcmp(canon, id);
}
