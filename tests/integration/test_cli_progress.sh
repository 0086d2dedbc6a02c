#!/usr/bin/env bash
# test_cli_progress.sh - progress of registry transfers (issue 16): `push` and
# `pull` draw one redrawn line ("pushing 1.2 MB  3.4 MB/s  N blobs") on stderr
# when it is a terminal (script(1), a real pty), clear it before their last
# message, and print nothing of it when stderr is a pipe or with -q.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup cli_progress
command -v script >/dev/null || cg_skip "script(1) (bsdutils) is not installed"
reg_need
reg_start plain plain
# a layer of 4 MB that does not compress
head -c 3000000 /dev/urandom | base64 -w0 >"$T/blob.txt"
jq -n --rawfile b "$T/blob.txt" '{layers:[{entries:[{path:"etc/os-release",content:"ID=debian\nVERSION_ID=\"12\"\n"},
  {path:"data/blob",content:$b}]}]}' >"$T/spec.json"
mkimage "$T/spec.json" docker-archive "$T/img.tar"

script -qec "$CGATE push docker-archive:$T/img.tar docker://$REG/prog/a:v1" /dev/null >"$T/push.tty" 2>&1 </dev/null
grep -q "sha256:" "$T/push.tty" && cg_ok || cg_fail "push on a terminal failed: $(head -c 400 "$T/push.tty")"
grep -q "pushing [0-9.]* MB  [0-9.]* MB/s" "$T/push.tty" && cg_ok || cg_fail "no push progress line: $(head -c 400 "$T/push.tty" | od -c | head -5)"
# the line is cleared before the summary
grep -q $'\r\033\\[Ksha256:' "$T/push.tty" && cg_ok || cg_fail "push progress not cleared before the summary"
cg_run "$T/p.out" "$T/p.err" push "docker-archive:$T/img.tar" "docker://$REG/prog/b:v1"
cg_expect_rc 0 "push piped" "$T/p.err"
! grep -q "pushing" "$T/p.err" && cg_ok || cg_fail "progress on a pipe: $(cat "$T/p.err")"
script -qec "$CGATE push -q docker-archive:$T/img.tar docker://$REG/prog/c:v1" /dev/null >"$T/pushq.tty" 2>&1 </dev/null
! grep -q "pushing" "$T/pushq.tty" && cg_ok || cg_fail "progress despite -q"

script -qec "$CGATE pull docker://$REG/prog/a:v1 oci:$T/pulled.oci" /dev/null >"$T/pull.tty" 2>&1 </dev/null
grep -q "pulling [0-9.]* MB  [0-9.]* MB/s" "$T/pull.tty" && cg_ok || cg_fail "no pull progress line: $(head -c 300 "$T/pull.tty")"
[ -f "$T/pulled.oci/index.json" ] && cg_ok || cg_fail "pull on a terminal wrote no layout"
cg_finish
