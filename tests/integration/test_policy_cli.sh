#!/usr/bin/env bash
# test_policy_cli.sh - `cgate policy` end to end: hand-computed decisions for
# two of Trivy's goldens, every Trivy JSON golden evaluated, exception expiry
# by --now, --exceptions, determinism, exit codes, one-line errors with file,
# line and key for every kind of bad input, no output left behind on error,
# and the example policies against docs/policy.schema.json.
. "$(dirname "$0")/lib.sh"
cg_setup policy_cli
D="$CG_TEST_DATA/policy"
P="$D/policies"
G="$D/trivy"

# -- debian-buster by hand, the seed's PolicyConfig --------------------------
# CVE-2019-18276 bash LOW nvd 7.8, unfixed      -> blocked "unfixed", risk 7.8*0 = 0
# CVE-2019-18224 libidn2-0 CRITICAL nvd 9.8     -> blocked (9.8 >= 7.0), risk 14.7
cg_run "$T/deb.json" "$T/deb.err" policy "$G/debian-buster.json.golden" --policy "$P/seed.json" --now 2026-01-01
cg_expect_rc 1 "debian-buster denied" "$T/deb.err"
cg_expect_json "$T/deb.json" "debian-buster decision"
cg_expect_eq '["CVE-2019-18276","CVE-2019-18224"]' "$(jq -c .blockedCVEs "$T/deb.json")" "debian-buster blockedCVEs"
cg_expect_eq 14.7 "$(jq .riskScore "$T/deb.json")" "debian-buster riskScore"
cg_expect_eq 'unfixed severity:critical' "$(jq -r '[.blocked[].rule] | join(" ")' "$T/deb.json")" "debian-buster rules"
cg_expect_eq 'Block unpatched CVE-2019-18276. Monitor vendor advisory or isolate workload.' \
  "$(jq -r '.remediationSteps[0]' "$T/deb.json")" "seed remediation step for an unfixed finding"
cg_expect_eq 'upgrade libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1 fixes CVE-2019-18224' \
  "$(jq -r '.remediation[] | select(.package == "libidn2-0") | .text' "$T/deb.json")" "grouped remediation"
# no context: unknown exposure weighs 1.0, so contextual = 7.8 + 9.8
cg_expect_eq 17.6 "$(jq .contextualRiskScore "$T/deb.json")" "debian-buster contextualRiskScore"
cg_expect_eq report,policy "$(jq -r '[.inputs[].role] | join(",")' "$T/deb.json")" "input roles"
cg_expect_eq "sha256:$(sha256sum "$G/debian-buster.json.golden" | cut -d' ' -f1)" \
  "$(jq -r '.inputs[0].sha256' "$T/deb.json")" "report sha256"

# -- alpine-39 by hand -------------------------------------------------------
# 4 x MEDIUM 5.3 (libcrypto1.1, libssl1.1) -> 4 * 1.59 = 6.36, not blocked (fixed)
# 2 x CRITICAL 9.8 CVE-2019-14697 (musl, musl-utils) -> 2 * 14.7 = 29.4, blocked
cg_run "$T/alp.json" "$T/alp.err" policy "$G/alpine-39.json.golden" --policy "$P/seed.json" --now 2026-01-01
cg_expect_rc 1 "alpine-39 denied" "$T/alp.err"
cg_expect_eq '["CVE-2019-14697","CVE-2019-14697"]' "$(jq -c .blockedCVEs "$T/alp.json")" "alpine-39 blockedCVEs"
cg_expect_eq 35.76 "$(jq .riskScore "$T/alp.json")" "alpine-39 riskScore"
cg_expect_eq 'musl musl-utils' "$(jq -r '[.remediation[].package] | join(" ")' "$T/alp.json")" "alpine-39 remediation packages"

