/*
 * oci_layout.c - the OCI image layout (oci:DIR[:TAG], oci-archive:PATH[:TAG]):
 * index.json -> (nested indexes, platform choice) -> manifest -> config.
 * Every document is size-capped before it is read and its sha256 checked
 * against the descriptor that named it.  Docker manifest lists and v2
 * manifests are accepted too, since skopeo and Docker write them in layouts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/mediatype.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/image_internal.h"
#include "image/store.h"

#define MAX_INDEX_DEPTH 4
#define MAX_LAYERS 1000

typedef struct oci_state {
    cg_store store;
} oci_state;

cg_status cg_read_verified_blob(cg_image *img, cg_store *st, const char *digest, int64_t size,
                                const char *what, cg_buf *out, cg_error *err)
{
    const char *rel = cg_store_blob_path(&img->arena, digest);
    if (!rel)
        return cg_error_set(err, CG_ERR_INPUT, "%s: invalid digest \"%s\"", what, digest ? digest : "(none)");
    if (size >= 0 && (uint64_t)size > img->opts.max_json_bytes)
        return cg_error_set(err, CG_ERR_LIMIT, "%s %s is %lld bytes, over the %llu-byte cap", what, digest,
                            (long long)size, (unsigned long long)img->opts.max_json_bytes);
    cg_status s = cg_store_read(st, rel, img->opts.max_json_bytes, out, err);
    if (s != CG_OK)
        return cg_error_prefix(err, "%s %s", what, digest);
    if (size >= 0 && out->len != (uint64_t)size)
        return cg_error_set(err, CG_ERR_INPUT, "%s %s: %zu bytes, but its descriptor says %lld", what, digest,
                            out->len, (long long)size);
    char got[CG_DIGEST_STR_LEN + 1];
    if (cg_sha256_str(out->data, out->len, got) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (strcmp(got, digest) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s %s: content has digest %s", what, digest, got);
    return CG_OK;
}

static int is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, CG_MT_OCI_INDEX) || !strcmp(mt, CG_MT_DOCKER_LIST));
}

const char *cg_platform_str(cg_arena *a, const json_t *p)
{
    const char *os = cg_json_str(p, "os"), *arch = cg_json_str(p, "architecture"), *var = cg_json_str(p, "variant");
    if (!os || !arch)
        return "unknown";
    return var ? cg_arena_sprintf(a, "%s/%s/%s", os, arch, var) : cg_arena_sprintf(a, "%s/%s", os, arch);
}

static int platform_matches(const json_t *p, const cg_platform *want)
{
    const char *os = cg_json_str(p, "os"), *arch = cg_json_str(p, "architecture"), *var = cg_json_str(p, "variant");
    if (!os || !arch || strcmp(os, want->os) || strcmp(arch, want->arch))
        return 0;
    if (want->variant[0])
        return var && !strcmp(var, want->variant);
    /* no variant asked: arm64 images often say v8; anything else must have none */
    return !var || (!strcmp(arch, "arm64") && !strcmp(var, "v8"));
}

/* 1 when every entry has the same ref.name, or none has one: the entries
 * are one image's platforms, not several tagged images. */
static int one_name(const json_t *ms)
{
    const char *first = NULL;
    for (size_t i = 0; i < json_array_size(ms); i++) {
        const char *ref = cg_json_str(json_object_get(json_array_get(ms, i), "annotations"),
                                      "org.opencontainers.image.ref.name");
        if (i && (!ref != !first || (ref && strcmp(ref, first))))
            return 0;
        first = ref;
    }
    return 1;
}

/* Pick the descriptor from index.json's manifests by tag, or by platform;
 * *out = NULL when index.json itself is kept as the index (want_index). */
