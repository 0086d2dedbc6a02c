#!/usr/bin/env python3
"""gen-big.py - stream-generate the two large benchmark images.

    gen-big.py big  OUTDIR [--status STATUS] [--os-release FILE]
    gen-big.py many OUTDIR [--status STATUS] [--os-release FILE] [--files N]
    gen-big.py pkgs OUTDIR [--packages N]      (bench/scale.sh)
    gen-big.py layers OUTDIR [--layers N]      (bench/scale.sh)

`big`  -> OUTDIR/img-big.{oci,docker.tar}: 3 layers, 2.25 GiB uncompressed, a few
          big files (64-768 MiB) plus a real Debian dpkg status.
`many` -> OUTDIR/img-many.{oci,docker.tar}: 2 layers, 1,000,000 regular files
          (default) of 64-447 bytes in 1,000 directories, 1,000 of them npm
          package.json files, plus the same dpkg status.

`pkgs`  -> OUTDIR/img-pkgs.docker.tar: 1 layer, the dpkg status plus N (default
          100,000) npm packages (node_modules/*/package.json), and OUTDIR/osv-pkgs/:
          OSV advisories such that every one of those packages has exactly one
          finding (N/100 advisories, 100 affected packages each).
`layers` -> OUTDIR/img-layers.docker.tar: N (default 300) layers, each rewriting
          var/lib/dpkg/status (the real status padded with generated packages to
          --status-kib, default 1024 KiB like a full system's, plus one more
          package per layer, as an `apt-get install` per Dockerfile line does).

`big` and `many` are written twice: an OCI layout with gzip layers (gzip -6, like most
registries serve) and a docker-archive (`docker save` layout) with uncompressed
layers. File content is not a repeated pattern: it comes from an 8 MiB
pseudo-random pool over a 16-symbol alphabet, so gzip compresses it about 2:1
and the inflater does realistic work (a constant pattern inflates several
times faster than real layers and would flatter every reader).

Python standard library only, plus `gzip`. Everything is streamed: memory does
not grow with the image. Output is deterministic (fixed seed, mtimes, owners).
Not the test image builder (tests/tools/mkimage.py): that one is about exact,
hostile tar shapes; this one only has to be big, fast to make, and realistic.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile

BLOCK = 512
MTIME = 1700000000
MiB = 1 << 20
POOL_SIZE = 8 * MiB
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"


def make_pool():
    rnd = random.Random(20240101)
    raw = rnd.randbytes(POOL_SIZE)
    alphabet = b"etaoinshrdlu .\n_"
    table = bytes(alphabet[i & 15] for i in range(256))
    return raw.translate(table)


class HashWriter:
    """File writer that hashes (sha256) and counts what it writes."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.h = hashlib.sha256()
        self.n = 0

    def write(self, b):
        self.f.write(b)
        self.h.update(b)
        self.n += len(b)

    def close(self):
        self.f.close()
        return self.h.hexdigest(), self.n


def tar_header(name, size, typeflag=b"0", mode=0o644):
    if len(name) > 100:
        raise SystemExit(f"gen-big: path too long for a ustar header: {name}")
    h = bytearray(BLOCK)
    h[0:len(name)] = name.encode()
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"%07o\0" % 0
    h[116:124] = b"%07o\0" % 0
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % MTIME
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[329:337] = b"%07o\0" % 0
    h[337:345] = b"%07o\0" % 0
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


class Layer:
    def __init__(self, path):
        self.w = HashWriter(path)
        self.dirs = set()

    def _parents(self, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i]) + "/"
            if d not in self.dirs:
                self.dirs.add(d)
                self.w.write(tar_header(d, 0, b"5", 0o755))

    def add_bytes(self, path, data):
        self._parents(path)
        self.w.write(tar_header(path, len(data)))
        self.w.write(data)
        pad = -len(data) % BLOCK
        if pad:
            self.w.write(b"\0" * pad)

    def add_pool(self, path, pool, size, start):
        """A regular file of SIZE bytes taken from the pool from START, wrapping."""
        self._parents(path)
        self.w.write(tar_header(path, size))
        mv = memoryview(pool)
        left, off = size, start % len(pool)
        while left:
            n = min(left, len(pool) - off, 4 * MiB)
            self.w.write(mv[off:off + n])
            left -= n
            off = (off + n) % len(pool)
        pad = -size % BLOCK
        if pad:
            self.w.write(b"\0" * pad)

    def close(self):
        self.w.write(b"\0" * (2 * BLOCK))
        return self.w.close()


def base_files(layer, status, os_release):
    layer.add_bytes("etc/os-release", os_release)
    layer.add_bytes("var/lib/dpkg/status", status)


def build_big(work, pool, status, os_release):
    """3 layers, 2.25 GiB: 768 MiB + 3 x 256 MiB + 12 x 64 MiB."""
    plan = [[("usr/lib/big/base.bin", 768 * MiB)],
            [(f"opt/data/chunk{i}.bin", 256 * MiB) for i in range(3)],
            [(f"srv/blobs/b{i:02d}.bin", 64 * MiB) for i in range(12)]]
    layers = []
    for li, files in enumerate(plan):
        path = os.path.join(work, f"layer{li}.tar")
        layer = Layer(path)
        if li == 0:
            base_files(layer, status, os_release)
        for fi, (name, size) in enumerate(files):
            layer.add_pool(name, pool, size, (li * 7919 + fi * 104729) * 4096 + fi)
        layers.append((path,) + layer.close())
    return layers


