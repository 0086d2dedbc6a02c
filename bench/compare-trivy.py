#!/usr/bin/env python3
"""compare-trivy.py - package sets of two CycloneDX SBOMs of the same image,
cgate's and Trivy's, keyed by (purl type, namespace/name, version) taken from
the purls (Trivy puts a Debian epoch in a qualifier; it is folded back into the
version so both sides compare alike).  Prints what only one side has, per type.

    compare-trivy.py CGATE.cdx.json TRIVY.cdx.json
"""
import json
import sys
from collections import defaultdict
from urllib.parse import unquote


def parse_purl(p):
    if not p or not p.startswith("pkg:"):
        return None
    rest = p[4:]
    rest = rest.split("#", 1)[0]
    quals = {}
    if "?" in rest:
        rest, q = rest.split("?", 1)
        for kv in q.split("&"):
            if "=" in kv:
                k, v = kv.split("=", 1)
                quals[k] = unquote(v)
    version = None
    if "@" in rest:
        rest, version = rest.rsplit("@", 1)
        version = unquote(version)
    parts = [unquote(x) for x in rest.split("/")]
    typ, name = parts[0], "/".join(parts[1:])
    if typ in ("deb", "apk", "rpm"):  # OS packages: namespace is the distro
        name = parts[-1]
    if typ == "pypi":
        name = name.lower().replace("_", "-")
    if quals.get("epoch") and version and ":" not in version and typ == "deb":
        version = quals["epoch"] + ":" + version
    if typ == "rpm" and quals.get("epoch"):
        version = quals["epoch"] + ":" + version
    return typ, name, version


def packages(path):
    doc = json.load(open(path))
    out = defaultdict(set)
    def walk(comps):
        for c in comps or []:
            k = parse_purl(c.get("purl"))
            if k and c.get("type") != "operating-system":
                out[k[0]].add((k[1], k[2]))
            walk(c.get("components"))
    walk(doc.get("components"))
    return out


def main():
    a, b = packages(sys.argv[1]), packages(sys.argv[2])
    for t in sorted(set(a) | set(b)):
        only_a, only_b = sorted(a[t] - b[t]), sorted(b[t] - a[t])
        print(f"{t}: cgate {len(a[t])}, trivy {len(b[t])}, both {len(a[t] & b[t])}")
        for n, v in only_a:
            print(f"  only cgate: {n} {v}")
        for n, v in only_b:
            print(f"  only trivy: {n} {v}")


if __name__ == "__main__":
    main()
