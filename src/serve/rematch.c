/*
 * rematch.c - re-matching the stored SBOMs after the vulnerability DB
 * changed.  The DB does not record what each import touched, so the store
 * keeps a table advisory id -> content hash (cg_vdb_each_digest) and the
 * change set is the ids whose hash differs, appeared or vanished.  Only the
 * images whose recorded lookup keys meet those advisories' packages are
 * scanned again, and only against those advisories; a finding that is new
 * for an image, or whose severity or KEV flag rose, becomes one alert
 * (deduplicated per image and finding by a UNIQUE key).  The hash table is
 * written last, so a worker killed mid-way leaves the work to be redone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "core/digest.h"
#include "serve/analyse.h"
#include "serve/serve_int.h"


void sv_db_signature(const char *path, char out[128])
{
    struct stat sb;
    if (!path || stat(path, &sb) != 0) {
        snprintf(out, 128, "absent");
        return;
    }
    snprintf(out, 128, "%llu:%llu:%lld.%09ld:%lld", (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
             (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (long long)sb.st_size);
}

typedef struct change {
    cg_arena *a;
    cg_strmap stored; /* id -> row index + 1 in the stored rows */
    const sv_rows *rows;
    unsigned char *seen;
    cg_strmap ids;  /* changed ids */
    cg_strmap keys; /* lookup keys they touch */
    const char **up_id, **up_hash, **up_keys;
    size_t n_up, cap_up;
} change;

static cg_status add_key(change *c, const char *k, size_t kl)
{
    if (cg_strmap_get(&c->keys, k, kl))
        return CG_OK;
    char *d = cg_arena_strndup(c->a, k, kl);
    return d ? cg_strmap_put(&c->keys, d, kl, d) : CG_ERR_NOMEM;
}

static cg_status on_digest(void *ud, const char *id, const char *hash, const char *const *keys, size_t n)
{
    change *c = ud;
    size_t il = strlen(id);
    size_t idx = (size_t)(uintptr_t)cg_strmap_get(&c->stored, id, il);
    if (idx) {
        c->seen[idx - 1] = 1;
        if (!strcmp(sv_cell(c->rows, idx - 1, 1), hash))
            return CG_OK;
    }
    char *did = cg_arena_strdup(c->a, id);
    if (!did || cg_strmap_put(&c->ids, did, il, did) != CG_OK)
        return CG_ERR_NOMEM;
    cg_buf kb = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (add_key(c, keys[i], strlen(keys[i])) != CG_OK) {
            cg_buf_free(&kb);
            return CG_ERR_NOMEM;
        }
        if (i)
            cg_buf_putc(&kb, '\n');
        cg_buf_puts(&kb, keys[i]);
    }
    if (c->n_up == c->cap_up) {
        size_t nc = c->cap_up ? c->cap_up * 2 : 64;
        const char **a1 = cg_arena_calloc(c->a, nc, sizeof *a1), **a2 = cg_arena_calloc(c->a, nc, sizeof *a2),
                   **a3 = cg_arena_calloc(c->a, nc, sizeof *a3);
        if (!a1 || !a2 || !a3) {
            cg_buf_free(&kb);
            return CG_ERR_NOMEM;
        }
        if (c->n_up) {
            memcpy(a1, c->up_id, c->n_up * sizeof *a1);
            memcpy(a2, c->up_hash, c->n_up * sizeof *a2);
            memcpy(a3, c->up_keys, c->n_up * sizeof *a3);
        }
        c->up_id = a1;
        c->up_hash = a2;
        c->up_keys = a3;
        c->cap_up = nc;
    }
    c->up_id[c->n_up] = did;
    c->up_hash[c->n_up] = cg_arena_strdup(c->a, hash);
    c->up_keys[c->n_up] = cg_arena_strdup(c->a, cg_buf_str(&kb));
    cg_buf_free(&kb);
    if (!c->up_hash[c->n_up] || !c->up_keys[c->n_up])
        return CG_ERR_NOMEM;
    c->n_up++;
    return CG_OK;
}

static int sev_rank(const char *s)
{
    cg_severity v;
    return s && cg_severity_parse(s, &v) == 0 ? (int)v : 0;
}

