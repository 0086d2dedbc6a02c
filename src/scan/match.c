/*
 * match.c - which advisories apply to a package: the package -> OSV ecosystem
 * mapping (distro release from os-release, SOURCE names for OS packages,
 * language packages an OS package installed are left to that package), and
 * the evaluation of OSV affected[] entries (SEMVER / ECOSYSTEM ranges with
 * introduced / fixed / last_affected / limit events in any order, several
 * ranges, `versions` lists).  Version order comes only from version.h; a
 * version that cannot be ordered makes the result "unknown", never "safe".
 * No I/O here: lookups and the report are report.c's business.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgate/version.h"
#include "core/ecosystem.h"
#include "scan/scan_int.h"

/* Events per range beyond which a range is not evaluated (reported as unknown). */
#define MAX_EVENTS 4096

int cg_match_is_os_type(const char *type)
{
    return cg_eco_is_os_purl_type(type);
}

/* ---- ecosystems -------------------------------------------------------- */

/* The first n dot-separated numeric parts of v ("3.19.1", 2 -> "3.19"); NULL
 * when v does not start with that many numbers. */
static const char *numeric_prefix(cg_arena *a, const char *v, int n)
{
    if (!v)
        return NULL;
    const char *p = v;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
        if (i + 1 < n) {
            if (*p != '.')
                return NULL;
            p++;
        }
    }
    return cg_arena_strndup(a, v, (size_t)(p - v));
}

/* OS ecosystems from os-release.  Returns the count; *why when 0. */
static size_t os_ecosystems(const cg_distro *d, cg_arena *a, const char **ecos, const char **why)
{
    if (!d || !d->id) {
        *why = "no os-release in the image: OS packages were not matched";
        return 0;
    }
    const char *id = d->id, *vid = d->version_id;
    const char *maj = numeric_prefix(a, vid, 1), *mm = numeric_prefix(a, vid, 2);
    if (!strcmp(id, "debian")) {
        if (!maj)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "Debian:%s", maj);
        return 1;
    }
    if (!strcmp(id, "ubuntu")) {
        if (!mm)
            goto noversion;
        /* LTS releases are the even years' April releases (OSV: "Ubuntu:22.04:LTS") */
        int lts = strtol(mm, NULL, 10) % 2 == 0 && strstr(mm, ".04") != NULL;
        ecos[0] = cg_arena_sprintf(a, "Ubuntu:%s%s", mm, lts ? ":LTS" : "");
        return 1;
    }
    if (!strcmp(id, "alpine")) {
        if (!mm)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "Alpine:v%s", mm);
        return 1;
    }
    if (!strcmp(id, "wolfi")) {
        ecos[0] = "Wolfi";
        return 1;
    }
    if (!strcmp(id, "chainguard")) {
        ecos[0] = "Chainguard";
        return 1;
    }
    if (!strcmp(id, "rocky") || !strcmp(id, "almalinux")) {
        if (!maj)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "%s:%s", id[0] == 'r' ? "Rocky Linux" : "AlmaLinux", maj);
        return 1;
    }
    if (!strcmp(id, "rhel")) {
        if (!maj)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "Red Hat:enterprise_linux:%s::baseos", maj);
        ecos[1] = cg_arena_sprintf(a, "Red Hat:enterprise_linux:%s::appstream", maj);
        return 2;
    }
    if (!strcmp(id, "opensuse-leap")) {
        if (!mm)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "openSUSE:Leap %s", mm);
        return 1;
    }
    if (!strcmp(id, "mageia") || !strcmp(id, "openEuler") || !strcmp(id, "photon")) {
        if (!vid)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "%s:%s", !strcmp(id, "mageia") ? "Mageia" : !strcmp(id, "photon") ? "Photon OS" : "openEuler",
                                   vid);
        return 1;
    }
    if (!strcmp(id, "azurelinux")) {
        if (!maj)
            goto noversion;
        ecos[0] = cg_arena_sprintf(a, "Azure Linux:%s", maj);
        return 1;
    }
    *why = cg_arena_sprintf(a, "no advisory ecosystem is known for distro \"%s\": OS packages were not matched", id);
    return 0;
