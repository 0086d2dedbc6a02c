#!/usr/bin/env python3
"""mkimage.py - build real, spec-conformant container images for cgate's tests.

Python 3 standard library only (plus the `zstd` command for zstd layers). An image
is described by a declarative spec (a JSON file or a dict) and written in any of the
transports cgate reads. Output is deterministic: fixed mtimes, uid/gid 0, sorted
entries, fixed JSON key order. The tar writer is hand-written (not `tarfile`) so that
hostile layers can be made on purpose: raw names (`..`, absolute), headers that lie
about sizes, streams that stop early. Large content (bombs, junk) is streamed; nothing
proportional to a layer's size is held in memory.

Usage:
    mkimage.py SPEC.json FORMAT OUT [--tag TAG] [--info INFO.json]
    FORMAT: oci | oci-archive | docker-archive | docker-archive-oci | dir | all
            (`all` writes OUT/image.oci, image.oci.tar, image.docker.tar,
             image.docker-oci.tar, image.rootfs)
    --info  writes the digests of what was built (manifest, config, per layer
            digest/diff_id/media type) as JSON; `-` for stdout.

Spec (every key optional unless noted):
{
  "created": "2024-01-02T03:04:05Z", "os": "linux", "architecture": "amd64",
  "variant": null, "tag": "latest", "repo": "test/image", "mtime": 1700000000,
  "image_config": {"Env": [...], "Labels": {...}, "User": "..."},   # merged into config.config
  "history": ["created_by of layer 0", ...],                       # replaces the default history
  "layers": [                                   # required unless "platforms"
    {"compression": "gzip|zstd|none", "sort": true,
     "truncate_after": N,       # keep only the first N bytes of the blob (N < 0:
                                # drop -N bytes from its end); digest is of the result
     "no_end_blocks": false,    # omit the two zero blocks that end a tar
     "entries": [
       {"path": "etc/hosts", "content": "text"},              # regular file
       {"path": "f", "content_b64": "..."},
       {"path": "f", "content_file": "rel/or/abs"},           # relative to the spec
       {"path": "f", "repeat": "pattern", "size": N},         # streamed, any size
       {"path": "f", "content": "x", "declared_size": 8589934592},  # header lies
       {"path": "d", "type": "dir"},
       {"path": "l", "type": "symlink", "target": "../x"},
       {"path": "h", "type": "hardlink", "target": "etc/hosts"},
       {"path": "var/lib/dpkg/status", "type": "whiteout"},  # -> var/lib/dpkg/.wh.status
       {"path": "var/lib/dpkg", "type": "opaque"},          # -> var/lib/dpkg/.wh..wh..opq
       ...  "mode": 420 (int) or "0644" (str), "raw": true (no parent dirs added)
     ]}
  ],
  "platforms": [ {"os": "linux", "architecture": "arm", "variant": "v7",
                  "layers": [...], "created": ...}, ... ],
  "index_style": "nested|flat",  # multi-platform: index.json -> image index blob,
                                 # or index.json listing each platform manifest
  "manifest_media_type": true,   # false = omit top-level mediaType (as umoci does)
  "corrupt": {
    "blob_digest": I,        # manifest names layer I by a wrong digest (blob stored
                             # under that name, so only the content check can see it)
    "missing_blob": I,       # manifest names a layer blob that does not exist
    "diff_id": I,            # config lists a wrong diff_id for layer I
    "manifest_padding": N,   # N bytes of padding inside a JSON string in the manifest
    "config_padding": N,     # same in the config
    "config_raw": "...",     # config blob replaced by these bytes (digest correct)
    "config_nested": N,      # config blob is [[[...]]] nested N deep
    "index_nested": N,       # index.json is [[[...]]] nested N deep
  }
}
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

BLOCK = 512
CHUNK = 1 << 20
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {"none": "application/vnd.oci.image.layer.v1.tar",
            "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
            "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}
REF_NAME = "org.opencontainers.image.ref.name"
DEFAULT_MTIME = 1700000000


def die(msg):
    sys.stderr.write("mkimage: %s\n" % msg)
    sys.exit(2)


def jdump(obj):
    """Canonical JSON bytes: sorted keys, no spaces (deterministic digests)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


