/*
 * test_report_trivy.c - our JSON and SARIF reports against Trivy's own
 * goldens (tests/data/trivy/, see ORIGIN.md): every field we write outside
 * our "cgate" objects must exist in Trivy's output at the same place with the
 * same JSON type (numbers: integer and real are one type, as in Go), and the
 * fields the issue names must be present.  Values are not compared: Trivy's
 * come from its own test DB.  Map keys that are data (CVSS.<source>,
 * VendorSeverity.<source>) compare as "*".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scan_fixture.h"

typedef struct pathset {
    char **v;
    size_t n, cap;
} pathset;

static void ps_add(pathset *s, const char *p)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], p))
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = strdup(p);
}

static int ps_has(const pathset *s, const char *p)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], p))
            return 1;
    return 0;
}

static void ps_free(pathset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static const char *jtype(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    default: return "null";
    }
}

static int is_map_parent(const char *path)
{
    size_t n = strlen(path);
    return (n >= 5 && !strcmp(path + n - 5, ".CVSS")) || (n >= 15 && !strcmp(path + n - 15, ".VendorSeverity"));
}

/* Record "path:type" for every value under v; skip subtrees named skip. */
static void walk(json_t *v, const char *path, pathset *out, const char *skip)
{
    char p[1024];
    snprintf(p, sizeof p, "%s:%s", path, jtype(v));
    ps_add(out, p);
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (skip && !strcmp(k, skip))
                continue;
            snprintf(p, sizeof p, "%s.%s", path, is_map_parent(path) ? "*" : k);
            walk(x, p, out, skip);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        snprintf(p, sizeof p, "%s[]", path);
        json_array_foreach(v, i, x) walk(x, p, out, skip);
    }
}

static void golden_paths(const char *const *files, pathset *out)
{
    for (size_t i = 0; files[i]; i++) {
        json_error_t je;
        json_t *g = json_load_file(fx_data(files[i]), 0, &je);
        if (!g)
            fail_msg("%s: %s", files[i], je.text);
        walk(g, "$", out, NULL);
        json_decref(g);
    }
}

static char *our_report(cg_report_format fmt)
{
    cg_sbom s;
    memset(&s, 0, sizeof s);
    cg_arena_init(&s.arena);
    s.image.ref = "img.tar";
    s.image.name = "lab/app";
    s.image.tag = "1";
    s.image.config_digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
    s.image.manifest_digest = "sha256:0000000000000000000000000000000000000000000000000000000000000002";
    s.image.n_layers = 1;
    s.image.layers = cg_arena_calloc(&s.arena, 1, sizeof *s.image.layers);
    s.image.layers[0] = (cg_layer_info){"sha256:aa", "sha256:bb", NULL, 5};
    s.distro = cg_arena_calloc(&s.arena, 1, sizeof *s.distro);
    s.distro->id = "debian";
    s.distro->version_id = "12";
    s.pkgs = cg_arena_calloc(&s.arena, 4, sizeof *s.pkgs);
    cg_location *loc = cg_arena_calloc(&s.arena, 2, sizeof *loc);
    loc[0] = (cg_location){"/var/lib/dpkg/status", 0};
    loc[1] = (cg_location){"/usr/lib/node_modules/lodash/package.json", 0};
    s.pkgs[0] = (cg_package){.type = "deb", .name = "perl-base", .version = "5.36.0-7+deb12u3",
                             .source_name = "perl", .locations = &loc[0], .n_locations = 1, .layer = 0,
                             .purl = "pkg:deb/debian/perl-base@5.36.0-7%2Bdeb12u3?distro=debian-12"};
    s.pkgs[1] = (cg_package){.type = "npm", .name = "lodash", .version = "4.17.15", .locations = &loc[1],
                             .n_locations = 1, .layer = 0, .purl = "pkg:npm/lodash@4.17.15"};
    s.n_pkgs = 2;
    fx_db *db = fx_new();
    assert_int_equal(fx_load_dir(db, fx_data("scan/debian/bookworm-labels-img-debian/osv")), 28);
    assert_int_equal(fx_load_dir(db, fx_data("scan/osv/ghsa-selected")), 3);
    /* an NVD v2 vector beside the record's v3 one, as enrichment would add */
    for (size_t i = 0; i < db->n; i++)
        if (!strcmp(db->adv[i].id, "GHSA-p6mc-m468-83gw")) {
            cg_vdb_severity *sv = cg_arena_calloc(&db->arena, 2, sizeof *sv);
            sv[0] = db->adv[i].severity[0];
            sv[1] = (cg_vdb_severity){"CVSS_V2", "AV:N/AC:M/Au:N/C:P/I:P/A:P", "nvd"};
            db->adv[i].severity = sv;
            db->adv[i].n_severity = 2;
        }
    cg_scan_source src = fx_source(db);
    cg_scan_opts o = {0, 0, 0, 1735689600, -1, NULL, NULL, 0, 0};
    cg_report *r = NULL;
    cg_error err;
    assert_int_equal(cg_scan(&s, &src, &o, &r, &err), CG_OK);
    assert_true(r->n_findings > 3);
    cg_buf b = CG_BUF_INIT;
    assert_int_equal(cg_report_write(r, fmt, NULL, &b, &err), CG_OK);
    cg_report_free(r);
    fx_free(db);
    cg_arena_free(&s.arena);
    return b.data;
}

