#!/usr/bin/env bash
# secrets.sh - secret scanning: `cgate scan --scanners secret` against Trivy's
# `--scanners secret` on a lab image (default img-mixed, docker-archive, the same
# file for both), peak RSS, and the cost secrets add to the SBOM pass
# (`--scanners vuln` against `vuln,secret`, CPU time from perf stat, because
# wall time on a shared machine is mostly waiting).  Prints a TSV summary.
#
#   bench/secrets.sh [IMAGE_NAME]
#
# Environment: CGATE (binary; default build/cgate), LAB_IMAGES (default
# /tmp/lab/images), TRIVY (a Trivy binary; skipped when absent), RUNS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CGATE=${CGATE:-$root/build/cgate}
LAB=${LAB_IMAGES:-/tmp/lab/images}
IMG=${1:-img-mixed}
RUNS=${RUNS:-5}
TAR="$LAB/$IMG.docker.tar"
[ -f "$TAR" ] || { echo "no $TAR (tests/lab/make-images.sh builds it)" >&2; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# a one-record DB: the vuln scanner runs, so the SBOM pass is the one measured
mkdir -p "$W/osv"
printf '{"id":"BENCH-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"nothing"},"versions":["1.0.0"]}]}' >"$W/osv/a.json"
"$CGATE" db import --db "$W/db.sqlite" "$W/osv" >/dev/null

cpu_ms() { # perf stat task-clock (ms) over RUNS runs; wall seconds second
  perf stat -r "$RUNS" -e task-clock "$@" 2>&1 >/dev/null |
    awk '/task-clock/ {c=$1} /elapsed/ {w=$1} END {printf "%s\t%s\n", c, w}'
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

"$CGATE" scan -q --scanners secret "docker-archive:$TAR" >/dev/null # warm the rule cache and page cache
printf 'what\tcpu_ms\twall_s\tpeak_rss_kb\tfindings\n'
r=$(cpu_ms "$CGATE" scan -q --scanners secret "docker-archive:$TAR")
n=$("$CGATE" scan -q --scanners secret "docker-archive:$TAR" | jq '[.Results[].Secrets[]] | length')
printf 'cgate secret\t%s\t%s\t%s\n' "$r" "$(rss_kb "$CGATE" scan -q --scanners secret "docker-archive:$TAR")" "$n"
r=$(CGATE_NO_HYPERSCAN=1 cpu_ms "$CGATE" scan -q --scanners secret "docker-archive:$TAR")
printf 'cgate secret (POSIX fallback)\t%s\t-\t-\n' "$r"
for s in vuln vuln,secret; do
  r=$(cpu_ms "$CGATE" scan -q --db "$W/db.sqlite" --scanners "$s" "docker-archive:$TAR")
  printf 'cgate scan --scanners %s\t%s\t%s\t-\n' "$s" "$r" "$(rss_kb "$CGATE" scan -q --db "$W/db.sqlite" --scanners "$s" "docker-archive:$TAR")"
done
if [ -n "${TRIVY:-}" ] && [ -x "$TRIVY" ]; then
  # Trivy refuses images with jars without a Java DB; an empty schema-valid stub is enough
  # (the same stub shared/lab/peer-trivy.sh makes)
  mk() {
    rm -rf "$W/tc"; mkdir -p "$W/tc/java-db"
    python3 - "$W/tc/java-db" <<'PY'
import sqlite3, json, sys, os
d = sys.argv[1]
con = sqlite3.connect(os.path.join(d, "trivy-java.db"))
con.executescript("""CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT);
CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);""")
con.commit(); con.close()
json.dump({"Version": 1, "NextUpdate": "2099-01-01T00:00:00Z", "UpdatedAt": "2025-01-01T00:00:00Z",
           "DownloadedAt": "2025-01-01T00:00:00Z"}, open(os.path.join(d, "metadata.json"), "w"))
PY
  }
  T=(image --cache-dir "$W/tc" --skip-db-update --skip-java-db-update --offline-scan --no-progress -q
     --scanners secret --input "$TAR" -f json)
  best=""; for i in 1 2 3; do
    mk; r=$(perf stat -e task-clock "$TRIVY" "${T[@]}" 2>&1 >"$W/trivy.json" | awk '/task-clock/ {c=$1} /elapsed/ {w=$1} END {printf "%s\t%s", c, w}')
    best="$best$r"$'\n'
  done
  r=$(printf '%s' "$best" | sort -n | head -1)
  mk; rss=$(/usr/bin/time -f %M "$TRIVY" "${T[@]}" 2>&1 >"$W/trivy.json" | tail -1)
  printf 'trivy secret (best of 3)\t%s\t%s\t%s\n' "$r" "$rss" "$(jq '[.Results[]?.Secrets[]?] | length' "$W/trivy.json")"
fi
