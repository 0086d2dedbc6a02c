#!/usr/bin/env bash
# test_sbom_transports.sh - the same three-layer Debian image in every transport
# cgate reads (oci: with and without :TAG, oci-archive:, docker-archive: classic
# and Docker 25+ OCI-style, dir:, and each as a plain auto-detected path) must give
# exactly the same package set, versions, distro and per-package introducing layer.
#
# Layer 1 (gzip): Debian 12 os-release (etc/os-release -> ../usr/lib/os-release),
#   dpkg status with an epoch version, Source fields with and without version, a
#   "deinstall ok config-files" entry (not installed: must not be reported), and a
#   distroless-style status.d/ghost entry.
# Layer 2 (zstd): rewrites the status (adds curl + libcurl4, upgrades base-files),
#   whites out status.d/ghost and etc/motd, makes usr/share/doc opaque.
# Layer 3 (uncompressed): an unrelated file.
. "$(dirname "$0")/lib.sh"
cg_setup sbom_transports

mkdir -p "$T/src"
cat >"$T/src/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF

# a realistic status: fields in dpkg's order, multi-line Description and Conffiles
cat >"$T/src/status1" <<'EOF'
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u5
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
Conffiles:
 /etc/debian_version 0e7e8f1a5c2fd0fe4ffd5c6c69ff0d3a
 /etc/host.conf 4eb63731c9f5e30903ac4fc07a7fe3d6
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
 and the text of several common licenses in use on Debian systems.

Package: bash
Essential: yes
Status: install ok installed
Priority: required
Section: shells
Installed-Size: 7163
Maintainer: Matthias Klose <doko@debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2
Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Recommends: bash-completion (>= 20060301-0)
Suggests: bash-doc
Conflicts: bash-completion (<< 20060301-0)
Conffiles:
 /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
 /etc/skel/.bash_logout 22bfb8c1dd94b5f3813a2b25da67463f
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter that executes
 commands read from the standard input or from a file.
 .
 The Programmable Completion Code, by Ian Macdonald, is now found in
 the bash-completion package.

Package: bsdutils
Essential: yes
Status: install ok installed
Priority: required
Section: utils
Installed-Size: 335
Maintainer: util-linux packagers <util-linux@packages.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3
Pre-Depends: libc6 (>= 2.34), libsystemd0
Recommends: bsdextrautils
Description: basic utilities from 4.4BSD-Lite
 This package contains the bare minimum of BSD utilities needed for a
 Debian system: logger, renice, script, scriptlive, scriptreplay and wall.

Package: oldpkg
Status: deinstall ok config-files
Priority: optional
Section: utils
Installed-Size: 50
Maintainer: Nobody <nobody@example.org>
Architecture: amd64
Version: 1.0-1
Conffiles:
 /etc/oldpkg.conf 0123456789abcdef0123456789abcdef
Description: removed but configuration kept
 Must not appear in an SBOM: it is not installed.

Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 168
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Provides: libz1
Depends: libc6 (>= 2.14)
Breaks: libxml2 (<< 2.7.6.dfsg-2), texlive-binaries (<< 2009-12)
Conflicts: zlib1 (<= 1:1.0.4-7)
Description: compression library - runtime
 zlib is a library implementing the deflate compression method found
 in gzip and PKZIP.  This package includes the shared library.
EOF

# layer 2: base-files upgraded, curl + libcurl4 added, the rest unchanged
{
  sed -e 's/^Version: 12.4+deb12u5$/Version: 12.4+deb12u6/' "$T/src/status1"
  cat <<'EOF'

Package: curl
Status: install ok installed
Priority: optional
Section: web
Installed-Size: 500
Maintainer: Alessandro Ghedini <ghedo@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u5), zlib1g (>= 1:1.1.4)
Description: command line tool for transferring data with URL syntax
 curl is a command line tool for transferring data with URL syntax.

Package: libcurl4
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 1009
Maintainer: Alessandro Ghedini <ghedo@debian.org>
Architecture: amd64
Multi-Arch: same
Source: curl
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), zlib1g (>= 1:1.1.4)
Description: easy-to-use client-side URL transfer library (OpenSSL flavour)
 libcurl is an easy-to-use client-side URL transfer library.
