#!/usr/bin/env bash
# test_run_build.sh - `cgate run --dockerfile`: buildah (--isolation chroot, a private
# storage root in the artifacts folder, no network: the base is an OCI layout made
# here by the project's own image writer) builds the image, and the pipeline goes on
# from the exported OCI layout.
# - the same Dockerfile and SOURCE_DATE_EPOCH give the same image digest twice (two
#   fresh storage roots); another SOURCE_DATE_EPOCH gives another digest;
# - build.log, image.oci and the build record (buildah's version, the Dockerfile's
#   sha256, the build args) are in the folder, the private storage is gone, and the
#   default folder is cgate-artifacts/sha256-HEX of the built image;
# - a failing build is exit 3 naming stage build, with build.log kept and the failure
#   in the audit log; no buildah on PATH is exit 3 naming Debian's buildah package.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_build
command -v buildah >/dev/null || cg_skip "buildah is not installed"
run_fixture
# buildah is a Go program: it reserves more address space than cg_run's 1 GiB cap
export CG_VMEM_KB=unlimited
CTX="$T/ctx"
mkdir -p "$CTX/app"
printf 'console.log("hello")\n' >"$CTX/app/index.js"
cat >"$CTX/Dockerfile" <<'DF'
ARG BASE
FROM ${BASE}
COPY app/ /opt/app/
LABEL org.opencontainers.image.title=run-build-test
DF
# can buildah build here at all (root or user namespaces, chroot isolation)?
buildah --root "$T/probe/root" --runroot "$T/probe/run" --storage-driver vfs build -q --isolation chroot \
  --build-arg "BASE=$IMG" -f "$CTX/Dockerfile" -t "oci:$T/probe/out" "$CTX" >"$T/probe.log" 2>&1 ||
  cg_skip "buildah cannot build here: $(tail -1 "$T/probe.log")"
rm -rf "$T/probe"

build() { # OUT ERR FOLDER EPOCH
  local out=$1 err=$2 dir=$3 sde=$4
  shift 4
  SOURCE_DATE_EPOCH=$sde cg_run "$out" "$err" run --dockerfile "$CTX/Dockerfile" --build-arg "BASE=$IMG" \
    --dry-run --db "$DB" -p "$POLICY" --exceptions "$EXC" --now 2026-12-01T00:00:00Z --artifacts "$dir" "$@"
}
CG_TIMEOUT=300
build "$T/b1.out" "$T/b1.err" "$T/a1" 1700000000
cg_expect_rc 0 "build 1" "$T/b1.err"
build "$T/b2.out" "$T/b2.err" "$T/a2" 1700000000
cg_expect_rc 0 "build 2" "$T/b2.err"
D1=$(awk '{print $2}' "$T/b1.out") D2=$(awk '{print $2}' "$T/b2.out")
case "$D1" in sha256:*) cg_ok ;; *) cg_fail "no digest printed: $(cat "$T/b1.out")" ;; esac
cg_expect_eq "$D1" "$D2" "the same Dockerfile and SOURCE_DATE_EPOCH give the same digest"
build "$T/b3.out" "$T/b3.err" "$T/a3" 1700000001
cg_expect_rc 0 "build 3" "$T/b3.err"
[ "$(awk '{print $2}' "$T/b3.out")" != "$D1" ] && cg_ok || cg_fail "another SOURCE_DATE_EPOCH gave the same digest"

[ -s "$T/a1/build.log" ] && cg_ok || cg_fail "no build.log"
[ -f "$T/a1/image.oci/index.json" ] && cg_ok || cg_fail "no image.oci layout"
[ ! -e "$T/a1/build" ] && cg_ok || cg_fail "the private storage root was left behind"
cg_expect_eq "build sbom scan policy" "$(jq -r .stage "$T/a1/audit.jsonl" | tr '\n' ' ' | sed 's/ $//')" \
  "records: build, sbom, scan, policy"
REC=$(head -n 1 "$T/a1/audit.jsonl")
grep -q '^buildah version ' <<<"$(jq -r .buildah <<<"$REC")" && cg_ok || cg_fail "no buildah version in the record"
cg_expect_eq "sha256:$(sha256sum "$CTX/Dockerfile" | cut -d' ' -f1)" \
  "$(jq -r '.inputs[] | select(.role == "dockerfile") | .sha256' <<<"$REC")" "the record has the Dockerfile's sha256"
