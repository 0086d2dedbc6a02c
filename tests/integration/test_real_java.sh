#!/usr/bin/env bash
# test_real_java.sh - the Java cataloger on the lab image img-mixed (real jars:
# Debian's under /usr/share/java, reached also through versioned and maven-repo
# symlinks, and copies under /opt/app outside dpkg).  cgate's maven set
# (name, version, path) equals img-mixed.truth.tsv's, and exactly the jars the
# truth marks dpkg_owned carry cgate:owned-by.  Exit 77 when the image is absent.
. "$(dirname "$0")/lib.sh"
cg_setup real_java

LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
IMG="$LAB/img-mixed.docker.tar"
TRUTH="$LAB/img-mixed.truth.tsv"
[ -f "$IMG" ] && [ -f "$TRUTH" ] || cg_skip "lab image $IMG (or its truth) not present"

cg_sbom "$T/out.json" "$T/err" "docker-archive:$IMG"
cg_expect_rc 0 "sbom img-mixed" "$T/err" || cg_finish
cg_info "cgate sbom img-mixed took ${CG_LAST_MS} ms"

# truth: maven  GROUP:ARTIFACT  VERSION  PATH  yes|no
awk -F'\t' '$1 == "maven" { print $2 " " $3 " " $4 " " $5 }' "$TRUTH" | sort >"$T/want.txt"
jq -r '.components[] | select(.purl // "" | startswith("pkg:maven/"))
       | (.purl | ltrimstr("pkg:maven/") | split("@")[0] | split("/")) as $ga
       | ((.properties // []) | map({(.name): .value}) | add) as $p
       | "\($ga[0]):\($ga[1]) \(.version) \($p["cgate:location:0:path"]) \(if $p["cgate:owned-by"] then "yes" else "no" end)"' \
  "$T/out.json" | sort >"$T/got.txt"
cg_expect_same_text "$T/want.txt" "$T/got.txt" "img-mixed maven packages (group:artifact version path owned)"

# every one says where its metadata came from
n_src=$(jq '[.components[] | select(.purl // "" | startswith("pkg:maven/")) | select(any(.properties[]?; .name == "cgate:java:metadata-source" and .value == "pom.properties"))] | length' "$T/out.json")
cg_expect_eq "$(wc -l <"$T/want.txt" | tr -d ' ')" "$n_src" "metadata-source pom.properties on every jar"

# no Java warnings on these well-formed jars
if jq -r '.metadata.component.properties[]? | select(.name == "cgate:warning") | .value' "$T/out.json" | grep -E '\.(jar|war)' >"$T/jw.txt"; then
  cg_fail "warnings about jars: $(tr '\n' '|' <"$T/jw.txt")"
else
  cg_ok
fi
cg_finish
