#!/usr/bin/env bash
# test_sign_keygen.sh - `cgate keygen` writes what cosign writes, checked without
# cgate: the key decrypts with tests/tools/cosign_key.py (hashlib.scrypt + a
# Python secretbox) to a PKCS#8 key whose public half (openssl) is cosign.pub,
# with N=32768 r=8 p=1, a 32-byte salt and a 24-byte nonce, in cosign's field
# order; mode 0600; no overwrite without --force; the password from
# COSIGN_PASSWORD or a terminal prompt that does not echo.
. "$(dirname "$0")/lib.sh"
cg_setup sign_keygen
command -v openssl >/dev/null || cg_skip "openssl is not installed"
CK="$CG_TESTS/tools/cosign_key.py"
cd "$T"

COSIGN_PASSWORD='s3cret pass' cg_run out err keygen
cg_expect_rc 0 "keygen" err
cg_expect_eq "600" "$(stat -c %a cosign.key)" "cosign.key mode"
cg_expect_eq "644" "$(stat -c %a cosign.pub)" "cosign.pub mode"
if python3 "$CK" decrypt cosign.key 's3cret pass' > key.der 2>ck.err; then cg_ok; else cg_fail "python could not decrypt cgate's key: $(cat ck.err)"; fi
openssl pkey -inform DER -in key.der -pubout -out pub.from-private 2>/dev/null || cg_fail "openssl cannot read the decrypted PKCS#8 key"
cg_expect_same_text cosign.pub pub.from-private "public key derived by openssl from the decrypted private key"
openssl asn1parse -inform DER -in key.der 2>/dev/null | grep -q 'prime256v1' && cg_ok || cg_fail "decrypted key is not on prime256v1"
python3 "$CK" decrypt cosign.key 'wrong' >/dev/null 2>&1 && cg_fail "wrong password decrypted" || cg_ok
python3 "$CK" inspect cosign.key > insp.json
cg_expect_eq "ENCRYPTED COSIGN PRIVATE KEY" "$(jq -r .label insp.json)" "PEM label"
cg_expect_eq '{"N":32768,"r":8,"p":1}' "$(jq -c .params insp.json)" "scrypt params"
cg_expect_eq "32 24 scrypt nacl/secretbox" "$(jq -r '"\(.salt_len) \(.nonce_len) \(.kdf) \(.cipher)"' insp.json)" "salt, nonce, names"
# cosign's Go struct order, compact: kdf{name,params{N,r,p},salt}, cipher{name,nonce}, ciphertext
if jq -r .body insp.json | grep -Eq '^\{"kdf":\{"name":"scrypt","params":\{"N":32768,"r":8,"p":1\},"salt":"[A-Za-z0-9+/=]{44}"\},"cipher":\{"name":"nacl/secretbox","nonce":"[A-Za-z0-9+/=]{32}"\},"ciphertext":"[A-Za-z0-9+/=]+"\}$'; then cg_ok; else cg_fail "JSON body layout: $(jq -r .body insp.json)"; fi
# PEM lines of 64 characters, as Go's pem.Encode writes
awk 'NR>1 && !/^-----/ && length($0) > 64 {bad=1} END {exit bad}' cosign.key && cg_ok || cg_fail "PEM lines longer than 64"
openssl pkey -pubin -in cosign.pub -noout 2>/dev/null && cg_ok || cg_fail "openssl cannot read cosign.pub"

# no overwrite without --force; the files are untouched
cp cosign.key before.key
COSIGN_PASSWORD=x cg_run out err keygen
cg_expect_rc 3 "keygen over an existing key" err
cg_expect_one_error err "keygen over an existing key" "cosign.key already exists" "--force"
cmp -s cosign.key before.key && cg_ok || cg_fail "cosign.key changed without --force"
rm cosign.key
COSIGN_PASSWORD=x cg_run out err keygen
cg_expect_rc 3 "keygen with only cosign.pub existing" err
[ ! -e cosign.key ] && cg_ok || cg_fail "cosign.key written although cosign.pub existed"
COSIGN_PASSWORD=x cg_run out err keygen --force
cg_expect_rc 0 "keygen --force" err
cg_expect_eq "600" "$(stat -c %a cosign.key)" "cosign.key mode after --force"
python3 "$CK" decrypt cosign.key x >/dev/null && cg_ok || cg_fail "forced key does not decrypt with the new password"

# prefix, empty password (cosign allows it)
mkdir sub
COSIGN_PASSWORD= cg_run out err keygen --output-key-prefix sub/release
cg_expect_rc 0 "keygen --output-key-prefix" err
python3 "$CK" decrypt sub/release.key '' >/dev/null && cg_ok || cg_fail "empty-password key does not decrypt"
[ -f sub/release.pub ] && cg_ok || cg_fail "sub/release.pub missing"
cg_run out err keygen --output-key-prefix nodir/x
[ "$RC" != 0 ] && cg_ok || cg_fail "keygen into a missing directory succeeded"

# usage errors
cg_run out err keygen extra
cg_expect_rc 2 "keygen with an argument" err
cg_run out err keygen --bogus
cg_expect_rc 2 "keygen --bogus" err
cg_run out err keygen --help
cg_expect_rc 0 "keygen --help" err
grep -q 'ENCRYPTED COSIGN PRIVATE KEY' out && cg_ok || cg_fail "help does not describe the format"

# no variable, no terminal: a clear usage error, nothing written
mkdir nopw && (cd nopw && env -u COSIGN_PASSWORD setsid -w "$CGATE" keygen </dev/null >../out 2>../err); RC=$?
cg_expect_rc 2 "keygen without a password source" err
cg_expect_one_error err "keygen without a password source" "COSIGN_PASSWORD"
[ -z "$(ls nopw)" ] && cg_ok || cg_fail "keygen without a password left files: $(ls nopw)"

# a terminal: asked twice, nothing echoed; a mismatch is refused
cat > ttykeygen.py <<'PY'
import os, pty, sys, time
cgate, cwd, first, second = sys.argv[1:5]
env = {k: v for k, v in os.environ.items() if k != "COSIGN_PASSWORD"}
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execve(cgate, [cgate, "keygen"], env)
out = b""
def upto(s, t=20):
    global out
    end = time.time() + t
    while s not in out and time.time() < end:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
upto(b"password for private key: ")
os.write(fd, first.encode() + b"\n")
upto(b"again: ")
os.write(fd, second.encode() + b"\n")
upto(b"\xff", 30)  # read to EOF
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
mkdir tty1 tty2
python3 ttykeygen.py "$CGATE" tty1 'typed secret' 'typed secret' > tty1.out 2>&1; RC=$?
cg_expect_rc 0 "keygen on a terminal" tty1.out
grep -q 'typed secret' tty1.out && cg_fail "the password was echoed: $(tr '\r\n' '  ' < tty1.out)" || cg_ok
grep -q 'Enter password for private key again' tty1.out && cg_ok || cg_fail "no confirmation prompt: $(tr '\r\n' '  ' < tty1.out)"
python3 "$CK" decrypt tty1/cosign.key 'typed secret' >/dev/null && cg_ok || cg_fail "key from the terminal password does not decrypt"
python3 ttykeygen.py "$CGATE" tty2 'one' 'two' > tty2.out 2>&1; RC=$?
cg_expect_rc 2 "keygen with differing passwords" tty2.out
grep -q 'do not match' tty2.out && cg_ok || cg_fail "no mismatch message: $(tr '\r\n' '  ' < tty2.out)"
[ ! -e tty2/cosign.key ] && cg_ok || cg_fail "a key was written after a password mismatch"

cg_finish
