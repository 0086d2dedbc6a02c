#!/usr/bin/env bash
# test_scan_cli.sh - `cgate scan` options and failure modes: formats, -o,
# --severity, --ignore-unfixed, --pkg-types, --exit-code, --db-max-age and
# the 7-day warning, --now, NO_COLOR and colour on a terminal, a missing or
# corrupt DB, usage errors (one line each, right exit codes).  The DB holds
# the real Debian labels plus two records written here: a CVSS-scored one
# (CGATE-TEST-CRIT, critical, fixed) and one without a fix (CGATE-TEST-NOFIX).
. "$(dirname "$0")/lib.sh"
cg_setup scan_cli
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
LABELS="$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian"
mkdir -p "$T/osv"
cat >"$T/osv/CGATE-TEST-CRIT.json" <<'J'
{"id":"CGATE-TEST-CRIT","modified":"2025-01-01T00:00:00Z","published":"2025-01-01T00:00:00Z",
 "summary":"test record: critical, fixed","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"Debian:12","name":"xz-utils"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.4.1-1+deb12u2"}]}]}]}
J
cat >"$T/osv/CGATE-TEST-NOFIX.json" <<'J'
{"id":"CGATE-TEST-NOFIX","modified":"2025-01-01T00:00:00Z","published":"2025-01-01T00:00:00Z",
 "summary":"test record: low, no fix","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}],
 "affected":[{"package":{"ecosystem":"Debian:12","name":"xz-utils"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
J
cat >"$T/spec.json" <<'J'
{"layers":[{"entries":[
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=\"12\"\n"},
 {"path":"var/lib/dpkg/status","content":"Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: 5.4.1-1+deb12u1\nArchitecture: amd64\n\nPackage: apt\nStatus: install ok installed\nVersion: 2.6.1\nArchitecture: amd64\n\n"}]}]}
J
mkimage "$T/spec.json" docker-archive "$T/img.tar"
IMG="docker-archive:$T/img.tar"
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$LABELS/osv" "$T/osv"
cg_expect_rc 0 "db import" "$T/i.err"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
scan() { cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now "$NOW" "$@"; }

ids() { jq -r '[.Results[].Vulnerabilities[]?.VulnerabilityID] | unique | join(",")' "$1"; }
scan "$IMG"
cg_expect_rc 0 "plain scan" "$T/err"
cg_expect_eq "CGATE-TEST-CRIT,CGATE-TEST-NOFIX,CVE-2026-109518" "$(ids "$T/out")" "all findings"
cg_expect_eq "CRITICAL" "$(jq -r '.Results[].Vulnerabilities[] | select(.VulnerabilityID=="CGATE-TEST-CRIT") | .Severity' "$T/out")" "severity from CVSS"
cg_expect_eq "9.8" "$(jq -r '.Results[].Vulnerabilities[] | select(.VulnerabilityID=="CGATE-TEST-CRIT") | .CVSS[].V3Score' "$T/out")" "V3Score"
cg_expect_eq "affected" "$(jq -r '.Results[].Vulnerabilities[] | select(.VulnerabilityID=="CGATE-TEST-NOFIX") | .Status' "$T/out")" "no fix: affected"

scan --severity CRITICAL,HIGH "$IMG"
cg_expect_eq "CGATE-TEST-CRIT" "$(ids "$T/out")" "--severity CRITICAL,HIGH"
scan --ignore-unfixed "$IMG"
cg_expect_eq "CGATE-TEST-CRIT,CVE-2026-109518" "$(ids "$T/out")" "--ignore-unfixed"
scan --pkg-types library "$IMG"
cg_expect_eq "" "$(ids "$T/out")" "--pkg-types library"
cg_expect_eq "0" "$(jq '.Results | length' "$T/out")" "no library targets"
scan --exit-code 7 "$IMG"
cg_expect_rc 7 "--exit-code 7 with findings" "$T/err"
scan --exit-code 7 --severity MEDIUM "$IMG"
cg_expect_rc 0 "--exit-code 7 when the filters leave nothing" "$T/err"

# formats and -o
for f in json sarif cyclonedx; do
  scan -f "$f" -o "$T/rep.$f" "$IMG"
  cg_expect_rc 0 "-f $f -o" "$T/err"
  cg_expect_json "$T/rep.$f" "-f $f"
  [ ! -s "$T/out" ] && cg_ok || cg_fail "-o $f still wrote to stdout"
done
cg_expect_eq "2.1.0" "$(jq -r .version "$T/rep.sarif")" "SARIF version"
cg_expect_eq "3" "$(jq '.vulnerabilities | length' "$T/rep.cyclonedx")" "CycloneDX vulnerabilities"
cg_expect_eq "1" "$(jq '[.vulnerabilities[] | select(.id=="CVE-2026-109518")] | length' "$T/rep.cyclonedx")" \
  "CycloneDX: one entry per id"
scan -f table "$IMG"
grep -q "CGATE-TEST-CRIT" "$T/out" && ! grep -q $'\033' "$T/out" && cg_ok || cg_fail "table to a file: no colour"
if command -v script >/dev/null; then
  script -qec "$CGATE scan --db $T/db.sqlite --now $NOW -f table $IMG" /dev/null >"$T/tty.out" 2>&1
  grep -q $'\033\\[1;31mCRITICAL' "$T/tty.out" && cg_ok || cg_fail "no colour on a terminal: $(head -c 300 "$T/tty.out")"
  NO_COLOR=1 script -qec "$CGATE scan --db $T/db.sqlite --now $NOW -f table $IMG" /dev/null >"$T/tty2.out" 2>&1
  ! grep -q $'\033\\[1;31m' "$T/tty2.out" && cg_ok || cg_fail "NO_COLOR ignored"
fi

# DB age: fine today, a warning after 8 days; beyond --db-max-age a warning
# and the report says so (the gate is the policy's: issue 11)
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now "$NOW" --db-max-age 1d "$IMG"
cg_expect_rc 0 "fresh DB within --db-max-age" "$T/err"
cg_expect_eq "86400 false" "$(jq -r '"\(.cgate.dbMaxAgeSeconds) \(.cgate.dbStale)"' "$T/out")" "report: limit, not stale"
age=$(jq -r '.cgate.dbAgeSeconds' "$T/out")
[ "$age" -ge 0 ] 2>/dev/null && [ "$age" -lt 86400 ] && cg_ok || cg_fail "dbAgeSeconds $age"
LATER=$(( $(date +%s) + 8 * 86400 ))
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now "$LATER" "$IMG"
cg_expect_rc 0 "stale DB without --db-max-age" "$T/err"
grep -q "warning: vulnerability DB .* days old" "$T/err" && cg_ok || cg_fail "no 7-day warning: $(cat "$T/err")"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now "$LATER" --db-max-age 7d "$IMG"
cg_expect_rc 0 "--db-max-age 7d on an 8-day-old DB" "$T/err"
grep -q "warning: vulnerability DB .*older than --db-max-age" "$T/err" && cg_ok || cg_fail "no --db-max-age warning: $(cat "$T/err")"
cg_expect_eq "604800 true" "$(jq -r '"\(.cgate.dbMaxAgeSeconds) \(.cgate.dbStale)"' "$T/out")" "report: stale DB"
age=$(jq -r '.cgate.dbAgeSeconds' "$T/out")
[ "$age" -gt 604800 ] 2>/dev/null && cg_ok || cg_fail "dbAgeSeconds $age for an 8-day-old DB"

# bad DB, bad usage
cg_run "$T/out" "$T/err" scan --db "$T/nope.sqlite" "$IMG"
cg_expect_rc 3 "missing DB" "$T/err"
cg_expect_one_error "$T/err" "missing DB" "nope.sqlite"
head -c 5000 "$T/db.sqlite" >"$T/trunc.sqlite"
cg_run "$T/out" "$T/err" scan --db "$T/trunc.sqlite" "$IMG"
cg_expect_rc 3 "truncated DB" "$T/err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" -f xml "$IMG"
cg_expect_rc 2 "unknown format" "$T/err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --severity SEVERE "$IMG"
cg_expect_rc 2 "bad --severity" "$T/err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --db-max-age soon "$IMG"
cg_expect_rc 2 "bad --db-max-age" "$T/err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite"
cg_expect_rc 2 "no image" "$T/err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" "docker-archive:$T/none.tar"
cg_expect_rc 3 "missing image" "$T/err"
cg_run "$T/out" "$T/err" scan --help
cg_expect_rc 0 "--help" "$T/err"
grep -q -- "--db-max-age" "$T/out" && cg_ok || cg_fail "--help does not list --db-max-age"
cg_finish
