/*
 * test_runtime.c - the runtime evidence readers and the path -> package
 * mapper (src/scan/runtime*.c) without an image: a hand-made file tree
 * (usr-merge, versioned library links, a symlink loop, node_modules, a dpkg
 * .list, a jar) and hand-written Falco lines, strace lines (pid prefixes,
 * timestamps, unfinished/resumed pairs, escapes, failures, truncation) and
 * path lists (comments, NUL bytes, `..`, relative and over-long paths).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgate/runtime.h"
#include "cgate/sbom.h"
#include "scan/runtime_int.h"

enum { P_LZMA, P_PERL, P_LODASH, P_MINIMIST, P_JAR, P_NESTED, P_NOFILES, NP };

typedef struct fx {
    cg_sbom sb;
    cg_package pkgs[NP];
    cg_location locs[NP];
    cg_prop nested_prop;
    rt_index ix;
    cg_runtime *rt;
    cg_error err;
} fx;

static const char LZMA_LIST[] = "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/liblzma.so.5.4.1\n"
                                "/lib/x86_64-linux-gnu/liblzma.so.5\n";
static const char PERL_LIST[] = "/.\n/usr\n/usr/bin\n/usr/bin/perl\n/usr/bin/perl5.36.0\n";

static void pkg(fx *x, int i, const char *type, const char *name, const char *arch, const char *loc)
{
    x->pkgs[i] = (cg_package){.type = type, .name = name, .version = "1", .arch = arch, .layer = 0};
    if (loc) {
        x->locs[i] = (cg_location){loc, 0};
        x->pkgs[i].locations = &x->locs[i];
        x->pkgs[i].n_locations = 1;
    }
}

static void add(fx *x, const char *path, int type, const char *link, const char *data)
{
    assert_int_equal(rt_index_add(&x->ix, path, type, link, data, data ? strlen(data) : 0, &x->err), CG_OK);
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    cg_error_clear(&x->err);
    pkg(x, P_LZMA, "deb", "liblzma5", "amd64", "/var/lib/dpkg/status");
    pkg(x, P_PERL, "deb", "perl-base", "amd64", "/var/lib/dpkg/status");
    pkg(x, P_LODASH, "npm", "lodash", NULL, "/app/node_modules/lodash/package.json");
    pkg(x, P_MINIMIST, "npm", "minimist", NULL, "/app/node_modules/lodash/node_modules/minimist/package.json");
    pkg(x, P_JAR, "maven", "app", NULL, "/opt/app.jar");
    pkg(x, P_NESTED, "maven", "lib-a", NULL, "/opt/app.jar");
    x->nested_prop = (cg_prop){"cgate:java:archive-path", "/opt/app.jar!/BOOT-INF/lib/lib-a.jar"};
    x->pkgs[P_NESTED].props = &x->nested_prop;
    x->pkgs[P_NESTED].n_props = 1;
    pkg(x, P_NOFILES, "deb", "nofiles", "amd64", "/var/lib/dpkg/status");
    x->sb.pkgs = x->pkgs;
    x->sb.n_pkgs = NP;
    x->sb.image.manifest_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    x->sb.image.config_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    x->rt = rt_runtime_new(NP);
    assert_non_null(x->rt);
    rt_index_init(&x->ix, x->rt->known);
    add(x, "lib", RT_LINK, "usr/lib", NULL);
    add(x, "bin", RT_LINK, "/usr/bin", NULL);
    add(x, "usr", RT_DIR, NULL, NULL);
    add(x, "usr/lib", RT_DIR, NULL, NULL);
    add(x, "usr/lib/x86_64-linux-gnu", RT_DIR, NULL, NULL);
    add(x, "usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1", RT_REG, NULL, NULL);
    add(x, "usr/lib/x86_64-linux-gnu/liblzma.so.5", RT_LINK, "liblzma.so.5.4.1", NULL);
    add(x, "usr/bin/perl", RT_REG, NULL, NULL);
    add(x, "usr/bin/perl5.36.0", RT_LINK, "perl", NULL);
    add(x, "usr/bin/node", RT_REG, NULL, NULL);
    add(x, "loop/a", RT_LINK, "b", NULL);
    add(x, "loop/b", RT_LINK, "../loop/a", NULL);
    add(x, "self", RT_LINK, "/self", NULL);
    add(x, "app/node_modules/lodash/lodash.js", RT_REG, NULL, NULL);
    add(x, "app/node_modules/lodash/node_modules/minimist/index.js", RT_REG, NULL, NULL);
    add(x, "opt/app.jar", RT_REG, NULL, NULL);
    add(x, "var/lib/dpkg/info/liblzma5:amd64.list", RT_REG, NULL, LZMA_LIST);
    add(x, "var/lib/dpkg/info/perl-base.list", RT_REG, NULL, PERL_LIST);
    assert_int_equal(rt_index_own(&x->ix, &x->sb, &x->err), CG_OK);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    rt_index_free(&x->ix);
    cg_runtime_free(x->rt);
    free(x);
    return 0;
}

/* Feed text (len bytes: may hold NULs) as one evidence stream. */
static cg_status feed(fx *x, const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len ? len : 1, "rb");
    assert_non_null(f);
    if (!len) {
        fclose(f);
        f = fmemopen((void *)"\n", 1, "rb");
    }
    cg_status st = rt_read(&x->ix, x->rt, &x->sb.image, "test", f, &x->err);
    fclose(f);
    return st;
}
#define FEED(x, lit) feed((x), (lit), sizeof(lit) - 1)

