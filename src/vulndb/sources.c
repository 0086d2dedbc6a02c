/*
 * sources.c - the built-in list of what `cgate db update` fetches when the
 * user names nothing: OSV's per-ecosystem all.zip for every ecosystem the
 * scanner matches (language ecosystems and the distros os-release maps to,
 * src/scan/match.c), CISA KEV, FIRST EPSS and NVD's CVE JSON 2.0 feeds.
 * A mirror replaces every host with one base URL in a fixed layout, for
 * air-gapped sites and internal mirrors.  Only the list lives here; fetching
 * is update.c's.
 */
#include <stdio.h>
#include <string.h>

#include "vulndb/vdb_int.h"

/* OSV ecosystem directories (osv.dev's bucket names), one per ecosystem
 * family cgate matches.  A distro's directory holds all its releases
 * ("Debian" has Debian:11, Debian:12, ...).  Keep in step with match.c. */
static const char *const osv_ecosystems[] = {
    /* languages */
    "Bitnami", "CRAN", "ConanCenter", "Go", "Hackage", "Hex", "Maven", "NuGet", "Packagist", "Pub", "PyPI",
    "RubyGems", "SwiftURL", "crates.io", "npm",
    /* distros */
    "AlmaLinux", "Alpine", "Azure Linux", "Chainguard", "Debian", "Mageia", "Photon OS", "Red Hat",
    "Rocky Linux", "Ubuntu", "Wolfi", "openEuler", "openSUSE",
};

#define OSV_BASE "https://osv-vulnerabilities.storage.googleapis.com"
#define KEV_URL "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
#define EPSS_URL "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
#define NVD_BASE "https://nvd.nist.gov/feeds/json/cve/2.0"
#define NVD_FIRST_YEAR 2002

/* An ecosystem name as a URL path segment ("Red Hat" -> "Red%20Hat"). */
static char *path_segment(cg_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *o = cg_arena_alloc(a, n * 3 + 1), *p = o;
    if (!o)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
            c == '_')
            *p++ = (char)c;
        else
            p += snprintf(p, 4, "%%%02X", c);
    }
    *p = 0;
    return o;
}

cg_status cg_vdb_default_sources(const char *mirror, int newest_year, const char *origin, cg_arena *a,
                                 cg_vdb_source **out, size_t *n, cg_error *err)
{
    *out = NULL;
    *n = 0;
    if (newest_year < NVD_FIRST_YEAR || newest_year > 9999)
        return cg_error_set(err, CG_ERR_USAGE, "NVD feed year %d out of range", newest_year);
    size_t n_osv = sizeof osv_ecosystems / sizeof osv_ecosystems[0];
    size_t n_nvd = (size_t)(newest_year - NVD_FIRST_YEAR + 1) + 1;
    size_t total = n_osv + 2 + n_nvd;
    cg_vdb_source *v = cg_arena_calloc(a, total, sizeof *v);
    if (!v)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    char *base = NULL;
    if (mirror) {
        size_t ml = strlen(mirror);
        while (ml && mirror[ml - 1] == '/')
            ml--;
        base = cg_arena_strndup(a, mirror, ml);
        if (!base)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        if (!cg_vdb_url_allowed(mirror))
            return cg_error_set(err, CG_ERR_USAGE,
                                "mirror %s: only https URLs (or http to 127.0.0.1/localhost) are fetched", mirror);
    }
    size_t k = 0;
    for (size_t i = 0; i < n_osv; i++, k++) {
        char *seg = path_segment(a, osv_ecosystems[i]);
        v[k].name = cg_arena_sprintf(a, "osv:%s", osv_ecosystems[i]);
        v[k].url = seg ? cg_arena_sprintf(a, "%s/%s%s/all.zip", base ? base : OSV_BASE, base ? "osv/" : "", seg)
                       : NULL;
    }
    v[k].name = "kev";
    v[k++].url = base ? cg_arena_sprintf(a, "%s/kev/known_exploited_vulnerabilities.json", base) : KEV_URL;
    v[k].name = "epss";
    v[k++].url = base ? cg_arena_sprintf(a, "%s/epss/epss_scores-current.csv.gz", base) : EPSS_URL;
    for (int y = NVD_FIRST_YEAR; y <= newest_year + 1; y++, k++) {
        int mod = y > newest_year;
        char which[16];
        if (mod)
            snprintf(which, sizeof which, "modified");
        else
            snprintf(which, sizeof which, "%d", y);
        v[k].name = cg_arena_sprintf(a, "nvd:%s", which);
        v[k].url = cg_arena_sprintf(a, "%s/%snvdcve-2.0-%s.json.gz", base ? base : NVD_BASE, base ? "nvd/" : "",
                                    which);
    }
    for (size_t i = 0; i < k; i++) {
        v[i].origin = origin;
        if (!v[i].name || !v[i].url)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    *out = v;
    *n = k;
    return CG_OK;
}
