/*
 * fuzz_runtime.c - the runtime evidence readers and the path -> package
 * mapper (src/scan/runtime*.c) on arbitrary bytes.  First byte even: the rest
 * is an evidence stream (Falco JSON, strace or a path list, told by its
 * first line) read against a fixed file tree (usr-merge, a symlink loop,
 * node_modules, a jar, dpkg lists); odd: the rest is the ownership data
 * (a dpkg .list, apk's installed db and a dist-info RECORD at once) of a
 * fresh tree, then a fixed evidence stream is read against it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cgate/sbom.h"
#include "scan/runtime_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cg_package pkgs[6];
static cg_location locs[6];
static cg_prop nested = {"cgate:java:archive-path", "/opt/app.jar!/lib/a.jar"};
static cg_sbom sb;

static const char EVIDENCE[] = "# image: sha256:1111111111111111111111111111111111111111111111111111111111111111\n"
                               "/lib/x86_64-linux-gnu/liblzma.so.5\n/usr/bin/perl\n/app/node_modules/lodash/x.js\n"
                               "/usr/lib/python3/dist-packages/six.py\n/sbin/apk\n/opt/app.jar!/lib/a.jar!/A.class\n"
                               "/loop/a/x\n";

static void init_sbom(void)
{
    static const char *const t[] = {"deb", "deb", "npm", "apk", "python", "maven"};
    static const char *const n[] = {"liblzma5", "perl-base", "lodash", "apk-tools", "six", "a"};
    static const char *const l[] = {"/var/lib/dpkg/status", "/var/lib/dpkg/status",
                                    "/app/node_modules/lodash/package.json", "/lib/apk/db/installed",
                                    "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", "/opt/app.jar"};
    for (size_t i = 0; i < 6; i++) {
        locs[i] = (cg_location){l[i], 0};
        pkgs[i] = (cg_package){.type = t[i], .name = n[i], .version = "1", .arch = i < 2 ? "amd64" : NULL,
                               .locations = &locs[i], .n_locations = 1};
    }
    pkgs[5].props = &nested;
    pkgs[5].n_props = 1;
    sb.pkgs = pkgs;
    sb.n_pkgs = 6;
    sb.image.manifest_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
}

static int tree(rt_index *ix, const uint8_t *own, size_t on, cg_error *err)
{
    static const struct {
        const char *path;
        int type;
        const char *link;
    } nodes[] = {
        {"lib", RT_LINK, "usr/lib"},
        {"sbin", RT_LINK, "/usr/sbin"},
        {"usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1", RT_REG, NULL},
        {"usr/lib/x86_64-linux-gnu/liblzma.so.5", RT_LINK, "liblzma.so.5.4.1"},
        {"usr/bin/perl", RT_REG, NULL},
        {"usr/sbin/apk", RT_REG, NULL},
        {"usr/lib/python3/dist-packages/six.py", RT_REG, NULL},
        {"app/node_modules/lodash/x.js", RT_REG, NULL},
        {"opt/app.jar", RT_REG, NULL},
        {"loop/a", RT_LINK, "b"},
        {"loop/b", RT_LINK, "/loop/a"},
    };
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
        if (rt_index_add(ix, nodes[i].path, nodes[i].type, nodes[i].link, NULL, 0, err) != CG_OK)
            return -1;
    static const char lzma[] = "/lib/x86_64-linux-gnu/liblzma.so.5\n";
    static const char perl[] = "/usr/bin/perl\n";
    static const char apk[] = "P:apk-tools\nF:sbin\nR:apk\n\n";
    static const char rec[] = "six.py,sha256=x,1\n";
    const char *d[4] = {lzma, perl, apk, rec};
    size_t dn[4] = {sizeof lzma - 1, sizeof perl - 1, sizeof apk - 1, sizeof rec - 1};
    if (own)
        for (size_t i = 0; i < 4; i++) {
            d[i] = (const char *)own;
            dn[i] = on;
        }
    static const char *const files[] = {"var/lib/dpkg/info/liblzma5:amd64.list", "var/lib/dpkg/info/perl-base.list",
                                        "lib/apk/db/installed",
                                        "usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD"};
    for (size_t i = 0; i < 4; i++)
        if (rt_index_add(ix, files[i], RT_REG, NULL, d[i], dn[i], err) != CG_OK)
            return -1;
    return rt_index_own(ix, &sb, err) == CG_OK ? 0 : -1;
}

static void read_stream(const rt_index *ix, cg_runtime *rt, const uint8_t *p, size_t n)
{
    if (!n)
        return;
    FILE *f = fmemopen((void *)p, n, "rb");
    if (!f)
        return;
    cg_error err;
    (void)rt_read(ix, rt, &sb.image, "fuzz", f, &err);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sb.n_pkgs)
        init_sbom();
    if (size < 1)
        return 0;
    cg_runtime *rt = rt_runtime_new(sb.n_pkgs);
    if (!rt)
        return 0;
    rt_index ix;
    rt_index_init(&ix, rt->known);
    cg_error err;
    int mode = data[0] & 1;
    if (tree(&ix, mode ? data + 1 : NULL, size - 1, &err) == 0) {
        if (mode)
            read_stream(&ix, rt, (const uint8_t *)EVIDENCE, sizeof EVIDENCE - 1);
        else
            read_stream(&ix, rt, data + 1, size - 1);
    }
    rt_index_free(&ix);
    cg_runtime_free(rt);
    return 0;
}
