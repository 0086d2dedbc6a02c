/*
 * vex_int.h - what the VEX readers share (vex.c: statements, schema helpers,
 * loading and lookup; vex_openvex.c; vex_cyclonedx.c).  Private to
 * src/policy/.
 */
#ifndef CG_POLICY_VEX_INT_H
#define CG_POLICY_VEX_INT_H

#include <jansson.h>
#include <stdint.h>

#include "cgate/policy_context.h"
#include "core/purl.h"
#include "core/vec.h"

#define VEX_MAX_FILE_SIZE (64u << 20)
#define VEX_MAX_STATEMENTS 1000000 /* over all documents */

typedef struct vex_stmt {
    const char **ids; /* vulnerability name/id and aliases */
    size_t n_ids;
    cg_purl *purls;
    size_t n_purls;
    cg_vex_status status;
    const char *justification, *impact, *document, *statement_id;
    int64_t time; /* seconds since the epoch; INT64_MIN when unknown */
    int32_t nanos;
    size_t order; /* load order, breaks ties: later wins */
} vex_stmt;

struct cg_vex {
    cg_arena *a;
    cg_vec stmts; /* vex_stmt */
};

typedef struct vctx {
    cg_vex *vex;
    const char *file;
    const char *text; /* the document, for the line of an error */
    size_t len;
    cg_error *err;
    cg_vec ids, purls; /* of the statement being built */
} vctx;

cg_status vex_err(vctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
cg_status vex_want_str(vctx *c, const json_t *obj, const char *key, const char *path, int required,
                       const char **out);
cg_status vex_add_id(vctx *c, const char *id);
cg_status vex_add_purl(vctx *c, const char *s);
cg_status vex_push_stmt(vctx *c, vex_stmt *s);
int vex_in_list(const char *const *l, const char *s);
cg_status vex_read_openvex(vctx *c, const json_t *doc);
cg_status vex_read_cyclonedx(vctx *c, const json_t *doc);

#endif
