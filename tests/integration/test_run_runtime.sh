#!/usr/bin/env bash
# test_run_runtime.sh - `cgate run --runtime-evidence F [--vex-out]` end to end,
# pushing to Debian's docker-registry on 127.0.0.1: the report marks each finding
# loaded exactly when a file of its package was opened; the scan stage's audit
# record names every evidence file with its sha256 and the window; decision.json
# records the evidence's sha256 and window (opted in or not); an opt-in policy
# passes (pushed, signed, tagged) an image whose blocking findings are all in
# never-loaded packages while the default policy denies it; vex.json is an
# artifact of the chain (audit verify re-hashes it); evidence taken from another
# image is refused at the scan stage (exit 3, recorded, no tag).  Rego policies see
# input.vulnerabilities[].runtime (absent without evidence; the input validates
# against docs/rego-input.schema.json).  A --dockerfile build (buildah, no network)
# reads evidence without a digest against the built image.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_runtime
reg_need
reg_start plain plain
run_fixture # for $KEY and COSIGN_PASSWORD

# an image with two Debian packages whose files are known (.list), /lib -> usr/lib
cat >"$T/spec.json" <<'J'
{"repo": "lab/rt", "tag": "1", "created": "2025-01-01T00:00:00Z", "layers": [{"entries": [
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=\"12\"\n"},
 {"path":"lib","type":"symlink","target":"usr/lib"},
 {"path":"usr/bin/app1","content":"app1"},
 {"path":"usr/lib/libapp2.so.1","content":"app2"},
 {"path":"var/lib/dpkg/status","content":"Package: app1\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\nPackage: app2\nStatus: install ok installed\nVersion: 2.0-1\nArchitecture: amd64\n\n"},
 {"path":"var/lib/dpkg/info/app1.list","content":"/.\n/usr\n/usr/bin\n/usr/bin/app1\n"},
 {"path":"var/lib/dpkg/info/app2:amd64.list","content":"/.\n/usr\n/usr/lib\n/usr/lib/libapp2.so.1\n"}
]}]}
J
mkimage "$T/spec.json" oci "$T/img" --info "$T/info.json"
IMG="oci:$T/img"
MD=$(jq -r '.images[0].manifest.digest // empty' "$T/info.json")
[ -n "$MD" ] || cg_die "no manifest digest in $T/info.json"
mkdir -p "$T/osv"
for p in app1 app2; do
  cat >"$T/osv/DEBIAN-CVE-2099-$p.json" <<J
{"id":"DEBIAN-CVE-2099-$p","modified":"2025-01-01T00:00:00Z","published":"2025-01-01T00:00:00Z","summary":"test $p",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"}],
 "affected":[{"package":{"ecosystem":"Debian:12","name":"$p"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
J
done
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import" "$T/i.err"
cat >"$T/default.yaml" <<'P'
apiVersion: cgate/v1
name: default
P
cat >"$T/optin.yaml" <<'P'
apiVersion: cgate/v1
name: runtime-opt-in
runtime:
  notLoaded:
    allowUpTo: critical
P
NOW=2026-12-01T00:00:00Z
run() { cg_run "$T/out" "$T/err" run "$IMG" --db "$T/db.sqlite" --now "$NOW" "$@"; }
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
loaded() { jq -r '[.Results[].Vulnerabilities[]? | "\(.PkgName)=\(.cgate.runtime.loaded)"] | sort | join(",")' "$1"; }

# evidence 1: app1's binary ran (through /lib? no: directly), app2's library was opened through /lib
printf '# image: %s\n# from: 2026-11-30T10:00:00Z\n# to: 2026-11-30T11:00:00Z\n/usr/bin/app1\n/lib/libapp2.so.1\n' "$MD" >"$T/both.txt"
# evidence 2: the process only touched files no package owns
printf '# image: %s\n# from: 2026-11-30T10:00:00Z\n# to: 2026-11-30T12:00:00Z\n/etc/hostname\n/proc/self/status\n' "$MD" >"$T/none.txt"

run -p "$T/optin.yaml" --dry-run --runtime-evidence "$T/both.txt" --artifacts "$T/a1"
cg_expect_rc 1 "opt-in policy, both packages loaded: denied" "$T/err"
cg_expect_eq "app1=true,app2=true" "$(loaded "$T/a1/report.json")" "report: both loaded (usr-merge resolved)"
cg_expect_eq "$(sha "$T/both.txt")" "$(jq -r '.runtime.evidence' "$T/a1/decision.json")" "decision: evidence sha256"
cg_expect_eq "0" "$(jq '.runtime.notLoadedAllowed | length' "$T/a1/decision.json")" "decision: nothing let through"

# default policy, nothing loaded: still denied; the decision still records the evidence
run -p "$T/default.yaml" --dry-run --runtime-evidence "$T/none.txt" --artifacts "$T/a2"
cg_expect_rc 1 "default policy ignores runtime evidence" "$T/err"
cg_expect_eq "app1=false,app2=false" "$(loaded "$T/a2/report.json")" "report: nothing loaded"
cg_expect_eq "null $(sha "$T/none.txt")" "$(jq -r '"\(.runtime.allowUpTo) \(.runtime.evidence)"' "$T/a2/decision.json")" \
  "decision without opt-in: allowUpTo null, the evidence recorded"
case "$(jq -r .runtime.window "$T/a2/decision.json")" in
2026-11-30T10:00:00Z..2026-11-30T12:00:00Z,\ 2\ events) cg_ok ;;
*) cg_fail "decision window: $(jq -c .runtime "$T/a2/decision.json")" ;;
esac

# opt-in, nothing loaded: passes; pushed, signed, tagged; vex.json in the chain
run -p "$T/optin.yaml" --to "$REG/rt/app:1" --key "$KEY" --runtime-evidence "$T/none.txt" --vex-out --artifacts "$T/a3"
cg_expect_rc 0 "opt-in policy, nothing loaded: pushed" "$T/err"
case "$(cat "$T/out")" in "$REG/rt/app:1@sha256:"*) cg_ok ;; *) cg_fail "stdout: $(cat "$T/out")" ;; esac
cg_expect_eq 200 "$(run_tag_status rt/app 1)" "the tag is set"
cg_expect_eq "2" "$(jq '.runtime.notLoadedAllowed | length' "$T/a3/decision.json")" "decision: two findings let through"
SREC=$(jq -c 'select(.stage == "scan")' "$T/a3/audit.jsonl")
cg_expect_eq "runtime-evidence $T/none.txt $(sha "$T/none.txt")" \
  "$(jq -r '.inputs[] | select(.role == "runtime-evidence") | "\(.role) \(.path) \(.sha256)"' <<<"$SREC")" \
  "audit: the scan record names the evidence file and its sha256"
