/*
 * policy_load.c - reading policy and exceptions files (YAML or JSON) into a
 * cg_policy.  The text goes through the one YAML reader (core/yaml.h) in
 * strict mode: anchors, aliases, tags, duplicate keys, several documents,
 * more than POLICY_MAX_MAP_KEYS keys in a mapping and nesting deeper than
 * CG_POLICY_MAX_DEPTH are refused, so a YAML bomb or a 10,000-deep document
 * never expands.  The schema walk then refuses unknown keys and wrong types
 * with "FILE:LINE: KEY: why": a typo must not silently weaken a gate.
 * Scalars are typed here, not by the YAML reader: a quoted "7.0" is a string, not a
 * number.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgate/policy.h"
#include "core/yaml.h"

#define POLICY_MAX_NODES 1000000u
#define POLICY_MAX_MAP_KEYS 256u

typedef struct loader {
    const char *name;
    cg_arena *a;
    cg_error *err;
} loader;

static cg_status lfail(loader *L, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static cg_status lfail(loader *L, int line, const char *key, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key && *key)
        return cg_error_set(L->err, CG_ERR_INPUT, "%s:%d: %s: %s", L->name, line, key, msg);
    return cg_error_set(L->err, CG_ERR_INPUT, "%s:%d: %s", L->name, line, msg);
}

static cg_status parse_tree(loader *L, const uint8_t *buf, size_t len, const cg_yaml_node **out)
{
    *out = NULL;
    if (len > CG_POLICY_MAX_BYTES)
        return cg_error_set(L->err, CG_ERR_LIMIT, "%s: %zu bytes, over the %u-byte cap", L->name, len,
                            CG_POLICY_MAX_BYTES);
    cg_yaml_limits lim = {.max_depth = CG_POLICY_MAX_DEPTH, .max_docs = 1, .max_nodes = POLICY_MAX_NODES,
                          .max_keys = POLICY_MAX_MAP_KEYS, .strict = 1};
    cg_yaml_doc *docs;
    size_t n;
    cg_status st = cg_yaml_parse(buf, len, L->name, &lim, L->a, &docs, &n, L->err);
    if (st != CG_OK)
        return st;
    if (n == 0 || !docs[0].root)
        return lfail(L, 1, NULL, "empty document");
    *out = docs[0].root;
    return CG_OK;
}

/* ---- typed access ------------------------------------------------------ */

static const char *kp(loader *L, const char *parent, const char *key)
{
    if (!parent || !*parent)
        return key;
    const char *s = cg_arena_sprintf(L->a, "%s.%s", parent, key);
    return s ? s : key;
}

static const char *kpi(loader *L, const char *parent, size_t i)
{
    const char *s = cg_arena_sprintf(L->a, "%s[%zu]", parent, i);
    return s ? s : parent;
}

static int is_null(const cg_yaml_node *n)
{
    return n->kind == CG_YAML_SCALAR && !n->quoted && (!*n->str || !strcmp(n->str, "null") || !strcmp(n->str, "~"));
}

static cg_status want_map(loader *L, const cg_yaml_node *n, const char *key)
{
    if (n->kind != CG_YAML_MAP)
        return lfail(L, n->line, key, "must be a mapping");
    return CG_OK;
}

static cg_status get_number(loader *L, const cg_yaml_node *n, const char *key, double lo, double hi, double *out)
{
    if (n->kind != CG_YAML_SCALAR || !!n->quoted || is_null(n))
        return lfail(L, n->line, key, "must be a number");
    const char *s = n->str;
    /* JSON / YAML 1.2 core numbers only: no hex, no .inf, no nan */
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return lfail(L, n->line, key, "must be a number, got \"%.40s\"", s);
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q) && *q != '.' && *q != 'e' && *q != 'E' && *q != '-' && *q != '+')
            return lfail(L, n->line, key, "must be a number, got \"%.40s\"", s);
    char *end = NULL;
    double d = strtod(s, &end);
    if (!end || *end || !isfinite(d))
        return lfail(L, n->line, key, "must be a number, got \"%.40s\"", s);
    if (d < lo)
        return lfail(L, n->line, key, "must be >= %g, got %s", lo, s);
    if (d > hi)
        return lfail(L, n->line, key, "must be <= %g, got %s", hi, s);
    *out = d;
    return CG_OK;
}

