#!/usr/bin/env bash
# test_registry_auth.sh - registry authentication against Debian's docker-registry
# on 127.0.0.1: htpasswd Basic auth (--creds, REGISTRY_AUTH_FILE, ~/.docker/config.json
# auths, a credHelpers helper), a wrong password and no credentials (exit 4, one
# line, nothing tagged); Bearer tokens from tests/tools/token_server.py (push and
# pull, credentials sent to the token server, a wrong password refused there).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup registry_auth
reg_need
command -v skopeo >/dev/null || cg_skip "skopeo is not installed"

printf 'ID=alpine\nVERSION_ID=3.19.1\n' >"$T/os-release"
cat >"$T/spec.json" <<SPEC
{"layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "$T/os-release"},
  {"path": "lib/apk/db/installed", "content": "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n"}]}]}
SPEC
mkimage "$T/spec.json" oci "$T/img.oci"
cg_sbom "$T/want.cdx" "$T/err" -q "oci:$T/img.oci"
cg_pkgs "$T/want.cdx" >"$T/want.pkgs"

# no ambient credentials: a fresh HOME, no auth file
export HOME="$T/home" DOCKER_CONFIG=
unset REGISTRY_AUTH_FILE DOCKER_CONFIG
mkdir -p "$HOME"

# ---- Basic ----
reg_start basic basic alice 's3cret!'
B=$REG
cg_run "$T/b1.out" "$T/b1.err" push --creds 'alice:s3cret!' "oci:$T/img.oci" "$B/auth/app:v1"
cg_expect_rc 0 "basic: push with --creds" "$T/b1.err"
D=$(cat "$T/b1.out")
cg_expect_eq "$D" "$(skopeo inspect --tls-verify=false --creds 'alice:s3cret!' "docker://$B/auth/app:v1" | jq -r .Digest)" "basic: skopeo sees the digest"

cg_run "$T/b2.out" "$T/b2.err" push --creds alice:wrong "oci:$T/img.oci" "$B/auth/other:v1"
cg_expect_rc 4 "basic: wrong password" "$T/b2.err" && cg_expect_one_error "$T/b2.err" "wrong password" "refused the credentials"
cg_expect_eq 401 "$(reg_tag_status "$B" auth/other v1)" "basic: (anonymous HEAD is refused)"
code=$(reg_tag_status "$B" auth/other v1 -u 'alice:s3cret!')
cg_expect_eq 404 "$code" "basic: nothing tagged after a wrong password"

cg_run "$T/b3.out" "$T/b3.err" sbom -q "docker://$B/auth/app:v1"
cg_expect_rc 4 "basic: pull without credentials" "$T/b3.err" && cg_expect_one_error "$T/b3.err" "no creds" "no credentials for $B"

# --creds / --authfile on the commands that read docker:// images
cg_run "$T/b3c.cdx" "$T/b3c.err" sbom -q --creds 'alice:s3cret!' "docker://$B/auth/app:v1"
cg_expect_rc 0 "basic: sbom --creds" "$T/b3c.err" && cg_expect_pkgs "$T/b3c.cdx" "$T/want.pkgs" "sbom --creds"
cg_run "$T/b3w.out" "$T/b3w.err" sbom -q --creds alice:wrong "docker://$B/auth/app:v1"
cg_expect_rc 4 "basic: sbom --creds with a wrong password" "$T/b3w.err" && cg_expect_one_error "$T/b3w.err" "sbom wrong creds" "401"
# push from a registry that needs credentials: --src-creds for the source, --creds only for the destination
cg_run "$T/b3p.out" "$T/b3p.err" push --creds 'alice:s3cret!' "docker://$B/auth/app:v1" "$B/auth/copy:v1"
cg_expect_rc 4 "basic: push from a registry source without --src-creds" "$T/b3p.err"
cg_run "$T/b3q.out" "$T/b3q.err" push --src-creds 'alice:s3cret!' --creds 'alice:s3cret!' "docker://$B/auth/app:v1" "$B/auth/copy:v1"
cg_expect_rc 0 "basic: push --src-creds" "$T/b3q.err" && cg_expect_eq "$(cat "$T/b1.out")" "$(cat "$T/b3q.out")" "registry copy with --src-creds keeps the digest"

# REGISTRY_AUTH_FILE (containers auth.json) for pulls through the docker:// transport
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$B" "$(printf 'alice:s3cret!' | base64)" >"$T/auth.json"
REGISTRY_AUTH_FILE="$T/auth.json" cg_run "$T/b4.cdx" "$T/b4.err" sbom -q "docker://$B/auth/app:v1"
cg_expect_rc 0 "basic: pull with REGISTRY_AUTH_FILE" "$T/b4.err" && cg_expect_pkgs "$T/b4.cdx" "$T/want.pkgs" "basic pull"
cg_run "$T/db.out" "$T/db.err" db import --db "$T/db.sqlite" "$CG_TEST_DATA/vulndb/debian-osv"
cg_expect_rc 0 "db import for the scan" "$T/db.err"
cg_run "$T/b4s.json" "$T/b4s.err" scan -q --authfile "$T/auth.json" --db "$T/db.sqlite" "docker://$B/auth/app:v1"
cg_expect_rc 0 "basic: scan --authfile of a docker:// image" "$T/b4s.err" && cg_expect_json "$T/b4s.json" "scan --authfile report"
cg_run "$T/b4t.out" "$T/b4t.err" scan -q --db "$T/db.sqlite" "docker://$B/auth/app:v1"
cg_expect_rc 4 "basic: scan of a docker:// image without credentials" "$T/b4t.err"

