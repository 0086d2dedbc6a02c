#!/usr/bin/env bash
# test_deb.sh - the Debian package: build it with CPack from a Release build,
# check what it holds (binary, libcgate, headers, cgate.pc, a Depends line
# computed by dpkg-shlibdeps), then install it with `apt-get install ./cgate_*.deb`
# on a fresh Debian 12 root filesystem (debootstrap, cached by
# tests/install/debian_root.sh; apt resolves Depends from the machine's
# configured mirror) and run `cgate --version` and `cgate sbom` in a chroot.
# Not part of ctest (it takes minutes and needs root and the apt mirror):
#
#   bash tests/install/test_deb.sh [RELEASE_BUILD_DIR]
#
# Without a build dir it configures and builds one (Release, no tests) under
# ${CGATE_DEB_BUILD:-/tmp/cgate-deb-build}.  Exit 0 pass, 1 fail, 77 skipped
# (not root, no debootstrap or no mirror in the apt configuration).
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
t0=$(date +%s)
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
step() { echo "# $(($(date +%s) - t0))s: $*" >&2; }
[ "$(id -u)" = 0 ] || skip "needs root (chroot, apt-get in the root filesystem)"
for t in cpack dpkg-deb chroot; do command -v $t >/dev/null || skip "$t not installed"; done

B=${1:-${CGATE_DEB_BUILD:-/tmp/cgate-deb-build}}
if [ -z "${1:-}" ]; then
  step "Release build in $B"
  cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=Release -DCGATE_TESTS=OFF >"$B.cmake.log" 2>&1 \
    || fail "cmake: $(tail -3 "$B.cmake.log")"
  cmake --build "$B" -j2 >"$B.build.log" 2>&1 || fail "build: $(tail -5 "$B.build.log")"
fi
step "cpack -G DEB"
rm -f "$B"/cgate_*.deb
(cd "$B" && cpack -G DEB) >"$B/cpack.log" 2>&1 || fail "cpack: $(tail -5 "$B/cpack.log")"
DEB=$(ls "$B"/cgate_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || fail "cpack wrote no cgate_*.deb"
echo "# package: $DEB ($(du -k "$DEB" | cut -f1) KiB)" >&2

# ---- what it holds ----------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$B/deb.files"
for f in /usr/bin/cgate /usr/include/cgate/cgate.h /usr/include/cgate/scan.h /usr/lib/pkgconfig/cgate.pc; do
  grep -qx "$f" "$B/deb.files" || fail "the package lacks $f"
done
grep -Eq '^/usr/lib/libcgate\.so\.0' "$B/deb.files" || fail "the package lacks libcgate.so.0"
dep=$(dpkg-deb -f "$DEB" Depends)
for l in libc6 libarchive13 libjansson4 libcurl4 libsodium23; do
  case "$dep" in *"$l"*) ;; *) fail "Depends does not name $l (not computed?): $dep" ;; esac
done
echo "# Depends: $dep" >&2
# man pages and completions are packaged when the build installs them
grep -q '^/usr/share/man/' "$B/deb.files" && echo "# man pages: $(grep -c '^/usr/share/man/.*\.[0-9]' "$B/deb.files")" >&2
grep -q 'completion' "$B/deb.files" && echo "# completions: $(grep -c 'completion' "$B/deb.files")" >&2

# ---- a fresh Debian 12 ----------------------------------------------------------
step "Debian 12 root filesystem"
CACHE=$(bash "$SRC/tests/install/debian_root.sh") || { rc=$?; [ $rc = 77 ] && skip "no Debian root filesystem"; fail "debian_root.sh"; }
R=$(mktemp -d /tmp/cgate-deb-root.XXXXXX)
cleanup() {
  for m in proc dev/pts dev; do mountpoint -q "$R/$m" && umount -l "$R/$m"; done
  rm -rf --one-file-system "$R"
}
trap cleanup EXIT
cp -a "$CACHE/." "$R/"
mount -t proc proc "$R/proc" && mount --bind /dev "$R/dev" || fail "cannot mount /proc and /dev in $R"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
cp "$DEB" "$R/tmp/"
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
in_root test ! -e /usr/bin/cgate || fail "the fresh root already has cgate"
step "apt-get install ./$(basename "$DEB")"
in_root apt-get -q update >"$B/apt.log" 2>&1 || fail "apt-get update in the root: $(tail -3 "$B/apt.log")"
in_root apt-get -q install -y --no-install-recommends "/tmp/$(basename "$DEB")" >>"$B/apt.log" 2>&1 \
  || fail "apt-get install: $(tail -5 "$B/apt.log")"
step "cgate in the chroot"
v=$(in_root cgate --version) || fail "cgate --version in the chroot"
echo "# $v" >&2
[[ "$v" =~ ^cgate\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ ([0-9a-f]+|unknown)\)$ ]] || fail "unexpected --version: $v"
host_v=$("$B/cgate" --version)
[ "$v" = "$host_v" ] || fail "the packaged cgate says \"$v\", the build \"$host_v\""
in_root ldconfig -p | grep -q 'libcgate.so.0 ' || fail "libcgate.so.0 is not in the root's linker cache"
in_root dpkg -s cgate >/dev/null || fail "dpkg does not know cgate"
# the installed gate reads the root's package database (copied into a small
# tree: dir:/ would walk /proc): cgate is one of the packages it lists
in_root sh -c 'mkdir -p /tmp/r/var/lib/dpkg /tmp/r/etc && cp /var/lib/dpkg/status /tmp/r/var/lib/dpkg/ &&
               cp /etc/os-release /tmp/r/etc/ && cgate sbom -q -f table dir:/tmp/r' >"$B/sbom.txt" 2>"$B/sbom.err" \
  || fail "cgate sbom in the chroot: $(head -2 "$B/sbom.err")"
grep -Eq '(^|[[:space:]])cgate[[:space:]]' "$B/sbom.txt" || fail "cgate sbom of the root does not list the cgate package"
step "pass"
echo "test_deb.sh: pass in $(($(date +%s) - t0)) s" >&2
