/*
 * test_report.c - cg_scan() and the report writers on an SBOM built by hand
 * (Debian packages sharing a source, npm from a lockfile and from
 * node_modules, a Go binary, a language package owned by a deb, a version
 * that cannot be parsed) against real OSV records through the test double of
 * the DB.  Checks the report model (targets, order, merging, severity from
 * CVSS with the source's label beside it, KEV/EPSS, filters, notes), each
 * format's structure, and byte-for-byte determinism.  Writes samples to
 * $CG_TMP/scan-samples/ for tests/integration/test_scan_schema.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "scan_fixture.h"

#define DIG(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static cg_package *add(cg_sbom *s, const char *type, const char *ns, const char *name, const char *ver,
                       const char *path, int layer)
{
    cg_package *p = &s->pkgs[s->n_pkgs++];
    p->type = type;
    p->namespace_ = ns;
    p->name = name;
    p->version = ver;
    p->layer = layer;
    p->locations = cg_arena_calloc(&s->arena, 1, sizeof *p->locations);
    p->locations[0] = (cg_location){path, layer};
    p->n_locations = 1;
    p->purl = cg_arena_sprintf(&s->arena, "pkg:%s/%s%s%s@%s", type, ns ? ns : "", ns ? "/" : "", name, ver);
    return p;
}

static void make_sbom(cg_sbom *s)
{
    memset(s, 0, sizeof *s);
    cg_arena_init(&s->arena);
    cg_image_info *im = &s->image;
    im->ref = "docker-archive:app.tar";
    im->transport = "docker-archive";
    im->name = "lab/app";
    im->tag = "1.0";
    im->config_digest = DIG("2");
    im->n_layers = 2;
    im->layers = cg_arena_calloc(&s->arena, 2, sizeof *im->layers);
    im->layers[0] = (cg_layer_info){DIG("a"), DIG("b"), NULL, 10};
    im->layers[1] = (cg_layer_info){DIG("c"), DIG("d"), NULL, 20};
    s->timestamp = 1735689600;
    s->distro = cg_arena_calloc(&s->arena, 1, sizeof *s->distro);
    s->distro->id = "debian";
    s->distro->version_id = "12";
    s->pkgs = cg_arena_calloc(&s->arena, 16, sizeof *s->pkgs);
    cg_package *p;
    p = add(s, "deb", "debian", "apt", "2.6.1", "/var/lib/dpkg/status", 0);
    p->source_name = "apt";
    p = add(s, "deb", "debian", "libapt-pkg6.0", "2.6.1", "/var/lib/dpkg/status", 0);
    p->source_name = "apt";
    p = add(s, "deb", "debian", "liblzma5", "5.4.1-1+deb12u1", "/var/lib/dpkg/status", 0);
    p->source_name = "xz-utils";
    add(s, "npm", NULL, "lodash", "4.17.15", "/app/package-lock.json", 1);
    add(s, "npm", NULL, "minimist", "1.2.0", "/app/node_modules/minimist/package.json", 1);
    add(s, "npm", NULL, "minimist", "1.2.0", "/app/package-lock.json", 1);
    p = add(s, "npm", NULL, "lodash", "4.17.10", "/usr/share/nodejs/lodash/package.json", 0);
    p->owned_by = "node-lodash";
    p->owned_by_type = "deb";
    add(s, "golang", NULL, "stdlib", "1.20.4", "/usr/local/bin/esbuild", 1);
    add(s, "golang", "golang.org/x", "sys", "v0.0.0-20210101000000-aaaaaaaaaaaa", "/usr/local/bin/esbuild", 1);
    add(s, "npm", NULL, "minimist", "banana", "/srv/package-lock.json", 1);
    add(s, "maven", "org.apache.commons", "commons-text", "1.9", "/app/lib/commons-text-1.9.jar", 1);
}

static fx_db *load_db(void)
{
    fx_db *db = fx_new();
    assert_int_equal(fx_load_dir(db, fx_data("scan/debian/bookworm-labels-img-debian/osv")), 28);
    assert_true(fx_load_dir(db, fx_data("scan/osv/ghsa-selected")) == 3);
    assert_true(fx_load_dir(db, fx_data("scan/osv/go")) == 2);
    /* GHSA-p6mc (lodash) in KEV with an EPSS score, to see the fields travel */
    for (size_t i = 0; i < db->n; i++)
        if (!strcmp(db->adv[i].id, "GHSA-p6mc-m468-83gw")) {
            db->adv[i].kev = 1;
            db->adv[i].kev_date_added = "2024-01-02";
            db->adv[i].epss = 0.5;
            db->adv[i].epss_percentile = 0.9;
        }
    /* a second record naming CVE-2021-44906 for minimist: merged, not duplicated */
    cg_vdb_advisory *x = fx_add(db);
    *x = db->adv[0];
    for (size_t i = 0; i < db->n; i++)
        if (!strcmp(db->adv[i].id, "GHSA-xvch-5gv4-984h"))
            *x = db->adv[i];
    x->id = "OSV-MINIMIST-COPY";
    x->aliases = cg_arena_calloc(&db->arena, 1, sizeof *x->aliases);
    x->aliases[0] = "CVE-2021-44906";
    x->n_aliases = 1;
    return db;
}

