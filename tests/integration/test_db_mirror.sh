#!/usr/bin/env bash
# test_db_mirror.sh - `cgate db update --mirror` against a real HTTP server on
# 127.0.0.1 (tests/tools/http_mirror.py: ETag, Last-Modified, 304s, faults)
# serving the built-in sources' layout, filled with the real records of
# tests/data/vulndb zipped as OSV publishes them (ID.json entries in
# <Ecosystem>/all.zip).  First update imports everything; the second transfers
# no body and leaves the DB byte-identical; a changed file is the only one
# downloaded; a 500, a cut-off transfer and a truncated zip each leave the old
# DB untouched (exit 4, one line).  Only loopback is contacted.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup db_mirror
V="$CG_TEST_DATA/vulndb"
DB="$T/db.sqlite"
M="$T/mirror"
YEAR=$(date -u +%Y)

python3 - "$V" "$M" "$YEAR" <<'PY'
import glob, gzip, json, os, sys, zipfile
V, M, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    import yaml
except ImportError:
    yaml = None
by_eco = {}
def add(rec, raw=None):
    eco = rec["affected"][0]["package"]["ecosystem"].split(":")[0] if rec.get("affected") else None
    if eco:
        by_eco.setdefault(eco, []).append((rec["id"], raw if raw is not None else json.dumps(rec, indent=2)))
for sub in ["go", "rustsec", "ghsa-selected", "ghsa-node-app", "debian-osv", "debian-bookworm"]:
    for f in sorted(glob.glob(os.path.join(V, sub, "**", "*.json"), recursive=True)):
        rec = json.load(open(f))
        if isinstance(rec, dict) and "id" in rec:
            add(rec, open(f).read())
for f in sorted(glob.glob(os.path.join(V, "pypa", "**", "*.yaml"), recursive=True)):
    if yaml:  # osv.dev publishes JSON; BaseLoader keeps every scalar's spelling
        rec = yaml.load(open(f), Loader=yaml.BaseLoader)
        add(rec)
ecos = ["Bitnami", "CRAN", "ConanCenter", "Go", "Hackage", "Hex", "Maven", "NuGet", "Packagist", "Pub", "PyPI",
        "RubyGems", "SwiftURL", "crates.io", "npm", "AlmaLinux", "Alpine", "Azure Linux", "Chainguard", "Debian",
        "Mageia", "Photon OS", "Red Hat", "Rocky Linux", "Ubuntu", "Wolfi", "openEuler", "openSUSE"]
