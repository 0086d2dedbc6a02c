/*
 * test_match.c - the matcher's rules, one by one: package -> ecosystem and
 * lookup name (distro release, SOURCE names, owned language packages),
 * OSV range evaluation (unordered events, several intervals and ranges,
 * last_affected, limit, versions lists, GIT ranges, the lowest fixed version
 * above the installed one), and what happens to versions that cannot be
 * ordered (status "unknown", never safe).  Then two real labelled sets: the
 * GitHub advisories of tests/lab/node-app against npm's own answers
 * (expected-matches.tsv), and Debian bookworm labels (expected.tsv).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scan/scan_int.h"
#include "scan_fixture.h"

/* ---- synthetic advisories ------------------------------------------------ */

/* spec: ranges separated by ';', each "TYPE: ev ev ..." with ev "i=V", "f=V",
 * "la=V", "l=V"; versions: space-separated list or NULL. */
static cg_vdb_advisory mk(cg_arena *a, const char *eco, const char *spec, const char *versions)
{
    cg_vdb_advisory adv;
    memset(&adv, 0, sizeof adv);
    adv.id = "TEST-1";
    adv.epss = adv.epss_percentile = -1;
    adv.affected = cg_arena_calloc(a, 1, sizeof *adv.affected);
    adv.n_affected = 1;
    cg_vdb_affected *af = adv.affected;
    af->ecosystem = eco;
    af->name = "pkg";
    af->ranges = cg_arena_calloc(a, 8, sizeof *af->ranges);
    char *s = cg_arena_strdup(a, spec ? spec : ""), *save = NULL;
    for (char *r = strtok_r(s, ";", &save); r; r = strtok_r(NULL, ";", &save)) {
        cg_vdb_range *rg = &af->ranges[af->n_ranges++];
        char *colon = strchr(r, ':');
        assert_non_null(colon);
        *colon = 0;
        while (*r == ' ')
            r++;
        rg->type = r;
        rg->events = cg_arena_calloc(a, 16, sizeof *rg->events);
        char *save2 = NULL;
        for (char *e = strtok_r(colon + 1, " ", &save2); e; e = strtok_r(NULL, " ", &save2)) {
            cg_vdb_event *ev = &rg->events[rg->n_events++];
            char *eq = strchr(e, '=');
            assert_non_null(eq);
            *eq = 0;
            if (!strcmp(e, "i")) ev->introduced = eq + 1;
            else if (!strcmp(e, "f")) ev->fixed = eq + 1;
            else if (!strcmp(e, "la")) ev->last_affected = eq + 1;
            else if (!strcmp(e, "l")) ev->limit = eq + 1;
            else fail_msg("bad event %s", e);
        }
    }
    if (versions) {
        af->versions = cg_arena_calloc(a, 16, sizeof *af->versions);
        char *v = cg_arena_strdup(a, versions), *save3 = NULL;
        for (char *t = strtok_r(v, " ", &save3); t; t = strtok_r(NULL, " ", &save3))
            af->versions[af->n_versions++] = t;
    }
    return adv;
}

/* Evaluate and describe: "no", "fixed:V", "affected", "unknown". */
static const char *eval(cg_arena *a, const char *eco, const char *spec, const char *versions, const char *v)
{
    cg_vdb_advisory adv = mk(a, eco, spec, versions);
    cg_match_result m;
    assert_int_equal(cg_match_eval(&adv, eco, v, a, &m), 0);
    if (!m.affected)
        return "no";
    if (m.status == CG_FIND_FIXED)
        return cg_arena_sprintf(a, "fixed:%s", m.fixed);
    return m.status == CG_FIND_AFFECTED ? "affected" : "unknown";
}

#define EXPECT(eco, spec, vers, v, want)                                                                        \
    do {                                                                                                         \
        const char *got_ = eval(&a, eco, spec, vers, v);                                                         \
        if (strcmp(got_, want) != 0)                                                                             \
            fail_msg("%s [%s] versions [%s] installed %s: got %s, want %s", eco, spec ? spec : "",               \
                     vers ? vers : "", v, got_, want);                                                           \
    } while (0)

