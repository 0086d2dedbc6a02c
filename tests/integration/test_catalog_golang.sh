#!/usr/bin/env bash
# test_catalog_golang.sh - Go binaries and go.mod through `cgate sbom`: real Go
# binaries (tests/data/golang, amd64 and big-endian mips) in layers, one deleted by a
# whiteout; exact (name, version, purl) sets; go.mod reported only when the image has
# no Go binary; a truncated Go binary gives a cgate:warning and the SBOM still succeeds.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_golang

D=$CG_TEST_DATA/golang
mkdir -p "$T/src"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$T/src/os"
head -c 8192 "$D/hello-amd64" >"$T/src/truncated" # Go note kept, build info cut off

build() { cat >"$T/$1.json"; mkimage "$T/$1.json" oci "$T/$1.oci"; }
sbom() {
  cg_sbom "$T/$1.out.json" "$T/$1.err" "${@:2}" "oci:$T/$1.oci"
  cg_expect_rc 0 "$1" "$T/$1.err" && cg_expect_json "$T/$1.out.json" "$1"
}
# golang components as "name version purl", sorted
gopkgs() {
  jq -r '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == "golang"))
          | "\(.name) \(.version) \(.purl)"] | sort | .[]' "$1"
}
warnings() { jq -r '[.metadata.component.properties[]? | select(.name == "cgate:warning") | .value] | .[]' "$1"; }

FIXTURE='cgate-fixture (devel) pkg:golang/example.com/cgate-fixture@%28devel%29
greet v1.2.3 pkg:golang/example.com/greet@v1.2.3
localdep (devel) pkg:golang/example.com/localdep@%28devel%29
newlog v1.1.0 pkg:golang/example.com/newlog@v1.1.0
stdlib 1.19.8 pkg:golang/stdlib@1.19.8'

# (a) two binaries in layer 1, the mips one deleted in layer 2, plus a truncated one
#     and a go.mod that must not be reported (binaries win)
build a <<JSON
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content_file": "src/os"},
    {"path": "usr/local/bin/hello", "content_file": "$D/hello-amd64", "mode": "0755"},
    {"path": "opt/mips/hello", "content_file": "$D/hello-mips", "mode": "0755"},
    {"path": "src/app/go.mod", "content_file": "$D/syft/one-package.go.mod"}]},
  {"compression": "zstd", "entries": [
    {"path": "opt/mips/hello", "type": "whiteout"},
    {"path": "usr/local/bin/broken", "content_file": "src/truncated", "mode": "0755"}]}]}
JSON
if sbom a; then
  F=$T/a.out.json
  printf '%s\n' "$FIXTURE" >"$T/want"
  gopkgs "$F" >"$T/got"
  cg_expect_same_text "$T/want" "$T/got" "(a) Go packages after the whiteout"
  cg_expect_eq "/usr/local/bin/hello" "$(cg_prop "$F" newlog cgate:location:0:path)" "(a) location"
  cg_expect_eq "example.com/oldlog@v1.0.0" "$(cg_prop "$F" newlog cgate:go:replaces)" "(a) replacement kept as a property"
  cg_expect_eq "go1.19.8" "$(cg_prop "$F" stdlib cgate:go:toolchain)" "(a) toolchain"
  cg_expect_eq "true" "$(cg_prop "$F" cgate-fixture cgate:go:main-module)" "(a) main module marked"
  w=$(warnings "$F")
  case "$w" in *"/usr/local/bin/broken: Go binary"*) cg_ok ;;
    *) cg_fail "(a) no warning for the truncated binary; warnings: $w" ;; esac
fi

# (b) the same two binaries, nothing deleted: each reports its own packages
build b <<JSON
{"layers": [{"compression": "gzip", "entries": [
    {"path": "usr/local/bin/hello", "content_file": "$D/hello-amd64", "mode": "0755"},
    {"path": "opt/mips/hello", "content_file": "$D/hello-mips", "mode": "0755"}]}]}
JSON
if sbom b; then
  printf '%s\n' "$FIXTURE" "$FIXTURE" | sort >"$T/want"
  gopkgs "$T/b.out.json" >"$T/got"
  cg_expect_same_text "$T/want" "$T/got" "(b) two binaries"
  cg_expect_eq "mips" "$(jq -r '[.components[] | select(.name == "cgate-fixture") | .properties[]
      | select(.name == "cgate:go:build:GOARCH") | .value] | sort | .[1]' "$T/b.out.json")" "(b) big-endian mips build info"
fi

# (c) no binary: go.mod is a manifest, not something installed (issue 11): the image
#     alone is "nothing recognised" (exit 3); with --declared the go.mod requirements
#     (replacements honoured, module cache ignored) are reported, marked declared
build c <<JSON
{"layers": [{"compression": "gzip", "entries": [
  {"path": "src/app/go.mod", "content_file": "$D/syft/source-replacements.go.mod"},
  {"path": "root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod", "content_file": "$D/syft/many-packages.go.mod"}]}]}
JSON
cg_sbom "$T/c0.out.json" "$T/c0.err" "oci:$T/c.oci"
cg_expect_rc 3 "(c) go.mod only, without --declared" "$T/c0.err"
case "$(cat "$T/c0.err")" in *"nothing recognised"*) cg_ok ;; *) cg_fail "(c) no 'nothing recognised': $(cat "$T/c0.err")" ;; esac
if sbom c --declared; then
  cg_expect_eq "declared" "$(cg_prop "$T/c.out.json" quote cgate:evidence)" "(c) go.mod requirement marked declared"
  printf '%s\n' 'quote v1.5.2 pkg:golang/rsc.io/quote@v1.5.2' \
    'sampler v1.3.1 pkg:golang/rsc.io/sampler@v1.3.1' \
    'text v0.0.0-20170915032832-14c0d48ead0c pkg:golang/golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c' >"$T/want"
  gopkgs "$T/c.out.json" >"$T/got"
  cg_expect_same_text "$T/want" "$T/got" "(c) go.mod without binaries"
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