# ---------------------------------------------------------------- sinks
# A sink has write(bytes), write_repeat(chunk, count) and close(). Chains of sinks
# hash, compress and store a layer in one streaming pass.

class Sink:
    def write_repeat(self, chunk, count):
        for _ in range(count):
            self.write(chunk)


class FileSink(Sink):
    def __init__(self, f):
        self.f, self.n = f, 0
        self.h = hashlib.sha256()

    def write(self, b):
        self.f.write(b)
        self.h.update(b)
        self.n += len(b)

    def close(self):
        pass


class HashSink(Sink):
    """Hashes (and counts) what passes through: the diff_id of a layer."""

    def __init__(self, nxt):
        self.nxt, self.n = nxt, 0
        self.h = hashlib.sha256()

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        self.nxt.write(b)

    def write_repeat(self, chunk, count):
        for _ in range(count):
            self.h.update(chunk)
        self.n += len(chunk) * count
        self.nxt.write_repeat(chunk, count)

    def close(self):
        self.nxt.close()


class GzipSink(Sink):
    """gzip with our own header/trailer around raw deflate, so that a long run of
    one repeated chunk can be compressed once and its deflate blocks copied (after a
    full flush deflate restarts without history, so the blocks are identical)."""

    def __init__(self, nxt):
        self.nxt = nxt
        self.c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
        self.crc, self.n = 0, 0
        # fixed header: no name, mtime 0, XFL 2 (max compression), OS 255
        nxt.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")

    def write(self, b):
        self.crc = zlib.crc32(b, self.crc)
        self.n += len(b)
        out = self.c.compress(b)
        if out:
            self.nxt.write(out)

    def write_repeat(self, chunk, count):
        if count < 4:
            return Sink.write_repeat(self, chunk, count)
        self.nxt.write(self.c.compress(b"") + self.c.flush(zlib.Z_FULL_FLUSH))
        blocks = [self.c.compress(chunk) + self.c.flush(zlib.Z_FULL_FLUSH) for _ in range(2)]
        if blocks[0] != blocks[1]:        # never seen; keep correct regardless
            for b in blocks:
                self.nxt.write(b)
            for _ in range(count - 2):
                self.nxt.write(self.c.compress(chunk))
        else:
            self.nxt.write_repeat(blocks[0], count)
        crc = self.crc
        for _ in range(count):            # crc32 of the run (zlib is fast enough)
            crc = zlib.crc32(chunk, crc)
        self.crc = crc
        self.n += len(chunk) * count

    def close(self):
        self.nxt.write(self.c.flush(zlib.Z_FINISH))
        self.nxt.write((self.crc & 0xFFFFFFFF).to_bytes(4, "little"))
        self.nxt.write((self.n & 0xFFFFFFFF).to_bytes(4, "little"))
        self.nxt.close()


class ZstdSink(Sink):
    def __init__(self, path):
        self.out = open(path, "wb")
        self.p = subprocess.Popen(["zstd", "-q", "-c", "-3"], stdin=subprocess.PIPE,
                                  stdout=self.out)

    def write(self, b):
        self.p.stdin.write(b)

    def close(self):
        self.p.stdin.close()
        if self.p.wait() != 0:
            die("zstd failed")
        self.out.close()


class NullSink(Sink):
    def write(self, b):
        pass

    def close(self):
        pass


# ---------------------------------------------------------------- tar writer

def _octal(n, width):
    s = ("%0" + str(width - 1) + "o") % n
    if len(s) > width - 1:
        if width != 12:
            raise ValueError("value %d does not fit a %d-byte tar field" % (n, width))
        # GNU base-256: high bit set, big-endian binary
        return b"\x80" + n.to_bytes(width - 1, "big")
    return s.encode() + b"\0"


def _pax_record(key, value):
    body = b" " + key.encode() + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n = len(str(n)) + len(body)
    return str(n).encode() + body


