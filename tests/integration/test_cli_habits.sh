#!/usr/bin/env bash
# test_cli_habits.sh - habits users bring from Syft and Trivy: "-o cyclonedx-json"
# names a format there and a file here, so cgate writes the file but says so; a
# path that merely looks like a format (./json, out/sarif) is written silently.
. "$(dirname "$0")/lib.sh"
cg_setup cli_habits
mkimage "$CG_TESTS/../samples/debian/spec.json" oci "$T/img.oci" >/dev/null
cd "$T" || cg_die "cd $T"
for f in cyclonedx-json spdx-json table sarif; do
  cg_sbom "$T/o" "$T/e" -o "$f" "oci:$T/img.oci"
  cg_expect_rc 0 "sbom -o $f" "$T/e"
  [ -s "$T/$f" ] && cg_ok || cg_fail "-o $f did not write the file it names"
  grep -q "^cgate: warning: -o $f writes a file named \"$f\"; to choose the output format use -f $f" "$T/e" &&
    cg_ok || cg_fail "-o $f: no warning naming the format ($(head -c 300 "$T/e"))"
done
mkdir -p "$T/out"
cg_sbom "$T/o" "$T/e" -o out/json "oci:$T/img.oci"
cg_expect_rc 0 "sbom -o out/json" "$T/e"
[ -s "$T/e" ] && cg_fail "-o out/json warned: $(head -c 300 "$T/e")" || cg_ok
cg_finish