static cg_report *scan(const cg_sbom *s, fx_db *db, const cg_scan_opts *o)
{
    cg_scan_source src = fx_source(db);
    cg_report *r = NULL;
    cg_error err;
    cg_error_clear(&err);
    cg_status st = cg_scan(s, &src, o, &r, &err);
    if (st != CG_OK)
        fail_msg("cg_scan: %s", err.msg);
    return r;
}

static const cg_finding *find(const cg_report *r, const char *pkg, const char *ver, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const cg_finding *f = &r->findings[i];
        if (!strcmp(f->pkg->name, pkg) && !strcmp(f->installed, ver) && !strcmp(f->v->vuln_id, id))
            return f;
    }
    return NULL;
}

static void test_model(void **state)
{
    (void)state;
    cg_sbom s;
    make_sbom(&s);
    fx_db *db = load_db();
    cg_scan_opts o = {0, 0, 0, 1735689600, -1, NULL, NULL, 0, 0};
    cg_report *r = scan(&s, db, &o);
    /* targets: the OS first, then the others by name */
    assert_int_equal(r->n_targets, 6);
    assert_string_equal(r->targets[0].name, "docker-archive:app.tar (debian 12)");
    assert_string_equal(r->targets[0].type, "debian");
    assert_string_equal(r->targets[1].name, "Java");
    assert_string_equal(r->targets[1].type, "jar");
    assert_string_equal(r->targets[2].name, "Node.js");
    assert_string_equal(r->targets[2].type, "node-pkg");
    assert_string_equal(r->targets[3].name, "app/package-lock.json");
    assert_string_equal(r->targets[3].type, "npm");
    assert_string_equal(r->targets[4].name, "srv/package-lock.json");
    assert_string_equal(r->targets[5].name, "usr/local/bin/esbuild");
    assert_string_equal(r->targets[5].type, "gobinary");
    assert_int_equal(r->n_pkgs_owned, 1);
    /* the source package's advisory reaches both binaries */
    const cg_finding *f = find(r, "apt", "2.6.1", "CVE-2026-109518");
    assert_non_null(f);
    assert_string_equal(f->fixed, "2.6.2");
    assert_string_equal(f->v->advisory_id, "DEBIAN-CVE-2026-109518");
    assert_non_null(find(r, "libapt-pkg6.0", "2.6.1", "CVE-2026-109518"));
    assert_null(find(r, "apt", "2.6.1", "CVE-2020-27350")); /* not affected */
    /* CVSS from the record's vector, the label kept beside it; KEV/EPSS */
    f = find(r, "lodash", "4.17.15", "CVE-2020-8203");
    assert_non_null(f);
    assert_int_equal(f->v->severity, CG_SEV_HIGH);
    assert_true(f->v->score > 7.39 && f->v->score < 7.41);
    assert_string_equal(f->v->severity_source, "ghsa");
    assert_string_equal(f->v->source_severity, "HIGH");
    assert_string_equal(f->fixed, "4.17.20");
    assert_true(f->v->kev);
    assert_true(f->v->epss == 0.5);
    /* the owned lodash (under a deb) is not matched */
    assert_null(find(r, "lodash", "4.17.10", "CVE-2020-8203"));
    /* two records for one CVE and package: one finding, the other id kept */
    f = find(r, "minimist", "1.2.0", "CVE-2021-44906");
    assert_non_null(f);
    assert_int_equal(f->n_merged, 1);
    size_t count = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].v->vuln_id, "CVE-2021-44906") && !strcmp(r->findings[i].installed, "1.2.0"))
            count++;
    assert_int_equal(count, 2); /* node_modules copy and lockfile copy */
    /* an unparseable version is a finding with status unknown */
    f = find(r, "minimist", "banana", "CVE-2021-44906");
    assert_non_null(f);
    assert_int_equal(f->status, CG_FIND_UNKNOWN);
    assert_non_null(strstr(f->note, "\"banana\" is not a valid semver version"));
    /* Go: stdlib and a module of the same binary */
    f = find(r, "stdlib", "1.20.4", "CVE-2023-29403");
    assert_non_null(f);
    assert_string_equal(f->fixed, "1.20.5");
    assert_string_equal(f->v->data_source_id, "go-vulndb");
    assert_non_null(find(r, "sys", "v0.0.0-20210101000000-aaaaaaaaaaaa", "CVE-2022-29526"));
    assert_null(find(r, "stdlib", "1.20.4", "CVE-2022-29526"));
    /* Maven group:artifact */
    f = find(r, "commons-text", "1.9", "CVE-2022-42889");
    assert_non_null(f);
    assert_int_equal(f->v->severity, CG_SEV_CRITICAL);
    /* sorted: target, package, version, path, id */
    for (size_t i = 1; i < r->n_findings; i++) {
        const cg_finding *a = &r->findings[i - 1], *b = &r->findings[i];
        assert_true(a->target <= b->target);
        if (a->target == b->target && !strcmp(a->pkg->name, b->pkg->name) && !strcmp(a->installed, b->installed) &&
            a->pkg_index == b->pkg_index)
            assert_true(strcmp(a->v->vuln_id, b->v->vuln_id) < 0);
    }
    cg_report_free(r);
    fx_free(db);
    cg_arena_free(&s.arena);
}

