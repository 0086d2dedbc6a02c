#!/usr/bin/env bash
# test_serve_disk_full.sh - the SQLite store's disk fills up under a running
# `cgate serve` (a 4 MiB tmpfs in a private mount namespace, filled with dd:
# root is not stopped by permissions, a full file system stops everyone):
# - a write (POST /v1/images with an SBOM and a run's decision) is refused
#   with 507 and a JSON error saying the store is out of space, and the log
#   names the store and the reason; the same request again is refused the
#   same way (nothing of the first attempt was kept to make it look done);
# - reads go on: /healthz, GET /v1/images, GET /v1/images/DIGEST; the worker,
#   busy with a job that keeps failing, can neither claim it nor record its
#   outcome: one line ("store out of disk space"), not one a second;
# - SIGTERM while the disk is full: exit 0; the store passes SQLite's
#   integrity check and holds no trace of the refused image (no image row,
#   no decision, no job);
# - space comes back: the same request is accepted, stored and scanned.
. "$(dirname "$0")/lib.sh"
# a private mount namespace: the tmpfs is seen by this test only and goes with it
if [ -z "${CG_DISKFULL_NS:-}" ]; then
  for u in "unshare --mount" "unshare --map-root-user --mount"; do
    if $u true 2>/dev/null; then
      CG_DISKFULL_NS=1 exec $u bash "$0" "$@"
    fi
  done
  cg_skip "no private mount namespace (needs root or user namespaces) to mount a small tmpfs"
fi
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_disk_full
command -v sqlite3 >/dev/null || cg_skip "sqlite3 (the command) is not installed"
ADV="$CG_TEST_DATA/vulndb/debian-bookworm/osv"
DISK="$T/disk"
mkdir -p "$DISK"
mount -t tmpfs -o size=4m,mode=0755 tmpfs "$DISK" || cg_skip "cannot mount a tmpfs here"
trap 'serve_stop_all; umount -l "$DISK" 2>/dev/null' EXIT

serve_apt_sbom a
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2020-27350.json"
cg_expect_rc 0 "db import" "$T/i.err"
# image b: 6,000 packages (about 1.5 MB of SBOM), more than any space SQLite
# could reuse inside its own files once the disk is full
python3 - "$T/a.cdx" "$T/b.cdx" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["metadata"]["component"]["name"] = "lab/b"
d.pop("dependencies", None)
d["components"] = [c for c in d["components"] if c.get("type") == "operating-system"] + [
    {"type": "library", "bom-ref": "pkg:deb/debian/p%05d@1.0-%d?distro=debian-12" % (i, i),
     "name": "p%05d" % i, "version": "1.0-%d" % i,
     "purl": "pkg:deb/debian/p%05d@1.0-%d?distro=debian-12" % (i, i)} for i in range(6000)]
json.dump(d, open(sys.argv[2], "w"))
PY
[ "$(stat -c %s "$T/b.cdx")" -gt 1000000 ] && cg_ok || cg_die "the big SBOM is too small"
DEC='{"pass": true, "denyReasons": [], "inputs": []}'
BODY_B=$(jq -c --argjson d "$DEC" '{name: "lab/b", sbom: ., decision: $d}' "$T/b.cdx")
printf '%s' "$BODY_B" >"$T/b.body"

SP=$(reg_free_port)
U="http://127.0.0.1:$SP"
STORE="$DISK/inv.sqlite"
serve_start s "$SP" --store "sqlite:$STORE" --db "$T/db.sqlite" --no-auth --retry-delay 100 --db-poll 200 \
  --max-attempts 100
cg_expect_eq 202 "$(api "" POST "$U/v1/images" "$(jq -c '{name: "lab/a", sbom: .}' "$T/a.cdx")")" "image a stored"
DA=$(jq -r .digest "$T/api.out")
scanned() { api "" GET "$U/v1/images" >/dev/null && jq -e --arg d "$1" '.images[] | select(.digest == $d) | .scanned' "$T/api.out"; }
cg_wait_until 20 scanned "$DA" && cg_ok || cg_fail "image a not scanned: $(cat "$T/api.out"; tail -c 800 "$T/s.log")"

