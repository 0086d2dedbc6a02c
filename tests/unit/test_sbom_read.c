/*
 * test_sbom_read.c - reading SBOMs back: Trivy's CycloneDX and SPDX goldens
 * (package sets and purls checked against each golden's own content, distro,
 * image layers, layer and location properties, licences, source packages,
 * dependency edges), cgate's own CycloneDX and SPDX written -> read -> written
 * byte for byte, the purl parser against cg_purl_for_package and the spec's
 * examples, and refusals of what is not an SBOM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cat_test.h"
#include "catalog/purl.h"
#include "sbom/image_purl.h"
#include "cgate/sbom.h"

static cg_sbom *read_fixture(const char *rel)
{
    blob b = cat_load("", rel);
    cg_sbom *s = NULL;
    cg_error err;
    cg_status st = cg_sbom_read(b.data, b.len, rel, &s, &err);
    if (st != CG_OK)
        fail_msg("%s: %s", rel, err.msg);
    free(b.data);
    return s;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The purls the golden itself lists for packages (CycloneDX components with a
 * purl other than the OS; SPDX packages with a purl ref), sorted, '\n'-joined. */
static char *golden_purls(const char *rel)
{
    blob b = cat_load("", rel);
    json_error_t je;
    json_t *doc = json_loadb((const char *)b.data, b.len, 0, &je);
    free(b.data);
    assert_non_null(doc);
    const char *v[4096];
    size_t n = 0, i, k;
    json_t *x, *r;
    json_array_foreach(json_object_get(doc, "components"), i, x) {
        const char *p = json_string_value(json_object_get(x, "purl"));
        if (p && n < 4096)
            v[n++] = p;
    }
    json_array_foreach(json_object_get(doc, "packages"), i, x) {
        json_array_foreach(json_object_get(x, "externalRefs"), k, r) {
            if (!strcmp(json_string_value(json_object_get(r, "referenceType")), "purl") && n < 4096)
                v[n++] = json_string_value(json_object_get(r, "referenceLocator"));
        }
    }
    qsort(v, n, sizeof *v, cmpstr);
    size_t total = 1;
    for (i = 0; i < n; i++)
        total += strlen(v[i]) + 1;
    char *s = malloc(total);
    s[0] = 0;
    for (i = 0; i < n; i++) {
        strcat(s, v[i]);
        strcat(s, "\n");
    }
    json_decref(doc);
    return s;
}

static char *read_purls(const cg_sbom *s)
{
    const char **v = calloc(s->n_pkgs + 1, sizeof *v);
    size_t total = 1;
    for (size_t i = 0; i < s->n_pkgs; i++) {
        v[i] = s->pkgs[i].purl;
        total += strlen(v[i]) + 1;
    }
    qsort(v, s->n_pkgs, sizeof *v, cmpstr);
    char *r = malloc(total);
    r[0] = 0;
    for (size_t i = 0; i < s->n_pkgs; i++) {
        strcat(r, v[i]);
        strcat(r, "\n");
    }
    free(v);
    return r;
}