static int resolve(fx *x, const char *in, char *out)
{
    size_t ol;
    int r = rt_resolve(&x->ix, in, strlen(in), out, RT_MAX_PATH + 1, &ol);
    if (r == 0)
        out[ol] = 0;
    return r;
}

/* ---- the mapper ---- */

static void test_resolve(void **state)
{
    fx *x = *state;
    char out[RT_MAX_PATH + 1];
    assert_int_equal(resolve(x, "/lib/x86_64-linux-gnu/liblzma.so.5", out), 0);
    assert_string_equal(out, "usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1"); /* usr-merge, then the version link */
    assert_int_equal(resolve(x, "/bin/perl5.36.0", out), 0); /* absolute link target */
    assert_string_equal(out, "usr/bin/perl");
    assert_int_equal(resolve(x, "/usr/bin/../lib/./x86_64-linux-gnu//liblzma.so.5", out), 0);
    assert_string_equal(out, "usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1");
    assert_int_equal(resolve(x, "/bin/../lib", out), 0); /* ".." after the link to its left: /usr/bin/.. */
    assert_string_equal(out, "usr/lib");
    assert_int_equal(resolve(x, "/../../etc/passwd", out), 0); /* never above the root */
    assert_string_equal(out, "etc/passwd");
    assert_int_equal(resolve(x, "/loop/a/x", out), -1);         /* a -> b -> ../loop/a: ELOOP */
    assert_int_equal(resolve(x, "/self", out), -1);             /* a link to itself */
    assert_int_equal(resolve(x, "relative/path", out), -1);
    assert_int_equal(resolve(x, "", out), -1);
    char *big = malloc(RT_MAX_PATH + 2);
    assert_non_null(big);
    memset(big, 'a', RT_MAX_PATH + 1);
    big[0] = '/';
    big[RT_MAX_PATH + 1] = 0;
    assert_int_equal(resolve(x, big, out), -1);
    free(big);
}

static void count_pkg(void *ud, size_t pkg)
{
    (void)pkg;
    (*(size_t *)ud)++;
}

static size_t count_owners(fx *x, const char *path)
{
    char out[RT_MAX_PATH + 1];
    size_t n = 0;
    if (resolve(x, path, out) == 0)
        rt_owners(&x->ix, out, strlen(out), count_pkg, &n);
    return n;
}

static void note_pkg(void *ud, size_t pkg) { *(size_t *)ud = pkg; }

