/*
 * test_dpkg.c - the dpkg cataloger on Syft's fixtures and a real Debian 12
 * status file: exact package sets, epochs, Source, depends resolution,
 * DEP-5 licences, layer attribution over lower chains, caps and junk.
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

extern const cg_cataloger cg_cataloger_dpkg;
extern const cg_cataloger cg_cataloger_os_release;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static cg_package *pkg(cg_cat_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < cg_cat_n_packages(ctx); i++)
        if (!strcmp(cg_cat_package(ctx, i)->name, name))
            return cg_cat_package(ctx, i);
    fail_msg("package %s not found", name);
    return NULL;
}

static char *deps_str(const cg_package *p, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < p->n_depends; i++) {
        if (i)
            strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, p->depends[i], n - strlen(buf) - 1);
    }
    return buf;
}

static char *lics_str(const cg_package *p, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < p->n_licenses; i++) {
        if (i)
            strncat(buf, "|", n - strlen(buf) - 1);
        if (!p->licenses[i].is_spdx)
            strncat(buf, "~", n - strlen(buf) - 1);
        strncat(buf, p->licenses[i].value, n - strlen(buf) - 1);
    }
    return buf;
}

static cg_status run1(fx *x, const char *path, const char *fixture)
{
    blob b = load(fixture);
    cg_cat_file f = {path, 0, b.data, b.len};
    cg_status st = cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &f, 1, &x->err);
    free(b.data);
    return st;
}

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
#define W(p) cg_cataloger_dpkg.wants(p, strlen(p), &w)
    assert_true(W("var/lib/dpkg/status"));
    assert_true(w.essential);
    assert_int_equal(w.max_size, 32u << 20);
    assert_true(W("var/lib/dpkg/status.d/libc6"));
    assert_int_equal(w.max_size, 4u << 20);
    /* file lists (ownership of language packages): wanted, never essential */
    assert_true(W("var/lib/dpkg/status.d/libc6.md5sums"));
    assert_false(w.essential);
    assert_true(W("var/lib/dpkg/info/python3-six.list"));
    assert_true(W("var/lib/dpkg/info/libc6:amd64.list"));
    assert_false(W("var/lib/dpkg/info/libc6:amd64.md5sums"));
    assert_false(W("var/lib/dpkg/info/x/y.list"));
    assert_false(W("var/lib/dpkg/status.d/libc6.preinst"));
    assert_false(W("var/lib/dpkg/status.d/sub/x"));
    assert_false(W("var/lib/dpkg/status-old"));
    assert_true(W("usr/share/doc/libc6/copyright"));
    assert_false(w.essential);
    assert_false(W("usr/share/doc/libc6/x/copyright"));
    assert_false(W("usr/share/doc//copyright"));
    assert_false(W("usr/share/doc/libc6/changelog.gz"));
#undef W
}

static void test_coreutils_relationships(void **state)
{
    fx *x = *state;
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/coreutils", "syft/dpkg/status.d/coreutils-relationships"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 9);
    char b[1024];
    cg_package *p = pkg(x->ctx, "coreutils");
    assert_string_equal(p->version, "9.1-1");
    assert_string_equal(p->arch, "arm64");
    assert_string_equal(p->type, "deb");
    assert_string_equal(p->namespace_, "debian");
    assert_string_equal(p->cataloger, "dpkg");
    assert_string_equal(p->source_name, "coreutils");
    assert_null(p->source_version);
    assert_string_equal(p->supplier, "Michael Stone <mstone@debian.org>");
    /* Pre-Depends only, version constraints dropped */
    assert_string_equal(deps_str(p, b, sizeof b), "libacl1,libattr1,libc6,libgmp10,libselinux1");
    p = pkg(x->ctx, "libgmp10");
    assert_string_equal(p->version, "2:6.2.1+dfsg1-1.1"); /* epoch kept */
    assert_string_equal(p->source_name, "gmp");
    p = pkg(x->ctx, "libselinux1");
    assert_string_equal(p->source_name, "libselinux");
    assert_string_equal(p->source_version, "3.4-1");
    assert_string_equal(p->version, "3.4-1+b6");
    p = pkg(x->ctx, "libc6");
    assert_string_equal(p->source_name, "glibc");
    assert_string_equal(deps_str(p, b, sizeof b), "libgcc-s1");
    assert_null(p->description);
    p = pkg(x->ctx, "libgcc-s1");
    assert_string_equal(deps_str(p, b, sizeof b), "gcc-12-base,libc6");
    assert_int_equal(p->n_locations, 1);
    assert_string_equal(p->locations[0].path, "/var/lib/dpkg/status.d/coreutils");
    assert_int_equal(p->layer, 0);
}