static cg_status pick_from_index(cg_image *img, const json_t *idx, const char *tag, const char *what,
                                 const json_t **out, cg_error *err)
{
    const json_t *ms = json_object_get(idx, "manifests");
    if (!json_is_array(ms) || json_array_size(ms) == 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: no manifests", what);
    size_t n = json_array_size(ms);
    if (tag) {
        /* several entries under one tag are that tag's platforms (a "flat"
         * layout); hits holds references to ms's own objects */
        json_t *hits = json_array();
        if (!hits)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            const json_t *d = json_array_get(ms, i);
            const char *ref = cg_json_str(json_object_get(d, "annotations"), "org.opencontainers.image.ref.name");
            if (ref && !strcmp(ref, tag) && json_array_append(hits, (json_t *)d)) {
                json_decref(hits);
                return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            }
        }
        size_t nh = json_array_size(hits);
        cg_status s = CG_OK;
        *out = NULL;
        if (nh == 1)
            *out = json_array_get(hits, 0);
        else if (nh > 1 && img->want_index && !one_name(ms))
            s = cg_error_set(err, CG_ERR_INPUT, "%s: %zu manifests tagged \"%s\" among other tags: no index blob to "
                             "copy them as one (give --platform)", what, nh, tag);
        else if (nh > 1 && !img->want_index)
            s = cg_pick_platform(img, hits, what, out, err);
        json_decref(hits);
        if (nh)
            return s; /* *out = NULL with want_index: index.json itself is the index */
        cg_buf names = CG_BUF_INIT;
        for (size_t i = 0; i < n && i < 20; i++) {
            const char *ref = cg_json_str(json_object_get(json_array_get(ms, i), "annotations"),
                                          "org.opencontainers.image.ref.name");
            if (ref)
                cg_buf_printf(&names, "%s%s", names.len ? ", " : "", ref);
        }
        cg_error_set(err, CG_ERR_INPUT, "%s: no image tagged \"%s\" (tags: %s)", what, tag,
                     names.len ? cg_buf_str(&names) : "none");
        cg_buf_free(&names);
        return CG_ERR_INPUT;
    }
    if (n == 1) {
        *out = json_array_get(ms, 0);
        return CG_OK;
    }
    *out = NULL;
    if (img->want_index && one_name(ms))
        return CG_OK; /* index.json itself is the multi-platform index (a "flat" layout) */
    return cg_pick_platform(img, ms, what, out, err);
}

cg_status cg_pick_platform(cg_image *img, const json_t *ms, const char *what, const json_t **out, cg_error *err)
{
    size_t n = json_array_size(ms);
    cg_buf avail = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const json_t *d = json_array_get(ms, i);
        const json_t *p = json_object_get(d, "platform");
        if (json_is_object(p) && platform_matches(p, &img->platform)) {
            cg_buf_free(&avail);
            *out = d;
            return CG_OK;
        }
        if (i < 20)
            cg_buf_printf(&avail, "%s%s", avail.len ? ", " : "", json_is_object(p) ? cg_platform_str(&img->arena, p) : "unspecified");
    }
    cg_error_set(err, CG_ERR_INPUT, "%s: no image for platform %s (available: %s)", what, img->platform.text,
                 cg_buf_str(&avail));
    cg_buf_free(&avail);
    return CG_ERR_INPUT;
}

static int layer_type_ok(const char *mt)
{
    static const char *const ok[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar",
    };
    if (!mt)
        return 1;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(mt, ok[i]))
            return 1;
    return 0;
}

