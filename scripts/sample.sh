#!/usr/bin/env bash
# sample.sh - set up, build cgate, make the bundled sample image and run the
# gate's stages on it: SBOM (CycloneDX, SPDX, table), then a vulnerability scan
# against a DB imported from the bundled real advisories (Debian's own bookworm
# advisories for these package versions, and CISA KEV), then the policy decision
# (samples/debian/policy.yaml), printing findings and decision; then, against a
# throwaway docker-registry on 127.0.0.1 (stopped at the end): the gated push
# (refused, the policy denied), a push signed and attested with a fresh cosign
# key, verify, verify-attestation, and a pull back into an OCI layout.
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

# push, sign, attest, verify, pull: a registry on loopback for this run only
if command -v docker-registry >/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$out/registry" "$port" >"$out/registry.yml"
  timeout 300 docker-registry serve "$out/registry.yml" >"$out/registry.log" 2>&1 &
  reg_pid=$!
  trap 'kill $reg_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
  ref="127.0.0.1:$port/sample/debian:12"
  echo
  echo "== push gated by the decision (denied above, so refused; the tag is never set):"
  "$cgate" push --require-decision "$out/decision.json" "oci:$out/sample.oci" "$ref" || echo "push exit code $? (1 refused)"
  echo
  echo "== push signed and attested with a fresh key (a demonstration: no gate):"
  export COSIGN_PASSWORD=sample-only
  (cd "$out" && "$cgate" keygen --force)
  "$cgate" push --sign-key "$out/cosign.key" --attest "$out/sbom.cdx.json" "oci:$out/sample.oci" "$ref"
  "$cgate" verify --key "$out/cosign.pub" -o "$out/verified.json" "$ref"
  "$cgate" verify-attestation --key "$out/cosign.pub" --type cyclonedx -o "$out/attestation.json" "$ref"
  "$cgate" pull "$ref" "oci:$out/pulled:12"
  echo "signature payloads: $out/verified.json   attested statement: $out/attestation.json   pulled: $out/pulled"
fi
echo
echo "SBOMs: $out/sbom.cdx.json $out/sbom.spdx.json   reports: $out/report.json $out/report.sarif   decision: $out/decision.json"
