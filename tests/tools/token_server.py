#!/usr/bin/env python3
"""token_server.py - a Docker registry token server for cgate's tests.

Issues JWTs (RS256, signed with `openssl dgst`, certificate in the x5c header)
that Debian's docker-registry accepts with `auth.token.rootcertbundle` set to
the same certificate. Python standard library plus the openssl command only.
Listens on 127.0.0.1 only.

    token_server.py --port P --key key.pem --cert cert.pem --issuer I --service S
                    --user U --password PW [--hang SECONDS] [--log FILE]

GET /token?service=S&scope=repository:NAME:pull,push[&scope=...] with Basic
credentials U:PW grants every scope asked; wrong credentials get 401; no
credentials get pull-only tokens. --hang makes every answer wait SECONDS
first (a token endpoint that hangs). Each request is appended to --log as
one JSON line (path, whether it carried credentials).
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_token(args, sub, access):
    with open(args.cert) as f:
        pem = f.read()
    der_b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
    header = {"typ": "JWT", "alg": "RS256", "x5c": [der_b64]}
    now = int(time.time())
    claims = {"iss": args.issuer, "sub": sub, "aud": args.service, "exp": now + 300, "nbf": now - 10,
              "iat": now, "jti": b64url(os.urandom(12)), "access": access}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key], input=signing_input,
                         capture_output=True, check=True).stdout
    return signing_input.decode() + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        args = self.server.args
        auth = self.headers.get("Authorization", "")
        if args.log:
            with open(args.log, "a") as f:
                f.write(json.dumps({"path": self.path, "creds": bool(auth)}) + "\n")
        if args.hang:
            time.sleep(args.hang)
        u = urllib.parse.urlparse(self.path)
        if u.path != "/token":
            return self.reply(404, {"error": "not found"})
        q = urllib.parse.parse_qs(u.query)
        user = None
        if auth.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return self.reply(400, {"error": "bad basic"})
            if user != args.user or pw != args.password:
                return self.reply(401, {"error": "wrong credentials"})
        access = []
        for scope in q.get("scope", []):
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            actions = parts[-1].split(",")
            name = ":".join(parts[1:-1])
            if user is None:
                actions = [a for a in actions if a == "pull"]
            access.append({"type": "repository", "name": name, "actions": actions})
        tok = make_token(args, user or "", access)
        self.reply(200, {"token": tok, "access_token": tok, "expires_in": 300})

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--issuer", default="cgate-test-issuer")
    ap.add_argument("--service", default="cgate-test")
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--hang", type=float, default=0)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=600, help="exit after this many seconds")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.args = args
    srv.daemon_threads = True
    srv.timeout = 1
    end = time.time() + args.lifetime
    while time.time() < end:
        srv.handle_request()


if __name__ == "__main__":
    sys.exit(main())