def tar_header(name, typeflag, size=0, mode=0o644, mtime=DEFAULT_MTIME, linkname=b""):
    """One ustar header (plus a PAX header in front when a name is too long)."""
    out = b""
    if len(name) > 100 or len(linkname) > 100:
        pax = b""
        if len(name) > 100:
            pax += _pax_record("path", name)
        if len(linkname) > 100:
            pax += _pax_record("linkpath", linkname)
        out += tar_header(b"PaxHeaders/" + hashlib.sha256(name).hexdigest()[:16].encode(),
                          b"x", len(pax), 0o644, mtime)
        out += pax + b"\0" * (-len(pax) % BLOCK)
        name, linkname = name[:100], linkname[:100]
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = _octal(mode & 0o7777, 8)
    h[108:116] = _octal(0, 8)
    h[116:124] = _octal(0, 8)
    h[124:136] = _octal(size, 12)
    h[136:148] = _octal(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[265:269] = b"root"
    h[297:301] = b"root"
    h[329:337] = _octal(0, 8)
    h[337:345] = _octal(0, 8)
    chk = sum(h)
    h[148:156] = ("%06o" % chk).encode() + b"\0 "
    return out + bytes(h)


def _mode(e, default):
    m = e.get("mode", default)
    return int(m, 8) if isinstance(m, str) else int(m)


def _b(s):
    return s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s


def expand_entries(layer):
    """Entries with whiteout/opaque shorthands resolved and parent dirs added."""
    out = []
    for e in layer.get("entries", []):
        e = dict(e)
        t = e.get("type", "file")
        if t == "whiteout":
            d, _, base = e["path"].rstrip("/").rpartition("/")
            e = {"path": (d + "/" if d else "") + ".wh." + base, "type": "file", "content": "",
                 "raw": e.get("raw", False)}
        elif t == "opaque":
            e = {"path": e["path"].rstrip("/") + "/.wh..wh..opq", "type": "file", "content": "",
                 "raw": e.get("raw", False)}
        out.append(e)
    have = {e["path"].rstrip("/") for e in out}
    parents = []
    for e in out:
        p = e["path"]
        if e.get("raw") or p.startswith("/") or ".." in p.split("/"):
            continue
        parts = p.rstrip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in have:
                have.add(d)
                parents.append({"path": d, "type": "dir"})
    out = parents + out
    if layer.get("sort", True):
        out.sort(key=lambda e: _b(e["path"].rstrip("/")))
    return out


def write_tar(sink, layer, base_dir, mtime):
    for e in expand_entries(layer):
        t = e.get("type", "file")
        name = _b(e["path"])
        mt = int(e.get("mtime", mtime))
        if t == "dir":
            if not name.endswith(b"/"):
                name += b"/"
            sink.write(tar_header(name, b"5", 0, _mode(e, 0o755), mt))
        elif t == "symlink":
            sink.write(tar_header(name, b"2", 0, _mode(e, 0o777), mt, _b(e["target"])))
        elif t == "hardlink":
            sink.write(tar_header(name, b"1", 0, _mode(e, 0o644), mt, _b(e["target"])))
        elif t == "file":
            write_file_entry(sink, e, name, mt, base_dir)
        else:
            die("unknown entry type %r" % t)
    if not layer.get("no_end_blocks"):
        sink.write(b"\0" * (2 * BLOCK))


def file_size(e, base_dir):
    if "repeat" in e:
        return int(e["size"])
    if "content_file" in e:
        return os.path.getsize(_content_path(e, base_dir))
    return len(_small_content(e))


def _content_path(e, base_dir):
    path = e["content_file"]
    return path if os.path.isabs(path) else os.path.join(base_dir, path)


def _small_content(e):
    if "content_b64" in e:
        return base64.b64decode(e["content_b64"])
    return _b(e.get("content", ""))


def write_file_body(sink, e, base_dir):
    """Streams the bytes of a regular file entry (no header, no padding)."""
    if "repeat" in e:
        pat = _b(e["repeat"])
        size = int(e["size"])
        chunk = pat * max(1, CHUNK // len(pat))
        count, rem = divmod(size, len(chunk))
        if count:
            sink.write_repeat(chunk, count)
        if rem:
            sink.write(chunk[:rem])
    elif "content_file" in e:
        with open(_content_path(e, base_dir), "rb") as f:
            while True:
                b = f.read(CHUNK)
                if not b:
                    break
                sink.write(b)
    else:
        sink.write(_small_content(e))


def write_file_entry(sink, e, name, mt, base_dir):
    size = file_size(e, base_dir)
    sink.write(tar_header(name, b"0", int(e.get("declared_size", size)), _mode(e, 0o644), mt))
    write_file_body(sink, e, base_dir)
    sink.write(b"\0" * (-size % BLOCK))


# ---------------------------------------------------------------- blobs

class BlobStore:
    """blobs/sha256/<hex> under a directory; returns descriptors."""

    def __init__(self, root):
        self.root = root
        self.dir = os.path.join(root, "blobs", "sha256")
        os.makedirs(self.dir, exist_ok=True)

    def put_bytes(self, data):
        hx = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.dir, hx), "wb") as f:
            f.write(data)
        return "sha256:" + hx, len(data)

    def put_stream(self, writer):
        """writer(sink) streams bytes; returns (digest, size)."""
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            s = FileSink(f)
            writer(s)
        hx = s.h.hexdigest()
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(self.dir, hx))
        return "sha256:" + hx, s.n

    def path(self, digest):
        return os.path.join(self.dir, digest.split(":", 1)[1])


