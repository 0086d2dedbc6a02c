/*
 * fuzz_image.c - the image reader on arbitrary bytes, through the real
 * entry points: the input is written as a file and opened as a plain path
 * (tar index, docker-archive / oci-archive detection, manifest and config
 * parsing), and, when it opens, streamed and cataloged like `cgate sbom`;
 * it is also opened whole, as `cgate push` opens a multi-platform index.
 * A second pass wraps the input as the single layer of a valid OCI layout so
 * the layer decoders (gzip, zstd, tar) and the overlay see it too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgate/image.h"
#include "cgate/sbom.h"
#include "core/digest.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

/* Opened whole, as `cgate push` opens a multi-platform index: the index and
 * each platform's image. */
static void run_index(const char *ref, const cg_image_opts *o)
{
    cg_image_index *x;
    cg_image *img;
    cg_error err;
    if (cg_image_open_index(ref, o, &x, &img, &err) != CG_OK)
        return;
    for (size_t i = 0; x && i < cg_image_index_get_info(x)->n_entries; i++) {
        cg_image *child;
        if (cg_image_index_open_image(x, i, &child, &err) == CG_OK)
            cg_image_close(child);
    }
    cg_image_index_close(x);
    cg_image_close(img);
}

static void run(const char *ref)
{
    cg_image_opts o;
    memset(&o, 0, sizeof o);
    o.max_layer_bytes = 64u << 20;
    o.max_json_bytes = 1u << 20;
    run_index(ref, &o);
    cg_image *img;
    cg_error err;
    if (cg_image_open(ref, &o, &img, &err) != CG_OK)
        return;
    cg_sbom *s;
    cg_sbom_opts so = {0};
    so.allow_empty = 1; /* most inputs hold no package: still write them */
    if (cg_sbom_build(img, &so, &s, &err) == CG_OK) {
        cg_buf b = CG_BUF_INIT;
        cg_sbom_write(s, CG_SBOM_CYCLONEDX_JSON, &b, &err);
        cg_buf_free(&b);
        cg_sbom_free(s);
    }
    cg_image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/cgate-fuzz-%d", fuzz_tmpdir(), (int)getpid());
        mkdir(dir, 0700);
        fuzz_remove_at_exit(dir);
    }
    char path[256], blobs[256];
    snprintf(path, sizeof path, "%s/input.tar", dir);
    write_file(path, data, size);
    run(path);

    /* the same bytes as the layer of an OCI layout whose digests are right,
     * except the diff_id, which cannot be known without decoding */
    char layout[256], ld[CG_DIGEST_STR_LEN + 1], cd[CG_DIGEST_STR_LEN + 1], md[CG_DIGEST_STR_LEN + 1];
    snprintf(layout, sizeof layout, "%s/layout", dir);
    snprintf(blobs, sizeof blobs, "%s/blobs", layout);
    mkdir(layout, 0700);
    mkdir(blobs, 0700);
    snprintf(blobs, sizeof blobs, "%s/blobs/sha256", layout);
    mkdir(blobs, 0700);
    cg_sha256_str(data, size, ld);
    char cfg[512];
    int cl = snprintf(cfg, sizeof cfg,
                      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", ld);
    cg_sha256_str(cfg, (size_t)cl, cd);
    char man[1024];
    int ml = snprintf(man, sizeof man,
                      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%d},"
                      "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%zu}]}",
                      cd, cl, ld, size);
    cg_sha256_str(man, (size_t)ml, md);
    char p[512], idx[512];
    snprintf(p, sizeof p, "%s/%s", blobs, ld + 7);
    write_file(p, data, size);
    snprintf(p, sizeof p, "%s/%s", blobs, cd + 7);
    write_file(p, cfg, (size_t)cl);
    snprintf(p, sizeof p, "%s/%s", blobs, md + 7);
    write_file(p, man, (size_t)ml);
    int il = snprintf(idx, sizeof idx,
                      "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                      "\"digest\":\"%s\",\"size\":%d}]}", md, ml);
    snprintf(p, sizeof p, "%s/index.json", layout);
    write_file(p, idx, (size_t)il);
    snprintf(p, sizeof p, "%s/oci-layout", layout);
    write_file(p, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
    char ref[300];
    snprintf(ref, sizeof ref, "oci:%s", layout);
    run(ref);
    /* remove this round's blobs so the directory does not grow */
    snprintf(p, sizeof p, "%s/%s", blobs, ld + 7);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s", blobs, cd + 7);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s", blobs, md + 7);
    unlink(p);
    return 0;
}
