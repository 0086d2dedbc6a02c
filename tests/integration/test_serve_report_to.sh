#!/usr/bin/env bash
# test_serve_report_to.sh - `cgate run --report-to URL --report-token-file F`
# against a real `cgate serve` on loopback (SQLite store) and Debian's
# docker-registry:
# - a passing run pushes and then posts its SBOM, report and decision: the
#   server catalogues the image by its digest under HOST/REPO, records the run's
#   decision (trigger "run", the run's policy sha256 and what its exception let
#   through) and scans the image itself (one finding);
# - a denied run of the same image reports its deny too (exit stays 1);
# - a wrong token is exit 4 with one error line naming the HTTP status; a server
#   that is not there is exit 4; --report-token-file without --report-to is 2;
#   plain http:// to a host that is not loopback is 2 before anything runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_report_to
reg_need
reg_start plain plain
run_fixture
NOW=2026-12-01T00:00:00Z
SP=$(reg_free_port)
TOK=$(openssl rand -hex 24)
echo "$TOK" >"$T/token"
echo "$TOK" | "$CGATE" serve hash-token --scope write --name ci >"$T/tokens"
serve_start s "$SP" --store "sqlite:$T/inv.sqlite" --db "$DB" --token-file "$T/tokens"
U="http://127.0.0.1:$SP"

cg_run "$T/pass.out" "$T/pass.err" run "$IMG" --to "$REG/r/app:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --exceptions "$EXC" --now "$NOW" --artifacts "$T/a-pass" --report-to "$U" --report-token-file "$T/token"
cg_expect_rc 0 "a passing run that reports exits 0" "$T/pass.err"
grep -q "^run: reported to $U" "$T/pass.err" && cg_ok || cg_fail "no 'reported' line: $(cat "$T/pass.err")"
OUT=$(cat "$T/pass.out")
D=${OUT##*@}
scanned() { [ "$(api "$TOK" GET "$U/v1/images/$D")" = 200 ] && jq -e '.decisions | length >= 2' "$T/api.out" >/dev/null; }
cg_wait_until 30 scanned && cg_ok || cg_fail "the image was not catalogued and scanned: $(cat "$T/api.out"); $(tail -c 1500 "$T/s.log")"
cg_expect_eq "$REG/r/app" "$(jq -r .name "$T/api.out")" "catalogued as HOST/REPO"
cg_expect_eq app1 "$(jq -r '.sbom.components[] | select(.name == "app1") | .name' "$T/api.out")" "the run's SBOM is stored"
R=$(jq -c '[.decisions[] | select(.trigger == "run")][0]' "$T/api.out")
cg_expect_eq "true sha256:$(sha256sum "$POLICY" | cut -d' ' -f1)" "$(jq -r '"\(.pass) \(.policy)"' <<<"$R")" "the run's decision is recorded with its policy"
cg_expect_eq "1 CVE-2099-0001" "$(jq -r '"\(.findings | length) \(.findings[0].id)"' "$T/api.out")" "the server scanned it"
cg_expect_eq "$D" "$(jq -r .digest "$T/api.out")" "keyed by the pushed digest"

# a denied run reports its decision as well
cg_run "$T/deny.out" "$T/deny.err" run "$IMG" --to "$REG/r/app:2" --key "$KEY" --db "$DB" -p "$POLICY" \
  --now "$NOW" --artifacts "$T/a-deny" --report-to "$U" --report-token-file "$T/token"
cg_expect_rc 1 "a denied run that reports still exits 1" "$T/deny.err"
api "$TOK" GET "$U/v1/images/$D" >/dev/null
cg_expect_eq "1" "$(jq '[.decisions[] | select(.trigger == "run" and .pass == false)] | length' "$T/api.out")" "the deny is recorded"
cg_expect_eq 1 "$(api "$TOK" GET "$U/v1/images" >/dev/null; jq '.images | length' "$T/api.out")" "still one image"

# faults
echo "wrong-token-wrong-token-wrong" >"$T/bad"
cg_run "$T/f1.out" "$T/f1.err" run "$IMG" --dry-run --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" \
  --artifacts "$T/a-f1" --report-to "$U" --report-token-file "$T/bad" -q
cg_expect_rc 4 "a wrong token" "$T/f1.err"
cg_expect_one_error "$T/f1.err" "a wrong token"
grep -q "HTTP 401" "$T/f1.err" && cg_ok || cg_fail "error does not name the status: $(cat "$T/f1.err")"
grep -q "wrong-token" "$T/f1.err" && cg_fail "the token is printed" || cg_ok
DEAD=$(reg_free_port)
cg_run "$T/f2.out" "$T/f2.err" run "$IMG" --dry-run --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" \
  --artifacts "$T/a-f2" --report-to "http://127.0.0.1:$DEAD" -q
cg_expect_rc 4 "no server" "$T/f2.err"
cg_expect_one_error "$T/f2.err" "no server"
cg_run "$T/f3.out" "$T/f3.err" run "$IMG" --dry-run --db "$DB" -p "$POLICY" --report-token-file "$T/token"
cg_expect_rc 2 "--report-token-file alone" "$T/f3.err"
# the token never travels in clear text to another host: plain http:// is for
# loopback only (192.0.2.1, TEST-NET-1, is never contacted: refused before the run)
cg_run "$T/f4.out" "$T/f4.err" run "$IMG" --dry-run --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" \
  --artifacts "$T/a-f4" --report-to "http://192.0.2.1:8780" --report-token-file "$T/token" -q
cg_expect_rc 2 "plain http to a non-loopback host" "$T/f4.err"
cg_expect_one_error "$T/f4.err" "plain http to a non-loopback host"
grep -q "only https://, or http:// to a loopback host" "$T/f4.err" && cg_ok || cg_fail "no reason: $(cat "$T/f4.err")"
[ -e "$T/a-f4" ] && cg_fail "the run started although --report-to was refused" || cg_ok
serve_stop s
cg_expect_eq 0 "$SERVE_RC" "SIGTERM stops cleanly"
cg_finish
