/*
 * layout.c - copying one image from any transport into an OCI image layout
 * (`cgate pull`): the same source reading as a push (cp_load in push_image.c: the
 * source's own manifest bytes, so the digest is kept; the transport's layer
 * streams), written to disk instead of a registry.
 *
 * Every blob goes to a temporary file in blobs/sha256/, hashed on the way,
 * and is renamed to its digest only when the bytes match; a blob already
 * there is re-hashed and replaced when it does not match.  index.json is
 * written last, whole (temporary file + rename), with the tag's entry
 * replaced.  An interrupted copy leaves at most complete, verified blobs
 * that no index entry names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy/copy_internal.h"
#include "core/digest.h"
#include "core/json.h"
#include "core/outfile.h"
#include "image/image_internal.h"
#include "image/store.h"
#include "image/transport.h"

#define LAYOUT_INDEX_MAX (16u << 20)
#define ANN_REF_NAME "org.opencontainers.image.ref.name"

/* A directory that must exist (created 0755 when missing). */
static cg_status ensure_dir(const char *path, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return cg_error_set(err, CG_ERR_IO, "%s exists and is not a directory", path);
        return CG_OK;
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return cg_error_set(err, CG_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    return CG_OK;
}

/* dir is an OCI layout, or empty / missing (then it becomes one). */
static cg_status prepare(const char *dir, cg_error *err)
{
    char p[4200];
    cg_status s = ensure_dir(dir, err);
    if (s != CG_OK)
        return s;
    snprintf(p, sizeof p, "%s/oci-layout", dir);
    struct stat sb;
    if (stat(p, &sb) != 0) {
        snprintf(p, sizeof p, "%s/index.json", dir);
        if (stat(p, &sb) == 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s has an index.json but no oci-layout file: not an OCI layout cgate will write into", dir);
        snprintf(p, sizeof p, "%s/oci-layout", dir);
        static const char layout[] = "{\"imageLayoutVersion\": \"1.0.0\"}";
        if ((s = cg_write_output(p, layout, sizeof layout - 1, err)) != CG_OK)
            return s;
    }
    snprintf(p, sizeof p, "%s/blobs", dir);
    if ((s = ensure_dir(p, err)) != CG_OK)
        return s;
    snprintf(p, sizeof p, "%s/blobs/sha256", dir);
    return ensure_dir(p, err);
}

/* sha256 of the file at path ("" when it cannot be read) and its size. */
static void file_digest(const char *path, char out[CG_DIGEST_STR_LEN + 1], int64_t *size)
{
    out[0] = 0;
    *size = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    cg_sha256 h;
    if (cg_sha256_init(&h) != CG_OK) {
        close(fd);
        return;
    }
    unsigned char buf[1 << 16];
    ssize_t n;
    int64_t total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        cg_sha256_update(&h, buf, (size_t)n);
        total += n;
    }
    if (n == 0) {
        cg_sha256_final_str(&h, out);
        *size = total;
    } else {
        cg_sha256_dispose(&h);
    }
    close(fd);
}

/* Where blob bytes come from: memory, or a transport stream. */
typedef struct blob_in {
    const unsigned char *mem;
    size_t len, off;
    cg_blob stream;
    int is_stream;
} blob_in;

static ssize_t blob_in_read(blob_in *in, void *buf, size_t n, cg_error *err)
{
    if (in->is_stream)
        return in->stream.read(&in->stream, buf, n, err);
    size_t k = in->len - in->off < n ? in->len - in->off : n;
    memcpy(buf, in->mem + in->off, k);
    in->off += k;
    return (ssize_t)k;
}

/* Is blob `digest` already in dir with those bytes (re-hashed, not trusted)? */
static bool have_blob(const char *dir, const char *digest, int64_t size)
{
    char path[4300], have[CG_DIGEST_STR_LEN + 1];
    int64_t have_size;
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, digest + 7);
    file_digest(path, have, &have_size);
    return have[0] && !strcmp(have, digest) && (size < 0 || have_size == size);
}

/* Write blob `digest` (size bytes) from in: a temporary file, renamed into
 * place only when the bytes match. */
