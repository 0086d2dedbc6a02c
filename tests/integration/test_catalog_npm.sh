#!/usr/bin/env bash
# test_catalog_npm.sh - npm packages through `cgate sbom`: node_modules copies
# (hoisted, nested, scoped) from Trivy's fixture repository in several layers,
# a whiteout removing a package directory, the application package.json, a
# lockfile ignored next to node_modules and used where nothing is installed,
# layer attribution, and hostile files that give a warning, not a failure.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_npm
D="$CG_TEST_DATA/npm"

pj() { printf '{"name": "%s", "version": "%s", "license": "MIT"}' "$1" "$2"; }
nm() { printf '{"path": "app/node_modules/%s/package.json", "content_file": "%s/repo-npm/node_modules/%s/package.json"}' "$1" "$D" "$1"; }

# a package-lock.json nested 10,000 deep
python3 -c 'import sys; n=10000; sys.stdout.write("{\"lockfileVersion\": 1, \"dependencies\": " + "{\"a\": {\"version\": \"1\", \"dependencies\": "*n + "{" + "}"*(2*n+2))' >"$T/deep.json"

cat >"$T/spec.json" <<EOF2
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "app/package.json", "content": $(pj lab-app 1.0.0 | jq -Rs .)},
    {"path": "app/package-lock.json", "content_file": "$D/repo-npm/package-lock.json"},
    $(nm jquery), $(nm promise), $(nm react), $(nm react-is), $(nm redux), $(nm z-lock)]},
  {"compression": "zstd", "entries": [
    {"path": "app/node_modules/redux", "type": "whiteout"},
    {"path": "app/node_modules/@acme/util/package.json", "content": $(pj @acme/util 2.1.0 | jq -Rs .)},
    {"path": "app/node_modules/react/node_modules/react-is/package.json", "content": $(pj react-is 15.0.0 | jq -Rs .)},
    {"path": "app/node_modules/react/lib/package.json", "content": $(pj not-a-package 9.9.9 | jq -Rs .)}]},
  {"compression": "gzip", "entries": [
    {"path": "srv/yarn.lock", "content_file": "$D/repo-yarn/yarn.lock"},
    {"path": "srv2/pnpm-lock.yaml", "content_file": "$D/repo-pnpm/pnpm-lock.yaml"},
    {"path": "big/node_modules/huge/package.json", "repeat": " ", "size": 52428800},
    {"path": "deep/package-lock.json", "content_file": "$T/deep.json"},
    {"path": "bad/node_modules/broken/package.json", "content": "{\"name\": \"broken\", \"version\": "}]}
]}
EOF2
mkimage "$T/spec.json" oci "$T/img.oci" --info "$T/info.json"
# Lock files and manifests inside an image are declared, not installed (issue 11):
# the lock-file expectations below read the image with --declared --include-dev,
# and cg_expect_installed_only checks the default run keeps only installed ones.
cg_sbom "$T/out.json" "$T/err" --declared --include-dev "oci:$T/img.oci"
cg_expect_rc 0 "sbom" "$T/err" || cg_finish
cg_expect_json "$T/out.json" "sbom"
cg_expect_installed_only "$T/out.json" "npm image" "oci:$T/img.oci"

# exact (name, version, purl) set of npm components
jq -r '[.components[] | select(any(.properties[]?; .name == "cgate:package:type" and .value == "npm"))
        | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$T/out.json" >"$T/got.txt"
cat >"$T/want.txt" <<'EOF2'
asap 2.0.6 pkg:npm/asap@2.0.6
jquery 3.2.1 pkg:npm/jquery@3.2.1
jquery 3.3.9 pkg:npm/jquery@3.3.9
jquery 3.3.9 pkg:npm/jquery@3.3.9
lab-app 1.0.0 pkg:npm/lab-app@1.0.0
lodash 4.17.4 pkg:npm/lodash@4.17.4
promise 8.0.3 pkg:npm/promise@8.0.3
promise 8.0.3 pkg:npm/promise@8.0.3
react 16.8.6 pkg:npm/react@16.8.6
react-is 15.0.0 pkg:npm/react-is@15.0.0
react-is 16.8.6 pkg:npm/react-is@16.8.6
util 2.1.0 pkg:npm/%40acme/util@2.1.0
z-lock 1.0.0 pkg:npm/z-lock@1.0.0
EOF2
cg_expect_same_text "$T/want.txt" "$T/got.txt" "npm (name, version, purl)"

# where each record came from
src_of() { jq -r --arg p "$1" '[.components[] | select(.purl == $p)
  | ([.properties[] | select(.name == "cgate:npm:source") | .value] | join("")) + "@" +
    ([.properties[] | select(.name == "cgate:location:0:path") | .value] | join(""))] | sort | join(",")' "$T/out.json"; }
cg_expect_eq "node_modules@/app/node_modules/jquery/package.json,pnpm-lock.yaml@/srv2/pnpm-lock.yaml,yarn.lock@/srv/yarn.lock" \
  "$(src_of pkg:npm/jquery@3.3.9),$(src_of pkg:npm/jquery@3.2.1)" "jquery sources"
cg_expect_eq "pnpm-lock.yaml@/srv2/pnpm-lock.yaml" "$(src_of pkg:npm/lodash@4.17.4)" "pnpm lockfile used"
cg_expect_eq "node_modules@/app/node_modules/react/node_modules/react-is/package.json" \
  "$(src_of pkg:npm/react-is@15.0.0)" "nested copy"
cg_expect_eq "application" "$(cg_prop "$T/out.json" lab-app cgate:npm:role)" "root package.json is the application"
cg_expect_eq "@acme/util" "$(cg_prop "$T/out.json" util cgate:npm:name)" "scoped name"
cg_expect_eq "" "$(jq -r '[.components[] | select(.name == "redux")] | length | select(. > 0)' "$T/out.json")" "whited-out redux is gone"

# layer attribution
diff_id() { jq -r ".images[0].layers[$1].diff_id" "$T/info.json"; }
layer_of() { jq -r --arg p "$1" --arg l "$2" '[.components[] | select(.purl == $p)
  | select(any(.properties[]; .name == "cgate:location:0:path" and .value == $l))
  | .properties[] | select(.name == "cgate:layer:diff_id") | .value] | join(",")' "$T/out.json"; }
cg_expect_eq "$(diff_id 0)" "$(layer_of pkg:npm/react@16.8.6 /app/node_modules/react/package.json)" "react from layer 1"
cg_expect_eq "$(diff_id 1)" "$(layer_of pkg:npm/%40acme/util@2.1.0 /app/node_modules/@acme/util/package.json)" "@acme/util from layer 2"
cg_expect_eq "$(diff_id 2)" "$(layer_of pkg:npm/asap@2.0.6 /srv/yarn.lock)" "asap from layer 3"

# hostile files: warnings listed in the SBOM, on stderr, the rest cataloged
warn() { jq -r '.metadata.component.properties[]? | select(.name == "cgate:warning") | .value' "$T/out.json"; }
for w in "/big/node_modules/huge/package.json: skipped by the npm cataloger" \
         "/deep/package-lock.json: not a valid package-lock.json" \
         "/bad/node_modules/broken/package.json: not a valid package.json"; do
  if warn | grep -qF -- "$w"; then cg_ok; else cg_fail "no cgate:warning containing '$w': $(warn | tr '\n' '|')"; fi
  if grep -qF -- "$w" "$T/err"; then cg_ok; else cg_fail "stderr does not mention '$w'"; fi
done
cg_finish
