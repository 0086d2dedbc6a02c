# registry_lib.sh - start and stop test registries on 127.0.0.1 (sourced after lib.sh).
#
#   reg_start NAME plain            Debian's docker-registry, no auth
#   reg_start NAME basic USER PASS  htpasswd Basic auth (bcrypt, htpasswd -B)
#   reg_start NAME token USER PASS  Bearer tokens from tests/tools/token_server.py
#   fake_start NAME MODE [ARGS...]  tests/tools/fake_registry.py (hostile cases)
#
# REG_EXTRA_CONFIG (optional) is appended to the registry's config.yml (e.g. a
# notifications: section).
#
# Each sets REG (127.0.0.1:PORT) and REG_DIR; token mode also TOKEN_LOG (one JSON
# line per token request).  Everything listens on 127.0.0.1 only, every server has a
# bounded lifetime, and reg_stop_all (installed as an EXIT trap) stops each one by
# its PID.  Skips the test (exit 77) when docker-registry is not installed.

REG_PIDS=()

reg_stop_all() {
  local p
  for p in "${REG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${REG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  REG_PIDS=()
}
trap reg_stop_all EXIT

reg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# reg_wait_port PORT : until something answers on 127.0.0.1:PORT (10 s).
reg_wait_port() {
  local i
  for i in $(seq 1 100); do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/v2/" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

reg_need() {
  command -v docker-registry >/dev/null || cg_skip "docker-registry is not installed (scripts/setup-deps.sh)"
  command -v curl >/dev/null || cg_skip "curl is not installed"
}

reg_start() {
  local name=$1 mode=$2
  reg_need
  REG_DIR="$T/registry-$name"
  mkdir -p "$REG_DIR/data"
  local port
  port=$(reg_free_port)
  REG="127.0.0.1:$port"
  local auth=""
  case "$mode" in
    plain) ;;
    basic)
      command -v htpasswd >/dev/null || cg_skip "htpasswd is not installed (apache2-utils)"
      htpasswd -Bbc "$REG_DIR/htpasswd" "$3" "$4" >/dev/null 2>&1 || cg_die "htpasswd failed"
      auth="auth:
  htpasswd:
    realm: cgate-test
    path: $REG_DIR/htpasswd"
      ;;
    token)
      local tport
      tport=$(reg_free_port)
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$REG_DIR/token.key" -out "$REG_DIR/token.crt" \
        -days 2 -subj /CN=cgate-test-token >/dev/null 2>&1 || cg_die "openssl req failed"
      TOKEN_LOG="$REG_DIR/token.log"
      : >"$TOKEN_LOG"
      python3 "$CG_TESTS/tools/token_server.py" --port "$tport" --key "$REG_DIR/token.key" \
        --cert "$REG_DIR/token.crt" --user "$3" --password "$4" --log "$TOKEN_LOG" --lifetime 900 \
        >"$REG_DIR/token.out" 2>&1 &
      REG_PIDS+=($!)
      TOKEN_PORT=$tport
      auth="auth:
  token:
    realm: http://127.0.0.1:$tport/token
    service: cgate-test
    issuer: cgate-test-issuer
    rootcertbundle: $REG_DIR/token.crt"
      ;;
    *) cg_die "reg_start: unknown mode $mode" ;;
  esac
  cat >"$REG_DIR/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
http:
  addr: $REG
$auth
${REG_EXTRA_CONFIG:-}
YML
  timeout 900 docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
  REG_PIDS+=($!)
  reg_wait_port "$port" || cg_die "docker-registry did not start on $REG: $(tail -c 400 "$REG_DIR/log")"
}

fake_start() {
  local name=$1 mode=$2
  shift 2
  REG_DIR="$T/fake-$name"
  mkdir -p "$REG_DIR"
  local port
  port=$(reg_free_port)
  REG="127.0.0.1:$port"
  python3 "$CG_TESTS/tools/fake_registry.py" --port "$port" --mode "$mode" --lifetime 300 "$@" \
    >"$REG_DIR/log" 2>&1 &
  REG_PIDS+=($!)
  reg_wait_port "$port" || cg_die "fake registry ($mode) did not start: $(tail -c 400 "$REG_DIR/log")"
}

# reg_manifest_digest REF : the digest skopeo sees for docker://REF ("" if none).
reg_manifest_digest() {
  skopeo inspect --tls-verify=false "docker://$1" 2>/dev/null | jq -r '.Digest // empty'
}

# reg_tag_exists HOST REPO TAG [CURL_ARGS...] : HTTP status of HEAD on the manifest.
reg_tag_status() {
  local host=$1 repo=$2 tag=$3
  shift 3
  curl -s -o /dev/null -w '%{http_code}' -I "$@" \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://$host/v2/$repo/manifests/$tag"
}
