#!/usr/bin/env bash
# debian_root.sh - a fresh, minimal Debian 12 (bookworm) root filesystem made
# with debootstrap, cached so reruns are fast.  The mirror is read at run time
# from this machine's apt configuration (/etc/apt/sources.list and
# /etc/apt/sources.list.d/*: the first source serving "bookworm"), so no host
# name is written in the repository.  Used by tests/install/test_deb.sh and
# packaging/build-image.sh.  Prints the root's path on stdout.
#
#   debian_root.sh [CACHE_DIR]   (default $CGATE_DEBIAN_ROOT_CACHE or /var/cache/cgate/debian12)
#
# The cached tree is never modified: callers copy it (cp -a) before using it.
set -euo pipefail
cache=${1:-${CGATE_DEBIAN_ROOT_CACHE:-/var/cache/cgate/debian12}}

mirror() {
  local f
  # one-line format: deb [opts] URI SUITE COMPONENTS
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                       if ($(i + 1) == "bookworm") { print $i; exit } }' "$f"
  done | head -1
  # deb822 format: a stanza with URIs: and Suites: bookworm
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
         { uri = ""; ok = 0
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uri = u[2] }
             if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1 }
           if (ok && uri != "") { print uri; exit } }' "$f"
  done | head -1
}

if [ -f "$cache/.complete" ]; then
  echo "$cache"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debian_root.sh: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 77; }
[ "$(id -u)" = 0 ] || { echo "debian_root.sh: debootstrap needs root" >&2; exit 77; }
m=$(mirror | head -1)
[ -n "$m" ] || { echo "debian_root.sh: no bookworm source in /etc/apt/sources.list*" >&2; exit 77; }
rm -rf "$cache.tmp"
mkdir -p "$(dirname "$cache")"
echo "debian_root.sh: debootstrap --variant=minbase bookworm from the configured mirror into $cache" >&2
if ! debootstrap --variant=minbase bookworm "$cache.tmp" "$m" >"$cache.log" 2>&1; then
  echo "debian_root.sh: debootstrap failed: $(tail -3 "$cache.log" | tr '\n' ' ')" >&2
  exit 1
fi
# the root's own apt sources: the same mirror (what `apt-get install ./cgate.deb` resolves from)
printf 'deb %s bookworm main\n' "$m" >"$cache.tmp/etc/apt/sources.list"
rm -rf "$cache.tmp/var/cache/apt/archives/"*.deb
touch "$cache.tmp/.complete"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
echo "$cache"
