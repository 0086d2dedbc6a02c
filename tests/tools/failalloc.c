/*
 * failalloc.c - an LD_PRELOAD allocator for allocation-failure ("torture") tests in
 * the manner of curl's and SQLite's: the Nth malloc/calloc/realloc after the CLI's
 * start-up
 * returns NULL (CG_FAILALLOC_N=N; once, later calls succeed), and the number of
 * allocations made is written to CG_FAILALLOC_COUNT_FILE at exit; CG_FAILALLOC_TRACE
 * prints the call stack of the failed allocation.  A run over every
 * N of a command proves that each allocation failure ends in a clean error, never a
 * crash or a silently different output.  Not for sanitizer builds (ASan owns malloc).
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t a, size_t b);
extern void *__libc_realloc(void *p, size_t n);

static long fail_at = -1, count;
static int armed, trace;
static const char *count_file;

__attribute__((constructor)) static void failalloc_init(void)
{
    const char *s = getenv("CG_FAILALLOC_N");
    if (s)
        fail_at = strtol(s, NULL, 10);
    count_file = getenv("CG_FAILALLOC_COUNT_FILE");
    trace = getenv("CG_FAILALLOC_TRACE") != NULL;
    if (trace) {
        void *prime[2]; /* the first backtrace() loads libgcc: do it while malloc works */
        backtrace(prime, 2);
    }
}

__attribute__((destructor)) static void failalloc_fini(void)
{
    if (!count_file)
        return;
    int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    char b[32];
    int n = snprintf(b, sizeof b, "%ld\n", count);
    if (n > 0 && write(fd, b, (size_t)n) < 0)
        n = 0;
    close(fd);
}

/* The CLI calls getenv("CG_FAILALLOC_ARM") once its libraries' one-time set-up is
 * done (OpenSSL, SQLite): counting starts there, since that set-up is theirs. */
char *getenv(const char *name)
{
    extern char **environ;
    if (name[0] == 'C' && !strcmp(name, "CG_FAILALLOC_ARM")) {
        armed = 1;
        return NULL;
    }
    size_t n = strlen(name);
    for (char **e = environ; e && *e; e++)
        if (!strncmp(*e, name, n) && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static int should_fail(void)
{
    if (!armed)
        return 0;
    if (++count != fail_at)
        return 0;
    if (trace) { /* CG_FAILALLOC_TRACE: where the failed allocation was asked for */
        void *bt[32];
        backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
    }
    errno = ENOMEM; /* as the real allocator does: glibc's pthread_create asserts it */
    return 1;
}

void *malloc(size_t n)
{
    return should_fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    return should_fail() ? NULL : __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    return (n && should_fail()) ? NULL : __libc_realloc(p, n);
}
