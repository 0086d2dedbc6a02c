/*
 * run.c - the stage runner of `cgate run`: build? -> sbom -> scan -> policy
 * -> key -> push (by digest) -> sign -> attest -> tag.  Each stage reads the
 * previous one's artifact from memory (the same bytes it wrote to the
 * artifacts folder), writes its own whole, and closes one audit record.
 * The first failure closes its stage's record with the error, prefixes the
 * message with "stage NAME" and stops: nothing later runs, so the tag - the
 * commit point, set last by the registry push - is never set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgate/attach.h"
#include "cgate/copy.h"
#include "cgate/decision.h"
#include "cgate/policy.h"
#include "cgate/runtime.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/vulndb.h"
#include "core/json.h"
#include "core/readfile.h"
#include "pipeline/pipeline_int.h"
#include "pipeline/stages.h"

typedef struct pl_run {
    const cg_pipeline_opts *o;
    cg_pipeline_result *res;
    pl_audit audit;
    char dir[PL_PATH_MAX];
    char source[PL_PATH_MAX + 64];
    cg_ref dest;
    cg_image *img;
    cg_sbom *sbom;
    cg_buf cdx, spdx, report, decision;
    cg_sign_key *key;
    json_t *rec;            /* the open record of the current stage */
    const char *stage;
    cg_registry *reg;
} pl_run;