# -- expiry ------------------------------------------------------------------
cg_run "$T/e1.json" "$T/e1.err" policy "$G/alpine-39.json.golden" --policy "$P/expiring.yaml" --now 2026-01-01
cg_expect_rc 0 "exception valid on 2026-01-01 suppresses" "$T/e1.err"
cg_expect_eq true "$(jq .pass "$T/e1.json")" "pass on 2026-01-01"
cg_expect_eq 2 "$(jq '.exceptions.applied[0].suppressed | length' "$T/e1.json")" "applied exception lists both findings"
cg_expect_eq 0 "$(jq '.exceptions.expired | length' "$T/e1.json")" "nothing expired on 2026-01-01"
cg_run "$T/e2.json" "$T/e2.err" policy "$G/alpine-39.json.golden" --policy "$P/expiring.yaml" --now 2027-01-01
cg_expect_rc 1 "exception expired on 2027-01-01 denies" "$T/e2.err"
cg_expect_eq 'CVE-2019-14697 2026-06-30' "$(jq -r '.exceptions.expired[0] | "\(.id) \(.expires)"' "$T/e2.json")" \
  "expired exception listed"
cg_expect_eq 0 "$(jq '.exceptions.applied | length' "$T/e2.json")" "an expired exception applies to nothing"

# -- --exceptions file ---------------------------------------------------------
cg_run "$T/x.json" "$T/x.err" policy "$G/debian-buster.json.golden" --policy "$P/seed.json" \
  --exceptions "$D/exceptions.yaml" --now 2026-01-01
cg_expect_rc 1 "debian-buster with bash excepted still denies (libidn2)" "$T/x.err"
cg_expect_eq '["CVE-2019-18224"]' "$(jq -c .blockedCVEs "$T/x.json")" "--exceptions suppressed bash"
cg_expect_eq exceptions "$(jq -r '.inputs[2].role' "$T/x.json")" "exceptions file hashed"

# -- every Trivy JSON golden evaluates ------------------------------------------
n=0
for g in "$G"/*.json.golden; do
  case $g in */not-a-report.*) continue ;; esac
  n=$((n + 1))
  for pol in seed.json full.yaml full.json; do
    cg_run "$T/g.json" "$T/g.err" policy "$g" --policy "$P/$pol" --now 2026-01-01
    if [ "$RC" != 0 ] && [ "$RC" != 1 ]; then
      cg_fail "$(basename "$g") with $pol: exit $RC: $(head -c 300 "$T/g.err")"
    elif ! jq -e '.pass == (.denyReasons | length == 0) and (.blockedCVEs | length) == (.blocked | length)' \
      "$T/g.json" >/dev/null; then
      cg_fail "$(basename "$g") with $pol: inconsistent decision"
    elif [ "$RC" = 0 ] && [ "$(jq .pass "$T/g.json")" != true ]; then
      cg_fail "$(basename "$g") with $pol: exit 0 but pass is not true"
    else
      cg_ok
    fi
  done
done
[ "$n" -ge 80 ] || cg_fail "only $n goldens found"

# -- determinism and output files ---------------------------------------------------
cg_run "$T/d1.json" "$T/d1.err" policy "$G/alpine-39.json.golden" --policy "$P/full.yaml" --now 2026-01-01
cg_run "$T/d2.out" "$T/d2.err" policy "$G/alpine-39.json.golden" --policy "$P/full.yaml" --now 2026-01-01 -o "$T/d2.json"
cg_expect_rc 1 "-o keeps the exit code" "$T/d2.err"
cg_expect_same_text "$T/d1.json" "$T/d2.json" "same inputs and --now, same bytes"
cg_run "$T/tab.txt" "$T/tab.err" policy "$G/alpine-39.json.golden" --policy "$P/seed.json" --now 2026-01-01 -f table
cg_expect_rc 1 "table format" "$T/tab.err"
grep -q '^Decision: DENY (2026-01-01)' "$T/tab.txt" && cg_ok || cg_fail "table has no decision line"
SOURCE_DATE_EPOCH=1767225600 cg_run "$T/sde.json" "$T/sde.err" policy "$G/alpine-39.json.golden" --policy "$P/seed.json"
cg_expect_eq 2026-01-01 "$(jq -r .now "$T/sde.json")" "default date from SOURCE_DATE_EPOCH"

