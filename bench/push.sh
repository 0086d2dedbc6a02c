#!/usr/bin/env bash
# bench/push.sh - push an image to Debian's docker-registry on 127.0.0.1, cgate vs
# `skopeo copy`, in the same run, each into its own fresh registry (so neither
# finds blobs the other uploaded); then a second push of the same image by each,
# which must skip every blob.  Default image: img-node from the lab
# (/tmp/lab/images/img-node.oci, made by ../shared/lab/make-images.sh).
# usage: bench/push.sh [IMAGE_OCI_DIR] [CGATE]
# Prints one line per measurement; exit 1 when cgate's second push uploads anything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
img=${1:-/tmp/lab/images/img-node.oci}
cgate=${2:-$here/../build/cgate}
[ -d "$img" ] || { echo "push.sh: no OCI layout at $img (run ../shared/lab/make-images.sh)" >&2; exit 2; }
command -v docker-registry >/dev/null && command -v skopeo >/dev/null ||
  { echo "push.sh: needs docker-registry and skopeo (scripts/setup-deps.sh)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start_registry() { # NAME -> REG=127.0.0.1:PORT (not in $(...): the PID must reach cleanup)
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

size=$(du -sb "$img/blobs" | cut -f1)
start_registry cgate; A=$REG
start_registry skopeo; S=$REG
echo "image: $img ($(( size / 1048576 )) MiB of blobs)"

t0=$(date +%s%N); "$cgate" push -q "oci:$img" "$A/bench/node:1" >"$work/d1"; t1=$(date +%s%N)
t2=$(date +%s%N); skopeo copy -q --dest-tls-verify=false "oci:$img" "docker://$S/bench/node:1" >/dev/null; t3=$(date +%s%N)
echo "first push:  cgate $(ms $t0 $t1) ms   skopeo copy $(ms $t2 $t3) ms"

t0=$(date +%s%N); "$cgate" push "oci:$img" "$A/bench/node:1" >"$work/d2" 2>"$work/again.err"; t1=$(date +%s%N)
t2=$(date +%s%N); skopeo copy -q --dest-tls-verify=false "oci:$img" "docker://$S/bench/node:1" >/dev/null; t3=$(date +%s%N)
echo "second push: cgate $(ms $t0 $t1) ms   skopeo copy $(ms $t2 $t3) ms   ($(sed 's/^pushed [^:]*:[^:]*:[^:]*: //' "$work/again.err"))"

sk=$(skopeo inspect --tls-verify=false "docker://$A/bench/node:1" | jq -r .Digest)
echo "digest: cgate printed $(cat "$work/d1"), skopeo sees $sk"
[ "$sk" = "$(cat "$work/d1")" ] || { echo "push.sh: digest mismatch" >&2; exit 1; }
grep -q '(0 uploaded, ' "$work/again.err" || { echo "push.sh: the second push uploaded blobs" >&2; exit 1; }

# pulling it back into an OCI layout: cgate pull vs skopeo copy, each from its own registry
t0=$(date +%s%N); "$cgate" pull -q "docker://$A/bench/node:1" "oci:$work/pulled:1" >/dev/null; t1=$(date +%s%N)
t2=$(date +%s%N); skopeo copy -q --src-tls-verify=false "docker://$S/bench/node:1" "oci:$work/skopeo-pulled:1" >/dev/null; t3=$(date +%s%N)
echo "pull into an OCI layout: cgate $(ms $t0 $t1) ms   skopeo copy $(ms $t2 $t3) ms"
n=0
for b in "$work"/pulled/blobs/sha256/*; do # every pulled blob equals the source's (the lab layout holds more)
  n=$((n + 1))
  cmp -s "$b" "$img/blobs/sha256/$(basename "$b")" || { echo "push.sh: pulled blob $(basename "$b") differs" >&2; exit 1; }
done
echo "pulled $n blobs, each equal to the source's"

# signing and attesting the pushed image (cosign's tag format), and verifying both;
# the encrypted key's scrypt (N=32768) is part of every sign/attest
keys=$here/../tests/data/sign
export COSIGN_PASSWORD; COSIGN_PASSWORD=$(cat "$keys/cosign.password")
"$cgate" sbom -q "oci:$img" -o "$work/sbom.cdx.json"
t0=$(date +%s%N); "$cgate" sign -q --key "$keys/cosign.key" "$A/bench/node:1" >/dev/null; t1=$(date +%s%N)
t2=$(date +%s%N); "$cgate" verify -q --key "$keys/cosign.pub" "$A/bench/node:1" >/dev/null; t3=$(date +%s%N)
echo "sign: $(ms $t0 $t1) ms   verify: $(ms $t2 $t3) ms"
t0=$(date +%s%N); "$cgate" attest -q --key "$keys/cosign.key" --type cyclonedx --predicate "$work/sbom.cdx.json" "$A/bench/node:1" >/dev/null; t1=$(date +%s%N)
t2=$(date +%s%N); "$cgate" verify-attestation -q --key "$keys/cosign.pub" --type cyclonedx "$A/bench/node:1" >/dev/null; t3=$(date +%s%N)
echo "attest ($(( $(stat -c %s "$work/sbom.cdx.json") / 1024 )) KiB SBOM): $(ms $t0 $t1) ms   verify-attestation: $(ms $t2 $t3) ms"
t0=$(date +%s%N); "$cgate" push -q --sign-key "$keys/cosign.key" --attest "$work/sbom.cdx.json" "oci:$img" "$A/bench/signed:1" >/dev/null; t1=$(date +%s%N)
echo "push --sign-key --attest to a new repository (every blob uploaded again): $(ms $t0 $t1) ms"
