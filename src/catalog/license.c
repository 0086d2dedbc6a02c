/*
 * license.c - licence names as packages write them -> SPDX expressions.
 *
 * Two lookups: the generated SPDX id table (spdx_ids.c, case-insensitive,
 * canonical spelling back) and a small alias layer for Debian DEP-5 / legacy
 * short names (GPL-2+, Expat, PSF-2, GPL2+ as apk writes it ...).  Expressions
 * are tokenised and re-emitted with SPDX operators; DEP-5 "A or B, and C"
 * commas become parentheses.  Anything we cannot map exactly is returned as
 * written with is_spdx = 0: a wrong SPDX id is worse than an honest string.
 * Pure functions over (text, len); no global mutable state.
 */
#include "catalog/license.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cgate/buf.h"

extern const char *const cg_spdx_ids[];
extern const size_t cg_n_spdx_ids;

#define LIC_MAX_TEXT 4096   /* longer licence fields are kept as written */
#define LIC_MAX_DEPTH 16    /* parenthesis nesting cap */
#define LIC_MAX_WORD 128

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int ci_cmp(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen && b[i]; i++) {
        int x = lower((unsigned char)a[i]), y = lower((unsigned char)b[i]);
        if (x != y)
            return x - y;
    }
    if (i < alen)
        return 1;
    return b[i] ? -1 : 0;
}

/* Canonical SPDX id for s[0..n) (any case), or NULL. */
const char *cg_spdx_id_lookup(const char *s, size_t n)
{
    size_t lo = 0, hi = cg_n_spdx_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ci_cmp(s, n, cg_spdx_ids[mid]);
        if (c == 0)
            return cg_spdx_ids[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const struct { const char *from, *to; } aliases[] = {
    {"Expat", "MIT"},
    {"MIT/Expat", "MIT"},
    {"Apache-2", "Apache-2.0"},
    {"Apache2", "Apache-2.0"},
    {"Artistic", "Artistic-1.0"},
    {"Artistic-2", "Artistic-2.0"},
    {"MPL-2", "MPL-2.0"},
    {"PSF-2", "PSF-2.0"},
    {"CC0", "CC0-1.0"},
    {"BSD-2", "BSD-2-Clause"},
    {"BSD-3", "BSD-3-Clause"},
    {"BSD-4", "BSD-4-Clause"},
    {"zlib/libpng", "Zlib"},
};

/* GNU family names in every spelling packagers use: GPL-2, GPL-2+, GPL2+,
 * GPL-2.0, GPL-2.0+ (deprecated SPDX ids), LGPL-2.1+, GFDL-1.3, AGPL-3+,
 * GFDL-NIV-1.2+.  Result is "<FAM>-<X.Y>-only|-or-later" when that id exists. */
static const char *gnu_lookup(const char *s, size_t n, char *tmp, size_t tmpsz)
{
    static const char *const fams[] = {"AGPL", "LGPL", "GPL", "GFDL-NIV", "GFDL"};
    for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
        size_t fl = strlen(fams[f]);
        if (n <= fl || ci_cmp(s, fl, fams[f]) != 0) /* s[0..fl) vs the family name */
            continue;
        size_t i = fl;
        if (i < n && s[i] == '-')
            i++;
        size_t vs = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            i++;
        size_t ve = i;
        bool plus = false;
        if (i < n && s[i] == '+') {
            plus = true;
            i++;
        }
        if (i != n || ve == vs || ve - vs > 4)
            return NULL;
        char ver[8];
        memcpy(ver, s + vs, ve - vs);
        ver[ve - vs] = 0;
        if (!strchr(ver, '.'))
            memcpy(ver + (ve - vs), ".0", 3); /* ve - vs <= 4, ver holds 8 */
        bool niv = f == 3;
        snprintf(tmp, tmpsz, "%s-%s%s%s", niv ? "GFDL" : fams[f], ver,
                 niv ? "-no-invariants" : "", plus ? "-or-later" : "-only");
        return cg_spdx_id_lookup(tmp, strlen(tmp));
    }
    return NULL;
}

/* One identifier -> canonical SPDX id, or NULL. */
static const char *map_id(const char *s, size_t n)
{
    if (n == 0 || n > LIC_MAX_WORD)
        return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (ci_cmp(s, n, aliases[i].from) == 0)
            return aliases[i].to;
    char tmp[LIC_MAX_WORD + 32];
    const char *g = gnu_lookup(s, n, tmp, sizeof tmp);
    if (g)
        return g;
    /* Deprecated "GPL-2.0" style ids are in the table but the -only form
     * is what the GNU lookup above already produced; anything else as is. */
    return cg_spdx_id_lookup(s, n);
}

/* The CycloneDX enum mixes licence and exception ids; exception ids say so
 * in their name (deprecated "GPL-2.0-with-...-exception" ids are licences). */
static bool is_exception_id(const char *id)
{
    return (strstr(id, "exception") || strstr(id, "Exception")) && !strstr(id, "-with-");
}

enum tok { T_END, T_ID, T_AND, T_OR, T_WITH, T_LP, T_RP, T_COMMA };

typedef struct lexer {
    const char *s;
    size_t n, i;
} lexer;

static bool is_word_char(char c)
{
    return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')' ||
             c == ',' || c == '|' || c == '\0');
}

