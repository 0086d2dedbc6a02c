/*
 * dockerfile_json.c - the parsed Dockerfile as JSON in the shape Conftest's
 * Dockerfile parser gives (an array of commands: Cmd, SubCmd, JSON,
 * Original, Stage, Flags, Value), plus StartLine, EndLine, Heredocs and
 * Syntax (the `# syntax=` frontend), which Conftest's readers ignore.  This is the `input` Rego policies get.
 */
#include "cgate/lint.h"
#include "core/jwrite.h"

cg_status cg_dockerfile_to_json(const cg_dockerfile *df, cg_buf *out, cg_error *err)
{
    cg_jw w;
    cg_jw_init(&w, out);
    cg_jw_open(&w, "[");
    for (size_t i = 0; i < df->n_cmds; i++) {
        const cg_df_cmd *c = &df->cmds[i];
        cg_jw_elem(&w);
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "Cmd", c->cmd);
        cg_jw_kstr(&w, "SubCmd", c->sub_cmd ? c->sub_cmd : "");
        cg_jw_kbool(&w, "JSON", c->json);
        cg_jw_kstr(&w, "Original", c->original);
        cg_jw_kint(&w, "Stage", c->stage);
        cg_jw_kstrs(&w, "Flags", c->flags, c->n_flags, 0);
        cg_jw_kstrs(&w, "Value", c->value, c->n_value, 0);
        cg_jw_kint(&w, "StartLine", c->start_line);
        cg_jw_kint(&w, "EndLine", c->end_line);
        if (df->syntax)
            cg_jw_kstr(&w, "Syntax", df->syntax);
        if (c->n_heredocs) {
            cg_jw_key(&w, "Heredocs");
            cg_jw_open(&w, "[");
            for (size_t h = 0; h < c->n_heredocs; h++) {
                cg_jw_elem(&w);
                cg_jw_open(&w, "{");
                cg_jw_kstr(&w, "Name", c->heredocs[h].name);
                cg_jw_kstr(&w, "Content", c->heredocs[h].body);
                cg_jw_kbool(&w, "Expand", !c->heredocs[h].quoted);
                cg_jw_close(&w, "}");
            }
            cg_jw_close(&w, "]");
        }
        cg_jw_close(&w, "}");
    }
    cg_jw_close(&w, "]");
    cg_jw_raw(&w, "\n");
    if (w.st != CG_OK)
        return cg_error_set(err, w.st, "writing the Dockerfile document: %s", cg_status_name(w.st));
    return CG_OK;
}
