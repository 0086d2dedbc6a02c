/*
 * registry_transport.c - the docker:// image transport: a registry image
 * opened through the registry client (src/registry/).  The manifest (an
 * index is narrowed to --platform with cg_pick_platform) and the config are
 * fetched and digest-checked; layers are streamed on demand as verified
 * blob readers, so layer.c decodes them exactly as it decodes a file.
 * The client uses its defaults here: credentials from the Docker config,
 * plain HTTP only for loopback hosts, verified TLS elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/registry.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/image_internal.h"

#define MAX_INDEX_DEPTH 4

typedef struct reg_img {
    cg_registry *r;
    int borrowed; /* r belongs to the index this image was opened from */
    cg_ref ref;
    cg_manifest man;
    cg_buf config;
} reg_img;

static int is_index(const char *mt, const json_t *doc)
{
    return (mt && (!strcmp(mt, CG_MT_OCI_INDEX) || !strcmp(mt, CG_MT_DOCKER_LIST))) ||
           (!(mt && *mt) && json_is_array(json_object_get(doc, "manifests")));
}

static int layer_type_ok(const char *mt)
{
    return !mt || !strncmp(mt, "application/vnd.oci.image.layer.", 32) ||
           !strncmp(mt, "application/vnd.docker.image.rootfs.", 36);
}

static ssize_t blob_read(cg_blob *b, void *buf, size_t n, cg_error *err)
{
    return cg_blob_reader_read(b->impl, buf, n, err);
}

static void blob_close(cg_blob *b)
{
    cg_blob_reader_close(b->impl);
    b->impl = NULL;
}

static cg_status reg_open_layer(cg_image *img, size_t i, cg_blob *out, cg_error *err)
{
    reg_img *ri = img->impl;
    cg_blob_reader *br;
    cg_status s = cg_registry_open_blob(ri->r, &ri->ref, img->info.layers[i].digest, img->info.layers[i].size, &br, err);
    if (s != CG_OK)
        return s;
    out->read = blob_read;
    out->close = blob_close;
    out->impl = br;
    return CG_OK;
}

static void reg_close(cg_image *img)
{
    reg_img *ri = img->impl;
    if (ri) {
        cg_manifest_free(&ri->man);
        cg_buf_free(&ri->config);
        if (!ri->borrowed)
            cg_registry_free(ri->r);
        free(ri);
    }
    img->impl = NULL;
}

static cg_status reg_open_blob(cg_image *img, const char *digest, int64_t size, cg_blob *out, cg_error *err)
{
    reg_img *ri = img->impl;
    cg_blob_reader *br;
    cg_status s = cg_registry_open_blob(ri->r, &ri->ref, digest, size, &br, err);
    if (s != CG_OK)
        return s;
    out->read = blob_read;
    out->close = blob_close;
    out->impl = br;
    return CG_OK;
}

static cg_status reg_read_manifest(cg_image *img, const char *digest, int64_t size, cg_buf *out, cg_error *err)
{
    reg_img *ri = img->impl;
    cg_manifest m;
    memset(&m, 0, sizeof m);
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_INPUT, "manifest: invalid digest \"%s\"", digest ? digest : "(none)");
    cg_status s = cg_registry_get_manifest(ri->r, &ri->ref, digest, 0, &m, err);
    if (s == CG_OK && size >= 0 && m.len != (uint64_t)size)
        s = cg_error_set(err, CG_ERR_INPUT, "manifest %s: %zu bytes, but its descriptor says %lld", digest, m.len,
                         (long long)size);
    cg_buf_reset(out);
    if (s == CG_OK && cg_buf_append(out, m.data, m.len) != CG_OK)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_manifest_free(&m);
    return s;
}

static cg_status reg_open_child(cg_image *parent, cg_image *child, const char *digest, int64_t size,
                                const char *media_type, cg_error *err);

static const cg_transport registry_tp = {"docker", reg_open_layer, NULL, reg_close,
                                         reg_open_blob, reg_read_manifest, reg_open_child, 0};

static cg_status load_manifest(cg_image *img, reg_img *ri, const json_t *doc, const char *what, cg_error *err)
{
    const json_t *cfgd = NULL;
    cg_status s = cg_manifest_layers(img, doc, what, layer_type_ok, &cfgd, err);
    if (s != CG_OK)
        return s;
    cg_image_info *in = &img->info;
    const char *cd = cg_json_str(cfgd, "digest");
    int64_t csize = cg_json_int(cfgd, "size", -1);
    if (!cg_digest_valid(cd))
        return cg_error_set(err, CG_ERR_INPUT, "%s: config has no valid sha256 digest", what);
    if (csize >= 0 && (uint64_t)csize > img->opts.max_json_bytes)
        return cg_error_set(err, CG_ERR_LIMIT, "config %s is %lld bytes, over the %llu-byte cap", cd, (long long)csize,
                            (unsigned long long)img->opts.max_json_bytes);
    s = cg_registry_get_blob_small(ri->r, &ri->ref, cd, img->opts.max_json_bytes, &ri->config, err);
    if (s == CG_OK && csize >= 0 && ri->config.len != (uint64_t)csize)
        s = cg_error_set(err, CG_ERR_INPUT, "config %s: %zu bytes, but its descriptor says %lld", cd, ri->config.len,
                         (long long)csize);
    if (s != CG_OK)
        return s;
    in->config_digest = cg_arena_strdup(&img->arena, cd);
    return cg_parse_config(img, cd, &ri->config, err);
}

/* GET reference and follow an index down to img->platform's manifest (or,
 * with want_index, keep the first index met); then load that manifest. */
