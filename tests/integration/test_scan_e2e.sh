#!/usr/bin/env bash
# test_scan_e2e.sh - `cgate scan` end to end: images built here with packages
# just below, at and above real advisories' fixed versions, a DB imported with
# `cgate db import` from real records, and exactly the expected findings.
#  - Debian bookworm labels (tests/data/scan/debian/...): every "affected" row
#    of expected.tsv for each installed binary of the source package, with
#    its fixed version; none of the "not-affected" rows.
#  - Alpine secdb v3.10 (openssl): 1.1.1c-r0 below the 1.1.1d-r0 fix, at it,
#    and above it; 1.1.1a-r1 between two fixes.
# Skips (77) when this build has no `cgate db` (the importer not merged).
. "$(dirname "$0")/lib.sh"
cg_setup scan_e2e
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
LABELS="$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian"
SECDB="$CG_TEST_DATA/scan/alpine-secdb/v3.10/main.json"

# ---- Debian: the labelled installed versions -------------------------------
status=""
while IFS=$'\t' read -r src bins ver rec exp fixed; do
  [ "$src" = source ] && continue
  for b in ${bins//,/ }; do
    case "$status" in *"Package: $b"$'\n'*) continue ;; esac
    status+="Package: $b"$'\n'"Status: install ok installed"$'\n'"Source: $src"$'\n'"Version: $ver"$'\n'"Architecture: amd64"$'\n\n'
  done
done <"$LABELS/expected.tsv"
jq -n --arg st "$status" '{layers:[{entries:[
  {path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
  {path:"var/lib/dpkg/status", content:$st}]}]}' >"$T/deb.json"
mkimage "$T/deb.json" docker-archive "$T/deb.tar"

cg_run "$T/imp.out" "$T/imp.err" db import --db "$T/deb.sqlite" "$LABELS/osv"
cg_expect_rc 0 "import Debian labels" "$T/imp.err"
cg_run "$T/r.json" "$T/r.err" scan --db "$T/deb.sqlite" --now 2026-12-01T00:00:00Z "docker-archive:$T/deb.tar"
cg_expect_rc 0 "scan img with Debian labels" "$T/r.err"
cg_expect_json "$T/r.json" "Debian report"
jq -r '.Results[].Vulnerabilities[]? | "\(.PkgName)\t\(.InstalledVersion)\t\(.cgate.advisoryId)\t\(.FixedVersion)"' \
  "$T/r.json" | sort >"$T/got.tsv"
while IFS=$'\t' read -r src bins ver rec exp fixed; do
  [ "$exp" = affected ] || continue
  for b in ${bins//,/ }; do printf '%s\t%s\t%s\t%s\n' "$b" "$ver" "$rec" "$fixed"; done
done <"$LABELS/expected.tsv" | sort >"$T/want.tsv"
cg_expect_same_text "$T/want.tsv" "$T/got.tsv" "Debian findings (affected rows, per binary)"
cg_expect_eq 15 "$(cut -f3 "$T/want.tsv" | sort -u | wc -l)" "distinct affected records in the labels"
cg_expect_eq "debian" "$(jq -r '.Results[0].Type' "$T/r.json")" "OS target type"
cg_expect_eq "os-pkgs" "$(jq -r '.Results[0].Class' "$T/r.json")" "OS target class"
cg_expect_eq "fixed" "$(jq -r '[.Results[].Vulnerabilities[].Status] | unique | join(",")' "$T/r.json")" "statuses"
cg_expect_eq "2026-12-01T00:00:00Z" "$(jq -r .CreatedAt "$T/r.json")" "CreatedAt from --now"

# same inputs, same bytes
cg_run "$T/r2.json" "$T/r2.err" scan --db "$T/deb.sqlite" --now 2026-12-01T00:00:00Z "docker-archive:$T/deb.tar"
cmp -s "$T/r.json" "$T/r2.json" && cg_ok || cg_fail "two scans differ"
# no CreatedAt without --now / SOURCE_DATE_EPOCH
cg_run "$T/r3.json" "$T/r3.err" scan --db "$T/deb.sqlite" "docker-archive:$T/deb.tar"
cg_expect_eq null "$(jq -r '.CreatedAt // "null"' "$T/r3.json")" "no wall clock in the report"

# ---- Alpine secdb: below, at and above -------------------------------------
if true; then
  cat >"$T/apk.json" <<'J'
{"layers":[{"entries":[
 {"path":"etc/os-release","content":"ID=alpine\nVERSION_ID=3.10.2\n"},
 {"path":"lib/apk/db/installed","content":"P:libcrypto1.1\nV:1.1.1c-r0\nA:x86_64\no:openssl\n\nP:libssl1.1\nV:1.1.1d-r0\nA:x86_64\no:openssl\n\nP:openssl\nV:1.1.1d-r1\nA:x86_64\no:openssl\n\nP:libtls-standalone\nV:1.1.1a-r1\nA:x86_64\no:openssl\n\n"}]}]}
J
  mkimage "$T/apk.json" docker-archive "$T/apk.tar"
  cg_run "$T/ai.out" "$T/ai.err" db import --db "$T/apk.sqlite" "$SECDB"
  cg_expect_rc 0 "import Alpine secdb" "$T/ai.err"
  cg_run "$T/a.json" "$T/a.err" scan --db "$T/apk.sqlite" --now 2026-12-01T00:00:00Z "docker-archive:$T/apk.tar"
  cg_expect_rc 0 "scan Alpine image" "$T/a.err"
  jq -r '.Results[].Vulnerabilities[]? | "\(.PkgName) \(.InstalledVersion) \(.VulnerabilityID) \(.FixedVersion)"' \
    "$T/a.json" | sort >"$T/agot"
  cat >"$T/awant" <<'E'
libcrypto1.1 1.1.1c-r0 CVE-2019-1547 1.1.1d-r0
libcrypto1.1 1.1.1c-r0 CVE-2019-1549 1.1.1d-r0
libcrypto1.1 1.1.1c-r0 CVE-2019-1563 1.1.1d-r0
libtls-standalone 1.1.1a-r1 CVE-2019-1543 1.1.1b-r1
libtls-standalone 1.1.1a-r1 CVE-2019-1547 1.1.1d-r0
libtls-standalone 1.1.1a-r1 CVE-2019-1549 1.1.1d-r0
libtls-standalone 1.1.1a-r1 CVE-2019-1563 1.1.1d-r0
E
  cg_expect_same_text "$T/awant" "$T/agot" "Alpine findings below / at / above 1.1.1d-r0"
  cg_expect_eq "Alpine:v3.10" "$(jq -r '[.Results[].Vulnerabilities[].cgate.ecosystem] | unique | join(",")' "$T/a.json")" \
    "Alpine ecosystem from os-release"
fi
cg_finish
