/*
 * vex.c - VEX statements (policy_context.h): OpenVEX 0.2.0 documents, checked
 * against every constraint of the OpenVEX JSON schema (openvex_json_schema
 * 0.2.0: required fields, no unknown keys, types, enums, unique items, the
 * not_affected/affected conditionals, date-time formats), and the
 * vulnerabilities[] of CycloneDX 1.4-1.6 BOMs (CycloneDX VEX).  Both become
 * one list of statements; cg_vex_lookup picks the latest one that names the
 * vulnerability (by id or alias) and a product/subcomponent purl matching the
 * package's.  Errors name the file and the JSON path of the bad field.
 * This file holds the statements, shared schema helpers, loading and lookup;
 * vex_openvex.c and vex_cyclonedx.c read each format.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/json.h"
#include "policy/vex_int.h"

/* ---- schema helpers --------------------------------------------------------- */

cg_status vex_err(vctx *c, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = c->text ? cg_json_locate(c->text, c->len, path) : 0;
    if (line > 0)
        return cg_error_set(c->err, CG_ERR_INPUT, "%s:%d: %s: %s", c->file, line, path, msg);
    return cg_error_set(c->err, CG_ERR_INPUT, "%s: %s: %s", c->file, path, msg);
}

cg_status vex_want_str(vctx *c, const json_t *obj, const char *key, const char *path, int required,
                          const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return required ? vex_err(c, path, "required field \"%s\" is missing", key) : CG_OK;
    if (!json_is_string(v))
        return vex_err(c, path, "\"%s\" is not a string", key);
    *out = json_string_value(v);
    return CG_OK;
}

cg_status vex_add_id(vctx *c, const char *id)
{
    const char *s = cg_arena_strdup(c->vex->a, id);
    if (!s || !cg_vec_push(&c->ids, &s, sizeof s))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
}

/* Remember a product purl; identifiers that are not purls (cpe, plain IRIs) never match a package. */
cg_status vex_add_purl(vctx *c, const char *s)
{
    if (!s || strncmp(s, "pkg:", 4))
        return CG_OK;
    cg_purl p;
    int r = cg_purl_parse(c->vex->a, s, strlen(s), &p);
    if (r == -2 || (r == 0 && !cg_vec_push(&c->purls, &p, sizeof p)))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
}

cg_status vex_push_stmt(vctx *c, vex_stmt *s)
{
    cg_arena *a = c->vex->a;
    s->n_ids = c->ids.n;
    s->n_purls = c->purls.n;
    s->ids = c->ids.n ? cg_arena_memdup(a, c->ids.v, c->ids.n * sizeof *s->ids) : NULL;
    s->purls = c->purls.n ? cg_arena_memdup(a, c->purls.v, c->purls.n * sizeof *s->purls) : NULL;
    c->ids.n = c->purls.n = 0;
    s->order = c->vex->stmts.n;
    if (c->vex->stmts.n >= VEX_MAX_STATEMENTS)
        return cg_error_set(c->err, CG_ERR_LIMIT, "%s: more than %d VEX statements", c->file, VEX_MAX_STATEMENTS);
    if ((s->n_ids && !s->ids) || (s->n_purls && !s->purls) || !cg_vec_push(&c->vex->stmts, s, sizeof *s))
        return cg_error_set(c->err, CG_ERR_NOMEM, "%s: out of memory", c->file);
    return CG_OK;
}

int vex_in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

/* ---- API -------------------------------------------------------------------- */