def _hash_file(path):
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                break
            h.update(b)
            n += len(b)
    return h.hexdigest(), n


def build_layer(store, layer, base_dir, mtime):
    """Writes one layer blob; returns {digest, diff_id, size, mediaType, uncompressed}."""
    comp = layer.get("compression", "gzip")
    if comp not in MT_LAYER:
        die("unknown compression %r" % comp)
    fd, tmp = tempfile.mkstemp(dir=store.dir, prefix=".tmp-")
    os.close(fd)
    if comp == "zstd":
        inner = ZstdSink(tmp)
        f = None
    else:
        f = open(tmp, "wb")
        inner = FileSink(f)
        if comp == "gzip":
            inner = GzipSink(inner)
    hs = HashSink(inner)
    write_tar(hs, layer, base_dir, mtime)
    hs.close()
    if f:
        f.close()
    if "truncate_after" in layer:
        keep = int(layer["truncate_after"])
        if keep < 0:                      # negative: drop that many bytes from the end
            keep = max(0, os.path.getsize(tmp) + keep)
        with open(tmp, "r+b") as f:
            f.truncate(keep)
    hx, size = _hash_file(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, os.path.join(store.dir, hx))
    return {"digest": "sha256:" + hx, "diff_id": "sha256:" + hs.h.hexdigest(), "size": size,
            "mediaType": MT_LAYER[comp], "uncompressed_size": hs.n, "compression": comp}


def wrong_digest(d):
    hx = d.split(":", 1)[1]
    return "sha256:" + hx[:-1] + ("0" if hx[-1] != "0" else "1")


def padded_json_writer(obj, key, n):
    """Streams obj with obj[key] = n bytes of padding, without building it."""
    marker = "@@PAD@@"
    o = dict(obj)
    o[key] = marker
    pre, post = jdump(o).split(marker.encode(), 1)

    def w(sink):
        sink.write(pre)
        chunk = b"A" * CHUNK
        count, rem = divmod(n, CHUNK)
        sink.write_repeat(chunk, count)
        sink.write(b"A" * rem)
        sink.write(post)
    return w


def nested_json(n):
    return b"[" * n + b"]" * n


