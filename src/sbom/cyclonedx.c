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
    cg_j_str(j, c, "name", p->name ? p->name : "");
    cg_j_str(j, c, "version", p->version);
    cg_j_str(j, c, "description", p->description);
    /* Properties first in the list, licence names appended by add_licenses. */
    add_prop(j, props, "cgate:package:type", p->type);
    add_prop(j, props, "cgate:cataloger", p->cataloger);
    add_prop(j, props, "cgate:source:name", p->source_name);
    add_prop(j, props, "cgate:source:version", p->source_version);
    add_prop(j, props, "cgate:package:arch", p->arch);
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
            qsort(e[i].on, e[i].n_on, sizeof *e[i].on, cg_w_strptr_cmp);
        for (size_t k = 0; k < e[i].n_on; k++)
            cg_j_pushstr(j, on, e[i].on[k]);
        cg_j_str(j, d, "ref", e[i].ref);
        cg_j_set(j, d, "dependsOn", on);
        cg_j_push(j, arr, d);
    }
    return arr;
}

/* The document with or without serialNumber; parts are shared (incref'd). */
static json_t *assemble(cg_jctx *j, const char *serial, json_t *meta, json_t *comps, json_t *deps)
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

    cg_status st = CG_OK;
    json_t *doc = NULL;
    if (!j.failed) {
        json_t *draft = assemble(&j, NULL, meta, comps, deps);
        char *text = NULL, uuid[37];
        size_t len = 0;
        if (!j.failed && (st = cg_j_dump(draft, &text, &len, err)) == CG_OK &&
            (st = cg_w_uuid(text, len, uuid, err)) == CG_OK) {
            char serial[64];
            memcpy(serial, "urn:uuid:", 9);
            memcpy(serial + 9, uuid, 37);
            doc = assemble(&j, serial, meta, comps, deps);
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
    return st;
}

/* Generated from tests/data/schemas/cyclonedx/spdx.schema.json (CycloneDX
 * 1.6), sorted bytewise for bsearch.  Regenerate when the schema moves. */
static const char *const spdx_ids[] = {
    "0BSD", "389-exception", "3D-Slicer-1.0", "AAL", "ADSL", "AFL-1.1", "AFL-1.2", "AFL-2.0",
    "AFL-2.1", "AFL-3.0", "AGPL-1.0", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0",
    "AGPL-3.0-only", "AGPL-3.0-or-later", "ALGLIB-Documentation", "AMD-newlib", "AMDPLPA",
    "AML", "AML-glslang", "AMPAS", "ANTLR-PD", "ANTLR-PD-fallback", "APAFML", "APL-1.0",
    "APSL-1.0", "APSL-1.1", "APSL-1.2", "APSL-2.0", "ASWF-Digital-Assets-1.0",
    "ASWF-Digital-Assets-1.1", "Abstyles", "AdaCore-doc", "Adobe-2006",
    "Adobe-Display-PostScript", "Adobe-Glyph", "Adobe-Utopia", "Advanced-Cryptics-Dictionary",
    "Afmparse", "Aladdin", "Apache-1.0", "Apache-1.1", "Apache-2.0", "App-s2p", "Arphic-1999",
    "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-1.0-cl8", "Artistic-2.0", "Artistic-dist",
    "Aspell-RU", "Asterisk-exception", "Asterisk-linking-protocols-exception",
    "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Autoconf-exception-generic",
    "Autoconf-exception-generic-3.0", "Autoconf-exception-macro", "BOLA-1.1", "BSD-1-Clause",
    "BSD-2-Clause", "BSD-2-Clause-Darwin", "BSD-2-Clause-FreeBSD", "BSD-2-Clause-NetBSD",
    "BSD-2-Clause-Patent", "BSD-2-Clause-Views", "BSD-2-Clause-first-lines",
    "BSD-2-Clause-pkgconf-disclaimer", "BSD-3-Clause", "BSD-3-Clause-Attribution",
    "BSD-3-Clause-Clear", "BSD-3-Clause-HP", "BSD-3-Clause-LBNL", "BSD-3-Clause-Modification",
    "BSD-3-Clause-No-Military-License", "BSD-3-Clause-No-Nuclear-License",
    "BSD-3-Clause-No-Nuclear-License-2014", "BSD-3-Clause-No-Nuclear-Warranty",
    "BSD-3-Clause-Open-MPI", "BSD-3-Clause-Sun", "BSD-3-Clause-Tso", "BSD-3-Clause-acpica",
    "BSD-3-Clause-flex", "BSD-4-Clause", "BSD-4-Clause-Shortened", "BSD-4-Clause-UC",
    "BSD-4.3RENO", "BSD-4.3TAHOE", "BSD-Advertising-Acknowledgement",
    "BSD-Attribution-HPND-disclaimer", "BSD-Inferno-Nettverk", "BSD-Mark-Modifications",
    "BSD-Protection", "BSD-Source-Code", "BSD-Source-beginning-file", "BSD-Systemics",
    "BSD-Systemics-W3Works", "BSL-1.0", "BUSL-1.1", "Baekmuk", "Bahyph", "Barr", "Beerware",
    "Bison-exception-1.24", "Bison-exception-2.2", "BitTorrent-1.0", "BitTorrent-1.1",
    "Bitstream-Charter", "Bitstream-Vera", "BlueOak-1.0.0", "Boehm-GC", "Boehm-GC-without-fee",
    "Bootloader-exception", "Borceux", "Brian-Gladman-2-Clause", "Brian-Gladman-3-Clause",
    "Buddy", "C-UDA-1.0", "CAL-1.0", "CAL-1.0-Combined-Work-Exception", "CAPEC-tou",
    "CATOSL-1.1", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0",
    "CC-BY-3.0-AT", "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL",
    "CC-BY-3.0-US", "CC-BY-4.0", "CC-BY-NC-1.0", "CC-BY-NC-2.0", "CC-BY-NC-2.5", "CC-BY-NC-3.0",
    "CC-BY-NC-3.0-DE", "CC-BY-NC-4.0", "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5",
    "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-3.0-DE", "CC-BY-NC-ND-3.0-IGO", "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.0-DE", "CC-BY-NC-SA-2.0-FR",
    "CC-BY-NC-SA-2.0-UK", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-3.0-DE",
    "CC-BY-NC-SA-3.0-IGO", "CC-BY-NC-SA-4.0", "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5",
    "CC-BY-ND-3.0", "CC-BY-ND-3.0-DE", "CC-BY-ND-4.0", "CC-BY-SA-1.0", "CC-BY-SA-2.0",
    "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT",
    "CC-BY-SA-3.0-DE", "CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0", "CC-PDDC", "CC-PDM-1.0", "CC-SA-1.0",
    "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0", "CECILL-1.0", "CECILL-1.1", "CECILL-2.0", "CECILL-2.1", "CECILL-B",
    "CECILL-C", "CERN-OHL-1.1", "CERN-OHL-1.2", "CERN-OHL-P-2.0", "CERN-OHL-S-2.0",
    "CERN-OHL-W-2.0", "CFITSIO", "CGAL-linking-exception", "CLISP-exception-2.0", "CMU-Mach",
    "CMU-Mach-nodoc", "CNRI-Jython", "CNRI-Python", "CNRI-Python-GPL-Compatible", "COIL-1.0",
    "CPAL-1.0", "CPL-1.0", "CPOL-1.02", "CUA-OPL-1.0", "Caldera", "Caldera-no-preamble",
    "Catharon", "ClArtistic", "Classpath-exception-2.0", "Classpath-exception-2.0-short",
    "Clips", "Community-Spec-1.0", "Condor-1.1", "Cornell-Lossless-JPEG", "Cronyx", "Crossword",
    "CryptoSwift", "CrystalStacker", "Cube", "D-FSL-1.0", "DEC-3-Clause", "DL-DE-BY-2.0",
    "DL-DE-ZERO-2.0", "DOC", "DRL-1.0", "DRL-1.1", "DSDP", "DigiRule-FOSS-exception",
    "Digia-Qt-LGPL-exception-1.1", "DocBook-DTD", "DocBook-Schema", "DocBook-Stylesheet",
    "DocBook-XML", "Dotseqn", "ECL-1.0", "ECL-2.0", "EFL-1.0", "EFL-2.0", "EPICS", "EPL-1.0",
    "EPL-2.0", "ESA-PL-permissive-2.4", "ESA-PL-strong-copyleft-2.4",
    "ESA-PL-weak-copyleft-2.4", "EUDatagrid", "EUPL-1.0", "EUPL-1.1", "EUPL-1.2", "Elastic-2.0",
    "Entessa", "ErlPL-1.1", "Eurosym", "FBM", "FDK-AAC", "FLTK-exception", "FSFAP",
    "FSFAP-no-warranty-disclaimer", "FSFUL", "FSFULLR", "FSFULLRSD", "FSFULLRWD",
    "FSL-1.1-ALv2", "FSL-1.1-MIT", "FTL", "Fair", "Fawkes-Runtime-exception",
    "Ferguson-Twofish", "Font-exception-2.0", "Frameworx-1.0", "FreeBSD-DOC", "FreeImage",
    "Furuseth", "GCC-exception-2.0", "GCC-exception-2.0-note", "GCC-exception-3.1", "GCR-docs",
    "GD", "GFDL-1.1", "GFDL-1.1-invariants-only", "GFDL-1.1-invariants-or-later",
    "GFDL-1.1-no-invariants-only", "GFDL-1.1-no-invariants-or-later", "GFDL-1.1-only",
    "GFDL-1.1-or-later", "GFDL-1.2", "GFDL-1.2-invariants-only", "GFDL-1.2-invariants-or-later",
    "GFDL-1.2-no-invariants-only", "GFDL-1.2-no-invariants-or-later", "GFDL-1.2-only",
    "GFDL-1.2-or-later", "GFDL-1.3", "GFDL-1.3-invariants-only", "GFDL-1.3-invariants-or-later",
    "GFDL-1.3-no-invariants-only", "GFDL-1.3-no-invariants-or-later", "GFDL-1.3-only",
    "GFDL-1.3-or-later", "GL2PS", "GLWTPL", "GNAT-exception", "GNOME-examples-exception",
    "GNU-compiler-exception", "GPL-1.0", "GPL-1.0+", "GPL-1.0-only", "GPL-1.0-or-later",
    "GPL-2.0", "GPL-2.0+", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-2.0-with-GCC-exception",
    "GPL-2.0-with-autoconf-exception", "GPL-2.0-with-bison-exception",
    "GPL-2.0-with-classpath-exception", "GPL-2.0-with-font-exception", "GPL-3.0", "GPL-3.0+",
    "GPL-3.0-389-ds-base-exception", "GPL-3.0-interface-exception", "GPL-3.0-linking-exception",
    "GPL-3.0-linking-source-exception", "GPL-3.0-only", "GPL-3.0-or-later",
    "GPL-3.0-with-GCC-exception", "GPL-3.0-with-autoconf-exception", "GPL-CC-1.0",
    "GStreamer-exception-2005", "GStreamer-exception-2008", "Game-Programming-Gems", "Giftware",
    "Glide", "Glulxe", "Gmsh-exception", "Graphics-Gems", "Gutmann", "HDF5", "HIDAPI",
    "HP-1986", "HP-1989", "HPND", "HPND-DEC", "HPND-Fenneberg-Livingston", "HPND-INRIA-IMAG",
    "HPND-Intel", "HPND-Kevlin-Henney", "HPND-MIT-disclaimer", "HPND-Markus-Kuhn",
    "HPND-Netrek", "HPND-Pbmplus", "HPND-SMC", "HPND-UC", "HPND-UC-export-US", "HPND-doc",
    "HPND-doc-sell", "HPND-export-US", "HPND-export-US-acknowledgement",
    "HPND-export-US-modify", "HPND-export2-US", "HPND-merchantability-variant",
    "HPND-sell-MIT-disclaimer-xserver", "HPND-sell-regexpr", "HPND-sell-variant",
    "HPND-sell-variant-MIT-disclaimer", "HPND-sell-variant-MIT-disclaimer-rev",
    "HPND-sell-variant-critical-systems", "HTMLTIDY", "HaskellReport", "Hippocratic-2.1",
    "IBM-pibs", "ICU", "IEC-Code-Components-EULA", "IJG", "IJG-short", "IPA", "IPL-1.0", "ISC",
    "ISC-Veillard", "ISO-permission", "ImageMagick", "Imlib2", "Independent-modules-exception",
    "Info-ZIP", "Inner-Net-2.0", "InnoSetup", "Intel", "Intel-ACPI", "Interbase-1.0",
    "JPL-image", "JPNIC", "JSON", "Jam", "JasPer-2.0", "Kastrup", "Kazlib",
    "KiCad-libraries-exception", "Knuth-CTAN", "LAL-1.2", "LAL-1.3", "LGPL-2.0", "LGPL-2.0+",
    "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1+", "LGPL-2.1-only",
    "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0+", "LGPL-3.0-linking-exception", "LGPL-3.0-only",
    "LGPL-3.0-or-later", "LGPLLR", "LLGPL", "LLVM-exception", "LOOP", "LPD-document", "LPL-1.0",
    "LPL-1.02", "LPPL-1.0", "LPPL-1.1", "LPPL-1.2", "LPPL-1.3a", "LPPL-1.3c",
    "LZMA-SDK-9.11-to-9.20", "LZMA-SDK-9.22", "LZMA-exception", "Latex2e",
    "Latex2e-translated-notice", "Leptonica", "LiLiQ-P-1.1", "LiLiQ-R-1.1", "LiLiQ-Rplus-1.1",
    "Libpng", "Libtool-exception", "Linux-OpenIB", "Linux-man-pages-1-para",
    "Linux-man-pages-copyleft", "Linux-man-pages-copyleft-2-para",
    "Linux-man-pages-copyleft-var", "Linux-syscall-note", "Lucida-Bitmap-Fonts", "MIPS", "MIT",
    "MIT-0", "MIT-CMU", "MIT-Click", "MIT-Festival", "MIT-Khronos-old", "MIT-Modern-Variant",
    "MIT-STK", "MIT-Wu", "MIT-advertising", "MIT-enna", "MIT-feh", "MIT-open-group",
    "MIT-testregex", "MITNFA", "MMIXware", "MMPL-1.0.1", "MPEG-SSG", "MPL-1.0", "MPL-1.1",
    "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-LPL", "MS-PL", "MS-RL", "MTLL",
    "Mackerras-3-Clause", "Mackerras-3-Clause-acknowledgment", "MakeIndex", "Martin-Birgmeier",
    "McPhee-slideshow", "Minpack", "MirOS", "Motosoto", "MulanPSL-1.0", "MulanPSL-2.0",
    "Multics", "Mup", "NAIST-2003", "NASA-1.3", "NBPL-1.0", "NCBI-PD", "NCGL-UK-2.0", "NCL",
    "NCSA", "NGPL", "NICTA-1.0", "NIST-PD", "NIST-PD-TNT", "NIST-PD-fallback", "NIST-Software",
    "NLOD-1.0", "NLOD-2.0", "NLPL", "NOSL", "NPL-1.0", "NPL-1.1", "NPOSL-3.0", "NRL", "NTIA-PD",
    "NTP", "NTP-0", "Naumen", "Net-SNMP", "NetCDF", "Newsletr", "Nokia",
    "Nokia-Qt-exception-1.1", "Noweb", "Nunit", "O-UDA-1.0", "OAR", "OCCT-PL",
    "OCCT-exception-1.0", "OCLC-2.0", "OCaml-LGPL-linking-exception", "ODC-By-1.0", "ODbL-1.0",
    "OFFIS", "OFL-1.0", "OFL-1.0-RFN", "OFL-1.0-no-RFN", "OFL-1.1", "OFL-1.1-RFN",
    "OFL-1.1-no-RFN", "OGC-1.0", "OGDL-Taiwan-1.0", "OGL-Canada-2.0", "OGL-UK-1.0",
    "OGL-UK-2.0", "OGL-UK-3.0", "OGTSL", "OLDAP-1.1", "OLDAP-1.2", "OLDAP-1.3", "OLDAP-1.4",
    "OLDAP-2.0", "OLDAP-2.0.1", "OLDAP-2.1", "OLDAP-2.2", "OLDAP-2.2.1", "OLDAP-2.2.2",
    "OLDAP-2.3", "OLDAP-2.4", "OLDAP-2.5", "OLDAP-2.6", "OLDAP-2.7", "OLDAP-2.8", "OLFL-1.3",
    "OML", "OPL-1.0", "OPL-UK-3.0", "OPUBL-1.0", "OSC-1.0", "OSET-PL-2.1", "OSL-1.0", "OSL-1.1",
    "OSL-2.0", "OSL-2.1", "OSL-3.0", "OSSP", "OpenJDK-assembly-exception-1.0", "OpenMDW-1.0",
    "OpenPBS-2.3", "OpenSSL", "OpenSSL-standalone", "OpenVision", "PADL", "PCRE2-exception",
    "PDDL-1.0", "PHP-3.0", "PHP-3.01", "PPL", "PS-or-PDF-font-exception-20170817", "PSF-2.0",
    "ParaType-Free-Font-1.3", "Parity-6.0.0", "Parity-7.0.0", "Pixar", "Plexus",
    "PolyForm-Noncommercial-1.0.0", "PolyForm-Small-Business-1.0.0", "PostgreSQL", "Python-2.0",
    "Python-2.0.1", "QPL-1.0", "QPL-1.0-INRIA-2004", "QPL-1.0-INRIA-2004-exception", "Qhull",
    "Qt-GPL-exception-1.0", "Qt-LGPL-exception-1.1", "Qwt-exception-1.0", "RHeCos-1.1",
    "RPL-1.1", "RPL-1.5", "RPSL-1.0", "RRDtool-FLOSS-exception-2.0", "RSA-MD", "RSCPL", "Rdisc",
    "Ruby", "Ruby-pty", "SANE-exception", "SAX-PD", "SAX-PD-2.0", "SCEA", "SGI-B-1.0",
    "SGI-B-1.1", "SGI-B-2.0", "SGI-OpenGL", "SGMLUG-PM", "SGP4", "SHL-0.5", "SHL-0.51",
    "SHL-2.0", "SHL-2.1", "SISSL", "SISSL-1.2", "SL", "SMAIL-GPL", "SMLNJ", "SMPPL", "SNIA",
    "SOFA", "SPL-1.0", "SSH-OpenSSH", "SSH-short", "SSLeay-standalone", "SSPL-1.0", "SUL-1.0",
    "SWI-exception", "SWL", "Saxpath", "SchemeReport", "Sendmail", "Sendmail-8.23",
    "Sendmail-Open-Source-1.1", "SimPL-2.0", "Simple-Library-Usage-exception", "Sleepycat",
    "Soundex", "Spencer-86", "Spencer-94", "Spencer-99", "StandardML-NJ", "SugarCRM-1.1.3",
    "Sun-PPP", "Sun-PPP-2000", "SunPro", "Swift-exception", "Symlinks", "TAPR-OHL-1.0", "TCL",
    "TCP-wrappers", "TGPPL-1.0", "TMate", "TORQUE-1.1", "TOSL", "TPDL", "TPL-1.0", "TTWL",
    "TTYP0", "TU-Berlin-1.0", "TU-Berlin-2.0", "TekHVC", "TermReadKey", "Texinfo-exception",
    "ThirdEye", "TrustedQSL", "UBDL-exception", "UCAR", "UCL-1.0", "UMich-Merit", "UPL-1.0",
    "URT-RLE", "Ubuntu-font-1.0", "UnRAR", "Unicode-3.0", "Unicode-DFS-2015",
    "Unicode-DFS-2016", "Unicode-TOU", "Universal-FOSS-exception-1.0", "UnixCrypt", "Unlicense",
    "Unlicense-libtelnet", "Unlicense-libwhirlpool", "VOSTROM", "VSL-1.0", "Vim", "Vixie-Cron",
    "W3C", "W3C-19980720", "W3C-20150513", "WTFNMFPL", "WTFPL", "Watcom-1.0", "Widget-Workshop",
    "WordNet", "Wsuipa", "WxWindows-exception-3.1", "X11",
    "X11-distribute-modifications-variant", "X11-no-permit-persons", "X11-swapped",
    "XFree86-1.1", "XSkat", "Xdebug-1.03", "Xerox", "Xfig", "Xnet", "YPL-1.0", "YPL-1.1",
    "ZPL-1.1", "ZPL-2.0", "ZPL-2.1", "Zed", "Zeeff", "Zend-2.0", "Zimbra-1.3", "Zimbra-1.4",
    "Zlib", "any-OSI", "any-OSI-perl-modules", "bcrypt-Solar-Designer", "blessing",
    "bzip2-1.0.5", "bzip2-1.0.6", "check-cvs", "checkmk", "copyleft-next-0.3.0",
    "copyleft-next-0.3.1", "cryptsetup-OpenSSL-exception", "curl", "cve-tou", "diffmark",
    "dtoa", "dvipdfm", "eCos-2.0", "eCos-exception-2.0", "eGenix",
    "erlang-otp-linking-exception", "etalab-2.0", "fmt-exception", "freertos-exception-2.0",
    "fwlw", "gSOAP-1.3b", "generic-xts", "gnu-javamail-exception", "gnuplot", "gtkbook",
    "harbour-exception", "hdparm", "hyphen-bulgarian", "i2p-gpl-java-exception", "iMatix",
    "jove", "kvirc-openssl-exception", "libpng-1.6.35", "libpng-2.0",
    "libpri-OpenH323-exception", "libselinux-1.0", "libtiff", "libutil-David-Nugent", "lsof",
    "magaz", "mailprio", "man2html", "metamail", "mif-exception", "mpi-permissive", "mpich2",
    "mplus", "mxml-exception", "ngrep", "openvpn-openssl-exception", "pkgconf", "pnmstitch",
    "polyparse-exception", "psfrag", "psutils", "python-ldap", "radvd", "romic-exception",
    "rsync-linking-exception", "snprintf", "softSurfer", "sqlitestudio-OpenSSL-exception",
    "ssh-keyscan", "stunnel-exception", "swrule", "threeparttable", "u-boot-exception-2.0",
    "ulem", "vsftpd-openssl-exception", "w3m", "wwl", "wxWindows", "x11vnc-openssl-exception",
    "xinetd", "xkeyboard-config-Zinoviev", "xlock", "xpp", "xzoom", "zlib-acknowledgement",
};

static int in_spdx_enum(const char *id)
{
    return bsearch(&id, spdx_ids, sizeof spdx_ids / sizeof spdx_ids[0], sizeof spdx_ids[0],
                   cg_w_strptr_cmp) != NULL;
}
