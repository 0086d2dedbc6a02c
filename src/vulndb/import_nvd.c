/*
 * import_nvd.c - NVD CVE API 2.0 JSON (a page of the API or a feed file:
 * vulnerabilities[].cve.{id, metrics.cvssMetricV40/V31/V30/V2[].cvssData.vectorString}).
 * Only the vectors are kept, per CVE, preferring the NVD's own "Primary"
 * metric; they are used for records that carry no vector of their own
 * (severity source "nvd").  Later imports replace a CVE's vectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vdb_int.h"

static const struct {
    const char *key, *type;
} metric_keys[] = {
    {"cvssMetricV40", "CVSS_V4"},
    {"cvssMetricV31", "CVSS_V3"},
    {"cvssMetricV30", "CVSS_V3"},
    {"cvssMetricV2", "CVSS_V2"},
};

/* The vector of the Primary metric of a list, else the first one. */
static const char *pick_vector(json_t *list)
{
    const char *first = NULL;
    for (size_t i = 0; i < json_array_size(list) && i < 64; i++) {
        json_t *m = json_array_get(list, i);
        json_t *vs = json_object_get(json_object_get(m, "cvssData"), "vectorString");
        if (!json_is_string(vs) || json_string_length(vs) > VDB_MAX_STR)
            continue;
        json_t *ty = json_object_get(m, "type");
        if (json_is_string(ty) && !strcmp(json_string_value(ty), "Primary"))
            return json_string_value(vs);
        if (!first)
            first = json_string_value(vs);
    }
    return first;
}

/* One vulnerabilities[] element.  Bad elements are skipped; only DB faults
 * are errors. */
static cg_status nvd_one(vdb_imp *im, json_t *item, size_t i, const char *file, cg_error *err)
{
    json_t *cve = json_object_get(item, "cve");
    json_t *id = json_object_get(cve, "id");
    char idx[40];
    snprintf(idx, sizeof idx, "vulnerabilities[%zu]", i);
    if (!json_is_object(cve) || !json_is_string(id) || strncmp(json_string_value(id), "CVE-", 4) ||
        json_string_length(id) > 64) {
        vdb_skip(im, file, idx, "no cve.id");
        return CG_OK;
    }
    json_t *metrics = json_object_get(cve, "metrics");
    if (metrics && !json_is_object(metrics)) {
        vdb_skip(im, file, json_string_value(id), "metrics is not an object");
        return CG_OK;
    }
    json_t *sev = json_array();
    int have_v3 = 0;
    for (size_t k = 0; k < sizeof metric_keys / sizeof metric_keys[0]; k++) {
        if (!strcmp(metric_keys[k].type, "CVSS_V3") && have_v3)
            continue; /* V31 over V30 */
        const char *v = pick_vector(json_object_get(metrics, metric_keys[k].key));
        if (!v)
            continue;
        json_array_append_new(sev, json_pack("[ss]", metric_keys[k].type, v));
        if (!strcmp(metric_keys[k].type, "CVSS_V3"))
            have_v3 = 1;
    }
    if (json_array_size(sev) == 0) { /* not yet analysed: nothing to add, not an error */
        json_decref(sev);
        return CG_OK;
    }
    char *js = json_dumps(sev, JSON_COMPACT);
    json_decref(sev);
    sqlite3_reset(im->ins_nvd);
    sqlite3_bind_text(im->ins_nvd, 1, json_string_value(id), -1, SQLITE_STATIC);
    sqlite3_bind_text(im->ins_nvd, 2, js, -1, SQLITE_TRANSIENT);
    int rc = js ? sqlite3_step(im->ins_nvd) : SQLITE_NOMEM;
    free(js);
    if (rc != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: inserting NVD: %s", sqlite3_errmsg(im->db));
    im->rep->imported++;
    return CG_OK;
}

cg_status vdb_import_nvd(vdb_imp *im, json_t *doc, const char *file, cg_error *err)
{
    json_t *vul = json_object_get(doc, "vulnerabilities");
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i < json_array_size(vul); i++)
        s = nvd_one(im, json_array_get(vul, i), i, file, err);
    return s == CG_OK ? vdb_touch(im, "nvd", err) : s;
}

/*
 * Streaming: NVD's yearly feeds inflate to hundreds of MiB, far more than a
 * JSON tree of them should cost.  The feed is one object whose
 * "vulnerabilities" array holds one object per CVE, so the bytes are scanned
 * once (strings and nesting tracked, nothing else) and each element is
 * parsed alone: memory is one chunk plus the largest element.
 */
#define NVD_ELEM_MAX (16u << 20)
#define NVD_MAX_DEPTH 10000

