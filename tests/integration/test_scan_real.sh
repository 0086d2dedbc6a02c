#!/usr/bin/env bash
# test_scan_real.sh - `cgate scan` on the real lab images (tests/lab/make-images.sh;
# skipped, exit 77, when they are absent) against real advisory records:
#  - img-node + the GitHub advisories for its npm packages: exactly the
#    (package, version, advisory, fixed version) triples of expected-matches.tsv,
#    computed by an independent implementation (npm's semver) from the same records;
#  - img-mixed + every Go vulndb record naming stdlib or golang.org/x/sys: the
#    findings of /usr/local/bin/esbuild (stdlib go1.20.4, golang.org/x/sys) equal
#    what an independent evaluator below (Python, SEMVER rules of the OSV spec)
#    computes from the same records, and Debian's umoci (dpkg-owned) gets none
#    from the Go database: it is left to Debian's advisories;
#  - img-debian + the Debian bookworm labels: every "affected" row for each
#    installed binary of the source package, with its fixed version, and none of
#    the "not-affected" rows (when the image still has the labelled versions).
# Also: `cgate scan --sbom` of cgate's own SBOM of the image gives the same findings.
. "$(dirname "$0")/lib.sh"
cg_setup scan_real
LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
[ -f "$LAB/img-node.docker.tar" ] || cg_skip "lab images not built (tests/lab/make-images.sh)"
OSV="$CG_TEST_DATA/scan/osv"
LABELS="$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian"
DB="$T/db.sqlite"
cg_run "$T/imp.out" "$T/imp.err" db import --db "$DB" "$OSV/ghsa-node-app" "$OSV/go-stdlib-xsys" "$LABELS/osv"
cg_expect_rc 0 "import the records" "$T/imp.err"
NOW=2026-12-01T00:00:00Z

# ---- img-node: GitHub advisories for the app's npm packages ---------------------
cg_run "$T/node.json" "$T/node.err" scan --db "$DB" --now "$NOW" "docker-archive:$LAB/img-node.docker.tar"
cg_expect_rc 0 "scan img-node" "$T/node.err"
jq -r '.Results[] | select(.Type == "node-pkg") | .Vulnerabilities[]? |
       "\(.PkgName)\t\(.InstalledVersion)\t\(.cgate.advisoryId)\t\(.FixedVersion)"' "$T/node.json" | sort -u >"$T/node.got"
awk -F'\t' 'NR > 1 { print $1 "\t" $2 "\t" $3 "\t" $5 }' "$OSV/ghsa-node-app/expected-matches.tsv" | sort -u >"$T/node.want"
cg_expect_same_text "$T/node.want" "$T/node.got" "img-node npm findings vs expected-matches.tsv"

# the same findings from cgate's own SBOM of the image
cg_run "$T/node.cdx" "$T/sbom.err" sbom -o "$T/node.cdx.json" "docker-archive:$LAB/img-node.docker.tar"
cg_run "$T/node2.json" "$T/node2.err" scan --db "$DB" --now "$NOW" --sbom "$T/node.cdx.json"
cg_expect_rc 0 "scan --sbom of img-node's SBOM" "$T/node2.err"
jq -r '.Results[] | select(.Type == "node-pkg") | .Vulnerabilities[]? |
       "\(.PkgName)\t\(.InstalledVersion)\t\(.cgate.advisoryId)\t\(.FixedVersion)"' "$T/node2.json" | sort -u >"$T/node2.got"
cg_expect_same_text "$T/node.got" "$T/node2.got" "scan --sbom gives the image scan's npm findings"

# ---- img-mixed: Go binaries against the Go vulnerability database ---------------
if [ -f "$LAB/img-mixed.docker.tar" ]; then
  cg_run "$T/mixed.json" "$T/mixed.err" scan --db "$DB" --now "$NOW" "docker-archive:$LAB/img-mixed.docker.tar"
  cg_expect_rc 0 "scan img-mixed" "$T/mixed.err"
  jq -r '.Results[] | select(.Type == "gobinary") | .Target as $t | .Vulnerabilities[]? |
         "\($t)\t\(.PkgName)\t\(.InstalledVersion)\t\(.cgate.advisoryId)"' "$T/mixed.json" | sort -u >"$T/go.got"
  # what cgate's SBOM says is in the binaries (module, version), judged independently
  "$CGATE" sbom -q "docker-archive:$LAB/img-mixed.docker.tar" >"$T/mixed.cdx.json"
  python3 - "$T/mixed.cdx.json" "$OSV/go-stdlib-xsys" >"$T/go.want" <<'PY'
