#!/usr/bin/env python3
"""table_check.py - checks a table captured from a terminal (script(1) output):
no line wider than WIDTH, and no word of the report split across lines or
columns: every token of the table body must be a whole word of the JSON
report (or a word elided as "xxx...", whose prefix starts a word of it).

usage: table_check.py WIDTH TTY_OUTPUT REPORT_JSON HEADER_WORD
"""
import json
import re
import sys

width, tty, report, header = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
text = open(tty, encoding="utf-8", errors="replace").read()
text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text).replace("\r", "")
lines = text.split("\n")
errors = []
for i, l in enumerate(lines):
    if len(l) > width:
        errors.append("line %d is %d columns wide (> %d): %r" % (i + 1, len(l), width, l))

words = set()


def walk(v):
    if isinstance(v, str):
        words.update(v.split())
        words.update(re.split(r"[/:@?]", v))  # purl parts: the type column
    elif isinstance(v, dict):
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        words.add(str(v))
        words.add("%.1f" % v)


walk(json.load(open(report, encoding="utf-8")))
body, rows = False, 0
for l in lines:
    toks = l.split()
    if toks and toks[0] == header:
        body = True
        words.update(toks)
        continue
    if not l.strip():
        body = False
        continue
    if not body:
        continue
    rows += 1
    for t in toks:
        if t in words or t.lower() in words or t.upper() in words or t in ("yes", "-", "(loaded)"):
            continue
        if t.endswith("...") and any(w.startswith(t[:-3]) for w in words):
            continue
        errors.append("token %r is not a whole word of the report (split?) in line %r" % (t, l))
if rows == 0:
    errors.append("no table rows under a %s header" % header)
for e in errors[:10]:
    print(e)
sys.exit(1 if errors else 0)
