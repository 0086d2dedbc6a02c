#!/usr/bin/env bash
# sample.sh - set up, build cgate, make the bundled sample image and run the
# gate's main job on it (today: the SBOM stage), printing the package table and
# writing CycloneDX and SPDX SBOMs next to the image.
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
echo "CycloneDX: $out/sbom.cdx.json   SPDX: $out/sbom.spdx.json"
