/*
 * report_findings.c - misconfigurations and secrets (findings.h) in the
 * report formats: Trivy's JSON (Results of Class "config" with
 * Misconfigurations and CauseMetadata, Class "secret" with Secrets), SARIF
 * rules and results, and table sections.  Used inside the vulnerability
 * report (report_json.c, report_sarif.c, report_table.c call in) and alone
 * by `cgate lint`.  Secret matches arrive redacted; nothing here can see the
 * value.  Text that reaches a terminal goes through the same '?' filter as
 * the vulnerability table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/findings.h"
#include "core/jwrite.h"
#include "core/table.h"
#include "core/vec.h"
#include "scan/scan_int.h"

static const char *sev_name(int s)
{
    return cg_severity_name(s >= 0 && s < CG_SEV_COUNT ? (cg_severity)s : CG_SEV_UNKNOWN);
}

static const char *lower_url(cg_arena *a, const char *avd, const char *trivy)
{
    if (!trivy)
        return NULL;
    char *u = cg_arena_sprintf(a, "https://avd.aquasec.com/misconfig/%s", trivy);
    for (char *p = u ? u + 34 : NULL; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    (void)avd;
    return u;
}

static void code_lines(cg_jw *w, const cg_code_line *l, size_t n)
{
    cg_jw_key(w, "Code");
    cg_jw_open(w, "{");
    cg_jw_key(w, "Lines");
    cg_jw_open(w, "[");
    for (size_t i = 0; i < n; i++) {
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kint(w, "Number", l[i].number);
        cg_jw_kstr(w, "Content", l[i].content ? l[i].content : "");
        cg_jw_kbool(w, "IsCause", l[i].is_cause);
        cg_jw_kstr(w, "Annotation", "");
        cg_jw_kbool(w, "Truncated", 0);
        cg_jw_kbool(w, "FirstCause", i == 0);
        cg_jw_kbool(w, "LastCause", i + 1 == n);
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
}

static const char *check_type(const char *tt)
{
    if (!strcmp(tt, "dockerfile"))
        return "Dockerfile Security Check";
    if (!strcmp(tt, "kubernetes"))
        return "Kubernetes Security Check";
    return "Image Config Check";
}

static void misconfig(cg_jw *w, const cg_misconfig *m, cg_arena *a)
{
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "Type", check_type(m->target_type));
    cg_jw_kstr(w, "ID", m->trivy_id ? m->trivy_id : m->id);
    cg_jw_kopt(w, "AVDID", m->avd_id);
    cg_jw_kstr(w, "Title", m->title);
    cg_jw_kstr(w, "Description", m->description);
    cg_jw_kstr(w, "Message", m->message);
    if (m->trivy_id && !strncmp(m->trivy_id, "DS", 2)) {
        cg_jw_kstr(w, "Namespace", cg_arena_sprintf(a, "builtin.dockerfile.%s", m->trivy_id));
        cg_jw_kstr(w, "Query", cg_arena_sprintf(a, "data.builtin.dockerfile.%s.deny", m->trivy_id));
    }
    cg_jw_kstr(w, "Resolution", m->resolution);
    cg_jw_kstr(w, "Severity", sev_name(m->severity));
    const char *url = lower_url(a, m->avd_id, m->trivy_id);
    cg_jw_kopt(w, "PrimaryURL", url);
    if (url)
        cg_jw_kstrs(w, "References", &url, 1, 0);
    cg_jw_kstr(w, "Status", "FAIL");
    cg_jw_key(w, "Layer");
    cg_jw_open(w, "{");
    cg_jw_close(w, "}");
    cg_jw_key(w, "CauseMetadata");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "Provider", !strcmp(m->target_type, "dockerfile") ? "Dockerfile"
                              : !strcmp(m->target_type, "kubernetes") ? "Kubernetes" : "Image");
    cg_jw_kstr(w, "Service", "general");
    if (m->start_line > 0) {
        cg_jw_kint(w, "StartLine", m->start_line);
        cg_jw_kint(w, "EndLine", m->end_line);
    }
    if (m->n_lines)
        code_lines(w, m->lines, m->n_lines);
    else {
        cg_jw_key(w, "Code");
        cg_jw_open(w, "{");
        cg_jw_key(w, "Lines");
        cg_jw_raw(w, "null");
        cg_jw_close(w, "}");
    }
    cg_jw_close(w, "}");
    cg_jw_key(w, "cgate");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "id", m->id);
    cg_jw_kopt(w, "trivyId", m->trivy_id);
    cg_jw_kopt(w, "hadolintId", m->hadolint_id);
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
}

static void secret(cg_jw *w, const cg_secret *s, cg_arena *a)
{
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "RuleID", s->rule_id);
    cg_jw_kstr(w, "Category", s->category);
    cg_jw_kstr(w, "Severity", sev_name(s->severity));
    cg_jw_kstr(w, "Title", s->title);
    cg_jw_kint(w, "StartLine", s->start_line);
    cg_jw_kint(w, "EndLine", s->end_line);
    if (s->n_lines)
        code_lines(w, s->lines, s->n_lines);
    cg_jw_kstr(w, "Match", s->match);
    if (s->layer_digest || s->layer_diff_id) {
        cg_jw_key(w, "Layer");
        cg_jw_open(w, "{");
        cg_jw_kopt(w, "Digest", s->layer_digest);
        cg_jw_kopt(w, "DiffID", s->layer_diff_id);
        cg_jw_close(w, "}");
    }
    cg_jw_key(w, "cgate");
    cg_jw_open(w, "{");
    cg_jw_kopt(w, "source", s->source);
    if (s->layer >= 0)
        cg_jw_kint(w, "layer", s->layer);
    if (s->deleted_in >= 0) {
        cg_jw_kint(w, "deletedInLayer", s->deleted_in);
        cg_jw_kstr(w, "note", cg_arena_sprintf(a, "added in layer %d, deleted in layer %d (still in the image)",
                                               s->layer, s->deleted_in));
    }
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
}

void cg_findings_json_results(const cg_findings *f, cg_jw *w)
{
    cg_arena a;
    cg_arena_init(&a);
    for (size_t t = 0; t < f->n_targets; t++) {
        const cg_config_target *tg = &f->targets[t];
        size_t fails = cg_findings_failures(f, tg->target);
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "Target", tg->target);
        cg_jw_kstr(w, "Class", "config");
        cg_jw_kstr(w, "Type", tg->target_type);
        cg_jw_key(w, "MisconfSummary");
        cg_jw_open(w, "{");
        cg_jw_kint(w, "Successes", (long long)(tg->n_checks > fails ? tg->n_checks - fails : 0));
        cg_jw_kint(w, "Failures", (long long)fails);
        cg_jw_kint(w, "Exceptions", 0);
        cg_jw_close(w, "}");
        int open = 0;
        for (size_t i = 0; i < f->n_mis; i++) {
            if (strcmp(f->mis[i].target, tg->target))
                continue;
            if (!open) {
                cg_jw_key(w, "Misconfigurations");
                cg_jw_open(w, "[");
                open = 1;
            }
            misconfig(w, &f->mis[i], &a);
        }
        if (open)
            cg_jw_close(w, "]");
        cg_jw_close(w, "}");
    }
    for (size_t i = 0; i < f->n_sec;) {
        size_t e = i;
        while (e < f->n_sec && !strcmp(f->sec[e].target, f->sec[i].target))
            e++;
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "Target", f->sec[i].target);
        cg_jw_kstr(w, "Class", "secret");
        cg_jw_key(w, "Secrets");
        cg_jw_open(w, "[");
        for (size_t k = i; k < e; k++)
            secret(w, &f->sec[k], &a);
        cg_jw_close(w, "]");
        cg_jw_close(w, "}");
        i = e;
    }
    cg_arena_free(&a);
}

/* SARIF: rule ids of f in a stable order (misconfiguration ids, then secret
 * rule ids, each sorted and unique). */
