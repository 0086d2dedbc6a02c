#!/usr/bin/env bash
# test_sbom_layers.sh - OCI layer semantics as seen in the SBOM: whiteouts, opaque
# directories, replacement, re-adding (layer attribution), apk over gzip/zstd/none
# layers, distroless status.d, and platform selection in multi-platform indexes.
. "$(dirname "$0")/lib.sh"
cg_setup sbom_layers

mkdir -p "$T/src"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' >"$T/src/os-debian"

# stanza NAME VERSION [SOURCE] [ARCH] : one installed dpkg status paragraph
stanza() {
  printf 'Package: %s\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 10\nMaintainer: Test <test@example.org>\nArchitecture: %s\n' "$1" "${4:-amd64}"
  [ -n "${3:-}" ] && printf 'Source: %s\n' "$3"
  printf 'Version: %s\nDescription: test package %s\n test package %s, long description.\n\n' "$2" "$1" "$1"
}
stanza base-files 12.4+deb12u5 >"$T/src/status-a"
stanza libc6 2.36-9+deb12u4 glibc >>"$T/src/status-a"
stanza zlib1g 1:1.2.13.dfsg-1 zlib >>"$T/src/status-a"
stanza coreutils 9.1-1 >"$T/src/status-b"
stanza sed 4.9-1 >>"$T/src/status-b"

# build NAME : spec JSON on stdin -> $T/NAME.oci (+ $T/NAME.info.json)
build() {
  cat >"$T/$1.json"
  mkimage "$T/$1.json" oci "$T/$1.oci" --info "$T/$1.info.json"
}
diff_id() { jq -r ".images[$2].layers[$3].diff_id" "$T/$1.info.json"; }

# sbom NAME [ARGS...] : runs cgate on $T/NAME.oci, output $T/NAME.out.json; sets RC
sbom() {
  local n=$1
  shift
  cg_sbom "$T/$n.out.json" "$T/$n.err" "$@" "oci:$T/$n.oci"
  cg_expect_rc 0 "$n" "$T/$n.err" && cg_expect_json "$T/$n.out.json" "$n"
}

want() { printf '%s\n' "$@" | sed '/^$/d' >"$T/want.txt"; }

LAYER1='{"compression": "gzip", "entries": [
  {"path": "usr/lib/os-release", "content_file": "src/os-debian"},
  {"path": "etc/os-release", "type": "symlink", "target": "../usr/lib/os-release"},
  {"path": "var/lib/dpkg/status", "content_file": "src/status-a"},
  {"path": "var/lib/dpkg/info/libc6.list", "content": "/lib/x86_64-linux-gnu/libc.so.6\n"}]}'

# (a) status deleted by a .wh.status whiteout
build a-whiteout <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg/status", "type": "whiteout"}]}]}
EOF
if sbom a-whiteout; then
  want
  cg_expect_pkgs "$T/a-whiteout.out.json" "$T/want.txt" "(a) .wh.status"
  cg_expect_eq "debian 12" "$(cg_os "$T/a-whiteout.out.json")" "(a) os component survives"
fi

# (b) var/lib/dpkg made opaque, nothing else in it
build b-opaque <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg", "type": "opaque"}]}]}
EOF
if sbom b-opaque; then
  want
  cg_expect_pkgs "$T/b-opaque.out.json" "$T/want.txt" "(b) opaque var/lib/dpkg"
fi

# (c) the whole directory whited out: var/lib/.wh.dpkg
build c-dirwhiteout <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg", "type": "whiteout"}]}]}
EOF
if sbom c-dirwhiteout; then
  want
  cg_expect_pkgs "$T/c-dirwhiteout.out.json" "$T/want.txt" "(c) var/lib/.wh.dpkg"
fi

