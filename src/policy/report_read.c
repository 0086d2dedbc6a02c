/*
 * report_read.c - reading a vulnerability report for the policy engine:
 * Trivy's JSON schema (SchemaVersion 2), which `cgate scan` also writes with
 * its own facts in "cgate" objects (aliases, KEV, EPSS, score).  Only what a
 * decision needs is kept.  Anything that is not such a report is an error
 * naming the file and the member, never an empty report: a document the gate
 * cannot read must not pass as "no findings".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/policy.h"
#include "core/strmap.h"
#include "core/json.h"
#include "core/jsplit.h"
#include "core/oom.h"

/* The report being read: its name and text, so an error can name the line. */
typedef struct rsrc {
    const char *name;
    const uint8_t *buf;
    size_t len;
} rsrc;

/* "FILE:LINE: PATH: why" (the line of PATH's value, or of the deepest part
 * of it that exists). */
static cg_status rfail(cg_error *err, const rsrc *src, const char *where, const char *why)
{
    int line = cg_json_locate(src->buf, src->len, where);
    if (line > 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s: %s", src->name, line, where, why);
    return cg_error_set(err, CG_ERR_INPUT, "%s: %s: %s", src->name, where, why);
}

static int parse_sev(const char *s, cg_severity *out)
{
    static const char *const n[CG_SEV_COUNT] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    for (int i = 0; i < CG_SEV_COUNT; i++)
        if (!strcasecmp(s, n[i])) {
            *out = (cg_severity)i;
            return 0;
        }
    return -1;
}

static const char *dup(cg_arena *a, const json_t *o, const char *key)
{
    const char *s = cg_json_str(o, key);
    return s ? cg_arena_strdup(a, s) : NULL;
}

/* The strings of a report, each kept once: package names, versions, titles,
 * vectors, ids repeat across findings, and a report of 100,000 findings
 * keeps each once.  The strings are packed in chunks of the caller's arena
 * (no per-string alignment); the table is open addressing over pointers to
 * them (8 bytes a slot, no copy of the key), freed after reading.  Arrays
 * that repeat whole (an advisory's aliases, its CVSS entries) are kept once
 * too, keyed by an unambiguous text of their content. */
/* A chunk is not the arena's standard block size, so the arena keeps it
 * aside as a block of its own instead of making it the block that small
 * allocations come from (which would strand a fresh block per chunk). */
enum { POOL_CHUNK = 60 << 10, POOL_BIG = 1024 };

typedef struct itab {
    const char **key; /* NULL = empty */
    uint32_t *hash;   /* of each key: most probes end here, without reading the key */
    const void **val; /* arrays: what the key stands for; NULL for strings */
    size_t cap, n;
} itab;

typedef struct strtab {
    cg_arena *a;
    char *cur;
    size_t left;
    itab s, arr;
    cg_buf kb; /* scratch: an array's key */
    int oom;
} strtab;

/* The slot of s (n bytes, no NUL inside, hash h) or the empty one where it goes. */
static size_t itab_slot(const itab *t, const char *s, size_t n, size_t h)
{
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const char *k = t->key[i];
        if (!k || (t->hash[i] == (uint32_t)h && !strncmp(k, s, n) && !k[n]))
            return i;
    }
}

/* Room for one more key (load at most 5/8). */
static int itab_room(itab *t, int with_val)
{
    if ((t->n + 1) * 8 <= t->cap * 5)
        return 0;
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    itab nt = {calloc(ncap, sizeof *nt.key), malloc(ncap * sizeof *nt.hash),
               with_val ? calloc(ncap, sizeof *nt.val) : NULL, ncap, t->n};
    if (!nt.key || !nt.hash || (with_val && !nt.val)) {
        free(nt.key);
        free(nt.hash);
        free(nt.val);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->key[i]) { /* keys are unique: the first empty slot */
            size_t mask = ncap - 1, j = t->hash[i] & mask;
            while (nt.key[j])
                j = (j + 1) & mask;
            nt.key[j] = t->key[i];
            nt.hash[j] = t->hash[i];
            if (with_val)
                nt.val[j] = t->val[i];
        }
    free(t->key);
    free(t->hash);
    free(t->val);
    *t = nt;
    return 0;
}

static void strtab_init(strtab *t, cg_arena *a)
{
    memset(t, 0, sizeof *t);
    t->a = a;
}

static void strtab_free(strtab *t)
{
    free(t->s.key);
    free(t->s.hash);
    free(t->arr.key);
    free(t->arr.hash);
    free(t->arr.val);
    cg_buf_free(&t->kb);
}