noversion:
    *why = cg_arena_sprintf(a, "distro \"%s\" has no usable VERSION_ID (\"%s\"): OS packages were not matched", id,
                            vid ? vid : "");
    return 0;
}

/* The advisory name of a language package: npm "@scope/name", Maven
 * "group:artifact", Go and Packagist "namespace/name". */
static const char *lang_name(const cg_package *p, cg_arena *a)
{
    const char *ns = p->namespace_;
    if (!ns || !*ns)
        return p->name;
    if (!strcmp(p->type, "npm"))
        return cg_arena_sprintf(a, "%s%s/%s", ns[0] == '@' ? "" : "@", ns, p->name);
    if (!strcmp(p->type, "maven"))
        return cg_arena_sprintf(a, "%s:%s", ns, p->name);
    if (!strcmp(p->type, "golang") || !strcmp(p->type, "composer"))
        return cg_arena_sprintf(a, "%s/%s", ns, p->name);
    return p->name;
}

int cg_match_key_for(const cg_sbom *s, const cg_package *p, cg_arena *a, cg_match_key *key)
{
    memset(key, 0, sizeof *key);
    key->name = p->name;
    key->version = p->version;
    if (!p->type || !p->name || !*p->name) {
        key->skip = "a package without type or name was not matched";
        return 0;
    }
    if (cg_match_is_os_type(p->type)) {
        key->is_os = 1;
        if (p->source_name && *p->source_name)
            key->name = p->source_name;
        if (p->source_version && *p->source_version)
            key->version = p->source_version;
        key->n_ecos = os_ecosystems(s->distro, a, key->ecos, &key->skip);
        for (size_t i = 0; i < key->n_ecos; i++)
            if (!key->ecos[i])
                return -1;
        return 0;
    }
    if (p->owned_by && *p->owned_by) {
        key->owned = 1;
        return 0;
    }
    const cg_ecosystem *e = cg_eco_lang_by_purl_type(p->type);
    if (e) {
        key->ecos[0] = e->osv;
        key->n_ecos = 1;
        key->name = lang_name(p, a);
        return key->name ? 0 : -1;
    }
    key->skip = cg_arena_sprintf(a, "packages of type \"%s\" have no advisory ecosystem: not matched", p->type);
    return key->skip ? 0 : -1;
}

/* ---- range evaluation ---------------------------------------------------- */

typedef struct ev {
    int kind; /* 0 introduced, 1 fixed, 2 last_affected, 3 limit */
    const char *raw; /* as in the record */
    const char *v;   /* as compared (Go: with "v") */
    int zero;        /* introduced "0": below everything */
} ev;

typedef struct sort_ctx {
    cg_ver_scheme scheme;
} sort_ctx;

static int ev_cmp(const void *pa, const void *pb, void *ud)
{
    const ev *a = pa, *b = pb;
    const sort_ctx *c = ud;
    int r;
    if (a->zero || b->zero)
        r = a->zero && b->zero ? 0 : a->zero ? -1 : 1;
    else if (cg_ver_compare(c->scheme, a->v, b->v, &r, NULL) != CG_OK)
        r = 0; /* cannot happen: validated first */
    if (r == 0)
        r = (a->kind > b->kind) - (a->kind < b->kind);
    return r;
}

/* Go's x/mod/semver needs the "v" OSV's Go records (and stdlib versions) omit. */
static const char *go_v(cg_arena *a, const char *v)
{
    if (!v || v[0] == 'v')
        return v;
    return cg_arena_sprintf(a, "v%s", v);
}

