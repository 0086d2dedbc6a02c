#!/usr/bin/env bash
# bench/serve_rematch.sh - the CPU of one `cgate serve` re-match, repeatable:
# N SBOMs (bench/serve.sh's generator: 60 Debian packages each from 500 names,
# 2,000 OSV records) are registered and scanned once by the first binary; the
# inventory is kept as a snapshot; then for each binary given, a copy of the
# snapshot is re-matched with `cgate serve --once` against the DB updated with
# bench/serve.sh's 100 changed advisories (every image is touched, ~6 alerts
# per image).  Prints user+sys CPU seconds, wall, the server's own "rematch
# done" line (images, alerts) and whether the alert logs (minus timestamps)
# are identical between the binaries.  SQLite store.
# usage: bench/serve_rematch.sh N CGATE [CGATE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N=$1; shift
bins=(); for b in "$@"; do bins+=("$(realpath "$b")"); done
W=$(mktemp -d /tmp/cgate-rematch-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
awk '/^python3 - "\$work" "\$N" <<.PY.$/{f=1;next} /^PY$/{if(f){exit}} f' "$here/serve.sh" >"$W/gen.py"
awk '/^cat >"\$work\/client.py" <<.PY.$/{f=1;next} /^PY$/{if(f){exit}} f' "$here/serve.sh" >"$W/client.py"
python3 "$W/gen.py" "$W" "$N"
cg=${bins[0]}
"$cg" db import -q --db "$W/base.sqlite" "$W/osv-base"
cp "$W/base.sqlite" "$W/db.sqlite"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$cg" serve --store "sqlite:$W/inv.sqlite" --listen "127.0.0.1:$port" --db "$W/db.sqlite" --no-auth \
  --rate 1000000 --workers 2 --db-poll 200 2>"$W/serve.log" &
pid=$!
sleep 2
python3 "$W/client.py" "$port" sbom "$W/sboms.jsonl" >/dev/null
done_n() { curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "cgate_serve_jobs{kind=\"scan\",state=\"done\"}" {print $2}'; }
while [ "$(done_n)" != "$N" ]; do sleep 0.5; done
kill -TERM "$pid"; wait "$pid" || true
cp "$W/base.sqlite" "$W/db-upd.sqlite"
"$cg" db import -q --db "$W/db-upd.sqlite" "$W/osv-update"
echo "re-match of $N images after 100 changed advisories, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
first=
for b in "${bins[@]}"; do
  rm -f "$W"/r.sqlite* "$W/alerts.jsonl"; cp "$W/inv.sqlite" "$W/r.sqlite"
  /usr/bin/time -f "%U %S %e" -o "$W/time" "$b" serve --once --store "sqlite:$W/r.sqlite" --db "$W/db-upd.sqlite" \
    --alert-log "$W/alerts.jsonl" 2>"$W/r.log"
  read -r u s e <"$W/time"
  line=$(grep '"msg":"rematch done"' "$W/r.log")
  jq -c 'del(.created)' "$W/alerts.jsonl" | sort >"$W/alerts-sorted"
  same=""
  if [ -z "$first" ]; then first=$W/first; cp "$W/alerts-sorted" "$first"; else cmp -s "$first" "$W/alerts-sorted" && same=" (same alerts as the first)" || same=" (ALERTS DIFFER from the first)"; fi
  printf '%s: CPU %.2f s (%.2f ms/image), wall %.2f s, %s images, %s alerts%s\n' "$b" "$(echo "$u + $s" | bc)" \
    "$(echo "($u + $s) * 1000 / $N" | bc -l)" "$e" "$(jq -r .images <<<"$line")" "$(jq -r .alerts <<<"$line")" "$same"
done
