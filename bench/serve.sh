#!/usr/bin/env bash
# bench/serve.sh - `cgate serve` throughput, SQLite and PostgreSQL (issue 15):
#   load        N SBOMs registered with POST /v1/images and scanned (SBOMs/s)
#   rematch     after a DB import that changes 100 advisories: images re-matched
#               per second (the server's own "rematch done" log line)
#   notify      registry notification envelopes accepted per second (one event
#               each, 4 client threads, keep-alive)
#   rss         resident memory of the idle server after start, and after all that
# Inputs are made here, deterministic: N CycloneDX SBOMs of 60 Debian packages
# each drawn from 500 names (versions 1.0-0 .. 1.0-9), and 2,000 OSV records for
# Debian:12 (four per package); the update raises the fixed version of 100.
# PostgreSQL: a throwaway cluster (initdb/pg_ctl, Unix socket) in a temp dir,
# run as nobody when root.
# usage: bench/serve.sh [CGATE] [N]   (default build/cgate, 10000)
#        CG_SERVE_BENCH_BACKENDS="sqlite postgres" (default both)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cgate=$(realpath "${1:-$here/../build/cgate}")
N=${2:-10000}
backends=${CG_SERVE_BENCH_BACKENDS:-sqlite postgres}
PGBIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/cgate-serve-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -d "$work/pg/data" ]; then asuser "$PGBIN/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true; fi
  [ -n "${CG_KEEP:-}" ] && echo "inputs in $work" >&2 || rm -rf "$work"
}
asuser() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

