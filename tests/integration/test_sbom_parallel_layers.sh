#!/usr/bin/env bash
# test_sbom_parallel_layers.sh - gzip layers are inflated ahead of the consumer on
# another thread (src/image/layer.c read-ahead) while the overlay and catalogers
# still see layers in order.  Checks: the same packages, layers and diff_ids as
# the sequential path (docker-archive of the same layers, uncompressed), for an
# image whose decoded size exceeds the read-ahead budget, with gzip/zstd/plain
# mixed and with many tiny layers; a corrupt later layer is reported as that
# layer, and an earlier error wins over a later one.  Under the sanitizer build
# this is the ASan/UBSan run of the threaded path.
. "$(dirname "$0")/lib.sh"
cg_setup sbom_parallel_layers

# status N : a dpkg status with packages p1..pN (each layer rewrites it)
status() {
  local k
  for k in $(seq 1 "$1"); do
    printf 'Package: p%s\nStatus: install ok installed\nVersion: %s.0\nArchitecture: amd64\n\n' "$k" "$k"
  done
}

# layer I COMPRESSION BIGSIZE : one layer: a status rewrite, an npm package, a
# big file (decoded bytes for the read-ahead to hold) and a whiteout of the
# previous layer's package
layer() {
  local i=$1 c=$2 big=$3 wh=""
  [ "$i" -gt 0 ] && wh=",{\"path\": \"app/node_modules/m$((i - 1))\", \"type\": \"whiteout\"}"
  printf '{"compression": "%s", "entries": [
    {"path": "var/lib/dpkg/status", "content": %s},
    {"path": "app/node_modules/m%s/package.json", "content": "{\\"name\\": \\"m%s\\", \\"version\\": \\"%s.0.0\\"}"},
    {"path": "data/big%s", "repeat": "layer %s of the parallel test %s\\n", "size": %s}%s]}' \
    "$c" "$(status $((i + 1)) | jq -Rs .)" "$i" "$i" "$i" "$i" "$i" "$c" "$big" "$wh"
}

# spec FILE COMPRESSIONS... : one layer per argument (gzip|zstd|none), 5 MB each
spec() {
  local f=$1 i=0 sep="" c
  shift
  { printf '{"layers": ['
    for c in "$@"; do printf '%s%s' "$sep" "$(layer $i "$c" 5000000)"; sep=,; i=$((i + 1)); done
    printf ']}\n'; } >"$f"
}

# key CDX : "name version diff_id" of every package, sorted
key() {
  jq -r '[.components[]? | select(.type == "library")
          | "\(.name) \(.version) \(.properties[] | select(.name == "cgate:layer:diff_id") | .value)"]
         | sort | .[]' "$1"
}

# same_as_sequential NAME : the oci layout's SBOM equals the docker-archive's
same_as_sequential() {
  local n=$1
  cg_sbom "$T/$n.oci.json" "$T/$n.oci.err" "oci:$T/$n/image.oci"
  cg_expect_rc 0 "$n: oci" "$T/$n.oci.err" || return
  cg_sbom "$T/$n.da.json" "$T/$n.da.err" "docker-archive:$T/$n/image.docker.tar"
  cg_expect_rc 0 "$n: docker-archive" "$T/$n.da.err" || return
  key "$T/$n.oci.json" >"$T/$n.oci.key"
  key "$T/$n.da.json" >"$T/$n.da.key"
  cg_expect_same_text "$T/$n.da.key" "$T/$n.oci.key" "$n: same packages, versions and layers"
}

# (a) 8 gzip layers of 5 MB decoded each (40 MB: over the 12 MiB read-ahead budget)
spec "$T/a.json" gzip gzip gzip gzip gzip gzip gzip gzip
mkimage "$T/a.json" all "$T/a" >/dev/null
same_as_sequential a
# the last layer's status (8 packages) and only the last npm package survive
cg_expect_eq "8" "$(cg_pkgs_of_type "$T/a.oci.json" deb | wc -l | tr -d ' ')" "(a) dpkg packages of the top layer"
cg_expect_eq "m7 7.0.0" "$(cg_pkgs_of_type "$T/a.oci.json" npm)" "(a) whiteouts applied in layer order"

