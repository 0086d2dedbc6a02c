/*
 * import_alpine.c - Alpine's secdb (https://secdb.alpinelinux.org/, the
 * v3.X/main.json layout; the YAML it used to be published in reads the same):
 * {distroversion, packages[].pkg.{name, secfixes: {VERSION: [ID...]}}}.
 * Each (package, vulnerability) becomes an OSV-equivalent record for
 * ecosystem "Alpine:vX.Y", id = the CVE (what Alpine and Trivy report),
 * affected = ECOSYSTEM range {introduced: 0, fixed: VERSION} (several fixed
 * events when the id is listed under several versions: the lowest applies).
 * Fixed version "0" means the package was never affected: no record is made
 * (see docs/vulndb.md).  Entries are free text ("CVE-2017-8904 XSA-214",
 * "CVE_2019-1", "CVE-2018-1 (BGP)"): the first CVE id wins, else the first
 * other id-like token (XSA-207), else the entry is skipped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"
#include "vulndb/vdb_int.h"

/* The vulnerability id in a secfixes entry, into out; 0 when none. */
static int entry_id(const char *s, char *out, size_t cap)
{
    /* recursion only for the joined typo, one level deep */
    char other[128] = "";
    while (*s) {
        while (*s && isspace((unsigned char)*s))
            s++;
        const char *t = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        size_t n = (size_t)(s - t);
        if (n == 0)
            break;
        if (n == 3 && !strncmp(t, "CVE", 3) && isspace((unsigned char)*s) && isdigit((unsigned char)s[1])) {
            char joined[64]; /* "CVE 2018-16859": a typo in the secdb */
            const char *u = s + 1;
            size_t m = strcspn(u, " \t\r\n");
            if (m < 40) {
                snprintf(joined, sizeof joined, "CVE-%.*s", (int)m, u);
                if (entry_id(joined, out, cap))
                    return 1;
            }
        }
        if (n > 9 && (!strncmp(t, "CVE-", 4) || !strncmp(t, "CVE_", 4)) && isdigit((unsigned char)t[4])) {
            size_t i = 4, y = 0;
            while (i < n && isdigit((unsigned char)t[i])) i++, y++;
            if (y == 4 && i < n && t[i] == '-') {
                size_t j = ++i;
                while (i < n && isdigit((unsigned char)t[i])) i++;
                if (i - j >= 4 && i < cap) {
                    snprintf(out, cap, "CVE-%.*s", (int)(i - 4), t + 4);
                    return 1;
                }
            }
            continue;
        }
        if (!*other && n < sizeof other && isalpha((unsigned char)t[0]) && memchr(t, '-', n) &&
            !memchr(t, '?', n) && strncmp(t, "CVE", 3)) {
            int ok = 1;
            for (size_t i = 0; i < n; i++)
                ok &= isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_' || t[i] == '.';
            if (ok)
                snprintf(other, sizeof other, "%.*s", (int)n, t);
        }
    }
    if (*other && strlen(other) < cap) {
        snprintf(out, cap, "%s", other);
        return 1;
    }
    return 0;
}