cg_expect_eq "2026-11-30T10:00:00Z 2026-11-30T12:00:00Z 2 2" \
  "$(jq -r '.runtime | "\(.from) \(.to) \(.events) \(.unowned)"' <<<"$SREC")" "audit: the window and counters"
cg_expect_eq "$(sha "$T/a3/vex.json")" "$(jq -r '.outputs[] | select(.artifact == "vex.json") | .sha256' <<<"$SREC")" \
  "audit: vex.json is an output of the scan stage"
cg_expect_eq "DEBIAN-CVE-2099-app1 not_affected vulnerable_code_not_in_execute_path,DEBIAN-CVE-2099-app2 not_affected vulnerable_code_not_in_execute_path" \
  "$(jq -r '[.statements[] | "\(.vulnerability.name) \(.status) \(.justification)"] | join(",")' "$T/a3/vex.json")" \
  "vex.json: one statement per never-loaded finding"
cg_run "$T/v.out" "$T/v.err" audit verify "$T/a3"
cg_expect_rc 0 "audit verify" "$T/v.err"
printf ' ' >>"$T/a3/vex.json"
cg_run "$T/v.out" "$T/v.err" audit verify "$T/a3"
cg_expect_rc 1 "audit verify notices a changed vex.json" "$T/v.err"
truncate -s -1 "$T/a3/vex.json"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$CG_TESTS/data/schemas/openvex/openvex_json_schema.json" "$T/a3/vex.json" >"$T/sv.out" 2>&1 \
    && cg_ok || cg_fail "vex.json against the OpenVEX schema: $(tail -c 400 "$T/sv.out")"
