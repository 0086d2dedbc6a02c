/*
 * image.c - parsing image references and dispatching to a transport.
 * Owns the defaults of cg_image_opts and the auto-detection of plain paths,
 * which refuses a directory that is none of the things it could be.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/tarindex.h"
#include "image/transport.h"

#define DEFAULT_MAX_JSON (4ull << 20)
#define DEFAULT_MAX_LAYER (64ull << 30)
#define DEFAULT_MAX_ENTRIES 50000000ull

static cg_status parse_platform(const char *s, cg_platform *p, cg_error *err)
{
    memset(p, 0, sizeof *p);
    const char *a = strchr(s, '/');
    const char *b = a ? strchr(a + 1, '/') : NULL;
    size_t osl = a ? (size_t)(a - s) : 0;
    size_t archl = a ? (b ? (size_t)(b - a - 1) : strlen(a + 1)) : 0;
    size_t varl = b ? strlen(b + 1) : 0;
    if (!a || !osl || !archl || osl >= sizeof p->os || archl >= sizeof p->arch || varl >= sizeof p->variant ||
        (b && (!varl || strchr(b + 1, '/'))))
        return cg_error_set(err, CG_ERR_USAGE, "invalid platform \"%s\" (expected OS/ARCH[/VARIANT], e.g. linux/amd64)", s);
    memcpy(p->os, s, osl);
    memcpy(p->arch, a + 1, archl);
    if (b)
        memcpy(p->variant, b + 1, varl);
    snprintf(p->text, sizeof p->text, "%s", s);
    return CG_OK;
}

/* Split "PATH[:SUFFIX]" where PATH must exist; a path containing ':' wins. */
static void split_path(cg_arena *a, const char *rest, const char **path, const char **suffix)
{
    struct stat sb;
    *path = rest;
    *suffix = NULL;
    if (stat(rest, &sb) == 0)
        return;
    for (const char *c = strchr(rest, ':'); c; c = strchr(c + 1, ':')) {
        char *pre = cg_arena_strndup(a, rest, (size_t)(c - rest));
        if (pre && stat(pre, &sb) == 0) {
            *path = pre;
            *suffix = c[1] ? c + 1 : NULL;
            return;
        }
    }
}

/* Whether DIR/name exists as a directory (or a link to one, as in merged-/usr trees). */
static int has_entry(int dfd, const char *name, int want_dir)
{
    struct stat sb;
    if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    if (!want_dir)
        return S_ISREG(sb.st_mode);
    return S_ISDIR(sb.st_mode) || S_ISLNK(sb.st_mode);
}

/* "an empty directory", or "3 entries (a, b, c)": the first few names in
 * sorted order (readdir's order is the file system's), for messages. */
static const char *describe_dir(cg_arena *a, const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return "an unreadable directory";
    char names[3][64];
    size_t n = 0, k = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 1000000) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        n++;
        char cur[64];
        size_t cl = strnlen(de->d_name, sizeof cur - 1); /* long names are cut: this is a message */
        memcpy(cur, de->d_name, cl);
        cur[cl] = '\0';
        /* insertion into the k smallest so far */
        size_t at = k;
        while (at > 0 && strcmp(cur, names[at - 1]) < 0)
            at--;
        if (at >= 3)
            continue;
        if (k < 3)
            k++;
        for (size_t j = k - 1; j > at; j--)
            memcpy(names[j], names[j - 1], sizeof names[j]);
        memcpy(names[at], cur, sizeof cur);
    }
    closedir(d);
    if (n == 0)
        return "an empty directory";
    return cg_arena_sprintf(a, "%zu entr%s (%s%s%s%s%s%s)", n, n == 1 ? "y" : "ies", names[0], k > 1 ? ", " : "",
                            k > 1 ? names[1] : "", k > 2 ? ", " : "", k > 2 ? names[2] : "", n > 3 ? ", ..." : "");
}

/* A directory is an OCI layout (oci-layout), an extracted `docker save`
 * (manifest.json), or a root filesystem only when it looks like one (etc/,
 * usr/ or var/lib/).  Anything else is refused rather than read as an image
 * with nothing in it: a gate must not pass what it did not look at. */