static int advs_in(const char *advs, const cg_strmap *ids)
{
    for (const char *p = advs; p && *p;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && cg_strmap_get(ids, p, n))
            return 1;
        p = e ? e + 1 : p + n;
    }
    return 0;
}

static char *rfc3339(char buf[32], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* The finding member of an alert. */
static json_t *finding_doc(const cg_finding *f)
{
    json_t *advs = json_array();
    json_array_append_new(advs, json_string(f->v->advisory_id ? f->v->advisory_id : ""));
    for (size_t i = 0; i < f->n_merged; i++)
        json_array_append_new(advs, json_string(f->merged_ids[i]));
    json_t *fin = json_pack("{s:s, s:o, s:s, s:s?, s:s?, s:s?, s:s, s:b}", "id", f->v->vuln_id ? f->v->vuln_id : "",
                            "advisories", advs, "package", f->pkg && f->pkg->name ? f->pkg->name : "", "purl",
                            f->pkg ? f->pkg->purl : NULL, "installed", f->installed, "fixed", f->fixed, "severity",
                            cg_severity_name(f->v->severity), "kev", f->v->kev);
    if (fin && f->v->score >= 0)
        json_object_set_new(fin, "score", json_real(f->v->score));
    if (fin && f->v->epss >= 0)
        json_object_set_new(fin, "epss", json_real(cg_policy_round2(f->v->epss * 100) / 100));
    return fin;
}

static const char *kind_word(const char *kind)
{
    return !strcmp(kind, "new-finding") ? "new" : !strcmp(kind, "severity-rose") ? "severity rose for"
           : !strcmp(kind, "kev-added")  ? "known exploited now:"
           : !strcmp(kind, "epss-rose")  ? "EPSS rose for"
           : !strcmp(kind, "exception-expired") ? "exception expired for" : kind;
}

char *sv_alert_body(const char *digest, const char *name, const char *akey, const char *kind, json_t *fin,
                    const char *detail, const sv_rows *dec, const sv_policy *pol, const sv_verdict *now)
{
    char id[CG_DIGEST_STR_LEN + 1], t[32];
    cg_buf k = CG_BUF_INIT;
    cg_buf_printf(&k, "%s\n%s\n%s", digest, akey, kind);
    cg_sha256_str(k.data, k.len, id);
    cg_buf_free(&k);
    json_t *decision = json_null();
    const char *dtext = "no recorded decision";
    char dbuf[320];
    if (dec && dec->n) {
        json_error_t je;
        json_t *reasons = json_loads(sv_cell(dec, 0, 2) ? sv_cell(dec, 0, 2) : "[]", 0, &je);
        int pass = !strcmp(sv_cell(dec, 0, 1), "1");
        decision = json_pack("{s:s, s:b, s:s?, s:s?, s:s, s:o}", "at",
                             rfc3339(t, strtoll(sv_cell(dec, 0, 0), NULL, 10)), "pass", pass, "policy",
                             sv_cell(dec, 0, 3), "policyPath", sv_cell(dec, 0, 5), "trigger", sv_cell(dec, 0, 4),
                             "reasons", reasons ? reasons : json_array());
        snprintf(dbuf, sizeof dbuf, "%s by the decision of %s (%s, policy %.120s %.19s)",
                 pass ? "let through" : "denied", t, sv_cell(dec, 0, 4),
                 sv_cell(dec, 0, 5) ? sv_cell(dec, 0, 5) : "", sv_cell(dec, 0, 3) ? sv_cell(dec, 0, 3) : "none");
        dtext = dbuf;
    }
    const char *vid = json_string_value(json_object_get(fin, "id"));
    const char *sev = json_string_value(json_object_get(fin, "severity"));
    const char *pkg = json_string_value(json_object_get(fin, "package"));
    const char *ver = json_string_value(json_object_get(fin, "installed"));
    cg_buf text = CG_BUF_INIT;
    cg_buf_printf(&text, "cgate: %s %s (%s%s) in %s %s of %s@%s", kind_word(kind), vid ? vid : "?",
                  sev ? sev : "?", json_is_true(json_object_get(fin, "kev")) ? ", known exploited" : "",
                  pkg ? pkg : "?", ver ? ver : "?", name, digest);
    if (detail)
        cg_buf_printf(&text, " (%s)", detail);
    cg_buf_printf(&text, "; %s", dtext);
    if (!now->pass) {
        cg_buf_puts(&text, "; the policy would now deny it: ");
        for (size_t i = 0; i < json_array_size(now->reasons) && i < 3; i++)
            cg_buf_printf(&text, "%s%s", i ? "; " : "", json_string_value(json_array_get(now->reasons, i)));
    }
    json_t *doc = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:O, s:o, s:{s:b, s:O, s:s?, s:s?}, s:s}", "id", id,
                            "kind", kind, "created", rfc3339(t, sv_now()), "image", "digest", digest, "name", name,
                            "finding", fin, "decision", decision, "now", "pass", now->pass, "denyReasons",
                            now->reasons, "policy", pol ? pol->sha : NULL, "policyPath", pol ? pol->path : NULL,
                            "text", cg_buf_str(&text));
    if (doc && detail)
        json_object_set_new(doc, "detail", json_string(detail));
    cg_buf_free(&text);
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return s;
}