static void assert_same_purls(const char *rel, const cg_sbom *s)
{
    char *want = golden_purls(rel), *got = read_purls(s);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static const cg_package *find(const cg_sbom *s, const char *type, const char *name)
{
    for (size_t i = 0; i < s->n_pkgs; i++)
        if (!strcmp(s->pkgs[i].type, type) && !strcmp(s->pkgs[i].name, name))
            return &s->pkgs[i];
    fail_msg("%s %s not read", type, name);
    return NULL;
}

static int has_dep(const cg_package *p, const char *name)
{
    for (size_t i = 0; i < p->n_depends; i++)
        if (!strcmp(p->depends[i], name))
            return 1;
    return 0;
}

/* Trivy image scan, CycloneDX: 160 packages, Debian 10.2, six layers. */
static void test_trivy_cdx_image(void **state)
{
    (void)state;
    const char *rel = "sbom-read/fluentd-multiple-lockfiles.cdx.json.golden";
    cg_sbom *s = read_fixture(rel);
    assert_int_equal(s->n_pkgs, 160);
    assert_same_purls(rel, s);
    assert_non_null(s->distro);
    assert_string_equal(s->distro->id, "debian");
    assert_string_equal(s->distro->version_id, "10.2");
    assert_string_equal(s->image.name, "testdata/fixtures/images/fluentd-multiple-lockfiles.tar.gz");
    assert_string_equal(s->image.config_digest, "sha256:5a992077baba51b97f27591a10d54d2f2723dc9c81a3fe419e261023f2554933");
    assert_int_equal(s->image.n_layers, 6);
    const cg_package *p = find(s, "deb", "adduser");
    assert_string_equal(p->namespace_, "debian");
    assert_string_equal(p->version, "3.118");
    assert_string_equal(p->arch, "all");
    assert_string_equal(p->supplier, "Debian Adduser Developers <adduser@packages.debian.org>");
    assert_string_equal(p->purl, "pkg:deb/debian/adduser@3.118?arch=all&distro=debian-10.2");
    assert_int_equal(p->n_licenses, 1);
    assert_string_equal(p->licenses[0].value, "GPL-2.0-only");
    assert_true(p->licenses[0].is_spdx);
    assert_true(p->layer >= 0);
    assert_string_equal(s->image.layers[p->layer].diff_id,
                        "sha256:831c5620387fb9efec59fc82a42b948546c6be601e3ab34a87108ecf852aa15f");
    assert_string_equal(s->image.layers[p->layer].digest,
                        "sha256:000eee12ec04cc914bf96e8f5dee7767510c2aca3816af6078bd9fbe3150920c");
    assert_string_equal(p->source_name, "adduser");
    p = find(s, "gem", "activesupport");
    assert_string_equal(p->version, "6.0.2.1");
    assert_int_equal(p->n_locations, 1);
    assert_string_equal(p->locations[0].path, "/var/lib/gems/2.5.0/specifications/activesupport-6.0.2.1.gemspec");
    assert_string_equal(s->image.layers[p->layer].diff_id,
                        "sha256:75e43d55939745950bc3f8fad56c5834617c4339f0f54755e69a0dd5372624e9");
    assert_int_equal(s->n_warnings, 0);
    cg_sbom_free(s);
}

/* Trivy filesystem scans, CycloneDX: npm with edges, maven with namespaces. */
static void test_trivy_cdx_repos(void **state)
{
    (void)state;
    cg_sbom *s = read_fixture("sbom-read/npm-cyclonedx.json.golden");
    assert_int_equal(s->n_pkgs, 12);
    assert_same_purls("sbom-read/npm-cyclonedx.json.golden", s);
    assert_null(s->distro);
    const cg_package *p = find(s, "npm", "react");
    assert_string_equal(p->version, "16.8.6");
    /* the golden: react depends on loose-envify, object-assign, prop-types, scheduler */
    assert_int_equal(p->n_depends, 4);
    assert_true(has_dep(p, "loose-envify") && has_dep(p, "object-assign") && has_dep(p, "prop-types") &&
                has_dep(p, "scheduler"));
    cg_sbom_free(s);
    s = read_fixture("sbom-read/pom-cyclonedx.json.golden");
    assert_int_equal(s->n_pkgs, 2);
    assert_same_purls("sbom-read/pom-cyclonedx.json.golden", s);
    p = find(s, "maven", "jackson-databind");
    assert_string_equal(p->namespace_, "com.fasterxml.jackson.core");
    assert_string_equal(p->version, "2.9.1");
    cg_sbom_free(s);
}

/* Trivy SPDX: conda licences; julia's two packages named B and the A -> B edge. */
static void test_trivy_spdx(void **state)
{
    (void)state;
    cg_sbom *s = read_fixture("sbom-read/conda-spdx.json.golden");
    assert_int_equal(s->n_pkgs, 2);
    assert_same_purls("sbom-read/conda-spdx.json.golden", s);
    const cg_package *p = find(s, "conda", "openssl");
    assert_string_equal(p->version, "1.1.1q");
    assert_string_equal(p->licenses[0].value, "OpenSSL");
    assert_string_equal(find(s, "conda", "pip")->licenses[0].value, "MIT");
    assert_string_equal(s->image.name, "testdata/fixtures/repo/conda");
    assert_int_equal(s->n_warnings, 0);
    cg_sbom_free(s);
    s = read_fixture("sbom-read/julia-spdx.json.golden");
    assert_int_equal(s->n_pkgs, 3);
    assert_same_purls("sbom-read/julia-spdx.json.golden", s);
    p = find(s, "julia", "A");
    assert_int_equal(p->n_depends, 1);
    assert_string_equal(p->depends[0], "B");
    cg_sbom_free(s);
}

/* ---- cgate's own SBOMs: write -> read -> write gives the same bytes ---- */

static cg_license *lic(cg_sbom *s, const char *v, int spdx)
{
    cg_license *l = cg_arena_calloc(&s->arena, 1, sizeof *l);
    l->value = v;
    l->is_spdx = spdx;
    return l;
}

static cg_package *add(cg_sbom *s, const char *type, const char *ns, const char *name, const char *ver,
                       const char *path, int layer)
{
    cg_package *p = &s->pkgs[s->n_pkgs++];
    p->type = type;
    p->namespace_ = ns;
    p->name = name;
    p->version = ver;
    p->layer = layer;
    p->cataloger = type;
    p->locations = cg_arena_calloc(&s->arena, 1, sizeof *p->locations);
    p->locations[0] = (cg_location){path, layer};
    p->n_locations = 1;
    return p;
}

/* The builder's order: type, name, version (every package here has a distinct name). */
static int own_cmp(const void *x, const void *y)
{
    const cg_package *a = x, *b = y;
    int c = strcmp(a->type, b->type);
    return c ? c : strcmp(a->name, b->name);
}

static cg_sbom *make_own(void)
{
    cg_sbom *s = calloc(1, sizeof *s);
    cg_arena_init(&s->arena);
    cg_image_info *im = &s->image;
    im->ref = "oci:app";
    im->transport = "oci";
    im->name = "lab/app";
    im->tag = "1.0";
    im->manifest_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    im->config_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    im->os = "linux";
    im->architecture = "amd64";
    im->n_layers = 2;
    im->layers = cg_arena_calloc(&s->arena, 2, sizeof *im->layers);
    im->layers[0] = (cg_layer_info){"sha256:aaaa", "sha256:a0a0", NULL, 10};
    im->layers[1] = (cg_layer_info){"sha256:bbbb", "sha256:b0b0", NULL, 20};
    s->image_purl = cg_purl_for_image(&s->arena, im);
    s->timestamp = 1735689600;
    s->distro = cg_arena_calloc(&s->arena, 1, sizeof *s->distro);
    *s->distro = (cg_distro){"debian", "12", "bookworm", NULL, "Debian GNU/Linux 12 (bookworm)", NULL, NULL,
                             "/etc/os-release", 0};
    s->pkgs = cg_arena_calloc(&s->arena, 8, sizeof *s->pkgs);
    cg_package *p = add(s, "deb", "debian", "libgcc-s1", "1:12.2.0-14", "/var/lib/dpkg/status", 0);
    p->arch = "amd64";
    p->source_name = "gcc-12";
    p->source_version = "12.2.0-14";
    p->supplier = "Debian GCC Maintainers <debian-gcc@lists.debian.org>";
    p->licenses = lic(s, "GPL-3.0-only", 1);
    p->n_licenses = 1;
    p = add(s, "deb", "debian", "libc6", "2.36-9+deb12u4", "/var/lib/dpkg/status", 0);
    p->arch = "amd64";
    p->source_name = "glibc";
    p->depends = cg_arena_calloc(&s->arena, 1, sizeof(char *));
    p->depends[0] = "libgcc-s1";
    p->n_depends = 1;
    p->licenses = cg_arena_calloc(&s->arena, 2, sizeof *p->licenses);
    p->licenses[0] = (cg_license){"LGPL-2.1-or-later AND GPL-2.0-or-later WITH GCC-exception-2.0", 1};
    p->licenses[1] = (cg_license){"public-domain", 0};
    p->n_licenses = 2;
    p = add(s, "composer", "guzzlehttp", "psr7", "1.9.0", "/srv/composer.lock", 1);
    p->props = cg_arena_calloc(&s->arena, 2, sizeof *p->props);
    p->props[0] = (cg_prop){"cgate:composer:dev", "true"};
    p->props[1] = (cg_prop){"cgate:composer:metadata-source", "composer.lock"};
    p->n_props = 2;
    p->owned_by = "php-guzzle";
    p->owned_by_type = "deb";
    p->licenses = lic(s, "MIT", 1);
    p->n_licenses = 1;
    p = add(s, "npm", "@babel", "core", "7.24.0", "/app/node_modules/@babel/core/package.json", 1);
    p->description = "Babel compiler core \xe2\x80\x94 \"quoted\"";
    p->licenses = lic(s, "SEE LICENSE IN LICENSE.md", 0);
    p->n_licenses = 1;
    p = add(s, "gem", NULL, "nokogiri", "1.16.2", "/usr/local/bundle/specifications/nokogiri-1.16.2-x86_64-linux.gemspec", 1);
    qsort(s->pkgs, s->n_pkgs, sizeof *s->pkgs, own_cmp);
    for (size_t i = 0; i < s->n_pkgs; i++)
        s->pkgs[i].purl = cg_purl_for_package(&s->arena, &s->pkgs[i], s->distro);
    static const char *warns[] = {"/app/bad/composer.lock: invalid JSON at line 1 column 2: x"};
    s->warnings = warns;
    s->n_warnings = 1;
    return s;
}

static void round_trip(cg_sbom_format fmt)
{
    cg_sbom *s = make_own();
    cg_buf a = CG_BUF_INIT, b = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_sbom_write(s, fmt, &a, &err), CG_OK);
    cg_sbom *r = NULL;
    if (cg_sbom_read((const uint8_t *)a.data, a.len, "own", &r, &err) != CG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(r->n_pkgs, s->n_pkgs);
    assert_int_equal(cg_sbom_write(r, fmt, &b, &err), CG_OK);
    if (a.len != b.len || memcmp(a.data, b.data, a.len)) { /* leave both for a diff */
        const char *tmp = getenv("CG_TMP");
        char path[4096];
        for (int k = 0; tmp && k < 2; k++) {
            snprintf(path, sizeof path, "%s/sbom-read-%d-%c.json", tmp, (int)fmt, k ? 'b' : 'a');
            FILE *f = fopen(path, "wb");
            if (f) {
                fwrite(k ? b.data : a.data, 1, k ? b.len : a.len, f);
                fclose(f);
            }
        }
    }
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* the records themselves */
    const cg_package *p = find(r, "deb", "libgcc-s1");
    assert_string_equal(p->version, "1:12.2.0-14");
    assert_string_equal(p->arch, "amd64");
    if (fmt == CG_SBOM_CYCLONEDX_JSON) { /* cgate's SPDX has no field for the source package */
        assert_string_equal(p->source_name, "gcc-12");
        assert_string_equal(p->source_version, "12.2.0-14");
        assert_string_equal(find(r, "composer", "psr7")->props[0].value, "true");
    }
    assert_string_equal(find(r, "composer", "psr7")->owned_by, "php-guzzle");
    p = find(r, "npm", "core");
    assert_string_equal(p->namespace_, "@babel");
    assert_string_equal(p->licenses[0].value, "SEE LICENSE IN LICENSE.md");
    assert_false(p->licenses[0].is_spdx);
    p = find(r, "deb", "libc6");
    assert_int_equal(p->n_licenses, 2);
    assert_int_equal(p->n_depends, 1);
    assert_int_equal(r->n_warnings, 1);
    assert_string_equal(r->distro->id, "debian");
    assert_string_equal(r->distro->version_id, "12");
    cg_buf_free(&a);
    cg_buf_free(&b);
    cg_sbom_free(r);
    cg_sbom_free(s);
}

static void test_own_cdx(void **state)
{
    (void)state;
    round_trip(CG_SBOM_CYCLONEDX_JSON);
}

static void test_own_spdx(void **state)
{
    (void)state;
    round_trip(CG_SBOM_SPDX_JSON);
}

/* CycloneDX -> SPDX -> read: the same package set either way. */
static void test_convert(void **state)
{
    (void)state;
    cg_sbom *s = make_own();
    cg_buf a = CG_BUF_INIT, b = CG_BUF_INIT;
    cg_error err;
    cg_sbom *r1 = NULL, *r2 = NULL;
    assert_int_equal(cg_sbom_write(s, CG_SBOM_CYCLONEDX_JSON, &a, &err), CG_OK);
    assert_int_equal(cg_sbom_read((const uint8_t *)a.data, a.len, "cdx", &r1, &err), CG_OK);
    assert_int_equal(cg_sbom_write(r1, CG_SBOM_SPDX_JSON, &b, &err), CG_OK);
    assert_int_equal(cg_sbom_read((const uint8_t *)b.data, b.len, "spdx", &r2, &err), CG_OK);
    char *p1 = read_purls(s), *p2 = read_purls(r2);
    assert_string_equal(p1, p2);
    free(p1);
    free(p2);
    cg_buf_free(&a);
    cg_buf_free(&b);
    cg_sbom_free(r1);
    cg_sbom_free(r2);
    cg_sbom_free(s);
}

/* The scan's reader: the same packages in the same order with every field a
 * scan reads, and none of what it never prints (CycloneDX is read
 * piecewise, SPDX whole). */
static int eq0(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void lean_same(cg_sbom_format fmt)
{
    cg_sbom *s = make_own();
    cg_buf a = CG_BUF_INIT;
    cg_error err;
    assert_int_equal(cg_sbom_write(s, fmt, &a, &err), CG_OK);
    cg_sbom *full = NULL, *lean = NULL;
    assert_int_equal(cg_sbom_read((const uint8_t *)a.data, a.len, "own", &full, &err), CG_OK);
    assert_int_equal(cg_sbom_read_for_scan((const uint8_t *)a.data, a.len, "own", NULL, NULL, &lean, &err), CG_OK);
    assert_int_equal(lean->n_pkgs, full->n_pkgs);
    assert_true(eq0(lean->distro ? lean->distro->id : NULL, full->distro ? full->distro->id : NULL));
    assert_int_equal(lean->image.n_layers, full->image.n_layers);
    int had_desc = 0, had_lic = 0, had_dep = 0;
    for (size_t i = 0; i < full->n_pkgs; i++) {
        const cg_package *f = &full->pkgs[i], *l = &lean->pkgs[i];
        assert_true(eq0(l->type, f->type) && eq0(l->namespace_, f->namespace_) && eq0(l->name, f->name));
        assert_true(eq0(l->version, f->version) && eq0(l->arch, f->arch) && eq0(l->purl, f->purl));
        assert_true(eq0(l->source_name, f->source_name) && eq0(l->source_version, f->source_version));
        assert_true(eq0(l->owned_by, f->owned_by) && eq0(l->owned_by_type, f->owned_by_type));
        assert_true(eq0(l->cataloger, f->cataloger));
        assert_int_equal(l->layer, f->layer);
        assert_int_equal(l->n_locations, f->n_locations);
        for (size_t k = 0; k < f->n_locations; k++)
            assert_true(eq0(l->locations[k].path, f->locations[k].path));
        had_desc |= f->description != NULL;
        had_lic |= f->n_licenses != 0;
        had_dep |= f->n_depends != 0;
        assert_null(l->description);
        assert_null(l->supplier);
        assert_int_equal(l->n_licenses, 0);
        assert_int_equal(l->n_depends, 0);
    }
    assert_true(had_desc && had_lic && had_dep); /* the check above is not empty */
    cg_buf_free(&a);
    cg_sbom_free(full);
    cg_sbom_free(lean);
    cg_sbom_free(s);
}

static void test_lean_read(void **state)
{
    (void)state;
    lean_same(CG_SBOM_CYCLONEDX_JSON);
    lean_same(CG_SBOM_SPDX_JSON);
}

/* ---- purls ---- */

static void test_purl_round_trip(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_distro deb12 = {.id = "debian", .version_id = "12"};
    cg_package pk[] = {
        {.type = "deb", .namespace_ = "debian", .name = "libgcc-s1", .version = "1:12.2.0-14", .arch = "amd64"},
        {.type = "npm", .namespace_ = "@babel", .name = "core", .version = "7.24.0"},
        {.type = "composer", .namespace_ = "guzzlehttp", .name = "psr7", .version = "1.9.0"},
        {.type = "maven", .namespace_ = "org.apache.logging.log4j", .name = "log4j-core", .version = "2.14.1"},
        {.type = "golang", .namespace_ = "github.com/sirupsen", .name = "logrus", .version = "v1.9.3"},
        {.type = "gem", .name = "nokogiri", .version = "1.16.2"},
        {.type = "nuget", .name = "Newtonsoft.Json", .version = "13.0.1"},
        {.type = "pypi", .name = "weird name+x", .version = "1.0+local/x?y#z"},
        {.type = "apk", .namespace_ = "alpine", .name = "busybox", .version = "1.36.1-r15", .arch = "x86_64"},
    };
    for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++) {
        const char *s = cg_purl_for_package(&a, &pk[i], &deb12);
        assert_non_null(s);
        cg_purl p;
        assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
        assert_string_equal(p.type, pk[i].type);
        if (pk[i].namespace_)
            assert_string_equal(p.namespace_, pk[i].namespace_);
        else
            assert_null(p.namespace_);
        assert_string_equal(p.name, pk[i].name);
        assert_string_equal(p.version, pk[i].version);
        if (pk[i].arch)
            assert_string_equal(cg_purl_qualifier(&p, "arch"), pk[i].arch);
        if (!strcmp(pk[i].type, "deb") || !strcmp(pk[i].type, "apk"))
            assert_string_equal(cg_purl_qualifier(&p, "distro"), "debian-12");
    }
    cg_arena_free(&a);
}

static void test_purl_spec_examples(void **state)
{
    (void)state;
    cg_arena a;
    cg_arena_init(&a);
    cg_purl p;
    const char *s = "pkg:npm/%40angular/animation@12.3.1";
    assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
    assert_string_equal(p.namespace_, "@angular");
    assert_string_equal(p.name, "animation");
    s = "pkg:golang/google.golang.org/genproto#googleapis/api/annotations";
    assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
    assert_string_equal(p.namespace_, "google.golang.org");
    assert_string_equal(p.name, "genproto");
    assert_null(p.version);
    assert_string_equal(p.subpath, "googleapis/api/annotations");
    s = "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25&epoch=1";
    assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
    assert_string_equal(p.version, "7.50.3-1.fc25");
    assert_string_equal(cg_purl_qualifier(&p, "epoch"), "1");
    assert_string_equal(cg_purl_qualifier(&p, "distro"), "fedora-25");
    s = "PKG:DEB/debian/curl@7.50.3-1?ARCH=i386";
    assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
    assert_string_equal(p.type, "deb");
    assert_string_equal(cg_purl_qualifier(&p, "arch"), "i386");
    s = "pkg:oci/debian@sha256%3A244fd47e07d10?repository_url=docker.io%2Flibrary%2Fdebian";
    assert_int_equal(cg_purl_parse(&a, s, strlen(s), &p), 0);
    assert_string_equal(p.version, "sha256:244fd47e07d10");
    assert_string_equal(cg_purl_qualifier(&p, "repository_url"), "docker.io/library/debian");
    const char *badp[] = {"pkg:", "npm/foo@1", "pkg:/foo", "pkg:npm/", "pkg:npm/foo%2", "pkg:npm/foo%00x",
                          "pkg:np m/foo", "pkg:npm/foo?novalue", "xyz",
                          /* qualifier keys outside the spec's [A-Za-z0-9.-_] (or led by a digit) would be
                           * written back verbatim and read as another purl */
                          "pkg:b/d?%3F=x", "pkg:npm/foo?a%26b=1", "pkg:npm/foo?1a=x", "pkg:npm/foo?a b=x"};
    for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
        if (cg_purl_parse(&a, badp[i], strlen(badp[i]), &p) != -1)
            fail_msg("accepted %s", badp[i]);
    char nul[] = "pkg:npm/a\0b@1";
    assert_int_equal(cg_purl_parse(&a, nul, sizeof nul - 1, &p), -1);
    cg_arena_free(&a);
}

/* ---- refusals ---- */

/* Refused by both readers (the whole one and the scan's) with the same message. */
static void expect_refused(const char *doc, size_t len, cg_status want, const char *mention)
{
    char first[512] = "";
    for (int lean = 0; lean < 2; lean++) {
        cg_sbom *s = (cg_sbom *)1;
        cg_error err;
        cg_status st = lean ? cg_sbom_read_for_scan((const uint8_t *)doc, len, "input.json", NULL, NULL, &s, &err)
                            : cg_sbom_read((const uint8_t *)doc, len, "input.json", &s, &err);
        if (st != want)
            fail_msg("status %d for %.60s, want %d (%s reader)", st, doc, want, lean ? "scan" : "whole");
        assert_null(s);
        assert_non_null(strstr(err.msg, "input.json"));
        assert_null(strchr(err.msg, '\n'));
        if (mention && !strstr(err.msg, mention))
            fail_msg("'%s' does not mention '%s'", err.msg, mention);
        if (lean)
            assert_string_equal(err.msg, first);
        else
            snprintf(first, sizeof first, "%s", err.msg);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    const char *docs[][2] = {
        {"not json at all", "invalid JSON"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [", "invalid JSON"},
        {"[1, 2, 3]", "not a CycloneDX or SPDX"},
        {"{\"schemaVersion\": 2, \"manifests\": []}", "not a CycloneDX or SPDX"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"2.0\"}", "specVersion"},
        {"{\"bomFormat\": \"CycloneDX\"}", "specVersion"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": {}}", "wrong JSON type"},
        {"{\"spdxVersion\": \"SPDX-2.3\", \"packages\": \"x\"}", "wrong JSON type"},
        {"{\"spdxVersion\": \"SPDX-3.0\"}", "SPDX version"},
        /* broken dependencies: the scan's reader checks them without reading them */
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [], \"dependencies\": "
         "[{\"ref\": \"a\", \"dependsOn\": [\"b\", 01]}]}", "invalid JSON"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [], \"dependencies\": "
         "[{\"ref\": \"a\", \"dependsOn\": [\"\\x\"]}]}", "invalid JSON"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [], \"dependencies\": "
         "[{\"ref\": \"a\", \"ref\": \"b\", \"dependsOn\": []}]}", "invalid JSON"},
        {"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [], \"dependencies\": "
         "[{\"ref\": tru, \"dependsOn\": [\"x\"]}]}", "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        expect_refused(docs[i][0], strlen(docs[i][0]), CG_ERR_INPUT, docs[i][1]);
    /* 10,000 deep */
    size_t depth = 10000;
    char *deep = malloc(2 * depth);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    expect_refused(deep, 2 * depth, CG_ERR_INPUT, NULL);
    free(deep);
    expect_refused("{}", (size_t)CG_SBOM_READ_MAX_BYTES + 1, CG_ERR_LIMIT, "cap");
}

/* Junk inside a valid document: skipped with a warning, never invented. */
static void test_junk_components(void **state)
{
    (void)state;
    const char *doc = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": ["
                      "7, {\"type\": \"library\", \"name\": \"nopurl\"},"
                      "{\"type\": \"library\", \"name\": \"x\", \"purl\": \"not a purl\"},"
                      "{\"type\": \"library\", \"name\": \"y\", \"purl\": 5, \"licenses\": 3},"
                      "{\"type\": \"library\", \"name\": \"ok\", \"version\": \"1\", \"purl\": \"pkg:npm/ok@1\","
                      " \"properties\": [{\"name\": \"cgate:location:99999999999:path\", \"value\": \"/x\"}, 4]},"
                      "{\"type\": \"file\", \"name\": \"/etc/passwd\"}],"
                      " \"dependencies\": [{\"ref\": 1, \"dependsOn\": [null]}, 5]}";
    cg_sbom *s = NULL;
    cg_error err;
    assert_int_equal(cg_sbom_read((const uint8_t *)doc, strlen(doc), "junk.json", &s, &err), CG_OK);
    assert_int_equal(s->n_pkgs, 1);
    assert_string_equal(s->pkgs[0].name, "ok");
    assert_int_equal(s->pkgs[0].n_locations, 0);
    assert_int_equal(s->n_warnings, 2); /* without a purl (2), invalid purl (1) */
    cg_sbom_free(s);
}

/* An rpm purl's epoch becomes the rpm cataloger's property, not part of the
 * version, and writing the record again gives the same purl. */
static void test_rpm_epoch_round_trip(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":["
        "{\"type\":\"library\",\"name\":\"ca-certificates-base\",\"version\":\"2.0.0-1.cm2\","
        "\"purl\":\"pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1\"}]}";
    cg_sbom *s = NULL;
    cg_error err;
    assert_int_equal(cg_sbom_read((const uint8_t *)doc, sizeof doc - 1, "rpm.cdx.json", &s, &err), CG_OK);
    assert_int_equal(s->n_pkgs, 1);
    const cg_package *p = &s->pkgs[0];
    assert_string_equal(p->version, "2.0.0-1.cm2");
    assert_int_equal(p->n_props, 1);
    assert_string_equal(p->props[0].name, "cgate:rpm:epoch");
    assert_string_equal(p->props[0].value, "1");
    cg_distro d = {.id = "mariner", .version_id = "2.0"};
    assert_string_equal(cg_purl_for_package(&s->arena, p, &d),
                        "pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1");
    cg_sbom_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trivy_cdx_image),
        cmocka_unit_test(test_trivy_cdx_repos),
        cmocka_unit_test(test_trivy_spdx),
        cmocka_unit_test(test_own_cdx),
        cmocka_unit_test(test_own_spdx),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_lean_read),
        cmocka_unit_test(test_purl_round_trip),
        cmocka_unit_test(test_purl_spec_examples),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_junk_components),
        cmocka_unit_test(test_rpm_epoch_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
