/*
 * json.c - jansson with guard rails.  jansson limits nesting depth itself
 * (2048 levels), so a 10,000-deep document is an error, not a stack overflow.
 */
#include "core/json.h"
#include "core/oom.h"

#include <stdlib.h>
#include <string.h>

cg_status cg_json_parse(const void *buf, size_t len, const char *what, json_t **out, cg_error *err)
{
    json_error_t je;
    unsigned long oom_before = cg_oom_count();
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (j && cg_oom_count() != oom_before) {
        /* jansson can drop a byte of a string when its buffer cannot grow and
         * still return a document: never use what was parsed through a failure */
        json_decref(j);
        j = NULL;
    }
    if (!j && (json_error_code(&je) == json_error_out_of_memory || cg_oom_count() != oom_before))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory while parsing JSON", what);
    if (!j)
        return cg_error_set(err, CG_ERR_INPUT, "%s: invalid JSON at line %d column %d: %s", what,
                            je.line, je.column, je.text);
    *out = j;
    return CG_OK;
}

const char *cg_json_str(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t cg_json_int(const json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* ---- locating a path in JSON text ---------------------------------------- */

#define LOC_MAX_SEGS 64
#define LOC_MAX_DEPTH 512

typedef struct loc_seg {
    const char *key; /* NULL: an index */
    size_t klen;
    long index;
} loc_seg;

typedef struct loc {
    const unsigned char *p, *end;
    int line;
    const loc_seg *seg;
    size_t nseg;
    int best; /* line of the deepest matched prefix */
} loc;

static void loc_ws(loc *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n')) {
        if (*l->p == '\n')
            l->line++;
        l->p++;
    }
}

/* A string at l->p (on the opening quote): raw and rawlen get its bytes between
 * the quotes, escapes untouched. */
static int loc_string(loc *l, const unsigned char **raw, size_t *rawlen)
{
    if (l->p >= l->end || *l->p != '"')
        return -1;
    const unsigned char *s = ++l->p;
    while (l->p < l->end && *l->p != '"') {
        if (*l->p == '\\' && l->p + 1 < l->end)
            l->p++;
        l->p++;
    }
    if (l->p >= l->end)
        return -1;
    *raw = s;
    *rawlen = (size_t)(l->p - s);
    l->p++;
    return 0;
}

/* After a member or element: 1 on ',' (another follows), 0 on close (the
 * container ends), -1 on anything else. */
static int loc_next(loc *l, char close)
{
    loc_ws(l);
    if (l->p < l->end && (*l->p == ',' || *l->p == close))
        return *l->p++ == ',';
    return -1;
}

/* Walk one value; depth = how many path segments matched to reach it. */
static int loc_value(loc *l, size_t depth, int nest)
{
    if (nest > LOC_MAX_DEPTH)
        return -1;
    loc_ws(l);
    if (l->p >= l->end)
        return -1;
    int on_path = depth != (size_t)-1;
    if (on_path) {
        l->best = l->line;
        if (depth == l->nseg)
            return 1; /* found */
    }
    const loc_seg *want = on_path ? &l->seg[depth] : NULL;
    if (*l->p == '{') {
        l->p++;
        loc_ws(l);
        if (l->p < l->end && *l->p == '}') {
            l->p++;
            return 0;
        }
        for (;;) {
            const unsigned char *k;
            size_t kl;
            loc_ws(l);
            if (loc_string(l, &k, &kl))
                return -1;
            loc_ws(l);
            if (l->p >= l->end || *l->p != ':')
                return -1;
            l->p++;
            int hit = want && want->key && want->klen == kl && !memcmp(want->key, k, kl);
            int r = loc_value(l, hit ? depth + 1 : (size_t)-1, nest + 1);
            if (r != 0 || (r = loc_next(l, '}')) != 1)
                return r;
        }
    }
    if (*l->p == '[') {
        l->p++;
        loc_ws(l);
        if (l->p < l->end && *l->p == ']') {
            l->p++;
            return 0;
        }
        for (long i = 0;; i++) {
            int hit = want && !want->key && want->index == i;
            int r = loc_value(l, hit ? depth + 1 : (size_t)-1, nest + 1);
            if (r != 0 || (r = loc_next(l, ']')) != 1)
                return r;
        }
    }
    if (*l->p == '"') {
        const unsigned char *k;
        size_t kl;
        return loc_string(l, &k, &kl) ? -1 : 0;
    }
    /* a number, true, false, null */
    while (l->p < l->end && !strchr(",]} \t\r\n", *l->p))
        l->p++;
    return 0;
}

int cg_json_locate(const void *buf, size_t len, const char *path)
{
    loc_seg seg[LOC_MAX_SEGS];
    size_t n = 0;
    const char *p = path && strcmp(path, "document") ? path : "";
    while (*p && n < LOC_MAX_SEGS) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *e;
            long v = strtol(p + 1, &e, 10);
            if (*e != ']' || v < 0)
                break;
            seg[n++] = (loc_seg){NULL, 0, v};
            p = e + 1;
            continue;
        }
        size_t k = strcspn(p, ".[");
        seg[n++] = (loc_seg){p, k, 0};
        p += k;
    }
    loc l = {buf, (const unsigned char *)buf + len, 1, seg, n, 0};
    loc_value(&l, 0, 0);
    return l.best;
}
