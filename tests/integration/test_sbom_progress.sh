#!/usr/bin/env bash
# test_sbom_progress.sh - progress ("layer n/N, MB read, MB/s") appears on
# stderr only when stderr is a terminal, never with --quiet, and never when
# stderr is a file or pipe.  The terminal is a pty made by script(1).
. "$(dirname "$0")/lib.sh"
cg_setup sbom_progress
command -v script >/dev/null || cg_skip "script(1) not available"

# one uncompressed layer big enough that reading it takes well over 0.1 s
cat >"$T/spec.json" <<'J'
{"layers":[{"compression":"none","entries":[
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=12\n"},
 {"path":"srv/big.bin","repeat":"0123456789abcdef","size":1073741824}]}]}
J
python3 "$MKIMAGE" "$T/spec.json" docker-archive "$T/img.tar" >/dev/null || cg_die "mkimage failed"

script -qec "$CGATE sbom -o /dev/null docker-archive:$T/img.tar" /dev/null >"$T/tty.out" 2>&1
grep -q 'layer 1/1' "$T/tty.out" && grep -q 'MB/s' "$T/tty.out" && cg_ok ||
  cg_fail "no progress on a terminal: $(head -c 300 "$T/tty.out" | od -c | head -3)"

script -qec "$CGATE sbom --quiet -o /dev/null docker-archive:$T/img.tar" /dev/null >"$T/tty-q.out" 2>&1
[ ! -s "$T/tty-q.out" ] && cg_ok || cg_fail "--quiet still printed: $(head -c 200 "$T/tty-q.out")"

"$CGATE" sbom -o /dev/null "docker-archive:$T/img.tar" 2>"$T/pipe.err"
[ ! -s "$T/pipe.err" ] && cg_ok || cg_fail "progress printed to a non-terminal stderr: $(head -c 200 "$T/pipe.err")"
rm -f "$T/img.tar"
cg_finish