def build_image(store, spec, plat, base_dir):
    """Builds layers, config and manifest for one platform; returns info dict."""
    corrupt = spec.get("corrupt", {})
    mtime = int(spec.get("mtime", DEFAULT_MTIME))
    created = plat.get("created", spec.get("created", "2024-01-02T03:04:05Z"))
    layers = [build_layer(store, l, base_dir, mtime) for l in plat["layers"]]
    diff_ids = [l["diff_id"] for l in layers]
    if "diff_id" in corrupt:
        i = corrupt["diff_id"]
        diff_ids[i] = wrong_digest(diff_ids[i])
    config = {
        "created": created,
        "architecture": plat.get("architecture", "amd64"),
        "os": plat.get("os", "linux"),
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": created, "created_by": "mkimage layer %d" % i}
                    for i in range(len(layers))],
    }
    if plat.get("variant"):
        config["variant"] = plat["variant"]
    if "image_config" in spec:       # extra members of config.config (Env, Labels, User, ...)
        config["config"].update(spec["image_config"])
    if "history" in spec:            # created_by of each history entry, in order
        config["history"] = [{"created": created, "created_by": h} for h in spec["history"]]
    if "config_raw" in corrupt:
        cdig, csize = store.put_bytes(_b(corrupt["config_raw"]))
    elif "config_nested" in corrupt:
        cdig, csize = store.put_bytes(nested_json(int(corrupt["config_nested"])))
    elif "config_padding" in corrupt:
        cdig, csize = store.put_stream(padded_json_writer(config, "padding", int(corrupt["config_padding"])))
    else:
        cdig, csize = store.put_bytes(jdump(config))
    descs = []
    for i, l in enumerate(layers):
        d = {"mediaType": l["mediaType"], "digest": l["digest"], "size": l["size"]}
        if corrupt.get("blob_digest") == i:
            d["digest"] = wrong_digest(l["digest"])
            shutil.copyfile(store.path(l["digest"]), store.path(d["digest"]))
        if corrupt.get("missing_blob") == i:
            d["digest"] = wrong_digest(l["digest"])
        descs.append(d)
    manifest = {"schemaVersion": 2,
                "config": {"mediaType": MT_CONFIG, "digest": cdig, "size": csize},
                "layers": descs}
    if spec.get("manifest_media_type", True):
        manifest["mediaType"] = MT_MANIFEST
    if "manifest_padding" in corrupt:
        mdig, msize = store.put_stream(
            padded_json_writer(manifest, "padding", int(corrupt["manifest_padding"])))
    else:
        mdig, msize = store.put_bytes(jdump(manifest))
    platform = {"architecture": config["architecture"], "os": config["os"]}
    if plat.get("variant"):
        platform["variant"] = plat["variant"]
    return {"manifest": {"digest": mdig, "size": msize}, "config": {"digest": cdig, "size": csize},
            "layers": layers, "manifest_layers": descs, "platform": platform,
            "created": created, "config_json": config}


def platforms_of(spec):
    if "platforms" in spec:
        return spec["platforms"]
    return [{"os": spec.get("os", "linux"), "architecture": spec.get("architecture", "amd64"),
             "variant": spec.get("variant"), "layers": spec["layers"]}]


# ---------------------------------------------------------------- transports

