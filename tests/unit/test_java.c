/*
 * test_java.c - the Java archive cataloger and its zip reader on the jars in
 * tests/data/java/jars (built by make-jars.py from Syft's fixtures and
 * synthetic cases): exact package sets per archive, metadata sources, shaded
 * jars, nested wars, depth/ratio/size caps, zip-slip names, corrupt and
 * non-zip input, zip64 and prefixed archives, memory and spilled (fd) input,
 * and links to one archive reported once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cat_test.h"
#include "catalog/catalog.h"
#include "catalog/zip.h"

extern const cg_cataloger cg_cataloger_java;

static blob load(const char *rel)
{
    return cat_load("java/jars", rel);
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every package as "group:name@version source[ shaded][ in ARCHIVE-PATH]",
 * sorted, one per line. */
static char *summary(fx *x)
{
    size_t n = cg_cat_n_packages(x->ctx);
    char **lines = calloc(n + 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        const cg_package *p = cg_cat_package(x->ctx, i);
        assert_string_equal(p->type, "maven");
        assert_string_equal(p->cataloger, "java");
        const char *ap = cat_prop(p, "cgate:java:archive-path"), *sh = cat_prop(p, "cgate:java:shaded");
        lines[i] = cg_arena_sprintf(&x->a, "%s:%s@%s %s%s%s%s\n", p->namespace_ ? p->namespace_ : "-", p->name,
                                    p->version ? p->version : "-", cat_prop(p, "cgate:java:metadata-source"),
                                    sh ? " shaded" : "", ap ? " in " : "", ap ? ap : "");
        total += strlen(lines[i]);
    }
    qsort(lines, n, sizeof *lines, str_cmp);
    char *s = cg_arena_alloc(&x->a, total);
    s[0] = 0;
    for (size_t i = 0; i < n; i++)
        strcat(s, lines[i]);
    free(lines);
    return s;
}

static char *warnings(fx *x)
{
    size_t total = 1;
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        total += strlen(cg_cat_warning(x->ctx, i)) + 1;
    char *s = cg_arena_alloc(&x->a, total);
    s[0] = 0;
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++) {
        strcat(s, cg_cat_warning(x->ctx, i));
        strcat(s, "\n");
    }
    return s;
}

/* Catalog jar `name` (from the data dir) at image path `path`. */
static void run_at(fx *x, const char *name, const char *path)
{
    blob b = load(name);
    cg_cat_file f = {path, 0, b.data, b.len, -1, 0644};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_java, &f, 1, &x->err), CG_OK);
    free(b.data);
}

static void run(fx *x, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "app/%s", name);
    run_at(x, name, path);
}

static void expect(fx *x, const char *name, const char *want)
{
    run(x, name);
    char *got = summary(x);
    if (strcmp(got, want))
        fail_msg("%s:\n--- want\n%s--- got\n%s--- warnings\n%s", name, want, got, warnings(x));
}

