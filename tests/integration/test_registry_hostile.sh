#!/usr/bin/env bash
# test_registry_hostile.sh - a registry that misbehaves (tests/tools/fake_registry.py
# on 127.0.0.1): a 401 loop, a token endpoint that hangs, a 1 GiB manifest, an
# endless chunked manifest, an endless chunked blob, a blob whose bytes differ from
# its digest, a redirect to a non-loopback address, and 503s that clear (retried);
# `cgate verify` against a signature payload served with other bytes, a 401 loop,
# a hanging token endpoint and a 1 GiB manifest; `cgate sign` against a registry that
# loses the .sig write once (retried) or always (exit 4).
# Each fault is one "cgate: ..." line naming what failed, exit 4, quickly and in
# bounded memory; nothing is tagged (the fake registry stores nothing, and cgate
# never reaches the tag step).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup registry_hostile
command -v curl >/dev/null || cg_skip "curl is not installed"
export HOME="$T/home"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG
mkdir -p "$HOME"
CG_VMEM_KB=${CG_VMEM_KB:-524288}

# pull MODE WANT_RC MUST_CONTAIN... : cgate sbom docker://fake/bad/img:1
pull() {
  local mode=$1 want=$2
  shift 2
  fake_start "$mode" "$mode"
  CG_TIMEOUT=60 cg_run "$T/$mode.out" "$T/$mode.err" sbom -q "docker://$REG/bad/img:1"
  cg_expect_rc "$want" "$mode" "$T/$mode.err" || return
  [ "$want" = 0 ] && return
  cg_expect_one_error "$T/$mode.err" "$mode" "$@"
  [ "$CG_LAST_MS" -lt 20000 ] && cg_ok || cg_fail "$mode took ${CG_LAST_MS} ms"
}

pull ok 0
pull retry 0
pull loop401 4 "401" "after authenticating"
pull bigmanifest 4 "manifest" "over the 4194304-byte cap"
pull endless 4 "manifest" "over the 4194304-byte cap"
pull endlessblob 4 "blob" "more than the 169 bytes the manifest says"
pull baddigest 4 "blob" "content has digest"
pull redirect 4 "192.0.2.1" "not a loopback host"
# --insecure is for the registry named, not for where it redirects
CG_TIMEOUT=60 cg_run "$T/redir-insecure.out" "$T/redir-insecure.err" sbom -q --insecure "docker://$REG/bad/img:1"
cg_expect_rc 4 "redirect to a non-loopback host with --insecure" "$T/redir-insecure.err" &&
  cg_expect_one_error "$T/redir-insecure.err" "redirect --insecure" "192.0.2.1" "not a loopback host"

# push into a 401 loop: exit 4, nothing tagged
mkimage_spec="$T/spec.json"
printf '{"layers":[{"compression":"gzip","entries":[{"path":"etc/hostname","content":"x\\n"}]}]}\n' >"$mkimage_spec"
mkimage "$mkimage_spec" oci "$T/img.oci"
fake_start push401 loop401
cg_run "$T/p1.out" "$T/p1.err" push "oci:$T/img.oci" "$REG/bad/img:new"
cg_expect_rc 4 "push into a 401 loop" "$T/p1.err" && cg_expect_one_error "$T/p1.err" "push 401 loop" "401"
[ -s "$T/p1.out" ] && cg_fail "push into a 401 loop printed a digest" || cg_ok

# a token endpoint that hangs: --timeout bounds it
fake_start hang hangtoken --hang 60
cg_run "$T/p2.out" "$T/p2.err" push --timeout 2 "oci:$T/img.oci" "$REG/bad/img:new"
cg_expect_rc 4 "token endpoint that hangs" "$T/p2.err" && cg_expect_one_error "$T/p2.err" "hang" "token" "timed out"
[ "$CG_LAST_MS" -lt 15000 ] && cg_ok || cg_fail "a hanging token endpoint took ${CG_LAST_MS} ms with --timeout 2"

