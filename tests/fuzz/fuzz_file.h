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

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* "/dev/shm" when it is a writable directory, else "/tmp". */
static inline const char *fuzz_tmpdir(void)
{
    return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
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
