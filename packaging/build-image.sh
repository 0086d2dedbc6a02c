#!/usr/bin/env bash
# build-image.sh - cgate's own container image, gated by cgate: a Debian 12
# base made with debootstrap (tests/install/debian_root.sh, cached) and
# committed by buildah as an OCI layout; then `cgate run --dockerfile
# packaging/Dockerfile` builds the image with buildah (--isolation chroot,
# private storage), makes its SBOM, scans it, decides with
# packaging/policy.yaml, pushes it by digest to a docker-registry on
# 127.0.0.1 started here, signs it with a fresh cosign key, attests the SBOM
# and sets the tag; `cgate verify`, `verify-attestation` and `audit verify`
# check the result.  Run as root on Debian 12:
#
#   bash packaging/build-image.sh [--deb cgate_X_amd64.deb] [--out DIR]
#
# Without --deb it runs CPack in a Release build (tests/install/test_deb.sh's
# default build dir, built when missing).  Prints the time each step took.
# Exit 0 when the image was pushed, signed and verified; 77 when a tool
# (buildah, debootstrap, docker-registry) or root is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
deb="" out=${TMPDIR:-/tmp}/cgate-image
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: build-image.sh [--deb FILE] [--out DIR]" >&2; exit 2 ;;
  esac
done
t0=$(date +%s) last=$t0
step() { local n; n=$(date +%s); echo "# +$((n - last))s (total $((n - t0))s): $*" >&2; last=$n; }
skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, buildah's chroot isolation)"
for t in buildah docker-registry curl; do command -v $t >/dev/null || skip "$t is not installed"; done

rm -rf "$out"
mkdir -p "$out/ctx"

# ---- the package ------------------------------------------------------------
B=${CGATE_DEB_BUILD:-/tmp/cgate-deb-build}
if [ -z "$deb" ]; then
  if [ ! -x "$B/cgate" ]; then
    cmake -S "$here" -B "$B" -DCMAKE_BUILD_TYPE=Release -DCGATE_TESTS=OFF >"$out/cmake.log" 2>&1
    cmake --build "$B" -j2 >"$out/build.log" 2>&1
  fi
  (cd "$B" && rm -f cgate_*.deb && cpack -G DEB >"$out/cpack.log" 2>&1)
  deb=$(ls "$B"/cgate_*.deb | head -1)
  step "cpack: $(basename "$deb")"
fi
cp "$deb" "$out/ctx/"
cgate=${CGATE:-$B/cgate}
[ -x "$cgate" ] || cgate=$(command -v cgate)

# ---- the base: debootstrap's tree as an OCI layout (cached) -------------------
root=$(bash "$here/tests/install/debian_root.sh")
base=${CGATE_DEBIAN_BASE_OCI:-/var/cache/cgate/debian12-base.oci}
if [ ! -f "$base/index.json" ] || [ "$root/.complete" -nt "$base/index.json" ]; then
  st="$out/base-storage"
  bh=(buildah --root "$st/root" --runroot "$st/run" --storage-driver vfs)
  # without apt's lists and caches (the Dockerfile runs apt-get update) and logs
  tar -C "$root" --numeric-owner --exclude=./.complete --exclude='./var/lib/apt/lists/*' \
    --exclude='./var/cache/apt/*' --exclude='./var/log/*' -cf "$out/rootfs.tar" .
  ctr=$("${bh[@]}" from scratch)
  "${bh[@]}" add "$ctr" "$out/rootfs.tar" / >/dev/null
  "${bh[@]}" config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --os linux --arch amd64 "$ctr"
  rm -rf "$base.tmp"
  "${bh[@]}" commit -q --rm --timestamp 0 --disable-compression=false "$ctr" "oci:$base.tmp:latest" >/dev/null
  rm -rf "$base" "$out/rootfs.tar" "$st"
  mv "$base.tmp" "$base"
  step "Debian 12 base committed to $base"
else
  step "Debian 12 base (cached): $base"
fi

# ---- a registry on loopback, a key, a DB ----------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$out/registry" "$port" >"$out/registry.yml"
timeout 1800 docker-registry serve "$out/registry.yml" >"$out/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
export COSIGN_PASSWORD=${COSIGN_PASSWORD:-cgate-image-$$}
(cd "$out" && "$cgate" keygen --force >/dev/null 2>&1)
"$cgate" db import -q --db "$out/db.sqlite" "$here/tests/data/scan/debian/bookworm-labels-img-debian/osv" >/dev/null
version=$("$cgate" --version | awk '{print $2}')
ref="127.0.0.1:$port/cgate/cgate:$version"
step "registry on 127.0.0.1:$port, key, DB"

# ---- build, gate, push, sign, attest, tag -----------------------------------------
"$cgate" run --dockerfile "$here/packaging/Dockerfile" --build-context "$out/ctx" \
  --build-arg "BASE=oci:$base:latest" --to "$ref" --policy "$here/packaging/policy.yaml" \
  --key "$out/cosign.key" --db "$out/db.sqlite" --artifacts "$out/run" >"$out/pushed.txt"
step "cgate run: built, scanned, decided, pushed, signed, attested, tagged: $(cat "$out/pushed.txt")"

# ---- verify ------------------------------------------------------------------------
decision="sha256:$(sha256sum "$out/run/decision.json" | cut -d' ' -f1)"
"$cgate" verify --key "$out/cosign.pub" -a "dev.cgate.decision=$decision" "docker://$ref" >"$out/verify.json"
"$cgate" verify-attestation --key "$out/cosign.pub" --type cyclonedx "docker://$ref" >"$out/attestation.json"
"$cgate" audit verify "$out/run"
# the image's own cgate runs (chroot into the pulled image's root filesystem)
"$cgate" pull "docker://$ref" "oci:$out/pulled:latest" >/dev/null
if command -v umoci >/dev/null; then
  umoci unpack --image "$out/pulled:latest" "$out/bundle" >/dev/null 2>&1
  chroot "$out/bundle/rootfs" /usr/bin/cgate --version
fi
step "verified (signature with the decision's digest, SBOM attestation, audit chain); report: $out/run/report.html"
