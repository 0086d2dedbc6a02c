#!/usr/bin/env bash
# test_serve_registry.sh - `cgate serve` with SQLite behind Debian's
# docker-registry on 127.0.0.1, whose notifications.endpoints point at it:
# - two images pushed with `cgate push` are catalogued (GET /v1/images), each once;
# - importing a real Debian advisory (DEBIAN-CVE-2026-109518, apt < 2.6.2) that
#   affects one of them gives exactly one alert: on the webhook receiver (HMAC
#   signature valid; the receiver answers 500 twice first, so delivery is
#   retried), in the alert log, naming the decision that let it through and
#   what the policy (every label blocks) would now deny;
# - importing it again gives no second alert;
# - auth: no token 401, a read token cannot POST (403), a token never appears in
#   the logs; a wrong token 401; /healthz needs none; errors are JSON;
# - bad input: a malformed envelope is a 400 with a JSON body, an oversized body 413;
# - SIGTERM stops the server with exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_registry
reg_need
ADV="$CG_TEST_DATA/vulndb/debian-bookworm/osv"

SP=$(reg_free_port)
HP=$(reg_free_port)
WTOK=$(openssl rand -hex 24)
RTOK=$(openssl rand -hex 24)
ATOK=$(openssl rand -hex 24)
{ echo "# test tokens"
  echo "$WTOK" | "$CGATE" serve hash-token --scope write --name registry
  echo "$RTOK" | "$CGATE" serve hash-token --scope read --name reader
  echo "$ATOK" | "$CGATE" serve hash-token --scope admin --name admin
} >"$T/tokens"
grep -q "$WTOK" "$T/tokens" && cg_fail "token file holds a token in clear" || cg_ok
echo "hook-secret-$(openssl rand -hex 8)" >"$T/secret"

REG_EXTRA_CONFIG="notifications:
  endpoints:
    - name: cgate
      url: http://127.0.0.1:$SP/v1/notifications
      headers:
        Authorization: [Bearer $WTOK]
      timeout: 2s
      threshold: 3
      backoff: 1s
      ignoredmediatypes:
        - application/octet-stream"
reg_start plain plain

# the DB starts with an advisory that affects neither image
cg_run "$T/i0.out" "$T/i0.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2020-27350.json"
cg_expect_rc 0 "first import" "$T/i0.err"

cat >"$T/policy.yaml" <<'POL'
apiVersion: cgate/v1
severities:
  critical: {block: true, minCvss: 0}
  high: {block: true, minCvss: 0}
  medium: {block: true, minCvss: 0}
  low: {block: true, minCvss: 0}
  unknown: {block: true, minCvss: 0}
POL
hook_start "$HP" "$T/hook.jsonl" --secret "$T/secret" --fail-first 2
serve_start s1 "$SP" --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" --token-file "$T/tokens" \
  --webhook "http://127.0.0.1:$HP/hook" --webhook-secret-file "$T/secret" --alert-log "$T/alerts.jsonl" \
  --db-poll 200 --retry-delay 200 --workers 2 --policy "$T/policy.yaml"

mk() { # NAME STATUS-TEXT
  jq -n --arg st "$2" '{layers:[{entries:[
    {path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
    {path:"var/lib/dpkg/status", content:$st}]}]}' >"$T/$1.json"
  mkimage "$T/$1.json" docker-archive "$T/$1.tar"
}
mk a $'Package: apt\nStatus: install ok installed\nVersion: 2.6.1\nArchitecture: amd64\n\n'
mk b $'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n'
for n in a b; do
  cg_run "$T/push-$n.out" "$T/push-$n.err" push "docker-archive:$T/$n.tar" "docker://$REG/lab/$n:1"
  cg_expect_rc 0 "push image $n" "$T/push-$n.err"
done
DA=$(cat "$T/push-a.out")
DB=$(cat "$T/push-b.out")

