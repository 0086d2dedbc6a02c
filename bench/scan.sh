#!/usr/bin/env bash
# scan.sh - `cgate scan --sbom` of a 10,000-package SBOM against a vulnerability
# DB imported from real records; target <= 100 ms, DB open included.
#
#   bench/scan.sh [VULNDB_DIR]
#
# VULNDB_DIR: OSV/KEV data to import (default: the team's shared data when present,
# else tests/data/vulndb).  CGATE=PATH to use a given binary (default: build one).
# Two SBOMs of 10,000 packages: "typical" mixes 500 packages named in the DB
# (npm, PyPI, Go, crates.io, at a low version, so most are affected) with 9,500
# names the DB does not know, as real images do; "heavy" has 2,000 known ones
# (thousands of findings).  Prints hyperfine's summary and the findings counts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); ROOT=$(cd "$HERE/.." && pwd)
DATA=${1:-}
if [ -z "$DATA" ]; then
  DATA="$ROOT/../shared/data/vulndb"; [ -d "$DATA" ] || DATA="$ROOT/tests/data/vulndb"
fi
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
if [ -z "${CGATE:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DCGATE_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench" -j"$(nproc)" --target cgate_cli >/dev/null
  CGATE="$ROOT/build-bench/cgate"
fi
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
paths=(); for d in "$DATA"/osv/* "$DATA"/kev; do [ -e "$d" ] && paths+=("$d"); done
"$CGATE" db import --db "$W/db.sqlite" "${paths[@]}" >/dev/null
for mix in typical:500 heavy:2000; do
python3 - "$DATA" "$W/${mix%%:*}.cdx.json" "${mix#*:}" <<'PY'
import json, os, random, sys
data, out, n_known = sys.argv[1], sys.argv[2], int(sys.argv[3])
purl_type = {"npm": "npm", "PyPI": "pypi", "Go": "golang", "crates.io": "cargo"}
known = set()
for root, _, files in os.walk(os.path.join(data, "osv")):
    for f in files:
        if not f.endswith(".json"): continue
        try: rec = json.load(open(os.path.join(root, f)))
        except Exception: continue
        for a in rec.get("affected", []):
            p = a.get("package", {})
            if p.get("ecosystem") in purl_type: known.add((purl_type[p["ecosystem"]], p["name"]))
random.seed(1)
known = sorted(known)
pkgs = [random.choice(known) for _ in range(n_known)] + [("npm", f"nothing-known-{i}") for i in range(10000 - n_known)]
comps = []
for i, (t, n) in enumerate(pkgs):
    ns, _, name = n.rpartition("/") if t in ("golang", "npm") and "/" in n else ("", "", n)
    v = "v0.0.1" if t == "golang" and n != "stdlib" else "0.0.1"
    purl = f"pkg:{t}/" + (ns + "/" if ns else "") + f"{name}@{v}"
    comps.append({"type": "library", "bom-ref": f"{purl}#{i}", "name": name, "version": v, "purl": purl})
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "container", "name": "bench", "bom-ref": "img"}},
           "components": comps}, open(out, "w"))
PY
m=${mix%%:*}
"$CGATE" scan --db "$W/db.sqlite" --sbom "$W/$m.cdx.json" -q -o "$W/$m.json" || true
echo "== $m: packages 10000, known to the DB ${mix#*:}, findings $(jq '[.Results[].Vulnerabilities[]?] | length' "$W/$m.json"), DB $(du -h "$W/db.sqlite" | cut -f1)"
hyperfine -N --warmup 2 --runs 10 "$CGATE scan --db $W/db.sqlite --sbom $W/$m.cdx.json -q -o /dev/null" 2>&1 | sed -n '2,3p'
done