static cg_status get_bool(loader *L, const cg_yaml_node *n, const char *key, int *out)
{
    if (n->kind == CG_YAML_SCALAR && !n->quoted && !strcmp(n->str, "true"))
        *out = 1;
    else if (n->kind == CG_YAML_SCALAR && !n->quoted && !strcmp(n->str, "false"))
        *out = 0;
    else
        return lfail(L, n->line, key, "must be true or false");
    return CG_OK;
}

/* A string: quoted, or a plain scalar that is not null or a boolean. */
static cg_status get_str(loader *L, const cg_yaml_node *n, const char *key, const char **out)
{
    if (n->kind != CG_YAML_SCALAR || is_null(n) ||
        (!n->quoted && (!strcmp(n->str, "true") || !strcmp(n->str, "false"))))
        return lfail(L, n->line, key, "must be a string");
    if (!*n->str)
        return lfail(L, n->line, key, "must not be empty");
    *out = n->str;
    return CG_OK;
}

static cg_status get_str_list(loader *L, const cg_yaml_node *n, const char *key, int allow_numbers, const char ***out,
                              size_t *count)
{
    if (n->kind != CG_YAML_SEQ)
        return lfail(L, n->line, key, "must be a list");
    const char **v = cg_arena_calloc(L->a, n->n + 1, sizeof *v);
    if (!v)
        return cg_error_set(L->err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        const cg_yaml_node *e = n->vals[i];
        double d;
        if (allow_numbers && e->kind == CG_YAML_SCALAR && !e->quoted && get_number(L, e, key, 0, 65535, &d) == CG_OK) {
            v[i] = e->str;
            continue;
        }
        cg_status st = get_str(L, e, kpi(L, key, i), &v[i]);
        if (st != CG_OK)
            return st;
    }
    *out = v;
    *count = n->n;
    return CG_OK;
}

/* Reject any key of map n not in allowed[] (NULL-terminated). */
static cg_status check_keys(loader *L, const cg_yaml_node *n, const char *parent, const char *const *allowed, const char *hint)
{
    for (size_t i = 0; i < n->n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(n->keys[i], *a);
        if (!ok) {
            char list[400] = "";
            size_t off = 0;
            for (const char *const *a = allowed; *a && off < sizeof list - 1; a++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", a == allowed ? "" : ", ", *a);
            return lfail(L, n->key_lines[i], kp(L, parent, n->keys[i]), "unknown key (expected one of: %s)%s", list,
                         hint ? hint : "");
        }
    }
    return CG_OK;
}

/* map[key] or NULL; *key_line (when asked) = the key's line. */
static const cg_yaml_node *get(const cg_yaml_node *map, const char *key, int *key_line)
{
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i], key)) {
            if (key_line)
                *key_line = map->key_lines[i];
            return map->vals[i];
        }
    return NULL;
}

/* ---- dates --------------------------------------------------------------- */

int cg_policy_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    /* all ten characters are checked digits or dashes above */
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* ---- exceptions ------------------------------------------------------------ */

static cg_status parse_exceptions(loader *L, const cg_yaml_node *seq, const char *key, cg_pexception **out, size_t *count)
{
    if (seq->kind != CG_YAML_SEQ)
        return lfail(L, seq->line, key, "must be a list");
    cg_pexception *ex = cg_arena_calloc(L->a, seq->n + 1, sizeof *ex);
    if (!ex)
        return cg_error_set(L->err, CG_ERR_NOMEM, "out of memory");
    static const char *const keys[] = {"id", "package", "version", "path", "reason", "approvedBy", "expires", NULL};
    for (size_t i = 0; i < seq->n; i++) {
        const cg_yaml_node *e = seq->vals[i];
        const char *ek = kpi(L, key, i);
        cg_status st = want_map(L, e, ek);
        if (st == CG_OK)
            st = check_keys(L, e, ek, keys, NULL);
        if (st != CG_OK)
            return st;
        cg_pexception *x = &ex[i];
        x->source = cg_arena_sprintf(L->a, "%s:%d", L->name, e->line);
        const cg_yaml_node *v;
        if (!(v = get(e, "id", NULL)))
            return lfail(L, e->line, kp(L, ek, "id"), "missing (every exception names a vulnerability id or alias)");
        if ((st = get_str(L, v, kp(L, ek, "id"), &x->id)) != CG_OK)
            return st;
        if ((v = get(e, "package", NULL)) && (st = get_str(L, v, kp(L, ek, "package"), &x->package)) != CG_OK)
            return st;
        if ((v = get(e, "version", NULL)) && (st = get_str(L, v, kp(L, ek, "version"), &x->version)) != CG_OK)
            return st;
        if ((v = get(e, "path", NULL)) && (st = get_str(L, v, kp(L, ek, "path"), &x->path)) != CG_OK)
            return st;
        if (!(v = get(e, "reason", NULL)))
            return lfail(L, e->line, kp(L, ek, "reason"), "missing (say why the risk is accepted)");
        if ((st = get_str(L, v, kp(L, ek, "reason"), &x->reason)) != CG_OK)
            return st;
        if (!(v = get(e, "approvedBy", NULL)))
            return lfail(L, e->line, kp(L, ek, "approvedBy"), "missing (who approved the exception)");
        if ((st = get_str(L, v, kp(L, ek, "approvedBy"), &x->approved_by)) != CG_OK)
            return st;
        if ((v = get(e, "expires", NULL)) && !is_null(v)) {
            if ((st = get_str(L, v, kp(L, ek, "expires"), &x->expires)) != CG_OK)
                return st;
            if (!cg_policy_date_valid(x->expires))
                return lfail(L, v->line, kp(L, ek, "expires"), "must be a date YYYY-MM-DD, got \"%.40s\"",
                             x->expires);
        }
    }
    *out = ex;
    *count = seq->n;
    return CG_OK;
}

