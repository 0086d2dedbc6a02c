/*
 * test_sbom_write.c - unit tests of the SBOM writers (CycloneDX 1.6, SPDX 2.3,
 * table).  The cg_sbom values are built by hand in their own arena, so these
 * tests do not depend on the SBOM builder or any cataloger.  The JSON outputs
 * are parsed back with jansson and checked field by field; schema validity is
 * checked by tests/integration/test_sbom_schema.sh over the samples this test
 * writes to $CG_TMP/sbom-samples/ when CG_TMP is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cgate/sbom.h"

#define TS_2025 1735689600 /* 2025-01-01T00:00:00Z */
#define MDIG "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define CDIG "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define DUP_PURL "pkg:deb/debian/dup@1.0?arch=amd64&distro=debian-12"

/* ---- building SBOMs by hand --------------------------------------------- */

static cg_license *lic(cg_sbom *s, size_t n, ...)
{
    cg_license *l = cg_arena_calloc(&s->arena, n, sizeof *l);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        l[i].value = va_arg(ap, const char *);
        l[i].is_spdx = va_arg(ap, int);
    }
    va_end(ap);
    return l;
}

static const char **strs(cg_sbom *s, size_t n, ...)
{
    const char **v = cg_arena_calloc(&s->arena, n, sizeof *v);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = va_arg(ap, const char *);
    va_end(ap);
    return v;
}

static cg_package *add_pkg(cg_sbom *s, const char *type, const char *name, const char *version,
                           const char *purl, const char *path, int layer)
{
    cg_package *p = &s->pkgs[s->n_pkgs++];
    p->type = type;
    p->name = name;
    p->version = version;
    p->purl = purl;
    p->layer = layer;
    p->cataloger = strcmp(type, "deb") == 0 ? "dpkg" : strcmp(type, "apk") == 0 ? "apk" : type;
    p->locations = cg_arena_calloc(&s->arena, 1, sizeof *p->locations);
    p->locations[0] = (cg_location){path, layer};
    p->n_locations = 1;
    return p;
}

static void set_image(cg_sbom *s)
{
    cg_image_info *im = &s->image;
    im->ref = "docker-archive:app.tar";
    im->transport = "docker-archive";
    im->name = "lab/app";
    im->tag = "1.0";
    im->manifest_digest = MDIG;
    im->config_digest = CDIG;
    im->os = "linux";
    im->architecture = "amd64";
    im->n_layers = 2;
    im->layers = cg_arena_calloc(&s->arena, 2, sizeof *im->layers);
    im->layers[0] = (cg_layer_info){"sha256:aaaa", "sha256:a0a0", NULL, 10};
    im->layers[1] = (cg_layer_info){"sha256:bbbb", "sha256:b0b0", NULL, 20};
    s->image_purl = "pkg:oci/app@sha256%3A1111111111111111111111111111111111111111111111111111111111111111"
                    "?arch=amd64&repository_url=lab%2Fapp&tag=1.0";
    s->timestamp = TS_2025;
}

/* The rich SBOM: apk + deb + npm, epochs, SPDX and non-SPDX licences, compound
 * expressions, depends (with a cycle and an unknown name), a package without
 * version, one without purl, three sharing a purl, unicode and quotes. */
static void make_rich(cg_sbom *s, int with_distro)
{
    memset(s, 0, sizeof *s);
    cg_arena_init(&s->arena);
    set_image(s);
    if (with_distro) {
        s->distro = cg_arena_calloc(&s->arena, 1, sizeof *s->distro);
        *s->distro = (cg_distro){"debian", "12", "bookworm", "Debian GNU/Linux",
                                 "Debian GNU/Linux 12 (bookworm)", NULL, "https://www.debian.org/",
                                 "/etc/os-release", 0};
    }
    s->pkgs = cg_arena_calloc(&s->arena, 16, sizeof *s->pkgs);
    cg_package *p;
    p = add_pkg(s, "apk", "busybox", "1.36.1-r15", "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64",
                "/lib/apk/db/installed", 0);
    p->arch = "x86_64";
    p->source_name = "busybox";
    p->licenses = lic(s, 1, "GPL-2.0-only", 1);
    p->n_licenses = 1;
    p->depends = strs(s, 1, "musl");
    p->n_depends = 1;
    p = add_pkg(s, "apk", "musl", "1.2.4-r2", "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64",
                "/lib/apk/db/installed", 0);
    p->licenses = lic(s, 1, "MIT", 1);
    p->n_licenses = 1;
    p = add_pkg(s, "apk", "ssl_client", "1.36.1-r15",
                "pkg:apk/alpine/ssl_client@1.36.1-r15?arch=x86_64", "/lib/apk/db/installed", 0);
    p->source_name = "busybox";
    p->licenses = lic(s, 1, "GPL-2.0-only", 1);
    p->n_licenses = 1;
    p->depends = strs(s, 3, "busybox", "musl", "no-such-package");
    p->n_depends = 3;
    p = add_pkg(s, "deb", "base-files", "12.4+deb12u5",
                "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
                "/var/lib/dpkg/status", 0);
    p->licenses = lic(s, 2, "GPL-2.0-or-later", 1, "Custom \"quoted\" licence, v2", 0);
    p->n_licenses = 2;
    for (int k = 0; k < 3; k++) {
        static const char *paths[] = {"/var/lib/dpkg/status", "/var/lib/dpkg/status.d/dup",
                                      "/opt/dpkg/status"};
        p = add_pkg(s, "deb", "dup", "1.0", DUP_PURL, paths[k], k ? 1 : 0);
    }
    p = add_pkg(s, "deb", "libc6", "2.36-9+deb12u4",
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
                "/var/lib/dpkg/status", 0);
    p->arch = "amd64";
    p->source_name = "glibc";
    p->supplier = "GNU Libc Maintainers <debian-glibc@lists.debian.org>";
    p->description = "GNU C Library: Shared libraries \xe2\x80\x94 \xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \"quoted\" \\ \xf0\x9f\x93\xa6";
    p->licenses = lic(s, 3, "LGPL-2.1-or-later AND GPL-2.0-or-later WITH GCC-exception-2.0", 1,
                      "public-domain", 0, "LGPL-2.1-or-later AND GPL-2.0-or-later WITH GCC-exception-2.0", 1);
    p->n_licenses = 3;
    p->depends = strs(s, 2, "libc6", "libgcc-s1");
    p->n_depends = 2;
    p = add_pkg(s, "deb", "libgcc-s1", "1:12.2.0-14",
                "pkg:deb/debian/libgcc-s1@1%3A12.2.0-14?arch=amd64&distro=debian-12",
                "/var/lib/dpkg/status", 1);
    p->source_name = "gcc-12";
    p->source_version = "12.2.0-14";
    p->licenses = lic(s, 2, "GPL-3.0-only", 1, "LicenseRef-gcc-runtime", 1);
    p->n_licenses = 2;
    p->depends = strs(s, 1, "libc6");
    p->n_depends = 1;
    p = add_pkg(s, "deb", "nover", NULL, "pkg:deb/debian/nover?arch=amd64&distro=debian-12",
                "/var/lib/dpkg/status", -1);
    p = add_pkg(s, "npm", "left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0",
                "/app/node_modules/left-pad/package.json", 1);
    p->licenses = lic(s, 2, "WTFPL", 1, "SEE LICENSE IN LICENSE.md", 0);
    p->n_licenses = 2;
    p->supplier = "Cameron \"Azer\" Westland";
    p = add_pkg(s, "npm", "noid", "2.0", NULL, "/app/node_modules/noid/package.json", 1);
    p->licenses = lic(s, 1, "Foo-Unlisted-1.0", 1);
    p->n_licenses = 1;
}

