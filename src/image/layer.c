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
#include <zstd_errors.h>

#include "core/digest.h"
#include "image/transport.h"
#include "image/walk.h"

#define CHUNK (256u * 1024u)
#define IN_CHUNK CHUNK
#define OUT_CHUNK CHUNK
#define PROGRESS_STEP (8u * 1024u * 1024u)
#define RING_SLOTS 6   /* decoded chunks queued for the current layer */
#define IN_SLOTS 4     /* compressed chunks queued for the reader to hash */
/* Read-ahead: while the current layer is parsed, the next gzip layers are
 * inflated and hashed on another thread into at most AHEAD_BUDGET chunks
 * (12 MiB), at most AHEAD_LAYERS layers past the current one, AHEAD_THREADS
 * of them decoding at a time. */
#define AHEAD_BUDGET 48
#define AHEAD_LAYERS 4
#define AHEAD_THREADS 1

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

typedef struct chunk {
    struct chunk *next;
    size_t len;
    int hashed; /* the decoder already fed it to the diff_id hash */
    uint8_t data[CHUNK];
} chunk;

typedef struct chunk_q {
    chunk *head, *tail;
    size_t count;
} chunk_q;

struct layer_stream;

/* Shared by every layer of one walk: one lock, one condition, the chunk pool. */
typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk *free_list;
    size_t n_out;        /* chunks outside the free list */
    size_t n_alloc;
    struct layer_stream *streams;
    size_t n_streams;
    size_t current;      /* layer the consumer is in */
    size_t next_ahead;   /* next layer to prepare ahead */
    int ahead_ok;        /* the transport's blobs may be read concurrently */
} pipeline;

typedef struct walk_state {
    cg_image *img;
    uint64_t total_out;   /* uncompressed bytes, all layers */
    _Atomic uint64_t total_in; /* blob bytes, all layers (written by decoder threads) */
    uint64_t next_progress;
    uint64_t entries;
    uint64_t bytes_total; /* sum of known blob sizes */
    size_t layer;
    pipeline *pipe;
} walk_state;

/* One layer.  Compressed layers are decoded on their own thread (read +
 * inflate) while the consumer hashes and parses: the current layer's decoder
 * hands compressed copies (iq) and decoded chunks (q) to the consumer, which
 * hashes both (the decoder is the critical path).  A layer decoded ahead
 * hashes its own bytes (ahead = 1) until it becomes current; then hashing
 * moves to the consumer.  The hand-over happens once, at a chunk boundary, so
 * each hash sees its bytes in order: a prefix from the decoder, the rest from
 * the consumer, ordered by the pipeline's mutex. */
