#!/usr/bin/env bash
# sample.sh - set up, build cgate, make the bundled sample image and run the
# gate's stages on it: SBOM (CycloneDX, SPDX, table), then a vulnerability scan
# against a DB imported from the bundled real advisories (Debian's own bookworm
# advisories for these package versions, and CISA KEV), then the policy decision
# (samples/debian/policy.yaml), printing findings and decision.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${CGATE_SAMPLE_DIR:-/tmp/cgate-sample}
bash "$here/scripts/setup-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build" >/dev/null
cmake --build "$here/build" -j"$(nproc)" --target cgate_cli >/dev/null
rm -rf "$out" && mkdir -p "$out"
python3 "$here/tests/tools/mkimage.py" "$here/samples/debian/spec.json" oci "$out/sample.oci" >/dev/null
cgate="$here/build/cgate"
"$cgate" sbom -o "$out/sbom.cdx.json" "oci:$out/sample.oci"
"$cgate" sbom -f spdx-json -o "$out/sbom.spdx.json" "oci:$out/sample.oci"
"$cgate" sbom -f table "oci:$out/sample.oci"
echo
"$cgate" db import --db "$out/db.sqlite" "$here/tests/data/scan/debian/bookworm-labels-img-debian/osv" \
  "$here/tests/data/vulndb/kev/known_exploited_vulnerabilities.json" >/dev/null
"$cgate" scan --db "$out/db.sqlite" -q -o "$out/report.json" "oci:$out/sample.oci"
"$cgate" scan --db "$out/db.sqlite" -q -f sarif -o "$out/report.sarif" "oci:$out/sample.oci"
"$cgate" scan --db "$out/db.sqlite" -q -f table "oci:$out/sample.oci"
echo
rc=0
"$cgate" policy "$out/report.json" --policy "$here/samples/debian/policy.yaml" --now 2026-12-01 \
  -o "$out/decision.json" || rc=$?
"$cgate" policy "$out/report.json" --policy "$here/samples/debian/policy.yaml" --now 2026-12-01 -f table || true
echo
echo "policy exit code $rc (0 pass, 1 deny)"
echo "SBOMs: $out/sbom.cdx.json $out/sbom.spdx.json   reports: $out/report.json $out/report.sarif   decision: $out/decision.json"