static void make_empty(cg_sbom *s)
{
    memset(s, 0, sizeof *s);
    cg_arena_init(&s->arena);
    s->image.ref = "dir:/tmp/rootfs";
    s->image.transport = "dir";
    s->image.name = "rootfs";
    s->timestamp = 0;
}

/* ---- helpers ------------------------------------------------------------- */

static char *write_fmt(const cg_sbom *s, cg_sbom_format fmt)
{
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_error_clear(&err);
    cg_status st = cg_sbom_write(s, fmt, &b, &err);
    if (st != CG_OK)
        fail_msg("cg_sbom_write: %s", err.msg);
    assert_true(b.len > 0);
    assert_int_equal(b.data[b.len - 1], '\n');
    return cg_buf_detach(&b, NULL);
}

static json_t *write_json(const cg_sbom *s, cg_sbom_format fmt)
{
    char *text = write_fmt(s, fmt);
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    if (!doc)
        fail_msg("output is not JSON: %s (line %d)", je.text, je.line);
    free(text);
    return doc;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The component (or metadata component) whose name (and version) match. */
static json_t *cdx_component(json_t *doc, const char *name, const char *ref)
{
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(doc, "components"), i, c)
        if (strcmp(jstr(c, "name"), name) == 0 && (!ref || strcmp(jstr(c, "bom-ref"), ref) == 0))
            return c;
    fail_msg("no component %s", name);
    return NULL;
}

static const char *cdx_prop(json_t *c, const char *name)
{
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(c, "properties"), i, p)
        if (strcmp(jstr(p, "name"), name) == 0)
            return jstr(p, "value");
    return NULL;
}

static json_t *cdx_deps_of(json_t *doc, const char *ref)
{
    json_t *d;
    size_t i;
    json_array_foreach(json_object_get(doc, "dependencies"), i, d)
        if (strcmp(jstr(d, "ref"), ref) == 0)
            return json_object_get(d, "dependsOn");
    fail_msg("no dependencies entry for %s", ref);
    return NULL;
}

static int arr_has(json_t *arr, const char *s)
{
    json_t *v;
    size_t i;
    json_array_foreach(arr, i, v)
        if (strcmp(json_string_value(v), s) == 0)
            return 1;
    return 0;
}

static void assert_sorted_strings(json_t *arr)
{
    for (size_t i = 1; i < json_array_size(arr); i++)
        assert_true(strcmp(json_string_value(json_array_get(arr, i - 1)),
                           json_string_value(json_array_get(arr, i))) < 0);
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return 0;
    return 1;
}

/* 8-4-4-4-12 lower hex, version 5, RFC 4122 variant. */
static void assert_uuid5(const char *u)
{
    assert_int_equal(strlen(u), 36);
    assert_true(is_hex(u, 8) && u[8] == '-' && is_hex(u + 9, 4) && u[13] == '-');
    assert_true(u[14] == '5' && is_hex(u + 15, 3) && u[18] == '-');
    assert_non_null(strchr("89ab", u[19]));
    assert_true(is_hex(u + 20, 3) && u[23] == '-' && is_hex(u + 24, 12));
}

/* ---- tests --------------------------------------------------------------- */

