#!/usr/bin/env bash
# test_sign_recursive.sh - recursive signing of a two-platform index against Debian's
# docker-registry on 127.0.0.1: `push --sign-key` of an index signs the index and each
# platform manifest (the default; --recursive=false signs the index only), `sign
# --recursive` and `attest --recursive` do the same for an index already there, and
# `verify --recursive` checks every one.  Each platform manifest's signature is checked
# INDEPENDENTLY of cgate, as test_sign_registry.sh does: the .sig manifest and payload
# are fetched with curl, the payload bytes compared with cosign's format, and the
# signature re-checked with `openssl dgst -sha256 -verify`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup sign_recursive
reg_need
command -v openssl >/dev/null || cg_skip "openssl is not installed"
reg_start plain plain
V="$CG_TESTS/data/sign"
export COSIGN_PASSWORD
COSIGN_PASSWORD=$(cat "$V/cosign.password")
KEY="$V/cosign.key" PUB="$V/cosign.pub" OTHERPUB="$V/other.pub"
ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json'

cat >"$T/spec.json" <<'SPEC'
{"repo": "lab/multi", "tag": "1", "index_style": "nested", "platforms": [
 {"os": "linux", "architecture": "amd64", "layers": [{"compression": "gzip", "entries": [
   {"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\n"},
   {"path": "var/lib/dpkg/status", "content": "Package: app\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1-1\n\n"}]}]},
 {"os": "linux", "architecture": "arm64", "variant": "v8", "layers": [{"compression": "gzip", "entries": [
   {"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\n"},
   {"path": "var/lib/dpkg/status", "content": "Package: app\nStatus: install ok installed\nArchitecture: arm64\nVersion: 1-1\n\n"}]}]}]}
SPEC
mkimage "$T/spec.json" oci "$T/multi.oci"

