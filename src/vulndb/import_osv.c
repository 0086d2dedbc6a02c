/*
 * import_osv.c - one OSV record (https://ossf.github.io/osv-schema/) checked
 * field by field and stored: the record row, one lookup row per affected
 * package (normalised ecosystem + name), alias rows.  A record with a wrong
 * type, an unknown range type, or a field over the caps in vdb_int.h is
 * skipped whole before anything is written; unknown fields are ignored.
 * Withdrawn records delete what they replace; the newest `modified` wins.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vdb_int.h"

typedef struct chk {
    char why[256];
} chk;

static int bad(chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(chk *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
    return -1;
}

/* Optional string field: absent/null -> NULL; wrong type or too long -> error. */
static int opt_str(chk *c, const json_t *obj, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad(c, "%s is not a string", key);
    if (json_string_length(v) > max)
        return bad(c, "%s is longer than %zu bytes", key, max);
    *out = json_string_value(v);
    return 0;
}

static int opt_arr(chk *c, const json_t *obj, const char *key, size_t max, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return bad(c, "%s is not an array", key);
    if (json_array_size(v) > max)
        return bad(c, "%s has %zu entries (cap %zu)", key, json_array_size(v), max);
    *out = v;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* aliases: strings, sorted, unique */
static int build_aliases(chk *c, const json_t *rec, json_t **out)
{
    json_t *arr;
    if (opt_arr(c, rec, "aliases", VDB_MAX_LIST, &arr))
        return -1;
    size_t n = json_array_size(arr);
    const char **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return bad(c, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(arr, i);
        if (!json_is_string(s) || json_string_length(s) == 0 || json_string_length(s) > VDB_MAX_STR) {
            free(v);
            return bad(c, "aliases[%zu] is not a short string", i);
        }
        v[i] = json_string_value(s);
    }
    qsort(v, n, sizeof *v, cmp_str);
    *out = json_array();
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]))
            json_array_append_new(*out, json_string(v[i]));
    free(v);
    return 0;
}

static int build_refs(chk *c, const json_t *rec, json_t **out)
{
    json_t *arr;
    if (opt_arr(c, rec, "references", VDB_MAX_LIST, &arr))
        return -1;
    *out = json_array();
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *r = json_array_get(arr, i);
        const char *url;
        if (!json_is_object(r))
            return bad(c, "references[%zu] is not an object", i);
        if (opt_str(c, r, "url", 8192, &url))
            return -1;
        if (url)
            json_array_append_new(*out, json_string(url));
    }
    return 0;
}

/* severity[]: keep CVSS vectors; another type's score may serve as the
 * source's own label (Ubuntu's "medium") when nothing better is there. */
static int build_severity(chk *c, const json_t *arr, json_t *out, const char **label)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *s = json_array_get(arr, i);
        const char *type, *score;
        if (!json_is_object(s))
            return bad(c, "severity[%zu] is not an object", i);
        if (opt_str(c, s, "type", 64, &type) || opt_str(c, s, "score", VDB_MAX_STR, &score))
            return -1;
        if (!type || !score)
            return bad(c, "severity[%zu] lacks type or score", i);
        if (!strcmp(type, "CVSS_V2") || !strcmp(type, "CVSS_V3") || !strcmp(type, "CVSS_V4")) {
            json_t *pair = json_pack("[ss]", type, score);
            int dup = 0;
            for (size_t k = 0; k < json_array_size(out); k++)
                dup |= json_equal(json_array_get(out, k), pair);
            if (dup)
                json_decref(pair);
            else
                json_array_append_new(out, pair);
        } else if (label && !*label) {
            *label = score;
        }
    }
    return 0;
}

static const char *const event_kinds[] = {"introduced", "fixed", "last_affected", "limit"};

