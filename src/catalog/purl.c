/*
 * purl.c - package-url strings for packages (and the builder sbom uses for
 * the image's own purl, sbom/image_purl.c).
 *
 * Encoding follows the purl-spec core text (docs/standard/characters-and-
 * encoding.md): "The following characters MUST NOT be percent-encoded: the
 * Alphanumeric Characters, the Punctuation Characters [.-_~] ... the colon
 * ':', whether used as a Separator Character or otherwise"; everything else
 * in namespace segments, name, version and qualifier values is %XX-encoded
 * (upper-case hex), so '+' -> %2B, '/' in a qualifier value -> %2F, ' ' -> %20.
 * Consequences, matching the spec's own test suite (tests/types/deb-test.json, oci-test.json):
 *   - a deb epoch stays in the version with a literal colon, as in the deb
 *     type's example "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64";
 *   - an oci digest is "sha256:<hex>" unencoded, as in the oci build tests'
 *     expected "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=
 *     docker.io%2Flibrary%2Fdebian&tag=latest" (parsers decode "%3A" to the
 *     same purl, so older tools' "sha256%3A" strings compare equal once parsed).
 * Qualifiers are sorted by key, empty values dropped.  No case folding here:
 * catalogers hand over names as their ecosystem's canonical form.
 */
#include "catalog/purl.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/buf.h"

#define PURL_MAX 65536 /* a purl longer than this is not worth emitting */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

static cg_status put_enc(cg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        cg_status st;
        if (unreserved(c)) {
            st = cg_buf_putc(b, (char)c);
        } else {
            char t[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = cg_buf_append(b, t, 3);
        }
        if (st != CG_OK)
            return st;
    }
    return CG_OK;
}

typedef cg_purl_qual qual;

static int qual_cmp(const void *a, const void *b)
{
    return strcmp(((const qual *)a)->key, ((const qual *)b)->key);
}

char *cg_purl_build(cg_arena *a, const char *type, const char *ns, const char *name,
                    const char *version, cg_purl_qual *q, size_t nq)
{
    if (!type || !*type || !name || !*name)
        return NULL;
    cg_buf b;
    cg_buf_init(&b, PURL_MAX);
    cg_status st = cg_buf_puts(&b, "pkg:");
    if (st == CG_OK)
        st = cg_buf_puts(&b, type);
    if (st == CG_OK && ns) {
        /* namespace segments: split on '/', empty segments dropped */
        const char *p = ns;
        while (st == CG_OK && *p) {
            const char *e = strchr(p, '/');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n) {
                st = cg_buf_putc(&b, '/');
                if (st == CG_OK)
                    st = put_enc(&b, p, n);
            }
            p += n;
            if (*p == '/')
                p++;
        }
    }
    if (st == CG_OK)
        st = cg_buf_putc(&b, '/');
    if (st == CG_OK)
        st = put_enc(&b, name, strlen(name));
    if (st == CG_OK && version && *version) {
        st = cg_buf_putc(&b, '@');
        if (st == CG_OK)
            st = put_enc(&b, version, strlen(version));
    }
    if (nq > 1) /* qsort(NULL, 0, ...) is undefined (found by fuzz_purl) */
        qsort(q, nq, sizeof *q, qual_cmp);
    bool first = true;
    for (size_t i = 0; st == CG_OK && i < nq; i++) {
        if (!q[i].value || !*q[i].value)
            continue;
        st = cg_buf_putc(&b, first ? '?' : '&');
        first = false;
        if (st == CG_OK)
            st = cg_buf_puts(&b, q[i].key);
        if (st == CG_OK)
            st = cg_buf_putc(&b, '=');
        if (st == CG_OK)
            st = put_enc(&b, q[i].value, strlen(q[i].value));
    }
    char *r = st == CG_OK ? cg_arena_strndup(a, b.data, b.len) : NULL;
    cg_buf_free(&b);
    return r;
}

static bool is_os_type(const char *t)
{
    return !strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "rpm") || !strcmp(t, "alpm");
}

char *cg_purl_for_package(cg_arena *a, const cg_package *pkg, const cg_distro *distro)
{
    if (!pkg || !pkg->type || !pkg->name)
        return NULL;
    qual q[3];
    size_t nq = 0;
    if (pkg->arch && *pkg->arch)
        q[nq++] = (qual){"arch", pkg->arch};
    /* rpm: the version is VERSION-RELEASE and the epoch goes in an `epoch`
     * qualifier (purl-spec rpm type); the rpm cataloger keeps it as the
     * property cgate:rpm:epoch.  Other types are unchanged. */
    if (!strcmp(pkg->type, "rpm"))
        for (size_t i = 0; i < pkg->n_props; i++)
            if (!strcmp(pkg->props[i].name, "cgate:rpm:epoch")) {
                q[nq++] = (qual){"epoch", pkg->props[i].value};
                break;
            }
    /* distro=<ID>-<VERSION_ID> (Syft/Grype/Trivy style); codename when the
     * version is unknown (the deb type allows "name, codename, or suite"). */
    if (distro && distro->id && *distro->id && is_os_type(pkg->type)) {
        const char *dv = NULL;
        if (distro->version_id && *distro->version_id)
            dv = cg_arena_sprintf(a, "%s-%s", distro->id, distro->version_id);
        else if (distro->version_codename && *distro->version_codename)
            dv = distro->version_codename;
        if (dv)
            q[nq++] = (qual){"distro", dv};
    }
    return cg_purl_build(a, pkg->type, pkg->namespace_, pkg->name, pkg->version, q, nq);
}