/* s (n bytes) copied into the pool. */
static const char *pool_put(strtab *t, const char *s, size_t n)
{
    if (n >= POOL_BIG)
        return cg_arena_strndup(t->a, s, n);
    if (t->left < n + 1) {
        if (!(t->cur = cg_arena_alloc(t->a, POOL_CHUNK)))
            return NULL;
        t->left = POOL_CHUNK;
    }
    char *c = t->cur;
    memcpy(c, s, n);
    c[n] = '\0';
    t->cur += n + 1;
    t->left -= n + 1;
    return c;
}

/* The kept copy of s (im NULL: a plain copy). */
static const char *istr(cg_arena *a, strtab *im, const char *s)
{
    if (!s || !im)
        return s ? cg_arena_strdup(a, s) : NULL;
    size_t n = strlen(s);
    if (itab_room(&im->s, 0) != 0) {
        im->oom = 1;
        return NULL;
    }
    uint32_t h = (uint32_t)cg_strmap_hash(s, n);
    size_t i = itab_slot(&im->s, s, n, h);
    if (!im->s.key[i]) {
        im->s.hash[i] = h;
        const char *c = pool_put(im, s, n);
        if (!c) {
            im->oom = 1;
            return NULL;
        }
        im->s.key[i] = c;
        im->s.n++;
    }
    return im->s.key[i];
}

static const char *idup(cg_arena *a, strtab *im, const json_t *o, const char *key)
{
    return istr(a, im, cg_json_str(o, key));
}

/* The kept copy of an array of n elements of size sz whose content im->kb
 * names; NULL when out of memory. */
static const void *iarr(cg_arena *a, strtab *im, const void *v, size_t n, size_t sz)
{
    if (!im)
        return cg_arena_memdup(a, v, n * sz);
    if (!im->kb.data || itab_room(&im->arr, 1) != 0)
        return NULL;
    uint32_t h = (uint32_t)cg_strmap_hash(im->kb.data, im->kb.len);
    size_t i = itab_slot(&im->arr, im->kb.data, im->kb.len, h);
    if (!im->arr.key[i]) {
        im->arr.hash[i] = h;
        const char *k = pool_put(im, im->kb.data, im->kb.len);
        const void *c = k ? cg_arena_memdup(a, v, n * sz) : NULL;
        if (!c)
            return NULL;
        im->arr.key[i] = k;
        im->arr.val[i] = c;
        im->arr.n++;
    }
    return im->arr.val[i];
}

/* "LEN:TEXT" of s into the key ("-" for NULL): no two contents share a key. */
static void key_str(cg_buf *kb, const char *s)
{
    if (s)
        cg_buf_printf(kb, "%zu:%s", strlen(s), s);
    else
        cg_buf_putc(kb, '-');
}

static int cmp_cvss(const void *x, const void *y)
{
    return strcmp(((const cg_pcvss *)x)->source, ((const cg_pcvss *)y)->source);
}

/* Strings of an array member into out (appending), skipping non-strings. */
static int add_strs(cg_arena *a, strtab *im, const json_t *arr, const char **out, size_t *n, size_t cap)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (json_is_string(e) && *n < cap && !(out[*n] = istr(a, im, json_string_value(e))))
            return -1;
        if (json_is_string(e) && *n < cap)
            (*n)++;
    }
    return 0;
}

/* cgate.runtime for Rego's input, rebuilt from the members docs/runtime.md
 * defines (the report is untrusted: nothing else passes): loaded,
 * filesKnown (only false), evidence (up to 3 strings), window {from, to
 * (string or null), events (>= 0)}.  NULL when out of memory. */
static const char *runtime_json(cg_arena *a, const json_t *rto)
{
    json_t *o = json_object(), *ev = json_array(), *w = json_object();
    if (!o || !ev || !w) {
        json_decref(o);
        json_decref(ev);
        json_decref(w);
        return NULL;
    }
    json_object_set_new(o, "loaded", json_boolean(json_is_true(json_object_get(rto, "loaded"))));
    if (json_is_false(json_object_get(rto, "filesKnown")))
        json_object_set_new(o, "filesKnown", json_false());
    json_t *in = json_object_get(rto, "evidence");
    for (size_t i = 0; json_is_array(in) && i < json_array_size(in) && json_array_size(ev) < 3; i++)
        if (json_is_string(json_array_get(in, i)))
            json_array_append(ev, json_array_get(in, i));
    json_object_set_new(o, "evidence", ev);
    const json_t *win = json_object_get(rto, "window");
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "to" : "from";
        const json_t *t = json_object_get(win, key);
        json_object_set_new(w, key, json_is_string(t) ? json_string(json_string_value(t)) : json_null());
    }
    const json_t *n = json_object_get(win, "events");
    json_int_t events = json_is_integer(n) && json_integer_value(n) > 0 ? json_integer_value(n) : 0;
    json_object_set_new(w, "events", json_integer(events));
    json_object_set_new(o, "window", w);
    char *js = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    const char *r = js ? cg_arena_strdup(a, js) : NULL;
    free(js);
    return r;
}

