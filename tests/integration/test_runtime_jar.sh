#!/usr/bin/env bash
# test_runtime_jar.sh - runtime evidence on Java archives: opening a jar (also
# through a symlink) marks every Maven package the java cataloger found in it
# loaded - its own, shaded ones and those of nested jars (BOOT-INF/lib) - and
# nothing else; a class named inside a jar ("/app/app.jar!/x/A.class",
# "jar:file:/app/app.jar!/BOOT-INF/lib/lib-a-1.0.jar!/a/A.class", as JVM
# class-loading logs write them) marks only the packages of the innermost
# archive it names; a nested archive without packages falls back to the outer
# jar's; the same through an strace log and Falco events.
. "$(dirname "$0")/lib.sh"
cg_setup runtime_jar
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
python3 - "$T" <<'PY' || cg_die "could not build the jars"
import io, json, os, sys, zipfile
T = sys.argv[1]
D = (2020, 1, 1, 0, 0, 0)
def jar(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, D), data)
    return b.getvalue()
def pom(g, a, v):
    return ("META-INF/maven/%s/%s/pom.properties" % (g, a), "groupId=%s\nartifactId=%s\nversion=%s\n" % (g, a, v))
lib_a = jar([pom("com.example", "lib-a", "1.0"), ("a/A.class", b"\xca\xfe")])
lib_b = jar([pom("com.example", "lib-b", "2.0"), ("b/B.class", b"\xca\xfe")])
app = jar([pom("com.example", "app", "1.0"), ("com/example/App.class", b"\xca\xfe"),
           ("BOOT-INF/lib/lib-a-1.0.jar", lib_a), ("BOOT-INF/lib/lib-b-2.0.jar", lib_b),
           ("BOOT-INF/lib/broken.jar", b"not a zip archive")])
shaded = jar([pom("com.example", "shaded", "1.0"), pom("com.google.guava", "guava", "20.0"),
              ("com/google/common/base/X.class", b"\xca\xfe")])
unused = jar([pom("com.example", "unused", "1.0")])
for n, b in (("app.jar", app), ("shaded-1.0.jar", shaded), ("unused-1.0.jar", unused)):
    open(os.path.join(T, n), "wb").write(b)
entries = [{"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\n"},
           {"path": "app/app.jar", "content_file": T + "/app.jar"},
           {"path": "opt/shaded/shaded-1.0.jar", "content_file": T + "/shaded-1.0.jar"},
           {"path": "opt/lib", "type": "symlink", "target": "shaded"},
           {"path": "opt/other/unused-1.0.jar", "content_file": T + "/unused-1.0.jar"}]
json.dump({"layers": [{"entries": entries}]}, open(T + "/spec.json", "w"))
os.makedirs(T + "/osv", exist_ok=True)
for ga in ("com.example:app", "com.example:lib-a", "com.example:lib-b", "com.example:shaded",
           "com.google.guava:guava", "com.example:unused"):
    a = ga.split(":")[1]
    json.dump({"id": "CGATE-JAR-" + a, "modified": "2025-01-01T00:00:00Z", "summary": "test " + a,
               "affected": [{"package": {"ecosystem": "Maven", "name": ga},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
              open("%s/osv/%s.json" % (T, a), "w"))
PY
mkimage "$T/spec.json" oci "$T/img"
IMG="oci:$T/img"
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import" "$T/i.err"
scan() { cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z --runtime-evidence "$1" "$IMG"; }
loaded() { jq -r '[.Results[].Vulnerabilities[]? | select(.cgate.runtime.loaded) | .VulnerabilityID | sub("CGATE-JAR-"; "")] | sort | join(",")' "$T/out"; }
# check LABEL WANT LINE... : a path list of the lines; the loaded set
check() {
  local label=$1 want=$2
  shift 2
  printf '%s\n' "$@" >"$T/paths.txt"
  scan "$T/paths.txt"
  cg_expect_rc 0 "$label: scan" "$T/err"
  cg_expect_eq "$want" "$(loaded)" "$label"
}

cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z "$IMG"
cg_expect_eq "app,guava,lib-a,lib-b,shaded,unused" \
  "$(jq -r '[.Results[].Vulnerabilities[]? | .VulnerabilityID | sub("CGATE-JAR-"; "")] | sort | join(",")' "$T/out")" \
  "six findings, one per Maven package"

check "a shaded jar opened through a symlink: it and what it shades" "guava,shaded" /opt/lib/shaded-1.0.jar
check "a fat jar opened: its own and its nested jars' packages" "app,lib-a,lib-b" /app/app.jar
check "a class of the fat jar itself: its own package only" "app" /app/app.jar!/com/example/App.class
check "a class of a nested jar (jar:file: URL): that jar's package only" "lib-a" \
  "jar:file:/app/app.jar!/BOOT-INF/lib/lib-a-1.0.jar!/a/A.class"
check "a nested jar named as such" "lib-b" /app/app.jar!/BOOT-INF/lib/lib-b-2.0.jar
check "a nested archive without packages (unreadable): the outer jar's" "app,lib-a,lib-b" /app/app.jar!/BOOT-INF/lib/broken.jar!/n/N.class
check "a class of a shaded jar through the symlink" "guava,shaded" /opt/lib/shaded-1.0.jar!/com/google/common/base/X.class
check "a jar that does not exist" "" /app/missing.jar!/x/Y.class
cg_expect_eq "1" "$(jq '.cgate.runtime.unowned' "$T/out")" "a missing jar is unowned"
cg_expect_eq "CGATE-JAR-lib-a /app/app.jar!/BOOT-INF/lib/lib-a-1.0.jar!/a/A.class" \
  "$(printf 'jar:file:/app/app.jar!/BOOT-INF/lib/lib-a-1.0.jar!/a/A.class\n' >"$T/p.txt"; scan "$T/p.txt";
     jq -r '.Results[].Vulnerabilities[]? | select(.cgate.runtime.loaded) | "\(.VulnerabilityID) \(.cgate.runtime.evidence[0])"' "$T/out")" \
  "the evidence path is kept as read (without the URL scheme)"

# the JVM opening the jars, as strace and Falco see it
cat >"$T/strace.log" <<'S'
77    execve("/usr/bin/java", ["java", "-jar", "/app/app.jar"], 0x7ffd /* 3 vars */) = 0
77    openat(AT_FDCWD, "/app/app.jar", O_RDONLY) = 4
77    openat(AT_FDCWD, "/opt/other/unused-1.0.jar", O_RDONLY) = -1 EACCES (Permission denied)
S
scan "$T/strace.log"
cg_expect_rc 0 "strace: scan" "$T/err"
cg_expect_eq "app,lib-a,lib-b" "$(loaded)" "strace: the opened fat jar, not the jar whose open failed"
printf '%s\n' '{"time":"2025-05-01T10:00:00Z","output_fields":{"evt.type":"openat","evt.res":"SUCCESS","fd.name":"/opt/lib/shaded-1.0.jar","proc.exepath":"/usr/bin/java"}}' >"$T/falco.json"
scan "$T/falco.json"
cg_expect_rc 0 "falco: scan" "$T/err"
cg_expect_eq "guava,shaded" "$(loaded)" "falco: the shaded jar through the symlink"
cg_finish
