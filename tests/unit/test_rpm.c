/*
 * test_rpm.c - the RPM cataloger on go-rpmdb's real databases in all three
 * formats (SQLite, Berkeley DB hash, NDB), compared field by field with the
 * lists real `rpm -qa` (or go-rpmdb's own expectation, for NDB) produced;
 * plus headers, databases and chains built here: layer attribution, epochs,
 * gpg-pubkey, dependencies, file ownership, and hostile input (offsets past
 * the end, a Berkeley DB page loop, truncated and fake SQLite, random bytes).
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

extern const cg_cataloger cg_cataloger_rpm;

static blob load(const char *rel)
{
    return cat_load("", rel);
}

static cg_package *pkg(cg_cat_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < cg_cat_n_packages(ctx); i++)
        if (!strcmp(cg_cat_package(ctx, i)->name, name))
            return cg_cat_package(ctx, i);
    fail_msg("no package %s", name);
    return NULL;
}

static cg_status run_mem(fx *x, const char *path, const uint8_t *d, size_t n)
{
    cg_cat_file f = {path, 0, d, n, -1, 0644};
    return cg_cat_run_files(x->ctx, &cg_cataloger_rpm, &f, 1, &x->err);
}

static bool warned(fx *x, const char *needle)
{
    for (size_t i = 0; i < cg_cat_n_warnings(x->ctx); i++)
        if (strstr(cg_cat_warning(x->ctx, i), needle))
            return true;
    return false;
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The packages as "NAME\tEPOCH\tVERSION\tRELEASE\tARCH\tSOURCERPM\t\tVENDOR"
 * lines, sorted and joined, to compare with an rpm -qa TSV whose LICENSE
 * column is blanked (licences are mapped to SPDX, checked separately). */
