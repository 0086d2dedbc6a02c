#!/usr/bin/env bash
# test_fail_closed.sh - inputs that are not what they claim are refused, never
# read as empty (issue 11): directories that are no OCI layout, no extracted
# docker save and no root filesystem (exit 3, one line naming what was found and
# what was expected); an extracted `docker save` directory gives the tar's SBOM;
# an image in which nothing is recognised is exit 3 unless --allow-empty (and
# then the SBOM says so); images report what is installed, not what lock files
# inside them declare (--declared adds those, marked); fs: reads a source tree's
# lock file.
. "$(dirname "$0")/lib.sh"
cg_setup fail_closed
D=$CG_TEST_DATA
export SOURCE_DATE_EPOCH=1700000000

refused() { # LABEL CONTAINS... -- ARGS
  local label=$1
  shift
  local musts=()
  while [ "$1" != "--" ]; do musts+=("$1"); shift; done
  shift
  cg_sbom "$T/$label.out" "$T/$label.err" "$@"
  cg_expect_rc 3 "$label" "$T/$label.err" && cg_expect_one_error "$T/$label.err" "$label" "${musts[@]}"
  [ -s "$T/$label.out" ] && cg_fail "$label: wrote an SBOM although refused"
  return 0
}

# ---------------------------------------------------------------- refused directories
mkdir -p "$T/empty" "$T/idx" "$T/junk/sub"
refused empty-dir "an empty directory" "expected oci-layout" "manifest.json" "etc/, usr/, var/lib/" -- "$T/empty"
printf '{"schemaVersion":2,"manifests":[]}' >"$T/idx/index.json"
refused index-without-oci-layout "index.json but no oci-layout" -- "$T/idx"
printf 'x' >"$T/junk/README"
refused unrelated-dir "2 entries (README, sub)" "dir:" "fs:" -- "$T/junk"
refused oci-prefix-without-layout "no oci-layout" -- "oci:$T/idx"

# ---------------------------------------------------------------- nothing recognised
cat >"$T/nothing.json" <<EOF
{"layers": [{"compression": "gzip", "entries": [{"path": "srv/data.txt", "content": "hello"}]}]}
EOF
mkimage "$T/nothing.json" oci "$T/nothing.oci"
refused nothing-recognised "nothing recognised" "--allow-empty" -- "oci:$T/nothing.oci"
cg_sbom "$T/allow.json" "$T/allow.err" --allow-empty "oci:$T/nothing.oci"
cg_expect_rc 0 "--allow-empty" "$T/allow.err"
cg_expect_eq "empty" "$(jq -r '.metadata.component.properties[] | select(.name == "cgate:inventory") | .value' "$T/allow.json")" \
  "--allow-empty: the SBOM says the inventory is empty"
cg_expect_eq "0" "$(jq '[.components[]?] | length' "$T/allow.json")" "--allow-empty: no components"
mkdir -p "$T/rootfs/etc"
refused rootfs-nothing "nothing recognised" -- "$T/rootfs"

# ---------------------------------------------------------------- extracted docker save
cat >"$T/deb.json" <<EOF
{"repo": "lab/ruby", "tag": "1.0", "layers": [
  {"compression": "none", "entries": [
    {"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"},
    {"path": "var/lib/dpkg/status", "content_file": "$D/syft/dpkg/image-dpkg-status"}]},
  {"compression": "none", "entries": [
    {"path": "var/lib/gems/3.1.0/specifications/bundler-2.1.4.gemspec", "content_file": "$D/ruby/bundler.gemspec"},
    {"path": "var/lib/gems/3.1.0/specifications/formatador-1.1.0.gemspec", "content_file": "$D/ruby/formatador.gemspec"},
    {"path": "usr/local/lib/node_modules/left-pad/package.json", "content": "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}"},
    {"path": "var/lib/gems/3.1.0/gems/typeprof-0.21.3/vscode/package-lock.json", "content_file": "$D/npm/package-lock_v3.json"},
    {"path": "var/lib/gems/3.1.0/gems/formatador-1.1.0/Gemfile.lock", "content_file": "$D/ruby/Gemfile_bundler2.lock"}]}]}
