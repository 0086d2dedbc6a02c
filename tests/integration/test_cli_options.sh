#!/usr/bin/env bash
# test_cli_options.sh - every command's --help and its getopt table are two
# sources of its options; this keeps them one truth, for every command the
# binary knows (the list comes from `cgate completion zsh`, which prints each
# command's getopt table, so a new command or option is covered unasked):
# - each long option of the table appears as --NAME in `cgate CMD --help`;
# - each option the help lists on an option line ("  -x, --name ...") is in
#   the table, and each --NAME its prose mentions is too (or is in the short,
#   explained list below: another command's or tool's flag);
# - the parser itself accepts every one of them: `cgate CMD --NAME[=VALUE] --help`
#   is the help, or an error about --NAME or VALUE, never "unknown option"
#   (options are parsed in order and --help stops before anything runs).
. "$(dirname "$0")/lib.sh"
cg_setup cli_options
cd "$T" || cg_die "cd $T"

# --NAME the help of CMD may mention without owning it: "CMD NAME why"
FOREIGN='
push key        `cgate sign --key KEY` (what push --sign-key does)
run isolation   buildah'"'"'s --isolation chroot
run timestamp   buildah'"'"'s --timestamp
serve scope     the hash-token subcommand (checked below)
serve name      the hash-token subcommand (checked below)
'
foreign() { grep -qE "^$1 $2 " <<<"$FOREIGN"; }

# CMD NAME HASARG (1 = takes a value) per table row
"$CGATE" completion zsh >"$T/zsh" 2>"$T/zsh.err" || cg_die "cgate completion zsh failed: $(cat "$T/zsh.err")"
python3 - "$T/zsh" >"$T/tables" <<'PY' || cg_die "cannot read the completion script"
import re, sys
cmd = None
seen = set()
for line in open(sys.argv[1]):
    m = re.match(r"^  ([a-z][a-z-]*)\)$", line.rstrip("\n"))
    if m:
        cmd = m.group(1)
        continue
    for name, eq in re.findall(r"'--([a-z0-9][a-z0-9-]*)(=?)\[", line):
        if cmd and (cmd, name) not in seen: # --config: the command's own, then the global one
            seen.add((cmd, name))
            print(cmd, name, 1 if eq else 0)
PY
cmds=$(cut -d' ' -f1 "$T/tables" | uniq)
[ "$(wc -w <<<"$cmds")" -ge 15 ] && cg_ok || cg_die "too few commands in the completion script: $cmds"

# probe CMD... -- OPT HASARG: the parser knows --OPT (rc 0 with the help, or a
# usage error about the value, never "unknown option")
probe() {
  local opt=$1 hasarg=$2 arg
  shift 2
  arg="--$opt"
  [ "$hasarg" = 1 ] && arg="--$opt=probe-value"
  env -i PATH="$PATH" HOME="$T" timeout -k 2 20 "$CGATE" "$@" "$arg" --help >"$T/p.out" 2>"$T/p.err"
  local rc=$?
  if grep -qiE "unknown option|unrecognized option" "$T/p.err"; then
    cg_fail "cgate $* $arg --help: the parser does not know --$opt: $(head -c 300 "$T/p.err")"
  elif [ "$rc" = 0 ]; then
    cg_ok # parsed, then the help (or the option's own answer: lint --list-checks)
  elif grep -qE -- "--$opt|probe-value" "$T/p.err"; then
    cg_ok # parsed, and its value refused or used (serve --config reads its file at once)
  else
    cg_fail "cgate $* $arg --help: exit $rc, neither the help nor a complaint about --$opt: $(head -c 300 "$T/p.err")"
  fi
}
# the words before the options (commands whose first argument is a subcommand)
prefix() { case $1 in db) echo "db import" ;; audit) echo "audit verify" ;; *) echo "$1" ;; esac; }

for c in $cmds; do
  "$CGATE" "$c" --help >"$T/$c.help" 2>"$T/$c.help.err"
  [ $? = 0 ] && [ -s "$T/$c.help" ] && cg_ok || { cg_fail "cgate $c --help: no help on stdout"; continue; }
  # table -> help (--config and --no-color are global unless the command owns them)
  while read -r _ name hasarg; do
    if [ "$name" = no-color ] || { [ "$name" = config ] && ! grep -q -- "--config" "$T/$c.help"; }; then
      continue
    fi
    grep -qE -- "(^|[^a-z0-9-])--$name([^a-z0-9-]|\$)" "$T/$c.help" && cg_ok ||
      cg_fail "cgate $c: --$name is in the getopt table but not in --help"
    # shellcheck disable=SC2046
    probe "$name" "$hasarg" $(prefix "$c")
  done < <(grep "^$c " "$T/tables")
  # help -> table: option lines, then any mention
  for name in $(grep -oE -- "(^|[^a-zA-Z0-9-])--[a-z0-9][a-z0-9-]*" "$T/$c.help" | sed 's/.*--//' | sort -u); do
    if grep -q "^$c $name " "$T/tables"; then
      cg_ok
    elif foreign "$c" "$name" && ! grep -qE -- "^ +(-[a-zA-Z0-9], )?--$name([^a-z0-9-]|\$)" "$T/$c.help"; then
      cg_ok
    else
      cg_fail "cgate $c --help lists --$name but its getopt table has no such option"
    fi
  done
done

# the subcommand with a table of its own
for o in scope name help; do
  grep -q -- "--$o" "$T/serve.help" && cg_ok || cg_fail "serve --help does not show hash-token's --$o"
  probe "$o" "$([ $o = help ] && echo 0 || echo 1)" serve hash-token
done

cg_finish
