/*
 * scan_fixture.h - a test double of the vulnerability DB for the scanner's
 * unit tests: real OSV JSON records (tests/data/scan/) read by a tiny loader
 * into cg_vdb_advisory values, and a cg_scan_source whose lookup answers
 * like cg_vdb_lookup() (names normalised for PyPI and npm, only the affected[]
 * entries naming the package).  Test-only; the real DB is src/vulndb/.
 * Included by one test file each (static functions).
 */
#ifndef CG_SCAN_FIXTURE_H
#define CG_SCAN_FIXTURE_H

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cgate/scan.h"

typedef struct fx_db {
    cg_arena arena;
    cg_vdb_advisory *adv;
    size_t n, cap;
    size_t lookups; /* calls, to check the scanner's cache */
} fx_db;

static fx_db *fx_new(void)
{
    fx_db *db = calloc(1, sizeof *db);
    cg_arena_init(&db->arena);
    return db;
}

static void fx_free(fx_db *db)
{
    if (!db)
        return;
    cg_arena_free(&db->arena);
    free(db->adv);
    free(db);
}

static const char *fx_str(fx_db *db, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? cg_arena_strdup(&db->arena, json_string_value(v)) : NULL;
}

static int fx_strcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append an advisory slot (zeroed, epss unknown) and return it. */
static cg_vdb_advisory *fx_add(fx_db *db)
{
    if (db->n == db->cap) {
        db->cap = db->cap ? db->cap * 2 : 32;
        db->adv = realloc(db->adv, db->cap * sizeof *db->adv);
    }
    cg_vdb_advisory *a = &db->adv[db->n++];
    memset(a, 0, sizeof *a);
    a->epss = a->epss_percentile = -1;
    return a;
}

static int fx_load_json(fx_db *db, json_t *r)
{
    cg_arena *ar = &db->arena;
    cg_vdb_advisory *a = fx_add(db);
    a->id = fx_str(db, r, "id");
    a->summary = fx_str(db, r, "summary");
    a->details = fx_str(db, r, "details");
    a->published = fx_str(db, r, "published");
    a->modified = fx_str(db, r, "modified");
    json_t *al = json_object_get(r, "aliases");
    a->aliases = cg_arena_calloc(ar, json_array_size(al) + 1, sizeof *a->aliases);
    for (size_t i = 0; i < json_array_size(al); i++)
        if (json_is_string(json_array_get(al, i)))
            a->aliases[a->n_aliases++] = cg_arena_strdup(ar, json_string_value(json_array_get(al, i)));
    qsort(a->aliases, a->n_aliases, sizeof *a->aliases, fx_strcmp);
    json_t *refs = json_object_get(r, "references");
    a->references = cg_arena_calloc(ar, json_array_size(refs) + 1, sizeof *a->references);
    for (size_t i = 0; i < json_array_size(refs); i++) {
        const char *u = fx_str(db, json_array_get(refs, i), "url");
        if (u)
            a->references[a->n_references++] = u;
    }
    json_t *sev = json_object_get(r, "severity");
    a->severity = cg_arena_calloc(ar, json_array_size(sev) + 1, sizeof *a->severity);
    for (size_t i = 0; i < json_array_size(sev); i++) {
        json_t *s = json_array_get(sev, i);
        a->severity[a->n_severity++] = (cg_vdb_severity){fx_str(db, s, "type"), fx_str(db, s, "score"), "osv"};
    }
    a->source_severity = fx_str(db, json_object_get(r, "database_specific"), "severity");
    json_t *aff = json_object_get(r, "affected");
    a->affected = cg_arena_calloc(ar, json_array_size(aff) + 1, sizeof *a->affected);
    for (size_t i = 0; i < json_array_size(aff); i++) {
        json_t *e = json_array_get(aff, i), *pkg = json_object_get(e, "package");
        cg_vdb_affected *x = &a->affected[a->n_affected++];
        x->ecosystem = fx_str(db, pkg, "ecosystem");
        x->name = fx_str(db, pkg, "name");
        json_t *rs = json_object_get(e, "ranges"), *vs = json_object_get(e, "versions");
        x->ranges = cg_arena_calloc(ar, json_array_size(rs) + 1, sizeof *x->ranges);
        for (size_t k = 0; k < json_array_size(rs); k++) {
            json_t *rg = json_array_get(rs, k), *evs = json_object_get(rg, "events");
            cg_vdb_range *y = &x->ranges[x->n_ranges++];
            y->type = fx_str(db, rg, "type");
            y->events = cg_arena_calloc(ar, json_array_size(evs) + 1, sizeof *y->events);
            for (size_t m = 0; m < json_array_size(evs); m++) {
                json_t *ev = json_array_get(evs, m);
                y->events[y->n_events++] = (cg_vdb_event){fx_str(db, ev, "introduced"), fx_str(db, ev, "fixed"),
                                                          fx_str(db, ev, "last_affected"), fx_str(db, ev, "limit")};
            }
        }
        x->versions = cg_arena_calloc(ar, json_array_size(vs) + 1, sizeof *x->versions);
        for (size_t k = 0; k < json_array_size(vs); k++)
            if (json_is_string(json_array_get(vs, k)))
                x->versions[x->n_versions++] = cg_arena_strdup(ar, json_string_value(json_array_get(vs, k)));
    }
    return 0;
}

