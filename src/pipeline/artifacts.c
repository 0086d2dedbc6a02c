/*
 * artifacts.c - the artifacts folder of a run: every artifact written whole
 * (temp + rename through core/outfile) and hashed as it is written, folders
 * made on demand, and removal of the trees the run itself made (the build's
 * private storage root), never following a symlink or crossing a mount.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"
#include "pipeline/pipeline_int.h"

cg_status pl_artifact_write(const char *dir, const char *name, const void *data, size_t len,
                            char sha[CG_DIGEST_STR_LEN + 1], cg_error *err)
{
    char path[PL_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cg_status st = cg_sha256_str(len ? data : "", len, sha);
    if (st != CG_OK)
        return cg_error_set(err, st, "sha256 unavailable");
    return cg_write_output(path, len ? data : "", len, err);
}

cg_status pl_mkdirs(const char *path, cg_error *err)
{
    char p[PL_PATH_MAX];
    if (strlen(path) >= sizeof p)
        return cg_error_set(err, CG_ERR_USAGE, "%.100s...: path too long", path);
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", p, strerror(errno));
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot create: %s", p, strerror(errno));
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
        return cg_error_set(err, CG_ERR_IO, "%s: not a folder", p);
    return CG_OK;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)f;
    if (flag == FTW_DP)
        (void)rmdir(path);
    else
        (void)unlink(path); /* what is left is reported by pl_rmtree */
    return 0;
}

int pl_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    return lstat(path, &st) == 0 ? -1 : 0;
}

void pl_default_dir(const char *digest, char *out, size_t n)
{
    const char *hex = !strncmp(digest, "sha256:", 7) ? digest + 7 : digest;
    snprintf(out, n, "cgate-artifacts/sha256-%s", hex);
}
