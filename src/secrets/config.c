/*
 * config.c - Trivy's trivy-secret.yaml: custom `rules` (id, category, title,
 * severity, regex, secret-group-name, keywords, path), global `allow-rules`
 * (id, description, regex, path), `enable-builtin-rules`, `disable-rules`
 * and `disable-allow-rules`.  Trivy's regexes are Go RE2; the subset that
 * maps onto POSIX ERE is translated here ((?i) -> case-insensitive,
 * (?P<name>...) -> a numbered group, \d \s \w -> classes, (?: -> ( ); a
 * regex outside it is refused with the rule's id and line.  A rule's own
 * allow-rules apply to that rule only, as Trivy reads them (docs/secrets.md).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cgate/buf.h"
#include "cgate/secrets.h"
#include "core/yaml.h"

/* RE2 -> ERE.  *group: index of the group named gname (0 if none). */
static const char *translate(cg_arena *a, const char *re, int *icase, const char *gname, int *group)
{
    cg_buf b = CG_BUF_INIT;
    *icase = 0;
    *group = 0;
    if (!strncmp(re, "(?i)", 4)) {
        *icase = 1;
        re += 4;
    }
    int groups = 0, in_br = 0, bad = 0, dash = 0;
    for (const char *p = re; *p && !bad; p++) {
        if (*p == '\\' && p[1]) {
            char c = p[1];
            const char *cls = c == 'd' ? "0-9" : c == 's' ? "[:space:]" : c == 'w' ? "[:alnum:]_" : NULL;
            if (cls) {
                if (in_br)
                    cg_buf_puts(&b, cls);
                else
                    cg_buf_printf(&b, "[%s]", cls);
            } else if (c == 'D' || c == 'S' || c == 'W') {
                const char *ncls = c == 'D' ? "0-9" : c == 'S' ? "[:space:]" : "[:alnum:]_";
                if (in_br)
                    bad = 1;
                else
                    cg_buf_printf(&b, "[^%s]", ncls);
            } else if (in_br && c == '-') {
                dash = 1; /* moved to the end of the bracket, where POSIX reads it literally */
            } else if (in_br && (c == ']' || c == '\\')) {
                bad = 1;
            } else if (in_br) {
                cg_buf_putc(&b, c);
            } else {
                cg_buf_putc(&b, '\\');
                cg_buf_putc(&b, c);
            }
            p++;
            continue;
        }
        if (in_br) {
            if (*p == ']') {
                in_br = 0;
                if (dash)
                    cg_buf_putc(&b, '-');
                dash = 0;
            }
            cg_buf_putc(&b, *p);
            continue;
        }
        if (*p == '[') {
            in_br = 1;
            cg_buf_putc(&b, '[');
            if (p[1] == '^')
                cg_buf_putc(&b, '^'), p++;
            if (p[1] == ']')
                cg_buf_putc(&b, ']'), p++;
            continue;
        }
        if (*p == '(') {
            if (p[1] == '?') {
                if (p[2] == ':') {
                    p += 2;
                } else if (p[2] == 'P' && p[3] == '<') {
                    const char *e = strchr(p + 4, '>');
                    if (!e) {
                        bad = 1;
                        break;
                    }
                    groups++;
                    if (gname && (size_t)(e - (p + 4)) == strlen(gname) && !strncmp(p + 4, gname, strlen(gname)))
                        *group = groups;
                    p = e;
                    cg_buf_putc(&b, '(');
                    continue;
                } else {
                    bad = 1;
                    break;
                }
            }
            groups++;
            cg_buf_putc(&b, '(');
            continue;
        }
        cg_buf_putc(&b, *p);
    }
    const char *r = bad ? NULL : cg_arena_strdup(a, cg_buf_str(&b));
    cg_buf_free(&b);
    return r;
}

static cg_status strs(const cg_yaml_node *n, const char *what, const char *key, cg_arena *a, const char ***out,
                      size_t *nout, cg_error *err)
{
    if (!n || cg_yaml_is_null(n))
        return CG_OK;
    if (n->kind != CG_YAML_SEQ)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s must be a list", what, n->line, key);
    const char **v = cg_arena_calloc(a, n->n + 1, sizeof *v);
    if (!v)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        v[i] = cg_yaml_text(n->vals[i]);
        if (!v[i])
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: %s entries must be strings", what, n->vals[i]->line, key);
    }
    *out = v;
    *nout = n->n;
    return CG_OK;
}

static int sev_of(const char *s)
{
    static const char *const n[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    for (int i = 0; i < 5; i++)
        if (!strcasecmp(s, n[i]))
            return i;
    return -1;
}

static cg_status allow_rule(const cg_yaml_node *r, const char *what, cg_arena *a, cg_secret_allow *out,
                            cg_error *err)
{
    if (r->kind != CG_YAML_MAP)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: an allow rule must be a mapping", what, r->line);
    out->id = cg_yaml_str(r, "id");
    out->description = cg_yaml_str(r, "description");
    if (!out->id)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: allow rule without id", what, r->line);
    int ic, g;
    const char *re = cg_yaml_str(r, "regex"), *path = cg_yaml_str(r, "path");
    if (re && !(out->regex = translate(a, re, &ic, NULL, &g)))
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: allow rule %s: regex uses syntax cgate cannot translate",
                            what, r->line, out->id);
    if (path && !(out->path = translate(a, path, &ic, NULL, &g)))
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: allow rule %s: path uses syntax cgate cannot translate",
                            what, r->line, out->id);
    if (!re && !path)
        return cg_error_set(err, CG_ERR_INPUT, "%s:%d: allow rule %s needs regex or path", what, r->line, out->id);
    return CG_OK;
}