static int fx_load_file(fx_db *db, const char *path)
{
    json_error_t je;
    json_t *r = json_load_file(path, 0, &je);
    if (!r) {
        fprintf(stderr, "fx_load_file %s: %s\n", path, je.text);
        return -1;
    }
    int rc = fx_load_json(db, r);
    json_decref(r);
    return rc;
}

/* Every *.json in dir (sorted by name); returns the count or -1. */
static int fx_load_dir(fx_db *db, const char *dir)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort), count = 0;
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".json")) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
            if (fx_load_file(db, path) == 0)
                count++;
            else
                count = -1000000;
        }
        free(ents[i]);
    }
    free(ents);
    return count < 0 ? -1 : count;
}

/* PEP 503 for PyPI, lower case for npm, exact otherwise. */
static void fx_norm(const char *eco, const char *in, char *out, size_t cap)
{
    size_t o = 0;
    int pypi = !strcasecmp(eco, "PyPI"), npm = !strcmp(eco, "npm");
    for (const char *p = in; *p && o + 1 < cap; p++) {
        char c = *p;
        if (pypi && (c == '-' || c == '_' || c == '.')) {
            if (o && out[o - 1] == '-')
                continue;
            c = '-';
        }
        out[o++] = (pypi || npm) ? (char)tolower((unsigned char)c) : c;
    }
    out[o] = 0;
}

static cg_status fx_lookup(void *ud, const char *eco, const char *name, cg_arena *a, cg_vdb_advisory **out,
                           size_t *n, cg_error *err)
{
    (void)err;
    fx_db *db = ud;
    db->lookups++;
    char want[512], got[512];
    fx_norm(eco, name, want, sizeof want);
    cg_vdb_advisory *res = cg_arena_calloc(a, db->n + 1, sizeof *res);
    size_t k = 0;
    for (size_t i = 0; i < db->n; i++) {
        const cg_vdb_advisory *adv = &db->adv[i];
        cg_vdb_affected *sel = cg_arena_calloc(a, adv->n_affected + 1, sizeof *sel);
        size_t ns = 0;
        for (size_t j = 0; j < adv->n_affected; j++) {
            const cg_vdb_affected *af = &adv->affected[j];
            if (!af->ecosystem || !af->name || strcmp(af->ecosystem, eco) != 0)
                continue;
            fx_norm(eco, af->name, got, sizeof got);
            if (!strcmp(got, want))
                sel[ns++] = *af;
        }
        if (ns) {
            res[k] = *adv;
            res[k].affected = sel;
            res[k].n_affected = ns;
            k++;
        }
    }
    *out = res;
    *n = k;
    return CG_OK;
}

static cg_scan_source fx_source(fx_db *db)
{
    cg_scan_source s = {fx_lookup, db};
    return s;
}

/* Path under $CG_TEST_DATA (static buffer, one at a time). */
static const char *fx_data(const char *rel)
{
    static char path[4096];
    const char *d = getenv("CG_TEST_DATA");
    snprintf(path, sizeof path, "%s/%s", d ? d : "tests/data", rel);
    return path;
}

#endif
