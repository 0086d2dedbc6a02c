#!/usr/bin/env python3
# rpmdb_files.py - an independent reading of an rpm SQLite database's file
# lists (for tests/integration/test_runtime_rpm_jar.sh): for each header blob
# of table Packages, NAME/VERSION/RELEASE/ARCH and DIRNAMES[DIRINDEXES[i]] +
# BASENAMES[i].  Prints "name<TAB>version-release<TAB>arch<TAB>path" lines.
import sqlite3, struct, sys

def strs(data, off, count):
    out = []
    for _ in range(count):
        end = data.index(b"\0", off)
        out.append(data[off:end].decode("utf-8", "replace"))
        off = end + 1
    return out

def header(blob):
    il, dl = struct.unpack(">II", blob[:8])
    data = blob[8 + 16 * il: 8 + 16 * il + dl]
    tags = {}
    for i in range(il):
        tag, typ, off, cnt = struct.unpack(">IIII", blob[8 + 16 * i: 24 + 16 * i])
        if typ in (6, 9):
            tags[tag] = strs(data, off, 1)[0]
        elif typ == 8:
            tags[tag] = strs(data, off, cnt)
        elif typ == 4:
            tags[tag] = list(struct.unpack(">%dI" % cnt, data[off:off + 4 * cnt]))
    return tags

con = sqlite3.connect("file:%s?immutable=1" % sys.argv[1], uri=True)
for (blob,) in con.execute("SELECT blob FROM Packages"):
    t = header(bytes(blob))
    name = t.get(1000)
    if name == "gpg-pubkey":
        continue
    evr = "%s-%s" % (t.get(1001), t.get(1002))
    arch = t.get(1022, "")
    dirs, bases, idx = t.get(1118, []), t.get(1117, []), t.get(1116, [])
    for b, d in zip(bases, idx):
        print("%s\t%s\t%s\t%s" % (name, evr, arch, dirs[d] + b))