cg_status vdb_import_alpine(vdb_imp *im, json_t *doc, const char *file, cg_error *err)
{
    json_t *dv = json_object_get(doc, "distroversion");
    if (!json_is_string(dv) || json_string_length(dv) == 0 || json_string_length(dv) > 32) {
        vdb_skip(im, file, "-", "distroversion is not a short string");
        return CG_OK;
    }
    const char *ver = json_string_value(dv);
    char eco[64], modified[CG_RFC3339_SIZE];
    snprintf(eco, sizeof eco, "Alpine:%s%s", ver[0] == 'v' ? "" : "v", ver);
    cg_rfc3339_format(im->now, modified);

    json_t *pkgs = json_object_get(doc, "packages");
    if (!json_is_array(pkgs) && !json_is_null(pkgs) && !(json_is_string(pkgs) && json_string_length(pkgs) == 0)) {
        vdb_skip(im, file, "-", "packages is not a list");
        return CG_OK;
    }
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i < json_array_size(pkgs); i++) {
        json_t *pkg = json_object_get(json_array_get(pkgs, i), "pkg");
        json_t *name = json_object_get(pkg, "name"), *fixes = json_object_get(pkg, "secfixes");
        char where[64];
        snprintf(where, sizeof where, "packages[%zu]", i);
        if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) > VDB_MAX_STR) {
            vdb_skip(im, file, where, "pkg.name is not a string");
            continue;
        }
        if (!fixes || json_is_null(fixes) || (json_is_string(fixes) && json_string_length(fixes) == 0))
            continue; /* a package with no fixes yet */
        if (!json_is_object(fixes)) {
            vdb_skip(im, file, json_string_value(name), "secfixes is not a mapping");
            continue;
        }
        /* id -> record, in first-seen order */
        json_t *recs = json_object(), *order = json_array();
        const char *fver;
        json_t *ids;
        json_object_foreach(fixes, fver, ids) {
            if (strlen(fver) > VDB_MAX_STR) {
                vdb_skip(im, file, json_string_value(name), "a fixed version is longer than %d bytes", VDB_MAX_STR);
                continue;
            }
            if (json_is_null(ids) || (json_is_string(ids) && json_string_length(ids) == 0))
                continue; /* an empty YAML value, as converted to JSON */
            if (!json_is_array(ids)) {
                vdb_skip(im, file, json_string_value(name), "secfixes[%.60s] is not a list", fver);
                continue;
            }
            for (size_t k = 0; k < json_array_size(ids); k++) {
                json_t *e = json_array_get(ids, k);
                char id[128];
                if (!json_is_string(e) || !entry_id(json_string_value(e), id, sizeof id)) {
                    vdb_skip(im, file, json_string_value(name), "secfixes[%.60s]: no vulnerability id in \"%.60s\"",
                             fver, json_is_string(e) ? json_string_value(e) : "(not a string)");
                    continue;
                }
                json_t *r = json_object_get(recs, id);
                if (!r) {
                    r = json_pack("{s:s,s:s,s:s,s:[{s:{s:s,s:O},s:[{s:s,s:[{s:s}]}]}],s:[{s:s,s:s+}]}", "id", id,
                                  "modified", modified, "summary", "", "affected", "package", "ecosystem", eco,
                                  "name", name, "ranges", "type", "ECOSYSTEM", "events", "introduced", "0",
                                  "references", "type", "ADVISORY", "url",
                                  "https://security.alpinelinux.org/vuln/", id);
                    json_object_del(r, "summary");
                    json_object_set_new(r, "n_fixed", json_integer(0));
                    json_object_set_new(recs, id, r);
                    json_array_append_new(order, json_string(id));
                }
                if (!strcmp(fver, "0")) {
                    json_object_set_new(r, "not_affected", json_true());
                    continue;
                }
                json_t *events = json_object_get(
                    json_array_get(json_object_get(json_array_get(json_object_get(r, "affected"), 0), "ranges"), 0),
                    "events");
                int dup = 0;
                for (size_t q = 1; q < json_array_size(events); q++)
                    dup |= !strcmp(json_string_value(json_object_get(json_array_get(events, q), "fixed")), fver);
                if (!dup)
                    json_array_append_new(events, json_pack("{s:s}", "fixed", fver));
                json_object_set_new(r, "n_fixed", json_integer(1));
            }
        }
        for (size_t k = 0; s == CG_OK && k < json_array_size(order); k++) {
            const char *id = json_string_value(json_array_get(order, k));
            json_t *r = json_object_get(recs, id);
            if (json_integer_value(json_object_get(r, "n_fixed")) == 0) {
                im->not_affected++; /* only ever listed under "0": never affected */
                continue;
            }
            json_object_del(r, "n_fixed");
            json_object_del(r, "not_affected");
            char *key = cg_arena_sprintf(im->a, "alpine-secdb:%s:%s:%s", eco + 7, json_string_value(name), id);
            s = key ? vdb_put_osv(im, r, file, "alpine-secdb", key, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        json_decref(recs);
        json_decref(order);
    }
    return s;
}
