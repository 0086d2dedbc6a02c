/*
 * decision_gate.c - reading a `cgate policy` decision file back and asking
 * whether it allows an image (include/cgate/decision.h): "pass" must be
 * true and the decision must name the image's manifest or config digest
 * (its `image` member, an older `imageDigest`, or the report it was made
 * from).  The push gate of `cgate push --require-decision`, and of `cgate
 * run` and `cgate serve`, lives here so the CLI only prints.  decision.c
 * writes decisions; this file only reads them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/decision.h"
#include "core/digest.h"
#include "core/json.h"
#include "core/readfile.h"

#define REPORT_MAX_BYTES (256u << 20)

struct cg_decision_doc {
    char *path; /* as given, for messages and relative report paths */
    json_t *doc;
};

static void why_set(cg_buf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_set(cg_buf *why, const char *fmt, ...)
{
    if (!why)
        return;
    char line[4096]; /* over the CLI's one-line cap, so it truncates as it always did */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cg_buf_reset(why);
    (void)cg_buf_puts(why, line);
}

cg_status cg_decision_read_mem(const char *name, const void *data, size_t len, cg_decision_doc **out, cg_error *err)
{
    *out = NULL;
    json_t *doc = NULL;
    cg_status s = cg_json_parse(data, len, name, &doc, err);
    if (s == CG_OK && (!json_is_object(doc) || !json_is_boolean(json_object_get(doc, "pass"))))
        s = cg_error_set(err, CG_ERR_INPUT, "%s: not a cgate decision (no boolean \"pass\")", name);
    cg_decision_doc *d = s == CG_OK ? calloc(1, sizeof *d) : NULL;
    if (s == CG_OK && (!d || !(d->path = strdup(name))))
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (s != CG_OK) {
        free(d);
        json_decref(doc);
        return s;
    }
    d->doc = doc;
    *out = d;
    return CG_OK;
}

cg_status cg_decision_read(const char *path, cg_decision_doc **out, cg_error *err)
{
    *out = NULL;
    cg_buf raw = CG_BUF_INIT;
    cg_status s = cg_read_file(path, CG_DECISION_MAX_BYTES, "decision", &raw, err);
    if (s == CG_OK)
        s = cg_decision_read_mem(path, raw.data ? raw.data : "", raw.len, out, err);
    cg_buf_free(&raw);
    return s;
}

void cg_decision_free(cg_decision_doc *d)
{
    if (!d)
        return;
    json_decref(d->doc);
    free(d->path);
    free(d);
}

int cg_decision_passed(const cg_decision_doc *d)
{
    return json_is_true(json_object_get(d->doc, "pass"));
}

/* The digests of the report a decision names (inputs[role=report]), checked
 * against its sha256: how decisions written before the `image` member name
 * their image.  Needs the report still at its recorded path (or next to the
 * decision file when relative). */
static cg_status report_digests(const json_t *dec, const char *decpath, char ***out, size_t *n, cg_error *err)
{
    *out = NULL;
    *n = 0;
    const json_t *ins = json_object_get(dec, "inputs");
    for (size_t i = 0; i < json_array_size(ins); i++) {
        const json_t *in = json_array_get(ins, i);
        const char *role = cg_json_str(in, "role"), *path = cg_json_str(in, "path"), *sha = cg_json_str(in, "sha256");
        if (!role || strcmp(role, "report") || !path || !sha)
            continue;
        cg_buf raw = CG_BUF_INIT;
        cg_status s = cg_read_file(path, REPORT_MAX_BYTES, "report", &raw, err);
        if (s != CG_OK && path[0] != '/') {
            const char *sl = strrchr(decpath, '/');
            if (sl) {
                char alt[4096];
                snprintf(alt, sizeof alt, "%.*s/%s", (int)(sl - decpath), decpath, path);
                cg_buf_reset(&raw);
                s = cg_read_file(alt, REPORT_MAX_BYTES, "report", &raw, err);
            }
        }
        if (s != CG_OK) {
            cg_buf_free(&raw);
            return cg_error_prefix(err, "%s: the report it was made from", decpath);
        }
        char got[CG_DIGEST_STR_LEN + 1];
        if (cg_sha256_str(raw.data ? raw.data : "", raw.len, got) != CG_OK) {
            cg_buf_free(&raw);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        const char *want = !strncmp(sha, "sha256:", 7) ? sha + 7 : sha;
        if (strcmp(got + 7, want)) {
            cg_buf_free(&raw);
            return cg_error_set(err, CG_ERR_INPUT, "%s: report %s changed since the decision (sha256 %s, decision says %s)",
                                decpath, path, got + 7, want);
        }
        json_t *rep = NULL;
        s = cg_json_parse(raw.data, raw.len, path, &rep, err);
        cg_buf_free(&raw);
        if (s != CG_OK)
            return s;
        const json_t *md = json_object_get(rep, "Metadata");
        const json_t *rd = json_object_get(md, "RepoDigests");
        size_t cap = json_array_size(rd) + 2;
        char **v = calloc(cap, sizeof *v);
        if (!v) {
            json_decref(rep);
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < json_array_size(rd); k++) {
            const char *e = json_string_value(json_array_get(rd, k));
            const char *at = e ? strrchr(e, '@') : NULL;
            if (at && cg_digest_valid(at + 1) && (v[*n] = strdup(at + 1)))
                (*n)++;
        }
        const char *id = cg_json_str(md, "ImageID");
        if (id && cg_digest_valid(id) && (v[*n] = strdup(id)))
            (*n)++;
        json_decref(rep);
        *out = v;
        return CG_OK;
    }
    return CG_OK;
}

/* A decision's `image` member, as `cgate policy` writes it: manifestDigests[]
 * and configDigest (null when the report had none).  Anything else there is
 * bad input: a digest that is not one must not be read as "names nothing" or
 * match by accident. */
static cg_status image_member(const json_t *im, const char *decpath, const json_t **mds, const char **cfg,
                              cg_error *err)
{
    if (!json_is_object(im))
        return cg_error_set(err, CG_ERR_INPUT, "%s: image: not an object", decpath);
    const json_t *m = json_object_get(im, "manifestDigests"), *c = json_object_get(im, "configDigest");
    if (m && !json_is_array(m) && !json_is_null(m))
        return cg_error_set(err, CG_ERR_INPUT, "%s: image.manifestDigests: not an array", decpath);
    for (size_t i = 0; i < json_array_size(m); i++)
        if (!cg_digest_valid(json_string_value(json_array_get(m, i))))
            return cg_error_set(err, CG_ERR_INPUT, "%s: image.manifestDigests[%zu]: not a sha256 digest", decpath, i);
    if (c && !json_is_null(c) && !cg_digest_valid(json_string_value(c)))
        return cg_error_set(err, CG_ERR_INPUT, "%s: image.configDigest: neither a sha256 digest nor null", decpath);
    *mds = m;
    *cfg = json_string_value(c);
    return CG_OK;
}

cg_status cg_decision_covers(const cg_decision_doc *d, const char *manifest_digest, const char *config_digest,
                             cg_decision_cover *cover, cg_buf *why, cg_error *err)
{
    const json_t *dec = d->doc;
    const char *path = d->path;
    if (!manifest_digest)
        manifest_digest = "";
    if (!cg_decision_passed(d)) {
        const json_t *r = json_array_get(json_object_get(dec, "denyReasons"), 0);
        why_set(why, "%s says deny%s%s", path, json_is_string(r) ? ": " : "", json_is_string(r) ? json_string_value(r) : "");
        *cover = CG_COVER_DENY;
        return CG_OK;
    }
    /* The digests the decision is about: its `image` member; older decisions
     * have none and name the image through their report. */
    const char *about = NULL; /* a digest the decision names, for the message */
    int match = 0, named = 0;
    const json_t *im = json_object_get(dec, "image");
    if (im) {
        const json_t *mds = NULL;
        const char *cfg = NULL;
        cg_status s = image_member(im, path, &mds, &cfg, err);
        if (s != CG_OK)
            return s;
        for (size_t i = 0; i < json_array_size(mds); i++) {
            const char *m = json_string_value(json_array_get(mds, i));
            about = about ? about : m;
            named = 1;
            match |= !strcmp(m, manifest_digest);
        }
        if (cfg) {
            about = about ? about : cfg;
            named = 1;
            match |= config_digest && !strcmp(cfg, config_digest);
        }
        if (!named) {
            why_set(why, "%s names no image digest (its image has no manifestDigests and no configDigest)", path);
            *cover = CG_COVER_UNNAMED;
            return CG_OK;
        }
    }
    char **ds = NULL;
    size_t nd = 0;
    if (!im) {
        const char *id = cg_json_str(dec, "imageDigest");
        if (id && cg_digest_valid(id)) {
            about = id;
            named = 1;
            match = !strcmp(id, manifest_digest);
        } else {
            cg_status s = report_digests(dec, path, &ds, &nd, err);
            if (s != CG_OK)
                return s;
            for (size_t i = 0; i < nd; i++) {
                about = about ? about : ds[i];
                named = 1;
                match |= !strcmp(ds[i], manifest_digest) || (config_digest && !strcmp(ds[i], config_digest));
            }
        }
    }
    if (!named) {
        why_set(why, "%s names no image digest (neither itself nor the report it lists under inputs)", path);
        *cover = CG_COVER_UNNAMED;
    } else if (!match) {
        why_set(why, "%s is a decision about another image (%s), not %s", path, about, manifest_digest);
        *cover = CG_COVER_OTHER;
    } else {
        *cover = CG_COVER_YES;
    }
    for (size_t i = 0; i < nd; i++)
        free(ds[i]);
    free(ds);
    return CG_OK;
}

cg_status cg_decision_gate_image(const char *const *paths, size_t n, const char *manifest_digest,
                                 const char *config_digest, int *allowed, cg_buf *why, cg_error *err)
{
    *allowed = 0;
    for (size_t i = 0; i < n; i++) {
        cg_decision_doc *d = NULL;
        cg_decision_cover c = CG_COVER_OTHER;
        cg_status s = cg_decision_read(paths[i], &d, err);
        if (s == CG_OK)
            s = cg_decision_covers(d, manifest_digest, config_digest, &c, why, err);
        cg_decision_free(d);
        if (s != CG_OK)
            return s;
        if (c != CG_COVER_YES)
            return CG_OK;
    }
    *allowed = 1;
    return CG_OK;
}

/* One decision file against an index: *stop = 1 when it refuses outright
 * (deny, names nothing); else *about = 1 when it covers the index or one of
 * its images, *whole = 1 when it covers the index, covered[i] = 1 for each
 * image it covers. */
static cg_status gate_one(const cg_decision_doc *d, const char *index_digest, const cg_gate_platform *p, size_t np,
                          char *covered, int *whole, int *about, int *stop, cg_buf *why, cg_error *err)
{
    cg_decision_cover c = CG_COVER_OTHER;
    cg_status s = cg_decision_covers(d, index_digest, NULL, &c, why, err);
    for (size_t i = 0; s == CG_OK; i++) {
        if (c == CG_COVER_DENY || c == CG_COVER_UNNAMED) {
            *stop = 1;
            return CG_OK;
        }
        if (c == CG_COVER_YES) {
            *about = 1;
            if (i == 0)
                *whole = 1;
            else
                covered[i - 1] = 1;
        }
        if (i == np)
            break;
        s = cg_decision_covers(d, p[i].manifest_digest, p[i].config_digest, &c, why, err);
    }
    return s;
}

cg_status cg_decision_gate_index(const char *const *paths, size_t n, const char *index_digest,
                                 const cg_gate_platform *p, size_t np, int *allowed, cg_buf *why, cg_error *err)
{
    *allowed = 0;
    char *covered = calloc(np + 1, 1);
    if (!covered)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    int whole = 0, stop = 0;
    cg_status s = CG_OK;
    for (size_t k = 0; s == CG_OK && !stop && k < n; k++) {
        cg_decision_doc *d = NULL;
        int about = 0;
        s = cg_decision_read(paths[k], &d, err);
        if (s == CG_OK)
            s = gate_one(d, index_digest, p, np, covered, &whole, &about, &stop, why, err);
        cg_decision_free(d);
        if (s == CG_OK && !stop && !about) {
            why_set(why, "%s is a decision about another image, not index %s or any of its %zu platform images", paths[k],
                    index_digest, np);
            stop = 1;
        }
    }
    for (size_t i = 0; s == CG_OK && !stop && !whole && i < np; i++)
        if (!covered[i]) {
            why_set(why, "no passing decision covers %s (%s) of index %s: give one per platform, or one for the index",
                    p[i].platform, p[i].manifest_digest, index_digest);
            stop = 1;
        }
    free(covered);
    *allowed = s == CG_OK && !stop;
    return s;
}
