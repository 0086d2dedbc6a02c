#!/usr/bin/env bash
# sample.sh - the Quick start: set up, build cgate, and run the whole gate with
# `cgate run` on a sample image against a throwaway docker-registry on 127.0.0.1.
#
# The image is built from samples/app/Dockerfile by buildah (inside `cgate run
# --dockerfile`) on top of the bundled Debian 12 base layout (made from
# samples/debian/spec.json by tests/tools/mkimage.py; no network).  When buildah
# cannot build here, the bundled layout itself is gated instead, and the script says
# so.  The vulnerability DB is imported from the bundled real advisories (Debian's
# own bookworm advisories for these package versions, and CISA KEV).
#
#   1. cgate run with samples/debian/policy.yaml: denied - it prints the blocked
#      findings, why and how to fix them, and pushes nothing;
#   2. cgate run again with the reviewed exceptions (samples/debian/exceptions.yaml):
#      pushed by digest, signed (the decision's sha256 in the signature), attested,
#      tagged - it prints the pushed digest;
#   3. cgate verify (signature and decision annotation), cgate verify-attestation,
#      and cgate audit verify on the artifacts folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${CGATE_SAMPLE_DIR:-/tmp/cgate-sample}
bash "$here/scripts/setup-deps.sh" >/dev/null
cmake -S "$here" -B "$here/build" >/dev/null
cmake --build "$here/build" -j"$(nproc)" --target cgate_cli >/dev/null
rm -rf "$out" && mkdir -p "$out"
cgate="$here/build/cgate"
export SOURCE_DATE_EPOCH=1735689600 # 2025-01-01: the same image digest on every run

python3 "$here/tests/tools/mkimage.py" "$here/samples/debian/spec.json" oci "$out/base.oci" >/dev/null
"$cgate" db import --db "$out/db.sqlite" "$here/tests/data/scan/debian/bookworm-labels-img-debian/osv" \
  "$here/tests/data/vulndb/kev/known_exploited_vulnerabilities.json" >/dev/null
export COSIGN_PASSWORD=sample-only
(cd "$out" && "$cgate" keygen --force >/dev/null 2>&1)

# the image: built from samples/app/Dockerfile with buildah, or the bundled layout
source=(--dockerfile "$here/samples/app/Dockerfile" --build-arg "BASE=oci:$out/base.oci")
probe="$out/buildah-probe"
if ! command -v buildah >/dev/null; then
  echo "note: buildah is not installed (apt-get install buildah): gating the bundled layout $out/base.oci instead of a build"
  source=("oci:$out/base.oci")
elif ! buildah --root "$probe/root" --runroot "$probe/run" --storage-driver vfs build -q --isolation chroot \
  --build-arg "BASE=oci:$out/base.oci" -f "$here/samples/app/Dockerfile" -t "oci:$probe/out" \
  "$here/samples/app" >"$out/buildah-probe.log" 2>&1; then
  echo "note: buildah cannot build here ($(grep -m1 -i error "$out/buildah-probe.log" || tail -1 "$out/buildah-probe.log")):"
  echo "      gating the bundled layout $out/base.oci instead of a build"
  source=("oci:$out/base.oci")
fi
rm -rf "$probe"

# a registry on loopback for this run only
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$out/registry" "$port" >"$out/registry.yml"
timeout 300 docker-registry serve "$out/registry.yml" >"$out/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
ref="127.0.0.1:$port/sample/app:1.0"

echo "== 1. cgate run with samples/debian/policy.yaml (expected: denied, nothing pushed)"
rc=0
"$cgate" run "${source[@]}" --to "$ref" --policy "$here/samples/debian/policy.yaml" --key "$out/cosign.key" \
  --db "$out/db.sqlite" --artifacts "$out/run-denied" || rc=$?
echo "cgate run exit code $rc (1 = denied by the policy)"
[ "$rc" = 1 ] || { echo "sample: the first run should have been denied"; exit 1; }
echo
echo "== 2. cgate run again with the reviewed exceptions (expected: pushed, signed, attested, tagged)"
pushed=$("$cgate" run "${source[@]}" --to "$ref" --policy "$here/samples/debian/policy.yaml" \
  --exceptions "$here/samples/debian/exceptions.yaml" --key "$out/cosign.key" --db "$out/db.sqlite" \
  --attest-spdx --artifacts "$out/run")
echo "pushed and signed: $pushed"
echo
echo "== 3. verify the signature (and that it carries this run's decision), the attestation, the audit trail"
decision="sha256:$(sha256sum "$out/run/decision.json" | cut -d' ' -f1)"
"$cgate" verify --key "$out/cosign.pub" -a "dev.cgate.decision=$decision" -o "$out/verified.json" "$ref"
"$cgate" verify-attestation --key "$out/cosign.pub" --type cyclonedx -o "$out/attestation.json" "$ref"
"$cgate" audit verify "$out/run"
echo
echo "artifacts: $out/run (sbom.cdx.json sbom.spdx.json report.json report.sarif decision.json audit.jsonl pushed.json)"
echo "denied run's artifacts: $out/run-denied   signature payloads: $out/verified.json   attestation: $out/attestation.json"
