#!/usr/bin/env bash
# test_sbom_badinput.sh - hostile and broken input. For every bad image cgate must
# exit 3 with ONE stderr line "cgate: ..." naming the image (and the layer digest and
# tar entry where there is one), leave nothing behind -o FILE (no file, no temp file),
# finish within a time limit and within bounded memory (ulimit -v, see lib.sh; not
# for sanitizer builds). Also the CLI's own usage errors and output-path handling.
# The big inputs (2 GiB gzip bomb, 1 GiB dpkg status) are streamed by mkimage.py as
# repeated deflate blocks, so they cost ~2 s each to make and ~2 MB of disk.
# CG_JUNK_BYTES sets the size of the uncompressed over-cap dpkg status (default 40 MiB).
. "$(dirname "$0")/lib.sh"
cg_setup sbom_badinput
export MALLOC_ARENA_MAX=2       # glibc arenas reserve address space per thread

mkdir -p "$T/src"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$T/src/os-debian"
printf 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nDescription: GNU Bourne Again SHell\n\n' >"$T/src/status"
# incompressible-ish text (base64 of seeded random bytes): truncation lands inside it
python3 -c 'import random,base64,sys; r=random.Random(7); sys.stdout.write(base64.b64encode(bytes(r.getrandbits(8) for _ in range(300000))).decode())' >"$T/src/noise"

OS_ENTRY='{"path": "etc/os-release", "content_file": "src/os-debian"}'
STATUS_ENTRY='{"path": "var/lib/dpkg/status", "content_file": "src/status"}'