static void expect_warning(fx *x, const char *needle)
{
    char *w = warnings(x);
    if (!strstr(w, needle))
        fail_msg("no warning containing \"%s\"; warnings:\n%s", needle, w);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
    static const char *const yes[] = {"usr/share/java/commons-io.jar", "a.war", "x/y.EAR", "p.par", "j/k.hpi",
                                      "j/k.jpi", "B.JAR"};
    static const char *const no[] = {"jar", ".jar", "a/.jar", "a.jar.sha1", "a.zip", "a/jar", "ajar", "x.class"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        assert_true(cg_cataloger_java.wants(yes[i], strlen(yes[i]), &w));
        assert_true(w.spill);
        assert_false(w.essential);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (cg_cataloger_java.wants(no[i], strlen(no[i]), &w))
            fail_msg("wants %s", no[i]);
}

static void test_pom_single(void **state)
{
    fx *x = *state;
    expect(x, "opensaml-core-3.4.6.jar", "org.opensaml:opensaml-core@3.4.6 pom.properties\n");
    const cg_package *p = cg_cat_package(x->ctx, 0);
    assert_string_equal(cat_prop(p, "cgate:java:pom-properties"), "META-INF/maven/org.opensaml/opensaml-core/pom.properties");
    assert_string_equal(p->locations[0].path, "/app/opensaml-core-3.4.6.jar");
    const char *sha1 = cat_prop(p, "cgate:java:sha1");
    assert_non_null(sha1);
    assert_int_equal(strlen(sha1), 40);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_shaded(void **state)
{
    fx *x = *state;
    expect(x, "shaded-app-1.0.jar",
           "com.example:shaded-app@1.0 pom.properties\n"
           "com.google.guava:guava@31.1-jre pom.properties shaded\n"
           "org.slf4j:slf4j-api@2.0.7 pom.properties shaded\n");
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++) {
        const cg_package *p = cg_cat_package(x->ctx, i);
        if (!strcmp(p->name, "shaded-app")) { /* the jar's own: licence and vendor from the manifest */
            assert_int_equal(p->n_licenses, 1);
            assert_string_equal(p->licenses[0].value, "Apache-2.0");
            assert_true(p->licenses[0].is_spdx);
            assert_string_equal(p->supplier, "Example Corp");
        } else {
            assert_int_equal(p->n_licenses, 0);
        }
    }
}

static void test_shaded_syft_fixtures(void **state)
{
    fx *x = *state;
    /* the file-name part "api-all" picks the own artifact */
    expect(x, "api-all-2.0.0-sources.jar",
           "org.apache.directory.api:api-all@2.0.0 pom.properties\n"
           "org.apache.directory.api:api-asn1-api@2.0.0 pom.properties shaded\n");
}

static void test_several_poms_no_match(void **state)
{
    fx *x = *state;
    /* no artifactId matches the file name: all reported, none marked, nothing invented */
    expect(x, "multiple-matching-2.11.5.jar",
           "org.multiple:multiple-matching-1@2.11.5 pom.properties\n"
           "org.multiple:multiple-matching-2@2.11.5 pom.properties\n"
           "org.multiple:multiple-matching-3@2.11.5 pom.properties\n");
}

static void test_same_artifact_two_groups(void **state)
{
    fx *x = *state;
    expect(x, "org.multiple-thename.jar",
           "com.multiple:thename@10.11.12 pom.properties\n"
           "org.multiple:thename@10.11.12 pom.properties\n");
}

static void test_manifest(void **state)
{
    fx *x = *state;
    /* name from the file name, version from the manifest, group from Implementation-Vendor-Id,
     * licence URL mapped to its SPDX id */
    expect(x, "jackson-core-2.15.2.jar", "com.fasterxml.jackson.core:jackson-core@2.15.2 MANIFEST.MF\n");
    const cg_package *p = cg_cat_package(x->ctx, 0);
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "Apache-2.0");
    assert_string_equal(p->supplier, "FasterXML");
}

static void test_manifest_continuations(void **state)
{
    fx *x = *state;
    /* continuation lines joined; main-section Bundle-Version wins over a named
     * section's Implementation-Version; quoted Bundle-License with attributes */
    expect(x, "mf-only.jar", "org.example.very.long.bundle.symbolic.name.that.wraps:mf-only@4.5.6.v2024 MANIFEST.MF\n");
    const cg_package *p = cg_cat_package(x->ctx, 0);
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "Eclipse Public License - v 2.0");
}

static void test_manifest_micronaut(void **state)
{
    fx *x = *state;
    expect(x, "micronaut-aop-4.9.11.jar", "-:micronaut-aop@4.9.11 MANIFEST.MF\n");
}

static void test_jenkins_plugin(void **state)
{
    fx *x = *state;
    expect(x, "gradle.hpi", "org.jenkins-ci.plugins:gradle@2.11 MANIFEST.MF\n");
}

static void test_filename_fallback(void **state)
{
    fx *x = *state;
    expect(x, "commons-text-1.9.jar", "-:commons-text@1.9 filename\n");
}

static void test_filename_fallback_syft(void **state)
{
    fx *x = *state;
    expect(x, "commons-lang3-3.12.0.jar", "-:commons-lang3@3.12.0 filename\n");
}

