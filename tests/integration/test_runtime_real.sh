#!/usr/bin/env bash
# test_runtime_real.sh - a real trace: the Node lab image is unpacked with umoci,
# its app (node /app/index.js) run under `strace -f` in a chroot of the rootfs,
# and the log fed to `cgate scan --runtime-evidence`.  Every finding (GHSA data
# for the app, the Debian labels for the base) must be marked loaded exactly when
# tests/tools/runtime_truth.py - which works from the rootfs's dpkg lists and
# node_modules folders - says a file of its package was opened or executed.  The
# same with the log as a path list and as Falco events.  Skipped (77) without the
# lab image, umoci, strace or root (chroot).
. "$(dirname "$0")/lib.sh"
cg_setup runtime_real
LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
[ -f "$LAB/img-node.oci/index.json" ] || cg_skip "lab image img-node.oci not built (tests/lab/make-images.sh)"
for t in umoci strace chroot; do command -v $t >/dev/null || cg_skip "$t not installed"; done
[ "$(id -u)" = 0 ] || cg_skip "chroot needs root"
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
TRUTH="$CG_TESTS/tools/runtime_truth.py"
IMG="oci:$LAB/img-node.oci:latest"
umoci unpack --image "$LAB/img-node.oci:latest" "$T/b" >"$T/u.err" 2>&1 \
  || cg_die "umoci unpack: $(tail -1 "$T/u.err")"
ROOT="$T/b/rootfs"
env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root NODE_ENV=production \
  timeout 60 strace -f -e trace=openat,open,execve -o "$T/raw.log" "$(command -v chroot)" "$ROOT" node /app/index.js >"$T/app.out" 2>&1 \
  || cg_die "the app did not run under strace: $(tail -2 "$T/app.out")"
grep -q "lab-vulnerable-app ok" "$T/app.out" || cg_die "unexpected app output: $(head -2 "$T/app.out")"
# the lines before node's execve are the host's chroot binary, not the image
awk 'f || /execve\("[^"]*\/node"/ {f=1} f' "$T/raw.log" >"$T/strace.log"
[ -s "$T/strace.log" ] || cg_die "no execve of node in the trace"
cg_info "trace: $(wc -l <"$T/strace.log") lines"
MD="sha256:$(sha256sum "$LAB/img-node.oci/blobs/sha256/$(jq -r '.manifests[0].digest' "$LAB/img-node.oci/index.json" | cut -d: -f2)" | cut -d' ' -f1)"

cg_run "$T/imp.out" "$T/imp.err" db import --db "$T/db.sqlite" "$CG_TEST_DATA/scan/osv/ghsa-node-app" \
  "$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian/osv"
cg_expect_rc 0 "db import" "$T/imp.err"
scan() { cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z "$@"; }

check() { # NAME EVIDENCE
  scan --runtime-evidence "$2" "$IMG"
  cg_expect_rc 0 "scan with $1" "$T/err"
  cp "$T/out" "$T/$1.json"
  python3 "$TRUTH" "$ROOT" "$T/strace.log" "$T/$1.json" expect | sort >"$T/$1.want"
  python3 "$TRUTH" "$ROOT" "$T/strace.log" "$T/$1.json" got | sort >"$T/$1.got"
  cg_expect_same_text "$T/$1.want" "$T/$1.got" "$1: loaded exactly when a file of the package was used"
  n=$(wc -l <"$T/$1.got"); l=$(grep -c ' true$' "$T/$1.got")
  cg_info "$1: $n findings, $l loaded"
  [ "$n" -gt 0 ] && [ "$l" -gt 0 ] && [ "$l" -lt "$n" ] && cg_ok || cg_fail "$1: want both loaded and not-loaded findings ($l of $n)"
}
check strace "$T/strace.log"
python3 "$TRUTH" "$ROOT" "$T/strace.log" /dev/null paths >"$T/paths.txt"
check paths "$T/paths.txt"
python3 "$TRUTH" "$ROOT" "$T/strace.log" /dev/null falco "$MD" >"$T/falco.json"
check falco "$T/falco.json"
cg_expect_eq "$(jq -S '[.Results[].Vulnerabilities[]? | .cgate.runtime.loaded]' "$T/strace.json")" \
  "$(jq -S '[.Results[].Vulnerabilities[]? | .cgate.runtime.loaded]' "$T/falco.json")" "Falco and strace agree"
cg_finish