static void test_format_parse(void **state)
{
    (void)state;
    cg_sbom_format f = CG_SBOM_TABLE;
    assert_int_equal(cg_sbom_format_parse("cyclonedx-json", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_CYCLONEDX_JSON);
    f = CG_SBOM_TABLE;
    assert_int_equal(cg_sbom_format_parse("cyclonedx", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_CYCLONEDX_JSON);
    f = CG_SBOM_TABLE;
    assert_int_equal(cg_sbom_format_parse("cdx", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_CYCLONEDX_JSON);
    assert_int_equal(cg_sbom_format_parse("spdx-json", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_SPDX_JSON);
    f = CG_SBOM_TABLE;
    assert_int_equal(cg_sbom_format_parse("spdx", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_SPDX_JSON);
    assert_int_equal(cg_sbom_format_parse("table", &f), CG_OK);
    assert_int_equal(f, CG_SBOM_TABLE);
    const char *bad[] = {"", "json", "CycloneDX", "spdx-tag-value", "table ", "cyclonedx-xml"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cg_sbom_format_parse(bad[i], &f), CG_ERR_USAGE);
    assert_int_equal(cg_sbom_format_parse(NULL, &f), CG_ERR_USAGE);
}

static void test_cdx_document(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    assert_string_equal(jstr(doc, "$schema"), "http://cyclonedx.org/schema/bom-1.6.schema.json");
    assert_string_equal(jstr(doc, "bomFormat"), "CycloneDX");
    assert_string_equal(jstr(doc, "specVersion"), "1.6");
    assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
    const char *serial = jstr(doc, "serialNumber");
    assert_non_null(serial);
    assert_memory_equal(serial, "urn:uuid:", 9);
    assert_uuid5(serial + 9);
    /* key order is fixed */
    const char *order[] = {"$schema", "bomFormat", "specVersion", "serialNumber", "version",
                           "metadata", "components", "dependencies"};
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v) assert_string_equal(key, order[k++]);
    assert_int_equal(k, 8);

    json_t *meta = json_object_get(doc, "metadata");
    assert_string_equal(jstr(meta, "timestamp"), "2025-01-01T00:00:00Z");
    json_t *tool = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"), 0);
    assert_string_equal(jstr(tool, "type"), "application");
    assert_string_equal(jstr(tool, "name"), "cgate");
    assert_string_equal(jstr(tool, "version"), CGATE_VERSION);
    json_t *img = json_object_get(meta, "component");
    assert_string_equal(jstr(img, "type"), "container");
    assert_string_equal(jstr(img, "bom-ref"), s.image_purl);
    assert_string_equal(jstr(img, "purl"), s.image_purl);
    assert_string_equal(jstr(img, "name"), "lab/app");
    assert_string_equal(jstr(img, "version"), MDIG);
    assert_string_equal(cdx_prop(img, "cgate:image:config-digest"), CDIG);
    assert_string_equal(cdx_prop(img, "cgate:image:transport"), "docker-archive");
    assert_string_equal(cdx_prop(img, "cgate:image:tag"), "1.0");
    assert_string_equal(cdx_prop(img, "cgate:image:architecture"), "amd64");
    assert_string_equal(cdx_prop(img, "cgate:image:layer:1:diff_id"), "sha256:b0b0");
    assert_string_equal(cdx_prop(img, "cgate:image:layer:0:digest"), "sha256:aaaa");

    json_t *comps = json_object_get(doc, "components");
    assert_int_equal(json_array_size(comps), 1 + s.n_pkgs);
    json_t *os = json_array_get(comps, 0);
    assert_string_equal(jstr(os, "type"), "operating-system");
    assert_string_equal(jstr(os, "bom-ref"), "os:debian@12");
    assert_string_equal(jstr(os, "name"), "debian");
    assert_string_equal(jstr(os, "version"), "12");
    assert_string_equal(jstr(os, "description"), "Debian GNU/Linux 12 (bookworm)");

    json_t *libc = cdx_component(doc, "libc6", NULL);
    assert_string_equal(jstr(libc, "type"), "library");
    assert_string_equal(jstr(libc, "bom-ref"), s.pkgs[7].purl);
    assert_string_equal(jstr(libc, "purl"), s.pkgs[7].purl);
    assert_string_equal(jstr(json_object_get(libc, "supplier"), "name"), s.pkgs[7].supplier);
    assert_string_equal(jstr(libc, "description"), s.pkgs[7].description);
    assert_string_equal(cdx_prop(libc, "cgate:package:type"), "deb");
    assert_string_equal(cdx_prop(libc, "cgate:cataloger"), "dpkg");
    assert_string_equal(cdx_prop(libc, "cgate:source:name"), "glibc");
    assert_string_equal(cdx_prop(libc, "cgate:package:arch"), "amd64");
    assert_string_equal(cdx_prop(libc, "cgate:layer:digest"), "sha256:aaaa");
    assert_string_equal(cdx_prop(libc, "cgate:layer:diff_id"), "sha256:a0a0");
    assert_string_equal(cdx_prop(libc, "cgate:location:0:path"), "/var/lib/dpkg/status");
    assert_string_equal(cdx_prop(libc, "cgate:location:0:layer:digest"), "sha256:aaaa");
    json_t *gcc = cdx_component(doc, "libgcc-s1", NULL);
    assert_string_equal(jstr(gcc, "version"), "1:12.2.0-14");
    assert_string_equal(cdx_prop(gcc, "cgate:source:version"), "12.2.0-14");
    assert_string_equal(cdx_prop(gcc, "cgate:layer:digest"), "sha256:bbbb");

    json_t *nover = cdx_component(doc, "nover", NULL);
    assert_null(json_object_get(nover, "version"));
    assert_null(json_object_get(nover, "licenses"));
    assert_null(cdx_prop(nover, "cgate:layer:digest")); /* layer -1 */
    json_t *noid = cdx_component(doc, "noid", NULL);
    assert_null(json_object_get(noid, "purl"));
    assert_string_equal(jstr(noid, "bom-ref"),
                        "cgate-pkg:npm/noid@2.0:/app/node_modules/noid/package.json");
    json_decref(doc);
    cg_arena_free(&s.arena);
}

static void test_cdx_bom_refs_unique(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    json_t *comps = json_object_get(doc, "components"), *c, *refs = json_array();
    size_t i;
    json_array_append_new(refs, json_string(jstr(json_object_get(json_object_get(doc, "metadata"),
                                                                 "component"), "bom-ref")));
    json_array_foreach(comps, i, c) {
        assert_false(arr_has(refs, jstr(c, "bom-ref")));
        json_array_append_new(refs, json_string(jstr(c, "bom-ref")));
    }
    assert_int_equal(json_array_size(refs), 2 + s.n_pkgs);
    /* duplicates: first keeps the purl, the next get #2, #3 in sort order */
    assert_string_equal(jstr(json_array_get(comps, 5), "bom-ref"), DUP_PURL);
    assert_string_equal(jstr(json_array_get(comps, 6), "bom-ref"), DUP_PURL "#2");
    assert_string_equal(jstr(json_array_get(comps, 7), "bom-ref"), DUP_PURL "#3");
    assert_string_equal(jstr(json_array_get(comps, 7), "purl"), DUP_PURL);
    assert_string_equal(cdx_prop(json_array_get(comps, 7), "cgate:location:0:path"), "/opt/dpkg/status");
    /* every component has exactly one dependencies entry, and nothing else does */
    json_t *deps = json_object_get(doc, "dependencies"), *d;
    assert_int_equal(json_array_size(deps), json_array_size(refs));
    json_array_foreach(deps, i, d) {
        assert_true(arr_has(refs, jstr(d, "ref")));
        assert_true(json_is_array(json_object_get(d, "dependsOn")));
        if (i)
            assert_true(strcmp(jstr(json_array_get(deps, i - 1), "ref"), jstr(d, "ref")) < 0);
        assert_sorted_strings(json_object_get(d, "dependsOn"));
    }
    json_decref(refs);
    json_decref(doc);
    cg_arena_free(&s.arena);
}

/* 20,000 packages sharing one purl (e.g. a jar nested many times): refs stay
 * unique and the writer stays linear (this took tens of seconds when each
 * package probed #2, #3, ... from the start). */
static void test_many_duplicate_purls(void **state)
{
    (void)state;
    enum { N = 20000 };
    cg_sbom s;
    memset(&s, 0, sizeof s);
    cg_arena_init(&s.arena);
    s.pkgs = cg_arena_calloc(&s.arena, N, sizeof *s.pkgs);
    for (int i = 0; i < N; i++)
        add_pkg(&s, "maven", "x", "1.0", "pkg:maven/g/x@1.0", "/app/x.jar", 0);
    clock_t t0 = clock();
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    json_t *comps = json_object_get(doc, "components");
    assert_int_equal(json_array_size(comps), N);
    assert_string_equal(jstr(json_array_get(comps, 0), "bom-ref"), "pkg:maven/g/x@1.0");
    assert_string_equal(jstr(json_array_get(comps, N - 1), "bom-ref"), "pkg:maven/g/x@1.0#20000");
    assert_true(secs < 20.0); /* generous for sanitizer builds; linear work is well under 1 s */
    json_decref(doc);
    cg_arena_free(&s.arena);
}

/* Language packages: the namespace is CycloneDX's group, and depends names
 * ("@types/node") resolve against namespace/name; an OS package's namespace
 * (its distro) is neither. */
static void test_groups_and_scoped_depends(void **state)
{
    (void)state;
    cg_sbom s;
    memset(&s, 0, sizeof s);
    cg_arena_init(&s.arena);
    s.pkgs = cg_arena_calloc(&s.arena, 4, sizeof *s.pkgs);
    cg_package *app = add_pkg(&s, "npm", "app", "1.0.0", "pkg:npm/app@1.0.0", "/app/package.json", 0);
    cg_package *node = add_pkg(&s, "npm", "node", "20.1.0", "pkg:npm/%40types/node@20.1.0",
                               "/app/node_modules/@types/node/package.json", 0);
    node->namespace_ = "@types";
    cg_package *other = add_pkg(&s, "npm", "node", "1.0.0", "pkg:npm/node@1.0.0",
                                "/app/node_modules/node/package.json", 0);
    (void)other;
    cg_package *deb = add_pkg(&s, "deb", "libc6", "2.36-9", "pkg:deb/debian/libc6@2.36-9", "/var/lib/dpkg/status", 0);
    deb->namespace_ = "debian";
    app->depends = strs(&s, 1, "@types/node");
    app->n_depends = 1;
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    json_t *scoped = cdx_component(doc, "node", "pkg:npm/%40types/node@20.1.0");
    assert_non_null(scoped);
    assert_string_equal(jstr(scoped, "group"), "@types");
    assert_null(json_object_get(cdx_component(doc, "libc6", "pkg:deb/debian/libc6@2.36-9"), "group"));
    json_t *on = cdx_deps_of(doc, "pkg:npm/app@1.0.0");
    assert_int_equal(json_array_size(on), 1);
    assert_string_equal(json_string_value(json_array_get(on, 0)), "pkg:npm/%40types/node@20.1.0");
    json_decref(doc);
    cg_arena_free(&s.arena);
}

static void test_cdx_licenses(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    /* one SPDX id in the enum */
    json_t *l = json_object_get(cdx_component(doc, "busybox", NULL), "licenses");
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(jstr(json_object_get(json_array_get(l, 0), "license"), "id"), "GPL-2.0-only");
    /* enum id + free-text name: a list */
    l = json_object_get(cdx_component(doc, "left-pad", NULL), "licenses");
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(jstr(json_object_get(json_array_get(l, 0), "license"), "id"), "WTFPL");
    assert_string_equal(jstr(json_object_get(json_array_get(l, 1), "license"), "name"),
                        "SEE LICENSE IN LICENSE.md");
    /* compound + name (+ a duplicate, dropped): one expression, name kept in a property */
    json_t *libc = cdx_component(doc, "libc6", NULL);
    l = json_object_get(libc, "licenses");
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(jstr(json_array_get(l, 0), "expression"),
                        "(LGPL-2.1-or-later AND GPL-2.0-or-later WITH GCC-exception-2.0) AND "
                        "LicenseRef-public-domain");
    assert_null(json_object_get(json_array_get(l, 0), "license"));
    assert_string_equal(cdx_prop(libc, "cgate:license:LicenseRef-public-domain"), "public-domain");
    /* an SPDX LicenseRef is not in the enum: expression */
    l = json_object_get(cdx_component(doc, "libgcc-s1", NULL), "licenses");
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(jstr(json_array_get(l, 0), "expression"),
                        "GPL-3.0-only AND LicenseRef-gcc-runtime");
    l = json_object_get(cdx_component(doc, "noid", NULL), "licenses");
    assert_string_equal(jstr(json_array_get(l, 0), "expression"), "Foo-Unlisted-1.0");
    /* an enum id + quoted free text stays a list */
    l = json_object_get(cdx_component(doc, "base-files", NULL), "licenses");
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(jstr(json_object_get(json_array_get(l, 1), "license"), "name"),
                        "Custom \"quoted\" licence, v2");
    json_decref(doc);
    cg_arena_free(&s.arena);
}

static void test_cdx_dependencies(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    json_t *img = cdx_deps_of(doc, s.image_purl);
    assert_true(arr_has(img, "os:debian@12"));
    assert_true(arr_has(img, "pkg:npm/left-pad@1.3.0"));
    assert_true(arr_has(img, "cgate-pkg:npm/noid@2.0:/app/node_modules/noid/package.json"));
    assert_false(arr_has(img, s.pkgs[7].purl));
    assert_int_equal(json_array_size(img), 3);
    json_t *os = cdx_deps_of(doc, "os:debian@12");
    assert_int_equal(json_array_size(os), s.n_pkgs - 2);
    assert_true(arr_has(os, s.pkgs[0].purl));
    assert_true(arr_has(os, DUP_PURL "#3"));
    /* libc6 -> libgcc-s1 (self edge dropped); libgcc-s1 -> libc6 (cycle kept) */
    json_t *d = cdx_deps_of(doc, s.pkgs[7].purl);
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_array_get(d, 0)), s.pkgs[8].purl);
    d = cdx_deps_of(doc, s.pkgs[8].purl);
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_array_get(d, 0)), s.pkgs[7].purl);
    /* ssl_client -> busybox, musl (unknown name dropped), sorted */
    d = cdx_deps_of(doc, s.pkgs[2].purl);
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(json_string_value(json_array_get(d, 0)), s.pkgs[0].purl);
    assert_string_equal(json_string_value(json_array_get(d, 1)), s.pkgs[1].purl);
    assert_int_equal(json_array_size(cdx_deps_of(doc, s.pkgs[1].purl)), 0);
    json_decref(doc);
    cg_arena_free(&s.arena);
}

