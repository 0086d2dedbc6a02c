#!/usr/bin/env bash
# test_sign_registry.sh - cgate sign / verify / attest / verify-attestation and
# push --sign-key against Debian's docker-registry on 127.0.0.1, each signature
# checked INDEPENDENTLY of cgate's verifier (Debian's skopeo cannot check sigstore
# signatures): the .sig / .att manifest and blobs are fetched with curl, their shape
# and payload bytes compared with ../shared/docs/REGISTRY-AND-SIGNING.md, and every
# signature re-checked with `openssl dgst -sha256 -verify`.
# - sign: exact payload bytes, OCI manifest + config (rootfs.diff_ids = payload
#   digests), one layer per signature, --annotation in "optional", re-signing with the
#   same key adds nothing, a second key appends a layer;
# - verify: by tag and by digest; the JSON printed is the payloads; wrong key, no
#   signatures, a changed payload byte, a signature copied from another image's .sig,
#   a Docker-typed .sig, a .sig with 10,000 layers all fail (exit 1, one line); one bad
#   and one good signature verifies;
# - attest / verify-attestation: statement and DSSE envelope bytes, the PAE rebuilt in
#   shell and checked with openssl, the predicate equals the SBOM from `cgate sbom`;
#   another type, another key, a statement for another digest fail;
# - push --sign-key --attest: tag set only after signing; a wrong password fails
#   before anything is pushed; bad keys are exit 3.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup sign_registry
reg_need
command -v openssl >/dev/null || cg_skip "openssl is not installed"
reg_start plain plain
V="$CG_TESTS/data/sign"
RT="python3 $CG_TESTS/tools/regtool.py"
export COSIGN_PASSWORD
COSIGN_PASSWORD=$(cat "$V/cosign.password")
KEY="$V/cosign.key" PUB="$V/cosign.pub" OTHER="$V/other.pem" OTHERPUB="$V/other.pub"
ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'

# two small images (different content, so different digests)
mkdir -p "$T/src"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$T/src/os-release"
for n in 1 2; do
  printf 'Package: app%s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.%s-1\n\n' "$n" "$n" >"$T/src/status$n"
  cat >"$T/spec$n.json" <<SPEC
{"repo": "lab/app", "tag": "$n", "layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "$T/src/os-release"},
  {"path": "var/lib/dpkg/status", "content_file": "$T/src/status$n"}]}]}
SPEC
  mkimage "$T/spec$n.json" oci "$T/img$n.oci"
  cg_run "$T/p$n.out" "$T/p$n.err" push -q "oci:$T/img$n.oci" "$REG/s/app:v$n"
  cg_expect_rc 0 "push image $n" "$T/p$n.err" || cg_die "cannot push the test images"
