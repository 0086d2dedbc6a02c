/*
 * push_image.c - pushing one image from any transport to a registry: its
 * content read from the source (cp_load: the source's own manifest bytes
 * when it has them, so the digest is kept; a Docker v2 manifest built for a
 * docker-archive that has none), then blobs (HEAD, mount or upload, through
 * the registry client's public API), the manifest by digest, the before-tag
 * hook (signing), the tag last.  cp_push_content is shared with
 * push_index.c, cp_load with layout.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copy/copy_internal.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/store.h"
#include "image/transport.h"

/* "oci:DIR[:TAG]" / "docker-archive:PATH[:...]" / PATH -> the file or directory. */
static const char *source_path(cg_image *img)
{
    const char *ref = img->info.ref;
    static const char *const pfx[] = {"docker-archive:", "oci-archive:", "oci:"};
    for (size_t i = 0; i < 3; i++)
        if (!strncmp(ref, pfx[i], strlen(pfx[i]))) {
            ref += strlen(pfx[i]);
            break;
        }
    struct stat sb;
    if (stat(ref, &sb) == 0)
        return ref;
    for (const char *c = strchr(ref, ':'); c; c = strchr(c + 1, ':')) {
        char *pre = cg_arena_strndup(&img->arena, ref, (size_t)(c - ref));
        if (pre && stat(pre, &sb) == 0)
            return pre;
    }
    return ref;
}

static cg_status read_verified(cg_store *st, const char *rel, const char *digest, uint64_t max, cg_buf *out,
                               const char *what, cg_error *err)
{
    cg_buf_reset(out);
    cg_status s = cg_store_read(st, rel, max, out, err);
    char got[CG_DIGEST_STR_LEN + 1];
    if (s == CG_OK)
        s = cg_sha256_str(out->data ? out->data : "", out->len, got);
    if (s == CG_OK && strcmp(got, digest))
        s = cg_error_set(err, CG_ERR_INPUT, "%s %s: content has digest %s", what, digest, got);
    return s;
}

/* A Docker v2 manifest for a docker-archive that has none. */
static cg_status build_manifest(cg_image *img, cp_src *ps, cg_error *err)
{
    cg_buf *m = &ps->manifest;
    cg_buf_reset(m);
    cg_status s = cg_buf_printf(m,
                                "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
                                "\"application/vnd.docker.container.image.v1+json\",\"size\":%zu,\"digest\":\"%s\"},\"layers\":[",
                                CG_MT_DOCKER_MANIFEST, ps->config.len, img->info.config_digest);
    for (size_t i = 0; i < img->info.n_layers && s == CG_OK; i++) {
        const cg_layer_info *l = &img->info.layers[i];
        const char *mt = l->media_type;
        if (!mt || !strncmp(mt, "application/vnd.oci.", 20))
            mt = l->digest && l->media_type && strstr(l->media_type, "gzip") ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                 : l->media_type && strstr(l->media_type, "zstd") ? l->media_type
                                                                   : "application/vnd.docker.image.rootfs.diff.tar";
        s = cg_buf_printf(m, "%s{\"mediaType\":\"%s\",\"size\":%lld,\"digest\":\"%s\"}", i ? "," : "", mt,
                          (long long)l->size, ps->layer_digest[i]);
    }
    if (s == CG_OK)
        s = cg_buf_puts(m, "]}");
    snprintf(ps->media_type, sizeof ps->media_type, "%s", CG_MT_DOCKER_MANIFEST);
    return s == CG_OK ? CG_OK : cg_error_set(err, s, "out of memory");
}

