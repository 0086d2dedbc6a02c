/*
 * test_purl.c - package-url strings: percent-encoding as the purl-spec core
 * text and its type test suites (deb, apk, oci) define, sorted qualifiers,
 * distro= from os-release, and the image purl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/purl.h"
#include "sbom/image_purl.h"

static void test_deb(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_distro d = {.id = "debian", .version_id = "12", .version_codename = "bookworm"};
    cg_package p = {.type = "deb", .namespace_ = "debian", .name = "libc6",
                    .version = "2.36-9+deb12u4", .arch = "amd64"};
    assert_string_equal(cg_purl_for_package(&a, &p, &d),
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
    /* epoch: the colon stays literal (spec: colon MUST NOT be percent-encoded) */
    p.name = "attr";
    p.version = "1:2.4.47-2+b1";
    assert_string_equal(cg_purl_for_package(&a, &p, NULL),
                        "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
    /* the spec's own deb build test */
    p.name = "curl";
    p.version = "7.50.3-1";
    p.arch = "i386";
    cg_distro jessie = {.id = "debian", .version_codename = "jessie"};
    assert_string_equal(cg_purl_for_package(&a, &p, &jessie),
                        "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie");
    /* unknown distro version and codename: no distro qualifier */
    cg_distro bare = {.id = "debian"};
    p.arch = NULL;
    assert_string_equal(cg_purl_for_package(&a, &p, &bare), "pkg:deb/debian/curl@7.50.3-1");
    cg_arena_free(&a);
}

static void test_apk(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_distro d = {.id = "alpine", .version_id = "3.19.1"};
    cg_package p = {.type = "apk", .namespace_ = "alpine", .name = "musl",
                    .version = "1.2.4_git20230717-r4", .arch = "x86_64"};
    assert_string_equal(cg_purl_for_package(&a, &p, &d),
                        "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1");
    p.name = "libstdc++";
    p.version = "13.2.1_git20231014-r0";
    assert_string_equal(cg_purl_for_package(&a, &p, NULL),
                        "pkg:apk/alpine/libstdc%2B%2B@13.2.1_git20231014-r0?arch=x86_64");
    cg_arena_free(&a);
}

static void test_generic_encoding(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_distro d = {.id = "debian", .version_id = "12"};
    /* npm scoped name: '@' in the namespace is encoded, no distro for language types */
    cg_package p = {.type = "npm", .namespace_ = "@angular", .name = "core", .version = "16.0.0"};
    assert_string_equal(cg_purl_for_package(&a, &p, &d), "pkg:npm/%40angular/core@16.0.0");
    /* maven: multi-segment namespace keeps '/', empty segments dropped; no case folding */
    cg_package m = {.type = "maven", .namespace_ = "org.apache/commons/", .name = "Commons Lang",
                    .version = "3.0 beta#1?"};
    assert_string_equal(cg_purl_for_package(&a, &m, NULL),
                        "pkg:maven/org.apache/commons/Commons%20Lang@3.0%20beta%231%3F");
    /* a '/' in a name is data, not a separator */
    cg_package g = {.type = "generic", .name = "a/b", .version = "1~2_3"};
    assert_string_equal(cg_purl_for_package(&a, &g, NULL), "pkg:generic/a%2Fb@1~2_3");
    /* UTF-8 bytes are percent-encoded byte by byte */
    cg_package u = {.type = "pypi", .name = "caf\xc3\xa9"};
    assert_string_equal(cg_purl_for_package(&a, &u, NULL), "pkg:pypi/caf%C3%A9");
    cg_package none = {.type = "deb"};
    assert_null(cg_purl_for_package(&a, &none, NULL));
    cg_arena_free(&a);
}

static void test_rpm(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_distro d = {.id = "mariner", .version_id = "2.0"};
    cg_prop ep = {"cgate:rpm:epoch", "1"};
    cg_package p = {.type = "rpm", .namespace_ = "mariner", .name = "ca-certificates-base",
                    .version = "2.0.0-1.cm2", .arch = "noarch", .props = &ep, .n_props = 1};
    assert_string_equal(cg_purl_for_package(&a, &p, &d),
                        "pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1");
    /* no epoch recorded: no qualifier */
    p.n_props = 0;
    assert_string_equal(cg_purl_for_package(&a, &p, &d),
                        "pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0");
    /* the purl-spec's own rpm example */
    cg_distro fc = {.id = "fedora", .version_id = "25"};
    cg_package c = {.type = "rpm", .namespace_ = "fedora", .name = "curl", .version = "7.50.3-1.fc25",
                    .arch = "i386"};
    assert_string_equal(cg_purl_for_package(&a, &c, &fc), "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
    /* an epoch property on another type does not leak into its purl */
    cg_package deb = {.type = "deb", .namespace_ = "debian", .name = "x", .version = "1:2", .props = &ep,
                      .n_props = 1};
    assert_string_equal(cg_purl_for_package(&a, &deb, NULL), "pkg:deb/debian/x@1:2");
    cg_arena_free(&a);
}

static void test_image(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_image_info img = {.name = "docker.io/library/Debian", .tag = "latest",
                         .manifest_digest = "sha256:244fd47e07d10",
                         .config_digest = "sha256:ffff", .architecture = "amd64"};
    /* the purl-spec oci build test's canonical form */
    assert_string_equal(cg_purl_for_image(&a, &img),
                        "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url="
                        "docker.io%2Flibrary%2FDebian&tag=latest");
    img.manifest_digest = NULL; /* docker-archive: config digest is the version */
    img.tag = NULL;
    img.architecture = NULL;
    assert_string_equal(cg_purl_for_image(&a, &img),
                        "pkg:oci/debian@sha256:ffff?repository_url=docker.io%2Flibrary%2FDebian");
    cg_image_info file = {.name = "img.tar", .config_digest = "sha256:ab"};
    assert_string_equal(cg_purl_for_image(&a, &file), "pkg:oci/img.tar@sha256:ab");
    file.config_digest = NULL;
    assert_null(cg_purl_for_image(&a, &file));
    cg_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deb),
        cmocka_unit_test(test_apk),
        cmocka_unit_test(test_generic_encoding),
        cmocka_unit_test(test_rpm),
        cmocka_unit_test(test_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
