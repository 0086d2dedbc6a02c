#!/usr/bin/env bash
# test_catalog_rpm.sh - the RPM cataloger through `cgate sbom`: go-rpmdb's real
# databases in image layers (SQLite in layer 1, an NDB database added in layer 1
# and whited out in layer 2, a Berkeley DB added in layer 2), the exact
# (name, version, purl) set against rpm -qa's list, epochs in purls, layer
# attribution, and hostile databases that must give warnings, not failures.
. "$(dirname "$0")/lib.sh"
cg_setup catalog_rpm

D=$CG_TEST_DATA/go-rpmdb
mkdir -p "$T/src"
printf 'NAME="Common Base Linux Mariner"\nVERSION="2.0.20220226"\nID=mariner\nVERSION_ID="2.0"\nPRETTY_NAME="CBL-Mariner/Linux"\n' >"$T/src/os-mariner"
cp "$D/cbl-mariner-2.0/rpmdb.sqlite" "$D/sle15-bci/Packages.db" "$D/libuuid/Packages" "$T/src/"

build() { # NAME : spec on stdin -> $T/NAME.oci
  cat >"$T/$1.json"
  mkimage "$T/$1.json" oci "$T/$1.oci" --info "$T/$1.info.json"
}
diff_id() { jq -r ".images[0].layers[$2].diff_id" "$T/$1.info.json"; }

build rpm <<'EOF'
{"layers": [
  {"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content_file": "src/os-mariner"},
    {"path": "var/lib/rpm/rpmdb.sqlite", "content_file": "src/rpmdb.sqlite"},
    {"path": "usr/lib/sysimage/rpm/Packages.db", "content_file": "src/Packages.db"}]},
  {"compression": "zstd", "entries": [
    {"path": "usr/lib/sysimage/rpm/Packages.db", "type": "whiteout"},
    {"path": "usr/share/rpm/Packages", "content_file": "src/Packages"}]}]}
EOF
F=$T/rpm.out.json
cg_sbom "$F" "$T/rpm.err" "oci:$T/rpm.oci"
if cg_expect_rc 0 "rpm image" "$T/rpm.err" && cg_expect_json "$F" "rpm image"; then
  # want: "name version purl" from rpm -qa's lists (the NDB one is whited out)
  cat "$D/cbl-mariner-2.0/expected-rpm-qa.tsv" "$D/libuuid/expected-rpm-qa.tsv" | python3 -c '
import sys, urllib.parse
for line in sys.stdin:
    n, e, v, r, a = line.rstrip("\n").split("\t")[:5]
    enc = lambda s: urllib.parse.quote(s, safe=".-_~:")
    q = "arch=%s&distro=mariner-2.0" % enc(a)
    if e != "(none)":
        q += "&epoch=" + enc(e)
    print("%s %s-%s pkg:rpm/mariner/%s@%s?%s" % (n, v, r, enc(n), enc(v + "-" + r), q))' | sort >"$T/want.txt"
  cg_pkg_purls "$F" >"$T/got.txt"
  cg_expect_same_text "$T/want.txt" "$T/got.txt" "(name, version, purl) set"
  cg_expect_eq 130 "$(wc -l <"$T/got.txt")" "package count"
  grep -q ' pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1$' "$T/got.txt" \
    && cg_ok || cg_fail "ca-certificates-base purl lacks epoch=1"
  cg_expect_eq "1" "$(cg_prop "$F" ca-certificates-base cgate:rpm:epoch)" "epoch property"
  cg_expect_eq "" "$(cg_pkgs "$F" | grep -E '^(glibc 2.31|libgcc_s1|sles-release) ' || true)" "whited-out NDB packages absent"
  cg_expect_eq "$(diff_id rpm 0)" "$(cg_prop "$F" curl cgate:layer:diff_id)" "curl introduced by layer 1"
  cg_expect_eq "$(diff_id rpm 1)" "$(cg_prop "$F" libuuid cgate:layer:diff_id)" "libuuid introduced by layer 2"
  cg_expect_eq "/usr/share/rpm/Packages" "$(cg_prop "$F" libuuid cgate:location:0:path)" "libuuid location"
  cg_expect_eq "util-linux" "$(cg_prop "$F" libuuid cgate:source:name)" "libuuid source name"
  cg_expect_eq "rpm" "$(cg_prop "$F" curl cgate:package:type)" "curl type"
  cg_expect_eq "mariner 2.0" "$(cg_os "$F")" "operating-system component"
  cg_expect_eq "" "$(jq -r '[.metadata.component.properties[]? | select(.name == "cgate:warning")] | length | select(. > 0)' "$F")" "no warnings"
