/*
 * http_int.h - what the two halves of the HTTP API share: the server state
 * (http.c: daemon, limits, dispatch) and the endpoint handlers (api.c), and
 * the JSON response helpers both use.
 */
#ifndef CG_SERVE_HTTP_INT_H
#define CG_SERVE_HTTP_INT_H

#include <microhttpd.h>

#include "cgate/buf.h"
#include "serve/serve_int.h"

#define N_BUCKETS 1024
#define MAX_EVENTS 1000

typedef struct bucket {
    char addr[64];
    double tokens, last;
} bucket;

struct sv_http {
    struct MHD_Daemon *d;
    sv_server *srv;
    sv_store *st;
    bucket *buckets;
    cg_buf cert, key;
};

typedef struct req {
    cg_buf body;
    int too_big;
    double t0;
} req;

enum MHD_Result sv_send_body(struct MHD_Connection *c, unsigned code, const char *ctype, const char *body,
                             size_t len, const char *extra_name, const char *extra_val);
/* doc is consumed. */
enum MHD_Result sv_send_json(struct MHD_Connection *c, unsigned code, json_t *doc);
/* {"error": {"code", "message"}} with an optional extra header. */
enum MHD_Result sv_send_err(struct MHD_Connection *c, unsigned code, const char *msg, const char *hn,
                            const char *hv);

/* A write the store refused (err says why; logged as msg, naming the store):
 * 507 when its disk is full ("the store is out of disk space: WHAT was not
 * stored"), else 503 ("the store refused WHAT; retry"), both with
 * Retry-After.  The caller has rolled back whatever the request began. */
enum MHD_Result sv_send_store_refused(sv_http *h, struct MHD_Connection *c, const char *what, const char *msg,
                                      const cg_error *err);

/* api.c: one per endpoint (auth and limits already checked). */
enum MHD_Result sv_h_notifications(sv_http *h, struct MHD_Connection *c, req *rq);
enum MHD_Result sv_h_post_image(sv_http *h, struct MHD_Connection *c, req *rq);
enum MHD_Result sv_h_list_images(sv_http *h, struct MHD_Connection *c);
enum MHD_Result sv_h_runtime(sv_http *h, struct MHD_Connection *c, req *rq, const char *digest);
enum MHD_Result sv_h_get_image(sv_http *h, struct MHD_Connection *c, const char *digest);
enum MHD_Result sv_h_findings(sv_http *h, struct MHD_Connection *c);
enum MHD_Result sv_h_rematch(sv_http *h, struct MHD_Connection *c);
enum MHD_Result sv_h_metrics(sv_http *h, struct MHD_Connection *c);
enum MHD_Result sv_h_healthz(sv_http *h, struct MHD_Connection *c);

#endif
