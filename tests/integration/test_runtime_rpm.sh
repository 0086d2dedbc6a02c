#!/usr/bin/env bash
# test_runtime_rpm.sh - runtime evidence mapped to rpm packages through the rpm
# database's file lists (BASENAMES/DIRNAMES/DIRINDEXES): a real rpmdb.sqlite
# (CBL-Mariner 2.0, 129 packages, tests/data/go-rpmdb) in an image holding
# every file it lists, usr-merged (/bin, /sbin, /lib, /lib64 -> usr/...); one
# advisory per package; a path list of 40 files picked at random (half named
# through the other side of the usr-merge) plus unowned paths.  Every finding
# is marked loaded exactly when the independent reading (tests/tools/
# rpmdb_files.py, a Python header parser) says a file of its package was
# opened; none says filesKnown false; the never-loaded ones get VEX statements.
. "$(dirname "$0")/lib.sh"
cg_setup runtime_rpm
"$CGATE" db --help >/dev/null 2>&1 || cg_skip "cgate db is not in this build"
DB_SRC=$CG_TEST_DATA/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite
python3 "$CG_TESTS/tools/rpmdb_files.py" "$DB_SRC" >"$T/files.tsv" || cg_die "rpmdb_files.py failed"
[ "$(wc -l <"$T/files.tsv")" -gt 5000 ] || cg_die "the independent reading found too few files"
cp "$DB_SRC" "$T/rpmdb.sqlite"

# the image spec, the OSV records, the evidence and the expected answer, from the independent reading
python3 - "$T" <<'PY'
import json, os, random, sys
T = sys.argv[1]
MERGED = ("bin", "sbin", "lib", "lib64")
def resolve(p):  # the image's usr-merge: /bin/x -> usr/bin/x
    parts = p.strip("/").split("/")
    if parts[0] in MERGED:
        parts = ["usr"] + parts
    return "/".join(parts)
rows = [l.rstrip("\n").split("\t") for l in open(T + "/files.tsv")]
paths = {resolve(r[3]) for r in rows if r[3] != "/"}
dirs = set()
for p in paths:
    parts = p.split("/")
    for i in range(1, len(parts)):
        dirs.add("/".join(parts[:i]))
files = sorted(p for p in paths if p not in dirs and p.split("/")[0] not in MERGED)
owners = {}
for name, evr, arch, p in rows:
    rp = resolve(p)
    if rp in files:
        owners.setdefault(rp, set()).add(name)
entries = [{"path": d, "type": "symlink", "target": "usr/" + d} for d in MERGED]
entries += [{"path": f, "content": "x"} for f in files
            if not f.startswith("var/lib/rpm/") and f not in ("etc/os-release", "usr/lib/os-release")]
entries.append({"path": "etc/os-release", "content": "ID=rocky\nVERSION_ID=\"9.3\"\n"})
entries.append({"path": "var/lib/rpm/rpmdb.sqlite", "content_file": T + "/rpmdb.sqlite"})
entries.append({"path": "tmp/unowned", "content": "x"})
json.dump({"layers": [{"entries": entries}]}, open(T + "/spec.json", "w"))
os.makedirs(T + "/osv", exist_ok=True)
for name in sorted({r[0] for r in rows}):
    json.dump({"id": "CGATE-RPM-" + name, "modified": "2025-01-01T00:00:00Z", "summary": "test " + name,
               "affected": [{"package": {"ecosystem": "Rocky Linux:9", "name": name},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
              open("%s/osv/%s.json" % (T, name), "w"))
rnd = random.Random(18)
picked = rnd.sample(files, 40)
ev = []
for i, f in enumerate(picked):
    parts = f.split("/")
    if i % 2 and len(parts) > 2 and parts[0] == "usr" and parts[1] in MERGED:
        ev.append("/" + "/".join(parts[1:]))   # through the /bin -> usr/bin symlink
    else:
        ev.append("/" + f)
ev += ["/proc/self/maps", "/tmp/unowned", "/usr/lib/../lib/nonexistent"]
open(T + "/paths.txt", "w").write("".join(p + "\n" for p in ev))
loaded = set()
for f in picked:
    loaded |= owners.get(f, set())
json.dump({n: n in loaded for n in {r[0] for r in rows}}, open(T + "/want.json", "w"))
open(T + "/nloaded.txt", "w").write("%d %d\n" % (len(loaded), len({r[0] for r in rows}) - len(loaded)))
PY
[ $? = 0 ] || cg_die "could not build the fixture"
mkimage "$T/spec.json" oci "$T/img"
cg_run "$T/i.out" "$T/i.err" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import" "$T/i.err"
cg_run "$T/out" "$T/err" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z --runtime-evidence "$T/paths.txt" \
  --vex-out "$T/vex.json" "oci:$T/img"
cg_expect_rc 0 "scan with a path list over an rpm image" "$T/err"
read -r NL NN <"$T/nloaded.txt"
cg_info "independent reading: $NL packages loaded, $NN not"
[ "$NL" -ge 5 ] && [ "$NN" -ge 5 ] && cg_ok || cg_fail "the sample does not exercise both sides ($NL loaded, $NN not)"
# advisories match binary and source names: compare per package (PkgName)
jq -r '[.Results[].Vulnerabilities[]? | "\(.PkgName)=\(.cgate.runtime.loaded)"] | unique | .[]' "$T/out" >"$T/got.txt"
jq -r 'to_entries | .[] | "\(.key)=\(.value)"' "$T/want.json" | sort >"$T/want.txt"
[ "$(wc -l <"$T/got.txt")" -ge 100 ] && cg_ok || cg_fail "only $(wc -l <"$T/got.txt") packages have findings"
BAD=$(comm -23 "$T/got.txt" "$T/want.txt" | head -5 | tr '\n' ' ')
cg_expect_eq "" "$BAD" "every rpm package with a finding is loaded exactly when a file of it was opened"
[ "$(grep -c '=true$' "$T/got.txt")" -ge 10 ] && cg_ok || cg_fail "fewer than 10 loaded packages have findings"
cg_expect_eq "0" "$(jq '[.Results[].Vulnerabilities[]? | select(.cgate.runtime.filesKnown == false)] | length' "$T/out")" \
  "the files of every rpm package are known"
cg_expect_eq "3" "$(jq '.cgate.runtime.unowned' "$T/out")" "/proc, an unpackaged and a missing file: unowned"
cg_expect_eq "$(jq '[.Results[].Vulnerabilities[]? | select(.cgate.runtime.loaded == false) | "\(.VulnerabilityID) \(.PkgIdentifier.PURL)"] | unique | length' "$T/out")" \
  "$(jq '.statements | length' "$T/vex.json")" "VEX: one statement per never-loaded (vulnerability, package)"
# a bash file through /bin (usr-merge) marks bash loaded, with the path as written
printf '/bin/bash\n' >"$T/bash.txt"
cg_run "$T/out2" "$T/err2" scan --db "$T/db.sqlite" --now 2025-06-01T00:00:00Z --runtime-evidence "$T/bash.txt" "oci:$T/img"
cg_expect_rc 0 "scan with /bin/bash" "$T/err2"
cg_expect_eq "CGATE-RPM-bash /bin/bash" \
  "$(jq -r '[.Results[].Vulnerabilities[]? | select(.cgate.runtime.loaded) | "\(.VulnerabilityID) \(.cgate.runtime.evidence[0])"] | join(",")' "$T/out2")" \
  "/bin/bash: bash only"
cg_finish
