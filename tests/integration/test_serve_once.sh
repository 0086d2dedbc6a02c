#!/usr/bin/env bash
# test_serve_once.sh - `cgate serve` without a registry (SQLite store):
# - POST /v1/images with an SBOM registers and scans it; posting it again is
#   idempotent; a malformed SBOM is a 400 with a JSON error;
# - POST /v1/images with an image in an unreachable registry is retried and then
#   dead-lettered (one logged line per attempt, never a crash);
# - after the server stopped, an advisory is imported and `cgate serve --once`
#   re-matches, writes exactly one alert line and exits 0; a second --once
#   writes none;
# - --update-every: the server runs `db update` itself from a loopback URL (a
#   real record for pcre2), notices the replaced DB and alerts for a newly
#   registered SBOM with libpcre2-8-0 10.42-1;
# - --rate: a burst past the per-client bucket gets 429 with a JSON error;
# - TLS: with --tls-cert/--tls-key the API answers HTTPS (and not plain HTTP);
# - usage errors: no --store, a bad store spec, --webhook that is not https (or http to
#   a loopback host).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_once
ADV="$CG_TEST_DATA/vulndb/debian-bookworm/osv"
SP=$(reg_free_port)

serve_apt_sbom a

cg_run "$T/i0.out" "$T/i0.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2020-27350.json"
cg_expect_rc 0 "first import" "$T/i0.err"
serve_start s "$SP" --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" --no-auth --max-attempts 2 \
  --retry-delay 100 --alert-log "$T/alerts.jsonl" --db-poll 200

BODY=$(jq -c '{name: "lab/a", sbom: .}' "$T/a.cdx")
cg_expect_eq 202 "$(api "" POST "http://127.0.0.1:$SP/v1/images" "$BODY")" "POST /v1/images with an SBOM"
DIG=$(jq -r .digest "$T/api.out")
cg_expect_eq true "$(jq .queued "$T/api.out")" "scan queued"
cg_expect_eq 202 "$(api "" POST "http://127.0.0.1:$SP/v1/images" "$BODY")" "the same SBOM again"
cg_expect_eq false "$(jq .queued "$T/api.out")" "nothing queued twice"
cg_expect_eq 400 "$(api "" POST "http://127.0.0.1:$SP/v1/images" '{"sbom": {"bomFormat": 3}}')" "malformed SBOM"
jq -e .error.message "$T/api.out" >/dev/null && cg_ok || cg_fail "400 body: $(cat "$T/api.out")"
cg_expect_eq 400 "$(api "" POST "http://127.0.0.1:$SP/v1/images" '{"image": "docker://127.0.0.1:1/x:latest"}')" "image without digest"
scanned() { api "" GET "http://127.0.0.1:$SP/v1/images/$DIG" >/dev/null && [ "$(jq '.decisions | length' "$T/api.out")" = 1 ]; }
cg_wait_until 20 scanned && cg_ok || cg_fail "SBOM not scanned: $(tail -c 1500 "$T/s.log")"

BAD="docker://127.0.0.1:1/lab/x@sha256:$(printf 'a%.0s' {1..64})"
cg_expect_eq 202 "$(api "" POST "http://127.0.0.1:$SP/v1/images" "{\"image\": \"$BAD\"}")" "unreachable image accepted"
dead() { grep -q '"outcome":"dead-letter"' "$T/s.log"; }
cg_wait_until 20 dead && cg_ok || cg_fail "unreachable image not dead-lettered: $(tail -c 1500 "$T/s.log")"
cg_expect_eq 1 "$(grep -c '"outcome":"retry"' "$T/s.log")" "one retry before the dead letter"
grep -q '"msg":"job failed".*127.0.0.1:1' "$T/s.log" && cg_ok || cg_fail "failure names the registry"
serve_stop s
cg_expect_eq 0 "$SERVE_RC" "SIGTERM"

cg_run "$T/i1.out" "$T/i1.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2026-109518.json"
cg_expect_rc 0 "import the advisory" "$T/i1.err"
cg_run "$T/o1.out" "$T/o1.err" serve --once --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" --alert-log "$T/alerts.jsonl"
cg_expect_rc 0 "serve --once" "$T/o1.err"
cg_expect_eq 1 "$(wc -l <"$T/alerts.jsonl")" "one alert from --once"
cg_expect_eq "$DIG DEBIAN-CVE-2026-109518" "$(jq -r '"\(.image.digest) \(.finding.advisories[0])"' "$T/alerts.jsonl")" "the alert"
cg_run "$T/o2.out" "$T/o2.err" serve --once --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" --alert-log "$T/alerts.jsonl"
cg_expect_rc 0 "serve --once again" "$T/o2.err"
cg_expect_eq 1 "$(wc -l <"$T/alerts.jsonl")" "no second alert"