static size_t owner_of(fx *x, const char *path)
{
    char out[RT_MAX_PATH + 1];
    if (resolve(x, path, out) != 0)
        return (size_t)-2;
    size_t who = (size_t)-1;
    rt_owners(&x->ix, out, strlen(out), note_pkg, &who);
    return who;
}

static void test_owners(void **state)
{
    fx *x = *state;
    assert_int_equal(owner_of(x, "/lib/x86_64-linux-gnu/liblzma.so.5"), P_LZMA);
    assert_int_equal(owner_of(x, "/usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1"), P_LZMA); /* listed under /lib */
    assert_int_equal(owner_of(x, "/bin/perl"), P_PERL);
    assert_int_equal(owner_of(x, "/usr/bin/node"), (size_t)-1); /* no owner: not guessed */
    assert_int_equal(owner_of(x, "/usr/lib"), (size_t)-1);      /* folders are never evidence */
    assert_int_equal(owner_of(x, "/app/node_modules/lodash/lodash.js"), P_LODASH);
    assert_int_equal(owner_of(x, "/app/node_modules/lodash/node_modules/minimist/index.js"), P_MINIMIST); /* nearest */
    assert_int_equal(owner_of(x, "/opt/app.jar"), P_NESTED); /* both maven packages; the last one called */
    assert_int_equal(count_owners(x, "/opt/app.jar"), 2);
    assert_int_equal(x->rt->known[P_LZMA], 1);
    assert_int_equal(x->rt->known[P_PERL], 1);
    assert_int_equal(x->rt->known[P_NOFILES], 0); /* no .list: loaded false would be no claim */
    size_t who = (size_t)-1;
    assert_int_equal(rt_archive_owners(&x->ix, "opt/app.jar!/BOOT-INF/lib/lib-a.jar", 35, note_pkg, &who), 1);
    assert_int_equal(who, P_NESTED);
    assert_int_equal(rt_archive_owners(&x->ix, "opt/app.jar!", 12, note_pkg, &who), 1);
    assert_int_equal(who, P_JAR);
}

/* ---- the readers ---- */

static void test_strace(void **state)
{
    fx *x = *state;
    static const char log[] =
        "1234  execve(\"/usr/bin/node\", [\"node\", \"/app/index.js\"], 0x7ffd /* 5 vars */) = 0\n"
        "[pid  1235] 10:00:01.000001 openat(AT_FDCWD, \"/lib/x86_64-linux-gnu/liblzma.so.5\", O_RDONLY) = 3\n"
        "1236  openat(AT_FDCWD, \"/app/node_modules/lodash/node_modules/minimist/../../lodash.js\", O_RDONLY <unfinished ...>\n"
        "1237  openat(AT_FDCWD, \"/usr/bin/perl\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
        "1236  <... openat resumed>) = 4\n"
        "1238  <... openat resumed>) = 5\n"                /* resumed without its start: bad */
        "1234  read(3, \"\\177ELF\", 4) = 4\n"              /* not traced */
        "1234  openat(AT_FDCWD, \"/etc/ld.so.c\\000ache\", O_RDONLY) = 3\n" /* NUL */
        "1234  openat(AT_FDCWD, \"/loop/a/x\", O_RDONLY) = 3\n"             /* loop */
        "1234  open(\"/opt/\\x61pp.jar\", O_RDONLY) = 7\n"                   /* \x escape */
        "1234  --- SIGCHLD {si_signo=SIGCHLD} ---\n"
        "1234  +++ exited with 0 +++\n"
        "1234  openat(AT_FDCWD, \"/usr/bin/pe";              /* truncated, no newline */
    assert_int_equal(FEED(x, log), CG_OK);
    cg_runtime *rt = x->rt;
    assert_string_equal(rt->files[0].format, "strace");
    assert_int_equal(rt->loaded[P_LZMA], 1);
    assert_int_equal(rt->loaded[P_LODASH], 1); /* the resumed open, `..` applied */
    assert_int_equal(rt->loaded[P_MINIMIST], 0);
    assert_int_equal(rt->loaded[P_PERL], 0);   /* its open failed */
    assert_int_equal(rt->loaded[P_JAR], 1);
    assert_int_equal(rt->loaded[P_NESTED], 1); /* the jar opened: everything in it */
    assert_int_equal(rt->events, 6);           /* node, lzma, lodash, NUL, loop, jar */
    assert_int_equal(rt->failed, 1);
    assert_int_equal(rt->unresolved, 2);       /* NUL, loop */
    assert_int_equal(rt->unowned, 1);          /* node */
    assert_int_equal(rt->bad_lines, 2);        /* orphan resume, truncated last line */
    assert_string_equal(rt->from, "10:00:01.000001");
    assert_string_equal(rt->evidence[P_LODASH][0], "/app/node_modules/lodash/node_modules/minimist/../../lodash.js");
}