# (c2) a whiteout of a sibling with a common prefix must NOT hide the db:
#      var/lib/.wh.dpk (and var/lib/dpkg/.wh.statu) hide other names only
build c2-prefix <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpk", "type": "whiteout"},
                                      {"path": "var/lib/dpkg/statu", "type": "whiteout"}]}]}
EOF
if sbom c2-prefix; then
  want "base-files 12.4+deb12u5" "libc6 2.36-9+deb12u4" "zlib1g 1:1.2.13.dfsg-1"
  cg_expect_pkgs "$T/c2-prefix.out.json" "$T/want.txt" "(c2) whiteouts of prefix-sharing names"
fi

# (c3) a whiteout in the SAME layer as the file does not hide it (whiteouts apply to
#      lower layers only), even when the tar lists the file before the whiteout
build c3-samelayer <<EOF
{"layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "src/os-debian"},
  {"path": "var/lib/dpkg/status", "content_file": "src/status-b"}]},
  {"compression": "gzip", "sort": false, "entries": [
  {"path": "var/lib/dpkg/status", "content_file": "src/status-a"},
  {"path": "var/lib/dpkg/status", "type": "whiteout"}]}]}
EOF
if sbom c3-samelayer; then
  want "base-files 12.4+deb12u5" "libc6 2.36-9+deb12u4" "zlib1g 1:1.2.13.dfsg-1"
  cg_expect_pkgs "$T/c3-samelayer.out.json" "$T/want.txt" "(c3) whiteout + new file in one layer"
fi

# (d) replaced by a later layer: only the later content
build d-replaced <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg/status", "content_file": "src/status-b"}]}]}
EOF
if sbom d-replaced; then
  want "coreutils 9.1-1" "sed 4.9-1"
  cg_expect_pkgs "$T/d-replaced.out.json" "$T/want.txt" "(d) replaced status"
  for p in coreutils sed; do
    cg_expect_eq "$(diff_id d-replaced 0 1)" "$(cg_prop "$T/d-replaced.out.json" $p cgate:layer:diff_id)" "(d) $p introduced by layer 2"
  done
fi

# (e) deleted in layer 2, re-added (same content) in layer 3: attributed to layer 3
build e-readded <<EOF
{"layers": [$LAYER1,
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg", "type": "whiteout"}]},
  {"compression": "gzip", "entries": [{"path": "var/lib/dpkg/status", "content_file": "src/status-a"}]}]}
EOF
if sbom e-readded; then
  want "base-files 12.4+deb12u5" "libc6 2.36-9+deb12u4" "zlib1g 1:1.2.13.dfsg-1"
  cg_expect_pkgs "$T/e-readded.out.json" "$T/want.txt" "(e) re-added status"
  for p in base-files libc6 zlib1g; do
    cg_expect_eq "$(diff_id e-readded 0 2)" "$(cg_prop "$T/e-readded.out.json" $p cgate:layer:diff_id)" "(e) $p introduced by layer 3"
  done
fi

# (f) apk: installed db rewritten across gzip, zstd and uncompressed layers
apk_pkg() { # NAME VERSION ORIGIN
  printf 'C:Q1%s=\nP:%s\nV:%s\nA:x86_64\nS:100000\nI:200000\nT:%s test package\nL:MIT\no:%s\nm:Test <test@example.org>\nt:1705414451\nc:0123456789abcdef0123456789abcdef01234567\nD:so:libc.musl-x86_64.so.1\np:cmd:%s=%s\nF:usr/bin\nR:%s\na:0:0:755\nZ:Q1abcdefabcdefabcdefabcdefabcdefabcd=\n\n' \
    "$(printf '%s' "$1" | sha1sum | cut -c1-26)" "$1" "$2" "$1" "$3" "$1" "$2" "$1"
}
{ apk_pkg musl 1.2.4_git20230717-r4 musl; apk_pkg busybox 1.36.1-r15 busybox; apk_pkg ssl_client 1.36.1-r15 busybox; } >"$T/src/apk1"
{ cat "$T/src/apk1"; apk_pkg libcrypto3 3.1.4-r5 openssl; } >"$T/src/apk2"
{ cat "$T/src/apk2"; apk_pkg zlib 1.3.1-r0 zlib; } >"$T/src/apk3"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$T/src/os-alpine"
build f-apk <<'EOF'
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content_file": "src/os-alpine"},
    {"path": "lib/apk/db/installed", "content_file": "src/apk1"}]},
  {"compression": "zstd", "entries": [{"path": "lib/apk/db/installed", "content_file": "src/apk2"}]},
  {"compression": "none", "entries": [{"path": "lib/apk/db/installed", "content_file": "src/apk3"}]}]}