done
D1=$(cat "$T/p1.out") D2=$(cat "$T/p2.out")
H1=${D1#sha256:} H2=${D2#sha256:}

# curl_get PATH OUT : GET http://$REG/v2/PATH (manifests with the OCI/Docker Accept)
curl_get() { curl -sf -H "Accept: $ACCEPT" -o "$2" "http://$REG/v2/$1"; }
# ossl_verify PUBKEY SIG_B64 FILE : openssl's verdict on a base64 DER signature of FILE
ossl_verify() {
  printf '%s' "$2" | base64 -d >"$T/.sig.der" 2>/dev/null || { echo "bad base64"; return; }
  openssl dgst -sha256 -verify "$1" -signature "$T/.sig.der" "$3" 2>&1
}

# ---- sign, checked with curl + openssl --------------------------------------------
cg_run "$T/s1.out" "$T/s1.err" sign --key "$KEY" "docker://$REG/s/app:v1"
cg_expect_rc 0 "sign by tag" "$T/s1.err"
cg_expect_eq "$REG/s/app:sha256-$H1.sig@$(curl -sf -H "Accept: $ACCEPT" "http://$REG/v2/s/app/manifests/sha256-$H1.sig" | sha256sum | sed 's/ .*//;s/^/sha256:/')" \
  "$(cat "$T/s1.out")" "sign prints the .sig manifest reference"
curl_get "s/app/manifests/sha256-$H1.sig" "$T/sig1.json" || cg_fail "no sha256-HEX.sig tag after sign"
cg_expect_eq "2|application/vnd.oci.image.manifest.v1+json|application/vnd.oci.image.config.v1+json|1|application/vnd.dev.cosign.simplesigning.v1+json" \
  "$(jq -r '[.schemaVersion, .mediaType, .config.mediaType, (.layers|length), .layers[0].mediaType] | map(tostring) | join("|")' "$T/sig1.json")" \
  ".sig manifest shape"
PD=$(jq -r '.layers[0].digest' "$T/sig1.json")
SIG=$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/sig1.json")
curl_get "s/app/blobs/$PD" "$T/payload1" || cg_fail "payload blob $PD missing"
printf '{"critical":{"identity":{"docker-reference":"%s/s/app"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$REG" "$D1" >"$T/payload1.want"
cmp -s "$T/payload1.want" "$T/payload1" && cg_ok || cg_fail "payload bytes differ: $(head -c 300 "$T/payload1")"
cg_expect_eq "$PD" "sha256:$(sha256sum <"$T/payload1" | cut -d' ' -f1)" "payload blob digest"
cg_expect_eq "Verified OK" "$(ossl_verify "$PUB" "$SIG" "$T/payload1")" "openssl verifies the signature over the payload"
curl_get "s/app/blobs/$(jq -r .config.digest "$T/sig1.json")" "$T/sigcfg1.json" || cg_fail "config blob missing"
cg_expect_eq "[\"$PD\"]" "$(jq -c .rootfs.diff_ids "$T/sigcfg1.json")" "config rootfs.diff_ids = the payload digests"

# re-signing with the same key adds nothing; an annotation and another key each add a layer
cg_run "$T/s2.out" "$T/s2.err" sign --key "$KEY" "$REG/s/app@$D1"
cg_expect_rc 0 "sign again by digest" "$T/s2.err"
grep -q 'nothing added' "$T/s2.err" && cg_ok || cg_fail "re-sign should add nothing: $(cat "$T/s2.err")"
curl_get "s/app/manifests/sha256-$H1.sig" "$T/sig2.json"
cg_expect_eq 1 "$(jq '.layers|length' "$T/sig2.json")" "layers after re-signing"
cg_run "$T/s3.out" "$T/s3.err" sign --key "$KEY" -a env=prod -a 'team=a<b>&c' "$REG/s/app:v1"
cg_expect_rc 0 "sign with annotations" "$T/s3.err"
curl_get "s/app/manifests/sha256-$H1.sig" "$T/sig3.json"
cg_expect_eq 2 "$(jq '.layers|length' "$T/sig3.json")" "layers after an annotated signature"
cg_expect_eq "$(jq -c '.layers[0]' "$T/sig1.json")" "$(jq -c '.layers[0]' "$T/sig3.json")" "the first layer is kept as it was"
curl_get "s/app/blobs/$(jq -r '.layers[1].digest' "$T/sig3.json")" "$T/payload3"
printf '{"critical":{"identity":{"docker-reference":"%s/s/app"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":{"env":"prod","team":"a\\u003cb\\u003e\\u0026c"}}' \
  "$REG" "$D1" >"$T/payload3.want"
cmp -s "$T/payload3.want" "$T/payload3" && cg_ok || cg_fail "annotated payload bytes differ: $(head -c 300 "$T/payload3")"
cg_expect_eq "Verified OK" "$(ossl_verify "$PUB" "$(jq -r '.layers[1].annotations["dev.cosignproject.cosign/signature"]' "$T/sig3.json")" "$T/payload3")" \
  "openssl verifies the annotated signature"
curl_get "s/app/blobs/$(jq -r .config.digest "$T/sig3.json")" "$T/sigcfg3.json"
cg_expect_eq "$(jq -c '[.layers[].digest]' "$T/sig3.json")" "$(jq -c .rootfs.diff_ids "$T/sigcfg3.json")" "config diff_ids follow the layers"

# ---- verify ------------------------------------------------------------------------
cg_run "$T/v1.out" "$T/v1.err" verify --key "$PUB" "docker://$REG/s/app:v1"
cg_expect_rc 0 "verify by tag" "$T/v1.err"
cg_expect_json "$T/v1.out" "verify output"
cg_expect_eq "2|$D1|$D1" "$(jq -r '[length, .[0].critical.image["docker-manifest-digest"], .[1].critical.image["docker-manifest-digest"]] | map(tostring) | join("|")' "$T/v1.out")" \
  "verify prints both verified payloads"
cg_expect_eq "prod" "$(jq -r '.[1].optional.env' "$T/v1.out")" "verified payload carries the annotation"
cg_run "$T/v2.out" "$T/v2.err" verify -q --key "$PUB" -o "$T/v2.json" "$REG/s/app@$D1"
cg_expect_rc 0 "verify by digest, -o" "$T/v2.err" && cg_expect_same_text "$T/v1.out" "$T/v2.json" "verify -o"
# -a K=V: only payloads carrying the annotation count (cosign verify -a)
cg_run "$T/va.out" "$T/va.err" verify --key "$PUB" -a env=prod "$REG/s/app:v1"
cg_expect_rc 0 "verify -a env=prod" "$T/va.err" && cg_expect_eq "1|prod" "$(jq -r '[length, .[0].optional.env] | map(tostring) | join("|")' "$T/va.out")" "verify -a keeps the annotated payload"
cg_run "$T/vb.out" "$T/vb.err" verify --key "$PUB" -a env=dev "$REG/s/app:v1"
cg_expect_rc 1 "verify -a env=dev" "$T/vb.err" && cg_expect_one_error "$T/vb.err" "verify -a missing" "no annotation env=dev"
cg_run "$T/vc.out" "$T/vc.err" sign --key "$KEY" -a a=1 -a a=2 "$REG/s/app:v1"
cg_expect_rc 2 "an annotation given twice" "$T/vc.err" && cg_expect_one_error "$T/vc.err" "dup annotation" "given twice"
cg_run "$T/v3.out" "$T/v3.err" verify --key "$OTHERPUB" "$REG/s/app:v1"
cg_expect_rc 1 "verify under a key that did not sign" "$T/v3.err" &&
  cg_expect_one_error "$T/v3.err" "wrong key" "verification failed" "$D1" "does not verify under the key"
[ -s "$T/v3.out" ] && cg_fail "a failed verify printed something on stdout" || cg_ok
cg_run "$T/v4.out" "$T/v4.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 1 "verify an unsigned image" "$T/v4.err" && cg_expect_one_error "$T/v4.err" "unsigned" "no signatures for $D2"
# a second key appends; then each key verifies its own
cg_run "$T/s4.out" "$T/s4.err" sign --key "$OTHER" "$REG/s/app:v1"
cg_expect_rc 0 "sign with a plain PKCS#8 key" "$T/s4.err"
cg_run "$T/v5.out" "$T/v5.err" verify --key "$OTHERPUB" "$REG/s/app:v1"
cg_expect_rc 0 "verify under the second key" "$T/v5.err" && cg_expect_eq 1 "$(jq length "$T/v5.out")" "one payload under the second key"

# ---- tampering, built by hand with regtool.py ---------------------------------------
# a byte changed in the payload (signature kept): image 2 gets a manifest whose only layer is that
cg_run "$T/s5.out" "$T/s5.err" sign --key "$KEY" "$REG/s/app:v2"
cg_expect_rc 0 "sign image 2" "$T/s5.err"
$RT get-manifest "$REG" s/app "sha256-$H2.sig" >"$T/sig5.json"
$RT get-blob "$REG" s/app "$(jq -r '.layers[0].digest' "$T/sig5.json")" >"$T/payload5"
sed 's/cosign container image signature/cosign container image signaturE/' "$T/payload5" >"$T/payload5.bad"
BADD=$($RT put-blob "$REG" s/app "$T/payload5.bad")
jq -c --arg d "$BADD" --argjson n "$(stat -c %s "$T/payload5.bad")" '.layers[0].digest = $d | .layers[0].size = $n' "$T/sig5.json" >"$T/sig5.bad.json"
$RT put-manifest "$REG" s/app "sha256-$H2.sig" "$T/sig5.bad.json" >/dev/null
cg_expect_eq "Verification failure" "$(ossl_verify "$PUB" "$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/sig5.json")" "$T/payload5.bad")" \
  "openssl rejects the changed payload too"
