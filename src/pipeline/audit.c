/*
 * audit.c - the hash-chained audit log of a run (DIR/audit.jsonl) and its
 * verifier (`cgate audit verify DIR`).
 *
 * One compact JSON object per line.  Each record carries "prev", the
 * recordSha256 of the record before it (null for the first), and ends with
 * "recordSha256": the sha256 of the line's own bytes with that last member
 * left out (the text up to it, plus "}").  So any changed byte of a line
 * breaks that line's own hash (or its JSON), and a line replaced whole with
 * a recomputed hash breaks the next record's "prev".  Artifacts inside DIR
 * are named by {"artifact": NAME, "sha256": ...} and re-hashed on verify.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/outfile.h"
#include "core/readfile.h"
#include "pipeline/pipeline_int.h"

#define HASH_KEY ",\"recordSha256\":\""

void pl_now_str(char out[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    time_t t = ts.tv_sec;
    gmtime_r(&t, &tm);
    char base[24];
    if (strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        base[0] = 0;
    snprintf(out, 40, "%.23s.%03dZ", base, (int)((ts.tv_nsec / 1000000L) % 1000));
}

void pl_audit_init(pl_audit *a, const char *dir)
{
    memset(a, 0, sizeof *a);
    snprintf(a->dir, sizeof a->dir, "%s", dir);
}

void pl_audit_free(pl_audit *a)
{
    cg_buf_free(&a->log);
}

json_t *pl_audit_record(pl_audit *a, const char *stage)
{
    json_t *r = json_object();
    char now[40];
    pl_now_str(now);
    if (!r)
        return NULL;
    json_object_set_new(r, "seq", json_integer((json_int_t)(a->seq + 1)));
    json_object_set_new(r, "stage", json_string(stage));
    json_object_set_new(r, "start", json_string(now));
    json_object_set_new(r, "tool", json_string("cgate " CGATE_VERSION));
    return r;
}

static void list_add(json_t *rec, const char *list, json_t *item)
{
    json_t *arr = json_object_get(rec, list);
    if (!arr) {
        arr = json_array();
        json_object_set_new(rec, list, arr);
    }
    json_array_append_new(arr, item);
}

void pl_rec_artifact(json_t *rec, const char *list, const char *name, const char *sha256)
{
    list_add(rec, list, json_pack("{s:s, s:s}", "artifact", name, "sha256", sha256));
}

void pl_rec_file(json_t *rec, const char *list, const char *role, const char *path, const char *sha256)
{
    list_add(rec, list, json_pack("{s:s, s:s, s:s}", "role", role, "path", path, "sha256", sha256));
}

cg_status pl_audit_append(pl_audit *a, json_t *rec, const char *result, const char *errmsg, cg_error *err)
{
    char now[40];
    pl_now_str(now);
    json_object_set_new(rec, "end", json_string(now));
    json_object_set_new(rec, "result", json_string(result));
    json_object_set_new(rec, "error", errmsg ? json_string(errmsg) : json_null());
    json_object_set_new(rec, "prev", a->prev[0] ? json_string(a->prev) : json_null());
    char *body = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(rec);
    if (!body)
        return cg_error_set(err, CG_ERR_NOMEM, "audit record: out of memory");
    size_t n = strlen(body);
    char sha[CG_DIGEST_STR_LEN + 1];
    cg_status st = cg_sha256_str(body, n, sha);
    if (st == CG_OK && (n < 2 || body[n - 1] != '}'))
        st = cg_error_set(err, CG_ERR_INTERNAL, "audit record: not an object");
    size_t keep = a->log.len;
    if (st == CG_OK)
        st = cg_buf_append(&a->log, body, n - 1);
    if (st == CG_OK)
        st = cg_buf_printf(&a->log, "%s%s\"}\n", HASH_KEY, sha);
    free(body);
    if (st != CG_OK) {
        a->log.len = keep;
        return err->status == CG_OK ? cg_error_set(err, st, "audit record: out of memory") : st;
    }
    char path[PL_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", a->dir, CG_ART_AUDIT);
    st = cg_write_output(path, a->log.data, a->log.len, err);
    if (st != CG_OK) {
        a->log.len = keep;
        return st;
    }
    a->seq++;
    snprintf(a->prev, sizeof a->prev, "%s", sha);
    return CG_OK;
}

/* ---- verify ------------------------------------------------------------- */

static int bad(cg_audit_verify_result *r, size_t seq, const json_t *rec, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(cg_audit_verify_result *r, size_t seq, const json_t *rec, const char *fmt, ...)
{
    r->bad_record = seq;
    const char *st = rec ? cg_json_str(rec, "stage") : NULL;
    snprintf(r->bad_stage, sizeof r->bad_stage, "%s", st ? st : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return 1;
}

/* A name inside DIR: relative, no "..", no empty or hidden parts. */
static int name_ok(const char *s)
{
    if (!s || !*s || s[0] == '/' || strlen(s) > 255)
        return 0;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || p[0] == '.')
            return 0;
        p += n + (e ? 1 : 0);
    }
    return 1;
}

