#!/usr/bin/env bash
# test_serve_policies.sh - `cgate serve --config` behind Debian's docker-registry
# (SQLite store), SOURCE_DATE_EPOCH as the day exceptions expire against:
# - per-repository policies: lab/strict* gets strict.yaml, every other repository
#   lax.yaml; each image's decision history records the policy's path and sha256;
# - webhooks from the config: one generic JSON (HMAC-signed), one `format: slack`
#   ({"text", "blocks"}), both on the receivers the test runs;
# - an EPSS rise of an existing finding (a new EPSS file imported) is one alert
#   "epss-rose" on each webhook, naming the decision that let the image through;
#   importing the same file again gives none;
# - POST /v1/images/{digest}/runtime: a path list is stored and applied (findings
#   carry cgate.runtime: liblzma loaded, perl not); evidence naming another digest
#   is a 422 with a JSON error; the decision history shows the "runtime" decision;
# - the server restarted on a later day: the exception that let the xz finding
#   through has expired since the last decision: one alert "exception-expired"
#   saying what would now deny the image; a second restart that day adds none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/serve_lib.sh"
cg_setup serve_policies
reg_need

SP=$(reg_free_port)
H1=$(reg_free_port)
H2=$(reg_free_port)
WTOK=$(openssl rand -hex 24)
echo "$WTOK" | "$CGATE" serve hash-token --scope admin --name registry >"$T/tokens"
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