cg_run "$T/v6.out" "$T/v6.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 1 "verify a changed payload" "$T/v6.err" && cg_expect_one_error "$T/v6.err" "changed payload" "layer 1: signature does not verify"
# one bad and one good layer: verifies (exactly the good one)
jq -c --slurpfile good "$T/sig5.json" '.layers += [$good[0].layers[0]]' "$T/sig5.bad.json" >"$T/sig5.mixed.json"
$RT put-manifest "$REG" s/app "sha256-$H2.sig" "$T/sig5.mixed.json" >/dev/null
cg_run "$T/v7.out" "$T/v7.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 0 "verify one bad + one good signature" "$T/v7.err" &&
  cg_expect_eq "1|$D2" "$(jq -r '[length, .[0].critical.image["docker-manifest-digest"]] | map(tostring) | join("|")' "$T/v7.out")" "only the good payload"
grep -q '1 of 2 signatures' "$T/v7.err" && cg_ok || cg_fail "verify should say 1 of 2: $(cat "$T/v7.err")"
# a .sig copied from another image (valid signatures, over image 1's digest)
$RT put-manifest "$REG" s/app "sha256-$H2.sig" "$T/sig1.json" >/dev/null
cg_run "$T/v8.out" "$T/v8.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 1 "verify a .sig copied from another image" "$T/v8.err" &&
  cg_expect_one_error "$T/v8.err" "copied signature" "names $D1" "$D2"