static enum tok next_tok(lexer *lx, const char **w, size_t *wl)
{
    while (lx->i < lx->n && (lx->s[lx->i] == ' ' || lx->s[lx->i] == '\t' ||
                             lx->s[lx->i] == '\r' || lx->s[lx->i] == '\n'))
        lx->i++;
    if (lx->i >= lx->n)
        return T_END;
    char c = lx->s[lx->i];
    if (c == '(' || c == ')' || c == ',' || c == '|') {
        lx->i++;
        return c == '(' ? T_LP : c == ')' ? T_RP : c == ',' ? T_COMMA : T_OR;
    }
    if (c == '\0')
        return T_END; /* embedded NUL: treated as junk by the caller */
    size_t st = lx->i;
    while (lx->i < lx->n && is_word_char(lx->s[lx->i]))
        lx->i++;
    *w = lx->s + st;
    *wl = lx->i - st;
    if (ci_cmp(*w, *wl, "and") == 0 || ci_cmp(*w, *wl, "&") == 0)
        return T_AND;
    if (ci_cmp(*w, *wl, "or") == 0)
        return T_OR;
    if (ci_cmp(*w, *wl, "with") == 0)
        return T_WITH;
    return T_ID;
}

/* Translate to SPDX into out; false when anything does not map. */
static bool translate(const char *s, size_t n, cg_buf *out)
{
    lexer lx = {s, n, 0};
    int depth = 0;
    bool expect_operand = true, after_with = false;
    /* per nesting level: did the current operand sequence use OR at top level? */
    bool has_or[LIC_MAX_DEPTH + 1] = {false};
    size_t group_start[LIC_MAX_DEPTH + 1] = {0};
    const char *w = NULL;
    size_t wl = 0;
    for (size_t guard = 0; guard < LIC_MAX_TEXT; guard++) {
        enum tok t = next_tok(&lx, &w, &wl);
        switch (t) {
        case T_END:
            if (lx.i < lx.n) /* stopped on a NUL byte */
                return false;
            return !expect_operand && depth == 0 && out->len > 0;
        case T_ID: {
            if (after_with) {
                /* exception: must be an SPDX exception id (contains "exception") */
                const char *e = cg_spdx_id_lookup(w, wl);
                if (!e || !is_exception_id(e))
                    return false;
                if (cg_buf_printf(out, " WITH %s", e) != CG_OK)
                    return false;
                after_with = false;
                expect_operand = false;
                break;
            }
            const char *id = map_id(w, wl);
            if (!id || is_exception_id(id))
                return false;
            if (!expect_operand) /* "MIT BSD-2-Clause": adjacent ids are AND */
                if (cg_buf_puts(out, " AND ") != CG_OK)
                    return false;
            if (cg_buf_puts(out, id) != CG_OK)
                return false;
            expect_operand = false;
            break;
        }
        case T_AND:
        case T_OR:
            if (expect_operand)
                return false;
            if (t == T_OR)
                has_or[depth] = true;
            if (cg_buf_puts(out, t == T_AND ? " AND " : " OR ") != CG_OK)
                return false;
            expect_operand = true;
            break;
        case T_WITH:
            if (expect_operand)
                return false;
            after_with = true;
            expect_operand = true;
            break;
        case T_LP:
            if (!expect_operand || depth >= LIC_MAX_DEPTH)
                return false;
            if (cg_buf_putc(out, '(') != CG_OK)
                return false;
            depth++;
            has_or[depth] = false;
            group_start[depth] = out->len;
            break;
        case T_RP:
            if (expect_operand || depth == 0)
                return false;
            depth--;
            if (cg_buf_putc(out, ')') != CG_OK)
                return false;
            break;
        case T_COMMA: {
            /* DEP-5: "A or B, and C" = (A or B) and C.  The comma must be
             * followed by and/or. */
            if (expect_operand)
                return false;
            const char *w2;
            size_t wl2;
            enum tok op = next_tok(&lx, &w2, &wl2);
            if (op != T_AND && op != T_OR)
                return false;
            if (op == T_AND && has_or[depth]) {
                size_t gs = group_start[depth];
                if (cg_buf_putc(out, ')') != CG_OK || cg_buf_reserve(out, 1) != CG_OK)
                    return false;
                memmove(out->data + gs + 1, out->data + gs, out->len - gs);
                out->data[gs] = '(';
                out->len++;
                out->data[out->len] = 0;
                has_or[depth] = false;
            }
            if (op == T_OR)
                has_or[depth] = true;
            if (cg_buf_puts(out, op == T_AND ? " AND " : " OR ") != CG_OK)
                return false;
            expect_operand = true;
            break;
        }
        }
    }
    return false;
}

int cg_license_map(cg_arena *a, const char *text, size_t len, cg_license *out)
{
    out->value = NULL;
    out->is_spdx = 0;
    size_t b = 0, e = len;
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r' || text[b] == '\n'))
        b++;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r' ||
                     text[e - 1] == '\n'))
        e--;
    const char *s = text + b;
    size_t n = e - b;
    if (n > 0 && n <= LIC_MAX_TEXT) {
        cg_buf buf;
        cg_buf_init(&buf, LIC_MAX_TEXT * 4);
        bool ok = translate(s, n, &buf);
        if (ok) {
            out->value = cg_arena_strndup(a, buf.data, buf.len);
            out->is_spdx = 1;
        }
        cg_buf_free(&buf);
        if (ok)
            return out->value ? 0 : -1;
    }
    out->value = cg_arena_strndup(a, s, n);
    return out->value ? 0 : -1;
}