for eco in ecos:
    os.makedirs(os.path.join(M, "osv", eco))
    with zipfile.ZipFile(os.path.join(M, "osv", eco, "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for rid, raw in sorted(by_eco.get(eco, [])):
            z.writestr(rid + ".json", raw)
os.makedirs(os.path.join(M, "kev"))
open(os.path.join(M, "kev", "known_exploited_vulnerabilities.json"), "wb").write(
    open(os.path.join(V, "kev", "known_exploited_vulnerabilities.json"), "rb").read())
os.makedirs(os.path.join(M, "epss"))
with gzip.open(os.path.join(M, "epss", "epss_scores-current.csv.gz"), "wb") as g:
    g.write(open(os.path.join(V, "synthetic", "epss_scores-2024-01-01.csv"), "rb").read())
os.makedirs(os.path.join(M, "nvd"))
page = open(os.path.join(V, "synthetic", "nvd-cve-2020-0601.json"), "rb").read()
empty = json.dumps({"resultsPerPage": 0, "startIndex": 0, "totalResults": 0, "format": "NVD_CVE",
                    "version": "2.0", "timestamp": "2024-01-01T00:00:00.000", "vulnerabilities": []}).encode()
for y in [str(y) for y in range(2002, year + 1)] + ["modified"]:
    with gzip.open(os.path.join(M, "nvd", "nvdcve-2.0-%s.json.gz" % y), "wb") as g:
        g.write(page if y in ("2020", "modified") else empty)
PY
[ -s "$M/osv/Go/all.zip" ] || cg_die "mirror not built"
n_src=$(( 28 + 2 + YEAR - 2002 + 2 ))

echo '{}' >"$T/faults.json"
python3 "$CG_TESTS/tools/http_mirror.py" "$M" "$T/http.log" "$T/faults.json" "$T/port" 2>"$T/http.err" &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || cg_die "mirror server did not start: $(cat "$T/http.err")"
U="http://127.0.0.1:$(cat "$T/port")"

# the effective list names the mirror and where it came from
cg_run "$T/o" "$T/e" db sources --mirror "$U" --format json
cg_expect_rc 0 "db sources --mirror" "$T/e"
cg_expect_eq "$n_src" "$(jq length "$T/o")" "number of built-in sources"
cg_expect_eq "$U/osv/Red%20Hat/all.zip" "$(jq -r '.[] | select(.name == "osv:Red Hat") | .url' "$T/o")" "mirror layout (OSV)"
cg_expect_eq "$U/nvd/nvdcve-2.0-modified.json.gz" "$(jq -r '.[] | select(.name == "nvd:modified") | .url' "$T/o")" "mirror layout (NVD)"
cg_expect_eq "built-in, mirror $U (--mirror)" "$(jq -r '.[0].origin' "$T/o")" "origin"
CGATE_DB_MIRROR="$U" cg_run "$T/o" "$T/e" db sources --format json
cg_expect_eq "built-in, mirror $U (CGATE_DB_MIRROR)" "$(jq -r '.[0].origin' "$T/o")" "origin from CGATE_DB_MIRROR"
XDG_CONFIG_HOME="$T/nocfg" cg_run "$T/o" "$T/e" db sources --format json
cg_expect_eq "built-in" "$(jq -r '[.[].origin] | unique | join(",")' "$T/o")" "origin without a mirror"
cg_run "$T/o" "$T/e" db sources --mirror "$U" --source "$U/x.json"
cg_expect_rc 2 "--mirror with --source" "$T/e"

# first update: everything is downloaded and imported
: >"$T/http.log"
cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
cg_expect_rc 0 "first update" "$T/e"
cg_expect_eq "$n_src" "$(awk '$3 == 200' "$T/http.log" | wc -l)" "first update: every source answered 200"
cg_run "$T/st1" "$T/e" db status --db "$DB" --format json
# the same data imported directly gives the same per-source counts
cg_run "$T/o" "$T/e" db import -q --db "$T/direct.sqlite" "$M"
cg_run "$T/st0" "$T/e" db status --db "$T/direct.sqlite" --format json
cg_expect_eq "$(jq -c '[.sources[] | {source, records}]' "$T/st0")" "$(jq -c '[.sources[] | {source, records}]' "$T/st1")" \
  "update imported what a direct import of the mirror does"
cg_expect_eq 121 "$(jq '.sources[] | select(.source == "osv:Go") | .records' "$T/st1")" "Go records"
cg_expect_eq 102 "$(jq '.sources[] | select(.source == "kev") | .records' "$T/st1")" "KEV entries"
[ "$(jq '[.sources[] | select(.source | startswith("osv:PyPI"))] | length' "$T/st1")" -ge 1 ] && cg_ok || cg_fail "PyPI records missing"
sum1=$(sha256sum <"$DB")

# second update: every source answers 304, no body moves, the DB is byte-identical
: >"$T/http.log"
cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
cg_expect_rc 0 "second update" "$T/e"
cg_expect_eq "$n_src" "$(awk '$3 == 304' "$T/http.log" | wc -l)" "second update: every source answered 304"
cg_expect_eq 0 "$(awk '{s += $4} END {print s + 0}' "$T/http.log")" "second update: body bytes transferred"
cg_expect_eq "$sum1" "$(sha256sum <"$DB")" "second update leaves the DB byte-identical"
grep -q "not modified" "$T/e" && cg_ok || cg_fail "second update does not say nothing changed: $(cat "$T/e")"

# a changed source is the only one downloaded
python3 - "$M/kev/known_exploited_vulnerabilities.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["vulnerabilities"] = d["vulnerabilities"][:50]
d["count"] = 50
json.dump(d, open(sys.argv[1], "w"))
PY
: >"$T/http.log"
cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
cg_expect_rc 0 "update after a change" "$T/e"
cg_expect_eq "/kev/known_exploited_vulnerabilities.json" "$(awk '$3 == 200 {print $2}' "$T/http.log")" "only the changed source downloaded"
cg_run "$T/o" "$T/e" db status --db "$DB" --format json
cg_expect_eq 50 "$(jq '.sources[] | select(.source == "kev") | .records' "$T/o")" "KEV replaced by the new catalogue"
cg_expect_eq 121 "$(jq '.sources[] | select(.source == "osv:Go") | .records' "$T/o")" "Go records kept"
sum2=$(sha256sum <"$DB")

# faults: each leaves the DB as it was, exit 4, one line
cp "$M/osv/Go/all.zip" "$T/go.zip"
bad_round() { # LABEL WANT-IN-MESSAGE
  cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
  cg_expect_rc 4 "$1" "$T/e"
  cg_expect_one_error "$T/e" "$1" "$2"
  cg_info "$1: $(head -c 300 "$T/e")"
  cg_expect_eq "$sum2" "$(sha256sum <"$DB")" "$1: DB untouched"
  ls -d "$DB".update.* "$DB".tmp.* >/dev/null 2>&1 && cg_fail "$1: temporary files left" || cg_ok
}
echo '{"/osv/Go/all.zip": "500"}' >"$T/faults.json"
bad_round "a 500 from the mirror" "osv/Go/all.zip"
echo '{"/osv/Go/all.zip": "short"}' >"$T/faults.json"
touch -d '+1 hour' "$M/osv/Go/all.zip"; printf 'x' >>"$M/osv/Go/all.zip"
bad_round "a transfer cut short" "osv/Go/all.zip"
echo '{}' >"$T/faults.json"
head -c "$(( $(stat -c %s "$T/go.zip") / 2 ))" "$T/go.zip" >"$M/osv/Go/all.zip"
bad_round "a truncated zip" "osv/Go/all.zip"
# the mirror repaired: the next update goes through
cp "$T/go.zip" "$M/osv/Go/all.zip"; touch -d '+2 hours' "$M/osv/Go/all.zip"
cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
cg_expect_rc 0 "update after the mirror is repaired" "$T/e"

# one progress line per source on a terminal
if command -v script >/dev/null; then
  # a changed body (a new mtime alone is not a change: the ETag decides)
  jq -c '.vulnerabilities |= .[:40] | .count = 40' "$M/kev/known_exploited_vulnerabilities.json" >"$T/kev.new"
  mv "$T/kev.new" "$M/kev/known_exploited_vulnerabilities.json"
  CGATE_DB_MIRROR="$U" script -qec "$CGATE db update --db $DB" /dev/null >"$T/tty.out" 2>&1
  cg_expect_eq "$n_src" "$(grep -c '^cgate: \[ *[0-9]*/'"$n_src"'\]' "$T/tty.out")" "progress lines on a terminal"
  grep -q 'kev .*MiB' "$T/tty.out" && cg_ok || cg_fail "no download line for kev: $(head -c 400 "$T/tty.out")"
fi
cg_run "$T/o" "$T/e" db update --db "$DB" --mirror "$U"
[ ! -s "$T/o" ] && ! grep -q '\[' "$T/e" && cg_ok || cg_fail "progress lines without a terminal"
cg_finish