static cg_status autodetect_dir(cg_image *img, const char *path, cg_error *err)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open directory: %s", path, strerror(errno));
    int manifest = has_entry(dfd, "manifest.json", 0), layout = has_entry(dfd, "oci-layout", 0);
    int index = has_entry(dfd, "index.json", 0);
    int rootfs = has_entry(dfd, "etc", 1) || has_entry(dfd, "usr", 1) || has_entry(dfd, "var/lib", 1);
    close(dfd);
    if (manifest) { /* docker save output, also when it carries an OCI layout beside (as the tar is read) */
        img->info.transport = "docker-archive";
        return cg_docker_archive_open(img, path, NULL, err);
    }
    if (layout) {
        img->info.transport = "oci";
        return cg_oci_dir_open(img, path, NULL, err);
    }
    if (index)
        return cg_error_set(err, CG_ERR_INPUT,
                            "%s: has index.json but no oci-layout file: not an OCI image layout (expected oci-layout "
                            "beside index.json, or manifest.json for an extracted docker save)", path);
    if (rootfs) {
        img->info.transport = "dir";
        return cg_dirfs_open(img, path, err);
    }
    return cg_error_set(err, CG_ERR_INPUT,
                        "%s: not an image or a root filesystem: found %s; expected oci-layout (OCI layout), "
                        "manifest.json (extracted docker save) or etc/, usr/, var/lib/ (root filesystem); "
                        "say dir:%s for a root filesystem or fs:%s for a source tree",
                        path, describe_dir(&img->arena, path), path, path);
}

