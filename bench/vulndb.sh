#!/usr/bin/env bash
# vulndb.sh - vulnerability DB benchmarks: import rate (records/s) for all of
# ../shared/data/vulndb, DB size per 10,000 records, and the time of 10,000
# lookups (DB open included) as a scan does them.  Prints a table.
#   bench/vulndb.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$here/build}
D=${2:-$here/../shared/data/vulndb}
[ -d "$D" ] || D=/work/shared/data/vulndb
[ -d "$D" ] || { echo "vulndb.sh: no data at $D (../shared/data/vulndb)" >&2; exit 77; }
CGATE="$B/cgate"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
DB="$W/db.sqlite"

inputs=("$D/osv/go-vulndb" "$D/osv/pypa-advisory-database" "$D/osv/rustsec-osv" "$D/osv/ghsa-selected"
        "$D/osv/ghsa-node-app" "$D/kev/known_exploited_vulnerabilities.json" "$D/alpine/alpine-secdb-json-converted"
        "$D/debian/osv.dev-testdata" "$D/debian/bookworm-labels-img-debian")
t0=$(date +%s%N)
"$CGATE" db import --db "$DB" "${inputs[@]}" 2>"$W/import.log"
t1=$(date +%s%N)
tail -n 5 "$W/import.log" >&2
ms=$(( (t1 - t0) / 1000000 ))
imported=$(sed -n 's/.*imported \([0-9]*\), skipped \([0-9]*\).*/\1/p' "$W/import.log" | tail -1)
skipped=$(sed -n 's/.*skipped \([0-9]*\), withdrawn.*/\1/p' "$W/import.log" | tail -1)
size=$(stat -c %s "$DB")
"$CGATE" db status --db "$DB"

# 10,000 queries: every (ecosystem, name) in the DB, then misses, cycled to 10,000
# two mixes: "worst" = every (ecosystem, name) the DB knows, cycled (70% hits,
# stdlib's ~300 advisories many times); "sbom" = 500 known names + 9,500 misses
python3 - "$DB" "$W/queries" "$W/queries-sbom" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = sorted(set((e, n) for e, n in db.execute("SELECT ecosystem, json_extract(entry, '$.n') FROM affected")))
miss = [("npm", "no-such-package-%d" % i) for i in range(6000)] + [("PyPI", "Not_There.%d" % i) for i in range(3500)]
q = rows + miss[:3000]
worst = [q[i % len(q)] for i in range(10000)]
rnd = random.Random(1)
sbom = rnd.sample(rows, 500) + miss
rnd.shuffle(sbom)
for path, qs in ((sys.argv[2], worst), (sys.argv[3], sbom)):
    with open(path, "w") as f:
        for e, n in qs:
            f.write("%s\t%s\n" % (e, n))
PY
cc -O2 -I"$here/include" "$here/bench/vulndb_lookup.c" "$B/libcgate_static.a" \
   $(pkg-config --libs libarchive jansson libzstd zlib libcrypto sqlite3 yaml-0.1 libcurl) -lisal -lpthread -lm \
   -o "$W/lookup" 2>/dev/null || cc -O2 -I"$here/include" "$here/bench/vulndb_lookup.c" -L"$B" -lcgate -o "$W/lookup"
"$W/lookup" "$DB" "$W/queries" | tee "$W/lookup.out"
"$W/lookup" "$DB" "$W/queries-sbom" | tee "$W/lookup-sbom.out"
lookup_ms=$(sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' "$W/lookup.out")
sbom_ms=$(sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' "$W/lookup-sbom.out")

printf '\n| measure | value |\n|---|---|\n'
printf '| records imported (OSV + Alpine-derived + KEV) | %s (skipped %s) |\n' "$imported" "$skipped"
printf '| import wall time | %d ms |\n' "$ms"
printf '| import rate | %d records/s |\n' $(( imported * 1000 / (ms > 0 ? ms : 1) ))
printf '| DB size | %.1f MiB |\n' "$(echo "$size / 1048576" | bc -l)"
printf '| DB size per 10,000 records | %.1f MiB |\n' "$(echo "$size / 1048576 * 10000 / $imported" | bc -l)"
printf '| 10,000 lookups incl. DB open, SBOM-like (500 known names) | %s ms |\n' "$sbom_ms"
printf '| 10,000 lookups incl. DB open, worst case (every known name, cycled) | %s ms |\n' "$lookup_ms"