/* ---- policy ---------------------------------------------------------------- */

void cg_policy_defaults(cg_policy *p)
{
    memset(p, 0, sizeof *p);
    p->runtime_allow = -1;
    static const double w[CG_SEV_COUNT] = {0, 0, 0.3, 1.0, 1.5};
    for (int s = 0; s < CG_SEV_COUNT; s++)
        p->sev[s].weight = w[s];
    p->sev[CG_SEV_CRITICAL].block = 1;
    p->sev[CG_SEV_CRITICAL].min_cvss = 7.0;
    p->sev[CG_SEV_HIGH].block = 1;
    p->sev[CG_SEV_HIGH].min_cvss = 8.5;
    static const char *const src[] = {"nvd", "*"};
    p->cvss_sources = (const char **)src;
    p->n_cvss_sources = 2;
    p->kev_block = 1;
    static const double rw[CG_REACH_COUNT][CG_AV_COUNT] = {
        [CG_REACH_UNKNOWN] = {1.0, 1.0, 1.0, 1.0},
        [CG_REACH_NONE] = {0.2, 0.2, 0.4, 0.4},
        [CG_REACH_ISOLATED] = {0.3, 0.3, 0.4, 0.4},
        [CG_REACH_CLUSTER] = {0.7, 0.7, 0.4, 0.4},
        [CG_REACH_INTERNET] = {1.0, 0.8, 0.4, 0.4},
    };
    memcpy(p->reach_weight, rw, sizeof rw);
    p->priv_factor = 1.25;
    p->priv_cap = 2.0;
}

static const char *const reach_names[CG_REACH_COUNT] = {"unknown", "none", "isolated", "cluster", "internet"};

static cg_status parse_globs(loader *L, const cg_yaml_node *m, const char *key, const char ***inc, size_t *ninc,
                             const char ***exc, size_t *nexc)
{
    static const char *const keys[] = {"include", "exclude", NULL};
    cg_status st = want_map(L, m, key);
    if (st == CG_OK)
        st = check_keys(L, m, key, keys, NULL);
    const cg_yaml_node *v;
    if (st == CG_OK && (v = get(m, "include", NULL)))
        st = get_str_list(L, v, kp(L, key, "include"), 0, inc, ninc);
    if (st == CG_OK && (v = get(m, "exclude", NULL)))
        st = get_str_list(L, v, kp(L, key, "exclude"), 0, exc, nexc);
    return st;
}