/* One affected[] entry -> compact entry JSON {"e","n","r":[{"t","e":[[k,v]]}],"v"}. */
static int build_entry(chk *c, const json_t *af, size_t idx, json_t **entry, const char **eco, const char **name)
{
    *entry = NULL;
    if (!json_is_object(af))
        return bad(c, "affected[%zu] is not an object", idx);
    json_t *pkg = json_object_get(af, "package");
    *eco = *name = NULL;
    if (pkg && !json_is_null(pkg)) {
        if (!json_is_object(pkg))
            return bad(c, "affected[%zu].package is not an object", idx);
        if (opt_str(c, pkg, "ecosystem", VDB_MAX_STR, eco) || opt_str(c, pkg, "name", VDB_MAX_STR, name))
            return -1;
    }
    json_t *ranges, *versions;
    if (opt_arr(c, af, "ranges", VDB_MAX_RANGES, &ranges) || opt_arr(c, af, "versions", VDB_MAX_VERSIONS, &versions))
        return -1;
    json_t *jr = json_array();
    *entry = json_pack("{s:s?,s:s?,s:o,s:[]}", "e", *eco, "n", *name, "r", jr, "v");
    for (size_t i = 0; i < json_array_size(ranges); i++) {
        json_t *r = json_array_get(ranges, i), *events;
        const char *type;
        if (!json_is_object(r))
            return bad(c, "affected[%zu].ranges[%zu] is not an object", idx, i);
        if (opt_str(c, r, "type", 64, &type) || opt_arr(c, r, "events", VDB_MAX_EVENTS, &events))
            return -1;
        if (!type)
            return bad(c, "affected[%zu].ranges[%zu] has no type", idx, i);
        if (strcmp(type, "SEMVER") && strcmp(type, "ECOSYSTEM") && strcmp(type, "GIT"))
            return bad(c, "unknown range type \"%.40s\"", type);
        if (!events || json_array_size(events) == 0)
            return bad(c, "affected[%zu].ranges[%zu] has no events", idx, i);
        json_t *je = json_array();
        json_array_append_new(jr, json_pack("{s:s,s:o}", "t", type, "e", je));
        for (size_t k = 0; k < json_array_size(events); k++) {
            json_t *ev = json_array_get(events, k);
            if (!json_is_object(ev))
                return bad(c, "affected[%zu].ranges[%zu].events[%zu] is not an object", idx, i, k);
            int found = 0;
            for (size_t q = 0; q < 4; q++) {
                const char *v;
                if (opt_str(c, ev, event_kinds[q], VDB_MAX_STR, &v))
                    return -1;
                if (v) {
                    found++;
                    json_array_append_new(je, json_pack("[ss]", event_kinds[q], v));
                }
            }
            if (found != 1)
                return bad(c, "affected[%zu].ranges[%zu].events[%zu] has %d of introduced/fixed/last_affected/limit",
                           idx, i, k, found);
        }
    }
    json_t *jv = json_object_get(*entry, "v");
    for (size_t i = 0; i < json_array_size(versions); i++) {
        json_t *v = json_array_get(versions, i);
        if (!json_is_string(v))
            return bad(c, "affected[%zu].versions[%zu] is not a string", idx, i);
        if (json_string_length(v) > VDB_MAX_STR)
            return bad(c, "affected[%zu].versions[%zu] is longer than %d bytes", idx, i, VDB_MAX_STR);
        json_array_append(jv, v);
    }
    return 0;
}

static cg_status sqlerr(vdb_imp *im, const char *what, cg_error *err)
{
    return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: %s: %s", what, sqlite3_errmsg(im->db));
}