cg_status cg_parse_config(cg_image *img, const char *digest, const cg_buf *raw, cg_error *err)
{
    json_t *cfg;
    const char *what = cg_arena_sprintf(&img->arena, "config %s", digest);
    cg_status s = cg_json_parse(raw->data, raw->len, what, &cfg, err);
    if (s != CG_OK)
        return s;
    cg_image_info *in = &img->info;
    img->config_raw = cg_arena_memdup(&img->arena, raw->data, raw->len);
    img->config_len = img->config_raw ? raw->len : 0;
    if (!json_is_object(cfg)) {
        json_decref(cfg);
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a JSON object", what);
    }
    in->os = cg_arena_strdup(&img->arena, cg_json_str(cfg, "os"));
    in->architecture = cg_arena_strdup(&img->arena, cg_json_str(cfg, "architecture"));
    in->variant = cg_arena_strdup(&img->arena, cg_json_str(cfg, "variant"));
    in->created = cg_arena_strdup(&img->arena, cg_json_str(cfg, "created"));
    const json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
    if (!json_is_array(ids)) {
        json_decref(cfg);
        return cg_error_set(err, CG_ERR_INPUT, "%s: no rootfs.diff_ids", what);
    }
    if (json_array_size(ids) != in->n_layers) {
        size_t got = json_array_size(ids);
        json_decref(cfg);
        return cg_error_set(err, CG_ERR_INPUT, "%s: %zu diff_ids for %zu layers", what, got, in->n_layers);
    }
    for (size_t i = 0; i < in->n_layers; i++) {
        const char *d = json_string_value(json_array_get(ids, i));
        if (!cg_digest_valid(d)) {
            json_decref(cfg);
            return cg_error_set(err, CG_ERR_INPUT, "%s: diff_ids[%zu] is not a sha256 digest", what, i);
        }
        in->layers[i].diff_id = cg_arena_strdup(&img->arena, d);
    }
    json_decref(cfg);
    return CG_OK;
}

