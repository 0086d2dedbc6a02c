#!/usr/bin/env bash
# test_catalog_python.sh - Python packages through `cgate sbom`: dist-info and
# egg-info metadata (Trivy's fixtures) in site-packages and dist-packages over
# several layers, a whiteout removing a .dist-info directory, lockfiles,
# PEP 503 names in purls, layer attribution, and hostile files that give a
# warning, not a failure.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_python
D="$CG_TEST_DATA/python"
SP=usr/lib/python3/dist-packages
VP=opt/venv/lib/python3.11/site-packages

python3 -c 'import sys; n=10000; sys.stdout.write("{\"default\": " + "{\"a\": "*n + "1" + "}"*(n+1))' >"$T/deep.json"

cat >"$T/spec.json" <<EOF2
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "$SP/zipp-3.12.1.dist-info/METADATA", "content_file": "$D/zipp-3.12.1.METADATA"},
    {"path": "$SP/pyphen-0.14.0.dist-info/METADATA", "content_file": "$D/pyphen-0.14.0.METADATA"},
    {"path": "$SP/Unidecode-0.4.1.egg-info/PKG-INFO", "content_file": "$D/unidecode-egg-info.PKG-INFO"},
    {"path": "$SP/distlib-0.3.1.egg-info", "content_file": "$D/distlib-0.3.1-py3.9.egg-info"},
    {"path": "$SP/distlib/__init__.py", "content": "# not metadata\n"}]},
  {"compression": "zstd", "entries": [
    {"path": "$SP/pyphen-0.14.0.dist-info", "type": "whiteout"},
    {"path": "$VP/iniconfig-2.0.0.dist-info/METADATA", "content_file": "$D/iniconfig-2.0.0.METADATA"},
    {"path": "$VP/asyncssh-2.14.2.dist-info/METADATA", "content_file": "$D/asyncssh-2.14.2.METADATA"}]},
  {"compression": "gzip", "entries": [
    {"path": "app/requirements.txt", "content_file": "$D/repo-pip-requirements.txt"},
    {"path": "app/poetry.lock", "content_file": "$D/repo-poetry.lock"},
    {"path": "srv/Pipfile.lock", "content_file": "$D/repo-Pipfile.lock"},
    {"path": "deep/Pipfile.lock", "content_file": "$T/deep.json"},
    {"path": "$VP/huge-1.0.dist-info/METADATA", "repeat": "Name: x\\n", "size": 52428800},
    {"path": "$VP/bad-1.0.dist-info/METADATA", "content": "\u0001\u0002 garbage\n\nName: bad\n"}]}
]}
EOF2
mkimage "$T/spec.json" oci "$T/img.oci" --info "$T/info.json"
# Lock files and manifests inside an image are declared, not installed (issue 11):
# the lock-file expectations below read the image with --declared --include-dev,
# and cg_expect_installed_only checks the default run keeps only installed ones.
cg_sbom "$T/out.json" "$T/err" --declared --include-dev "oci:$T/img.oci"
cg_expect_rc 0 "sbom" "$T/err" || cg_finish
cg_expect_json "$T/out.json" "sbom"
cg_expect_installed_only "$T/out.json" "python image" "oci:$T/img.oci"

jq -r '[.components[] | select(any(.properties[]?; .name == "cgate:package:type" and .value == "pypi"))
        | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$T/out.json" >"$T/got.txt"
cat >"$T/want.txt" <<'EOF2'
asyncssh 2.14.2 pkg:pypi/asyncssh@2.14.2
click 8.0.0 pkg:pypi/click@8.0.0
click 8.1.3 pkg:pypi/click@8.1.3
colorama 0.4.6 pkg:pypi/colorama@0.4.6
distlib 0.3.1 pkg:pypi/distlib@0.3.1
flask 2.0.0 pkg:pypi/flask@2.0.0
iniconfig 2.0.0 pkg:pypi/iniconfig@2.0.0
itsdangerous 2.0.0 pkg:pypi/itsdangerous@2.0.0
jinja2 3.0.0 pkg:pypi/jinja2@3.0.0
oauth2-client 4.0.0 pkg:pypi/oauth2-client@4.0.0
python-gitlab 2.0.0 pkg:pypi/python-gitlab@2.0.0
unidecode 0.4.1 pkg:pypi/unidecode@0.4.1
werkzeug 0.11 pkg:pypi/werkzeug@0.11
werkzeug 0.11.1 pkg:pypi/werkzeug@0.11.1
werkzeug 0.14 pkg:pypi/werkzeug@0.14
zipp 3.12.1 pkg:pypi/zipp@3.12.1
EOF2
cg_expect_same_text "$T/want.txt" "$T/got.txt" "pypi (name, version, purl)"
cg_expect_eq "Unidecode" "$(cg_prop "$T/out.json" unidecode cgate:python:name)" "original name kept"
cg_expect_eq "installed" "$(cg_prop "$T/out.json" zipp cgate:python:source)" "installed source"
cg_expect_eq "MIT" "$(jq -r '[.components[] | select(.name == "zipp") | .licenses[]? | .license.id // .expression] | join(",")' "$T/out.json")" "zipp licence"

diff_id() { jq -r ".images[0].layers[$1].diff_id" "$T/info.json"; }
cg_expect_eq "$(diff_id 0)" "$(cg_prop "$T/out.json" distlib cgate:layer:diff_id)" "distlib from layer 1"
cg_expect_eq "$(diff_id 1)" "$(cg_prop "$T/out.json" iniconfig cgate:layer:diff_id)" "iniconfig from layer 2"
cg_expect_eq "$(diff_id 2)" "$(cg_prop "$T/out.json" colorama cgate:layer:diff_id)" "colorama from layer 3"
cg_expect_eq "/$SP/distlib-0.3.1.egg-info" "$(cg_prop "$T/out.json" distlib cgate:location:0:path)" "single-file egg-info"

warn() { jq -r '.metadata.component.properties[]? | select(.name == "cgate:warning") | .value' "$T/out.json"; }
for w in "/$VP/huge-1.0.dist-info/METADATA: skipped by the python cataloger" \
         "/deep/Pipfile.lock: not a valid Pipfile.lock" \
         "/$VP/bad-1.0.dist-info/METADATA: no valid Name and Version"; do
  if warn | grep -qF -- "$w"; then cg_ok; else cg_fail "no cgate:warning containing '$w': $(warn | tr '\n' '|')"; fi
  if grep -qF -- "$w" "$T/err"; then cg_ok; else cg_fail "stderr does not mention '$w'"; fi
done
cg_finish
