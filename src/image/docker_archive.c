/*
 * docker_archive.c - `docker save` tars (docker-archive:PATH[:NAME:TAG]).
 *
 * manifest.json lists each image's config and layer files.  Classic archives
 * hold "<id>/layer.tar" (uncompressed; its digest is only known after
 * streaming, and it must equal the config's diff_id); newer Docker writes an
 * OCI layout inside the tar and points manifest.json at "blobs/sha256/<hex>",
 * whose names are digests we verify.  When index.json is present we also
 * recover the manifest digest, so the image is named the way a registry would.
 * The same reader takes a directory holding an extracted `docker save`
 * (manifest.json plus the layer files), so it gives the tar's packages and
 * digests.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/digest.h"
#include "core/json.h"
#include "core/dockerref.h"
#include "image/image_internal.h"
#include "image/store.h"

typedef struct da_state {
    cg_store store;
    const char **layer_paths;
} da_state;

/* "blobs/sha256/<hex>" or "<hex>.json" -> "sha256:<hex>" when hex is 64 hex digits. */
static const char *digest_from_path(cg_arena *a, const char *p)
{
    const char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    size_t n = strlen(base);
    if (n == 69 && !strcmp(base + 64, ".json"))
        n = 64;
    if (n != 64)
        return NULL;
    if (strncmp(p, "blobs/sha256/", 13) && base != p)
        return NULL;
    char *d = cg_arena_sprintf(a, "sha256:%.64s", base);
    return d && cg_digest_valid(d) ? d : NULL;
}

static void split_repo_tag(cg_image *img, const char *rt)
{
    const char *slash = strrchr(rt, '/');
    const char *colon = strrchr(rt, ':');
    if (colon && (!slash || colon > slash)) {
        img->info.name = cg_arena_strndup(&img->arena, rt, (size_t)(colon - rt));
        img->info.tag = cg_arena_strdup(&img->arena, colon + 1);
    } else {
        img->info.name = cg_arena_strdup(&img->arena, rt);
    }
}

/* "name[:tag]" as Docker normalises it: canonical registry host (every Docker Hub
 * alias is docker.io), Hub's "library/" for one-component names, tag "latest" when
 * none is given.  0 when it does not fit in out. */
static int canonical_ref(const char *ref, char *out, size_t n)
{
    char tmp[512];
    if (strlen(ref) >= sizeof tmp)
        return 0;
    memcpy(tmp, ref, strlen(ref) + 1);
    cg_docker_ref r;
    cg_docker_ref_split(tmp, &r);
    int k = snprintf(out, n, "%s/%s%s:%s", r.host ? r.host : "docker.io", r.library ? "library/" : "",
                     r.path ? r.path : "", r.tag && *r.tag ? r.tag : "latest");
    return k > 0 && (size_t)k < n;
}

/* "lab/app:1.0" matches "lab/app:1.0", "docker.io/lab/app:1.0" (and the other way
 * round: both sides are normalised as Docker does) and the bare tag "1.0". */
static int tag_match(const char *t, const char *want)
{
    if (!t)
        return 0;
    if (!strcmp(t, want))
        return 1;
    const char *colon = strrchr(t, ':');
    if (colon && !strchr(want, ':') && !strcmp(colon + 1, want))
        return 1;
    char ct[600], cw[600];
    return canonical_ref(t, ct, sizeof ct) && canonical_ref(want, cw, sizeof cw) && !strcmp(ct, cw);
}

static int tags_match(const json_t *tags, const char *want)
{
    for (size_t i = 0; i < json_array_size(tags); i++)
        if (tag_match(json_string_value(json_array_get(tags, i)), want))
            return 1;
    return 0;
}

/* Newer Docker: find the manifest in index.json whose config is ours. */
static void find_manifest_digest(cg_image *img, da_state *ds)
{
    if (!cg_store_exists(&ds->store, "index.json"))
        return;
    cg_buf raw = CG_BUF_INIT;
    json_t *idx = NULL;
    cg_error e;
    if (cg_store_read(&ds->store, "index.json", img->opts.max_json_bytes, &raw, &e) == CG_OK &&
        cg_json_parse(raw.data, raw.len, "index.json", &idx, &e) == CG_OK) {
        const json_t *ms = json_object_get(idx, "manifests");
        for (size_t i = 0; i < json_array_size(ms) && i < 64; i++) {
            const json_t *d = json_array_get(ms, i);
            const char *dg = cg_json_str(d, "digest");
            json_t *man = NULL;
            if (cg_read_verified_blob(img, &ds->store, dg, cg_json_int(d, "size", -1), "manifest", &raw, &e) != CG_OK ||
                cg_json_parse(raw.data, raw.len, "manifest", &man, &e) != CG_OK)
                continue;
            const char *cd = cg_json_str(json_object_get(man, "config"), "digest");
            const json_t *ls = json_object_get(man, "layers");
            if (cd && !strcmp(cd, img->info.config_digest) && json_array_size(ls) == img->info.n_layers) {
                img->info.manifest_digest = cg_arena_strdup(&img->arena, dg);
                for (size_t k = 0; k < img->info.n_layers; k++)
                    img->info.layers[k].media_type =
                        cg_arena_strdup(&img->arena, cg_json_str(json_array_get(ls, k), "mediaType"));
                json_decref(man);
                break;
            }
            json_decref(man);
        }
    }
    json_decref(idx);
    cg_buf_free(&raw);
}

static cg_status da_open_layer(cg_image *img, size_t i, cg_blob *out, cg_error *err)
{
    da_state *ds = img->impl;
    uint64_t size;
    return cg_store_open(&ds->store, ds->layer_paths[i], &size, out, err);
}