static void test_no_distro(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 0);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    json_t *comps = json_object_get(doc, "components"), *c;
    size_t i;
    assert_int_equal(json_array_size(comps), s.n_pkgs);
    json_array_foreach(comps, i, c) assert_string_equal(jstr(c, "type"), "library");
    json_t *img = cdx_deps_of(doc, s.image_purl);
    assert_int_equal(json_array_size(img), s.n_pkgs); /* OS packages hang off the image */
    json_decref(doc);

    doc = write_json(&s, CG_SBOM_SPDX_JSON);
    json_t *rels = json_object_get(doc, "relationships"), *r;
    size_t contains = 0;
    json_array_foreach(rels, i, r) if (strcmp(jstr(r, "relationshipType"), "CONTAINS") == 0) {
        assert_string_equal(jstr(r, "spdxElementId"), "SPDXRef-Image-lab-app");
        contains++;
    }
    assert_int_equal(contains, s.n_pkgs);
    assert_int_equal(json_array_size(json_object_get(doc, "packages")), 1 + s.n_pkgs);
    json_decref(doc);
    char *t = write_fmt(&s, CG_SBOM_TABLE);
    assert_non_null(strstr(t, "Distro: (none)\n"));
    free(t);
    cg_arena_free(&s.arena);
}

static json_t *spdx_pkg(json_t *doc, const char *name)
{
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(doc, "packages"), i, p)
        if (strcmp(jstr(p, "name"), name) == 0)
            return p;
    fail_msg("no SPDX package %s", name);
    return NULL;
}

