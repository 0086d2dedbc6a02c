#!/usr/bin/env bash
# test_serve_store_fault.sh - the store goes away mid-job: `cgate serve` on a
# throwaway PostgreSQL cluster (initdb/pg_ctl, Unix socket) delivers an alert
# to a slow webhook receiver; PostgreSQL is stopped while the delivery job runs:
# - the worker logs one line ("store unavailable", naming the job), nothing
#   crashes; /healthz is 503 and POST /v1/images is a 503 JSON error with
#   Retry-After (the client is told to retry: nothing is accepted and lost);
# - PostgreSQL comes back: one "store reconnected" line, the job's lease
#   expires and the delivery is run again: the alert reaches the webhook (the
#   same X-Cgate-Alert id if it is repeated), its delivery is recorded as sent,
#   no job is left running or dead; an SBOM posted now is catalogued.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_store_fault
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] || cg_skip "postgresql-15 is not installed"
command -v psql >/dev/null || cg_skip "psql is not installed"
ADV="$CG_TEST_DATA/vulndb/debian-bookworm/osv"

PGD=$(mktemp -d /tmp/cgate-pg.XXXXXX)
PGPORT=$(reg_free_port)
asuser() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown nobody "$PGD"
pg_cleanup() {
  asuser "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PGD"
}
trap 'serve_stop_all; pg_cleanup' EXIT
asuser "$PGBIN/initdb" -D "$PGD/data" -A trust -U cgate --no-sync >"$T/initdb.log" 2>&1 ||
  cg_die "initdb failed: $(tail -c 600 "$T/initdb.log")"
pg_start() {
  asuser "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -o "-k $PGD -c listen_addresses= -p $PGPORT -c fsync=off" \
    start >"$T/pgctl.log" 2>&1 || cg_die "pg_ctl start failed: $(tail -c 600 "$PGD/log" 2>/dev/null)"
}
pg_start
STORE="postgresql:///postgres?host=$PGD&port=$PGPORT&user=cgate"
psqlq() { psql -X -q -t -A -h "$PGD" -p "$PGPORT" -U cgate -d postgres -c "$1"; }

mksbom() { # NAME STATUS
  jq -n --arg st "$2" '{layers:[{entries:[
    {path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\n"},
    {path:"var/lib/dpkg/status", content:$st}]}]}' >"$T/$1.json"
  mkimage "$T/$1.json" docker-archive "$T/$1.tar"
  cg_sbom "$T/$1.cdx" "$T/$1.err" -q "docker-archive:$T/$1.tar"
  cg_expect_rc 0 "sbom $1" "$T/$1.err"
}
mksbom a $'Package: apt\nStatus: install ok installed\nVersion: 2.6.1\nArchitecture: amd64\n\n'
mksbom b $'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n'

SP=$(reg_free_port)
HP=$(reg_free_port)
hook_start "$HP" "$T/hook.jsonl" --delay 5
cg_run "$T/i0.out" "$T/i0.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2020-27350.json"
cg_expect_rc 0 "first import" "$T/i0.err"
serve_start s "$SP" --store "$STORE" --db "$T/db.sqlite" --no-auth --webhook "http://127.0.0.1:$HP/hook" \
  --db-poll 200 --retry-delay 200 --lease 3 --max-attempts 10 --alert-log "$T/alerts.jsonl"
U="http://127.0.0.1:$SP"
cg_expect_eq 202 "$(api "" POST "$U/v1/images" "$(jq -c '{name: "lab/a", sbom: .}' "$T/a.cdx")")" "register image a"
DA=$(jq -r .digest "$T/api.out")
scanned() { api "" GET "$U/v1/images/$DA" >/dev/null && jq -e '.decisions | length == 1' "$T/api.out" >/dev/null; }
cg_wait_until 30 scanned && cg_ok || cg_fail "image a not scanned: $(tail -c 1500 "$T/s.log")"

# the advisory: an alert, whose delivery job waits on the slow receiver
cg_run "$T/i1.out" "$T/i1.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2026-109518.json"
cg_expect_rc 0 "import the advisory" "$T/i1.err"
delivering() { [ "$(psqlq "SELECT count(*) FROM jobs WHERE kind = 'deliver' AND state = 'running'")" = 1 ]; }
cg_wait_until 30 delivering && cg_ok || cg_fail "no delivery job running: $(tail -c 1500 "$T/s.log")"
asuser "$PGBIN/pg_ctl" -D "$PGD/data" -m fast stop >"$T/pgstop.log" 2>&1 || cg_die "pg_ctl stop failed"
sleep 6 # the delivery's answer comes back to a store that is gone
kill -0 "${SERVE_PID[s]}" && cg_ok || cg_fail "cgate serve died with the store"
cg_expect_eq 503 "$(api "" GET "$U/healthz")" "healthz says the store is away"
cg_expect_eq 503 "$(api "" POST "$U/v1/images" "$(jq -c '{name: "lab/b", sbom: .}' "$T/b.cdx")")" "POST while the store is away"
jq -e '.error.code == 503' "$T/api.out" >/dev/null && cg_ok || cg_fail "503 without a JSON error: $(cat "$T/api.out")"
sleep 3
cg_expect_eq 1 "$(grep -c '"msg":"store unavailable"' "$T/s.log")" "one line for the store going away"
grep '"msg":"store unavailable"' "$T/s.log" | grep -q 'job [0-9]* (deliver)' && cg_ok || cg_fail "the line does not name the job: $(grep unavailable "$T/s.log")"

pg_start
back() { [ "$(psqlq "SELECT count(*) FROM deliveries WHERE state = 'sent'")" = 1 ]; }
cg_wait_until 40 back && cg_ok || cg_fail "the delivery was not finished after the store came back: $(tail -c 2000 "$T/s.log")"
cg_expect_eq 1 "$(grep -c '"msg":"store reconnected"' "$T/s.log")" "one line for the store coming back"
cg_expect_eq 1 "$(jq -r .alert "$T/hook.jsonl" | sort -u | wc -l)" "one alert id reached the webhook"
cg_expect_eq DEBIAN-CVE-2026-109518 "$(jq -r '.body.finding.advisories[0]' "$T/hook.jsonl" | sort -u)" "the alert"
cg_expect_eq 1 "$(psqlq "SELECT count(*) FROM alerts")" "one alert recorded"
cg_expect_eq 0 "$(psqlq "SELECT count(*) FROM jobs WHERE state IN ('running', 'dead')")" "no job left running or dead"
cg_expect_eq 0 "$(psqlq "SELECT count(*) FROM dead_letters")" "no dead letters"
cg_expect_eq 200 "$(api "" GET "$U/healthz")" "healthz ok again"
cg_expect_eq 202 "$(api "" POST "$U/v1/images" "$(jq -c '{name: "lab/b", sbom: .}' "$T/b.cdx")")" "POST after the store is back"
DB2=$(jq -r .digest "$T/api.out")
scanned_b() { api "" GET "$U/v1/images/$DB2" >/dev/null && jq -e '.decisions | length == 1' "$T/api.out" >/dev/null; }
cg_wait_until 30 scanned_b && cg_ok || cg_fail "image b not scanned: $(tail -c 1500 "$T/s.log")"
grep -q '"level":"fatal"\|Segmentation\|AddressSanitizer' "$T/s.log" && cg_fail "crash in the log" || cg_ok
serve_stop s
cg_expect_eq 0 "$SERVE_RC" "SIGTERM stops cleanly"
cg_finish
