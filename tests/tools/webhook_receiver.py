#!/usr/bin/env python3
"""webhook_receiver.py - a webhook endpoint for cgate serve's tests, on 127.0.0.1.

Each POST is appended to --out as one JSON line: the path, the X-Cgate-Alert
header, whether X-Cgate-Signature is the HMAC-SHA256 of the body under the key
in --secret, and the body.  --fail-first N answers 500 to the first N requests
(to exercise retries); --delay S waits S seconds before each answer (a slow
receiver, to hold a delivery job open).  Exits after --lifetime seconds.
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--secret")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--lifetime", type=int, default=600)
ap.add_argument("--delay", type=float, default=0)
args = ap.parse_args()
key = open(args.secret, "rb").read().strip() if args.secret else None
lock = threading.Lock()
seen = {"n": 0}


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 1 << 20))
        with lock:
            seen["n"] += 1
            fail = seen["n"] <= args.fail_first
        if args.delay:
            time.sleep(args.delay)
        sig = self.headers.get("X-Cgate-Signature", "")
        ok = None
        if key is not None:
            want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(want, sig)
        if not fail:
            rec = {"path": self.path, "alert": self.headers.get("X-Cgate-Alert"), "sig_ok": ok,
                   "body": json.loads(body.decode() or "null")}
            with lock, open(args.out, "a") as f:
                f.write(json.dumps(rec) + "\n")
        self.send_response(500 if fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()


srv = ThreadingHTTPServer(("127.0.0.1", args.port), H)
threading.Timer(args.lifetime, srv.shutdown).start()
srv.serve_forever()
