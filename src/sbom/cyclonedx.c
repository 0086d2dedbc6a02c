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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "catalog/license.h"
#include "core/vec.h"
#include "sbom/writers.h"

/* Whether id is in CycloneDX's spdx.schema.json enum (table at the end). */
static int in_spdx_enum(const char *id);

/* The "properties" of one component, collected first and written last (a
 * component without any has no "properties" member).  Names and values live
 * in the writer's scratch arena, which is emptied after each component. */
typedef struct props {
    cg_arena *a;
    const char **nv; /* name, value, name, value, ... */
    size_t n, cap;
    int failed;
} props;

static void add_prop(props *ps, const char *name, const char *value)
{
    if (!value || !name) {
        if (!name && value)
            ps->failed = 1; /* a name that could not be allocated */
        return;
    }
    if (ps->n + 2 > ps->cap) {
        size_t ncap = ps->cap ? ps->cap * 2 : 32;
        const char **nv = cg_arena_calloc(ps->a, ncap, sizeof *nv);
        if (!nv) {
            ps->failed = 1;
            return;
        }
        if (ps->n)
            memcpy(nv, ps->nv, ps->n * sizeof *nv);
        ps->nv = nv;
        ps->cap = ncap;
    }
    ps->nv[ps->n++] = name;
    ps->nv[ps->n++] = value;
}

static void write_props(cg_jw *w, const props *ps)
{
    if (!ps->n)
        return;
    cg_jw_key(w, "properties");
    cg_jw_open(w, "[");
    for (size_t i = 0; i + 1 < ps->n; i += 2) {
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "name", ps->nv[i]);
        cg_jw_kstr(w, "value", ps->nv[i + 1]);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
}

static void props_start(props *ps, cg_arena *scratch)
{
    memset(ps, 0, sizeof *ps);
    ps->a = scratch;
}

static void image_component(cg_wmodel *m, cg_jw *w, int *failed)
{
    const cg_image_info *im = &m->s->image;
    cg_arena *a = &m->scratch;
    props ps;
    props_start(&ps, a);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "type", "container");
    cg_jw_kopt(w, "bom-ref", m->image_ref);
    cg_jw_kopt(w, "name", m->image_name);
    cg_jw_kopt(w, "version", m->image_version);
    cg_jw_kopt(w, "purl", m->s->image_purl);
    add_prop(&ps, "cgate:image:manifest-digest", im->manifest_digest);
    add_prop(&ps, "cgate:image:config-digest", im->config_digest);
    add_prop(&ps, "cgate:image:transport", im->transport);
    add_prop(&ps, "cgate:image:tag", im->tag);
    add_prop(&ps, "cgate:image:os", im->os);
    add_prop(&ps, "cgate:image:architecture", im->architecture);
    if (m->s->nothing_recognised) /* --allow-empty: say it, do not let it pass as a clean image */
        add_prop(&ps, "cgate:inventory", "empty");
    /* files the catalogers skipped or could not read, so a reader of the SBOM knows */
    for (size_t i = 0; i < m->s->n_warnings; i++)
        add_prop(&ps, "cgate:warning", m->s->warnings[i]);
    for (size_t i = 0; i < im->n_layers && im->layers; i++) {
        const cg_layer_info *l = &im->layers[i];
        if (l->digest)
            add_prop(&ps, cg_arena_sprintf(a, "cgate:image:layer:%zu:digest", i), l->digest);
        if (l->diff_id)
            add_prop(&ps, cg_arena_sprintf(a, "cgate:image:layer:%zu:diff_id", i), l->diff_id);
    }
    write_props(w, &ps);
    cg_jw_close(w, "}");
    if (ps.failed)
        *failed = 1;
}

static const cg_layer_info *layer_at(const cg_sbom *s, int idx)
{
    if (idx < 0 || !s->image.layers || (size_t)idx >= s->image.n_layers)
        return NULL;
    return &s->image.layers[idx];
}

