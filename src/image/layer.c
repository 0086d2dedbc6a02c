/*
 * layer.c - the single streaming pass over an image's layers.
 *
 * blob bytes -> sha256 (blob digest) -> gzip (ISA-L) / zstd / plain ->
 * sha256 (diff_id) -> libarchive's tar reader -> visitor.
 * Decompression is ours rather than libarchive's so the uncompressed stream
 * can be hashed for the diff_id check and so the fast ISA-L inflater is used.
 * Nothing is written to disk; memory is a few fixed buffers per layer.  A
 * layer passes only when both digests match after the last byte, including
 * bytes after the tar end blocks, which are read and hashed too.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/digest.h"
#include "image/transport.h"
#include "image/walk.h"

#define IN_CHUNK (256u * 1024u)
#define OUT_CHUNK (256u * 1024u)
#define PROGRESS_STEP (8u * 1024u * 1024u)
#define RING_SLOTS 6
#define IN_SLOTS 4

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

typedef struct walk_state {
    cg_image *img;
    uint64_t total_out;   /* uncompressed bytes, all layers */
    _Atomic uint64_t total_in; /* blob bytes, all layers (written by the decoder thread) */
    uint64_t next_progress;
    uint64_t entries;
    uint64_t bytes_total; /* sum of known blob sizes */
    size_t layer;
} walk_state;

/* Compressed layers are decoded on a second thread (read + blob sha256 +
 * inflate) while this one hashes the uncompressed stream and parses the tar:
 * the two halves cost about the same, so the pass takes about as long as the
 * decompression alone.  Slots are handed over through a small ring. */
typedef struct ring {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint8_t *buf[RING_SLOTS];
    ssize_t len[RING_SLOTS]; /* > 0 bytes, 0 end of stream, -1 error (see err) */
    size_t head, count;
    /* compressed chunks, copied by the decoder for the reader to hash: the
     * blob's sha256 moves off the decoder thread, which is the critical path */
    uint8_t *ibuf[IN_SLOTS];
    size_t ilen[IN_SLOTS];
    size_t ihead, icount;
    int held;                /* the consumer still uses slot head */
    int cancel;
    int started;
    pthread_t th;
} ring;

typedef struct layer_stream {
    walk_state *ws;
    ring *ring;          /* NULL: decode inline (plain tar) */
    cg_blob blob;
    enum codec codec;
    cg_sha256 blob_hash, diff_hash;
    struct inflate_state *isal;
    ZSTD_DStream *zs;
    uint8_t *in;
    size_t in_len, in_pos;
    int in_eof;
    int done;            /* decompressor finished and input consumed */
    int z_frame_done;    /* zstd: the last call ended a frame */
    uint8_t *out;
    uint64_t blob_bytes, diff_bytes;
    cg_error err;        /* decoder-side failure (decoder thread when there is one) */
    cg_error rerr;       /* reader-side failure seen by the tar reader: a copy of err, or a cap */
} layer_stream;

int cg_path_normalize(const char *in, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t o = 0, i = 0;
    if (len > 0 && in[0] == '/')
        return -1;
    while (i < len) {
        size_t j = i;
        while (j < len && in[j] != '/')
            j++;
        size_t cl = j - i;
        if (cl == 0 || (cl == 1 && in[i] == '.')) {
            /* skip empty and "." components */
        } else if (cl == 2 && in[i] == '.' && in[i + 1] == '.') {
            return -1;
        } else {
            if (o + cl + 2 > cap)
                return -2;
            if (o)
                out[o++] = '/';
            memcpy(out + o, in + i, cl);
            o += cl;
        }
        i = j + 1;
    }
    if (o >= cap)
        return -2;
    out[o] = '\0';
    *out_len = o;
    return 0;
}

