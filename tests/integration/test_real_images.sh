#!/usr/bin/env bash
# test_real_images.sh - the lab's real Debian-based images (tests/lab/make-images.sh,
# built from the Debian archive with debootstrap/umoci/skopeo) against their
# independent ground truth (tests/lab/ground-truth.sh: dpkg status of the flattened
# rootfs, packages whose Status has the word "installed", i.e. no config-files or
# half-installed entries). cgate's deb set (name + version, epochs included) must
# equal the truth's in every transport; the SBOMs must be schema-valid.
# Skips (77) when the images are absent: CG_LAB_IMAGES (default /tmp/lab/images).
. "$(dirname "$0")/lib.sh"
cg_setup real_images

LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
[ -f "$LAB/img-debian.truth.tsv" ] ||
  cg_skip "lab images not found in $LAB (build them with tests/lab/make-images.sh, or set CG_LAB_IMAGES)"

VALIDATE="$CG_TESTS/tools/schema-validate/validate"
validate() { # KIND FILE LABEL
  if [ ! -f "$VALIDATE" ]; then
    cg_info "schema validation skipped: $VALIDATE is absent"
    return
  fi
  local out rc
  out=$(sh "$VALIDATE" "$1" "$2" 2>&1)
  rc=$?
  if [ $rc = 2 ]; then
    cg_info "schema validation skipped ($1): $(printf '%s' "$out" | head -n1)"
  elif [ $rc != 0 ] || printf '%s' "$out" | grep -q INVALID; then
    cg_fail "$3: not valid $1: $(printf '%s' "$out" | head -c 800)"
  else
    cg_ok
  fi
}

truth_debs() { # TRUTH.tsv -> sorted "name version"
  awk -F'\t' 'NR > 1 && $1 == "deb" { print $2 " " $3 }' "$1" | LC_ALL=C sort
}

check() { # IMG TRANSPORT-ARG LABEL
  local img=$1 arg=$2 label=$3
  local out="$T/$label.cdx.json"
  cg_sbom "$out" "$T/$label.err" "$arg"
  cg_info "$label: exit $RC in ${CG_LAST_MS} ms"
  cg_expect_rc 0 "$label" "$T/$label.err" || return 1
  cg_expect_json "$out" "$label" || return 1
  cg_pkgs_of_type "$out" deb | LC_ALL=C sort >"$T/$label.debs"
  cg_expect_same_text "$T/$img.truth" "$T/$label.debs" "$label: deb packages vs ground truth"
  cg_expect_eq "debian 12" "$(cg_os "$out")" "$label operating-system component"
  # every deb names the layer that introduced it, and that layer is in the image
  local bad
  bad=$(jq -r '[.components[]? | select(any(.properties[]?; .name == "cgate:package:type" and .value == "deb"))
               | select(all(.properties[]?; .name != "cgate:layer:diff_id")) | .name] | join(" ")' "$out")
  cg_expect_eq "" "$bad" "$label: debs without cgate:layer:diff_id"
}

for img in img-debian img-node img-mixed; do
  [ -f "$LAB/$img.truth.tsv" ] || { cg_info "$img: absent, not checked"; continue; }
  truth_debs "$LAB/$img.truth.tsv" >"$T/$img.truth"
  [ -s "$T/$img.truth" ] || cg_die "$LAB/$img.truth.tsv lists no deb packages"
  if [ "$img" = img-debian ]; then
    check "$img" "docker-archive:$LAB/$img.docker.tar" "$img-docker-archive"
    check "$img" "oci-archive:$LAB/$img.oci.tar" "$img-oci-archive"
  fi
  check "$img" "oci:$LAB/$img.oci:latest" "$img-oci" || continue
  validate cyclonedx-1.6 "$T/$img-oci.cdx.json" "$img cyclonedx"
  cg_sbom "$T/$img.spdx.json" "$T/$img.spdx.err" -f spdx-json "$LAB/$img.oci"
  cg_expect_rc 0 "$img spdx-json" "$T/$img.spdx.err" && validate spdx-2.3 "$T/$img.spdx.json" "$img spdx"
done

# img-debian, layer by layer: debootstrap's packages come from layer 1, curl from layer 2
if [ -f "$T/img-debian-oci.cdx.json" ]; then
  F=$T/img-debian-oci.cdx.json
  M=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "latest") | .digest' "$LAB/img-debian.oci/index.json")
  C=$(jq -r .config.digest "$LAB/img-debian.oci/blobs/sha256/${M#sha256:}")
  mapfile -t DIFF < <(jq -r '.rootfs.diff_ids[]' "$LAB/img-debian.oci/blobs/sha256/${C#sha256:}")
  cg_expect_eq "${DIFF[0]}" "$(cg_prop "$F" bash cgate:layer:diff_id)" "img-debian bash introduced by layer 1"
  cg_expect_eq "${DIFF[1]}" "$(cg_prop "$F" curl cgate:layer:diff_id)" "img-debian curl introduced by layer 2"
  # the image in three transports: the same components
  for a in docker-archive oci-archive; do
    [ -f "$T/img-debian-$a.cdx.json" ] || continue
    cmp -s <(cg_pkgs "$F") <(cg_pkgs "$T/img-debian-$a.cdx.json") && cg_ok ||
      cg_fail "img-debian: packages differ between oci and $a"
  done
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