import json, os, re, sys
sbom, recdir = sys.argv[1], sys.argv[2]
def key(v):  # SemVer 2 precedence (OSV SEMVER ranges; Go versions without "v")
    v = v.lstrip("v").split("+")[0]
    core, _, pre = v.partition("-")
    nums = [int(x) for x in core.split(".")]
    ids = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")] if pre else []
    return (nums, 0 if pre else 1, ids)
def lt(a, b): return key(a) < key(b)
def affected(ver, ranges):
    for r in ranges:
        if r.get("type") != "SEMVER": continue
        ev = sorted(r["events"], key=lambda e: (key(list(e.values())[0]) if list(e.values())[0] != "0" else ([0], -1, [])))
        state = False
        for e in ev:
            (k, v), = e.items()
            if k == "introduced":
                if v == "0" or not lt(ver, v): state = True
            elif k == "fixed" and not lt(ver, v): state = False
            elif k == "last_affected" and lt(v, ver): state = False
        if state: return True
    return False
pkgs = []
for c in json.load(open(sbom))["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("cgate:package:type") != "golang" or props.get("cgate:owned-by"): continue
    name = (c.get("group") + "/" if c.get("group") else "") + c["name"]
    pkgs.append((props["cgate:location:0:path"], name, c["version"]))
for f in sorted(os.listdir(recdir)):
    if not f.endswith(".json"): continue
    rec = json.load(open(os.path.join(recdir, f)))
    if rec.get("withdrawn"): continue
    for a in rec.get("affected", []):
        for path, name, ver in pkgs:
            if a["package"]["name"] == name and ver != "(devel)" and affected(ver, a.get("ranges", [])):
                print(f"{path.lstrip('/')}\t{name}\t{ver}\t{rec['id']}")
PY
  sort -u -o "$T/go.want" "$T/go.want"
  [ -s "$T/go.want" ] && cg_ok || cg_fail "the independent evaluator found no Go findings (stdlib go1.20.4 has many)"
  cg_expect_same_text "$T/go.want" "$T/go.got" "img-mixed Go findings vs the independent evaluator"
  grep -q 'usr/bin/umoci' "$T/go.got" && cg_fail "umoci (owned by the umoci deb) matched against the Go database" || cg_ok
  grep -q 'usr/local/bin/esbuild	stdlib' "$T/go.got" && cg_ok || cg_fail "esbuild's stdlib not matched"
fi

# ---- img-debian: Debian's own advisories, by source package ----------------------
if [ -f "$LAB/img-debian.docker.tar" ]; then
  "$CGATE" sbom -q -f table "docker-archive:$LAB/img-debian.docker.tar" >"$T/deb.table"
  stale=0
  while IFS=$'\t' read -r src bins ver rec exp fixed; do
    [ "$src" = source ] && continue
    for b in ${bins//,/ }; do
      awk -v b="$b" '$1 == b { print $2 }' "$T/deb.table" | grep -qx -- "$ver" || stale=1
    done
  done <"$LABELS/expected.tsv"
  if [ "$stale" = 1 ]; then
    cg_info "img-debian no longer has the labelled versions (Debian moved): remake the labels with make-debian-labels.py; Debian part skipped"
  else
    cg_run "$T/deb.json" "$T/deb.err" scan --db "$DB" --now "$NOW" "docker-archive:$LAB/img-debian.docker.tar"
    cg_expect_rc 0 "scan img-debian" "$T/deb.err"
    jq -r '.Results[] | select(.Class == "os-pkgs") | .Vulnerabilities[]? |
           "\(.PkgName)\t\(.InstalledVersion)\t\(.cgate.advisoryId)\t\(.FixedVersion)"' "$T/deb.json" | sort -u >"$T/deb.got"
    while IFS=$'\t' read -r src bins ver rec exp fixed; do
      [ "$exp" = affected ] || continue
      for b in ${bins//,/ }; do printf '%s\t%s\t%s\t%s\n' "$b" "$ver" "$rec" "$fixed"; done
    done <"$LABELS/expected.tsv" | sort -u >"$T/deb.want"
    cg_expect_same_text "$T/deb.want" "$T/deb.got" "img-debian findings vs the labels"
  fi
fi
cg_finish
