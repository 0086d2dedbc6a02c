/*
 * vex.c - VEX statements (policy_context.h): OpenVEX 0.2.0 documents, checked
 * against every constraint of the OpenVEX JSON schema (openvex_json_schema
 * 0.2.0: required fields, no unknown keys, types, enums, unique items, the
 * not_affected/affected conditionals, date-time formats), and the
 * vulnerabilities[] of CycloneDX 1.4-1.6 BOMs (CycloneDX VEX).  Both become
 * one list of statements; cg_vex_lookup picks the latest one that names the
 * vulnerability (by id or alias) and a product/subcomponent purl matching the
 * package's.  Errors name the file and the JSON path of the bad field.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/purl.h"
#include "cgate/policy_context.h"
#include "core/json.h"
#include "core/vec.h"

#define VEX_MAX_FILE_SIZE (64u << 20)
#define VEX_MAX_STATEMENTS 1000000 /* over all documents */

typedef struct vex_stmt {
    const char **ids; /* vulnerability name/id and aliases */
    size_t n_ids;
    cg_purl *purls;
    size_t n_purls;
    cg_vex_status status;
    const char *justification, *impact, *document, *statement_id;
    int64_t time; /* seconds since the epoch; INT64_MIN when unknown */
    int32_t nanos;
    size_t order; /* load order, breaks ties: later wins */
} vex_stmt;

struct cg_vex {
    cg_arena *a;
    cg_vec stmts; /* vex_stmt */
};

typedef struct vctx {
    cg_vex *vex;
    const char *file;
    const char *text; /* the document, for the line of an error */
    size_t len;
    cg_error *err;
    cg_vec ids, purls; /* of the statement being built */
} vctx;

/* ---- RFC 3339 date-time --------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "2023-07-17T18:28:47.696004345-06:00" → seconds (UTC) and nanoseconds; -1 when malformed. */
static int parse_time(const char *s, int64_t *secs, int32_t *nanos)
{
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    size_t n = strlen(s);
    if (n < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
        return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    const char *p = s + 19;
    int32_t ns = 0;
    if (*p == '.') {
        int k = 0;
        for (p++; isdigit((unsigned char)*p); p++, k++)
            if (k < 9)
                ns = ns * 10 + (*p - '0');
        if (k == 0)
            return -1;
        for (; k < 9; k++)
            ns *= 10;
    }
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    t -= sign * (oh * 3600 + om * 60);
    *secs = t;
    *nanos = ns;
    return 0;
}

/* ---- schema helpers --------------------------------------------------------- */

static cg_status verr(vctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cg_status verr(vctx *c, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = c->text ? cg_json_locate(c->text, c->len, path) : 0;
    if (line > 0)
        return cg_error_set(c->err, CG_ERR_INPUT, "%s:%d: %s: %s", c->file, line, path, msg);
    return cg_error_set(c->err, CG_ERR_INPUT, "%s: %s: %s", c->file, path, msg);
}

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
            return verr(c, path, "unknown field \"%.100s\"", k);
    }
    return CG_OK;
}

static cg_status want_str(vctx *c, const json_t *obj, const char *key, const char *path, int required,
                          const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return required ? verr(c, path, "required field \"%s\" is missing", key) : CG_OK;
    if (!json_is_string(v))
        return verr(c, path, "\"%s\" is not a string", key);
    *out = json_string_value(v);
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
    cg_status st = want_str(c, obj, key, path, 0, &s);
    if (st != CG_OK || !s)
        return st;
    int64_t t;
    int32_t n;
    if (parse_time(s, &t, &n) != 0)
        return verr(c, path, "\"%s\" is not an RFC 3339 date-time: \"%.60s\"", key, s);
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
        return required ? verr(c, path, "required field \"version\" is missing") : CG_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return verr(c, path, "\"version\" is not an integer >= 1");
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
                st = verr(c, path, "items are not unique");
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
        return verr(c, path, "\"%s\" is not an array", key);
    *out = v;
    if (!unique)
        return CG_OK;
    char p[300];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return unique_items(c, v, p);
}

static cg_status add_id(vctx *c, const char *id)
{
    const char *s = cg_arena_strdup(c->vex->a, id);
    if (!s || !cg_vec_push(&c->ids, &s, sizeof s))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
}