curl_get() { curl -sf -H "Accept: $ACCEPT" -o "$2" "http://$REG/v2/$1"; }
ossl_verify() { # PUBKEY SIG_B64 FILE
  printf '%s' "$2" | base64 -d >"$T/.sig.der" 2>/dev/null || { echo "bad base64"; return; }
  openssl dgst -sha256 -verify "$1" -signature "$T/.sig.der" "$3" 2>&1
}
# check_signed REPO DIGEST LABEL : REPO:sha256-HEX.sig holds a cosign signature over a
# payload naming DIGEST in REPO, which openssl verifies under $PUB
check_signed() {
  local repo=$1 d=$2 label=$3 h=${2#sha256:}
  if ! curl_get "$repo/manifests/sha256-$h.sig" "$T/.sig.json"; then
    cg_fail "$label: no $repo:sha256-$h.sig"
    return
  fi
  local pd sig
  pd=$(jq -r '.layers[0].digest' "$T/.sig.json")
  sig=$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/.sig.json")
  curl_get "$repo/blobs/$pd" "$T/.payload" || { cg_fail "$label: payload blob $pd missing"; return; }
  printf '{"critical":{"identity":{"docker-reference":"%s/%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$REG" "$repo" "$d" >"$T/.payload.want"
  cmp -s "$T/.payload.want" "$T/.payload" && cg_ok || cg_fail "$label: payload bytes differ: $(head -c 300 "$T/.payload")"
  cg_expect_eq "Verified OK" "$(ossl_verify "$PUB" "$sig" "$T/.payload")" "$label: openssl verifies the signature"
}
has_sig() { curl -sf -o /dev/null -H "Accept: $ACCEPT" "http://$REG/v2/$1/manifests/sha256-${2#sha256:}.sig"; }

# ---- push --sign-key of an index: recursive by default ----------------------------
cg_run "$T/p1.out" "$T/p1.err" push --sign-key "$KEY" "oci:$T/multi.oci" "$REG/r/multi:v1"
cg_expect_rc 0 "push --sign-key of an index" "$T/p1.err" || cg_die "push failed"
IDX=$(cat "$T/p1.out")
curl_get "r/multi/manifests/$IDX" "$T/index.json" || cg_die "index $IDX not in the registry"
mapfile -t PLAT < <(jq -r '.manifests[] | select(.platform.architecture != "unknown") | .digest' "$T/index.json")
cg_expect_eq 2 "${#PLAT[@]}" "the index lists two platform images"
check_signed r/multi "$IDX" "push: index"
for d in "${PLAT[@]}"; do check_signed r/multi "$d" "push: platform $d"; done
grep -q "linux/arm64/v8" "$T/p1.err" && cg_ok || cg_fail "push names the platform it signed: $(cat "$T/p1.err")"

# verify --recursive: every manifest; plain verify: the index only
cg_run "$T/v1.out" "$T/v1.err" verify --recursive --key "$PUB" "$REG/r/multi:v1"
cg_expect_rc 0 "verify --recursive after push" "$T/v1.err"
cg_expect_eq 3 "$(jq length "$T/v1.out")" "verify --recursive prints the three verified payloads"
cg_expect_eq "$(printf '%s\n' "$IDX" "${PLAT[@]}" | sort)" \
  "$(jq -r '.[].critical.image["docker-manifest-digest"]' "$T/v1.out" | sort)" "the payloads name the index and both platforms"
cg_run "$T/v2.out" "$T/v2.err" verify --recursive --key "$OTHERPUB" "$REG/r/multi:v1"
cg_expect_rc 1 "verify --recursive under another key" "$T/v2.err"

# ---- --recursive=false: the index only; then sign --recursive fills in the rest ----
cg_run "$T/p2.out" "$T/p2.err" push --sign-key "$KEY" --recursive=false "oci:$T/multi.oci" "$REG/r/flat:v1"
cg_expect_rc 0 "push --recursive=false" "$T/p2.err"
check_signed r/flat "$IDX" "push --recursive=false: index"
for d in "${PLAT[@]}"; do
  has_sig r/flat "$d" && cg_fail "push --recursive=false signed platform $d" || cg_ok
done
cg_run "$T/v3.out" "$T/v3.err" verify --recursive --key "$PUB" "$REG/r/flat:v1"
cg_expect_rc 1 "verify --recursive with unsigned platforms" "$T/v3.err"
grep -q "verification failed: .*sha256-\|verification failed: .*linux/" "$T/v3.err" && cg_ok ||
  cg_fail "the failure names the unsigned platform: $(cat "$T/v3.err")"
cg_expect_eq 1 "$(wc -l <"$T/v3.err" | tr -d ' ')" "one line on stderr"
cg_run "$T/v4.out" "$T/v4.err" verify --key "$PUB" "$REG/r/flat:v1"
cg_expect_rc 0 "plain verify checks the index only" "$T/v4.err"

cg_run "$T/s1.out" "$T/s1.err" sign --recursive --key "$KEY" "$REG/r/flat:v1"
cg_expect_rc 0 "sign --recursive" "$T/s1.err"
cg_expect_eq 3 "$(wc -l <"$T/s1.out" | tr -d ' ')" "sign --recursive prints three .sig references"
for d in "${PLAT[@]}"; do check_signed r/flat "$d" "sign --recursive: platform $d"; done
cg_run "$T/v5.out" "$T/v5.err" verify --recursive --key "$PUB" "$REG/r/flat:v1"
cg_expect_rc 0 "verify --recursive after sign --recursive" "$T/v5.err"

# ---- attest --recursive / verify-attestation --recursive --------------------------
cg_run "$T/sbom.json" "$T/sbom.err" sbom "oci:$T/multi.oci"
cg_expect_rc 0 "sbom for the predicate" "$T/sbom.err"
cg_run "$T/a1.out" "$T/a1.err" attest --recursive --key "$KEY" --type cyclonedx --predicate "$T/sbom.json" "$REG/r/flat:v1"
cg_expect_rc 0 "attest --recursive" "$T/a1.err"
for d in "$IDX" "${PLAT[@]}"; do
  curl -sf -o /dev/null -H "Accept: $ACCEPT" "http://$REG/v2/r/flat/manifests/sha256-${d#sha256:}.att" && cg_ok ||
    cg_fail "attest --recursive: no .att for $d"
done
cg_run "$T/va.out" "$T/va.err" verify-attestation --recursive --key "$PUB" --type cyclonedx "$REG/r/flat:v1"
cg_expect_rc 0 "verify-attestation --recursive" "$T/va.err"
cg_expect_eq 3 "$(jq length "$T/va.out")" "three verified statements"

# ---- a single image: --recursive changes nothing; bad values are usage errors ------
cg_run "$T/u1.out" "$T/u1.err" sign --recursive=maybe --key "$KEY" "$REG/r/flat:v1"
cg_expect_rc 2 "--recursive=maybe" "$T/u1.err"
cg_run "$T/u2.out" "$T/u2.err" push --recursive "oci:$T/multi.oci" "$REG/r/x:v1"
cg_expect_rc 2 "push --recursive without --sign-key" "$T/u2.err"

cg_finish
