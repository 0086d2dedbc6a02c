/*
 * ecosystem.c - the one ecosystem table (core/ecosystem.h) and the name
 * normalisations it names.  Rows: OSV ecosystem spelling
 * (https://ossf.github.io/osv-schema/#affectedpackage-field), purl type, OS or
 * language, version scheme name, name normalisation, report target naming.
 */
#include "core/ecosystem.h"

#include <string.h>
#include <strings.h>

const cg_ecosystem cg_ecosystems[] = {
    /* OS ecosystems: matched through os-release (scan/match.c), never by purl type */
    {"Debian", "deb", 1, "dpkg", CG_ECO_NORM_NONE, NULL, NULL},
    {"Ubuntu", "deb", 1, "dpkg", CG_ECO_NORM_NONE, NULL, NULL},
    {"Alpine", "apk", 1, "apk", CG_ECO_NORM_NONE, NULL, NULL},
    {"Wolfi", "apk", 1, "apk", CG_ECO_NORM_NONE, NULL, NULL},
    {"Chainguard", "apk", 1, "apk", CG_ECO_NORM_NONE, NULL, NULL},
    {"MinimOS", "apk", 1, "apk", CG_ECO_NORM_NONE, NULL, NULL},
    {"Red Hat", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"Rocky Linux", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"AlmaLinux", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"SUSE", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"openSUSE", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"Mageia", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"openEuler", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"Photon OS", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    {"Azure Linux", "rpm", 1, "rpm", CG_ECO_NORM_NONE, NULL, NULL},
    /* language ecosystems: matched by the package's purl type */
    {"npm", "npm", 0, "semver", CG_ECO_NORM_LOWER, "node-pkg", "Node.js"},
    {"PyPI", "pypi", 0, "pep440", CG_ECO_NORM_PEP503, "python-pkg", "Python"},
    {"Go", "golang", 0, "go", CG_ECO_NORM_NONE, "gobinary", NULL},
    {"Maven", "maven", 0, "maven", CG_ECO_NORM_NONE, "jar", "Java"},
    {"crates.io", "cargo", 0, "semver", CG_ECO_NORM_NONE, "rustbinary", NULL},
    {"RubyGems", "gem", 0, "rubygems", CG_ECO_NORM_NONE, "gemspec", "Ruby"},
    {"Packagist", "composer", 0, "composer", CG_ECO_NORM_NONE, NULL, NULL},
    {"NuGet", "nuget", 0, "nuget", CG_ECO_NORM_NONE, NULL, NULL},
    /* advisories exist, no cataloger or version order in cgate yet */
    {"Hex", "hex", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"Pub", "pub", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"SwiftURL", "swift", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"ConanCenter", "conan", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"Hackage", "hackage", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"CRAN", "cran", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
    {"Bitnami", "bitnami", 0, NULL, CG_ECO_NORM_NONE, NULL, NULL},
};
const size_t cg_n_ecosystems = sizeof cg_ecosystems / sizeof cg_ecosystems[0];

const cg_ecosystem *cg_eco_by_osv(const char *eco)
{
    if (!eco)
        return NULL;
    size_t n = strnlen(eco, 128);
    const char *colon = memchr(eco, ':', n);
    if (colon)
        n = (size_t)(colon - eco);
    for (size_t i = 0; i < cg_n_ecosystems; i++)
        if (strlen(cg_ecosystems[i].osv) == n && memcmp(cg_ecosystems[i].osv, eco, n) == 0)
            return &cg_ecosystems[i];
    return NULL;
}

const cg_ecosystem *cg_eco_lang_by_purl_type(const char *type)
{
    for (size_t i = 0; type && i < cg_n_ecosystems; i++)
        if (!cg_ecosystems[i].os && !strcmp(cg_ecosystems[i].purl_type, type))
            return &cg_ecosystems[i];
    return NULL;
}

int cg_eco_is_os_purl_type(const char *type)
{
    for (size_t i = 0; type && i < cg_n_ecosystems; i++)
        if (cg_ecosystems[i].os && !strcmp(cg_ecosystems[i].purl_type, type))
            return 1;
    return 0;
}

static int sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

size_t cg_pep503_into(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (sep(s[i])) {
            if (k == 0 || out[k - 1] != '-')
                out[k++] = '-';
            continue;
        }
        out[k++] = lower(s[i]);
    }
    out[k] = 0;
    return k;
}

char *cg_pep503(cg_arena *a, const char *s, size_t n)
{
    char *o = cg_arena_alloc(a, n + 1);
    if (o)
        cg_pep503_into(s, n, o);
    return o;
}

int cg_pep503_cmp(const char *a, const char *b)
{
    for (;;) {
        char x = *a, y = *b;
        if (sep(x)) {
            x = '-';
            while (sep(a[1]))
                a++;
        }
        if (sep(y)) {
            y = '-';
            while (sep(b[1]))
                b++;
        }
        x = lower(x);
        y = lower(y);
        if (x != y || !x)
            return (unsigned char)x - (unsigned char)y;
        a++;
        b++;
    }
}

size_t cg_eco_norm_name_into(const char *eco, const char *name, size_t n, char *out)
{
    cg_eco_norm norm = CG_ECO_NORM_NONE;
    for (size_t i = 0; eco && i < cg_n_ecosystems; i++)
        if (!strcasecmp(eco, cg_ecosystems[i].osv)) {
            norm = cg_ecosystems[i].norm;
            break;
        }
    switch (norm) {
    case CG_ECO_NORM_PEP503:
        return cg_pep503_into(name, n, out);
    case CG_ECO_NORM_LOWER:
        for (size_t i = 0; i < n; i++)
            out[i] = lower(name[i]);
        out[n] = 0;
        return n;
    case CG_ECO_NORM_NONE:
    default:
        memcpy(out, name, n);
        out[n] = 0;
        return n;
    }
}
