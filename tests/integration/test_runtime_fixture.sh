#!/usr/bin/env bash
# test_runtime_fixture.sh - `cgate scan --runtime-evidence` on a hand-built image
# (usr-merge symlink, a library reached through a versioned symlink, node_modules
# folders, a symlink loop) with hand-written strace, Falco and path-list evidence:
# loaded exactly where a file of the package was opened or executed, `..` and
# failed opens handled, truncated lines skipped, another image's digest refused
# (exit 3), the OpenVEX output valid and only about never-loaded packages.
. "$(dirname "$0")/lib.sh"
cg_setup runtime_fixture
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
mkdir -p "$T/osv"
rec() { # id ecosystem name
  cat >"$T/osv/$1.json" <<J
{"id":"$1","modified":"2025-01-01T00:00:00Z","published":"2025-01-01T00:00:00Z","summary":"test $1",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
 "affected":[{"package":{"ecosystem":"$2","name":"$3"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
J
}
rec CGATE-RT-XZ Debian:12 xz-utils
rec CGATE-RT-PERL Debian:12 perl
rec CGATE-RT-LODASH npm lodash
rec CGATE-RT-MINIMIST npm minimist
cat >"$T/spec.json" <<'J'
{"layers":[{"entries":[
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=\"12\"\n"},
 {"path":"lib","type":"symlink","target":"usr/lib"},
 {"path":"usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1","content":"ELF"},
 {"path":"usr/lib/x86_64-linux-gnu/liblzma.so.5","type":"symlink","target":"liblzma.so.5.4.1"},
 {"path":"usr/bin/perl","content":"perl"},
 {"path":"usr/bin/node","content":"node"},
 {"path":"loop/a","type":"symlink","target":"b"},
 {"path":"loop/b","type":"symlink","target":"a"},
 {"path":"var/lib/dpkg/status","content":"Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: 5.4.1-1\nArchitecture: amd64\n\nPackage: perl-base\nStatus: install ok installed\nSource: perl\nVersion: 5.36.0-7\nArchitecture: amd64\n\n"},
 {"path":"var/lib/dpkg/info/liblzma5:amd64.list","content":"/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/liblzma.so.5.4.1\n/lib/x86_64-linux-gnu/liblzma.so.5\n"},
 {"path":"var/lib/dpkg/info/perl-base.list","content":"/.\n/usr\n/usr/bin\n/usr/bin/perl\n"},
 {"path":"app/index.js","content":"require('lodash')"},
 {"path":"app/node_modules/lodash/package.json","content":"{\"name\":\"lodash\",\"version\":\"4.17.20\"}"},
 {"path":"app/node_modules/lodash/lodash.js","content":"x"},
 {"path":"app/node_modules/minimist/package.json","content":"{\"name\":\"minimist\",\"version\":\"1.2.0\"}"},
 {"path":"app/node_modules/minimist/index.js","content":"x"}
]}]}
J
mkimage "$T/spec.json" oci "$T/img" --info "$T/info.json"
IMG="oci:$T/img"
MD=$(jq -r '.images[0].manifest.digest // empty' "$T/info.json")
[ -n "$MD" ] || cg_die "no manifest digest in $T/info.json"
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import" "$T/i.err"
scan() { cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z "$@"; }
loaded() { jq -r '[.Results[].Vulnerabilities[]? | "\(.VulnerabilityID)=\(.cgate.runtime.loaded)"] | sort | join(",")' "$1"; }
WANT="CGATE-RT-LODASH=true,CGATE-RT-MINIMIST=false,CGATE-RT-PERL=false,CGATE-RT-XZ=true"

scan "$IMG"
cg_expect_rc 0 "scan without evidence" "$T/err"
cg_expect_eq "0" "$(jq '[.Results[].Vulnerabilities[]? | select(.cgate.runtime)] | length' "$T/out")" "no evidence: no runtime member"
cg_expect_eq "4" "$(jq '[.Results[].Vulnerabilities[]?] | length' "$T/out")" "four findings"

# strace -f: pid prefixes, an unfinished/resumed pair, a failed open, `..`, a loop, a truncated last line
cat >"$T/strace.log" <<'S'
1234  execve("/usr/bin/node", ["node", "/app/index.js"], 0x7ffd /* 5 vars */) = 0
1234  openat(AT_FDCWD, "/lib/x86_64-linux-gnu/liblzma.so.5", O_RDONLY|O_CLOEXEC) = 3
1235  openat(AT_FDCWD, "/app/node_modules/minimist/../lodash/lodash.js", O_RDONLY <unfinished ...>
1234  openat(AT_FDCWD, "/app/node_modules/minimist/index.js", O_RDONLY) = -1 ENOENT (No such file or directory)
1235  <... openat resumed>) = 4
1234  openat(AT_FDCWD, "/loop/a/x", O_RDONLY) = 3
1234  openat(AT_FDCWD, "/etc/ld.so.c\000ache", O_RDONLY) = 3
1234  +++ exited with 0 +++
1234  openat(AT_FDCWD, "/usr/bin/pe
S
printf '%s' "$(cat "$T/strace.log")" >"$T/strace.log"
scan --runtime-evidence "$T/strace.log" "$IMG"
cg_expect_rc 0 "scan with strace evidence" "$T/err"
cg_expect_eq "$WANT" "$(loaded "$T/out")" "strace: loaded exactly where a file was opened"
cg_expect_eq "/app/node_modules/minimist/../lodash/lodash.js" \
  "$(jq -r '.Results[].Vulnerabilities[] | select(.VulnerabilityID=="CGATE-RT-LODASH") | .cgate.runtime.evidence[0]' "$T/out")" "evidence path as seen"
cg_expect_eq "5" "$(jq -r '[.Results[].Vulnerabilities[].cgate.runtime.window.events][0]' "$T/out")" "events counted"

# the same as a path list, and as Falco JSON
cat >"$T/paths.txt" <<'P'
# image: IMAGE_DIGEST
# from: 2025-05-01T00:00:00Z
# to: 2025-05-02T00:00:00Z
/usr/bin/node
/lib/x86_64-linux-gnu/liblzma.so.5
/app/node_modules/minimist/../lodash/lodash.js
/loop/a
P
sed -i "s|IMAGE_DIGEST|$MD|" "$T/paths.txt"
scan --runtime-evidence "$T/paths.txt" "$IMG"
cg_expect_rc 0 "scan with a path list" "$T/err"
cg_expect_eq "$WANT" "$(loaded "$T/out")" "path list"
cg_expect_eq "2025-05-01T00:00:00Z" "$(jq -r '[.Results[].Vulnerabilities[].cgate.runtime.window.from][0]' "$T/out")" "window from header"

fal() { printf '{"time":"%s","rule":"r","output_fields":{"evt.type":"%s","fd.name":%s,"proc.exepath":"/usr/bin/node","container.image.digest":"%s"}}\n' "$@"; }
{
  fal 2025-05-01T10:00:00.000Z execve null "$MD"
  fal 2025-05-01T10:00:01.000Z openat '"/lib/x86_64-linux-gnu/liblzma.so.5"' "$MD"
  fal 2025-05-01T10:00:02.000Z openat '"/app/node_modules/lodash/lodash.js"' "$MD"
  fal 2025-05-01T10:00:03.000Z openat '"/app/node_modules/minimist/\u0000index.js"' "$MD"
  printf '{"time":"2025-05-01T10:00:04Z","output_fields":{"evt.type":"openat","fd.na'
} >"$T/falco.json"
scan --runtime-evidence "$T/falco.json" "$IMG"
cg_expect_rc 0 "scan with Falco events" "$T/err"
cg_expect_eq "$WANT" "$(loaded "$T/out")" "Falco"
cg_expect_eq "2025-05-01T10:00:03.000Z" "$(jq -r '[.Results[].Vulnerabilities[].cgate.runtime.window.to][0]' "$T/out")" "Falco window"

# another image's digest is refused
sed "s|$MD|sha256:0000000000000000000000000000000000000000000000000000000000000000|" "$T/falco.json" >"$T/falco-other.json"
scan --runtime-evidence "$T/falco-other.json" "$IMG"
cg_expect_rc 3 "evidence of another image" "$T/err"
cg_expect_one_error "$T/err" "another image's evidence"
scan --runtime-evidence "$T/nope.log" "$IMG"
cg_expect_rc 3 "missing evidence file" "$T/err"

# table: loaded findings first
scan -f table --runtime-evidence "$T/strace.log" "$IMG"
first=$(grep -m1 -E "CGATE-RT-(LODASH|MINIMIST)" "$T/out")
case "$first" in *LODASH*"") cg_ok ;; *) cg_fail "table: loaded finding not first: $first" ;; esac

# OpenVEX: statements for never-loaded packages only
scan --runtime-evidence "$T/strace.log" --vex-out "$T/vex.json" "$IMG"
cg_expect_rc 0 "--vex-out" "$T/err"
cg_expect_eq "CGATE-RT-MINIMIST,CGATE-RT-PERL" "$(jq -r '[.statements[].vulnerability.name] | sort | join(",")' "$T/vex.json")" "VEX: never-loaded only"
cg_expect_eq "vulnerable_code_not_in_execute_path" "$(jq -r '[.statements[].justification] | unique | join(",")' "$T/vex.json")" "VEX justification"
tools="$CG_TESTS/tools/schema-validate"
if command -v node >/dev/null && [ -d "$tools/node_modules/ajv" ]; then
  sh "$tools/validate" openvex "$T/vex.json" >"$T/sv.out" 2>&1 && cg_ok || cg_fail "OpenVEX schema: $(head -c 400 "$T/sv.out")"
elif python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$CG_TESTS/data/schemas/openvex/openvex_json_schema.json" "$T/vex.json" >"$T/sv.out" 2>&1 \
    && cg_ok || cg_fail "OpenVEX schema (jsonschema): $(tail -c 400 "$T/sv.out")"
else
  cg_info "neither ajv nor python3-jsonschema: OpenVEX output not schema-checked"
fi
# 10 million events through a FIFO: streamed, memory does not grow with the count
if ! cg_is_asan && [ -x /usr/bin/time ]; then
  mkfifo "$T/fifo"
  rss() { /usr/bin/time -f "%M" -o "$T/rss" "$CGATE" scan -q --db "$T/db.sqlite" --runtime-evidence "$1" "$IMG" >"$T/big.json" 2>"$T/big.err"; cat "$T/rss"; }
  small=$(rss "$T/paths.txt")
  (yes /app/node_modules/lodash/lodash.js | head -n 10000000 >"$T/fifo") &
  big=$(rss "$T/fifo")
  wait
  cg_info "max RSS: $small kB with 4 events, $big kB with 10 million"
  cg_expect_eq "10000000" "$(jq '[.Results[].Vulnerabilities[].cgate.runtime.window.events][0]' "$T/big.json")" "10M events counted"
  [ "$big" -lt $((small + 8192)) ] && cg_ok || cg_fail "memory grew with the events: $small kB -> $big kB"
fi

# policy: runtime rules are opt-in; the decision names the evidence and its window
printf '/usr/bin/node\n/lib/x86_64-linux-gnu/liblzma.so.5\n' >"$T/some.txt"
printf '/usr/bin/node\n' >"$T/none.txt"
printf 'apiVersion: cgate/v1\n' >"$T/default.yaml"
printf 'apiVersion: cgate/v1\nruntime:\n  notLoaded:\n    allowUpTo: high\n' >"$T/optin.yaml"
printf 'apiVersion: cgate/v1\nruntime:\n  notLoaded:\n    allowUpTo: severe\n' >"$T/bad.yaml"
pol() { cg_run "$T/dec.json" "$T/dec.err" policy "$1" --policy "$2" --now 2025-06-01 -f json; }
scan --runtime-evidence "$T/none.txt" -o "$T/rep-none.json" "$IMG"
scan --runtime-evidence "$T/some.txt" -o "$T/rep-some.json" "$IMG"
pol "$T/rep-none.json" "$T/default.yaml"
cg_expect_rc 1 "default policy ignores runtime evidence" "$T/dec.err"
pol "$T/rep-none.json" "$T/optin.yaml"
cg_expect_rc 0 "opt-in policy: only never-loaded findings block -> pass" "$T/dec.err"
cg_expect_eq "4" "$(jq '.runtime.notLoadedAllowed | length' "$T/dec.json")" "decision lists what runtime let through"
cg_expect_eq "sha256:$(sha256sum "$T/none.txt" | cut -d' ' -f1)" "$(jq -r '.runtime.evidence' "$T/dec.json")" "decision records the evidence sha256"
case "$(jq -r '.runtime.window' "$T/dec.json")" in *"1 events"*) cg_ok ;; *) cg_fail "decision window: $(jq -c .runtime "$T/dec.json")" ;; esac
pol "$T/rep-some.json" "$T/optin.yaml"
cg_expect_rc 1 "opt-in policy: a loaded package still blocks" "$T/dec.err"
cg_expect_eq "CGATE-RT-XZ" "$(jq -r '[.blocked[]?.id] | join(",")' "$T/dec.json")" "only the loaded finding blocks"
pol "$T/rep-none.json" "$T/bad.yaml"
cg_expect_rc 3 "bad runtime severity" "$T/dec.err"

cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --vex-out "$T/v2.json" "$IMG"
cg_expect_rc 2 "--vex-out without evidence" "$T/err"
cg_finish
