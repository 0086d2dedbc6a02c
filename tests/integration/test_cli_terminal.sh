#!/usr/bin/env bash
# test_cli_terminal.sh - what a person at a terminal sees (issue 16): scan,
# sbom and policy print a table on a terminal (run under script(1), a real
# pty) at COLUMNS=80 and 200 - no line wider than the terminal, no word split
# across lines or columns (tests/tools/table_check.py), most severe first,
# colours unless NO_COLOR/--no-color - and JSON when piped.  Also "did you
# mean", the configuration file and CGATE_* variables (flag > env > file),
# completion scripts that bash loads, man pages that man renders, db import's
# progress line, and the flags every command shares (-q, -f, --now).
. "$(dirname "$0")/lib.sh"
cg_setup cli_terminal
command -v script >/dev/null || cg_skip "script(1) (bsdutils) is not installed"
CHECK="$CG_TESTS/tools/table_check.py"
APP="$CG_TEST_DATA/node-app"
cg_run "$T/i.out" "$T/i.err" db import -q --db "$T/db.sqlite" "$CG_TEST_DATA/scan/osv/ghsa-node-app"
cg_expect_rc 0 "db import" "$T/i.err"
NOW=2026-12-01T00:00:00Z
SCAN="$CGATE scan -q --db $T/db.sqlite --now $NOW fs:$APP"
tty() { # COLUMNS OUT COMMAND...: run on a pty of that width
  local w=$1 out=$2
  shift 2
  env COLUMNS="$w" script -qec "$*" /dev/null >"$out" 2>&1 </dev/null
}

# piped: JSON, as before
cg_run "$T/scan.json" "$T/scan.err" scan -q --db "$T/db.sqlite" --now "$NOW" "fs:$APP"
cg_expect_rc 0 "scan piped" "$T/scan.err"
cg_expect_json "$T/scan.json" "scan piped is JSON"
n=$(jq '[.Results[].Vulnerabilities[]?] | length' "$T/scan.json")
[ "$n" -ge 10 ] && cg_ok || cg_fail "want >= 10 findings for the table checks, got $n"

for w in 80 200; do
  tty "$w" "$T/scan$w.txt" "$SCAN"
  python3 "$CHECK" "$w" "$T/scan$w.txt" "$T/scan.json" LIBRARY >"$T/chk" && cg_ok ||
    cg_fail "scan table at $w columns: $(head -5 "$T/chk")"
  # every vulnerability id appears whole
  for id in $(jq -r '.Results[].Vulnerabilities[]?.VulnerabilityID' "$T/scan.json" | sort -u); do
    grep -qw -- "$id" "$T/scan$w.txt" || { cg_fail "scan at $w: $id not shown whole"; break; }
  done
  grep -q $'\033\\[' "$T/scan$w.txt" && cg_ok || cg_fail "scan at $w: no colour on a terminal"
  grep -q "Total: $n (UNKNOWN: 0, LOW: [0-9]*, MEDIUM: [0-9]*, HIGH: [0-9]*, CRITICAL: [0-9]*), fixable: [0-9]*," \
    <(tr -d '\r' <"$T/scan$w.txt" | sed 's/\x1b\[[0-9;]*m//g' | tr '\n' ' ' | sed 's/  */ /g') && cg_ok ||
    cg_fail "scan at $w: no summary line: $(head -8 "$T/scan$w.txt")"
done
# the titles move under their rows at 80, stay in a column at 200
grep -q "TITLE" "$T/scan80.txt" && cg_fail "80 columns: the TITLE column was kept" || cg_ok
grep -q "TITLE" "$T/scan200.txt" && cg_ok || cg_fail "200 columns: no TITLE column"
# most severe first (the rows' severity words, in order)
sed 's/\x1b\[[0-9;]*m//g' "$T/scan200.txt" | awk '$1 != "LIBRARY" && NF > 3 {print $3}' |
  grep -E '^(CRITICAL|HIGH|MEDIUM|LOW|UNKNOWN)$' | awk '
    BEGIN {r["CRITICAL"]=5; r["HIGH"]=4; r["MEDIUM"]=3; r["LOW"]=2; r["UNKNOWN"]=1; prev=9}
    {if (r[$1] > prev) bad=1; prev=r[$1]} END {exit bad}' && cg_ok || cg_fail "scan rows not sorted by severity"
# colours off
env NO_COLOR=1 COLUMNS=80 script -qec "$SCAN" /dev/null >"$T/nc1.txt" 2>&1 </dev/null
tty 80 "$T/nc2.txt" "$SCAN --no-color"
for f in nc1 nc2; do
  ! grep -q $'\033\\[' "$T/$f.txt" && grep -q LIBRARY "$T/$f.txt" && cg_ok || cg_fail "$f: colour despite NO_COLOR/--no-color"