static void test_filters(void **state)
{
    (void)state;
    cg_sbom s;
    make_sbom(&s);
    fx_db *db = load_db();
    cg_scan_opts o = {0, 0, 0, -1, -1, NULL, NULL, 0, 0};
    cg_report *all = scan(&s, db, &o);
    o.severities = 1u << CG_SEV_CRITICAL;
    cg_report *crit = scan(&s, db, &o);
    assert_true(crit->n_findings > 0 && crit->n_findings < all->n_findings);
    for (size_t i = 0; i < crit->n_findings; i++)
        assert_int_equal(crit->findings[i].v->severity, CG_SEV_CRITICAL);
    assert_int_equal(crit->n_filtered + crit->n_findings, all->n_findings);
    o.severities = 0;
    o.pkg_types = CG_SCAN_PKG_OS;
    cg_report *os = scan(&s, db, &o);
    assert_int_equal(os->n_targets, 1);
    for (size_t i = 0; i < os->n_findings; i++)
        assert_string_equal(os->findings[i].pkg->type, "deb");
    o.pkg_types = CG_SCAN_PKG_LIBRARY;
    cg_report *lib = scan(&s, db, &o);
    assert_int_equal(lib->n_findings + os->n_findings, all->n_findings);
    o.pkg_types = 0;
    o.ignore_unfixed = 1;
    cg_report *fx = scan(&s, db, &o);
    int saw_unknown = 0;
    for (size_t i = 0; i < fx->n_findings; i++) {
        assert_int_not_equal(fx->findings[i].status, CG_FIND_AFFECTED);
        saw_unknown |= fx->findings[i].status == CG_FIND_UNKNOWN;
    }
    assert_true(saw_unknown); /* never silently dropped */
    cg_report_free(all);
    cg_report_free(crit);
    cg_report_free(os);
    cg_report_free(lib);
    cg_report_free(fx);
    fx_free(db);
    cg_arena_free(&s.arena);
}

static void test_no_distro_note(void **state)
{
    (void)state;
    cg_sbom s;
    make_sbom(&s);
    s.distro = NULL;
    fx_db *db = load_db();
    cg_report *r = scan(&s, db, NULL);
    assert_int_equal(r->n_pkgs_unsupported, 3);
    int found = 0;
    for (size_t i = 0; i < r->n_notes; i++)
        found |= strstr(r->notes[i], "no os-release") != NULL;
    assert_true(found);
    cg_report_free(r);
    fx_free(db);
    cg_arena_free(&s.arena);
}

static char *render(const cg_report *r, cg_report_format fmt, int color)
{
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_report_write_opts wo = {color};
    if (cg_report_write(r, fmt, &wo, &b, &err) != CG_OK)
        fail_msg("cg_report_write: %s", err.msg);
    return b.data;
}

