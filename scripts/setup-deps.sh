#!/usr/bin/env bash
# setup-deps.sh - install everything cgate needs to build and test on Debian 12.
# Idempotent and non-interactive; run as root.  Only Debian packages (and, for
# the JSON-schema checker used by the tests, ajv from the npm registry).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

pkgs=(
  build-essential cmake pkg-config git ca-certificates
  libarchive-dev libjansson-dev libzstd-dev zlib1g-dev libssl-dev libisal-dev
  libcmocka-dev libsqlite3-dev libyaml-dev libcurl4-openssl-dev libsodium-dev
  python3 python3-yaml jq zstd isal file
  umoci skopeo debootstrap
  docker-registry apache2-utils curl openssl
  g++ libmicrohttpd-dev libpq-dev postgresql-15 libre2-dev libhyperscan-dev
  buildah strace chromium unzip zip tzdata man-db bsdutils dpkg-dev
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere on the machine (Debian's npm conflicts with them)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ajv for tests/tools/schema-validate (no lockfile is committed: see its README)
sv="$here/tests/tools/schema-validate"
if [ -f "$sv/package.json" ] && [ ! -d "$sv/node_modules/ajv" ]; then
  (cd "$sv" && npm install --silent --no-audit --no-fund --no-package-lock >/dev/null 2>&1) ||
    echo "setup-deps: npm install of ajv failed; schema checks will be skipped" >&2
fi
echo "setup-deps: ok"