static cg_status read_vuln(const json_t *v, const char *target, const rsrc *name, const char *where, cg_arena *a,
                           strtab *im, cg_pfinding *f, cg_error *err)
{
    if (!json_is_object(v))
        return rfail(err, name, where, "not an object");
    f->runtime = -1;
    f->id = idup(a, im, v, "VulnerabilityID");
    if (!f->id || !*f->id)
        return rfail(err, name, cg_arena_sprintf(a, "%s.VulnerabilityID", where), "missing or not a string");
    f->pkg = idup(a, im, v, "PkgName");
    if (!f->pkg)
        return rfail(err, name, cg_arena_sprintf(a, "%s.PkgName", where), "missing or not a string");
    f->installed = idup(a, im, v, "InstalledVersion");
    f->fixed = idup(a, im, v, "FixedVersion");
    f->pkg_path = idup(a, im, v, "PkgPath");
    f->title = idup(a, im, v, "Title");
    f->url = idup(a, im, v, "PrimaryURL");
    f->status = idup(a, im, v, "Status");
    json_t *ly = json_object_get(v, "Layer");
    f->layer = idup(a, im, ly, "DiffID");
    if (!f->layer)
        f->layer = idup(a, im, ly, "Digest");
    f->target = target;
    json_t *pid = json_object_get(v, "PkgIdentifier");
    f->purl = idup(a, im, pid, "PURL");
    const char *sev = cg_json_str(v, "Severity");
    if (!sev || parse_sev(sev, &f->severity))
        return rfail(err, name, cg_arena_sprintf(a, "%s.Severity", where),
                     "missing or not one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL");
    json_t *cv = json_object_get(v, "CVSS");
    if (cv && !json_is_object(cv))
        return rfail(err, name, cg_arena_sprintf(a, "%s.CVSS", where), "not an object");
    if (cv && json_object_size(cv)) {
        size_t n = json_object_size(cv), k = 0;
        cg_pcvss cs[8], *c = n <= 8 ? cs : calloc(n, sizeof *c);
        if (!c)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        memset(c, 0, (n <= 8 ? 8 : n) * sizeof *c);
        cg_status cst = CG_OK;
        const char *src;
        json_t *o;
        json_object_foreach(cv, src, o) {
            if (!json_is_object(o)) {
                cst = rfail(err, name, cg_arena_sprintf(a, "%s.CVSS.%s", where, src), "not an object");
                break;
            }
            json_t *sc = json_object_get(o, "V3Score");
            if (sc && !json_is_number(sc)) {
                cst = rfail(err, name, cg_arena_sprintf(a, "%s.CVSS.%s.V3Score", where, src), "not a number");
                break;
            }
            c[k].source = istr(a, im, src);
            c[k].has_v3score = sc != NULL;
            c[k].v3score = sc ? json_number_value(sc) : 0;
            if (sc && (!isfinite(c[k].v3score) || c[k].v3score < 0 || c[k].v3score > 10)) {
                cst = rfail(err, name, cg_arena_sprintf(a, "%s.CVSS.%s.V3Score", where, src), "outside 0-10");
                break;
            }
            c[k].v3vector = idup(a, im, o, "V3Vector");
            k++;
        }
        if (cst == CG_OK) {
            qsort(c, k, sizeof *c, cmp_cvss);
            if (im) { /* an advisory's entries repeat on each of its findings */
                cg_buf_reset(&im->kb);
                for (size_t i = 0; i < k; i++) {
                    key_str(&im->kb, c[i].source);
                    if (c[i].has_v3score)
                        cg_buf_printf(&im->kb, "V%.17g;", c[i].v3score);
                    else
                        cg_buf_putc(&im->kb, 'N');
                    key_str(&im->kb, c[i].v3vector);
                }
            }
            f->cvss = k ? iarr(a, im, c, k, sizeof *c) : NULL;
            f->n_cvss = (uint32_t)k; /* members of a report under CG_REPORT_MAX_BYTES */
            if (k && !f->cvss)
                cst = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        if (c != cs)
            free(c);
        if (cst != CG_OK)
            return cst;
    }
    /* aliases: cgate's own, then Trivy's VendorIDs */
    json_t *x = json_object_get(v, "cgate");
    json_t *al = json_object_get(x, "aliases"), *mi = json_object_get(x, "mergedIds"),
           *vi = json_object_get(v, "VendorIDs");
    size_t cap = (json_is_array(al) ? json_array_size(al) : 0) + (json_is_array(mi) ? json_array_size(mi) : 0) +
                 (json_is_array(vi) ? json_array_size(vi) : 0);
    if (cap) {
        const char *as[8], **av = cap <= 8 ? as : calloc(cap, sizeof *av);
        size_t na = 0;
        int bad = !av || add_strs(a, im, al, av, &na, cap) || add_strs(a, im, mi, av, &na, cap) ||
                  add_strs(a, im, vi, av, &na, cap);
        if (!bad && im) { /* the same aliases on each finding of an advisory */
            cg_buf_reset(&im->kb);
            for (size_t i = 0; i < na; i++)
                key_str(&im->kb, av[i]);
        }
        if (!bad && na) /* shared: never written through */
            bad = !(f->aliases = (const char **)(uintptr_t)iarr(a, im, av, na, sizeof *av));
        f->n_aliases = bad ? 0 : (uint32_t)na; /* array members of a report under CG_REPORT_MAX_BYTES */
        if (av != as)
            free(av);
        if (bad)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (json_is_object(x)) {
        json_t *k = json_object_get(x, "kev"), *e = json_object_get(x, "epss"), *s = json_object_get(x, "score");
        if (k && !json_is_boolean(k))
            return rfail(err, name, cg_arena_sprintf(a, "%s.cgate.kev", where), "not a boolean");
        f->kev = json_is_true(k);
        if (e && (!json_is_number(e) || json_number_value(e) < 0 || json_number_value(e) > 1))
            return rfail(err, name, cg_arena_sprintf(a, "%s.cgate.epss", where), "not a number in 0-1");
        f->has_epss = e != NULL;
        f->epss = e ? json_number_value(e) : 0;
        if (s && (!json_is_number(s) || json_number_value(s) < 0 || json_number_value(s) > 10))
            return rfail(err, name, cg_arena_sprintf(a, "%s.cgate.score", where), "not a number in 0-10");
        f->has_cgate_score = s != NULL;
        json_t *rto = json_object_get(x, "runtime");
        if (rto && !json_is_object(rto))
            return rfail(err, name, cg_arena_sprintf(a, "%s.cgate.runtime", where), "not an object");
        json_t *rl = json_object_get(rto, "loaded");
        if (rto && !json_is_boolean(rl))
            return rfail(err, name, cg_arena_sprintf(a, "%s.cgate.runtime.loaded", where), "missing or not a boolean");
        if (rto && !(f->runtime_json = runtime_json(a, rto)))
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        json_t *fk = json_object_get(json_object_get(x, "runtime"), "filesKnown");
        if (rl && !json_is_false(fk)) /* filesKnown false: "not loaded" is no claim */
            f->runtime = json_is_true(rl);
        f->cgate_score = s ? json_number_value(s) : 0;
    }
    const char *status = cg_json_str(v, "Status");
    f->status_unknown = status && !strcmp(status, "unknown");
    return CG_OK;
}

/* A misconfiguration (Results[].Misconfigurations[]) or a secret
 * (Results[].Secrets[]): its ids, target, line and severity. */
static int small_int(const json_t *j, int dflt)
{
    return json_is_integer(j) && json_integer_value(j) >= 0 && json_integer_value(j) < 1 << 30
               ? (int)json_integer_value(j) : dflt;
}

static cg_status read_conf(const json_t *v, const char *target, const char *type, int kind, const rsrc *src,
                           const char *where, cg_arena *a, strtab *im, cg_pfinding *f, cg_error *err)
{
    if (!json_is_object(v))
        return rfail(err, src, where, "not an object");
    f->conf = (int8_t)kind;
    f->id = idup(a, im, v, kind == CG_PCONF_SECRET ? "RuleID" : "ID");
    if (!f->id)
        return rfail(err, src, cg_arena_sprintf(a, "%s.%s", where, kind == CG_PCONF_SECRET ? "RuleID" : "ID"),
                     "missing or not a string");
    const char *sv = cg_json_str(v, "Severity");
    f->severity = CG_SEV_UNKNOWN;
    if (sv && parse_sev(sv, &f->severity))
        return rfail(err, src, cg_arena_sprintf(a, "%s.Severity", where), "not a severity");
    f->target = target ? target : "";
    f->pkg = f->target;
    f->installed = "";
    f->title = idup(a, im, v, kind == CG_PCONF_SECRET ? "Title" : "Message");
    json_t *sl = kind == CG_PCONF_SECRET ? json_object_get(v, "StartLine")
                                         : json_object_get(json_object_get(v, "CauseMetadata"), "StartLine");
    f->line = json_is_integer(sl) && json_integer_value(sl) > 0 && json_integer_value(sl) < 1 << 30
                  ? (int)json_integer_value(sl) : 0;
    json_t *x = json_object_get(v, "cgate");
    const char *al[3] = {cg_json_str(v, "AVDID"), cg_json_str(x, "id"), cg_json_str(x, "hadolintId")};
    f->aliases = cg_arena_calloc(a, 4, sizeof *f->aliases);
    if (!f->aliases)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (int i = 0; i < 3; i++)
        if (al[i] && strcmp(al[i], f->id))
            f->aliases[f->n_aliases++] = cg_arena_strdup(a, al[i]);
    cg_pconf *cx = cg_arena_calloc(a, 1, sizeof *cx);
    if (!cx)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cx->type = type;
    cx->title = dup(a, v, "Title");
    cx->avd_id = dup(a, v, "AVDID");
    cx->layer = cx->deleted_in = -1;
    if (kind == CG_PCONF_SECRET) {
        json_t *ly = json_object_get(v, "Layer");
        cx->category = dup(a, v, "Category");
        cx->match = dup(a, v, "Match");
        cx->source = dup(a, x, "source");
        cx->layer_digest = dup(a, ly, "Digest");
        cx->layer_diff_id = dup(a, ly, "DiffID");
        cx->layer = small_int(json_object_get(x, "layer"), -1);
        cx->deleted_in = small_int(json_object_get(x, "deletedInLayer"), -1);
        cx->end_line = small_int(json_object_get(v, "EndLine"), 0);
    } else {
        cx->message = dup(a, v, "Message");
        cx->check_id = dup(a, x, "id");
        cx->hadolint_id = dup(a, x, "hadolintId");
        cx->trivy_id = dup(a, x, "trivyId");
        if (!cx->trivy_id && !x && (!strncmp(f->id, "DS", 2) || !strncmp(f->id, "KSV", 3)))
            cx->trivy_id = f->id; /* a Trivy report: ID is Trivy's */
        cx->end_line = small_int(json_object_get(json_object_get(v, "CauseMetadata"), "EndLine"), 0);
    }
    f->cx = cx;
    return CG_OK;
}

/* What the report says besides its findings (doc: the whole report, or its
 * skeleton without the findings' arrays). */
static cg_status read_tail(const json_t *doc, const json_t *res, cg_arena *a, cg_preport *out, cg_error *err)
{
    cg_status st = CG_OK;
    out->artifact_name = dup(a, doc, "ArtifactName");
    json_t *md = json_object_get(doc, "Metadata");
    json_t *tags = json_object_get(md, "RepoTags"), *digs = json_object_get(md, "RepoDigests");
    size_t nt = json_is_array(tags) ? json_array_size(tags) : 0, nd = json_is_array(digs) ? json_array_size(digs) : 0;
    out->repo_tags = cg_arena_calloc(a, nt + 1, sizeof *out->repo_tags);
    out->repo_digests = cg_arena_calloc(a, nd + 1, sizeof *out->repo_digests);
    if (!out->repo_tags || !out->repo_digests || add_strs(a, NULL, tags, out->repo_tags, &out->n_repo_tags, nt) ||
        add_strs(a, NULL, digs, out->repo_digests, &out->n_repo_digests, nd))
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    out->image_id = dup(a, md, "ImageID");
    json_t *dids = json_object_get(md, "DiffIDs");
    size_t ndi = json_is_array(dids) ? json_array_size(dids) : 0;
    out->diff_ids = cg_arena_calloc(a, ndi + 1, sizeof *out->diff_ids);
    if (!out->diff_ids || add_strs(a, NULL, dids, out->diff_ids, &out->n_diff_ids, ndi))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    json_t *osj = json_object_get(md, "OS");
    const char *fam = cg_json_str(osj, "Family"), *osn = cg_json_str(osj, "Name");
    if (fam)
        out->os = cg_arena_sprintf(a, "%s %s", fam, osn ? osn : "");
    json_t *cg = json_object_get(doc, "cgate");
    out->from_cgate = json_is_object(cg);
    out->cgate_version = dup(a, cg, "version");
    out->db_built = dup(a, cg, "dbBuilt");
    json_t *np = json_object_get(cg, "packages");
    const char *inv = cg_json_str(cg, "inventory");
    if (out->from_cgate)
        out->inventory_empty = (json_is_integer(np) && json_integer_value(np) == 0) || (inv && !strcmp(inv, "empty"));
    else
        out->inventory_empty = json_array_size(res) == 0 && !json_is_object(json_object_get(md, "OS"));
    json_t *rt = json_object_get(json_object_get(doc, "cgate"), "runtime");
    if (json_is_object(rt)) {
        out->runtime_evidence = dup(a, rt, "evidence");
        out->runtime_window = dup(a, rt, "window");
    }
    return st;
}

/* The whole report as one jansson tree: every error, with its line. */
static cg_status read_whole(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_preport *out,
                            cg_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *doc = NULL;
    rsrc src = {name, buf, len};
    cg_status st = cg_json_parse(buf, len, name, &doc, err);
    if (st != CG_OK)
        return st;
    json_t *sv = json_object_get(doc, "SchemaVersion");
    json_t *res = json_object_get(doc, "Results");
    if (!json_is_object(doc))
        st = rfail(err, &src, "document", "not a JSON object (want a cgate or Trivy JSON report)");
    else if (!sv)
        st = rfail(err, &src, "SchemaVersion",
                   json_object_get(doc, "bomFormat") || json_object_get(doc, "spdxVersion")
                       ? "missing: this is an SBOM, not a vulnerability report (run cgate scan first)"
                       : "missing (want a cgate or Trivy JSON report, SchemaVersion 2)");
    else if (!json_is_integer(sv) || json_integer_value(sv) != 2)
        st = rfail(err, &src, "SchemaVersion", "unsupported (this cgate reads SchemaVersion 2)");
    else if (res && !json_is_array(res))
        st = rfail(err, &src, "Results", "not an array");
    size_t total = 0, i, j;
    json_t *r, *v;
    if (st == CG_OK)
        json_array_foreach(res, i, r) {
            json_t *vs = json_object_get(r, "Vulnerabilities");
            if (!json_is_object(r)) {
                st = rfail(err, &src, cg_arena_sprintf(a, "Results[%zu]", i), "not an object");
                break;
            }
            if (vs && !json_is_array(vs) && !json_is_null(vs)) {
                st = rfail(err, &src, cg_arena_sprintf(a, "Results[%zu].Vulnerabilities", i), "not an array");
                break;
            }
            total += json_is_array(vs) ? json_array_size(vs) : 0;
            json_t *ms = json_object_get(r, "Misconfigurations"), *ss = json_object_get(r, "Secrets");
            if ((ms && !json_is_array(ms) && !json_is_null(ms)) || (ss && !json_is_array(ss) && !json_is_null(ss))) {
                st = rfail(err, &src, cg_arena_sprintf(a, "Results[%zu].%s", i, ms && !json_is_array(ms) ?
                           "Misconfigurations" : "Secrets"), "not an array");
                break;
            }
            total += (json_is_array(ms) ? json_array_size(ms) : 0) + (json_is_array(ss) ? json_array_size(ss) : 0);
        }
    if (st == CG_OK && total && !(out->findings = cg_arena_calloc(a, total, sizeof *out->findings)))
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st == CG_OK)
        json_array_foreach(res, i, r) {
            const char *target = dup(a, r, "Target"), *rtype = dup(a, r, "Type");
            json_array_foreach(json_object_get(r, "Vulnerabilities"), j, v) {
                const char *where = cg_arena_sprintf(a, "Results[%zu].Vulnerabilities[%zu]", i, j);
                st = read_vuln(v, target, &src, where ? where : "Results", a, NULL, &out->findings[out->n_findings], err);
                if (st != CG_OK)
                    break;
                out->n_findings++;
            }
            for (int kind = CG_PCONF_MISCONFIG; st == CG_OK && kind <= CG_PCONF_SECRET; kind++) {
                const char *mem = kind == CG_PCONF_SECRET ? "Secrets" : "Misconfigurations";
                json_array_foreach(json_object_get(r, mem), j, v) {
                    /* Trivy lists passed checks too (Status "PASS") with --include-non-failures */
                    const char *stt = cg_json_str(v, "Status");
                    if (kind == CG_PCONF_MISCONFIG && stt && strcmp(stt, "FAIL"))
                        continue;
                    const char *where = cg_arena_sprintf(a, "Results[%zu].%s[%zu]", i, mem, j);
                    st = read_conf(v, target, rtype, kind, &src, where ? where : "Results", a, NULL,
                                   &out->findings[out->n_findings], err);
                    if (st != CG_OK)
                        break;
                    out->n_findings++;
                }
            }
            if (st != CG_OK)
                break;
        }
    if (st == CG_OK)
        st = read_tail(doc, res, a, out, err);
    json_decref(doc);
    return st;
}

/* ---------- piece by piece ----------
 * A report of 100,000 findings is ~150 MB of text and ~7x that as a jansson
 * tree.  Here the findings' arrays (Results[].Vulnerabilities,
 * .Misconfigurations, .Secrets) are cut out of the text: what remains (the
 * skeleton: metadata, targets) is parsed as a tree, and each finding is
 * parsed on its own, read into the compact record and dropped.  Only valid
 * reports take this path to the end: at anything unexpected (a structural
 * error, an escaped key, a member of the wrong type, any error of the
 * reader) it gives up and read_whole() reads the text again, so results and
 * error messages are the same bytes as before. */

enum { K_VULN, K_MISCONF, K_SECRET, K_N };

typedef struct split {
    size_t result;   /* index in Results */
    int kind;        /* K_* */
    size_t val, end; /* the array's range in the text */
} split;

static int key_is(const uint8_t *buf, const cg_jrange *r, const char *k)
{
    size_t n = strlen(k);
    return r->key_len == n && !memcmp(buf + r->key, k, n);
}

/* The skeleton of the report into sk (the findings' arrays left empty) and
 * where those arrays are.  -1: take the whole-tree path. */
typedef struct relh {
    void (*fn)(void *ud, size_t upto);
    void *ud;
} relh;

static void rel(const relh *h, size_t upto)
{
    if (h->fn)
        h->fn(h->ud, upto);
}

/* Step over the array at *pos (its opening bracket) element by element,
 * telling rh as it goes; *pos is left one past it.  -1 on a structural error. */
static int skip_array(const cg_jsplit *j, size_t *pos, const relh *rh)
{
    int first = 1, r;
    size_t n = 0;
    cg_jrange e;
    while ((r = cg_jsplit_next(j, pos, &first, 0, &e)) == 1)
        if ((++n & 1023) == 0)
            rel(rh, *pos);
    return r;
}

/* A lazily returned member (val_end 0: an array or object not yet scanned):
 * scan it now. */
static int settle(const cg_jsplit *j, size_t *pos, cg_jrange *m)
{
    if (m->val_end)
        return 0;
    m->val_end = cg_jsplit_value_end(j, m->val);
    *pos = m->val_end;
    return m->val_end ? 0 : -1;
}

static int cut(const cg_jsplit *j, cg_buf *sk, split **out, size_t *n_out, const relh *rh)
{
    size_t pos = cg_jsplit_ws(j, 0), copied = 0, n = 0, cap = 0;
    split *v = NULL;
    int first = 1, r;
    cg_jrange m;
    if (pos >= j->len || j->buf[pos] != '{')
        return -1;
    while ((r = cg_jsplit_next_lazy(j, &pos, &first, 1, &m)) == 1) {
        if (memchr(j->buf + m.key, '\\', m.key_len))
            goto fail; /* an escaped key: let jansson decide what it names */
        if (!key_is(j->buf, &m, "Results") || j->buf[m.val] != '[') {
            if (settle(j, &pos, &m) < 0)
                goto fail;
            continue;
        }
        size_t rpos = m.val, ri = 0;
        int rfirst = 1, rr;
        cg_jrange e;
        while ((rr = cg_jsplit_next_lazy(j, &rpos, &rfirst, 0, &e)) == 1) {
            if (j->buf[e.val] != '{')
                goto fail;
            size_t mpos = e.val;
            int mfirst = 1, mr;
            cg_jrange f;
            while ((mr = cg_jsplit_next_lazy(j, &mpos, &mfirst, 1, &f)) == 1) {
                if (memchr(j->buf + f.key, '\\', f.key_len))
                    goto fail;
                int kind = key_is(j->buf, &f, "Vulnerabilities")     ? K_VULN
                           : key_is(j->buf, &f, "Misconfigurations") ? K_MISCONF
                           : key_is(j->buf, &f, "Secrets")           ? K_SECRET
                                                                     : -1;
                if (kind < 0 || j->buf[f.val] != '[') {
                    if (settle(j, &mpos, &f) < 0)
                        goto fail;
                    continue;
                }
                if (skip_array(j, &mpos, rh) != 0)
                    goto fail;
                f.val_end = mpos;
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 16;
                    split *nv = realloc(v, nc * sizeof *nv);
                    if (!nv)
                        goto fail;
                    v = nv;
                    cap = nc;
                }
                v[n++] = (split){ri, kind, f.val, f.val_end};
                /* keep "[" and "]", drop what is between */
                if (cg_buf_append(sk, j->buf + copied, f.val + 1 - copied) != CG_OK)
                    goto fail;
                copied = f.val_end - 1;
            }
            if (mr < 0)
                goto fail;
            rpos = mpos;
            rel(rh, mpos);
            ri++;
        }
        if (rr < 0)
            goto fail;
        pos = rpos;
    }
    if (r < 0 || cg_jsplit_ws(j, pos) != j->len)
        goto fail;
    if (cg_buf_append(sk, j->buf + copied, j->len - copied) != CG_OK)
        goto fail;
    *out = v;
    *n_out = n;
    return 0;
fail:
    free(v);
    return -1;
}

