/*
 * base64.h - standard base64 (RFC 4648 §4, with padding), the one codec:
 * cosign signatures and DSSE envelopes, PEM bodies, key files, and registry
 * Basic credentials.  Decoding is strict (libsodium's decoder: no junk, no
 * missing padding), except that the _ws form skips the whitespace PEM bodies
 * carry.  The fixed-buffer forms suit secrets, which callers wipe.
 */
#ifndef CG_CORE_BASE64_H
#define CG_CORE_BASE64_H

#include <stddef.h>

#include "cgate/buf.h"
#include "cgate/error.h"

/* Characters base64 of n bytes takes, without the NUL. */
size_t cg_base64_len(size_t n);

/* Append base64(p[0..n)) to out (kept NUL-terminated). */
cg_status cg_base64_encode(const void *p, size_t n, cg_buf *out, cg_error *err);
/* Append the bytes s[0..n) decodes to (CG_ERR_INPUT "invalid base64" on junk). */
cg_status cg_base64_decode(const char *s, size_t n, cg_buf *out, cg_error *err);
/* The same, skipping spaces, tabs, CR and LF anywhere. */
cg_status cg_base64_decode_ws(const char *s, size_t n, cg_buf *out, cg_error *err);

/* Into a fixed buffer: 0, out NUL-terminated (and *out_len for decode), or
 * -1 when it does not fit or (decode) s is not base64. */
int cg_base64_encode_to(const void *p, size_t n, char *out, size_t cap);
int cg_base64_decode_to(const char *s, size_t n, void *out, size_t cap, size_t *out_len);

#endif
