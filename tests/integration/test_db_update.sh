#!/usr/bin/env bash
# test_db_update.sh - `cgate db update` against a tiny HTTP server on
# 127.0.0.1 that this test starts (python3 -m http.server over a fixture
# directory).  Only loopback is ever contacted; other hosts are refused
# before any connection.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cg_setup db_update
V="$CG_TEST_DATA/vulndb"
DB="$T/db.sqlite"
mkdir -p "$T/www"
(cd "$V/go" && python3 -c '
import sys, zipfile, glob
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob("*.json")):
        z.write(f)
' "$T/www/all.zip")
cp "$V/kev/known_exploited_vulnerabilities.json" "$T/www/kev.json"
cp "$V/synthetic/epss_scores-2024-01-01.csv" "$T/www/epss.csv"
gzip -c "$V/synthetic/epss_scores-2024-01-01.csv" >"$T/www/epss.csv.gz"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/www" >"$T/http.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
U="http://127.0.0.1:$port"

cg_run "$T/o" "$T/e" db update --db "$DB" --source "$U/all.zip" --source "$U/kev.json" --source "$U/epss.csv.gz"
cg_expect_rc 0 "update from loopback" "$T/e"
cg_run "$T/o" "$T/e" db status --db "$DB" --format json
cg_expect_eq 121 "$(jq '.sources[] | select(.source == "osv:Go") | .records' "$T/o")" "Go records via zip"
cg_expect_eq 102 "$(jq '.sources[] | select(.source == "kev") | .records' "$T/o")" "KEV via update"
cg_expect_eq 3 "$(jq '.sources[] | select(.source == "epss") | .records' "$T/o")" "EPSS (gzip) via update"

# the sources file under $XDG_CONFIG_HOME
mkdir -p "$T/cfg/cgate"
printf '# cgate sources\n%s/kev.json\n\n' "$U" >"$T/cfg/cgate/sources"
XDG_CONFIG_HOME="$T/cfg" cg_run "$T/o" "$T/e" db update --db "$T/db2.sqlite"
cg_expect_rc 0 "update from the sources file" "$T/e"

# refused before connecting: plain http elsewhere, other schemes
for bad in "http://example.com/x.json" "ftp://127.0.0.1/x" "file:///etc/passwd"; do
  cg_run "$T/o" "$T/e" db update --db "$T/db3.sqlite" --source "$bad"
  cg_expect_rc 2 "refuse $bad" "$T/e"
  cg_expect_one_error "$T/e" "refuse $bad" "only https"
done
# size cap, 404: exit 3 / 4, DB untouched
before=$(sha256sum <"$DB")
cg_run "$T/o" "$T/e" db update --db "$DB" --force --source "$U/all.zip" --max-bytes 1K
cg_expect_rc 3 "size cap" "$T/e"
cg_expect_one_error "$T/e" "size cap" "all.zip" "cap"
cg_run "$T/o" "$T/e" db update --db "$DB" --source "$U/missing.json"
cg_expect_rc 4 "404" "$T/e"
cg_expect_one_error "$T/e" "404" "missing.json"
cg_expect_eq "$before" "$(sha256sum <"$DB")" "DB unchanged after failed updates"
ls -d "$DB".update.* >/dev/null 2>&1 && cg_fail "download directory left behind" || cg_ok
cg_finish
