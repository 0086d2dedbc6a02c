#!/usr/bin/env bash
# test_run_audit.sh - `cgate audit verify DIR` on the artifacts folder of a passing
# `cgate run` (pushed to Debian's docker-registry on 127.0.0.1): it passes on the
# fresh folder, and after ONE byte of ANY artifact (every file a record names) or of
# ANY line of audit.jsonl is changed it fails (exit 1) naming the record that does
# not match - the first record naming that artifact, or that very line.  Also: a
# removed record, a reordered pair, a missing artifact, a missing log (exit 3).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_audit
reg_need
reg_start plain plain
run_fixture
A="$T/art"
cg_run "$T/r.out" "$T/r.err" run "$IMG" --to "$REG/a/app:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --exceptions "$EXC" --now 2026-12-01T00:00:00Z --artifacts "$A"
cg_expect_rc 0 "the passing run" "$T/r.err" || cg_die "no run to audit"
cg_run "$T/v.out" "$T/v.err" audit verify "$A"
cg_expect_rc 0 "audit verify on the fresh folder" "$T/v.err"
grep -q '^audit verified .*: 8 records chained, ' "$T/v.out" && cg_ok || cg_fail "unexpected summary: $(cat "$T/v.out")"

# flip_byte FILE OFFSET : replace the byte at OFFSET with a different one
flip_byte() {
  python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[off] = ord("x") if b[off] != ord("x") else ord("y")
open(p, "wb").write(bytes(b))
PY
}
# expect_bad LABEL SEQ : audit verify of $T/c fails naming record SEQ
expect_bad() {
  cg_run "$T/b.out" "$T/b.err" audit verify "$T/c"
  cg_expect_rc 1 "$1: audit verify fails" "$T/b.err"
  grep -q "^cgate: audit verify .*: record $2 .*does not match" "$T/b.err" && cg_ok ||
    cg_fail "$1: not naming record $2: $(cat "$T/b.err")"
}

# every artifact a record names, at three places (start, middle, end)
mapfile -t ARTS < <(jq -r '[.inputs[]?, .outputs[]?] | .[] | .artifact // empty' "$A/audit.jsonl" | sort -u)
[ "${#ARTS[@]}" -ge 6 ] && cg_ok || cg_fail "the audit log names only ${#ARTS[@]} artifacts"
for f in sbom.cdx.json sbom.spdx.json report.json report.sarif decision.json report.html pushed.json; do
  printf '%s\n' "${ARTS[@]}" | grep -qx "$f" && cg_ok || cg_fail "$f is not named by any record"
done
for f in "${ARTS[@]}"; do
  want=$(jq -r --arg f "$f" 'select([.inputs[]?, .outputs[]?] | any(.artifact == $f)) | .seq' "$A/audit.jsonl" | head -1)
  size=$(stat -c %s "$A/$f")
  for off in 0 $((size / 2)) $((size - 1)); do
    rm -rf "$T/c" && cp -a "$A" "$T/c"
    flip_byte "$T/c/$f" "$off"
    expect_bad "$f byte $off" "$want"
  done
done
cg_expect_eq 1 "$(jq -r 'select([.outputs[]?] | any(.artifact == "sbom.cdx.json")) | .seq' "$A/audit.jsonl")" \
  "sbom.cdx.json is record 1's output"
# report.html: the policy stage's page (decision and report), whole
cg_expect_eq policy "$(jq -r 'select([.outputs[]?] | any(.artifact == "report.html")) | .stage' "$A/audit.jsonl")" \
  "report.html is the policy stage's output"
grep -q '<h1>Policy decision: ' "$A/report.html" && tail -1 "$A/report.html" | grep -q '^</html>$' && cg_ok ||
  cg_fail "report.html is not the decision page"

# every line of the log, at its first byte, a middle byte, its last byte (the "}") and its newline
n=$(wc -l <"$A/audit.jsonl")
for i in $(seq 1 "$n"); do
  start=$(head -n $((i - 1)) "$A/audit.jsonl" | wc -c)
  len=$(sed -n "${i}p" "$A/audit.jsonl" | wc -c) # with the newline
  for off in 0 $((len / 2)) $((len - 2)) $((len - 1)); do
    rm -rf "$T/c" && cp -a "$A" "$T/c"
    flip_byte "$T/c/audit.jsonl" $((start + off))
    expect_bad "audit line $i byte $off" "$i"
  done
done

# a record removed, two swapped, one re-hashed after an edit
rm -rf "$T/c" && cp -a "$A" "$T/c"
sed -i '3d' "$T/c/audit.jsonl"
expect_bad "record 3 removed" 3
rm -rf "$T/c" && cp -a "$A" "$T/c"
{ sed -n 1p "$A/audit.jsonl"; sed -n 3p "$A/audit.jsonl"; sed -n 2p "$A/audit.jsonl"; sed -n '4,$p' "$A/audit.jsonl"; } >"$T/c/audit.jsonl"
expect_bad "records 2 and 3 swapped" 2
rm -rf "$T/c" && cp -a "$A" "$T/c"
python3 - "$T/c/audit.jsonl" <<'PY'
import hashlib, sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\n")
key = b',"recordSha256":"'
line = lines[1].replace(b'"result":"ok"', b'"result":"OK"')
body = line[: line.rindex(key)] + b"}"
lines[1] = body[:-1] + key + b"sha256:" + hashlib.sha256(body).hexdigest().encode() + b'"}'
open(p, "wb").write(b"\n".join(lines))
PY
expect_bad "record 2 edited and re-hashed (the chain breaks at 3)" 3
rm -rf "$T/c" && cp -a "$A" "$T/c"
rm "$T/c/report.sarif"
expect_bad "report.sarif removed" 2
rm -rf "$T/c" && cp -a "$A" "$T/c"
rm "$T/c/audit.jsonl"
cg_run "$T/b.out" "$T/b.err" audit verify "$T/c"
cg_expect_rc 3 "no audit.jsonl" "$T/b.err"
cg_run "$T/b.out" "$T/b.err" audit verify
cg_expect_rc 2 "audit verify without a folder" "$T/b.err"
cg_run "$T/b.out" "$T/b.err" audit check "$A"
cg_expect_rc 2 "an unknown audit subcommand" "$T/b.err"
cg_finish