static size_t rule_ids(const cg_findings *f, const char **ids, size_t max)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t b = n;
        size_t cnt = pass ? f->n_sec : f->n_mis;
        for (size_t i = 0; i < cnt && n < max; i++) {
            const char *id = pass ? f->sec[i].rule_id : f->mis[i].id;
            int seen = 0;
            for (size_t k = b; k < n && !seen; k++)
                seen = !strcmp(ids[k], id);
            if (!seen)
                ids[n++] = id;
        }
        if (n - b > 1)
            qsort(ids + b, n - b, sizeof *ids, cg_strptr_cmp);
    }
    return n;
}

static size_t rule_index(const char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return i;
    return 0;
}

static const char *level_of(int s)
{
    return s >= CG_SEV_HIGH ? "error" : s == CG_SEV_MEDIUM ? "warning" : "note";
}

static void text_obj(cg_jw *w, const char *key, const char *text)
{
    cg_jw_key(w, key);
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "text", text ? text : "");
    cg_jw_close(w, "}");
}

void cg_findings_sarif_rules(const cg_findings *f, cg_jw *w)
{
    size_t cap = f->n_mis + f->n_sec + 1;
    const char **ids = calloc(cap, sizeof *ids);
    if (!ids)
        return;
    size_t n = rule_ids(f, ids, cap);
    cg_arena a;
    cg_arena_init(&a);
    for (size_t i = 0; i < n; i++) {
        const cg_misconfig *m = NULL;
        const cg_secret *s = NULL;
        for (size_t k = 0; k < f->n_mis && !m; k++)
            if (!strcmp(f->mis[k].id, ids[i]))
                m = &f->mis[k];
        for (size_t k = 0; k < f->n_sec && !m && !s; k++)
            if (!strcmp(f->sec[k].rule_id, ids[i]))
                s = &f->sec[k];
        int sev = m ? m->severity : s ? s->severity : 0;
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "id", ids[i]);
        cg_jw_kstr(w, "name", m ? "Misconfiguration" : "Secret");
        text_obj(w, "shortDescription", m ? m->title : s->title);
        text_obj(w, "fullDescription", m ? m->description : s->title);
        cg_jw_key(w, "defaultConfiguration");
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "level", level_of(sev));
        cg_jw_close(w, "}");
        if (m && m->trivy_id)
            cg_jw_kopt(w, "helpUri", lower_url(&a, m->avd_id, m->trivy_id));
        text_obj(w, "help", m ? cg_arena_sprintf(&a, "%s\nFix: %s", m->description, m->resolution)
                              : cg_arena_sprintf(&a, "Secret: %s. Rotate it and rebuild without it.", s->title));
        cg_jw_key(w, "properties");
        cg_jw_open(w, "{");
        const char *tags[3] = {m ? "misconfiguration" : "secret", "security", sev_name(sev)};
        cg_jw_kstrs(w, "tags", tags, 3, 1);
        cg_jw_kstr(w, "precision", "very-high");
        cg_jw_kstr(w, "security-severity", cg_arena_sprintf(&a, "%.1f", cg_report_severity_number((cg_severity)sev)));
        if (m) {
            cg_jw_kopt(w, "trivyId", m->trivy_id);
            cg_jw_kopt(w, "hadolintId", m->hadolint_id);
        }
        cg_jw_close(w, "}");
        cg_jw_close(w, "}");
    }
    cg_arena_free(&a);
    free(ids);
}

