# run_lib.sh - fixtures for the `cgate run` tests (sourced after lib.sh and
# registry_lib.sh): a small Debian 12 image with one vulnerable package, a DB
# holding one advisory for it, a policy that denies it and an exceptions file
# that lets it through, and a throwaway cosign key.
#
#   run_fixture          makes $IMG (OCI layout), $DB, $POLICY, $EXC, $KEY, $PUB,
#                        exports COSIGN_PASSWORD
#   run_tag_status REPO TAG   HTTP status of HEAD on $REG's manifest (200 / 404)
#   run_blob REPO DIGEST OUT  GET a blob from $REG

run_fixture() {
  mkdir -p "$T/fx"
  printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$T/fx/os-release"
  printf 'Package: app1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n' >"$T/fx/status"
  cat >"$T/fx/spec.json" <<SPEC
{"repo": "lab/app", "tag": "1", "created": "2025-01-01T00:00:00Z", "layers": [{"compression": "gzip", "entries": [
  {"path": "etc/os-release", "content_file": "$T/fx/os-release"},
  {"path": "var/lib/dpkg/status", "content_file": "$T/fx/status"}]}]}
SPEC
  mkimage "$T/fx/spec.json" oci "$T/fx/img.oci"
  IMG="oci:$T/fx/img.oci"
  mkdir -p "$T/fx/osv"
  cat >"$T/fx/osv/DEBIAN-CVE-2099-0001.json" <<'OSV'
{"schema_version": "1.6.0", "id": "DEBIAN-CVE-2099-0001", "modified": "2025-01-01T00:00:00Z",
 "published": "2025-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"], "summary": "a test advisory",
 "affected": [{"package": {"ecosystem": "Debian:12", "name": "app1"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-2"}]}]}]}
OSV
  cg_run "$T/fx/imp.out" "$T/fx/imp.err" db import --db "$T/fx/db.sqlite" "$T/fx/osv"
  [ "$RC" = 0 ] || cg_die "db import failed: $(cat "$T/fx/imp.err")"
  DB="$T/fx/db.sqlite"
  cat >"$T/fx/policy.yaml" <<'POL'
apiVersion: cgate/v1
name: test
allowUnfixed: false
severities:
  unknown: {block: true}
POL
  POLICY="$T/fx/policy.yaml"
  cat >"$T/fx/exceptions.yaml" <<'EXC'
exceptions:
  - id: CVE-2099-0001
    package: app1
    reason: reviewed for the test
    approvedBy: test@example.com
    expires: 2099-12-31
EXC
  EXC="$T/fx/exceptions.yaml"
  export COSIGN_PASSWORD=run-test
  (cd "$T/fx" && "$CGATE" keygen --force >/dev/null 2>&1) || cg_die "keygen failed"
  KEY="$T/fx/cosign.key" PUB="$T/fx/cosign.pub"
}

run_tag_status() {
  reg_tag_status "$REG" "$1" "$2"
}

run_blob() {
  curl -sf -o "$3" "http://$REG/v2/$1/blobs/$2"
}