static void test_basic_interval(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", NULL, "1.2.2", "fixed:1.2.3");
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", NULL, "1.2.3", "no");
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", NULL, "1.2.4", "no");
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", NULL, "0.0.1", "fixed:1.2.3");
    EXPECT("npm", "ECOSYSTEM: i=1.0.0 f=1.2.3", NULL, "0.9.0", "no");
    EXPECT("npm", "ECOSYSTEM: i=1.0.0 f=1.2.3", NULL, "1.0.0", "fixed:1.2.3");
    /* a prerelease of the fixed version is still below it */
    EXPECT("npm", "SEMVER: i=0 f=2.0.0", NULL, "2.0.0-rc.1", "fixed:2.0.0");
    cg_arena_free(&a);
}

static void test_unordered_events_and_intervals(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    /* events in no particular order, two intervals in one range */
    const char *r = "ECOSYSTEM: f=2.5.0 i=2.0.0 f=1.5.0 i=0";
    EXPECT("npm", r, NULL, "1.2.0", "fixed:1.5.0");
    EXPECT("npm", r, NULL, "1.5.0", "no");
    EXPECT("npm", r, NULL, "1.7.0", "no");
    EXPECT("npm", r, NULL, "2.0.0", "fixed:2.5.0");
    EXPECT("npm", r, NULL, "2.4.9", "fixed:2.5.0");
    EXPECT("npm", r, NULL, "3.0.0", "no");
    /* two ranges */
    const char *two = "ECOSYSTEM: i=0 f=1.5.0; ECOSYSTEM: i=2.0.0 f=2.5.0";
    EXPECT("npm", two, NULL, "2.2.0", "fixed:2.5.0");
    EXPECT("npm", two, NULL, "1.7.0", "no");
    /* lowest fixed above the installed one, whichever range it comes from */
    EXPECT("npm", "ECOSYSTEM: i=0 f=3.0.0; ECOSYSTEM: i=0 f=2.0.0", NULL, "1.0.0", "fixed:2.0.0");
    EXPECT("npm", "ECOSYSTEM: i=0 f=3.0.0; ECOSYSTEM: i=0 f=2.0.0", NULL, "2.1.0", "fixed:3.0.0");
    cg_arena_free(&a);
}

static void test_last_affected_limit_versions(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    EXPECT("PyPI", "ECOSYSTEM: i=1.0 la=1.4", NULL, "1.4", "affected");
    EXPECT("PyPI", "ECOSYSTEM: i=1.0 la=1.4", NULL, "1.4.0", "affected"); /* PEP 440: 1.4 == 1.4.0 */
    EXPECT("PyPI", "ECOSYSTEM: i=1.0 la=1.4", NULL, "1.4.post1", "no");
    EXPECT("PyPI", "ECOSYSTEM: i=1.0 la=1.4", NULL, "0.9", "no");
    EXPECT("npm", "ECOSYSTEM: i=0 l=2.0.0", NULL, "1.9.9", "affected");
    EXPECT("npm", "ECOSYSTEM: i=0 l=2.0.0", NULL, "2.0.0", "no");
    EXPECT("npm", "ECOSYSTEM: i=0 l=*", NULL, "9.0.0", "affected");
    /* versions lists, alone and with ranges */
    EXPECT("PyPI", NULL, "1.0.1 1.0.3", "1.0.1", "affected");
    EXPECT("PyPI", NULL, "1.0.1 1.0.3", "1.0.2", "no");
    EXPECT("Maven", NULL, "1.0", "1.0.0", "affected"); /* equal in Maven's order */
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.0.0", "1.5.0", "1.5.0", "affected");
    cg_arena_free(&a);
}