done
# -f json on a terminal is JSON; -o FILE gets JSON
tty 80 "$T/tj.txt" "$SCAN -f json"
tr -d '\r' <"$T/tj.txt" | jq -e .SchemaVersion >/dev/null && cg_ok || cg_fail "-f json on a terminal"
tty 80 "$T/to.txt" "$SCAN -o $T/o.json"
cg_expect_json "$T/o.json" "-o FILE from a terminal is JSON"

# sbom: CycloneDX piped, a fitted table on a terminal
cg_run "$T/sbom.json" "$T/sbom.err" sbom -q "fs:$APP"
jq -e '.bomFormat == "CycloneDX"' "$T/sbom.json" >/dev/null && cg_ok || cg_fail "sbom piped is not CycloneDX"
# a Debian root file system (its real dpkg status): long versions and sources
jq -n --rawfile st "$CG_TEST_DATA/debian12/status.layer0" --rawfile os "$CG_TEST_DATA/debian12/os-release" \
  '{layers:[{entries:[{path:"etc/os-release",content:$os},{path:"var/lib/dpkg/status",content:$st}]}]}' >"$T/deb.json"
mkimage "$T/deb.json" docker-archive "$T/deb.tar"
cg_run "$T/deb.cdx" "$T/deb.err" sbom -q "docker-archive:$T/deb.tar"
cg_expect_rc 0 "sbom of the Debian image" "$T/deb.err"
for w in 80 200; do
  tty "$w" "$T/sbom$w.txt" "$CGATE sbom -q fs:$APP"
  python3 "$CHECK" "$w" "$T/sbom$w.txt" "$T/sbom.json" NAME >"$T/chk" && cg_ok ||
    cg_fail "sbom table at $w columns: $(head -5 "$T/chk")"
  tty "$w" "$T/deb$w.txt" "$CGATE sbom -q docker-archive:$T/deb.tar"
  python3 "$CHECK" "$w" "$T/deb$w.txt" "$T/deb.cdx" NAME >"$T/chk" && cg_ok ||
    cg_fail "Debian sbom table at $w columns: $(head -5 "$T/chk")"
done

# policy: the decision table, blocked findings most severe first
POL="$T/block.yaml"
printf 'apiVersion: cgate/v1\nkind: Policy\nname: terminal-test\nseverities:\n  critical: {block: true}\n  high: {block: true}\n  medium: {block: true}\n  low: {block: true}\n' >"$POL"
cg_run "$T/dec.json" "$T/dec.err" policy "$T/scan.json" --policy "$POL" --now 2026-12-01
cg_expect_rc 1 "policy denies" "$T/dec.err"
cg_expect_json "$T/dec.json" "policy piped is JSON"
for w in 80 200; do
  tty "$w" "$T/pol$w.txt" "$CGATE policy $T/scan.json --policy $POL --now 2026-12-01T08:00:00Z"
  grep -q "Decision:" "$T/pol$w.txt" && cg_ok || cg_fail "policy at $w: no decision table: $(head -3 "$T/pol$w.txt")"
  python3 "$CHECK" "$w" "$T/pol$w.txt" "$T/dec.json" ID >"$T/chk" && cg_ok ||
    cg_fail "policy table at $w columns: $(head -5 "$T/chk")"
done
sed 's/\x1b\[[0-9;]*m//g' "$T/pol200.txt" | awk '$1 == "ID" {t=1; next} t && NF == 0 {t=0} t {print $5}' | awk '
    BEGIN {r["critical"]=5; r["high"]=4; r["medium"]=3; r["low"]=2; r["unknown"]=1; prev=9}
    {if (r[$1] > prev) bad=1; prev=r[$1]} END {exit bad}' && cg_ok || cg_fail "policy blocked list not by severity"

# did you mean
cg_run "$T/o" "$T/e" scna
cg_expect_rc 2 "typo in a command" "$T/e"
cg_expect_one_error "$T/e" "typo in a command" "unknown command 'scna' (did you mean 'scan'?)"
cg_run "$T/o" "$T/e" scan --sevrity HIGH x
cg_expect_rc 2 "typo in a flag" "$T/e"
cg_expect_one_error "$T/e" "typo in a flag" "did you mean --severity?"
cg_run "$T/o" "$T/e" sbom -f cyclonedx-jsn x
cg_expect_rc 2 "typo in a format" "$T/e"
cg_expect_one_error "$T/e" "typo in a format" 'did you mean "cyclonedx-json"?'

