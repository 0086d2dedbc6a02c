#!/usr/bin/env bash
# test_sign_vectors.sh - the FIXED signing vectors in tests/data/sign/ checked
# with openssl, python and jq only (no cgate), so the vectors the unit tests
# hold cgate's bytes to are themselves what cosign accepts: the payload's
# signature and the DSSE PAE signature verify with `openssl dgst -sha256
# -verify`, the .sig manifest/config have cosign's shape and name the payload,
# the envelope's payload is the statement over the cgate SBOM, and every
# encrypted key decrypts (without libsodium) to the key behind cosign.pub.
. "$(dirname "$0")/lib.sh"
cg_setup sign_vectors
command -v openssl >/dev/null || cg_skip "openssl is not installed"
D="$CG_TEST_DATA/sign"
CK="$CG_TESTS/tools/cosign_key.py"
PW=$(cat "$D/cosign.password")
DIGEST=$(cat "$D/digest.txt")

ossl_verify() { # PUB SIGDER FILE LABEL
  if openssl dgst -sha256 -verify "$1" -signature "$2" "$3" >"$T/ossl.out" 2>&1; then cg_ok
  else cg_fail "$4: openssl: $(cat "$T/ossl.out")"; fi
}
ossl_refuse() {
  if openssl dgst -sha256 -verify "$1" -signature "$2" "$3" >/dev/null 2>&1; then cg_fail "$4: openssl verified it"
  else cg_ok; fi
}

# payload: exact bytes, no trailing newline, and its signature
printf '{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/cgate/fixture"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' "$DIGEST" > "$T/payload.want"
cmp -s "$T/payload.want" "$D/payload.json" && cg_ok || cg_fail "payload.json is not the documented bytes"
ossl_verify "$D/cosign.pub" "$D/payload.sig.der" "$D/payload.json" "payload signature"
ossl_refuse "$D/other.pub" "$D/payload.sig.der" "$D/payload.json" "payload signature under another key"
ossl_refuse "$D/cosign.pub" "$D/payload.other.sig.der" "$D/payload.json" "another key's signature"
sed 's/127.0.0.1/127.0.0.2/' "$D/payload.json" > "$T/payload.tampered"
ossl_refuse "$D/cosign.pub" "$D/payload.sig.der" "$T/payload.tampered" "tampered payload"
base64 -d "$D/payload.sig" | cmp -s - "$D/payload.sig.der" && cg_ok || cg_fail "payload.sig is not base64 of payload.sig.der"
grep -Eq '^[A-Za-z0-9+/]+=*$' "$D/payload.sig" && cg_ok || cg_fail "payload.sig is not padded standard base64"

# the .sig manifest and config
M="$D/sig-manifest.json"
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
cg_expect_eq "application/vnd.oci.image.manifest.v1+json" "$(jq -r .mediaType "$M")" "manifest mediaType"
cg_expect_eq "2" "$(jq -r .schemaVersion "$M")" "schemaVersion"
cg_expect_eq "application/vnd.oci.image.config.v1+json $(sha "$D/sig-config.json") $(stat -c %s "$D/sig-config.json")" \
  "$(jq -r '.config | "\(.mediaType) \(.digest) \(.size)"' "$M")" "config descriptor"
cg_expect_eq "application/vnd.dev.cosign.simplesigning.v1+json $(sha "$D/payload.json") $(stat -c %s "$D/payload.json")" \
  "$(jq -r '.layers[0] | "\(.mediaType) \(.digest) \(.size)"' "$M")" "layer descriptor"
cg_expect_eq "$(cat "$D/payload.sig")" "$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$M")" "signature annotation"
cg_expect_eq "[\"$(sha "$D/payload.json")\"]" "$(jq -c .rootfs.diff_ids "$D/sig-config.json")" "config diff_ids"

# the attestation: envelope -> statement -> PAE -> openssl
E="$D/envelope.json"
cg_expect_eq "application/vnd.in-toto+json" "$(jq -r .payloadType "$E")" "envelope payloadType"
jq -r .payload "$E" | base64 -d > "$T/statement"
cmp -s "$T/statement" "$D/statement.json" && cg_ok || cg_fail "envelope payload is not statement.json"
cg_expect_eq "https://in-toto.io/Statement/v0.1 https://cyclonedx.org/bom ${DIGEST#sha256:} 127.0.0.1:5000/cgate/fixture" \
  "$(jq -r '"\(._type) \(.predicateType) \(.subject[0].digest.sha256) \(.subject[0].name)"' "$T/statement")" "statement header"
cg_expect_same_text <(jq -S .predicate "$T/statement") <(jq -S . "$D/sbom.cdx.json") "statement predicate is the SBOM"
n=$(stat -c %s "$T/statement")
{ printf 'DSSEv1 28 application/vnd.in-toto+json %d ' "$n"; cat "$T/statement"; } > "$T/pae"
cmp -s "$T/pae" "$D/pae.bin" && cg_ok || cg_fail "pae.bin is not the PAE of the statement"
jq -r '.signatures[0].sig' "$E" | base64 -d > "$T/pae.sig"
ossl_verify "$D/cosign.pub" "$T/pae.sig" "$T/pae" "DSSE signature over the PAE"
ossl_refuse "$D/cosign.pub" "$T/pae.sig" "$T/statement" "DSSE signature over the bare statement"
cg_expect_eq '""' "$(jq -c '.signatures[0].keyid' "$E")" "envelope keyid"

# every encrypted key decrypts to the key of cosign.pub; the bad ones do not load
for k in cosign.key cosign-n65536.key sigstore-n131072.key sigstore-n32768.key; do
  if python3 "$CK" decrypt "$D/$k" "$PW" > "$T/k.der" 2>"$T/ck.err" &&
     openssl pkey -inform DER -in "$T/k.der" -pubout 2>/dev/null | cmp -s - "$D/cosign.pub"; then cg_ok
  else cg_fail "$k does not decrypt to the key of cosign.pub: $(cat "$T/ck.err")"; fi
done
cg_expect_eq '{"N":65536,"r":8,"p":1}' "$(python3 "$CK" inspect "$D/cosign-n65536.key" | jq -c .params)" "N=65536 vector"
cg_expect_eq 'ENCRYPTED SIGSTORE PRIVATE KEY {"N":131072,"r":8,"p":1}' \
  "$(python3 "$CK" inspect "$D/sigstore-n131072.key" | jq -r '"\(.label) \(.params|tojson)"')" "N=131072 vector"
cg_expect_eq '{"N":16384,"r":8,"p":1}' "$(python3 "$CK" inspect "$D/bad-n16384.key" | jq -c .params)" "unsupported-N vector"
for k in key.pkcs8.pem key.sec1.pem; do
  openssl pkey -in "$D/$k" -pubout 2>/dev/null | cmp -s - "$D/cosign.pub" && cg_ok || cg_fail "$k is not the key of cosign.pub"
done
cg_finish
