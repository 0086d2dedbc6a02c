/*
 * lock.c - one writer at a time per DB: an exclusive advisory lock on
 * "DB.lock" beside the DB, held from before an import copies the live file
 * until after it renames the new one over it, so two writers can never both
 * copy the same base and lose one's records.  Readers never look at the lock
 * (they open the live file, which is only ever replaced by rename).
 * Open-file-description locks (F_OFD_SETLK) exclude threads of one process
 * too and are dropped by the kernel when the holder dies, so a kill -9 never
 * leaves a stale lock.  The holder writes its pid into the file so a waiter
 * that gives up can name it.  The lock file is never removed (removing it
 * would let two writers lock two different inodes).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/vdb_int.h"

#define LOCK_DEFAULT_MS (5 * 60 * 1000)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int try_lock(int fd)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
    int rc = fcntl(fd, F_OFD_SETLK, &fl);
    if (rc != 0 && errno == EINVAL) /* a kernel without OFD locks */
        rc = fcntl(fd, F_SETLK, &fl);
    return rc;
#else
    return fcntl(fd, F_SETLK, &fl);
#endif
}

/* The pid the current holder wrote, or 0 when unknown. */
static long holder_pid(int fd)
{
    char b[32];
    ssize_t n = pread(fd, b, sizeof b - 1, 0);
    if (n <= 0)
        return 0;
    b[n] = 0;
    char *end;
    long pid = strtol(b, &end, 10);
    return pid > 0 && (*end == '\n' || !*end) ? pid : 0;
}

static void fmt_ms(int64_t ms, char *out, size_t cap)
{
    if (ms % 60000 == 0)
        snprintf(out, cap, "%lldm", (long long)(ms / 60000));
    else if (ms % 1000 == 0)
        snprintf(out, cap, "%llds", (long long)(ms / 1000));
    else
        snprintf(out, cap, "%.1fs", (double)ms / 1000.0);
}

cg_status vdb_lock_acquire(const char *db_path, int64_t timeout_ms, vdb_lock *lk, cg_error *err)
{
    lk->fd = -1;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s.lock", db_path) >= sizeof path)
        return cg_error_set(err, CG_ERR_USAGE, "%s: DB path too long", db_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open the DB's lock file: %s", path, strerror(errno));
    if (timeout_ms == 0)
        timeout_ms = LOCK_DEFAULT_MS;
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    long sleep_ms = 5;
    for (;;) {
        if (try_lock(fd) == 0)
            break;
        if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
            cg_status s = cg_error_set(err, CG_ERR_IO, "%s: cannot lock: %s", path, strerror(errno));
            close(fd);
            return s;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            long pid = holder_pid(fd);
            char waited[48], who[48];
            if (timeout_ms > 0) {
                char d[24];
                fmt_ms(timeout_ms, d, sizeof d);
                snprintf(waited, sizeof waited, "gave up after %s", d);
            } else {
                snprintf(waited, sizeof waited, "not waiting");
            }
            if (pid)
                snprintf(who, sizeof who, "process %ld", pid);
            else
                snprintf(who, sizeof who, "another process");
            close(fd);
            return cg_error_set(err, CG_ERR_NETWORK,
                                "%s: %s is writing this DB (lock %s); %s (--lock-timeout)", db_path, who,
                                path, waited);
        }
        /* Back off 5 ms .. 100 ms, never past the deadline; with jitter so
         * many waiters do not wake in step. */
        long ms = sleep_ms + (long)(((unsigned long)getpid() * 7919u + (unsigned long)now_ms()) % 5u);
        if (ms > left)
            ms = (long)left;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (sleep_ms < 100)
            sleep_ms *= 2;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* the pid is only for messages; the lock itself holds */
    }
    lk->fd = fd;
    return CG_OK;
}

void vdb_lock_release(vdb_lock *lk)
{
    if (lk->fd >= 0) {
        if (ftruncate(lk->fd, 0) != 0) {
            /* only the pid note; closing drops the lock */
        }
        close(lk->fd); /* drops the lock */
    }
    lk->fd = -1;
}

void vdb_remove_stale_tmp(const char *db_path)
{
    const char *slash = strrchr(db_path, '/');
    char dir[4096];
    const char *base = slash ? slash + 1 : db_path;
    if (slash) {
        size_t n = (size_t)(slash - db_path);
        if (n >= sizeof dir)
            return;
        memcpy(dir, db_path, n);
        dir[n] = 0;
        if (!n)
            snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    int cap = 1000; /* a bounded sweep */
    while ((de = readdir(d)) && cap-- > 0) {
        const char *nm = de->d_name;
        /* exactly BASE.tmp.XXXXXX, as mkstemp made it */
        if (strncmp(nm, base, bl) != 0 || strncmp(nm + bl, ".tmp.", 5) != 0 || strlen(nm + bl + 5) != 6)
            continue;
        char p[8192];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, nm) < sizeof p)
            unlink(p);
    }
    closedir(d);
}
