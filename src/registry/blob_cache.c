/*
 * blob_cache.c - the blob-location cache of blob_cache.h: parse the file
 * (bounded, bad lines skipped), answer lookups newest first, and merge new
 * entries under an flock'd lock file with temp + rename.  Nothing here is
 * trusted for correctness: a wrong entry only makes a mount fail, and the
 * push uploads instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/blob_cache.h"
#include "core/digest.h"

#define FIELD_MAX 256

typedef struct bc_entry {
    char digest[CG_DIGEST_STR_LEN + 1];
    char registry[FIELD_MAX];
    char repository[FIELD_MAX];
} bc_entry;

struct bc_cache {
    char path[4096];
    bc_entry *v; /* from the file, oldest first */
    size_t n;
    bc_entry *add; /* noted this run, oldest first */
    size_t n_add, cap_add;
};

static int field_ok(const char *s, size_t n)
{
    if (n == 0 || n >= FIELD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

/* Parse the file's bytes into v (at most BC_MAX_ENTRIES, the newest kept). */
static void parse(const char *buf, size_t len, bc_entry **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    if (!lines)
        return;
    bc_entry *v = calloc(lines, sizeof *v);
    if (!v)
        return;
    size_t k = 0;
    for (const char *p = buf, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break; /* a torn last line: ignore */
        const char *a = p, *b = memchr(a, ' ', (size_t)(nl - a));
        const char *c = b ? memchr(b + 1, ' ', (size_t)(nl - b - 1)) : NULL;
        if (b && c && field_ok(a, (size_t)(b - a)) && field_ok(b + 1, (size_t)(c - b - 1)) &&
            field_ok(c + 1, (size_t)(nl - c - 1))) {
            bc_entry *e = &v[k];
            snprintf(e->digest, sizeof e->digest, "%.*s", (int)(b - a), a);
            snprintf(e->registry, sizeof e->registry, "%.*s", (int)(c - b - 1), b + 1);
            snprintf(e->repository, sizeof e->repository, "%.*s", (int)(nl - c - 1), c + 1);
            if (cg_digest_valid(e->digest) && (size_t)(b - a) == CG_DIGEST_STR_LEN)
                k++;
        }
        p = nl + 1;
    }
    if (k > BC_MAX_ENTRIES) {
        memmove(v, v + (k - BC_MAX_ENTRIES), BC_MAX_ENTRIES * sizeof *v);
        k = BC_MAX_ENTRIES;
    }
    *out = v;
    *n = k;
}

static void load(const char *path, bc_entry **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > BC_MAX_FILE) {
        close(fd);
        return;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len);
    size_t got = 0;
    while (buf && got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (buf)
        parse(buf, got, v, n);
    free(buf);
}

static int default_path(char *out, size_t n)
{
    const char *env = getenv("CGATE_BLOB_CACHE");
    if (env && *env)
        return strcmp(env, "off") ? (snprintf(out, n, "%s", env), 0) : -1;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(out, n, "%s/cgate/blob-locations", xdg);
    else if (home && home[0] == '/')
        snprintf(out, n, "%s/.cache/cgate/blob-locations", home);
    else
        return -1;
    return 0;
}

bc_cache *bc_open(const char *path)
{
    bc_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (path)
        snprintf(c->path, sizeof c->path, "%s", path);
    else if (default_path(c->path, sizeof c->path) != 0) {
        free(c);
        return NULL;
    }
    load(c->path, &c->v, &c->n);
    return c;
}

void bc_close(bc_cache *c)
{
    if (!c)
        return;
    free(c->v);
    free(c->add);
    free(c);
}

static const char *find(const bc_entry *v, size_t n, const char *registry, const char *digest, const char *not_repo)
{
    for (size_t i = n; i-- > 0;)
        if (!strcmp(v[i].digest, digest) && !strcmp(v[i].registry, registry) &&
            (!not_repo || strcmp(v[i].repository, not_repo)))
            return v[i].repository;
    return NULL;
}

const char *bc_lookup(const bc_cache *c, const char *registry, const char *digest, const char *not_repo)
{
    if (!c || !registry || !digest)
        return NULL;
    const char *r = find(c->add, c->n_add, registry, digest, not_repo);
    return r ? r : find(c->v, c->n, registry, digest, not_repo);
}

void bc_note(bc_cache *c, const char *registry, const char *repository, const char *digest)
{
    if (!c || !cg_digest_valid(digest) || !field_ok(registry, strlen(registry)) ||
        !field_ok(repository, strlen(repository)) || c->n_add >= BC_MAX_ENTRIES)
        return;
    if (c->n_add == c->cap_add) {
        size_t cap = c->cap_add ? c->cap_add * 2 : 16;
        bc_entry *nv = realloc(c->add, cap * sizeof *nv);
        if (!nv)
            return;
        c->add = nv;
        c->cap_add = cap;
    }
    bc_entry *e = &c->add[c->n_add++];
    snprintf(e->digest, sizeof e->digest, "%s", digest);
    snprintf(e->registry, sizeof e->registry, "%s", registry);
    snprintf(e->repository, sizeof e->repository, "%s", repository);
}

static int same(const bc_entry *a, const bc_entry *b)
{
    return !strcmp(a->digest, b->digest) && !strcmp(a->registry, b->registry) && !strcmp(a->repository, b->repository);
}

static void mkparents(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        (void)mkdir(p, 0700);
        *s = '/';
    }
}

int bc_commit(bc_cache *c)
{
    if (!c || !c->n_add)
        return 0;
    char lock[4200], tmp[4200];
    snprintf(lock, sizeof lock, "%s.lock", c->path);
    mkparents(c->path);
    int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lfd < 0)
        return -1;
    int rc = -1;
    if (flock(lfd, LOCK_EX) != 0)
        goto out;
    /* merge with what other runs wrote since we read it */
    bc_entry *cur;
    size_t n;
    load(c->path, &cur, &n);
    size_t total = n + c->n_add;
    bc_entry *all = calloc(total ? total : 1, sizeof *all);
    if (!all) {
        free(cur);
        goto out;
    }
    if (n)
        memcpy(all, cur, n * sizeof *all);
    memcpy(all + n, c->add, c->n_add * sizeof *all);
    free(cur);
    /* newest wins: an entry noted now replaces its older copy (n x n_add, not n^2) */
    size_t k = 0;
    for (size_t i = 0; i < total; i++) {
        int later = 0;
        for (size_t j = (i < n ? n : i + 1); j < total && !later; j++)
            later = same(&all[i], &all[j]);
        if (!later)
            all[k++] = all[i];
    }
    size_t from = k > BC_MAX_ENTRIES ? k - BC_MAX_ENTRIES : 0;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", c->path, (long)getpid());
    FILE *f = fopen(tmp, "we");
    if (f) {
        for (size_t i = from; i < k; i++)
            fprintf(f, "%s %s %s\n", all[i].digest, all[i].registry, all[i].repository);
        int bad = ferror(f);
        bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        if (!bad && rename(tmp, c->path) == 0)
            rc = 0;
        else
            unlink(tmp);
    }
    free(all);
out:
    close(lfd); /* releases the lock */
    return rc;
}