static void note(pl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(pl_run *r, const char *fmt, ...)
{
    if (!r->o->note)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->o->note(r->o->note_ud, r->stage, msg);
}

static cg_status stage_begin(pl_run *r, const char *stage, cg_error *err)
{
    r->stage = stage;
    r->rec = pl_audit_record(&r->audit, stage);
    return r->rec ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

static cg_status stage_end(pl_run *r, const char *result, cg_error *err)
{
    json_t *rec = r->rec;
    r->rec = NULL;
    return pl_audit_append(&r->audit, rec, result, NULL, err);
}

/* Close the current stage as failed: its record says why, the message gets
 * the stage's name, res->stage is set.  Returns the failure's status. */
static cg_status stage_fail(pl_run *r, cg_error *err)
{
    cg_status st = err->status != CG_OK ? err->status : CG_ERR_INTERNAL;
    snprintf(r->res->stage, sizeof r->res->stage, "%s", r->stage ? r->stage : "start");
    if (r->rec) {
        json_t *rec = r->rec;
        r->rec = NULL;
        cg_error ae;
        cg_error_clear(&ae);
        if (r->audit.dir[0])
            pl_audit_append(&r->audit, rec, "error", err->msg, &ae);
        else
            json_decref(rec);
    }
    cg_error_prefix(err, "stage %s", r->res->stage);
    err->status = st;
    return st;
}

/* ---- the artifacts folder ------------------------------------------------ */

/* A fresh staging folder for a build whose digest is not known yet. */
static cg_status staging_dir(pl_run *r, cg_error *err)
{
    cg_status st = pl_mkdirs("cgate-artifacts", err);
    if (st != CG_OK)
        return st;
    snprintf(r->dir, sizeof r->dir, "cgate-artifacts/build-%ld-%ld", (long)time(NULL), (long)getpid());
    pl_rmtree(r->dir);
    return pl_mkdirs(r->dir, err);
}

/* Once the digest is known (default folder only): move to
 * cgate-artifacts/sha256-HEX, replacing a previous run's folder for the
 * same image. */
static cg_status final_dir(pl_run *r, const char *digest, cg_error *err)
{
    char want[PL_PATH_MAX];
    pl_default_dir(digest, want, sizeof want);
    cg_status st = pl_mkdirs("cgate-artifacts", err);
    if (st != CG_OK)
        return st;
    struct stat sb;
    if (lstat(want, &sb) == 0) {
        char old[PL_PATH_MAX + 64];
        snprintf(old, sizeof old, "cgate-artifacts/.old-%ld-%s", (long)getpid(), want + strlen("cgate-artifacts/"));
        if (rename(want, old) != 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot replace: %s", want, strerror(errno));
        pl_rmtree(old);
    }
    if (r->dir[0]) {
        if (rename(r->dir, want) != 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot rename to %s: %s", r->dir, want, strerror(errno));
    } else if ((st = pl_mkdirs(want, err)) != CG_OK) {
        return st;
    }
    snprintf(r->dir, sizeof r->dir, "%s", want);
    snprintf(r->audit.dir, sizeof r->audit.dir, "%s", want);
    /* the built image moved with the folder */
    if (r->o->dockerfile)
        snprintf(r->source, sizeof r->source, "oci:%s/%s:latest", r->dir, CG_ART_IMAGE);
    return CG_OK;
}

static cg_status write_art(pl_run *r, const char *name, const cg_buf *b, cg_error *err)
{
    char sha[CG_DIGEST_STR_LEN + 1];
    cg_status st = pl_artifact_write(r->dir, name, b->data, b->len, sha, err);
    if (st == CG_OK)
        pl_rec_artifact(r->rec, "outputs", name, sha);
    return st;
}

static void rec_image(pl_run *r, const char *list)
{
    const cg_image_info *in = cg_image_get_info(r->img);
    json_t *list_j = json_object_get(r->rec, list);
    if (!list_j) {
        list_j = json_array();
        json_object_set_new(r->rec, list, list_j);
    }
    json_array_append_new(list_j, json_pack("{s:s, s:s, s:s?, s:s?}", "role", "image", "ref", r->source,
                                            "manifestDigest", r->res->image_digest, "configDigest",
                                            in->config_digest));
}

/* ---- stages -------------------------------------------------------------- */

static cg_status do_build(pl_run *r, cg_error *err)
{
    cg_status st = stage_begin(r, "build", err);
    if (st != CG_OK)
        return st;
    if (r->o->artifacts)
        st = pl_mkdirs(r->dir, err);
    else
        st = staging_dir(r, err);
    r->audit.dir[0] = 0;
    if (st == CG_OK) {
        snprintf(r->audit.dir, sizeof r->audit.dir, "%s", r->dir);
        snprintf(r->res->dir, sizeof r->res->dir, "%s", r->dir);
    }
    note(r, "building %s with buildah", r->o->dockerfile);
    if (st == CG_OK)
        st = pl_build(r->o, r->dir, r->rec, r->source, sizeof r->source, err);
    if (st != CG_OK)
        return stage_fail(r, err);
    return CG_OK; /* closed by do_sbom once the image digest is known */
}

static cg_status do_sbom(pl_run *r, cg_error *err)
{
    cg_image_opts io;
    if (r->o->image)
        io = *r->o->image;
    else
        memset(&io, 0, sizeof io);
    cg_status st = cg_image_open(r->source, &io, &r->img, err);
    if (st == CG_OK)
        st = cg_copy_manifest_digest(r->img, r->res->image_digest, err);
    if (st != CG_OK) {
        if (!r->rec && stage_begin(r, "sbom", err) != CG_OK)
            return err->status;
        return stage_fail(r, err);
    }
    if (r->rec) { /* the build's record: now with its image */
        rec_image(r, "outputs");
        if (!r->o->artifacts) { /* the layout moves with the folder: open it again there */
            cg_image_close(r->img);
            r->img = NULL;
            st = final_dir(r, r->res->image_digest, err);
            if (st == CG_OK)
                st = cg_image_open(r->source, &io, &r->img, err);
            if (st != CG_OK)
                return stage_fail(r, err);
        }
        json_t *outs = json_object_get(r->rec, "outputs");
        json_t *last = json_array_get(outs, json_array_size(outs) - 1);
        json_object_set_new(last, "ref", json_string(r->source));
        /* the layout's index.json names the manifest; its blobs are content-addressed */
        char ipath[PL_PATH_MAX + 64], sha[CG_DIGEST_STR_LEN + 1];
        snprintf(ipath, sizeof ipath, "%s/%s/index.json", r->dir, CG_ART_IMAGE);
        cg_buf ib = CG_BUF_INIT;
        st = cg_read_file(ipath, 4u << 20, "built image index", &ib, err);
        if (st == CG_OK)
            st = cg_sha256_str(ib.data ? ib.data : "", ib.len, sha);
        cg_buf_free(&ib);
        if (st != CG_OK)
            return stage_fail(r, err);
        pl_rec_artifact(r->rec, "outputs", CG_ART_IMAGE "/index.json", sha);
        if ((st = stage_end(r, "ok", err)) != CG_OK)
            return stage_fail(r, err);
        note(r, "built %s", r->res->image_digest);
    } else {
        if (!r->o->artifacts)
            st = final_dir(r, r->res->image_digest, err);
        else
            st = pl_mkdirs(r->dir, err);
        snprintf(r->audit.dir, sizeof r->audit.dir, "%s", r->dir);
        if (st != CG_OK) {
            r->audit.dir[0] = 0; /* nowhere to log */
            if (stage_begin(r, "sbom", err) == CG_OK)
                return stage_fail(r, err);
            return st;
        }
    }
    snprintf(r->res->dir, sizeof r->res->dir, "%s", r->dir);
    char pushed[PL_PATH_MAX + 32];
    snprintf(pushed, sizeof pushed, "%s/%s", r->dir, CG_ART_PUSHED);
    unlink(pushed); /* a previous run's outcome must not look like this run's */

    if ((st = stage_begin(r, "sbom", err)) != CG_OK)
        return st;
    rec_image(r, "inputs");
    cg_sbom_opts so = {r->o->source_date_epoch, 0, 0, 0}; /* installed packages only; nothing recognised fails closed */
    st = cg_sbom_build(r->img, &so, &r->sbom, err);
    if (st == CG_OK)
        st = cg_sbom_write(r->sbom, CG_SBOM_CYCLONEDX_JSON, &r->cdx, err);
    if (st == CG_OK)
        st = cg_sbom_write(r->sbom, CG_SBOM_SPDX_JSON, &r->spdx, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_SBOM_CDX, &r->cdx, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_SBOM_SPDX, &r->spdx, err);
    if (st != CG_OK)
        return stage_fail(r, err);
    r->res->n_packages = r->sbom->n_pkgs;
    json_object_set_new(r->rec, "packages", json_integer((json_int_t)r->sbom->n_pkgs));
    note(r, "%zu packages", r->sbom->n_pkgs);
    return stage_end(r, "ok", err) == CG_OK ? CG_OK : stage_fail(r, err);
}

static void rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, 32, "?");
        return;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runtime evidence (docs/runtime.md): read against the image, attached to
 * the report; each file and its sha256 are the scan record's inputs, the
 * window and counters its "runtime" member; with vex_out the OpenVEX
 * document is written as an artifact of the scan stage. */
static cg_status scan_runtime(pl_run *r, cg_report *rep, cg_runtime **rtp, cg_error *err)
{
    cg_status st = cg_runtime_collect(r->img, r->sbom, r->o->runtime_evidence, r->o->n_runtime_evidence, rtp, err);
    cg_runtime *rt = *rtp;
    if (st != CG_OK)
        return st;
    rep->runtime = rt;
    for (size_t i = 0; i < rt->n_files; i++)
        pl_rec_file(r->rec, "inputs", "runtime-evidence", rt->files[i].path, rt->files[i].sha256);
    json_t *j = json_pack("{s:s?, s:s?, s:I, s:I, s:I, s:I, s:I}", "from", rt->from, "to", rt->to, "events",
                          (json_int_t)rt->events, "failed", (json_int_t)rt->failed, "unowned",
                          (json_int_t)rt->unowned, "unresolved", (json_int_t)rt->unresolved, "badLines",
                          (json_int_t)rt->bad_lines);
    if (j)
        json_object_set_new(r->rec, "runtime", j);
    note(r, "runtime evidence: %llu events from %zu file%s", (unsigned long long)rt->events, rt->n_files,
         rt->n_files == 1 ? "" : "s");
    if (!r->o->vex_out)
        return CG_OK;
    int64_t now = r->o->now >= 0 ? r->o->now : r->o->source_date_epoch >= 0 ? r->o->source_date_epoch
                                                                             : (int64_t)time(NULL);
    cg_buf vex = CG_BUF_INIT;
    st = cg_runtime_write_vex(rep, rt, now, &vex, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_VEX, &vex, err);
    cg_buf_free(&vex);
    return st;
}

static cg_status do_scan(pl_run *r, cg_error *err)
{
    cg_status st = stage_begin(r, "scan", err);
    if (st != CG_OK)
        return st;
    cg_arena a;
    cg_arena_init(&a);
    cg_vdb *db = NULL;
    cg_report *rep = NULL;
    cg_buf sarif = CG_BUF_INIT;
    const char *db_path = r->o->db_path ? r->o->db_path : cg_vdb_default_path(&a);
    char sha[CG_DIGEST_STR_LEN + 1];
    cg_sha256_str(r->cdx.data ? r->cdx.data : "", r->cdx.len, sha);
    pl_rec_artifact(r->rec, "inputs", CG_ART_SBOM_CDX, sha);
    st = db_path ? cg_vdb_open(db_path, &db, err)
                 : cg_error_set(err, CG_ERR_INPUT, "no vulnerability DB location (set --db or CGATE_DB)");
    int64_t now = r->o->now >= 0 ? r->o->now : (int64_t)time(NULL), newest = -1;
    if (st == CG_OK) {
        cg_vdb_source_stat *stats = NULL;
        size_t n = 0;
        st = cg_vdb_stats(db, &a, &stats, &n, &newest, err);
        json_t *dbj = json_object();
        json_object_set_new(dbj, "path", json_string(db_path));
        json_t *srcs = json_array();
        for (size_t i = 0; st == CG_OK && i < n; i++)
            json_array_append_new(srcs, json_pack("{s:s, s:I, s:s?}", "source", stats[i].source, "records",
                                                  (json_int_t)stats[i].records, "imported", stats[i].imported));
        if (newest >= 0) {
            char built[32];
            rfc3339(newest, built);
            json_object_set_new(dbj, "built", json_string(built));
            json_object_set_new(dbj, "ageSeconds", json_integer((json_int_t)(now - newest)));
        } else {
            json_object_set_new(dbj, "built", json_null());
        }
        json_object_set_new(dbj, "sources", srcs);
        json_object_set_new(r->rec, "db", dbj);
        if (st != CG_OK)
            cg_error_prefix(err, "vulnerability DB %s", db_path);
    }
    if (st == CG_OK && r->o->db_max_age >= 0) {
        if (newest < 0)
            st = cg_error_set(err, CG_ERR_INPUT, "vulnerability DB %s: its age is unknown (no import recorded), so "
                              "--db-max-age cannot be met", db_path);
        else if (now - newest > r->o->db_max_age)
            st = cg_error_set(err, CG_ERR_INPUT, "vulnerability DB %s is %.1f days old, older than --db-max-age "
                              "(%.1f days); run 'cgate db update' or import newer data", db_path,
                              (double)(now - newest) / 86400.0, (double)r->o->db_max_age / 86400.0);
    }
    cg_scan_opts so;
    memset(&so, 0, sizeof so);
    so.pkg_types = r->o->pkg_types;
    so.severities = r->o->severities;
    so.ignore_unfixed = r->o->ignore_unfixed;
    so.now = r->o->now >= 0 ? r->o->now : r->o->source_date_epoch;
    so.db_built = newest;
    cg_scan_source src = cg_scan_source_vdb(db);
    cg_runtime *rt = NULL;
    if (st == CG_OK)
        st = cg_scan(r->sbom, &src, &so, &rep, err);
    if (st == CG_OK && r->o->n_runtime_evidence)
        st = scan_runtime(r, rep, &rt, err);
    if (st == CG_OK)
        st = cg_report_write(rep, CG_REPORT_JSON, NULL, &r->report, err);
    if (st == CG_OK)
        st = cg_report_write(rep, CG_REPORT_SARIF, NULL, &sarif, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_REPORT, &r->report, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_SARIF, &sarif, err);
    if (st == CG_OK) {
        r->res->n_findings = rep->n_findings;
        json_object_set_new(r->rec, "findings", json_integer((json_int_t)rep->n_findings));
        note(r, "%zu findings", rep->n_findings);
    }
    cg_buf_free(&sarif);
    cg_report_free(rep);
    cg_runtime_free(rt);
    cg_vdb_close(db);
    cg_arena_free(&a);
    if (st != CG_OK)
        return stage_fail(r, err);
    return stage_end(r, "ok", err) == CG_OK ? CG_OK : stage_fail(r, err);
}

static cg_status do_policy(pl_run *r, cg_error *err)
{
    cg_status st = stage_begin(r, "policy", err);
    if (st != CG_OK)
        return st;
    char sha[CG_DIGEST_STR_LEN + 1];
    cg_sha256_str(r->report.data ? r->report.data : "", r->report.len, sha);
    pl_rec_artifact(r->rec, "inputs", CG_ART_REPORT, sha);
    pl_decide_in in = {
        .report = &r->report,
        .report_path = CG_ART_REPORT, /* relative to decision.json, as `cgate push` reads it */
        .policy = r->o->policy,
        .exceptions = r->o->exceptions,
        .vex = r->o->vex,
        .n_vex = r->o->n_vex,
        .context = r->o->context,
        .n_context = r->o->n_context,
        .now = r->o->policy_now,
    };
    cg_buf html = CG_BUF_INIT;
    in.html_out = &html;
    pl_decide_out out;
    memset(&out, 0, sizeof out);
    st = pl_decide(&in, r->rec, &r->decision, &r->res->decision_table, &out, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_DECISION, &r->decision, err);
    if (st == CG_OK)
        st = write_art(r, CG_ART_REPORT_HTML, &html, err);
    cg_buf_free(&html);
    if (st != CG_OK)
        return stage_fail(r, err);
    cg_sha256_str(r->decision.data, r->decision.len, r->res->decision_sha256);
    r->res->decided = 1;
    r->res->pass = out.pass;
    json_object_set_new(r->rec, "blocked", json_integer((json_int_t)out.n_blocked));
    note(r, "%s (%zu blocked finding%s)", out.pass ? "pass" : "deny", out.n_blocked, out.n_blocked == 1 ? "" : "s");
    return stage_end(r, out.pass ? "pass" : "deny", err) == CG_OK ? CG_OK : stage_fail(r, err);
}

/* The push gate every push goes through (cgate/decision.h, as `cgate push
 * --require-decision`): the decision.json this run wrote must pass and name
 * this image.  It always should; a refusal here is a bug, not a deny. */
static cg_status gate(pl_run *r, cg_error *err)
{
    char name[PL_PATH_MAX + 32];
    snprintf(name, sizeof name, "%s/%s", r->dir, CG_ART_DECISION);
    cg_decision_doc *doc = NULL;
    cg_buf why = CG_BUF_INIT;
    cg_decision_cover cover = CG_COVER_DENY;
    cg_status st = cg_decision_read_mem(name, r->decision.data, r->decision.len, &doc, err);
    if (st == CG_OK)
        st = cg_decision_covers(doc, r->res->image_digest, cg_image_get_info(r->img)->config_digest, &cover, &why, err);
    if (st == CG_OK && cover != CG_COVER_YES)
        st = cg_error_set(err, CG_ERR_INTERNAL, "the push gate refused this run's own decision: %s", cg_buf_str(&why));
    json_object_set_new(r->rec, "gate", json_string(st == CG_OK ? "decision covers the image" : "refused"));
    cg_buf_free(&why);
    cg_decision_free(doc);
    return st;
}

static cg_status do_key(pl_run *r, cg_error *err)
{
    cg_status st = stage_begin(r, "key", err);
    if (st != CG_OK)
        return st;
    cg_buf pem = CG_BUF_INIT;
    st = cg_key_ref_read(r->o->key, &pem, err);
    if (st == CG_OK)
        st = cg_key_load_private((const uint8_t *)pem.data, pem.len, r->o->password, r->o->password_ud, &r->key, err);
    cg_key_buf_wipe(&pem);
    if (st != CG_OK && !strstr(err->msg, r->o->key))
        cg_error_prefix(err, "key %s", r->o->key);
    json_object_set_new(r->rec, "key", json_string(r->o->key));
    if (st != CG_OK)
        return stage_fail(r, err);
    return stage_end(r, "ok", err) == CG_OK ? CG_OK : stage_fail(r, err);
}

/* Between the manifest pushed by digest and the tag: close "push", then sign
 * and attest, each its own stage; leave "tag" open for after. */
static cg_status before_tag(void *ud, cg_registry *reg, const cg_ref *dest, const char *digest, cg_error *err)
{
    pl_run *r = ud;
    const cg_registry_stats *rs = cg_registry_get_stats(reg);
    json_object_set_new(r->rec, "outputs",
                        json_pack("[{s:s, s:s, s:s}]", "registry", dest->registry, "repository", dest->repository,
                                  "manifestDigest", digest));
    json_object_set_new(r->rec, "blobs", json_pack("{s:I, s:I, s:I, s:I}", "uploaded", (json_int_t)rs->blobs_uploaded,
                                                   "skipped", (json_int_t)rs->blobs_skipped, "mounted",
                                                   (json_int_t)rs->blobs_mounted, "bytesUploaded",
                                                   (json_int_t)rs->bytes_uploaded));
    note(r, "%s/%s@%s (%llu blobs uploaded, %llu already there, %llu mounted)", dest->registry, dest->repository, digest,
         (unsigned long long)rs->blobs_uploaded, (unsigned long long)rs->blobs_skipped,
         (unsigned long long)rs->blobs_mounted);
    cg_status st = stage_end(r, "ok", err);
    if (st != CG_OK)
        return st;

    if ((st = stage_begin(r, "sign", err)) != CG_OK)
        return st;
    cg_annotation ann = {CG_DECISION_ANNOTATION, r->res->decision_sha256};
    pl_rec_artifact(r->rec, "inputs", CG_ART_DECISION, r->res->decision_sha256);
    cg_attach_result ar;
    st = cg_attach_sign(reg, dest, digest, r->key, &ann, 1, &ar, err);
    if (st != CG_OK)
        return st;
    snprintf(r->res->signature_digest, sizeof r->res->signature_digest, "%s", ar.manifest_digest);
    json_object_set_new(r->rec, "outputs", json_pack("[{s:s, s:s, s:s, s:s}]", "tag", ar.tag, "manifestDigest",
                                                     ar.manifest_digest, "layerDigest", ar.blob_digest,
                                                     CG_DECISION_ANNOTATION, r->res->decision_sha256));
    note(r, "%s (%s=%s)", ar.tag, CG_DECISION_ANNOTATION, r->res->decision_sha256);
    if ((st = stage_end(r, "ok", err)) != CG_OK)
        return st;

    if ((st = stage_begin(r, "attest", err)) != CG_OK)
        return st;
    const cg_buf *preds[2] = {&r->cdx, &r->spdx};
    const char *types[2] = {CG_PREDICATE_CYCLONEDX, CG_PREDICATE_SPDX};
    const char *names[2] = {CG_ART_SBOM_CDX, CG_ART_SBOM_SPDX};
    json_t *outs = json_array();
    json_object_set_new(r->rec, "outputs", outs);
    for (int i = 0; i < (r->o->attest_spdx ? 2 : 1); i++) {
        char sha[CG_DIGEST_STR_LEN + 1];
        cg_sha256_str(preds[i]->data, preds[i]->len, sha);
        pl_rec_artifact(r->rec, "inputs", names[i], sha);
        st = cg_attach_attest(reg, dest, digest, r->key, types[i], (const uint8_t *)preds[i]->data, preds[i]->len, &ar,
                              err);
        if (st != CG_OK)
            return st;
        json_array_append_new(outs, json_pack("{s:s, s:s, s:s, s:s}", "predicateType", types[i], "tag", ar.tag,
                                              "manifestDigest", ar.manifest_digest, "layerDigest", ar.blob_digest));
        snprintf(r->res->attestation_digest, sizeof r->res->attestation_digest, "%s", ar.manifest_digest);
        note(r, "%s (%s)", ar.tag, types[i]);
    }
    if ((st = stage_end(r, "ok", err)) != CG_OK)
        return st;
    return stage_begin(r, "tag", err);
}

static cg_status write_pushed(pl_run *r, cg_error *err)
{
    cg_buf b = CG_BUF_INIT;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "registry", r->dest.registry, "repository",
                          r->dest.repository, "digest", r->res->image_digest, "tag", r->dest.tag, "signature",
                          r->res->signature_digest, "attestation", r->res->attestation_digest, "decision",
                          r->res->decision_sha256);
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    cg_status st = s ? cg_buf_puts(&b, s) : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    free(s);
    if (st == CG_OK)
        st = cg_buf_putc(&b, '\n');
    if (st == CG_OK)
        st = write_art(r, CG_ART_PUSHED, &b, err);
    cg_buf_free(&b);
    return st;
}

static cg_status do_push(pl_run *r, cg_error *err)
{
    cg_status st = stage_begin(r, "push", err);
    if (st != CG_OK)
        return st;
    rec_image(r, "inputs");
    pl_rec_artifact(r->rec, "inputs", CG_ART_DECISION, r->res->decision_sha256);
    if ((st = gate(r, err)) != CG_OK)
        return stage_fail(r, err);
    st = cg_registry_new(r->o->registry, &r->reg, err);
    cg_push_result pr;
    memset(&pr, 0, sizeof pr);
    cg_push_opts po = {before_tag, r};
    if (st == CG_OK)
        st = cg_copy_push_image(r->reg, r->img, &r->dest, &po, &pr, err);
    if (st != CG_OK) {
        char rb[700];
        if (!strstr(err->msg, r->dest.repository))
            cg_error_prefix(err, "%s", cg_ref_format(&r->dest, rb, sizeof rb));
        return stage_fail(r, err);
    }
    if (strcmp(pr.digest, r->res->image_digest)) {
        cg_error_set(err, CG_ERR_INTERNAL, "pushed %s, expected %s", pr.digest, r->res->image_digest);
        return stage_fail(r, err);
    }
    char rb[700];
    cg_ref tagged = r->dest;
    snprintf(tagged.digest, sizeof tagged.digest, "%s", pr.digest);
    snprintf(r->res->pushed, sizeof r->res->pushed, "%s", cg_ref_format(&tagged, rb, sizeof rb));
    json_object_set_new(r->rec, "tag", json_string(r->dest.tag));
    json_object_set_new(r->rec, "manifestDigest", json_string(pr.digest));
    if ((st = write_pushed(r, err)) != CG_OK)
        return stage_fail(r, err);
    note(r, "%s", r->res->pushed);
    return stage_end(r, "ok", err) == CG_OK ? CG_OK : stage_fail(r, err);
}

/* ---- the run ------------------------------------------------------------- */

static cg_status check_opts(const cg_pipeline_opts *o, pl_run *r, cg_error *err)
{
    if (!o->source == !o->dockerfile)
        return cg_error_set(err, CG_ERR_USAGE, "give an image or --dockerfile, not %s", o->source ? "both" : "neither");
    if (!o->policy)
        return cg_error_set(err, CG_ERR_USAGE, "--policy FILE is required");
    if (!o->policy_now || !cg_policy_date_valid(o->policy_now))
        return cg_error_set(err, CG_ERR_USAGE, "no valid date for the exceptions (YYYY-MM-DD)");
    if (!o->dry_run && (!o->to || !o->key))
        return cg_error_set(err, CG_ERR_USAGE, "--to REF and --key KEY are required (or --dry-run)");
    if (o->to) {
        cg_status st = cg_ref_parse(o->to, &r->dest, err);
        if (st != CG_OK)
            return cg_error_prefix(err, "--to");
        if (!r->dest.tag[0])
            return cg_error_set(err, CG_ERR_USAGE, "--to %s: needs a tag (the tag is set last, once signed)", o->to);
        if (r->dest.digest[0])
            return cg_error_set(err, CG_ERR_USAGE, "--to %s: give a tag, not a digest (the digest is the image's)", o->to);
    }
    if (o->artifacts && strlen(o->artifacts) >= PL_PATH_MAX - 300)
        return cg_error_set(err, CG_ERR_USAGE, "--artifacts: path too long");
    return CG_OK;
}

void cg_pipeline_result_init(cg_pipeline_result *r)
{
    memset(r, 0, sizeof *r);
    cg_buf_init(&r->decision_table, 0);
}

void cg_pipeline_result_free(cg_pipeline_result *r)
{
    cg_buf_free(&r->decision_table);
}

cg_status cg_pipeline_run(const cg_pipeline_opts *o, cg_pipeline_result *res, cg_error *err)
{
    pl_run *r = calloc(1, sizeof *r);
    if (!r)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    r->o = o;
    r->res = res;
    pl_audit_init(&r->audit, "");
    cg_status st = check_opts(o, r, err);
    if (st == CG_OK && o->artifacts)
        snprintf(r->dir, sizeof r->dir, "%s", o->artifacts);
    if (st == CG_OK && o->source)
        snprintf(r->source, sizeof r->source, "%s", o->source);
    if (st == CG_OK && o->dockerfile)
        st = do_build(r, err);
    if (st == CG_OK)
        st = do_sbom(r, err);
    if (st == CG_OK)
        st = do_scan(r, err);
    if (st == CG_OK)
        st = do_policy(r, err);
    if (st == CG_OK && res->pass && !o->dry_run)
        st = do_key(r, err);
    if (st == CG_OK && res->pass && !o->dry_run)
        st = do_push(r, err);
    if (r->rec)
        json_decref(r->rec);
    cg_registry_free(r->reg);
    cg_key_free(r->key);
    cg_sbom_free(r->sbom);
    cg_image_close(r->img);
    cg_buf_free(&r->cdx);
    cg_buf_free(&r->spdx);
    cg_buf_free(&r->report);
    cg_buf_free(&r->decision);
    pl_audit_free(&r->audit);
    free(r);
    return st;
}
