/*
 * ref.c - image references for registries: "docker://HOST/REPO:TAG@DIGEST"
 * and the bare form, with Docker Hub's name normalisation, and the public
 * name of the loopback test (core/http.c) that decides where plain HTTP is
 * allowed.  Pure string work: no I/O.
 * Every component is validated here so later code can put it in a URL path
 * or a tag name without escaping.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/dockerref.h"
#include "cgate/registry.h"
#include "core/digest.h"
#include "core/http.h"

static int alnum_lower(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int component_ok(const char *s, size_t n)
{
    if (!n || !alnum_lower(s[0]) || !alnum_lower(s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (alnum_lower(c))
            continue;
        if (c == '.' || c == '_') {
            if (!alnum_lower(s[i - 1]) && !(c == '_' && s[i - 1] == '_' && i >= 2 && alnum_lower(s[i - 2])))
                return 0;
            continue;
        }
        if (c == '-')
            continue;
        return 0;
    }
    return 1;
}

static int repo_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n >= CG_REF_REPO_MAX)
        return 0;
    const char *p = s;
    while (1) {
        const char *sl = strchr(p, '/');
        size_t l = sl ? (size_t)(sl - p) : strlen(p);
        if (!component_ok(p, l))
            return 0;
        if (!sl)
            return 1;
        p = sl + 1;
    }
}

static int tag_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n >= CG_REF_TAG_MAX)
        return 0;
    if (!(isalnum((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
            return 0;
    return 1;
}

/* host[:port] or [v6]:port */
static int host_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n >= CG_REF_HOST_MAX)
        return 0;
    const char *port = NULL;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb == s + 1)
            return 0;
        for (const char *c = s + 1; c < rb; c++)
            if (!(isxdigit((unsigned char)*c) || *c == ':' || *c == '.'))
                return 0;
        if (rb[1] && rb[1] != ':')
            return 0;
        port = rb[1] ? rb + 2 : NULL;
        if (rb[1] && !*port)
            return 0;
    } else {
        const char *colon = strchr(s, ':');
        size_t hl = colon ? (size_t)(colon - s) : n;
        if (!hl)
            return 0;
        for (size_t i = 0; i < hl; i++)
            if (!(isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
                return 0;
        if (s[0] == '-' || s[0] == '.' || s[hl - 1] == '-')
            return 0;
        if (colon) {
            port = colon + 1;
            if (!*port)
                return 0;
        }
    }
    if (port) {
        size_t pl = strlen(port);
        if (pl > 5)
            return 0;
        for (size_t i = 0; i < pl; i++)
            if (!isdigit((unsigned char)port[i]))
                return 0;
    }
    return 1;
}

cg_status cg_ref_parse(const char *in, cg_ref *out, cg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!in)
        return cg_error_set(err, CG_ERR_USAGE, "no image reference given");
    const char *s = in;
    if (!strncmp(s, "docker://", 9))
        s += 9;
    char buf[CG_REF_HOST_MAX + CG_REF_REPO_MAX + CG_REF_TAG_MAX + CG_REF_DIGEST_MAX + 8];
    if (!*s || strlen(s) >= sizeof buf)
        return cg_error_set(err, CG_ERR_USAGE, "invalid image reference \"%.200s\": %s", in, *s ? "too long" : "empty");
    snprintf(buf, sizeof buf, "%s", s);
    cg_docker_ref dr;
    cg_docker_ref_split(buf, &dr);
    if (dr.digest) {
        if (!cg_digest_valid(dr.digest))
            return cg_error_set(err, CG_ERR_USAGE, "invalid image reference \"%.200s\": digest must be sha256: and 64 lower-case hex digits", in);
        memcpy(out->digest, dr.digest, CG_DIGEST_STR_LEN + 1);
    }
    if (dr.tag) {
        if (!tag_ok(dr.tag))
            return cg_error_set(err, CG_ERR_USAGE, "invalid image reference \"%.200s\": bad tag \"%.130s\"", in, dr.tag);
        memcpy(out->tag, dr.tag, strlen(dr.tag) + 1); /* tag_ok checked the length */
    }
    const char *host = dr.host, *name = dr.path;
    if (!host_ok(host))
        return cg_error_set(err, CG_ERR_USAGE, "invalid image reference \"%.200s\": bad registry host \"%.100s\"", in, host);
    memcpy(out->registry, host, strlen(host) + 1); /* host_ok checked the length */
    size_t nl = strlen(name);
    int lib = dr.library;
    if (nl < CG_REF_REPO_MAX - 8) {
        memcpy(out->repository, "library/", lib ? 8 : 0);
        memcpy(out->repository + (lib ? 8 : 0), name, nl + 1);
    }
    if (nl >= CG_REF_REPO_MAX - 8 || !repo_ok(out->repository))
        return cg_error_set(err, CG_ERR_USAGE,
                            "invalid image reference \"%.200s\": repository \"%.100s\" must be lower-case components of [a-z0-9._-] separated by '/'",
                            in, name);
    if (!out->tag[0] && !out->digest[0])
        snprintf(out->tag, sizeof out->tag, "latest");
    return CG_OK;
}

const char *cg_ref_format(const cg_ref *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s%s%s%s%s", r->registry, r->repository, r->tag[0] ? ":" : "", r->tag,
             r->digest[0] ? "@" : "", r->digest);
    return buf;
}

const char *cg_ref_reference(const cg_ref *r)
{
    return r->digest[0] ? r->digest : r->tag[0] ? r->tag : "latest";
}

int cg_host_is_loopback(const char *host)
{
    return cg_loopback_host(host);
}
