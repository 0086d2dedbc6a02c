#!/bin/sh
# Regenerates expected.tsv from status.layer0 / status.layer1 with awk only
# (independent of cgate's parser).  Columns: name arch version source
# source_version layer ("-" = none).  layer is 0 when layer 0's status has the
# same name/arch/version installed, else 1.
set -eu
cd "$(dirname "$0")"
extract() {
  awk 'BEGIN { RS = ""; FS = "\n" }
  { pkg = ver = arch = st = src = ""
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^Package: /) pkg = substr($i, 10)
      else if ($i ~ /^Version: /) ver = substr($i, 10)
      else if ($i ~ /^Architecture: /) arch = substr($i, 15)
      else if ($i ~ /^Status: /) st = substr($i, 9)
      else if ($i ~ /^Source: /) src = substr($i, 9)
    }
    split(st, w, " ")
    if (pkg == "" || w[3] != "installed") next
    sname = src; sver = "-"
    if (src == "") sname = pkg
    else if (match(src, / \(.*\)$/)) {
      sname = substr(src, 1, RSTART - 1); sver = substr(src, RSTART + 2, RLENGTH - 3)
      if (sver == ver) sver = "-"
    }
    print pkg "\t" arch "\t" ver "\t" sname "\t" sver
  }' "$1"
}
extract status.layer0 | sort > /tmp/cg-l0.$$
extract status.layer1 | sort | awk -v l0=/tmp/cg-l0.$$ 'BEGIN { FS = OFS = "\t"
    while ((getline line < l0) > 0) { split(line, f, "\t"); seen[f[1] "\t" f[2] "\t" f[3]] = 1 } }
  { print $0, ((($1 "\t" $2 "\t" $3) in seen) ? 0 : 1) }' > expected.tsv
rm -f /tmp/cg-l0.$$