static cg_status load_one(cg_vex *vex, const char *path, cg_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return cg_error_set(err, CG_ERR_INPUT, "%s: not a readable file", path);
    if ((uint64_t)sb.st_size > VEX_MAX_FILE_SIZE)
        return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %u bytes", path, VEX_MAX_FILE_SIZE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cg_error_set(err, CG_ERR_INPUT, "%s: cannot open", path);
    size_t want = (size_t)sb.st_size + 1;
    char *buf = malloc(want);
    size_t len = buf ? fread(buf, 1, want, f) : 0;
    int bad = ferror(f) || len == want;
    fclose(f);
    if (!buf)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
    if (bad) {
        free(buf);
        return cg_error_set(err, CG_ERR_IO, "%s: read error or file changed while read", path);
    }
    const char *file = cg_arena_strdup(vex->a, path);
    json_t *doc = NULL;
    cg_status st = file ? cg_json_parse(buf, len, file, &doc, err) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (st != CG_OK) {
        free(buf);
        return st;
    }
    vctx c = {.vex = vex, .file = file, .text = buf, .len = len, .err = err};
    if (!json_is_object(doc))
        st = cg_error_set(err, CG_ERR_INPUT, "%s: not a JSON object", file);
    else if (json_object_get(doc, "@context"))
        st = vex_read_openvex(&c, doc);
    else if (cg_json_str(doc, "bomFormat") && !strcmp(cg_json_str(doc, "bomFormat"), "CycloneDX"))
        st = vex_read_cyclonedx(&c, doc);
    else
        st = cg_error_set(err, CG_ERR_INPUT, "%s: neither OpenVEX (@context) nor CycloneDX (bomFormat)", file);
    free(c.ids.v);
    free(c.purls.v);
    json_decref(doc);
    free(buf);
    return st;
}

cg_status cg_vex_load(const char *const *paths, size_t n, cg_arena *a, cg_vex **out, cg_error *err)
{
    *out = NULL;
    cg_vex *vex = calloc(1, sizeof *vex);
    if (!vex)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    vex->a = a;
    for (size_t i = 0; i < n; i++) {
        cg_status st = load_one(vex, paths[i], err);
        if (st != CG_OK) {
            cg_vex_free(vex);
            return st;
        }
    }
    *out = vex;
    return CG_OK;
}

static int opt_eq(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

/* The statement's purl covers the package's: same type, namespace and name;
 * its version (when it has one), qualifiers and subpath must all be the
 * package's; what it leaves out is not compared. */
static int purl_covers(const cg_purl *s, const cg_purl *p)
{
    if (strcmp(s->type, p->type) || !opt_eq(s->namespace_, p->namespace_) || strcmp(s->name, p->name))
        return 0;
    if (s->version && !opt_eq(s->version, p->version))
        return 0;
    if (s->subpath && !opt_eq(s->subpath, p->subpath))
        return 0;
    for (size_t i = 0; i < s->n_quals; i++) {
        const char *v = cg_purl_qualifier(p, s->quals[i].key);
        if (!v || strcmp(v, s->quals[i].value))
            return 0;
    }
    return 1;
}

static int id_matches(const vex_stmt *s, const char *id, const char *const *aliases, size_t n_aliases)
{
    for (size_t i = 0; i < s->n_ids; i++) {
        if (id && !strcasecmp(s->ids[i], id))
            return 1;
        for (size_t j = 0; j < n_aliases; j++)
            if (aliases[j] && !strcasecmp(s->ids[i], aliases[j]))
                return 1;
    }
    return 0;
}

static int later(const vex_stmt *x, const vex_stmt *y)
{
    if (x->time != y->time)
        return x->time > y->time;
    if (x->nanos != y->nanos)
        return x->nanos > y->nanos;
    return x->order > y->order;
}

cg_status cg_vex_lookup(const cg_vex *vex, const char *vuln_id, const char *const *aliases, size_t n_aliases,
                        const char *purl, cg_vex_match *out)
{
    *out = (cg_vex_match){0};
    if (!vex || !purl || strncmp(purl, "pkg:", 4))
        return CG_OK;
    cg_arena tmp;
    cg_arena_init(&tmp);
    cg_purl p;
    int r = cg_purl_parse(&tmp, purl, strlen(purl), &p);
    if (r != 0) {
        cg_arena_free(&tmp);
        return r == -2 ? CG_ERR_NOMEM : CG_OK;
    }
    const vex_stmt *best = NULL, *st = vex->stmts.v;
    for (size_t i = 0; i < vex->stmts.n; i++) {
        if (best && !later(&st[i], best))
            continue;
        if (!id_matches(&st[i], vuln_id, aliases, n_aliases))
            continue;
        for (size_t k = 0; k < st[i].n_purls; k++)
            if (purl_covers(&st[i].purls[k], &p)) {
                best = &st[i];
                break;
            }
    }
    cg_arena_free(&tmp);
    if (best)
        *out = (cg_vex_match){best->status, best->justification, best->impact, best->document, best->statement_id};
    return CG_OK;
}

void cg_vex_free(cg_vex *vex)
{
    if (!vex)
        return;
    free(vex->stmts.v);
    free(vex);
}

