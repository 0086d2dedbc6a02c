#!/usr/bin/env bash
# test_rego_cli.sh - cgate eval / cgate test / Rego in cgate policy, black-box:
# opa eval's JSON shape, exact big numbers, the seed's Quick start line and its
# `not deny` trap (warned at compile time), the seed policy deciding a report
# (alone and combined with a typed policy), the Conftest-style suites under
# tests/data/rego, refused network builtins, and runaway policies stopped by
# the limits with exit 3 and one line on stderr; recursion is a compile error.
. "$(dirname "$0")/lib.sh"
cg_setup rego_cli
# lib.sh's cg_is_asan pipes nm into grep -q, which pipefail can turn false
if [ "$(nm "$CGATE" 2>/dev/null | grep -c __asan_init)" != 0 ]; then export CGATE_SANITIZE=1; fi

D="$CG_TEST_DATA/rego"
SEED="$D/container-security.rego"
TRIVY="$CG_TEST_DATA/policy/trivy/alpine-39.json.golden"

one_line() { # FILE LABEL: stderr is exactly one line
  local n
  n=$(wc -l <"$1")
  if [ "$n" = 1 ]; then cg_ok; else cg_fail "$2: stderr has $n lines: $(head -c 300 "$1" | tr '\n' '|')"; fi
}

# --- eval: JSON shape, bindings, big integers --------------------------------
cg_run "$T/o" "$T/e" eval 'x := 1 + 2'
cg_expect_rc 0 "eval x := 1 + 2" "$T/e"
[ "$(jq -c '.result[0].bindings' "$T/o")" = '{"x":3}' ] && cg_ok || cg_fail "bindings: $(cat "$T/o")"
[ "$(jq -c '.result[0].expressions[0] | [.value, .text, .location.row, .location.col]' "$T/o")" = '[true,"x := 1 + 2",1,1]' ] \
  && cg_ok || cg_fail "expression: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval -f raw 'x := 12345678901234567890 * 10; y := x + 1'
cg_run "$T/o" "$T/e" eval 'x := 12345678901234567890 * 10; y := x + 1'
grep -q '"y": 123456789012345678901' "$T/o" && cg_ok || cg_fail "big integer rounded: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval -f raw 'units.parse_bytes("100EiB")'
[ "$(cat "$T/o")" = 115292150460684697600 ] && cg_ok || cg_fail "units.parse_bytes exact: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval -f raw '{"b": {3, 1, 2}, "a": [1]}'
[ "$(jq -c . "$T/o")" = '{"a":[1],"b":[1,2,3]}' ] && cg_ok || cg_fail "sets as sorted arrays: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval --fail 'x := input.nope'
cg_expect_rc 1 "--fail on undefined" "$T/e"
cg_run "$T/o" "$T/e" eval --fail-defined 'x := 1'
cg_expect_rc 1 "--fail-defined on defined" "$T/e"
# exit codes as opa eval (cmd/eval.go): 0 ok, 1 --fail/--fail-defined, 2 any error
cg_run "$T/o" "$T/e" eval --fail 'x := 1'
cg_expect_rc 0 "--fail on defined" "$T/e"
cg_run "$T/o" "$T/e" eval --fail-defined 'x := input.nope'
cg_expect_rc 0 "--fail-defined on undefined" "$T/e"
cg_run "$T/o" "$T/e" eval 'false'
cg_expect_rc 0 "undefined without --fail" "$T/e"
[ "$(cat "$T/o")" = '{}' ] && cg_ok || cg_fail "undefined is {}: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval --fail --fail-defined 'x := 1'
cg_expect_rc 2 "--fail with --fail-defined refused" "$T/e"
cg_run "$T/o" "$T/e" eval 'x := to_number("a")'
cg_expect_rc 0 "a builtin error is undefined without --strict-builtin-errors" "$T/e"
cg_run "$T/o" "$T/e" eval --fail-defined --strict-builtin-errors 'x := to_number("a")'
cg_expect_rc 2 "--strict-builtin-errors: an error is exit 2, also with --fail-defined" "$T/e"
[ "$(jq -r '.errors[0].code' "$T/o")" = eval_builtin_error ] && cg_ok || cg_fail "strict error JSON: $(cat "$T/o")"
one_line "$T/e" "strict builtin error"
printf 'package c\nimport rego.v1\np := 1\np := 2 if true\n' >"$T/conflict.rego"
cg_run "$T/o" "$T/e" eval --fail -d "$T/conflict.rego" 'data.c.p'
cg_expect_rc 2 "eval_conflict_error" "$T/e"
[ "$(jq -r '.errors[0].code' "$T/o")" = eval_conflict_error ] && cg_ok || cg_fail "conflict JSON: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval -i "$T/does-not-exist.json" 'input'
cg_expect_rc 2 "unreadable input" "$T/e"
one_line "$T/e" "unreadable input"
cg_run "$T/o" "$T/e" eval -d "$T/does-not-exist.rego" 'data'
cg_expect_rc 2 "unreadable -d" "$T/e"