static int spdx_has_rel(json_t *doc, const char *a, const char *type, const char *b)
{
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(doc, "relationships"), i, r)
        if (strcmp(jstr(r, "spdxElementId"), a) == 0 && strcmp(jstr(r, "relationshipType"), type) == 0 &&
            strcmp(jstr(r, "relatedSpdxElement"), b) == 0)
            return 1;
    return 0;
}

static void test_spdx_document(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    json_t *doc = write_json(&s, CG_SBOM_SPDX_JSON);
    assert_string_equal(jstr(doc, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(jstr(doc, "dataLicense"), "CC0-1.0");
    assert_string_equal(jstr(doc, "SPDXID"), "SPDXRef-DOCUMENT");
    assert_string_equal(jstr(doc, "name"), "lab/app");
    const char *ns = jstr(doc, "documentNamespace");
    const char *pre = "https://spdx.org/spdxdocs/cgate-lab-app-";
    assert_memory_equal(ns, pre, strlen(pre));
    assert_uuid5(ns + strlen(pre));
    json_t *ci = json_object_get(doc, "creationInfo");
    assert_string_equal(jstr(ci, "created"), "2025-01-01T00:00:00Z");
    assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)),
                        "Tool: cgate-" CGATE_VERSION);

    json_t *pkgs = json_object_get(doc, "packages"), *p;
    assert_int_equal(json_array_size(pkgs), 2 + s.n_pkgs);
    json_t *img = json_array_get(pkgs, 0), *os = json_array_get(pkgs, 1);
    assert_string_equal(jstr(img, "primaryPackagePurpose"), "CONTAINER");
    assert_string_equal(jstr(img, "versionInfo"), MDIG);
    assert_string_equal(jstr(json_array_get(json_object_get(img, "externalRefs"), 0), "referenceLocator"),
                        s.image_purl);
    assert_string_equal(jstr(os, "primaryPackagePurpose"), "OPERATING_SYSTEM");
    assert_string_equal(jstr(os, "name"), "debian");
    assert_string_equal(jstr(os, "versionInfo"), "12");

    /* SPDXIDs: unique, only [A-Za-z0-9.-] after "SPDXRef-" */
    json_t *seen = json_array();
    size_t i;
    json_array_foreach(pkgs, i, p) {
        const char *id = jstr(p, "SPDXID");
        assert_memory_equal(id, "SPDXRef-", 8);
        assert_int_equal(strspn(id + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-"),
                         strlen(id + 8));
        assert_false(arr_has(seen, id));
        json_array_append_new(seen, json_string(id));
        assert_string_equal(jstr(p, "downloadLocation"), "NOASSERTION");
        assert_true(json_is_false(json_object_get(p, "filesAnalyzed")));
    }
    json_decref(seen);

    json_t *libc = spdx_pkg(doc, "libc6"), *gcc = spdx_pkg(doc, "libgcc-s1");
    const char *libc_id = jstr(libc, "SPDXID"), *gcc_id = jstr(gcc, "SPDXID");
    assert_memory_equal(libc_id, "SPDXRef-Package-deb-libc6-", 26);
    assert_string_equal(jstr(libc, "primaryPackagePurpose"), "LIBRARY");
    assert_string_equal(jstr(libc, "supplier"),
                        "Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)");
    assert_string_equal(jstr(libc, "licenseConcluded"), "NOASSERTION");
    assert_string_equal(jstr(libc, "licenseDeclared"),
                        "(LGPL-2.1-or-later AND GPL-2.0-or-later WITH GCC-exception-2.0) AND "
                        "LicenseRef-public-domain");
    assert_string_equal(jstr(libc, "copyrightText"), "NOASSERTION");
    assert_string_equal(jstr(libc, "sourceInfo"), "acquired package info from dpkg cataloger: /var/lib/dpkg/status");
    json_t *ref = json_array_get(json_object_get(libc, "externalRefs"), 0);
    assert_string_equal(jstr(ref, "referenceCategory"), "PACKAGE-MANAGER");
    assert_string_equal(jstr(ref, "referenceType"), "purl");
    assert_string_equal(jstr(ref, "referenceLocator"), s.pkgs[7].purl);
    assert_string_equal(jstr(spdx_pkg(doc, "busybox"), "licenseDeclared"), "GPL-2.0-only");
    assert_string_equal(jstr(spdx_pkg(doc, "nover"), "licenseDeclared"), "NOASSERTION");
    assert_null(json_object_get(spdx_pkg(doc, "nover"), "versionInfo"));
    assert_string_equal(jstr(spdx_pkg(doc, "nover"), "supplier"), "NOASSERTION");
    assert_string_equal(jstr(spdx_pkg(doc, "left-pad"), "licenseDeclared"),
                        "WTFPL AND LicenseRef-SEE-LICENSE-IN-LICENSE.md");
    assert_null(json_object_get(spdx_pkg(doc, "noid"), "externalRefs"));

    /* declared: generated refs for free-text names, and the package's own ref */
    json_t *ex = json_object_get(doc, "hasExtractedLicensingInfos"), *e;
    assert_int_equal(json_array_size(ex), 4);
    const char *want[][2] = {{"LicenseRef-Custom-quoted-licence-v2", "Custom \"quoted\" licence, v2"},
                             {"LicenseRef-SEE-LICENSE-IN-LICENSE.md", "SEE LICENSE IN LICENSE.md"},
                             {"LicenseRef-gcc-runtime", NULL},
                             {"LicenseRef-public-domain", "public-domain"}};
    json_array_foreach(ex, i, e) {
        assert_string_equal(jstr(e, "licenseId"), want[i][0]);
        if (want[i][1]) {
            assert_string_equal(jstr(e, "extractedText"), want[i][1]);
            assert_string_equal(jstr(e, "name"), want[i][1]);
        } else {
            assert_string_equal(jstr(e, "extractedText"), "NOASSERTION");
            assert_null(json_object_get(e, "name"));
        }
    }
    assert_string_equal(jstr(gcc, "licenseDeclared"), "GPL-3.0-only AND LicenseRef-gcc-runtime");

    const char *img_id = jstr(img, "SPDXID"), *os_id = jstr(os, "SPDXID");
    assert_true(spdx_has_rel(doc, "SPDXRef-DOCUMENT", "DESCRIBES", img_id));
    assert_true(spdx_has_rel(doc, img_id, "CONTAINS", os_id));
    assert_true(spdx_has_rel(doc, os_id, "CONTAINS", libc_id));
    assert_false(spdx_has_rel(doc, img_id, "CONTAINS", libc_id));
    assert_true(spdx_has_rel(doc, img_id, "CONTAINS", jstr(spdx_pkg(doc, "left-pad"), "SPDXID")));
    assert_true(spdx_has_rel(doc, libc_id, "DEPENDS_ON", gcc_id));
    assert_true(spdx_has_rel(doc, gcc_id, "DEPENDS_ON", libc_id));
    assert_false(spdx_has_rel(doc, libc_id, "DEPENDS_ON", libc_id));
    json_t *rels = json_object_get(doc, "relationships"), *r;
    /* 1 DESCRIBES + 1 OS + one CONTAINS per package + 5 DEPENDS_ON */
    assert_int_equal(json_array_size(rels), 2 + s.n_pkgs + 5);
    json_array_foreach(rels, i, r) if (i) {
        json_t *q = json_array_get(rels, i - 1);
        int c = strcmp(jstr(q, "spdxElementId"), jstr(r, "spdxElementId"));
        if (!c)
            c = strcmp(jstr(q, "relationshipType"), jstr(r, "relationshipType"));
        if (!c)
            c = strcmp(jstr(q, "relatedSpdxElement"), jstr(r, "relatedSpdxElement"));
        assert_true(c < 0);
    }
    json_decref(doc);
    cg_arena_free(&s.arena);
}