static void location(cg_jw *w, const char *uri, int start, int end, const char *msg)
{
    cg_jw_key(w, "locations");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_key(w, "physicalLocation");
    cg_jw_open(w, "{");
    cg_jw_key(w, "artifactLocation");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "uri", uri[0] == '/' ? uri + 1 : uri);
    cg_jw_kstr(w, "uriBaseId", "ROOTPATH");
    cg_jw_close(w, "}");
    cg_jw_key(w, "region");
    cg_jw_open(w, "{");
    cg_jw_kint(w, "startLine", start > 0 ? start : 1);
    cg_jw_kint(w, "startColumn", 1);
    cg_jw_kint(w, "endLine", end >= start && end > 0 ? end : (start > 0 ? start : 1));
    cg_jw_kint(w, "endColumn", 1);
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
    text_obj(w, "message", msg);
    cg_jw_close(w, "}");
    cg_jw_close(w, "]");
}

void cg_findings_sarif_results(const cg_findings *f, size_t base, cg_jw *w)
{
    size_t cap = f->n_mis + f->n_sec + 1;
    const char **ids = calloc(cap, sizeof *ids);
    if (!ids)
        return;
    size_t n = rule_ids(f, ids, cap);
    cg_arena a;
    cg_arena_init(&a);
    for (size_t i = 0; i < f->n_mis; i++) {
        const cg_misconfig *m = &f->mis[i];
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "ruleId", m->id);
        cg_jw_kint(w, "ruleIndex", (long long)(base + rule_index(ids, n, m->id)));
        cg_jw_kstr(w, "level", level_of(m->severity));
        text_obj(w, "message", cg_arena_sprintf(&a, "Artifact: %s\nType: %s\nVulnerability %s\nSeverity: %s\n"
                                                 "Message: %s", m->target, m->target_type,
                                                 m->trivy_id ? m->trivy_id : m->id, sev_name(m->severity), m->message));
        location(w, m->target, m->start_line, m->end_line, m->target);
        cg_jw_close(w, "}");
    }
    for (size_t i = 0; i < f->n_sec; i++) {
        const cg_secret *s = &f->sec[i];
        cg_jw_elem(w);
        cg_jw_open(w, "{");
        cg_jw_kstr(w, "ruleId", s->rule_id);
        cg_jw_kint(w, "ruleIndex", (long long)(base + rule_index(ids, n, s->rule_id)));
        cg_jw_kstr(w, "level", level_of(s->severity));
        text_obj(w, "message", cg_arena_sprintf(&a, "Artifact: %s\nType: %s\nSecret %s\nSeverity: %s\nMatch: %s",
                                                 s->target, s->source ? s->source : "file", s->title,
                                                 sev_name(s->severity), s->match));
        location(w, s->target[0] ? s->target : "config.json", s->start_line, s->end_line, s->target);
        cg_jw_close(w, "}");
    }
    cg_arena_free(&a);
    free(ids);
}