# a Docker-typed .sig manifest
jq -c '.mediaType = "application/vnd.docker.distribution.manifest.v2+json" | .config.mediaType = "application/vnd.docker.container.image.v1+json"' \
  "$T/sig5.json" >"$T/sig5.docker.json"
$RT put-manifest "$REG" s/app "sha256-$H2.sig" "$T/sig5.docker.json" >/dev/null
cg_run "$T/v9.out" "$T/v9.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 1 "verify a Docker-typed .sig" "$T/v9.err" &&
  cg_expect_one_error "$T/v9.err" "docker .sig" "sha256-$H2.sig" "application/vnd.docker.distribution.manifest.v2+json"
cg_run "$T/s6.out" "$T/s6.err" sign --key "$KEY" "$REG/s/app:v2"
cg_expect_rc 4 "sign onto a Docker-typed .sig" "$T/s6.err" && cg_expect_one_error "$T/s6.err" "sign docker .sig" "cannot extend"
cg_expect_eq "$(sha256sum <"$T/sig5.docker.json" | cut -d' ' -f1)" \
  "$($RT get-manifest "$REG" s/app "sha256-$H2.sig" | sha256sum | cut -d' ' -f1)" "a refused sign leaves the .sig as it was"
# a .sig with 10,000 layers (the same good layer repeated; about 2.5 MB)
jq -c '.layers = [range(10000) as $i | .layers[0]]' "$T/sig5.json" >"$T/sig5.huge.json"
$RT put-manifest "$REG" s/app "sha256-$H2.sig" "$T/sig5.huge.json" >/dev/null
cg_run "$T/v10.out" "$T/v10.err" verify --key "$PUB" "$REG/s/app:v2"
cg_expect_rc 1 "verify a .sig with 10,000 layers" "$T/v10.err" && cg_expect_one_error "$T/v10.err" "huge .sig" "10000 layers" "cap"
cg_run "$T/s7.out" "$T/s7.err" sign --key "$KEY" "$REG/s/app:v2"
cg_expect_rc 4 "sign onto a .sig with 10,000 layers" "$T/s7.err" && cg_expect_one_error "$T/s7.err" "sign huge .sig" "cannot extend"