/* Generated LicenseRefs never take an id a package's own expression uses,
 * and names that sanitise alike get distinct ids in text order. */
static void make_licrefs(cg_sbom *s)
{
    make_empty(s);
    s->pkgs = cg_arena_calloc(&s->arena, 4, sizeof *s->pkgs);
    cg_package *p = add_pkg(s, "apk", "a", "1", "pkg:apk/alpine/a@1", "/lib/apk/db/installed", -1);
    p->licenses = lic(s, 3, "MIT OR LicenseRef-gcc-runtime", 1, "gcc runtime", 0, "NOASSERTION", 1);
    p->n_licenses = 3;
    p = add_pkg(s, "apk", "b", "1", "pkg:apk/alpine/b@1", "/lib/apk/db/installed", -1);
    p->licenses = lic(s, 2, "GPL/v2", 0, "GPL v2", 0);
    p->n_licenses = 2;
}

static void test_licref_collisions(void **state)
{
    (void)state;
    cg_sbom s;
    make_licrefs(&s);
    json_t *doc = write_json(&s, CG_SBOM_SPDX_JSON);
    json_t *pkgs = json_object_get(doc, "packages");
    assert_string_equal(jstr(json_array_get(pkgs, 1), "licenseDeclared"),
                        "(MIT OR LicenseRef-gcc-runtime) AND LicenseRef-gcc-runtime-2");
    assert_string_equal(jstr(json_array_get(pkgs, 2), "licenseDeclared"),
                        "LicenseRef-GPL-v2-2 AND LicenseRef-GPL-v2");
    json_t *ex = json_object_get(doc, "hasExtractedLicensingInfos");
    assert_int_equal(json_array_size(ex), 4);
    assert_string_equal(jstr(json_array_get(ex, 0), "licenseId"), "LicenseRef-GPL-v2");
    assert_string_equal(jstr(json_array_get(ex, 0), "extractedText"), "GPL v2");
    assert_string_equal(jstr(json_array_get(ex, 1), "licenseId"), "LicenseRef-GPL-v2-2");
    assert_string_equal(jstr(json_array_get(ex, 1), "extractedText"), "GPL/v2");
    assert_string_equal(jstr(json_array_get(ex, 2), "extractedText"), "NOASSERTION");
    assert_string_equal(jstr(json_array_get(ex, 3), "licenseId"), "LicenseRef-gcc-runtime-2");
    json_decref(doc);
    doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    json_t *a = json_array_get(json_object_get(doc, "components"), 0);
    assert_string_equal(jstr(json_array_get(json_object_get(a, "licenses"), 0), "expression"),
                        "(MIT OR LicenseRef-gcc-runtime) AND LicenseRef-gcc-runtime-2");
    assert_string_equal(cdx_prop(a, "cgate:license:LicenseRef-gcc-runtime-2"), "gcc runtime");
    /* free-text names only: a list of names, no expression */
    json_t *l = json_object_get(json_array_get(json_object_get(doc, "components"), 1), "licenses");
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(jstr(json_object_get(json_array_get(l, 0), "license"), "name"), "GPL/v2");
    json_decref(doc);
    cg_arena_free(&s.arena);
}