static cg_status autodetect(cg_image *img, const char *path, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return autodetect_dir(img, path, err);
    if (!S_ISREG(sb.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a file or directory", path);
    cg_tarindex ti;
    cg_arena scratch;
    cg_arena_init(&scratch);
    cg_status st = cg_tarindex_open(&ti, path, &scratch, err);
    int docker = st == CG_OK && cg_tarindex_find(&ti, "manifest.json");
    int oci = st == CG_OK && cg_tarindex_find(&ti, "oci-layout");
    cg_tarindex_close(&ti);
    cg_arena_free(&scratch);
    if (st != CG_OK)
        return cg_error_prefix(err, "cannot detect the image format");
    if (docker) {
        img->info.transport = "docker-archive";
        return cg_docker_archive_open(img, path, NULL, err);
    }
    if (oci) {
        img->info.transport = "oci-archive";
        return cg_oci_archive_open(img, path, NULL, err);
    }
    return cg_error_set(err, CG_ERR_INPUT,
                        "%s: a tar archive but neither a docker-archive (manifest.json) nor an OCI archive (oci-layout)", path);
}

static cg_status open_ref(cg_image *img, const char *ref, cg_error *err)
{
    static const struct {
        const char *prefix;
        const char *name;
    } tps[] = {{"docker-archive:", "docker-archive"}, {"oci-archive:", "oci-archive"}, {"oci:", "oci"}, {"dir:", "dir"}, {"fs:", "fs"}};
    for (size_t i = 0; i < sizeof tps / sizeof tps[0]; i++) {
        size_t pl = strlen(tps[i].prefix);
        if (strncmp(ref, tps[i].prefix, pl))
            continue;
        const char *rest = ref + pl, *path, *suffix;
        if (!*rest)
            return cg_error_set(err, CG_ERR_USAGE, "%s: missing path after \"%s\"", ref, tps[i].prefix);
        img->info.transport = tps[i].name;
        if (!strcmp(tps[i].name, "dir") || !strcmp(tps[i].name, "fs"))
            return cg_dirfs_open(img, rest, err);
        split_path(&img->arena, rest, &path, &suffix);
        struct stat sb;
        if (stat(path, &sb) != 0)
            return cg_error_set(err, CG_ERR_INPUT, "%s: %s", path, strerror(errno));
        if (!strcmp(tps[i].name, "docker-archive"))
            return cg_docker_archive_open(img, path, suffix, err);
        if (!strcmp(tps[i].name, "oci-archive"))
            return cg_oci_archive_open(img, path, suffix, err);
        return cg_oci_dir_open(img, path, suffix, err);
    }
    const char *colon = strchr(ref, ':');
    const char *slash = strchr(ref, '/');
    struct stat sb;
    /* docker://HOST/REPO..., or a bare HOST/REPO... whose first component is a host */
    if (!strncmp(ref, "docker://", 9) ||
        (slash && ref[0] != '.' && stat(ref, &sb) != 0 &&
         (memchr(ref, '.', (size_t)(slash - ref)) || memchr(ref, ':', (size_t)(slash - ref)) ||
          !strncmp(ref, "localhost/", 10)))) {
        img->info.transport = "docker";
        return cg_registry_image_open(img, ref, err);
    }
    if (colon && colon != ref && (!slash || colon < slash) && stat(ref, &sb) != 0) {
        int n = (int)(colon - ref);
        return cg_error_set(err, CG_ERR_USAGE,
                            "unsupported image transport \"%.*s:\" (supported: docker-archive:, oci:, oci-archive:, dir:, fs:, docker://, or a path)",
                            n > 40 ? 40 : n, ref);
    }
    return autodetect(img, ref, err);
}

cg_status cg_image_open(const char *ref, const cg_image_opts *opts, cg_image **out, cg_error *err)
{
    return cg_image_open_ex(ref, opts, 0, out, err);
}

cg_status cg_image_new(const char *ref, const cg_image_opts *opts, cg_image **out, cg_error *err)
{
    *out = NULL;
    cg_image *img = calloc(1, sizeof *img);
    if (!img)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_arena_init(&img->arena);
    if (opts)
        img->opts = *opts;
    if (!img->opts.max_json_bytes)
        img->opts.max_json_bytes = DEFAULT_MAX_JSON;
    if (!img->opts.max_layer_bytes)
        img->opts.max_layer_bytes = DEFAULT_MAX_LAYER;
    if (!img->opts.max_entries)
        img->opts.max_entries = DEFAULT_MAX_ENTRIES;
    img->platform_explicit = img->opts.platform != NULL;
    cg_status st = parse_platform(img->opts.platform ? img->opts.platform : "linux/amd64", &img->platform, err);
    img->opts.platform = NULL; /* not owned */
    img->info.ref = cg_arena_strdup(&img->arena, ref);
    if (st == CG_OK && !img->info.ref)
        st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st != CG_OK) {
        cg_image_close(img);
        return st;
    }
    *out = img;
    return CG_OK;
}

cg_status cg_image_open_ex(const char *ref, const cg_image_opts *opts, int want_index, cg_image **out, cg_error *err)
{
    *out = NULL;
    if (!ref || !*ref)
        return cg_error_set(err, CG_ERR_USAGE, "no image reference given");
    cg_image *img;
    cg_status st = cg_image_new(ref, opts, &img, err);
    if (st != CG_OK)
        return st;
    img->want_index = want_index && !img->platform_explicit;
    st = open_ref(img, ref, err);
    if (st == CG_OK && !img->info.name) {
        const char *b = strrchr(ref, '/');
        img->info.name = cg_arena_strdup(&img->arena, b && b[1] ? b + 1 : ref);
    }
    if (st != CG_OK) {
        if (!strstr(err->msg, ref) || st == CG_ERR_LIMIT)
            cg_error_prefix(err, "image %s", ref);
        cg_image_close(img);
        return st;
    }
    *out = img;
    return CG_OK;
}

const cg_image_info *cg_image_get_info(const cg_image *img)
{
    return &img->info;
}

const char *cg_image_config_json(const cg_image *img, size_t *len)
{
    *len = img->config_len;
    return img->config_raw;
}

void cg_image_close(cg_image *img)
{
    if (!img)
        return;
    if (img->tp && img->tp->close)
        img->tp->close(img);
    json_decref(img->index_doc);
    cg_arena_free(&img->arena);
    free(img);
}
