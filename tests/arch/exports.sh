#!/usr/bin/env bash
# exports.sh LIBCGATE_SO INCLUDE_DIR - fail when the shared library exports a symbol
# that is not a cg_ name declared in a public header (include/cgate/*.h).  The
# library is built with hidden visibility and CG_EXPORT on public declarations,
# so this holds by construction; the test keeps it so.
set -euo pipefail
lib=$1; inc=$2
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWiu]$/ {print $3}' | sed 's/@.*//' | sort -u)
decl=$(cat "$inc"/cgate/*.h)
bad=0; n=0
for s in $syms; do
  case $s in _init|_fini|_edata|_end|__bss_start) continue ;; esac
  n=$((n + 1))
  if [[ $s != cg_* ]]; then echo "exported without the cg_ prefix: $s"; bad=$((bad + 1)); continue; fi
  grep -qE "\\b$s\\b" <<<"$decl" || { echo "exported but not declared in include/cgate/: $s"; bad=$((bad + 1)); }
done
echo "exports: $n symbols, $bad not in the public API"
[ "$bad" -eq 0 ]