# ---- attest / verify-attestation ----------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 cg_sbom "$T/sbom1.cdx.json" "$T/sbom1.err" -q "docker://$REG/s/app:v1"
cg_expect_rc 0 "sbom of the pushed image" "$T/sbom1.err"
cg_run "$T/a1.out" "$T/a1.err" attest --key "$KEY" --predicate "$T/sbom1.cdx.json" --type cyclonedx "$REG/s/app:v1"
cg_expect_rc 0 "attest the SBOM" "$T/a1.err"
curl_get "s/app/manifests/sha256-$H1.att" "$T/att1.json" || cg_fail "no sha256-HEX.att after attest"
cg_expect_eq "application/vnd.oci.image.manifest.v1+json|1|application/vnd.dsse.envelope.v1+json|https://cyclonedx.org/bom|" \
  "$(jq -r '[.mediaType, (.layers|length), .layers[0].mediaType, .layers[0].annotations.predicateType, .layers[0].annotations["dev.cosignproject.cosign/signature"]] | map(tostring) | join("|")' "$T/att1.json")" \
  ".att manifest shape"
curl_get "s/app/blobs/$(jq -r '.layers[0].digest' "$T/att1.json")" "$T/env1.json"
cg_expect_eq "application/vnd.in-toto+json|1|" "$(jq -r '[.payloadType, (.signatures|length), .signatures[0].keyid] | map(tostring) | join("|")' "$T/env1.json")" "DSSE envelope shape"
jq -j .payload "$T/env1.json" | base64 -d >"$T/stmt1.json"
cg_expect_eq "https://in-toto.io/Statement/v0.1|https://cyclonedx.org/bom|$REG/s/app|$H1" \
  "$(jq -r '[._type, .predicateType, .subject[0].name, .subject[0].digest.sha256] | join("|")' "$T/stmt1.json")" "in-toto statement"
cg_expect_eq "$(jq -S . "$T/sbom1.cdx.json" | sha256sum)" "$(jq -S .predicate "$T/stmt1.json" | sha256sum)" "the predicate is the SBOM"
# PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, built here, checked with openssl
{ printf 'DSSEv1 %d %s %d ' 28 application/vnd.in-toto+json "$(stat -c %s "$T/stmt1.json")"; cat "$T/stmt1.json"; } >"$T/pae1.bin"
cg_expect_eq "Verified OK" "$(ossl_verify "$PUB" "$(jq -r '.signatures[0].sig' "$T/env1.json")" "$T/pae1.bin")" "openssl verifies the DSSE signature over the PAE"
cg_run "$T/va1.out" "$T/va1.err" verify-attestation --key "$PUB" --type cyclonedx "$REG/s/app:v1"
cg_expect_rc 0 "verify-attestation" "$T/va1.err" &&
  cg_expect_eq "$(jq -S . "$T/sbom1.cdx.json" | sha256sum)" "$(jq -S '.[0].predicate' "$T/va1.out" | sha256sum)" "verified statement carries the SBOM"
cg_run "$T/a2.out" "$T/a2.err" attest --key "$KEY" --predicate "$T/sbom1.cdx.json" --type cyclonedx "$REG/s/app@$D1"
cg_expect_rc 0 "attest the same SBOM again" "$T/a2.err"
grep -q 'nothing added' "$T/a2.err" && cg_ok || cg_fail "the same attestation twice should add nothing: $(cat "$T/a2.err")"
cg_run "$T/va2.out" "$T/va2.err" verify-attestation --key "$PUB" --type https://slsa.dev/provenance/v1 "$REG/s/app:v1"
cg_expect_rc 1 "verify-attestation of another type" "$T/va2.err" &&
  cg_expect_one_error "$T/va2.err" "other type" "no attestation of type https://slsa.dev/provenance/v1" "not https://slsa.dev/provenance/v1"