python3 - "$work" "$N" <<'PY'
import json, os, random, sys
w, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(15)
pkgs = [f"benchpkg{i:03d}" for i in range(500)]
os.makedirs(f"{w}/osv-base"); os.makedirs(f"{w}/osv-update")
def rec(p, j, fixed, modified):
    return {"schema_version": "1.6.0", "id": f"BENCH-DEB-{p}-{j}", "modified": modified,
            "published": "2026-01-01T00:00:00Z", "aliases": [f"CVE-2026-{pkgs.index(p) * 4 + j + 100000}"],
            "summary": f"bench advisory {j} for {p}",
            "affected": [{"package": {"ecosystem": "Debian:12", "name": p},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:%s" % "HLN"[j % 3]}]}
for p in pkgs:
    for j in range(4):
        json.dump(rec(p, j, f"1.0-{j + 1}", "2026-01-01T00:00:00Z"), open(f"{w}/osv-base/BENCH-DEB-{p}-{j}.json", "w"))
for p in pkgs[:100]:
    json.dump(rec(p, 3, "1.0-9", "2026-06-01T00:00:00Z"), open(f"{w}/osv-update/BENCH-DEB-{p}-3.json", "w"))
with open(f"{w}/sboms.jsonl", "w") as f:
    for i in range(n):
        comps = [{"type": "operating-system", "bom-ref": "os:debian@12", "name": "debian", "version": "12"}]
        for p in sorted(rnd.sample(pkgs, 60)):
            v = f"1.0-{rnd.randrange(10)}"
            purl = f"pkg:deb/debian/{p}@{v}?arch=amd64&distro=debian-12"
            comps.append({"type": "library", "bom-ref": purl, "name": p, "version": v, "purl": purl})
        doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
               "serialNumber": f"urn:uuid:00000000-0000-4000-8000-{i:012d}", "components": comps}
        f.write(json.dumps({"name": f"bench/app{i}", "sbom": doc}) + "\n")
PY
"$cgate" db import -q --db "$work/base.sqlite" "$work/osv-base"

cat >"$work/client.py" <<'PY'
import http.client, json, sys, threading, time
port, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = open(path).read().splitlines() if mode == "sbom" else None
count = int(sys.argv[4]) if mode == "notify" else len(lines)
threads = 4
def body(i):
    if mode == "sbom":
        return lines[i]
    d = "sha256:%064x" % (i + 1)
    return json.dumps({"events": [{"id": str(i), "action": "push", "target": {
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "repository": "bench/app",
        "url": "http://127.0.0.1:1/v2/bench/app/manifests/" + d}}]})
url = "/v1/images" if mode == "sbom" else "/v1/notifications"
bad = [0]
def run(k):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(k, count, threads):
        c.request("POST", url, body(i), {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status != 202: bad[0] += 1
t0 = time.time()
ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
dt = time.time() - t0
print(f"{count} {dt:.3f} {count / dt:.0f} {bad[0]}")
PY

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }
scan_done() { curl -s "http://127.0.0.1:$1/metrics" | awk '$1 == "cgate_serve_jobs{kind=\"scan\",state=\"done\"}" {print $2}'; }
wait_log() { # FILE PATTERN COUNT TIMEOUT
  local i
  for i in $(seq 1 $(($4 * 10))); do
    [ "$(grep -c "$2" "$1" || true)" -ge "$3" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $2 in $1" >&2; tail -c 2000 "$1" >&2; return 1
}

run_backend() {
  local be=$1 store
  case $be in
    sqlite) store="sqlite:$work/inv-sqlite.sqlite" ;;
    postgres)
      mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown nobody "$work/pg"
      local pgport; pgport=$(free_port)
      asuser "$PGBIN/initdb" -D "$work/pg/data" -A trust -U cgate --no-sync >/dev/null
      asuser "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
        -o "-k $work/pg -c listen_addresses= -p $pgport -c fsync=off -c synchronous_commit=off" start >/dev/null
      store="postgresql:///postgres?host=$work/pg&port=$pgport&user=cgate" ;;
  esac
  cp "$work/base.sqlite" "$work/db-$be.sqlite"
  local port; port=$(free_port)
  "$cgate" serve --store "$store" --listen "127.0.0.1:$port" --db "$work/db-$be.sqlite" --no-auth \
    --rate 1000000 --workers 2 --db-poll 200 --max-attempts 1 --alert-log "$work/alerts-$be.jsonl" \
    2>"$work/serve-$be.log" &
  local pid=$!; pids+=("$pid")
  wait_log "$work/serve-$be.log" '"msg":"rematch done"' 1 120
  sleep 2
  local rss0; rss0=$(rss_kb "$pid")
  read -r n secs rate bad < <(python3 "$work/client.py" "$port" sbom "$work/sboms.jsonl")
  local t0; t0=$(date +%s.%N)
  while [ "$(scan_done "$port")" != "$N" ]; do sleep 0.2; done
  local t1; t1=$(date +%s.%N)
  local load_s; load_s=$(echo "$t1 - $t0 + $secs" | bc)
  local cpu0; cpu0=$(cpu_ticks "$pid")
  "$cgate" db import -q --db "$work/db-$be.sqlite" "$work/osv-update"
  wait_log "$work/serve-$be.log" '"msg":"rematch done"' 2 600
  local line; line=$(grep '"msg":"rematch done"' "$work/serve-$be.log" | tail -1)
  local ri rs ra rc
  ri=$(jq -r .images <<<"$line"); rs=$(jq -r .seconds <<<"$line"); ra=$(jq -r .alerts <<<"$line")
  rc=$(jq -r .changedAdvisories <<<"$line")
  local cpu_s; cpu_s=$(echo "($(cpu_ticks "$pid") - $cpu0) / $(getconf CLK_TCK)" | bc -l)
  read -r nn nsecs nrate nbad < <(python3 "$work/client.py" "$port" notify - 5000)
  sleep 1
  local rss1; rss1=$(rss_kb "$pid")
  kill -TERM "$pid"; wait "$pid" || true
  printf '%-8s | %6d SBOMs: POST %.1f s, all scanned %.1f s (%.0f SBOMs/s) | rematch: %s advisories changed, %s images in %.2f s (%.0f images/s; server CPU %.2f s), %s alerts | notifications: %s/s (%s refused) | RSS idle %d KiB, after %d KiB\n' \
    "$be" "$n" "$secs" "$load_s" "$(echo "$n / $load_s" | bc -l)" "$rc" "$ri" "$rs" "$(echo "$ri / $rs" | bc -l)" "$cpu_s" "$ra" \
    "$nrate" "$nbad" "$rss0" "$rss1"
}

echo "cgate serve bench: $N SBOMs, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $cgate"
for be in $backends; do run_backend "$be"; done
