#!/usr/bin/env bash
# test_scan_schema.sh - the report samples unit/test_report writes (run here
# with CG_TMP pointing at this test's scratch dir) must be valid: SARIF
# against the OASIS SARIF 2.1.0 schema, CycloneDX against 1.6.  Skips (77)
# when node or the validator's node_modules are missing.
. "$(dirname "$0")/lib.sh"
cg_setup scan_schema
tools="$CG_TESTS/tools/schema-validate"
command -v node >/dev/null 2>&1 || cg_skip "node is not installed"
for m in ajv ajv-formats ajv-draft-04; do
  [ -d "$tools/node_modules/$m" ] || cg_skip "ajv missing; run: (cd $tools && npm install --no-audit --no-fund)"
done
bin="${CG_BUILD:?}/tests/test_report"
[ -x "$bin" ] || cg_die "missing $bin"
CG_TMP="$T" "$bin" >"$T/unit.log" 2>&1 || cg_die "test_report failed: $(tail -5 "$T/unit.log")"
s="$T/scan-samples"
[ -s "$s/report.sarif" ] && [ -s "$s/report.cdx.json" ] || cg_die "no samples in $s"
sh "$tools/validate" sarif-2.1.0 "$s/report.sarif" >"$T/v1" 2>&1 && cg_ok || cg_fail "SARIF invalid: $(cat "$T/v1")"
sh "$tools/validate" cyclonedx-1.6 "$s/report.cdx.json" >"$T/v2" 2>&1 && cg_ok || cg_fail "CycloneDX invalid: $(cat "$T/v2")"
cg_finish
