#!/usr/bin/env bash
# test_policy_context.sh - `cgate policy` with runtime context and VEX, through
# the real Kubernetes and VEX loaders: the seed's claim (a network-vector CVSS
# 9.0 in a background worker ranks below a CVSS 6.5 on a public API) from
# manifests, the exposure facts in the decision, VEX statuses, context files
# hashed, unknown kinds listed, broken manifests and VEX refused with exit 3.
. "$(dirname "$0")/lib.sh"
cg_setup policy_context
D="$CG_TEST_DATA/policy"
K="$D/k8s"
SEED="$D/policies/seed.json"

ctx() { # ctx REPORTSCORE CONTEXT -> prints contextualRiskScore
  cg_run "$T/c.json" "$T/c.err" policy "$D/reports/net-$1.json" --policy "$SEED" --context "$K/$2" --now 2026-01-01
  if [ "$RC" != 0 ] && [ "$RC" != 1 ]; then
    cg_fail "net-$1 with $2: exit $RC: $(head -c 300 "$T/c.err")"
    echo -1
    return
  fi
  cp "$T/c.json" "$T/c-$1-$2.json"
  jq .contextualRiskScore "$T/c.json"
}

# By hand: worker = reach none (no Service, deny-all NetworkPolicy), AV:N weighs 0.2;
# public API = reach internet (LoadBalancer), AV:N weighs 1.0; no privilege factor.
w9=$(ctx 9.0 worker)
a65=$(ctx 6.5 public-api)
a9=$(ctx 9.0 public-api)
w65=$(ctx 6.5 worker)
cg_expect_eq 1.8 "$w9" "CVSS 9.0 in the worker"
cg_expect_eq 6.5 "$a65" "CVSS 6.5 on the public API"
cg_expect_eq 9 "$a9" "CVSS 9.0 on the public API"
cg_expect_eq 1.3 "$w65" "CVSS 6.5 in the worker"
# plain CVSS: 9.0 above 6.5; in context the worker's 9.0 ranks below the API's 6.5
awk -v a="$w9" -v b="$a65" 'BEGIN { exit !(a < b) }' && cg_ok || cg_fail "worker 9.0 ($w9) should rank below API 6.5 ($a65)"
# the plain riskScore does not move with context (the seed's formula)
cg_expect_eq 13.5 "$(jq .riskScore "$T/c-9.0-worker.json")" "riskScore of 9.0 critical in the worker"
cg_expect_eq 13.5 "$(jq .riskScore "$T/c-9.0-public-api.json")" "riskScore of 9.0 critical on the API"

W="$T/c-9.0-worker.json"
cg_expect_eq 'Deployment jobs/app-worker worker none' \
  "$(jq -r '.exposure.workloads[] | "\(.kind) \(.namespace)/\(.name) \(.container) \(.reach)"' "$W")" "worker exposure"
cg_expect_eq 0.2 "$(jq '.exposure.workloads[0].reachabilityWeights.N' "$W")" "worker AV:N weight"
jq -e '.exposure.workloads[0].why | any(test("default-deny-all"))' "$W" >/dev/null && cg_ok ||
  cg_fail "worker exposure does not say which NetworkPolicy isolates it"
A="$T/c-9.0-public-api.json"
cg_expect_eq 'internet [443,8080] []' \
  "$(jq -r '.exposure.workloads[0] | "\(.reach) \(.ports | tojson) \(.portsOutsideExposedPorts | tojson)"' "$A")" \
  "API reach, ports, and ports outside the seed's exposedPorts"
cg_expect_eq "context sha256:$(sha256sum "$K/public-api/api.yaml" | cut -d' ' -f1)" \
  "$(jq -r '.inputs[] | select(.role == "context") | "\(.role) \(.sha256)"' "$A")" "context file hashed"

# privilege: the same API privileged, as root, with hostNetwork -> 1.25^3 = 1.953125
sed -e 's/runAsNonRoot: true, runAsUser: 10001/runAsUser: 0/' \
    -e 's/automountServiceAccountToken: false/automountServiceAccountToken: false\n      hostNetwork: true/' \
    -e 's/allowPrivilegeEscalation: false/privileged: true/' "$K/public-api/api.yaml" >"$T/priv.yaml"
cg_run "$T/p.json" "$T/p.err" policy "$D/reports/net-6.5.json" --policy "$SEED" --context "$T/priv.yaml" --now 2026-01-01
cg_expect_rc 0 "privileged API" "$T/p.err"
cg_expect_eq 'hostNetwork,privileged,runsAsRoot 1.953125' \
  "$(jq -r '.exposure.workloads[0] | "\(.privilegeFactors | sort | join(",")) \(.privilegeMultiplier)"' "$T/p.json")" \
  "privilege factors and multiplier"
