#!/usr/bin/env python3
"""fake_registry.py - a hostile OCI registry for cgate's tests (127.0.0.1 only).

Serves one small, valid image (repository "bad/img", tag "1": one gzip layer
holding etc/os-release) and misbehaves in the way --mode says:

  ok            behaves (a baseline for the other modes)
  loop401       every /v2/ request answers 401 with a Bearer challenge whose
                realm (/token here) hands out tokens that are never accepted
  hangtoken     401 Bearer challenge; the token endpoint sleeps --hang seconds
  bigmanifest   the manifest is 1 GiB of JSON-ish bytes (Content-Length set),
                streamed, never held in memory
  endless       the manifest is an endless chunked body
  endlessblob   the layer blob is an endless chunked body
  baddigest     the layer blob's bytes differ from its digest (same length, still
                a valid gzip of the same tar: only a digest check notices)
  redirect      the layer blob GET redirects to http://192.0.2.1/ (TEST-NET-1,
                not loopback: a client must refuse it without connecting)
  retry         the first two GETs of the manifest answer 503 (then ok)
  sigbaddigest  the image has a cosign ".sig" whose payload blob is served with
                one byte changed (so its bytes do not hash to the digest asked for)
  sigloss       accepts uploads and manifest PUTs (kept in memory), but answers
                201 to the first --lose PUTs of a "*.sig" / "*.att" tag without
                storing them, as if another writer had replaced the manifest in
                between (a client must notice on read-back and try again)

Every loop is bounded: the process exits after --lifetime seconds and an
endless body stops after 4 GiB.
"""
import argparse
import gzip
import hashlib
import io
import json
import sys
import tarfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def build_image():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        data = b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n'
        ti = tarfile.TarInfo("etc/os-release")
        ti.size = len(data)
        ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
    tar = buf.getvalue()
    layer = gzip.compress(tar, mtime=0)
    diff_id = "sha256:" + hashlib.sha256(tar).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                         "config": {}}, separators=(",", ":")).encode()
    d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config),
                                      "digest": d(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": len(layer),
                                       "digest": d(layer)}]}, separators=(",", ":")).encode()
    return {"manifest": manifest, "blobs": {d(config): config, d(layer): layer}, "layer": d(layer)}


IMG = build_image()
MT = "application/vnd.oci.image.manifest.v1+json"


def build_sig():
    d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
    payload = ('{"critical":{"identity":{"docker-reference":"fake/bad/img"},"image":{"docker-manifest-digest":"%s"},'
               '"type":"cosign container image signature"},"optional":null}' % d(IMG["manifest"])).encode()
    config = json.dumps({"architecture": "", "os": "", "rootfs": {"type": "layers", "diff_ids": [d(payload)]},
                         "config": {}}, separators=(",", ":")).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": MT,
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config),
                                      "digest": d(config)},
                           "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                                       "size": len(payload), "digest": d(payload),
                                       "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="}}]},
                          separators=(",", ":")).encode()
    return {"tag": "sha256-" + hashlib.sha256(IMG["manifest"]).hexdigest() + ".sig", "manifest": manifest,
            "payload": payload, "payload_digest": d(payload)}


