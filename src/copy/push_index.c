/*
 * push_index.c - pushing a multi-platform index whole: every entry is opened
 * and checked before the first byte is sent, then each platform's image
 * (blobs, manifest by digest, as push_image.c pushes one image) and each
 * attestation or other artifact manifest (its blobs copied as they are),
 * then the index's own bytes by digest (so the registry has the source's
 * digest), the before-tag hook with the index digest, and the tag last.
 * Nested indexes are refused: registries reject an index whose children are
 * missing, and cgate copies one level.  Reading the index is src/image's
 * business (index.c); this file only copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy/copy_internal.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/image_internal.h"
#include "image/transport.h"

#define MAX_ARTIFACT_BLOBS 1000

cg_status cp_artifact_load(cg_image *src, const cg_index_entry *e, cp_artifact *a, cg_error *err)
{
    if (!src->tp->read_manifest)
        return cg_error_set(err, CG_ERR_INTERNAL, "the %s transport cannot read manifests by digest", src->info.transport);
    cg_status s = src->tp->read_manifest(src, e->digest, e->size, &a->manifest, err);
    json_t *doc = NULL;
    if (s == CG_OK)
        s = cg_json_parse(a->manifest.data, a->manifest.len, "manifest", &doc, err);
    if (s != CG_OK)
        return s;
    const json_t *cfg = json_object_get(doc, "config"), *layers = json_object_get(doc, "layers");
    size_t nl = json_array_size(layers);
    if (!json_is_object(doc) || (cfg && !json_is_object(cfg)) || (layers && !json_is_array(layers)))
        s = cg_error_set(err, CG_ERR_INPUT, "manifest %s: malformed config or layers", e->digest);
    else if (nl > MAX_ARTIFACT_BLOBS)
        s = cg_error_set(err, CG_ERR_LIMIT, "manifest %s: %zu layers, over the %d-layer cap", e->digest, nl,
                         MAX_ARTIFACT_BLOBS);
    if (s == CG_OK) {
        a->digest = cg_arena_calloc(&src->arena, nl + 1, sizeof *a->digest);
        a->size = cg_arena_calloc(&src->arena, nl + 1, sizeof *a->size);
        if (!a->digest || !a->size)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; s == CG_OK && i < nl + 1; i++) {
        const json_t *d = i ? json_array_get(layers, i - 1) : cfg;
        if (!d)
            continue;
        const char *digest = cg_json_str(d, "digest");
        int64_t size = cg_json_int(d, "size", -1);
        if ((!cg_digest_valid(digest) || size < 0) && i)
            s = cg_error_set(err, CG_ERR_INPUT, "manifest %s: layers[%zu] has no valid digest and size", e->digest, i - 1);
        else if (!cg_digest_valid(digest) || size < 0)
            s = cg_error_set(err, CG_ERR_INPUT, "manifest %s: config has no valid digest and size", e->digest);
        else {
            a->digest[a->n] = cg_arena_strdup(&src->arena, digest);
            a->size[a->n++] = size;
        }
    }
    const char *mt = e->media_type ? e->media_type : cg_json_str(doc, "mediaType");
    a->media_type = cg_arena_strdup(&src->arena, mt ? mt : CG_MT_OCI_MANIFEST);
    json_decref(doc);
    return s;
}

static cg_status push_artifact(cg_registry *r, cg_image *src, const cg_index_entry *e, const cp_artifact *a,
                               const cg_ref *dest, const char *from, cg_push_result *res, cg_error *err)
{
    cg_status s = CG_OK;
    for (size_t i = 0; s == CG_OK && i < a->n; i++)
        s = cp_push_blob_of(r, src, a->digest[i], a->size[i], dest, from, res, err);
    if (s == CG_OK)
        s = cg_registry_put_manifest(r, dest, e->digest, a->media_type, a->manifest.data, a->manifest.len, NULL, err);
    return s;
}

/* Open and check entry i: everything a push of it will read, read now. */
static cg_status load_entry(cg_image_index *x, size_t i, cg_image **img, cp_src *ps, cp_artifact *a,
                            cg_error *err)
{
    const cg_index_info *xi = cg_image_index_get_info(x);
    const cg_index_entry *e = &xi->entries[i];
    cg_image *src = cg_image_index_source(x);
    cg_status s;
    switch (e->kind) {
    case CG_INDEX_IMAGE:
        s = cg_image_index_open_image(x, i, img, err);
        if (s != CG_OK)
            return s; /* named the entry already */
        s = cp_load(*img, ps, err);
        break;
    case CG_INDEX_ARTIFACT:
        s = cp_artifact_load(src, e, a, err);
        break;
    case CG_INDEX_NESTED:
        s = cg_error_set(err, CG_ERR_INPUT, "is itself an index (%s): nested indexes are not pushed", e->media_type);
        break;
    default:
        s = cg_error_set(err, CG_ERR_INPUT, "has media type %s, which cannot be pushed", e->media_type);
        break;
    }
    if (s != CG_OK)
        cg_error_prefix(err, "image %s: index %s entry %zu (%s)", xi->ref, xi->digest, i, e->platform);
    return s;
}

cg_status cg_copy_push_index(cg_registry *r, cg_image_index *x, const cg_ref *dest, const cg_push_opts *opts,
                                 cg_push_result *res, cg_error *err)
{
    memset(res, 0, sizeof *res);
    const cg_index_info *xi = cg_image_index_get_info(x);
    cg_image *src = cg_image_index_source(x);
    size_t n = xi->n_entries;
    cg_image **imgs = calloc(n, sizeof *imgs);
    cp_src *ps = calloc(n, sizeof *ps);
    cp_artifact *arts = calloc(n, sizeof *arts);
    cg_status s = imgs && ps && arts ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == CG_OK && i < n; i++)
        s = load_entry(x, i, &imgs[i], &ps[i], &arts[i], err);
    const char *from = cp_mount_from(src, dest);
    uint64_t up0 = cg_registry_get_stats(r)->bytes_uploaded;
    for (size_t i = 0; s == CG_OK && i < n; i++) {
        const cg_index_entry *e = &xi->entries[i];
        char digest[CG_REF_DIGEST_MAX];
        if (imgs[i]) {
            s = cp_push_content(r, imgs[i], &ps[i], dest, from, res, digest, err);
            res->platforms += s == CG_OK;
        } else {
            s = push_artifact(r, src, e, &arts[i], dest, from, res, err);
            res->artifacts += s == CG_OK;
        }
        if (s != CG_OK)
            cg_error_prefix(err, "index entry %zu (%s)", i, e->platform);
    }
    res->bytes_uploaded = cg_registry_get_stats(r)->bytes_uploaded - up0;
    res->is_index = 1;
    snprintf(res->digest, sizeof res->digest, "%s", xi->digest);
    snprintf(res->media_type, sizeof res->media_type, "%s", xi->media_type);
    /* the source's own bytes, by digest, once every child is there */
    if (s == CG_OK)
        s = cg_registry_put_manifest(r, dest, xi->digest, xi->media_type, xi->data, xi->len, NULL, err);
    if (s == CG_OK && opts && opts->before_tag)
        s = opts->before_tag(opts->hook_ud, r, dest, xi->digest, err);
    if (s == CG_OK && dest->tag[0])
        s = cg_registry_put_manifest(r, dest, dest->tag, xi->media_type, xi->data, xi->len, NULL, err);
    for (size_t i = 0; i < n && imgs && ps && arts; i++) {
        cg_image_close(imgs[i]);
        cp_src_free(&ps[i]);
        cg_buf_free(&arts[i].manifest);
    }
    free(imgs);
    free(ps);
    free(arts);
    return s;
}