# -- the decision names the image: ArtifactName, RepoDigests (digest part, unique, sorted), ImageID --
cg_expect_eq "$(jq -c '{name: .ArtifactName, manifestDigests: [], configDigest: .Metadata.ImageID}' "$G/alpine-39.json.golden")" \
  "$(jq -c .image "$T/alp.json")" "alpine-39 decision names Trivy's ImageID"
cg_expect_eq 'now,image,denyReasons' "$(jq -r 'keys_unsorted | .[index("now"):index("now")+3] | join(",")' "$T/alp.json")" \
  "image comes right after now"
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat >"$T/img-report.json" <<REP
{"SchemaVersion": 2, "ArtifactName": "reg.example/app:1", "ArtifactType": "container_image",
 "Metadata": {"ImageID": "sha256:$(h c)",
              "RepoDigests": ["reg.example/app@sha256:$(h b)", "mirror.example/app@sha256:$(h a)",
                              "reg.example/app@sha256:$(h a)", "reg.example/app@latest"]},
 "Results": []}
REP
cg_run "$T/img.json" "$T/img.err" policy "$T/img-report.json" --policy "$P/seed.json" --now 2026-01-01
cg_expect_rc 0 "a clean report passes" "$T/img.err"
want=$(printf 'sha256:%s\n' "$(h a)" "$(h b)" | sort | jq -Rsc 'split("\n")[:-1]')
cg_expect_eq "{\"name\":\"reg.example/app:1\",\"manifestDigests\":$want,\"configDigest\":\"sha256:$(h c)\"}" \
  "$(jq -c .image "$T/img.json")" "decision image from RepoDigests and ImageID"
cg_run "$T/img.txt" "$T/imgt.err" policy "$T/img-report.json" --policy "$P/seed.json" --now 2026-01-01 -f table
grep -qx "Image: reg.example/app:1 $(jq -r '.[0]' <<<"$want")" "$T/img.txt" && cg_ok || cg_fail "table has no Image line: $(cat "$T/img.txt")"
# an ImageID that is not a sha256 digest is not a config digest
jq '.Metadata.ImageID = "sha256:1234" | .Metadata.RepoDigests = [] | del(.ArtifactName)' "$T/img-report.json" >"$T/img2-report.json"
cg_run "$T/img2.json" "$T/img2.err" policy "$T/img2-report.json" --policy "$P/seed.json" --now 2026-01-01
cg_expect_eq '{"name":null,"manifestDigests":[],"configDigest":null}' "$(jq -c .image "$T/img2.json")" \
  "no digests: the decision's image names none"