/* Refill the compressed input buffer; hashes what it reads. */
/* Decoder side: queue a copy of a compressed chunk for hashing; -1 when cancelled. */
static int push_input(ring *r, const uint8_t *p, size_t n)
{
    pthread_mutex_lock(&r->mu);
    while (r->icount == IN_SLOTS && !r->cancel)
        pthread_cond_wait(&r->cv, &r->mu);
    if (r->cancel) {
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    size_t slot = (r->ihead + r->icount) % IN_SLOTS;
    pthread_mutex_unlock(&r->mu);
    memcpy(r->ibuf[slot], p, n); /* the slot is ours until icount is raised */
    pthread_mutex_lock(&r->mu);
    r->ilen[slot] = n;
    r->icount++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return 0;
}

/* Reader side, called with r->mu held: hash every queued compressed chunk. */
static void hash_input_locked(ring *r, cg_sha256 *h)
{
    while (r->icount) {
        size_t slot = r->ihead;
        pthread_mutex_unlock(&r->mu);
        cg_sha256_update(h, r->ibuf[slot], r->ilen[slot]);
        pthread_mutex_lock(&r->mu);
        r->ihead = (r->ihead + 1) % IN_SLOTS;
        r->icount--;
        pthread_cond_broadcast(&r->cv);
    }
}

static int refill(layer_stream *ls)
{
    if (ls->in_pos < ls->in_len || ls->in_eof)
        return 0;
    ssize_t n = ls->blob.read(&ls->blob, ls->in, IN_CHUNK, &ls->err);
    if (n < 0)
        return -1;
    if (n == 0) {
        ls->in_eof = 1;
        ls->in_len = ls->in_pos = 0;
        return 0;
    }
    ls->in_len = (size_t)n;
    ls->in_pos = 0;
    ls->blob_bytes += (uint64_t)n;
    ls->ws->total_in += (uint64_t)n;
    if (ls->ring)
        return push_input(ls->ring, ls->in, (size_t)n);
    cg_sha256_update(&ls->blob_hash, ls->in, (size_t)n);
    return 0;
}

static int init_gzip(layer_stream *ls)
{
    if (!ls->isal && !(ls->isal = malloc(sizeof *ls->isal)))
        return -1;
    isal_inflate_init(ls->isal);
    ls->isal->crc_flag = ISAL_GZIP;
    return 0;
}

/* Next chunk of uncompressed bytes: >0 bytes at *out, 0 at the end, -1 error. */
static ssize_t produce(layer_stream *ls, const void **out)
{
    for (;;) {
        if (ls->done)
            return 0;
        if (refill(ls))
            return -1;
        size_t avail = ls->in_len - ls->in_pos;
        if (ls->codec == CODEC_PLAIN) {
            if (avail == 0) {
                ls->done = 1;
                return 0;
            }
            *out = ls->in + ls->in_pos;
            ls->in_pos = ls->in_len;
            return (ssize_t)avail;
        }
        if (ls->codec == CODEC_GZIP) {
            struct inflate_state *z = ls->isal;
            if (z->block_state == ISAL_BLOCK_FINISH) {
                /* end of a gzip member: another member may follow; other trailing bytes are hashed and ignored */
                if (avail == 0 && ls->in_eof) {
                    ls->done = 1;
                    return 0;
                }
                if (avail == 0)
                    continue;
                if (avail >= 2 && ls->in[ls->in_pos] == 0x1f && ls->in[ls->in_pos + 1] == 0x8b) {
                    init_gzip(ls);
                } else {
                    ls->in_pos = ls->in_len;
                    continue;
                }
            }
            z->next_in = ls->in + ls->in_pos;
            z->avail_in = (uint32_t)avail;
            z->next_out = ls->out;
            z->avail_out = OUT_CHUNK;
            int r = isal_inflate(z);
            ls->in_pos = ls->in_len - z->avail_in;
            if (r < 0) {
                cg_error_set(&ls->err, CG_ERR_INPUT, "gzip stream corrupt at byte %llu (%s)",
                             (unsigned long long)(ls->blob_bytes - z->avail_in),
                             r == ISAL_INCORRECT_CHECKSUM ? "CRC mismatch" : "invalid deflate data");
                return -1;
            }
            size_t produced = OUT_CHUNK - z->avail_out;
            if (produced) {
                *out = ls->out;
                return (ssize_t)produced;
            }
            if (z->block_state != ISAL_BLOCK_FINISH && ls->in_pos == ls->in_len && ls->in_eof) {
                cg_error_set(&ls->err, CG_ERR_INPUT, "gzip stream truncated after %llu bytes",
                             (unsigned long long)ls->blob_bytes);
                return -1;
            }
            continue;
        }
        /* zstd: several frames may follow each other */
        if (avail == 0 && ls->in_eof && ls->z_frame_done) {
            ls->done = 1;
            return 0;
        }
        ZSTD_inBuffer ib = {ls->in + ls->in_pos, avail, 0};
        ZSTD_outBuffer ob = {ls->out, OUT_CHUNK, 0};
        size_t r = ZSTD_decompressStream(ls->zs, &ob, &ib);
        ls->in_pos += ib.pos;
        if (ZSTD_isError(r)) {
            cg_error_set(&ls->err, CG_ERR_INPUT, "zstd stream corrupt: %s", ZSTD_getErrorName(r));
            return -1;
        }
        ls->z_frame_done = r == 0;
        if (ob.pos) {
            *out = ls->out;
            return (ssize_t)ob.pos;
        }
        if (!ls->z_frame_done && ls->in_pos == ls->in_len && ls->in_eof) {
            cg_error_set(&ls->err, CG_ERR_INPUT, "zstd stream truncated after %llu bytes",
                         (unsigned long long)ls->blob_bytes);
            return -1;
        }
    }
}

static void *decoder_main(void *arg)
{
    layer_stream *ls = arg;
    ring *r = ls->ring;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->count == RING_SLOTS && !r->cancel)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->cancel) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        size_t slot = (r->head + r->count) % RING_SLOTS;
        pthread_mutex_unlock(&r->mu);
        ls->out = r->buf[slot];
        const void *o;
        ssize_t n = produce(ls, &o);
        pthread_mutex_lock(&r->mu);
        r->len[slot] = n;
        r->count++;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        if (n <= 0)
            return NULL;
    }
}