cg_run "$T/va3.out" "$T/va3.err" verify-attestation --key "$OTHERPUB" --type cyclonedx "$REG/s/app:v1"
cg_expect_rc 1 "verify-attestation under another key" "$T/va3.err" && cg_expect_one_error "$T/va3.err" "other key" "no DSSE signature verifies"
# an SPDX attestation beside the CycloneDX one: each type verifies on its own
SOURCE_DATE_EPOCH=1700000000 cg_sbom "$T/sbom1.spdx.json" "$T/sbom1s.err" -q -f spdx-json "docker://$REG/s/app:v1"
cg_run "$T/as.out" "$T/as.err" attest --key "$KEY" --predicate "$T/sbom1.spdx.json" --type spdxjson "$REG/s/app:v1"
cg_expect_rc 0 "attest an SPDX SBOM" "$T/as.err"
cg_run "$T/vas.out" "$T/vas.err" verify-attestation --key "$PUB" --type spdxjson "$REG/s/app:v1"
cg_expect_rc 0 "verify-attestation --type spdxjson" "$T/vas.err" &&
  cg_expect_eq "1|https://spdx.dev/Document|SPDX-2.3" "$(jq -r '[length, .[0].predicateType, .[0].predicate.spdxVersion] | map(tostring) | join("|")' "$T/vas.out")" "the SPDX statement"
cg_run "$T/vac.out" "$T/vac.err" verify-attestation --key "$PUB" --type cyclonedx "$REG/s/app:v1"
cg_expect_rc 0 "the CycloneDX attestation still verifies" "$T/vac.err" && cg_expect_eq 1 "$(jq length "$T/vac.out")" "one CycloneDX statement"
cg_run "$T/ab.out" "$T/ab.err" attest --key "$KEY" --predicate "$T/sbom1.cdx.json" --type spdxjson "$REG/s/app:v1"
cg_expect_rc 3 "a CycloneDX document attested as spdxjson" "$T/ab.err"

# an attestation copied to image 2 (its statement names image 1's digest)
$RT put-manifest "$REG" s/app "sha256-$H2.att" "$T/att1.json" >/dev/null
cg_run "$T/va4.out" "$T/va4.err" verify-attestation --key "$PUB" --type cyclonedx "$REG/s/app:v2"
cg_expect_rc 1 "verify-attestation copied from another image" "$T/va4.err" && cg_expect_one_error "$T/va4.err" "copied att" "no subject" "$D2"
# a predicate that is not a CycloneDX document is bad input, nothing written
echo '{"not": "a bom"}' >"$T/notbom.json"
cg_run "$T/a3.out" "$T/a3.err" attest --key "$KEY" --predicate "$T/notbom.json" --type cyclonedx "$REG/s/app:v2"
cg_expect_rc 3 "attest a non-CycloneDX predicate" "$T/a3.err" && cg_expect_one_error "$T/a3.err" "bad predicate" "$T/notbom.json"
echo '[1,2' >"$T/broken.json"
cg_run "$T/a4.out" "$T/a4.err" attest --key "$KEY" --predicate "$T/broken.json" --type https://example.com/p "$REG/s/app:v2"
cg_expect_rc 3 "attest a predicate that is not JSON" "$T/a4.err" && cg_expect_one_error "$T/a4.err" "broken predicate" "$T/broken.json"

# ---- push --sign-key --attest -------------------------------------------------------
cg_run "$T/ps1.out" "$T/ps1.err" push --sign-key "$KEY" -a build=42 --attest "$T/sbom1.cdx.json" "oci:$T/img1.oci" "$REG/s/signed:v1"
cg_expect_rc 0 "push --sign-key --attest" "$T/ps1.err"
cg_expect_eq "$D1" "$(cat "$T/ps1.out")" "push prints the digest"
cg_run "$T/pv1.out" "$T/pv1.err" verify --key "$PUB" "$REG/s/signed:v1"
cg_expect_rc 0 "verify a push --sign-key image" "$T/pv1.err" && cg_expect_eq "42|$REG/s/signed" \
  "$(jq -r '.[0] | [.optional.build, .critical.identity["docker-reference"]] | join("|")' "$T/pv1.out")" "pushed signature payload"