EOF
for f in docker-archive docker-archive-oci; do
  mkimage "$T/deb.json" "$f" "$T/deb.$f.tar"
  mkdir -p "$T/x.$f"
  tar -xf "$T/deb.$f.tar" -C "$T/x.$f"
  cg_sbom "$T/tar.$f.json" "$T/tar.$f.err" -q "$T/deb.$f.tar"
  cg_expect_rc 0 "$f tar" "$T/tar.$f.err"
  cg_sbom "$T/dir.$f.json" "$T/dir.$f.err" -q "$T/x.$f"
  cg_expect_rc 0 "extracted $f directory" "$T/dir.$f.err"
  # the same document but for the reference as given
  norm='del(.serialNumber) | walk(if type == "object" and .name == "cgate:image:ref" then empty else . end)'
  jq -S "$norm" "$T/tar.$f.json" >"$T/tar.$f.norm"
  jq -S "$norm" "$T/dir.$f.json" >"$T/dir.$f.norm"
  cg_expect_same_text "$T/tar.$f.norm" "$T/dir.$f.norm" "$f: extracted directory gives the tar's SBOM"
  cg_expect_eq "$(jq -r '[.metadata.component.properties[] | select(.name | startswith("cgate:image:config-digest") or startswith("cgate:layer")) | .value] | join(",")' "$T/tar.$f.json")" \
    "$(jq -r '[.metadata.component.properties[] | select(.name | startswith("cgate:image:config-digest") or startswith("cgate:layer")) | .value] | join(",")' "$T/dir.$f.json")" \
    "$f: same config and layer digests"
done

# ---------------------------------------------------------------- installed, not declared
I="$T/deb.docker-archive.tar"
set_of() { jq -r --arg t "$2" '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == $t))
  | "\(.name) \(.version)"] | sort | .[]' "$1"; }
cg_sbom "$T/inst.json" "$T/inst.err" -q "$I"
cg_expect_rc 0 "ruby image" "$T/inst.err"
cg_expect_eq "bundler 2.1.4,formatador 1.1.0" "$(set_of "$T/inst.json" gem | paste -sd,)" "gem set = the installed gemspecs"
cg_expect_eq "left-pad 1.3.0" "$(set_of "$T/inst.json" npm | paste -sd,)" "npm set = the installed node_modules package"
cg_sbom "$T/decl.json" "$T/decl.err" -q --declared "$I"
cg_expect_rc 0 "ruby image --declared" "$T/decl.err"
nd=$(jq '[.components[] | select(any(.properties[]?; .name == "cgate:evidence" and .value == "declared"))] | length' "$T/decl.json")
ni=$(jq '[.components[]] | length' "$T/inst.json")
na=$(jq '[.components[]] | length' "$T/decl.json")
[ "$nd" -gt 20 ] && [ "$na" -eq $((ni + nd)) ] && cg_ok ||
  cg_fail "--declared: $na components, want the $ni installed plus the $nd marked declared (> 20)"
cg_expect_eq "" "$(jq -r '.components[] | select(any(.properties[]?; .name == "cgate:evidence"))
  | .properties[] | select(.name == "cgate:location:0:path") | .value
  | select(endswith("package-lock.json") or endswith("Gemfile.lock") | not)' "$T/decl.json")" \
  "every declared package comes from the lock files"
cg_expect_eq "/var/lib/gems/3.1.0/gems/typeprof-0.21.3/vscode/package-lock.json" \
  "$(jq -r '[.components[] | select(any(.properties[]?; .name == "cgate:evidence")) | .properties[]
     | select(.name == "cgate:location:0:path") | .value | select(endswith("package-lock.json"))] | unique | join(",")' "$T/decl.json")" \
  "--declared reads the gem's package-lock.json"
# dev dependencies of the lock only with --include-dev
cg_sbom "$T/dev.json" "$T/dev.err" -q --declared --include-dev "$I"
ndev=$(jq '[.components[]] | length' "$T/dev.json")
[ "$ndev" -gt "$na" ] && cg_ok || cg_fail "--include-dev added no dev dependency ($ndev vs $na)"

# ---------------------------------------------------------------- fs: a source tree
cg_sbom "$T/fs.json" "$T/fs.err" -q "fs:$D/node-app"
cg_expect_rc 0 "fs: node app" "$T/fs.err"
cg_expect_eq "69" "$(jq '[.components[] | select(any(.properties[]?; .name == "cgate:location:0:path" and (.value | endswith("/package-lock.json"))))] | length' "$T/fs.json")" \
  "fs: reads the 69 packages of the app's package-lock.json"
