#!/usr/bin/env bash
# test_real_npm_python.sh - the npm and pypi package sets cgate finds in the lab
# images (../shared/lab/make-images.sh) equal their independent inventories
# (*.truth.tsv: ecosystem, name, version, path, dpkg_owned), and packages a
# Debian package installed carry cgate:owned-by.  Skipped when the images are absent.
. "$(dirname "$0")/lib.sh"
cg_setup real_npm_python
LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
[ -d "$LAB/img-node.oci" ] && [ -f "$LAB/img-node.truth.tsv" ] || cg_skip "no lab images in $LAB"

# got TYPE OUT : "name<TAB>version<TAB>path<TAB>owned" of cgate's TYPE packages,
# npm names with their scope, pypi names PEP 503-normalised; the application
# package.json is not a dependency and is left out
got() {
  jq -r --arg t "$1" '.components[] | select(any(.properties[]?; .name == "cgate:package:type" and .value == $t))
    | select(all(.properties[]; .name != "cgate:npm:role"))
    | [((.properties[] | select(.name == "cgate:npm:name") | .value) // .name), .version,
       (.properties[] | select(.name == "cgate:location:0:path") | .value),
       (if any(.properties[]; .name == "cgate:owned-by") then "yes" else "no" end)] | @tsv' "$2" | sort
}
want() {
  awk -F'\t' -v e="$1" 'NR > 1 && ($1 == e || $1 == e "-system") {
      n = $2; if (e == "pypi") { n = tolower(n); gsub(/[-_.]+/, "-", n) }
      print n "\t" $3 "\t" $4 "\t" $5 }' "$2" | sort
}

for img in img-node img-mixed; do
  [ -d "$LAB/$img.oci" ] || { cg_info "$img absent"; continue; }
  cg_sbom "$T/$img.json" "$T/$img.err" "oci:$LAB/$img.oci"
  cg_expect_rc 0 "$img" "$T/$img.err" || continue
  for eco in npm pypi; do
    got "$eco" "$T/$img.json" >"$T/$img.$eco.got"
    want "$eco" "$LAB/$img.truth.tsv" >"$T/$img.$eco.want"
    cg_expect_same_text "$T/$img.$eco.want" "$T/$img.$eco.got" "$img $eco (name, version, path, dpkg-owned)"
    cg_info "$img $eco: $(wc -l <"$T/$img.$eco.got") packages"
  done
done
if [ -f "$T/img-node.npm.got" ]; then
  n=$(wc -l <"$T/img-node.npm.got")
  [ "$n" -ge 90 ] && cg_ok || cg_fail "img-node: only $n npm packages"
  cg_expect_eq "lab-vulnerable-app" "$(jq -r '[.components[] | select(any(.properties[]?; .name == "cgate:npm:role")) | .name] | join(",")' "$T/img-node.json")" "img-node application"
fi
cg_finish
