#!/usr/bin/env bash
# include_edges.sh SRC_ROOT - fail when a folder of src/ includes a header of a folder
# it must not use (DESIGN.md §9).  The allowed edges are written once, here; an edge
# is allowed when it is in the transitive closure of this table.  A public header
# include/cgate/X.h belongs to the stage named in PUBLIC below.
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
python3 - "$root" <<'PY'
import os, re, sys
root = sys.argv[1]
# folder -> folders it may include directly (core is allowed everywhere)
EDGES = {
    "core": [],
    "cvss": [], "version": [], "registry": [], "rego": [],
    "vulndb": ["version"],
    "catalog": [],
    "image": ["registry"],
    "sbom": ["catalog", "image"],
    "scan": ["sbom", "vulndb", "version", "cvss"],
    "policy": ["scan", "rego"],
    "lint": ["image", "scan", "policy", "rego"],
    "secrets": ["image", "scan"],
    "copy": ["image", "registry"],
    "sign": ["registry"],
    "pipeline": ["copy", "sign", "policy", "scan", "sbom", "lint", "secrets", "vulndb", "image", "registry", "rego"],
    "serve": ["pipeline", "copy", "sign", "policy", "scan", "sbom", "lint", "secrets", "vulndb", "image", "registry", "rego"],
    "cli": None,  # anything
}
# public header -> owning stage (headers not listed belong to core)
PUBLIC = {
    "image.h": "image", "registry.h": "registry", "copy.h": "copy",
    "sbom.h": "sbom", "package.h": "catalog", "scan.h": "scan", "vulndb.h": "vulndb",
    "version.h": "version", "cvss.h": "cvss", "policy.h": "policy", "decision.h": "policy",
    "policy_context.h": "policy", "policy_rego.h": "policy", "rego.h": "rego", "lint.h": "lint", "secrets.h": "secrets",
    "sign.h": "sign", "attach.h": "sign", "pipeline.h": "pipeline", "serve.h": "serve",
    "runtime.h": "scan",
    "cgate.h": "cli",  # the umbrella header includes every public header; no stage may use it
}
closure = {}
def reach(f, seen=None):
    if f in closure: return closure[f]
    out = set()
    for g in EDGES.get(f) or []:
        out.add(g); out |= reach(g)
    closure[f] = out
    return out
bad = []
def owner_of(inc, here):
    if inc.startswith("cgate/"):
        return PUBLIC.get(inc[6:], "core")
    if "/" in inc:
        return inc.split("/", 1)[0]
    return here  # a same-folder include
def check(path, folder, public_owner=None):
    with open(path, errors="replace") as fh:
        for no, line in enumerate(fh, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m: continue
            inc = m.group(1)
            to = owner_of(inc, folder)
            if to == folder or to == "core": continue
            if public_owner is None and folder not in EDGES:
                bad.append(f"{path}:{no}: folder {folder} is not in the edge table"); continue
            if EDGES.get(folder, []) is None: continue
            if to not in reach(folder):
                bad.append(f"{path}:{no}: {folder} must not include {inc} (a header of {to})")
for folder in sorted(os.listdir(os.path.join(root, "src"))):
    d = os.path.join(root, "src", folder)
    if not os.path.isdir(d): continue
    for fn in sorted(os.listdir(d)):
        if fn.endswith((".c", ".h", ".cc")):
            check(os.path.join(d, fn), folder)
# public headers follow their owner's edges too
inc = os.path.join(root, "include", "cgate")
for fn in sorted(os.listdir(inc)):
    if fn.endswith(".h"):
        check(os.path.join(inc, fn), PUBLIC.get(fn, "core"), True)
for f in EDGES: reach(f)
for f in EDGES:
    if f in reach(f): bad.append(f"edge table has a cycle through {f}")
if bad:
    print("\n".join(bad)); print(f"include_edges: {len(bad)} forbidden include(s)"); sys.exit(1)
print("include_edges: ok")
PY
