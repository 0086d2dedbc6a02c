#!/usr/bin/env bash
# test_push_mount.sh - cross-repository mounts from the blob-location cache
# (src/registry/blob_cache.c), against Debian's docker-registry on 127.0.0.1:
# - after a push into repository a/one, a push of the same image into a new
#   repository a/two mounts every blob (nothing uploaded), for `cgate push` and for
#   `cgate run` alike, and the image reads back with the same digest;
# - a cache entry naming a repository that does not hold the blob (a refused
#   mount) falls back to an upload;
# - CGATE_BLOB_CACHE=off uploads; a corrupt cache file is an empty one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup push_mount
reg_need
reg_start plain plain
run_fixture
export CGATE_BLOB_CACHE="$T/cache/blob-locations"
counts() { sed -n 's/.*(\([0-9]*\) uploaded, \([0-9]*\) already there, \([0-9]*\) mounted).*/\1 \2 \3/p' "$1"; }

cg_run "$T/p1.out" "$T/p1.err" push "$IMG" "$REG/a/one:1"
cg_expect_rc 0 "first push" "$T/p1.err"
cg_expect_eq "2 0 0" "$(counts "$T/p1.err")" "first push uploads config and layer"
[ -s "$CGATE_BLOB_CACHE" ] && cg_ok || cg_fail "no blob-location cache written"
cg_run "$T/p2.out" "$T/p2.err" push "$IMG" "$REG/a/two:1"
cg_expect_rc 0 "push into a new repository" "$T/p2.err"
cg_expect_eq "0 0 2" "$(counts "$T/p2.err")" "a new repository gets every blob mounted"
cg_expect_eq "$(cat "$T/p1.out")" "$(reg_manifest_digest "$REG/a/two:1")" "the mounted image reads back with its digest"

# cgate run mounts too
cg_run "$T/r.out" "$T/r.err" run "$IMG" --to "$REG/a/three:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --exceptions "$EXC" --now 2026-12-01T00:00:00Z --artifacts "$T/art"
cg_expect_rc 0 "cgate run into a third repository" "$T/r.err"
grep -q '(0 blobs uploaded, 0 already there, 2 mounted)' "$T/r.err" && cg_ok || cg_fail "run did not mount: $(grep 'run: push' "$T/r.err")"
cg_expect_eq 2 "$(jq -r 'select(.stage == "push") | .blobs.mounted' "$T/art/audit.jsonl")" \
  "the audit record counts the mounts"

# a stale entry: the cache says a/ghost holds the blobs, the registry says no -> upload
D=$(jq -r '.manifests[0].digest' "$T/fx/img.oci/index.json")
LAYER=$(jq -r '.layers[0].digest' "$T/fx/img.oci/blobs/sha256/${D#sha256:}")
CFG=$(jq -r '.config.digest' "$T/fx/img.oci/blobs/sha256/${D#sha256:}")
printf '%s %s a/ghost\n%s %s a/ghost\n' "$LAYER" "$REG" "$CFG" "$REG" >"$CGATE_BLOB_CACHE"
cg_run "$T/p3.out" "$T/p3.err" push "$IMG" "$REG/b/four:1"
cg_expect_rc 0 "a refused mount falls back to an upload" "$T/p3.err"
cg_expect_eq "2 0 0" "$(counts "$T/p3.err")" "stale entries: uploaded"
grep -q "b/four" "$CGATE_BLOB_CACHE" && cg_ok || cg_fail "the cache does not learn the new location"

# off, and corrupt
CGATE_BLOB_CACHE=off cg_run "$T/p4.out" "$T/p4.err" push "$IMG" "$REG/b/five:1"
cg_expect_rc 0 "push with the cache off" "$T/p4.err"
cg_expect_eq "2 0 0" "$(counts "$T/p4.err")" "cache off: uploaded"
head -c 5000 /dev/urandom >"$CGATE_BLOB_CACHE"
cg_run "$T/p5.out" "$T/p5.err" push "$IMG" "$REG/b/six:1"
cg_expect_rc 0 "push with a corrupt cache" "$T/p5.err"
cg_expect_eq "2 0 0" "$(counts "$T/p5.err")" "a corrupt cache is an empty one"
cg_finish
