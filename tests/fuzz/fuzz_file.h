/*
 * fuzz_file.h - handing fuzz input to loaders that take paths: the bytes in
 * an in-memory file (memfd), named through /proc/self/fd.  Shared by the
 * targets whose API reads files (Kubernetes manifests, VEX documents); and the
 * directory for targets that need real paths (image layouts, dir: roots, DB
 * files): a tmpfs when there is one, since a file's creation on disk costs
 * more than the parse it feeds.
 */
#ifndef CG_FUZZ_FILE_H
#define CG_FUZZ_FILE_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* "/dev/shm" when it is a writable directory, else "/tmp". */
static inline const char *fuzz_tmpdir(void)
{
    return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* The scratch directory a target made, removed when the process exits
 * normally (a tmpfs keeps what is left in memory). */
static inline char *fuzz_scratch(void)
{
    static char dir[128];
    return dir;
}

static inline int fuzz_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

static inline void fuzz_rm_scratch(void)
{
    if (fuzz_scratch()[0])
        nftw(fuzz_scratch(), fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fuzz_remove_at_exit(const char *dir)
{
    if (!fuzz_scratch()[0] && snprintf(fuzz_scratch(), 128, "%s", dir) < 128)
        atexit(fuzz_rm_scratch);
}

/* The input as a file: its descriptor (close it when done) and its path in
 * path; -1 when no memfd could be made or written. */
static inline int fuzz_file(const char *name, const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create(name, 0);
    if (fd < 0)
        return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