static void os_component(cg_wmodel *m, cg_jw *w, int *failed)
{
    const cg_distro *d = m->s->distro;
    const cg_layer_info *l = layer_at(m->s, d->layer);
    props ps;
    props_start(&ps, &m->scratch);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "type", "operating-system");
    cg_jw_kopt(w, "bom-ref", m->os_ref);
    cg_jw_kopt(w, "name", d->id ? d->id : d->name ? d->name : "unknown");
    cg_jw_kopt(w, "version", d->version_id);
    cg_jw_kopt(w, "description", d->pretty_name);
    add_prop(&ps, "cgate:distro:version_codename", d->version_codename);
    add_prop(&ps, "cgate:distro:id_like", d->id_like);
    add_prop(&ps, "cgate:location:0:path", d->source_path);
    add_prop(&ps, "cgate:location:0:layer:digest", l ? l->digest : NULL);
    write_props(w, &ps);
    cg_jw_close(w, "}");
    if (ps.failed)
        *failed = 1;
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
static void add_licenses(cg_wmodel *m, cg_jw *w, props *ps, const cg_package *p)
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
    cg_jw_key(w, "licenses");
    cg_jw_open(w, "[");
    if (list_ok) {
        for (size_t i = 0; i < n; i++) {
            cg_jw_elem(w);
            cg_jw_open(w, "{");
            cg_jw_key(w, "license");
            cg_jw_open(w, "{");
            cg_jw_kopt(w, cg_w_license_is_spdx(ls[i]) ? "id" : "name", ls[i]->value);
            cg_jw_close(w, "}");
            cg_jw_close(w, "}");
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
            if (!spdx)
                add_prop(ps, cg_arena_sprintf(&m->scratch, "cgate:license:%s", term), ls[i]->value);
        }
        if (st != CG_OK)
            ps->failed = 1;
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "expression", cg_buf_str(&expr));
        cg_jw_close(w, "}");
        cg_buf_free(&expr);
    }
    cg_jw_close(w, "]");
}

static void pkg_component(cg_wmodel *m, cg_jw *w, size_t idx, int *failed)
{
    const cg_sbom *s = m->s;
    const cg_package *p = &s->pkgs[idx];
    cg_arena *a = &m->scratch;
    props ps;
    props_start(&ps, a);
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "type", "library");
    cg_jw_kopt(w, "bom-ref", m->refs[idx]);
    if (p->supplier) {
        cg_jw_key(w, "supplier");
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "name", p->supplier);
        cg_jw_close(w, "}");
    }
    /* CycloneDX's group is the Maven groupId / npm scope / module path prefix;
     * an OS package's namespace is its distro, not a group */
    if (p->namespace_ && !cg_w_is_os_pkg(p))
        cg_jw_kopt(w, "group", p->namespace_);
    cg_jw_kopt(w, "name", p->name ? p->name : "");
    cg_jw_kopt(w, "version", p->version);
    cg_jw_kopt(w, "description", p->description);
    /* Properties first in the list, licence names appended by add_licenses. */
    add_prop(&ps, "cgate:package:type", p->type);
    add_prop(&ps, "cgate:cataloger", p->cataloger);
    add_prop(&ps, "cgate:source:name", p->source_name);
    add_prop(&ps, "cgate:source:version", p->source_version);
    add_prop(&ps, "cgate:package:arch", p->arch);
    add_prop(&ps, "cgate:owned-by", p->owned_by);
    add_prop(&ps, "cgate:owned-by:type", p->owned_by_type);
    for (size_t k = 0; k < p->n_props; k++)
        add_prop(&ps, p->props[k].name, p->props[k].value);
    const cg_layer_info *l = layer_at(s, p->layer);
    if (l) {
        add_prop(&ps, "cgate:layer:digest", l->digest);
        add_prop(&ps, "cgate:layer:diff_id", l->diff_id);
    }
    for (size_t i = 0; i < p->n_locations && p->locations; i++) {
        const cg_layer_info *ll = layer_at(s, p->locations[i].layer);
        if (p->locations[i].path)
            add_prop(&ps, cg_arena_sprintf(a, "cgate:location:%zu:path", i), p->locations[i].path);
        if (ll && ll->digest)
            add_prop(&ps, cg_arena_sprintf(a, "cgate:location:%zu:layer:digest", i), ll->digest);
    }
    add_licenses(m, w, &ps, p);
    cg_jw_kopt(w, "purl", p->purl && p->purl[0] ? p->purl : NULL);
    write_props(w, &ps);
    cg_jw_close(w, "}");
    if (ps.failed)
        *failed = 1;
}

/* The dependency graph: one entry per bom-ref (the image, the OS, every
 * package), sorted by ref, each dependsOn sorted.  Only the order of the
 * entries is kept (made once, for both passes); each list is made when it is
 * written, in the scratch arena. */