EOF
if sbom f-apk; then
  F=$T/f-apk.out.json
  want "busybox 1.36.1-r15" "libcrypto3 3.1.4-r5" "musl 1.2.4_git20230717-r4" "ssl_client 1.36.1-r15" "zlib 1.3.1-r0"
  cg_expect_pkgs "$F" "$T/want.txt" "(f) apk"
  cg_expect_eq "alpine 3.19.1" "$(cg_os "$F")" "(f) operating-system component"
  for pl in musl:0 busybox:0 ssl_client:0 libcrypto3:1 zlib:2; do
    p=${pl%:*} l=${pl#*:}
    cg_expect_eq apk "$(cg_prop "$F" "$p" cgate:package:type)" "(f) $p cgate:package:type"
    cg_expect_eq "$(diff_id f-apk 0 "$l")" "$(cg_prop "$F" "$p" cgate:layer:diff_id)" "(f) $p introduced by layer $((l + 1))"
  done
  cg_expect_eq busybox "$(cg_prop "$F" ssl_client cgate:source:name)" "(f) ssl_client origin as cgate:source:name"
  cg_expect_eq openssl "$(cg_prop "$F" libcrypto3 cgate:source:name)" "(f) libcrypto3 origin as cgate:source:name"
  pu=$(cg_field "$F" musl purl)
  case "$pu" in
    pkg:apk/alpine/musl@1.2.4_git20230717-r4\?*distro=alpine-3.19.1*) cg_ok ;;
    *) cg_fail "(f) musl purl '$pu', want pkg:apk/alpine/musl@1.2.4_git20230717-r4?...distro=alpine-3.19.1" ;;
  esac
  case "$pu" in *arch=x86_64*) cg_ok ;; *) cg_fail "(f) musl purl '$pu' lacks arch=x86_64" ;; esac
fi

# (g) distroless: var/lib/dpkg/status.d/<name> files; <name>.md5sums are not packages
build g-distroless <<EOF
{"layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "src/os-debian"},
  {"path": "var/lib/dpkg/status.d/base-files", "content": $(stanza base-files 12.4+deb12u5 | jq -Rs .)},
  {"path": "var/lib/dpkg/status.d/base-files.md5sums", "content": "d41d8cd98f00b204e9800998ecf8427e  usr/lib/os-release\n"},
  {"path": "var/lib/dpkg/status.d/libc6", "content": $(stanza libc6 2.36-9+deb12u4 glibc | jq -Rs .)},
  {"path": "var/lib/dpkg/status.d/libc6.md5sums", "content": "Package: evil-md5\nVersion: 6.6.6\nStatus: install ok installed\n"},
  {"path": "var/lib/dpkg/status.d/tzdata", "content": $(stanza tzdata 2024a-0+deb12u1 "" all | jq -Rs .)}]},
  {"compression": "zstd", "entries": [
  {"path": "var/lib/dpkg/status.d/netbase", "content": $(stanza netbase 6.4 "" all | jq -Rs .)}]}]}
