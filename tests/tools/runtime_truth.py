#!/usr/bin/env python3
"""runtime_truth.py - the independent side of the runtime-evidence tests.

usage: runtime_truth.py ROOTFS STRACE_LOG REPORT.json {expect|paths|falco DIGEST}

expect: for every finding of REPORT, "VULN PKGNAME PKGPATH loaded" where loaded is
        computed here from the unpacked rootfs - dpkg .list files and node_modules
        package folders, paths resolved through the rootfs's own symlinks - and the
        successful opens/execs of the strace log.
got:    the same lines from cgate's cgate.runtime.loaded.
paths / falco: the log's successful paths as a path list / as Falco JSON events.
"""
import json, os, re, sys

root, log, report, mode = sys.argv[1:5]

def successes(path):
    pend, out = {}, []
    pat = re.compile(r'^(?:\[pid\s+)?(\d+)\]?\s+(.*)$')
    for line in open(path, errors='surrogateescape'):
        line = line.rstrip('\n')
        m = pat.match(line)
        pid, rest = (m.group(1), m.group(2)) if m else ('0', line)
        r = re.match(r'<\.\.\. (\w+) resumed>(.*)', rest)
        if r:
            if pid not in pend:
                continue
            p, tail = pend.pop(pid), r.group(2)
        else:
            c = re.match(r'(openat|open|execve)\([^"]*"((?:[^"\\]|\\.)*)"(.*)$', rest)
            if not c:
                continue
            p = bytes(c.group(2), 'utf-8', 'surrogateescape').decode('unicode_escape', 'surrogateescape')
            tail = c.group(3)
            if tail.endswith('<unfinished ...>'):
                pend[pid] = p
                continue
        res = re.search(r'\) = (-?\d+)', tail)
        if res and int(res.group(1)) >= 0:
            out.append(p)
    return out

def resolve(p):
    if not p.startswith('/') or '\0' in p:
        return None
    rem, out, hops = p.split('/'), [], 0
    while rem:
        c = rem.pop(0)
        if c in ('', '.'):
            continue
        if c == '..':
            if out:
                out.pop()
            continue
        full = os.path.join(root, *out, c)
        if os.path.islink(full):
            hops += 1
            if hops > 40:
                return None
            t = os.readlink(full)
            rem = t.split('/') + rem
            if t.startswith('/'):
                out = []
            continue
        out.append(c)
    return '/'.join(out)

def is_file(rel):
    full = os.path.join(root, rel)
    return os.path.isfile(full) and not os.path.islink(full)

paths = successes(log)
if mode == 'paths':
    print('\n'.join(paths))
    sys.exit(0)
if mode == 'falco':
    for i, p in enumerate(paths):
        ev = {"time": "2025-05-01T10:00:%02d.%06dZ" % (i // 1000000 % 60, i % 1000000), "rule": "open",
              "output_fields": {"evt.type": "openat", "fd.name": p, "proc.exepath": "/usr/local/bin/node",
                                "container.image.digest": sys.argv[5]}}
        print(json.dumps(ev))
    sys.exit(0)

# owners
deb = {}
info = os.path.join(root, 'var/lib/dpkg/info')
for fn in os.listdir(info):
    if fn.endswith('.list'):
        pkg = fn[:-5].split(':')[0]
        for line in open(os.path.join(info, fn), errors='surrogateescape'):
            r = resolve(line.rstrip('\n'))
            if r and is_file(r):
                deb.setdefault(r, set()).add(pkg)
opened = [r for r in (resolve(p) for p in paths) if r and is_file(r)]
loaded_deb = set()
for r in opened:
    loaded_deb |= deb.get(r, set())
def nm_folder(rel):  # the nearest node_modules/<pkg> (or @scope/pkg) folder holding a package.json
    parts = rel.split('/')
    for i in range(len(parts) - 1, 0, -1):
        d = '/'.join(parts[:i])
        if i >= 2 and (parts[i - 2] == 'node_modules' or (i >= 3 and parts[i - 3] == 'node_modules' and parts[i - 2].startswith('@'))) \
                and os.path.isfile(os.path.join(root, d, 'package.json')):
            return d
    return None
loaded_nm = {f for f in (nm_folder(r) for r in opened) if f}

rep = json.load(open(report))
for res in rep.get('Results', []):
    for v in res.get('Vulnerabilities') or []:
        if res.get('Class') == 'os-pkgs':
            want = v['PkgName'] in loaded_deb
        else:
            want = os.path.dirname(v.get('PkgPath', '')) in loaded_nm
        got = v.get('cgate', {}).get('runtime', {}).get('loaded')
        val = want if mode == 'expect' else got
        print(v['VulnerabilityID'], v['PkgName'], v.get('PkgPath', '-'), 'true' if val else 'false')
