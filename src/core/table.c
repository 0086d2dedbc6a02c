/*
 * table.c - text tables fitted to a width (see table.h).  Layout: every
 * column gets at least its longest word (capped, so one long purl cannot
 * starve the rest) and the room left is shared in proportion to what each
 * column still lacks; cells then wrap at spaces and over-long words are
 * elided with "...".  With width 0 the output is the classic padded table.
 */
#include "core/table.h"

#include <string.h>

enum { WORD_CAP = 24, COL_MIN = 4 };

size_t cg_text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

static char *sanitize(cg_arena *a, const char *s)
{
    char *c = cg_arena_strdup(a, s ? s : "");
    if (c)
        for (unsigned char *p = (unsigned char *)c; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                *p = '?';
    return c;
}

cg_status cg_text_put_safe(cg_buf *out, const char *s)
{
    cg_status st = CG_OK;
    for (; *s && st == CG_OK; s++) {
        unsigned char c = (unsigned char)*s;
        st = cg_buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    return st;
}

void cg_table_init(cg_table *t, cg_arena *a, size_t ncols, const char *const *head, size_t gap, int color_col)
{
    memset(t, 0, sizeof *t);
    t->a = a;
    t->ncols = ncols;
    t->head = head;
    t->gap = gap;
    t->color_col = color_col;
    t->detail_col = -1;
}

void cg_table_add(cg_table *t, const char *const *cells, const char *color)
{
    if (t->st != CG_OK)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        cg_table_row *r = cg_arena_calloc(t->a, cap, sizeof *r);
        if (!r) {
            t->st = CG_ERR_NOMEM;
            return;
        }
        if (t->n)
            memcpy(r, t->rows, t->n * sizeof *r);
        t->rows = r;
        t->cap = cap;
    }
    const char **c = cg_arena_calloc(t->a, t->ncols, sizeof *c);
    if (!c) {
        t->st = CG_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < t->ncols; i++)
        if (!(c[i] = sanitize(t->a, cells[i]))) {
            t->st = CG_ERR_NOMEM;
            return;
        }
    t->rows[t->n].cells = c;
    t->rows[t->n].color = color;
    t->n++;
}

/* Byte length of the first max code points of s[0..len). */
static size_t prefix_bytes(const char *s, size_t len, size_t max)
{
    size_t w = 0, i = 0;
    for (; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (w == max)
                break;
            w++;
        }
    return i;
}

static size_t span_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

static size_t longest_word(const char *s)
{
    size_t best = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *b = s;
        while (*s && *s != ' ')
            s++;
        size_t w = span_width(b, (size_t)(s - b));
        if (w > best)
            best = w;
    }
    return best;
}

/* One wrapped line of cell text: [b, b+len) printed, plus "..." when elided. */
typedef struct seg {
    const char *b;
    size_t len;
    int elided;
} seg;

/* Wrap s into at most max_lines segments of width w; returns the count. */
static size_t wrap(const char *s, size_t w, seg *lines, size_t max_lines)
{
    size_t n = 0;
    while (*s == ' ')
        s++;
    while (*s && n < max_lines) {
        const char *b = s;
        size_t lw = 0, end = 0; /* bytes of the line so far */
        const char *p = s;
        while (*p) {
            const char *wb = p;
            while (*p && *p != ' ')
                p++;
            size_t ww = span_width(wb, (size_t)(p - wb));
            size_t need = lw ? lw + 1 + ww : ww;
            if (need > w) {
                if (lw == 0) { /* one word wider than the column: elide it */
                    size_t keep = w > 3 ? w - 3 : w;
                    lines[n].b = wb;
                    lines[n].len = prefix_bytes(wb, (size_t)(p - wb), keep);
                    lines[n].elided = w > 3;
                    n++;
                    s = p;
                    goto next;
                }
                p = wb;
                break;
            }
            lw = need;
            end = (size_t)(p - b);
            while (*p == ' ')
                p++;
        }
        lines[n].b = b;
        lines[n].len = end;
        lines[n].elided = 0;
        n++;
        s = p;
    next:
        while (*s == ' ')
            s++;
    }
    return n;
}

static cg_status pad(cg_buf *out, size_t n)
{
    cg_status st = CG_OK;
    while (n-- && st == CG_OK)
        st = cg_buf_putc(out, ' ');
    return st;
}

enum { MAX_LINES = 64 };

