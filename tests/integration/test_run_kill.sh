#!/usr/bin/env bash
# test_run_kill.sh - kill -9 at the worst moments of `cgate run` leaves no tag on an
# unsigned image.  A proxy (tests/tools/stall_proxy.py) in front of Debian's
# docker-registry on 127.0.0.1 holds one request so the kill lands exactly there:
# - cgate killed while a layer upload is in flight (mid-push): no tag;
# - cgate killed while the signature manifest is being written (mid-sign): the image
#   manifest is there by digest, the tag is not;
# - cgate killed while the attestation is being written (mid-attest): no tag;
# - the registry killed mid-push: cgate exits 4 naming stage push, the audit log
#   records it, no tag;
# after each, the folder's audit log is whole and verifies, and a new run through
# the registry directly passes and sets the tag.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
. "$(dirname "$0")/run_lib.sh"
cg_setup run_kill
reg_need
reg_start plain plain
run_fixture
UP=$REG

# proxy_start STALL_REGEX : a fresh proxy in front of $UP; sets PX, PX_PID, MARK
proxy_start() {
  local port
  port=$(reg_free_port)
  MARK="$T/mark.$port"
  python3 "$CG_TESTS/tools/stall_proxy.py" --port "$port" --upstream "$UP" --stall "$1" --marker "$MARK" \
    --log "$T/proxy.$port.log" --hold 60 --lifetime 200 >"$T/proxy.$port.out" 2>&1 &
  PX_PID=$!
  REG_PIDS+=("$PX_PID")
  PX="127.0.0.1:$port"
  reg_wait_port "$port" || cg_die "the proxy did not start: $(cat "$T/proxy.$port.out")"
}
# wait_mark : until the proxy holds its request (20 s)
wait_mark() {
  local i
  for i in $(seq 1 200); do [ -s "$MARK" ] && return 0; sleep 0.1; done
  return 1
}
# start_run REPO DIR : cgate run in the background through the proxy; sets PID
start_run() {
  "$CGATE" run "$IMG" --to "$PX/$1:1" --key "$KEY" --db "$DB" -p "$POLICY" --exceptions "$EXC" \
    --now 2026-12-01T00:00:00Z --artifacts "$2" >"$T/bg.out" 2>"$T/bg.err" &
  PID=$!
}
check_after() { # LABEL REPO DIR
  cg_expect_eq 404 "$(reg_tag_status "$UP" "$2" 1)" "$1: no tag"
  [ ! -e "$3/pushed.json" ] && cg_ok || cg_fail "$1: pushed.json written"
  cg_run "$T/v.out" "$T/v.err" audit verify "$3"
  cg_expect_rc 0 "$1: the audit log is whole and verifies" "$T/v.err"
}
kill_at() { # LABEL STALL REPO
  proxy_start "$2"
  start_run "$3" "$T/a-$3"
  if wait_mark; then
    cg_ok
    kill -9 "$PID"
    wait "$PID" 2>/dev/null
    cg_info "$1: killed cgate at: $(cat "$MARK")"
  else
    cg_fail "$1: the run never reached the held request: $(cat "$T/bg.err")"
    kill -9 "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
  fi
  kill "$PX_PID" 2>/dev/null
  check_after "$1" "$3" "$T/a-$3"
}

kill_at "killed mid-push" '^(PUT|PATCH) /v2/k/push/blobs/uploads/' k/push
kill_at "killed mid-sign" '^PUT /v2/k/sign/manifests/sha256-[0-9a-f]{64}\.sig$' k/sign
D=$(jq -r '.inputs[]? | select(.role == "image") | .manifestDigest' "$T/a-k/sign/audit.jsonl" | head -1)
cg_expect_eq 200 "$(reg_tag_status "$UP" k/sign "$D")" "killed mid-sign: the image is there by digest (pushed before signing)"
cg_expect_eq "key ok|push ok" "$(tail -n 2 "$T/a-k/sign/audit.jsonl" | jq -r '"\(.stage) \(.result)"' | paste -sd'|')" \
  "killed mid-sign: the log ends with the push record"
kill_at "killed mid-attest" '^PUT /v2/k/att/manifests/sha256-[0-9a-f]{64}\.att$' k/att

# the registry dies mid-push
proxy_start '^(PUT|PATCH) /v2/k/reg/blobs/uploads/'
start_run k/reg "$T/a-reg"
if wait_mark; then
  kill -9 "$PX_PID"
  wait "$PX_PID" 2>/dev/null
  timeout 120 tail --pid="$PID" -f /dev/null
  wait "$PID"
  cg_expect_eq 4 "$?" "registry killed mid-push: exit 4"
  grep -q '^cgate: stage push: ' "$T/bg.err" && cg_ok || cg_fail "registry killed: not naming stage push: $(cat "$T/bg.err")"
  cg_expect_eq "push error" "$(tail -n 1 "$T/a-reg/audit.jsonl" | jq -r '"\(.stage) \(.result)"')" \
    "registry killed: the audit log records the failure"
else
  cg_fail "registry killed: the run never reached the upload"
  kill -9 "$PID" 2>/dev/null
fi
check_after "registry killed mid-push" k/reg "$T/a-reg"

# and afterwards a run straight to the registry goes through
for repo in k/push k/sign k/att k/reg; do
  cg_run "$T/ok.out" "$T/ok.err" run "$IMG" --to "$UP/$repo:1" --key "$KEY" --db "$DB" -p "$POLICY" \
    --exceptions "$EXC" --now 2026-12-01T00:00:00Z --artifacts "$T/ok-${repo#k/}"
  cg_expect_rc 0 "$repo: a new run after the kill" "$T/ok.err"
  cg_expect_eq 200 "$(reg_tag_status "$UP" "$repo" 1)" "$repo: tagged now"
  cg_run "$T/vv.out" "$T/vv.err" verify --key "$PUB" "$UP/$repo:1"
  cg_expect_rc 0 "$repo: and the tag's signature verifies" "$T/vv.err"
done
cg_finish
