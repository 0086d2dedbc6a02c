/*
 * runtime.c - runtime evidence on `cgate serve` (POST /v1/images/{digest}/
 * runtime): the body (Falco JSON lines, an strace log or a path list) is read
 * by the same library reader `cgate scan --runtime-evidence` uses, refused
 * (422) when it names another image digest, stored, and a `runtime` job
 * rescans the image with every piece of evidence stored for it, so each
 * finding carries cgate.runtime and a decision is recorded.  Evidence is
 * handed to the reader through memfd files: nothing is written to disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cgate/image.h"
#include "cgate/runtime.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "core/digest.h"
#include "serve/http_int.h"

#define MAX_STORED CG_RT_MAX_FILES

/* An in-memory file holding buf, named by a /proc/self/fd path. */
static int mem_file(const char *buf, size_t len, char path[64])
{
    int fd = memfd_create("cgate-runtime", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

/* Read the stored SBOM of digest; its image digest is the store's key when
 * the document names none (evidence is checked against it). */
static cg_status read_sbom(const char *text, const char *digest, cg_sbom **out, cg_error *err)
{
    cg_status s = cg_sbom_read((const uint8_t *)text, strlen(text), digest, out, err);
    if (s == CG_OK && !(*out)->image.manifest_digest) {
        (*out)->image.manifest_digest = cg_arena_strdup(&(*out)->arena, digest);
        if (!(*out)->image.manifest_digest)
            s = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    return s;
}

/* Collect evidence from n in-memory documents against img (may be NULL) and sbom. */
static cg_status collect(cg_image *img, const cg_sbom *sbom, const char *const *docs, const size_t *lens,
                         const char *const *labels, size_t n, cg_runtime **rt, cg_error *err)
{
    int fds[MAX_STORED];
    char paths[MAX_STORED][64];
    const char *pp[MAX_STORED] = {NULL};
    size_t k = 0;
    cg_status s = CG_OK;
    for (; k < n && k < MAX_STORED; k++) {
        fds[k] = mem_file(docs[k], lens[k], paths[k]);
        if (fds[k] < 0) {
            s = cg_error_set(err, CG_ERR_IO, "runtime evidence: cannot hold it in memory");
            break;
        }
        pp[k] = paths[k];
    }
    if (s == CG_OK)
        s = cg_runtime_collect(img, sbom, pp, k, rt, err);
    for (size_t i = 0; i < k; i++)
        close(fds[i]);
    if (s == CG_OK)
        for (size_t i = 0; i < (*rt)->n_files; i++)
            (*rt)->files[i].path = labels[i];
    else if (err->msg[0]) { /* "runtime evidence /proc/self/fd/N ..." names a memfd: say "the evidence" */
        const char *p = strstr(err->msg, "/proc/self/fd/");
        if (p) {
            char tail[sizeof err->msg];
            const char *e = p + 14 + strspn(p + 14, "0123456789");
            snprintf(tail, sizeof tail, "%.*s(posted)%s", (int)(p - err->msg), err->msg, e);
            memcpy(err->msg, tail, sizeof err->msg);
        }
    }
    return s;
}

enum MHD_Result sv_h_runtime(sv_http *h, struct MHD_Connection *c, req *rq, const char *digest)
{
    if (!cg_digest_valid(digest))
        return sv_send_err(c, 400, "not a digest (sha256:<64 hex>)", NULL, NULL);
    if (!rq->body.len)
        return sv_send_err(c, 400, "the body must be runtime evidence (Falco JSON lines, an strace log or a path list)",
                           NULL, NULL);
    const char *p1[] = {digest};
    sv_rows img;
    cg_error err;
    cg_error_clear(&err);
    if (sv_exec(h->st, "SELECT sbom FROM images WHERE digest = $1", 1, p1, &img, &err) != CG_OK) {
        sv_rows_free(&img);
        return sv_send_err(c, 503, "the store is unavailable", "Retry-After", "5");
    }
    if (img.n == 0) {
        sv_rows_free(&img);
        return sv_send_err(c, 404, "no such image", NULL, NULL);
    }
    cg_sbom *sbom = NULL;
    cg_runtime *rt = NULL;
    const char *doc = rq->body.data;
    size_t len = rq->body.len;
    const char *label = "posted";
    cg_status s = read_sbom(sv_cell(&img, 0, 0), digest, &sbom, &err);
    if (s == CG_OK) /* check and count now (digest, format); the job maps the paths through the image */
        s = collect(NULL, sbom, &doc, &len, &label, 1, &rt, &err);
    enum MHD_Result ret;
    if (s != CG_OK) {
        ret = s == CG_ERR_INPUT ? sv_send_err(c, 422, err.msg, NULL, NULL)
              : s == CG_ERR_NOMEM ? sv_send_err(c, 503, "out of memory", "Retry-After", "5")
                                  : sv_send_err(c, 500, err.msg, NULL, NULL);
    } else {
        char now[24];
        const cg_rt_file *f = &rt->files[0];
        json_t *sum = json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:I, s:I}", "format", f->format, "digest", f->digest,
                                "from", rt->from, "to", rt->to, "events", (json_int_t)rt->events, "badLines",
                                (json_int_t)rt->bad_lines, "unresolved", (json_int_t)rt->unresolved);
        char *sums = sum ? json_dumps(sum, JSON_COMPACT) : NULL;
        json_decref(sum);
        char *text = strndup(doc, len);
        const char *p[] = {digest, f->sha256, f->format, text, sums, sv_itoa(now, sv_now())};
        char dd[200], pl[200];
        snprintf(dd, sizeof dd, "runtime:%s:%s", digest, f->sha256);
        snprintf(pl, sizeof pl, "{\"digest\":\"%s\",\"sha256\":\"%s\"}", digest, f->sha256);
        int64_t id = 0;
        /* the evidence and its job: all or nothing */
        s = text && sums ? sv_begin(h->st, &err) : cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        if (s == CG_OK) {
            s = sv_exec(h->st,
                        "INSERT INTO runtime(digest, sha256, format, evidence, summary, created)"
                        " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                        6, p, NULL, &err);
            if (s == CG_OK)
                s = sv_enqueue(h->st, "runtime", dd, pl, &id, &err);
            s = sv_end(h->st, s, &err);
        }
        if (s == CG_OK && id)
            sv_kick(h->srv);
        ret = s == CG_OK ? sv_send_json(c, 202, json_pack("{s:s, s:s, s:s, s:I, s:b}", "digest", digest, "sha256",
                                                          f->sha256, "format", f->format, "events",
                                                          (json_int_t)rt->events, "queued", id != 0))
                         : sv_send_store_refused(h, c, "the evidence", "storing runtime evidence failed", &err);
        free(text);
        free(sums);
    }
    cg_runtime_free(rt);
    cg_sbom_free(sbom);
    sv_rows_free(&img);
    return ret;
}

cg_status sv_job_runtime(sv_server *srv, sv_store *st, json_t *payload, cg_error *err)
{
    const char *digest = json_string_value(json_object_get(payload, "digest"));
    if (!digest)
        return cg_error_set(err, CG_ERR_INPUT, "runtime job: no digest");
    const char *p1[] = {digest};
    sv_rows img, ev;
    memset(&ev, 0, sizeof ev);
    cg_status s = sv_exec(st, "SELECT sbom, name, ref, scanned FROM images WHERE digest = $1", 1, p1, &img, err);
    if (s == CG_OK && img.n == 0)
        s = cg_error_set(err, CG_ERR_INPUT, "runtime job: image %s is not stored", digest);
    if (s == CG_OK && !sv_cell(&img, 0, 3))
        s = cg_error_set(err, CG_ERR_NETWORK, "runtime job: image %s is not scanned yet", digest); /* retried */
    if (s == CG_OK)
        s = sv_exec(st,
                    "SELECT evidence, sha256 FROM runtime WHERE digest = $1 ORDER BY created DESC, sha256 LIMIT 16", 1,
                    p1, &ev, err);
    if (s != CG_OK || ev.n == 0) {
        sv_rows_free(&img);
        sv_rows_free(&ev);
        return s;
    }
    const char *name = sv_cell(&img, 0, 1), *ref = sv_cell(&img, 0, 2);
    const sv_policy *pol = sv_policy_for(srv, name);
    const char *docs[MAX_STORED], *labels[MAX_STORED];
    size_t lens[MAX_STORED];
    for (size_t i = 0; i < ev.n; i++) {
        docs[i] = sv_cell(&ev, i, 0);
        lens[i] = strlen(docs[i]);
        labels[i] = sv_cell(&ev, i, 1);
    }
    cg_arena a;
    cg_arena_init(&a);
    cg_sbom *sbom = NULL;
    cg_image *im = NULL;
    cg_runtime *rt = NULL;
    cg_vdb *db = NULL;
    cg_report *rep = NULL;
    sv_verdict v;
    memset(&v, 0, sizeof v);
    char day[16];
    sv_today(srv, day);
    s = read_sbom(sv_cell(&img, 0, 0), digest, &sbom, err);
    if (s == CG_OK && ref) { /* the image's own files and symlinks map paths to packages */
        cg_image_opts io;
        memset(&io, 0, sizeof io);
        io.registry = srv->cfg->registry;
        s = cg_image_open(ref, &io, &im, err);
        if (s != CG_OK)
            cg_error_prefix(err, "%s", ref);
    }
    if (s == CG_OK)
        s = collect(im, sbom, docs, lens, labels, ev.n, &rt, err);
    if (s == CG_OK)
        s = sv_open_vdb(srv, &db, err);
    if (s == CG_OK)
        s = sv_scan(db, sbom, NULL, NULL, NULL, NULL, NULL, &rep, err);
    if (s == CG_OK) {
        rep->runtime = rt;
        s = sv_decide(pol ? &pol->policy : NULL, rep, day, &a, &v, err);
    }
    int began = 0;
    if (s == CG_OK && (s = sv_begin(st, err)) == CG_OK)
        began = 1;
    size_t n_loaded = 0;
    for (size_t i = 0; s == CG_OK && i < rep->n_findings; i++) {
        const cg_finding *f = &rep->findings[i];
        const char *fk = sv_finding_key(&a, f);
        char *rj = sv_finding_runtime(rep, f);
        if (f->pkg_index < rt->n_pkgs && rt->loaded[f->pkg_index])
            n_loaded++;
        const char *p[] = {digest, fk, rj};
        s = fk ? sv_exec(st, "UPDATE findings SET runtime = $3 WHERE digest = $1 AND fkey = $2", 3, p, NULL, err)
               : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        free(rj);
    }
    if (s == CG_OK)
        s = sv_insert_decision(st, digest, pol, &v, "runtime", err);
    if (began) {
        if (s == CG_OK)
            s = sv_commit(st, err);
        else
            sv_rollback(st);
    }
    if (s == CG_OK)
        sv_log(srv, "info", "runtime evidence applied",
               json_pack("{s:s, s:I, s:I, s:I, s:b}", "digest", digest, "files", (json_int_t)ev.n, "events",
                         (json_int_t)rt->events, "loadedFindings", (json_int_t)n_loaded, "pass", v.pass));
    sv_verdict_free(&v);
    cg_report_free(rep);
    cg_vdb_close(db);
    cg_runtime_free(rt);
    cg_image_close(im);
    cg_sbom_free(sbom);
    cg_arena_free(&a);
    sv_rows_free(&img);
    sv_rows_free(&ev);
    return s;
}