# ~/.docker/config.json with a URL key
mkdir -p "$HOME/.docker"
printf '{"auths":{"http://%s/v1/":{"auth":"%s"}}}\n' "$B" "$(printf 'alice:s3cret!' | base64)" >"$HOME/.docker/config.json"
cg_run "$T/b5.out" "$T/b5.err" push "oci:$T/img.oci" "$B/auth/cfg:v1"
cg_expect_rc 0 "basic: push with ~/.docker/config.json" "$T/b5.err"

# credHelpers -> docker-credential-NAME get (stdin: the server; stdout: JSON)
mkdir -p "$T/bin"
cat >"$T/bin/docker-credential-cgtest" <<'HELPER'
#!/bin/sh
[ "$1" = get ] || exit 1
read -r server
echo "$server" >>"$(dirname "$0")/helper.log"
printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret!"}\n' "$server"
HELPER
chmod +x "$T/bin/docker-credential-cgtest"
printf '{"auths":{"%s":{}},"credHelpers":{"%s":"cgtest"}}\n' "$B" "$B" >"$HOME/.docker/config.json"
PATH="$T/bin:$PATH" cg_run "$T/b6.out" "$T/b6.err" push "oci:$T/img.oci" "$B/auth/helper:v1"
cg_expect_rc 0 "basic: push with a credential helper" "$T/b6.err"
grep -qx "$B" "$T/bin/helper.log" 2>/dev/null && cg_ok || cg_fail "the helper was not asked for $B"
# a helper that is missing: a clear error
printf '{"credsStore":"cgnothere"}\n' >"$HOME/.docker/config.json"
cg_run "$T/b7.out" "$T/b7.err" push "oci:$T/img.oci" "$B/auth/helper2:v1"
cg_expect_rc 4 "basic: missing credential helper" "$T/b7.err" && cg_expect_one_error "$T/b7.err" "missing helper" "docker-credential-cgnothere"
rm -f "$HOME/.docker/config.json"

# ---- Bearer tokens ----
reg_start token token bob 'tok-pass'
K=$REG
cg_run "$T/t1.out" "$T/t1.err" push --creds bob:tok-pass "oci:$T/img.oci" "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: push" "$T/t1.err"
cg_expect_eq "$(cat "$T/t1.out")" "$(skopeo inspect --tls-verify=false --creds bob:tok-pass "docker://$K/tok/app:v1" | jq -r .Digest)" "token: skopeo sees the digest"
grep -q '"creds": true' "$TOKEN_LOG" && cg_ok || cg_fail "token: credentials were not sent to the token server"
n_tok=$(wc -l <"$TOKEN_LOG")
[ "$n_tok" -le 6 ] && cg_ok || cg_fail "token: $n_tok token requests for one push (tokens are not cached per scope)"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$K" "$(printf 'bob:tok-pass' | base64)" >"$T/tauth.json"
REGISTRY_AUTH_FILE="$T/tauth.json" cg_run "$T/t2.cdx" "$T/t2.err" sbom -q "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: pull" "$T/t2.err" && cg_expect_pkgs "$T/t2.cdx" "$T/want.pkgs" "token pull"
# anonymous: the token server hands out pull-only tokens, so a pull works and a push does not
cg_run "$T/t3.cdx" "$T/t3.err" sbom -q "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: anonymous pull" "$T/t3.err"
cg_run "$T/t4.out" "$T/t4.err" push --creds bob:nope "oci:$T/img.oci" "docker://$K/tok/denied:v1"
cg_expect_rc 4 "token: wrong password" "$T/t4.err" && cg_expect_one_error "$T/t4.err" "token wrong password" "token server refused the credentials"
cg_expect_eq 401 "$(reg_tag_status "$K" tok/denied v1)" "token: (anonymous HEAD is refused)"
# signing and verifying through Bearer tokens (pull for the lookups, push for the writes)
export COSIGN_PASSWORD
COSIGN_PASSWORD=$(cat "$CG_TEST_DATA/sign/cosign.password")
cg_run "$T/ts.out" "$T/ts.err" sign --creds bob:tok-pass --key "$CG_TEST_DATA/sign/cosign.key" "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: sign" "$T/ts.err"
cg_run "$T/tv.out" "$T/tv.err" verify --creds bob:tok-pass --key "$CG_TEST_DATA/sign/cosign.pub" "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: verify" "$T/tv.err" && cg_expect_eq "$(cat "$T/t1.out")" "$(jq -r '.[0].critical.image["docker-manifest-digest"]' "$T/tv.out")" "token: verified payload names the pushed digest"
cg_run "$T/tva.out" "$T/tva.err" verify --key "$CG_TEST_DATA/sign/cosign.pub" "docker://$K/tok/app:v1"
cg_expect_rc 0 "token: anonymous verify (pull-only tokens)" "$T/tva.err"
cg_run "$T/tsa.out" "$T/tsa.err" sign --key "$CG_TEST_DATA/sign/cosign.key" -a anon=1 "docker://$K/tok/app:v1"
cg_expect_rc 4 "token: anonymous sign is refused by the registry" "$T/tsa.err"
cg_finish