static void test_war(void **state)
{
    fx *x = *state;
    expect(x, "webapp.war",
           "-:commons-text@1.9 filename in /app/webapp.war!/WEB-INF/lib/commons-text-1.9.jar\n"
           "-:webapp@7.0 MANIFEST.MF\n"
           "org.example:lib-a@2.0 pom.properties in /app/webapp.war!/WEB-INF/lib/lib-a-2.0.jar\n"
           "org.example:lib-b@3.1 pom.properties in /app/webapp.war!/WEB-INF/lib/lib-b-3.1.jar\n");
    /* nested packages are located at the outer file (so OS ownership applies) */
    for (size_t i = 0; i < cg_cat_n_packages(x->ctx); i++)
        assert_string_equal(cg_cat_package(x->ctx, i)->locations[0].path, "/app/webapp.war");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_depth_cap(void **state)
{
    fx *x = *state;
    expect(x, "d0-0.0.jar",
           "org.nest:d0@0.0 pom.properties\n"
           "org.nest:d1@1.0 pom.properties in /app/d0-0.0.jar!/lib/d1-1.0.jar\n"
           "org.nest:d2@2.0 pom.properties in /app/d0-0.0.jar!/lib/d1-1.0.jar!/lib/d2-2.0.jar\n"
           "org.nest:d3@3.0 pom.properties in /app/d0-0.0.jar!/lib/d1-1.0.jar!/lib/d2-2.0.jar!/lib/d3-3.0.jar\n"
           "org.nest:d4@4.0 pom.properties in "
           "/app/d0-0.0.jar!/lib/d1-1.0.jar!/lib/d2-2.0.jar!/lib/d3-3.0.jar!/lib/d4-4.0.jar\n");
    expect_warning(x, "/app/d0-0.0.jar!/lib/d1-1.0.jar!/lib/d2-2.0.jar!/lib/d3-3.0.jar!/lib/d4-4.0.jar: 1 nested "
                      "archive(s) more than 4 levels deep, not opened");
}

static void test_bomb(void **state)
{
    fx *x = *state;
    expect(x, "bomb-1.0.jar", "org.bomb:bomb@1.0 pom.properties\n");
    expect_warning(x, "/app/bomb-1.0.jar: entry META-INF/MANIFEST.MF: compression ratio");
    expect_warning(x, "/app/bomb-1.0.jar!/lib/zeros-1.0.jar: compression ratio");
    expect_warning(x, "(zip bomb?)");
}

static void test_slip(void **state)
{
    fx *x = *state;
    expect(x, "slip-1.0.jar", "org.slip:slip@1.0 pom.properties\n");
    expect_warning(x, "/app/slip-1.0.jar: 2 entry name(s) escape the archive (e.g. \"../../etc/evil.jar\"), skipped");
}

static void test_bad_archives(void **state)
{
    fx *x = *state;
    expect(x, "notzip-1.0.jar", "");
    expect_warning(x, "/app/notzip-1.0.jar: not a zip archive");
    expect(x, "truncated-1.0.jar", "");
    expect_warning(x, "/app/truncated-1.0.jar: truncated or corrupt zip archive");
    expect(x, "corrupt-1.0.jar", "org.good:good@2.0 pom.properties\n");
    expect_warning(x, "/app/corrupt-1.0.jar: entry META-INF/maven/org.bad/bad/pom.properties: corrupt deflate data");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 3);
}