# configuration: flag > CGATE_* > file; unknown keys refused
mkdir -p "$T/cwd" "$T/xdg/cgate"
cd "$T/cwd"
fmt() { jq -r 'if .bomFormat then "cyclonedx" elif .runs then "sarif" elif .SchemaVersion then "json" else "?" end' "$1" 2>/dev/null; }
printf 'scan:\n  format: cyclonedx\n  db: %s\n' "$T/db.sqlite" >cgate.yaml
cg_run "$T/c1" "$T/e" scan -q --now "$NOW" "fs:$APP"
cg_expect_rc 0 "scan with ./cgate.yaml" "$T/e"
cg_expect_eq cyclonedx "$(fmt "$T/c1")" "./cgate.yaml sets the format and the DB"
CGATE_FORMAT=sarif cg_run "$T/c2" "$T/e" scan -q --now "$NOW" "fs:$APP"
cg_expect_eq sarif "$(fmt "$T/c2")" "CGATE_FORMAT beats the file"
CGATE_FORMAT=sarif cg_run "$T/c3" "$T/e" scan -q --now "$NOW" -f json "fs:$APP"
cg_expect_eq json "$(fmt "$T/c3")" "the flag beats CGATE_FORMAT"
printf 'severity: CRITICAL\ndb: %s\n' "$T/db.sqlite" >"$T/top.yaml"
cg_run "$T/c4" "$T/e" scan -q --config "$T/top.yaml" --now "$NOW" -f json "fs:$APP"
cg_expect_eq CRITICAL "$(jq -r '[.Results[].Vulnerabilities[]?.Severity] | unique | join(",")' "$T/c4")" \
  "--config FILE with a top-level key"
printf 'scan:\n  severty: HIGH\n' >"$T/bad.yaml"
cg_run "$T/o" "$T/e" scan --config "$T/bad.yaml" x
cg_expect_rc 2 "unknown key in the file" "$T/e"
cg_expect_one_error "$T/e" "unknown key" "$T/bad.yaml:2" "scan.severty" 'did you mean "severity"'
printf 'colour: never\n' >"$T/bad2.yaml"
cg_run "$T/o" "$T/e" sbom --config "$T/bad2.yaml" x
cg_expect_rc 2 "unknown top-level key" "$T/e"
cg_expect_one_error "$T/e" "unknown top-level key" "$T/bad2.yaml:1" '"colour"'
CGATE_QUIET=maybe cg_run "$T/o" "$T/e" scan x
cg_expect_rc 2 "CGATE_QUIET=maybe" "$T/e"
cg_expect_one_error "$T/e" "a switch from the environment" "CGATE_QUIET" "true or false"
rm cgate.yaml
printf 'sbom:\n  format: spdx-json\n' >"$T/xdg/cgate/config.yaml"
XDG_CONFIG_HOME="$T/xdg" cg_run "$T/c5" "$T/e" sbom -q "fs:$APP"
jq -e .spdxVersion "$T/c5" >/dev/null && cg_ok || cg_fail "\$XDG_CONFIG_HOME/cgate/config.yaml not read"
cd "$T"

# completion and manuals
for sh in bash zsh fish; do
  cg_run "$T/comp.$sh" "$T/e" completion "$sh"
  cg_expect_rc 0 "completion $sh" "$T/e"
done
bash -c "source $T/comp.bash && complete -p cgate" >"$T/cp" 2>&1 && grep -q "_cgate cgate" "$T/cp" && cg_ok ||
  cg_fail "bash does not load the completion: $(cat "$T/cp")"
out=$(bash -c "source $T/comp.bash; COMP_WORDS=(cgate scan --sev); COMP_CWORD=2; _cgate; echo \${COMPREPLY[*]}")
cg_expect_eq "--severity" "$out" "bash completes scan --sev"
out=$(bash -c "source $T/comp.bash; COMP_WORDS=(cgate sb); COMP_CWORD=1; _cgate; echo \${COMPREPLY[*]}")
cg_expect_eq "sbom" "$out" "bash completes a command"
out=$(bash -c "source $T/comp.bash; COMP_WORDS=(cgate scan -f sa); COMP_CWORD=3; _cgate; echo \${COMPREPLY[*]}")
cg_expect_eq "sarif" "$out" "bash completes a format"
! command -v zsh >/dev/null || { zsh -n "$T/comp.zsh" && cg_ok || cg_fail "zsh completion does not parse"; }
! command -v fish >/dev/null || { fish -n "$T/comp.fish" && cg_ok || cg_fail "fish completion does not parse"; }
MAN="$(dirname "$CGATE")/man"
for c in scan sbom policy run db; do
  page="$MAN/cgate-$c.1"
  [ -f "$page" ] || { "$CGATE" man "$c" >"$T/cgate-$c.1"; page="$T/cgate-$c.1"; }
  if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$page" >"$T/man.txt" 2>"$T/man.err" && grep -q "OPTIONS" "$T/man.txt" &&
      grep -q -- "--help" "$T/man.txt" && ! grep -qi "warning" "$T/man.err" && cg_ok ||
      cg_fail "man -l $page: $(head -3 "$T/man.err")"
  fi