static void test_doc_examples_depends(void **state)
{
    fx *x = *state;
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/doc-examples", "syft/dpkg/status.d/doc-examples"), CG_OK);
    /* versionless paragraphs are not packages: mutt and made-up-package-1..4 */
    assert_int_equal(cg_cat_n_packages(x->ctx), 5);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1);
    assert_non_null(strstr(cg_cat_warning(x->ctx, 0), "without a Version"));
    char b[1024];
    /* alternatives: none installed -> the first */
    assert_string_equal(deps_str(pkg(x->ctx, "mutt"), b, sizeof b), "default-mta,libc6");
    assert_string_equal(deps_str(pkg(x->ctx, "made-up-package-1"), b, sizeof b),
                        "gnumach-dev,hurd-dev,kernel-headers-2.2.10");
    assert_string_equal(deps_str(pkg(x->ctx, "made-up-package-2"), b, sizeof b),
                        "liblua5.1-dev,libluajit5.1-dev");
    assert_string_equal(deps_str(pkg(x->ctx, "made-up-package-3"), b, sizeof b), "bar,foo");
    assert_string_equal(pkg(x->ctx, "made-up-package-1")->source_name, "glibc");
}

static void test_alternatives_installed(void **state)
{
    fx *x = *state;
    static const char st[] =
        "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n"
        "Depends: x (>= 1) | y:any, z [amd64] | w, v | virt, b:amd64 (= 1), a\n\n"
        "Package: y\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: w\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: z\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: p\nStatus: install ok installed\nVersion: 1\nProvides: virt (= 2)\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
        "Package: half\nStatus: install ok half-installed\nVersion: 1\n";
    cg_cat_file f = {"var/lib/dpkg/status", 0, (const uint8_t *)st, sizeof st - 1};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &f, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 5);
    char b[256];
    /* x|y -> y; z|w -> both; v|virt -> provider p; b kept; self dropped */
    assert_string_equal(deps_str(pkg(x->ctx, "a"), b, sizeof b), "b,p,w,y,z");
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
}

static void test_multiple_and_junk_paragraphs(void **state)
{
    fx *x = *state;
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/multiple", "syft/dpkg/status.d/multiple"), CG_OK);
    /* "Package:" (empty) is ignored with one warning; no-version too */
    assert_int_equal(cg_cat_n_packages(x->ctx), 2);
    cg_package *p = pkg(x->ctx, "tzdata");
    assert_string_equal(p->version, "2020a-0+deb10u1");
    assert_string_equal(p->source_name, "tzdata-dev");
    assert_string_equal(p->description, "time zone and daylight-saving time data");
    assert_string_equal(pkg(x->ctx, "util-linux")->arch, "amd64");
    int nopkg = 0;
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        nopkg += strstr(cg_cat_warning(x->ctx, i), "without a Package") != NULL;
    assert_int_equal(nopkg, 1);
}

static void test_deinstall_corrupt_empty(void **state)
{
    fx *x = *state;
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/deinstall", "syft/dpkg/status.d/deinstall"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_string_equal(cg_cat_package(x->ctx, 0)->name, "linux-image-6.14.0-1012-aws");
    assert_string_equal(cg_cat_package(x->ctx, 0)->source_name, "linux-signed-aws-6.14");
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/corrupt", "syft/dpkg/status.d/corrupt"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 0);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1);
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(run1(x, "var/lib/dpkg/status.d/empty", "syft/dpkg/status.d/empty"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 0);
}

static void test_distroless_with_copyright(void **state)
{
    fx *x = *state;
    blob s = load("syft/dpkg/distroless/libsqlite3-0");
    blob c = load("syft/dpkg/distroless/libsqlite3-0.copyright");
    blob pre = {(uint8_t *)"# some shell script...", 22};
    cg_cat_file f[] = {
        {"var/lib/dpkg/status.d/libsqlite3-0", 2, s.data, s.len},
        {"var/lib/dpkg/status.d/libsqlite3-0.md5sums", 2, (const uint8_t *)"x", 1},
        {"var/lib/dpkg/status.d/libsqlite3-0.preinst", 2, pre.data, pre.len},
        {"usr/share/doc/libsqlite3-0/copyright", 3, c.data, c.len},
    };
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, f, 4, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    cg_package *p = cg_cat_package(x->ctx, 0);
    assert_string_equal(p->name, "libsqlite3-0");
    assert_string_equal(p->version, "3.34.1-3");
    assert_string_equal(p->source_name, "sqlite3");
    assert_string_equal(p->arch, "arm64");
    char b[256];
    assert_string_equal(deps_str(p, b, sizeof b), "libc6");
    assert_string_equal(lics_str(p, b, sizeof b), "GPL-2.0-or-later|~public-domain");
    assert_int_equal(p->n_locations, 2);
    assert_string_equal(p->locations[0].path, "/var/lib/dpkg/status.d/libsqlite3-0");
    assert_string_equal(p->locations[1].path, "/usr/share/doc/libsqlite3-0/copyright");
    free(s.data);
    free(c.data);
}

/* Licences of one copyright file attached to a one-package status. */
static const char *lics_of(fx *x, const char *fixture, char *b, size_t n)
{
    static const char st[] = "Package: p\nStatus: install ok installed\nVersion: 1\n";
    blob c = load(fixture);
    cg_cat_file f[] = {{"var/lib/dpkg/status", 0, (const uint8_t *)st, sizeof st - 1},
                       {"usr/share/doc/p/copyright", 0, c.data, c.len}};
    cg_cat_ctx_free(x->ctx);
    x->ctx = cg_cat_ctx_new(&x->a);
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, f, 2, &x->err), CG_OK);
    free(c.data);
    return lics_str(pkg(x->ctx, "p"), b, n);
}

