/*
 * dirfs.c - the dir: transport: a root filesystem already on disk, walked as
 * one pseudo-layer (layer index -1).  Everything is opened with openat() and
 * O_NOFOLLOW below the root, so symlinks inside the tree are reported as
 * symlinks and never followed out of it.  Entries are visited in sorted order
 * so the walk is deterministic.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/transport.h"
#include "image/walk.h"

#define MAX_DEPTH 256

typedef struct dir_state {
    int rootfd;
} dir_state;

typedef struct walk_ctx {
    cg_image *img;
    const cg_walk_visitor *v;
    uint64_t entries;
    char path[4096];
} walk_ctx;

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static cg_status walk_dir(walk_ctx *w, int dfd, size_t plen, int depth, cg_error *err)
{
    if (depth > MAX_DEPTH)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: directories nested deeper than %d", w->path, MAX_DEPTH);
    int dupfd = dup(dfd);
    DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
    if (!d) {
        if (dupfd >= 0)
            close(dupfd);
        return cg_error_set(err, CG_ERR_IO, "%s: cannot read directory: %s", plen ? w->path : ".", strerror(errno));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    cg_status st = CG_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (++w->entries > w->img->opts.max_entries) {
            st = cg_error_set(err, CG_ERR_LIMIT, "more than %llu entries", (unsigned long long)w->img->opts.max_entries);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) {
            st = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st == CG_OK && n > 1)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; st == CG_OK && i < n; i++) {
        size_t nl = strlen(names[i]);
        if (plen + nl + 2 > sizeof w->path) {
            st = cg_error_set(err, CG_ERR_INPUT, "%s/%s: path too long", w->path, names[i]);
            break;
        }
        size_t np = plen;
        if (np)
            w->path[np++] = '/';
        memcpy(w->path + np, names[i], nl + 1);
        np += nl;
        struct stat sb;
        if (fstatat(dfd, names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            st = cg_error_set(err, CG_ERR_IO, "%s: %s", w->path, strerror(errno));
            break;
        }
        cg_entry e = {w->path, np, CG_ENT_OTHER, 0, (uint32_t)(sb.st_mode & 07777), NULL, -1};
        char link[4096];
        if (S_ISREG(sb.st_mode)) {
            e.type = CG_ENT_REG;
            e.size = (uint64_t)sb.st_size;
            int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
            if (fd < 0) {
                st = cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", w->path, strerror(errno));
                break;
            }
            cg_entry_data data = {NULL, fd, e.size, 0};
            st = w->v->entry(w->v->ud, &e, &data, err);
            close(fd);
        } else if (S_ISDIR(sb.st_mode)) {
            e.type = CG_ENT_DIR;
            st = w->v->entry(w->v->ud, &e, NULL, err);
            int sub = st == CG_OK ? openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
            if (st == CG_OK && sub < 0)
                st = cg_error_set(err, CG_ERR_IO, "%s: cannot open directory: %s", w->path, strerror(errno));
            if (st == CG_OK) {
                st = walk_dir(w, sub, np, depth + 1, err);
                close(sub);
            }
        } else if (S_ISLNK(sb.st_mode)) {
            ssize_t ll = readlinkat(dfd, names[i], link, sizeof link - 1);
            if (ll < 0) {
                st = cg_error_set(err, CG_ERR_IO, "%s: readlink: %s", w->path, strerror(errno));
                break;
            }
            link[ll] = '\0';
            e.type = CG_ENT_SYMLINK;
            e.link = link;
            st = w->v->entry(w->v->ud, &e, NULL, err);
        } else {
            st = w->v->entry(w->v->ud, &e, NULL, err);
        }
        w->path[plen] = '\0';
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

static cg_status dir_walk(cg_image *img, const cg_walk_visitor *v, cg_error *err)
{
    dir_state *ds = img->impl;
    walk_ctx *w = calloc(1, sizeof *w);
    if (!w)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    w->img = img;
    w->v = v;
    cg_status st = v->layer_begin ? v->layer_begin(v->ud, -1, err) : CG_OK;
    if (st == CG_OK)
        st = walk_dir(w, ds->rootfd, 0, 0, err);
    if (st == CG_OK && v->layer_end)
        st = v->layer_end(v->ud, -1, err);
    free(w);
    if (st == CG_OK && img->opts.progress) {
        cg_progress p = {0, 0, 0, 0, 1};
        img->opts.progress(img->opts.progress_ud, &p);
    }
    return st;
}

static cg_status dir_open_layer(cg_image *img, size_t i, cg_blob *out, cg_error *err)
{
    (void)img;
    (void)i;
    (void)out;
    return cg_error_set(err, CG_ERR_INTERNAL, "dir: has no layers");
}

static void dir_close(cg_image *img)
{
    dir_state *ds = img->impl;
    if (ds) {
        if (ds->rootfd >= 0)
            close(ds->rootfd);
        free(ds);
    }
    img->impl = NULL;
}

static const cg_transport dir_tp = {"dir", dir_open_layer, dir_walk, dir_close, NULL, NULL, NULL, 0};

cg_status cg_dirfs_open(cg_image *img, const char *dir, cg_error *err)
{
    dir_state *ds = calloc(1, sizeof *ds);
    if (!ds)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    ds->rootfd = -1;
    img->impl = ds;
    img->tp = &dir_tp;
    ds->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ds->rootfd < 0)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    const char *base = strrchr(dir, '/');
    while (base && base[1] == '\0' && base > dir) { /* trailing slashes */
        const char *p = base - 1;
        while (p > dir && *p != '/')
            p--;
        base = *p == '/' ? p : NULL;
    }
    const char *name = base ? base + 1 : dir;
    size_t nl = strcspn(name, "/");
    img->info.name = cg_arena_strndup(&img->arena, name, nl ? nl : strlen(name));
    return CG_OK;
}