static cg_status parse_context(loader *L, const cg_yaml_node *m, cg_policy *p)
{
    static const char *const keys[] = {"reachability", "privilege", NULL};
    static const char *const rkeys[] = {"internet", "cluster", "isolated", "none", "unknown", NULL};
    static const char *const avkeys[] = {"N", "A", "L", "P", NULL};
    static const char *const pkeys[] = {"factor", "cap", NULL};
    cg_status st = want_map(L, m, "context");
    if (st == CG_OK)
        st = check_keys(L, m, "context", keys, NULL);
    const cg_yaml_node *r = st == CG_OK ? get(m, "reachability", NULL) : NULL;
    if (r && (st = want_map(L, r, "context.reachability")) == CG_OK)
        st = check_keys(L, r, "context.reachability", rkeys, NULL);
    for (int i = 0; r && st == CG_OK && i < CG_REACH_COUNT; i++) {
        const char *rk = kp(L, "context.reachability", reach_names[i]);
        const cg_yaml_node *row = get(r, reach_names[i], NULL);
        if (!row)
            continue;
        if ((st = want_map(L, row, rk)) != CG_OK || (st = check_keys(L, row, rk, avkeys, NULL)) != CG_OK)
            break;
        for (int av = 0; av < CG_AV_COUNT && st == CG_OK; av++) {
            const cg_yaml_node *w = get(row, avkeys[av], NULL);
            if (w)
                st = get_number(L, w, kp(L, rk, avkeys[av]), 0, 1000, &p->reach_weight[i][av]);
        }
    }
    const cg_yaml_node *pv = st == CG_OK ? get(m, "privilege", NULL) : NULL;
    if (pv && (st = want_map(L, pv, "context.privilege")) == CG_OK)
        st = check_keys(L, pv, "context.privilege", pkeys, NULL);
    const cg_yaml_node *v;
    if (pv && st == CG_OK && (v = get(pv, "factor", NULL)))
        st = get_number(L, v, "context.privilege.factor", 1, 100, &p->priv_factor);
    if (pv && st == CG_OK && (v = get(pv, "cap", NULL)))
        st = get_number(L, v, "context.privilege.cap", 1, 1e6, &p->priv_cap);
    return st;
}

static const char *const sev_keys[] = {"unknown", "low", "medium", "high", "critical", NULL};

/* runtime: {notLoaded: {allowUpTo: SEV}} (maxSeverityBlocked: a synonym). */
static cg_status parse_runtime(loader *L, const cg_yaml_node *m, cg_policy *p)
{
    static const char *const keys[] = {"notLoaded", NULL};
    static const char *const nkeys[] = {"allowUpTo", "maxSeverityBlocked", NULL};
    cg_status st = want_map(L, m, "runtime");
    if (st == CG_OK)
        st = check_keys(L, m, "runtime", keys, NULL);
    const cg_yaml_node *n = st == CG_OK ? get(m, "notLoaded", NULL) : NULL;
    if (!n)
        return st;
    st = want_map(L, n, "runtime.notLoaded");
    if (st == CG_OK)
        st = check_keys(L, n, "runtime.notLoaded", nkeys, NULL);
    for (int k = 0; st == CG_OK && k < 2; k++) {
        int kl = 0;
        const cg_yaml_node *v = get(n, nkeys[k], &kl);
        const char *s = NULL;
        if (!v)
            continue;
        st = get_str(L, v, nkeys[k], &s);
        int found = -1;
        for (int i = 0; st == CG_OK && sev_keys[i]; i++)
            if (!strcasecmp(s, sev_keys[i]))
                found = i;
        if (st == CG_OK && found < 0)
            return lfail(L, kl, nkeys[k], "\"%s\" is not unknown, low, medium, high or critical", s);
        p->runtime_allow = found;
    }
    return st;
}