# --- the seed's Quick start on a raw (Trivy) report: what OPA gives -------------
cg_run "$T/o" "$T/e" eval -i "$TRIVY" -d "$SEED" "data.container.security.allow"
cg_expect_rc 0 "seed quick start" "$T/e"
[ "$(cat "$T/o")" = '{}' ] && cg_ok || cg_fail "allow must be undefined ({}): $(cat "$T/o")"
grep -q "container-security.rego:17: warning: \`not deny\` is never true" "$T/e" && cg_ok \
  || cg_fail "no compile-time warning for not on a partial set: $(cat "$T/e")"
cg_run "$T/o" "$T/e" eval -f raw -i "$TRIVY" -d "$SEED" "data.container.security.deny"
[ "$(jq -c . "$T/o")" = '[]' ] && cg_ok || cg_fail "deny on the raw report must be []: $(cat "$T/o")"

# --- cgate policy with the seed, verbatim -------------------------------------
cg_run "$T/d.json" "$T/e" policy "$TRIVY" --policy "$SEED" --now 2026-01-01
cg_expect_rc 1 "seed policy blocks a CRITICAL 9.8" "$T/e"
[ "$(jq -r '.denyReasons[]' "$T/d.json")" = "data.container.security.deny: Block critical CVE CVE-2019-14697 (CVSS 9.8): " ] \
  && cg_ok || cg_fail "deny reasons: $(jq -c .denyReasons "$T/d.json")"
[ "$(jq -r .pass "$T/d.json")" = false ] && cg_ok || cg_fail "pass must be false"
cat >"$T/empty.json" <<'EOF'
{"SchemaVersion": 2, "ArtifactName": "clean:1", "Results": [{"Target": "x", "Vulnerabilities": [
 {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "Severity": "HIGH", "CVSS": {"ghsa": {"V3Score": 8.4}}},
 {"VulnerabilityID": "CVE-2", "PkgName": "b", "InstalledVersion": "1", "Severity": "CRITICAL"}]}]}
EOF
cg_run "$T/d.json" "$T/e" policy "$T/empty.json" --policy "$SEED" --now 2026-01-01
cg_expect_rc 0 "HIGH 8.4 and CRITICAL without score pass the seed" "$T/e"
sed 's/8.4/8.5/' "$T/empty.json" >"$T/high.json"
cg_run "$T/d.json" "$T/e" policy "$T/high.json" --policy "$SEED" --now 2026-01-01
cg_expect_rc 1 "HIGH 8.5 (ghsa, no NVD) blocks" "$T/e"
grep -q "Block high CVE CVE-1 (CVSS 8.5)" "$T/d.json" && cg_ok || cg_fail "high message: $(jq -c .denyReasons "$T/d.json")"
# typed + Rego: both must pass
cg_run "$T/d.json" "$T/e" policy "$T/empty.json" --policy "$CG_TEST_DATA/policy/policies/seed.json" --policy "$SEED" --now 2026-01-01
[ "$RC" = 0 ] || [ "$RC" = 1 ] && cg_ok || cg_fail "typed+rego: exit $RC $(cat "$T/e")"
cg_run "$T/d.json" "$T/e" policy "$T/high.json" --policy "$CG_TEST_DATA/policy/policies/seed.json" --policy "$SEED" --now 2026-01-01
cg_expect_rc 1 "typed+rego: the Rego deny blocks" "$T/e"
cg_run "$T/d.json" "$T/e" policy "$TRIVY" --policy "$SEED" --query 'data.container.security.deny' --now 2026-01-01
cg_expect_rc 1 "--query reads a deny set" "$T/e"
# the input document is what docs/rego.md says
cg_run "$T/o" "$T/e" eval -f raw -d "$D/k8s" 'true'
cat >"$T/in.rego" <<'EOF'
package probe
import rego.v1
deny contains sprintf("%v|%v|%v|%v", [v.severity, v.cvss.v3.score, v.cvss.v3.source, v.package]) if some v in input.vulnerabilities
warn contains input.now if true
EOF
cg_run "$T/d.json" "$T/e" policy "$T/high.json" --policy "$T/in.rego" --now 2026-01-01
grep -q "HIGH|8.5|ghsa|a" "$T/d.json" && cg_ok || cg_fail "input document: $(jq -c .denyReasons "$T/d.json")"
grep -q "warning: data.probe.warn: 2026-01-01" "$T/e" && cg_ok || cg_fail "warn goes to stderr: $(cat "$T/e")"
# warn messages and compile-time warnings are carried in the decision's `warnings`
[ "$(jq -c .warnings "$T/d.json")" = '["data.probe.warn: 2026-01-01"]' ] && cg_ok \
  || cg_fail "decision warnings: $(jq -c .warnings "$T/d.json")"