EOF
} >"$T/src/status2"

cat >"$T/spec.json" <<'EOF'
{
  "created": "2024-03-04T05:06:07Z",
  "tag": "v1",
  "repo": "cgate-test/transports",
  "layers": [
    {"compression": "gzip", "entries": [
      {"path": "usr/lib/os-release", "content_file": "src/os-release"},
      {"path": "etc/os-release", "type": "symlink", "target": "../usr/lib/os-release"},
      {"path": "etc/motd", "content": "hello\n"},
      {"path": "bin/bash", "content": "\u007fELF-not-really", "mode": "0755"},
      {"path": "var/lib/dpkg/status", "content_file": "src/status1"},
      {"path": "var/lib/dpkg/status.d/ghost",
       "content": "Package: ghost\nStatus: install ok installed\nArchitecture: amd64\nVersion: 6.6.6-1\n"},
      {"path": "usr/share/doc/bash/copyright", "content": "GPL-3+\n"}
    ]},
    {"compression": "zstd", "entries": [
      {"path": "var/lib/dpkg/status", "content_file": "src/status2"},
      {"path": "var/lib/dpkg/status.d/ghost", "type": "whiteout"},
      {"path": "etc/motd", "type": "whiteout"},
      {"path": "usr/share/doc", "type": "opaque"},
      {"path": "usr/share/doc/README", "content": "docs removed\n"},
      {"path": "usr/bin/curl", "content": "curl", "mode": "0755"}
    ]},
    {"compression": "none", "entries": [
      {"path": "app/hello.txt", "content": "hi\n"}
    ]}
  ]
}
EOF
mkimage "$T/spec.json" all "$T/img" --info "$T/info.json"
D=$T/img

cat >"$T/want.txt" <<'EOF'
base-files 12.4+deb12u6
bash 5.2.15-2+b2
bsdutils 1:2.38.1-5+deb12u3
curl 7.88.1-10+deb12u5
libcurl4 7.88.1-10+deb12u5
zlib1g 1:1.2.13.dfsg-1
EOF
# introducing layer (0-based) per package
declare -A WANT_LAYER=([base-files]=1 [bash]=0 [bsdutils]=0 [curl]=1 [libcurl4]=1 [zlib1g]=0)
DIFF_IDS=($(jq -r '.oci.images[0].layers[].diff_id' "$T/info.json"))
OCI_DIGESTS=($(jq -r '.oci.images[0].layers[].digest' "$T/info.json"))
DOCKER_DIGESTS=($(jq -r '.["docker-archive"].images[0].layers[].digest' "$T/info.json"))
[ "${#DIFF_IDS[@]}" = 3 ] || cg_die "mkimage info has ${#DIFF_IDS[@]} layers, want 3"