cg_run "$T/pv2.out" "$T/pv2.err" verify-attestation --key "$PUB" --type cyclonedx "$REG/s/signed:v1"
cg_expect_rc 0 "verify-attestation of a push --attest image" "$T/pv2.err"
# a wrong password fails before anything is pushed
COSIGN_PASSWORD=wrong cg_run "$T/ps2.out" "$T/ps2.err" push --sign-key "$KEY" "oci:$T/img2.oci" "$REG/s/nopass:v1"
cg_expect_rc 3 "push --sign-key with a wrong password" "$T/ps2.err" && cg_expect_one_error "$T/ps2.err" "wrong password" "wrong password" "$KEY"
cg_expect_eq 404 "$(reg_tag_status "$REG" s/nopass v1)" "no tag after a wrong password"
cg_expect_eq 404 "$(reg_tag_status "$REG" s/nopass "$D2")" "nothing pushed after a wrong password"
# signing fails after the manifest (a Docker-typed .sig is already there): no tag
$RT put-blob "$REG" s/blocked "$T/payload5" >/dev/null
$RT get-blob "$REG" s/app "$(jq -r .config.digest "$T/sig5.docker.json")" >"$T/sig5.cfg"
$RT put-blob "$REG" s/blocked "$T/sig5.cfg" >/dev/null
$RT put-manifest "$REG" s/blocked "sha256-$H2.sig" "$T/sig5.docker.json" >/dev/null || cg_fail "cannot plant a Docker-typed .sig"
cg_run "$T/ps3.out" "$T/ps3.err" push --sign-key "$KEY" "oci:$T/img2.oci" "$REG/s/blocked:v1"
cg_expect_rc 4 "push whose signing fails" "$T/ps3.err" && cg_expect_one_error "$T/ps3.err" "push sign fails" "tag was not set"
cg_expect_eq 404 "$(reg_tag_status "$REG" s/blocked v1)" "no tag when signing failed"

# ---- keys and usage -----------------------------------------------------------------
cg_run "$T/k1.out" "$T/k1.err" sign --key "$V/bad-n16384.key" "$REG/s/app:v1"
cg_expect_rc 3 "unknown scrypt parameters" "$T/k1.err" && cg_expect_one_error "$T/k1.err" "scrypt N" "bad-n16384.key"
head -c 200 "$KEY" >"$T/corrupt.key"
cg_run "$T/k2.out" "$T/k2.err" sign --key "$T/corrupt.key" "$REG/s/app:v1"
cg_expect_rc 3 "corrupt key file" "$T/k2.err" && cg_expect_one_error "$T/k2.err" "corrupt key" "corrupt.key"
COSIGN_PASSWORD=nope cg_run "$T/k3.out" "$T/k3.err" sign --key "$KEY" "$REG/s/app:v1"
cg_expect_rc 3 "sign with a wrong password" "$T/k3.err" && cg_expect_one_error "$T/k3.err" "sign wrong password" "wrong password"
cg_run "$T/k4.out" "$T/k4.err" verify --key "$KEY" "$REG/s/app:v1"
cg_expect_rc 3 "verify with a private key file" "$T/k4.err" && cg_expect_one_error "$T/k4.err" "verify private" "cosign.key"
COSIGN_PRIVATE_KEY=$(cat "$V/key.pkcs8.pem") cg_run "$T/k5.out" "$T/k5.err" sign --key env://COSIGN_PRIVATE_KEY "$REG/s/app:v1"
cg_expect_rc 0 "sign with env://" "$T/k5.err"
cg_run "$T/u1.out" "$T/u1.err" attest --key "$KEY" --predicate "$T/sbom1.cdx.json" "$REG/s/app:v1"
cg_expect_rc 2 "attest without --type" "$T/u1.err" && cg_expect_one_error "$T/u1.err" "no type" "--type"
cg_run "$T/u2.out" "$T/u2.err" verify-attestation --key "$PUB" --type 'not a uri' "$REG/s/app:v1"
cg_expect_rc 2 "a --type that is not a URI" "$T/u2.err"
cg_run "$T/u3.out" "$T/u3.err" sign --key "$KEY" -a novalue "$REG/s/app:v1"
cg_expect_rc 2 "an annotation without =" "$T/u3.err"
cg_run "$T/u4.out" "$T/u4.err" verify --key "$PUB" "$REG/s/missing:v1"
cg_expect_rc 4 "verify an image that does not exist" "$T/u4.err" && cg_expect_one_error "$T/u4.err" "missing image" "s/missing"
cg_finish