/* The visible columns vis[0..nv) of a row, with widths cw[] (by column). */
static cg_status render_row(const cg_table *t, const char *const *cells, const char *color, const size_t *vis,
                            size_t nv, const size_t *cw, int fit, size_t gap, cg_buf *out)
{
    seg lines[16][MAX_LINES];
    size_t nl[16] = {0}, rows = 1;
    for (size_t k = 0; k < nv; k++) {
        size_t c = vis[k];
        if (!fit) {
            lines[k][0].b = cells[c];
            lines[k][0].len = strlen(cells[c]);
            lines[k][0].elided = 0;
            nl[k] = cells[c][0] ? 1 : 0;
        } else {
            nl[k] = wrap(cells[c], cw[c], lines[k], MAX_LINES);
        }
        if (nl[k] > rows)
            rows = nl[k];
    }
    cg_status st = CG_OK;
    for (size_t l = 0; l < rows && st == CG_OK; l++) {
        size_t last = 0;
        for (size_t k = 0; k < nv; k++)
            if (l < nl[k] && lines[k][l].len + (size_t)lines[k][l].elided)
                last = k;
        for (size_t k = 0; k <= last && st == CG_OK; k++) {
            size_t c = vis[k], w = 0;
            if (l < nl[k]) {
                const seg *g = &lines[k][l];
                int paint = color && *color && (int)c == t->color_col;
                if (paint)
                    st = cg_buf_puts(out, color);
                if (st == CG_OK)
                    st = cg_buf_append(out, g->b, g->len);
                if (st == CG_OK && g->elided)
                    st = cg_buf_puts(out, "...");
                if (st == CG_OK && paint)
                    st = cg_buf_puts(out, "\033[0m");
                w = span_width(g->b, g->len) + (g->elided ? 3 : 0);
            }
            if (k < last && st == CG_OK)
                st = pad(out, (cw[c] > w ? cw[c] - w : 0) + gap);
        }
        if (st == CG_OK)
            st = cg_buf_putc(out, '\n');
    }
    return st;
}

/* The detail cell under its row, wrapped to width and indented. */
static cg_status render_detail(const char *text, size_t width, cg_buf *out)
{
    enum { INDENT = 4 };
    if (!*text)
        return CG_OK;
    seg lines[MAX_LINES];
    size_t n = wrap(text, width > INDENT + 8 ? width - INDENT : 8, lines, MAX_LINES);
    cg_status st = CG_OK;
    for (size_t l = 0; l < n && st == CG_OK; l++) {
        st = pad(out, INDENT);
        if (st == CG_OK)
            st = cg_buf_append(out, lines[l].b, lines[l].len);
        if (st == CG_OK && lines[l].elided)
            st = cg_buf_puts(out, "...");
        if (st == CG_OK)
            st = cg_buf_putc(out, '\n');
    }
    return st;
}

void cg_table_source(cg_table *t, size_t n, void (*fn)(void *ud, size_t i, const char **cells, const char **color),
                     void *ud)
{
    t->row_fn = fn;
    t->row_ud = ud;
    t->n = n;
}

/* Row r's cells (sanitized) and colour: stored, or asked for and sanitized
 * into scratch. */
static cg_status row_at(const cg_table *t, size_t r, const char **cells, const char **color, cg_buf *scratch)
{
    if (!t->row_fn) {
        memcpy(cells, t->rows[r].cells, t->ncols * sizeof *cells);
        *color = t->rows[r].color;
        return CG_OK;
    }
    const char *raw[16] = {0};
    size_t off[16];
    *color = NULL;
    t->row_fn(t->row_ud, r, raw, color);
    cg_buf_reset(scratch);
    cg_status st = CG_OK;
    for (size_t c = 0; c < t->ncols && st == CG_OK; c++) {
        off[c] = scratch->len;
        st = cg_text_put_safe(scratch, raw[c] ? raw[c] : "");
        if (st == CG_OK)
            st = cg_buf_putc(scratch, '\0');
    }
    for (size_t c = 0; c < t->ncols && st == CG_OK; c++)
        cells[c] = scratch->data + off[c];
    return st;
}

static cg_status flush_to(cg_buf *out, cg_sink_fn sink, void *ud, cg_error *err)
{
    if (!sink || out->len < 65536)
        return CG_OK;
    cg_status st = sink(ud, out->data, out->len, err);
    cg_buf_reset(out);
    return st;
}

cg_status cg_table_render(const cg_table *t, size_t width, int color, cg_buf *out)
{
    return cg_table_render_to(t, width, color, out, NULL, NULL, NULL);
}

