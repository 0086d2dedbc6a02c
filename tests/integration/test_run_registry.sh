#!/usr/bin/env bash
# test_run_registry.sh - `cgate run` against Debian's docker-registry on 127.0.0.1:
# - a denied run exits 1, prints the blocked finding and the remediation, pushes
#   nothing (no tag, no repository), and leaves decision.json + a verifying audit log;
# - a passing run (a reviewed exception) prints HOST/REPO:TAG@DIGEST; the tag names
#   that digest; its signature is re-checked with openssl over the payload fetched
#   with curl, and the payload names the digest and carries dev.cgate.decision =
#   the sha256 of decision.json; the attestation's DSSE signature is re-checked with
#   openssl over the PAE built here, and its predicate is the artifacts folder's
#   sbom.cdx.json; pushed.json names it all; `cgate verify -a` accepts it;
# - faults stop at their stage with DESIGN's exit code, the audit log records the
#   failure, nothing is tagged: registry down (4, push), wrong key password (3, key),
#   invalid policy (3, policy), DB missing / older than --db-max-age (3, scan),
#   a read-only registry refusing the push (4, push); usage errors are 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_registry
reg_need
command -v openssl >/dev/null || cg_skip "openssl is not installed"
reg_start plain plain
run_fixture
ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
NOW=2026-12-01T00:00:00Z

# last_rec DIR : "stage result" of the last audit record
last_rec() { tail -n 1 "$1/audit.jsonl" | jq -r '"\(.stage) \(.result)"'; }

# ---- denied ----------------------------------------------------------------------
cg_run "$T/deny.out" "$T/deny.err" run "$IMG" --to "$REG/r/app:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --now "$NOW" --artifacts "$T/a-deny"
cg_expect_rc 1 "a denied run exits 1" "$T/deny.err"
cg_expect_eq "" "$(cat "$T/deny.out")" "a denied run prints nothing on stdout"
grep -q 'CVE-2099-0001' "$T/deny.err" && cg_ok || cg_fail "the blocked finding is not shown"
grep -q 'upgrade app1 1.0-1 → 1.0-2' "$T/deny.err" && cg_ok || cg_fail "the remediation is not shown"
grep -q '^cgate: run denied by policy.*nothing was pushed' "$T/deny.err" && cg_ok || cg_fail "no one-line deny summary"
cg_expect_eq 404 "$(run_tag_status r/app 1)" "a denied run leaves no tag"
cg_expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/r/app/tags/list")" \
  "a denied run pushes nothing at all (no repository)"
cg_expect_eq false "$(jq -r .pass "$T/a-deny/decision.json")" "decision.json says deny"
[ ! -e "$T/a-deny/pushed.json" ] && cg_ok || cg_fail "pushed.json written for a denied run"
cg_expect_eq "policy deny" "$(last_rec "$T/a-deny")" "the audit log ends with the policy's deny"
cg_run "$T/av.out" "$T/av.err" audit verify "$T/a-deny"
cg_expect_rc 0 "audit verify on the denied run's folder" "$T/av.err"