def build_many(work, pool, status, os_release, nfiles):
    """2 layers, NFILES files in total; 1 in 1000 is an npm package.json."""
    layers = []
    half = nfiles // 2
    rng = random.Random(7)
    done = 0
    for li, count in enumerate((half, nfiles - half)):
        path = os.path.join(work, f"layer{li}.tar")
        layer = Layer(path)
        if li == 0:
            base_files(layer, status, os_release)
            count -= 2
        for _ in range(count):
            i = done
            done += 1
            if i % 1000 == 999:
                k = i // 1000
                pj = json.dumps({"name": f"bench-pkg-{k:04d}", "version": f"1.{k % 50}.{k % 7}",
                                 "license": "MIT", "description": "generated by gen-big.py"},
                                indent=2).encode()
                layer.add_bytes(f"app/node_modules/bench-pkg-{k:04d}/package.json", pj)
            else:
                size = 64 + rng.randrange(384)
                layer.add_pool(f"usr/share/many/d{i // 1000:04d}/f{i % 1000:03d}.txt",
                               pool, size, rng.randrange(POOL_SIZE))
        layers.append((path,) + layer.close())
    return layers


def npm_name(k):
    return f"bench-pkg-{k:06d}"


def build_pkgs(work, status, os_release, npkgs):
    """1 layer: dpkg status + NPKGS npm package.json files."""
    path = os.path.join(work, "layer0.tar")
    layer = Layer(path)
    base_files(layer, status, os_release)
    for k in range(npkgs):
        n = npm_name(k)
        pj = json.dumps({"name": n, "version": f"1.{k % 50}.{k % 7}", "license": "MIT",
                         "description": f"generated by gen-big.py, package {k}",
                         "dependencies": {npm_name((k + 1) % npkgs): "*"}},
                        indent=2).encode()
        layer.add_bytes(f"app/node_modules/{n}/package.json", pj)
    return [(path,) + layer.close()]


def write_osv(out, npkgs):
    """One finding per generated npm package: N/100 advisories of 100 packages."""
    d = os.path.join(out, "osv-pkgs")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    per = 100
    for a in range((npkgs + per - 1) // per):
        vid = f"GHSA-bnch-{a // 10000:04d}-{a % 10000:04d}"
        affected = [{"package": {"ecosystem": "npm", "name": npm_name(k)},
                     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "99.0.0"}]}]}
                    for k in range(a * per, min(npkgs, (a + 1) * per))]
        rec = {"schema_version": "1.3.0", "id": vid, "modified": "2024-01-01T00:00:00Z",
               "published": "2024-01-01T00:00:00Z", "aliases": [f"CVE-2099-{a + 10000}"],
               "summary": f"generated advisory {a}",
               "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
               "affected": affected}
        with open(os.path.join(d, vid + ".json"), "w") as f:
            json.dump(rec, f)


def build_layers(work, status, os_release, nlayers, status_bytes):
    """NLAYERS layers, each writing var/lib/dpkg/status anew with one more package."""
    layers = []
    cur = status.rstrip(b"\n") + b"\n"
    # a full system's status is about 1 MiB (the measurement): pad the
    # real one with generated installed packages up to that size
    k = 0
    while len(cur) < status_bytes:
        cur += (f"\nPackage: bench-base-{k:04d}\nStatus: install ok installed\nPriority: optional\n"
                f"Section: libs\nInstalled-Size: {100 + k}\nMaintainer: Bench <bench@example.invalid>\n"
                f"Architecture: amd64\nMulti-Arch: same\nSource: bench-base-src-{k // 4:04d}\n"
                f"Version: 2.{k % 17}-{k % 5}\nDepends: libc6 (>= 2.36), bench-base-{(k + 1) % 997:04d}\n"
                f"Description: generated base package {k}\n"
                + "".join(f" line {i} of the long description of generated package {k}, as real ones have.\n"
                          for i in range(8))).encode()
        k += 1
    for li in range(nlayers):
        path = os.path.join(work, f"layer{li}.tar")
        layer = Layer(path)
        if li == 0:
            layer.add_bytes("etc/os-release", os_release)
        else:
            cur += (f"\nPackage: bench-layer-{li:04d}\nStatus: install ok installed\n"
                    f"Priority: optional\nSection: misc\nInstalled-Size: {li}\n"
                    f"Maintainer: Bench <bench@example.invalid>\nArchitecture: amd64\n"
                    f"Version: 1.0-{li}\nDescription: layer {li} package\n").encode()
        layer.add_bytes("var/lib/dpkg/status", cur)
        layers.append((path,) + layer.close())
    return layers


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(4 * MiB)
            if not b:
                return h.hexdigest()
            h.update(b)


