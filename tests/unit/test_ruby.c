/*
 * test_ruby.c - the Ruby cataloger on Syft's and Trivy's fixtures: installed
 * gemspecs (name, version, licences), Gemfile.lock package sets and
 * dependency edges as the upstream tests expect them, platform suffixes,
 * path selection, and hostile input (junk, NULs, huge lines, no name).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cat_test.h"
#include "catalog/catalog.h"
#include "catalog/purl.h"

extern const cg_cataloger cg_cataloger_ruby;
static const cg_cataloger *const C = &cg_cataloger_ruby;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static void run1(fx *x, const char *path, const char *fixture)
{
    assert_int_equal(cat_run_fixture(x, C, path, "", fixture), CG_OK);
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
    const char *yes[] = {"usr/local/bundle/specifications/rails-7.0.gemspec", "specifications/x.gemspec",
                         "var/lib/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
                         "app/Gemfile.lock", "Gemfile.lock"};
    const char *no[] = {"app/rails.gemspec", "app/xGemfile.lock", "app/Gemfile", "app/Gemfile.lock.bak",
                        "myspecifications/x.gemspec", "specifications/x.gemspec.orig"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(cg_cataloger_ruby.wants(yes[i], strlen(yes[i]), &w));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(cg_cataloger_ruby.wants(no[i], strlen(no[i]), &w));
}

/* Syft parse_gemspec_test.go: bundler 2.1.4, MIT. */
static void test_gemspec(void **state)
{
    fx *x = *state;
    run1(x, "usr/lib/ruby/gems/2.7.0/specifications/bundler-2.1.4.gemspec", "ruby/bundler.gemspec");
    run1(x, "usr/lib/ruby/gems/2.7.0/specifications/formatador-1.1.0.gemspec", "ruby/formatador.gemspec");
    assert_int_equal(cg_cat_n_packages(x->ctx), 2);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    cg_package *p = cat_find(x->ctx, "bundler");
    assert_string_equal(p->version, "2.1.4");
    assert_string_equal(p->type, "gem");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "MIT");
    assert_true(p->licenses[0].is_spdx);
    assert_string_equal(cat_prop(p, "cgate:gem:homepage"), "https://bundler.io");
    assert_string_equal(p->description, "The best way to manage your application's dependencies");
    assert_string_equal(p->locations[0].path, "/usr/lib/ruby/gems/2.7.0/specifications/bundler-2.1.4.gemspec");
    assert_string_equal(cg_purl_for_package(&x->a, p, NULL), "pkg:gem/bundler@2.1.4");
    p = cat_find(x->ctx, "formatador");
    assert_string_equal(p->version, "1.1.0");
    assert_string_equal(p->licenses[0].value, "MIT");
    /* interpolation is not evaluated: kept as written */
    assert_string_equal(cat_prop(p, "cgate:gem:homepage"), "https://github.com/geemus/#{s.name}");
}

/* Syft parse_gemfile_lock_test.go: 52 gems from GEM, GIT and PATH sections. */
static void test_lock_syft(void **state)
{
    fx *x = *state;
    run1(x, "srv/app/Gemfile.lock", "ruby/Gemfile.lock");
    assert_string_equal(cat_set_str(x->ctx, &x->a),
        "actionmailer@4.1.1 actionpack@4.1.1 actionview@4.1.1 activemodel@4.1.1 activerecord@4.1.1 "
        "activesupport@4.1.1 arel@5.0.1.20140414130214 bootstrap-sass@3.1.1.1 builder@3.2.2 coffee-rails@4.0.1 "
        "coffee-script-source@1.7.0 coffee-script@2.2.0 erubis@2.7.0 execjs@2.0.2 google-cloud-errors@1.3.0 "
        "hike@1.2.3 i18n@0.6.9 jbuilder@2.0.7 jquery-rails@3.1.0 json@1.8.1 kgio@2.9.2 libv8@3.16.14.3 "
        "mail@2.5.4 mime-types@1.25.1 minitest@5.3.4 multi_json@1.10.1 mysql2@0.3.16 polyglot@0.3.4 "
        "rack-test@0.6.2 rack@1.5.2 rails@4.1.1 railties@4.1.1 raindrops@0.13.0 rake@10.3.2 rdoc@4.1.1 "
        "ref@1.0.5 sass-rails@4.0.3 sass@3.2.19 sdoc@0.4.0 spring@1.1.3 sprockets-rails@2.1.3 sprockets@2.11.0 "
        "sqlite3@1.3.9 therubyracer@0.12.1 thor@0.19.1 thread_safe@0.3.3 tilt@1.4.1 treetop@1.4.15 "
        "turbolinks@3.0.0 tzinfo@1.2.0 uglifier@2.5.0 unicorn@4.8.3");
    assert_int_equal(cg_cat_n_packages(x->ctx), 52);
    assert_string_equal(cat_prop(cat_find(x->ctx, "turbolinks"), "cgate:gem:source"), "git");
    assert_string_equal(cat_prop(cat_find(x->ctx, "google-cloud-errors"), "cgate:gem:source"), "path");
    assert_null(cat_prop(cat_find(x->ctx, "rails"), "cgate:gem:source"));
    char buf[512];
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "actionmailer"), buf, sizeof buf), "actionpack,actionview,mail");
    assert_string_equal(cg_purl_for_package(&x->a, cat_find(x->ctx, "arel"), NULL), "pkg:gem/arel@5.0.1.20140414130214");
}

