#!/usr/bin/env bash
# test_scan_cvss4.sh - CVSS v4.0 vectors with threat/environmental metrics are
# reported with the whole vector's score as FIRST's calculator computes it
# (tests/data/cvss/cvss40_random.tsv, 1,452 random vectors), its nomenclature
# and the base score as separate fields; Severity and cgate.score follow the
# whole vector, so policies do too.  CVSS-B vectors keep the report's bytes.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup scan_cvss4
C="$CG_TEST_DATA/cvss"
DB="$T/db.sqlite"

# one GHSA-shaped OSV record per table row, all for npm cvss4-pkg@1.0.0; the
# expected base score of each comes from the exhaustive base table
python3 - "$C/cvss40_random.tsv" "$C/cvss40_base_exhaustive.tsv.gz" "$T" <<'PY'
import gzip, json, os, sys
rnd, exh, out = sys.argv[1:4]
base = {}
with gzip.open(exh, "rt") as f:
    for line in f:
        if line.startswith("#"): continue
        c = line.rstrip("\n").split("\t")
        base[c[0]] = c[1]
os.makedirs(out + "/osv")
want = open(out + "/want.tsv", "w")
i = 0
for line in open(rnd):
    if line.startswith("#"): continue
    vec, score, sev, nom = line.rstrip("\n").split("\t")[:4]
    parts = vec.split("/")
    bvec = "/".join(parts[:12])
    i += 1
    rid = "GHSA-cvss-%04d-test" % i
    rec = {"schema_version": "1.6.0", "id": rid, "modified": "2024-06-01T00:00:00Z",
           "summary": "v4 row %d" % i, "severity": [{"type": "CVSS_V4", "score": vec}],
           "affected": [{"package": {"ecosystem": "npm", "name": "cvss4-pkg"},
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}]}
    json.dump(rec, open("%s/osv/%s.json" % (out, rid), "w"))
    # Trivy has no NONE: a 0.0 score shows as LOW (docs/scan.md)
    want.write("%s\t%s\t%s\t%s\t%s\n" % (rid, score, "LOW" if sev == "NONE" else sev, nom, base[bvec]))
cdx = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
       "components": [{"type": "library", "bom-ref": "pkg:npm/cvss4-pkg@1.0.0", "name": "cvss4-pkg",
                       "version": "1.0.0", "purl": "pkg:npm/cvss4-pkg@1.0.0"}]}
json.dump(cdx, open(out + "/sbom.cdx.json", "w"))
PY
sort "$T/want.tsv" >"$T/want.sorted"

cg_run "$T/o" "$T/e" db import -q --db "$DB" "$T/osv"
cg_expect_rc 0 "import the v4 records" "$T/e"
cg_run "$T/report.json" "$T/e" scan --db "$DB" --now 2025-01-01T00:00:00Z --format json --sbom "$T/sbom.cdx.json"
cg_expect_rc 0 "scan" "$T/e"
jq -r '.Results[].Vulnerabilities[] | [.VulnerabilityID,
  (.CVSS.ghsa.V40Score | tostring), .Severity,
  (.CVSS.ghsa.V40Nomenclature // "CVSS-B"), ((.CVSS.ghsa.V40BaseScore // .CVSS.ghsa.V40Score) | tostring)] | @tsv' \
  "$T/report.json" | sed 's/\t\([0-9]*\)\t/\t\1.0\t/; s/\t\([0-9]*\)$/\t\1.0/' | sort >"$T/got.sorted"
cg_expect_eq "$(wc -l <"$T/want.sorted")" "$(wc -l <"$T/got.sorted")" "one finding per vector"
cg_expect_same_text "$T/want.sorted" "$T/got.sorted" "V40Score/Severity/nomenclature/base = FIRST's calculator"
# cgate.score is the whole vector's too (what cvss.sources: [cgate] policies read)
bad=$(jq '[.Results[].Vulnerabilities[] | select(.cgate.score != .CVSS.ghsa.V40Score)] | length' "$T/report.json")
cg_expect_eq 0 "$bad" "cgate.score = V40Score"
# CVSS-B vectors carry no extra fields (their report bytes are unchanged)
bad=$(jq '[.Results[].Vulnerabilities[] | select(.CVSS.ghsa.V40Vector | test("/(E|CR|IR|AR|M[A-Z]+):[^X]") | not)
          | select(.CVSS.ghsa.V40Nomenclature or .CVSS.ghsa.V40BaseScore)] | length' "$T/report.json")
cg_expect_eq 0 "$bad" "no nomenclature/base fields for CVSS-B vectors"

# a row of FIRST's table like the issue's example: base 8.3 HIGH, whole vector
# 4.7 MEDIUM (CVSS-BTE)
mkdir -p "$T/ex"
cat >"$T/ex/GHSA-exam-ple0-0001.json" <<'EOF'
{"schema_version": "1.6.0", "id": "GHSA-exam-ple0-0001", "modified": "2024-06-01T00:00:00Z",
 "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:N/VI:L/VA:H/SC:H/SI:N/SA:L/E:U/CR:X/MAC:X/MSC:L/V:X"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "cvss4-pkg"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}]}
EOF
cg_run "$T/o" "$T/e" db import -q --db "$T/ex.sqlite" "$T/ex"
cg_run "$T/ex.json" "$T/e" scan --db "$T/ex.sqlite" --now 2025-01-01T00:00:00Z --format json --sbom "$T/sbom.cdx.json"
cg_expect_rc 0 "scan of the issue's example" "$T/e"
cg_expect_eq '4.7 MEDIUM CVSS-BTE 8.3 4.7' \
  "$(jq -r '.Results[].Vulnerabilities[0] | "\(.CVSS.ghsa.V40Score) \(.Severity) \(.CVSS.ghsa.V40Nomenclature) \(.CVSS.ghsa.V40BaseScore) \(.cgate.score)"' "$T/ex.json")" \
  "a BTE vector: whole 4.7, base 8.3"
# a cgate/v1 policy on the scanner's score: 4.7 does not reach a 7.0 threshold
cat >"$T/policy.yaml" <<'EOF'
apiVersion: cgate/v1
severities:
  critical: {block: true, minCvss: 7.0}
  high: {block: true, minCvss: 7.0}
  medium: {block: true, minCvss: 7.0}
cvss:
  sources: [cgate]
allowUnfixed: true
EOF
cg_run "$T/d.json" "$T/e" policy "$T/ex.json" --policy "$T/policy.yaml" --format json
cg_expect_rc 0 "policy passes on the whole-vector 4.7" "$T/e"
sed -i 's/minCvss: 7.0}/minCvss: 4.5}/' "$T/policy.yaml"
cg_run "$T/d.json" "$T/e" policy "$T/ex.json" --policy "$T/policy.yaml" --format json
cg_expect_rc 1 "policy blocks at 4.5" "$T/e"
cg_finish
