#!/usr/bin/env python3
"""stall_proxy.py - an HTTP proxy in front of a real test registry (127.0.0.1
only) that holds one kind of request, so a test can kill cgate (or this
proxy, standing in for a registry that dies) at a known point of a push.

Every request is forwarded to --upstream as it came (Host header kept, so the
registry's Location headers point back here).  The first request whose
"METHOD PATH" matches --stall (a Python regex) is held: the proxy writes the
line to --marker, then waits --hold seconds before forwarding it.  Requests
are logged to --log, one "METHOD PATH STATUS" line each.  The process exits
after --lifetime seconds.
"""
import argparse
import http.client
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def forward(self):
        srv = self.server
        data = self.body()
        line = "%s %s" % (self.command, self.path)
        with srv.lock:
            stall = not srv.stalled and srv.pattern.search(line) is not None
            if stall:
                srv.stalled = True
        if stall:
            with open(srv.marker, "w") as f:
                f.write(line + "\n")
            time.sleep(srv.hold)
        conn = http.client.HTTPConnection(srv.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        headers["Content-Length"] = str(len(data))
        conn.request(self.command, self.path, body=data if data or self.command in ("PUT", "POST", "PATCH") else None,
                     headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        with srv.lock, open(srv.log, "a") as f:
            f.write("%s %d\n" % (line, resp.status))
        conn.close()

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--stall", required=True)
    ap.add_argument("--marker", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--hold", type=float, default=60)
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
    if not a.upstream.startswith("127.0.0.1:"):
        sys.exit("stall_proxy: upstream must be on 127.0.0.1")
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.upstream, srv.pattern, srv.marker, srv.log, srv.hold = a.upstream, re.compile(a.stall), a.marker, a.log, a.hold
    srv.lock, srv.stalled = threading.Lock(), False
    threading.Timer(a.lifetime, lambda: (srv.shutdown())).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