size_t cg_findings_sarif_nrules(const cg_findings *f)
{
    size_t cap = f->n_mis + f->n_sec + 1;
    const char **ids = calloc(cap, sizeof *ids);
    if (!ids)
        return 0;
    size_t n = rule_ids(f, ids, cap);
    free(ids);
    return n;
}

static const char *const SEV_COLOR[CG_SEV_COUNT] = {"", "\033[34m", "\033[33m", "\033[31m", "\033[1;31m"};

/* Wrap line (built without colour) to width; then paint the first
 * occurrence of the severity word when asked. */
static void put_wrapped(cg_buf *out, const char *line, size_t width, size_t indent, int s, int color)
{
    cg_buf tmp = CG_BUF_INIT;
    cg_text_wrap(&tmp, line, width, indent);
    const char *name = sev_name(s);
    const char *hit = color && s > 0 && s < CG_SEV_COUNT && tmp.data ? strstr(cg_buf_str(&tmp), name) : NULL;
    if (hit) {
        size_t at = (size_t)(hit - tmp.data), nl = strlen(name);
        cg_buf_append(out, tmp.data, at);
        cg_buf_puts(out, SEV_COLOR[s]);
        cg_buf_append(out, hit, nl);
        cg_buf_puts(out, "\033[0m");
        cg_buf_append(out, hit + nl, tmp.len - at - nl);
    } else if (tmp.data) {
        cg_buf_append(out, tmp.data, tmp.len);
    }
    cg_buf_free(&tmp);
}

/* Misconfigurations by target, then secrets; most severe first within each
 * target (the arrays are sorted by target, then id). */
static int misconf_rank(const void *pa, const void *pb)
{
    const cg_misconfig *a = *(const cg_misconfig *const *)pa, *b = *(const cg_misconfig *const *)pb;
    int c = strcmp(a->target, b->target);
    if (c)
        return c;
    if (a->severity != b->severity)
        return b->severity - a->severity;
    c = strcmp(a->id, b->id);
    return c ? c : (a < b ? -1 : a > b);
}