/* Check the artifacts listed in rec[list]; 1 when one does not match. */
static int check_files(const char *dir, const json_t *rec, const char *list, size_t seq, cg_audit_verify_result *r)
{
    const json_t *arr = json_object_get(rec, list);
    if (arr && !json_is_array(arr))
        return bad(r, seq, rec, "\"%s\" is not an array", list);
    if (json_array_size(arr) > 64)
        return bad(r, seq, rec, "\"%s\" has more than 64 entries", list);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        const char *name = cg_json_str(e, "artifact"), *want = cg_json_str(e, "sha256");
        if (!json_object_get(e, "artifact"))
            continue;
        if (!name_ok(name) || !cg_digest_valid(want))
            return bad(r, seq, rec, "%s[%zu]: malformed artifact entry", list, i);
        char path[PL_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        cg_buf b = CG_BUF_INIT;
        cg_error e2;
        cg_error_clear(&e2);
        cg_status s = cg_read_file(path, 1u << 30, NULL, &b, &e2);
        char got[CG_DIGEST_STR_LEN + 1] = "";
        if (s == CG_OK)
            s = cg_sha256_str(b.data ? b.data : "", b.len, got);
        cg_buf_free(&b);
        r->files++;
        if (s != CG_OK)
            return bad(r, seq, rec, "%s: %s", name, e2.msg[0] ? e2.msg : "cannot be read");
        if (strcmp(got, want))
            return bad(r, seq, rec, "%s: sha256 is %s, the record says %s", name, got, want);
    }
    return 0;
}

void pl_audit_verify_log(const char *dir, const uint8_t *buf, size_t len, cg_audit_verify_result *r)
{
    memset(r, 0, sizeof *r);
    if (len == 0) {
        bad(r, 1, NULL, "the audit log is empty");
        return;
    }
    char prev[CG_DIGEST_STR_LEN + 1] = "";
    const char *p = (const char *)buf, *end = (const char *)buf + len;
    static const char key[] = HASH_KEY;
    const size_t klen = sizeof key - 1;
    while (p < end && !r->bad_record) {
        size_t seq = r->records + 1;
        if (seq > PL_AUDIT_MAX_RECORDS) {
            bad(r, seq, NULL, "more than %d records", PL_AUDIT_MAX_RECORDS);
            break;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            bad(r, seq, NULL, "the last line is not complete (no newline)");
            break;
        }
        size_t n = (size_t)(nl - p);
        r->records++;
        json_t *rec = NULL;
        cg_error pe;
        cg_error_clear(&pe);
        if (cg_json_parse(p, n, "record", &rec, &pe) != CG_OK || !json_is_object(rec)) {
            bad(r, seq, NULL, "not a JSON object");
            json_decref(rec);
            break;
        }
        /* its own hash: the line up to HASH_KEY, plus "}" */
        const char *k = NULL;
        for (const char *q = p; q + klen <= nl; q++)
            if (!memcmp(q, key, klen))
                k = q;
        const char *claimed = cg_json_str(rec, "recordSha256");
        char got[CG_DIGEST_STR_LEN + 1] = "";
        if (!k || !claimed || !cg_digest_valid(claimed) || (size_t)(nl - k) != klen + CG_DIGEST_STR_LEN + 2 ||
            memcmp(k + klen, claimed, CG_DIGEST_STR_LEN) || memcmp(nl - 2, "\"}", 2)) {
            bad(r, seq, rec, "no recordSha256 as its last member");
        } else {
            cg_sha256 h;
            if (cg_sha256_init(&h) == CG_OK) {
                cg_sha256_update(&h, p, (size_t)(k - p));
                cg_sha256_update(&h, "}", 1);
                cg_sha256_final_str(&h, got);
            }
            const json_t *pv = json_object_get(rec, "prev");
            json_int_t s = json_integer_value(json_object_get(rec, "seq"));
            if (strcmp(got, claimed))
                bad(r, seq, rec, "the record's bytes hash to %s, not its recordSha256 %s (the record was changed)", got,
                    claimed);
            else if (!json_is_integer(json_object_get(rec, "seq")) || s != (json_int_t)seq)
                bad(r, seq, rec, "seq is not %zu (a record was removed, added or moved)", seq);
            else if (!prev[0] && !json_is_null(pv))
                bad(r, seq, rec, "the first record has a prev hash");
            else if (prev[0] && (!json_is_string(pv) || strcmp(json_string_value(pv), prev)))
                bad(r, seq, rec, "prev is not the hash of record %zu (the chain is broken)", seq - 1);
            else if (!check_files(dir, rec, "inputs", seq, r))
                check_files(dir, rec, "outputs", seq, r);
        }
        snprintf(prev, sizeof prev, "%s", got);
        json_decref(rec);
        p = nl + 1;
    }
}

cg_status cg_audit_verify(const char *dir, cg_audit_verify_result *r, cg_error *err)
{
    memset(r, 0, sizeof *r);
    char path[PL_PATH_MAX + 32];
    if (!dir || strlen(dir) >= PL_PATH_MAX)
        return cg_error_set(err, CG_ERR_USAGE, "audit verify: no folder or a path too long");
    snprintf(path, sizeof path, "%s/%s", dir, CG_ART_AUDIT);
    cg_buf log = CG_BUF_INIT;
    cg_status st = cg_read_file(path, PL_AUDIT_MAX_BYTES, "audit log", &log, err);
    if (st == CG_OK && log.len == 0)
        st = cg_error_set(err, CG_ERR_INPUT, "%s: empty audit log", path);
    if (st == CG_OK)
        pl_audit_verify_log(dir, (const uint8_t *)log.data, log.len, r);
    cg_buf_free(&log);
    return st;
}