/* -1: take the whole-tree path (nothing of *out is kept). */
static int read_pieces(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_preport *out,
                       const relh *rh)
{
    cg_jsplit j = {buf, len};
    cg_buf sk = CG_BUF_INIT;
    split *sp = NULL;
    size_t n_sp = 0;
    json_t *doc = NULL;
    cg_error e;
    cg_error_clear(&e);
    int ok = cut(&j, &sk, &sp, &n_sp, rh) == 0 && cg_json_parse(sk.data ? sk.data : "", sk.len, name, &doc, &e) == CG_OK;
    cg_buf_free(&sk);
    json_t *sv = ok ? json_object_get(doc, "SchemaVersion") : NULL, *res = ok ? json_object_get(doc, "Results") : NULL;
    /* the checks read_whole() makes of the document, on the skeleton */
    ok = ok && json_is_object(doc) && json_is_integer(sv) && json_integer_value(sv) == 2 && (!res || json_is_array(res));
    size_t total = 0, i, k;
    json_t *r;
    if (ok)
        json_array_foreach(res, i, r) {
            json_t *vs = json_object_get(r, "Vulnerabilities"), *ms = json_object_get(r, "Misconfigurations"),
                   *ss = json_object_get(r, "Secrets");
            if (!json_is_object(r) || (vs && !json_is_array(vs) && !json_is_null(vs)) ||
                (ms && !json_is_array(ms) && !json_is_null(ms)) || (ss && !json_is_array(ss) && !json_is_null(ss))) {
                ok = 0;
                break;
            }
        }
    for (k = 0; ok && k < n_sp; k++) { /* count the findings */
        size_t pos = sp[k].val;
        int first = 1, rr;
        cg_jrange el;
        while ((rr = cg_jsplit_next(&j, &pos, &first, 0, &el)) == 1)
            if ((++total & 1023) == 0)
                rel(rh, pos);
        ok = rr == 0 && pos == sp[k].end;
    }
    memset(out, 0, sizeof *out);
    if (ok && total && !(out->findings = cg_arena_calloc(a, total, sizeof *out->findings)))
        ok = 0;
    rsrc src = {name, buf, len};
    strtab im;
    strtab_init(&im, a);
    static const char *const mem[K_N] = {"Vulnerabilities", "Misconfigurations", "Secrets"};
    size_t si = 0;
    if (ok)
        json_array_foreach(res, i, r) {
            const char *target = dup(a, r, "Target"), *rtype = dup(a, r, "Type");
            for (int kind = K_VULN; ok && kind < K_N; kind++) {
                for (k = si; k < n_sp && sp[k].result == i && sp[k].kind != kind; k++)
                    ;
                if (k == n_sp || sp[k].result != i)
                    continue;
                size_t pos = sp[k].val, idx = 0;
                int first = 1;
                cg_jrange el;
                while (ok && cg_jsplit_next(&j, &pos, &first, 0, &el) == 1) {
                    json_t *v = NULL;
                    char where[96];
                    snprintf(where, sizeof where, "Results[%zu].%s[%zu]", i, mem[kind], idx++);
                    if (cg_json_parse(buf + el.val, el.val_end - el.val, name, &v, &e) != CG_OK) {
                        ok = 0;
                        break;
                    }
                    const char *stt = kind == K_MISCONF ? cg_json_str(v, "Status") : NULL;
                    if (!(stt && strcmp(stt, "FAIL"))) { /* Trivy lists passed checks too */
                        cg_status st = kind == K_VULN
                                           ? read_vuln(v, target, &src, where, a, &im, &out->findings[out->n_findings], &e)
                                           : read_conf(v, target, rtype, kind == K_SECRET ? CG_PCONF_SECRET : CG_PCONF_MISCONFIG,
                                                       &src, where, a, &im, &out->findings[out->n_findings], &e);
                        if (st != CG_OK)
                            ok = 0;
                        else
                            out->n_findings++;
                    }
                    json_decref(v);
                    if ((idx & 255) == 0)
                        rel(rh, pos);
                }
            }
            while (si < n_sp && sp[si].result == i)
                si++;
            if (!ok)
                break;
        }
    if (ok && read_tail(doc, res, a, out, &e) != CG_OK)
        ok = 0;
    if (im.oom)
        ok = 0;
    strtab_free(&im);
    json_decref(doc);
    free(sp);
    return ok ? 0 : -1;
}

cg_status cg_preport_read(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_preport *out,
                          cg_error *err)
{
    return cg_preport_read_ex(buf, len, name, a, out, NULL, NULL, err);
}

cg_status cg_preport_read_ex(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_preport *out,
                             void (*release)(void *ud, size_t upto), void *release_ud, cg_error *err)
{
    relh rh = {release, release_ud};
    memset(out, 0, sizeof *out);
    if (len > CG_REPORT_MAX_BYTES)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes, over the %u-byte report cap", name, len,
                            CG_REPORT_MAX_BYTES);
    unsigned long oom_before = cg_oom_count();
    if (read_pieces(buf, len, name, a, out, &rh) == 0 && cg_oom_count() == oom_before)
        return CG_OK;
    return read_whole(buf, len, name, a, out, err);
}
