#!/usr/bin/env bash
# test_catalog_php.sh - Composer packages through `cgate sbom`: installed.json
# (Composer 2) and composer.lock from real fixtures in an OCI image, a lock file
# deleted by a whiteout, and a truncated installed.json that must only warn.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_php
D="$CG_TEST_DATA/php"

cat >"$T/spec.json" <<EOF
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "var/www/vendor/composer/installed.json", "content_file": "$D/syft-installed-composer2.json"},
    {"path": "var/www/composer.lock", "content_file": "$D/trivy-composer_happy.lock"},
    {"path": "srv/old/composer.lock", "content_file": "$D/syft-composer.lock"}]},
  {"compression": "zstd", "entries": [
    {"path": "srv/old/composer.lock", "type": "whiteout"},
    {"path": "srv/bad/vendor/composer/installed.json", "content": "{\"packages\": [{\"name\": \"a/b\""}]}]}
EOF
mkimage "$T/spec.json" oci "$T/img.oci"
# Lock files and manifests inside an image are declared, not installed (issue 11):
# the lock-file expectations below read the image with --declared --include-dev,
# and cg_expect_installed_only checks the default run keeps only installed ones.
cg_sbom "$T/out.json" "$T/err" --declared --include-dev "oci:$T/img.oci"
cg_expect_rc 0 "sbom" "$T/err" && cg_expect_json "$T/out.json" "sbom"
cg_expect_installed_only "$T/out.json" "php image" "oci:$T/img.oci"

cg_pkg_purls "$T/out.json" >"$T/got.txt"
cat >"$T/want.txt" <<EOF
getallheaders 3.0.3 pkg:composer/ralouphie/getallheaders@3.0.3
guzzle 6.5.8 pkg:composer/guzzlehttp/guzzle@6.5.8
http-message 1.0.1 pkg:composer/psr/http-message@1.0.1
log 1.13.3 pkg:composer/pear/log@1.13.3
mink v1.8.1 pkg:composer/behat/mink@v1.8.1
pear_exception v1.0.2 pkg:composer/pear/pear_exception@v1.0.2
polyfill-intl-idn v1.27.0 pkg:composer/symfony/polyfill-intl-idn@v1.27.0
polyfill-intl-normalizer v1.27.0 pkg:composer/symfony/polyfill-intl-normalizer@v1.27.0
polyfill-php72 v1.27.0 pkg:composer/symfony/polyfill-php72@v1.27.0
promises 1.5.2 pkg:composer/guzzlehttp/promises@1.5.2
psr7 1.9.0 pkg:composer/guzzlehttp/psr7@1.9.0
stack-cors 1.3.0 pkg:composer/asm89/stack-cors@1.3.0
EOF
cg_expect_same_text "$T/want.txt" "$T/got.txt" "composer set (old lock whited out)"
cg_expect_eq "true" "$(cg_prop "$T/out.json" log cgate:composer:dev)" "pear/log is a dev package"
cg_expect_eq "true" "$(cg_prop "$T/out.json" mink cgate:composer:dev)" "behat/mink in dev-package-names"
cg_expect_eq "" "$(cg_prop "$T/out.json" guzzle cgate:composer:dev)" "guzzle is not dev"
w=$(jq -r '[.metadata.component.properties[] | select(.name == "cgate:warning") | .value] | join("\n")' "$T/out.json")
case "$w" in
  *"/srv/bad/vendor/composer/installed.json"*) cg_ok ;;
  *) cg_fail "no cgate:warning names the truncated installed.json: $w" ;;
esac
cg_finish
