#!/usr/bin/env bash
# test_serve_postgres.sh - three `cgate serve` workers sharing one PostgreSQL
# queue (a throwaway cluster made here with initdb/pg_ctl, Unix socket only),
# behind Debian's docker-registry whose notifications go to all three (so every
# push is announced three times):
# - worker w2 starts alone and is killed -9 while it holds an ingest job; the
#   other two start, the lease expires and the job is finished by another;
# - every image is catalogued once (one image row, one ingest decision each);
# - an advisory that affects two of the images gives exactly one alert per
#   image, each delivered once to the webhook (and signed), none twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_postgres
reg_need
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] || cg_skip "postgresql-15 is not installed"
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
asuser "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -o "-k $PGD -c listen_addresses= -p $PGPORT -c fsync=off" \
  start >"$T/pgctl.log" 2>&1 || cg_die "pg_ctl start failed: $(cat "$PGD/log" 2>/dev/null | tail -c 600)"
STORE="postgresql:///postgres?host=$PGD&port=$PGPORT&user=cgate"
psqlq() { psql -X -q -t -A -h "$PGD" -p "$PGPORT" -U cgate -d postgres -c "$1"; }

P1=$(reg_free_port); P2=$(reg_free_port); P3=$(reg_free_port); HP=$(reg_free_port)
echo "hook-secret-$(openssl rand -hex 8)" >"$T/secret"
ep() { printf '    - name: w%s\n      url: http://127.0.0.1:%s/v1/notifications\n      timeout: 2s\n      threshold: 2\n      backoff: 1s\n      ignoredmediatypes: [application/octet-stream]\n' "$1" "$2"; }
REG_EXTRA_CONFIG="notifications:
  endpoints:
$(ep 1 "$P1")
$(ep 2 "$P2")
$(ep 3 "$P3")"
reg_start plain plain
cg_run "$T/i0.out" "$T/i0.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2020-27350.json"
cg_expect_rc 0 "first import" "$T/i0.err"
hook_start "$HP" "$T/hook.jsonl" --secret "$T/secret"
COMMON=(--store "$STORE" --db "$T/db.sqlite" --no-auth --webhook "http://127.0.0.1:$HP/hook"
        --webhook-secret-file "$T/secret" --db-poll 200 --retry-delay 200 --lease 3)
serve_start w2 "$P2" "${COMMON[@]}" --worker-id w2 --alert-log "$T/alerts-w2.jsonl"

# four images share a 64 MiB incompressible layer (so an ingest takes a while);
# images 1 and 3 have apt 2.6.1, which the advisory below affects
head -c 64M /dev/urandom >"$T/blob.bin"
for n in 1 2 3 4; do
  if [ $((n % 2)) = 1 ]; then st=$'Package: apt\nStatus: install ok installed\nVersion: 2.6.1\nArchitecture: amd64\n\n'
  else st=$'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n'; fi
  jq -n --arg st "$st" --arg n "$n" --arg blob "$T/blob.bin" '{layers:[
    {compression:"none", entries:[{path:"opt/blob.bin", content_file:$blob}]},
    {entries:[{path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\n"},
              {path:"var/lib/dpkg/status", content:$st}, {path:"etc/n", content:$n}]}]}' >"$T/img$n.json"
  mkimage "$T/img$n.json" docker-archive "$T/img$n.tar"
  cg_run "$T/push$n.out" "$T/push$n.err" push "docker-archive:$T/img$n.tar" "docker://$REG/lab/img$n:1"
  cg_expect_rc 0 "push image $n" "$T/push$n.err"
done

KILLED=
w2_running() {
  KILLED=$(psqlq "SELECT id FROM jobs WHERE state = 'running' AND worker = 'w2' AND kind = 'ingest' LIMIT 1")
  [ -n "$KILLED" ]
}
if cg_wait_until 30 w2_running; then
  serve_kill9 w2
  cg_ok
  cg_info "killed w2 holding ingest job $KILLED"
else
  cg_fail "w2 never held an ingest job: $(tail -c 1500 "$T/w2.log")"
  KILLED=0
fi
serve_start w1 "$P1" "${COMMON[@]}" --worker-id w1 --alert-log "$T/alerts-w1.jsonl"
serve_start w3 "$P3" "${COMMON[@]}" --worker-id w3 --alert-log "$T/alerts-w3.jsonl"

all_scanned() { [ "$(psqlq "SELECT count(*) FROM images WHERE scanned IS NOT NULL")" = 4 ]; }
cg_wait_until 90 all_scanned && cg_ok || cg_fail "not every image catalogued: $(psqlq 'SELECT id, kind, state, worker, attempts, last_error FROM jobs'); $(tail -c 1500 "$T/w1.log")"
cg_expect_eq 4 "$(psqlq 'SELECT count(*) FROM images')" "four image rows"
cg_expect_eq "1 1 1 1" "$(psqlq "SELECT count(*) FROM decisions WHERE trigger = 'ingest' GROUP BY digest ORDER BY digest" | tr '\n' ' ' | sed 's/ $//')" "one ingest decision per image"
if [ "$KILLED" != 0 ]; then
  cg_expect_eq "done" "$(psqlq "SELECT state FROM jobs WHERE id = $KILLED")" "the killed worker's job finished"
  w=$(psqlq "SELECT worker FROM jobs WHERE id = $KILLED")
  case "$w" in w1|w3) cg_ok ;; *) cg_fail "job $KILLED finished by '$w', not w1/w3" ;; esac
  [ "$(psqlq "SELECT attempts FROM jobs WHERE id = $KILLED")" -ge 2 ] && cg_ok || cg_fail "job $KILLED ran once only"
fi
cg_expect_eq 0 "$(psqlq 'SELECT count(*) FROM dead_letters')" "no dead letters"

cg_run "$T/i1.out" "$T/i1.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2026-109518.json"
cg_expect_rc 0 "import the advisory" "$T/i1.err"
two() { [ -s "$T/hook.jsonl" ] && [ "$(wc -l <"$T/hook.jsonl")" -ge 2 ]; }
cg_wait_until 40 two && cg_ok || cg_fail "alerts missing: $(cat "$T/hook.jsonl" 2>/dev/null); $(tail -c 1500 "$T/w1.log")"
sleep 3
cg_expect_eq 2 "$(wc -l <"$T/hook.jsonl")" "exactly two webhook deliveries"
cg_expect_eq 2 "$(jq -r .alert "$T/hook.jsonl" | sort -u | wc -l)" "two distinct alerts, none delivered twice"
cg_expect_eq "true" "$(jq -r .sig_ok "$T/hook.jsonl" | sort -u | tr '\n' ' ' | sed 's/ $//')" "both signed"
want=$(printf '%s\n' "$(cat "$T/push1.out")" "$(cat "$T/push3.out")" | sort)
cg_expect_eq "$want" "$(jq -r .body.image.digest "$T/hook.jsonl" | sort)" "alerts for images 1 and 3"
cg_expect_eq 2 "$(cat "$T"/alerts-w*.jsonl | wc -l)" "two alert log lines over all workers"
cg_expect_eq 2 "$(psqlq 'SELECT count(*) FROM alerts')" "two alerts stored"

serve_stop w1
cg_expect_eq 0 "$SERVE_RC" "w1 stops cleanly on SIGTERM"
serve_stop w3
cg_expect_eq 0 "$SERVE_RC" "w3 stops cleanly on SIGTERM"
cg_finish