# 6.5 * 1.0 * 1.953125 = 12.6953125 -> 12.7
cg_expect_eq 12.7 "$(jq .contextualRiskScore "$T/p.json")" "privileged contextual risk"

# a manifest set that does not run the image: unknown counts as exposed
cg_run "$T/u.json" "$T/u.err" policy "$CG_TEST_DATA/policy/trivy/alpine-39.json.golden" --policy "$SEED" \
  --context "$K/worker" --now 2026-01-01
cg_expect_rc 1 "alpine-39 with an unrelated context" "$T/u.err"
cg_expect_eq 'unknown 0' "$(jq -r '"\(.exposure.reach) \(.exposure.workloads | length)"' "$T/u.json")" "unmatched image"

# unknown kinds are ignored and listed
cg_run "$T/i.json" "$T/i.err" policy "$D/reports/net-9.0.json" --policy "$SEED" --context "$K/worker-extra.yaml" --now 2026-01-01
cg_expect_rc 1 "context with an unknown kind" "$T/i.err"
jq -e '.exposure.ignoredKinds | any(startswith("Widget@"))' "$T/i.json" >/dev/null && cg_ok || cg_fail "unknown kind not listed"

# VEX: not_affected and fixed suppress; affected and under_investigation do not.
# alpine-39 by hand: 35.76 - 14.7 (musl, not_affected) - 1.59 (libssl1.1 CVE-2019-1549, fixed) = 19.47
cg_run "$T/v.json" "$T/v.err" policy "$CG_TEST_DATA/policy/trivy/alpine-39.json.golden" --policy "$SEED" \
  --vex "$D/vex/alpine-39.openvex.json" --now 2026-01-01
cg_expect_rc 1 "alpine-39 with VEX still denies (musl-utils under investigation)" "$T/v.err"
cg_expect_eq 'CVE-2019-1549 libssl1.1 fixed|CVE-2019-14697 musl not_affected vulnerable_code_not_in_execute_path' \
  "$(jq -r '[.vexSuppressed[] | "\(.id) \(.package) \(.status)\(if .justification then " " + .justification else "" end)"] | join("|")' "$T/v.json")" \
  "VEX-suppressed findings"
cg_expect_eq '["CVE-2019-14697"]' "$(jq -c .blockedCVEs "$T/v.json")" "musl-utils still blocked"
cg_expect_eq 19.47 "$(jq .riskScore "$T/v.json")" "riskScore without VEX-suppressed findings"
cg_expect_eq vex "$(jq -r '.inputs[2].role' "$T/v.json")" "VEX document hashed"

# bad context and VEX: exit 3, one line, nothing written
rm -f "$T/bad.json"
cg_run "$T/b.out" "$T/b.err" policy "$D/reports/net-9.0.json" --policy "$SEED" --context "$K/bad/broken.yaml" --now 2026-01-01 -o "$T/bad.json"
cg_expect_rc 3 "broken manifest" "$T/b.err" && cg_expect_one_error "$T/b.err" "broken manifest" "broken.yaml:10"
[ ! -e "$T/bad.json" ] && cg_ok || cg_fail "a decision was written for a broken manifest"
cg_run "$T/b.out" "$T/b.err" policy "$D/reports/net-9.0.json" --policy "$SEED" --vex "$D/policies/seed.json" --now 2026-01-01
cg_expect_rc 3 "a policy is not a VEX document" "$T/b.err" && cg_expect_one_error "$T/b.err" "not VEX" "seed.json"
cg_run "$T/b.out" "$T/b.err" policy "$D/reports/net-9.0.json" --policy "$SEED" --context "$T/nope" --now 2026-01-01
cg_expect_rc 3 "missing context path" "$T/b.err" && cg_expect_one_error "$T/b.err" "missing context" "nope"

# determinism with context and VEX
for i in 1 2; do
  cg_run "$T/det$i.json" "$T/det.err" policy "$CG_TEST_DATA/policy/trivy/alpine-39.json.golden" --policy "$D/policies/full.yaml" \
    --vex "$D/vex/alpine-39.openvex.json" --context "$K/worker" --context "$K/public-api" --now 2026-01-01
done
cg_expect_same_text "$T/det1.json" "$T/det2.json" "same bytes with context and VEX"

cg_finish