# advisories: one for xz-utils, one for perl (Debian 12), with CVE aliases for EPSS
mkdir -p "$T/osv"
rec() { # id cve source-package
  cat >"$T/osv/$1.json" <<J
{"id":"$1","aliases":["$2"],"modified":"2026-01-01T00:00:00Z","published":"2026-01-01T00:00:00Z","summary":"test $1",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
 "affected":[{"package":{"ecosystem":"Debian:12","name":"$3"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
J
}
rec DEBIAN-CVE-2026-90001 CVE-2026-90001 xz-utils
rec DEBIAN-CVE-2026-90002 CVE-2026-90002 perl
printf 'cve,epss,percentile\nCVE-2026-90001,0.10000,0.50000\nCVE-2026-90002,0.01000,0.10000\n' >"$T/epss_scores-2026-06-01.csv"
printf 'cve,epss,percentile\nCVE-2026-90001,0.85000,0.99000\nCVE-2026-90002,0.01000,0.10000\n' >"$T/epss_scores-2026-06-02.csv"
cg_run "$T/i0.out" "$T/i0.err" db import --db "$T/db.sqlite" "$T/osv" "$T/epss_scores-2026-06-01.csv"
cg_expect_rc 0 "import advisories and EPSS" "$T/i0.err"

cat >"$T/strict.yaml" <<'POL'
apiVersion: cgate/v1
severities:
  critical: {block: true, minCvss: 0}
  high: {block: true, minCvss: 0}
  medium: {block: true, minCvss: 0}
  low: {block: true, minCvss: 0}
  unknown: {block: true, minCvss: 0}
exceptions:
  - id: CVE-2026-90001
    reason: waiting for the fixed xz (SEC-1)
    approvedBy: security@example.com
    expires: 2026-06-15
  - id: CVE-2026-90002
    reason: perl is never run (SEC-2)
    approvedBy: security@example.com
    expires: 2027-01-01
POL
cat >"$T/lax.yaml" <<'POL'
apiVersion: cgate/v1
severities:
  critical: {block: false}
  high: {block: false}
POL
mkdir -p "$T/conf"
cp "$T/strict.yaml" "$T/lax.yaml" "$T/conf/"
cp "$T/secret" "$T/conf/hook.secret"
cat >"$T/conf/serve.yaml" <<C
apiVersion: cgate/v1
kind: ServeConfig
policies:
  - repository: "lab/strict*"
    policy: strict.yaml
  - repository: "*"
    policy: lax.yaml
webhooks:
  - url: http://127.0.0.1:$H1/generic
    secretFile: hook.secret
  - url: http://127.0.0.1:$H2/slack
    format: slack
C
hook_start "$H1" "$T/h1.jsonl" --secret "$T/secret"
hook_start "$H2" "$T/h2.jsonl"
DAY1=$(date -u -d 2026-06-10T12:00:00Z +%s)
DAY2=$(date -u -d 2026-06-20T12:00:00Z +%s)
start() { # day
  SOURCE_DATE_EPOCH=$1 serve_start s "$SP" --store "sqlite:$T/inv.sqlite" --db "$T/db.sqlite" \
    --token-file "$T/tokens" --config "$T/conf/serve.yaml" --alert-log "$T/alerts.jsonl" --db-poll 200 \
    --retry-delay 200
}
start "$DAY1"

# a bad config is one error line, exit 3
printf 'apiVersion: cgate/v1\nkind: ServeConfig\nwebhooks:\n  - url: http://127.0.0.1:1/x\n    format: teams\n' >"$T/bad.yaml"
cg_run "$T/b.out" "$T/b.err" serve --once --store "sqlite:$T/b.sqlite" --config "$T/bad.yaml"
cg_expect_rc 3 "bad config" "$T/b.err"
cg_expect_one_error "$T/b.err" "bad config"

cat >"$T/strict.json" <<'J'
{"layers":[{"entries":[
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
 {"path":"lib","type":"symlink","target":"usr/lib"},
 {"path":"usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1","content":"ELF"},
 {"path":"usr/lib/x86_64-linux-gnu/liblzma.so.5","type":"symlink","target":"liblzma.so.5.4.1"},
 {"path":"usr/bin/perl","content":"perl"},
 {"path":"var/lib/dpkg/status","content":"Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: 5.4.1-1\nArchitecture: amd64\n\nPackage: perl-base\nStatus: install ok installed\nSource: perl\nVersion: 5.36.0-7\nArchitecture: amd64\n\n"},
 {"path":"var/lib/dpkg/info/liblzma5:amd64.list","content":"/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/liblzma.so.5.4.1\n/lib/x86_64-linux-gnu/liblzma.so.5\n"},
 {"path":"var/lib/dpkg/info/perl-base.list","content":"/.\n/usr\n/usr/bin\n/usr/bin/perl\n"}
]}]}
J
jq '.layers[0].entries |= map(select(.path != "usr/bin/perl" and .path != "var/lib/dpkg/info/perl-base.list") | if .path == "var/lib/dpkg/status" then .content = "Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: 5.4.1-1\nArchitecture: amd64\n\n" else . end)' \
  "$T/strict.json" >"$T/other.json"
mkimage "$T/strict.json" docker-archive "$T/strict.tar"
mkimage "$T/other.json" docker-archive "$T/other.tar"
cg_run "$T/p1.out" "$T/p1.err" push "docker-archive:$T/strict.tar" "docker://$REG/lab/strict:1"
cg_expect_rc 0 "push lab/strict" "$T/p1.err"
cg_run "$T/p2.out" "$T/p2.err" push "docker-archive:$T/other.tar" "docker://$REG/lab/other:1"
cg_expect_rc 0 "push lab/other" "$T/p2.err"
DS=$(cat "$T/p1.out")
DO=$(cat "$T/p2.out")
U="http://127.0.0.1:$SP"
scanned() { [ "$(api "$WTOK" GET "$U/v1/images")" = 200 ] && [ "$(jq '[.images[] | select(.scanned)] | length' "$T/api.out")" = 2 ]; }
cg_wait_until 60 scanned && cg_ok || cg_fail "images not catalogued: $(cat "$T/api.out"); $(tail -c 1500 "$T/s.log")"

# per-repository policies, recorded with path and sha256
cg_expect_eq 200 "$(api "$WTOK" GET "$U/v1/images/$DS")" "GET strict image"
cg_expect_eq "$T/conf/strict.yaml sha256:$(sha256sum "$T/strict.yaml" | cut -d' ' -f1) true" \
  "$(jq -r '.decisions[0] | "\(.policyPath) \(.policy) \(.pass)"' "$T/api.out")" "strict image: strict.yaml decided, exceptions let it through"
cg_expect_eq 2 "$(jq '.findings | length' "$T/api.out")" "strict image: two findings"
cg_expect_eq 200 "$(api "$WTOK" GET "$U/v1/images/$DO")" "GET other image"
cg_expect_eq "$T/conf/lax.yaml sha256:$(sha256sum "$T/lax.yaml" | cut -d' ' -f1)" \
  "$(jq -r '.decisions[0] | "\(.policyPath) \(.policy)"' "$T/api.out")" "other image: lax.yaml decided"

# EPSS of CVE-2026-90001 rises: one alert per image having it, on both webhooks
cg_run "$T/i1.out" "$T/i1.err" db import --db "$T/db.sqlite" "$T/epss_scores-2026-06-02.csv"
cg_expect_rc 0 "import the new EPSS" "$T/i1.err"
two() { [ "$(cat "$T/h1.jsonl" "$T/h2.jsonl" 2>/dev/null | wc -l)" -ge 4 ]; }
cg_wait_until 30 two && cg_ok || cg_fail "EPSS alerts missing: $(cat "$T/h1.jsonl" 2>/dev/null); $(tail -c 2000 "$T/s.log")"
sleep 1
cg_expect_eq 2 "$(wc -l <"$T/h1.jsonl")" "two generic alerts (two images)"
cg_expect_eq "epss-rose epss-rose" "$(jq -r .body.kind "$T/h1.jsonl" | xargs)" "kind epss-rose"
cg_expect_eq "true true" "$(jq -r .sig_ok "$T/h1.jsonl" | xargs)" "generic alerts are signed"
cg_expect_eq "CVE-2026-90001" "$(jq -r --arg d "$DS" 'select(.body.image.digest == $d) | .body.finding.id' "$T/h1.jsonl")" "alert names the finding"
cg_expect_eq "EPSS 0.10 -> 0.85" "$(jq -r --arg d "$DS" 'select(.body.image.digest == $d) | .body.detail' "$T/h1.jsonl")" "alert says what rose"
cg_expect_eq "true $T/conf/strict.yaml" "$(jq -r --arg d "$DS" 'select(.body.image.digest == $d) | "\(.body.decision.pass) \(.body.decision.policyPath)"' "$T/h1.jsonl")" "alert names the decision that let it through"
cg_expect_eq 2 "$(wc -l <"$T/h2.jsonl")" "two Slack alerts"
jq -e 'select((.body.text | test("EPSS rose for CVE-2026-90001")) and (.body.blocks[0].type == "section") and (.body.blocks[0].text.type == "mrkdwn") and (.body.blocks[1].type == "context") and (.body.kind == null))' "$T/h2.jsonl" >/dev/null \
  && cg_ok || cg_fail "Slack body: $(head -1 "$T/h2.jsonl")"
cg_run "$T/i2.out" "$T/i2.err" db import --db "$T/db.sqlite" "$T/epss_scores-2026-06-02.csv"
cg_expect_rc 0 "import the same EPSS again" "$T/i2.err"
cg_expect_eq 202 "$(api "$WTOK" POST "$U/v1/rematch" '{}')" "rematch"
sleep 3
cg_expect_eq 2 "$(wc -l <"$T/h1.jsonl")" "no second EPSS alert"

# runtime evidence
printf '# image: %s\n# from: 2026-06-09T00:00:00Z\n# to: 2026-06-10T00:00:00Z\n/lib/x86_64-linux-gnu/liblzma.so.5\n/etc/hostname\n' "$DS" >"$T/paths.txt"
code=$(curl -s -o "$T/api.out" -w '%{http_code}' -H "Authorization: Bearer $WTOK" --data-binary @"$T/paths.txt" "$U/v1/images/$DS/runtime")
cg_expect_eq 202 "$code" "POST runtime evidence"
cg_expect_eq "paths sha256:$(sha256sum "$T/paths.txt" | cut -d' ' -f1)" "$(jq -r '"\(.format) \(.sha256)"' "$T/api.out")" "evidence recorded by its sha256"
sed "s|$DS|$DO|" "$T/paths.txt" >"$T/paths-other.txt"
code=$(curl -s -o "$T/api.out" -w '%{http_code}' -H "Authorization: Bearer $WTOK" --data-binary @"$T/paths-other.txt" "$U/v1/images/$DS/runtime")
cg_expect_eq 422 "$code" "evidence of another digest"
jq -e '.error.code == 422 and (.error.message | test("refused"))' "$T/api.out" >/dev/null && cg_ok || cg_fail "422 body: $(cat "$T/api.out")"
applied() { api "$WTOK" GET "$U/v1/images/$DS" >/dev/null && jq -e '[.findings[] | select(.cgate.runtime)] | length == 2' "$T/api.out" >/dev/null; }
cg_wait_until 30 applied && cg_ok || cg_fail "runtime not applied: $(jq -c .findings "$T/api.out"); $(tail -c 1500 "$T/s.log")"
cg_expect_eq "CVE-2026-90001=true,CVE-2026-90002=false" "$(jq -r '[.findings[] | "\(.id)=\(.cgate.runtime.loaded)"] | sort | join(",")' "$T/api.out")" "findings carry cgate.runtime"
cg_expect_eq "/lib/x86_64-linux-gnu/liblzma.so.5" "$(jq -r '.findings[] | select(.id == "CVE-2026-90001") | .cgate.runtime.evidence[0]' "$T/api.out")" "evidence path"
cg_expect_eq "runtime" "$(jq -r '.decisions[0].trigger' "$T/api.out")" "a runtime decision is recorded"
cg_expect_eq "1 paths 2" "$(jq -r '"\(.runtime | length) \(.runtime[0].format) \(.runtime[0].events)"' "$T/api.out")" "stored evidence listed"

# a later day: the xz exception has expired since the last decision
serve_stop s
start "$DAY2"
expired() { [ "$(jq -r .body.kind "$T/h1.jsonl" | grep -c exception-expired)" -ge 1 ]; }
cg_wait_until 30 expired && cg_ok || cg_fail "no exception-expired alert: $(tail -c 2000 "$T/s.log")"
sleep 2
cg_expect_eq 1 "$(jq -r .body.kind "$T/h1.jsonl" | grep -c exception-expired)" "one exception-expired alert"
A=$(grep exception-expired "$T/h1.jsonl")
cg_expect_eq "$DS CVE-2026-90001 2026-06-15" "$(jq -r '"\(.body.image.digest) \(.body.finding.id) \(.body.finding.exception.expires)"' <<<"$A")" "the alert names the image, finding and exception"
cg_expect_eq "true false" "$(jq -r '"\(.body.decision.pass) \(.body.now.pass)"' <<<"$A")" "let through then, denied now"
jq -e '.body.now.denyReasons | length > 0' <<<"$A" >/dev/null && cg_ok || cg_fail "no deny reasons: $A"
jq -e '.body.text | test("exception expired for CVE-2026-90001.*would now deny")' <<<"$A" >/dev/null && cg_ok || cg_fail "text: $A"
cg_expect_eq 1 "$(jq -r .body.text "$T/h2.jsonl" | grep -c 'exception expired for')" "the Slack webhook got it too"
serve_stop s
start "$DAY2"
sleep 3
cg_expect_eq 1 "$(jq -r .body.kind "$T/h1.jsonl" | grep -c exception-expired)" "no second exception-expired alert"
cg_expect_eq 3 "$(wc -l <"$T/alerts.jsonl")" "alert log: two EPSS alerts, one exception-expired"
serve_stop s
cg_expect_eq 0 "$SERVE_RC" "SIGTERM stops cleanly"
cg_finish