static void test_strace_pending_slots(void **state)
{
    fx *x = *state;
    /* an unfinished line whose pid shares a slot (pid % 64) with another:
     * the other's resume does not take its path */
    static const char log[] = "1  openat(AT_FDCWD, \"/bin/perl\", O_RDONLY <unfinished ...>\n"
                              "65  <... openat resumed>) = 3\n"
                              "1  <... openat resumed>) = 3\n";
    assert_int_equal(FEED(x, log), CG_OK);
    assert_int_equal(x->rt->loaded[P_PERL], 1);
    assert_int_equal(x->rt->bad_lines, 1);
}

static void test_falco(void **state)
{
    fx *x = *state;
    static const char log[] =
        "{\"time\":\"2025-05-01T10:00:02Z\",\"output_fields\":{\"evt.type\":\"openat\",\"fd.name\":\"/lib/x86_64-linux-gnu/liblzma.so.5\","
        "\"container.image.digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\"}}\n"
        "{\"time\":\"2025-05-01T10:00:01Z\",\"output_fields\":{\"evt.type\":\"execve\",\"proc.exepath\":\"/bin/perl5.36.0\"}}\n"
        "{\"time\":\"2025-05-01T10:00:03Z\",\"output_fields\":{\"evt.type\":\"openat\",\"evt.res\":\"ENOENT\",\"fd.name\":\"/opt/app.jar\"}}\n"
        "{\"time\":\"2025-05-01T10:00:04Z\",\"output_fields\":{\"evt.type\":\"openat\",\"fd.name\":\"/app/node_modules/lodash/lod\\u0000ash.js\"}}\n"
        "{\"time\":\"2025-05-01T10:00:05Z\",\"output_fields\":{\"evt.type\":\"connect\",\"fd.name\":\"10.0.0.1:80\"}}\n"
        "{\"time\":\"2025-05-01T10:00:06Z\"}\n"
        "[1, 2]\n"
        "{\"time\":\"2025-05-01T10:00:07Z\",\"output_fields\":{\"evt.type\":\"op";
    assert_int_equal(FEED(x, log), CG_OK);
    cg_runtime *rt = x->rt;
    assert_string_equal(rt->files[0].format, "falco");
    assert_string_equal(rt->files[0].digest, x->sb.image.manifest_digest);
    assert_int_equal(rt->loaded[P_LZMA], 1);
    assert_int_equal(rt->loaded[P_PERL], 1);  /* exec through a link */
    assert_int_equal(rt->loaded[P_JAR], 0);   /* failed */
    assert_int_equal(rt->loaded[P_LODASH], 0); /* NUL inside the name */
    assert_int_equal(rt->events, 3);
    assert_int_equal(rt->failed, 1);
    assert_int_equal(rt->unresolved, 1);
    assert_int_equal(rt->bad_lines, 3); /* no output_fields, not an object, cut */
    assert_string_equal(rt->from, "2025-05-01T10:00:01Z");
    assert_string_equal(rt->to, "2025-05-01T10:00:04Z");
}