static void test_schemes(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    /* dpkg: epochs and tildes */
    EXPECT("Debian:12", "ECOSYSTEM: i=0 f=1:2.0~rc1", NULL, "1:1.9", "fixed:1:2.0~rc1");
    EXPECT("Debian:12", "ECOSYSTEM: i=0 f=1:2.0~rc1", NULL, "2.0", "fixed:1:2.0~rc1");
    EXPECT("Debian:12", "ECOSYSTEM: i=0 f=1:2.0~rc1", NULL, "1:2.0", "no");
    EXPECT("Debian:12", "ECOSYSTEM: i=0 f=5.36.0-7+deb12u4", NULL, "5.36.0-7+deb12u3", "fixed:5.36.0-7+deb12u4");
    /* apk */
    EXPECT("Alpine:v3.19", "ECOSYSTEM: i=0 f=1.1.1d-r0", NULL, "1.1.1c-r0", "fixed:1.1.1d-r0");
    EXPECT("Alpine:v3.19", "ECOSYSTEM: i=0 f=1.1.1d-r0", NULL, "1.1.1d-r1", "no");
    /* Go: OSV records omit the "v", module versions carry it */
    EXPECT("Go", "SEMVER: i=0 f=1.19.10 i=1.20.0-0 f=1.20.5", NULL, "1.20.4", "fixed:1.20.5");
    EXPECT("Go", "SEMVER: i=0 f=1.19.10 i=1.20.0-0 f=1.20.5", NULL, "v1.20.4", "fixed:1.20.5");
    EXPECT("Go", "SEMVER: i=0 f=1.19.10 i=1.20.0-0 f=1.20.5", NULL, "1.20.5", "no");
    EXPECT("Go", "SEMVER: i=0 f=0.0.0-20220412211240-33da011f77ad", NULL, "v0.0.0-20210101000000-aaaaaaaaaaaa",
           "fixed:0.0.0-20220412211240-33da011f77ad");
    EXPECT("Go", "SEMVER: i=0 f=0.0.0-20220412211240-33da011f77ad", NULL, "v0.5.0", "no");
    /* Maven qualifiers */
    EXPECT("Maven", "ECOSYSTEM: i=1.5 f=1.10.0", NULL, "1.9", "fixed:1.10.0");
    EXPECT("Maven", "ECOSYSTEM: i=1.5 f=1.10.0", NULL, "1.10.0-RC1", "fixed:1.10.0");
    EXPECT("Maven", "ECOSYSTEM: i=1.5 f=1.10.0", NULL, "1.4", "no");
    /* RubyGems, NuGet, Packagist, crates.io */
    EXPECT("RubyGems", "ECOSYSTEM: i=6.0.0 f=6.0.3.1", NULL, "6.0.2.1", "fixed:6.0.3.1");
    EXPECT("NuGet", "ECOSYSTEM: i=0 f=4.3.1", NULL, "4.3.0.1", "fixed:4.3.1");
    EXPECT("Packagist", "ECOSYSTEM: i=0 f=5.4.2", NULL, "v5.4.1", "fixed:5.4.2");
    EXPECT("crates.io", "SEMVER: i=0 f=0.9.5", NULL, "0.9.4", "fixed:0.9.5");
    cg_arena_free(&a);
}

static void test_never_silently_safe(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    /* an installed version the ecosystem cannot parse */
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", NULL, "not-a-version", "unknown");
    EXPECT("Go", "SEMVER: i=0 f=1.2.3", NULL, "(devel)", "unknown");
    EXPECT("Debian:12", "ECOSYSTEM: i=0 f=1.0-1", NULL, "", "unknown");
    /* ...but an exact entry of a versions list still decides */
    EXPECT("npm", "ECOSYSTEM: i=0 f=1.2.3", "not-a-version", "not-a-version", "affected");
    /* a range version the scheme cannot parse */
    EXPECT("npm", "ECOSYSTEM: i=0 f=banana", NULL, "1.0.0", "unknown");
    /* an unknown range type */
    EXPECT("npm", "WEIRD: i=0 f=1.0.0", NULL, "0.5.0", "unknown");
    /* an ecosystem without a version order */
    EXPECT("Hex", "ECOSYSTEM: i=0 f=1.0.0", NULL, "0.5.0", "unknown");
    /* a record naming the package without any range or version list */
    EXPECT("npm", NULL, NULL, "0.5.0", "affected");
    /* GIT ranges are ignored (with a note), not taken as affecting */
    EXPECT("npm", "GIT: i=abc f=def", NULL, "0.5.0", "no");
    /* a range without "introduced" starts at 0 */
    EXPECT("npm", "ECOSYSTEM: f=1.0.0", NULL, "0.5.0", "fixed:1.0.0");
    /* one decidable range that affects wins over an undecidable one */
    EXPECT("npm", "ECOSYSTEM: i=0 f=banana; ECOSYSTEM: i=0 f=2.0.0", NULL, "1.0.0", "fixed:2.0.0");

    cg_vdb_advisory adv = mk(&a, "npm", "GIT: i=abc f=def", NULL);
    cg_match_result m;
    assert_int_equal(cg_match_eval(&adv, "npm", "1.0.0", &a, &m), 0);
    assert_true(m.git_ignored);
    assert_non_null(strstr(m.note, "GIT ranges were ignored"));
    adv = mk(&a, "npm", "ECOSYSTEM: i=0 f=1.2.3", NULL);
    assert_int_equal(cg_match_eval(&adv, "npm", "x.y", &a, &m), 0);
    assert_int_equal(m.status, CG_FIND_UNKNOWN);
    assert_non_null(strstr(m.note, "\"x.y\" is not a valid semver version"));
    /* too many events: not evaluated, unknown */
    adv = mk(&a, "npm", "ECOSYSTEM: i=0", NULL);
    adv.affected[0].ranges[0].n_events = 5000;
    adv.affected[0].ranges[0].events = cg_arena_calloc(&a, 5000, sizeof(cg_vdb_event));
    for (size_t i = 0; i < 5000; i++)
        adv.affected[0].ranges[0].events[i].introduced = "0";
    assert_int_equal(cg_match_eval(&adv, "npm", "1.0.0", &a, &m), 0);
    assert_int_equal(m.status, CG_FIND_UNKNOWN);
    /* entries of another ecosystem are not used */
    adv = mk(&a, "PyPI", "ECOSYSTEM: i=0 f=2.0", NULL);
    assert_int_equal(cg_match_eval(&adv, "npm", "1.0.0", &a, &m), 0);
    assert_false(m.affected);
    cg_arena_free(&a);
}