cg_status cp_load(cg_image *img, cp_src *ps, cg_error *err)
{
    const cg_image_info *in = &img->info;
    const char *tp = in->transport ? in->transport : "";
    if (!strcmp(tp, "dir") || !strcmp(tp, "fs"))
        return cg_error_set(err, CG_ERR_USAGE,
                            "a dir: image is a root filesystem, not layers: build an image (oci:, docker-archive:) to push");
    ps->layer_digest = cg_arena_calloc(&img->arena, in->n_layers + 1, sizeof *ps->layer_digest);
    if (!ps->layer_digest)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < in->n_layers; i++) {
        ps->layer_digest[i] = in->layers[i].digest ? in->layers[i].digest : in->layers[i].diff_id;
        if (!ps->layer_digest[i] || in->layers[i].size < 0)
            return cg_error_set(err, CG_ERR_INPUT, "layer %zu: no digest or size to push it under", i);
    }
    if (!strcmp(tp, "docker")) {
        const char *man, *mt, *cfg;
        size_t ml, cl;
        cg_status s = cg_registry_image_raw(img, &man, &ml, &mt, &cfg, &cl, err);
        if (s == CG_OK && (cg_buf_append(&ps->manifest, man, ml) || cg_buf_append(&ps->config, cfg, cl)))
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        snprintf(ps->media_type, sizeof ps->media_type, "%s", mt);
        return s;
    }
    if (strcmp(tp, "oci") && strcmp(tp, "oci-archive") && strcmp(tp, "docker-archive"))
        return cg_error_set(err, CG_ERR_USAGE, "cannot push from the %s transport", tp);
    cg_store st;
    memset(&st, 0, sizeof st);
    st.dirfd = -1;
    st.tar.fd = -1;
    const char *path = source_path(img);
    cg_status s = !strcmp(tp, "oci") ? cg_store_open_dir(&st, path, err) : cg_store_open_tar(&st, path, &img->arena, err);
    uint64_t max = img->opts.max_json_bytes;
    if (s == CG_OK) {
        const char *rel = cg_store_blob_path(&img->arena, in->config_digest);
        if (!strcmp(tp, "docker-archive") && (!rel || !cg_store_exists(&st, rel)))
            rel = cg_arena_sprintf(&img->arena, "%s.json", in->config_digest + 7);
        s = rel ? read_verified(&st, rel, in->config_digest, max, &ps->config, "config", err)
                : cg_error_set(err, CG_ERR_INPUT, "no config digest");
    }
    if (s == CG_OK && in->manifest_digest) {
        const char *rel = cg_store_blob_path(&img->arena, in->manifest_digest);
        s = read_verified(&st, rel, in->manifest_digest, max, &ps->manifest, "manifest", err);
        json_t *doc = NULL;
        if (s == CG_OK)
            s = cg_json_parse(ps->manifest.data, ps->manifest.len, "manifest", &doc, err);
        if (s == CG_OK) {
            const char *mt = cg_json_str(doc, "mediaType");
            const char *cmt = cg_json_str(json_object_get(doc, "config"), "mediaType");
            if (!mt)
                mt = cmt && !strcmp(cmt, "application/vnd.docker.container.image.v1+json") ? CG_MT_DOCKER_MANIFEST
                                                                                           : CG_MT_OCI_MANIFEST;
            snprintf(ps->media_type, sizeof ps->media_type, "%s", mt);
        }
        json_decref(doc);
    } else if (s == CG_OK) {
        s = build_manifest(img, ps, err);
    }
    cg_store_close(&st);
    return s;
}

void cp_src_free(cp_src *ps)
{
    cg_buf_free(&ps->manifest);
    cg_buf_free(&ps->config);
}

cg_status cg_copy_manifest_digest(cg_image *img, char digest[CG_REF_DIGEST_MAX], cg_error *err)
{
    cp_src ps;
    memset(&ps, 0, sizeof ps);
    cg_status s = cp_load(img, &ps, err);
    if (s == CG_OK)
        s = cg_sha256_str(ps.manifest.data, ps.manifest.len, digest);
    cp_src_free(&ps);
    return s;
}

void cp_count(cg_push_result *res, const char *what)
{
    res->blobs++;
    res->uploaded += !strcmp(what, "uploaded");
    res->skipped += !strcmp(what, "exists");
    res->mounted += !strcmp(what, "mounted");
}

const char *cp_mount_from(cg_image *img, const cg_ref *dest)
{
    const cg_image_info *in = &img->info;
    cg_ref src;
    cg_error e;
    /* a docker:// source on the same registry: offer the registry a mount */
    if (!strcmp(in->transport, "docker") && cg_ref_parse(in->ref, &src, &e) == CG_OK &&
        !strcmp(src.registry, dest->registry))
        return cg_arena_strdup(&img->arena, src.repository);
    return NULL;
}

/* Where an upload's bytes come from: layer i of img, or (digest set) any
 * blob of img's source by digest. */
typedef struct blob_src {
    cg_image *img;
    size_t layer;
    const char *digest;
    int64_t size;
    cg_blob blob;
    int open;
} blob_src;

