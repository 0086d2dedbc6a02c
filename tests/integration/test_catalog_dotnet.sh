#!/usr/bin/env bash
# test_catalog_dotnet.sh - NuGet packages through `cgate sbom`: deps.json files
# from real fixtures in an OCI image, one replaced by a later layer, one deleted
# by a whiteout, and a hostile deps.json that must only warn.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_dotnet
D="$CG_TEST_DATA/dotnet"

cat >"$T/spec.json" <<EOF
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "app/WebApp.deps.json", "content_file": "$D/webapp.deps.json"},
    {"path": "opt/collector/datacollector.deps.json", "content_file": "$D/datacollector.deps.json"},
    {"path": "opt/old/old.deps.json", "content_file": "$D/datacollector.deps.json"}]},
  {"compression": "none", "entries": [
    {"path": "opt/old/old.deps.json", "type": "whiteout"},
    {"path": "opt/evil/evil.deps.json", "content": "{\"libraries\": {\"x\": [[[[["}]}]}
EOF
mkimage "$T/spec.json" oci "$T/img.oci"
cg_sbom "$T/out.json" "$T/err" "oci:$T/img.oci"
cg_expect_rc 0 "sbom" "$T/err" && cg_expect_json "$T/out.json" "sbom"

cg_pkg_purls "$T/out.json" >"$T/got.txt"
cat >"$T/want.txt" <<EOF
Newtonsoft.Json 13.0.1 pkg:nuget/Newtonsoft.Json@13.0.1
Newtonsoft.Json 9.0.1 pkg:nuget/Newtonsoft.Json@9.0.1
Serilog 2.10.0 pkg:nuget/Serilog@2.10.0
Serilog.Sinks.Console 4.1.0 pkg:nuget/Serilog.Sinks.Console@4.1.0
EOF
cg_expect_same_text "$T/want.txt" "$T/got.txt" "nuget set (old deps.json whited out)"
ref() { jq -r --arg n "$1" '.components[] | select(.name == $n) | ."bom-ref"' "$T/out.json"; }
cg_expect_eq "$(ref Serilog)" "$(jq -r --arg r "$(ref Serilog.Sinks.Console)" '.dependencies[] | select(.ref == $r) | .dependsOn | join(",")' "$T/out.json")" "Serilog.Sinks.Console -> Serilog"
w=$(jq -r '[.metadata.component.properties[] | select(.name == "cgate:warning") | .value] | join("\n")' "$T/out.json")
case "$w" in
  *"/opt/evil/evil.deps.json"*) cg_ok ;;
  *) cg_fail "no cgate:warning names the hostile deps.json: $w" ;;
esac
cg_finish