cg_status cg_table_render_to(const cg_table *t, size_t width, int color, cg_buf *out, cg_sink_fn sink, void *ud,
                             cg_error *err)
{
    if (t->st != CG_OK)
        return t->st;
    size_t nc = t->ncols;
    if (nc == 0 || nc > 16)
        return CG_ERR_INTERNAL;
    size_t nat[16], minw[16], cw[16], vis[16], nv = 0;
    int empty[16];
    cg_buf scratch = CG_BUF_INIT;
    const char *cells[16], *rcolor;
    for (size_t c = 0; c < nc; c++) {
        nat[c] = cg_text_width(t->head[c]);
        minw[c] = nat[c];
        empty[c] = 1;
    }
    for (size_t r = 0; r < t->n; r++) {
        cg_status rs = row_at(t, r, cells, &rcolor, &scratch);
        if (rs != CG_OK) {
            cg_buf_free(&scratch);
            return rs;
        }
        for (size_t c = 0; c < nc; c++) {
            size_t w = cg_text_width(cells[c]);
            if (w)
                empty[c] = 0;
            if (w > nat[c])
                nat[c] = w;
            size_t lw = longest_word(cells[c]);
            if (lw > WORD_CAP)
                lw = WORD_CAP;
            if (lw > minw[c])
                minw[c] = lw;
        }
    }
    for (size_t c = 0; c < nc; c++)
        cw[c] = nat[c];
    size_t total = 0;
    for (size_t c = 0; c < nc; c++)
        total += nat[c] + (c ? t->gap : 0);
    size_t gap = t->gap;
    if (width > 0 && total > width && gap > 1 && total - (gap - 1) * (nc - 1) <= width) {
        gap = 1; /* one space between columns is enough to keep every cell whole */
        total -= (t->gap - 1) * (nc - 1);
    }
    int fit = width > 0 && total > width;
    int detail = fit && t->detail_col >= 0 && (size_t)t->detail_col < nc;
    for (size_t c = 0; c < nc; c++)
        if (!fit || (!empty[c] && !(detail && (int)c == t->detail_col)))
            vis[nv++] = c;
    if (nv == 0)
        vis[nv++] = 0;
    if (fit) {
        size_t gaps = gap * (nv - 1), sum = gaps, ntot = gaps;
        for (size_t k = 0; k < nv; k++) {
            sum += minw[vis[k]];
            ntot += nat[vis[k]];
        }
        if (ntot > width) {
            while (sum > width) { /* shrink the widest minimum until it fits */
                size_t big = vis[0];
                for (size_t k = 1; k < nv; k++)
                    if (minw[vis[k]] > minw[big])
                        big = vis[k];
                if (minw[big] <= COL_MIN)
                    break; /* too narrow for this table: go as small as sensible */
                minw[big]--;
                sum--;
            }
            size_t left = width > sum ? width - sum : 0, want = 0;
            for (size_t k = 0; k < nv; k++)
                want += nat[vis[k]] - minw[vis[k]];
            size_t given = 0;
            for (size_t k = 0; k < nv; k++) {
                size_t c = vis[k];
                size_t g = want ? (size_t)((double)left * (double)(nat[c] - minw[c]) / (double)want) : 0;
                cw[c] = minw[c] + g;
                given += g;
            }
            for (size_t k = 0; given < left && k < nv; k++) /* rounding remainder */
                if (cw[vis[k]] < nat[vis[k]]) {
                    cw[vis[k]]++;
                    given++;
                }
        }
    }
    cg_status st = render_row(t, t->head, NULL, vis, nv, cw, fit, gap, out);
    for (size_t r = 0; r < t->n && st == CG_OK; r++) {
        st = row_at(t, r, cells, &rcolor, &scratch);
        if (st == CG_OK)
            st = render_row(t, cells, color ? rcolor : NULL, vis, nv, cw, fit, gap, out);
        if (st == CG_OK && detail)
            st = render_detail(cells[t->detail_col], width, out);
        if (st == CG_OK)
            st = flush_to(out, sink, ud, err);
    }
    cg_buf_free(&scratch);
    return st;
}
cg_status cg_text_wrap(cg_buf *out, const char *s, size_t width, size_t indent)
{
    cg_arena a;
    cg_arena_init(&a);
    char *c = sanitize(&a, s);
    cg_status st = c ? CG_OK : CG_ERR_NOMEM;
    if (st == CG_OK && (width == 0 || width <= indent + 8)) {
        st = cg_buf_puts(out, c);
        if (st == CG_OK)
            st = cg_buf_putc(out, '\n');
    } else if (st == CG_OK) {
        size_t w = width, lead = 0;
        const char *p = c;
        while (p[lead] == ' ' && lead < indent)
            lead++;
        int first = 1;
        seg line;
        while (st == CG_OK && *p) {
            /* one line at a time: the first is full width, the rest indented */
            while (*p == ' ')
                p++;
            if (!*p)
                break;
            size_t n = wrap(p, w - (first ? lead : indent), &line, 1);
            if (n == 0)
                break;
            st = pad(out, first ? lead : indent);
            if (st == CG_OK)
                st = cg_buf_append(out, line.b, line.len);
            if (st == CG_OK && line.elided)
                st = cg_buf_puts(out, "...");
            if (st == CG_OK)
                st = cg_buf_putc(out, '\n');
            p = line.b + line.len;
            if (line.elided)
                while (*p && *p != ' ')
                    p++;
            first = 0;
        }
        if (st == CG_OK && first)
            st = cg_buf_putc(out, '\n');
    }
    cg_arena_free(&a);
    return st;
}