# build NAME [FORMAT] : spec JSON on stdin -> $T/NAME.oci (or other format)
build() {
  cat >"$T/$1.json"
  local fmt=${2:-oci} ext=oci
  [ "$fmt" = oci-archive ] && ext=oci.tar
  mkimage "$T/$1.json" "$fmt" "$T/$1.$ext" --info "$T/$1.info.json"
}
layer_digest() { jq -r ".images[0].manifest_layers[$2].digest" "$T/$1.info.json"; }
short() { local d=${1#sha256:}; printf '%s' "${d:0:12}"; }

# bad LABEL "MUST1|MUST2" CGATE-SBOM-ARGS... : expects exit 3 and a clean failure
bad() {
  local label=$1 contains=$2
  shift 2
  local od="$T/out-$label"
  rm -rf "$od"
  mkdir -p "$od"
  cg_sbom "$T/$label.stdout" "$T/$label.err" -o "$od/sbom.json" "$@"
  cg_info "$label: exit $RC in ${CG_LAST_MS} ms: $(head -c 300 "$T/$label.err" | tr '\n' '|')"
  cg_expect_rc 3 "$label" "$T/$label.err"
  local musts=()
  [ -n "$contains" ] && IFS='|' read -ra musts <<<"$contains"
  cg_expect_one_error "$T/$label.err" "$label" "${musts[@]}"
  local left
  left=$(ls -A "$od")
  [ -z "$left" ] && cg_ok || cg_fail "$label: left behind in the -o directory: $left"
  [ -s "$T/$label.stdout" ] && cg_fail "$label: wrote to stdout although -o was given"
  return 0
}

# ------------------------------------------------------------ digests and blobs
build blobdigest <<EOF
{"corrupt": {"blob_digest": 1}, "layers": [
  {"entries": [$OS_ENTRY]}, {"entries": [$STATUS_ENTRY]}]}
EOF
bad blob-digest "blobdigest.oci|$(short "$(layer_digest blobdigest 1)")" "oci:$T/blobdigest.oci"

build missingblob <<EOF
{"corrupt": {"missing_blob": 0}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad missing-blob "missingblob.oci|$(short "$(layer_digest missingblob 0)")" "oci:$T/missingblob.oci"

build diffid <<EOF
{"corrupt": {"diff_id": 1}, "layers": [
  {"entries": [$OS_ENTRY]}, {"compression": "zstd", "entries": [$STATUS_ENTRY]}]}
EOF
bad diff-id "diffid.oci|$(short "$(layer_digest diffid 1)")" "oci:$T/diffid.oci"

# wrong digest inside an oci-archive and a docker-archive too (the transport's own paths)
build blobdigest-arch oci-archive <<EOF
{"corrupt": {"blob_digest": 0}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad blob-digest-oci-archive "blobdigest-arch.oci.tar|$(short "$(layer_digest blobdigest-arch 0)")" \
  "oci-archive:$T/blobdigest-arch.oci.tar"
build diffid-docker docker-archive <<EOF
{"corrupt": {"diff_id": 0}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
mv "$T/diffid-docker.oci" "$T/diffid-docker.tar"
bad diff-id-docker-archive "diffid-docker.tar" "docker-archive:$T/diffid-docker.tar"

# ------------------------------------------------------------ broken streams
build truncgz <<EOF
{"layers": [{"compression": "gzip", "truncate_after": -150000, "entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "usr/share/noise.txt", "content_file": "src/noise"}]}]}
EOF
bad truncated-gzip "truncgz.oci|$(short "$(layer_digest truncgz 0)")|usr/share/noise.txt" "oci:$T/truncgz.oci"

build trunczst <<EOF
{"layers": [{"compression": "zstd", "truncate_after": -150000, "entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "usr/share/noise.txt", "content_file": "src/noise"}]}]}
EOF
bad truncated-zstd "trunczst.oci|$(short "$(layer_digest trunczst 0)")|usr/share/noise.txt" "oci:$T/trunczst.oci"

# an uncompressed layer cut in the middle of a tar header
build cuthdr <<EOF
{"layers": [{"compression": "none", "truncate_after": 2300, "entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "content_file": "src/noise"}]}]}
EOF
bad truncated-tar "cuthdr.oci|$(short "$(layer_digest cuthdr 0)")" "oci:$T/cuthdr.oci"

# the header of var/lib/dpkg/status claims 8 GiB (base-256 size); the data is 11 bytes
build hugesize <<EOF
{"layers": [{"compression": "gzip", "entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "content": "Package: x\n", "declared_size": 8589934592}]}]}
EOF
bad huge-size-header "hugesize.oci|$(short "$(layer_digest hugesize 0)")|var/lib/dpkg/status" "oci:$T/hugesize.oci"

# ------------------------------------------------------------ hostile names and links
CANARY=cgate-escape-$$-$RANDOM
build dotdot <<EOF
{"layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "../../../../../../tmp/$CANARY", "content": "escaped\n", "raw": true}]}]}
EOF
bad dotdot-entry "dotdot.oci|$(short "$(layer_digest dotdot 0)")|../../../../../../tmp/$CANARY" "oci:$T/dotdot.oci"
[ -e "/tmp/$CANARY" ] && cg_fail "dotdot-entry: /tmp/$CANARY was created on the host"

build dotdot-mid <<EOF
{"layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "var/lib/../../../../etc/$CANARY", "content": "escaped\n", "raw": true}]}]}
EOF
bad dotdot-middle "dotdot-mid.oci|var/lib/../../../../etc/$CANARY" "oci:$T/dotdot-mid.oci"

build abspath <<EOF
{"layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "/tmp/$CANARY", "content": "escaped\n", "raw": true}]}]}
EOF
bad absolute-entry "abspath.oci|$(short "$(layer_digest abspath 0)")|/tmp/$CANARY" "oci:$T/abspath.oci"
[ -e "/tmp/$CANARY" ] && cg_fail "absolute-entry: /tmp/$CANARY was created on the host"

build hardmissing <<EOF
{"layers": [{"entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "type": "hardlink", "target": "var/lib/dpkg/no-such-file"}]}]}
EOF
bad hardlink-missing "hardmissing.oci|$(short "$(layer_digest hardmissing 0)")|var/lib/dpkg/status" "oci:$T/hardmissing.oci"

# Symlinks the catalogers must follow. Per the brief these are bad input (exit 3).
# Independently of that, cgate must never read the HOST's files through them: when
# run to stdout, no output may contain host data.
HOST_MARK=cgate-host-secret-$$-$RANDOM
check_no_host_leak() { # LABEL IMAGE
  CG_HOST_MARK=$HOST_MARK cg_sbom "$T/$1.leak.out" "$T/$1.leak.err" "$2"
  if grep -qF "$HOST_MARK" "$T/$1.leak.out" "$T/$1.leak.err"; then
    cg_fail "$1: output contains the host's environment (read /proc/self/environ of the host)"
  else cg_ok; fi
  if [ "$RC" = 0 ] && [ -n "$(cg_os "$T/$1.leak.out" 2>/dev/null)" ] && [ "${3:-}" = no-os ]; then
    cg_fail "$1: exit 0 with an operating-system component although the image has no os-release ($(cg_os "$T/$1.leak.out"))"
  fi
}
build symloop <<EOF
{"layers": [{"entries": [$STATUS_ENTRY,
  {"path": "etc/os-release", "type": "symlink", "target": "os-release2"},
  {"path": "etc/os-release2", "type": "symlink", "target": "../etc/os-release"}]}]}
EOF
bad symlink-loop "symloop.oci|etc/os-release" "oci:$T/symloop.oci"
check_no_host_leak symlink-loop "oci:$T/symloop.oci" no-os

build symout <<EOF
{"layers": [{"entries": [$STATUS_ENTRY,
  {"path": "etc/os-release", "type": "symlink", "target": "../../../../etc/os-release"}]}]}
EOF
bad symlink-out-of-image "symout.oci|etc/os-release" "oci:$T/symout.oci"
check_no_host_leak symlink-out-of-image "oci:$T/symout.oci" no-os

build symproc <<EOF
{"layers": [{"entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "type": "symlink", "target": "/proc/self/environ"}]}]}
EOF
bad symlink-proc "symproc.oci|var/lib/dpkg/status" "oci:$T/symproc.oci"
check_no_host_leak symlink-proc "oci:$T/symproc.oci"

# a 100-hop chain (the kernel gives up at 40) ...
CHAIN='{"path": "etc/os-release", "type": "symlink", "target": "l1"}'
for i in $(seq 1 99); do CHAIN+=", {\"path\": \"etc/l$i\", \"type\": \"symlink\", \"target\": \"l$((i + 1))\"}"; done
CHAIN+=', {"path": "etc/l100", "type": "symlink", "target": "../usr/lib/os-release"}'
build symchain <<EOF
{"layers": [{"entries": [$STATUS_ENTRY, {"path": "usr/lib/os-release", "content_file": "src/os-debian"}, $CHAIN]}]}
EOF
bad symlink-chain-100 "symchain.oci|etc/os-release" "oci:$T/symchain.oci"
# ... while a short chain across layers is fine (control: the links above are the problem)
build symshort <<EOF
{"layers": [{"entries": [$STATUS_ENTRY, {"path": "usr/lib/os-release", "content_file": "src/os-debian"},
  {"path": "etc/l2", "type": "symlink", "target": "../usr/lib/os-release"}]},
  {"entries": [{"path": "etc/os-release", "type": "symlink", "target": "l1"},
  {"path": "etc/l1", "type": "symlink", "target": "/etc/l2"}]}]}
EOF
cg_sbom "$T/symshort.out" "$T/symshort.err" "oci:$T/symshort.oci"
cg_expect_rc 0 "symlink-chain-short (control)" "$T/symshort.err" &&
  cg_expect_eq "debian 12" "$(cg_os "$T/symshort.out")" "symlink-chain-short: os-release through 3 links"

# ------------------------------------------------------------ size limits
# gzip bomb: 2 GiB of zeros in one file, ~2 MB compressed (streamed by mkimage)
build bomb <<EOF
{"layers": [{"compression": "gzip", "entries": [$OS_ENTRY, $STATUS_ENTRY,
  {"path": "opt/zeros", "repeat": "\u0000", "size": 2147483648}]}]}
EOF
bad gzip-bomb-1G-cap "bomb.oci|$(short "$(layer_digest bomb 0)")" --max-layer-bytes 1G "oci:$T/bomb.oci"
bad gzip-bomb-100M-cap "bomb.oci|$(short "$(layer_digest bomb 0)")" --max-layer-bytes 100M "oci:$T/bomb.oci"
# with the default cap: either accepted (streamed) or refused, but bounded and clean
cg_sbom "$T/bomb-default.out" "$T/bomb-default.err" "oci:$T/bomb.oci"
cg_info "gzip-bomb default cap: exit $RC in ${CG_LAST_MS} ms"
case "$RC" in
  0) cg_expect_eq bash "$(jq -r '[.components[]? | select(.type == "library") | .name] | join(",")' "$T/bomb-default.out")" \
       "gzip-bomb default cap: accepted, packages" ;;
  3) cg_expect_one_error "$T/bomb-default.err" "gzip-bomb default cap" bomb.oci ;;
  *) cg_expect_rc 3 "gzip-bomb default cap (0 or 3)" "$T/bomb-default.err" ;;
esac
# a cap above the real size accepts the bomb, in bounded memory (it is streamed)
cg_sbom "$T/bomb-3g.out" "$T/bomb-3g.err" --max-layer-bytes 3G "oci:$T/bomb.oci"
cg_info "gzip-bomb 3G cap: exit $RC in ${CG_LAST_MS} ms"
cg_expect_rc 0 "gzip-bomb with --max-layer-bytes 3G (must stream, not buffer)" "$T/bomb-3g.err"

# dpkg status over the 32 MiB cataloger cap (repeated realistic stanzas): 40 MiB in an
# uncompressed layer, and 1 GiB in a gzip layer (mkimage streams it: ~1 MB on disk)
JUNK_STANZA='Package: junk\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\nDescription: junk\n junk junk junk junk junk junk junk junk junk junk junk junk junk\n\n'
build junk <<EOF
{"layers": [{"compression": "none", "entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "repeat": "$JUNK_STANZA", "size": ${CG_JUNK_BYTES:-41943040}}]}]}
EOF
bad dpkg-status-40MiB "junk.oci|$(short "$(layer_digest junk 0)")|var/lib/dpkg/status" "oci:$T/junk.oci"
build junk1g <<EOF
{"layers": [{"compression": "gzip", "entries": [$OS_ENTRY,
  {"path": "var/lib/dpkg/status", "repeat": "$JUNK_STANZA", "size": 1073741824}]}]}
EOF
bad dpkg-status-1GiB "junk1g.oci|$(short "$(layer_digest junk1g 0)")|var/lib/dpkg/status" "oci:$T/junk1g.oci"

# apk installed db with a 10 MB line
apk1='C:Q1SLkS9hBidUK2dE4CkDp9aNZU0EM=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nS:383152\nI:622592\nT:the musl c library\nL:MIT\no:musl\n\n'
{ printf "$apk1"; printf 'C:Q1abc=\nP:bigline\nV:1.0-r0\nT:'; head -c 10485760 /dev/zero | tr '\0' A; printf '\n\n'; } >"$T/src/apk-bigline"
printf 'ID=alpine\nVERSION_ID=3.19.1\n' >"$T/src/os-alpine"
build apkline <<'EOF'
{"layers": [{"compression": "gzip", "entries": [{"path": "etc/os-release", "content_file": "src/os-alpine"},
  {"path": "lib/apk/db/installed", "content_file": "src/apk-bigline"}]}]}
EOF
bad apk-10MB-line "apkline.oci|lib/apk/db/installed" "oci:$T/apkline.oci"

# manifest / config of 100 MB (padding inside a JSON string), default --max-json-bytes 4 MiB
build bigmanifest <<EOF
{"corrupt": {"manifest_padding": 104857600}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad manifest-100MB "bigmanifest.oci" "oci:$T/bigmanifest.oci"
build bigconfig <<EOF
{"corrupt": {"config_padding": 104857600}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad config-100MB "bigconfig.oci" "oci:$T/bigconfig.oci"
# the cap is an option: a normal image under a tiny cap is refused
build normal <<EOF
{"layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad max-json-bytes-300 "normal.oci" --max-json-bytes 300 "oci:$T/normal.oci"
cg_sbom "$T/normal.out" "$T/normal.err" "oci:$T/normal.oci"
cg_expect_rc 0 "normal image (control for the cases above)" "$T/normal.err"

# JSON nested 10,000 deep: as the config, and as index.json
build deepconfig <<EOF
{"corrupt": {"config_nested": 10000}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad config-nested-10000 "deepconfig.oci" "oci:$T/deepconfig.oci"
build deepindex <<EOF
{"corrupt": {"index_nested": 10000}, "layers": [{"entries": [$OS_ENTRY, $STATUS_ENTRY]}]}
EOF
bad index-nested-10000 "deepindex.oci" "oci:$T/deepindex.oci"
# config that is valid JSON but not a config (no rootfs.diff_ids)
build notconfig <<EOF
{"corrupt": {"config_raw": "{\"architecture\":\"amd64\",\"os\":\"linux\"}"}, "layers": [{"entries": [$OS_ENTRY]}]}
EOF
bad config-without-rootfs "notconfig.oci" "oci:$T/notconfig.oci"

# docker-archive whose manifest.json points outside the archive
mkdir -p "$T/evil-docker"
printf '[{"Config":"../../../../etc/hostname","RepoTags":["x:y"],"Layers":["../../../../etc/passwd"]}]' >"$T/evil-docker/manifest.json"
tar -C "$T/evil-docker" -cf "$T/evil-docker.tar" manifest.json
bad docker-manifest-escapes "evil-docker.tar" "docker-archive:$T/evil-docker.tar"

# ------------------------------------------------------------ paths and CLI
bad missing-file "$T/no-such-image.tar" "$T/no-such-image.tar"
: >"$T/empty.tar"
bad empty-file "empty.tar" "$T/empty.tar"
printf 'this is not a tar\n%.0s' $(seq 1 200) >"$T/garbage.tar"
bad garbage-file "garbage.tar" "$T/garbage.tar"
mkdir -p "$T/notlayout/sub"
bad oci-on-plain-dir "notlayout" "oci:$T/notlayout"
bad oci-archive-on-dir "notlayout" "oci-archive:$T/notlayout"
bad docker-archive-on-dir "notlayout" "docker-archive:$T/notlayout"
bad dir-on-file "normal.info.json" "dir:$T/normal.info.json"
# a plain directory is no image and no root filesystem: refused (issue 11), not
# read as an empty root filesystem; dir: says it is one, and then nothing in it
# is "nothing recognised" unless --allow-empty
bad plain-dir "expected oci-layout" "$T/notlayout"
cg_sbom "$T/plaindir.out" "$T/plaindir.err" "dir:$T/notlayout"
cg_expect_rc 3 "dir: of an empty tree" "$T/plaindir.err" && cg_expect_one_error "$T/plaindir.err" "dir: empty" "nothing recognised"
cg_sbom "$T/plaindir.out" "$T/plaindir.err" --allow-empty "dir:$T/notlayout"
cg_expect_rc 0 "dir: empty tree with --allow-empty" "$T/plaindir.err" &&
  cg_expect_eq "" "$(cg_pkgs "$T/plaindir.out")" "plain empty directory: no packages"

cg_sbom "$T/o" "$T/e" "nosuchtransport:$T/normal.oci"
case "$RC" in 2 | 3) cg_ok; cg_expect_one_error "$T/e" "unknown transport prefix" nosuchtransport ;;
  *) cg_expect_rc 3 "unknown transport prefix (2 or 3)" "$T/e" ;; esac

usage() { # LABEL ARGS... : exit 2, one error line
  local label=$1
  shift
  cg_run "$T/u.out" "$T/u.err" "$@"
  cg_expect_rc 2 "$label" "$T/u.err" && cg_expect_one_error "$T/u.err" "$label"
}
usage "bad -f value" sbom -f xml "oci:$T/normal.oci"
usage "bad --format value" sbom --format yaml "oci:$T/normal.oci"
usage "unknown option" sbom --no-such-option "oci:$T/normal.oci"
usage "missing IMAGE" sbom
usage "two IMAGEs" sbom "oci:$T/normal.oci" "oci:$T/normal.oci"
usage "--max-layer-bytes not a number" sbom --max-layer-bytes lots "oci:$T/normal.oci"
usage "--max-layer-bytes bad suffix" sbom --max-layer-bytes 10X "oci:$T/normal.oci"
usage "--max-json-bytes negative" sbom --max-json-bytes -5 "oci:$T/normal.oci"
usage "-o without argument" sbom "oci:$T/normal.oci" -o
usage "unknown subcommand" no-such-command

cg_run "$T/help.out" "$T/help.err" sbom --help
cg_expect_rc 0 "sbom --help" "$T/help.err" &&
  { grep -q -- '--platform' "$T/help.out" && cg_ok || cg_fail "sbom --help does not document --platform"; }

# output path problems
cg_sbom "$T/o" "$T/e" -o "$T/no-such-dir/x.json" "oci:$T/normal.oci"
cg_expect_rc 3 "-o into a missing directory" "$T/e" && cg_expect_one_error "$T/e" "-o into a missing directory" no-such-dir
[ -e "$T/no-such-dir" ] && cg_fail "output-dir-missing: created $T/no-such-dir"
mkdir -p "$T/outisdir"
cg_sbom "$T/o" "$T/e" -o "$T/outisdir" "oci:$T/normal.oci"
cg_expect_rc 3 "-o names a directory" "$T/e" && cg_expect_one_error "$T/e" "-o names a directory" outisdir
[ -z "$(ls -A "$T/outisdir")" ] && cg_ok || cg_fail "-o DIR: wrote into the directory: $(ls -A "$T/outisdir")"

cg_sbom "$T/o" "$T/e" -o /dev/null "oci:$T/normal.oci"
cg_expect_rc 0 "-o /dev/null" "$T/e"
[ -c /dev/null ] && cg_ok || cg_fail "-o /dev/null replaced /dev/null (no longer a character device)"

# a failed run must not destroy an SBOM already at the -o path
mkdir -p "$T/keep"
printf 'previous sbom\n' >"$T/keep/sbom.json"
cg_sbom "$T/o" "$T/e" -o "$T/keep/sbom.json" "oci:$T/blobdigest.oci"
cg_expect_rc 3 "failed run with existing -o file" "$T/e"
cg_expect_eq "previous sbom" "$(cat "$T/keep/sbom.json" 2>/dev/null)" "failed run keeps the existing -o file"
cg_expect_eq "sbom.json" "$(ls -A "$T/keep" | tr '\n' ' ' | sed 's/ $//')" "failed run leaves no temp file beside -o"

cg_info "elapsed $(cg_elapsed)s"
cg_finish
