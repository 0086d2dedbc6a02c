#!/usr/bin/env bash
# test_catalog_rust.sh - Cargo.lock files and a cargo-auditable style binary through
# `cgate sbom`: exact (name, version, purl, location) sets, a whiteout removing one
# Cargo.lock, Cargo's registry cache ignored, and a binary whose .dep-v0 data is
# broken: a cgate:warning, exit 0.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_rust

D=$CG_TEST_DATA/rust
mkdir -p "$T/src"
# the auditable binary with its compressed .dep-v0 bytes overwritten by junk
python3 - "$D/hello-auditable" "$D/auditable-src/dep-v0.z" "$T/src/broken" <<'PY' || cg_die "cannot make the broken binary"
import sys
b = bytearray(open(sys.argv[1], "rb").read())
z = open(sys.argv[2], "rb").read()
i = b.find(z)
assert i > 0
b[i:i + len(z)] = b"J" * len(z)
open(sys.argv[3], "wb").write(b)
PY

cargopkgs() {
  jq -r '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == "cargo"))
          | "\(.name) \(.version) \(.purl) \([.properties[]? | select(.name == "cgate:location:0:path") | .value] | join(","))"]
         | sort | .[]' "$1"
}

cat >"$T/a.json" <<JSON
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "app/Cargo.lock", "content_file": "$D/syft/path-deps.Cargo.lock"},
    {"path": "old/Cargo.lock", "content_file": "$D/syft/Cargo.lock"},
    {"path": "usr/local/bin/hello", "content_file": "$D/hello-auditable", "mode": "0755"},
    {"path": "usr/local/cargo/registry/src/idx/foo-1.0.0/Cargo.lock", "content_file": "$D/syft/Cargo.lock"}]},
  {"compression": "gzip", "entries": [
    {"path": "old/Cargo.lock", "type": "whiteout"},
    {"path": "usr/local/bin/broken", "content_file": "src/broken", "mode": "0755"}]}]}
JSON
mkimage "$T/a.json" oci "$T/a.oci"
cg_sbom "$T/a.out.json" "$T/a.err" "oci:$T/a.oci"
if cg_expect_rc 0 a "$T/a.err" && cg_expect_json "$T/a.out.json" a; then
  printf '%s\n' \
    'app 1.0.0 pkg:cargo/app@1.0.0 /app/Cargo.lock' \
    'argh 0.1.12 pkg:cargo/argh@0.1.12 /usr/local/bin/hello' \
    'argh_derive 0.1.12 pkg:cargo/argh_derive@0.1.12 /usr/local/bin/hello' \
    'argh_shared 0.1.12 pkg:cargo/argh_shared@0.1.12 /usr/local/bin/hello' \
    'hello_world 0.1.0 pkg:cargo/hello_world@0.1.0 /usr/local/bin/hello' \
    'memchr 2.7.4 pkg:cargo/memchr@2.7.4 /app/Cargo.lock' \
    'proc-macro2 1.0.92 pkg:cargo/proc-macro2@1.0.92 /usr/local/bin/hello' \
    'quote 1.0.37 pkg:cargo/quote@1.0.37 /usr/local/bin/hello' \
    'serde 1.0.215 pkg:cargo/serde@1.0.215 /usr/local/bin/hello' \
    'serde_derive 1.0.215 pkg:cargo/serde_derive@1.0.215 /usr/local/bin/hello' \
    'syn 2.0.90 pkg:cargo/syn@2.0.90 /usr/local/bin/hello' \
    'telemetry 0.1.0 pkg:cargo/telemetry@0.1.0 /app/Cargo.lock' \
    'unicode-ident 1.0.14 pkg:cargo/unicode-ident@1.0.14 /usr/local/bin/hello' >"$T/want"
  cargopkgs "$T/a.out.json" >"$T/got"
  cg_expect_same_text "$T/want" "$T/got" "(a) cargo packages"
  cg_expect_eq "build" "$(cg_prop "$T/a.out.json" syn cgate:rust:kind)" "(a) syn is a build dependency"
  cg_expect_eq "true" "$(cg_prop "$T/a.out.json" hello_world cgate:rust:root)" "(a) root crate marked"
  w=$(jq -r '[.metadata.component.properties[]? | select(.name == "cgate:warning") | .value] | .[]' "$T/a.out.json")
  case "$w" in *"/usr/local/bin/broken: cargo auditable data: not a valid zlib stream"*) cg_ok ;;
    *) cg_fail "(a) no warning for the broken .dep-v0; warnings: $w" ;; esac
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
