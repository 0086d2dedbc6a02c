#!/usr/bin/env python3
"""http_mirror.py - a small HTTP/1.1 file server on 127.0.0.1 for the db update
tests: serves a directory with ETag (sha256 of the body) and Last-Modified
(the file's mtime), answers If-None-Match / If-Modified-Since with 304, and
logs one line per request: "METHOD PATH STATUS BODY-BYTES IF-NONE-MATCH".

Faults, read from FAULTS (a JSON file beside the log, re-read on every
request so a test can change them while the server runs):
  {"/path": "500"}    answer 500 Internal Server Error
  {"/path": "short"}  send a Content-Length larger than the body, then close

usage: http_mirror.py ROOT LOG FAULTS PORTFILE
The chosen port is written to PORTFILE once the server listens.
"""
import email.utils
import hashlib
import http.server
import json
import os
import sys
import urllib.parse

ROOT, LOG, FAULTS, PORTFILE = sys.argv[1:5]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def note(self, status, nbytes):
        with open(LOG, "a") as f:
            f.write("%s %s %d %d %s\n" % (self.command, self.path, status, nbytes,
                                          self.headers.get("If-None-Match", "-")))

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        try:
            faults = json.load(open(FAULTS))
        except (OSError, ValueError):
            faults = {}
        fault = faults.get(path)
        if fault == "500":
            body = b"internal error\n"
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.note(500, len(body))
            return
        full = os.path.realpath(os.path.join(ROOT, path.lstrip("/")))
        if not full.startswith(os.path.realpath(ROOT) + os.sep) or not os.path.isfile(full):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.note(404, 0)
            return
        data = open(full, "rb").read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
        mtime = int(os.stat(full).st_mtime)
        lastmod = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            try:
                not_modified = mtime <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                pass
        if not_modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", lastmod)
            self.end_headers()
            self.note(304, 0)
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lastmod)
        if fault == "short":
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            half = data[: len(data) // 2]
            self.wfile.write(half)
            self.wfile.flush()
            self.note(200, len(half))
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.note(200, len(data))


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