static void check_subset(const char *text, const pathset *golden, const char *skip, const char *const *extras)
{
    json_error_t je;
    json_t *ours = json_loads(text, 0, &je);
    assert_non_null(ours);
    pathset mine = {0};
    walk(ours, "$", &mine, skip);
    int bad = 0;
    for (size_t i = 0; i < mine.n; i++) {
        if (ps_has(golden, mine.v[i]))
            continue;
        int allowed = 0;
        for (size_t k = 0; extras && extras[k]; k++)
            allowed |= !strncmp(mine.v[i], extras[k], strlen(extras[k]));
        if (!allowed) {
            fprintf(stderr, "not in Trivy's output: %s\n", mine.v[i]);
            bad = 1;
        }
    }
    ps_free(&mine);
    json_decref(ours);
    assert_false(bad);
}

static void test_json_matches_trivy_schema(void **state)
{
    (void)state;
    static const char *const files[] = {"trivy/alpine-310.json.golden", "trivy/debian-buster.json.golden",
                                        "trivy/npm.json.golden", "trivy/fluentd-gems.json.golden", NULL};
    pathset g = {0};
    golden_paths(files, &g);
    char *text = our_report(CG_REPORT_JSON);
    /* Metadata.RepoDigests is a field of Trivy's report type (types.Metadata,
     * []string, omitempty) that none of these docker-archive goldens fills */
    static const char *const extras[] = {"$.Metadata.RepoDigests", NULL};
    check_subset(text, &g, "cgate", extras);
    /* the fields the issue names are there */
    static const char *const need[] = {
        "$.SchemaVersion:number", "$.ArtifactName:string", "$.ArtifactType:string", "$.Metadata.OS.Family:string",
        "$.Metadata.ImageID:string", "$.Metadata.DiffIDs[]:string", "$.Results[].Target:string",
        "$.Results[].Class:string", "$.Results[].Type:string", "$.Results[].Vulnerabilities[].VulnerabilityID:string",
        "$.Results[].Vulnerabilities[].PkgID:string", "$.Results[].Vulnerabilities[].PkgName:string",
        "$.Results[].Vulnerabilities[].PkgIdentifier.PURL:string",
        "$.Results[].Vulnerabilities[].InstalledVersion:string",
        "$.Results[].Vulnerabilities[].FixedVersion:string", "$.Results[].Vulnerabilities[].Status:string",
        "$.Results[].Vulnerabilities[].Layer.Digest:string", "$.Results[].Vulnerabilities[].Layer.DiffID:string",
        "$.Results[].Vulnerabilities[].SeveritySource:string", "$.Results[].Vulnerabilities[].PrimaryURL:string",
        "$.Results[].Vulnerabilities[].DataSource.ID:string", "$.Results[].Vulnerabilities[].Title:string",
        "$.Results[].Vulnerabilities[].Description:string", "$.Results[].Vulnerabilities[].Severity:string",
        "$.Results[].Vulnerabilities[].CVSS.*.V3Vector:string", "$.Results[].Vulnerabilities[].CVSS.*.V3Score:number",
        "$.Results[].Vulnerabilities[].CVSS.*.V2Vector:string", "$.Results[].Vulnerabilities[].CVSS.*.V2Score:number",
        "$.Results[].Vulnerabilities[].References[]:string", "$.Results[].Vulnerabilities[].PublishedDate:string",
        "$.Results[].Vulnerabilities[].LastModifiedDate:string", "$.Results[].Vulnerabilities[].PkgPath:string",
        NULL};
    json_t *ours = json_loads(text, 0, NULL);
    pathset mine = {0};
    walk(ours, "$", &mine, "cgate");
    for (size_t i = 0; need[i]; i++)
        if (!ps_has(&mine, need[i]))
            fail_msg("our report lacks %s", need[i]);
    ps_free(&mine);
    json_decref(ours);
    free(text);
    ps_free(&g);
}

static void test_sarif_matches_trivy_layout(void **state)
{
    (void)state;
    static const char *const files[] = {"trivy/alpine-310.sarif.golden", NULL};
    pathset g = {0};
    golden_paths(files, &g);
    char *text = our_report(CG_REPORT_SARIF);
    /* SARIF members Trivy does not write, all defined by SARIF 2.1.0 (and
     * partialFingerprints used by GitHub to track alerts), and our result
     * properties */
    static const char *const extras[] = {"$.runs[].results[].partialFingerprints",
                                         "$.runs[].originalUriBaseIds",
                                         "$.runs[].results[].properties",
                                         "$.runs[].properties.manifestDigest",
                                         NULL};
    check_subset(text, &g, NULL, extras);
    free(text);
    ps_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_matches_trivy_schema),
        cmocka_unit_test(test_sarif_matches_trivy_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
