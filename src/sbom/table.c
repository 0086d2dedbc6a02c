/*
 * table.c - the SBOM as a human-readable table, in the spirit of
 * `syft -o table`: one header line (image, digest, distro), then NAME,
 * VERSION, TYPE, SOURCE, LAYER columns padded to their widest cell.  Text from
 * the image goes to a terminal, so control bytes are shown as '?' (an image
 * must not be able to move the cursor or recolour the screen).  Widths count
 * UTF-8 code points; wide (East Asian) characters can still misalign.
 */
#include <stdio.h>
#include <string.h>

#include "sbom/writers.h"

enum { NCOLS = 5 };

static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

static cg_status put_safe(cg_buf *out, const char *s)
{
    cg_status st = CG_OK;
    for (; *s && st == CG_OK; s++) {
        unsigned char c = (unsigned char)*s;
        st = cg_buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    return st;
}

static cg_status put_row(cg_buf *out, const char *const *cells, const size_t *width)
{
    cg_status st = CG_OK;
    /* The last non-empty cell ends the line: no trailing blanks. */
    int last = NCOLS - 1;
    while (last > 0 && !cells[last][0])
        last--;
    for (int c = 0; c <= last && st == CG_OK; c++) {
        st = put_safe(out, cells[c]);
        for (size_t w = display_width(cells[c]); c < last && w < width[c] + 3 && st == CG_OK; w++)
            st = cg_buf_putc(out, ' ');
    }
    return st == CG_OK ? cg_buf_putc(out, '\n') : st;
}

cg_status cg_write_table(cg_wmodel *m, cg_buf *out, cg_error *err)
{
    const cg_sbom *s = m->s;
    const cg_distro *d = s->distro;
    cg_status st = cg_buf_puts(out, "Image: ");
    if (st == CG_OK)
        st = put_safe(out, m->image_name);
    if (st == CG_OK)
        st = cg_buf_puts(out, "  Digest: ");
    if (st == CG_OK)
        st = put_safe(out, m->image_version ? m->image_version : "(none)");
    if (st == CG_OK)
        st = cg_buf_puts(out, "  Distro: ");
    if (st == CG_OK) {
        const char *id = d ? (d->id ? d->id : d->name ? d->name : "unknown") : "(none)";
        st = put_safe(out, id);
        if (st == CG_OK && d && d->version_id && (st = cg_buf_putc(out, ' ')) == CG_OK)
            st = put_safe(out, d->version_id);
    }
    if (st == CG_OK)
        st = cg_buf_putc(out, '\n');
    if (st == CG_OK && s->n_pkgs == 0)
        st = cg_buf_puts(out, "No packages found\n");
    if (st != CG_OK || s->n_pkgs == 0)
        goto done;

    static const char *const head[NCOLS] = {"NAME", "VERSION", "TYPE", "SOURCE", "LAYER"};
    const char *(*rows)[NCOLS] = cg_arena_calloc(&m->arena, s->n_pkgs, sizeof *rows);
    if (!rows)
        return cg_error_set(err, CG_ERR_NOMEM, "writing table: out of memory");
    size_t width[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        width[c] = strlen(head[c]);
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        const char *src = p->source_name && (!p->name || strcmp(p->source_name, p->name) != 0)
                              ? p->source_name : "";
        char layer[24] = "";
        if (p->layer >= 0)
            snprintf(layer, sizeof layer, "%d", p->layer);
        rows[i][0] = p->name ? p->name : "";
        rows[i][1] = p->version ? p->version : "";
        rows[i][2] = p->type ? p->type : "";
        rows[i][3] = src;
        rows[i][4] = cg_arena_strdup(&m->arena, layer);
        if (!rows[i][4])
            return cg_error_set(err, CG_ERR_NOMEM, "writing table: out of memory");
        for (int c = 0; c < NCOLS; c++) {
            size_t w = display_width(rows[i][c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    st = put_row(out, head, width);
    for (size_t i = 0; i < s->n_pkgs && st == CG_OK; i++)
        st = put_row(out, rows[i], width);
done:
    if (st != CG_OK)
        return cg_error_set(err, st, "writing table: %s", cg_status_name(st));
    return CG_OK;
}