static int ring_start(layer_stream *ls, ring *r)
{
    r->head = r->count = 0;
    r->ihead = r->icount = 0;
    r->held = r->cancel = 0;
    ls->ring = r;
    if (pthread_create(&r->th, NULL, decoder_main, ls) != 0) {
        ls->ring = NULL;
        return -1;
    }
    r->started = 1;
    return 0;
}

static void ring_stop(layer_stream *ls)
{
    ring *r = ls->ring;
    if (!r || !r->started)
        return;
    pthread_mutex_lock(&r->mu);
    r->cancel = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->th, NULL);
    r->started = 0;
    ls->ring = NULL;
}

/* The next uncompressed chunk, from the decoder thread or decoded inline. */
static ssize_t next_chunk(layer_stream *ls, const void **out)
{
    ring *r = ls->ring;
    if (!r)
        return produce(ls, out);
    pthread_mutex_lock(&r->mu);
    if (r->held) { /* libarchive is done with the previous chunk */
        r->head = (r->head + 1) % RING_SLOTS;
        r->count--;
        r->held = 0;
        pthread_cond_broadcast(&r->cv);
    }
    for (;;) {
        hash_input_locked(r, &ls->blob_hash);
        if (r->count)
            break;
        pthread_cond_wait(&r->cv, &r->mu);
    }
    ssize_t n = r->len[r->head];
    if (n > 0) {
        *out = r->buf[r->head];
        r->held = 1;
    } else {
        /* end or error stays in place, so later calls see it again; every
         * chunk the decoder read was queued before it, so hash them all */
        hash_input_locked(r, &ls->blob_hash);
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

static void report_progress(walk_state *ws, int done)
{
    cg_image *img = ws->img;
    if (!img->opts.progress)
        return;
    if (!done && ws->total_in < ws->next_progress)
        return;
    ws->next_progress = ws->total_in + PROGRESS_STEP;
    cg_progress p = {ws->layer, img->info.n_layers, ws->total_in, ws->bytes_total, done};
    img->opts.progress(img->opts.progress_ud, &p);
}

static la_ssize_t la_read(struct archive *a, void *ud, const void **buf)
{
    layer_stream *ls = ud;
    ssize_t n = next_chunk(ls, buf);
    if (n < 0) {
        ls->rerr = ls->err; /* published by the ring's mutex */
        archive_set_error(a, EINVAL, "%s", ls->rerr.msg);
        return -1;
    }
    ls->diff_bytes += (uint64_t)n;
    ls->ws->total_out += (uint64_t)n;
    cg_image *img = ls->ws->img;
    if (ls->ws->total_out > img->opts.max_layer_bytes) {
        cg_error_set(&ls->rerr, CG_ERR_LIMIT,
                     "more than %llu uncompressed bytes in the image's layers (decompression bomb?); raise --max-layer-bytes",
                     (unsigned long long)img->opts.max_layer_bytes);
        archive_set_error(a, EINVAL, "%s", ls->rerr.msg);
        return -1;
    }
    if (ls->codec != CODEC_PLAIN)
        cg_sha256_update(&ls->diff_hash, *buf, (size_t)n);
    report_progress(ls->ws, 0);
    return n;
}

ssize_t cg_entry_read_some(cg_entry_data *d, void *buf, size_t n, cg_error *err)
{
    uint64_t left = d->size - d->done;
    if (n > left)
        n = (size_t)left;
    if (n == 0)
        return 0;
    ssize_t r;
    do {
        r = d->a ? archive_read_data(d->a, buf, n) : read(d->fd, buf, n);
    } while (r < 0 && !d->a && errno == EINTR);
    if (r < 0) {
        cg_error_set(err, CG_ERR_INPUT, "read failed: %s", d->a ? archive_error_string(d->a) : strerror(errno));
        return -1;
    }
    if (r == 0) {
        cg_error_set(err, CG_ERR_INPUT, "truncated: %llu of %llu bytes", (unsigned long long)d->done,
                     (unsigned long long)d->size);
        return -1;
    }
    d->done += (uint64_t)r;
    return r;
}

uint64_t cg_entry_remaining(const cg_entry_data *d)
{
    return d->size - d->done;
}

cg_status cg_entry_read(cg_entry_data *d, cg_buf *out, size_t max, cg_error *err)
{
    if (d->size > max)
        return cg_error_set(err, CG_ERR_LIMIT, "%llu bytes, over the %zu-byte cap", (unsigned long long)d->size, max);
    if (cg_buf_reserve(out, (size_t)(d->size - d->done)) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    while (d->done < d->size) {
        ssize_t n = cg_entry_read_some(d, out->data + out->len, (size_t)(d->size - d->done), err);
        if (n <= 0)
            return n == 0 ? cg_error_set(err, CG_ERR_INPUT, "truncated") : err->status;
        out->len += (size_t)n;
    }
    out->data[out->len] = '\0';
    return CG_OK;
}

/* Turn a tar header into a cg_entry (whiteouts recognised) and visit it. */
static cg_status visit_header(walk_state *ws, struct archive *a, struct archive_entry *ae, int layer,
                              const cg_walk_visitor *v, cg_error *err)
{
    static const char wh[] = ".wh.", opq[] = ".wh..wh..opq";
    const char *raw = archive_entry_pathname(ae);
    if (!raw)
        return cg_error_set(err, CG_ERR_INPUT, "entry with an unreadable name");
    char path[4096], link[4096];
    size_t pl;
    int r = cg_path_normalize(raw, strlen(raw), path, sizeof path, &pl);
    if (r == -1)
        return cg_error_set(err, CG_ERR_INPUT, "entry %.200s: %s", raw,
                            raw[0] == '/' ? "absolute path" : "path escapes the image root (\"..\")");
    if (r == -2)
        return cg_error_set(err, CG_ERR_INPUT, "entry %.200s...: path longer than 4095 bytes", raw);
    if (++ws->entries > ws->img->opts.max_entries)
        return cg_error_set(err, CG_ERR_LIMIT, "more than %llu entries in the image's layers",
                            (unsigned long long)ws->img->opts.max_entries);
    cg_entry e = {path, pl, CG_ENT_OTHER, 0, (uint32_t)(archive_entry_perm(ae) & 07777), NULL, layer};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strncmp(base, wh, 4)) {
        size_t dirlen = base == path ? 0 : (size_t)(base - path - 1);
        if (!strcmp(base, opq)) {
            e.type = CG_ENT_OPAQUE;
            path[dirlen] = '\0';
            e.path_len = dirlen;
        } else if (!strncmp(base, ".wh..wh.", 8)) {
            return CG_OK; /* aufs bookkeeping (.wh..wh.plnk etc.) */
        } else {
            e.type = CG_ENT_WHITEOUT;
            memmove((char *)base, base + 4, strlen(base + 4) + 1);
            e.path_len = pl - 4;
            if (!base[0])
                return cg_error_set(err, CG_ERR_INPUT, "entry %.200s: empty whiteout name", raw);
        }
        return v->entry(v->ud, &e, NULL, err);
    }
    if (pl == 0)
        return CG_OK; /* the root directory itself */
    const char *hl = archive_entry_hardlink(ae);
    if (hl) {
        size_t ll;
        r = cg_path_normalize(hl, strlen(hl), link, sizeof link, &ll);
        if (r != 0 || ll == 0)
            return cg_error_set(err, CG_ERR_INPUT, "entry %.200s: hard link target %.200s %s", raw, hl,
                                r == -2 ? "too long" : "escapes the image root");
        e.type = CG_ENT_HARDLINK;
        e.link = link;
        return v->entry(v->ud, &e, NULL, err);
    }
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG: {
        e.type = CG_ENT_REG;
        int64_t sz = archive_entry_size(ae);
        e.size = sz > 0 ? (uint64_t)sz : 0;
        cg_entry_data d = {a, -1, e.size, 0};
        return v->entry(v->ud, &e, &d, err);
    }
    case AE_IFDIR:
        e.type = CG_ENT_DIR;
        break;
    case AE_IFLNK:
        e.type = CG_ENT_SYMLINK;
        e.link = archive_entry_symlink(ae);
        if (!e.link)
            e.link = "";
        break;
    default:
        break;
    }
    return v->entry(v->ud, &e, NULL, err);
}

static cg_status walk_layer(walk_state *ws, size_t i, const cg_walk_visitor *v, layer_stream *ls, ring *rg,
                            cg_error *err)
{
    cg_image *img = ws->img;
    cg_layer_info *li = &img->info.layers[i];
    cg_status st = img->tp->open_layer(img, i, &ls->blob, err);
    if (st != CG_OK)
        return st;
    if (cg_sha256_init(&ls->blob_hash) != CG_OK || cg_sha256_init(&ls->diff_hash) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* detect the codec from the first bytes, whatever the media type claims */
    if (refill(ls))
        return cg_error_set(err, ls->err.status, "%s", ls->err.msg);
    const uint8_t *p = ls->in;
    if (ls->in_len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        ls->codec = CODEC_GZIP;
        if (init_gzip(ls))
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    } else if (ls->in_len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
        ls->codec = CODEC_ZSTD;
        if (!(ls->zs = ZSTD_createDStream()))
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        ZSTD_initDStream(ls->zs);
    } else {
        ls->codec = CODEC_PLAIN;
    }
    if (v->layer_begin && (st = v->layer_begin(v->ud, (int)i, err)) != CG_OK)
        return st;
    if (ls->codec != CODEC_PLAIN && ring_start(ls, rg) != 0)
        return cg_error_set(err, CG_ERR_INTERNAL, "cannot start the decoder thread");
    struct archive *a = archive_read_new();
    if (!a)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    archive_read_support_format_tar(a);
    archive_read_support_format_empty(a); /* a layer may be an empty stream */
    if (archive_read_open(a, ls, NULL, la_read, NULL) != ARCHIVE_OK) {
        st = ls->rerr.status ? cg_error_set(err, ls->rerr.status, "%s", ls->rerr.msg)
                             : cg_error_set(err, CG_ERR_INPUT, "not a tar stream: %s", archive_error_string(a));
        archive_read_free(a);
        return st;
    }
    struct archive_entry *ae;
    const char *last = NULL;
    char lastbuf[512];
    for (;;) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            if (ls->rerr.status)
                st = cg_error_set(err, ls->rerr.status, "%s", ls->rerr.msg);
            else
                st = cg_error_set(err, archive_errno(a) == ENOMEM ? CG_ERR_NOMEM : CG_ERR_INPUT,
                                  archive_errno(a) == ENOMEM ? "tar stream: %s" : "corrupt tar stream: %s",
                                  archive_error_string(a));
            break;
        }
        const char *nm = archive_entry_pathname(ae);
        snprintf(lastbuf, sizeof lastbuf, "%s", nm ? nm : "?");
        last = lastbuf;
        st = visit_header(ws, a, ae, (int)i, v, err);
        if (st == CG_OK && ls->rerr.status)
            st = cg_error_set(err, ls->rerr.status, "%s", ls->rerr.msg);
        if (st != CG_OK)
            break;
    }
    if (st != CG_OK && last && !strstr(err->msg, "entry "))
        cg_error_prefix(err, "entry %.200s", last);
    archive_read_free(a);
    if (st != CG_OK)
        return st;
    /* drain what follows the end-of-archive blocks: every byte counts for the digests */
    const void *junk;
    ssize_t n;
    while ((n = next_chunk(ls, &junk)) > 0) {
        ls->diff_bytes += (uint64_t)n;
        if (ls->codec != CODEC_PLAIN)
            cg_sha256_update(&ls->diff_hash, junk, (size_t)n);
    }
    if (n < 0)
        return cg_error_set(err, ls->err.status, "%s", ls->err.msg);
    char blob_d[CG_DIGEST_STR_LEN + 1], diff_d[CG_DIGEST_STR_LEN + 1];
    cg_sha256_final_str(&ls->blob_hash, blob_d);
    if (ls->codec == CODEC_PLAIN) {
        memcpy(diff_d, blob_d, sizeof diff_d);
        cg_sha256_dispose(&ls->diff_hash);
    } else {
        cg_sha256_final_str(&ls->diff_hash, diff_d);
    }
    if (li->size >= 0 && (uint64_t)li->size != ls->blob_bytes)
        return cg_error_set(err, CG_ERR_INPUT, "blob is %llu bytes, the manifest says %lld",
                            (unsigned long long)ls->blob_bytes, (long long)li->size);
    if (li->digest && strcmp(li->digest, blob_d))
        return cg_error_set(err, CG_ERR_INPUT, "blob digest mismatch: content is %s", blob_d);
    if (!li->digest)
        li->digest = cg_arena_strdup(&img->arena, blob_d);
    if (li->diff_id && strcmp(li->diff_id, diff_d))
        return cg_error_set(err, CG_ERR_INPUT, "diff_id mismatch: config says %s, uncompressed content is %s",
                            li->diff_id, diff_d);
    if (v->layer_end && (st = v->layer_end(v->ud, (int)i, err)) != CG_OK)
        return st;
    return CG_OK;
}