typedef struct layer_stream {
    walk_state *ws;
    pipeline *pipe;
    size_t index;
    int prepared;        /* opened, codec known (or prep_status set) */
    cg_status prep_status;
    cg_error prep_err;
    int threaded;        /* a decoder thread was started */
    int joined;
    pthread_t th;
    /* under pipe->mu */
    int ahead;           /* decoded ahead of the consumer */
    int cancel;
    int end;             /* 1 end of stream, -1 error (err), after q drains */
    chunk_q q, iq;
    chunk *held;         /* the consumer still uses this chunk */
    /* decoder side */
    int dec_ahead;       /* the decoder's copy of ahead for the chunk it makes */
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
    cg_error err;        /* decoder-side failure */
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

static void q_push(chunk_q *q, chunk *c)
{
    c->next = NULL;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->count++;
}

static chunk *q_pop(chunk_q *q)
{
    chunk *c = q->head;
    if (c) {
        q->head = c->next;
        if (!q->head)
            q->tail = NULL;
        q->count--;
    }
    return c;
}

/* With p->mu held: a chunk from the pool (malloc when it is empty), NULL when out of memory. */
static chunk *chunk_get_locked(pipeline *p)
{
    chunk *c = p->free_list;
    if (c)
        p->free_list = c->next;
    else if ((c = malloc(sizeof *c)) != NULL)
        p->n_alloc++;
    if (c)
        p->n_out++;
    return c;
}

static void chunk_put_locked(pipeline *p, chunk *c)
{
    c->next = p->free_list;
    p->free_list = c;
    p->n_out--;
}

/* Decoder side, current layer: queue a copy of a compressed chunk for the
 * consumer to hash; -1 when cancelled or out of memory. */
static int push_input(layer_stream *ls, const uint8_t *buf, size_t n)
{
    pipeline *p = ls->pipe;
    pthread_mutex_lock(&p->mu);
    while (ls->iq.count >= IN_SLOTS && !ls->cancel)
        pthread_cond_wait(&p->cv, &p->mu);
    chunk *c = ls->cancel ? NULL : chunk_get_locked(p);
    int cancelled = ls->cancel;
    pthread_mutex_unlock(&p->mu);
    if (!c) {
        if (!cancelled)
            cg_error_set(&ls->err, CG_ERR_NOMEM, "out of memory");
        return -1;
    }
    memcpy(c->data, buf, n);
    c->len = n;
    pthread_mutex_lock(&p->mu);
    q_push(&ls->iq, c);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* Consumer side, called with p->mu held: hash every queued compressed chunk. */
static void hash_input_locked(layer_stream *ls)
{
    pipeline *p = ls->pipe;
    while (ls->iq.count) {
        chunk *c = ls->iq.head; /* stays queued (and ours) while it is hashed */
        pthread_mutex_unlock(&p->mu);
        cg_sha256_update(&ls->blob_hash, c->data, c->len);
        pthread_mutex_lock(&p->mu);
        q_pop(&ls->iq);
        chunk_put_locked(p, c);
        pthread_cond_broadcast(&p->cv);
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
    if (ls->threaded && !ls->dec_ahead)
        return push_input(ls, ls->in, (size_t)n);
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
            if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
                cg_error_set(&ls->err, CG_ERR_NOMEM, "out of memory (zstd decoder)");
            else
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

/* May the decoder of ls make another chunk?  The current layer keeps at most
 * RING_SLOTS queued; layers ahead share AHEAD_BUDGET chunks.  The current
 * layer never waits for the budget, so the consumer always progresses. */
static int may_produce_locked(const layer_stream *ls)
{
    return ls->ahead ? ls->pipe->n_out < AHEAD_BUDGET : ls->q.count < RING_SLOTS;
}

static void *decoder_main(void *arg)
{
    layer_stream *ls = arg;
    pipeline *p = ls->pipe;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!ls->cancel && !may_produce_locked(ls))
            pthread_cond_wait(&p->cv, &p->mu);
        if (ls->cancel) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        chunk *c = chunk_get_locked(p);
        ls->dec_ahead = ls->ahead;
        pthread_mutex_unlock(&p->mu);
        ssize_t n;
        const void *o = NULL;
        if (!c) {
            cg_error_set(&ls->err, CG_ERR_NOMEM, "out of memory");
            n = -1;
        } else {
            ls->out = c->data;
            n = produce(ls, &o);
            if (n > 0 && ls->dec_ahead)
                cg_sha256_update(&ls->diff_hash, o, (size_t)n);
        }
        pthread_mutex_lock(&p->mu);
        if (n > 0) {
            c->len = (size_t)n;
            c->hashed = ls->dec_ahead;
            q_push(&ls->q, c);
        } else {
            if (c)
                chunk_put_locked(p, c);
            ls->end = n == 0 ? 1 : -1;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (n <= 0)
            return NULL;
    }
}

/* 0, or pthread_create's error (EAGAIN: no memory or thread limit). */
static int decoder_start(layer_stream *ls, int ahead)
{
    ls->ahead = ahead;
    ls->dec_ahead = ahead;
    ls->threaded = 1;
    int e = pthread_create(&ls->th, NULL, decoder_main, ls);
    if (e != 0)
        ls->threaded = 0;
    return e;
}

static void decoder_stop(layer_stream *ls)
{
    if (!ls->threaded || ls->joined)
        return;
    pipeline *p = ls->pipe;
    pthread_mutex_lock(&p->mu);
    ls->cancel = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(ls->th, NULL);
    ls->joined = 1;
}

/* The next uncompressed chunk, from the decoder thread or decoded inline;
 * bytes the decoder did not hash go into the diff_id hash here. */
static ssize_t next_chunk(layer_stream *ls, const void **out)
{
    if (!ls->threaded)
        return produce(ls, out);
    pipeline *p = ls->pipe;
    pthread_mutex_lock(&p->mu);
    if (ls->held) { /* libarchive is done with the previous chunk */
        chunk_put_locked(p, ls->held);
        ls->held = NULL;
        pthread_cond_broadcast(&p->cv);
    }
    for (;;) {
        hash_input_locked(ls);
        if (ls->q.count || ls->end)
            break;
        pthread_cond_wait(&p->cv, &p->mu);
    }
    chunk *c = q_pop(&ls->q);
    ssize_t n;
    if (c) {
        ls->held = c;
        *out = c->data;
        n = (ssize_t)c->len;
        pthread_cond_broadcast(&p->cv);
    } else {
        /* end or error stays in place, so later calls see it again; every
         * chunk the decoder read was queued before it, so hash them all */
        hash_input_locked(ls);
        n = ls->end > 0 ? 0 : -1;
    }
    pthread_mutex_unlock(&p->mu);
    if (c && !c->hashed)
        cg_sha256_update(&ls->diff_hash, c->data, c->len);
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

static void maybe_start_ahead(walk_state *ws);

static la_ssize_t la_read(struct archive *a, void *ud, const void **buf)
{
    layer_stream *ls = ud;
    ssize_t n = next_chunk(ls, buf);
    if (n < 0) {
        ls->rerr = ls->err; /* published by the pipeline's mutex */
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
    maybe_start_ahead(ls->ws);
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

/* Open layer i's blob, start both hashes and detect the codec from the first
 * bytes, whatever the media type claims.  On the consumer thread (transports
 * are not thread-safe to open); a failure is kept for when the layer's turn comes. */
static void layer_prepare(walk_state *ws, layer_stream *ls)
{
    cg_image *img = ws->img;
    cg_error *err = &ls->prep_err;
    ls->prepared = 1;
    ls->prep_status = CG_OK;
    if (!ls->in && !(ls->in = malloc(IN_CHUNK))) {
        ls->prep_status = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return;
    }
    cg_status st = img->tp->open_layer(img, ls->index, &ls->blob, err);
    if (st != CG_OK) {
        ls->blob.close = NULL;
        ls->prep_status = st;
        return;
    }
    if (cg_sha256_init(&ls->blob_hash) != CG_OK || cg_sha256_init(&ls->diff_hash) != CG_OK) {
        ls->prep_status = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return;
    }
    if (refill(ls)) {
        ls->prep_status = cg_error_set(err, ls->err.status, "%s", ls->err.msg);
        return;
    }
    const uint8_t *p = ls->in;
    if (ls->in_len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        ls->codec = CODEC_GZIP;
        if (init_gzip(ls))
            ls->prep_status = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    } else if (ls->in_len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
        ls->codec = CODEC_ZSTD;
        if (!(ls->zs = ZSTD_createDStream()))
            ls->prep_status = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        else
            ZSTD_initDStream(ls->zs);
    } else {
        ls->codec = CODEC_PLAIN;
    }
}

static void layer_stream_release(layer_stream *ls)
{
    decoder_stop(ls);
    pipeline *p = ls->pipe;
    pthread_mutex_lock(&p->mu);
    chunk *c;
    while ((c = q_pop(&ls->q)))
        chunk_put_locked(p, c);
    while ((c = q_pop(&ls->iq)))
        chunk_put_locked(p, c);
    if (ls->held)
        chunk_put_locked(p, ls->held);
    ls->held = NULL;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
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
    free(ls->in);
    ls->in = NULL;
}

/* Start decoding the next gzip layer ahead of the consumer when the pool has
 * room and no other layer is decoding ahead.  Called by the consumer between
 * chunks; cheap when there is nothing to do. */
static void maybe_start_ahead(walk_state *ws)
{
    pipeline *p = ws->pipe;
    if (!p->ahead_ok)
        return;
    while (p->next_ahead < p->n_streams && p->next_ahead <= p->current + AHEAD_LAYERS) {
        if (p->next_ahead <= p->current) {
            p->next_ahead = p->current + 1;
            continue;
        }
        int running = 0;
        pthread_mutex_lock(&p->mu);
        for (size_t j = p->current + 1; j < p->next_ahead; j++)
            running += p->streams[j].threaded && p->streams[j].ahead && !p->streams[j].end;
        int room = p->n_out < AHEAD_BUDGET;
        pthread_mutex_unlock(&p->mu);
        if (running >= AHEAD_THREADS || !room)
            return;
        layer_stream *ls = &p->streams[p->next_ahead++];
        layer_prepare(ws, ls);
        if (ls->prep_status != CG_OK) {
            p->next_ahead = p->n_streams; /* this layer's error comes in its turn; stop here */
            return;
        }
        if (ls->codec == CODEC_GZIP) {
            if (decoder_start(ls, 1) != 0)
                p->next_ahead = p->n_streams; /* decoded in its turn instead */
            return;
        }
        /* plain or zstd: opened ahead, decoded in its turn (zstd windows may be large) */
    }
}

static cg_status walk_layer(walk_state *ws, size_t i, const cg_walk_visitor *v, layer_stream *ls, cg_error *err)
{
    cg_image *img = ws->img;
    cg_layer_info *li = &img->info.layers[i];
    pipeline *pp = ws->pipe;
    pthread_mutex_lock(&pp->mu);
    pp->current = i;
    ls->ahead = 0; /* from now on the consumer hashes what the decoder makes */
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    if (!ls->prepared)
        layer_prepare(ws, ls);
    if (ls->prep_status != CG_OK)
        return cg_error_set(err, ls->prep_status, "%s", ls->prep_err.msg);
    cg_status st;
    if (v->layer_begin && (st = v->layer_begin(v->ud, (int)i, err)) != CG_OK)
        return st;
    int te = ls->codec != CODEC_PLAIN && !ls->threaded ? decoder_start(ls, 0) : 0;
    if (te == EAGAIN || te == ENOMEM) /* a thread's stack and TLS are memory */
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory: cannot start the decoder thread");
    if (te != 0)
        return cg_error_set(err, CG_ERR_INTERNAL, "cannot start the decoder thread: %s", strerror(te));
    maybe_start_ahead(ws);
    struct archive *a = archive_read_new();
    if (!a)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    /* libarchive 3.6's archive_read_new does not check its own entry's
     * allocation (next_header would then write through NULL): read into an
     * entry of ours, checked, with next_header2 */
    struct archive_entry *ae = archive_entry_new();
    if (!ae) {
        archive_read_free(a);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    /* a layer may be an empty stream; registering a format allocates, and
     * libarchive crashes in open if one was not registered */
    if (archive_read_support_format_tar(a) != ARCHIVE_OK || archive_read_support_format_empty(a) != ARCHIVE_OK) {
        archive_read_free(a);
        archive_entry_free(ae);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    errno = 0;
    /* archive_read_open() ignores a failed allocation of the callback data
     * and then crashes in open1: set the callbacks one by one, checked */
    if (archive_read_set_read_callback(a, la_read) != ARCHIVE_OK ||
        archive_read_set_callback_data(a, ls) != ARCHIVE_OK) {
        archive_read_free(a);
        archive_entry_free(ae);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (archive_read_open1(a) != ARCHIVE_OK) {
        /* a failed allocation while libarchive bids on the format reads as
         * "unrecognized format"; errno (ENOMEM from malloc) tells them apart */
        int oom = archive_errno(a) == ENOMEM || errno == ENOMEM;
        st = ls->rerr.status ? cg_error_set(err, ls->rerr.status, "%s", ls->rerr.msg)
             : oom           ? cg_error_set(err, CG_ERR_NOMEM, "out of memory while opening the tar stream")
                             : cg_error_set(err, CG_ERR_INPUT, "not a tar stream: %s", archive_error_string(a));
        archive_read_free(a);
        archive_entry_free(ae);
        return st;
    }
    const char *last = NULL;
    char lastbuf[512];
    for (;;) {
        int r = archive_read_next_header2(a, ae);
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
    archive_entry_free(ae);
    if (st != CG_OK)
        return st;
    /* drain what follows the end-of-archive blocks: every byte counts for the digests */
    const void *junk;
    ssize_t n;
    while ((n = next_chunk(ls, &junk)) > 0)
        ls->diff_bytes += (uint64_t)n;
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

cg_status cg_image_walk(cg_image *img, const cg_walk_visitor *v, cg_error *err)
{
    if (img->tp->walk)
        return img->tp->walk(img, v, err);
    walk_state ws = {0};
    ws.img = img;
    for (size_t i = 0; i < img->info.n_layers; i++)
        if (img->info.layers[i].size > 0)
            ws.bytes_total += (uint64_t)img->info.layers[i].size;
    pipeline p;
    memset(&p, 0, sizeof p);
    ws.pipe = &p;
    p.n_streams = img->info.n_layers;
    /* local files (oci, oci-archive, docker-archive) can be read by several
     * threads at once; a registry connection cannot */
    p.ahead_ok = img->tp->concurrent_blobs && p.n_streams > 1;
    p.streams = calloc(p.n_streams ? p.n_streams : 1, sizeof *p.streams);
    if (!p.streams)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    for (size_t i = 0; i < p.n_streams; i++) {
        p.streams[i].ws = &ws;
        p.streams[i].pipe = &p;
        p.streams[i].index = i;
    }
    cg_status st = CG_OK;
    size_t i = 0;
    for (; st == CG_OK && i < p.n_streams; i++) {
        ws.layer = i;
        st = walk_layer(&ws, i, v, &p.streams[i], err);
        layer_stream_release(&p.streams[i]);
        if (st != CG_OK) {
            const char *d = img->info.layers[i].digest;
            cg_error_prefix(err, "layer %zu/%zu %s", i + 1, img->info.n_layers, d ? d : "(digest unknown)");
        }
    }
    /* after an error: layers opened or decoding ahead are stopped and closed */
    for (; i < p.n_streams; i++)
        if (p.streams[i].prepared)
            layer_stream_release(&p.streams[i]);
    if (st == CG_OK)
        report_progress(&ws, 1);
    while (p.free_list) {
        chunk *c = p.free_list;
        p.free_list = c->next;
        free(c);
    }
    free(p.streams);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    return st;
}
