/*
 * k8s_load.c - Kubernetes manifests from files and directories into typed
 * objects (k8s_internal.h).  Directories are walked recursively in sorted
 * order for *.yaml, *.yml and *.json (symlinked directories are not followed);
 * each file is multi-document YAML (JSON files are parsed in JSON mode); a
 * `kind: List` contributes its items.  Kinds we do not model are recorded as
 * ignored, never an error.  Every size and count is capped (k8s_internal.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

#include "policy/k8s_internal.h"

static const struct {
    const char *kind;
    k8s_kind k;
    int cluster;
} KINDS[] = {
    {"Deployment", K_POD_WORKLOAD, 0}, {"StatefulSet", K_POD_WORKLOAD, 0}, {"DaemonSet", K_POD_WORKLOAD, 0},
    {"ReplicaSet", K_POD_WORKLOAD, 0}, {"Job", K_POD_WORKLOAD, 0},         {"CronJob", K_POD_WORKLOAD, 0},
    {"Pod", K_POD_WORKLOAD, 0},        {"Service", K_SERVICE, 0},          {"Ingress", K_INGRESS, 0},
    {"NetworkPolicy", K_NETPOL, 0},    {"ServiceAccount", K_SA, 0},        {"Role", K_ROLE, 0},
    {"ClusterRole", K_ROLE, 1},        {"RoleBinding", K_BINDING, 0},      {"ClusterRoleBinding", K_BINDING, 1},
};

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static cg_status ignore(cg_k8s_context *ctx, const char *what, const char *file, int line, cg_error *err)
{
    char *s = cg_arena_sprintf(ctx->a, "%s@%s:%d", what, file, line);
    if (!s || !cg_vec_push(&ctx->ignored, &s, sizeof s))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", file);
    return CG_OK;
}

static cg_status add_object(cg_k8s_context *ctx, const cg_yaml_node *root, const char *file, int allow_list,
                            cg_error *err)
{
    int line = root->line;
    if (root->kind != CG_YAML_MAP)
        return ignore(ctx, "(not a mapping)", file, line, err);
    const char *kind = cg_yaml_str(root, "kind");
    if (!kind)
        return ignore(ctx, "(no kind)", file, line, err);
    if (allow_list && !strcmp(kind, "List")) {
        const cg_yaml_node *items = cg_yaml_get(root, "items");
        if (items && items->kind != CG_YAML_SEQ && !cg_yaml_is_null(items))
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: List: items is not a list", file,
                                cg_yaml_key_line(root, "items"));
        for (size_t i = 0; items && i < items->n; i++) {
            cg_status st = add_object(ctx, items->vals[i], file, 0, err);
            if (st != CG_OK)
                return st;
        }
        return CG_OK;
    }
    size_t ki = 0;
    while (ki < sizeof KINDS / sizeof KINDS[0] && strcmp(KINDS[ki].kind, kind))
        ki++;
    if (ki == sizeof KINDS / sizeof KINDS[0])
        return ignore(ctx, kind, file, line, err);
    if (ctx->objs.n >= K8S_MAX_OBJECTS)
        return cg_error_set(err, CG_ERR_LIMIT, "%s:%d: more than %d Kubernetes objects", file, line,
                            K8S_MAX_OBJECTS);
    const cg_yaml_node *meta = cg_yaml_get(root, "metadata");
    if (meta && meta->kind != CG_YAML_MAP && !cg_yaml_is_null(meta))
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s: metadata is not a mapping", file, line, kind);
    k8s_obj o = {.k = KINDS[ki].k, .kind = KINDS[ki].kind, .file = file, .line = line, .root = root,
                 .cluster = KINDS[ki].cluster};
    const char *ns = cg_yaml_str(meta, "namespace"), *name = cg_yaml_str(meta, "name");
    o.ns = o.cluster ? "" : ns && *ns ? ns : "default";
    o.name = name && *name ? name : "(unnamed)";
    o.src = cg_arena_sprintf(ctx->a, "%s:%d", file, line);
    if (!o.src)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", file);
    if (o.k == K_POD_WORKLOAD) {
        const cg_yaml_node *spec = cg_yaml_get(root, "spec");
        if (!strcmp(kind, "Pod")) {
            o.pod_meta = meta;
            o.pod_spec = spec;
        } else {
            const cg_yaml_node *tmpl;
            if (!strcmp(kind, "CronJob"))
                spec = cg_yaml_get(cg_yaml_get(spec, "jobTemplate"), "spec");
            tmpl = cg_yaml_get(spec, "template");
            o.pod_meta = cg_yaml_get(tmpl, "metadata");
            o.pod_spec = cg_yaml_get(tmpl, "spec");
        }
    }
    cg_status st = k8s_check_object(&o, err);
    if (st != CG_OK)
        return st;
    if (!cg_vec_push(&ctx->objs, &o, sizeof o))
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", file);
    return CG_OK;
}

static cg_status load_file(cg_k8s_context *ctx, const char *path, size_t *total, cg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > K8S_MAX_FILE_SIZE) {
        fclose(f);
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %u bytes", path, K8S_MAX_FILE_SIZE);
    }
    /* one byte more than the size stat gave, to notice a file that grew */
    size_t want = (size_t)sb.st_size + 1;
    uint8_t *buf = malloc(want);
    if (!buf) {
        fclose(f);
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t len = fread(buf, 1, want, f);
    int rerr = ferror(f) || len == want;
    fclose(f);
    cg_status st = CG_OK;
    if (rerr)
        st = cg_error_set(err, CG_ERR_IO, "%s: read error or file changed while read", path);
    else if ((*total += len) > K8S_MAX_TOTAL_SIZE)
        st = cg_error_set(err, CG_ERR_LIMIT, "%s: manifests total more than %u bytes", path, K8S_MAX_TOTAL_SIZE);
    const char *file = st == CG_OK ? cg_arena_strdup(ctx->a, path) : NULL;
    if (st == CG_OK && !file)
        st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
    cg_yaml_doc *docs = NULL;
    size_t n = 0;
    if (st == CG_OK) {
        cg_yaml_limits lim = {.max_depth = K8S_MAX_DEPTH, .max_docs = K8S_MAX_DOCS, .max_nodes = K8S_MAX_NODES};
        /* JSON manifests read as YAML flow style (JSON is YAML's flow subset) */
        st = cg_yaml_parse(buf, len, file, &lim, ctx->a, &docs, &n, err);
    }
    free(buf);
    for (size_t i = 0; st == CG_OK && i < n; i++)
        if (docs[i].root && !cg_yaml_is_null(docs[i].root))
            st = add_object(ctx, docs[i].root, file, 1, err);
    return st;
}

