#!/usr/bin/env python3
"""Write dep-v0.json + dep-v0.z: the dependency list of syft's image-audit
fixture (../syft/image-audit.Cargo.lock) in the JSON shape cargo-auditable
embeds (auditable-serde's VersionInfo: {"packages": [{name, version, source,
kind, dependencies: [indices], root}]}), packages sorted by (name, version),
zlib-compressed as cargo-auditable stores it in the .dep-v0 section."""
import json, tomllib, zlib, os
here = os.path.dirname(os.path.abspath(__file__))
lock = tomllib.load(open(os.path.join(here, "..", "syft", "image-audit.Cargo.lock"), "rb"))
pk = sorted(lock["package"], key=lambda p: (p["name"], p["version"]))
idx = {p["name"]: i for i, p in enumerate(pk)}
# proc-macro crates and what only they use run at build time: cargo auditable marks them "build"
build_only = {"argh_derive", "serde_derive", "proc-macro2", "quote", "syn", "unicode-ident"}
out = []
for p in pk:
    e = {"name": p["name"], "version": p["version"],
         "source": "crates.io" if "source" in p else "local"}
    if p["name"] in build_only:
        e["kind"] = "build"
    deps = sorted(idx[d.split(" ")[0]] for d in p.get("dependencies", []))
    if deps:
        e["dependencies"] = deps
    if "source" not in p:
        e["root"] = True
    out.append(e)
js = json.dumps({"packages": out}, separators=(",", ":")).encode()
open(os.path.join(here, "dep-v0.json"), "wb").write(js)
open(os.path.join(here, "dep-v0.z"), "wb").write(zlib.compress(js, 9))