cat >"$T/warn.rego" <<'EOF'
package w
import rego.v1
deny contains "never" if false
warn contains "look at this" if true
allow if { not deny }
EOF
cg_run "$T/d.json" "$T/e" policy "$T/empty.json" --policy "$T/warn.rego" --now 2026-01-01
cg_expect_rc 0 "warn never blocks" "$T/e"
[ "$(jq -c '[.pass, .warnings, .denyReasons]' "$T/d.json")" = "[true,[\"$T/warn.rego:5: \`not deny\` is never true: deny is a partial set rule, and an empty set is defined (use \`count(deny) == 0\`)\",\"data.w.warn: look at this\"],[]]" ] \
  && cg_ok || cg_fail "warnings member: $(jq -c '[.pass, .warnings, .denyReasons]' "$T/d.json")"
cg_run "$T/d.json" "$T/e" policy "$T/empty.json" --policy "$T/warn.rego" --now 2026-01-01 --strict
cg_expect_rc 1 "--strict: any warning denies, Rego ones too" "$T/e"
[ "$(jq -c '.denyReasons' "$T/d.json")" = '["2 warnings and --strict"]' ] && cg_ok \
  || cg_fail "strict: $(jq -c .denyReasons "$T/d.json")"
cg_run "$T/d.json" "$T/e" policy "$T/empty.json" --policy "$T/warn.rego" --now 2026-01-01 --format table
grep -q "^WARNING: data.w.warn: look at this" "$T/d.json" && cg_ok || cg_fail "table warnings: $(cat "$T/d.json")"

# the whole input document validates against docs/rego-input.schema.json
cat >"$T/dump.rego" <<'EOF'
package dump
import rego.v1
deny contains json.marshal(input)
EOF
cg_run "$T/d.json" "$T/e" policy "$TRIVY" --policy "$T/dump.rego" --now 2026-01-01
jq -r '.denyReasons[0]' "$T/d.json" | sed 's/^data.dump.deny: //' >"$T/input.json"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 - "$CG_TESTS/../docs/rego-input.schema.json" "$T/input.json" <<'PY' && cg_ok || cg_fail "input document does not match its schema"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
else
  cg_info "python3-jsonschema missing: schema check skipped"
fi

# --- cgate test ---------------------------------------------------------------
cg_run "$T/o" "$T/e" test "$D/k8s" "$D/docker"
cg_expect_rc 0 "cgate test suites" "$T/e"
grep -q '^PASS: 9/9$' "$T/o" && cg_ok || cg_fail "summary: $(cat "$T/o")"
cg_run "$T/o" "$T/e" test --format json "$D/k8s"
[ "$(jq 'length' "$T/o")" = 4 ] && [ "$(jq '[.[] | select(.fail or .error)] | length' "$T/o")" = 0 ] && cg_ok \
  || cg_fail "json: $(cat "$T/o")"