static void test_zip64_and_prefix(void **state)
{
    fx *x = *state;
    expect(x, "z64-6.4.jar", "org.z64:z64@6.4 pom.properties\n");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_prefixed(void **state)
{
    fx *x = *state;
    expect(x, "launcher-1.0.jar", "org.launch:launcher@1.0 pom.properties\n");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

/* The spill path: data == NULL, read through the fd. */
static void test_fd_input(void **state)
{
    fx *x = *state;
    blob b = load("webapp.war");
    FILE *t = tmpfile();
    assert_non_null(t);
    assert_int_equal(fwrite(b.data, 1, b.len, t), b.len);
    fflush(t);
    cg_cat_file f = {"srv/webapp.war", 0, NULL, b.len, fileno(t), 0644};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_java, &f, 1, &x->err), CG_OK);
    fclose(t);
    free(b.data);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

/* Links (nodes sharing the target's result) report the archive once, at its own path. */
static void test_links_once(void **state)
{
    fx *x = *state;
    blob b = load("opensaml-core-3.4.6.jar");
    cg_cat_file f = {"usr/share/java/opensaml-core.jar", 2, b.data, b.len, -1, 0644};
    void *res = NULL;
    assert_int_equal(cg_cataloger_java.parse(x->ctx, &f, &res, &x->err), CG_OK);
    free(b.data);
    assert_non_null(res);
    cg_cat_node lower = {"usr/share/java/opensaml-core.jar", 1, res, NULL}; /* same bytes below */
    cg_cat_node n1 = {"usr/share/java/opensaml-core-3.4.6.jar", 2, res, &lower};
    cg_cat_node n2 = {"usr/share/java/opensaml-core.jar", 2, res, &lower};
    cg_cat_node n3 = {"usr/share/maven-repo/org/opensaml/opensaml-core/3.4.6/opensaml-core-3.4.6.jar", 2, res, &lower};
    const cg_cat_node *nodes[] = {&n1, &n2, &n3};
    assert_int_equal(cg_cataloger_java.finish(x->ctx, nodes, 3, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    const cg_package *p = cg_cat_package(x->ctx, 0);
    assert_string_equal(p->locations[0].path, "/usr/share/java/opensaml-core.jar");
    assert_int_equal(p->layer, 1); /* introduced by the lower layer */
}

/* The zip reader's caps directly: per-entry cap, shared budget, lying sizes. */
static void test_zip_caps(void **state)
{
    (void)state;
    blob b = load("shaded-app-1.0.jar");
    cg_zsrc src = {b.data, -1, 0, b.len};
    cg_zip z;
    char why[256];
    assert_int_equal(cg_zip_open(&z, &src, why, sizeof why), CG_ZIP_OK);
    cg_zip_entry e;
    int r, n = 0;
    uint64_t budget = 10;
    while ((r = cg_zip_next(&z, &e, why, sizeof why)) == 1) {
        n++;
        uint8_t *out = NULL;
        size_t len = 0;
        cg_zip_caps caps = {.max_out = 1 << 20, .budget = &budget, .max_ratio = 100, .ratio_floor = 0};
        int rc = cg_zip_extract(&z, &e, &caps, &out, &len, why, sizeof why);
        assert_int_equal(rc, CG_ZIP_LIMIT); /* every entry is more than 10 bytes */
        assert_null(out);
        /* the per-entry cap */
        caps = (cg_zip_caps){.max_out = 4};
        rc = cg_zip_extract(&z, &e, &caps, &out, &len, why, sizeof why);
        assert_int_equal(rc, CG_ZIP_LIMIT);
        assert_non_null(strstr(why, "-byte cap"));
        /* declared size smaller than the real one: the inflater stops and says so */
        cg_zip_entry lie = e;
        lie.usize = 3;
        caps = (cg_zip_caps){.max_out = 1 << 20};
        rc = cg_zip_extract(&z, &lie, &caps, &out, &len, why, sizeof why);
        assert_int_equal(rc, CG_ZIP_BAD);
        assert_non_null(strstr(why, "more than its declared"));
        /* a local header offset past the end */
        lie = e;
        lie.lho = b.len - 5;
        rc = cg_zip_extract(&z, &lie, &caps, &out, &len, why, sizeof why);
        assert_int_equal(rc, CG_ZIP_BAD);
    }
    assert_int_equal(r, 0);
    assert_int_equal(n, 5);
    cg_zip_close(&z);
    /* every prefix of a zip: open/iterate/extract never crash (ASan checks reads) */
    for (size_t cut = 0; cut < b.len; cut += 7) {
        cg_zsrc s2 = {b.data, -1, 0, cut};
        if (cg_zip_open(&z, &s2, why, sizeof why) == CG_ZIP_OK) {
            while (cg_zip_next(&z, &e, why, sizeof why) == 1) {
                uint8_t *out = NULL;
                size_t len = 0;
                cg_zip_caps caps = {.max_out = 1 << 20};
                if (cg_zip_extract(&z, &e, &caps, &out, &len, why, sizeof why) == CG_ZIP_OK)
                    free(out);
            }
        }
        cg_zip_close(&z);
    }
    free(b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_pom_single, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_shaded, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_shaded_syft_fixtures, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_several_poms_no_match, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_same_artifact_two_groups, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_manifest, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_manifest_continuations, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_manifest_micronaut, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_jenkins_plugin, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_filename_fallback, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_filename_fallback_syft, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_war, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_depth_cap, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_bomb, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_slip, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_bad_archives, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_zip64_and_prefix, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_prefixed, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_fd_input, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_links_once, cat_setup, cat_teardown),
        cmocka_unit_test(test_zip_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