/* Remember a product purl; identifiers that are not purls (cpe, plain IRIs) never match a package. */
static cg_status add_purl(vctx *c, const char *s)
{
    if (!s || strncmp(s, "pkg:", 4))
        return CG_OK;
    cg_purl p;
    int r = cg_purl_parse(c->vex->a, s, strlen(s), &p);
    if (r == -2 || (r == 0 && !cg_vec_push(&c->purls, &p, sizeof p)))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
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
        return verr(c, path, "is not an object");
    cg_status st = only_keys(c, o, path, sub ? sk : ck);
    const char *id = NULL;
    if (st == CG_OK)
        st = want_str(c, o, "@id", path, 0, &id);
    if (st == CG_OK && id && !is_iri(id, 0))
        st = verr(c, path, "\"@id\" is not an IRI");
    json_t *ids = json_object_get(o, "identifiers"), *hashes = json_object_get(o, "hashes");
    if (st == CG_OK && !id && !ids)
        st = verr(c, path, "needs \"@id\" or \"identifiers\"");
    char p[300];
    if (st == CG_OK && ids) {
        static const char *const ik[] = {"purl", "cpe22", "cpe23", NULL};
        snprintf(p, sizeof p, "%s.identifiers", path);
        const char *purl = NULL, *x;
        if (!json_is_object(ids))
            st = verr(c, p, "is not an object");
        if (st == CG_OK)
            st = only_keys(c, ids, p, ik);
        if (st == CG_OK)
            st = want_str(c, ids, "purl", p, 0, &purl);
        if (st == CG_OK)
            st = want_str(c, ids, "cpe22", p, 0, &x);
        if (st == CG_OK)
            st = want_str(c, ids, "cpe23", p, 0, &x);
        if (st == CG_OK && json_object_size(ids) == 0)
            st = verr(c, p, "needs one of \"purl\", \"cpe22\", \"cpe23\"");
        if (st == CG_OK)
            st = add_purl(c, purl);
    }
    if (st == CG_OK && hashes) {
        snprintf(p, sizeof p, "%s.hashes", path);
        const char *k;
        json_t *v;
        if (!json_is_object(hashes))
            return verr(c, p, "is not an object");
        st = only_keys(c, hashes, p, HASH_KEYS);
        json_object_foreach(hashes, k, v) if (st == CG_OK && !json_is_string(v)) st =
            verr(c, p, "\"%s\" is not a string", k);
    }
    if (st == CG_OK)
        st = add_purl(c, id);
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
        return verr(c, path, "is not an object");
    const char *name, *x;
    cg_status st = only_keys(c, v, path, vk);
    if (st == CG_OK)
        st = want_str(c, v, "name", path, 1, &name);
    if (st == CG_OK)
        st = want_str(c, v, "@id", path, 0, &x);
    if (st == CG_OK && x && !is_iri(x, 0))
        st = verr(c, path, "\"@id\" is not an IRI");
    if (st == CG_OK)
        st = want_str(c, v, "description", path, 0, &x);
    json_t *al = NULL;
    if (st == CG_OK)
        st = want_array(c, v, "aliases", path, 1, &al);
    if (st == CG_OK)
        st = add_id(c, name);
    for (size_t i = 0; st == CG_OK && i < json_array_size(al); i++) {
        json_t *a = json_array_get(al, i);
        if (!json_is_string(a))
            return verr(c, path, "aliases[%zu] is not a string", i);
        st = add_id(c, json_string_value(a));
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

static cg_status push_stmt(vctx *c, vex_stmt *s)
{
    cg_arena *a = c->vex->a;
    s->n_ids = c->ids.n;
    s->n_purls = c->purls.n;
    s->ids = c->ids.n ? cg_arena_memdup(a, c->ids.v, c->ids.n * sizeof *s->ids) : NULL;
    s->purls = c->purls.n ? cg_arena_memdup(a, c->purls.v, c->purls.n * sizeof *s->purls) : NULL;
    c->ids.n = c->purls.n = 0;
    s->order = c->vex->stmts.n;
    if (c->vex->stmts.n >= VEX_MAX_STATEMENTS)
        return cg_error_set(c->err, CG_ERR_LIMIT, "%s: more than %d VEX statements", c->file, VEX_MAX_STATEMENTS);
    if ((s->n_ids && !s->ids) || (s->n_purls && !s->purls) || !cg_vec_push(&c->vex->stmts, s, sizeof *s))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
}

static const char *const JUSTIFICATIONS[] = {"component_not_present", "vulnerable_code_not_present",
                                             "vulnerable_code_not_in_execute_path",
                                             "vulnerable_code_cannot_be_controlled_by_adversary",
                                             "inline_mitigations_already_exist", NULL};

static int in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

static cg_status ovx_statement(vctx *c, const json_t *s, size_t idx, int64_t doc_t, int32_t doc_ns)
{
    static const char *const sk[] = {"@id",    "version",       "vulnerability", "timestamp", "last_updated",
                                     "products", "status",      "supplier",      "status_notes",
                                     "justification", "impact_statement", "action_statement",
                                     "action_statement_timestamp", NULL};
    char path[64], p[300];
    snprintf(path, sizeof path, "statements[%zu]", idx);
    if (!json_is_object(s))
        return verr(c, path, "is not an object");
    cg_status st = only_keys(c, s, path, sk);
    const char *id = NULL, *status = NULL, *just = NULL, *impact = NULL, *action = NULL, *x;
    if (st == CG_OK)
        st = want_str(c, s, "@id", path, 0, &id);
    if (st == CG_OK && id && !is_iri(id, 0))
        st = verr(c, path, "\"@id\" is not an IRI");
    if (st == CG_OK)
        st = want_version(c, s, path, 0);
    if (st == CG_OK && !json_object_get(s, "vulnerability"))
        st = verr(c, path, "required field \"vulnerability\" is missing");
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
        st = want_str(c, s, "status", path, 1, &status);
    if (st == CG_OK && ovx_status(status) == CG_VEX_NONE)
        st = verr(c, path, "\"status\" \"%.60s\" is not one of not_affected, affected, fixed, under_investigation",
                  status);
    if (st == CG_OK)
        st = want_str(c, s, "justification", path, 0, &just);
    if (st == CG_OK && just && !in_list(JUSTIFICATIONS, just))
        st = verr(c, path, "\"justification\" \"%.80s\" is not an OpenVEX justification", just);
    const char *strs[] = {"supplier", "status_notes"};
    for (int i = 0; st == CG_OK && i < 2; i++)
        st = want_str(c, s, strs[i], path, 0, &x);
    if (st == CG_OK)
        st = want_str(c, s, "impact_statement", path, 0, &impact);
    if (st == CG_OK)
        st = want_str(c, s, "action_statement", path, 0, &action);
    if (st == CG_OK && ovx_status(status) == CG_VEX_NOT_AFFECTED && !just && !impact)
        st = verr(c, path, "status not_affected needs \"justification\" or \"impact_statement\"");
    if (st == CG_OK && ovx_status(status) == CG_VEX_AFFECTED && !action)
        st = verr(c, path, "status affected needs \"action_statement\"");
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
    return push_stmt(c, &v);
}

static cg_status openvex(vctx *c, const json_t *doc)
{
    static const char *const dk[] = {"@context", "@id", "author", "role", "timestamp", "last_updated",
                                     "version", "tooling", "statements", NULL};
    cg_status st = only_keys(c, doc, "document", dk);
    const char *ctxs, *id, *x;
    if (st == CG_OK)
        st = want_str(c, doc, "@context", "document", 1, &ctxs);
    if (st == CG_OK && (!is_iri(ctxs, 1) || strcmp(ctxs, "https://openvex.dev/ns/v0.2.0")))
        st = verr(c, "@context", "\"%.100s\" is not OpenVEX 0.2.0 (https://openvex.dev/ns/v0.2.0)", ctxs);
    if (st == CG_OK)
        st = want_str(c, doc, "@id", "document", 1, &id);
    if (st == CG_OK && !is_iri(id, 0))
        st = verr(c, "@id", "is not an IRI");
    const char *req[] = {"author", "role", "tooling"};
    for (int i = 0; st == CG_OK && i < 3; i++)
        st = want_str(c, doc, req[i], "document", i == 0, &x);
    if (st == CG_OK && !json_object_get(doc, "timestamp"))
        st = verr(c, "document", "required field \"timestamp\" is missing");
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
        st = verr(c, "document", "required field \"statements\" is missing");
    if (st == CG_OK)
        st = want_array(c, doc, "statements", "document", 1, &stmts);
    if (st == CG_OK && json_array_size(stmts) == 0)
        st = verr(c, "statements", "is empty (minItems 1)");
    for (size_t i = 0; st == CG_OK && i < json_array_size(stmts); i++)
        st = ovx_statement(c, json_array_get(stmts, i), i, t, ns);
    return st;
}

/* ---- CycloneDX VEX ---------------------------------------------------------- */

typedef struct bomref {
    const char *ref, *purl;
} bomref;

static cg_status cdx_components(vctx *c, const json_t *comps, cg_vec *refs, int depth)
{
    if (depth > 64)
        return verr(c, "components", "nested deeper than 64 levels");
    for (size_t i = 0; i < json_array_size(comps); i++) {
        const json_t *o = json_array_get(comps, i);
        bomref r = {cg_json_str(o, "bom-ref"), cg_json_str(o, "purl")};
        if (r.ref && r.purl && !cg_vec_push(refs, &r, sizeof r))
            return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
        json_t *sub = json_object_get(o, "components");
        if (json_is_array(sub)) {
            cg_status st = cdx_components(c, sub, refs, depth + 1);
            if (st != CG_OK)
                return st;
        }
    }
    return CG_OK;
}

static const char *const CDX_JUST[] = {"code_not_present",      "code_not_reachable",     "requires_configuration",
                                       "requires_dependency",   "requires_environment",   "protected_by_compiler",
                                       "protected_at_runtime",  "protected_at_perimeter",
                                       "protected_by_mitigating_control", NULL};

static cg_vex_status cdx_state(const char *s)
{
    if (!strcmp(s, "not_affected") || !strcmp(s, "false_positive"))
        return CG_VEX_NOT_AFFECTED;
    if (!strcmp(s, "resolved") || !strcmp(s, "resolved_with_pedigree"))
        return CG_VEX_FIXED;
    if (!strcmp(s, "exploitable"))
        return CG_VEX_AFFECTED;
    if (!strcmp(s, "in_triage"))
        return CG_VEX_UNDER_INVESTIGATION;
    return CG_VEX_NONE;
}

static cg_status cyclonedx(vctx *c, const json_t *doc)
{
    const char *sv = cg_json_str(doc, "specVersion");
    if (!sv || (strcmp(sv, "1.4") && strcmp(sv, "1.5") && strcmp(sv, "1.6")))
        return verr(c, "specVersion", "\"%.20s\" is not CycloneDX 1.4, 1.5 or 1.6", sv ? sv : "(missing)");
    cg_vec refs = {0};
    const json_t *meta = json_object_get(doc, "metadata");
    json_t *mc = json_object_get(meta, "component");
    cg_status st = CG_OK;
    if (json_is_object(mc)) {
        json_t *one = json_array();
        json_array_append(one, mc);
        st = cdx_components(c, one, &refs, 0);
        json_decref(one);
    }
    json_t *comps = json_object_get(doc, "components");
    if (st == CG_OK && comps && !json_is_array(comps))
        st = verr(c, "components", "is not an array");
    if (st == CG_OK)
        st = cdx_components(c, comps, &refs, 0);
    int64_t doc_t = INT64_MIN;
    int32_t doc_ns = 0;
    const char *mts = cg_json_str(meta, "timestamp");
    if (st == CG_OK && mts && parse_time(mts, &doc_t, &doc_ns) != 0)
        st = verr(c, "metadata.timestamp", "is not an RFC 3339 date-time");
    json_t *vulns = json_object_get(doc, "vulnerabilities");
    if (st == CG_OK && vulns && !json_is_array(vulns))
        st = verr(c, "vulnerabilities", "is not an array");
    for (size_t i = 0; st == CG_OK && i < json_array_size(vulns); i++) {
        const json_t *v = json_array_get(vulns, i);
        char path[64];
        snprintf(path, sizeof path, "vulnerabilities[%zu]", i);
        if (!json_is_object(v)) {
            st = verr(c, path, "is not an object");
            break;
        }
        const json_t *an = json_object_get(v, "analysis");
        if (!an)
            continue; /* a finding without analysis is not a VEX statement */
        const char *id, *state, *just, *detail;
        st = want_str(c, v, "id", path, 1, &id);
        if (st == CG_OK && !json_is_object(an))
            st = verr(c, path, "\"analysis\" is not an object");
        char p[128];
        snprintf(p, sizeof p, "%s.analysis", path);
        if (st == CG_OK)
            st = want_str(c, an, "state", p, 1, &state);
        if (st == CG_OK && cdx_state(state) == CG_VEX_NONE)
            st = verr(c, p, "\"state\" \"%.60s\" is not a CycloneDX impact analysis state", state);
        if (st == CG_OK)
            st = want_str(c, an, "justification", p, 0, &just);
        if (st == CG_OK && just && !in_list(CDX_JUST, just))
            st = verr(c, p, "\"justification\" \"%.80s\" is not a CycloneDX justification", just);
        if (st == CG_OK)
            st = want_str(c, an, "detail", p, 0, &detail);
        if (st == CG_OK)
            st = add_id(c, id);
        const json_t *xrefs = json_object_get(v, "references");
        for (size_t r = 0; st == CG_OK && r < json_array_size(xrefs); r++) {
            const char *aid = cg_json_str(json_array_get(xrefs, r), "id");
            if (aid)
                st = add_id(c, aid);
        }
        const json_t *aff = json_object_get(v, "affects");
        if (st == CG_OK && aff && !json_is_array(aff))
            st = verr(c, path, "\"affects\" is not an array");
        for (size_t k = 0; st == CG_OK && k < json_array_size(aff); k++) {
            const char *ref = cg_json_str(json_array_get(aff, k), "ref");
            if (!ref) {
                st = verr(c, path, "affects[%zu].ref is missing or not a string", k);
                break;
            }
            if (!strncmp(ref, "pkg:", 4)) {
                st = add_purl(c, ref);
                continue;
            }
            const char *hash = !strncmp(ref, "urn:cdx:", 8) ? strchr(ref, '#') : NULL;
            const char *local = hash ? hash + 1 : ref; /* a BOM-Link to a component of this BOM */
            const bomref *br = refs.v;
            for (size_t j = 0; st == CG_OK && j < refs.n; j++)
                if (!strcmp(br[j].ref, local))
                    st = add_purl(c, br[j].purl);
        }
        if (st != CG_OK)
            break;
        vex_stmt s = {.status = cdx_state(state), .document = c->file, .time = doc_t, .nanos = doc_ns};
        const char *times[] = {"lastUpdated", "firstIssued"};
        for (int t = 0; t < 2; t++) {
            const char *ts = cg_json_str(an, times[t]);
            if (ts) {
                if (parse_time(ts, &s.time, &s.nanos) != 0)
                    st = verr(c, p, "\"%s\" is not an RFC 3339 date-time", times[t]);
                break;
            }
        }
        if (st != CG_OK)
            break;
        const char *bref = cg_json_str(v, "bom-ref");
        s.statement_id = bref ? cg_arena_strdup(c->vex->a, bref) : cg_arena_strdup(c->vex->a, path);
        s.justification = just ? cg_arena_strdup(c->vex->a, just) : NULL;
        s.impact = detail ? cg_arena_strdup(c->vex->a, detail) : NULL;
        st = push_stmt(c, &s);
    }
    free(refs.v);
    return st;
}

/* ---- API -------------------------------------------------------------------- */

static cg_status load_one(cg_vex *vex, const char *path, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a readable file", path);
    if ((uint64_t)sb.st_size > VEX_MAX_FILE_SIZE)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %u bytes", path, VEX_MAX_FILE_SIZE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open", path);
    size_t want = (size_t)sb.st_size + 1;
    char *buf = malloc(want);
    size_t len = buf ? fread(buf, 1, want, f) : 0;
    int bad = ferror(f) || len == want;
    fclose(f);
    if (!buf)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
    if (bad) {
        free(buf);
        return cg_error_set(err, CG_ERR_IO, "%s: read error or file changed while read", path);
    }
    const char *file = cg_arena_strdup(vex->a, path);
    json_t *doc = NULL;
    cg_status st = file ? cg_json_parse(buf, len, file, &doc, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st != CG_OK) {
        free(buf);
        return st;
    }
    vctx c = {.vex = vex, .file = file, .text = buf, .len = len, .err = err};
    if (!json_is_object(doc))
        st = cg_error_set(err, CG_ERR_INPUT, "%s: not a JSON object", file);
    else if (json_object_get(doc, "@context"))
        st = openvex(&c, doc);
    else if (cg_json_str(doc, "bomFormat") && !strcmp(cg_json_str(doc, "bomFormat"), "CycloneDX"))
        st = cyclonedx(&c, doc);
    else
        st = cg_error_set(err, CG_ERR_INPUT, "%s: neither OpenVEX (@context) nor CycloneDX (bomFormat)", file);
    free(c.ids.v);
    free(c.purls.v);
    json_decref(doc);
    free(buf);
    return st;
}

cg_status cg_vex_load(const char *const *paths, size_t n, cg_arena *a, cg_vex **out, cg_error *err)
{
    *out = NULL;
    cg_vex *vex = calloc(1, sizeof *vex);
    if (!vex)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    vex->a = a;
    for (size_t i = 0; i < n; i++) {
        cg_status st = load_one(vex, paths[i], err);
        if (st != CG_OK) {
            cg_vex_free(vex);
            return st;
        }
    }
    *out = vex;
    return CG_OK;
}

static int opt_eq(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

/* The statement's purl covers the package's: same type, namespace and name;
 * its version (when it has one), qualifiers and subpath must all be the
 * package's; what it leaves out is not compared. */
static int purl_covers(const cg_purl *s, const cg_purl *p)
{
    if (strcmp(s->type, p->type) || !opt_eq(s->namespace_, p->namespace_) || strcmp(s->name, p->name))
        return 0;
    if (s->version && !opt_eq(s->version, p->version))
        return 0;
    if (s->subpath && !opt_eq(s->subpath, p->subpath))
        return 0;
    for (size_t i = 0; i < s->n_quals; i++) {
        const char *v = cg_purl_qualifier(p, s->quals[i].key);
        if (!v || strcmp(v, s->quals[i].value))
            return 0;
    }
    return 1;
}

static int id_matches(const vex_stmt *s, const char *id, const char *const *aliases, size_t n_aliases)
{
    for (size_t i = 0; i < s->n_ids; i++) {
        if (id && !strcasecmp(s->ids[i], id))
            return 1;
        for (size_t j = 0; j < n_aliases; j++)
            if (aliases[j] && !strcasecmp(s->ids[i], aliases[j]))
                return 1;
    }
    return 0;
}

static int later(const vex_stmt *x, const vex_stmt *y)
{
    if (x->time != y->time)
        return x->time > y->time;
    if (x->nanos != y->nanos)
        return x->nanos > y->nanos;
    return x->order > y->order;
}

cg_status cg_vex_lookup(const cg_vex *vex, const char *vuln_id, const char *const *aliases, size_t n_aliases,
                        const char *purl, cg_vex_match *out)
{
    *out = (cg_vex_match){0};
    if (!vex || !purl || strncmp(purl, "pkg:", 4))
        return CG_OK;
    cg_arena tmp;
    cg_arena_init(&tmp);
    cg_purl p;
    int r = cg_purl_parse(&tmp, purl, strlen(purl), &p);
    if (r != 0) {
        cg_arena_free(&tmp);
        return r == -2 ? CG_ERR_NOMEM : CG_OK;
    }
    const vex_stmt *best = NULL, *st = vex->stmts.v;
    for (size_t i = 0; i < vex->stmts.n; i++) {
        if (best && !later(&st[i], best))
            continue;
        if (!id_matches(&st[i], vuln_id, aliases, n_aliases))
            continue;
        for (size_t k = 0; k < st[i].n_purls; k++)
            if (purl_covers(&st[i].purls[k], &p)) {
                best = &st[i];
                break;
            }
    }
    cg_arena_free(&tmp);
    if (best)
        *out = (cg_vex_match){best->status, best->justification, best->impact, best->document, best->statement_id};
    return CG_OK;
}

void cg_vex_free(cg_vex *vex)
{
    if (!vex)
        return;
    free(vex->stmts.v);
    free(vex);
}