static void layer_stream_release(layer_stream *ls)
{
    ring_stop(ls);
    if (ls->blob.close)
        ls->blob.close(&ls->blob);
    ls->blob.close = NULL;
    cg_sha256_dispose(&ls->blob_hash);
    cg_sha256_dispose(&ls->diff_hash);
    if (ls->zs)
        ZSTD_freeDStream(ls->zs);
    ls->zs = NULL;
    free(ls->isal);
    ls->isal = NULL;
}

cg_status cg_image_walk(cg_image *img, const cg_walk_visitor *v, cg_error *err)
{
    if (img->tp->walk)
        return img->tp->walk(img, v, err);
    walk_state ws = {0};
    ws.img = img;
    for (size_t i = 0; i < img->info.n_layers; i++)
        if (img->info.layers[i].size > 0)
            ws.bytes_total += (uint64_t)img->info.layers[i].size;
    uint8_t *in = malloc(IN_CHUNK), *out = malloc(OUT_CHUNK);
    ring rg;
    memset(&rg, 0, sizeof rg);
    pthread_mutex_init(&rg.mu, NULL);
    pthread_cond_init(&rg.cv, NULL);
    int bufs_ok = 1;
    for (size_t k = 0; k < RING_SLOTS; k++)
        bufs_ok &= (rg.buf[k] = malloc(OUT_CHUNK)) != NULL;
    for (size_t k = 0; k < IN_SLOTS; k++)
        bufs_ok &= (rg.ibuf[k] = malloc(IN_CHUNK)) != NULL;
    cg_status st = in && out && bufs_ok ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CG_OK && i < img->info.n_layers; i++) {
        layer_stream ls;
        memset(&ls, 0, sizeof ls);
        ls.ws = &ws;
        ls.in = in;
        ls.out = out;
        ws.layer = i;
        st = walk_layer(&ws, i, v, &ls, &rg, err);
        layer_stream_release(&ls);
        if (st != CG_OK) {
            const char *d = img->info.layers[i].digest;
            cg_error_prefix(err, "layer %zu/%zu %s", i + 1, img->info.n_layers, d ? d : "(digest unknown)");
        }
    }
    if (st == CG_OK)
        report_progress(&ws, 1);
    free(in);
    free(out);
    for (size_t k = 0; k < RING_SLOTS; k++)
        free(rg.buf[k]);
    for (size_t k = 0; k < IN_SLOTS; k++)
        free(rg.ibuf[k]);
    pthread_mutex_destroy(&rg.mu);
    pthread_cond_destroy(&rg.cv);
    return st;
}
