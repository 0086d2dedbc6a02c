#!/usr/bin/env python3
"""Generate src/catalog/spdx_ids.c from CycloneDX's spdx.schema.json enum.

The enum holds every SPDX licence and exception identifier.  The table is
sorted by the ASCII-lower-cased id so license.c can look ids up with a
case-insensitive binary search and hand back the canonical spelling.

Usage: scripts/gen_spdx_ids.py /path/to/spdx.schema.json > src/catalog/spdx_ids.c
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    ids = schema["enum"]
    for i in ids:
        if not all(c.isascii() and (c.isalnum() or c in ".-+") for c in i):
            raise SystemExit(f"unexpected character in id {i!r}")
    ids = sorted(set(ids), key=lambda s: (s.lower(), s))
    lows = [i.lower() for i in ids]
    if len(set(lows)) != len(lows):
        raise SystemExit("ids differ only by case; the lookup assumes they do not")
    version = schema.get("$comment", "unknown")
    out = sys.stdout
    out.write("/*\n")
    out.write(" * spdx_ids.c - GENERATED, do not edit.  Every SPDX licence and exception id\n")
    out.write(f" * from CycloneDX spdx.schema.json ({version}), sorted by lower-cased id\n")
    out.write(" * for case-insensitive binary search in license.c.\n")
    out.write(" * Regenerate: python3 scripts/gen_spdx_ids.py \\\n")
    out.write(" *     /work/shared/data/schemas/cyclonedx/spdx.schema.json > src/catalog/spdx_ids.c\n")
    out.write(" */\n")
    out.write("#include <stddef.h>\n\n")
    out.write("extern const char *const cg_spdx_ids[];\n")
    out.write("extern const size_t cg_n_spdx_ids;\n\n")
    out.write("const char *const cg_spdx_ids[] = {\n")
    for i in ids:
        out.write(f'    "{i}",\n')
    out.write("};\n")
    out.write("const size_t cg_n_spdx_ids = sizeof cg_spdx_ids / sizeof cg_spdx_ids[0];\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