cg_status cg_manifest_layers(cg_image *img, const json_t *man, const char *what,
                             int (*type_ok)(const char *mt), const json_t **config, cg_error *err)
{
    const json_t *layers = json_object_get(man, "layers");
    const json_t *cfgd = json_object_get(man, "config");
    if (!json_is_array(layers) || !json_is_object(cfgd))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not an image manifest (no config or layers)", what);
    const char *cmt = cg_json_str(cfgd, "mediaType");
    if (cmt && strcmp(cmt, "application/vnd.oci.image.config.v1+json") &&
        strcmp(cmt, "application/vnd.docker.container.image.v1+json"))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a container image (config media type %s)", what, cmt);
    size_t n = json_array_size(layers);
    if (n > MAX_LAYERS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu layers, over the %d-layer cap", what, n, MAX_LAYERS);
    cg_image_info *in = &img->info;
    in->layers = cg_arena_calloc(&img->arena, n ? n : 1, sizeof *in->layers);
    if (!in->layers)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    in->n_layers = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *l = json_array_get(layers, i);
        const char *d = cg_json_str(l, "digest"), *mt = cg_json_str(l, "mediaType");
        if (!cg_digest_valid(d))
            return cg_error_set(err, CG_ERR_INPUT, "%s: layers[%zu] has no valid sha256 digest", what, i);
        if (!type_ok(mt))
            return cg_error_set(err, CG_ERR_INPUT, "%s: layer %s has unsupported media type %s", what, d, mt);
        in->layers[i].digest = cg_arena_strdup(&img->arena, d);
        in->layers[i].media_type = cg_arena_strdup(&img->arena, mt);
        in->layers[i].size = cg_json_int(l, "size", -1);
        if (in->layers[i].size < 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: layer %s has no valid size", what, d);
    }
    *config = cfgd;
    return CG_OK;
}

/* Fill layers from a manifest, then read and check the config it names. */
static cg_status load_manifest(cg_image *img, cg_store *st, const char *digest, const json_t *man,
                               const char *what, cg_error *err)
{
    const json_t *cfgd = NULL;
    cg_status s = cg_manifest_layers(img, man, what, layer_type_ok, &cfgd, err);
    if (s != CG_OK)
        return s;
    cg_image_info *in = &img->info;
    in->manifest_digest = cg_arena_strdup(&img->arena, digest);
    const char *cd = cg_json_str(cfgd, "digest");
    cg_buf raw = CG_BUF_INIT;
    s = cg_read_verified_blob(img, st, cd, cg_json_int(cfgd, "size", -1), "config", &raw, err);
    if (s == CG_OK) {
        in->config_digest = cg_arena_strdup(&img->arena, cd);
        s = cg_parse_config(img, cd, &raw, err);
    }
    cg_buf_free(&raw);
    return s;
}

/* Follow a descriptor (index or manifest) down to one image manifest. */
static cg_status resolve(cg_image *img, cg_store *st, const json_t *desc, int depth, cg_error *err)
{
    const char *digest = cg_json_str(desc, "digest");
    const char *mt = cg_json_str(desc, "mediaType");
    if (depth > MAX_INDEX_DEPTH)
        return cg_error_set(err, CG_ERR_INPUT, "index nesting deeper than %d at %s", MAX_INDEX_DEPTH, digest);
    cg_buf raw = CG_BUF_INIT;
    const char *kind = is_index_type(mt) ? "index" : "manifest";
    cg_status s = cg_read_verified_blob(img, st, digest, cg_json_int(desc, "size", -1), kind, &raw, err);
    json_t *doc = NULL;
    if (s == CG_OK)
        s = cg_json_parse(raw.data, raw.len, cg_arena_sprintf(&img->arena, "%s %s", kind, digest), &doc, err);
    if (s != CG_OK) {
        cg_buf_free(&raw);
        return s;
    }
    const char *inner = cg_json_str(doc, "mediaType");
    const char *what = cg_arena_sprintf(&img->arena, "%s %s", kind, digest);
    if (img->want_index && (is_index_type(mt) || is_index_type(inner) || (!mt && !inner && json_object_get(doc, "manifests")))) {
        /* the reference's own index, kept whole: no platform is picked */
        s = cg_keep_index(img, raw.data, raw.len, digest, is_index_type(mt) ? mt : NULL, doc, err);
    } else if (is_index_type(mt) || is_index_type(inner) || (!mt && !inner && json_object_get(doc, "manifests"))) {
        const json_t *pick;
        s = json_is_array(json_object_get(doc, "manifests"))
                ? cg_pick_platform(img, json_object_get(doc, "manifests"), what, &pick, err)
                : cg_error_set(err, CG_ERR_INPUT, "%s: no manifests", what);
        if (s == CG_OK)
            s = resolve(img, st, pick, depth + 1, err);
    } else if (mt && strcmp(mt, CG_MT_OCI_MANIFEST) && strcmp(mt, CG_MT_DOCKER_MANIFEST)) {
        s = cg_error_set(err, CG_ERR_INPUT, "%s: unsupported media type %s", what, mt);
    } else {
        s = load_manifest(img, st, digest, doc, what, err);
        /* a single-image manifest: an explicit --platform must agree with its config */
        if (s == CG_OK && img->platform_explicit && img->info.os && img->info.architecture &&
            (strcmp(img->info.os, img->platform.os) || strcmp(img->info.architecture, img->platform.arch)))
            s = cg_error_set(err, CG_ERR_INPUT, "%s: image is %s/%s, not the requested platform %s", what,
                             img->info.os, img->info.architecture, img->platform.text);
    }
    json_decref(doc);
    cg_buf_free(&raw);
    return s;
}

cg_status cg_oci_resolve(cg_image *img, cg_store *st, const char *tag, cg_error *err)
{
    cg_buf raw = CG_BUF_INIT;
    cg_status s = cg_store_read(st, "index.json", img->opts.max_json_bytes, &raw, err);
    json_t *idx = NULL;
    if (s == CG_OK)
        s = cg_json_parse(raw.data, raw.len, "index.json", &idx, err);
    if (s != CG_OK) {
        cg_buf_free(&raw);
        return s;
    }
    const json_t *desc;
    s = pick_from_index(img, idx, tag, "index.json", &desc, err);
    if (s == CG_OK && !desc)
        s = cg_keep_index(img, raw.data, raw.len, NULL, NULL, idx, err);
    else if (s == CG_OK)
        s = resolve(img, st, desc, 0, err);
    cg_buf_free(&raw);
    json_decref(idx);
    return s;
}

static cg_status oci_open_layer(cg_image *img, size_t i, cg_blob *out, cg_error *err)
{
    oci_state *os = img->impl;
    const char *rel = cg_store_blob_path(&img->arena, img->info.layers[i].digest);
    uint64_t size;
    if (!rel)
        return cg_error_set(err, CG_ERR_INPUT, "layer %zu: invalid digest", i);
    return cg_store_open(&os->store, rel, &size, out, err);
}

static cg_status oci_open_blob(cg_image *img, const char *digest, int64_t size, cg_blob *out, cg_error *err)
{
    oci_state *os = img->impl;
    const char *rel = cg_store_blob_path(&img->arena, digest);
    uint64_t got;
    if (!rel)
        return cg_error_set(err, CG_ERR_INPUT, "blob: invalid digest \"%s\"", digest ? digest : "(none)");
    cg_status s = cg_store_open(&os->store, rel, &got, out, err);
    if (s == CG_OK && size >= 0 && got != (uint64_t)size) {
        out->close(out);
        s = cg_error_set(err, CG_ERR_INPUT, "blob %s: %llu bytes, but its descriptor says %lld", digest,
                         (unsigned long long)got, (long long)size);
    }
    return s;
}

static cg_status oci_read_manifest(cg_image *img, const char *digest, int64_t size, cg_buf *out, cg_error *err)
{
    oci_state *os = img->impl;
    return cg_read_verified_blob(img, &os->store, digest, size, "manifest", out, err);
}

static cg_status oci_open_child(cg_image *parent, cg_image *child, const char *digest, int64_t size,
                                const char *media_type, cg_error *err);

static void oci_close(cg_image *img)
{
    oci_state *os = img->impl;
    if (os) {
        cg_store_close(&os->store);
        free(os);
    }
    img->impl = NULL;
}

static const cg_transport oci_dir_tp = {"oci", oci_open_layer, NULL, oci_close,
                                        oci_open_blob, oci_read_manifest, oci_open_child, 1};
static const cg_transport oci_archive_tp = {"oci-archive", oci_open_layer, NULL, oci_close,
                                            oci_open_blob, oci_read_manifest, oci_open_child, 1};
/* a child of an index borrows its parent's layout: nothing to close */
static const cg_transport oci_child_tp = {"oci", oci_open_layer, NULL, NULL, oci_open_blob, oci_read_manifest, NULL, 1};

static cg_status oci_open_child(cg_image *parent, cg_image *child, const char *digest, int64_t size,
                                const char *media_type, cg_error *err)
{
    oci_state *os = parent->impl;
    child->impl = os;
    child->tp = &oci_child_tp;
    json_t *desc = json_object();
    if (!desc || json_object_set_new(desc, "digest", json_string(digest ? digest : "")) ||
        (size >= 0 && json_object_set_new(desc, "size", json_integer(size))) ||
        (media_type && json_object_set_new(desc, "mediaType", json_string(media_type)))) {
        json_decref(desc);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    cg_status s = resolve(child, &os->store, desc, 1, err);
    json_decref(desc);
    return s;
}

static cg_status open_common(cg_image *img, const char *path, const char *tag, int archive, cg_error *err)
{
    oci_state *os = calloc(1, sizeof *os);
    if (!os)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    os->store.dirfd = -1;
    os->store.tar.fd = -1;
    img->impl = os;
    img->tp = archive ? &oci_archive_tp : &oci_dir_tp;
    cg_status s = archive ? cg_store_open_tar(&os->store, path, &img->arena, err)
                          : cg_store_open_dir(&os->store, path, err);
    if (s != CG_OK)
        return s;
    if (!cg_store_exists(&os->store, "oci-layout"))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not an OCI image layout (no oci-layout file)", path);
    s = cg_oci_resolve(img, &os->store, tag, err);
    if (s != CG_OK)
        return s;
    img->info.tag = cg_arena_strdup(&img->arena, tag);
    return CG_OK;
}

cg_status cg_oci_dir_open(cg_image *img, const char *dir, const char *tag, cg_error *err)
{
    return open_common(img, dir, tag, 0, err);
}

cg_status cg_oci_archive_open(cg_image *img, const char *path, const char *tag, cg_error *err)
{
    return open_common(img, path, tag, 1, err);
}
