/*
 * fuzz_registry_json.c - the JSON a registry (or an OCI layout) serves, on
 * arbitrary bytes: a token server's answer, an error body (the message a
 * user sees), an image manifest with its config, and an index from which a
 * platform is picked and which is kept whole as `cgate push` keeps it.  The
 * first byte picks the parser; manifest and config are split at the first NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/image.h"
#include "core/digest.h"
#include "core/json.h"
#include "image/image_internal.h"
#include "registry/registry_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int any_type(const char *mt)
{
    return !mt || !strncmp(mt, "application/", 12);
}

static void manifest_and_config(const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    size_t ml = nul ? (size_t)(nul - s) : n;
    cg_image *img;
    cg_error err;
    if (cg_image_new("fuzz", NULL, &img, &err) != CG_OK)
        return;
    json_t *doc = NULL;
    const json_t *cfgd = NULL;
    if (cg_json_parse(s, ml, "manifest", &doc, &err) == CG_OK &&
        cg_manifest_layers(img, doc, "manifest", any_type, &cfgd, &err) == CG_OK && nul) {
        cg_buf raw = CG_BUF_INIT;
        char d[CG_DIGEST_STR_LEN + 1];
        cg_sha256_str(nul + 1, n - ml - 1, d);
        if (cg_buf_append(&raw, nul + 1, n - ml - 1) == CG_OK)
            (void)cg_parse_config(img, d, &raw, &err);
        cg_buf_free(&raw);
    }
    json_decref(doc);
    cg_image_close(img);
}

static void index_doc(const char *s, size_t n, const char *platform)
{
    cg_image_opts o;
    memset(&o, 0, sizeof o);
    o.platform = platform;
    cg_image *img;
    cg_error err;
    if (cg_image_new("fuzz", &o, &img, &err) != CG_OK)
        return;
    json_t *doc = NULL;
    if (cg_json_parse(s, n, "index", &doc, &err) == CG_OK) {
        const json_t *pick = NULL;
        const json_t *m = json_object_get(doc, "manifests");
        if (json_is_array(m) && cg_pick_platform(img, m, "index", &pick, &err) == CG_OK)
            (void)cg_platform_str(&img->arena, json_object_get(pick, "platform"));
        /* kept whole, as for a push of the index (the image takes a reference) */
        (void)cg_keep_index(img, s, n, NULL, NULL, doc, &err);
    }
    json_decref(doc);
    cg_image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    cg_error err;
    switch (data[0] % 5) {
    case 0: {
        json_t *doc = NULL;
        const char *tok = NULL;
        int64_t exp = 0;
        if (reg_token_parse(s, n, "token", &doc, &tok, &exp, &err) == CG_OK && (exp < 60 || exp > 86400 || !*tok))
            abort(); /* the contract: a usable token, a clamped lifetime */
        json_decref(doc);
        break;
    }
    case 1: {
        reg_req q;
        memset(&q, 0, sizeof q);
        q.method = "GET";
        q.url = "https://127.0.0.1:5000/v2/lab/img/manifests/latest";
        q.what = "manifest 127.0.0.1:5000/lab/img:latest";
        reg_resp r;
        reg_resp_init(&r);
        r.status = 404;
        if (cg_buf_append(&r.body, s, n) == CG_OK) {
            (void)reg_status_error(&q, &r, &err);
            for (const char *c = err.msg; *c; c++)
                if ((unsigned char)*c < 0x20)
                    abort(); /* one line on a terminal, whatever the server sent */
        }
        reg_resp_free(&r);
        break;
    }
    case 2:
        manifest_and_config(s, n);
        break;
    case 3:
        index_doc(s, n, NULL);
        break;
    default:
        index_doc(s, n, "linux/arm/v7");
        break;
    }
    return 0;
}
