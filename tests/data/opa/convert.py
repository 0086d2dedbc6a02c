#!/usr/bin/env python3
# Convert OPA's YAML conformance cases (cases/v1/<topic>/*.yaml) into one JSON
# file per Rego version, keeping every field as written. Usage:
#   convert.py /work/shared/data/opa/cases v1 > cases-v1.json
import json, os, sys, yaml
root, ver = sys.argv[1], sys.argv[2]
out = []
for topic in sorted(os.listdir(os.path.join(root, ver))):
    d = os.path.join(root, ver, topic)
    for f in sorted(os.listdir(d)):
        if not f.endswith('.yaml'):
            continue
        doc = yaml.safe_load(open(os.path.join(d, f)))
        for i, c in enumerate(doc.get('cases') or []):
            c['topic'] = topic
            c['file'] = f'{ver}/{topic}/{f}'
            out.append(c)
def default(o):
    return str(o)
json.dump(out, sys.stdout, indent=0, sort_keys=True, default=default)