cg_status cg_secret_config_parse(const uint8_t *buf, size_t len, const char *what, cg_arena *a,
                                 cg_secret_config *out, cg_error *err)
{
    memset(out, 0, sizeof *out);
    const cg_yaml_node *root;
    cg_status st = cg_yaml_parse_map(buf, len, what, NULL, a, &root, err);
    if (st != CG_OK || !root)
        return st;
    const cg_yaml_node *rules = cg_yaml_get(root, "rules");
    const cg_yaml_node *allow = cg_yaml_get(root, "allow-rules");
    size_t n_inner = 0;
    if (rules && rules->kind == CG_YAML_SEQ)
        for (size_t i = 0; i < rules->n; i++) {
            const cg_yaml_node *ar = cg_yaml_get(rules->vals[i], "allow-rules");
            n_inner += ar && ar->kind == CG_YAML_SEQ ? ar->n : 0;
        }
    size_t n_allow_max = (allow && allow->kind == CG_YAML_SEQ ? allow->n : 0) + n_inner;
    out->allow = cg_arena_calloc(a, n_allow_max + 1, sizeof *out->allow);
    out->allow_rule = cg_arena_calloc(a, n_allow_max + 1, sizeof *out->allow_rule);
    if (!out->allow || !out->allow_rule)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (allow && !cg_yaml_is_null(allow)) {
        if (allow->kind != CG_YAML_SEQ)
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: allow-rules must be a list", what, allow->line);
        for (size_t i = 0; i < allow->n; i++)
            if ((st = allow_rule(allow->vals[i], what, a, &out->allow[out->n_allow++], err)) != CG_OK)
                return st;
    }
    if (rules && !cg_yaml_is_null(rules)) {
        if (rules->kind != CG_YAML_SEQ)
            return cg_error_set(err, CG_ERR_INPUT, "%s:%d: rules must be a list", what, rules->line);
        out->rules = cg_arena_calloc(a, rules->n + 1, sizeof *out->rules);
        if (!out->rules)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < rules->n; i++) {
            const cg_yaml_node *r = rules->vals[i];
            if (r->kind != CG_YAML_MAP)
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: a rule must be a mapping", what, r->line);
            cg_secret_rule_def *d = &out->rules[out->n_rules++];
            d->id = cg_yaml_str(r, "id");
            const char *re = cg_yaml_str(r, "regex");
            if (!d->id || !re)
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: a rule needs id and regex", what, r->line);
            d->category = cg_yaml_str(r, "category");
            d->title = cg_yaml_str(r, "title");
            const char *sv = cg_yaml_str(r, "severity");
            d->severity = sv ? sev_of(sv) : 0;
            if (d->severity < 0)
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: rule %s: unknown severity \"%s\"", what, r->line,
                                    d->id, sv);
            const char *gname = cg_yaml_str(r, "secret-group-name");
            if (!(d->regex = translate(a, re, &d->icase, gname, &d->group)))
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: rule %s: regex uses syntax cgate cannot translate "
                                    "to POSIX (lookaround, \\b inside brackets, flags other than (?i))",
                                    what, cg_yaml_key_line(r, "regex"), d->id);
            const char *path = cg_yaml_str(r, "path");
            int ic, g;
            if (path && !(d->path = translate(a, path, &ic, NULL, &g)))
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: rule %s: path cannot be translated", what, r->line,
                                    d->id);
            const char **kws = NULL;
            size_t nk = 0;
            if ((st = strs(cg_yaml_get(r, "keywords"), what, "keywords", a, &kws, &nk, err)) != CG_OK)
                return st;
            if (nk) {
                cg_buf kb = CG_BUF_INIT;
                for (size_t k = 0; k < nk; k++)
                    cg_buf_printf(&kb, "%s%s", k ? "," : "", kws[k]);
                d->keywords = cg_arena_strdup(a, cg_buf_str(&kb));
                cg_buf_free(&kb);
            }
            const cg_yaml_node *ar = cg_yaml_get(r, "allow-rules");
            if (ar && !cg_yaml_is_null(ar) && ar->kind != CG_YAML_SEQ)
                return cg_error_set(err, CG_ERR_INPUT, "%s:%d: rule %s: allow-rules must be a list", what, ar->line,
                                    d->id);
            for (size_t k = 0; ar && ar->kind == CG_YAML_SEQ && k < ar->n; k++) {
                out->allow_rule[out->n_allow] = d->id;
                if ((st = allow_rule(ar->vals[k], what, a, &out->allow[out->n_allow++], err)) != CG_OK)
                    return st;
            }
        }
    }
    const cg_yaml_node *eb = cg_yaml_get(root, "enable-builtin-rules");
    if (eb && !cg_yaml_is_null(eb)) {
        out->enable_builtin_set = 1;
        if ((st = strs(eb, what, "enable-builtin-rules", a, &out->enable_builtin, &out->n_enable_builtin, err)) != CG_OK)
            return st;
    }
    if ((st = strs(cg_yaml_get(root, "disable-rules"), what, "disable-rules", a, &out->disable_rules,
                   &out->n_disable_rules, err)) != CG_OK)
        return st;
    return strs(cg_yaml_get(root, "disable-allow-rules"), what, "disable-allow-rules", a, &out->disable_allow,
                &out->n_disable_allow, err);
}