static void da_close(cg_image *img)
{
    da_state *ds = img->impl;
    if (ds) {
        cg_store_close(&ds->store);
        free(ds);
    }
    img->impl = NULL;
}

static const cg_transport docker_archive_tp = {"docker-archive", da_open_layer, NULL, da_close, NULL, NULL, NULL, 1};

/* Whether rel is a regular file of the archive (or extracted directory), and its size. */
static bool store_size(cg_store *st, const char *rel, uint64_t *size)
{
    if (st->dirfd < 0) {
        const cg_tar_member *m = cg_tarindex_find(&st->tar, rel);
        if (m)
            *size = m->size;
        return m != NULL;
    }
    cg_blob b;
    cg_error e;
    if (cg_store_open(st, rel, size, &b, &e) != CG_OK)
        return false;
    b.close(&b);
    return true;
}

static cg_status load(cg_image *img, da_state *ds, const json_t *entry, cg_error *err)
{
    const char *cfgp = cg_json_str(entry, "Config");
    const json_t *layers = json_object_get(entry, "Layers");
    if (!cfgp || !json_is_array(layers))
        return cg_error_set(err, CG_ERR_INPUT, "manifest.json: entry without Config or Layers");
    size_t n = json_array_size(layers);
    if (n > 1000)
        return cg_error_set(err, CG_ERR_LIMIT, "manifest.json: %zu layers, over the 1000-layer cap", n);
    cg_image_info *in = &img->info;
    in->layers = cg_arena_calloc(&img->arena, n ? n : 1, sizeof *in->layers);
    ds->layer_paths = cg_arena_calloc(&img->arena, n ? n : 1, sizeof *ds->layer_paths);
    if (!in->layers || !ds->layer_paths)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    in->n_layers = n;
    for (size_t i = 0; i < n; i++) {
        const char *lp = json_string_value(json_array_get(layers, i));
        uint64_t size = 0;
        if (!lp || !store_size(&ds->store, lp, &size))
            return cg_error_set(err, CG_ERR_INPUT, "manifest.json: layer %zu (%s) is not in the archive", i,
                                lp ? lp : "not a string");
        ds->layer_paths[i] = cg_arena_strdup(&img->arena, lp);
        in->layers[i].digest = digest_from_path(&img->arena, lp);
        in->layers[i].size = (int64_t)size;
    }
    cg_buf raw = CG_BUF_INIT;
    cg_status s = cg_store_read(&ds->store, cfgp, img->opts.max_json_bytes, &raw, err);
    char got[CG_DIGEST_STR_LEN + 1];
    if (s == CG_OK)
        s = cg_sha256_str(raw.data, raw.len, got);
    if (s == CG_OK) {
        const char *named = digest_from_path(&img->arena, cfgp);
        if (named && strcmp(named, got))
            s = cg_error_set(err, CG_ERR_INPUT, "config %s: content has digest %s", cfgp, got);
    }
    if (s == CG_OK) {
        in->config_digest = cg_arena_strdup(&img->arena, got);
        s = cg_parse_config(img, got, &raw, err);
    }
    cg_buf_free(&raw);
    return s;
}

cg_status cg_docker_archive_open(cg_image *img, const char *path, const char *tag, cg_error *err)
{
    da_state *ds = calloc(1, sizeof *ds);
    if (!ds)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    ds->store.dirfd = -1;
    ds->store.tar.fd = -1;
    img->impl = ds;
    img->tp = &docker_archive_tp;
    struct stat sb;
    cg_status s = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? cg_store_open_dir(&ds->store, path, err)
                                                              : cg_store_open_tar(&ds->store, path, &img->arena, err);
    if (s != CG_OK)
        return s;
    cg_buf raw = CG_BUF_INIT;
    json_t *man = NULL;
    if (!cg_store_exists(&ds->store, "manifest.json"))
        s = cg_error_set(err, CG_ERR_INPUT, "not a docker-archive (no manifest.json)");
    else
        s = cg_store_read(&ds->store, "manifest.json", img->opts.max_json_bytes, &raw, err);
    if (s == CG_OK)
        s = cg_json_parse(raw.data, raw.len, "manifest.json", &man, err);
    cg_buf_free(&raw);
    if (s != CG_OK)
        return s;
    const json_t *entry = NULL;
    size_t n = json_is_array(man) ? json_array_size(man) : 0;
    if (n == 0) {
        s = cg_error_set(err, CG_ERR_INPUT, "manifest.json: no images");
    } else if (tag) {
        for (size_t i = 0; i < n && !entry; i++)
            if (tags_match(json_object_get(json_array_get(man, i), "RepoTags"), tag))
                entry = json_array_get(man, i);
        if (!entry)
            s = cg_error_set(err, CG_ERR_INPUT, "manifest.json: no image tagged \"%s\"", tag);
    } else if (n == 1) {
        entry = json_array_get(man, 0);
    } else {
        s = cg_error_set(err, CG_ERR_INPUT,
                         "manifest.json holds %zu images; name one as docker-archive:PATH:NAME:TAG", n);
    }
    if (s == CG_OK)
        s = load(img, ds, entry, err);
    if (s == CG_OK) {
        const json_t *tags = json_object_get(entry, "RepoTags");
        const char *rt = NULL;
        for (size_t i = 0; i < json_array_size(tags) && !rt; i++) {
            const char *t = json_string_value(json_array_get(tags, i));
            if (t && (!tag || tag_match(t, tag)))
                rt = t;
        }
        if (rt)
            split_repo_tag(img, rt);
        find_manifest_digest(img, ds);
    }
    json_decref(man);
    return s;
}