def write_oci(spec, out, tag, base_dir):
    os.makedirs(out, exist_ok=True)
    store = BlobStore(out)
    imgs = [build_image(store, spec, p, base_dir) for p in platforms_of(spec)]
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(jdump({"imageLayoutVersion": "1.0.0"}))
    corrupt = spec.get("corrupt", {})
    ann = {REF_NAME: tag}
    if "platforms" not in spec:
        top = [{"mediaType": MT_MANIFEST, **imgs[0]["manifest"], "annotations": ann}]
    else:
        pdescs = [{"mediaType": MT_MANIFEST, **im["manifest"], "platform": im["platform"]}
                  for im in imgs]
        if spec.get("index_style", "nested") == "flat":
            top = [dict(d, annotations=ann) for d in pdescs]
        else:
            idig, isize = store.put_bytes(jdump({"schemaVersion": 2, "mediaType": MT_INDEX,
                                                 "manifests": pdescs}))
            top = [{"mediaType": MT_INDEX, "digest": idig, "size": isize, "annotations": ann}]
    with open(os.path.join(out, "index.json"), "wb") as f:
        if "index_nested" in corrupt:
            f.write(nested_json(int(corrupt["index_nested"])))
        else:
            f.write(jdump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": top}))
    return {"transport": "oci", "images": imgs, "tag": tag}


def tar_dir(src, dst, mtime):
    """Deterministic tar of a directory tree (sorted, uid/gid 0, fixed mtime)."""
    with open(dst, "wb") as f:
        s = FileSink(f)
        for root, dirs, files in os.walk(src):
            dirs.sort()
            rel = os.path.relpath(root, src)
            if rel != ".":
                s.write(tar_header(_b(rel + "/"), b"5", 0, 0o755, mtime))
            for fn in sorted(files):
                p = os.path.join(root, fn)
                r = fn if rel == "." else rel + "/" + fn
                size = os.path.getsize(p)
                s.write(tar_header(_b(r), b"0", size, 0o644, mtime))
                with open(p, "rb") as g:
                    while True:
                        b = g.read(CHUNK)
                        if not b:
                            break
                        s.write(b)
                s.write(b"\0" * (-size % BLOCK))
        s.write(b"\0" * (2 * BLOCK))


def write_oci_archive(spec, out, tag, base_dir):
    tmp = tempfile.mkdtemp(prefix=".mkimage-", dir=os.path.dirname(os.path.abspath(out)))
    try:
        info = write_oci(spec, tmp, tag, base_dir)
        tar_dir(tmp, out, int(spec.get("mtime", DEFAULT_MTIME)))
    finally:
        shutil.rmtree(tmp)
    info["transport"] = "oci-archive"
    return info


def _docker_spec(spec):
    """docker save writes uncompressed layers; the image's layers are rebuilt so."""
    if "platforms" in spec:
        die("docker-archive holds a single platform")
    s = json.loads(json.dumps(spec))
    for l in s["layers"]:
        l["compression"] = "none"
    return s


def write_docker_archive(spec, out, tag, base_dir, oci_style=False):
    """docker-archive: classic (`<id>/layer.tar`) or the OCI-style layout Docker 25+
    writes (blobs/sha256 + index.json + oci-layout + manifest.json)."""
    spec = _docker_spec(spec)
    repo = spec.get("repo", "test/image")
    mtime = int(spec.get("mtime", DEFAULT_MTIME))
    tmp = tempfile.mkdtemp(prefix=".mkimage-", dir=os.path.dirname(os.path.abspath(out)))
    try:
        store = BlobStore(tmp)
        im = build_image(store, spec, platforms_of(spec)[0], base_dir)
        cfg_hex = im["config"]["digest"].split(":", 1)[1]
        if oci_style:
            layer_paths = ["blobs/sha256/" + d["digest"].split(":", 1)[1] for d in im["manifest_layers"]]
            manifest = [{"Config": "blobs/sha256/" + cfg_hex, "RepoTags": [repo + ":" + tag],
                         "Layers": layer_paths,
                         "LayerSources": {d["digest"]: {"mediaType": d["mediaType"], "size": d["size"],
                                                        "digest": d["digest"]}
                                          for d in im["manifest_layers"]}}]
            with open(os.path.join(tmp, "oci-layout"), "wb") as f:
                f.write(jdump({"imageLayoutVersion": "1.0.0"}))
            with open(os.path.join(tmp, "index.json"), "wb") as f:
                f.write(jdump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
                    {"mediaType": MT_MANIFEST, **im["manifest"],
                     "annotations": {"io.containerd.image.name": "docker.io/" + repo + ":" + tag,
                                     REF_NAME: tag}}]}))
            top_id = cfg_hex
        else:
            # classic: blobs moved to <id>/layer.tar, config to <hex>.json
            layer_paths = []
            parent = ""
            for i, (l, d) in enumerate(zip(im["layers"], im["manifest_layers"])):
                lid = hashlib.sha256((parent + "\n" + l["diff_id"]).encode()).hexdigest()
                os.makedirs(os.path.join(tmp, lid))
                src = store.path(d["digest"])
                if os.path.exists(src):
                    os.replace(src, os.path.join(tmp, lid, "layer.tar"))
                with open(os.path.join(tmp, lid, "VERSION"), "wb") as f:
                    f.write(b"1.0")
                v1 = {"id": lid, "created": im["created"], "os": im["platform"]["os"],
                      "container_config": {"Cmd": None}}
                if parent:
                    v1["parent"] = parent
                with open(os.path.join(tmp, lid, "json"), "wb") as f:
                    f.write(jdump(v1))
                layer_paths.append(lid + "/layer.tar")
                parent = lid
            os.replace(store.path(im["config"]["digest"]), os.path.join(tmp, cfg_hex + ".json"))
            shutil.rmtree(os.path.join(tmp, "blobs"))
            manifest = [{"Config": cfg_hex + ".json", "RepoTags": [repo + ":" + tag],
                         "Layers": layer_paths}]
            top_id = parent
        with open(os.path.join(tmp, "manifest.json"), "wb") as f:
            f.write(jdump(manifest))
        with open(os.path.join(tmp, "repositories"), "wb") as f:
            f.write(jdump({repo: {tag: top_id}}))
        tar_dir(tmp, out, mtime)
    finally:
        shutil.rmtree(tmp)
    return {"transport": "docker-archive-oci" if oci_style else "docker-archive",
            "images": [im], "tag": tag}


