#!/usr/bin/env bash
# test_real_golang.sh - Go binaries in the lab's img-mixed: /usr/local/bin/esbuild (a
# release build with module info) and Debian's /usr/bin/umoci (dpkg-owned, built in
# GOPATH mode: no module info).  Skips (77) when the image is absent.
#
# Expected lists, derived independently of cgate:
#   - `go version -m esbuild` (Debian 12's golang-go, go1.19.8, on the binary pulled
#     out of the image's last layer) prints
#         esbuild: go1.20.4
#             path  github.com/evanw/esbuild/cmd/esbuild
#             mod   github.com/evanw/esbuild  (devel)
#             dep   golang.org/x/sys  v0.0.0-20220715151400-c0bba94af5f8  h1:0A+M6Uqn+Eje4kHMK80dtF3JCXC4ykBgQG4Fe06QRhQ=
#             build GOOS=linux, GOARCH=amd64, CGO_ENABLED=0, vcs.revision=d47ab439...
#     and the lab's img-mixed.truth.tsv lists the same (golang, golang-stdlib rows);
#   - the toolchain go1.20.4 is the stdlib, spelled as the Go vulnerability database's
#     SEMVER ("1.20.4");
#   - umoci: truth.tsv says stdlib go1.19.8 and dpkg_owned=yes (package umoci).
. "$(dirname "$0")/lib.sh"
cg_setup real_golang

LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
[ -d "$LAB/img-mixed.oci" ] && [ -f "$LAB/img-mixed.truth.tsv" ] ||
  cg_skip "img-mixed not found in $LAB (build it with the lab's make-images.sh, or set CG_LAB_IMAGES)"

F=$T/mixed.json
cg_sbom "$F" "$T/mixed.err" "oci:$LAB/img-mixed.oci"
cg_expect_rc 0 "img-mixed" "$T/mixed.err" || cg_finish
cg_expect_json "$F" "img-mixed" || cg_finish

# golang components as "purl location owned-by"
jq -r '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == "golang"))
        | "\(.purl) \([.properties[]? | select(.name == "cgate:location:0:path") | .value] | join(","))"
          + " \([.properties[]? | select(.name == "cgate:owned-by") | .value] | join(",") | if . == "" then "-" else . end)"]
       | sort | .[]' "$F" >"$T/got"
printf '%s\n' \
  'pkg:golang/github.com/evanw/esbuild@%28devel%29 /usr/local/bin/esbuild -' \
  'pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8 /usr/local/bin/esbuild -' \
  'pkg:golang/stdlib@1.19.8 /usr/bin/umoci umoci' \
  'pkg:golang/stdlib@1.20.4 /usr/local/bin/esbuild -' >"$T/want"
cg_expect_same_text "$T/want" "$T/got" "img-mixed Go packages"

# the same facts, checked against the truth file's golang rows
awk -F'\t' '$1 == "golang" {print $2, $3, $4} $1 == "golang-stdlib" {sub(/^go/, "", $3); print "stdlib", $3, $4}' \
  "$LAB/img-mixed.truth.tsv" | sort >"$T/truth"
jq -r '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == "golang"))
        | ((.purl | capture("^pkg:golang/(?<p>[^@]+)@").p) + " " + .version + " "
           + ([.properties[]? | select(.name == "cgate:location:0:path") | .value] | join(",")))] | sort | .[]' "$F" >"$T/got2"
cg_expect_same_text "$T/truth" "$T/got2" "img-mixed Go packages vs truth.tsv"

esb() { jq -r --arg p "$1" '[.components[] | select(.name == "esbuild") | .properties[] | select(.name == $p) | .value] | join(",")' "$F"; }
cg_expect_eq "go1.20.4" "$(esb cgate:go:toolchain)" "esbuild toolchain"
cg_expect_eq "github.com/evanw/esbuild/cmd/esbuild" "$(esb cgate:go:package)" "esbuild main package"
cg_expect_eq "d47ab43980c457db27d2671ab618cd5c40a618a7" "$(esb cgate:go:build:vcs.revision)" "esbuild vcs.revision"
cg_expect_eq "true" "$(esb cgate:go:devel)" "esbuild (devel) marked"
cg_expect_eq "github.com/opencontainers/umoci/cmd/umoci" \
  "$(jq -r '[.components[] | select(.name == "stdlib" and .version == "1.19.8") | .properties[]
      | select(.name == "cgate:go:package") | .value] | join(",")' "$F")" "umoci main package on its stdlib"
# no warnings from the Go or Rust catalogers on a healthy image
w=$(jq -r '[.metadata.component.properties[]? | select(.name == "cgate:warning") | .value
            | select(test("Go binary|cargo auditable"))] | join("|")' "$F")
cg_expect_eq "" "$w" "no binary-cataloger warnings"

cg_info "elapsed $(cg_elapsed)s"
cg_finish