static int manifest_name(const char *name)
{
    return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".json");
}

static cg_status walk(cg_k8s_context *ctx, const char *dir, int depth, size_t *total, size_t *files,
                      cg_error *err)
{
    if (depth > K8S_MAX_DIR_DEPTH)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: directories nested deeper than %d", dir, K8S_MAX_DIR_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    cg_vec names = {0};
    struct dirent *de;
    cg_status st = CG_OK;
    while (st == CG_OK && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *s = strdup(de->d_name);
        if (!s || !cg_vec_push(&names, &s, sizeof s)) {
            free(s);
            st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", dir);
        }
        if (names.n > K8S_MAX_FILES)
            st = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d entries", dir, K8S_MAX_FILES);
    }
    closedir(d);
    char **v = names.v;
    if (st == CG_OK && names.n > 1)
        qsort(v, names.n, sizeof *v, cg_strptr_cmp);
    for (size_t i = 0; st == CG_OK && i < names.n; i++) {
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, v[i]) < 0) {
            st = cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", dir);
            break;
        }
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            st = walk(ctx, p, depth + 1, total, files, err);
        } else if (manifest_name(v[i]) && stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (++*files > K8S_MAX_FILES)
                st = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d manifest files", p, K8S_MAX_FILES);
            else
                st = load_file(ctx, p, total, err);
        }
        free(p);
    }
    for (size_t i = 0; i < names.n; i++)
        free(v[i]);
    free(v);
    return st;
}

cg_status k8s_load_path(cg_k8s_context *ctx, const char *path, size_t *total, size_t *files, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return walk(ctx, path, 0, total, files, err);
    if (++*files > K8S_MAX_FILES)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d manifest files", path, K8S_MAX_FILES);
    return load_file(ctx, path, total, err);
}
