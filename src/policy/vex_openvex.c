/*
 * vex_openvex.c - OpenVEX 0.2.0 documents, checked against every constraint
 * of the OpenVEX JSON schema (required fields, no unknown keys, types, enums,
 * unique items, the not_affected/affected conditionals, date-time formats),
 * into the shared statement list (vex_int.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/json.h"
#include "core/rfc3339.h"
#include "policy/vex_int.h"

/* Every key of obj is in allowed (NULL-terminated): additionalProperties false. */
static cg_status only_keys(vctx *c, const json_t *obj, const char *path, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], k))
            i++;
        if (!allowed[i])
            return vex_err(c, path, "unknown field \"%.100s\"", k);
    }
    return CG_OK;
}

/* format "iri"/"uri": a scheme, then no whitespace or control characters */
static int is_iri(const char *s, int need_scheme)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return 0;
    if (!need_scheme)
        return 1;
    const char *p = s;
    if (!isalpha((unsigned char)*p))
        return 0;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':';
}

static cg_status want_time(vctx *c, const json_t *obj, const char *key, const char *path, int64_t *secs,
                           int32_t *ns, int *have)
{
    const char *s;
    cg_status st = vex_want_str(c, obj, key, path, 0, &s);
    if (st != CG_OK || !s)
        return st;
    int64_t t;
    int32_t n;
    if (cg_rfc3339_parse_ns(s, &t, &n) != 0)
        return vex_err(c, path, "\"%s\" is not an RFC 3339 date-time: \"%.60s\"", key, s);
    if (secs) {
        *secs = t;
        *ns = n;
        *have = 1;
    }
    return CG_OK;
}

static cg_status want_version(vctx *c, const json_t *obj, const char *path, int required)
{
    json_t *v = json_object_get(obj, "version");
    if (!v)
        return required ? vex_err(c, path, "required field \"version\" is missing") : CG_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return vex_err(c, path, "\"version\" is not an integer >= 1");
    return CG_OK;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* uniqueItems: compare canonical serialisations, sorted, so it stays n log n */
static cg_status unique_items(vctx *c, const json_t *arr, const char *path)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return CG_OK;
    char **s = calloc(n, sizeof *s);
    cg_status st = s ? CG_OK : cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    for (size_t i = 0; st == CG_OK && i < n; i++)
        if (!(s[i] = json_dumps(json_array_get(arr, i), JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY)))
            st = cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    if (st == CG_OK) {
        qsort(s, n, sizeof *s, cmp_str);
        for (size_t i = 1; st == CG_OK && i < n; i++)
            if (!strcmp(s[i], s[i - 1]))
                st = vex_err(c, path, "items are not unique");
    }
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
    return st;
}

static cg_status want_array(vctx *c, const json_t *obj, const char *key, const char *path, int unique,
                            json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return CG_OK;
    if (!json_is_array(v))
        return vex_err(c, path, "\"%s\" is not an array", key);
    *out = v;
    if (!unique)
        return CG_OK;
    char p[300];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return unique_items(c, v, p);
}

/* ---- OpenVEX 0.2.0 ---------------------------------------------------------- */

static const char *const HASH_KEYS[] = {"md5",      "sha1",     "sha-256",     "sha-384",     "sha-512",
                                        "sha3-224", "sha3-256", "sha3-384",    "sha3-512",    "blake2s-256",
                                        "blake2b-256", "blake2b-512", NULL};

/* $defs component and subcomponent */
static cg_status ovx_component(vctx *c, const json_t *o, const char *path, int sub)
{
    static const char *const ck[] = {"@id", "identifiers", "hashes", "subcomponents", NULL};
    static const char *const sk[] = {"@id", "identifiers", "hashes", NULL};
    if (!json_is_object(o))
        return vex_err(c, path, "is not an object");
    cg_status st = only_keys(c, o, path, sub ? sk : ck);
    const char *id = NULL;
    if (st == CG_OK)
        st = vex_want_str(c, o, "@id", path, 0, &id);
    if (st == CG_OK && id && !is_iri(id, 0))
        st = vex_err(c, path, "\"@id\" is not an IRI");
    json_t *ids = json_object_get(o, "identifiers"), *hashes = json_object_get(o, "hashes");
    if (st == CG_OK && !id && !ids)
        st = vex_err(c, path, "needs \"@id\" or \"identifiers\"");
    char p[300];
    if (st == CG_OK && ids) {
        static const char *const ik[] = {"purl", "cpe22", "cpe23", NULL};
        snprintf(p, sizeof p, "%s.identifiers", path);
        const char *purl = NULL, *x;
        if (!json_is_object(ids))
            st = vex_err(c, p, "is not an object");
        if (st == CG_OK)
            st = only_keys(c, ids, p, ik);
        if (st == CG_OK)
            st = vex_want_str(c, ids, "purl", p, 0, &purl);
        if (st == CG_OK)
            st = vex_want_str(c, ids, "cpe22", p, 0, &x);
        if (st == CG_OK)
            st = vex_want_str(c, ids, "cpe23", p, 0, &x);
        if (st == CG_OK && json_object_size(ids) == 0)
            st = vex_err(c, p, "needs one of \"purl\", \"cpe22\", \"cpe23\"");
        if (st == CG_OK)
            st = vex_add_purl(c, purl);
    }
    if (st == CG_OK && hashes) {
        snprintf(p, sizeof p, "%s.hashes", path);
        const char *k;
        json_t *v;
        if (!json_is_object(hashes))
            return vex_err(c, p, "is not an object");
        st = only_keys(c, hashes, p, HASH_KEYS);
        json_object_foreach(hashes, k, v) if (st == CG_OK && !json_is_string(v)) st =
            vex_err(c, p, "\"%s\" is not a string", k);
    }
    if (st == CG_OK)
        st = vex_add_purl(c, id);
    json_t *subs = NULL;
    if (st == CG_OK && !sub)
        st = want_array(c, o, "subcomponents", path, 1, &subs);
    for (size_t i = 0; st == CG_OK && i < json_array_size(subs); i++) {
        snprintf(p, sizeof p, "%s.subcomponents[%zu]", path, i);
        st = ovx_component(c, json_array_get(subs, i), p, 1);
    }
    return st;
}