static void test_deterministic(void **state)
{
    (void)state;
    cg_sbom a, b;
    make_rich(&a, 1);
    make_rich(&b, 1); /* separately allocated: output must not depend on pointers */
    for (int f = CG_SBOM_CYCLONEDX_JSON; f <= CG_SBOM_TABLE; f++) {
        char *x = write_fmt(&a, (cg_sbom_format)f), *y = write_fmt(&a, (cg_sbom_format)f);
        char *z = write_fmt(&b, (cg_sbom_format)f);
        assert_string_equal(x, y);
        assert_string_equal(x, z);
        free(x);
        free(y);
        free(z);
    }
    /* content changes the serial and the namespace */
    json_t *d1 = write_json(&a, CG_SBOM_CYCLONEDX_JSON), *s1 = write_json(&a, CG_SBOM_SPDX_JSON);
    b.pkgs[0].version = "1.36.1-r16";
    json_t *d2 = write_json(&b, CG_SBOM_CYCLONEDX_JSON), *s2 = write_json(&b, CG_SBOM_SPDX_JSON);
    assert_string_not_equal(jstr(d1, "serialNumber"), jstr(d2, "serialNumber"));
    assert_string_not_equal(jstr(s1, "documentNamespace"), jstr(s2, "documentNamespace"));
    json_decref(d1);
    json_decref(d2);
    json_decref(s1);
    json_decref(s2);
    cg_arena_free(&a.arena);
    cg_arena_free(&b.arena);
}

static void test_empty(void **state)
{
    (void)state;
    cg_sbom s;
    make_empty(&s);
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    assert_int_equal(json_array_size(json_object_get(doc, "components")), 0);
    json_t *deps = json_object_get(doc, "dependencies");
    assert_int_equal(json_array_size(deps), 1);
    assert_string_equal(jstr(json_array_get(deps, 0), "ref"), "cgate-image:rootfs");
    assert_int_equal(json_array_size(json_object_get(json_array_get(deps, 0), "dependsOn")), 0);
    json_t *img = json_object_get(json_object_get(doc, "metadata"), "component");
    assert_null(json_object_get(img, "version"));
    assert_null(json_object_get(img, "purl"));
    assert_string_equal(jstr(json_object_get(doc, "metadata"), "timestamp"), "1970-01-01T00:00:00Z");
    json_decref(doc);
    doc = write_json(&s, CG_SBOM_SPDX_JSON);
    assert_int_equal(json_array_size(json_object_get(doc, "packages")), 1);
    assert_int_equal(json_array_size(json_object_get(doc, "relationships")), 1);
    assert_null(json_object_get(doc, "hasExtractedLicensingInfos"));
    json_decref(doc);
    char *t = write_fmt(&s, CG_SBOM_TABLE);
    assert_string_equal(t, "Image: rootfs  Digest: (none)  Distro: (none)\nNo packages found\n");
    free(t);
    cg_arena_free(&s.arena);
}