fi

# Rego: input.vulnerabilities[].runtime is the report's cgate.runtime; absent without evidence
cat >"$T/rt.rego" <<'R'
package runtime
import rego.v1
deny contains msg if {
  some v in input.vulnerabilities
  v.runtime.loaded
  msg := sprintf("%s loaded via %s (%d events from %s)", [v.id, v.runtime.evidence[0], v.runtime.window.events, v.runtime.window.from])
}
deny contains msg if {
  some v in input.vulnerabilities
  not v.runtime
  msg := sprintf("%s: no runtime evidence", [v.id])
}
R
pol() { cg_run "$T/p.out" "$T/p.err" policy "$1" --policy "$T/rt.rego" --now 2026-12-01; }
pol "$T/a1/report.json"
cg_expect_rc 1 "Rego: loaded findings denied" "$T/p.err"
cg_expect_eq "data.runtime.deny: DEBIAN-CVE-2099-app1 loaded via /usr/bin/app1 (2 events from 2026-11-30T10:00:00Z)|data.runtime.deny: DEBIAN-CVE-2099-app2 loaded via /lib/libapp2.so.1 (2 events from 2026-11-30T10:00:00Z)" \
  "$(jq -r '.denyReasons | sort | join("|")' "$T/p.out")" "Rego: runtime.loaded, evidence and window as in the report"
pol "$T/a2/report.json"
cg_expect_rc 0 "Rego: nothing loaded passes" "$T/p.err"
cg_run "$T/s.out" "$T/s.err" scan --db "$T/db.sqlite" --now "$NOW" -o "$T/plain.json" "$IMG"
pol "$T/plain.json"
cg_expect_rc 1 "Rego: no evidence is not \"not loaded\"" "$T/p.err"
cg_expect_eq "2" "$(jq '[.denyReasons[] | select(endswith("no runtime evidence"))] | length' "$T/p.out")" "Rego: runtime absent without evidence"
cat >"$T/dump.rego" <<'R'
package dump
import rego.v1
deny contains json.marshal(input)
R
cg_run "$T/d.json" "$T/d.err" policy "$T/a1/report.json" --policy "$T/dump.rego" --now 2026-12-01
jq -r '.denyReasons[0]' "$T/d.json" | sed 's/^data.dump.deny: //' >"$T/input.json"
cg_expect_eq "true" "$(jq '.vulnerabilities[0].runtime.loaded' "$T/input.json")" "Rego input carries runtime"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$CG_TESTS/../docs/rego-input.schema.json" "$T/input.json" >"$T/sv.out" 2>&1 \
    && cg_ok || cg_fail "Rego input vs docs/rego-input.schema.json: $(tail -c 400 "$T/sv.out")"
fi

# evidence from another image: refused at the scan stage, exit 3, recorded, nothing tagged
printf '# image: sha256:%064d\n/usr/bin/app1\n' 0 >"$T/other.txt"
run -p "$T/optin.yaml" --to "$REG/rt/app:2" --key "$KEY" --runtime-evidence "$T/other.txt" --artifacts "$T/a4"
cg_expect_rc 3 "evidence of another image: bad input" "$T/err"
grep -q "stage scan: runtime evidence .*other.txt was taken from image sha256:0000.*refused" "$T/err" && cg_ok ||
  cg_fail "the refusal is not one clear line: $(cat "$T/err")"
