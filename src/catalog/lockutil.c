/*
 * lockutil.c - helpers shared by the lock-file and manifest parsers (see
 * lockutil.h).  Nothing here allocates except cg_lock_names_finish's arena
 * copy; nothing keeps state.
 */
#include "catalog/lockutil.h"

#include <stdlib.h>
#include <string.h>

static bool trim_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

cg_span cg_span_trim(cg_span s)
{
    while (s.n && trim_ws(s.p[0]))
        s.p++, s.n--;
    while (s.n && trim_ws(s.p[s.n - 1]))
        s.n--;
    return s;
}

bool cg_span_is(cg_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && !memcmp(s.p, lit, n);
}

bool cg_lock_token_ok(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

bool cg_lock_names_finish(cg_arena *a, cg_vec *names, const char ***out, size_t *n)
{
    const char **v = names->v;
    size_t u = 0;
    bool ok = true;
    if (names->n) {
        qsort(v, names->n, sizeof *v, cg_strptr_cmp);
        for (size_t i = 0; i < names->n; i++)
            if (u == 0 || strcmp(v[u - 1], v[i]))
                v[u++] = v[i];
        *out = cg_arena_memdup(a, v, u * sizeof *v);
        *n = u;
        ok = *out != NULL;
    }
    free(v);
    *names = (cg_vec){0};
    return ok;
}

void cg_lock_warn_invalid(cg_cat_ctx *ctx, const char *path, size_t n)
{
    cg_cat_warn(ctx, "/%s: %zu entr%s without a valid name and version ignored", path, n,
                n == 1 ? "y" : "ies");
}
