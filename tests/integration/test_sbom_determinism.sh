#!/usr/bin/env bash
# test_sbom_determinism.sh - same input, same bytes: two runs give identical output
# (CycloneDX, SPDX, table); SOURCE_DATE_EPOCH sets metadata.timestamp, otherwise the
# image config's `created` is used (never the wall clock); the same image in every
# transport gives the same package list.
. "$(dirname "$0")/lib.sh"
cg_setup sbom_determinism

mkdir -p "$T/src"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$T/src/os"
for p in zlib1g:1:1.2.13.dfsg-1 bash:5.2.15-2+b2 apt:2.6.1 libc6:2.36-9+deb12u4 adduser:3.134 tar:1.34+dfsg-1.2+deb12u1; do
  printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\nDescription: %s\n\n' \
    "${p%%:*}" "${p#*:}" "${p%%:*}"
done >"$T/src/status"
cat >"$T/spec.json" <<'EOF'
{"created": "2023-05-06T07:08:09Z", "layers": [
  {"compression": "gzip", "entries": [{"path": "etc/os-release", "content_file": "src/os"},
                                      {"path": "var/lib/dpkg/status", "content_file": "src/status"}]},
  {"compression": "zstd", "entries": [{"path": "app/x", "content": "x"}]}]}
EOF
mkimage "$T/spec.json" all "$T/img"
IMG="oci:$T/img/image.oci"

# two runs, each format: identical bytes (also across a different working directory)
for fmt in cyclonedx-json spdx-json table; do
  unset SOURCE_DATE_EPOCH
  cg_sbom "$T/a.$fmt" "$T/e" -f "$fmt" "$IMG"
  cg_expect_rc 0 "$fmt run 1" "$T/e" || continue
  sleep 1.1                          # a wall-clock timestamp would now differ
  (cd / && cg_sbom "$T/b.$fmt" "$T/e" -f "$fmt" "$IMG")
  if cmp -s "$T/a.$fmt" "$T/b.$fmt"; then cg_ok; else
    cg_fail "$fmt: two runs differ: $(diff "$T/a.$fmt" "$T/b.$fmt" | head -c 600)"
  fi
done

# components are in a stable order (sorted by name) and serial numbers are not random
if cg_expect_json "$T/a.cyclonedx-json" "cyclonedx run"; then
  jq -r '[.components[]? | select(.type == "library") | .name] | .[]' "$T/a.cyclonedx-json" >"$T/order"
  sort "$T/order" >"$T/order.sorted"
  cg_expect_same_text "$T/order.sorted" "$T/order" "library components sorted by name"
  # without SOURCE_DATE_EPOCH the timestamp is the image's `created`
  cg_expect_eq 2023-05-06T07:08:09Z "$(jq -r .metadata.timestamp "$T/a.cyclonedx-json")" \
    "metadata.timestamp = config created (no SOURCE_DATE_EPOCH)"
fi

# SOURCE_DATE_EPOCH wins over `created`
SOURCE_DATE_EPOCH=1700000000 cg_sbom "$T/sde.json" "$T/e" "$IMG"
if cg_expect_rc 0 "SOURCE_DATE_EPOCH run" "$T/e" && cg_expect_json "$T/sde.json" "SOURCE_DATE_EPOCH run"; then
  cg_expect_eq 2023-11-14T22:13:20Z "$(jq -r .metadata.timestamp "$T/sde.json")" "metadata.timestamp = SOURCE_DATE_EPOCH"
  # and that is the only difference from the run without it
  jq -S 'del(.metadata.timestamp, .serialNumber)' "$T/sde.json" >"$T/sde.norm"
  jq -S 'del(.metadata.timestamp, .serialNumber)' "$T/a.cyclonedx-json" >"$T/a.norm"
  cg_expect_same_text "$T/a.norm" "$T/sde.norm" "SOURCE_DATE_EPOCH changes only the timestamp"
  # serialNumber, when present, is derived from the content, not random
  SOURCE_DATE_EPOCH=1700000000 cg_sbom "$T/sde2.json" "$T/e" "$IMG"
  cmp -s "$T/sde.json" "$T/sde2.json" && cg_ok || cg_fail "SOURCE_DATE_EPOCH: two runs differ"
fi
SOURCE_DATE_EPOCH=1700000000 cg_sbom "$T/sde.spdx" "$T/e" -f spdx-json "$IMG"
cg_expect_rc 0 "SOURCE_DATE_EPOCH spdx" "$T/e" &&
  cg_expect_eq 2023-11-14T22:13:20Z "$(jq -r .creationInfo.created "$T/sde.spdx")" "spdx creationInfo.created = SOURCE_DATE_EPOCH"
unset SOURCE_DATE_EPOCH
cg_sbom "$T/nosde.spdx" "$T/e" -f spdx-json "$IMG"
cg_expect_rc 0 "spdx without SOURCE_DATE_EPOCH" "$T/e" &&
  cg_expect_eq 2023-05-06T07:08:09Z "$(jq -r .creationInfo.created "$T/nosde.spdx")" "spdx creationInfo.created = config created"

# a different `created` changes the timestamp (it is read, not a constant)
jq '.created = "2021-02-03T04:05:06Z"' "$T/spec.json" >"$T/spec2.json"
mkimage "$T/spec2.json" oci "$T/img2.oci"
cg_sbom "$T/c2.json" "$T/e" "oci:$T/img2.oci"
cg_expect_rc 0 "created 2021" "$T/e" &&
  cg_expect_eq 2021-02-03T04:05:06Z "$(jq -r .metadata.timestamp "$T/c2.json")" "metadata.timestamp follows config created"

# same package list (and same bytes for the components) in every transport
cg_pkgs "$T/a.cyclonedx-json" >"$T/want" 2>/dev/null
[ "$(wc -l <"$T/want")" = 6 ] && cg_ok || cg_fail "reference run lists $(wc -l <"$T/want") packages, want 6"
for t in "oci-archive:$T/img/image.oci.tar" "docker-archive:$T/img/image.docker.tar" \
         "docker-archive:$T/img/image.docker-oci.tar" "dir:$T/img/image.rootfs" "$T/img/image.oci.tar"; do
  cg_sbom "$T/t.json" "$T/e" "$t"
  cg_expect_rc 0 "$t" "$T/e" || continue
  cg_expect_pkgs "$T/t.json" "$T/want" "$t"
  cg_sbom "$T/t2.json" "$T/e" "$t"
  cmp -s "$T/t.json" "$T/t2.json" && cg_ok || cg_fail "$t: two runs differ"
done

cg_info "elapsed $(cg_elapsed)s"
cg_finish
