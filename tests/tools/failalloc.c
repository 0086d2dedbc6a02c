/*
 * failalloc.c - an LD_PRELOAD allocator for allocation-failure ("torture") tests in
 * the manner of curl's and SQLite's: the Nth malloc/calloc/realloc of the process
 * returns NULL (CG_FAILALLOC_N=N; once, later calls succeed), and the number of
 * allocations made is written to CG_FAILALLOC_COUNT_FILE at exit.  A run over every
 * N of a command proves that each allocation failure ends in a clean error, never a
 * crash or a silently different output.  Not for sanitizer builds (ASan owns malloc).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t a, size_t b);
extern void *__libc_realloc(void *p, size_t n);

static long fail_at = -1, count;
static int armed;
static const char *count_file;

__attribute__((constructor)) static void failalloc_init(void)
{
    const char *s = getenv("CG_FAILALLOC_N");
    if (s)
        fail_at = strtol(s, NULL, 10);
    count_file = getenv("CG_FAILALLOC_COUNT_FILE");
    armed = 1;
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

static int should_fail(void)
{
    if (!armed)
        return 0;
    return ++count == fail_at;
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