EOF
if sbom g-distroless; then
  F=$T/g-distroless.out.json
  want "base-files 12.4+deb12u5" "libc6 2.36-9+deb12u4" "netbase 6.4" "tzdata 2024a-0+deb12u1"
  cg_expect_pkgs "$F" "$T/want.txt" "(g) distroless status.d"
  loc=$(cg_prop "$F" libc6 cgate:location:0:path)
  case "$loc" in /var/lib/dpkg/status.d/libc6 | var/lib/dpkg/status.d/libc6) cg_ok ;;
    *) cg_fail "(g) libc6 cgate:location:0:path '$loc', want /var/lib/dpkg/status.d/libc6" ;; esac
  cg_expect_eq "$(diff_id g-distroless 0 1)" "$(cg_prop "$F" netbase cgate:layer:diff_id)" "(g) netbase introduced by layer 2"
  cg_expect_eq "$(diff_id g-distroless 0 0)" "$(cg_prop "$F" tzdata cgate:layer:diff_id)" "(g) tzdata introduced by layer 1"
fi

# (h) multi-platform index: each platform has its own status and a marker package
plat() { # OS ARCH VARIANT DEBARCH
  local marker="plat-$2${3:+-$3}"
  printf '{"os": "%s", "architecture": "%s"%s, "layers": [{"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content_file": "src/os-debian"},
    {"path": "var/lib/dpkg/status", "content": %s}]}]}' "$1" "$2" "${3:+, \"variant\": \"$3\"}" \
    "$( { stanza "$marker" 1.0-1 "" "$4"; stanza hello "2.10-3" "" "$4"; } | jq -Rs .)"
}
PLATS="$(plat linux arm64 "" arm64), $(plat linux amd64 "" amd64), $(plat linux arm v7 armhf), $(plat windows amd64 "" amd64)"
for style in nested flat; do
  n=h-$style
  build $n <<EOF
{"index_style": "$style", "platforms": [$PLATS]}
EOF
  for c in "default:plat-amd64:1" "linux/amd64:plat-amd64:1" "linux/arm64:plat-arm64:0" "linux/arm/v7:plat-arm-v7:2"; do
    IFS=: read -r pf marker idx <<<"$c"
    args=()
    [ "$pf" = default ] || args=(--platform "$pf")
    cg_sbom "$T/$n.out.json" "$T/$n.err" "${args[@]}" "oci:$T/$n.oci"
    cg_expect_rc 0 "(h $style) $pf" "$T/$n.err" || continue
    want "hello 2.10-3" "$marker 1.0-1"
    cg_expect_pkgs "$T/$n.out.json" "$T/want.txt" "(h $style) $pf"
    cg_expect_eq "$(diff_id $n "$idx" 0)" "$(cg_prop "$T/$n.out.json" hello cgate:layer:diff_id)" "(h $style) $pf layer"
  done
  for pf in linux/s390x linux/arm64/v8/extra darwin/amd64; do
    cg_sbom "$T/$n.out.json" "$T/$n.err" --platform "$pf" "oci:$T/$n.oci"
    case "$pf" in
      */*/*/*) # malformed platform: a usage error
        [ "$RC" = 2 ] || [ "$RC" = 3 ] && cg_ok || cg_fail "(h $style) malformed --platform $pf: exit $RC, want 2 (or 3)" ;;
      *) cg_expect_rc 3 "(h $style) absent platform $pf" "$T/$n.err" &&
           cg_expect_one_error "$T/$n.err" "(h $style) absent platform $pf" "$pf" ;;
    esac
  done
done
# the same index inside an oci-archive
mkimage "$T/h-nested.json" oci-archive "$T/h.oci.tar"
cg_sbom "$T/h-arch.json" "$T/h-arch.err" --platform linux/arm64 "oci-archive:$T/h.oci.tar"
if cg_expect_rc 0 "(h) oci-archive --platform linux/arm64" "$T/h-arch.err"; then
  want "hello 2.10-3" "plat-arm64 1.0-1"
  cg_expect_pkgs "$T/h-arch.json" "$T/want.txt" "(h) oci-archive linux/arm64"
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