# (b) codecs mixed: only gzip layers go ahead; zstd and plain are decoded in turn
spec "$T/b.json" gzip zstd gzip none gzip gzip none zstd
if command -v zstd >/dev/null; then
  mkimage "$T/b.json" all "$T/b" >/dev/null
  same_as_sequential b
else
  cg_info "no zstd command: mixed-codec case skipped"
fi

# (c) 40 tiny gzip layers (the window moves past several finished layers)
{ printf '{"layers": ['; sep=""
  for i in $(seq 0 39); do printf '%s%s' "$sep" "$(layer "$i" gzip 1000)"; sep=,; done
  printf ']}\n'; } >"$T/c.json"
mkimage "$T/c.json" all "$T/c" >/dev/null
same_as_sequential c

# (d) a 1-layer image (no read-ahead at all)
spec "$T/d.json" gzip
mkimage "$T/d.json" all "$T/d" >/dev/null
same_as_sequential d

# corrupt CASE JQ-CORRUPT WANT-LAYER WANT-TEXT : an image of 6 gzip layers with one
# defect; the error must name the layer that has it
corrupt() {
  local n=$1 c=$2 want=$3 text=$4
  spec "$T/$n.json" gzip gzip gzip gzip gzip gzip
  jq --argjson c "$c" '. * $c' "$T/$n.json" >"$T/$n.2.json"
  mkimage "$T/$n.2.json" oci "$T/$n.oci" >/dev/null
  cg_sbom "$T/$n.out" "$T/$n.err" "oci:$T/$n.oci"
  cg_expect_rc 3 "$n" "$T/$n.err" || return
  if grep -q "layer $want/6" "$T/$n.err" && grep -q "$text" "$T/$n.err"; then cg_ok
  else cg_fail "$n: want an error naming layer $want/6 and '$text', got: $(head -c 400 "$T/$n.err")"; fi
  [ -s "$T/$n.out" ] && cg_fail "$n: output written despite the error" || cg_ok
}
corrupt e-diffid '{"corrupt": {"diff_id": 4}}' 5 "diff_id mismatch"
corrupt f-blob '{"corrupt": {"blob_digest": 5}}' 6 "blob digest mismatch"
# a gzip stream cut short in the 4th layer, found while the consumer is still in the 1st
spec "$T/g.json" gzip gzip gzip gzip gzip gzip
jq '.layers[3].truncate_after = 3000' "$T/g.json" >"$T/g.2.json"
mkimage "$T/g.2.json" oci "$T/g.oci" >/dev/null
cg_sbom "$T/g.out" "$T/g.err" "oci:$T/g.oci"
cg_expect_rc 3 "g-truncated" "$T/g.err" &&
  { grep -q "layer 4/6.*truncated" "$T/g.err" && cg_ok || cg_fail "g: want 'layer 4/6 ... truncated', got: $(cat "$T/g.err")"; }
# two defects: the earlier layer's is reported, the later one's decoder is stopped
jq '.layers[4].truncate_after = 3000 | .corrupt = {"diff_id": 1}' "$T/g.json" >"$T/h.json"
mkimage "$T/h.json" oci "$T/h.oci" >/dev/null
cg_sbom "$T/h.out" "$T/h.err" "oci:$T/h.oci"
cg_expect_rc 3 "h-two-defects" "$T/h.err" &&
  { grep -q "layer 2/6.*diff_id mismatch" "$T/h.err" && cg_ok || cg_fail "h: want 'layer 2/6 ... diff_id mismatch', got: $(cat "$T/h.err")"; }

cg_finish