cg_expect_eq "scan error" "$(tail -n 1 "$T/a4/audit.jsonl" | jq -r '"\(.stage) \(.result)"')" "audit: the scan stage failed"
cg_expect_eq 404 "$(run_tag_status rt/app 2)" "no tag after a refused evidence file"

# a report is untrusted: only the documented members reach Rego
jq '.Results[0].Vulnerabilities[0].cgate.runtime += {"evil": {"x": 1}, "evidence": ["/a", 5, "/b", "/c", "/d"]}' \
  "$T/a1/report.json" >"$T/evil.json"
cg_run "$T/d.json" "$T/d.err" policy "$T/evil.json" --policy "$T/dump.rego" --now 2026-12-01
jq -r '.denyReasons[0]' "$T/d.json" | sed 's/^data.dump.deny: //' >"$T/input2.json"
cg_expect_eq 'evidence,loaded,window /a,/b,/c' \
  "$(jq -r '.vulnerabilities[0].runtime | "\(keys | join(",")) \(.evidence | join(","))"' "$T/input2.json")" \
  "Rego input: unknown members dropped, evidence strings only, at most 3"

# a build (buildah, no network: FROM the image above): its digest is not known
# beforehand, so the evidence names none; the scan stage reads it against the built image
if command -v buildah >/dev/null; then
  export CG_VMEM_KB=unlimited # buildah is a Go program
  mkdir -p "$T/ctx"
  printf 'extra\n' >"$T/ctx/extra.txt"
  printf 'ARG BASE\nFROM ${BASE}\nCOPY extra.txt /opt/extra.txt\n' >"$T/ctx/Dockerfile"
  printf '/usr/bin/app1\n/opt/extra.txt\n' >"$T/build-ev.txt"
  CG_TIMEOUT=300 SOURCE_DATE_EPOCH=1700000000 cg_run "$T/out" "$T/err" run --dockerfile "$T/ctx/Dockerfile" \
    --build-arg "BASE=$IMG" --dry-run --db "$T/db.sqlite" --now "$NOW" -p "$T/optin.yaml" \
    --runtime-evidence "$T/build-ev.txt" --vex-out --artifacts "$T/a7"
  if grep -q "stage build" "$T/err" && [ ! -s "$T/a7/image.oci/index.json" ]; then
    cg_info "buildah cannot build here: the build case is not checked ($(tail -1 "$T/err"))"
  else
    cg_expect_rc 1 "a built image, app1 loaded: denied" "$T/err"
    cg_expect_eq "app1=true,app2=false" "$(loaded "$T/a7/report.json")" "built image: loaded per the evidence"
    cg_expect_eq "build sbom scan policy" "$(jq -r .stage "$T/a7/audit.jsonl" | tr '\n' ' ' | sed 's/ $//')" \
      "built image: the records"
    cg_expect_eq "$(sha "$T/build-ev.txt")" \
      "$(jq -r 'select(.stage == "scan") | .inputs[] | select(.role == "runtime-evidence") | .sha256' "$T/a7/audit.jsonl")" \
      "built image: the scan record names the evidence"
    cg_expect_eq "DEBIAN-CVE-2099-app2" "$(jq -r '[.statements[].vulnerability.name] | join(",")' "$T/a7/vex.json")" \
      "built image: vex.json for the never-loaded package only"
  fi
else
  cg_info "buildah is not installed: the build case is not checked"
fi

# usage
run -p "$T/optin.yaml" --dry-run --vex-out --artifacts "$T/a5"
cg_expect_rc 2 "--vex-out without --runtime-evidence" "$T/err"
run -p "$T/optin.yaml" --dry-run --runtime-evidence "$T/missing.txt" --artifacts "$T/a6"
cg_expect_rc 3 "a missing evidence file" "$T/err"
cg_finish
