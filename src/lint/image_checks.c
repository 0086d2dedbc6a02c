/*
 * image_checks.c - checks of a built image: its config (user, HEALTHCHECK,
 * sensitive exposed ports, credentials in Env, labels and history) and its
 * final file system (setuid/setgid files, world-writable directories without
 * the sticky bit), the latter in one streaming pass that applies whiteouts
 * and opaque directories so only what the container sees is reported.
 * Values are never printed: a message names the variable, not its value.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "image/walk.h"
#include "lint/lint_int.h"

#define MAX_FS_FINDINGS 200

static int root_user(const char *u)
{
    if (!u || !*u)
        return 1;
    size_t n = strcspn(u, ":");
    return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

static const struct {
    int port;
    const char *what;
} sensitive[] = {{21, "FTP"},        {22, "SSH"},          {23, "telnet"},       {445, "SMB"},
                 {2375, "Docker API"}, {2376, "Docker API"}, {3306, "MySQL"},     {3389, "RDP"},
                 {5432, "PostgreSQL"}, {5900, "VNC"},        {5984, "CouchDB"},   {6379, "Redis"},
                 {9200, "Elasticsearch"}, {11211, "memcached"}, {27017, "MongoDB"}};

/* NAME=value words of a history line whose name looks like a credential. */
static void history_line(lint_ctx *x, const char *cb, size_t idx)
{
    char name[128];
    for (const char *p = cb; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        const char *eq = memchr(w, '=', (size_t)(p - w));
        if (!eq || eq == w || (size_t)(eq - w) >= sizeof name)
            continue;
        memcpy(name, w, (size_t)(eq - w));
        name[eq - w] = 0;
        const char *v = eq + 1;
        if (v >= p || *v == '$' || *v == '/' || !lint_secret_name(name))
            continue;
        lint_emit(x, "CG-IMG-005", 0, 0, "history entry %zu sets %s to a value (build argument or ENV baked into "
                  "the image)", idx, name);
    }
}

cg_status cg_lint_image_config(const uint8_t *cfg, size_t len, const char *target, const cg_lint_config *lc,
                               cg_findings *out, cg_error *err)
{
    json_error_t je;
    json_t *root = json_loadb((const char *)cfg, len, 0, &je);
    if (!root)
        return cg_error_set(err, CG_ERR_INPUT, "%s: config: %s", target, je.text);
    lint_ctx x;
    memset(&x, 0, sizeof x);
    x.out = out;
    x.target = target;
    x.target_type = "image-config";
    x.cfg = lc;
    if (cg_findings_add_target(out, target, "image-config", lint_count_checks(CG_CHECK_IMAGE)) < 0) {
        json_decref(root);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", target);
    }
    json_t *c = json_object_get(root, "config");
    const char *user = json_string_value(json_object_get(c, "User"));
    if (root_user(user))
        lint_emit(&x, "CG-IMG-001", 0, 0, user && *user ? "The image runs as '%s' (root)"
                                                        : "The image config sets no User: it runs as root%s", user ? user : "");
    json_t *hc = json_object_get(c, "Healthcheck");
    json_t *test = json_object_get(hc, "Test");
    const char *t0 = json_string_value(json_array_get(test, 0));
    if (!hc || !json_array_size(test) || (t0 && !strcmp(t0, "NONE")))
        lint_emit(&x, "CG-IMG-002", 0, 0, "The image config has no HEALTHCHECK");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(c, "ExposedPorts"), k, v) {
        int port = 0;
        if (sscanf(k, "%d", &port) != 1)
            continue;
        for (size_t i = 0; i < sizeof sensitive / sizeof sensitive[0]; i++)
            if (sensitive[i].port == port)
                lint_emit(&x, "CG-IMG-003", 0, 0, "Port %s (%s) is exposed", k, sensitive[i].what);
    }
    json_t *env = json_object_get(c, "Env");
    for (size_t i = 0; i < json_array_size(env) && i < 10000; i++) {
        const char *e = json_string_value(json_array_get(env, i));
        const char *eq = e ? strchr(e, '=') : NULL;
        char name[128];
        if (!eq || (size_t)(eq - e) >= sizeof name || !eq[1] || eq[1] == '/')
            continue;
        memcpy(name, e, (size_t)(eq - e));
        name[eq - e] = 0;
        if (lint_secret_name(name))
            lint_emit(&x, "CG-IMG-004", 0, 0, "Env %s holds a value in the image config", name);
    }
    json_object_foreach(json_object_get(c, "Labels"), k, v) {
        const char *val = json_string_value(v);
        if (val && *val && lint_secret_name(k))
            lint_emit(&x, "CG-IMG-004", 0, 0, "Label %s holds a value in the image config", k);
    }
    json_t *hist = json_object_get(root, "history");
    for (size_t i = 0; i < json_array_size(hist) && i < 10000; i++) {
        const char *cb = json_string_value(json_object_get(json_array_get(hist, i), "created_by"));
        if (cb)
            history_line(&x, cb, i);
    }
    json_decref(root);
    return CG_OK;
}