int vdb_nvd_sniff(const uint8_t *buf, size_t len)
{
    static const char tag[] = "\"NVD_CVE\"";
    size_t n = len < 4096 ? len : 4096, m = sizeof tag - 1;
    size_t i = 0;
    while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i >= n || buf[i] != '{')
        return 0;
    for (; i + m <= n; i++)
        if (!memcmp(buf + i, tag, m))
            return 1;
    return 0;
}

void vdb_nvd_stream_init(vdb_nvd_stream *st)
{
    memset(st, 0, sizeof *st);
    cg_buf_init(&st->elem, 0);
}

void vdb_nvd_stream_free(vdb_nvd_stream *st)
{
    cg_buf_free(&st->elem);
}

static cg_status elem_append(vdb_nvd_stream *st, const uint8_t *p, size_t n, cg_error *err)
{
    if (st->elem_over)
        return CG_OK;
    if (st->elem.len + n > NVD_ELEM_MAX) {
        st->elem_over = 1;
        cg_buf_reset(&st->elem);
        return CG_OK;
    }
    if (n && cg_buf_append(&st->elem, p, n) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

static cg_status elem_done(vdb_imp *im, vdb_nvd_stream *st, const char *file, cg_error *err)
{
    size_t i = st->index++;
    cg_status s = CG_OK;
    if (st->elem_over) {
        char idx[40];
        snprintf(idx, sizeof idx, "vulnerabilities[%zu]", i);
        vdb_skip(im, file, idx, "larger than %u bytes (cap)", NVD_ELEM_MAX);
    } else {
        json_error_t je;
        json_t *item = json_loadb(st->elem.data, st->elem.len, 0, &je);
        if (!item) {
            char idx[40];
            snprintf(idx, sizeof idx, "vulnerabilities[%zu]", i);
            vdb_skip(im, file, idx, "bad JSON: %s", je.text);
        } else {
            s = nvd_one(im, item, i, file, err);
            json_decref(item);
        }
    }
    cg_buf_reset(&st->elem);
    st->in_elem = 0;
    st->elem_over = 0;
    return s;
}

cg_status vdb_nvd_stream_feed(vdb_imp *im, vdb_nvd_stream *st, const uint8_t *p, size_t len, const char *file,
                              cg_error *err)
{
    static const char key[] = "vulnerabilities";
    size_t seg = 0; /* start of the current element's bytes in this chunk */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (st->in_str) {
            if (st->esc)
                st->esc = 0;
            else if (c == '\\')
                st->esc = 1;
            else if (c == '"') {
                st->in_str = 0;
                if (st->depth == 1)
                    st->last_key = st->klen == sizeof key - 1 && !memcmp(st->kbuf, key, st->klen);
            } else if (st->depth == 1 && st->klen < sizeof st->kbuf)
                st->kbuf[st->klen++] = (char)c;
            continue;
        }
        switch (c) {
        case '"':
            st->in_str = 1;
            st->klen = 0;
            break;
        case '{':
        case '[':
            if (st->phase == 1 && st->depth == 2 && !st->in_elem) {
                if (c != '{')
                    return cg_error_set(err, CG_ERR_INPUT, "%s: vulnerabilities[%zu] is not an object", file,
                                        st->index);
                st->in_elem = 1;
                seg = i;
            }
            if (++st->depth > NVD_MAX_DEPTH)
                return cg_error_set(err, CG_ERR_LIMIT, "%s: nested deeper than %d", file, NVD_MAX_DEPTH);
            if (c == '[' && st->phase == 0 && st->depth == 2 && st->last_key)
                st->phase = 1;
            break;
        case '}':
        case ']':
            if (st->depth == 0)
                return cg_error_set(err, CG_ERR_INPUT, "%s: unbalanced '%c' at byte %llu", file, c,
                                    (unsigned long long)(st->offset + i));
            st->depth--;
            if (st->phase == 1 && st->in_elem && st->depth == 2) {
                cg_status s = elem_append(st, p + seg, i + 1 - seg, err);
                if (s == CG_OK)
                    s = elem_done(im, st, file, err);
                if (s != CG_OK)
                    return s;
            } else if (st->phase == 1 && st->depth == 1) {
                st->phase = 2;
            }
            break;
        default:
            break;
        }
    }
    st->offset += len;
    return st->in_elem ? elem_append(st, p + seg, len - seg, err) : CG_OK;
}

cg_status vdb_nvd_stream_end(vdb_imp *im, vdb_nvd_stream *st, const char *file, cg_error *err)
{
    if (st->depth != 0 || st->in_str)
        return cg_error_set(err, CG_ERR_INPUT, "%s: NVD feed cut short (JSON ends inside %s)", file,
                            st->in_str ? "a string" : "an object");
    if (st->phase != 2)
        vdb_skip(im, file, "-", "NVD CVE feed without a vulnerabilities array");
    return vdb_touch(im, "nvd", err);
}