static void test_copyright_licences(void **state)
{
    fx *x = *state;
    char b[2048];
    assert_string_equal(lics_of(x, "syft/dpkg/copyright/libaudit-common", b, sizeof b),
                        "GPL-2.0-only|LGPL-2.1-only");
    assert_string_equal(lics_of(x, "syft/dpkg/copyright/liblzma5", b, sizeof b),
                        "~Autoconf|GPL-2.0-only|GPL-2.0-or-later|LGPL-2.1-or-later|~PD|~PD-debian|"
                        "~config-h|~noderivs|~none|~permissive-fsf|~permissive-nowarranty|~probably-PD");
    /* no Format: header -> not DEP-5 -> no licences */
    assert_string_equal(lics_of(x, "syft/dpkg/copyright/trilicense", b, sizeof b), "");
    assert_string_equal(lics_of(x, "syft/dpkg/copyright/python", b, sizeof b), "");
    assert_string_equal(lics_of(x, "syft/dpkg/copyright/microsoft", b, sizeof b), "");
    assert_string_equal(lics_of(x, "debian12/zlib1g.copyright", b, sizeof b), "Zlib");
    assert_string_equal(lics_of(x, "debian12/coreutils.copyright", b, sizeof b),
                        "BSD-4-Clause-UC|FSFULLR|GFDL-1.3-no-invariants-only|GPL-3.0-or-later|"
                        "GPL-3.0-or-later AND BSD-4-Clause-UC|GPL-3.0-or-later AND ISC|ISC");
    assert_string_equal(lics_of(x, "debian12/libc6.copyright", b, sizeof b), "");
    /* https Format URL, "with ... exception" not on the SPDX list kept as written */
    lics_of(x, "debian12/curl.copyright", b, sizeof b);
    assert_non_null(strstr(b, "|X11|curl"));
    assert_non_null(strstr(b, "~GPL-2+ with Libtool exception"));
    assert_non_null(strstr(b, "BSD-3-Clause|BSD-4-Clause-UC")); /* de-duplicated by case */
}

static void test_oversize(void **state)
{
    fx *x = *state;
    size_t big = (32u << 20) + 1;
    uint8_t *d = calloc(1, big);
    cg_cat_file f = {"var/lib/dpkg/status", 0, d, big};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &f, 1, &x->err), CG_ERR_LIMIT);
    assert_non_null(strstr(x->err.msg, "var/lib/dpkg/status"));
    cg_cat_file g = {"var/lib/dpkg/status.d/x", 0, d, (4u << 20) + 1};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &g, 1, &x->err), CG_ERR_LIMIT);
    /* an oversize copyright is skipped with a warning */
    cg_cat_file h = {"usr/share/doc/x/copyright", 0, d, (1u << 20) + 1};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &h, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1);
    free(d);
}