typedef struct fsent {
    char *path;
    uint32_t mode;
    int dir;
    int layer;
} fsent;

typedef struct fsscan {
    cg_strmap m;
    cg_arena a;
} fsscan;

static void drop_under(fsscan *s, const char *dir, int below_layer)
{
    size_t l = strlen(dir);
    for (size_t i = 0; i < s->m.cap; i++) {
        cg_strmap_slot *sl = &s->m.slots[i];
        if (!cg_strmap_live(sl))
            continue;
        fsent *f = sl->val;
        if ((l == 0 || (!strncmp(f->path, dir, l) && f->path[l] == '/')) && f->layer < below_layer)
            cg_strmap_del(&s->m, sl->key, sl->klen);
    }
}

static cg_status fs_entry(void *ud, const cg_entry *e, cg_entry_data *d, cg_error *err)
{
    (void)d;
    fsscan *s = ud;
    if (e->type == CG_ENT_WHITEOUT) {
        cg_strmap_del(&s->m, e->path, e->path_len);
        drop_under(s, e->path, e->layer + 1);
        return CG_OK;
    }
    if (e->type == CG_ENT_OPAQUE) {
        drop_under(s, e->path, e->layer);
        return CG_OK;
    }
    int interesting = (e->type == CG_ENT_REG && (e->mode & 06000)) ||
                      (e->type == CG_ENT_DIR && (e->mode & 0002) && !(e->mode & 01000));
    if (!interesting) {
        cg_strmap_del(&s->m, e->path, e->path_len);
        return CG_OK;
    }
    if (s->m.count >= 100000)
        return CG_OK;
    fsent *f = cg_arena_alloc(&s->a, sizeof *f);
    if (!f || !(f->path = cg_arena_strndup(&s->a, e->path, e->path_len)))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    f->mode = e->mode;
    f->dir = e->type == CG_ENT_DIR;
    f->layer = e->layer;
    return cg_strmap_put(&s->m, f->path, e->path_len, f);
}

static int fsent_cmp(const void *a, const void *b)
{
    return strcmp((*(const fsent *const *)a)->path, (*(const fsent *const *)b)->path);
}

cg_status cg_lint_image(cg_image *img, const char *target, const cg_lint_config *cfg, cg_findings *out,
                        cg_error *err)
{
    size_t clen;
    const char *raw = cg_image_config_json(img, &clen);
    cg_status st = CG_OK;
    if (raw)
        st = cg_lint_image_config((const uint8_t *)raw, clen, target, cfg, out, err);
    else if (cg_findings_add_target(out, target, "image-config", lint_count_checks(CG_CHECK_IMAGE)) < 0)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st != CG_OK)
        return st;
    fsscan s;
    cg_strmap_init(&s.m);
    cg_arena_init(&s.a);
    cg_walk_visitor v = {&s, NULL, fs_entry, NULL};
    st = cg_image_walk(img, &v, err);
    if (st == CG_OK) {
        fsent **all = cg_arena_calloc(&s.a, s.m.count + 1, sizeof *all);
        size_t n = 0;
        for (size_t i = 0; all && i < s.m.cap; i++)
            if (cg_strmap_live(&s.m.slots[i]))
                all[n++] = s.m.slots[i].val;
        if (n > 1)
            qsort(all, n, sizeof *all, fsent_cmp);
        lint_ctx x;
        memset(&x, 0, sizeof x);
        x.out = out;
        x.target = target;
        x.target_type = "image-config";
        x.cfg = cfg;
        for (size_t i = 0; i < n && i < MAX_FS_FINDINGS; i++) {
            if (all[i]->dir)
                lint_emit(&x, "CG-IMG-007", 0, 0, "/%s is world-writable without the sticky bit (mode %04o)",
                          all[i]->path, all[i]->mode);
            else
                lint_emit(&x, "CG-IMG-006", 0, 0, "/%s is %s (mode %04o)", all[i]->path,
                          (all[i]->mode & 04000) && (all[i]->mode & 02000) ? "setuid and setgid"
                          : (all[i]->mode & 04000) ? "setuid" : "setgid",
                          all[i]->mode);
        }
    }
    cg_strmap_free(&s.m);
    cg_arena_free(&s.a);
    return st;
}