static cg_status ovx_vulnerability(vctx *c, const json_t *v, const char *path)
{
    static const char *const vk[] = {"@id", "name", "description", "aliases", NULL};
    if (!json_is_object(v))
        return vex_err(c, path, "is not an object");
    const char *name, *x;
    cg_status st = only_keys(c, v, path, vk);
    if (st == CG_OK)
        st = vex_want_str(c, v, "name", path, 1, &name);
    if (st == CG_OK)
        st = vex_want_str(c, v, "@id", path, 0, &x);
    if (st == CG_OK && x && !is_iri(x, 0))
        st = vex_err(c, path, "\"@id\" is not an IRI");
    if (st == CG_OK)
        st = vex_want_str(c, v, "description", path, 0, &x);
    json_t *al = NULL;
    if (st == CG_OK)
        st = want_array(c, v, "aliases", path, 1, &al);
    if (st == CG_OK)
        st = vex_add_id(c, name);
    for (size_t i = 0; st == CG_OK && i < json_array_size(al); i++) {
        json_t *a = json_array_get(al, i);
        if (!json_is_string(a))
            return vex_err(c, path, "aliases[%zu] is not a string", i);
        st = vex_add_id(c, json_string_value(a));
    }
    return st;
}

static cg_vex_status ovx_status(const char *s)
{
    return !strcmp(s, "not_affected")          ? CG_VEX_NOT_AFFECTED
           : !strcmp(s, "affected")            ? CG_VEX_AFFECTED
           : !strcmp(s, "fixed")               ? CG_VEX_FIXED
           : !strcmp(s, "under_investigation") ? CG_VEX_UNDER_INVESTIGATION
                                               : CG_VEX_NONE;
}

static const char *const JUSTIFICATIONS[] = {"component_not_present", "vulnerable_code_not_present",
                                             "vulnerable_code_not_in_execute_path",
                                             "vulnerable_code_cannot_be_controlled_by_adversary",
                                             "inline_mitigations_already_exist", NULL};