static cg_status put_blob(const char *dir, const char *digest, int64_t size, blob_in *in, cg_error *err)
{
    char path[4300], tmp[4320];
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, digest + 7);
    snprintf(tmp, sizeof tmp, "%s/blobs/sha256/.cgate-tmp-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "cannot create a file in %s/blobs/sha256: %s", dir, strerror(errno));
    cg_sha256 h;
    cg_status s = cg_sha256_init(&h);
    if (s != CG_OK) {
        close(fd);
        unlink(tmp);
        return cg_error_set(err, s, "sha256 failed");
    }
    unsigned char buf[1 << 16];
    int64_t total = 0;
    while (s == CG_OK) {
        ssize_t n = blob_in_read(in, buf, sizeof buf, err);
        if (n < 0) {
            s = err->status != CG_OK ? err->status : CG_ERR_INPUT;
            break;
        }
        if (n == 0)
            break;
        total += n;
        if (size >= 0 && total > size) {
            s = cg_error_set(err, CG_ERR_INPUT, "blob %s: more than the %lld bytes its descriptor says", digest,
                             (long long)size);
            break;
        }
        cg_sha256_update(&h, buf, (size_t)n);
        for (ssize_t off = 0; s == CG_OK && off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                s = cg_error_set(err, CG_ERR_IO, "writing %s: %s", tmp, w < 0 ? strerror(errno) : "short write");
            else
                off += w;
        }
    }
    char got[CG_DIGEST_STR_LEN + 1] = "";
    cg_sha256_final_str(&h, got);
    if (s == CG_OK && strcmp(got, digest))
        s = cg_error_set(err, CG_ERR_INPUT, "blob %s: content has digest %s", digest, got);
    if (s == CG_OK && size >= 0 && total != size)
        s = cg_error_set(err, CG_ERR_INPUT, "blob %s: %lld bytes, its descriptor says %lld", digest, (long long)total,
                         (long long)size);
    if (s == CG_OK && fsync(fd) != 0)
        s = cg_error_set(err, CG_ERR_IO, "writing %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && s == CG_OK)
        s = cg_error_set(err, CG_ERR_IO, "writing %s: %s", tmp, strerror(errno));
    if (s == CG_OK && rename(tmp, path) != 0)
        s = cg_error_set(err, CG_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (s != CG_OK)
        unlink(tmp);
    return s;
}

/* index.json with the entry for tag (or the untagged entry) replaced. */
static cg_status write_index(const char *dir, const char *tag, const char *media_type, const char *digest,
                             size_t size, cg_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/index.json", dir);
    json_t *idx = NULL, *ms = NULL;
    cg_store st;
    memset(&st, 0, sizeof st);
    st.dirfd = -1;
    st.tar.fd = -1;
    struct stat sb;
    cg_status s = CG_OK;
    if (stat(path, &sb) == 0) {
        cg_buf raw = CG_BUF_INIT;
        s = cg_store_open_dir(&st, dir, err);
        if (s == CG_OK)
            s = cg_store_read(&st, "index.json", LAYOUT_INDEX_MAX, &raw, err);
        if (s == CG_OK)
            s = cg_json_parse(raw.data, raw.len, path, &idx, err);
        cg_buf_free(&raw);
        cg_store_close(&st);
        if (s == CG_OK && (!json_is_object(idx) || !json_is_array(json_object_get(idx, "manifests"))))
            s = cg_error_set(err, CG_ERR_INPUT, "%s: not an OCI image index (no manifests array)", path);
    } else {
        idx = json_pack("{s:i, s:[]}", "schemaVersion", 2, "manifests");
    }
    if (s == CG_OK && !idx)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (s == CG_OK) {
        json_object_set_new(idx, "schemaVersion", json_integer(2));
        if (!json_object_get(idx, "mediaType"))
            json_object_set_new(idx, "mediaType", json_string(CG_MT_OCI_INDEX));
        ms = json_object_get(idx, "manifests");
        /* the tag names one image: drop the entry that had it (or, untagged, the same digest untagged) */
        for (size_t i = json_array_size(ms); i-- > 0;) {
            const json_t *e = json_array_get(ms, i);
            const char *name = cg_json_str(json_object_get(e, "annotations"), ANN_REF_NAME);
            const char *d = cg_json_str(e, "digest");
            if ((tag && *tag && name && !strcmp(name, tag)) || ((!tag || !*tag) && !name && d && !strcmp(d, digest)))
                json_array_remove(ms, i);
        }
        json_t *desc = json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size", (json_int_t)size);
        if (desc && tag && *tag)
            json_object_set_new(desc, "annotations", json_pack("{s:s}", ANN_REF_NAME, tag));
        if (!desc || json_array_append_new(ms, desc) != 0)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (s == CG_OK) {
        char *text = json_dumps(idx, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        s = text ? cg_write_output(path, text, strlen(text), err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        free(text);
    }
    json_decref(idx);
    return s;
}

/* Copy blob `digest` of size bytes from a transport stream (open_layer when
 * layer >= 0, else open_blob), unless a matching file is there already (it
 * is then never opened). */
static cg_status copy_stream(cg_image *img, const char *dir, long layer, const char *digest, int64_t size,
                             cg_push_result *res, cg_error *err)
{
    if (have_blob(dir, digest, size)) {
        cp_count(res, "exists");
        return CG_OK;
    }
    blob_in b;
    memset(&b, 0, sizeof b);
    b.is_stream = 1;
    cg_status s;
    if (layer >= 0)
        s = img->tp->open_layer(img, (size_t)layer, &b.stream, err);
    else if (img->tp->open_blob)
        s = img->tp->open_blob(img, digest, size, &b.stream, err);
    else
        s = cg_error_set(err, CG_ERR_INTERNAL, "the %s transport cannot read blobs by digest", img->info.transport);
    if (s != CG_OK)
        return s;
    s = put_blob(dir, digest, size, &b, err);
    b.stream.close(&b.stream);
    if (s == CG_OK) {
        cp_count(res, "uploaded");
        res->bytes_uploaded += size > 0 ? (uint64_t)size : 0;
    }
    return s;
}

/* A blob held in memory. */
static cg_status copy_mem(const char *dir, const char *digest, const void *data, size_t len, cg_push_result *res,
                          cg_error *err)
{
    if (have_blob(dir, digest, (int64_t)len)) {
        cp_count(res, "exists");
        return CG_OK;
    }
    blob_in b = {(const unsigned char *)data, len, 0, {0}, 0};
    cg_status s = put_blob(dir, digest, (int64_t)len, &b, err);
    if (s == CG_OK)
        cp_count(res, "uploaded");
    return s;
}

/* One image's config, layers and manifest (blobs before what names them);
 * digest = the manifest's. */
static cg_status copy_image(cg_image *img, const cp_src *ps, const char *dir, cg_push_result *res,
                            char digest[CG_REF_DIGEST_MAX], cg_error *err)
{
    const cg_image_info *in = &img->info;
    cg_status s = copy_mem(dir, in->config_digest, ps->config.data, ps->config.len, res, err);
    for (size_t i = 0; s == CG_OK && i < in->n_layers; i++)
        if ((s = copy_stream(img, dir, (long)i, ps->layer_digest[i], in->layers[i].size, res, err)) != CG_OK)
            cg_error_prefix(err, "layer %zu", i);
    if (s == CG_OK && cg_sha256_str(ps->manifest.data, ps->manifest.len, digest) != CG_OK)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (s == CG_OK)
        s = copy_mem(dir, digest, ps->manifest.data, ps->manifest.len, res, err);
    return s;
}

/* A Docker v2 layer media type as the OCI one; NULL when it has none. */
static const char *oci_layer_type(const char *mt)
{
    static const char *const map[][2] = {
        {"application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip"},
        {"application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar"},
        {"application/vnd.docker.image.rootfs.diff.tar.zstd", "application/vnd.oci.image.layer.v1.tar+zstd"},
        {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"},
    };
    if (mt && !strncmp(mt, "application/vnd.oci.image.layer.", 32))
        return mt;
    for (size_t i = 0; mt && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(mt, map[i][0]))
            return map[i][1];
    return NULL;
}

/* Rewrite a Docker v2 manifest (ps->manifest) with OCI media types: same
 * config and layer blobs, digests and sizes; a new manifest digest. */
static cg_status to_oci(cp_src *ps, cg_error *err)
{
    if (strcmp(ps->media_type, CG_MT_DOCKER_MANIFEST) != 0)
        return CG_OK; /* already OCI */
    json_t *doc = NULL, *out = NULL;
    cg_status s = cg_json_parse(ps->manifest.data, ps->manifest.len, "manifest", &doc, err);
    const json_t *cfg = json_object_get(doc, "config"), *layers = json_object_get(doc, "layers");
    if (s == CG_OK && (!json_is_object(cfg) || !json_is_array(layers)))
        s = cg_error_set(err, CG_ERR_INPUT, "manifest: no config object or layers array");
    if (s == CG_OK) {
        out = json_pack("{s:i, s:s, s:{s:s, s:O, s:O}, s:[]}", "schemaVersion", 2, "mediaType", CG_MT_OCI_MANIFEST,
                        "config", "mediaType", CG_MT_OCI_CONFIG, "digest", json_object_get(cfg, "digest"), "size",
                        json_object_get(cfg, "size"), "layers");
        if (!out)
            s = cg_error_set(err, CG_ERR_INPUT, "manifest: config without digest or size");
    }
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l) {
        if (s != CG_OK)
            break;
        const char *mt = oci_layer_type(cg_json_str(l, "mediaType"));
        json_t *d = mt ? json_pack("{s:s, s:O, s:O}", "mediaType", mt, "digest", json_object_get(l, "digest"), "size",
                                   json_object_get(l, "size"))
                       : NULL;
        if (!d)
            s = cg_error_set(err, CG_ERR_INPUT, "manifest: layer %zu (%s) has no OCI equivalent", i,
                             cg_json_str(l, "mediaType") ? cg_json_str(l, "mediaType") : "no media type");
        else
            json_array_append_new(json_object_get(out, "layers"), d);
    }
    char *text = s == CG_OK ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s == CG_OK && !text)
        s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (s == CG_OK) {
        cg_buf_reset(&ps->manifest);
        if (cg_buf_puts(&ps->manifest, text) != CG_OK)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        snprintf(ps->media_type, sizeof ps->media_type, "%s", CG_MT_OCI_MANIFEST);
    }
    free(text);
    json_decref(out);
    json_decref(doc);
    return s;
}

static int tag_ok(const char *tag)
{
    return !tag || !*tag || (strlen(tag) <= 128 && !strpbrk(tag, "/\\\n\t "));
}

cg_status cg_copy_to_layout(cg_image *img, const char *dir, const char *tag, unsigned flags,
                                  cg_push_result *res, cg_error *err)
{
    memset(res, 0, sizeof *res);
    if (!tag_ok(tag))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a usable tag for an OCI layout", tag);
    cp_src ps;
    memset(&ps, 0, sizeof ps);
    cg_status s = cp_load(img, &ps, err);
    if (s == CG_OK && (flags & CG_LAYOUT_OCI_MEDIA_TYPES))
        s = to_oci(&ps, err);
    if (s == CG_OK)
        s = prepare(dir, err);
    if (s == CG_OK)
        s = copy_image(img, &ps, dir, res, res->digest, err);
    if (s == CG_OK)
        s = write_index(dir, tag, ps.media_type, res->digest, ps.manifest.len, err);
    snprintf(res->media_type, sizeof res->media_type, "%s", ps.media_type);
    cp_src_free(&ps);
    return s;
}

cg_status cg_copy_index_to_layout(cg_image_index *x, const char *dir, const char *tag, cg_push_result *res,
                                        cg_error *err)
{
    memset(res, 0, sizeof *res);
    if (!tag_ok(tag))
        return cg_error_set(err, CG_ERR_USAGE, "\"%s\" is not a usable tag for an OCI layout", tag);
    const cg_index_info *xi = cg_image_index_get_info(x);
    cg_image *src = cg_image_index_source(x);
    res->is_index = 1;
    snprintf(res->digest, sizeof res->digest, "%s", xi->digest);
    snprintf(res->media_type, sizeof res->media_type, "%s", xi->media_type);
    cg_status s = prepare(dir, err);
    /* every entry, then the index's own bytes, then index.json */
    for (size_t i = 0; s == CG_OK && i < xi->n_entries; i++) {
        const cg_index_entry *e = &xi->entries[i];
        char digest[CG_REF_DIGEST_MAX];
        if (e->kind == CG_INDEX_IMAGE) {
            cg_image *img = NULL;
            cp_src ps;
            memset(&ps, 0, sizeof ps);
            s = cg_image_index_open_image(x, i, &img, err);
            if (s == CG_OK)
                s = cp_load(img, &ps, err);
            if (s == CG_OK)
                s = copy_image(img, &ps, dir, res, digest, err);
            res->platforms += s == CG_OK;
            cp_src_free(&ps);
            cg_image_close(img);
        } else if (e->kind == CG_INDEX_ARTIFACT) {
            cp_artifact a;
            memset(&a, 0, sizeof a);
            s = cp_artifact_load(src, e, &a, err);
            for (size_t k = 0; s == CG_OK && k < a.n; k++)
                s = copy_stream(src, dir, -1, a.digest[k], a.size[k], res, err);
            if (s == CG_OK)
                s = copy_mem(dir, e->digest, a.manifest.data, a.manifest.len, res, err);
            res->artifacts += s == CG_OK;
            cg_buf_free(&a.manifest);
        } else {
            s = cg_error_set(err, CG_ERR_INPUT, "%s (%s): nested indexes and other media types are not copied",
                             e->digest, e->media_type ? e->media_type : "no media type");
        }
        if (s != CG_OK)
            cg_error_prefix(err, "index %s entry %zu (%s)", xi->digest, i, e->platform);
    }
    if (s == CG_OK)
        s = copy_mem(dir, xi->digest, xi->data, xi->len, res, err);
    if (s == CG_OK)
        s = write_index(dir, tag, xi->media_type, xi->digest, xi->len, err);
    return s;
}