static int secret_rank(const void *pa, const void *pb)
{
    const cg_secret *a = *(const cg_secret *const *)pa, *b = *(const cg_secret *const *)pb;
    int c = strcmp(a->target, b->target);
    if (c)
        return c;
    if (a->severity != b->severity)
        return b->severity - a->severity;
    c = strcmp(a->rule_id, b->rule_id);
    return c ? c : (a < b ? -1 : a > b);
}

cg_status cg_findings_write_table(const cg_findings *f, int color, size_t width, cg_buf *out)
{
    const cg_misconfig **mis = f->n_mis ? calloc(f->n_mis, sizeof *mis) : NULL;
    const cg_secret **sec = f->n_sec ? calloc(f->n_sec, sizeof *sec) : NULL;
    if ((f->n_mis && !mis) || (f->n_sec && !sec)) {
        free(mis);
        free(sec);
        return CG_ERR_NOMEM;
    }
    for (size_t i = 0; i < f->n_mis; i++)
        mis[i] = &f->mis[i];
    for (size_t i = 0; i < f->n_sec; i++)
        sec[i] = &f->sec[i];
    if (f->n_mis)
        qsort(mis, f->n_mis, sizeof *mis, misconf_rank);
    if (f->n_sec)
        qsort(sec, f->n_sec, sizeof *sec, secret_rank);
    cg_buf line = CG_BUF_INIT;
    for (size_t t = 0; t < f->n_targets; t++) {
        const cg_config_target *tg = &f->targets[t];
        size_t fails = cg_findings_failures(f, tg->target);
        cg_buf_putc(out, '\n');
        cg_buf_reset(&line);
        cg_buf_printf(&line, "%s (%s)", tg->target, tg->target_type);
        put_wrapped(out, cg_buf_str(&line), width, 2, 0, 0);
        cg_buf_printf(out, "Tests: %zu (SUCCESSES: %zu, FAILURES: %zu)\n", tg->n_checks,
                      tg->n_checks > fails ? tg->n_checks - fails : 0, fails);
        for (size_t i = 0; i < f->n_mis; i++) {
            const cg_misconfig *m = mis[i];
            if (strcmp(m->target, tg->target))
                continue;
            cg_buf_reset(&line);
            cg_buf_puts(&line, m->id);
            if (m->trivy_id || m->hadolint_id) {
                cg_buf_puts(&line, " [");
                if (m->trivy_id)
                    cg_buf_puts(&line, m->trivy_id);
                if (m->trivy_id && m->hadolint_id)
                    cg_buf_putc(&line, ' ');
                if (m->hadolint_id)
                    cg_buf_puts(&line, m->hadolint_id);
                cg_buf_putc(&line, ']');
            }
            cg_buf_printf(&line, " (%s): %s", sev_name(m->severity), m->message);
            put_wrapped(out, cg_buf_str(&line), width, 2, m->severity, color);
            if (m->start_line > 0) {
                cg_buf_reset(&line);
                cg_buf_printf(&line, "  %s:%d-%d", m->target, m->start_line, m->end_line);
                put_wrapped(out, cg_buf_str(&line), width, 4, 0, 0);
            }
        }
    }
    for (size_t i = 0; i < f->n_sec; i++) {
        const cg_secret *s = sec[i];
        if (i == 0 || strcmp(s->target, sec[i - 1]->target)) {
            cg_buf_putc(out, '\n');
            cg_buf_reset(&line);
            cg_buf_printf(&line, "%s (secrets)", s->target[0] ? s->target : "image config");
            put_wrapped(out, cg_buf_str(&line), width, 2, 0, 0);
        }
        cg_buf_reset(&line);
        cg_buf_printf(&line, "%s: %s (%s)", sev_name(s->severity), s->category, s->rule_id);
        put_wrapped(out, cg_buf_str(&line), width, 2, s->severity, color);
        cg_buf_reset(&line);
        cg_buf_puts(&line, "  ");
        cg_buf_puts(&line, s->title);
        if (s->start_line > 0)
            cg_buf_printf(&line, " at line %d", s->start_line);
        if (s->layer >= 0)
            cg_buf_printf(&line, ", added in layer %d", s->layer);
        if (s->deleted_in >= 0)
            cg_buf_printf(&line, ", deleted in layer %d (still in the image)", s->deleted_in);
        put_wrapped(out, cg_buf_str(&line), width, 2, 0, 0);
        cg_buf_reset(&line);
        cg_buf_puts(&line, "  ");
        cg_buf_puts(&line, s->match);
        put_wrapped(out, cg_buf_str(&line), width, 2, 0, 0);
    }
    cg_buf_free(&line);
    free(mis);
    free(sec);
    return out->data || !(f->n_targets + f->n_sec) ? CG_OK : CG_ERR_NOMEM;
}