cg_expect_eq "1.2.0" "$(jq -r '.components[] | select(.name == "minimist") | .version' "$T/fs.json")" "fs: minimist from the lock"
cg_expect_eq "0" "$(jq '[.components[] | select(any(.properties[]?; .name == "cgate:evidence"))] | length' "$T/fs.json")" \
  "fs: lock-file packages are not marked (declared is what a source tree has)"
cg_expect_eq "filesystem" "$(jq -r '.metadata.component.properties[] | select(.name == "cgate:image:transport") | .value' "$T/fs.json" | sed 's/^fs$/filesystem/')" \
  "fs: transport recorded"
# the same tree auto-detected is refused: it is not an image or a root filesystem
refused node-app-autodetect "not an image or a root filesystem" "fs:" -- "$D/node-app"

# ---------------------------------------------------------------- decisions warn
# img-node-like data: the Node sample app's lock file against GHSA-only records
# (no NVD score at all): the seed format reads every score as 0 and passes a
# CRITICAL (minimist CVE-2021-44906) - the decision must say so, --strict denies
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$D/vulndb/ghsa-node-app"
cg_expect_rc 0 "db import of the GHSA records" "$T/i.err"
cg_run "$T/rep.json" "$T/rep.err" scan -q --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z "fs:$D/node-app"
cg_expect_rc 0 "scan fs: node app" "$T/rep.err"
n=$(jq '[.Results[].Vulnerabilities[]?] | length' "$T/rep.json")
nc=$(jq '[.Results[].Vulnerabilities[]? | select(.Severity == "CRITICAL")] | length' "$T/rep.json")
nh=$(jq '[.Results[].Vulnerabilities[]? | select(.Severity == "HIGH")] | length' "$T/rep.json")
[ "$n" -gt 10 ] && [ "$nc" -ge 1 ] && cg_ok || cg_fail "GHSA scan of the node app: $n findings, $nc critical"
cg_expect_eq "0" "$(jq '[.Results[].Vulnerabilities[]? | select(.CVSS.nvd)] | length' "$T/rep.json")" "no NVD scores in the GHSA data"
SEED=$CG_TESTS/data/policy/policies/seed.json
cg_run "$T/seed.json" "$T/seed.err" policy "$T/rep.json" --policy "$SEED" --now 2026-01-01
cg_expect_rc 0 "seed format passes (its meaning)" "$T/seed.err"
cg_expect_eq "$n of $n findings have no NVD V3 score; this policy format treats them as 0 (CRITICAL: $nc, HIGH: $nh)" \
  "$(jq -r '.warnings[0]' "$T/seed.json")" "seed decision: the warning and its counts"
cg_run "$T/seed.txt" "$T/seedt.err" policy "$T/rep.json" --policy "$SEED" --now 2026-01-01 -f table
case "$(head -n1 "$T/seed.txt")" in "WARNING: $n of $n findings have no NVD V3 score"*) cg_ok ;;
  *) cg_fail "table: the warning does not come first: $(head -n2 "$T/seed.txt")" ;; esac
cg_run "$T/strict.json" "$T/strict.err" policy "$T/rep.json" --policy "$SEED" --now 2026-01-01 --strict
cg_expect_rc 1 "--strict denies on the warning" "$T/strict.err"
cg_expect_eq "1 warning and --strict" "$(jq -r '.denyReasons | join(";")' "$T/strict.json")" "--strict deny reason"
# the real img-node (lab image, when built): the same warning on the image itself
LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
if [ -d "$LAB/img-node.oci" ]; then
  cg_run "$T/node.json" "$T/node.err" scan -q --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z "oci:$LAB/img-node.oci"
  cg_expect_rc 0 "scan img-node" "$T/node.err"
  cg_run "$T/node-seed.json" "$T/node-seed.err" policy "$T/node.json" --policy "$SEED" --now 2026-01-01
  cg_expect_rc 0 "seed format passes img-node on GHSA-only data" "$T/node-seed.err"
  jq -r '.warnings[0]' "$T/node-seed.json" | grep -qE '^[0-9]+ of [0-9]+ findings have no NVD V3 score; this policy format treats them as 0 \(CRITICAL: [1-9][0-9]*, HIGH: [0-9]+\)$' &&
    cg_ok || cg_fail "img-node seed decision: no warning with counts: $(jq -c .warnings "$T/node-seed.json")"
  cg_run "$T/node-strict.json" "$T/node-strict.err" policy "$T/node.json" --policy "$SEED" --now 2026-01-01 --strict
  cg_expect_rc 1 "--strict denies img-node" "$T/node-strict.err"