done
# one table: every long option of every command is in its --help (and so in its man page)
for c in $(sed -n 's/^    \([a-z-]*\)) opts=.*/\1/p' "$T/comp.bash"); do
  opts=$(sed -n "s/^    $c) opts=\"\\([^\"]*\\)\".*/\\1/p" "$T/comp.bash")
  "$CGATE" "$c" --help >"$T/help.txt" 2>&1
  [ "$c" = db ] && "$CGATE" db --help >"$T/help.txt" 2>&1
  for o in $opts; do
    case "$o" in --config|--no-color) continue ;; esac
    grep -q -- "$o" "$T/help.txt" || cg_fail "cgate $c: $o is in the option table but not in --help"
  done
done
cg_ok

# db import: one redrawn progress line per path on a terminal, cleared; none piped
tty 80 "$T/imp.tty" "$CGATE db import --db $T/db2.sqlite $CG_TEST_DATA/scan/osv/ghsa-node-app $CG_TEST_DATA/scan/osv/go"
grep -q $'\r\033\\[Kimporting \\[2/2\\]' "$T/imp.tty" && grep -q $'\r\033\\[Kcgate: ' "$T/imp.tty" && cg_ok ||
  cg_fail "db import progress on a terminal: $(head -c 300 "$T/imp.tty" | od -c | head -4)"
cg_run "$T/o" "$T/e" db import --db "$T/db3.sqlite" "$CG_TEST_DATA/scan/osv/go"
! grep -q importing "$T/e" && cg_ok || cg_fail "db import progress on a pipe"

# flags every command shares
COSIGN_PASSWORD=test cg_run "$T/o" "$T/e" keygen -q --output-key-prefix "$T/k"
[ "$RC" = 0 ] && [ ! -s "$T/e" ] && [ -s "$T/k.key" ] && cg_ok || cg_fail "keygen -q: rc $RC, stderr $(cat "$T/e")"
cg_run "$T/o" "$T/e" policy -q "$T/scan.json" --policy "$POL" --now 2026-12-01T08:00:00Z
[ "$RC" = 1 ] || [ "$RC" = 0 ] && cg_ok || cg_fail "policy -q --now RFC 3339: rc $RC $(cat "$T/e")"
cg_expect_eq "2026-12-01" "$(jq -r '.now // .date // empty' "$T/o" | cut -c1-10)" "policy --now RFC 3339 is its date"
cg_run "$T/o" "$T/e" pull --timeout 5m --retries 0 docker://127.0.0.1:9/none:1 "oci:$T/none.oci"
[ "$RC" != 2 ] && cg_ok || cg_fail "--timeout 5m refused: $(cat "$T/e")"
cg_run "$T/o" "$T/e" pull --timeout 2h docker://127.0.0.1:9/none:1 "oci:$T/none.oci"
cg_expect_rc 2 "--timeout 2h (over 1h)" "$T/e"
cg_run "$T/o" "$T/e" scan --db "$T/db.sqlite" --now 2030-01-01 --db-max-age 1h -f json "fs:$APP"
grep -q "older than --db-max-age (1.0 hours)" "$T/e" && cg_ok || cg_fail "--db-max-age 1h in the warning: $(cat "$T/e")"
tty 40 "$T/dbs.txt" "$CGATE db status --db $T/db.sqlite"
grep -q "^SOURCE" "$T/dbs.txt" && [ "$(tr -d '\r' <"$T/dbs.txt" | sed -n '/^SOURCE/,$p' | awk '{ if (length($0) > m) m = length($0) } END {print m+0}')" -le 40 ] &&
  cg_ok || cg_fail "db status on a 40-column terminal: $(cat "$T/dbs.txt")"
cg_run "$T/o" "$T/e" db status -f json --db "$T/db.sqlite"
cg_expect_rc 0 "db status -f json" "$T/e"
cg_expect_json "$T/o" "db status -f json"
cg_finish