typedef struct deps_model {
    uint32_t *order; /* entry ids sorted by ref: i < n_pkgs a package, n_pkgs the image, n_pkgs + 1 the OS */
    size_t n;
} deps_model;

static const char *entry_ref(const cg_wmodel *m, uint32_t id)
{
    size_t n = m->s->n_pkgs;
    return id < n ? m->refs[id] : id == n ? m->image_ref : m->os_ref;
}

static int entry_cmp(const void *a, const void *b, void *ud)
{
    const cg_wmodel *m = ud;
    return strcmp(entry_ref(m, *(const uint32_t *)a), entry_ref(m, *(const uint32_t *)b));
}

static int deps_build(cg_wmodel *m, cg_arena *a, deps_model *dm)
{
    size_t n = m->s->n_pkgs, k = 0;
    uint32_t *o = cg_arena_calloc(a, n + 2, sizeof *o);
    if (!o)
        return -1;
    for (size_t i = 0; i < n; i++)
        o[k++] = (uint32_t)i;
    o[k++] = (uint32_t)n;
    if (m->os_ref)
        o[k++] = (uint32_t)n + 1;
    qsort_r(o, k, sizeof *o, entry_cmp, m);
    dm->order = o;
    dm->n = k;
    return 0;
}

static void depends_on(cg_jw *w, const char *ref)
{
    cg_jw_elem(w);
    cg_jw_str(w, ref);
}

static void dependencies(cg_wmodel *m, cg_jw *w, const deps_model *dm, int *failed)
{
    const cg_sbom *s = m->s;
    size_t n = s->n_pkgs;
    cg_jw_open(w, "[");
    for (size_t i = 0; i < dm->n && w->st == CG_OK; i++) {
        uint32_t id = dm->order[i];
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "ref", entry_ref(m, id));
        cg_jw_key(w, "dependsOn");
        cg_jw_open(w, "[");
        if (id == n) {
            /* the OS and every package the OS package manager did not
             * install (all of them without an OS), in ref order */
            for (size_t k = 0; k < dm->n; k++) {
                uint32_t e = dm->order[k];
                if (e == n + 1 || (e < n && !(m->os_ref && cg_w_is_os_pkg(&s->pkgs[e]))))
                    depends_on(w, entry_ref(m, e));
            }
        } else if (id == n + 1) {
            for (size_t k = 0; k < dm->n; k++) {
                uint32_t e = dm->order[k];
                if (e < n && cg_w_is_os_pkg(&s->pkgs[e]))
                    depends_on(w, entry_ref(m, e));
            }
        } else {
            size_t nd = m->dep_off[id + 1] - m->dep_off[id];
            const char **on = nd ? cg_arena_calloc(&m->scratch, nd, sizeof *on) : NULL;
            if (nd && !on)
                *failed = 1;
            for (size_t k = 0; on && k < nd; k++)
                on[k] = m->refs[m->dep_to[m->dep_off[id] + k]];
            if (on && nd > 1)
                qsort(on, nd, sizeof *on, cg_strptr_cmp);
            for (size_t k = 0; on && k < nd; k++)
                depends_on(w, on[k]);
            if (i % 256 == 255)
                cg_arena_free(&m->scratch);
        }
        cg_jw_close(w, "]");
        cg_jw_close(w, "}");
    }
    cg_arena_free(&m->scratch);
    cg_jw_close(w, "]");
}

/* The whole document, streamed to w, with or without serialNumber. */
static void document(cg_wmodel *m, cg_jw *w, const char *serial, const deps_model *dm, int *failed)
{
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    cg_jw_kstr(w, "bomFormat", "CycloneDX");
    cg_jw_kstr(w, "specVersion", "1.6");
    cg_jw_kopt(w, "serialNumber", serial);
    cg_jw_kint(w, "version", 1);
    cg_jw_key(w, "metadata");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "timestamp", m->timestamp);
    cg_jw_key(w, "tools");
    cg_jw_open(w, "{");
    cg_jw_key(w, "components");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "type", "application");
    cg_jw_kstr(w, "name", "cgate");
    cg_jw_kstr(w, "version", CGATE_VERSION);
    cg_jw_close(w, "}");
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
    cg_jw_key(w, "component");
    image_component(m, w, failed);
    cg_jw_close(w, "}");
    cg_arena_free(&m->scratch);

    cg_jw_key(w, "components");
    cg_jw_open(w, "[");
    if (m->s->distro) {
        cg_jw_elem(w);
        os_component(m, w, failed);
    }
    for (size_t i = 0; i < m->s->n_pkgs && w->st == CG_OK && !*failed; i++) {
        cg_jw_elem(w);
        pkg_component(m, w, i, failed);
        cg_arena_free(&m->scratch); /* per-component strings: memory stays flat */
    }
    cg_jw_close(w, "]");
    cg_jw_key(w, "dependencies");
    dependencies(m, w, dm, failed);
    if (m->cdx_vulns && w->st == CG_OK && !*failed) {
        cg_jw_key(w, "vulnerabilities");
        m->cdx_vulns(m->cdx_vulns_ud, m->refs, w, failed);
    }
    cg_jw_close(w, "}");
}