# --update-every from a loopback HTTP server
jq -n '{layers:[{entries:[
  {path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\n"},
  {path:"var/lib/dpkg/status", content:"Package: libpcre2-8-0\nStatus: install ok installed\nSource: pcre2\nVersion: 10.42-1\nArchitecture: amd64\n\n"}]}]}' >"$T/p.json"
mkimage "$T/p.json" docker-archive "$T/p.tar"
cg_sbom "$T/p.cdx" "$T/p.err" -q "docker-archive:$T/p.tar"
UP=$(reg_free_port)
mkdir -p "$T/www" && cp "$ADV/DEBIAN-CVE-2026-103111.json" "$T/www/"
python3 -m http.server "$UP" --bind 127.0.0.1 --directory "$T/www" >"$T/www.log" 2>&1 &
REG_PIDS+=($!)
cg_wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$UP/DEBIAN-CVE-2026-103111.json"
SP2=$(reg_free_port)
serve_start u "$SP2" --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" --no-auth --alert-log "$T/alerts.jsonl" \
  --db-poll 200 --update-every 6s --update-source "http://127.0.0.1:$UP/DEBIAN-CVE-2026-103111.json"
cg_expect_eq 202 "$(api "" POST "http://127.0.0.1:$SP2/v1/images" "$(jq -c '{name: "lab/p", sbom: .}' "$T/p.cdx")")" "register the pcre2 SBOM"
updated() { grep -q 'DEBIAN-CVE-2026-103111' "$T/alerts.jsonl"; }
cg_wait_until 40 updated && cg_ok || cg_fail "no alert after --update-every: $(tail -c 1500 "$T/u.log")"
grep -q '"msg":"db updated"' "$T/u.log" && cg_ok || cg_fail "no 'db updated' log line"
serve_stop u
cg_expect_eq 0 "$SERVE_RC" "update server stops cleanly"
cg_expect_eq 2 "$(wc -l <"$T/alerts.jsonl")" "the pcre2 alert is the second"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.crt" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || cg_die "openssl req failed"
TP=$(reg_free_port)
timeout -k 5 120 "$CGATE" serve --listen "127.0.0.1:$TP" --store "sqlite:$T/inv.sqlite" --no-auth \
  --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" 2>"$T/tls.log" &
SERVE_PID[tls]=$!
cg_wait_until 20 curl -s --cacert "$T/tls.crt" -o /dev/null "https://127.0.0.1:$TP/healthz" && cg_ok ||
  cg_fail "no HTTPS answer: $(tail -c 600 "$T/tls.log")"
cg_expect_eq 200 "$(curl -s --cacert "$T/tls.crt" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$TP/v1/images")" "HTTPS request"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TP/healthz")" = 200 ] && cg_fail "plain HTTP answered on the TLS port" || cg_ok
serve_stop tls
cg_expect_eq 0 "$SERVE_RC" "TLS server stops cleanly"
RP=$(reg_free_port)
serve_start r "$RP" --store "sqlite:$T/inv.sqlite" --no-auth --rate 1
codes=""
for i in $(seq 1 8); do # keep the body of the first 429 (a loaded machine may refill the bucket by the 8th)
  c=$(api "" GET "http://127.0.0.1:$RP/v1/images")
  codes+=" $c"
  [ "$c" = 429 ] && [ ! -e "$T/429.out" ] && cp "$T/api.out" "$T/429.out"
done
case "$codes" in *429*) cg_ok ;; *) cg_fail "no 429 in a burst of 8 at --rate 1: $codes" ;; esac
cg_expect_eq 429 "$(jq .error.code "$T/429.out")" "429 body is a JSON error"
serve_stop r
cg_run "$T/u.out" "$T/u.err" serve --store "sqlite:$T/x.sqlite" --no-auth --tls-cert "$T/tls.crt"
cg_expect_rc 2 "--tls-cert without --tls-key" "$T/u.err"

cg_run "$T/u.out" "$T/u.err" serve
cg_expect_rc 2 "no --store" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" serve --store mysql://x --once
cg_expect_rc 2 "bad store" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" serve --store "sqlite:$T/x.sqlite" --webhook ftp://x
cg_expect_rc 2 "bad webhook" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" serve --store "sqlite:$T/x.sqlite" --webhook http://192.0.2.1/hook
cg_expect_rc 2 "plain-http webhook to a non-loopback host" "$T/u.err"
grep -q "only https://, or http:// to a loopback host" "$T/u.err" && cg_ok || cg_fail "no reason: $(cat "$T/u.err")"
cg_run "$T/u.out" "$T/u.err" serve --store "sqlite:$T/x.sqlite" --listen 127.0.0.1:1
cg_expect_rc 2 "no token file and no --no-auth" "$T/u.err"
cg_finish
