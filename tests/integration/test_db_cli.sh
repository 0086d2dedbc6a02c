#!/usr/bin/env bash
# test_db_cli.sh - `cgate db import|status` as a user runs them: counts per
# source, exit codes, one-line errors naming the file and record, and a DB
# that a failed import leaves untouched.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup db_cli
V="$CG_TEST_DATA/vulndb"
DB="$T/db.sqlite"

cg_run "$T/o" "$T/e" db import --db "$DB" "$V/go" "$V/pypa" "$V/rustsec" "$V/ghsa-selected" "$V/kev" \
  "$V/alpine/json" "$V/debian-bookworm"
cg_expect_rc 0 "import" "$T/e"
grep -q "imported .*, skipped 0, withdrawn 7" "$T/e" && cg_ok || cg_fail "import summary: $(cat "$T/e")"

cg_run "$T/o" "$T/e" db status --db "$DB"
cg_expect_rc 0 "status" "$T/e"
for want in "osv:Go  *121" "osv:PyPI" "osv:crates.io  *119" "kev  *102" "osv:Debian:12  *28" "alpine-secdb:Alpine:v3.8" "age: 0d"; do
  grep -Eq "$want" "$T/o" && cg_ok || cg_fail "status lacks '$want': $(cat "$T/o")"
done
cg_run "$T/o" "$T/e" db status --db "$DB" --format json
cg_expect_rc 0 "status json" "$T/e"
cg_expect_json "$T/o" "status json"
cg_expect_eq 121 "$(jq '.sources[] | select(.source == "osv:Go") | .records' "$T/o")" "status json Go count"

# CGATE_DB and XDG_CACHE_HOME choose the file
CGATE_DB="$DB" cg_run "$T/o" "$T/e" db status
cg_expect_rc 0 "status via CGATE_DB" "$T/e"
XDG_CACHE_HOME="$T/cache" cg_run "$T/o" "$T/e" db import "$V/ghsa-selected"
cg_expect_rc 0 "import into the XDG default" "$T/e"
[ -s "$T/cache/cgate/db.sqlite" ] && cg_ok || cg_fail "no DB at \$XDG_CACHE_HOME/cgate/db.sqlite"

# missing, corrupt, foreign DBs: exit 3 with one line
cg_run "$T/o" "$T/e" db status --db "$T/nope.sqlite"
cg_expect_rc 3 "status of a missing DB" "$T/e"
cg_expect_one_error "$T/e" "missing DB" "nope.sqlite"
head -c 5000 "$DB" >"$T/trunc.sqlite"
cg_run "$T/o" "$T/e" db status --db "$T/trunc.sqlite"
cg_expect_rc 3 "status of a truncated DB" "$T/e"
cg_expect_one_error "$T/e" "truncated DB" "trunc.sqlite" "truncated"
printf 'hello' >"$T/junk.sqlite"
cg_run "$T/o" "$T/e" db status --db "$T/junk.sqlite"
cg_expect_rc 3 "status of a junk file" "$T/e"
cg_expect_one_error "$T/e" "junk DB" "junk.sqlite"
# a DB whose table is a recursive view (SQL that never ends on read): refused, not run
cp "$DB" "$T/view.sqlite"
python3 - "$T/view.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("DROP TABLE sources; CREATE VIEW sources(source, records, imported) AS WITH RECURSIVE "
                "n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT 'osv:npm', x, 0 FROM n;")
c.close()
PY
CG_TIMEOUT=20 cg_run "$T/o" "$T/e" db status --db "$T/view.sqlite"
cg_expect_rc 3 "status of a DB with a recursive view" "$T/e"
cg_expect_one_error "$T/e" "recursive view DB" "view.sqlite" "view \"sources\""

# bad records: skipped, listed with file and id, the rest imported
mkdir -p "$T/bad"
printf '{"id":"BAD-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"NOPE","events":[{"introduced":"0"}]}]}]}' >"$T/bad/b.json"
printf '{"id": "BAD-2", ' >"$T/bad/c.json"
cp "$V/ghsa-selected/GHSA-p6mc-m468-83gw.json" "$T/bad/"
cg_run "$T/o" "$T/e" db import --db "$T/bad.sqlite" "$T/bad"
cg_expect_rc 0 "import with bad records" "$T/e"
grep -q "skipped: $T/bad/b.json: BAD-1: unknown range type \"NOPE\"" "$T/e" && cg_ok || cg_fail "no skip line for BAD-1: $(cat "$T/e")"
grep -q "skipped: $T/bad/c.json: -: invalid JSON" "$T/e" && cg_ok || cg_fail "no skip line for c.json: $(cat "$T/e")"
grep -q "imported 1, skipped 2" "$T/e" && cg_ok || cg_fail "bad import summary: $(cat "$T/e")"

# a failed import (zip with path traversal) leaves the DB byte-identical
python3 - "$T/evil.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("ok.json", '{"id":"Z-1","modified":"2024-01-01T00:00:00Z"}')
    z.writestr("../../evil.json", "{}")
PY
before=$(sha256sum <"$DB")
cg_run "$T/o" "$T/e" db import --db "$DB" "$T/evil.zip"
cg_expect_rc 3 "zip with path traversal" "$T/e"
cg_expect_one_error "$T/e" "zip traversal" "evil.zip" "path traversal"
cg_expect_eq "$before" "$(sha256sum <"$DB")" "DB unchanged after a refused import"
# an input path that does not exist
cg_run "$T/o" "$T/e" db import --db "$DB" "$T/does-not-exist"
cg_expect_rc 3 "missing input" "$T/e"
cg_expect_one_error "$T/e" "missing input" "does-not-exist"
cg_expect_eq "$before" "$(sha256sum <"$DB")" "DB unchanged after a failed import"

# usage
cg_run "$T/o" "$T/e" db import --db "$DB"
cg_expect_rc 2 "import without paths" "$T/e"
cg_run "$T/o" "$T/e" db frobnicate
cg_expect_rc 2 "unknown subcommand" "$T/e"
cg_run "$T/o" "$T/e" db --help
cg_expect_rc 0 "db --help" "$T/e"
grep -q "cgate db import" "$T/o" && cg_ok || cg_fail "help text"
# files of no known format: one summary line (count + first names), not a skip each
mkdir -p "$T/unrec"
for i in 1 2 3 4 5 6 7; do echo '{"hello": 1}' >"$T/unrec/f$i.json"; done
echo "plain text" >"$T/notes.txt"
cg_run "$T/o" "$T/e" db import --db "$T/unrec.sqlite" "$T/unrec" "$T/notes.txt" "$V/go"
cg_expect_rc 0 "import with unrecognised files" "$T/e"
cg_expect_eq 1 "$(grep -c 'not recognised' "$T/e")" "one summary line for unrecognised files"
grep -q '8 files not recognised.*f1.json, .*f5.json, \.\.\.$' "$T/e" && cg_ok || cg_fail "summary line: $(cat "$T/e")"
grep -q 'skipped 0' "$T/e" && cg_ok || cg_fail "unrecognised files counted as skipped records: $(cat "$T/e")"
cg_expect_eq 2 "$(wc -l <"$T/e")" "stderr: the summary and the totals"
cg_finish
