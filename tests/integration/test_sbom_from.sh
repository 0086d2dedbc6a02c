#!/usr/bin/env bash
# test_sbom_from.sh - `cgate sbom --from FILE`: reading cgate's own SBOMs and
# Trivy's goldens back, converting between CycloneDX and SPDX with the same
# package set, and the exit codes: 0 success, 3 for a file that is not an SBOM,
# is truncated or lies about its structure, 2 for usage errors; no output file
# is left behind on failure.
. "$(dirname "$0")/lib.sh"
cg_setup sbom_from
D="$CG_TEST_DATA"
export SOURCE_DATE_EPOCH=1700000000

# an image with OS and language packages in two layers
cat >"$T/spec.json" <<EOF
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"},
    {"path": "var/lib/dpkg/status", "content_file": "$D/syft/dpkg/image-dpkg-status"}]},
  {"compression": "gzip", "entries": [
    {"path": "srv/app/Gemfile.lock", "content_file": "$D/ruby/Gemfile_bundler2.lock"},
    {"path": "srv/app/vendor/composer/installed.json", "content_file": "$D/php/syft-installed-composer2.json"},
    {"path": "srv/app/bad/composer.lock", "content": "{"}]}]}
EOF
mkimage "$T/spec.json" oci "$T/img.oci"

key='[.components[] | select(.type == "library") | "\(.name) \(.version) \(.purl)"] | sort | .[]'
spdxkey='[.packages[] | select(.primaryPackagePurpose == "LIBRARY") | "\(.name) \(.versionInfo) \(.externalRefs[0].referenceLocator)"] | sort | .[]'

for f in cyclonedx-json spdx-json; do
  # --declared: the lock files in the image are reported too (marked), so the
  # round trip carries cgate:evidence and more than a handful of packages
  cg_sbom "$T/own.$f" "$T/own.$f.err" -q -f "$f" --declared "oci:$T/img.oci"
  cg_expect_rc 0 "sbom $f" "$T/own.$f.err"
  # read it back in the same format: byte for byte the same document
  cg_sbom "$T/back.$f" "$T/back.$f.err" -f "$f" --from "$T/own.$f"
  cg_expect_rc 0 "--from $f" "$T/back.$f.err" && cmp -s "$T/own.$f" "$T/back.$f" && cg_ok ||
    cg_fail "$f -> --from -> $f differs: $(diff "$T/own.$f" "$T/back.$f" | head -c 600)"
done
# convert: CycloneDX -> SPDX equals SPDX from the image; SPDX -> CycloneDX has the same packages
cg_sbom "$T/conv.spdx" "$T/conv.err" -f spdx-json --from "$T/own.cyclonedx-json"
cg_expect_rc 0 "cdx -> spdx" "$T/conv.err"
jq -r "$spdxkey" "$T/own.spdx-json" >"$T/want-spdx.txt"
jq -r "$spdxkey" "$T/conv.spdx" >"$T/got-spdx.txt"
cg_expect_same_text "$T/want-spdx.txt" "$T/got-spdx.txt" "cdx -> spdx package set"
cg_sbom "$T/conv.cdx" "$T/conv2.err" -o "$T/conv.cdx" --from "$T/own.spdx-json"
cg_expect_rc 0 "spdx -> cdx" "$T/conv2.err"
jq -r "$key" "$T/own.cyclonedx-json" >"$T/want-cdx.txt"
jq -r "$key" "$T/conv.cdx" >"$T/got-cdx.txt"
cg_expect_same_text "$T/want-cdx.txt" "$T/got-cdx.txt" "spdx -> cdx package set"
[ "$(wc -l <"$T/want-cdx.txt")" -gt 10 ] && cg_ok || cg_fail "the test image has too few packages"
# the warning about the bad lock file survives the trip
cg_expect_eq "1" "$(jq '[.metadata.component.properties[] | select(.name == "cgate:warning" and (.value | contains("/srv/app/bad/composer.lock")))] | length' "$T/back.cyclonedx-json")" "warning kept"

# Trivy's goldens: the package set is the golden's own
G=$D/sbom-read/fluentd-multiple-lockfiles.cdx.json.golden
cg_sbom "$T/trivy.json" "$T/trivy.err" --from "$G"
cg_expect_rc 0 "--from trivy cdx" "$T/trivy.err"
jq -r '[.components[] | select(.purl) | .purl] | sort | .[]' "$G" >"$T/want-t.txt"
jq -r '[.components[] | select(.type == "library") | .purl] | sort | .[]' "$T/trivy.json" >"$T/got-t.txt"
cg_expect_same_text "$T/want-t.txt" "$T/got-t.txt" "trivy cdx purls"
cg_expect_eq "debian 10.2" "$(cg_os "$T/trivy.json")" "trivy distro"
G=$D/sbom-read/conda-spdx.json.golden
cg_sbom "$T/trivy2.json" "$T/trivy2.err" -f table --from "$G"
cg_expect_rc 0 "--from trivy spdx" "$T/trivy2.err"
grep -q '^openssl  *1.1.1q  *conda' "$T/trivy2.json" && cg_ok || cg_fail "table misses openssl: $(head -5 "$T/trivy2.json")"

# exit 3: not an SBOM, truncated, lying; one line naming the file; no output left
head -c 3000 "$T/own.cyclonedx-json" >"$T/truncated.json"
printf '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {"a": 1}}' >"$T/lying.json"
printf '{"spdxVersion": "SPDX-2.3", "packages": [], "relationships": 5}' >"$T/lying2.json"
printf 'PK\003\004 not json' >"$T/zip.json"
for bad in truncated lying lying2 zip; do
  cg_sbom "$T/$bad.out" "$T/$bad.err" -o "$T/$bad.out" --from "$T/$bad.json"
  cg_expect_rc 3 "$bad" "$T/$bad.err"
  cg_expect_one_error "$T/$bad.err" "$bad" "$T/$bad.json"
  [ -e "$T/$bad.out" ] && [ -s "$T/$bad.out" ] && cg_fail "$bad: output file left behind" || cg_ok
done
cg_sbom "$T/img-as-sbom.out" "$T/img.err" --from "$T/img.oci/index.json"
cg_expect_rc 3 "an OCI index is not an SBOM" "$T/img.err"
cg_expect_one_error "$T/img.err" "oci index" "not a CycloneDX or SPDX"
cg_sbom "$T/missing.out" "$T/missing.err" --from "$T/no-such-file.json"
cg_expect_rc 3 "missing file" "$T/missing.err"
cg_expect_one_error "$T/missing.err" "missing file" "no-such-file.json"

# exit 2: usage
cg_sbom "$T/u1.out" "$T/u1.err" --from "$T/own.cyclonedx-json" "oci:$T/img.oci"
cg_expect_rc 2 "--from and an image" "$T/u1.err"
cg_sbom "$T/u2.out" "$T/u2.err" --from
cg_expect_rc 2 "--from without a value" "$T/u2.err"
cg_sbom "$T/u3.out" "$T/u3.err" -f xml --from "$T/own.cyclonedx-json"
cg_expect_rc 2 "unknown format" "$T/u3.err"
cg_sbom "$T/u4.out" "$T/u4.err" --platform linux/arm64 --from "$T/own.cyclonedx-json"
cg_expect_rc 2 "--platform with --from" "$T/u4.err"
cg_finish