cg_expect_eq "BASE=$IMG" "$(jq -r '.buildArgs[0]' <<<"$REC")" "the record has the build args"
cg_expect_eq "$D1" "$(jq -r '.outputs[] | select(.role == "image") | .manifestDigest' <<<"$REC")" \
  "the record has the image digest"
cg_expect_eq 1700000000 "$(jq -r .timestamp <<<"$REC")" "the record has the timestamp"
cg_expect_eq 1 "$(jq '[.components[] | select(.name == "app1")] | length' "$T/a1/sbom.cdx.json")" \
  "the SBOM of the built image has the base's package"
cg_run "$T/v.out" "$T/v.err" audit verify "$T/a1"
cg_expect_rc 0 "audit verify on a build's folder" "$T/v.err"
# the build's own artifacts are covered too: one changed byte names record 1
for f in build.log image.oci/index.json; do
  rm -rf "$T/c" && cp -a "$T/a1" "$T/c"
  printf 'X' | dd of="$T/c/$f" bs=1 seek=10 conv=notrunc status=none
  cg_run "$T/v.out" "$T/v.err" audit verify "$T/c"
  cg_expect_rc 1 "a changed byte in $f" "$T/v.err"
  grep -q "record 1 (stage build) does not match: $f: " "$T/v.err" && cg_ok || cg_fail "$f: not naming record 1: $(cat "$T/v.err")"
done

# default folder: cgate-artifacts/sha256-HEX of the built image
mkdir -p "$T/cwd"
(cd "$T/cwd" && SOURCE_DATE_EPOCH=1700000000 "$CGATE" run --dockerfile "$CTX/Dockerfile" --build-arg "BASE=$IMG" \
  --dry-run -q --db "$DB" -p "$POLICY" --exceptions "$EXC" >/dev/null 2>"$T/cwd.err")
[ -f "$T/cwd/cgate-artifacts/sha256-${D1#sha256:}/build.log" ] && cg_ok ||
  cg_fail "no default folder for the build: $(ls "$T/cwd/cgate-artifacts" 2>&1) $(cat "$T/cwd.err")"
cg_expect_eq "sha256-${D1#sha256:}" "$(ls "$T/cwd/cgate-artifacts")" "nothing else left in cgate-artifacts/"

# a failing build: exit 3, stage build, build.log and the record kept
printf 'FROM scratch\nCOPY not-there /x\n' >"$CTX/Bad.Dockerfile"
SOURCE_DATE_EPOCH=1700000000 cg_run "$T/f.out" "$T/f.err" run --dockerfile "$CTX/Bad.Dockerfile" \
  --build-context "$CTX" --dry-run --db "$DB" -p "$POLICY" --artifacts "$T/af"
cg_expect_rc 3 "a failing build is exit 3" "$T/f.err"
grep -q '^cgate: stage build: buildah build failed' "$T/f.err" && cg_ok || cg_fail "not naming the build: $(cat "$T/f.err")"
grep -q 'not-there' "$T/af/build.log" && cg_ok || cg_fail "build.log does not have buildah's error"
cg_expect_eq "build error" "$(tail -n 1 "$T/af/audit.jsonl" | jq -r '"\(.stage) \(.result)"')" "the failure is in the audit log"
cg_run "$T/v.out" "$T/v.err" audit verify "$T/af"
cg_expect_rc 0 "the failed build's audit log verifies" "$T/v.err"

# no buildah
mkdir -p "$T/nobuildah"
for t in timeout date grep nm cat; do ln -sf "$(command -v "$t")" "$T/nobuildah/$t"; done
PATH="$T/nobuildah" cg_run "$T/n.out" "$T/n.err" run --dockerfile "$CTX/Dockerfile" --dry-run --db "$DB" -p "$POLICY" \
  --artifacts "$T/an"
cg_expect_rc 3 "no buildah is exit 3" "$T/n.err"
grep -q "^cgate: stage build: buildah not found: .*Debian's buildah package" "$T/n.err" && cg_ok ||
  cg_fail "not naming the package: $(cat "$T/n.err")"
# a missing Dockerfile is bad input
cg_run "$T/m.out" "$T/m.err" run --dockerfile "$T/nope/Dockerfile" --dry-run --db "$DB" -p "$POLICY" --artifacts "$T/am"
cg_expect_rc 3 "a missing Dockerfile is exit 3" "$T/m.err"
cg_finish