static cg_status ovx_statement(vctx *c, const json_t *s, size_t idx, int64_t doc_t, int32_t doc_ns)
{
    static const char *const sk[] = {"@id",    "version",       "vulnerability", "timestamp", "last_updated",
                                     "products", "status",      "supplier",      "status_notes",
                                     "justification", "impact_statement", "action_statement",
                                     "action_statement_timestamp", NULL};
    char path[64], p[300];
    snprintf(path, sizeof path, "statements[%zu]", idx);
    if (!json_is_object(s))
        return vex_err(c, path, "is not an object");
    cg_status st = only_keys(c, s, path, sk);
    const char *id = NULL, *status = NULL, *just = NULL, *impact = NULL, *action = NULL, *x;
    if (st == CG_OK)
        st = vex_want_str(c, s, "@id", path, 0, &id);
    if (st == CG_OK && id && !is_iri(id, 0))
        st = vex_err(c, path, "\"@id\" is not an IRI");
    if (st == CG_OK)
        st = want_version(c, s, path, 0);
    if (st == CG_OK && !json_object_get(s, "vulnerability"))
        st = vex_err(c, path, "required field \"vulnerability\" is missing");
    snprintf(p, sizeof p, "%s.vulnerability", path);
    if (st == CG_OK)
        st = ovx_vulnerability(c, json_object_get(s, "vulnerability"), p);
    int64_t ts = doc_t, lu = 0;
    int32_t tns = doc_ns, luns = 0;
    int have_ts = 0, have_lu = 0;
    if (st == CG_OK)
        st = want_time(c, s, "timestamp", path, &ts, &tns, &have_ts);
    if (st == CG_OK)
        st = want_time(c, s, "last_updated", path, &lu, &luns, &have_lu);
    if (st == CG_OK)
        st = want_time(c, s, "action_statement_timestamp", path, NULL, NULL, NULL);
    json_t *products = NULL;
    if (st == CG_OK)
        st = want_array(c, s, "products", path, 1, &products);
    for (size_t i = 0; st == CG_OK && i < json_array_size(products); i++) {
        snprintf(p, sizeof p, "%s.products[%zu]", path, i);
        st = ovx_component(c, json_array_get(products, i), p, 0);
    }
    if (st == CG_OK)
        st = vex_want_str(c, s, "status", path, 1, &status);
    if (st == CG_OK && ovx_status(status) == CG_VEX_NONE)
        st = vex_err(c, path, "\"status\" \"%.60s\" is not one of not_affected, affected, fixed, under_investigation",
                  status);
    if (st == CG_OK)
        st = vex_want_str(c, s, "justification", path, 0, &just);
    if (st == CG_OK && just && !vex_in_list(JUSTIFICATIONS, just))
        st = vex_err(c, path, "\"justification\" \"%.80s\" is not an OpenVEX justification", just);
    const char *strs[] = {"supplier", "status_notes"};
    for (int i = 0; st == CG_OK && i < 2; i++)
        st = vex_want_str(c, s, strs[i], path, 0, &x);
    if (st == CG_OK)
        st = vex_want_str(c, s, "impact_statement", path, 0, &impact);
    if (st == CG_OK)
        st = vex_want_str(c, s, "action_statement", path, 0, &action);
    if (st == CG_OK && ovx_status(status) == CG_VEX_NOT_AFFECTED && !just && !impact)
        st = vex_err(c, path, "status not_affected needs \"justification\" or \"impact_statement\"");
    if (st == CG_OK && ovx_status(status) == CG_VEX_AFFECTED && !action)
        st = vex_err(c, path, "status affected needs \"action_statement\"");
    if (st != CG_OK)
        return st;
    vex_stmt v = {.status = ovx_status(status), .justification = just, .impact = impact, .document = c->file};
    v.statement_id = cg_arena_strdup(c->vex->a, id ? id : path);
    v.justification = just ? cg_arena_strdup(c->vex->a, just) : NULL;
    v.impact = impact ? cg_arena_strdup(c->vex->a, impact) : NULL;
    /* the time the statement's information holds from: last_updated, else
     * its timestamp, else the document's (OpenVEX inheritance) */
    v.time = have_lu ? lu : ts;
    v.nanos = have_lu ? luns : tns;
    (void)have_ts;
    return vex_push_stmt(c, &v);
}

cg_status vex_read_openvex(vctx *c, const json_t *doc)
{
    static const char *const dk[] = {"@context", "@id", "author", "role", "timestamp", "last_updated",
                                     "version", "tooling", "statements", NULL};
    cg_status st = only_keys(c, doc, "document", dk);
    const char *ctxs, *id, *x;
    if (st == CG_OK)
        st = vex_want_str(c, doc, "@context", "document", 1, &ctxs);
    if (st == CG_OK && (!is_iri(ctxs, 1) || strcmp(ctxs, "https://openvex.dev/ns/v0.2.0")))
        st = vex_err(c, "@context", "\"%.100s\" is not OpenVEX 0.2.0 (https://openvex.dev/ns/v0.2.0)", ctxs);
    if (st == CG_OK)
        st = vex_want_str(c, doc, "@id", "document", 1, &id);
    if (st == CG_OK && !is_iri(id, 0))
        st = vex_err(c, "@id", "is not an IRI");
    const char *req[] = {"author", "role", "tooling"};
    for (int i = 0; st == CG_OK && i < 3; i++)
        st = vex_want_str(c, doc, req[i], "document", i == 0, &x);
    if (st == CG_OK && !json_object_get(doc, "timestamp"))
        st = vex_err(c, "document", "required field \"timestamp\" is missing");
    int64_t t = INT64_MIN, lu;
    int32_t ns = 0, luns;
    int have = 0, have_lu = 0;
    if (st == CG_OK)
        st = want_time(c, doc, "timestamp", "document", &t, &ns, &have);
    if (st == CG_OK)
        st = want_time(c, doc, "last_updated", "document", &lu, &luns, &have_lu);
    if (st == CG_OK)
        st = want_version(c, doc, "document", 1);
    json_t *stmts = NULL;
    if (st == CG_OK && !json_object_get(doc, "statements"))
        st = vex_err(c, "document", "required field \"statements\" is missing");
    if (st == CG_OK)
        st = want_array(c, doc, "statements", "document", 1, &stmts);
    if (st == CG_OK && json_array_size(stmts) == 0)
        st = vex_err(c, "statements", "is empty (minItems 1)");
    for (size_t i = 0; st == CG_OK && i < json_array_size(stmts); i++)
        st = ovx_statement(c, json_array_get(stmts, i), i, t, ns);
    return st;
}

