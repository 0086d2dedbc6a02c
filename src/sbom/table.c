/*
 * table.c - the SBOM as a human-readable table, in the spirit of
 * `syft -o table`: one header line (image, digest, distro), then NAME,
 * VERSION, TYPE, SOURCE, LAYER columns padded to their widest cell, or
 * fitted to the width the caller gives (core/table.c).  Text from
 * the image goes to a terminal, so control bytes are shown as '?' (an image
 * must not be able to move the cursor or recolour the screen).  Widths count
 * UTF-8 code points; wide (East Asian) characters can still misalign.
 */
#include <stdio.h>
#include <string.h>

#include "core/table.h"
#include "sbom/writers.h"

enum { NCOLS = 5 };

static cg_status put_safe(cg_buf *out, const char *s)
{
    return cg_text_put_safe(out, s);
}

cg_status cg_write_table(cg_wmodel *m, cg_buf *out, cg_error *err)
{
    const cg_sbom *s = m->s;
    const cg_distro *d = s->distro;
    size_t start = out->len;
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
    if (st == CG_OK && m->table_width) { /* fitted: the header line wraps too */
        cg_buf line = CG_BUF_INIT;
        st = cg_buf_append(&line, out->data + start, out->len - start);
        if (st == CG_OK) {
            out->len = start;
            st = cg_text_wrap(out, cg_buf_str(&line), m->table_width, 2);
        }
        cg_buf_free(&line);
    } else if (st == CG_OK) {
        st = cg_buf_putc(out, '\n');
    }
    if (st == CG_OK && s->n_pkgs == 0)
        st = cg_buf_puts(out, "No packages found\n");
    if (st != CG_OK || s->n_pkgs == 0)
        goto done;

    static const char *const head[NCOLS] = {"NAME", "VERSION", "TYPE", "SOURCE", "LAYER"};
    cg_table tb;
    cg_table_init(&tb, &m->arena, NCOLS, head, 3, -1);
    for (size_t i = 0; i < s->n_pkgs; i++) {
        const cg_package *p = &s->pkgs[i];
        const char *src = p->source_name && (!p->name || strcmp(p->source_name, p->name) != 0)
                              ? p->source_name : "";
        char layer[24] = "";
        if (p->layer >= 0)
            snprintf(layer, sizeof layer, "%d", p->layer);
        const char *row[NCOLS] = {p->name ? p->name : "", p->version ? p->version : "", p->type ? p->type : "", src,
                                  layer};
        cg_table_add(&tb, row, NULL);
    }
    st = cg_table_render(&tb, m->table_width, 0, out);
done:
    if (st != CG_OK)
        return cg_error_set(err, st, "writing table: %s", cg_status_name(st));
    return CG_OK;
}
