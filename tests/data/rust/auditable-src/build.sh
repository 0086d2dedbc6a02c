#!/bin/sh
# Rebuild ../hello-auditable (rustc 1.95.0, x86_64-unknown-linux-gnu) and ../hello-auditable-musl-nodep
set -e
cd "$(dirname "$0")"
python3 make_deps.py
rustc -C opt-level=s -C strip=symbols -C panic=abort --edition 2021 -o ../hello-auditable main.rs
