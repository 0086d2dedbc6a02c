#!/usr/bin/env bash
# test_db_kill.sh - kill -9 an import of a large generated corpus at several
# moments: each time the previous DB must still open and show its old
# counts, byte for byte the same file.  Then a complete import shows the new.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup db_kill
V="$CG_TEST_DATA/vulndb"
DB="$T/db.sqlite"
N=${CG_KILL_RECORDS:-20000}

# a corpus of N OSV records (npm, one file each, made from a template)
python3 - "$T/corpus" "$N" <<'PY'
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
for i in range(n):
    rec = {"schema_version": "1.6.0", "id": "GEN-%06d" % i, "modified": "2024-01-01T00:00:00Z",
           "aliases": ["CVE-2099-%05d" % i], "summary": "generated record %d" % i, "details": "x" * 400,
           "affected": [{"package": {"ecosystem": "npm", "name": "gen-pkg-%d" % (i % 5000)},
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.%d.0" % i}]}]}],
           "references": [{"type": "WEB", "url": "https://example.invalid/%d" % i}]}
    with open(os.path.join(out, "GEN-%06d.json" % i), "w") as f:
        json.dump(rec, f)
PY

cg_run "$T/o" "$T/e" db import --db "$DB" "$V/rustsec"
cg_expect_rc 0 "first import" "$T/e"
cg_run "$T/status0" "$T/e" db status --db "$DB" --format json
sum0=$(sha256sum <"$DB")
want=$(jq -c '[.sources[] | {source, records}]' "$T/status0")

for delay in 0.05 0.2 0.5 0.9 1.5; do
  "$CGATE" db import --db "$DB" "$T/corpus" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    cg_ok
  else
    wait "$pid"
    cg_info "import finished before ${delay}s; restoring the old DB for the next round"
    cg_run "$T/o" "$T/e" db import --db "$T/redo.sqlite" "$V/rustsec" && cp "$T/redo.sqlite" "$DB"
    continue
  fi
  cg_run "$T/o" "$T/e" db status --db "$DB" --format json
  cg_expect_rc 0 "status after kill -9 at ${delay}s" "$T/e"
  cg_expect_eq "$want" "$(jq -c '[.sources[] | {source, records}]' "$T/o")" "counts after kill -9 at ${delay}s"
  cg_expect_eq "$sum0" "$(sha256sum <"$DB")" "DB file unchanged after kill -9 at ${delay}s"
done
rm -f "$DB".tmp.*

cg_run "$T/o" "$T/e" db import --db "$DB" "$T/corpus"
cg_expect_rc 0 "complete import" "$T/e"
cg_run "$T/o" "$T/e" db status --db "$DB" --format json
cg_expect_eq "$N" "$(jq '.sources[] | select(.source == "osv:npm") | .records' "$T/o")" "npm count after the full import"
cg_expect_eq 119 "$(jq '.sources[] | select(.source == "osv:crates.io") | .records' "$T/o")" "old data kept"
cg_finish