static void test_junk(void **state)
{
    fx *x = *state;
    size_t n = 2u << 20;
    uint8_t *d = malloc(n);
    uint32_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        d[i] = (uint8_t)(s >> 16);
    }
    cg_cat_file f = {"var/lib/dpkg/status", 0, d, n};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &f, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 0);
    /* a huge line and NULs inside a valid paragraph */
    size_t m = 3u << 20;
    uint8_t *e = malloc(m);
    const char head[] = "Package: big\nStatus: install ok installed\nVersion: 1\nDescription: ";
    memcpy(e, head, sizeof head - 1);
    memset(e + sizeof head - 1, 'x', m - (sizeof head - 1));
    e[m / 2] = 0;
    cg_cat_file g = {"var/lib/dpkg/status", 0, e, m};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &g, 1, &x->err), CG_OK);
    cg_package *p = pkg(x->ctx, "big");
    assert_null(p->description); /* NUL inside: dropped, not truncated text */
    memset(e + sizeof head - 1, 'y', m - (sizeof head - 1));
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, &g, 1, &x->err), CG_OK);
    p = cg_cat_package(x->ctx, cg_cat_n_packages(x->ctx) - 1);
    assert_int_equal(strlen(p->description), 1024);
    free(d);
    free(e);
}

/* Real Debian 12: two layers' status files, compared with expected.tsv
 * (generated by awk, see tests/data/debian12/ORIGIN.md). */