/* ---- ecosystems and names ------------------------------------------------ */

static const char *key_of(cg_arena *a, const char *distro, const char *vid, cg_package *p)
{
    cg_sbom s;
    memset(&s, 0, sizeof s);
    cg_distro d = {0};
    d.id = distro;
    d.version_id = vid;
    s.distro = distro ? &d : NULL;
    cg_match_key k;
    assert_int_equal(cg_match_key_for(&s, p, a, &k), 0);
    if (k.owned)
        return "owned";
    if (!k.n_ecos)
        return cg_arena_sprintf(a, "skip:%s", k.skip);
    return cg_arena_sprintf(a, "%s%s%s|%s|%s", k.ecos[0], k.n_ecos > 1 ? "+" : "", k.n_ecos > 1 ? k.ecos[1] : "",
                            k.name, k.version);
}

static void test_ecosystems(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_package apt = {.type = "deb", .name = "libapt-pkg6.0", .version = "2.6.1", .source_name = "apt"};
    assert_string_equal(key_of(&a, "debian", "12", &apt), "Debian:12|apt|2.6.1");
    assert_string_equal(key_of(&a, "debian", "12.5", &apt), "Debian:12|apt|2.6.1");
    cg_package bin = {.type = "deb", .name = "libc6", .version = "2.36-9+deb12u4+b1", .source_name = "glibc",
                      .source_version = "2.36-9+deb12u4"};
    assert_string_equal(key_of(&a, "debian", "12", &bin), "Debian:12|glibc|2.36-9+deb12u4");
    assert_string_equal(key_of(&a, "ubuntu", "22.04", &apt), "Ubuntu:22.04:LTS|apt|2.6.1");
    assert_string_equal(key_of(&a, "ubuntu", "23.10", &apt), "Ubuntu:23.10|apt|2.6.1");
    assert_string_equal(key_of(&a, "ubuntu", "23.04", &apt), "Ubuntu:23.04|apt|2.6.1");
    cg_package ssl = {.type = "apk", .name = "libcrypto3", .version = "3.1.4-r1", .source_name = "openssl"};
    assert_string_equal(key_of(&a, "alpine", "3.19.1", &ssl), "Alpine:v3.19|openssl|3.1.4-r1");
    assert_string_equal(key_of(&a, "wolfi", "20230201", &ssl), "Wolfi|openssl|3.1.4-r1");
    cg_package rpm = {.type = "rpm", .name = "openssl-libs", .version = "1:3.0.7-24.el9", .source_name = "openssl"};
    assert_string_equal(key_of(&a, "rocky", "9.3", &rpm), "Rocky Linux:9|openssl|1:3.0.7-24.el9");
    assert_string_equal(key_of(&a, "almalinux", "8.5", &rpm), "AlmaLinux:8|openssl|1:3.0.7-24.el9");
    assert_string_equal(key_of(&a, "rhel", "9.2", &rpm),
                        "Red Hat:enterprise_linux:9::baseos+Red Hat:enterprise_linux:9::appstream|openssl|1:3.0.7-24.el9");
    /* no distro, or one without a release: not matched, and said so */
    assert_string_equal(key_of(&a, NULL, NULL, &apt), "skip:no os-release in the image: OS packages were not matched");
    assert_non_null(strstr(key_of(&a, "debian", NULL, &apt), "no usable VERSION_ID"));
    assert_non_null(strstr(key_of(&a, "plan9", "4", &apt), "no advisory ecosystem is known for distro \"plan9\""));

    cg_package npm = {.type = "npm", .namespace_ = "@babel", .name = "core", .version = "7.0.0"};
    assert_string_equal(key_of(&a, "debian", "12", &npm), "npm|@babel/core|7.0.0");
    cg_package mvn = {.type = "maven", .namespace_ = "org.apache.commons", .name = "commons-text", .version = "1.9"};
    assert_string_equal(key_of(&a, NULL, NULL, &mvn), "Maven|org.apache.commons:commons-text|1.9");
    cg_package go = {.type = "golang", .namespace_ = "golang.org/x", .name = "sys", .version = "v0.5.0"};
    assert_string_equal(key_of(&a, NULL, NULL, &go), "Go|golang.org/x/sys|v0.5.0");
    cg_package std = {.type = "golang", .name = "stdlib", .version = "1.20.4"};
    assert_string_equal(key_of(&a, NULL, NULL, &std), "Go|stdlib|1.20.4");
    cg_package py = {.type = "pypi", .name = "PyYAML", .version = "5.3"};
    assert_string_equal(key_of(&a, NULL, NULL, &py), "PyPI|PyYAML|5.3");
    cg_package crate = {.type = "cargo", .name = "smallvec", .version = "1.6.0"};
    assert_string_equal(key_of(&a, NULL, NULL, &crate), "crates.io|smallvec|1.6.0");
    /* a language package an OS package installed is left to the OS package */
    cg_package owned = {.type = "golang", .name = "stdlib", .version = "1.19.8", .owned_by = "umoci",
                        .owned_by_type = "deb"};
    assert_string_equal(key_of(&a, "debian", "12", &owned), "owned");
    cg_package odd = {.type = "alpm", .name = "x", .version = "1"};
    assert_non_null(strstr(key_of(&a, NULL, NULL, &odd), "type \"alpm\" have no advisory ecosystem"));
    cg_arena_free(&a);
}

