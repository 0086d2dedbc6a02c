/*
 * image_scan.c - secrets in every layer of an image, in the one streaming
 * pass (image/walk.h): each regular file of each layer is read (unless an
 * allow rule skips its path, it is too big, or its name says binary) and
 * scanned; a file that a later layer deletes (whiteout, opaque directory) or
 * replaces is still in the image, so its findings stay, marked "deleted in
 * layer M".  The config's Env, labels and history (created_by) are scanned
 * as one text each, Target "config.json".
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/buf.h"
#include "cgate/sbom.h"
#include "cgate/secrets.h"
#include "image/walk.h"

struct cg_secrets_pass {
    cg_secret_scanner *s;
    cg_findings *out;
    cg_image *img;
    const cg_image_info *info;
    size_t first;      /* first finding of this image in out */
    cg_buf data;
    cg_buf path;
};
typedef struct cg_secrets_pass iscan;

static int binary_name(const char *p)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".tiff", ".svg",
                                      ".woff", ".woff2", ".ttf", ".otf", ".eot", ".gz", ".tgz", ".bz2", ".xz",
                                      ".zst", ".zip", ".jar", ".war", ".whl", ".so", ".a", ".o", ".pyc", ".pyo",
                                      ".class", ".mo", ".db", ".sqlite", ".mp3", ".mp4", ".pdf", ".deb", ".rpm",
                                      ".apk", ".wasm", ".node", ".exe", ".dll"};
    size_t n = strlen(p);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t l = strlen(ext[i]);
        if (n > l && !strcmp(p + n - l, ext[i]))
            return 1;
    }
    return strstr(p, ".so.") != NULL;
}

/* Findings of lower layers hidden by path (whiteout, opaque, replacement). */
static void hide(iscan *x, const char *path, int layer, int is_dir)
{
    size_t l = strlen(path);
    for (size_t i = x->first; i < x->out->n_sec; i++) {
        cg_secret *f = &x->out->sec[i];
        if (f->layer < 0 || f->layer >= layer || f->deleted_in >= 0)
            continue;
        const char *t = f->target + 1; /* skip '/' */
        if (is_dir ? (l == 0 || (!strncmp(t, path, l) && t[l] == '/')) : (!strncmp(t, path, l) && (t[l] == 0 || t[l] == '/')))
            f->deleted_in = layer;
    }
}

static int want_file(void *ud, const char *path, uint64_t size)
{
    iscan *x = ud;
    return size && size <= (10u << 20) && !binary_name(path) && !cg_secret_path_allowed(x->s, path);
}

static cg_status on_file(void *ud, cg_tap_kind kind, const char *path, int layer, const uint8_t *data, size_t len,
                         cg_error *err)
{
    iscan *x = ud;
    if (kind == CG_TAP_WHITEOUT || kind == CG_TAP_OPAQUE) {
        hide(x, path, layer, kind == CG_TAP_OPAQUE);
        return CG_OK;
    }
    if (kind != CG_TAP_FILE)
        return CG_OK;
    if (x->out->n_sec > x->first)
        hide(x, path, layer, 0); /* replaced by this layer's file */
    if (!data)
        return CG_OK;
    cg_buf_reset(&x->path);
    cg_buf_putc(&x->path, '/');
    cg_buf_puts(&x->path, path);
    cg_secret tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.layer = layer;
    tmpl.deleted_in = -1;
    tmpl.source = "file";
    if (layer >= 0 && (size_t)layer < x->info->n_layers) {
        tmpl.layer_digest = x->info->layers[layer].digest;
        tmpl.layer_diff_id = x->info->layers[layer].diff_id;
    }
    return cg_secret_scan_buf(x->s, cg_buf_str(&x->path), data, len, &tmpl, x->out, NULL, err);
}

static cg_status on_entry(void *ud, const cg_entry *e, cg_entry_data *d, cg_error *err)
{
    iscan *x = ud;
    cg_tap_kind k = e->type == CG_ENT_REG ? CG_TAP_FILE : e->type == CG_ENT_WHITEOUT ? CG_TAP_WHITEOUT
                    : e->type == CG_ENT_OPAQUE ? CG_TAP_OPAQUE : CG_TAP_OTHER;
    int read = k == CG_TAP_FILE && want_file(x, e->path, e->size);
    if (read) {
        cg_buf_reset(&x->data);
        cg_status st = cg_entry_read(d, &x->data, (size_t)e->size, err);
        if (st != CG_OK)
            return st;
    }
    return on_file(x, k, e->path, e->layer, read ? (const uint8_t *)x->data.data : NULL, read ? x->data.len : 0, err);
}