def write_blob(blobs, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return d


def assemble(name, out, work, layers, want_oci=True):
    """Compress layers (in parallel), write the OCI layout and the docker-archive."""
    if not want_oci:
        return assemble_docker(name, out, layers)
    oci = os.path.join(out, f"{name}.oci")
    blobs = os.path.join(oci, "blobs", "sha256")
    os.makedirs(blobs)
    procs = []
    for path, _diff, _size in layers:
        f = open(path + ".gz", "wb")
        procs.append((subprocess.Popen(["gzip", "-n", "-6", "-c", path], stdout=f), f))
        if len(procs) >= (os.cpu_count() or 1):
            p, f0 = procs.pop(0)
            if p.wait():
                raise SystemExit("gen-big: gzip failed")
            f0.close()
    for p, f in procs:
        if p.wait():
            raise SystemExit("gen-big: gzip failed")
        f.close()
    mlayers = []
    for path, _diff, _size in layers:
        d = sha256_file(path + ".gz")
        os.replace(path + ".gz", os.path.join(blobs, d))
        mlayers.append({"mediaType": MT_LAYER_GZ, "digest": "sha256:" + d,
                        "size": os.path.getsize(os.path.join(blobs, d))})
    config = {"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for _p, d, _s in layers]},
              "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "gen-big.py"}
                          for _ in layers]}
    cfg = json.dumps(config, separators=(",", ":")).encode()
    cfg_d = write_blob(blobs, cfg)
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": {"mediaType": MT_CONFIG, "digest": "sha256:" + cfg_d, "size": len(cfg)},
                "layers": mlayers}
    man = json.dumps(manifest, separators=(",", ":")).encode()
    man_d = write_blob(blobs, man)
    with open(os.path.join(oci, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(oci, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": MT_MANIFEST, "digest": "sha256:" + man_d, "size": len(man),
             "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
            f, separators=(",", ":"))

    assemble_docker(name, out, layers, cfg_d, cfg)


def image_config(layers):
    config = {"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for _p, d, _s in layers]},
              "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "gen-big.py"}
                          for _ in layers]}
    cfg = json.dumps(config, separators=(",", ":")).encode()
    return hashlib.sha256(cfg).hexdigest(), cfg


def assemble_docker(name, out, layers, cfg_d=None, cfg=None):
    if cfg is None:
        cfg_d, cfg = image_config(layers)
    dtar = os.path.join(out, f"{name}.docker.tar")
    dman = [{"Config": cfg_d + ".json", "RepoTags": [f"bench/{name}:latest"],
             "Layers": [d + ".tar" for _p, d, _s in layers]}]
    with tarfile.open(dtar, "w", format=tarfile.PAX_FORMAT) as t:
        def add(arcname, data=None, path=None):
            ti = tarfile.TarInfo(arcname)
            ti.mtime, ti.mode = MTIME, 0o644
            if path:
                ti.size = os.path.getsize(path)
                with open(path, "rb") as f:
                    t.addfile(ti, f)
            else:
                ti.size = len(data)
                import io
                t.addfile(ti, io.BytesIO(data))
        for path, d, _s in layers:
            add(d + ".tar", path=path)
            os.remove(path)
        add(cfg_d + ".json", cfg)
        add("manifest.json", json.dumps(dman, separators=(",", ":")).encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["big", "many", "pkgs", "layers"])
    ap.add_argument("out")
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "tests", "data", "debian12")
    ap.add_argument("--status", default=os.path.join(data, "status.layer1"))
    ap.add_argument("--os-release", default=os.path.join(data, "os-release"))
    ap.add_argument("--files", type=int, default=1_000_000)
    ap.add_argument("--packages", type=int, default=100_000)
    ap.add_argument("--layers", type=int, default=300)
    ap.add_argument("--status-kib", type=int, default=1024, help="layers: status size (padded)")
    a = ap.parse_args()
    if shutil.which("gzip") is None:
        raise SystemExit("gen-big: needs gzip")
    status = open(a.status, "rb").read()
    os_release = open(a.os_release, "rb").read()
    name = f"img-{a.kind}"
    os.makedirs(a.out, exist_ok=True)
    for p in (f"{name}.oci", f"{name}.docker.tar"):
        full = os.path.join(a.out, p)
        if os.path.isdir(full):
            shutil.rmtree(full)
        elif os.path.exists(full):
            os.remove(full)
    work = os.path.join(a.out, f".work-{name}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        pool = make_pool() if a.kind in ("big", "many") else None
        if a.kind == "big":
            layers = build_big(work, pool, status, os_release)
        elif a.kind == "many":
            layers = build_many(work, pool, status, os_release, a.files)
        elif a.kind == "pkgs":
            layers = build_pkgs(work, status, os_release, a.packages)
            write_osv(a.out, a.packages)
        else:
            layers = build_layers(work, status, os_release, a.layers, a.status_kib * 1024)
        assemble(name, a.out, work, layers, a.kind in ("big", "many"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(s for _p, _d, s in layers)
    print(f"gen-big: {name}: {len(layers)} layers, {total} bytes uncompressed", file=sys.stderr)


if __name__ == "__main__":
    main()
