#!/usr/bin/env bash
# test_policy_pss.sh - the Pod Security Standards checks inside `cgate policy
# --context`: the findings on the workloads that run the report's image are
# always listed in the decision (podSecurity[]), block only when the policy's
# podSecurity rule says so (by level and severity), are covered by exceptions
# (any id scheme, path glob), reach Rego as input.misconfigurations[], and
# findings on workloads running other images are left out.
. "$(dirname "$0")/lib.sh"
cg_setup policy_pss
IMG=registry.local/shop/api:1.4
cat >"$T/report.json" <<JSON
{"SchemaVersion": 2, "ArtifactName": "$IMG", "ArtifactType": "container_image",
 "Metadata": {"RepoTags": ["$IMG"], "OS": {"Family": "debian", "Name": "12.5"}},
 "Results": [{"Target": "$IMG (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-0001", "PkgName": "libx", "InstalledVersion": "1.0-1",
     "FixedVersion": "1.0-2", "Severity": "LOW", "Title": "minor", "CVSS": {"nvd": {"V3Score": 3.1}}}]}]}
JSON
mkdir -p "$T/ctx"
# the image's workload: privileged (baseline, HIGH), a hostPath volume (baseline,
# MEDIUM), no seccomp profile (restricted, LOW), no runAsNonRoot (restricted, MEDIUM)
cat >"$T/ctx/api.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      volumes:
        - name: host
          hostPath: {path: /var/run}
      containers:
        - name: api
          image: $IMG
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            capabilities: {drop: ["ALL"]}
YAML
# another image's workload in the same context: hostNetwork, never reported here
cat >"$T/ctx/other.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: registry.local/ops/agent:2
YAML
pol() { printf 'apiVersion: cgate/v1\nkind: Policy\n%s' "$1" >"$T/p.yaml"; }
run() { cg_run "$T/d.json" "$T/d.err" policy "$T/report.json" --policy "$T/p.yaml" --context "$T/ctx" --now 2026-12-06 "$@"; }
ids() { jq -r "[.podSecurity[] | select(.status == \"$1\") | .id] | sort | join(\",\")" "$T/d.json"; }

# no podSecurity rule: every finding reported, none blocks
pol ''
run
cg_expect_rc 0 "PSS findings without a podSecurity rule" "$T/d.err"
cg_expect_eq "CG-K8S-001,CG-K8S-003,CG-K8S-013,CG-K8S-015" "$(ids reported)" "reported PSS findings"
cg_expect_eq "baseline high $T/ctx/api.yaml Deployment/api KSV017" \
  "$(jq -r '.podSecurity[] | select(.id == "CG-K8S-001") | "\(.level) \(.severity) \(.target) \(.workload) \(.aliases[0])"' "$T/d.json")" \
  "privileged finding"
jq -e '[.podSecurity[] | select(.line > 0)] | length == 4' "$T/d.json" >/dev/null && cg_ok || cg_fail "PSS lines"
jq -r '.podSecurity[] | "\(.target) \(.workload)"' "$T/d.json" | grep -q "agent\|other.yaml" &&
  cg_fail "another image's workload reported" || cg_ok

# level baseline: the baseline controls block, restricted ones are reported
pol 'podSecurity:
  level: baseline
'
run
cg_expect_rc 1 "podSecurity baseline" "$T/d.err"
cg_expect_eq "CG-K8S-001,CG-K8S-003" "$(ids blocked)" "baseline blocks"
cg_expect_eq "CG-K8S-013,CG-K8S-015" "$(ids reported)" "restricted reported under baseline"
cg_expect_eq "pod-security:baseline pod-security:baseline" "$(jq -r '[.blockedConfig[] | select(.class == "pod-security") | .rule] | join(" ")' "$T/d.json")" \
  "blockedConfig rules"
jq -e '.denyReasons | any(test("2 secrets or misconfigurations blocked"))' "$T/d.json" >/dev/null && cg_ok ||
  cg_fail "deny reason: $(jq -c .denyReasons "$T/d.json")"

# level restricted with a severity floor: only medium and up
pol 'podSecurity:
  level: restricted
  severity: medium
'
run
cg_expect_rc 1 "podSecurity restricted/medium"
cg_expect_eq "CG-K8S-001,CG-K8S-003,CG-K8S-013" "$(ids blocked)" "restricted at medium and up blocks"
cg_expect_eq "CG-K8S-015" "$(ids reported)" "the low one is reported"

# exceptions: a Trivy id and a path glob
pol 'podSecurity:
  level: restricted
  severity: medium
exceptions:
  - id: KSV017
    path: "*/ctx/api.yaml"
    reason: node agent needs it
    approvedBy: platform
    expires: 2027-01-31
  - id: CG-K8S-003
    reason: reads the docker socket
    approvedBy: platform
    expires: 2027-01-31
  - id: CG-K8S-013
    path: "*/elsewhere/*"
    reason: not this file
    approvedBy: platform
    expires: 2027-01-31
'
run
cg_expect_rc 1 "podSecurity with exceptions"
cg_expect_eq "CG-K8S-001,CG-K8S-003" "$(ids excepted)" "excepted PSS findings"
cg_expect_eq "CG-K8S-013" "$(ids blocked)" "an exception for another path does not apply"

# table output lists them
run --format table
grep -q "Pod Security Standards (--context):" "$T/d.json" && grep -q "CG-K8S-013 restricted (medium)" "$T/d.json" && cg_ok ||
  cg_fail "table: $(cat "$T/d.json")"

# Rego sees them as misconfigurations
cat >"$T/pss.rego" <<'REGO'
package pss

import rego.v1

deny contains sprintf("%s %s %s %s %s", [m.id, m.trivyId, m.podSecurityLevel, m.workload, m.type]) if {
	some m in input.misconfigurations
	m.podSecurityLevel == "baseline"
}
REGO
cg_run "$T/r.json" "$T/r.err" policy "$T/report.json" --policy "$T/pss.rego" --context "$T/ctx" --now 2026-12-06
cg_expect_rc 1 "Rego over PSS findings" "$T/r.err"
cg_expect_eq "data.pss.deny: CG-K8S-001 KSV017 baseline Deployment/api kubernetes|data.pss.deny: CG-K8S-003 KSV023 baseline Deployment/api kubernetes" \
  "$(jq -r '.denyReasons | sort | join("|")' "$T/r.json")" "Rego deny reasons"

# a bad rule is refused naming file and line
pol 'podSecurity:
  level: strict
'
run
cg_expect_rc 3 "podSecurity.level strict"
grep -q "p.yaml:4: podSecurity.level" "$T/d.err" && cg_ok || cg_fail "error: $(cat "$T/d.err")"
pol 'podSecurity:
  severity: high
'
run
cg_expect_rc 3 "podSecurity without level"
cg_finish
