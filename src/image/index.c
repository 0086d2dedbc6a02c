/*
 * index.c - a multi-platform index opened whole (cg_image_open_index), for
 * copying a source with every platform: the index's exact bytes, its
 * entries classified (platform image, attestation or other artifact, nested
 * index), and each platform image opened on demand through the transport's
 * open_child, sharing the source's layout or registry connection.
 * Finding the index is the transports' business (oci_layout.c,
 * registry_transport.c stop at it when img->want_index); this file only
 * keeps it and reads its descriptors.  It never picks a platform.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/mediatype.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/image_internal.h"

#define MAX_INDEX_ENTRIES 1000

struct cg_image_index {
    cg_image *src; /* the source, opened only as far as its index */
    cg_index_info info;
    cg_index_entry *entries;
};

cg_status cg_keep_index(cg_image *img, const char *raw, size_t len, const char *digest, const char *media_type,
                        json_t *doc, cg_error *err)
{
    char d[CG_DIGEST_STR_LEN + 1];
    if (!digest) {
        if (cg_sha256_str(raw, len, d) != CG_OK)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        digest = d;
    }
    if (!json_is_array(json_object_get(doc, "manifests")))
        return cg_error_set(err, CG_ERR_INPUT, "index %s: no manifests", digest);
    if (!media_type)
        media_type = cg_json_str(doc, "mediaType");
    if (!media_type || (strcmp(media_type, CG_MT_OCI_INDEX) && strcmp(media_type, CG_MT_DOCKER_LIST)))
        media_type = CG_MT_OCI_INDEX;
    char *copy = cg_arena_alloc(&img->arena, len + 1);
    if (!copy)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    memcpy(copy, raw, len);
    copy[len] = 0;
    img->index_raw = copy;
    img->index_len = len;
    img->index_digest = cg_arena_strdup(&img->arena, digest);
    img->index_media_type = cg_arena_strdup(&img->arena, media_type);
    img->index_doc = json_incref(doc);
    return CG_OK;
}

static int is_manifest_type(const char *mt)
{
    return !mt || !strcmp(mt, CG_MT_OCI_MANIFEST) || !strcmp(mt, CG_MT_DOCKER_MANIFEST);
}

static cg_index_kind classify(const json_t *d, const char *mt)
{
    if (mt && (!strcmp(mt, CG_MT_OCI_INDEX) || !strcmp(mt, CG_MT_DOCKER_LIST)))
        return CG_INDEX_NESTED;
    if (!is_manifest_type(mt))
        return CG_INDEX_OTHER;
    const json_t *p = json_object_get(d, "platform");
    const char *os = cg_json_str(p, "os"), *arch = cg_json_str(p, "architecture");
    if ((os && !strcmp(os, "unknown") && arch && !strcmp(arch, "unknown")) ||
        cg_json_str(json_object_get(d, "annotations"), "vnd.docker.reference.type"))
        return CG_INDEX_ARTIFACT;
    return CG_INDEX_IMAGE;
}

static cg_status read_entries(cg_image_index *x, cg_error *err)
{
    cg_image *src = x->src;
    const json_t *ms = json_object_get(src->index_doc, "manifests");
    size_t n = json_array_size(ms);
    if (n == 0)
        return cg_error_set(err, CG_ERR_INPUT, "index %s: no manifests", src->index_digest);
    if (n > MAX_INDEX_ENTRIES)
        return cg_error_set(err, CG_ERR_LIMIT, "index %s: %zu entries, over the %d-entry cap", src->index_digest, n,
                            MAX_INDEX_ENTRIES);
    x->entries = cg_arena_calloc(&src->arena, n, sizeof *x->entries);
    if (!x->entries)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *d = json_array_get(ms, i);
        cg_index_entry *e = &x->entries[i];
        const char *digest = cg_json_str(d, "digest");
        if (!cg_digest_valid(digest))
            return cg_error_set(err, CG_ERR_INPUT, "index %s: manifests[%zu] has no valid sha256 digest",
                                src->index_digest, i);
        e->digest = cg_arena_strdup(&src->arena, digest);
        e->media_type = cg_arena_strdup(&src->arena, cg_json_str(d, "mediaType"));
        e->size = cg_json_int(d, "size", -1);
        e->platform = cg_platform_str(&src->arena, json_object_get(d, "platform"));
        e->kind = classify(d, e->media_type);
        if (!e->digest || !e->platform)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        x->info.n_images += e->kind == CG_INDEX_IMAGE;
    }
    x->info.entries = x->entries;
    x->info.n_entries = n;
    return CG_OK;
}

