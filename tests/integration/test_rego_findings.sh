#!/usr/bin/env bash
# test_rego_findings.sh - input.secrets[] and input.misconfigurations[] in the
# document Rego policies get from `cgate policy`: a real image built here (a
# secret in a file, a secret in a file a later layer deletes, a root user and
# port 22), scanned with `cgate scan --scanners secret,config`, then a Rego
# policy that reads every documented field (rule id, category, severity,
# title, target, layer added/deleted, line, redacted match; check id,
# Trivy/hadolint ids) and a Trivy-written report.  The whole input validates
# against docs/rego-input.schema.json.
. "$(dirname "$0")/lib.sh"
cg_setup rego_findings

GH=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5
GL=glpat-Zq3vB7nM1kP9sR5tW2yX
cat >"$T/spec.json" <<JSON
{"repo": "test/regoin", "tag": "1",
 "image_config": {"Env": ["PATH=/usr/bin:/bin"], "ExposedPorts": {"22/tcp": {}}},
 "history": ["ADD rootfs /", "ADD deploy /", "RUN rm /app/deploy.txt"],
 "layers": [{"entries": [{"path": "app/.env", "content": "GITHUB_TOKEN=$GH\n"}]},
            {"entries": [{"path": "app/deploy.txt", "content": "x\ntoken=$GL\n"}]},
            {"entries": [{"path": "app/deploy.txt", "type": "whiteout"}]}]}
JSON
mkimage "$T/spec.json" oci "$T/img.oci" >/dev/null
cg_run "$T/rep.json" "$T/scan.err" scan --scanners secret,config -o "$T/rep.json" "oci:$T/img.oci"
cg_expect_rc 0 "scan --scanners secret,config"

cat >"$T/gate.rego" <<'REGO'
package gate.findings

import rego.v1

deny contains msg if {
	some s in input.secrets
	s.layer.deleted != null
	msg := sprintf("deleted %s %s %s %s:%d added %d deleted %d match=%s", [s.ruleId, s.category, s.severity, s.target, s.line, s.layer.added, s.layer.deleted, s.match])
}

deny contains msg if {
	some s in input.secrets
	s.layer.deleted == null
	msg := sprintf("present %s %s %s:%d source=%s title=%s", [s.ruleId, s.severity, s.target, s.line, s.source, s.title])
}

deny contains msg if {
	some m in input.misconfigurations
	m.severity in {"HIGH", "CRITICAL"}
	msg := sprintf("config %s %s %s %s %s %s line=%d", [m.id, m.checkId, m.trivyId, m.hadolintId, m.avdId, m.type, m.line])
}

deny contains "secrets or checks leaked into vulnerabilities" if count(input.vulnerabilities) > 0

warn contains sprintf("port: %s", [m.title]) if {
	some m in input.misconfigurations
	m.checkId == "CG-IMG-003"
}
REGO
cg_run "$T/d.json" "$T/d.err" policy "$T/rep.json" --policy "$T/gate.rego" --now 2026-12-06
cg_expect_rc 1 "Rego policy over secrets and misconfigurations"
reasons=$(jq -r '.denyReasons[]' "$T/d.json" | sort)
expect_reason() {
  grep -qF -- "$1" <<<"$reasons" && cg_ok || cg_fail "no deny reason '$1' in: $reasons"
}
expect_reason "data.gate.findings.deny: deleted gitlab-pat GitLab CRITICAL /app/deploy.txt:2 added 1 deleted 2 match=token=**************************"
expect_reason "data.gate.findings.deny: present github-pat CRITICAL /app/.env:1 source=file title=GitHub Personal Access Token"
expect_reason "data.gate.findings.deny: config DS002 CG-IMG-001 DS002 DL3002 AVD-DS-0002 image-config line=0"
grep -q "leaked" <<<"$reasons" && cg_fail "secrets or misconfigurations listed under input.vulnerabilities" || cg_ok
grep -q "warning: data.gate.findings.warn: port: Sensitive port exposed" "$T/d.err" && cg_ok ||
  cg_fail "warn over misconfigurations: $(cat "$T/d.err")"
# redaction: the planted values appear nowhere
for v in "$GH" "$GL"; do
  grep -qF "$v" "$T/d.json" "$T/d.err" && cg_fail "unredacted secret in the decision" || cg_ok
done
# Rego alone decides: a policy that denies nothing passes although the report has secrets
printf 'package quiet\n\nimport rego.v1\n\ndeny contains "x" if false\n' >"$T/quiet.rego"
cg_run "$T/q.json" "$T/q.err" policy "$T/rep.json" --policy "$T/quiet.rego" --now 2026-12-06
cg_expect_rc 0 "Rego-only policy with nothing to deny"

