/*
 * lint_config.c - .hadolint.yaml: `ignored` (ids of any scheme: DLxxxx,
 * DSxxx, AVD-DS-xxxx, CG-...), `trustedRegistries` and `failure-threshold`,
 * so cgate drops into a hadolint pre-commit hook.  Other hadolint keys
 * (override, label-schema, ...) are accepted and ignored.  Read through the
 * project's one YAML reader (policy/yaml_util.h).
 */
#include <string.h>
#include <strings.h>

#include "cgate/lint.h"
#include "core/yaml.h"

void cg_lint_config_default(cg_lint_config *c)
{
    memset(c, 0, sizeof *c);
    c->failure_threshold = 1; /* hadolint's default: info */
}

int cg_lint_threshold_parse(const char *s, int *out)
{
    static const struct {
        const char *n;
        int v;
    } t[] = {{"error", 3}, {"warning", 2}, {"info", 1}, {"style", 0}, {"ignore", 5}, {"none", 5},
             {"critical", 4}, {"high", 3}, {"medium", 2}, {"low", 1}, {"unknown", 0}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcasecmp(s, t[i].n)) {
            *out = t[i].v;
            return 0;
        }
    return -1;
}

static cg_status str_list(const cg_yaml_node *n, const char *what, const char *key, cg_arena *a, const char ***out,
                          size_t *nout, cg_error *err)
{
    if (!n || cg_yaml_is_null(n))
        return CG_OK;
    if (n->kind != CG_YAML_SEQ)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s must be a list", what, n->line, key);
    const char **v = cg_arena_calloc(a, n->n ? n->n : 1, sizeof *v);
    if (!v)
        return cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", what);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s = cg_yaml_text(n->vals[i]);
        if (!s)
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s entries must be strings", what, n->vals[i]->line, key);
        v[k++] = cg_arena_strdup(a, s);
    }
    *out = v;
    *nout = k;
    return CG_OK;
}

cg_status cg_lint_config_parse(const uint8_t *buf, size_t len, const char *what, cg_arena *a, cg_lint_config *c,
                               cg_error *err)
{
    const cg_yaml_node *r;
    cg_status st = cg_yaml_parse_map(buf, len, what, NULL, a, &r, err);
    if (st != CG_OK || !r)
        return st;
    if ((st = str_list(cg_yaml_get(r, "ignored"), what, "ignored", a, &c->ignored, &c->n_ignored, err)) != CG_OK)
        return st;
    if ((st = str_list(cg_yaml_get(r, "trustedRegistries"), what, "trustedRegistries", a, &c->trusted_registries,
                       &c->n_trusted, err)) != CG_OK)
        return st;
    const cg_yaml_node *ft = cg_yaml_get(r, "failure-threshold");
    if (ft && !cg_yaml_is_null(ft)) {
        const char *s = cg_yaml_text(ft);
        if (!s || cg_lint_threshold_parse(s, &c->failure_threshold))
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: failure-threshold must be error, warning, info, style, "
                                "ignore or none", what, ft->line);
    }
    return CG_OK;
}