catalogued() {
  [ "$(api "$RTOK" GET "http://127.0.0.1:$SP/v1/images")" = 200 ] &&
    [ "$(jq '[.images[] | select(.scanned)] | length' "$T/api.out")" = 2 ]
}
cg_wait_until 60 catalogued && cg_ok || cg_fail "two images not catalogued: $(cat "$T/api.out"); $(tail -c 1500 "$T/s1.log")"
cg_expect_eq "$(printf '%s\n' "$DA" "$DB" | sort)" "$(jq -r '.images[].digest' "$T/api.out" | sort)" "catalogued digests"
cg_expect_eq "lab/a" "$(jq -r --arg d "$DA" '.images[] | select(.digest == $d) | .name | sub("^[^/]*/"; "")' "$T/api.out")" "name of image a"

# the image's record: SBOM, findings (none yet), decision history
cg_expect_eq 200 "$(api "$RTOK" GET "http://127.0.0.1:$SP/v1/images/$DA")" "GET /v1/images/{digest}"
cg_expect_eq apt "$(jq -r '.sbom.components[] | select(.type == "library") | .name' "$T/api.out" | head -1)" "stored SBOM"
cg_expect_eq 0 "$(jq '.findings | length' "$T/api.out")" "no findings before the advisory"
cg_expect_eq 1 "$(jq '.decisions | length' "$T/api.out")" "one decision recorded"
cg_expect_eq 404 "$(api "$RTOK" GET "http://127.0.0.1:$SP/v1/images/sha256:$(printf '0%.0s' {1..64})")" "unknown digest"

# a duplicate delivery of the registry's envelope is idempotent
ENV=$(jq -n --arg d "$DA" --arg r "$REG" '{events:[{id:"x", action:"push", target:{mediaType:"application/vnd.docker.distribution.manifest.v2+json", digest:$d, repository:"lab/a", url:("http://"+$r+"/v2/lab/a/manifests/"+$d)}}]}')
cg_expect_eq 202 "$(api "$WTOK" POST "http://127.0.0.1:$SP/v1/notifications" "$ENV")" "duplicate notification accepted"
cg_expect_eq 0 "$(jq .queued "$T/api.out")" "duplicate notification queues nothing"

# the advisory that affects image a
cg_run "$T/i1.out" "$T/i1.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2026-109518.json"
cg_expect_rc 0 "import the advisory" "$T/i1.err"
one_alert() { [ -s "$T/hook.jsonl" ] && [ "$(wc -l <"$T/hook.jsonl")" -ge 1 ]; }
cg_wait_until 30 one_alert && cg_ok || cg_fail "no alert on the webhook: $(tail -c 2000 "$T/s1.log")"
sleep 2
cg_expect_eq 1 "$(wc -l <"$T/hook.jsonl")" "exactly one webhook alert"
cg_expect_eq true "$(jq -r .sig_ok "$T/hook.jsonl" | head -1)" "HMAC signature verifies"
cg_expect_eq "$DA" "$(jq -r .body.image.digest "$T/hook.jsonl" | head -1)" "alert names image a"
cg_expect_eq "DEBIAN-CVE-2026-109518" "$(jq -r '.body.finding.advisories[0]' "$T/hook.jsonl" | head -1)" "alert names the advisory"
cg_expect_eq "true ingest" "$(jq -r '"\(.body.decision.pass) \(.body.decision.trigger)"' "$T/hook.jsonl" | head -1)" "alert names the decision that let it through"
jq -e '.body.text | test("apt 2.6.1.*would now deny")' "$T/hook.jsonl" >/dev/null && cg_ok || cg_fail "alert text: $(jq .body.text "$T/hook.jsonl")"
cg_expect_eq "false" "$(jq -r '.body.now.pass' "$T/hook.jsonl" | head -1)" "alert says the policy would now deny"
jq -e '.body.now.denyReasons | length > 0' "$T/hook.jsonl" >/dev/null && cg_ok || cg_fail "no deny reasons in the alert"
cg_expect_eq "sha256:$(sha256sum "$T/policy.yaml" | cut -d' ' -f1)" "$(jq -r .body.decision.policy "$T/hook.jsonl" | head -1)" "decision names the policy"
cg_expect_eq 1 "$(wc -l <"$T/alerts.jsonl")" "one line in the alert log"
cg_expect_eq 2 "$(grep -c '"msg":"job failed".*"kind":"deliver".*"outcome":"retry"' "$T/s1.log")" "two failed deliveries retried"
cg_expect_eq 200 "$(api "$RTOK" GET "http://127.0.0.1:$SP/v1/findings?since=2020-01-01T00:00:00Z")" "GET /v1/findings"
cg_expect_eq 1 "$(jq '.findings | length' "$T/api.out")" "one stored finding"

# the same import again: no second alert
cg_run "$T/i2.out" "$T/i2.err" db import --db "$T/db.sqlite" "$ADV/DEBIAN-CVE-2026-109518.json"
cg_expect_rc 0 "import again" "$T/i2.err"
cg_expect_eq 202 "$(api "$ATOK" POST "http://127.0.0.1:$SP/v1/rematch" '{}')" "POST /v1/rematch (admin)"
sleep 4
cg_expect_eq 1 "$(wc -l <"$T/hook.jsonl")" "still one webhook alert after the second import"
cg_expect_eq 1 "$(wc -l <"$T/alerts.jsonl")" "still one alert log line"

# auth and errors
cg_expect_eq 401 "$(api "" GET "http://127.0.0.1:$SP/v1/images")" "no token"
cg_expect_eq 401 "$(jq .error.code "$T/api.out")" "401 body is a JSON error"
cg_expect_eq 401 "$(api "wrong-token-wrong-token" GET "http://127.0.0.1:$SP/v1/images")" "wrong token"
cg_expect_eq 403 "$(api "$RTOK" POST "http://127.0.0.1:$SP/v1/notifications" "$ENV")" "read token cannot POST"
cg_expect_eq 403 "$(api "$WTOK" POST "http://127.0.0.1:$SP/v1/rematch" '{}')" "write token cannot rematch"
cg_expect_eq 200 "$(api "" GET "http://127.0.0.1:$SP/healthz")" "healthz needs no token"
cg_expect_eq 400 "$(api "$WTOK" POST "http://127.0.0.1:$SP/v1/notifications" '{"events": 3')" "malformed envelope"
jq -e .error.message "$T/api.out" >/dev/null && cg_ok || cg_fail "400 without a JSON body"
head -c 5000000 /dev/zero | tr '\0' 'x' >"$T/big"
code=$(curl -s -o "$T/api.out" -w '%{http_code}' -H "Authorization: Bearer $WTOK" --data-binary @"$T/big" "http://127.0.0.1:$SP/v1/notifications")
cg_expect_eq 413 "$code" "oversized body"
cg_expect_eq 200 "$(api "$RTOK" GET "http://127.0.0.1:$SP/metrics")" "GET /metrics"
grep -q '^cgate_serve_images 2$' "$T/api.out" && cg_ok || cg_fail "metrics: $(head -c 800 "$T/api.out")"
for tok in "$WTOK" "$RTOK" "$ATOK"; do
  grep -q "$tok" "$T/s1.log" && cg_fail "a token appears in the server log" || cg_ok
done
jq -e . "$T/s1.log" >/dev/null && cg_ok || cg_fail "server log is not JSON lines"

serve_stop s1
cg_expect_eq 0 "$SERVE_RC" "SIGTERM stops cleanly"
cg_finish