# check_sbom LABEL FILE KIND : KIND = oci | docker | dir (which layer digests apply)
# One jq pass per SBOM loads "name<TAB>key<TAB>value" (key: a property name or
# "purl") into PV[name/key]; several values for one key are comma-joined.
declare -A PV
load_pv() {
  PV=()
  local n k v
  while IFS=$'\t' read -r n k v; do
    if [ -n "${PV[$n/$k]+set}" ]; then PV[$n/$k]+=",$v"; else PV[$n/$k]=$v; fi
  done < <(jq -r '.components[]? | select(.type == "library") | .name as $n
      | ([$n, "purl", (.purl // "")]), (.properties[]? | [$n, .name, .value]) | @tsv' "$1")
}
pv() { printf '%s' "${PV[$1/$2]-}"; }

check_sbom() {
  local label=$1 f=$2 kind=$3
  cg_expect_json "$f" "$label" || return
  cg_expect_pkgs "$f" "$T/want.txt" "$label"
  cg_expect_eq "debian 12" "$(cg_os "$f")" "$label operating-system component"
  cg_expect_eq "container" "$(jq -r '.metadata.component.type' "$f")" "$label metadata.component.type"
  cg_expect_eq "" "$(jq -r '.components[]? | select(.name == "oldpkg" or .name == "ghost") | .name' "$f")" \
    "$label deinstalled/whited-out packages"
  load_pv "$f"
  local p
  for p in base-files bash bsdutils curl libcurl4 zlib1g; do
    cg_expect_eq deb "$(pv "$p" cgate:package:type)" "$label $p cgate:package:type"
    local loc
    loc=$(pv "$p" cgate:location:0:path)
    case "$loc" in
      /var/lib/dpkg/status | var/lib/dpkg/status) cg_ok ;;
      *) cg_fail "$label $p cgate:location:0:path = '$loc', want /var/lib/dpkg/status" ;;
    esac
    [ "$kind" = dir ] && continue
    local li=${WANT_LAYER[$p]}
    cg_expect_eq "${DIFF_IDS[$li]}" "$(pv "$p" cgate:layer:diff_id)" "$label $p cgate:layer:diff_id (layer $li)"
    local want_dig=${OCI_DIGESTS[$li]}
    [ "$kind" = docker ] && want_dig=${DOCKER_DIGESTS[$li]}
    cg_expect_eq "$want_dig" "$(pv "$p" cgate:layer:digest)" "$label $p cgate:layer:digest (layer $li)"
  done
  # purl: exact for a plain version, epoch preserved for bsdutils
  cg_expect_eq 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12' \
    "$(pv bash purl)" "$label bash purl"
  local pu
  pu=$(pv bsdutils purl)
  case "$pu" in
    pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3\?* | pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3\?* | \
    pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3\?*epoch=1*) cg_ok ;;
    *) cg_fail "$label bsdutils purl '$pu' does not carry version 1:2.38.1-5+deb12u3 (epoch in version or epoch=1)" ;;
  esac
  case "$pu" in *distro=debian-12*) cg_ok ;; *) cg_fail "$label bsdutils purl '$pu' lacks distro=debian-12" ;; esac
  case "$pu" in *arch=amd64*) cg_ok ;; *) cg_fail "$label bsdutils purl '$pu' lacks arch=amd64" ;; esac
  # source package facts
  cg_expect_eq util-linux "$(pv bsdutils cgate:source:name)" "$label bsdutils cgate:source:name"
  cg_expect_eq 2.38.1-5+deb12u3 "$(pv bsdutils cgate:source:version)" "$label bsdutils cgate:source:version"
  cg_expect_eq bash "$(pv bash cgate:source:name)" "$label bash cgate:source:name"
  cg_expect_eq 5.2.15-2 "$(pv bash cgate:source:version)" "$label bash cgate:source:version"
  cg_expect_eq zlib "$(pv zlib1g cgate:source:name)" "$label zlib1g cgate:source:name"
  cg_expect_eq "" "$(pv zlib1g cgate:source:version)" "$label zlib1g cgate:source:version (same as version)"
  cg_expect_eq curl "$(pv libcurl4 cgate:source:name)" "$label libcurl4 cgate:source:name"
}

run_case() { # LABEL KIND IMAGE-ARG
  local label=$1 kind=$2 img=$3
  local out="$T/out-$label.json"
  cg_sbom "$out" "$T/err-$label" "$img"
  cg_expect_rc 0 "$label" "$T/err-$label" || return
  [ -s "$T/err-$label" ] && cg_info "$label: stderr not empty on success: $(head -c 200 "$T/err-$label")"
  check_sbom "$label" "$out" "$kind"
}

run_case oci-notag oci "oci:$D/image.oci"
run_case oci-tag oci "oci:$D/image.oci:v1"
run_case oci-archive oci "oci-archive:$D/image.oci.tar"
run_case oci-archive-tag oci "oci-archive:$D/image.oci.tar:v1"
run_case docker-archive docker "docker-archive:$D/image.docker.tar"
run_case docker-archive-ocistyle docker "docker-archive:$D/image.docker-oci.tar"
run_case dir dir "dir:$D/image.rootfs"
run_case plain-oci oci "$D/image.oci"
run_case plain-oci-archive oci "$D/image.oci.tar"
run_case plain-docker-archive docker "$D/image.docker.tar"
run_case plain-docker-archive-ocistyle docker "$D/image.docker-oci.tar"
run_case plain-dir dir "$D/image.rootfs"