static char *got_tsv(fx *x)
{
    size_t n = cg_cat_n_packages(x->ctx);
    char **lines = calloc(n ? n : 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        const cg_package *p = cg_cat_package(x->ctx, i);
        const char *rel = cat_prop(p, "cgate:rpm:release"), *ep = cat_prop(p, "cgate:rpm:epoch");
        assert_non_null(rel);
        size_t vl = strlen(p->version) - strlen(rel) - 1;
        assert_string_equal(p->version + vl + 1, rel);
        char buf[2048];
        snprintf(buf, sizeof buf, "%s\t%s\t%.*s\t%s\t%s\t%s\t\t%s\n", p->name, ep ? ep : "(none)", (int)vl,
                 p->version, rel, p->arch ? p->arch : "", cat_prop(p, "cgate:rpm:sourcerpm"),
                 p->supplier ? p->supplier : "");
        lines[i] = strdup(buf);
        total += strlen(buf);
    }
    qsort(lines, n, sizeof *lines, line_cmp);
    char *out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

static char *want_tsv(const char *rel)
{
    blob b = load(rel);
    size_t n = 0;
    char **lines = NULL;
    char *s = (char *)b.data;
    size_t total = 1;
    for (size_t i = 0; i < b.len;) {
        size_t j = i;
        while (j < b.len && s[j] != '\n')
            j++;
        /* blank column 7 (LICENSE) */
        char buf[2048];
        int col = 1;
        size_t o = 0;
        for (size_t k = i; k < j && o < sizeof buf - 2; k++) {
            if (s[k] == '\t')
                col++;
            if (col == 7 && s[k] != '\t')
                continue;
            buf[o++] = s[k];
        }
        buf[o++] = '\n';
        buf[o] = 0;
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = strdup(buf);
        total += o;
        i = j + 1;
    }
    qsort(lines, n, sizeof *lines, line_cmp);
    char *out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(b.data);
    return out;
}

static void expect_fixture(fx *x, const char *path, const char *db, const char *tsv, size_t count)
{
    blob b = load(db);
    assert_int_equal(run_mem(x, path, b.data, b.len), CG_OK);
    free(b.data);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    assert_int_equal(cg_cat_n_packages(x->ctx), count);
    char *got = got_tsv(x), *want = want_tsv(tsv);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

/* ---------- the real databases ---------- */

static void test_wants(void **state)
{
    (void)state;
    cg_cat_want w;
    const char *yes[] = {"var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages.db",
                         "usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
                         "usr/share/rpm/Packages"};
    const char *no[] = {"var/lib/rpm/Packages.bak", "var/lib/rpm/Name", "var/lib/rpmPackages",
                        "opt/var/lib/rpm/Packages", "var/lib/rpm/x/Packages", "Packages", "rpmdb.sqlite",
                        "var/lib/rpm/rpmdb.sqlite-wal", ""};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        memset(&w, 0, sizeof w);
        assert_true(cg_cataloger_rpm.wants(yes[i], strlen(yes[i]), &w));
        assert_true(w.spill && w.essential && w.max_size >= 256u * 1024 * 1024);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(cg_cataloger_rpm.wants(no[i], strlen(no[i]), &w));
}

static void test_sqlite_mariner(void **state)
{
    fx *x = *state;
    cg_distro d = {.id = "mariner", .version_id = "2.0"};
    cg_cat_set_distro(x->ctx, &d);
    expect_fixture(x, "var/lib/rpm/rpmdb.sqlite", "go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite",
                   "go-rpmdb/cbl-mariner-2.0/expected-rpm-qa.tsv", 129);
    cg_package *p = pkg(x->ctx, "ca-certificates-base");
    assert_string_equal(p->version, "2.0.0-1.cm2");
    assert_string_equal(cat_prop(p, "cgate:rpm:epoch"), "1");
    assert_string_equal(p->source_name, "ca-certificates");
    assert_null(p->source_version); /* same as the package's */
    p = pkg(x->ctx, "curl");
    assert_string_equal(p->type, "rpm");
    assert_string_equal(p->namespace_, "mariner");
    assert_string_equal(p->cataloger, "rpm");
    assert_string_equal(p->arch, "x86_64");
    assert_string_equal(p->description, "An URL retrieval utility and library");
    assert_string_equal(p->licenses[0].value, "MIT");
    assert_true(p->licenses[0].is_spdx);
    assert_string_equal(p->locations[0].path, "/var/lib/rpm/rpmdb.sqlite");
    assert_string_equal(cat_prop(p, "cgate:rpm:db-format"), "sqlite");
    assert_null(cat_prop(p, "cgate:rpm:epoch"));
    /* REQUIRENAME resolved through PROVIDENAME (libcurl.so.4()(64bit)) */
    bool libcurl = false;
    for (size_t i = 0; i < p->n_depends; i++)
        libcurl |= !strcmp(p->depends[i], "curl-libs");
    assert_true(libcurl);
    /* a licence that is not SPDX stays as written */
    p = pkg(x->ctx, "bash");
    assert_string_equal(p->licenses[0].value, "GPLv3");
    /* a source RPM whose version differs: tdnf-plugin-repogpgcheck from tdnf */
    p = pkg(x->ctx, "tdnf-plugin-repogpgcheck");
    assert_string_equal(p->source_name, "tdnf");
    assert_null(p->source_version);
}

static void test_bdb_libuuid(void **state)
{
    fx *x = *state;
    expect_fixture(x, "var/lib/rpm/Packages", "go-rpmdb/libuuid/Packages", "go-rpmdb/libuuid/expected-rpm-qa.tsv", 1);
    cg_package *p = pkg(x->ctx, "libuuid");
    assert_string_equal(p->version, "2.32.1-42.el8_8");
    assert_string_equal(p->source_name, "util-linux");
    assert_string_equal(p->supplier, "Red Hat, Inc.");
    assert_null(p->namespace_); /* no distro known */
    assert_string_equal(cat_prop(p, "cgate:rpm:db-format"), "bdb");
}

static void test_ndb_sle15(void **state)
{
    fx *x = *state;
    expect_fixture(x, "usr/lib/sysimage/rpm/Packages.db", "go-rpmdb/sle15-bci/Packages.db",
                   "go-rpmdb/sle15-bci/expected-go-rpmdb.tsv", 35);
    cg_package *p = pkg(x->ctx, "libgcc_s1");
    assert_string_equal(p->version, "11.2.1+git610-1.3.9");
    assert_string_equal(p->source_name, "gcc11");
    assert_string_equal(cat_prop(p, "cgate:rpm:db-format"), "ndb");
}

/* Files an RPM installed own the language packages found there. */
static void test_ownership(void **state)
{
    fx *x = *state;
    blob b = load("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    assert_int_equal(run_mem(x, "var/lib/rpm/rpmdb.sqlite", b.data, b.len), CG_OK);
    free(b.data);
    const char *where[] = {"/usr/bin/curl", "/usr/lib/python3.9/site-packages/nothing/METADATA"};
    cg_package *lang[2];
    for (int i = 0; i < 2; i++) {
        lang[i] = cg_cat_add_package(x->ctx);
        lang[i]->type = "pypi";
        lang[i]->name = "x";
        assert_int_equal(cg_cat_add_location(x->ctx, lang[i], where[i], 0), CG_OK);
    }
    cg_cat_resolve_owners(x->ctx);
    assert_string_equal(lang[0]->owned_by, "curl");
    assert_string_equal(lang[0]->owned_by_type, "rpm");
    assert_null(lang[1]->owned_by);
}

/* ---------- built here: headers and databases ---------- */

typedef struct hb {
    uint8_t idx[64 * 16];
    uint8_t data[8192];
    uint32_t il, dl;
} hb;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void le32p(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void hb_entry(hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
    uint8_t *e = h->idx + h->il++ * 16;
    put32(e, tag);
    put32(e + 4, type);
    put32(e + 8, off);
    put32(e + 12, count);
}

static void hb_str(hb *h, uint32_t tag, const char *s)
{
    hb_entry(h, tag, 6, h->dl, 1);
    memcpy(h->data + h->dl, s, strlen(s) + 1);
    h->dl += (uint32_t)strlen(s) + 1;
}

static void hb_int(hb *h, uint32_t tag, uint32_t v)
{
    while (h->dl % 4)
        h->data[h->dl++] = 0;
    hb_entry(h, tag, 4, h->dl, 1);
    put32(h->data + h->dl, v);
    h->dl += 4;
}

static void hb_strs(hb *h, uint32_t tag, const char *const *v, uint32_t n)
{
    hb_entry(h, tag, 8, h->dl, n);
    for (uint32_t i = 0; i < n; i++) {
        memcpy(h->data + h->dl, v[i], strlen(v[i]) + 1);
        h->dl += (uint32_t)strlen(v[i]) + 1;
    }
}

static void hb_pkg(hb *h, const char *name, const char *ver, const char *rel, const char *arch)
{
    memset(h, 0, sizeof *h);
    hb_str(h, 1000, name);
    hb_str(h, 1001, ver);
    hb_str(h, 1002, rel);
    if (arch)
        hb_str(h, 1022, arch);
}

/* The blob: il, dl, index, data.  Returns its length in out. */
static size_t hb_blob(const hb *h, uint8_t *out)
{
    put32(out, h->il);
    put32(out + 4, h->dl);
    memcpy(out + 8, h->idx, h->il * 16);
    memcpy(out + 8 + h->il * 16, h->data, h->dl);
    return 8 + h->il * 16 + h->dl;
}

/* An NDB file holding the given blobs (one slot page). */
static size_t make_ndb(uint8_t *out, size_t cap, uint8_t *const *blobs, const size_t *lens, size_t n)
{
    memset(out, 0, cap);
    memcpy(out, "RpmP", 4);
    le32p(out + 12, 1);
    le32p(out + 16, (uint32_t)n + 1);
    size_t off = 4096;
    for (size_t i = 0; i < n; i++) {
        uint8_t *sl = out + 32 + i * 16;
        size_t room = (16 + lens[i] + 12 + 15) / 16 * 16;
        assert_true(off + room <= cap);
        memcpy(sl, "Slot", 4);
        le32p(sl + 4, (uint32_t)i + 1);
        le32p(sl + 8, (uint32_t)(off / 16));
        le32p(sl + 12, (uint32_t)(room / 16));
        memcpy(out + off, "BlbS", 4);
        le32p(out + off + 4, (uint32_t)i + 1);
        le32p(out + off + 12, (uint32_t)lens[i]);
        memcpy(out + off + 16, blobs[i], lens[i]);
        memcpy(out + off + room - 4, "BlbE", 4);
        off += room;
    }
    for (size_t i = n; 32 + i * 16 < 4096; i++)
        memcpy(out + 32 + i * 16, "Slot", 4);
    return off;
}

typedef struct spec {
    const char *name, *ver, *rel;
} spec;

static size_t ndb_of(uint8_t *out, size_t cap, const spec *s, size_t n)
{
    uint8_t *blobs[8];
    size_t lens[8];
    for (size_t i = 0; i < n; i++) {
        hb h;
        hb_pkg(&h, s[i].name, s[i].ver, s[i].rel, "x86_64");
        blobs[i] = malloc(16384);
        lens[i] = hb_blob(&h, blobs[i]);
    }
    size_t len = make_ndb(out, cap, blobs, lens, n);
    for (size_t i = 0; i < n; i++)
        free(blobs[i]);
    return len;
}

static void test_layer_chain(void **state)
{
    fx *x = *state;
    static const spec s0[] = {{"a", "1", "1"}, {"b", "1", "1"}, {"c", "1", "1"}};
    static const spec s1[] = {{"a", "1", "1"}, {"b", "2", "1"}};
    static const spec s2[] = {{"a", "1", "1"}, {"b", "2", "1"}, {"c", "1", "1"}, {"d", "1", "1"}};
    const spec *sp[] = {s0, s1, s2};
    size_t ns[] = {3, 2, 4};
    static uint8_t buf[3][16384];
    const uint8_t *data[3];
    size_t len[3];
    for (int i = 0; i < 3; i++) {
        data[i] = buf[i];
        len[i] = ndb_of(buf[i], sizeof buf[i], sp[i], ns[i]);
    }
    assert_int_equal(cat_run_layered(x, &cg_cataloger_rpm, "usr/lib/sysimage/rpm/Packages.db", data, len, 3), CG_OK);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 0);
    assert_int_equal(cg_cat_n_packages(x->ctx), 4);
    assert_int_equal(pkg(x->ctx, "a")->layer, 0);
    assert_int_equal(pkg(x->ctx, "b")->layer, 2);
    assert_int_equal(pkg(x->ctx, "c")->layer, 4); /* gone in layer 2's database */
    assert_int_equal(pkg(x->ctx, "d")->layer, 4);
    assert_int_equal(pkg(x->ctx, "a")->locations[0].layer, 4);
}

/* The same package in two database files is one package, two locations. */
static void test_two_databases(void **state)
{
    fx *x = *state;
    static const spec s[] = {{"a", "1", "1"}};
    static uint8_t b1[8192];
    size_t l1 = ndb_of(b1, sizeof b1, s, 1);
    cg_cat_file f[] = {{"usr/lib/sysimage/rpm/Packages.db", 0, b1, l1, -1, 0644},
                       {"var/lib/rpm/Packages.db", 0, b1, l1, -1, 0644}};
    assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_rpm, f, 2, &x->err), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_int_equal(pkg(x->ctx, "a")->n_locations, 2);
}

/* Epoch kept apart; gpg-pubkey skipped; an entry past the end costs only its header. */
static void test_headers(void **state)
{
    fx *x = *state;
    uint8_t *blobs[4];
    size_t lens[4];
    hb h;
    hb_pkg(&h, "vim-minimal", "8.2.3642", "1.fc35", "x86_64");
    hb_int(&h, 1003, 2);
    hb_str(&h, 1044, "vim-8.2.3642-1.fc35.src.rpm");
    hb_str(&h, 1014, "Vim and MIT");
    const char *dirs[] = {"/usr/bin/", "/etc/"}, *bases[] = {"vi", "virc"};
    hb_strs(&h, 1118, dirs, 2);
    hb_strs(&h, 1117, bases, 2);
    while (h.dl % 4)
        h.data[h.dl++] = 0;
    hb_entry(&h, 1116, 4, h.dl, 2);
    put32(h.data + h.dl, 0);
    put32(h.data + h.dl + 4, 1);
    h.dl += 8;
    blobs[0] = malloc(16384);
    lens[0] = hb_blob(&h, blobs[0]);
    hb_pkg(&h, "gpg-pubkey", "9867c58f", "601c49ca", NULL);
    blobs[1] = malloc(16384);
    lens[1] = hb_blob(&h, blobs[1]);
    hb_pkg(&h, "evil", "1", "1", "x86_64");
    hb_entry(&h, 1004, 6, h.dl + 100, 1); /* SUMMARY past the end of the data store */
    blobs[2] = malloc(16384);
    lens[2] = hb_blob(&h, blobs[2]);
    hb_pkg(&h, "evil2", "1", "1", "x86_64");
    hb_entry(&h, 1116, 4, h.dl - 4, 0x40000000); /* count * 4 overflows past the end */
    blobs[3] = malloc(16384);
    lens[3] = hb_blob(&h, blobs[3]);
    static uint8_t db[65536];
    size_t len = make_ndb(db, sizeof db, blobs, lens, 4);
    for (int i = 0; i < 4; i++)
        free(blobs[i]);
    assert_int_equal(run_mem(x, "var/lib/rpm/Packages.db", db, len), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    cg_package *p = pkg(x->ctx, "vim-minimal");
    assert_string_equal(p->version, "8.2.3642-1.fc35");
    assert_string_equal(cat_prop(p, "cgate:rpm:epoch"), "2");
    assert_string_equal(p->source_name, "vim");
    assert_string_equal(p->licenses[0].value, "Vim AND MIT"); /* both SPDX ids */
    assert_true(warned(x, "/var/lib/rpm/Packages.db: package header 3 skipped: index entry whose offset is past"));
    assert_true(warned(x, "/var/lib/rpm/Packages.db: package header 4 skipped: index entry whose data runs past"));
    assert_int_equal(cg_cat_n_warnings(x->ctx), 2);
    cg_package *lang = cg_cat_add_package(x->ctx);
    lang->type = "npm";
    lang->name = "y";
    assert_int_equal(cg_cat_add_location(x->ctx, lang, "/etc/virc", 0), CG_OK);
    cg_cat_resolve_owners(x->ctx);
    assert_string_equal(lang->owned_by, "vim-minimal");
}

/* A Berkeley DB hash file, page size 512: page 1 a hash page with two
 * records, record 1's overflow chain loops (2 -> 3 -> 2), record 2 sits on
 * page 4 whole. */
static size_t make_bdb_loop(uint8_t *db, const uint8_t *hdr, size_t hlen)
{
    const uint32_t ps = 512;
    memset(db, 0, 5 * ps);
    le32p(db + 12, 0x061561);
    le32p(db + 16, 9);
    le32p(db + 20, ps);
    db[25] = 8;
    le32p(db + 32, 4); /* last page */
    uint8_t *pg = db + ps;
    le32p(pg + 8, 1);
    pg[20] = 4; /* entries */
    pg[25] = 13;
    uint16_t o = (uint16_t)ps;
    uint16_t offs[4];
    for (int i = 0; i < 4; i++) {
        bool key = i % 2 == 0;
        o = (uint16_t)(o - (key ? 5 : 12));
        offs[i] = o;
        if (key) {
            pg[o] = 1;
            le32p(pg + o + 1, (uint32_t)(i / 2 + 1));
        } else {
            pg[o] = 3;
            le32p(pg + o + 4, i == 1 ? 2 : 4);
            le32p(pg + o + 8, i == 1 ? 800 : (uint32_t)hlen);
        }
        pg[26 + i * 2] = (uint8_t)offs[i];
        pg[27 + i * 2] = (uint8_t)(offs[i] >> 8);
    }
    for (uint32_t p = 2; p <= 3; p++) {
        uint8_t *ov = db + p * ps;
        le32p(ov + 8, p);
        le32p(ov + 16, p == 2 ? 3 : 2);
        ov[22] = (uint8_t)(100 & 0xff); /* 100 bytes each: the loop must be seen, not the length */
        ov[25] = 7;
    }
    uint8_t *ov = db + 4 * ps;
    le32p(ov + 8, 4);
    ov[22] = (uint8_t)hlen;
    ov[23] = (uint8_t)(hlen >> 8);
    ov[25] = 7;
    memcpy(ov + 26, hdr, hlen);
    return 5 * ps;
}

static void test_bdb_page_loop(void **state)
{
    fx *x = *state;
    hb h;
    hb_pkg(&h, "ok", "1", "1", "noarch");
    uint8_t hdr[512];
    size_t hl = hb_blob(&h, hdr);
    assert_true(hl < 400);
    static uint8_t db[5 * 512];
    size_t len = make_bdb_loop(db, hdr, hl);
    assert_int_equal(run_mem(x, "var/lib/rpm/Packages", db, len), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_string_equal(pkg(x->ctx, "ok")->version, "1-1");
    assert_true(warned(x, "/var/lib/rpm/Packages: 1 Berkeley DB overflow chain(s) loop back"));
}

static void test_bad_sqlite(void **state)
{
    fx *x = *state;
    blob b = load("go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    /* truncated: the header promises pages that are not there */
    assert_int_equal(run_mem(x, "var/lib/rpm/rpmdb.sqlite", b.data, 65536), CG_OK);
    assert_int_equal(cg_cat_n_warnings(x->ctx), 1);
    assert_non_null(strstr(cg_cat_warning(x->ctx, 0), "/var/lib/rpm/rpmdb.sqlite: "));
    size_t before = cg_cat_n_packages(x->ctx);
    assert_true(before < 129);
    /* too short to be a database at all */
    assert_int_equal(run_mem(x, "var/lib/rpm/rpmdb.sqlite", b.data, 100), CG_OK);
    assert_true(warned(x, "SQLite database truncated"));
    /* a SQLite database without a Packages table */
    memset(b.data + 100, 0, b.len - 100); /* schema page wiped */
    assert_int_equal(run_mem(x, "usr/lib/sysimage/rpm/rpmdb.sqlite", b.data, 8192), CG_OK);
    assert_true(warned(x, "/usr/lib/sysimage/rpm/rpmdb.sqlite: "));
    free(b.data);
    /* not a database */
    static const char text[] = "this is not an rpm database\n";
    assert_int_equal(run_mem(x, "usr/share/rpm/rpmdb.sqlite", (const uint8_t *)text, sizeof text - 1), CG_OK);
    assert_true(warned(x, "/usr/share/rpm/rpmdb.sqlite: not an rpm database"));
    assert_int_equal(run_mem(x, "usr/share/rpm/Packages", (const uint8_t *)"", 0), CG_OK);
    assert_true(warned(x, "/usr/share/rpm/Packages: empty file"));
}

static void test_random_bytes(void **state)
{
    fx *x = *state;
    static const char *const paths[] = {"var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages",
                                        "var/lib/rpm/Packages.db"};
    static uint8_t buf[65536];
    uint64_t r = 0x243f6a8885a308d3ull;
    for (int round = 0; round < 60; round++) {
        size_t n = (size_t)(r % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            buf[i] = (uint8_t)r;
        }
        /* give each format's magic a chance, so the readers see the junk */
        if (round % 3 == 0 && n >= 16)
            memcpy(buf, "SQLite format 3", 16);
        if (round % 3 == 1 && n >= 4)
            memcpy(buf, "RpmP", 4);
        if (round % 3 == 2 && n >= 32) {
            le32p(buf + 12, 0x061561);
            buf[25] = 8;
            le32p(buf + 20, 512);
        }
        cg_cat_file f = {paths[round % 3], 0, buf, n, -1, 0644};
        assert_int_equal(cg_cat_run_files(x->ctx, &cg_cataloger_rpm, &f, 1, &x->err), CG_OK);
    }
    assert_true(cg_cat_n_warnings(x->ctx) >= 60);
}

/* NDB slots pointing outside the file or at the slot pages themselves. */
static void test_ndb_bad_slots(void **state)
{
    fx *x = *state;
    static const spec s[] = {{"a", "1", "1"}, {"b", "1", "1"}, {"c", "1", "1"}};
    static uint8_t db[16384];
    size_t len = ndb_of(db, sizeof db, s, 3);
    le32p(db + 32 + 16 + 8, 0xfffffff0u); /* b: block offset far past the end */
    le32p(db + 32 + 32 + 8, 0);           /* c: block offset into the slot page */
    assert_int_equal(run_mem(x, "var/lib/rpm/Packages.db", db, len), CG_OK);
    assert_int_equal(cg_cat_n_packages(x->ctx), 1);
    assert_true(warned(x, "/var/lib/rpm/Packages.db: 2 NDB package blob(s) out of range"));
    /* slot page count larger than the file */
    le32p(db + 12, 1000);
    assert_int_equal(run_mem(x, "var/lib/rpm/Packages.db", db, len), CG_OK);
    assert_true(warned(x, "NDB slot page count 1000 does not fit"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants),
        cmocka_unit_test_setup_teardown(test_sqlite_mariner, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_bdb_libuuid, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_ndb_sle15, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_ownership, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_layer_chain, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_two_databases, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_headers, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_bdb_page_loop, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_bad_sqlite, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_random_bytes, cat_setup, cat_teardown),
        cmocka_unit_test_setup_teardown(test_ndb_bad_slots, cat_setup, cat_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