static cg_status fetch(cg_image *img, reg_img *ri, const char *start, cg_error *err)
{
    char reference[CG_REF_TAG_MAX + CG_REF_DIGEST_MAX];
    snprintf(reference, sizeof reference, "%s", start);
    cg_status s;
    for (int depth = 0;; depth++) {
        cg_manifest_free(&ri->man);
        s = cg_registry_get_manifest(ri->r, &ri->ref, reference, 0, &ri->man, err);
        if (s != CG_OK)
            return s;
        const char *what = cg_arena_sprintf(&img->arena, "manifest %s", ri->man.digest);
        json_t *doc = NULL;
        s = cg_json_parse(ri->man.data, ri->man.len, what, &doc, err);
        if (s != CG_OK)
            return s;
        const char *mt = ri->man.media_type[0] ? ri->man.media_type : cg_json_str(doc, "mediaType");
        if (is_index(mt, doc) && img->want_index) {
            /* the reference's own index, kept whole: no platform is picked */
            s = cg_keep_index(img, ri->man.data, ri->man.len, ri->man.digest, mt && *mt ? mt : NULL, doc, err);
            json_decref(doc);
            return s;
        }
        if (is_index(mt, doc)) {
            const json_t *pick = NULL;
            if (depth >= MAX_INDEX_DEPTH)
                s = cg_error_set(err, CG_ERR_INPUT, "index nesting deeper than %d at %s", MAX_INDEX_DEPTH, ri->man.digest);
            else if (!json_is_array(json_object_get(doc, "manifests")))
                s = cg_error_set(err, CG_ERR_INPUT, "index %s: no manifests", ri->man.digest);
            else
                s = cg_pick_platform(img, json_object_get(doc, "manifests"),
                                     cg_arena_sprintf(&img->arena, "index %s", ri->man.digest), &pick, err);
            const char *d = s == CG_OK ? cg_json_str(pick, "digest") : NULL;
            if (s == CG_OK && !cg_digest_valid(d))
                s = cg_error_set(err, CG_ERR_INPUT, "index %s: the chosen entry has no valid digest", ri->man.digest);
            if (s == CG_OK)
                snprintf(reference, sizeof reference, "%s", d);
            json_decref(doc);
            if (s != CG_OK)
                return s;
            continue;
        }
        if (mt && *mt && strcmp(mt, CG_MT_OCI_MANIFEST) && strcmp(mt, CG_MT_DOCKER_MANIFEST)) {
            s = cg_error_set(err, CG_ERR_INPUT, "%s: unsupported media type %s", what, mt);
        } else {
            if (!ri->man.media_type[0])
                snprintf(ri->man.media_type, sizeof ri->man.media_type, "%s", mt ? mt : CG_MT_OCI_MANIFEST);
            s = load_manifest(img, ri, doc, what, err);
        }
        json_decref(doc);
        if (s == CG_OK && img->platform_explicit && img->info.os && img->info.architecture &&
            (strcmp(img->info.os, img->platform.os) || strcmp(img->info.architecture, img->platform.arch)))
            s = cg_error_set(err, CG_ERR_INPUT, "%s: image is %s/%s, not the requested platform %s", what,
                             img->info.os, img->info.architecture, img->platform.text);
        break;
    }
    if (s == CG_OK)
        img->info.manifest_digest = cg_arena_strdup(&img->arena, ri->man.digest);
    return s;
}

cg_status cg_registry_image_open(cg_image *img, const char *ref, cg_error *err)
{
    reg_img *ri = calloc(1, sizeof *ri);
    if (!ri)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    img->impl = ri;
    img->tp = &registry_tp;
    cg_status s = cg_ref_parse(ref, &ri->ref, err);
    if (s != CG_OK)
        return s;
    cg_registry_opts o;
    memset(&o, 0, sizeof o);
    if (img->opts.registry)
        o = *img->opts.registry;
    o.max_manifest_bytes = img->opts.max_json_bytes;
    s = cg_registry_new(&o, &ri->r, err);
    if (s == CG_OK)
        s = fetch(img, ri, cg_ref_reference(&ri->ref), err);
    if (s != CG_OK)
        return s;
    img->info.name = cg_arena_sprintf(&img->arena, "%s/%s", ri->ref.registry, ri->ref.repository);
    img->info.tag = ri->ref.tag[0] ? cg_arena_strdup(&img->arena, ri->ref.tag) : NULL;
    return CG_OK;
}

static cg_status reg_open_child(cg_image *parent, cg_image *child, const char *digest, int64_t size,
                                const char *media_type, cg_error *err)
{
    (void)size;
    (void)media_type; /* the registry's Content-Type and the digest check decide */
    reg_img *pri = parent->impl;
    reg_img *ri = calloc(1, sizeof *ri);
    if (!ri)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    child->impl = ri;
    child->tp = &registry_tp;
    ri->r = pri->r;
    ri->borrowed = 1;
    ri->ref = pri->ref;
    if (!cg_digest_valid(digest))
        return cg_error_set(err, CG_ERR_INPUT, "manifest: invalid digest \"%s\"", digest ? digest : "(none)");
    return fetch(child, ri, digest, err);
}

cg_status cg_registry_image_raw(cg_image *img, const char **manifest, size_t *mlen, const char **media_type,
                                const char **config, size_t *clen, cg_error *err)
{
    if (!img || img->tp != &registry_tp || !img->impl)
        return cg_error_set(err, CG_ERR_INTERNAL, "not a registry image");
    reg_img *ri = img->impl;
    *manifest = ri->man.data;
    *mlen = ri->man.len;
    *media_type = ri->man.media_type;
    *config = ri->config.data ? ri->config.data : "";
    *clen = ri->config.len;
    return CG_OK;
}