# the Docker 25+ layout's layers are uncompressed tars: their digest is the diff_id
for p in bash curl; do
  cg_expect_eq "$(cg_prop "$T/out-docker-archive-ocistyle.json" $p cgate:layer:diff_id)" \
    "$(cg_prop "$T/out-docker-archive-ocistyle.json" $p cgate:layer:digest)" \
    "docker-archive-ocistyle $p layer digest == diff_id (uncompressed layers)"
done

# -o FILE writes the same bytes as stdout
cg_sbom "$T/stdout-o.json" "$T/err-o" -o "$T/written.json" "oci:$D/image.oci:v1"
cg_expect_rc 0 "-o FILE" "$T/err-o" &&
  { cmp -s "$T/written.json" "$T/out-oci-tag.json" && cg_ok || cg_fail "-o FILE output differs from stdout output"; }
[ -s "$T/stdout-o.json" ] && cg_fail "-o FILE also wrote to stdout ($(head -c 100 "$T/stdout-o.json"))"

# a tag that is not in the layout, and a tar path with a tag that does not exist
cg_sbom "$T/o" "$T/e" "oci:$D/image.oci:nosuchtag"
cg_expect_rc 3 "oci: unknown tag" "$T/e" && cg_expect_one_error "$T/e" "oci: unknown tag" nosuchtag
cg_sbom "$T/o" "$T/e" "oci-archive:$D/image.oci.tar:nosuchtag"
cg_expect_rc 3 "oci-archive: unknown tag" "$T/e" && cg_expect_one_error "$T/e" "oci-archive: unknown tag" nosuchtag
# a docker-archive's RepoTags are matched as Docker normalises references: with and
# without docker.io/ (and its aliases) on either side, or by the bare tag
for r in cgate-test/transports:v1 docker.io/cgate-test/transports:v1 \
         index.docker.io/cgate-test/transports:v1 registry-1.docker.io/cgate-test/transports:v1 v1; do
  cg_sbom "$T/o" "$T/e" "docker-archive:$D/image.docker.tar:$r"
  cg_expect_rc 0 "docker-archive:FILE:$r" "$T/e"
done
cg_sbom "$T/o" "$T/e" "docker-archive:$D/image.docker.tar:cgate-test/other:v1"
cg_expect_rc 3 "docker-archive: a name it does not hold" "$T/e" &&
  cg_expect_one_error "$T/e" "docker-archive: unknown name" "cgate-test/other"
# transport forced on the wrong kind of input
cg_sbom "$T/o" "$T/e" "docker-archive:$D/image.oci.tar"
cg_expect_rc 3 "docker-archive: on an oci-archive (no manifest.json)" "$T/e"
cg_sbom "$T/o" "$T/e" "oci:$D/image.rootfs"
cg_expect_rc 3 "oci: on a directory without oci-layout" "$T/e"

# SPDX and table carry the same packages
cg_sbom "$T/spdx.json" "$T/e" -f spdx-json "oci:$D/image.oci:v1"
if cg_expect_rc 0 "-f spdx-json" "$T/e" && cg_expect_json "$T/spdx.json" "-f spdx-json"; then
  jq -r '[.packages[]? | select(any(.externalRefs[]?; .referenceType == "purl" and (.referenceLocator | startswith("pkg:deb/"))))
          | "\(.name) \(.versionInfo)"] | sort | .[]' "$T/spdx.json" >"$T/spdx-pkgs.txt"
  cg_expect_same_text "$T/want.txt" "$T/spdx-pkgs.txt" "spdx-json deb packages (by purl externalRef)"
  cg_expect_eq SPDX-2.3 "$(jq -r .spdxVersion "$T/spdx.json")" "spdx-json spdxVersion"
fi
cg_sbom "$T/table.txt" "$T/e" --format table "$D/image.oci"
if cg_expect_rc 0 "--format table" "$T/e"; then
  while read -r n v; do
    grep -qE "(^|[[:space:]])$n[[:space:]].*$(printf '%s' "$v" | sed 's/[.+]/\\&/g')" "$T/table.txt" && cg_ok ||
      cg_fail "table output has no row with '$n' and '$v'"
  done <"$T/want.txt"
  grep -q oldpkg "$T/table.txt" && cg_fail "table output lists the deinstalled oldpkg"
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
