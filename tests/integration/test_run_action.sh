#!/usr/bin/env bash
# test_run_action.sh - the CI integrations, run locally the way their CI runs them
# (tests/tools/run_action.py), against Debian's docker-registry on 127.0.0.1:
# - action.yml: its metadata checked (composite, steps, shells, inputs and step
#   outputs referenced exist), then its steps executed with the inputs a workflow
#   would give (the Debian-dependency step skipped, the cgate under test used):
#   a passing gate pushes and tags, sets outputs result/pushed/digest, and both
#   upload steps get a SARIF 2.1.0 file and the artifacts folder; a denied gate
#   fails the step with exit 1, result=deny, and still uploads both;
# - ci/cgate.gitlab-ci.yml: the .cgate-run job's before_script and script run with
#   the variables a pipeline would set: the image is pushed and tagged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_action
reg_need
reg_start plain plain
run_fixture
ROOT=$(cd "$CG_TESTS/.." && pwd)
RA="python3 $CG_TESTS/tools/run_action.py"
COSIGN_KEY=$(cat "$KEY")
export COSIGN_KEY SOURCE_DATE_EPOCH=1735689600
mkdir -p "$T/ws"
# a job's workspace: the policy and the image are relative to it, as in a checkout
cp "$POLICY" "$EXC" "$T/ws/"
cp -a "$T/fx/img.oci" "$T/ws/img.oci"
inputs() { # TO EXCEPTIONS
  jq -nc --arg to "$1" --arg exc "$2" --arg db "$DB" --arg cgate "$CGATE" \
    '{image: "oci:img.oci", to: $to, policy: "policy.yaml", exceptions: $exc, db: $db,
      "install-deps": "false", cgate: $cgate, args: "--attest-spdx"}'
}

$RA github "$ROOT/action.yml" "$(inputs "$REG/act/app:1" exceptions.yaml)" "$T/ws" >"$T/gh.json" 2>"$T/gh.err"
RC=$?
cg_expect_rc 0 "the action passes" "$T/gh.err"
cg_expect_eq pass "$(jq -r .outputs.result "$T/gh.json")" "output result"
P=$(jq -r .outputs.pushed "$T/gh.json")
case "$P" in "$REG/act/app:1@sha256:"*) cg_ok ;; *) cg_fail "output pushed is '$P'" ;; esac
cg_expect_eq "${P##*@}" "$(jq -r .outputs.digest "$T/gh.json")" "output digest"
cg_expect_eq 200 "$(run_tag_status act/app 1)" "the action's push is tagged"
cg_expect_eq "false" "$(jq -r '.steps[0].ran' "$T/gh.json")" "the dependency step is skipped when a cgate is given"
cg_expect_eq "github/codeql-action/upload-sarif@v3 cgate-artifacts/report.sarif" \
  "$(jq -r '.steps[] | select(.uses != null and (.uses | startswith("github/codeql"))) | "\(.uses) \(.with.sarif_file)"' "$T/gh.json")" \
  "the SARIF upload step gets report.sarif"
cg_expect_eq "cgate-artifacts" "$(jq -r '.steps[] | select(.uses != null and (.uses | startswith("actions/upload-artifact"))) | .with.path' "$T/gh.json")" \
  "the artifacts upload step gets the folder"
cg_run "$T/av.out" "$T/av.err" audit verify "$T/ws/cgate-artifacts"
cg_expect_rc 0 "the action's artifacts folder verifies" "$T/av.err"

rm -rf "$T/ws/cgate-artifacts"
$RA github "$ROOT/action.yml" "$(inputs "$REG/act/denied:1" "")" "$T/ws" >"$T/gh2.json" 2>"$T/gh2.err"
RC=$?
cg_expect_rc 1 "a denied gate fails the action with exit 1" "$T/gh2.err"
cg_expect_eq deny "$(jq -r .outputs.result "$T/gh2.json")" "output result on deny"
cg_expect_eq 2 "$(jq '[.steps[] | select(.uses != null and .ran)] | length' "$T/gh2.json")" \
  "both uploads still run after a deny (if: always())"
cg_expect_eq 404 "$(run_tag_status act/denied 1)" "a denied action pushes nothing"

# the action's metadata is refused when broken (the checker can fail)
sed 's/using: composite/using: node20/' "$ROOT/action.yml" >"$T/bad-action.yml"
$RA github "$T/bad-action.yml" "$(inputs "$REG/act/x:1" "")" "$T/ws" >/dev/null 2>"$T/bad.err"
RC=$?
cg_expect_rc 90 "a non-composite action.yml is refused by the checker" "$T/bad.err"

# GitLab: the job template
rm -rf "$T/ws/cgate-artifacts"
VARS=$(jq -nc --arg to "$REG/gl/app:1" --arg db "$DB" --arg cgate "$CGATE" \
  '{CGATE_BIN: $cgate, CGATE_IMAGE: "oci:img.oci", CGATE_TO: $to, CGATE_POLICY: "policy.yaml",
    CGATE_EXCEPTIONS: "exceptions.yaml", CGATE_DB: $db}')
$RA gitlab "$ROOT/ci/cgate.gitlab-ci.yml" .cgate-run "$VARS" "$T/ws" >"$T/gl.out" 2>"$T/gl.err"
RC=$?
cg_expect_rc 0 "the GitLab job passes" "$T/gl.err"
cg_expect_eq 200 "$(run_tag_status gl/app 1)" "the GitLab job's push is tagged"
[ -f "$T/ws/cgate-artifacts/pushed.json" ] && cg_ok || cg_fail "the GitLab job has no artifacts folder"
cg_finish