typedef struct eval_state {
    cg_arena *a;
    const char *id;
    int affected, undecided;
    const char *note;          /* first undecided reason */
    const char *fixed;         /* best fixed so far (raw) */
    const char *fixed_cmp;     /* same, as compared */
    cg_ver_scheme fixed_scheme;
} eval_state;

static void undecided(eval_state *st, const char *why)
{
    st->undecided = 1;
    if (!st->note)
        st->note = why;
}

static void offer_fixed(eval_state *st, cg_ver_scheme s, const char *raw, const char *cmpv)
{
    int c;
    if (st->fixed && st->fixed_scheme == s && cg_ver_compare(s, cmpv, st->fixed_cmp, &c, NULL) == CG_OK && c >= 0)
        return;
    if (st->fixed && st->fixed_scheme != s)
        return; /* keep the first scheme's answer; mixed schemes cannot be ordered */
    st->fixed = raw;
    st->fixed_cmp = cmpv;
    st->fixed_scheme = s;
}

static int eval_range_in(eval_state *st, const cg_vdb_range *r, cg_ver_scheme s, const char *v, ev *evs);

/* The events' working array is temporary: on the stack for the usual few,
 * malloc'd for long ranges, never in the report's arena. */
static int eval_range(eval_state *st, const cg_vdb_range *r, cg_ver_scheme s, const char *v)
{
    ev small[16];
    if (r->n_events > MAX_EVENTS || r->n_events + 1 <= sizeof small / sizeof small[0])
        return eval_range_in(st, r, s, v, small);
    ev *evs = calloc(r->n_events + 1, sizeof *evs);
    if (!evs)
        return -1;
    int rc = eval_range_in(st, r, s, v, evs);
    free(evs);
    return rc;
}

static int eval_range_in(eval_state *st, const cg_vdb_range *r, cg_ver_scheme s, const char *v, ev *evs)
{
    cg_arena *a = st->a;
    if (r->n_events > MAX_EVENTS) {
        undecided(st, cg_arena_sprintf(a, "%s: a range of %zu events was not evaluated", st->id, r->n_events));
        return 0;
    }
    if (cg_ver_valid(s, v) != CG_OK) {
        undecided(st, cg_arena_sprintf(a, "installed version \"%s\" is not a valid %s version", v,
                                       cg_ver_scheme_name(s)));
        return 0;
    }
    size_t n = 0;
    int has_intro = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const cg_vdb_event *e = &r->events[i];
        ev x = {0};
        if (e->introduced)
            x = (ev){0, e->introduced, NULL, 0};
        else if (e->fixed)
            x = (ev){1, e->fixed, NULL, 0};
        else if (e->last_affected)
            x = (ev){2, e->last_affected, NULL, 0};
        else if (e->limit)
            x = (ev){3, e->limit, NULL, 0};
        else
            continue;
        if (x.kind == 0)
            has_intro = 1;
        if (x.kind == 3 && !strcmp(x.raw, "*"))
            continue; /* limit "*": no upper limit */
        if (x.kind == 0 && !strcmp(x.raw, "0")) {
            x.zero = 1;
        } else {
            x.v = s == CG_VER_GO ? go_v(a, x.raw) : x.raw;
            if (!x.v)
                return -1;
            if (cg_ver_valid(s, x.v) != CG_OK) {
                undecided(st, cg_arena_sprintf(a, "%s: range version \"%s\" is not a valid %s version", st->id,
                                               x.raw, cg_ver_scheme_name(s)));
                return 0;
            }
        }
        evs[n++] = x;
    }
    if (!has_intro) /* OSV requires one; without it the range starts at 0 rather than nowhere */
        evs[n++] = (ev){0, "0", NULL, 1};
    sort_ctx sc = {s};
    qsort_r(evs, n, sizeof *evs, ev_cmp, &sc);
    int vuln = 0;
    for (size_t i = 0; i < n; i++) {
        int c = 1;
        if (!evs[i].zero && cg_ver_compare(s, v, evs[i].v, &c, NULL) != CG_OK)
            c = 0; /* cannot happen: both validated */
        switch (evs[i].kind) {
        case 0: if (c >= 0) vuln = 1; break;
        case 1: if (c >= 0) vuln = 0; else offer_fixed(st, s, evs[i].raw, evs[i].v); break;
        case 2: if (c > 0) vuln = 0; break;
        case 3: if (c >= 0) vuln = 0; break;
        }
    }
    if (vuln)
        st->affected = 1;
    return 0;
}