/* Start column (in code points) of each column header, from the header row. */
static void test_table(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    s.pkgs[0].name = "busy\x1b[31mbox"; /* an escape sequence from a hostile image */
    char *t = write_fmt(&s, CG_SBOM_TABLE);
    assert_null(strchr(t, '\x1b'));
    char *line = strtok(t, "\n");
    assert_string_equal(line, "Image: lab/app  Digest: " MDIG "  Distro: debian 12");
    char *head = strtok(NULL, "\n");
    const char *cols[] = {"NAME", "VERSION", "TYPE", "SOURCE", "LAYER"};
    size_t at[5];
    for (int c = 0; c < 5; c++) {
        char *h = strstr(head, cols[c]);
        assert_non_null(h);
        at[c] = (size_t)(h - head);
    }
    assert_int_equal(at[0], 0);
    size_t rows = 0;
    int saw_glibc = 0, saw_busybox_src = 0;
    for (char *row; (row = strtok(NULL, "\n")) != NULL; rows++) {
        assert_true(row[strlen(row) - 1] != ' '); /* no trailing blanks */
        /* byte offset of each code point, to look at the column boundaries */
        size_t off[256], cp = 0;
        for (size_t b = 0; row[b] && cp < 256; b++)
            if (((unsigned char)row[b] & 0xc0) != 0x80)
                off[cp++] = b;
        for (int c = 1; c < 5; c++) {
            if (at[c] >= cp)
                break; /* trailing empty cells are not padded */
            assert_int_equal(row[off[at[c] - 1]], ' ');
            if (c == 2) /* TYPE is never empty */
                assert_true(row[off[at[c]]] != ' ');
        }
        if (strncmp(row, "nover ", 6) != 0)
            assert_true(row[off[at[1]]] != ' ');
        if (strncmp(row, "libc6 ", 6) == 0) {
            assert_non_null(strstr(row, " glibc "));
            saw_glibc = 1;
        }
        if (strncmp(row, "busybox", 7) == 0 && strstr(row + 7, "busybox"))
            saw_busybox_src = 1;
        if (strncmp(row, "busy?[31mbox ", 13) == 0)
            assert_true(row[strlen(row) - 1] == '0'); /* layer 0 */
    }
    assert_int_equal(rows, s.n_pkgs);
    assert_true(saw_glibc);
    assert_false(saw_busybox_src);
    free(t);
    cg_arena_free(&s.arena);
}

static void test_bad_input(void **state)
{
    (void)state;
    cg_sbom s;
    make_rich(&s, 1);
    cg_buf b = CG_BUF_INIT;
    cg_error err;
    cg_error_clear(&err);
    s.timestamp = -5;
    assert_int_equal(cg_sbom_write(&s, CG_SBOM_CYCLONEDX_JSON, &b, &err), CG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "timestamp"));
    s.timestamp = TS_2025;
    assert_int_equal(cg_sbom_write(&s, (cg_sbom_format)42, &b, &err), CG_ERR_USAGE);
    assert_int_equal(cg_sbom_write(NULL, CG_SBOM_TABLE, &b, &err), CG_ERR_USAGE);
    assert_int_equal(b.len, 0);
    /* invalid UTF-8 from an image is repaired, never emitted raw */
    s.pkgs[7].description = "bad \xff\xc3 byte";
    json_t *doc = write_json(&s, CG_SBOM_CYCLONEDX_JSON);
    assert_string_equal(jstr(cdx_component(doc, "libc6", NULL), "description"),
                        "bad \xef\xbf\xbd\xef\xbf\xbd byte");
    json_decref(doc);
    /* a capped buffer reports the limit */
    cg_buf small;
    cg_buf_init(&small, 64);
    assert_int_equal(cg_sbom_write(&s, CG_SBOM_SPDX_JSON, &small, &err), CG_ERR_LIMIT);
    assert_int_equal(cg_sbom_write(&s, CG_SBOM_TABLE, &small, &err), CG_ERR_LIMIT);
    cg_buf_free(&small);
    cg_buf_free(&b);
    cg_arena_free(&s.arena);
}

/* ---- samples for the schema test ---------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void write_samples(const cg_sbom *s, const char *dir, const char *stem)
{
    char name[256];
    char *t = write_fmt(s, CG_SBOM_CYCLONEDX_JSON);
    snprintf(name, sizeof name, "%s.cdx.json", stem);
    write_file(dir, name, t);
    free(t);
    t = write_fmt(s, CG_SBOM_SPDX_JSON);
    snprintf(name, sizeof name, "%s.spdx.json", stem);
    write_file(dir, name, t);
    free(t);
    t = write_fmt(s, CG_SBOM_TABLE);
    snprintf(name, sizeof name, "%s.table.txt", stem);
    write_file(dir, name, t);
    free(t);
}

static void test_write_samples(void **state)
{
    (void)state;
    const char *tmp = getenv("CG_TMP");
    if (!tmp || !tmp[0])
        skip();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tmp);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/sbom-samples", tmp);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", dir, strerror(errno));
    DIR *d = opendir(dir); /* stale samples from an older run would be validated too */
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char p[4096 + 256];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    cg_sbom s;
    make_rich(&s, 1);
    write_samples(&s, dir, "rich");
    cg_arena_free(&s.arena);
    make_rich(&s, 0);
    write_samples(&s, dir, "rich-no-distro");
    cg_arena_free(&s.arena);
    make_empty(&s);
    write_samples(&s, dir, "empty");
    cg_arena_free(&s.arena);
    make_licrefs(&s);
    write_samples(&s, dir, "licrefs");
    cg_arena_free(&s.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_cdx_document),
        cmocka_unit_test(test_cdx_bom_refs_unique),
        cmocka_unit_test(test_many_duplicate_purls),
        cmocka_unit_test(test_groups_and_scoped_depends),
        cmocka_unit_test(test_cdx_licenses),
        cmocka_unit_test(test_cdx_dependencies),
        cmocka_unit_test(test_no_distro),
        cmocka_unit_test(test_spdx_document),
        cmocka_unit_test(test_licref_collisions),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_write_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