# ---- passing -----------------------------------------------------------------------
cg_run "$T/pass.out" "$T/pass.err" run "$IMG" --to "$REG/r/app:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --exceptions "$EXC" --now "$NOW" --artifacts "$T/a-pass"
cg_expect_rc 0 "a passing run exits 0" "$T/pass.err"
OUT=$(cat "$T/pass.out")
D=${OUT##*@}
cg_expect_eq "$REG/r/app:1@$D" "$OUT" "stdout is HOST/REPO:TAG@DIGEST"
H=${D#sha256:}
cg_expect_eq "$D" "$(curl -sf -I -H "Accept: $ACCEPT" "http://$REG/v2/r/app/manifests/1" | tr -d '\r' |
  awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')" "the tag names the pushed digest"
cg_expect_eq "$D" "$(jq -r .digest "$T/a-pass/pushed.json")" "pushed.json: digest"
cg_expect_eq "1" "$(jq -r .tag "$T/a-pass/pushed.json")" "pushed.json: tag"
cg_expect_eq "r/app" "$(jq -r .repository "$T/a-pass/pushed.json")" "pushed.json: repository"
DEC="sha256:$(sha256sum "$T/a-pass/decision.json" | cut -d' ' -f1)"
cg_expect_eq "$DEC" "$(jq -r .decision "$T/a-pass/pushed.json")" "pushed.json: the decision's sha256"

# the signature, checked without cgate
curl -sf -H "Accept: $ACCEPT" -o "$T/sig.json" "http://$REG/v2/r/app/manifests/sha256-$H.sig" ||
  cg_fail "no .sig manifest"
cg_expect_eq "$(jq -r .signature "$T/a-pass/pushed.json")" "sha256:$(sha256sum "$T/sig.json" | cut -d' ' -f1)" \
  "pushed.json: the .sig manifest digest"
PD=$(jq -r '.layers[0].digest' "$T/sig.json")
SIG=$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/sig.json")
run_blob r/app "$PD" "$T/payload" || cg_fail "cannot fetch the payload"
printf '%s' "$SIG" | base64 -d >"$T/sig.der"
cg_expect_eq "Verified OK" "$(openssl dgst -sha256 -verify "$PUB" -signature "$T/sig.der" "$T/payload" 2>&1)" \
  "openssl verifies the signature over the payload"
cg_expect_eq "$D" "$(jq -r '.critical.image["docker-manifest-digest"]' "$T/payload")" "the payload names the digest"
cg_expect_eq "$DEC" "$(jq -r '.optional["dev.cgate.decision"]' "$T/payload")" \
  "the payload's dev.cgate.decision is the sha256 of decision.json"

# the attestation, checked without cgate: DSSE PAE + openssl, predicate = sbom.cdx.json
curl -sf -H "Accept: $ACCEPT" -o "$T/att.json" "http://$REG/v2/r/app/manifests/sha256-$H.att" ||
  cg_fail "no .att manifest"
run_blob r/app "$(jq -r '.layers[0].digest' "$T/att.json")" "$T/env.json" || cg_fail "cannot fetch the envelope"
jq -r .payload "$T/env.json" | base64 -d >"$T/stmt.json"
PT=$(jq -r .payloadType "$T/env.json")
{ printf 'DSSEv1 %d %s %d ' "${#PT}" "$PT" "$(stat -c %s "$T/stmt.json")"; cat "$T/stmt.json"; } >"$T/pae"
jq -r '.signatures[0].sig' "$T/env.json" | base64 -d >"$T/att.der"
cg_expect_eq "Verified OK" "$(openssl dgst -sha256 -verify "$PUB" -signature "$T/att.der" "$T/pae" 2>&1)" \
  "openssl verifies the attestation's DSSE signature"
cg_expect_eq "$H" "$(jq -r '.subject[0].digest.sha256' "$T/stmt.json")" "the statement names the digest"
cg_expect_eq "$(jq -cS . "$T/a-pass/sbom.cdx.json")" "$(jq -cS .predicate "$T/stmt.json")" \
  "the attested predicate is the artifacts folder's sbom.cdx.json"
cg_run "$T/v.out" "$T/v.err" verify --key "$PUB" -a "dev.cgate.decision=$DEC" "$REG/r/app:1"
cg_expect_rc 0 "cgate verify -a dev.cgate.decision=..." "$T/v.err"
grep -q '^verified .* 1 of 1 signatures verified' "$T/v.err" && cg_ok || cg_fail "verify did not print its line"
cg_run "$T/va.out" "$T/va.err" verify-attestation --key "$PUB" --type cyclonedx "$REG/r/app:1"
cg_expect_rc 0 "cgate verify-attestation" "$T/va.err"
cg_expect_eq "tag ok" "$(last_rec "$T/a-pass")" "the audit log ends with the tag"
cg_expect_eq "sbom scan policy key push sign attest tag" "$(jq -r .stage "$T/a-pass/audit.jsonl" | tr '\n' ' ' | sed 's/ $//')" \
  "one audit record per stage, in order"
cg_run "$T/av.out" "$T/av.err" audit verify "$T/a-pass"
cg_expect_rc 0 "audit verify on the passing run's folder" "$T/av.err"

# the same run again: already there, nothing new signed; still exit 0
cg_run "$T/pass2.out" "$T/pass2.err" run "$IMG" --to "$REG/r/app:1" --key "$KEY" --db "$DB" -p "$POLICY" \
  --exceptions "$EXC" --now "$NOW" --artifacts "$T/a-pass2"
cg_expect_rc 0 "a second identical run" "$T/pass2.err"
cg_expect_eq 1 "$(curl -sf -H "Accept: $ACCEPT" "http://$REG/v2/r/app/manifests/sha256-$H.sig" | jq '.layers | length')" \
  "a second run does not add a second identical signature"

# ---- faults: the stage, the exit code, the audit record, no tag --------------------
fault() { # LABEL WANT_RC STAGE REPO ARGS...
  local label=$1 want=$2 stage=$3 repo=$4
  shift 4
  rm -rf "$T/a-f"
  cg_run "$T/f.out" "$T/f.err" run "$IMG" --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" \
    --artifacts "$T/a-f" "$@"
  cg_expect_rc "$want" "$label: exit code" "$T/f.err"
  [ "$(grep -c '^cgate: ' "$T/f.err")" = 1 ] && grep -q "^cgate: stage $stage: " "$T/f.err" && cg_ok ||
    cg_fail "$label: not one line naming stage $stage: $(cat "$T/f.err")"
  cg_expect_eq "$stage error" "$(last_rec "$T/a-f")" "$label: the audit log records the failure"
  [ -n "$(tail -n 1 "$T/a-f/audit.jsonl" | jq -r '.error // empty')" ] && cg_ok || cg_fail "$label: no error in the record"
  [ ! -e "$T/a-f/pushed.json" ] && cg_ok || cg_fail "$label: pushed.json written"
  if [ -n "$repo" ]; then cg_expect_eq 404 "$(run_tag_status "$repo" 1)" "$label: no tag"; fi
  cg_run "$T/fv.out" "$T/fv.err" audit verify "$T/a-f"
  cg_expect_rc 0 "$label: the kept folder's audit log verifies" "$T/fv.err"
}
DOWN="127.0.0.1:$(reg_free_port)"
fault "registry down" 4 push "" --to "$DOWN/r/app:1" --key "$KEY" --retries 0
COSIGN_PASSWORD=wrong fault "wrong key password" 3 key f/pw --to "$REG/f/pw:1" --key "$KEY"
cg_expect_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/f/pw/tags/list")" \
  "wrong password: nothing pushed"
printf 'apiVersion: cgate/v1\nseverities: {high: {block: maybe}}\n' >"$T/bad-policy.yaml"
fault "invalid policy" 3 policy f/pol --to "$REG/f/pol:1" --key "$KEY" -p "$T/bad-policy.yaml"
fault "DB older than --db-max-age" 3 scan f/age --to "$REG/f/age:1" --key "$KEY" --db-max-age 1d \
  --now 2099-01-01T00:00:00Z
fault "DB missing" 3 scan f/db --to "$REG/f/db:1" --key "$KEY" --db "$T/nope.sqlite"

# a registry that refuses writes
RO_PORT=$(reg_free_port)
mkdir -p "$T/ro/data"
cat >"$T/ro/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $T/ro/data
  maintenance:
    readonly:
      enabled: true
http:
  addr: 127.0.0.1:$RO_PORT
YML
timeout 300 docker-registry serve "$T/ro/config.yml" >"$T/ro/log" 2>&1 &
REG_PIDS+=($!)
reg_wait_port "$RO_PORT" || cg_die "read-only registry did not start"
fault "push refused (read-only registry)" 4 push "" --to "127.0.0.1:$RO_PORT/f/ro:1" --key "$KEY" --retries 0

# usage errors: exit 2 before anything runs
cg_run "$T/u.out" "$T/u.err" run "$IMG" --to "$REG/u/app:1" -p "$POLICY" --db "$DB"
cg_expect_rc 2 "no --key" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" run "$IMG" --key "$KEY" -p "$POLICY" --db "$DB"
cg_expect_rc 2 "no --to" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" run "$IMG" --to "$REG/u/app@sha256:$H" --key "$KEY" -p "$POLICY" --db "$DB"
cg_expect_rc 2 "--to with a digest and no tag" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" run --to "$REG/u/app:1" --key "$KEY" -p "$POLICY" --db "$DB"
cg_expect_rc 2 "no image" "$T/u.err"
cg_run "$T/u.out" "$T/u.err" run "$IMG" --dockerfile x --dry-run -p "$POLICY" --db "$DB"
cg_expect_rc 2 "an image and --dockerfile" "$T/u.err"

# --dry-run: the decision, no push, no key needed
cg_run "$T/d.out" "$T/d.err" run "$IMG" --dry-run --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" \
  --artifacts "$T/a-dry"
cg_expect_rc 0 "--dry-run passes" "$T/d.err"
cg_expect_eq "pass $D" "$(cat "$T/d.out")" "--dry-run prints pass and the digest"
cg_expect_eq "policy pass" "$(last_rec "$T/a-dry")" "--dry-run stops after the decision"

# the default artifacts folder: ./cgate-artifacts/sha256-HEX
(cd "$T" && "$CGATE" run "$IMG" --dry-run -q --db "$DB" -p "$POLICY" --exceptions "$EXC" --now "$NOW" >/dev/null 2>&1)
[ -f "$T/cgate-artifacts/sha256-$H/decision.json" ] && cg_ok || cg_fail "no default folder cgate-artifacts/sha256-$H"
cg_finish
