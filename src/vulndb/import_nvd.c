/*
 * import_nvd.c - NVD CVE API 2.0 JSON (a page of the API or a feed file:
 * vulnerabilities[].cve.{id, metrics.cvssMetricV40/V31/V30/V2[].cvssData.vectorString}).
 * Only the vectors are kept, per CVE, preferring the NVD's own "Primary"
 * metric; they are used for records that carry no vector of their own
 * (severity source "nvd").  Later imports replace a CVE's vectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vdb_int.h"

static const struct {
    const char *key, *type;
} metric_keys[] = {
    {"cvssMetricV40", "CVSS_V4"},
    {"cvssMetricV31", "CVSS_V3"},
    {"cvssMetricV30", "CVSS_V3"},
    {"cvssMetricV2", "CVSS_V2"},
};

/* The vector of the Primary metric of a list, else the first one. */
static const char *pick_vector(json_t *list)
{
    const char *first = NULL;
    for (size_t i = 0; i < json_array_size(list) && i < 64; i++) {
        json_t *m = json_array_get(list, i);
        json_t *vs = json_object_get(json_object_get(m, "cvssData"), "vectorString");
        if (!json_is_string(vs) || json_string_length(vs) > VDB_MAX_STR)
            continue;
        json_t *ty = json_object_get(m, "type");
        if (json_is_string(ty) && !strcmp(json_string_value(ty), "Primary"))
            return json_string_value(vs);
        if (!first)
            first = json_string_value(vs);
    }
    return first;
}

cg_status vdb_import_nvd(vdb_imp *im, json_t *doc, const char *file, cg_error *err)
{
    json_t *vul = json_object_get(doc, "vulnerabilities");
    for (size_t i = 0; i < json_array_size(vul); i++) {
        json_t *cve = json_object_get(json_array_get(vul, i), "cve");
        json_t *id = json_object_get(cve, "id");
        char idx[40];
        snprintf(idx, sizeof idx, "vulnerabilities[%zu]", i);
        if (!json_is_object(cve) || !json_is_string(id) || strncmp(json_string_value(id), "CVE-", 4) ||
            json_string_length(id) > 64) {
            vdb_skip(im, file, idx, "no cve.id");
            continue;
        }
        json_t *metrics = json_object_get(cve, "metrics");
        if (metrics && !json_is_object(metrics)) {
            vdb_skip(im, file, json_string_value(id), "metrics is not an object");
            continue;
        }
        json_t *sev = json_array();
        int have_v3 = 0;
        for (size_t k = 0; k < sizeof metric_keys / sizeof metric_keys[0]; k++) {
            if (!strcmp(metric_keys[k].type, "CVSS_V3") && have_v3)
                continue; /* V31 over V30 */
            const char *v = pick_vector(json_object_get(metrics, metric_keys[k].key));
            if (!v)
                continue;
            json_array_append_new(sev, json_pack("[ss]", metric_keys[k].type, v));
            if (!strcmp(metric_keys[k].type, "CVSS_V3"))
                have_v3 = 1;
        }
        if (json_array_size(sev) == 0) { /* not yet analysed: nothing to add, not an error */
            json_decref(sev);
            continue;
        }
        char *js = json_dumps(sev, JSON_COMPACT);
        json_decref(sev);
        sqlite3_reset(im->ins_nvd);
        sqlite3_bind_text(im->ins_nvd, 1, json_string_value(id), -1, SQLITE_STATIC);
        sqlite3_bind_text(im->ins_nvd, 2, js, -1, SQLITE_TRANSIENT);
        int rc = js ? sqlite3_step(im->ins_nvd) : SQLITE_NOMEM;
        free(js);
        if (rc != SQLITE_DONE)
            return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: inserting NVD: %s", sqlite3_errmsg(im->db));
        im->rep->imported++;
    }
    return vdb_touch(im, "nvd", err);
}