fi

# hostile databases: a truncated SQLite, text named rpmdb.sqlite, a Berkeley DB
# whose overflow chain loops, random bytes as Packages.db
python3 - "$T/src" "$D/cbl-mariner-2.0/rpmdb.sqlite" <<'EOF'
import os, random, struct, sys
out, sqlite = sys.argv[1], sys.argv[2]
open(out + "/trunc.sqlite", "wb").write(open(sqlite, "rb").read()[:65536])
open(out + "/text.sqlite", "wb").write(b"this is not an rpm database\n")
ps = 512
db = bytearray(5 * ps)
struct.pack_into("<III", db, 12, 0x061561, 9, ps); db[25] = 8
struct.pack_into("<I", db, 32, 3)
pg = ps  # page 1: one record whose overflow chain is 2 -> 3 -> 2
db[pg + 20] = 2; db[pg + 25] = 13
koff, doff = ps - 5, ps - 17
db[pg + koff] = 1; struct.pack_into("<I", db, pg + koff + 1, 1)
db[pg + doff] = 3; struct.pack_into("<II", db, pg + doff + 4, 2, 800)
struct.pack_into("<HH", db, pg + 26, koff, doff)
for p, nxt in ((2, 3), (3, 2)):
    struct.pack_into("<I", db, p * ps + 16, nxt); struct.pack_into("<H", db, p * ps + 22, 100); db[p * ps + 25] = 7
open(out + "/loop.Packages", "wb").write(bytes(db[:4 * ps]))
random.seed(7)
open(out + "/random.db", "wb").write(b"RpmP" + bytes(random.getrandbits(8) for _ in range(20000)))
EOF
build bad <<'EOF'
{"layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "src/os-mariner"},
  {"path": "var/lib/rpm/rpmdb.sqlite", "content_file": "src/trunc.sqlite"},
  {"path": "usr/share/rpm/rpmdb.sqlite", "content_file": "src/text.sqlite"},
  {"path": "var/lib/rpm/Packages", "content_file": "src/loop.Packages"},
  {"path": "usr/lib/sysimage/rpm/Packages.db", "content_file": "src/random.db"},
  {"path": "usr/lib/sysimage/rpm/Packages", "content_file": "src/Packages"}]}]}
EOF
F=$T/bad.out.json
cg_sbom "$F" "$T/bad.err" "oci:$T/bad.oci"
if cg_expect_rc 0 "hostile rpm databases" "$T/bad.err" && cg_expect_json "$F" "hostile rpm databases"; then
  warns=$(jq -r '.metadata.component.properties[]? | select(.name == "cgate:warning") | .value' "$F")
  for w in "/var/lib/rpm/rpmdb.sqlite: " "/usr/share/rpm/rpmdb.sqlite: not an rpm database" \
           "/var/lib/rpm/Packages: 1 Berkeley DB overflow chain(s) loop back" "/usr/lib/sysimage/rpm/Packages.db: "; do
    case "$warns" in *"$w"*) cg_ok ;; *) cg_fail "no cgate:warning containing '$w' (have: $(echo "$warns" | tr '\n' '|'))" ;; esac
  done
  grep -qF "/var/lib/rpm/Packages: 1 Berkeley DB overflow chain(s) loop back" "$T/bad.err" && cg_ok \
    || cg_fail "loop warning not on stderr: $(head -c 400 "$T/bad.err")"
  # the good database next to them still counts
  cg_pkgs "$F" | grep -qx 'libuuid 2.32.1-42.el8_8' && cg_ok || cg_fail "libuuid missing beside the hostile databases"
fi

cg_info "elapsed $(cg_elapsed)s"
cg_finish