/* ---- the SARIF document around the rules and results (one copy for the
 * vulnerability report and for misconfigurations and secrets alone) ---- */

void cg_sarif_begin(cg_jw *w)
{
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "version", "2.1.0");
    cg_jw_kstr(w, "$schema", "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json");
    cg_jw_key(w, "runs");
    cg_jw_open(w, "[");
    cg_jw_elem(w);
    cg_jw_open(w, "{");
    cg_jw_key(w, "tool");
    cg_jw_open(w, "{");
    cg_jw_key(w, "driver");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "name", "cgate");
    cg_jw_kstr(w, "fullName", "cgate container-image supply-chain gate");
    cg_jw_kstr(w, "version", CGATE_VERSION);
    cg_jw_key(w, "rules");
    cg_jw_open(w, "[");
}

void cg_sarif_rules_end(cg_jw *w)
{
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
    cg_jw_key(w, "results");
    cg_jw_open(w, "[");
}

void cg_sarif_results_end(cg_jw *w)
{
    cg_jw_close(w, "]");
    cg_jw_kstr(w, "columnKind", "utf16CodeUnits");
    cg_jw_key(w, "originalUriBaseIds");
    cg_jw_open(w, "{");
    cg_jw_key(w, "ROOTPATH");
    cg_jw_open(w, "{");
    cg_jw_kstr(w, "uri", "file:///");
    cg_jw_close(w, "}");
    cg_jw_close(w, "}");
}

void cg_sarif_end(cg_jw *w)
{
    cg_jw_close(w, "}");
    cg_jw_close(w, "]");
    cg_jw_close(w, "}");
    cg_jw_raw(w, "\n");
}

cg_status cg_findings_write(const cg_findings *f, const char *artifact_name, const char *artifact_type,
                            cg_report_format fmt, const cg_report_write_opts *o, cg_buf *out, cg_error *err)
{
    cg_jw w;
    cg_jw_init(&w, out);
    switch (fmt) {
    case CG_REPORT_JSON:
        cg_jw_open(&w, "{");
        cg_jw_kint(&w, "SchemaVersion", 2);
        cg_jw_kstr(&w, "ArtifactName", artifact_name);
        cg_jw_kstr(&w, "ArtifactType", artifact_type);
        cg_jw_key(&w, "Results");
        cg_jw_open(&w, "[");
        cg_findings_json_results(f, &w);
        cg_jw_close(&w, "]");
        cg_jw_key(&w, "cgate");
        cg_jw_open(&w, "{");
        cg_jw_kstr(&w, "version", CGATE_VERSION);
        cg_jw_close(&w, "}");
        cg_jw_close(&w, "}");
        cg_jw_raw(&w, "\n");
        break;
    case CG_REPORT_SARIF:
        cg_sarif_begin(&w);
        cg_findings_sarif_rules(f, &w);
        cg_sarif_rules_end(&w);
        cg_findings_sarif_results(f, 0, &w);
        cg_sarif_results_end(&w);
        cg_sarif_end(&w);
        break;
    case CG_REPORT_TABLE:
        w.st = cg_findings_write_table(f, o && o->color, o ? o->width : 0, out);
        break;
    default:
        return cg_error_set(err, CG_ERR_USAGE, "misconfigurations and secrets are written as json, sarif or table");
    }
    if (w.st != CG_OK)
        return cg_error_set(err, w.st, "writing findings: %s", cg_status_name(w.st));
    return CG_OK;
}