static cg_status parse_v1(loader *L, const cg_yaml_node *root, cg_policy *p, int *crit_set, int *high_set)
{
    static const char *const keys[] = {"apiVersion", "kind", "name", "description", "maxCriticalCVSS",
                                       "maxHighCVSS", "allowUnfixed", "exposedPorts", "severities", "cvss",
                                       "kev", "epss", "maxRiskScore", "maxContextualRiskScore", "packages",
                                       "paths", "exceptions", "allowPermanentExceptions", "allowEmptyInventory", "context",
                                       "secrets", "misconfigurations", "runtime", "podSecurity", NULL};
    cg_status st = check_keys(L, root, NULL, keys, NULL);
    const cg_yaml_node *v;
    const char *s;
    if (st == CG_OK && (v = get(root, "kind", NULL)) && (st = get_str(L, v, "kind", &s)) == CG_OK &&
        strcmp(s, "Policy"))
        st = lfail(L, v->line, "kind", "must be \"Policy\", got \"%.40s\"", s);
    if (st == CG_OK && (v = get(root, "name", NULL)))
        st = get_str(L, v, "name", &s);
    if (st == CG_OK && (v = get(root, "description", NULL)))
        st = get_str(L, v, "description", &s);
    if (st == CG_OK && (v = get(root, "severities", NULL))) {
        static const char *const rkeys[] = {"block", "minCvss", "weight", NULL};
        if ((st = want_map(L, v, "severities")) == CG_OK)
            st = check_keys(L, v, "severities", sev_keys, NULL);
        for (int i = 0; i < CG_SEV_COUNT && st == CG_OK; i++) {
            const char *sk = kp(L, "severities", sev_keys[i]);
            const cg_yaml_node *r = get(v, sev_keys[i], NULL), *x;
            if (!r)
                continue;
            if ((st = want_map(L, r, sk)) != CG_OK || (st = check_keys(L, r, sk, rkeys, NULL)) != CG_OK)
                break;
            if ((x = get(r, "block", NULL)))
                st = get_bool(L, x, kp(L, sk, "block"), &p->sev[i].block);
            if (st == CG_OK && (x = get(r, "minCvss", NULL))) {
                st = get_number(L, x, kp(L, sk, "minCvss"), 0, 10, &p->sev[i].min_cvss);
                if (i == CG_SEV_CRITICAL)
                    *crit_set = x->line;
                if (i == CG_SEV_HIGH)
                    *high_set = x->line;
            }
            if (st == CG_OK && (x = get(r, "weight", NULL)))
                st = get_number(L, x, kp(L, sk, "weight"), 0, 1000, &p->sev[i].weight);
        }
    }
    if (st == CG_OK && (v = get(root, "cvss", NULL))) {
        static const char *const ckeys[] = {"sources", "missing", NULL};
        if ((st = want_map(L, v, "cvss")) == CG_OK)
            st = check_keys(L, v, "cvss", ckeys, NULL);
        const cg_yaml_node *x;
        if (st == CG_OK && (x = get(v, "sources", NULL))) {
            st = get_str_list(L, x, "cvss.sources", 0, &p->cvss_sources, &p->n_cvss_sources);
            if (st == CG_OK && p->n_cvss_sources == 0)
                st = lfail(L, x->line, "cvss.sources", "must name at least one source");
        }
        if (st == CG_OK && (x = get(v, "missing", NULL)) && (st = get_str(L, x, "cvss.missing", &s)) == CG_OK) {
            if (!strcmp(s, "zero"))
                p->missing_cvss_block = 0;
            else if (!strcmp(s, "block"))
                p->missing_cvss_block = 1;
            else
                st = lfail(L, x->line, "cvss.missing", "must be \"zero\" or \"block\", got \"%.40s\"", s);
        }
    }
    if (st == CG_OK && (v = get(root, "kev", NULL))) {
        static const char *const kkeys[] = {"block", NULL};
        const cg_yaml_node *x;
        if ((st = want_map(L, v, "kev")) == CG_OK && (st = check_keys(L, v, "kev", kkeys, NULL)) == CG_OK &&
            (x = get(v, "block", NULL)))
            st = get_bool(L, x, "kev.block", &p->kev_block);
    }
    if (st == CG_OK && (v = get(root, "epss", NULL))) {
        static const char *const ekeys[] = {"threshold", NULL};
        const cg_yaml_node *x;
        if ((st = want_map(L, v, "epss")) == CG_OK && (st = check_keys(L, v, "epss", ekeys, NULL)) == CG_OK &&
            (x = get(v, "threshold", NULL))) {
            st = get_number(L, x, "epss.threshold", 0, 1, &p->epss_min);
            p->has_epss_min = st == CG_OK;
        }
    }
    if (st == CG_OK && (v = get(root, "maxRiskScore", NULL))) {
        st = get_number(L, v, "maxRiskScore", 0, 1e12, &p->max_risk);
        p->has_max_risk = st == CG_OK;
    }
    if (st == CG_OK && (v = get(root, "maxContextualRiskScore", NULL))) {
        st = get_number(L, v, "maxContextualRiskScore", 0, 1e12, &p->max_ctx_risk);
        p->has_max_ctx_risk = st == CG_OK;
    }
    if (st == CG_OK && (v = get(root, "packages", NULL)))
        st = parse_globs(L, v, "packages", &p->pkg_include, &p->n_pkg_include, &p->pkg_exclude, &p->n_pkg_exclude);
    if (st == CG_OK && (v = get(root, "paths", NULL)))
        st = parse_globs(L, v, "paths", &p->path_include, &p->n_path_include, &p->path_exclude,
                         &p->n_path_exclude);
    if (st == CG_OK && (v = get(root, "allowPermanentExceptions", NULL)))
        st = get_bool(L, v, "allowPermanentExceptions", &p->allow_permanent_exceptions);
    if (st == CG_OK && (v = get(root, "allowEmptyInventory", NULL)))
        st = get_bool(L, v, "allowEmptyInventory", &p->allow_empty_inventory);
    if (st == CG_OK && (v = get(root, "exceptions", NULL)))
        st = parse_exceptions(L, v, "exceptions", &p->exceptions, &p->n_exceptions);
    if (st == CG_OK && (v = get(root, "context", NULL)))
        st = parse_context(L, v, p);
    if (st == CG_OK && (v = get(root, "secrets", NULL)) && (st = get_str(L, v, "secrets", &s)) == CG_OK) {
        if (!strcmp(s, "deny"))
            p->secrets_allow = 0;
        else if (!strcmp(s, "allow"))
            p->secrets_allow = 1;
        else
            st = lfail(L, v->line, "secrets", "must be \"deny\" or \"allow\", got \"%.40s\"", s);
    }
    if (st == CG_OK && (v = get(root, "misconfigurations", NULL))) {
        static const char *const mkeys[] = {"severity", NULL};
        const cg_yaml_node *x;
        if ((st = want_map(L, v, "misconfigurations")) == CG_OK &&
            (st = check_keys(L, v, "misconfigurations", mkeys, NULL)) == CG_OK && (x = get(v, "severity", NULL)) &&
            (st = get_str(L, x, "misconfigurations.severity", &s)) == CG_OK) {
            int found = 0;
            for (int i = 0; i < CG_SEV_COUNT && !found; i++)
                if (!strcasecmp(s, sev_keys[i])) {
                    p->misconf_block = 1;
                    p->misconf_min = (cg_severity)i;
                    found = 1;
                }
            if (!found && strcasecmp(s, "none"))
                st = lfail(L, x->line, "misconfigurations.severity",
                           "must be critical, high, medium, low, unknown or none, got \"%.40s\"", s);
        }
    }
    if (st == CG_OK && (v = get(root, "runtime", NULL)))
        st = parse_runtime(L, v, p);
    if (st == CG_OK && (v = get(root, "podSecurity", NULL))) {
        static const char *const pkeys[] = {"level", "severity", NULL};
        const cg_yaml_node *x;
        if ((st = want_map(L, v, "podSecurity")) == CG_OK && (st = check_keys(L, v, "podSecurity", pkeys, NULL)) == CG_OK) {
            if (!(x = get(v, "level", NULL)))
                st = lfail(L, v->line, "podSecurity.level", "is required (baseline, restricted or none)");
            else if ((st = get_str(L, x, "podSecurity.level", &s)) == CG_OK) {
                if (!strcmp(s, "baseline"))
                    p->pss_level = 1;
                else if (!strcmp(s, "restricted"))
                    p->pss_level = 2;
                else if (!strcmp(s, "none"))
                    p->pss_level = 0;
                else
                    st = lfail(L, x->line, "podSecurity.level", "must be baseline, restricted or none, got \"%.40s\"",
                               s);
            }
        }
        if (st == CG_OK && (x = get(v, "severity", NULL)) && (st = get_str(L, x, "podSecurity.severity", &s)) == CG_OK) {
            int found = 0;
            for (int i = 0; i < CG_SEV_COUNT && !found; i++)
                if (!strcasecmp(s, sev_keys[i])) {
                    p->pss_min = (cg_severity)i;
                    found = 1;
                }
            if (!found)
                st = lfail(L, x->line, "podSecurity.severity",
                           "must be critical, high, medium, low or unknown, got \"%.40s\"", s);
        }
    }
    return st;
}

