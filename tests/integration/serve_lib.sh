# serve_lib.sh - start `cgate serve` processes and a webhook receiver for tests
# (sourced after lib.sh and registry_lib.sh, whose EXIT trap it extends).
#
#   serve_start NAME PORT ARGS...   cgate serve in the background; log in $T/NAME.log,
#                                   PID in SERVE_PID[NAME]; waits for /healthz
#   serve_stop NAME                 SIGTERM, wait; sets SERVE_RC
#   serve_kill9 NAME                SIGKILL to the cgate process itself (not its timeout)
#   hook_start PORT OUT [ARGS...]   tests/tools/webhook_receiver.py
#   serve_apt_sbom NAME             $T/NAME.cdx: the SBOM of a Debian 12 image holding apt 2.6.1
#   cg_wait_until SECONDS CMD...    poll CMD (every 0.2 s) until it succeeds
#   api TOKEN METHOD URL [DATA]     curl; body to $T/api.out, prints the HTTP status

declare -A SERVE_PID=()
SERVE_RC=
serve_stop_all() {
  local n
  for n in "${!SERVE_PID[@]}"; do kill "${SERVE_PID[$n]}" 2>/dev/null; done
  for n in "${!SERVE_PID[@]}"; do wait "${SERVE_PID[$n]}" 2>/dev/null; done
  SERVE_PID=()
  reg_stop_all
}
trap serve_stop_all EXIT

serve_start() {
  local name=$1 port=$2
  shift 2
  timeout -k 5 600 "$CGATE" serve --listen "127.0.0.1:$port" "$@" 2>"$T/$name.log" &
  SERVE_PID[$name]=$!
  cg_wait_until 20 curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" ||
    cg_die "cgate serve $name did not start: $(tail -c 600 "$T/$name.log")"
}

serve_stop() {
  local pid=${SERVE_PID[$1]}
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  SERVE_RC=$?
  unset "SERVE_PID[$1]"
}

serve_kill9() {
  local pid=${SERVE_PID[$1]} child
  child=$(ps -o pid= --ppid "$pid" | tr -d ' ')
  [ -n "$child" ] && kill -9 "$child"
  wait "$pid" 2>/dev/null
  unset "SERVE_PID[$1]"
}

hook_start() {
  local port=$1 out=$2
  shift 2
  python3 "$CG_TESTS/tools/webhook_receiver.py" --port "$port" --out "$out" --lifetime 600 "$@" \
    >"$T/hook-$port.log" 2>&1 &
  REG_PIDS+=($!)
  cg_wait_until 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
}

serve_apt_sbom() {
  local n=$1
  jq -n '{layers:[{entries:[
    {path:"etc/os-release", content:"ID=debian\nVERSION_ID=\"12\"\n"},
    {path:"var/lib/dpkg/status", content:"Package: apt\nStatus: install ok installed\nVersion: 2.6.1\nArchitecture: amd64\n\n"}]}]}' >"$T/$n.json"
  mkimage "$T/$n.json" docker-archive "$T/$n.tar"
  cg_sbom "$T/$n.cdx" "$T/$n.err" -q "docker-archive:$T/$n.tar"
  cg_expect_rc 0 "sbom of the apt image" "$T/$n.err"
}

cg_wait_until() {
  local secs=$1 i
  shift
  for i in $(seq 1 $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

api() {
  local tok=$1 method=$2 url=$3 data=${4:-}
  local auth=()
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  if [ -n "$data" ]; then
    curl -s -o "$T/api.out" -w '%{http_code}' -X "$method" "${auth[@]}" -H 'Content-Type: application/json' \
      --data-binary "$data" "$url"
  else
    curl -s -o "$T/api.out" -w '%{http_code}' -X "$method" "${auth[@]}" "$url"
  fi
}