cg_run "$T/o" "$T/e" test --run 'latest' -v "$D/k8s"
grep -q '^PASS: 1/1$' "$T/o" && cg_ok || cg_fail "--run: $(cat "$T/o")"
cat >"$T/twice_test.rego" <<'EOF'
package twice
import rego.v1
test_a if true
test_a if false
EOF
cg_run "$T/o" "$T/e" test "$T/twice_test.rego"
cg_expect_rc 2 "a test defined twice runs both; one fails" "$T/e"
grep -q '^FAIL: 1/2$' "$T/o" && cg_ok || cg_fail "twice: $(cat "$T/o")"

# --- refused builtins, parse errors --------------------------------------------
cg_run "$T/o" "$T/e" eval 'x := http.send({"method": "get", "url": "http://127.0.0.1/"})'
cg_expect_rc 2 "http.send refused (a compile error: exit 2 as opa eval)" "$T/e"
grep -q 'not available in cgate' "$T/o" && cg_ok || cg_fail "http.send message: $(cat "$T/o")"
cg_run "$T/o" "$T/e" eval 'x := [1,'
cg_expect_rc 2 "parse error" "$T/e"
[ "$(jq -r '.errors[0].code' "$T/o")" = rego_parse_error ] && cg_ok || cg_fail "parse error JSON: $(cat "$T/o")"

# --- runaway policies ------------------------------------------------------------
cat >"$T/run.rego" <<'EOF'
package run
import rego.v1
big := count([x | some i in numbers.range(1, 10000); some j in numbers.range(1, 10000); x := i * j])
s := concat("", [t | some j in numbers.range(1, 1000); t := "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])
huge := count(concat("", [s | some i in numbers.range(1, 10000)]))
spin := count({1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000)})
EOF
for q in big huge; do
  cg_run "$T/o" "$T/e" eval --max-memory 256M -d "$T/run.rego" "data.run.$q"
  cg_expect_rc 3 "runaway $q" "$T/e"
  one_line "$T/e" "runaway $q"
  grep -q 'eval_limit_error' "$T/e" && cg_ok || cg_fail "$q: $(cat "$T/e")"
done
# infinite recursion is a compile-time error, as in OPA (rego_recursion_error, exit 2)
cat >"$T/rec.rego" <<'EOF'
package rec
import rego.v1
f(x) := y if { y := f(x + 1) }
loop := f(0)
p if q
q if { some x in [1]; r[x] }
r contains 1 if p
EOF
cg_run "$T/o" "$T/e" eval -d "$T/rec.rego" "data.rec.loop"
cg_expect_rc 2 "infinite recursion: compile error" "$T/e"
one_line "$T/e" "recursion"
[ "$(jq -c '.errors[0] | [.code, .message, .location.row, .location.col]' "$T/o")" = \
  '["rego_recursion_error","rule data.rec.f is recursive: data.rec.f -> data.rec.f",3,1]' ] \
  && cg_ok || cg_fail "recursion error: $(cat "$T/o")"
sed -i '/^f(x)/d; /^loop/d' "$T/rec.rego"
cg_run "$T/o" "$T/e" eval -d "$T/rec.rego" "data.rec.p"
cg_expect_rc 2 "mutual recursion" "$T/e"
grep -q "rec.rego:3: rego_recursion_error: rule data.rec.p is recursive: data.rec.p -> data.rec.q -> data.rec.r -> data.rec.p" "$T/e" \
  && cg_ok || cg_fail "mutual recursion: $(cat "$T/e")"
cg_run "$T/o" "$T/e" test "$T/rec.rego"
[ "$RC" != 0 ] && grep -q rego_recursion_error "$T/e" && cg_ok || cg_fail "cgate test on a recursive module: exit $RC $(cat "$T/e")"
cg_run "$T/o" "$T/e" eval --timeout 1 -d "$T/run.rego" "data.run.spin"
cg_expect_rc 3 "--timeout" "$T/e"
one_line "$T/e" "timeout"
[ "$CG_LAST_MS" -lt 5000 ] && cg_ok || cg_fail "timeout took ${CG_LAST_MS}ms"
cg_run "$T/o" "$T/e" eval --max-steps 100000 -d "$T/run.rego" "data.run.spin"
cg_expect_rc 3 "--max-steps" "$T/e"
grep -q 'step limit' "$T/e" && cg_ok || cg_fail "steps: $(cat "$T/e")"

cg_finish
