#!/usr/bin/env bash
# test_yaml_hostile.sh - hostile YAML through every door cgate reads YAML from
# (issue 17 item 1): the 5-byte and 2-byte inputs that hung libfyaml forever,
# a 200,000-deep flow sequence and an alias bomb, as a policy, an exceptions
# file, a Kubernetes manifest in --context, a pnpm-lock.yaml inside an image and
# an OSV record in `db import`.  Each finishes in under a second; files the
# user named are exit 3 with one line naming the file and line; a file inside
# an image is a warning naming it, and the rest of the SBOM is intact.
. "$(dirname "$0")/lib.sh"
cg_setup yaml_hostile
P="$CG_TEST_DATA/policy"
R="$P/reports/net-6.5.json"
POL="$P/policies/full.yaml"
LIMIT_MS=1000
cg_is_asan && LIMIT_MS=5000

printf '%%\x96r: ' >"$T/hang5.yaml"
printf '%%\x96' >"$T/hang2.yaml"
printf '%%r: ' >"$T/hang-ascii.yaml"
python3 -c 'import sys; n=200000; sys.stdout.write("a: " + "["*n + "]"*n + "\n")' >"$T/deep.yaml"
python3 - "$T/bomb.yaml" <<'EOF'
import sys
lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for i in range(1, 9):
    lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOF
HOSTILE="hang5 hang2 hang-ascii deep bomb"

fast() { # LABEL
  if [ "$CG_LAST_MS" -lt "$LIMIT_MS" ]; then cg_ok; else cg_fail "$1: took $CG_LAST_MS ms (limit $LIMIT_MS)"; fi
}
one_line_naming() { # ERRFILE NAME LABEL
  if [ "$(wc -l <"$1")" = 1 ] && grep -q "$2" "$1"; then cg_ok; else cg_fail "$3: stderr '$(head -c 300 "$1" | tr '\n' '|')'"; fi
}

# files the user names: exit 3, one line naming the file
for h in $HOSTILE; do
  f="$T/$h.yaml"
  cg_run "$T/o" "$T/e" policy "$R" --policy "$f"
  cg_expect_rc 3 "$h as --policy" "$T/e" && one_line_naming "$T/e" "$h.yaml" "$h as --policy"
  fast "$h as --policy"
  cg_run "$T/o" "$T/e" policy "$R" --policy "$POL" --exceptions "$f"
  cg_expect_rc 3 "$h as --exceptions" "$T/e" && one_line_naming "$T/e" "$h.yaml" "$h as --exceptions"
  fast "$h as --exceptions"
  cg_run "$T/o" "$T/e" policy "$R" --policy "$POL" --context "$f"
  cg_expect_rc 3 "$h as --context" "$T/e" && one_line_naming "$T/e" "$h.yaml" "$h as --context"
  fast "$h as --context"
done
# the depth error is the cheap one, with its line
cg_run "$T/o" "$T/e" policy "$R" --policy "$POL" --context "$T/deep.yaml"
grep -q "deep.yaml:1: nested deeper than" "$T/e" && cg_ok || cg_fail "depth error: $(cat "$T/e")"

# inside an image: a warning naming the file, the rest of the SBOM intact
LOCK="$CG_TEST_DATA/npm/repo-pnpm/pnpm-lock.yaml"
entries=""
for h in $HOSTILE; do
  entries="$entries{\"path\": \"bad-$h/pnpm-lock.yaml\", \"content_b64\": \"$(base64 -w0 "$T/$h.yaml")\"},"
done
cat >"$T/spec.json" <<EOF2
{"layers": [{"compression": "gzip", "entries": [
  $entries
  {"path": "good/pnpm-lock.yaml", "content_file": "$LOCK"}]}]}
EOF2
mkimage "$T/spec.json" oci "$T/img.oci"
# --declared: lock files inside an image are read only when asked (issue 11),
# and reading these hostile ones is the point
cg_sbom "$T/out.json" "$T/err" --declared "oci:$T/img.oci"
cg_expect_rc 0 "sbom of an image with hostile pnpm-lock.yaml files" "$T/err"
fast "sbom with hostile lock files"
cg_expect_json "$T/out.json" "sbom"
warn() { jq -r '.metadata.component.properties[]? | select(.name == "cgate:warning") | .value' "$T/out.json"; }
# (the lock-file reader never expands aliases, so the bomb is just a small file there)
for h in hang5 hang2 hang-ascii deep; do
  warn | grep -q "^/bad-$h/pnpm-lock.yaml: " && cg_ok || cg_fail "no warning naming /bad-$h/pnpm-lock.yaml: $(warn | tr '\n' '|')"
  grep -q "/bad-$h/pnpm-lock.yaml" "$T/err" && cg_ok || cg_fail "stderr does not name /bad-$h/pnpm-lock.yaml"
done
jq -r '.components[] | select(.purl == "pkg:npm/lodash@4.17.4") | .name' "$T/out.json" | grep -qx lodash &&
  cg_ok || cg_fail "the good pnpm-lock.yaml's packages are missing"

# an OSV record in YAML: skipped with a reason, the import goes on
mkdir -p "$T/osv"
for h in $HOSTILE; do cp "$T/$h.yaml" "$T/osv/$h.yaml"; done
cp "$CG_TEST_DATA/vulndb/pypa/vulns/django/PYSEC-2007-1.yaml" "$T/osv/"
cg_run "$T/o" "$T/e" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import with hostile YAML records" "$T/e"
fast "db import of hostile YAML"
for h in $HOSTILE; do
  grep -q "$h.yaml" "$T/e" && cg_ok || cg_fail "db import does not name $h.yaml: $(head -c 600 "$T/e" | tr '\n' '|')"
done
grep -q "imported 1," "$T/e" && cg_ok || cg_fail "the good record was not imported: $(tr '\n' '|' <"$T/e")"

cg_finish