/* Alerts recorded in the open transaction, logged once it commits. */
typedef struct logq {
    char **body, **digest, **finding;
    size_t n, cap;
} logq;

static int logq_push(logq *q, char *body, const char *digest, const char *finding)
{
    if (q->n == q->cap) {
        size_t nc = q->cap ? q->cap * 2 : 64;
        char **b = realloc(q->body, nc * sizeof *b);
        if (b)
            q->body = b;
        char **d = b ? realloc(q->digest, nc * sizeof *d) : NULL;
        if (d)
            q->digest = d;
        char **f = d ? realloc(q->finding, nc * sizeof *f) : NULL;
        if (f)
            q->finding = f;
        if (!f)
            return -1;
        q->cap = nc;
    }
    char *dd = strdup(digest), *ff = strdup(finding);
    if (!dd || !ff) {
        free(dd);
        free(ff);
        return -1;
    }
    q->body[q->n] = body;
    q->digest[q->n] = dd;
    q->finding[q->n++] = ff;
    return 0;
}

/* After the commit: log each alert (commit = 1) or drop them (rollback). */
static void logq_flush(sv_server *srv, logq *q, int commit, size_t *n_alerts)
{
    for (size_t i = 0; i < q->n; i++) {
        if (commit) {
            sv_alert_log(srv, q->body[i], q->digest[i], q->finding[i]);
            (*n_alerts)++;
        }
        free(q->body[i]);
        free(q->digest[i]);
        free(q->finding[i]);
    }
    q->n = 0;
}

static void logq_free(logq *q)
{
    free(q->body);
    free(q->digest);
    free(q->finding);
}

typedef struct pending {
    const cg_finding *f;
    const char *fkey, *kind, *akey, *detail;
} pending;

/* EPSS at two decimals (as the advisory hash sees it); -1 unknown. */
static long epss_cent(double e) { return e < 0 ? -1 : (long)(e * 100 + 0.5); }

/* Re-match one image inside the caller's transaction; the alerts it records
 * go to q (logged once the caller commits). */
