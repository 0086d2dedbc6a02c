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
cg_run "$T/scan.out" "$T/scan.err" scan --exit-code 1 --db "$T/none.sqlite" "$T/empty"
case "$RC" in 0) cg_fail "scan of an empty directory passed (exit 0)" ;; *) cg_ok ;; esac

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

cg_info "elapsed $(cg_elapsed)s"
cg_finish