# a job that keeps failing (its registry is not there), so the worker writes while the disk is full
BAD="docker://127.0.0.1:1/lab/x@sha256:$(printf 'a%.0s' {1..64})"
cg_expect_eq 202 "$(api "" POST "$U/v1/images" "{\"image\": \"$BAD\"}")" "an unreachable image queued"
# the disk fills up
dd if=/dev/zero of="$DISK/fill" bs=64k >/dev/null 2>&1
[ "$(df --output=avail "$DISK" | tail -1 | tr -d ' ')" -lt 64 ] && cg_ok || cg_fail "the tmpfs is not full: $(df "$DISK")"

post_b() { curl -s -o "$T/api.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary "@$T/b.body" "$U/v1/images"; }
for try in 1 2; do
  cg_expect_eq 507 "$(post_b)" "POST of image b on a full disk (try $try)"
  jq -e '.error.message | test("out of disk space")' "$T/api.out" >/dev/null && cg_ok ||
    cg_fail "no clear reason in the answer: $(head -c 300 "$T/api.out")"
done
grep -q '"level":"error".*inv.sqlite.*full' "$T/s.log" && cg_ok ||
  cg_fail "the log does not name the store and the full disk: $(tail -c 800 "$T/s.log")"
cg_expect_eq 200 "$(api "" GET "$U/healthz")" "healthz on a full disk"
cg_expect_eq 200 "$(api "" GET "$U/v1/images")" "list on a full disk"
cg_expect_eq "$DA" "$(jq -r '[.images[].digest] | join(" ")' "$T/api.out")" "only image a is listed"
cg_expect_eq 200 "$(api "" GET "$U/v1/images/$DA")" "image a on a full disk"
fullline() { grep -q '"msg":"store out of disk space"' "$T/s.log"; }
cg_wait_until 15 fullline && cg_ok || cg_fail "the worker did not say the store is full: $(tail -c 800 "$T/s.log")"
sleep 2 # the worker keeps retrying: not a line each time
grep -q '"msg":"store has disk space again"' "$T/s.log" && cg_fail "space 'again' while the disk is full" || cg_ok

[ "$(grep -c '"level":"error"' "$T/s.log")" -le 4 ] && cg_ok ||
  cg_fail "the full disk floods the log: $(grep -c '"level":"error"' "$T/s.log") error lines"
serve_stop s
cg_expect_eq 0 "$SERVE_RC" "SIGTERM with the disk full"
cg_expect_eq ok "$(sqlite3 "$STORE" 'PRAGMA integrity_check' 2>&1)" "store integrity"
cg_expect_eq "1 0 0 0" "$(sqlite3 "$STORE" "SELECT (SELECT count(*) FROM images),
  (SELECT count(*) FROM images WHERE digest != '$DA'), (SELECT count(*) FROM decisions WHERE digest != '$DA'),
  (SELECT count(*) FROM jobs WHERE kind = 'scan' AND payload NOT LIKE '%$DA%')" 2>&1 | tr '|' ' ')" \
  "images; other images, decisions and scan jobs than image a's"

# space comes back: the same request goes through
rm -f "$DISK/fill"
serve_start s2 "$SP" --store "sqlite:$STORE" --db "$T/db.sqlite" --no-auth --retry-delay 100 --db-poll 200
cg_expect_eq 202 "$(post_b)" "POST of image b with space again"
DB_=$(jq -r .digest "$T/api.out")
cg_wait_until 30 scanned "$DB_" && cg_ok || cg_fail "image b not scanned: $(tail -c 800 "$T/s2.log")"
api "" GET "$U/v1/images/$DB_" >/dev/null
cg_expect_eq 6000 "$(jq .packages "$T/api.out")" "image b's packages"
cg_expect_eq 1 "$(jq '.decisions | map(select(.trigger == "run")) | length' "$T/api.out")" "b's run decision, once"
serve_stop s2
cg_expect_eq 0 "$SERVE_RC" "SIGTERM after recovery"
cg_finish
