#!/usr/bin/env bash
# test_db_lock.sh - writers of one DB are serialised by the lock on DB.lock:
# four concurrent imports of four disjoint record sets leave exactly their
# union, 20 rounds in a row (before the lock, one import's records were lost);
# a writer that waits past --lock-timeout exits 4 naming the holder's pid;
# readers keep working while a writer holds the lock.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup db_lock
DB="$T/db.sqlite"
N=${CG_LOCK_RECORDS:-300}
ROUNDS=${CG_LOCK_ROUNDS:-20}

# four disjoint sets, one ecosystem each, so per-source counts show each set
python3 - "$T" "$N" <<'PY'
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
for k, eco in enumerate(["npm", "PyPI", "Go", "crates.io"]):
    d = os.path.join(out, "set%d" % k)
    os.makedirs(d)
    for i in range(n):
        rec = {"schema_version": "1.6.0", "id": "LOCK-%d-%05d" % (k, i), "modified": "2024-01-01T00:00:00Z",
               "summary": "set %d record %d" % (k, i),
               "affected": [{"package": {"ecosystem": eco, "name": "pkg-%d-%d" % (k, i % 50)},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.%d" % i}]}]}]}
        with open(os.path.join(d, "LOCK-%d-%05d.json" % (k, i)), "w") as f:
            json.dump(rec, f)
PY
want="[{\"source\":\"osv:Go\",\"records\":$N},{\"source\":\"osv:PyPI\",\"records\":$N},{\"source\":\"osv:crates.io\",\"records\":$N},{\"source\":\"osv:npm\",\"records\":$N}]"

bad=0
for round in $(seq "$ROUNDS"); do
  rm -f "$DB"
  pids=()
  for k in 0 1 2 3; do
    "$CGATE" db import -q --db "$DB" "$T/set$k" >"$T/imp$k.out" 2>"$T/imp$k.err" &
    pids+=($!)
  done
  for k in 0 1 2 3; do
    wait "${pids[$k]}"
    rc=$?
    [ "$rc" -eq 0 ] || { cg_fail "round $round: import $k exited $rc: $(head -c 300 "$T/imp$k.err")"; bad=1; }
  done
  cg_run "$T/o" "$T/e" db status --db "$DB" --format json
  got=$(jq -c '[.sources[] | {source, records}]' "$T/o")
  if [ "$got" != "$want" ]; then
    cg_fail "round $round: got $got, want the union $want"
    bad=1
  fi
  ls "$DB".tmp.* >/dev/null 2>&1 && { cg_fail "round $round: temporary file left"; bad=1; }
done
[ "$bad" -eq 0 ] && cg_ok
cg_info "$ROUNDS rounds of 4 concurrent imports of $N records each"

# imports and updates together: two of each, 5 rounds (updates fetch sets
# 2 and 3 as zips from a server on 127.0.0.1 that this test starts)
mkdir -p "$T/www"
for k in 2 3; do
  (cd "$T/set$k" && python3 -c '
import glob, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob("*.json")):
        z.write(f)
' "$T/www/set$k.zip")
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/www" >"$T/http.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
bad=0
for round in 1 2 3 4 5; do
  rm -f "$DB"
  "$CGATE" db import -q --db "$DB" "$T/set0" 2>"$T/w0.err" & p0=$!
  "$CGATE" db update -q --db "$DB" --source "http://127.0.0.1:$port/set2.zip" 2>"$T/w1.err" & p1=$!
  "$CGATE" db import -q --db "$DB" "$T/set1" 2>"$T/w2.err" & p2=$!
  "$CGATE" db update -q --db "$DB" --source "http://127.0.0.1:$port/set3.zip" 2>"$T/w3.err" & p3=$!
  k=0
  for p in $p0 $p1 $p2 $p3; do
    wait "$p" || { cg_fail "mixed round $round: writer $k failed: $(head -c 300 "$T/w$k.err")"; bad=1; }
    k=$((k + 1))
  done
  cg_run "$T/o" "$T/e" db status --db "$DB" --format json
  got=$(jq -c '[.sources[] | {source, records}]' "$T/o")
  [ "$got" = "$want" ] || { cg_fail "mixed round $round: got $got, want $want"; bad=1; }
done
[ "$bad" -eq 0 ] && cg_ok
kill $srv 2>/dev/null

# a writer holding the lock (a process other than cgate, using POSIX locks)
hold_lock() { # hold_lock SECONDS: prints the holder's pid when it holds the lock, then
  # creates $T/released just before it exits (and so releases the lock)
  rm -f "$T/released"
  python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1] + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.write(fd, b"%d\n" % os.getpid())
print(os.getpid(), flush=True)
time.sleep(float(sys.argv[2]))
open(sys.argv[3], "w").close()  # marks the release: the lock goes with the process
' "$DB" "$1" "$T/released" >"$T/holder.pid" &
  holder=$!
  for _ in $(seq 100); do [ -s "$T/holder.pid" ] && break; sleep 0.05; done
}

sum0=$(sha256sum <"$DB")
hold_lock 30
t0=$(date +%s%N)
cg_run "$T/o" "$T/e" db import --db "$DB" --lock-timeout 1s "$T/set0"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cg_expect_rc 4 "import waiting past --lock-timeout" "$T/e"
cg_expect_one_error "$T/e" "lock timeout" "process $(cat "$T/holder.pid")" "--lock-timeout" "1s"
[ "$ms" -ge 900 ] && [ "$ms" -lt 8000 ] && cg_ok || cg_fail "gave up after ${ms} ms, want about 1 s"
cg_run "$T/o" "$T/e" db update --db "$DB" --lock-timeout 0 --source "http://127.0.0.1:9/x.json"
cg_expect_rc 4 "update with --lock-timeout 0 while locked" "$T/e"
cg_expect_one_error "$T/e" "update lock timeout" "process $(cat "$T/holder.pid")"
# readers do not wait
cg_run "$T/o" "$T/e" db status --db "$DB" --format json
cg_expect_rc 0 "status while a writer holds the lock" "$T/e"
cg_expect_eq "$want" "$(jq -c '[.sources[] | {source, records}]' "$T/o")" "status content while locked"
cg_expect_eq "$sum0" "$(sha256sum <"$DB")" "DB untouched by the writer that gave up"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# a writer waits for the holder and then goes ahead
# (proof of waiting: the import returns only after the holder marked its release;
# elapsed time is not used, a loaded machine can start the import late)
hold_lock 1.5
cg_run "$T/o" "$T/e" db import --db "$DB" --lock-timeout 30s "$T/set0"
cg_expect_rc 0 "import waits for the holder" "$T/e"
[ -e "$T/released" ] && cg_ok || cg_fail "import finished while the holder still held the lock"
wait "$holder" 2>/dev/null

for badv in x 5q -1s; do
  cg_run "$T/o" "$T/e" db import --db "$DB" --lock-timeout "$badv" "$T/set0"
  cg_expect_rc 2 "--lock-timeout $badv" "$T/e"
done
cg_finish