cg_status cg_image_open_index(const char *ref, const cg_image_opts *opts, cg_image_index **index,
                              cg_image **image, cg_error *err)
{
    *index = NULL;
    *image = NULL;
    cg_image *img;
    cg_status s = cg_image_open_ex(ref, opts, 1, &img, err);
    if (s != CG_OK)
        return s;
    if (!img->index_doc) {
        *image = img;
        return CG_OK;
    }
    cg_image_index *x = calloc(1, sizeof *x);
    if (!x) {
        cg_image_close(img);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    x->src = img;
    x->info.ref = img->info.ref;
    x->info.transport = img->info.transport;
    x->info.digest = img->index_digest;
    x->info.media_type = img->index_media_type;
    x->info.data = img->index_raw;
    x->info.len = img->index_len;
    s = read_entries(x, err);
    if (s != CG_OK) {
        if (!strstr(err->msg, ref))
            cg_error_prefix(err, "image %s", ref);
        cg_image_index_close(x);
        return s;
    }
    *index = x;
    return CG_OK;
}

const cg_index_info *cg_image_index_get_info(const cg_image_index *x)
{
    return &x->info;
}

cg_image *cg_image_index_source(cg_image_index *x)
{
    return x->src;
}

cg_status cg_image_index_open_image(cg_image_index *x, size_t i, cg_image **out, cg_error *err)
{
    *out = NULL;
    if (i >= x->info.n_entries)
        return cg_error_set(err, CG_ERR_INTERNAL, "index entry %zu of %zu", i, x->info.n_entries);
    const cg_index_entry *e = &x->entries[i];
    cg_image *src = x->src;
    if (e->kind != CG_INDEX_IMAGE)
        return cg_error_set(err, CG_ERR_INPUT, "index %s entry %zu (%s): not a platform's image manifest",
                            x->info.digest, i, e->platform);
    if (!src->tp || !src->tp->open_child)
        return cg_error_set(err, CG_ERR_INTERNAL, "the %s transport cannot open index entries", x->info.transport);
    cg_image_opts o = src->opts;
    o.platform = NULL;
    cg_image *c;
    cg_status s = cg_image_new(src->info.ref, &o, &c, err);
    if (s != CG_OK)
        return s;
    c->info.transport = src->info.transport;
    c->info.name = cg_arena_strdup(&c->arena, src->info.name);
    c->info.tag = cg_arena_strdup(&c->arena, src->info.tag);
    s = src->tp->open_child(src, c, e->digest, e->size, e->media_type, err);
    /* an entry that says "manifest" but is an index would have been narrowed to some platform */
    if (s == CG_OK && (!c->info.manifest_digest || strcmp(c->info.manifest_digest, e->digest)))
        s = cg_error_set(err, CG_ERR_INPUT, "not an image manifest (it leads to %s)",
                         c->info.manifest_digest ? c->info.manifest_digest : "no manifest");
    if (s != CG_OK) {
        cg_error_prefix(err, "image %s: index %s entry %zu (%s)", src->info.ref, x->info.digest, i, e->platform);
        cg_image_close(c);
        return s;
    }
    *out = c;
    return CG_OK;
}

void cg_image_index_close(cg_image_index *x)
{
    if (!x)
        return;
    cg_image_close(x->src);
    free(x);
}
