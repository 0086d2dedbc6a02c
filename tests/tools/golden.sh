#!/usr/bin/env bash
# golden.sh CGATE OUTDIR - write every artifact cgate makes from the bundled fixtures
# and (when built) the lab images into OUTDIR, so two builds can be compared byte for
# byte with `diff -r` (how refactors prove "no output changed").  Fixed clock; the DB
# is imported from tests/data only.  Not a CTest: it is the comparison tool itself.
set -uo pipefail
cg=$(realpath "$1"); out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SOURCE_DATE_EPOCH=1767225600 NO_COLOR=1
rm -rf "$out"; mkdir -p "$out/img" "$out/pol"
run() { local name=$1; shift; "$cg" "$@" >"$out/$name" 2>"$out/$name.err"; echo "rc=$?" >>"$out/$name.err"; }
db=$out/db.sqlite
"$cg" db import --db "$db" "$here"/tests/data/vulndb/* "$here"/tests/data/scan/osv/* \
  "$here"/tests/data/scan/debian/bookworm-labels-img-debian/osv >/dev/null 2>&1
"$cg" db status --db "$db" --now 2026-01-01T00:00:00Z >"$out/dbstatus" 2>&1
imgs=()
python3 "$here/tests/tools/mkimage.py" "$here/samples/debian/spec.json" oci "$out/sample.oci" >/dev/null && imgs+=("oci:$out/sample.oci")
for f in /tmp/lab/images/img-*.docker.tar; do [ -f "$f" ] && imgs+=("docker-archive:$f"); done
for d in /tmp/lab/images/img-*.oci; do [ -d "$d" ] && imgs+=("oci:$d"); done
for i in "${imgs[@]}"; do
  n=$(basename "${i#*:}")
  run img/$n.cdx.json sbom "$i"
  run img/$n.spdx.json sbom -f spdx-json "$i"
  run img/$n.sbom.table sbom -f table "$i"
  for f in json sarif cyclonedx table; do run img/$n.scan.$f scan --db "$db" --now 2026-01-01T00:00:00Z -f $f "$i"; done
  run img/$n.fromsbom.json scan --db "$db" --now 2026-01-01T00:00:00Z --sbom "$out/img/$n.cdx.json"
  run img/$n.fromspdx.json scan --db "$db" --now 2026-01-01T00:00:00Z --sbom "$out/img/$n.spdx.json"
done
# the DB records when it was built (wall clock): not an output of the change under test,
# so it is fixed before the reports feed the policy runs (decisions hash their input)
grep -rlE 'dbBuilt' "$out/img" | xargs -r sed -i -E 's/("dbBuilt": ")[^"]*"/\1X"/g'
find "$out/img" -type f -exec sed -i "s#$out#OUT#g" {} +
reports=("$out"/img/*.scan.json "$here"/tests/data/policy/reports/*.json "$here"/tests/data/policy/trivy/*.golden)
pols=("$here"/tests/data/policy/policies/* "$here/samples/debian/policy.yaml")
for r in "${reports[@]}"; do
  for p in "${pols[@]}"; do
    n=$(basename "$r")__$(basename "$p")
    run pol/$n.json policy "$r" --policy "$p" --now 2026-12-01
    run pol/$n.table policy "$r" --policy "$p" --now 2026-12-01 -f table
  done
  n=$(basename "$r")__ctx
  run pol/$n.pub.json policy "$r" --policy "$here/tests/data/policy/policies/full.yaml" --now 2026-12-01 \
    --context "$here/tests/data/policy/k8s/public-api" --exceptions "$here/tests/data/policy/exceptions.yaml"
  run pol/$n.wrk.json policy "$r" --policy "$here/tests/data/policy/policies/full.yaml" --now 2026-12-01 \
    --context "$here/tests/data/policy/k8s/worker"
  for v in "$here"/tests/data/policy/vex/*; do
    [ -f "$v" ] && run pol/$n.$(basename "$v").json policy "$r" --policy "$here/tests/data/policy/policies/full.yaml" --now 2026-12-01 --vex "$v"
  done
done
for s in "$here"/tests/data/sbom-read/* "$here"/tests/data/syft/* "$here"/tests/data/trivy/*; do
  [ -f "$s" ] || continue
  n=$(basename "$s")
  run img/from__$n.cdx sbom --from "$s"
  run img/from__$n.spdx sbom --from "$s" -f spdx-json
done
rm -f "$db"
# temp paths in messages differ between runs of different trees: normalise
find "$out" -type f -exec sed -i "s#$out#OUT#g; s#$here#SRC#g" {} +

echo "golden: $(find "$out" -type f | wc -l) files in $out"
