/*
 * fuzz_dirfs.c - the dir: transport (a root filesystem on disk) on arbitrary
 * trees: the input is a list of records (regular file, directory, symlink
 * with any target, hard link) materialised under a fresh scratch root, which
 * is then read as `cgate sbom dir:ROOT` reads it: the sorted openat() walk
 * that must never follow a symlink out of the root, and every cataloger on
 * what it finds.  Record: type byte, name length byte, name, 2-byte
 * little-endian content length, content (symlink/hard link: the target).
 * Names with "..", a NUL or a leading "/" are dropped, and nothing is created
 * through a symlink, so the fuzzer itself never writes outside its root.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgate/image.h"
#include "cgate/sbom.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64], root[96];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

/* "a/b/c" is safe when no component is "", ".", ".." and it is relative. */
static int safe_name(const char *n)
{
    if (!*n || n[0] == '/')
        return 0;
    for (const char *c = n; *c;) {
        const char *e = strchr(c, '/');
        size_t l = e ? (size_t)(e - c) : strlen(c);
        if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c += l;
        if (*c)
            c++;
    }
    return 1;
}

/* mkdir -p of name's parent below root, never through a symlink. */
static int make_parents(const char *name)
{
    char p[512];
    int pl = snprintf(p, sizeof p, "%s/%s", root, name);
    if (pl < 0 || (size_t)pl >= sizeof p)
        return -1;
    for (char *c = p + strlen(root) + 1; (c = strchr(c, '/')); c++) {
        *c = '\0';
        struct stat sb;
        if (lstat(p, &sb) == 0) {
            if (!S_ISDIR(sb.st_mode))
                return -1;
        } else if (mkdir(p, 0755) != 0) {
            return -1;
        }
        *c = '/';
    }
    return 0;
}

static void build_tree(const uint8_t *d, size_t n)
{
    size_t i = 0;
    for (int rec = 0; rec < 64 && i + 2 <= n; rec++) {
        uint8_t type = d[i] % 4, nl = d[i + 1];
        i += 2;
        if (nl == 0 || i + nl + 2 > n)
            return;
        char name[256];
        memcpy(name, d + i, nl);
        name[nl] = '\0';
        i += nl;
        size_t cl = (size_t)d[i] | (size_t)d[i + 1] << 8;
        i += 2;
        if (cl > n - i)
            cl = n - i;
        const uint8_t *content = d + i;
        i += cl;
        if (strlen(name) != nl || !safe_name(name) || make_parents(name) != 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", root, name);
        if (type == 0) {
            int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (fd >= 0) {
                if (cl && write(fd, content, cl) < 0) {
                    /* a short tree is still a tree */
                }
                close(fd);
            }
        } else if (type == 1) {
            mkdir(p, 0755);
        } else {
            char t[512];
            size_t tl = cl < sizeof t - 1 ? cl : sizeof t - 1;
            memcpy(t, content, tl);
            t[tl] = '\0';
            if (strlen(t) != tl)
                continue;
            if (type == 2) {
                if (symlink(t, p) != 0) {
                    /* exists already: skip */
                }
            } else if (safe_name(t)) {
                char tp[512];
                snprintf(tp, sizeof tp, "%s/%s", root, t);
                struct stat sb;
                if (lstat(tp, &sb) == 0 && S_ISREG(sb.st_mode) && link(tp, p) != 0) {
                    /* exists already: skip */
                }
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    if (!base[0]) {
        snprintf(base, sizeof base, "%s/cgate-fuzz-dir-%d", fuzz_tmpdir(), (int)getpid());
        snprintf(root, sizeof root, "%s/root", base);
        fuzz_remove_at_exit(base);
    }
    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (mkdir(base, 0700) != 0 || mkdir(root, 0755) != 0)
        abort();
    build_tree(data, size);
    char ref[128];
    snprintf(ref, sizeof ref, "dir:%s", root);
    cg_image_opts o;
    memset(&o, 0, sizeof o);
    o.max_json_bytes = 1u << 20;
    cg_image *img;
    cg_error err;
    if (cg_image_open(ref, &o, &img, &err) != CG_OK)
        return 0;
    cg_sbom *s;
    cg_sbom_opts so = {0};
    so.allow_empty = 1;
    if (cg_sbom_build(img, &so, &s, &err) == CG_OK) {
        cg_buf b = CG_BUF_INIT;
        cg_sbom_write(s, CG_SBOM_CYCLONEDX_JSON, &b, &err);
        cg_buf_free(&b);
        cg_sbom_free(s);
    }
    cg_image_close(img);
    return 0;
}