/* The seed's four keys, in either form. */
static cg_status parse_seed_keys(loader *L, const cg_yaml_node *root, cg_policy *p, int crit_set, int high_set)
{
    const cg_yaml_node *v;
    int kl = 0;
    cg_status st = CG_OK;
    if ((v = get(root, "maxCriticalCVSS", &kl))) {
        if (crit_set)
            return lfail(L, kl, "maxCriticalCVSS", "conflicts with severities.critical.minCvss (line %d)",
                         crit_set);
        st = get_number(L, v, "maxCriticalCVSS", 0, 10, &p->sev[CG_SEV_CRITICAL].min_cvss);
    }
    if (st == CG_OK && (v = get(root, "maxHighCVSS", &kl))) {
        if (high_set)
            return lfail(L, kl, "maxHighCVSS", "conflicts with severities.high.minCvss (line %d)", high_set);
        st = get_number(L, v, "maxHighCVSS", 0, 10, &p->sev[CG_SEV_HIGH].min_cvss);
    }
    if (st == CG_OK && (v = get(root, "allowUnfixed", NULL)))
        st = get_bool(L, v, "allowUnfixed", &p->allow_unfixed);
    if (st == CG_OK && (v = get(root, "exposedPorts", NULL)))
        st = get_str_list(L, v, "exposedPorts", 1, &p->exposed_ports, &p->n_exposed_ports);
    return st;
}