/* Trivy bundler parse_test.go: Bundler2Libs and Bundler2Deps; malformed gives nothing. */
static void test_lock_trivy(void **state)
{
    fx *x = *state;
    run1(x, "app/Gemfile.lock", "ruby/Gemfile_bundler2.lock");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "coderay@1.1.3 concurrent-ruby@1.1.10 dotenv@2.7.6 faker@2.21.0 i18n@1.10.0 "
                                    "json@2.6.2 method_source@1.0.0 pry@0.14.1");
    char buf[256];
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "faker"), buf, sizeof buf), "i18n");
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "i18n"), buf, sizeof buf), "concurrent-ruby");
    assert_string_equal(cat_deps_str(cat_find(x->ctx, "pry"), buf, sizeof buf), "coderay,method_source");
    assert_int_equal(cat_find(x->ctx, "json")->n_depends, 0);
}

static void test_lock_trivy_normal_and_malformed(void **state)
{
    fx *x = *state;
    run1(x, "a/Gemfile.lock", "ruby/Gemfile_normal.lock");
    assert_string_equal(cat_set_str(x->ctx, &x->a), "coderay@1.1.2 concurrent-ruby@1.1.5 dotenv@2.7.2 faker@1.9.3 i18n@1.6.0 "
                                    "method_source@0.9.2 pry@0.12.2");
    run1(x, "b/Gemfile.lock", "ruby/Gemfile_malformed.lock");
    assert_int_equal(cg_cat_n_packages(x->ctx), 7);
}

static void test_platform(void **state)
{
    fx *x = *state;
    const char lock[] = "GEM\n  remote: https://rubygems.org/\n  specs:\n"
                        "    nokogiri (1.16.2-x86_64-linux)\n      racc (~> 1.4)\n"
                        "    racc (1.7.3)\n    google-protobuf (3.25.2-x86_64-linux-musl)\n\n"
                        "PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n";
    assert_int_equal(cat_run_mem(x, C, "app/Gemfile.lock", lock, sizeof lock - 1), CG_OK);
    assert_string_equal(cat_set_str(x->ctx, &x->a), "google-protobuf@3.25.2 nokogiri@1.16.2 racc@1.7.3");
    assert_string_equal(cat_prop(cat_find(x->ctx, "nokogiri"), "cgate:gem:platform"), "x86_64-linux");
    assert_string_equal(cat_prop(cat_find(x->ctx, "google-protobuf"), "cgate:gem:platform"), "x86_64-linux-musl");
    assert_null(cat_prop(cat_find(x->ctx, "racc"), "cgate:gem:platform"));
}

static void test_hostile(void **state)
{
    fx *x = *state;
    /* a gemspec without a name, one with a computed version, binary junk */
    const char noname[] = "Gem::Specification.new do |s|\n  s.version = \"1.0\"\nend\n";
    assert_int_equal(cat_run_mem(x, C, "specifications/a.gemspec", noname, sizeof noname - 1), CG_OK);
    const char computed[] = "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = VERSION\nend\n";
    assert_int_equal(cat_run_mem(x, C, "specifications/b.gemspec", computed, sizeof computed - 1), CG_OK);
    const char unterminated[] = "s.name = \"abc\ns.version = \"1.0\"\n";
    assert_int_equal(cat_run_mem(x, C, "specifications/c.gemspec", unterminated, sizeof unterminated - 1), CG_OK);
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131u + 7u);
    assert_int_equal(cat_run_mem(x, C, "specifications/d.gemspec", junk, sizeof junk), CG_OK);
    assert_int_equal(cat_run_mem(x, C, "e/Gemfile.lock", junk, sizeof junk), CG_OK);
    /* a NUL inside a name; a line with no closing paren; a 2 MiB line */
    const char nul[] = "s.name = \"ab\0c\"\ns.version = \"1\"\n";
    assert_int_equal(cat_run_mem(x, C, "specifications/f.gemspec", nul, sizeof nul - 1), CG_OK);
    const char badlock[] = "GEM\n  specs:\n    foo (1.0\n    bar\n    ok (2.0)\n";
    assert_int_equal(cat_run_mem(x, C, "g/Gemfile.lock", badlock, sizeof badlock - 1), CG_OK);
    size_t big = 2u * 1024u * 1024u;
    char *huge = malloc(big);
    memcpy(huge, "GEM\n  specs:\n    ", 17);
    memset(huge + 17, 'a', big - 17);
    assert_int_equal(cat_run_mem(x, C, "h/Gemfile.lock", huge, big), CG_OK);
    memcpy(huge, "s.name = \"", 10);
    memset(huge + 10, 'b', big - 10);
    assert_int_equal(cat_run_mem(x, C, "specifications/i.gemspec", huge, big), CG_OK); /* over the gemspec cap: not read */
    free(huge);
    assert_string_equal(cat_set_str(x->ctx, &x->a), "ok@2.0");
    assert_true(cg_cat_n_warnings(x->ctx) >= 5);
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        assert_non_null(strchr(cg_cat_warning(x->ctx, i), '/'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_gemspec, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_lock_syft, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_lock_trivy, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_lock_trivy_normal_and_malformed, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_platform, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_hostile, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