static ssize_t blob_src_read(void *ud, void *buf, size_t n, cg_error *err)
{
    blob_src *b = ud;
    return b->blob.read(&b->blob, buf, n, err);
}

static cg_status blob_src_rewind(void *ud, cg_error *err)
{
    blob_src *b = ud;
    if (b->open)
        b->blob.close(&b->blob);
    b->open = 0;
    cg_status s = b->digest ? b->img->tp->open_blob(b->img, b->digest, b->size, &b->blob, err)
                            : b->img->tp->open_layer(b->img, b->layer, &b->blob, err);
    b->open = s == CG_OK;
    return s;
}

/* HEAD; when absent, mount from `from` or upload from b (opened by the
 * client's rewind only when its bytes must be sent). */
static cg_status push_streamed(cg_registry *r, const cg_ref *dest, const char *digest, uint64_t size, const char *from,
                               blob_src *b, const char **what, cg_error *err)
{
    cg_upload_source src = {blob_src_read, blob_src_rewind, b};
    cg_status s = cg_registry_push_blob(r, dest, digest, size, from, &src, what, err);
    if (b->open)
        b->blob.close(&b->blob);
    b->open = 0;
    return s;
}

cg_status cp_push_blob_of(cg_registry *r, cg_image *img, const char *digest, int64_t size, const cg_ref *dest,
                           const char *from, cg_push_result *res, cg_error *err)
{
    if (!img->tp->open_blob)
        return cg_error_set(err, CG_ERR_INTERNAL, "the %s transport cannot read blobs by digest", img->info.transport);
    if (size < 0)
        return cg_error_set(err, CG_ERR_INPUT, "blob %s: no size to push it under", digest);
    blob_src b = {img, 0, digest, size, {0}, 0};
    const char *what = NULL;
    cg_status s = push_streamed(r, dest, digest, (uint64_t)size, from, &b, &what, err);
    if (s == CG_OK)
        cp_count(res, what);
    return s;
}

cg_status cp_push_content(cg_registry *r, cg_image *img, const cp_src *ps, const cg_ref *dest,
                           const char *from, cg_push_result *res, char digest[CG_REF_DIGEST_MAX], cg_error *err)
{
    const cg_image_info *in = &img->info;
    const char *what = NULL;
    cg_status s = cg_registry_push_blob_buf(r, dest, in->config_digest, ps->config.data, ps->config.len, from, &what,
                                            err);
    if (s == CG_OK)
        cp_count(res, what);
    for (size_t i = 0; s == CG_OK && i < in->n_layers; i++) {
        blob_src b = {img, i, NULL, in->layers[i].size, {0}, 0};
        s = push_streamed(r, dest, ps->layer_digest[i], (uint64_t)in->layers[i].size, from, &b, &what, err);
        if (s == CG_OK)
            cp_count(res, what);
        else
            cg_error_prefix(err, "layer %zu", i);
    }
    if (s == CG_OK && cg_sha256_str(ps->manifest.data, ps->manifest.len, digest) != CG_OK)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* by digest: a tag is only ever set on a complete image */
    if (s == CG_OK)
        s = cg_registry_put_manifest(r, dest, digest, ps->media_type, ps->manifest.data, ps->manifest.len, NULL, err);
    return s;
}

cg_status cg_copy_push_image(cg_registry *r, cg_image *img, const cg_ref *dest, const cg_push_opts *opts,
                                 cg_push_result *res, cg_error *err)
{
    memset(res, 0, sizeof *res);
    cp_src ps;
    memset(&ps, 0, sizeof ps);
    uint64_t up0 = cg_registry_get_stats(r)->bytes_uploaded;
    cg_status s = cp_load(img, &ps, err);
    if (s == CG_OK)
        s = cp_push_content(r, img, &ps, dest, cp_mount_from(img, dest), res, res->digest, err);
    res->bytes_uploaded = cg_registry_get_stats(r)->bytes_uploaded - up0;
    snprintf(res->media_type, sizeof res->media_type, "%s", ps.media_type);
    if (s == CG_OK && opts && opts->before_tag)
        s = opts->before_tag(opts->hook_ud, r, dest, res->digest, err);
    if (s == CG_OK && dest->tag[0])
        s = cg_registry_put_manifest(r, dest, dest->tag, ps.media_type, ps.manifest.data, ps.manifest.len, NULL, err);
    cp_src_free(&ps);
    return s;
}