/* One config string (an Env entry, a label, a history line) as a text. */
static cg_status scan_text(iscan *x, const char *text, const char *source, int index, cg_error *err)
{
    if (!text || !*text)
        return CG_OK;
    cg_secret tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.layer = -1;
    tmpl.deleted_in = -1;
    tmpl.source = source;
    size_t before = x->out->n_sec;
    cg_status st = cg_secret_scan_buf(x->s, "config.json", (const uint8_t *)text, strlen(text), &tmpl, x->out, NULL,
                                      err);
    for (size_t i = before; i < x->out->n_sec; i++) {
        x->out->sec[i].target = "config.json";
        x->out->sec[i].start_line = x->out->sec[i].end_line = index + 1;
        if (x->out->sec[i].n_lines)
            x->out->sec[i].lines[0].number = index + 1;
    }
    return st;
}

static cg_status scan_config(iscan *x, const char *raw, size_t len, cg_error *err)
{
    json_error_t je;
    json_t *cfg = json_loadb(raw, len, 0, &je);
    if (!cfg)
        return CG_OK; /* already verified by the image reader; nothing to add */
    cg_status st = CG_OK;
    json_t *c = json_object_get(cfg, "config");
    json_t *env = json_object_get(c, "Env");
    for (size_t i = 0; st == CG_OK && i < json_array_size(env) && i < 10000; i++)
        st = scan_text(x, json_string_value(json_array_get(env, i)), "env", (int)i, err);
    json_t *labels = json_object_get(c, "Labels");
    const char *k;
    json_t *v;
    int li = 0;
    cg_buf kv = CG_BUF_INIT;
    json_object_foreach(labels, k, v) {
        if (st != CG_OK || li >= 10000)
            break;
        cg_buf_reset(&kv);
        cg_buf_printf(&kv, "%s=%s", k, json_string_value(v) ? json_string_value(v) : "");
        st = scan_text(x, cg_buf_str(&kv), "label", li++, err);
    }
    cg_buf_free(&kv);
    json_t *hist = json_object_get(cfg, "history");
    for (size_t i = 0; st == CG_OK && i < json_array_size(hist) && i < 10000; i++)
        st = scan_text(x, json_string_value(json_object_get(json_array_get(hist, i), "created_by")), "history",
                       (int)i, err);
    json_decref(cfg);
    return st;
}

cg_status cg_secrets_pass_new(cg_secret_scanner *s, cg_image *img, cg_findings *out, cg_secrets_pass **p,
                              cg_error *err)
{
    iscan *x = calloc(1, sizeof *x);
    if (!x)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    x->s = s;
    x->out = out;
    x->img = img;
    x->info = cg_image_get_info(img);
    x->first = out->n_sec;
    cg_buf_init(&x->data, 0);
    cg_buf_init(&x->path, 0);
    *p = x;
    return CG_OK;
}

void cg_secrets_pass_tap(cg_secrets_pass *p, cg_sbom_tap *tap)
{
    tap->ud = p;
    tap->want = want_file;
    tap->entry = on_file;
}

cg_status cg_secrets_pass_finish(cg_secrets_pass *p, cg_error *err)
{
    size_t clen;
    const char *raw = cg_image_config_json(p->img, &clen);
    return raw ? scan_config(p, raw, clen, err) : CG_OK;
}

void cg_secrets_pass_free(cg_secrets_pass *p)
{
    if (!p)
        return;
    cg_buf_free(&p->data);
    cg_buf_free(&p->path);
    free(p);
}

cg_status cg_secrets_scan_image(cg_image *img, cg_secret_scanner *s, cg_findings *out, cg_error *err)
{
    cg_secrets_pass *p = NULL;
    cg_status st = cg_secrets_pass_new(s, img, out, &p, err);
    if (st != CG_OK)
        return st;
    cg_walk_visitor v = {p, NULL, on_entry, NULL};
    st = cg_image_walk(img, &v, err);
    if (st == CG_OK)
        st = cg_secrets_pass_finish(p, err);
    cg_secrets_pass_free(p);
    return st;
}
