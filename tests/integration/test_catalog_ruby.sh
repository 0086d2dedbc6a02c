#!/usr/bin/env bash
# test_catalog_ruby.sh - Ruby gems through `cgate sbom`: installed gemspecs and a
# Gemfile.lock from real fixtures in an OCI image, a gemspec deleted by a whiteout
# in a later layer, and a hostile gemspec that must only produce a warning.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_ruby
D="$CG_TEST_DATA/ruby"
G=usr/local/bundle/specifications

cat >"$T/spec.json" <<EOF
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "$G/bundler-2.1.4.gemspec", "content_file": "$D/bundler.gemspec"},
    {"path": "$G/formatador-1.1.0.gemspec", "content_file": "$D/formatador.gemspec"},
    {"path": "srv/app/Gemfile.lock", "content_file": "$D/Gemfile_bundler2.lock"}]},
  {"compression": "gzip", "entries": [
    {"path": "$G/formatador-1.1.0.gemspec", "type": "whiteout"},
    {"path": "$G/evil-0.gemspec", "content": "Gem::Specification.new do |s|\n  s.version = \"1\"\nend\n"}]}]}
EOF
mkimage "$T/spec.json" oci "$T/img.oci"
# Lock files and manifests inside an image are declared, not installed (issue 11):
# the lock-file expectations below read the image with --declared --include-dev,
# and cg_expect_installed_only checks the default run keeps only installed ones.
cg_sbom "$T/out.json" "$T/err" --declared --include-dev "oci:$T/img.oci"
cg_expect_rc 0 "sbom" "$T/err" && cg_expect_json "$T/out.json" "sbom"
cg_expect_installed_only "$T/out.json" "ruby image" "oci:$T/img.oci"

cg_pkg_purls "$T/out.json" >"$T/got.txt"
cat >"$T/want.txt" <<EOF
bundler 2.1.4 pkg:gem/bundler@2.1.4
coderay 1.1.3 pkg:gem/coderay@1.1.3
concurrent-ruby 1.1.10 pkg:gem/concurrent-ruby@1.1.10
dotenv 2.7.6 pkg:gem/dotenv@2.7.6
faker 2.21.0 pkg:gem/faker@2.21.0
i18n 1.10.0 pkg:gem/i18n@1.10.0
json 2.6.2 pkg:gem/json@2.6.2
method_source 1.0.0 pkg:gem/method_source@1.0.0
pry 0.14.1 pkg:gem/pry@0.14.1
EOF
cg_expect_same_text "$T/want.txt" "$T/got.txt" "gem set (formatador whited out)"
cg_expect_eq "MIT" "$(jq -r '.components[] | select(.name == "bundler") | .licenses[0].license.id' "$T/out.json")" "bundler licence"
cg_expect_eq "/$G/bundler-2.1.4.gemspec" "$(cg_prop "$T/out.json" bundler cgate:location:0:path)" "bundler location"
# pry depends on coderay and method_source in the dependency graph
ref() { jq -r --arg n "$1" '.components[] | select(.name == $n) | ."bom-ref"' "$T/out.json"; }
cg_expect_eq "2" "$(jq --arg r "$(ref pry)" '[.dependencies[] | select(.ref == $r) | .dependsOn[]] | length' "$T/out.json")" "pry edges"
# the hostile gemspec: a warning in the SBOM, nothing invented
w=$(jq -r '[.metadata.component.properties[] | select(.name == "cgate:warning") | .value] | join("\n")' "$T/out.json")
case "$w" in
  *"/$G/evil-0.gemspec"*) cg_ok ;;
  *) cg_fail "no cgate:warning names the hostile gemspec: $w" ;;
esac
cg_finish
