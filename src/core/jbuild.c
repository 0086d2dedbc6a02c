/*
 * jbuild.c - see jbuild.h.  Moved out of the SBOM writer so the scanner's
 * CycloneDX report (and any later writer of jansson trees) shares one copy.
 */
#include "core/jbuild.h"

#include <stdlib.h>
#include <string.h>

#include "core/jwrite.h" /* cg_utf8_seq */

json_t *cg_j_string(cg_jctx *j, const char *v)
{
    const unsigned char *s = (const unsigned char *)(v ? v : "");
    size_t i = 0, k;
    while (s[i] && (k = cg_utf8_seq(s + i)) != 0)
        i += k;
    json_t *r;
    if (!s[i]) {
        r = json_stringn(v ? v : "", i);
    } else { /* repair: each invalid byte becomes U+FFFD */
        cg_buf b = CG_BUF_INIT;
        cg_status st = CG_OK;
        for (i = 0; s[i] && st == CG_OK;) {
            k = cg_utf8_seq(s + i);
            if (k) {
                st = cg_buf_append(&b, s + i, k);
                i += k;
            } else {
                st = cg_buf_append(&b, "\xef\xbf\xbd", 3);
                i++;
            }
        }
        r = st == CG_OK ? json_stringn(cg_buf_str(&b), b.len) : NULL;
        cg_buf_free(&b);
    }
    if (!r)
        j->failed = 1;
    return r;
}

/* jansson's *_new functions release val even when they fail. */
void cg_j_set(cg_jctx *j, json_t *obj, const char *key, json_t *val)
{
    if (json_object_set_new(obj, key, val) != 0)
        j->failed = 1;
}

void cg_j_str(cg_jctx *j, json_t *obj, const char *key, const char *v)
{
    if (v)
        cg_j_set(j, obj, key, cg_j_string(j, v));
}

void cg_j_push(cg_jctx *j, json_t *arr, json_t *val)
{
    if (json_array_append_new(arr, val) != 0)
        j->failed = 1;
}

void cg_j_pushstr(cg_jctx *j, json_t *arr, const char *v)
{
    cg_j_push(j, arr, cg_j_string(j, v));
}

json_t *cg_j_obj(cg_jctx *j)
{
    json_t *o = json_object();
    if (!o)
        j->failed = 1;
    return o;
}

json_t *cg_j_arr(cg_jctx *j)
{
    json_t *o = json_array();
    if (!o)
        j->failed = 1;
    return o;
}

cg_status cg_j_dump(json_t *doc, char **out, size_t *len, cg_error *err)
{
    *out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!*out)
        return cg_error_set(err, CG_ERR_NOMEM, "serialising JSON: out of memory");
    *len = strlen(*out);
    return CG_OK;
}

cg_status cg_j_emit(json_t *doc, cg_buf *out, cg_error *err)
{
    char *text = NULL;
    size_t len = 0;
    cg_status st = cg_j_dump(doc, &text, &len, err);
    if (st != CG_OK)
        return st;
    st = cg_buf_append(out, text, len);
    if (st == CG_OK)
        st = cg_buf_putc(out, '\n');
    free(text);
    if (st != CG_OK)
        return cg_error_set(err, st, "writing SBOM: output buffer: %s", cg_status_name(st));
    return CG_OK;
}

void cg_j_write(cg_jw *w, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        cg_jw_open(w, "{");
        /* jansson keeps insertion order; iteration follows it */
        json_object_foreach((json_t *)v, k, x) {
            cg_jw_key(w, k);
            cg_j_write(w, x);
        }
        cg_jw_close(w, "}");
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        cg_jw_open(w, "[");
        json_array_foreach(v, i, x) {
            cg_jw_elem(w);
            cg_j_write(w, x);
        }
        cg_jw_close(w, "]");
        break;
    }
    case JSON_STRING: cg_jw_str(w, json_string_value(v)); break;
    case JSON_INTEGER: cg_jw_int(w, (long long)json_integer_value(v)); break;
    case JSON_REAL: cg_jw_real_prec(w, json_real_value(v), 17); break;
    case JSON_TRUE: cg_jw_raw(w, "true"); break;
    case JSON_FALSE: cg_jw_raw(w, "false"); break;
    default: cg_jw_raw(w, "null"); break;
    }
}
