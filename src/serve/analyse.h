/*
 * analyse.h - scanning a stored SBOM and deciding on it for `cgate serve`
 * (see analyse.c for the two scan-source wrappers).
 */
#ifndef CG_SERVE_ANALYSE_H
#define CG_SERVE_ANALYSE_H

#include <jansson.h>

#include "cgate/policy.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "core/strmap.h"

/* DB answers kept across the images of one re-match: the changed keys are
 * few and every affected image asks for them again. */
typedef struct sv_lookup_cache {
    cg_arena arena;
    cg_strmap map; /* "eco\nname" -> cached answer */
} sv_lookup_cache;
void sv_cache_init(sv_lookup_cache *c);
void sv_cache_free(sv_lookup_cache *c);

/* Scan sbom against db (NULL = no DB: no findings).  only_keys / only_ids
 * (NULL = all) restrict the lookups to those lookup keys and advisory ids;
 * record (NULL = off) collects every lookup key asked, allocated in ra;
 * cache (NULL = none; only used with only_keys, which bounds it) keeps the
 * DB's answers for the next image. */
cg_status sv_scan(cg_vdb *db, const cg_sbom *sbom, const cg_strmap *only_keys, const cg_strmap *only_ids,
                  cg_strmap *record, cg_arena *ra, sv_lookup_cache *cache, cg_report **out, cg_error *err);

/* The identity of a finding within an image: "VULN|type:name@version|path". */
const char *sv_finding_key(cg_arena *a, const cg_finding *f);
/* The advisory id and the merged ids, space-separated. */
const char *sv_finding_advs(cg_arena *a, const cg_finding *f);

/* The outcome of one policy evaluation. */
typedef struct sv_verdict {
    int pass;
    json_t *reasons;  /* deny reasons */
    json_t *excepted; /* "ID PKG@VERSION" let through by an active exception */
    json_t *expired;  /* {"finding": "ID PKG@VERSION", "exception": {...}} of expired exceptions */
} sv_verdict;

/* Evaluate policy (NULL: pass, nothing else) on rep as of day ("YYYY-MM-DD");
 * v's arrays are new references released by sv_verdict_free. */
cg_status sv_decide(const cg_policy *policy, const cg_report *rep, const char *day, cg_arena *a, sv_verdict *v,
                    cg_error *err);
void sv_verdict_free(sv_verdict *v);

#endif