# pull from a registry whose layer has other bytes: exit 4, no blob and no index.json kept
fake_start pullbad baddigest
cg_run "$T/pb.out" "$T/pb.err" pull "docker://$REG/bad/img:1" "oci:$T/pulled:1"
cg_expect_rc 4 "pull of a blob with other bytes" "$T/pb.err" && cg_expect_one_error "$T/pb.err" "pull bad digest" "blob"
[ -e "$T/pulled/index.json" ] && cg_fail "a failed pull wrote index.json" || cg_ok
ls -a "$T/pulled/blobs/sha256" | grep -q cgate-tmp && cg_fail "a failed pull left temporary files: $(ls -a "$T/pulled/blobs/sha256")" || cg_ok
for f in "$T"/pulled/blobs/sha256/*; do
  [ -e "$f" ] || continue
  [ "$(basename "$f")" = "$(sha256sum <"$f" | cut -d' ' -f1)" ] && cg_ok || cg_fail "a failed pull kept a blob that does not match its name: $f"
done

# a registry where another writer replaces the .sig between our PUT and our read-back:
# once is noticed and retried; always is exit 4, never a false "signed"
export COSIGN_PASSWORD
COSIGN_PASSWORD=$(cat "$CG_TEST_DATA/sign/cosign.password")
fake_start lose1 sigloss --lose 1
cg_run "$T/l1.out" "$T/l1.err" sign --key "$CG_TEST_DATA/sign/cosign.key" "$REG/bad/img:1"
cg_expect_rc 0 "sign when the first write is lost" "$T/l1.err"
cg_run "$T/l1v.out" "$T/l1v.err" verify --key "$CG_TEST_DATA/sign/cosign.pub" "$REG/bad/img:1"
cg_expect_rc 0 "verify after the retried write" "$T/l1v.err"
fake_start loseall sigloss --lose 1000
cg_run "$T/la.out" "$T/la.err" sign --key "$CG_TEST_DATA/sign/cosign.key" "$REG/bad/img:1"
cg_expect_rc 4 "sign when every write is lost" "$T/la.err" && cg_expect_one_error "$T/la.err" "lost writes" "not there when read back" "3 tries"
[ -s "$T/la.out" ] && cg_fail "a lost signature printed a reference" || cg_ok

# signatures read from a hostile registry: faults are exit 4, not "unverified"
PUB="$CG_TESTS/data/sign/cosign.pub"
fake_start sig sigbaddigest
cg_run "$T/v1.out" "$T/v1.err" verify --key "$PUB" "$REG/bad/img:1"
cg_expect_rc 4 "verify: payload blob with another digest" "$T/v1.err" && cg_expect_one_error "$T/v1.err" "sig bad digest" "blob" "digest"
fake_start v401 loop401
cg_run "$T/v2.out" "$T/v2.err" verify --key "$PUB" "$REG/bad/img:1"
cg_expect_rc 4 "verify into a 401 loop" "$T/v2.err" && cg_expect_one_error "$T/v2.err" "verify 401 loop" "401"
fake_start vhang hangtoken --hang 60
cg_run "$T/v3.out" "$T/v3.err" verify --timeout 2 --key "$PUB" "$REG/bad/img:1"
cg_expect_rc 4 "verify with a token endpoint that hangs" "$T/v3.err" && cg_expect_one_error "$T/v3.err" "verify hang" "token" "timed out"
[ "$CG_LAST_MS" -lt 15000 ] && cg_ok || cg_fail "verify against a hanging token endpoint took ${CG_LAST_MS} ms with --timeout 2"
fake_start vbig bigmanifest
cg_run "$T/v4.out" "$T/v4.err" verify --key "$PUB" "$REG/bad/img:1"
cg_expect_rc 4 "verify: a 1 GiB manifest" "$T/v4.err" && cg_expect_one_error "$T/v4.err" "verify big manifest" "over the 4194304-byte cap"

cg_finish