/* ---- real labelled sets ---------------------------------------------------- */

/* Findings of (eco, name, version) against db, as "name\tversion\tid\tfixed" lines. */
static void match_lines(fx_db *db, cg_arena *a, const char *eco, const char *name, const char *version,
                        cg_buf *out)
{
    cg_vdb_advisory *adv;
    size_t n;
    cg_scan_source src = fx_source(db);
    assert_int_equal(src.lookup(src.ud, eco, name, a, &adv, &n, NULL), CG_OK);
    for (size_t i = 0; i < n; i++) {
        cg_match_result m;
        assert_int_equal(cg_match_eval(&adv[i], eco, version, a, &m), 0);
        if (m.affected)
            assert_int_equal(cg_buf_printf(out, "%s\t%s\t%s\t%s\n", name, version, adv[i].id,
                                           m.status == CG_FIND_UNKNOWN ? "UNKNOWN" : m.fixed ? m.fixed : ""),
                             CG_OK);
    }
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the lines of buf in place (returns a new malloc'd string). */
static char *sorted_lines(const char *text)
{
    char *copy = strdup(text), *save = NULL;
    char **lines = calloc(4096, sizeof *lines);
    size_t n = 0;
    for (char *l = strtok_r(copy, "\n", &save); l && n < 4096; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    qsort(lines, n, sizeof *lines, line_cmp);
    cg_buf b = CG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        (void)cg_buf_printf(&b, "%s\n", lines[i]);
    free(lines);
    free(copy);
    char *r = b.data ? b.data : strdup("");
    return r;
}

static void test_node_app_against_npm_semver(void **state)
{
    (void)state;
    fx_db *db = fx_new();
    assert_int_equal(fx_load_dir(db, fx_data("scan/osv/ghsa-node-app")), 54);
    /* the installed packages: every "node_modules/NAME" entry of the lockfile */
    char lock[4096];
    snprintf(lock, sizeof lock, "%s/../lab/node-app/package-lock.json", getenv("CG_TEST_DATA"));
    json_error_t je;
    json_t *lj = json_load_file(lock, 0, &je);
    assert_non_null(lj);
    cg_arena a;
    cg_arena_init(&a);
    cg_buf got = CG_BUF_INIT;
    const char *key;
    json_t *val;
    size_t npk = 0;
    json_object_foreach(json_object_get(lj, "packages"), key, val) {
        const char *name = NULL;
        for (const char *p = strstr(key, "node_modules/"); p; p = strstr(p + 1, "node_modules/"))
            name = p + strlen("node_modules/");
        if (!name)
            continue;
        const char *ver = json_string_value(json_object_get(val, "version"));
        assert_non_null(ver);
        match_lines(db, &a, "npm", name, ver, &got);
        npk++;
    }
    assert_true(npk > 20);
    /* expected-matches.tsv: name, installed_version, ghsa_id, aliases, fixed_version */
    FILE *f = fopen(fx_data("scan/osv/ghsa-node-app/expected-matches.tsv"), "r");
    assert_non_null(f);
    char line[1024];
    cg_buf want = CG_BUF_INIT;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char *c[5], *save = NULL;
        line[strcspn(line, "\n")] = 0;
        c[0] = strtok_r(line, "\t", &save);
        for (int i = 1; i < 5; i++)
            c[i] = strtok_r(NULL, "\t", &save);
        assert_non_null(c[4]);
        cg_buf_printf(&want, "%s\t%s\t%s\t%s\n", c[0], c[1], c[2], c[4]);
    }
    fclose(f);
    char *w = sorted_lines(cg_buf_str(&want)), *g = sorted_lines(cg_buf_str(&got));
    if (strcmp(w, g) != 0)
        fail_msg("node-app matches differ\n--- want (npm semver)\n%s--- got\n%s", w, g);
    free(w);
    free(g);
    cg_buf_free(&want);
    cg_buf_free(&got);
    json_decref(lj);
    cg_arena_free(&a);
    fx_free(db);
}

static void test_debian_bookworm_labels(void **state)
{
    (void)state;
    fx_db *db = fx_new();
    assert_int_equal(fx_load_dir(db, fx_data("scan/debian/bookworm-labels-img-debian/osv")), 28);
    FILE *f = fopen(fx_data("scan/debian/bookworm-labels-img-debian/expected.tsv"), "r");
    assert_non_null(f);
    char line[1024];
    cg_arena a;
    cg_arena_init(&a);
    size_t rows = 0, affected = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        /* source, binaries, installed_version, record_id, expected, fixed_version */
        char *c[6], *save = NULL;
        line[strcspn(line, "\n")] = 0;
        c[0] = strtok_r(line, "\t", &save);
        for (int i = 1; i < 6; i++)
            c[i] = strtok_r(NULL, "\t", &save);
        assert_non_null(c[5]);
        cg_package p = {.type = "deb", .name = "bin", .version = c[2], .source_name = c[0]};
        cg_sbom s;
        memset(&s, 0, sizeof s);
        cg_distro d = {.id = "debian", .version_id = "12"};
        s.distro = &d;
        cg_match_key k;
        assert_int_equal(cg_match_key_for(&s, &p, &a, &k), 0);
        cg_buf out = CG_BUF_INIT;
        match_lines(db, &a, k.ecos[0], k.name, k.version, &out);
        char want[512];
        snprintf(want, sizeof want, "%s\t%s\t%s\t%s\n", c[0], c[2], c[3], c[5]);
        int found = strstr(cg_buf_str(&out), want) != NULL;
        if (!strcmp(c[4], "affected")) {
            affected++;
            if (!found)
                fail_msg("%s %s: %s should be affected, fixed %s; got:\n%s", c[0], c[2], c[3], c[5], cg_buf_str(&out));
        } else {
            char idtab[128];
            snprintf(idtab, sizeof idtab, "\t%s\t", c[3]);
            if (strstr(cg_buf_str(&out), idtab))
                fail_msg("%s %s: %s is labelled not affected; got:\n%s", c[0], c[2], c[3], cg_buf_str(&out));
        }
        cg_buf_free(&out);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 28);
    assert_int_equal(affected, 15);
    cg_arena_free(&a);
    fx_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_interval),
        cmocka_unit_test(test_unordered_events_and_intervals),
        cmocka_unit_test(test_last_affected_limit_versions),
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_never_silently_safe),
        cmocka_unit_test(test_ecosystems),
        cmocka_unit_test(test_node_app_against_npm_semver),
        cmocka_unit_test(test_debian_bookworm_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
