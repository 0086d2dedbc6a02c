/*
 * sign_fixture.h - what the signing unit tests (test_cosign.c, test_dsse.c,
 * test_keys.c) share: reading the fixed vectors of tests/data/sign/ (made by
 * make.sh there), the image digest they were made for, and loading their keys.
 * Header-only (static inline) so each test stays one file to build.
 */
#ifndef CG_SIGN_FIXTURE_H
#define CG_SIGN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cgate/sign.h"
#include "core/readfile.h"

/* The registry repository the fixtures' payloads name. */
#define SIGN_FIXTURE_IDENT "127.0.0.1:5000/cgate/fixture"

/* $CG_TEST_DATA/sign/NAME, whole, into b (initialised here; free it); fails
 * the test when it cannot be read. */
static inline void sign_fixture(const char *name, cg_buf *b)
{
    const char *dir = getenv("CG_TEST_DATA");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/sign/%s", dir, name);
    cg_error err;
    cg_buf_init(b, 0);
    if (cg_read_file(path, 1 << 24, "fixture", b, &err) != CG_OK)
        fail_msg("%s", err.msg);
}

/* The "sha256:..." digest of the image the fixtures sign (digest.txt). */
static inline void sign_fixture_digest(char out[80])
{
    cg_buf d;
    sign_fixture("digest.txt", &d);
    snprintf(out, 80, "%.71s", d.data);
    cg_buf_free(&d);
}

/* The private (no password) or public key in fixture NAME; fails the test
 * when it does not load. */
static inline cg_sign_key *sign_fixture_key(const char *name, bool priv)
{
    cg_buf b;
    sign_fixture(name, &b);
    cg_sign_key *k = NULL;
    cg_error err;
    cg_status st = priv ? cg_key_load_private((const uint8_t *)b.data, b.len, NULL, NULL, &k, &err)
                        : cg_key_load_public((const uint8_t *)b.data, b.len, &k, &err);
    assert_int_equal(st, CG_OK);
    cg_buf_free(&b);
    return k;
}

#endif