static cg_status delete_adv(vdb_imp *im, sqlite3_int64 rowid, cg_error *err)
{
    sqlite3_stmt *sts[] = {im->del_aff, im->del_alias, im->del_adv};
    for (size_t i = 0; i < 3; i++) {
        sqlite3_reset(sts[i]);
        sqlite3_bind_int64(sts[i], 1, rowid);
        if (sqlite3_step(sts[i]) != SQLITE_DONE)
            return sqlerr(im, "deleting a replaced record", err);
    }
    return CG_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static char *dumps(json_t *j)
{
    return json_dumps(j, JSON_COMPACT);
}

cg_status vdb_put_osv(vdb_imp *im, json_t *rec, const char *file, const char *source, const char *key,
                      cg_error *err)
{
    chk c = {""};
    const char *id = NULL;
    if (!json_is_object(rec)) {
        vdb_skip(im, file, "-", "record is not a JSON object");
        return CG_OK;
    }
    json_t *jid = json_object_get(rec, "id");
    if (!json_is_string(jid) || json_string_length(jid) == 0 || json_string_length(jid) > VDB_MAX_STR) {
        vdb_skip(im, file, "-", "record has no string id");
        return CG_OK;
    }
    id = json_string_value(jid);
    const char *modified = NULL, *published = NULL, *summary = NULL, *details = NULL, *withdrawn = NULL, *label = NULL;
    json_t *aliases = NULL, *refs = NULL, *sev = json_array(), *affected, *rsev, *entries = json_array();
    int rc = opt_str(&c, rec, "modified", 64, &modified);
    if (!rc) rc = opt_str(&c, rec, "published", 64, &published);
    if (!rc) rc = opt_str(&c, rec, "summary", VDB_MAX_TEXT, &summary);
    if (!rc) rc = opt_str(&c, rec, "details", VDB_MAX_TEXT, &details);
    if (!rc) rc = opt_str(&c, rec, "withdrawn", 64, &withdrawn);
    if (!rc && !modified)
        rc = bad(&c, "no modified time");
    double mts = modified ? vdb_parse_time(modified) : NAN;
    if (!rc && isnan(mts))
        rc = bad(&c, "modified \"%.40s\" is not an RFC 3339 time", modified);
    if (!rc) rc = build_aliases(&c, rec, &aliases);
    if (!rc) rc = build_refs(&c, rec, &refs);
    if (!rc) rc = opt_arr(&c, rec, "severity", VDB_MAX_LIST, &rsev);
    if (!rc) rc = build_severity(&c, rsev, sev, &label);
    json_t *dbs = json_object_get(rec, "database_specific");
    const char *dlabel = NULL;
    if (!rc && json_is_object(dbs) && json_is_string(json_object_get(dbs, "severity")))
        dlabel = json_string_value(json_object_get(dbs, "severity"));
    if (!rc) rc = opt_arr(&c, rec, "affected", VDB_MAX_AFFECTED, &affected);
    for (size_t i = 0; !rc && i < json_array_size(affected); i++) {
        json_t *af = json_array_get(affected, i), *entry = NULL;
        const char *eco = NULL, *name = NULL;
        rc = build_entry(&c, af, i, &entry, &eco, &name);
        if (!rc && eco && name)
            json_array_append(entries, entry);
        json_decref(entry);
        /* per-package severity when the record has none (OSV allows both) */
        json_t *asev;
        if (!rc && json_array_size(rsev) == 0 && (rc = opt_arr(&c, af, "severity", VDB_MAX_LIST, &asev)) == 0)
            rc = build_severity(&c, asev, sev, NULL);
        json_t *es = json_object_get(af, "ecosystem_specific");
        if (!rc && !dlabel && json_is_object(es) && json_is_string(json_object_get(es, "severity")))
            dlabel = json_string_value(json_object_get(es, "severity"));
    }
    cg_status s = CG_OK;
    if (rc) {
        vdb_skip(im, file, id, "%s", c.why);
        goto out;
    }
    if (!key)
        key = id;
    if (dlabel && strlen(dlabel) <= 64)
        label = dlabel;

    /* an existing record with the same key: the newer modified wins (ties: the later import) */
    sqlite3_reset(im->get_adv);
    sqlite3_bind_text(im->get_adv, 1, key, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(im->get_adv);
    if (step == SQLITE_ROW) {
        sqlite3_int64 old = sqlite3_column_int64(im->get_adv, 0);
        double old_ts = sqlite3_column_double(im->get_adv, 1);
        sqlite3_reset(im->get_adv);
        im->rep->duplicates_replaced++;
        if (mts < old_ts)
            goto out;
        if ((s = delete_adv(im, old, err)) != CG_OK)
            goto out;
    } else if (step != SQLITE_DONE) {
        s = sqlerr(im, "reading a record", err);
        goto out;
    }
    sqlite3_reset(im->get_adv);
    if (withdrawn) {
        im->rep->withdrawn++;
        goto out;
    }

    char *ja = dumps(aliases), *jr = dumps(refs), *js = dumps(sev);
    sqlite3_stmt *st = im->ins_adv;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
    bind_opt(st, 4, file);
    bind_opt(st, 5, modified);
    sqlite3_bind_double(st, 6, mts);
    bind_opt(st, 7, published);
    bind_opt(st, 8, summary);
    bind_opt(st, 9, details);
    bind_opt(st, 10, ja);
    bind_opt(st, 11, jr);
    bind_opt(st, 12, js);
    bind_opt(st, 13, label);
    int ok = ja && jr && js && sqlite3_step(st) == SQLITE_DONE;
    free(ja);
    free(jr);
    free(js);
    if (!ok) {
        s = sqlerr(im, "inserting a record", err);
        goto out;
    }
    sqlite3_int64 row = sqlite3_last_insert_rowid(im->db);
    cg_arena scratch;
    cg_arena_init(&scratch);
    for (size_t i = 0; i < json_array_size(aliases); i++) {
        sqlite3_reset(im->ins_alias);
        sqlite3_bind_int64(im->ins_alias, 1, row);
        sqlite3_bind_text(im->ins_alias, 2, json_string_value(json_array_get(aliases, i)), -1, SQLITE_STATIC);
        if (sqlite3_step(im->ins_alias) != SQLITE_DONE) {
            s = sqlerr(im, "inserting an alias", err);
            goto out;
        }
    }
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        const char *eco = json_string_value(json_object_get(e, "e"));
        const char *name = json_string_value(json_object_get(e, "n"));
        char *ke = vdb_norm_eco(&scratch, eco), *kn = vdb_norm_name(&scratch, eco, name), *je = dumps(e);
        char *src = cg_arena_sprintf(&scratch, "%s:%s", source, eco);
        st = im->ins_aff;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ke, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, kn, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, row);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
        sqlite3_bind_text(st, 5, eco, -1, SQLITE_STATIC);
        bind_opt(st, 6, je);
        ok = ke && kn && je && src && sqlite3_step(st) == SQLITE_DONE;
        free(je);
        if (!ok) {
            s = sqlerr(im, "inserting an affected package", err);
            break;
        }
        if ((s = vdb_touch(im, src, err)) != CG_OK)
            break;
    }
    cg_arena_free(&scratch);
    if (s == CG_OK)
        im->rep->imported++;
out:
    json_decref(aliases);
    json_decref(refs);
    json_decref(sev);
    json_decref(entries);
    return s;
}
