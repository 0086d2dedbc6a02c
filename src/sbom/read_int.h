/*
 * read_int.h - what the SBOM readers share (read.c: helpers, packages,
 * dependency edges and the whole; read_cyclonedx.c; read_spdx.c), mirroring
 * the writers (cyclonedx.c, spdx.c).  Private to src/sbom/.
 */
#ifndef CG_SBOM_READ_INT_H
#define CG_SBOM_READ_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgate/sbom.h"
#include "core/strmap.h"

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
    cg_strmap interned;   /* rd_jstr_intern: strings repeated across packages, kept once */
    cg_arena scratch;     /* per component: the purl's parse (what is kept is copied out) */
    char *pack;           /* rd_strndup: strings back to back in arena chunks */
    size_t pack_left;
    bool pkgs_in_arena;   /* pkgs is the sbom's array (sized from the component count) */
    bool lean;            /* cg_sbom_read_for_scan: no descriptions, suppliers, licences,
                             properties or dependency edges (read and checked, not kept) */
    bool oom;
} rd;

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

typedef struct evec {
    const char **from, **to;
    size_t n, cap;
} evec;

const char *rd_jstr(rd *r, const json_t *v);
/* rd_jstr, but a string read before is not copied again (property names,
 * layer digests, cataloger names: the same few strings on every package) */
const char *rd_jstr_intern(rd *r, const json_t *v);
const char *rd_jget_intern(rd *r, const json_t *obj, const char *key);
const char *rd_jget(rd *r, const json_t *obj, const char *key);
/* rd_jstr's checks without the copy: the string, or NULL when rd_jstr would give NULL */
const char *rd_jpeek(const json_t *obj, const char *key);
bool rd_starts(const char *s, const char *pre);
void rd_warn(rd *r, const char *msg);
cg_layer_info *rd_layer_at(rd *r, size_t i);
int rd_layer_ref(rd *r, const char *id, bool is_diff_id);
cg_package *rd_pkg_from_purl(rd *r, const char *purl, const char *version, const char *ref);
void rd_pkg_prop(rd *r, cg_package *p, pbuild *b, const char *name, const char *value);
/* 1 when rd_pkg_prop keeps something of a property of this name in a lean
 * read (a record field, a location, a layer), 0 when it drops it */
bool rd_prop_kept(const char *name);
void rd_add_license(rd *r, cg_license *ls, size_t *n, const char *v, bool spdx);
void rd_add_expression(rd *r, cg_license *ls, size_t *n, const char *e, const pbuild *b,
                       const json_t *extracted);
void rd_pkg_finish(rd *r, cg_package *p, pbuild *b, cg_license *ls, size_t n_ls);
cg_status rd_bad(rd *r, cg_error *err, const char *why);
void rd_set_edges(rd *r, const char **from, const char **to, size_t n_edges);
void rd_edge_push(rd *r, evec *e, const char *from, const char *to);
/* Where the elements of a document's big arrays come from when the document
 * is read a piece at a time (read.c): next() returns a new reference to the
 * next element of "components" (which 0) or "dependencies" (which 1), NULL
 * at the end.  NULL elems: the arrays of doc itself. */
typedef struct rd_elems {
    json_t *(*next)(void *ud, int which);
    void *ud;
} rd_elems;
cg_status rd_read_cdx(rd *r, const json_t *doc, const rd_elems *el, cg_error *err);
/* Room for n packages in the sbom's arena before reading (a count known up
 * front avoids a growing array and its copy). */
void rd_pkgs_reserve(rd *r, size_t n);
cg_status rd_read_spdx(rd *r, const json_t *doc, cg_error *err);

#endif
