/*
 * import_kev.c - the CISA Known Exploited Vulnerabilities catalogue
 * (known_exploited_vulnerabilities.json: vulnerabilities[].cveID and
 * dateAdded).  Each entry marks a CVE; lookups flag every record whose id
 * or aliases name it.  An import of KEV replaces the previous catalogue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vdb_int.h"

static int is_cve(const char *s)
{
    if (!s || strncmp(s, "CVE-", 4) != 0 || strlen(s) > 64)
        return 0;
    const char *p = s + 4;
    int d = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        d++;
    if (d != 4 || *p++ != '-')
        return 0;
    for (d = 0; *p >= '0' && *p <= '9'; p++)
        d++;
    return d >= 4 && !*p;
}

cg_status vdb_import_kev(vdb_imp *im, json_t *doc, const char *file, cg_error *err)
{
    json_t *vul = json_object_get(doc, "vulnerabilities");
    if (sqlite3_exec(im->db, "DELETE FROM kev", NULL, NULL, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: clearing KEV: %s", sqlite3_errmsg(im->db));
    for (size_t i = 0; i < json_array_size(vul); i++) {
        json_t *v = json_array_get(vul, i);
        json_t *id = json_object_get(v, "cveID"), *date = json_object_get(v, "dateAdded");
        char idx[48];
        snprintf(idx, sizeof idx, "vulnerabilities[%zu]", i);
        if (!json_is_string(id) || !is_cve(json_string_value(id))) {
            vdb_skip(im, file, idx, "cveID is not a CVE id");
            continue;
        }
        if (date && !json_is_string(date)) {
            vdb_skip(im, file, json_string_value(id), "dateAdded is not a string");
            continue;
        }
        sqlite3_reset(im->ins_kev);
        sqlite3_bind_text(im->ins_kev, 1, json_string_value(id), -1, SQLITE_STATIC);
        if (date && json_string_length(date) <= 32)
            sqlite3_bind_text(im->ins_kev, 2, json_string_value(date), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(im->ins_kev, 2);
        if (sqlite3_step(im->ins_kev) != SQLITE_DONE)
            return cg_error_set(err, CG_ERR_INTERNAL, "vulnerability DB: inserting KEV: %s", sqlite3_errmsg(im->db));
        im->rep->imported++;
    }
    return vdb_touch(im, "kev", err);
}