# a Trivy-written report: ids are Trivy's, cgate's members are null
cat >"$T/trivy.json" <<'JSON'
{"SchemaVersion": 2, "ArtifactName": "x:1", "ArtifactType": "container_image",
 "Results": [
  {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
   "Misconfigurations": [
     {"Type": "Dockerfile Security Check", "ID": "DS002", "AVDID": "AVD-DS-0002", "Title": "Image user should not be 'root'",
      "Message": "Specify at least 1 USER command in Dockerfile with non-root user as argument", "Severity": "HIGH",
      "Status": "FAIL", "CauseMetadata": {"StartLine": 3, "EndLine": 3}},
     {"Type": "Dockerfile Security Check", "ID": "DS026", "AVDID": "AVD-DS-0026", "Title": "No HEALTHCHECK defined",
      "Message": "Add HEALTHCHECK instruction in your Dockerfile", "Severity": "LOW", "Status": "PASS"}]},
  {"Target": "/app/.env", "Class": "secret",
   "Secrets": [{"RuleID": "github-pat", "Category": "GitHub", "Severity": "CRITICAL", "Title": "GitHub Personal Access Token",
                "StartLine": 4, "EndLine": 4, "Match": "T=****", "Layer": {"Digest": "sha256:aa", "DiffID": "sha256:bb"}}]}]}
JSON
cat >"$T/dump.rego" <<'REGO'
package dump

import rego.v1

deny contains json.marshal(input)
REGO
cg_run "$T/t.json" "$T/t.err" policy "$T/trivy.json" --policy "$T/dump.rego" --now 2026-12-06
cg_expect_rc 1 "dump of a Trivy report's input"
jq -r '.denyReasons[0]' "$T/t.json" | sed 's/^data.dump.deny: //' >"$T/tinput.json"
cg_expect_eq '[{"avdId":"AVD-DS-0002","checkId":null,"endLine":3,"hadolintId":null,"id":"DS002","line":3,"message":"Specify at least 1 USER command in Dockerfile with non-root user as argument","podSecurityLevel":null,"severity":"HIGH","target":"Dockerfile","title":"Image user should not be '"'"'root'"'"'","trivyId":"DS002","type":"dockerfile","workload":null}]' \
  "$(jq -c .misconfigurations "$T/tinput.json")" "misconfigurations[] of a Trivy report (PASS entries left out)"
cg_expect_eq '[{"category":"GitHub","endLine":4,"layer":{"added":null,"deleted":null,"diffId":"sha256:bb","digest":"sha256:aa"},"line":4,"match":"T=****","ruleId":"github-pat","severity":"CRITICAL","source":null,"target":"/app/.env","title":"GitHub Personal Access Token"}]' \
  "$(jq -c .secrets "$T/tinput.json")" "secrets[] of a Trivy report"

# both documents validate against the schema
cg_run "$T/c.json" "$T/c.err" policy "$T/rep.json" --policy "$T/dump.rego" --now 2026-12-06
jq -r '.denyReasons[0]' "$T/c.json" | sed 's/^data.dump.deny: //' >"$T/cinput.json"
cg_expect_eq 2 "$(jq '.secrets | length' "$T/cinput.json")" "secrets in the cgate report's input"
cg_expect_eq 3 "$(jq '.misconfigurations | length' "$T/cinput.json")" "misconfigurations in the cgate report's input"
if python3 -c 'import jsonschema' 2>/dev/null; then
  for f in cinput tinput; do
    python3 - "$CG_TESTS/../docs/rego-input.schema.json" "$T/$f.json" <<'PY' && cg_ok || cg_fail "$f does not match its schema"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
  done
else
  cg_info "python3-jsonschema missing: schema check skipped"
fi

# a policy nested 100,000 deep (brackets; an operand chain): exit 3 naming the file, not a stack overflow
python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
open(d + "/deep.rego", "w").write("package gate\nimport rego.v1\ndeny contains m if { m := " + "[" * 100000 + "1" + "]" * 100000 + " }\n")
open(d + "/chain.rego", "w").write("package gate\nimport rego.v1\ndeny contains m if { m := 1" + " + 1" * 100000 + " }\n")
PY
for f in deep chain; do
  cg_run "$T/x.json" "$T/x.err" policy "$T/rep.json" --policy "$T/$f.rego" --now 2026-12-06
  cg_expect_rc 3 "$f.rego nested 100,000 deep" "$T/x.err"
  cg_expect_one_error "$T/x.err" "$f.rego nested" "$f.rego" "nested deeper than 512 levels"
done
cg_finish