static void test_debian12_layers(void **state)
{
    fx *x = *state;
    blob l0 = load("debian12/status.layer0"), l1 = load("debian12/status.layer1");
    blob osr = load("debian12/os-release"), exp = load("debian12/expected.tsv");
    /* distro first, as the SBOM builder runs it */
    cg_cat_file of = {"etc/os-release", 0, osr.data, osr.len};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_os_release, &of, 1, &x->err), CG_OK);
    const cg_cataloger *c = &cg_cataloger_dpkg;
    cg_cat_file f0 = {"var/lib/dpkg/status", 0, l0.data, l0.len};
    cg_cat_file f1 = {"var/lib/dpkg/status", 1, l1.data, l1.len};
    void *r0 = NULL, *r1 = NULL;
    assert_int_equal(c->parse(x->ctx, &f0, &r0, &x->err), CG_OK);
    assert_int_equal(c->parse(x->ctx, &f1, &r1, &x->err), CG_OK);
    cg_cat_node n0 = {"var/lib/dpkg/status", 0, r0, NULL};
    cg_cat_node n1 = {"var/lib/dpkg/status", 1, r1, &n0};
    const cg_cat_node *top[] = {&n1};
    assert_int_equal(c->finish(x->ctx, top, 1, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);

    size_t lines = 0;
    char *save = NULL;
    exp.data = realloc(exp.data, exp.len + 1);
    exp.data[exp.len] = 0;
    for (char *ln = strtok_r((char *)exp.data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char name[256], arch[64], ver[256], src[256], sver[256];
        int layer;
        assert_int_equal(sscanf(ln, "%255s %63s %255s %255s %255s %d", name, arch, ver, src, sver, &layer), 6);
        cg_package *p = pkg(x->ctx, name);
        assert_string_equal(p->arch, arch);
        assert_string_equal(p->version, ver);
        assert_string_equal(p->source_name, src);
        if (!strcmp(sver, "-"))
            assert_null(p->source_version);
        else
            assert_string_equal(p->source_version, sver);
        if (p->layer != layer)
            fail_msg("%s: layer %d, want %d", name, p->layer, layer);
        assert_string_equal(p->locations[0].path, "/var/lib/dpkg/status");
        assert_int_equal(p->locations[0].layer, 1);
        assert_string_equal(p->namespace_, "debian");
        lines++;
    }
    assert_int_equal(lines, 106);
    assert_int_equal(cg_cat_n_packages(x->ctx), lines);
    char b[1024];
    cg_package *curl = pkg(x->ctx, "curl");
    assert_string_equal(deps_str(curl, b, sizeof b), "libc6,libcurl4,zlib1g");
    assert_string_equal(curl->description, "command line tool for transferring data with URL syntax");
    assert_string_equal(pkg(x->ctx, "libc6")->supplier,
                        "GNU Libc Maintainers <debian-glibc@lists.debian.org>");
    free(l0.data);
    free(l1.data);
    free(osr.data);
    free(exp.data);
}

/* Layer attribution: a package upgraded in a middle layer is attributed to
 * it; one removed and re-added with the same version to the re-adding layer. */
static void test_layer_chain(void **state)
{
    fx *x = *state;
    static const char s0[] = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                             "Package: b\nStatus: install ok installed\nVersion: 1\n\n"
                             "Package: c\nStatus: install ok installed\nVersion: 1\n";
    static const char s1[] = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                             "Package: b\nStatus: install ok installed\nVersion: 2\n";
    static const char s2[] = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                             "Package: b\nStatus: install ok installed\nVersion: 2\n\n"
                             "Package: c\nStatus: install ok installed\nVersion: 1\n\n"
                             "Package: d\nStatus: install ok installed\nVersion: 1\n";
    const uint8_t *src[] = {(const uint8_t *)s0, (const uint8_t *)s1, (const uint8_t *)s2};
    const size_t len[] = {sizeof s0 - 1, sizeof s1 - 1, sizeof s2 - 1};
    assert_int_equal(cat_run_layered(x, &cg_cataloger_dpkg, "var/lib/dpkg/status", src, len, 3), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4);
    assert_int_equal(pkg(x->ctx, "a")->layer, 0);
    assert_int_equal(pkg(x->ctx, "b")->layer, 2);
    assert_int_equal(pkg(x->ctx, "c")->layer, 4); /* gone in layer 2's status */
    assert_int_equal(pkg(x->ctx, "d")->layer, 4);
    assert_int_equal(pkg(x->ctx, "a")->locations[0].layer, 4);
}

static void test_distro_namespace(void **state)
{
    fx *x = *state;
    cg_distro d = {.id = "ubuntu", .version_id = "22.04"};
    cg_cat_set_distro(x->ctx, &d);
    assert_int_equal(run1(x, "var/lib/dpkg/status", "syft/dpkg/image-dpkg-status"), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    cg_package *p = pkg(x->ctx, "libpam-runtime");
    assert_string_equal(p->namespace_, "ubuntu");
    assert_string_equal(p->version, "1.1.8-3.6");
    assert_string_equal(p->source_name, "pam");
    char b[256];
    /* debconf | debconf-2.0 and debconf | cdebconf: none installed -> first */
    assert_string_equal(deps_str(p, b, sizeof b), "debconf,libpam-modules");
}

/* A language package whose file a Debian package installed is marked owned;
 * one outside every file list is not; a list of a package that is not
 * installed owns nothing. */
static void test_ownership(void **state)
{
    fx *x = *state;
    static const char status[] =
        "Package: python3-six\nStatus: install ok installed\nVersion: 1.16.0-4\nArchitecture: all\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: all\n\n";
    static const char list[] = "/.\n/usr\n/usr/lib/python3/dist-packages/six-1.16.0.dist-info\n"
                               "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA\n";
    static const char gone[] = "/srv/gone/package.json\n";
    static const char md5[] = "0123456789abcdef0123456789abcdef  usr/lib/node/x/package.json\n";
    cg_cat_file f[] = {
        {"var/lib/dpkg/status", 0, (const uint8_t *)status, sizeof status - 1, -1, 0644},
        {"var/lib/dpkg/info/python3-six.list", 0, (const uint8_t *)list, sizeof list - 1, -1, 0644},
        {"var/lib/dpkg/info/gone.list", 0, (const uint8_t *)gone, sizeof gone - 1, -1, 0644},
        {"var/lib/dpkg/status.d/python3-six.md5sums", 0, (const uint8_t *)md5, sizeof md5 - 1, -1, 0644},
    };
    cg_error err;
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_dpkg, f, 4, &err), CG_OK);
    const char *where[] = {"/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
                           "/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
                           "/srv/gone/package.json", "/usr/lib/node/x/package.json"};
    cg_package *lang[4];
    for (int i = 0; i < 4; i++) {
        lang[i] = cg_cat_add_package(x->ctx);
        lang[i]->type = "pypi";
        lang[i]->name = "six";
        assert_int_equal(cg_cat_add_location(x->ctx, lang[i], where[i], 0), CG_OK);
    }
    cg_cat_resolve_owners(x->ctx);
    assert_string_equal(lang[0]->owned_by, "python3-six");
    assert_string_equal(lang[0]->owned_by_type, "deb");
    assert_null(lang[1]->owned_by);
    assert_null(lang[2]->owned_by); /* "gone" is not installed */
    assert_string_equal(lang[3]->owned_by, "python3-six");
    assert_null(pkg(x->ctx, "python3-six")->owned_by); /* OS packages are never owned */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_coreutils_relationships, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_doc_examples_depends, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_alternatives_installed, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_multiple_and_junk_paragraphs, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_deinstall_corrupt_empty, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_distroless_with_copyright, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_copyright_licences, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_oversize, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_junk, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_debian12_layers, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_layer_chain, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_distro_namespace, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_ownership, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
