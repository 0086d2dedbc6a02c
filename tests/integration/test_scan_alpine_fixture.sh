#!/usr/bin/env bash
# test_scan_alpine_fixture.sh - a real Alpine apk database (syft's multiple-2
# fixture: musl, busybox, openssl's libcrypto/libssl, zlib, apk-tools, ... as an
# Alpine 3.16 image installs them) matched against the real Alpine secdb for
# v3.10, by origin (source) package and apk version order:
#  - as installed, every version is above every v3.10 fix: no findings, but all
#    14 packages were looked up (no silent skip);
#  - with openssl's two binaries downgraded to 1.1.1c-r0 (below the 1.1.1d-r0
#    fix, above 1.1.1b-r1), exactly the three CVEs fixed in 1.1.1d-r0, for both
#    binaries, with that fixed version.
. "$(dirname "$0")/lib.sh"
cg_setup scan_alpine_fixture
DB="$T/db.sqlite"
cg_run "$T/imp.out" "$T/imp.err" db import --db "$DB" "$CG_TEST_DATA/scan/alpine-secdb/v3.10/main.json"
cg_expect_rc 0 "import the v3.10 secdb" "$T/imp.err"
apkdb=$(cat "$CG_TEST_DATA/syft/apk/multiple-2")
mk() { # $1 = apk db text, $2 = output
  jq -n --arg db "$1" '{layers:[{entries:[
    {path:"etc/os-release", content:"ID=alpine\nVERSION_ID=3.10.9\n"},
    {path:"lib/apk/db/installed", content:$db}]}]}' >"$T/spec.json"
  mkimage "$T/spec.json" docker-archive "$2"
}
mk "$apkdb" "$T/as-installed.tar"
cg_run "$T/r1.json" "$T/r1.err" scan --db "$DB" --now 2026-12-01T00:00:00Z "docker-archive:$T/as-installed.tar"
cg_expect_rc 0 "scan as installed" "$T/r1.err"
cg_expect_eq 0 "$(jq '[.Results[].Vulnerabilities[]?] | length' "$T/r1.json")" "findings as installed"
cg_expect_eq 14 "$(jq '.cgate.counts.packagesMatched // .cgate.packagesMatched' "$T/r1.json")" "apk packages looked up"

old=$(printf '%s' "$apkdb" | awk '/^P:libcrypto1.1$|^P:libssl1.1$/ {f=1} /^V:/ && f {print "V:1.1.1c-r0"; f=0; next} {print}')
mk "$old" "$T/downgraded.tar"
cg_run "$T/r2.json" "$T/r2.err" scan --db "$DB" --now 2026-12-01T00:00:00Z "docker-archive:$T/downgraded.tar"
cg_expect_rc 0 "scan downgraded" "$T/r2.err"
jq -r '.Results[].Vulnerabilities[]? | "\(.PkgName)\t\(.InstalledVersion)\t\(.VulnerabilityID)\t\(.FixedVersion)"' "$T/r2.json" | sort >"$T/got.tsv"
for b in libcrypto1.1 libssl1.1; do
  for c in CVE-2019-1547 CVE-2019-1549 CVE-2019-1563; do printf '%s\t1.1.1c-r0\t%s\t1.1.1d-r0\n' "$b" "$c"; done
done | sort >"$T/want.tsv"
cg_expect_same_text "$T/want.tsv" "$T/got.tsv" "openssl 1.1.1c-r0 against the v3.10 secdb"
cg_finish