static cg_status rematch_image(sv_server *srv, sv_store *st, cg_vdb *db, const char *digest, const change *c,
                               sv_lookup_cache *cache, logq *q, cg_error *err)
{
    const char *p1[] = {digest};
    sv_rows img, fr, dec;
    memset(&fr, 0, sizeof fr);
    memset(&dec, 0, sizeof dec);
    cg_status s = sv_exec(st, "SELECT sbom, name FROM images WHERE digest = $1", 1, p1, &img, err);
    if (s != CG_OK || img.n == 0) {
        sv_rows_free(&img);
        return s;
    }
    cg_arena a;
    cg_arena_init(&a);
    cg_sbom *sbom = NULL;
    cg_report *part = NULL, *full = NULL;
    sv_verdict now;
    memset(&now, 0, sizeof now);
    cg_strmap stored, add;
    cg_strmap_init(&stored);
    cg_strmap_init(&add);
    pending *pend = NULL;
    size_t n_pend = 0;
    char **bodies = NULL;
    const char *text = sv_cell(&img, 0, 0), *name = sv_cell(&img, 0, 1);
    const sv_policy *pol = sv_policy_for(srv, name);
    s = cg_sbom_read((const uint8_t *)text, strlen(text), digest, &sbom, err);
    if (s == CG_OK)
        s = sv_scan(db, sbom, &c->keys, &c->ids, NULL, NULL, cache, &part, err);
    if (s == CG_OK)
        s = sv_exec(st, "SELECT fkey, advs, severity, kev, epss FROM findings WHERE digest = $1", 1, p1, &fr, err);
    for (size_t i = 0; s == CG_OK && i < fr.n; i++)
        s = cg_strmap_put(&stored, sv_cell(&fr, i, 0), strlen(sv_cell(&fr, i, 0)), (void *)(uintptr_t)(i + 1));
    if (s == CG_OK && part->n_findings) {
        pend = cg_arena_calloc(&a, 3 * part->n_findings, sizeof *pend); /* up to three reasons per finding */
        if (!pend)
            s = CG_ERR_NOMEM;
    }
    size_t n_changed = 0;
    for (size_t i = 0; s == CG_OK && i < part->n_findings; i++) {
        const cg_finding *f = &part->findings[i];
        const char *fk = sv_finding_key(&a, f);
        if (!fk) {
            s = CG_ERR_NOMEM;
            break;
        }
        size_t fl = strlen(fk);
        if (cg_strmap_get(&add, fk, fl))
            continue;
        size_t idx = (size_t)(uintptr_t)cg_strmap_get(&stored, fk, fl);
        if (!idx) {
            pend[n_pend++] = (pending){f, fk, "new-finding", fk, NULL};
            s = cg_strmap_put(&add, fk, fl, (void *)1);
            continue;
        }
        cg_strmap_put(&add, fk, fl, (void *)2); /* still there */
        size_t before = n_pend;
        const char *old_sev = sv_cell(&fr, idx - 1, 2), *old_epss = sv_cell(&fr, idx - 1, 4);
        if ((int)f->v->severity > sev_rank(old_sev))
            pend[n_pend++] = (pending){f, fk, "severity-rose",
                                       cg_arena_sprintf(&a, "%s#severity-rose#%s", fk, cg_severity_name(f->v->severity)),
                                       cg_arena_sprintf(&a, "severity %s -> %s", old_sev ? old_sev : "?",
                                                        cg_severity_name(f->v->severity))};
        if (f->v->kev && strcmp(sv_cell(&fr, idx - 1, 3), "1"))
            pend[n_pend++] = (pending){f, fk, "kev-added", cg_arena_sprintf(&a, "%s#kev-added", fk),
                                       "added to CISA KEV"};
        long was = old_epss ? epss_cent(strtod(old_epss, NULL)) : -1, is = epss_cent(f->v->epss);
        if (is > was && was >= 0)
            pend[n_pend++] = (pending){f, fk, "epss-rose", cg_arena_sprintf(&a, "%s#epss-rose", fk),
                                       cg_arena_sprintf(&a, "EPSS %.2f -> %.2f", (double)was / 100, (double)is / 100)};
        else if (is != was) /* first score, or a fall: stored, no alert */
            cg_strmap_put(&add, fk, fl, (void *)3);
        for (size_t k = before; k < n_pend; k++)
            if (!pend[k].akey || !pend[k].detail)
                s = CG_ERR_NOMEM;
        if (n_pend > before || cg_strmap_get(&add, fk, fl) == (void *)3)
            n_changed++;
    }
    if (s == CG_ERR_NOMEM)
        cg_error_set(err, s, "out of memory");
    /* gone: stored findings of a changed advisory the partial scan no longer finds */
    size_t n_gone = 0;
    const char **gone = s == CG_OK && fr.n ? cg_arena_calloc(&a, fr.n, sizeof *gone) : NULL;
    for (size_t i = 0; s == CG_OK && gone && i < fr.n; i++)
        if (advs_in(sv_cell(&fr, i, 1), &c->ids) && !cg_strmap_get(&add, sv_cell(&fr, i, 0), strlen(sv_cell(&fr, i, 0))))
            gone[n_gone++] = sv_cell(&fr, i, 0);
    if (s != CG_OK || (n_pend == 0 && n_gone == 0 && n_changed == 0))
        goto out;
    if (n_pend) { /* what the policy says now, on the whole current report */
        char day[16];
        sv_today(srv, day);
        if (pol)
            s = sv_scan(db, sbom, NULL, NULL, NULL, NULL, NULL, &full, err);
        if (s == CG_OK) /* without a policy the answer is "pass": no second scan */
            s = sv_decide(pol ? &pol->policy : NULL, full, day, &a, &now, err);
        if (s == CG_OK)
            s = sv_exec(st,
                        "SELECT at, pass, reasons, policy, trigger, policy_path FROM decisions WHERE digest = $1"
                        " ORDER BY pass DESC, id DESC LIMIT 1",
                        1, p1, &dec, err);
        bodies = cg_arena_calloc(&a, n_pend, sizeof *bodies);
        if (s == CG_OK && !bodies)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (s != CG_OK)
        goto out;
    for (size_t i = 0; i < n_pend; i++) {
        json_t *fin = finding_doc(pend[i].f);
        bodies[i] = fin ? sv_alert_body(digest, name, pend[i].akey, pend[i].kind, fin, pend[i].detail, &dec, pol, &now)
                        : NULL;
        json_decref(fin);
    }
    if (n_pend)
        s = sv_insert_findings(st, digest, part, &add, &a, err);
    for (size_t i = 0; s == CG_OK && i < part->n_findings; i++) { /* severity, KEV, EPSS of the ones still there */
        const cg_finding *f = &part->findings[i];
        const char *fk = sv_finding_key(&a, f);
        if (!fk || cg_strmap_get(&add, fk, strlen(fk)) == (void *)1)
            continue;
        const char *p[] = {digest, fk, cg_severity_name(f->v->severity), f->v->kev ? "1" : "0",
                           f->v->epss >= 0 ? cg_arena_sprintf(&a, "%.5f", f->v->epss) : NULL};
        s = sv_exec(st, "UPDATE findings SET severity = $3, kev = $4, epss = $5 WHERE digest = $1 AND fkey = $2", 5,
                    p, NULL, err);
    }
    for (size_t i = 0; s == CG_OK && i < n_gone; i++) {
        const char *p[] = {digest, gone[i]};
        s = sv_exec(st, "DELETE FROM findings WHERE digest = $1 AND fkey = $2", 2, p, NULL, err);
    }
    if (s == CG_OK && n_pend)
        s = sv_insert_decision(st, digest, pol, &now, "rematch", err);
    unsigned char *fresh = n_pend ? cg_arena_calloc(&a, n_pend, 1) : NULL;
    for (size_t i = 0; s == CG_OK && i < n_pend; i++) {
        if (!bodies[i]) {
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        int64_t id = 0;
        s = sv_alert_add(srv, st, digest, pend[i].akey, bodies[i], &id, err);
        if (fresh)
            fresh[i] = id != 0;
    }
    for (size_t i = 0; s == CG_OK && i < n_pend; i++)
        if (fresh && fresh[i]) {
            if (logq_push(q, bodies[i], digest, pend[i].f->v->vuln_id ? pend[i].f->v->vuln_id : "?") != 0)
                s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            else
                bodies[i] = NULL; /* the queue owns it */
        }
out:
    for (size_t i = 0; bodies && i < n_pend; i++)
        free(bodies[i]);
    sv_verdict_free(&now);
    cg_report_free(full);
    cg_report_free(part);
    cg_sbom_free(sbom);
    cg_strmap_free(&stored);
    cg_strmap_free(&add);
    cg_arena_free(&a);
    sv_rows_free(&img);
    sv_rows_free(&fr);
    sv_rows_free(&dec);
    return s;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Images whose lookup keys meet the changed keys, sorted. */
static cg_status affected_images(sv_store *st, const change *c, cg_arena *a, const char ***out, size_t *n,
                                 cg_error *err)
{
    enum { CHUNK = 300 };
    cg_strmap seen;
    cg_strmap_init(&seen);
    const char *p[CHUNK];
    size_t k = 0;
    cg_buf sql = CG_BUF_INIT;
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i <= c->keys.cap; i++) {
        int last = i == c->keys.cap;
        if (!last && cg_strmap_live(&c->keys.slots[i]))
            p[k++] = c->keys.slots[i].key;
        if (k == CHUNK || (last && k)) {
            cg_buf_reset(&sql);
            cg_buf_puts(&sql, "SELECT DISTINCT digest FROM image_keys WHERE pkgkey IN (");
            for (size_t j = 0; j < k; j++)
                cg_buf_printf(&sql, "%s$%zu", j ? ", " : "", j + 1);
            cg_buf_puts(&sql, ")");
            sv_rows r;
            s = sv_exec(st, sql.data, k, p, &r, err);
            for (size_t j = 0; s == CG_OK && j < r.n; j++) {
                const char *d = sv_cell(&r, j, 0);
                if (cg_strmap_get(&seen, d, strlen(d)))
                    continue;
                char *dd = cg_arena_strdup(a, d);
                s = dd ? cg_strmap_put(&seen, dd, strlen(dd), dd) : CG_ERR_NOMEM;
            }
            sv_rows_free(&r);
            k = 0;
        }
    }
    cg_buf_free(&sql);
    *n = 0;
    *out = s == CG_OK ? cg_arena_calloc(a, seen.count + 1, sizeof **out) : NULL;
    if (s == CG_OK && !*out)
        s = CG_ERR_NOMEM;
    for (size_t i = 0; s == CG_OK && i < seen.cap; i++)
        if (cg_strmap_live(&seen.slots[i]))
            (*out)[(*n)++] = seen.slots[i].val;
    if (s == CG_OK)
        qsort(*out, *n, sizeof **out, cmp_str);
    cg_strmap_free(&seen);
    if (s == CG_ERR_NOMEM)
        cg_error_set(err, s, "out of memory");
    return s;
}

static cg_status save_hashes(sv_store *st, const change *c, const char **removed, size_t n_removed, cg_error *err)
{
    enum { CHUNK = 100 };
    cg_buf sql = CG_BUF_INIT;
    const char *p[CHUNK * 3];
    cg_status s = sv_begin(st, err);
    for (size_t i = 0; s == CG_OK && i < c->n_up; i += CHUNK) {
        size_t k = c->n_up - i < CHUNK ? c->n_up - i : CHUNK;
        cg_buf_reset(&sql);
        cg_buf_puts(&sql, "INSERT INTO adv_hash(id, hash, keys) VALUES");
        for (size_t j = 0; j < k; j++) {
            cg_buf_printf(&sql, "%s($%zu, $%zu, $%zu)", j ? ", " : "", 3 * j + 1, 3 * j + 2, 3 * j + 3);
            p[3 * j] = c->up_id[i + j];
            p[3 * j + 1] = c->up_hash[i + j];
            p[3 * j + 2] = c->up_keys[i + j];
        }
        cg_buf_puts(&sql, " ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, keys = excluded.keys");
        s = sv_exec(st, sql.data, 3 * k, p, NULL, err);
    }
    for (size_t i = 0; s == CG_OK && i < n_removed; i += CHUNK) {
        size_t k = n_removed - i < CHUNK ? n_removed - i : CHUNK;
        cg_buf_reset(&sql);
        cg_buf_puts(&sql, "DELETE FROM adv_hash WHERE id IN (");
        for (size_t j = 0; j < k; j++) {
            cg_buf_printf(&sql, "%s$%zu", j ? ", " : "", j + 1);
            p[j] = removed[i + j];
        }
        cg_buf_puts(&sql, ")");
        s = sv_exec(st, sql.data, k, p, NULL, err);
    }
    cg_buf_free(&sql);
    if (s == CG_OK)
        s = sv_commit(st, err);
    else
        sv_rollback(st);
    return s;
}

cg_status sv_job_rematch(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cg_arena a;
    cg_arena_init(&a);
    change c;
    memset(&c, 0, sizeof c);
    c.a = &a;
    cg_strmap_init(&c.stored);
    cg_strmap_init(&c.ids);
    cg_strmap_init(&c.keys);
    cg_vdb *db = NULL;
    sv_rows rows;
    cg_status s = sv_exec(st, "SELECT id, hash, keys FROM adv_hash", 0, NULL, &rows, err);
    c.rows = &rows;
    c.seen = s == CG_OK ? cg_arena_calloc(&a, rows.n + 1, 1) : NULL;
    if (s == CG_OK && !c.seen)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == CG_OK && i < rows.n; i++)
        s = cg_strmap_put(&c.stored, sv_cell(&rows, i, 0), strlen(sv_cell(&rows, i, 0)), (void *)(uintptr_t)(i + 1));
    if (s == CG_OK)
        s = sv_open_vdb(srv, &db, err);
    if (s == CG_OK && db) {
        s = cg_vdb_each_digest(db, on_digest, &c, err);
        if (s == CG_ERR_NOMEM)
            cg_error_set(err, s, "out of memory");
    }
    const char **removed = s == CG_OK ? cg_arena_calloc(&a, rows.n + 1, sizeof *removed) : NULL;
    size_t n_removed = 0;
    for (size_t i = 0; s == CG_OK && removed && i < rows.n; i++) {
        if (c.seen[i])
            continue;
        const char *id = sv_cell(&rows, i, 0);
        removed[n_removed++] = id;
        s = cg_strmap_put(&c.ids, id, strlen(id), (void *)id);
        for (const char *k = sv_cell(&rows, i, 2); s == CG_OK && k && *k;) {
            const char *e = strchr(k, '\n');
            size_t kl = e ? (size_t)(e - k) : strlen(k);
            s = add_key(&c, k, kl);
            k = e ? e + 1 : k + kl;
        }
    }
    const char **imgs = NULL;
    size_t n_imgs = 0, n_alerts = 0;
    if (s == CG_OK && c.ids.count)
        s = affected_images(st, &c, &a, &imgs, &n_imgs, err);
    int64_t renewed = sv_now();
    sv_lookup_cache cache;
    sv_cache_init(&cache);
    logq q;
    memset(&q, 0, sizeof q);
    enum { BATCH = 64 }; /* images per transaction: one commit, not one per image */
    int in_tx = 0;
    size_t batch = 0;
    for (size_t i = 0; s == CG_OK && i < n_imgs; i++) {
        if (!in_tx && (s = sv_begin(st, err)) == CG_OK)
            in_tx = 1;
        if (s == CG_OK)
            s = rematch_image(srv, st, db, imgs[i], &c, &cache, &q, err);
        int renew = sv_now() - renewed >= (int64_t)srv->lease / 3;
        if (s == CG_OK && (++batch == BATCH || i + 1 == n_imgs || renew)) {
            s = sv_commit(st, err);
            in_tx = 0;
            batch = 0;
            logq_flush(srv, &q, s == CG_OK, &n_alerts);
        }
        if (s == CG_OK && renew) {
            s = sv_job_renew(srv, st, payload, err);
            renewed = sv_now();
        }
    }
    if (in_tx)
        sv_rollback(st);
    logq_flush(srv, &q, 0, &n_alerts);
    logq_free(&q);
    sv_cache_free(&cache);
    if (s == CG_OK && c.ids.count)
        s = save_hashes(st, &c, removed, n_removed, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (s == CG_OK) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        pthread_mutex_lock(&srv->mu);
        srv->n_rematched += n_imgs;
        srv->n_alerts += n_alerts;
        pthread_mutex_unlock(&srv->mu);
        sv_log(srv, "info", "rematch done",
               json_pack("{s:I, s:I, s:I, s:I, s:f}", "changedAdvisories", (json_int_t)c.ids.count, "packages",
                         (json_int_t)c.keys.count, "images", (json_int_t)n_imgs, "alerts", (json_int_t)n_alerts,
                         "seconds", secs));
    }
    cg_vdb_close(db);
    cg_strmap_free(&c.stored);
    cg_strmap_free(&c.ids);
    cg_strmap_free(&c.keys);
    sv_rows_free(&rows);
    cg_arena_free(&a);
    return s;
}