static void save_sample(const char *name, const char *text)
{
    const char *tmp = getenv("CG_TMP");
    if (!tmp)
        return;
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/scan-samples", tmp);
    mkdir(tmp, 0755);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_formats(void **state)
{
    (void)state;
    cg_sbom s;
    make_sbom(&s);
    fx_db *db = load_db();
    cg_scan_opts o = {0, 0, 0, 1735689600, 1735600000, NULL, NULL, 0, 0};
    cg_report *r = scan(&s, db, &o), *r2 = scan(&s, db, &o);
    static const char *const names[] = {"report.json", "report.sarif", "report.cdx.json", "report.txt"};
    for (int fmt = 0; fmt < 4; fmt++) {
        char *a = render(r, (cg_report_format)fmt, 0), *b = render(r2, (cg_report_format)fmt, 0);
        assert_string_equal(a, b); /* deterministic */
        save_sample(names[fmt], a);
        free(b);
        if (fmt == CG_REPORT_TABLE) {
            assert_null(strchr(a, '\033'));
            assert_non_null(strstr(a, "Total: "));
            char *c = render(r, CG_REPORT_TABLE, 1);
            assert_non_null(strstr(c, "\033[1;31mCRITICAL\033[0m"));
            free(c);
            free(a);
            continue;
        }
        json_error_t je;
        json_t *doc = json_loads(a, 0, &je);
        assert_non_null(doc);
        if (fmt == CG_REPORT_JSON) {
            assert_int_equal(json_integer_value(json_object_get(doc, "SchemaVersion")), 2);
            assert_string_equal(json_string_value(json_object_get(doc, "CreatedAt")), "2025-01-01T00:00:00Z");
            json_t *res = json_object_get(doc, "Results");
            assert_int_equal(json_array_size(res), 6);
            json_t *v0 = json_array_get(json_object_get(json_array_get(res, 0), "Vulnerabilities"), 0);
            assert_string_equal(json_string_value(json_object_get(v0, "PkgName")), "apt");
            json_t *lod = NULL;
            size_t i;
            json_t *x;
            json_array_foreach(json_object_get(json_array_get(res, 3), "Vulnerabilities"), i, x)
                if (!strcmp(json_string_value(json_object_get(x, "VulnerabilityID")), "CVE-2020-8203"))
                    lod = x;
            assert_non_null(lod);
            json_t *cv = json_object_get(json_object_get(lod, "CVSS"), "ghsa");
            assert_true(json_real_value(json_object_get(cv, "V3Score")) == 7.4);
            assert_string_equal(json_string_value(json_object_get(lod, "PkgPath")), "app/package-lock.json");
            assert_true(json_is_true(json_object_get(json_object_get(lod, "cgate"), "kev")));
            assert_true(json_is_integer(json_object_get(json_object_get(lod, "VendorSeverity"), "ghsa")));
            assert_non_null(strstr(a, "\"V3Score\": 7.4\n")); /* no float noise */
        } else if (fmt == CG_REPORT_SARIF) {
            json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
            json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
            json_t *results = json_object_get(run, "results");
            assert_true(json_array_size(results) == r->n_findings);
            size_t i;
            json_t *x;
            json_array_foreach(results, i, x) {
                size_t ri = (size_t)json_integer_value(json_object_get(x, "ruleIndex"));
                json_t *rule = json_array_get(rules, ri);
                assert_string_equal(json_string_value(json_object_get(rule, "id")),
                                    json_string_value(json_object_get(x, "ruleId")));
            }
            json_array_foreach(rules, i, x) {
                const char *ss = json_string_value(json_object_get(json_object_get(x, "properties"), "security-severity"));
                assert_non_null(ss);
                if (i)
                    assert_true(strcmp(json_string_value(json_object_get(json_array_get(rules, i - 1), "id")),
                                       json_string_value(json_object_get(x, "id"))) < 0);
            }
        } else {
            json_t *vulns = json_object_get(doc, "vulnerabilities");
            assert_true(json_array_size(vulns) > 5);
            /* every affects[].ref names a component */
            size_t i, k;
            json_t *x, *af;
            json_array_foreach(vulns, i, x) {
                json_array_foreach(json_object_get(x, "affects"), k, af) {
                    const char *ref = json_string_value(json_object_get(af, "ref"));
                    int ok = 0;
                    size_t m;
                    json_t *c;
                    json_array_foreach(json_object_get(doc, "components"), m, c)
                        ok |= !strcmp(json_string_value(json_object_get(c, "bom-ref")), ref);
                    if (!ok)
                        fail_msg("affects ref %s is not a component", ref);
                }
            }
        }
        json_decref(doc);
        free(a);
    }
    cg_report_free(r);
    cg_report_free(r2);
    fx_free(db);
    cg_arena_free(&s.arena);
}

/* Several vectors per source: one object per source in first-appearance
 * order, v2/v3/v4 members in first-appearance order, v3.1 preferred over
 * v3.0; SARIF carries the severity source's v2 and v3 (v3.1 preferred). */
static void test_cvss_layout(void **state)
{
    (void)state;
    cg_sbom s;
    make_sbom(&s);
    fx_db *db = load_db();
    cg_scan_opts o = {0, 0, 0, 1735689600, 1735600000, NULL, NULL, 0, 0};
    cg_report *r = scan(&s, db, &o);
    cg_finding *f = (cg_finding *)find(r, "lodash", "4.17.15", "CVE-2020-8203");
    assert_non_null(f);
    static cg_finding_cvss cv[] = {
        {"nvd", "AV:N/AC:L/Au:N/C:P/I:P/A:P", CG_CVSS_V2, 7.5},
        {"ghsa", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", CG_CVSS_V30, 7.0},
        {"nvd", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", CG_CVSS_V31, 7.4},
        {"ghsa", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", CG_CVSS_V31, 7.4},
        {"ghsa", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", CG_CVSS_V40, 9.3},
        {"ghsa", "AV:N/AC:M/Au:N/C:N/I:P/A:P", CG_CVSS_V2, 5.8},
    };
    /* the finding's shared side, replaced by one with these vectors */
    static cg_finding_vuln fv;
    fv = *f->v;
    fv.cvss = cv;
    fv.n_cvss = sizeof cv / sizeof cv[0];
    fv.severity_source = "ghsa";
    f->v = &fv;
    char *j = render(r, CG_REPORT_JSON, 0);
    const char *want =
        "\"CVSS\": {\n"
        "            \"nvd\": {\n"
        "              \"V2Vector\": \"AV:N/AC:L/Au:N/C:P/I:P/A:P\",\n"
        "              \"V2Score\": 7.5,\n"
        "              \"V3Vector\": \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H\",\n"
        "              \"V3Score\": 7.4\n"
        "            },\n"
        "            \"ghsa\": {\n"
        "              \"V3Vector\": \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H\",\n"
        "              \"V3Score\": 7.4,\n"
        "              \"V40Vector\": \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\",\n"
        "              \"V40Score\": 9.3,\n"
        "              \"V2Vector\": \"AV:N/AC:M/Au:N/C:N/I:P/A:P\",\n"
        "              \"V2Score\": 5.8\n"
        "            }\n"
        "          },";
    if (!strstr(j, want))
        fail_msg("CVSS object not as expected in:\n%.3000s", strstr(j, "\"CVSS\"") ? strstr(j, "\"CVSS\"") : j);
    char *sa = render(r, CG_REPORT_SARIF, 0);
    const char *want_s =
        "\"cvssv3_baseScore\": 7.4,\n"
        "              \"cvssv3_vector\": \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H\",\n"
        "              \"cvssv2_score\": 5.8,\n"
        "              \"cvssv2_vector\": \"AV:N/AC:M/Au:N/C:N/I:P/A:P\"\n";
    if (!strstr(sa, want_s))
        fail_msg("SARIF CVSS properties not as expected");
    free(j);
    free(sa);
    cg_report_free(r);
    fx_free(db);
    cg_arena_free(&s.arena);
}

static void test_names_and_cache(void **state)
{
    (void)state;
    cg_severity s;
    assert_int_equal(cg_severity_parse("moderate", &s), 0);
    assert_int_equal(s, CG_SEV_MEDIUM);
    assert_int_equal(cg_severity_parse("bogus", &s), -1);
    assert_string_equal(cg_finding_status_name(CG_FIND_UNKNOWN), "unknown");
    cg_report_format f;
    assert_int_equal(cg_report_format_parse("sarif", &f), CG_OK);
    assert_int_equal(f, CG_REPORT_SARIF);
    assert_int_equal(cg_report_format_parse("xml", &f), CG_ERR_USAGE);
    /* one lookup per (ecosystem, name): apt and libapt-pkg6.0 share "apt" */
    cg_sbom sb;
    make_sbom(&sb);
    fx_db *db = load_db();
    cg_report *r = scan(&sb, db, NULL);
    assert_int_equal(db->lookups, 7); /* apt, xz-utils, lodash, minimist, stdlib, golang.org/x/sys, commons-text */
    cg_report_free(r);
    fx_free(db);
    cg_arena_free(&sb.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),   cmocka_unit_test(test_filters),         cmocka_unit_test(test_no_distro_note),
        cmocka_unit_test(test_formats), cmocka_unit_test(test_names_and_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