static void test_falco_other_digest(void **state)
{
    fx *x = *state;
    static const char log[] =
        "{\"output_fields\":{\"evt.type\":\"openat\",\"fd.name\":\"/bin/perl\",\"container.image.digest\":\"3333333333333333333333333333333333333333333333333333333333333333\"}}\n";
    assert_int_equal(FEED(x, log), CG_ERR_INPUT);
    assert_non_null(strstr(x->err.msg, "sha256:3333"));
    assert_non_null(strstr(x->err.msg, "refused"));
    assert_int_equal(x->rt->loaded[P_PERL], 0); /* never applied */
}

static void test_paths(void **state)
{
    fx *x = *state;
    static const char log[] = "# image: 2222222222222222222222222222222222222222222222222222222222222222\n"
                              "# from: 2025-05-01T00:00:00Z\r\n"
                              "   # to: 2025-05-02T00:00:00Z\n"
                              "/bin/perl   \n"
                              "\n"
                              "relative/path\n"
                              "/lo\0op\n"
                              "/opt/app.jar!/BOOT-INF/lib/lib-a.jar!/a/A.class\n"
                              "/loop/b/../x\n"
                              "/usr/bin/node";
    assert_int_equal(FEED(x, log), CG_OK);
    cg_runtime *rt = x->rt;
    assert_string_equal(rt->files[0].format, "paths");
    assert_string_equal(rt->files[0].digest, x->sb.image.config_digest); /* the image ID is accepted */
    assert_int_equal(rt->loaded[P_PERL], 1);
    assert_int_equal(rt->loaded[P_NESTED], 1); /* the class's nested jar */
    assert_int_equal(rt->loaded[P_JAR], 0);    /* not the outer jar's own package */
    assert_int_equal(rt->events, 5);           /* perl, NUL, class, loop, node (last line without '\n') */
    assert_int_equal(rt->unresolved, 2);
    assert_int_equal(rt->unowned, 1);
    assert_int_equal(rt->bad_lines, 1); /* relative */
    assert_string_equal(rt->from, "2025-05-01T00:00:00Z");
    assert_string_equal(rt->to, "2025-05-02T00:00:00Z");
}

static void test_long_line(void **state)
{
    fx *x = *state;
    size_t big = 200u * 1024u;
    char *buf = malloc(big + 32);
    assert_non_null(buf);
    memcpy(buf, "/bin/perl\n/", 11);
    memset(buf + 11, 'a', big);
    memcpy(buf + 11 + big, "\n/opt/app.jar\n", 14);
    assert_int_equal(feed(x, buf, 11 + big + 14), CG_OK);
    free(buf);
    assert_int_equal(x->rt->bad_lines, 1); /* skipped, counted */
    assert_int_equal(x->rt->events, 2);
    assert_int_equal(x->rt->loaded[P_JAR], 1);
}

static void test_empty_and_windows(void **state)
{
    fx *x = *state;
    assert_int_equal(feed(x, "", 0), CG_OK);
    assert_int_equal(x->rt->events, 0);
    assert_null(x->rt->from);
    /* a second file widens the window */
    assert_int_equal(FEED(x, "# from: 2025-01-01T00:00:00Z\n# to: 2025-01-03T00:00:00Z\n/bin/perl\n"), CG_OK);
    assert_int_equal(FEED(x, "# from: 2025-01-02T00:00:00Z\n# to: 2025-01-04T00:00:00Z\n/bin/perl\n"), CG_OK);
    assert_string_equal(x->rt->from, "2025-01-01T00:00:00Z");
    assert_string_equal(x->rt->to, "2025-01-04T00:00:00Z");
    assert_int_equal(x->rt->n_evidence[P_PERL], 1); /* the same path once */
    assert_int_equal(FEED(x, "# image: sha256:zz\n/bin/perl\n"), CG_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strace_pending_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_falco, setup, teardown),
        cmocka_unit_test_setup_teardown(test_falco_other_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_windows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