static int version_listed(const cg_vdb_affected *af, cg_ver_scheme s, int scheme_ok, const char *v,
                          cg_arena *a)
{
    for (size_t i = 0; i < af->n_versions; i++) {
        const char *x = af->versions[i];
        if (!x)
            continue;
        if (!strcmp(x, v))
            return 1;
        if (scheme_ok) {
            const char *xv = s == CG_VER_GO ? go_v(a, x) : x;
            int c;
            if (xv && cg_ver_compare(s, v, xv, &c, NULL) == CG_OK && c == 0)
                return 1;
        }
    }
    return 0;
}

int cg_match_eval(const cg_vdb_advisory *adv, const char *eco, const char *v, cg_arena *a,
                  cg_match_result *res)
{
    memset(res, 0, sizeof *res);
    eval_state st = {.a = a, .id = adv->id ? adv->id : "?"};
    if (!v || !*v) {
        v = "";
    }
    for (size_t k = 0; k < adv->n_affected; k++) {
        const cg_vdb_affected *af = &adv->affected[k];
        if (af->ecosystem && eco && strcasecmp(af->ecosystem, eco) != 0)
            continue;
        cg_ver_scheme es;
        int eco_ok = cg_ver_scheme_for_ecosystem(eco, &es) == 0;
        const char *ev_ = eco_ok && es == CG_VER_GO ? go_v(a, v) : v;
        if (!ev_)
            return -1;
        int inst_ok = eco_ok && cg_ver_valid(es, ev_) == CG_OK;
        if (version_listed(af, es, inst_ok, inst_ok ? ev_ : v, a))
            st.affected = 1;
        if (af->n_ranges == 0 && af->n_versions == 0) {
            st.affected = 1; /* a record naming the package with no bounds: every version */
            continue;
        }
        for (size_t i = 0; i < af->n_ranges; i++) {
            const cg_vdb_range *r = &af->ranges[i];
            const char *type = r->type ? r->type : "";
            if (!strcmp(type, "GIT")) {
                res->git_ignored = 1;
                continue;
            }
            cg_ver_scheme s;
            if (!strcmp(type, "SEMVER")) {
                s = eco_ok && es == CG_VER_GO ? CG_VER_GO : CG_VER_SEMVER;
            } else if (!strcmp(type, "ECOSYSTEM")) {
                if (!eco_ok) {
                    undecided(&st, cg_arena_sprintf(a, "no version order is known for ecosystem \"%s\"",
                                                    eco ? eco : ""));
                    continue;
                }
                s = es;
            } else {
                undecided(&st, cg_arena_sprintf(a, "%s: unknown range type \"%s\"", st.id, type));
                continue;
            }
            const char *vv = s == CG_VER_GO ? go_v(a, v) : v;
            if (!vv || eval_range(&st, r, s, vv) < 0)
                return -1;
        }
    }
    if (st.affected) {
        res->affected = 1;
        res->fixed = st.fixed;
        res->status = st.fixed ? CG_FIND_FIXED : CG_FIND_AFFECTED;
    } else if (st.undecided) {
        res->affected = 1;
        res->status = CG_FIND_UNKNOWN;
        res->note = st.note;
    }
    if (res->git_ignored && !res->note)
        res->note = cg_arena_sprintf(a, "%s: GIT ranges were ignored (only SEMVER and ECOSYSTEM ranges are evaluated)",
                                     st.id);
    return 0;
}