else
  cg_info "no lab img-node in $LAB: the real-image part of the warning check is skipped"
fi
# a cgate/v1 policy (NVD first, then any source) for the checks below
printf '{"apiVersion": "cgate/v1"}\n' >"$T/v1.json"
cg_run "$T/scan.out" "$T/scan.err" scan --exit-code 1 --db "$T/db.sqlite" "$T/empty"
cg_expect_rc 3 "scan --exit-code 1 of an empty directory" "$T/scan.err" &&
  cg_expect_one_error "$T/scan.err" "scan of an empty directory" "an empty directory"
# an undecided version, an old DB, another cgate: warnings for any policy
jq '.Results |= map(if .Vulnerabilities then .Vulnerabilities[0].Status = "unknown" else . end) | .cgate.version = "0.0.1" | .cgate.dbBuilt = "2025-01-01T00:00:00Z"' \
  "$T/rep.json" >"$T/rep2.json"
cg_run "$T/w.json" "$T/w.err" policy "$T/rep2.json" --policy "$T/v1.json" --now 2026-01-01 --db-max-age 7d
jq -r '.warnings[]' "$T/w.json" >"$T/w.txt"
grep -q '^[0-9]* findings\? could not be decided' "$T/w.txt" && cg_ok || cg_fail "no undecided-version warning: $(cat "$T/w.txt")"
grep -q 'older than --db-max-age (7.0 days)' "$T/w.txt" && cg_ok || cg_fail "no DB-age warning: $(cat "$T/w.txt")"
grep -q 'written by cgate 0.0.1' "$T/w.txt" && cg_ok || cg_fail "no tool-version warning: $(cat "$T/w.txt")"

# ---------------------------------------------------------------- an empty inventory
cg_run "$T/erep.json" "$T/erep.err" scan -q --allow-empty --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z "oci:$T/nothing.oci"
cg_expect_rc 0 "scan --allow-empty" "$T/erep.err"
cg_expect_eq "empty 0" "$(jq -r '"\(.cgate.inventory) \(.cgate.packages)"' "$T/erep.json")" "report says the inventory is empty"
cg_run "$T/e1.json" "$T/e1.err" policy "$T/erep.json" --policy "$T/v1.json" --now 2026-01-01
cg_expect_rc 1 "cgate/v1 denies a report covering no packages" "$T/e1.err"
jq -r '.denyReasons[]' "$T/e1.json" | grep -q 'covers no packages' && cg_ok || cg_fail "no empty-inventory deny reason"
printf '{"apiVersion": "cgate/v1", "allowEmptyInventory": true}\n' >"$T/v1e.json"
cg_run "$T/e2.json" "$T/e2.err" policy "$T/erep.json" --policy "$T/v1e.json" --now 2026-01-01
cg_expect_rc 0 "allowEmptyInventory: true passes" "$T/e2.err"
jq -r '.warnings[]' "$T/e2.json" | grep -q 'covers no packages' && cg_ok || cg_fail "allowEmptyInventory: no warning"
cg_run "$T/e3.json" "$T/e3.err" policy "$T/erep.json" --policy "$SEED" --now 2026-01-01
cg_expect_rc 0 "seed format keeps its meaning on an empty inventory" "$T/e3.err"
jq -r '.warnings[]' "$T/e3.json" | grep -q 'covers no packages' && cg_ok || cg_fail "seed format: no empty-inventory warning"
cg_run "$T/e4.json" "$T/e4.err" policy "$T/erep.json" --policy "$SEED" --now 2026-01-01 --strict
cg_expect_rc 1 "seed format --strict denies an empty inventory" "$T/e4.err"
# a Trivy-schema report of nothing (no Results, no Metadata.OS) is empty too
printf '{"SchemaVersion": 2, "ArtifactName": "x", "Results": []}\n' >"$T/trivy-empty.json"
cg_run "$T/e5.json" "$T/e5.err" policy "$T/trivy-empty.json" --policy "$T/v1.json" --now 2026-01-01
cg_expect_rc 1 "cgate/v1 denies an empty Trivy report" "$T/e5.err"

cg_info "elapsed $(cg_elapsed)s"
cg_finish
