#!/usr/bin/env python3
"""regtool.py - the few registry operations cgate's signing tests need to build
hostile signature objects by hand (127.0.0.1 only, plain HTTP, no auth):

  regtool.py get-manifest HOST REPO REF > bytes
  regtool.py get-blob HOST REPO DIGEST > bytes
  regtool.py put-blob HOST REPO FILE            prints the digest
  regtool.py put-manifest HOST REPO REF FILE [MEDIA_TYPE]   prints the digest

Deliberately independent of cgate: the standard library's HTTP client and
hashlib, nothing else.
"""
import hashlib
import http.client
import json
import sys
from urllib.parse import urlsplit

ACCEPT = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])


def conn(host):
    h, _, port = host.rpartition(":")
    if h not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit("regtool: only loopback registries")
    return http.client.HTTPConnection(h.strip("[]"), int(port), timeout=60)


def request(host, method, path, body=None, headers=None):
    c = conn(host)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def fail(what, status, data):
    sys.exit("regtool: %s: HTTP %d %s" % (what, status, data[:300].decode("utf-8", "replace")))


def put_blob(host, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    st, hd, body = request(host, "POST", "/v2/%s/blobs/uploads/" % repo)
    if st != 202:
        fail("POST upload", st, body)
    loc = hd["location"]
    u = urlsplit(loc)
    path = u.path + ("?" + u.query + "&" if u.query else "?") + "digest=" + digest
    st, hd, body = request(host, "PUT", path, body=data,
                           headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
    if st != 201:
        fail("PUT blob", st, body)
    return digest


def main():
    op, host, repo = sys.argv[1], sys.argv[2], sys.argv[3]
    if op == "get-manifest":
        st, _, body = request(host, "GET", "/v2/%s/manifests/%s" % (repo, sys.argv[4]), headers={"Accept": ACCEPT})
        if st != 200:
            fail("GET manifest", st, body)
        sys.stdout.buffer.write(body)
    elif op == "get-blob":
        st, _, body = request(host, "GET", "/v2/%s/blobs/%s" % (repo, sys.argv[4]))
        if st != 200:
            fail("GET blob", st, body)
        sys.stdout.buffer.write(body)
    elif op == "put-blob":
        with open(sys.argv[4], "rb") as f:
            print(put_blob(host, repo, f.read()))
    elif op == "put-manifest":
        with open(sys.argv[5], "rb") as f:
            data = f.read()
        mt = sys.argv[6] if len(sys.argv) > 6 else json.loads(data)["mediaType"]
        st, _, body = request(host, "PUT", "/v2/%s/manifests/%s" % (repo, sys.argv[4]), body=data,
                              headers={"Content-Type": mt})
        if st != 201:
            fail("PUT manifest", st, body)
        print("sha256:" + hashlib.sha256(data).hexdigest())
    else:
        sys.exit("regtool: unknown operation " + op)


if __name__ == "__main__":
    main()