static cg_status hash_sink(void *ud, const void *data, size_t len, cg_error *err)
{
    if (EVP_DigestUpdate((EVP_MD_CTX *)ud, data, len) != 1)
        return cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
    return CG_OK;
}

cg_status cg_w_uuid_stream(void (*doc)(void *ud, cg_jw *w), void *ud, char out[37], cg_error *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char h[32];
    unsigned int hn = 0;
    if (!md) /* its one allocation */
        return cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
    }
    cg_buf b = CG_BUF_INIT;
    cg_jw w;
    cg_jw_init_sink(&w, &b, hash_sink, md, err);
    doc(ud, &w);
    cg_jw_flush(&w);
    cg_status st = w.st;
    cg_buf_free(&b);
    if (st == CG_ERR_NOMEM) /* the window could not grow (the sink sets err itself) */
        st = cg_error_set(err, CG_ERR_NOMEM, "writing SBOM: out of memory");
    if (st == CG_OK && (EVP_DigestFinal_ex(md, h, &hn) != 1 || hn != 32))
        st = cg_error_set(err, CG_ERR_INTERNAL, "sha256 of the SBOM failed (OpenSSL)");
    EVP_MD_CTX_free(md);
    if (st != CG_OK)
        return st;
    cg_w_uuid_from_digest(h, out);
    return CG_OK;
}

typedef struct cdx_pass {
    cg_wmodel *m;
    const char *serial;
    const deps_model *dm;
    int failed;
} cdx_pass;

static void cdx_doc(void *ud, cg_jw *w)
{
    cdx_pass *p = ud;
    document(p->m, w, p->serial, p->dm, &p->failed);
}

cg_status cg_write_cyclonedx(cg_wmodel *m, cg_buf *out, cg_sink_fn sink, void *sink_ud, cg_error *err)
{
    cg_arena da;
    cg_arena_init(&da);
    deps_model dm = {0};
    cdx_pass pass = {m, NULL, &dm, 0};
    if (deps_build(m, &da, &dm) < 0)
        pass.failed = 1;
    cg_status st = CG_OK;
    char uuid[37], serial[64];
    /* The serial names the content: hash the document written without it
     * (streamed through sha256, never held), then write it with it. */
    if (!pass.failed)
        st = cg_w_uuid_stream(cdx_doc, &pass, uuid, err);
    if (st == CG_OK && !pass.failed) {
        memcpy(serial, "urn:uuid:", 9);
        memcpy(serial + 9, uuid, 37);
        pass.serial = serial;
        cg_jw w;
        size_t start = out->len;
        if (sink)
            cg_jw_init_sink(&w, out, sink, sink_ud, err);
        else
            cg_jw_init(&w, out);
        cdx_doc(&pass, &w);
        cg_jw_raw(&w, "\n");
        cg_jw_flush(&w);
        st = w.st;
        if (st == CG_ERR_NOMEM)
            pass.failed = 1;
        if (st != CG_OK && !sink && out->data) {
            out->len = start;
            out->data[start] = 0;
        }
    }
    if ((st == CG_OK || st == CG_ERR_NOMEM) && pass.failed)
        st = cg_error_set(err, CG_ERR_NOMEM, "writing CycloneDX: out of memory");
    cg_arena_free(&da);
    cg_arena_free(&m->scratch);
    return st;
}

static int in_spdx_enum(const char *id)
{
    /* CycloneDX's license.id enum is the SPDX list; ids are case-sensitive there */
    const char *canon = cg_spdx_id_lookup(id, strlen(id));
    return canon && !strcmp(canon, id);
}