cg_status cg_policy_parse(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_policy *out,
                          cg_error *err)
{
    loader L = {name, a, err};
    const cg_yaml_node *root;
    cg_status st = parse_tree(&L, buf, len, &root);
    if (st != CG_OK)
        return st;
    if (root->kind != CG_YAML_MAP)
        return lfail(&L, root->line, NULL, "a policy must be a mapping (YAML) or an object (JSON)");
    cg_policy p;
    cg_policy_defaults(&p);
    p.source = cg_arena_strdup(a, name);
    const cg_yaml_node *api = get(root, "apiVersion", NULL);
    int crit_set = 0, high_set = 0;
    if (!api) {
        /* the seed's PolicyConfig: its four keys and nothing else, its meaning */
        static const char *const keys[] = {"maxCriticalCVSS", "maxHighCVSS", "allowUnfixed", "exposedPorts", NULL};
        st = check_keys(&L, root, NULL, keys, " - other settings need apiVersion: cgate/v1");
        if (st != CG_OK)
            return st;
        p.legacy = 1;
        p.allow_empty_inventory = 1; /* its meaning: no findings pass; the decision warns */
        static const char *const nvd[] = {"nvd"};
        p.cvss_sources = (const char **)nvd;
        p.n_cvss_sources = 1;
        p.kev_block = 0;
    } else {
        const char *v;
        if ((st = get_str(&L, api, "apiVersion", &v)) != CG_OK)
            return st;
        if (strcmp(v, "cgate/v1"))
            return lfail(&L, api->line, "apiVersion", "unsupported \"%.40s\" (this cgate reads cgate/v1)", v);
        if ((st = parse_v1(&L, root, &p, &crit_set, &high_set)) != CG_OK)
            return st;
    }
    if ((st = parse_seed_keys(&L, root, &p, crit_set, high_set)) != CG_OK)
        return st;
    *out = p;
    return CG_OK;
}

cg_status cg_exceptions_parse(const uint8_t *buf, size_t len, const char *name, cg_arena *a, cg_pexception **out,
                              size_t *n, cg_error *err)
{
    loader L = {name, a, err};
    const cg_yaml_node *root;
    cg_status st = parse_tree(&L, buf, len, &root);
    if (st != CG_OK)
        return st;
    if (root->kind != CG_YAML_MAP)
        return lfail(&L, root->line, NULL, "an exceptions file must be a mapping with an \"exceptions\" list");
    static const char *const keys[] = {"apiVersion", "kind", "exceptions", NULL};
    if ((st = check_keys(&L, root, NULL, keys, NULL)) != CG_OK)
        return st;
    const cg_yaml_node *v;
    const char *s;
    if ((v = get(root, "apiVersion", NULL)) && (st = get_str(&L, v, "apiVersion", &s)) == CG_OK && strcmp(s, "cgate/v1"))
        return lfail(&L, v->line, "apiVersion", "unsupported \"%.40s\" (this cgate reads cgate/v1)", s);
    if (st == CG_OK && (v = get(root, "kind", NULL)) && (st = get_str(&L, v, "kind", &s)) == CG_OK &&
        strcmp(s, "Exceptions"))
        return lfail(&L, v->line, "kind", "must be \"Exceptions\", got \"%.40s\"", s);
    if (st != CG_OK)
        return st;
    if (!(v = get(root, "exceptions", NULL)))
        return lfail(&L, root->line, "exceptions", "missing");
    return parse_exceptions(&L, v, "exceptions", out, n);
}