SIG = build_sig()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def chunked(self, code, ctype, pattern, limit=4 << 30):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = pattern * (65536 // len(pattern))
        sent = 0
        try:
            while sent < limit:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def challenge(self):
        port = self.server.server_address[1]
        self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                  {"Content-Type": "application/json",
                   "WWW-Authenticate": 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:bad/img:pull"' % port})

    def do_HEAD(self):
        if self.server.mode == "sigloss" and self.store_get():
            return
        self.do_GET()

    def do_POST(self):
        if self.server.mode == "sigloss" and self.path.split("?")[0] == "/v2/bad/img/blobs/uploads/":
            self.server.uploads += 1
            return self.send(202, b"", {"Location": "/upload/%d" % self.server.uploads})
        self.do_GET()

    def do_PUT(self):
        if self.server.mode == "sigloss":
            return self.store_put()
        self.do_GET()

    # ---- sigloss: a small in-memory registry for the bad/img repository ----
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 64 << 20:
            raise ValueError("too large")
        return self.rfile.read(n)

    def store_put(self):
        path, _, query = self.path.partition("?")
        data = self.body()
        d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
        if path.startswith("/upload/"):
            want = dict(kv.split("=", 1) for kv in query.split("&") if "=" in kv).get("digest", "")
            if want != d(data):
                return self.send(400, b'{"errors":[{"code":"DIGEST_INVALID"}]}')
            self.server.blobs[want] = data
            return self.send(201, b"", {"Location": "/v2/bad/img/blobs/" + want, "Docker-Content-Digest": want})
        if path.startswith("/v2/bad/img/manifests/"):
            ref = path.rsplit("/", 1)[1]
            if (ref.endswith(".sig") or ref.endswith(".att")) and self.server.lost < self.server.lose:
                self.server.lost += 1  # "accepted", then replaced by someone else
            else:
                self.server.manifests[ref] = (data, self.headers.get("Content-Type", MT))
                self.server.manifests[d(data)] = (data, self.headers.get("Content-Type", MT))
            return self.send(201, b"", {"Docker-Content-Digest": d(data)})
        return self.send(404, b"")

    def store_get(self):
        """Serve what sigloss stored; False when it has nothing for the path."""
        path = self.path.split("?")[0]
        if path.startswith("/v2/bad/img/manifests/"):
            ref = path.rsplit("/", 1)[1]
            if ref in self.server.manifests:
                data, ct = self.server.manifests[ref]
                self.send(200, data, {"Content-Type": ct})
                return True
            if ref.endswith(".sig") or ref.endswith(".att"):
                self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
                return True
        if path.startswith("/v2/bad/img/blobs/"):
            dg = path.rsplit("/", 1)[1]
            if dg in self.server.blobs:
                self.send(200, self.server.blobs[dg], {"Content-Type": "application/octet-stream"})
                return True
            if dg not in IMG["blobs"]:
                self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
                return True
        return False

    def do_GET(self):
        mode = self.server.mode
        if mode == "sigloss" and self.store_get():
            return
        path = self.path.split("?")[0]
        if path == "/token":
            if mode == "hangtoken":
                time.sleep(self.server.hang)
            return self.send(200, b'{"token":"never-accepted"}', {"Content-Type": "application/json"})
        if mode in ("loop401", "hangtoken"):
            return self.challenge()
        if path == "/v2/":
            return self.send(200, b"{}", {"Content-Type": "application/json"})
        if mode == "sigbaddigest" and path == "/v2/bad/img/manifests/" + SIG["tag"]:
            return self.send(200, SIG["manifest"], {"Content-Type": MT})
        if mode == "sigbaddigest" and path == "/v2/bad/img/blobs/" + SIG["payload_digest"]:
            bad = bytearray(SIG["payload"])
            bad[10] ^= 0x01
            return self.send(200, bytes(bad), {"Content-Type": "application/octet-stream"})
        if path.startswith("/v2/bad/img/manifests/"):
            if mode == "retry":
                self.server.hits += 1
                if self.server.hits <= 2:
                    return self.send(503, b"busy", {"Retry-After": "0"})
            if mode == "bigmanifest":
                self.send_response(200)
                self.send_header("Content-Type", MT)
                self.send_header("Content-Length", str(1 << 30))
                self.end_headers()
                if self.command == "HEAD":
                    return
                chunk = b" " * 65536
                try:
                    for _ in range((1 << 30) // len(chunk)):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if mode == "endless" and self.command == "GET":
                return self.chunked(200, MT, b"[")
            return self.send(200, IMG["manifest"], {"Content-Type": MT,
                                                    "Docker-Content-Digest": "sha256:" + hashlib.sha256(IMG["manifest"]).hexdigest()})
        if path.startswith("/v2/bad/img/blobs/"):
            dg = path.rsplit("/", 1)[1]
            blob = IMG["blobs"].get(dg)
            if blob is None:
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
            if dg == IMG["layer"] and self.command == "GET":
                if mode == "endlessblob":
                    return self.chunked(200, "application/octet-stream", b"\x00")
                if mode == "baddigest":
                    # a valid gzip stream of the same tar (only the header's
                    # mtime differs), so only the digest check can notice
                    bad = bytearray(blob)
                    bad[4] ^= 0x01
                    return self.send(200, bytes(bad), {"Content-Type": "application/octet-stream"})
                if mode == "redirect":
                    return self.send(307, b"", {"Location": "http://192.0.2.1/blobs/" + dg})
            return self.send(200, blob, {"Content-Type": "application/octet-stream"})
        self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--hang", type=float, default=30)
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--lose", type=int, default=1)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.mode = args.mode
    srv.hang = args.hang
    srv.hits = 0
    srv.lose, srv.lost, srv.uploads = args.lose, 0, 0
    srv.blobs, srv.manifests = {}, {}
    srv.daemon_threads = True
    srv.timeout = 1
    end = time.time() + args.lifetime
    while time.time() < end:
        srv.handle_request()


if __name__ == "__main__":
    sys.exit(main())