# -- bad input: exit 3, one line naming file, line and key, nothing written ------------
bad() { # bad LABEL WANT... -- ARGS
  local label=$1; shift
  local want=()
  while [ "$1" != -- ]; do want+=("$1"); shift; done
  shift
  rm -f "$T/bad.json"
  cg_run "$T/bad.out" "$T/bad.err" policy "$@" --now 2026-01-01 -o "$T/bad.json"
  cg_expect_rc 3 "$label" "$T/bad.err" && cg_expect_one_error "$T/bad.err" "$label" "${want[@]}"
  [ ! -e "$T/bad.json" ] && cg_ok || cg_fail "$label: a decision was written"
}
R="$G/alpine-39.json.golden"
B="$D/bad"
bad "unknown key" "unknown-key.yaml:3: maxCritcalCVSS: unknown key" -- "$R" --policy "$B/unknown-key.yaml"
bad "wrong type" "wrong-type.json:2: maxHighCVSS: must be a number" -- "$R" --policy "$B/wrong-type.json"
bad "negative threshold" "negative.yaml:4: severities.high.minCvss: must be >= 0" -- "$R" --policy "$B/negative.yaml"
bad "exception without id" "exception-no-id.yaml:3: exceptions[0].id: missing" -- "$R" --policy "$B/exception-no-id.yaml"
bad "exception without expiry" "exception-no-expiry.yaml:3: expires: missing" -- "$R" --policy "$B/exception-no-expiry.yaml"
bad "duplicate key" "duplicate.yaml:3: maxRiskScore: duplicate key" -- "$R" --policy "$B/duplicate.yaml"
bad "YAML alias bomb" "alias-bomb.yaml:2: YAML anchors are not allowed" -- "$R" --policy "$B/alias-bomb.yaml"
bad "10,000-deep JSON" "deep.json:1: nested deeper than 32 levels" -- "$R" --policy "$B/deep.json"
bad "10,000-deep YAML" "deep.yaml:5: nested deeper than 32 levels" -- "$R" --policy "$B/deep.yaml"
bad "report without ids" "report-no-id.json:2: Results[0].Vulnerabilities[0].VulnerabilityID" -- "$B/report-no-id.json" --policy "$P/seed.json"
bad "an SBOM is not a report" "report-sbom.json:1: SchemaVersion" -- "$B/report-sbom.json" --policy "$P/seed.json"
bad "Trivy's CycloneDX is not a report" "not-a-report.npm-cyclonedx.json.golden:1: SchemaVersion" -- "$G/not-a-report.npm-cyclonedx.json.golden" --policy "$P/seed.json"
bad "truncated report" "report-truncated.json: invalid JSON at line 2" -- "$B/report-truncated.json" --policy "$P/seed.json"
bad "missing report" "nope.json: cannot open" -- "$T/nope.json" --policy "$P/seed.json"
bad "policy is a folder" "not a regular file" -- "$R" --policy "$P"
printf '' >"$T/empty.yaml"
bad "empty policy" "empty.yaml:1: empty document" -- "$R" --policy "$T/empty.yaml"
printf 'exceptions:\n  - id: CVE-1\n    reason: r\n    approvedBy: a\n    expires: 2026-13-01\n' >"$T/exc-bad.yaml"
bad "bad exceptions file" "exc-bad.yaml:5: exceptions[0].expires: must be a date" -- "$R" --policy "$P/seed.json" --exceptions "$T/exc-bad.yaml"

# -- usage errors: exit 2 --------------------------------------------------------------------
usage() {
  local label=$1; shift
  cg_run "$T/u.out" "$T/u.err" policy "$@"
  cg_expect_rc 2 "$label" "$T/u.err"
}
usage "no --policy" "$R"
usage "no report" --policy "$P/seed.json"
usage "two reports" "$R" "$R" --policy "$P/seed.json"
usage "bad --now" "$R" --policy "$P/seed.json" --now 2026-02-30
usage "unknown format" "$R" --policy "$P/seed.json" -f sarif
usage "unknown option" "$R" --policy "$P/seed.json" --thresholds
cg_run "$T/h.out" "$T/h.err" policy --help
cg_expect_rc 0 "--help" "$T/h.err"

# -- example policies against docs/policy.schema.json ---------------------------------------
tools="$CG_TESTS/tools/schema-validate"
if command -v node >/dev/null && [ -d "$tools/node_modules/ajv" ]; then
  docs=("$P/seed.json" "$P/full.json")
  if python3 -c 'import yaml' 2>/dev/null; then
    for y in "$P"/*.yaml "$D/exceptions.yaml"; do
      [ "$y" = "$D/exceptions.yaml" ] && continue
      python3 -c 'import sys, yaml, json; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"), default=str)' \
        "$y" "$T/$(basename "$y").json" && docs+=("$T/$(basename "$y").json")
    done
  else
    cg_info "python3-yaml missing: YAML examples not schema-checked"
  fi
  if sh "$tools/validate" policy "${docs[@]}" >"$T/schema.out" 2>&1; then cg_ok; else cg_fail "schema: $(cat "$T/schema.out")"; fi
  # the schema refuses what cgate refuses
  for b in unknown-key.yaml negative.yaml exception-no-id.yaml wrong-type.json; do
    f="$B/$b"
    case $b in *.yaml)
      python3 -c 'import sys, yaml, json; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"), default=str)' \
        "$f" "$T/$b.json" 2>/dev/null || continue
      f="$T/$b.json" ;;
    esac
    if sh "$tools/validate" policy "$f" >/dev/null 2>&1; then cg_fail "schema accepts bad/$b"; else cg_ok; fi
  done
else
  cg_info "ajv missing: schema checks skipped (run: (cd $tools && npm install --no-audit --no-fund))"
fi

cg_finish