def flatten(spec):
    """Applies the layers (OCI whiteout rules) to a path -> entry map."""
    files = {}
    for li, layer in enumerate(platforms_of(spec)[0]["layers"]):
        ents = expand_entries(layer)
        for e in ents:       # whiteouts first: they apply to lower layers only
            p = e["path"].rstrip("/")
            d, _, base = p.rpartition("/")
            if base == ".wh..wh..opq":
                for k in [k for k in files if k.startswith(d + "/")]:
                    del files[k]
            elif base.startswith(".wh."):
                victim = (d + "/" if d else "") + base[4:]
                for k in [k for k in files if k == victim or k.startswith(victim + "/")]:
                    del files[k]
        for e in ents:
            p = e["path"].rstrip("/")
            base = p.rpartition("/")[2]
            if base.startswith(".wh."):
                continue
            if p.startswith("/") or ".." in p.split("/"):
                continue
            if p in files and files[p].get("type") == "dir" and e.get("type", "file") != "dir":
                for k in [k for k in files if k.startswith(p + "/")]:
                    del files[k]
            files[p] = dict(e, layer=li)
    return files


def write_dir(spec, out, base_dir):
    """dir: transport: a root filesystem (files, dirs, symlinks; hardlinks copied)."""
    files = flatten(spec)
    os.makedirs(out, exist_ok=True)
    mtime = int(spec.get("mtime", DEFAULT_MTIME))
    for p in sorted(files):
        e = files[p]
        t = e.get("type", "file")
        dst = os.path.join(out, p)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if t == "dir":
            os.makedirs(dst, exist_ok=True)
        elif t == "symlink":
            os.symlink(e["target"], dst)
        elif t in ("file", "hardlink"):
            src = files.get(e["target"].rstrip("/")) if t == "hardlink" else e
            if src is None:
                continue
            with open(dst, "wb") as f:
                write_file_body(FileSink(f), src, base_dir)
            os.chmod(dst, _mode(src, 0o644))
    for p in sorted(files, reverse=True):
        dst = os.path.join(out, p)
        if not os.path.islink(dst):
            os.utime(dst, (mtime, mtime))
    return {"transport": "dir", "files": sorted(files)}


def build(spec, fmt, out, tag=None, base_dir="."):
    tag = tag or spec.get("tag", "latest")
    if fmt == "oci":
        return write_oci(spec, out, tag, base_dir)
    if fmt == "oci-archive":
        return write_oci_archive(spec, out, tag, base_dir)
    if fmt == "docker-archive":
        return write_docker_archive(spec, out, tag, base_dir)
    if fmt == "docker-archive-oci":
        return write_docker_archive(spec, out, tag, base_dir, oci_style=True)
    if fmt == "dir":
        return write_dir(spec, out, base_dir)
    if fmt == "all":
        os.makedirs(out, exist_ok=True)
        res = {}
        for f, name in (("oci", "image.oci"), ("oci-archive", "image.oci.tar"),
                        ("docker-archive", "image.docker.tar"),
                        ("docker-archive-oci", "image.docker-oci.tar"), ("dir", "image.rootfs")):
            res[f] = build(spec, f, os.path.join(out, name), tag, base_dir)
        return res
    die("unknown format %r" % fmt)


def main(argv):
    args, tag, info = [], None, None
    it = iter(argv)
    for a in it:
        if a == "--tag":
            tag = next(it)
        elif a == "--info":
            info = next(it)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
    if len(args) != 3:
        die("usage: mkimage.py SPEC.json FORMAT OUT [--tag TAG] [--info FILE]")
    spec_path, fmt, out = args
    with open(spec_path) as f:
        spec = json.load(f)
    res = build(spec, fmt, out, tag, os.path.dirname(os.path.abspath(spec_path)))
    if info:
        data = json.dumps(_slim(res), indent=1, sort_keys=True)
        if info == "-":
            print(data)
        else:
            with open(info, "w") as f:
                f.write(data + "\n")
    return 0


def _slim(res):
    if isinstance(res, dict):
        return {k: _slim(v) for k, v in res.items() if k != "config_json"}
    if isinstance(res, list):
        return [_slim(v) for v in res]
    return res


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
