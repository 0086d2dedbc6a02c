#!/usr/bin/env bash
# make.sh - how the FIXED signing test vectors in this folder were made (run
# once; the outputs are committed and must not change: the tests compare the
# bytes cgate writes against them).  Needs openssl, python3, and a built
# cgate for the SBOM predicate: CGATE=build/cgate bash tests/data/sign/make.sh
# Nothing here uses cgate's signing code: keys come from openssl, encrypted
# keys from tests/tools/cosign_key.py (hashlib.scrypt + a Python secretbox),
# payloads, manifests and statements from Python, signatures from openssl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../../tools
cd "$here"
PW=$(cat cosign.password)
IDENT=127.0.0.1:5000/cgate/fixture
DIGEST=sha256:$(printf 'the fixture image manifest' | sha256sum | cut -d' ' -f1)
echo "$DIGEST" > digest.txt

# keys: one signing key in every accepted form, another key for tamper tests
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in key.pkcs8.pem -outform DER -out key.der  # PKCS#8, as cosign encrypts
openssl ec -in key.pkcs8.pem -out key.sec1.pem 2>/dev/null
openssl pkey -in key.pkcs8.pem -pubout -out cosign.pub
py() { python3 "$tools/cosign_key.py" "$@"; }
py encrypt key.der "$PW" > cosign.key
py encrypt key.der "$PW" --n 65536 > cosign-n65536.key
py encrypt key.der "$PW" --n 131072 --label "ENCRYPTED SIGSTORE PRIVATE KEY" > sigstore-n131072.key
py encrypt key.der "$PW" --label "ENCRYPTED SIGSTORE PRIVATE KEY" > sigstore-n32768.key
py encrypt key.der "$PW" --n 16384 > bad-n16384.key
# a body that decrypts but holds SEC1, not PKCS#8 (cosign would refuse it too)
openssl ec -in key.pkcs8.pem -outform DER -out key.sec1.der 2>/dev/null
py encrypt key.sec1.der "$PW" > bad-sec1-inside.key
rm key.der key.sec1.der
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.pem
openssl pkey -in other.pem -pubout -out other.pub
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem

# the simple-signing payload, exact bytes, and its signature
python3 - "$IDENT" "$DIGEST" <<'PY'
import json, sys
ident, digest = sys.argv[1:3]
def payload(optional):
    return ('{"critical":{"identity":{"docker-reference":%s},"image":{"docker-manifest-digest":"%s"},'
            '"type":"cosign container image signature"},"optional":%s}') % (json.dumps(ident), digest, optional)
open("payload.json", "w").write(payload("null"))
# annotations as Go writes a map: sorted keys, <>& escaped
open("payload-annotated.json", "w").write(payload('{"a\\u0026b":"x\\u003cy\\u003e","env":"prod"}'))
PY
openssl dgst -sha256 -sign key.pkcs8.pem -out payload.sig.der payload.json
base64 -w0 payload.sig.der > payload.sig
openssl dgst -sha256 -sign other.pem -out payload.other.sig.der payload.json

# the .sig manifest and its config, as cgate must write them for that layer
python3 - <<'PY'
import hashlib, json
p = open("payload.json", "rb").read()
sig = open("payload.sig").read()
pd = "sha256:" + hashlib.sha256(p).hexdigest()
cfg = ('{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],'
       '"os":"","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}') % pd
open("sig-config.json", "w").write(cfg)
man = ('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
       '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%d,"digest":"sha256:%s"},'
       '"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":%d,"digest":"%s",'
       '"annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}') % (
    len(cfg), hashlib.sha256(cfg.encode()).hexdigest(), len(p), pd, sig)
open("sig-manifest.json", "w").write(man)
PY

# an SBOM from cgate sbom as the attestation predicate, the statement, PAE, envelope
cat > sbom-image.json <<'JSON'
{"created": "2024-01-02T03:04:05Z", "repo": "cgate/fixture", "layers": [{"entries": [
 {"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\nNAME=\"Debian GNU/Linux\"\n"},
 {"path": "var/lib/dpkg/status", "content": "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\nSource: zlib\n\n"}]}]}
JSON
python3 "$tools/mkimage.py" sbom-image.json oci-archive "${TMPDIR:-/tmp}/sign-fixture.tar" >/dev/null
SOURCE_DATE_EPOCH=1704164645 "${CGATE:?set CGATE to a built cgate}" sbom -q "oci-archive:${TMPDIR:-/tmp}/sign-fixture.tar" > sbom.cdx.json
python3 - "$IDENT" "$DIGEST" <<'PY'
import base64, sys
ident, digest = sys.argv[1:3]
pred = open("sbom.cdx.json", "rb").read().strip()
st = (b'{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://cyclonedx.org/bom",'
      b'"subject":[{"name":"' + ident.encode() + b'","digest":{"sha256":"' + digest[7:].encode() + b'"}}],'
      b'"predicate":' + pred + b'}')
open("statement.json", "wb").write(st)
t = b"application/vnd.in-toto+json"
open("pae.bin", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(st), st))
PY
openssl dgst -sha256 -sign key.pkcs8.pem -out pae.sig.der pae.bin
python3 - <<'PY'
import base64
st = open("statement.json", "rb").read()
sig = base64.b64encode(open("pae.sig.der", "rb").read()).decode()
open("envelope.json", "w").write('{"payloadType":"application/vnd.in-toto+json","payload":"%s",'
    '"signatures":[{"keyid":"","sig":"%s"}]}' % (base64.b64encode(st).decode(), sig))
PY
echo "made the signing vectors in $here"
