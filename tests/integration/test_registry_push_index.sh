#!/usr/bin/env bash
# test_registry_push_index.sh - cgate push of a multi-platform image (an OCI image
# index) against Debian's docker-registry on 127.0.0.1 (no auth):
# - a 2-platform oci: layout and its oci-archive: are pushed whole: cgate prints the
#   source's index digest, skopeo reads back the very same index bytes, each
#   platform's manifest exists, `cgate sbom --platform` of the pushed tag gives each
#   platform's package; a second push uploads nothing; registry-to-registry mounts;
# - a flat layout (index.json listing the platforms) pushes index.json as the index,
#   with or without the tag; a Docker manifest list is copied registry to registry;
# - an index with a BuildKit-style attestation (unknown/unknown) pushes it too, also
#   from one registry to another;
# - --platform linux/arm64 pushes only that image; REF@DIGEST must be the index's;
# - --sign-key signs the index digest (the before-tag hook gets it);
# - --require-decision (repeatable): decisions covering one platform are refused and
#   nothing is tagged; both platforms, or the index digest, push; a deny among them
#   or a decision about another image refuses;
# - bad input: an entry whose manifest blob is missing, or a nested index, is a
#   one-line error (exit 3) before anything is pushed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup registry_push_index
reg_need
command -v skopeo >/dev/null || cg_skip "skopeo is not installed"
reg_start plain plain

MT_INDEX=application/vnd.oci.image.index.v1+json
MT_MANIFEST=application/vnd.oci.image.manifest.v1+json
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$T/os-release"
plat() { # ARCH PKG -> one platform's spec
  printf '{"os":"linux","architecture":"%s","layers":[{"compression":"gzip","entries":[{"path":"etc/os-release","content_file":"%s"},{"path":"var/lib/dpkg/status","content":"Package: %s\\nStatus: install ok installed\\nArchitecture: %s\\nVersion: 1.0-1\\n\\n"}]}]}' \
    "$1" "$T/os-release" "$2" "$1"
}
printf '{"index_style":"nested","platforms":[%s,%s]}\n' "$(plat amd64 only-amd64)" "$(plat arm64 only-arm64)" >"$T/multi.json"
mkimage "$T/multi.json" oci "$T/multi.oci" --info "$T/multi.info"
mkimage "$T/multi.json" oci-archive "$T/multi.tar"
IDX=$(jq -r '.manifests[0].digest' "$T/multi.oci/index.json")
AMD=$(jq -r '.images[0].manifest.digest' "$T/multi.info")
ARM=$(jq -r '.images[1].manifest.digest' "$T/multi.info")
[[ "$IDX" =~ ^sha256: && "$AMD" =~ ^sha256: && "$ARM" =~ ^sha256: ]] || cg_die "mkimage gave no index/manifest digests"

# raw_digest REF : sha256 of the manifest bytes skopeo reads for docker://REF
raw_digest() {
  skopeo inspect --raw --tls-verify=false "docker://$1" 2>/dev/null >"$T/.raw" || { echo none; return; }
  echo "sha256:$(sha256sum <"$T/.raw" | cut -d' ' -f1)"
}
# expect_platform_pkgs REF LABEL : sbom --platform of each platform gives its own package
expect_platform_pkgs() {
  local pa
  for pa in amd64 arm64; do
    cg_sbom "$T/p-$pa.cdx" "$T/p-$pa.err" -q --platform "linux/$pa" "docker://$1"
    cg_expect_rc 0 "sbom --platform linux/$pa $1 ($2)" "$T/p-$pa.err" &&
      cg_expect_eq "only-$pa 1.0-1" "$(cg_pkgs "$T/p-$pa.cdx")" "$2: linux/$pa package"
  done
}

# ---- the whole index, from oci: and oci-archive:
n=0
for src in "oci:$T/multi.oci" "oci-archive:$T/multi.tar"; do
  n=$((n + 1))
  repo="t/idx$n"
  cg_run "$T/push$n.out" "$T/push$n.err" push "$src" "docker://$REG/$repo:v1"
  cg_expect_rc 0 "push $src" "$T/push$n.err" || continue
  cg_expect_eq "$IDX" "$(cat "$T/push$n.out")" "push of $src prints the source index digest"
  cg_expect_eq "$IDX" "$(raw_digest "$REG/$repo:v1")" "skopeo reads the source's index bytes ($src)"
  cg_expect_eq "$MT_INDEX" "$(jq -r .mediaType "$T/.raw")" "the tag names an index ($src)"
  cg_expect_eq "$IDX" "$(reg_manifest_digest "$REG/$repo:v1")" "skopeo inspect digest ($src)"
  cmp -s "$T/.raw" "$T/multi.oci/blobs/sha256/${IDX#sha256:}" && cg_ok || cg_fail "pushed index bytes differ from the source's ($src)"
  for d in "$AMD" "$ARM"; do
    cg_expect_eq 200 "$(reg_tag_status "$REG" "$repo" "$d")" "platform manifest $d pushed by digest ($src)"
  done
  grep -q 'index of 2 platform images and 0 attestation/artifact manifests, 4 blobs (4 uploaded, 0 already there' "$T/push$n.err" && cg_ok ||
    cg_fail "first push of $src should upload 4 blobs of 2 platforms: $(cat "$T/push$n.err")"
  expect_platform_pkgs "$REG/$repo:v1" "$src"
  cg_run "$T/again$n.out" "$T/again$n.err" push "$src" "docker://$REG/$repo:v1"
  cg_expect_rc 0 "second push $src" "$T/again$n.err"
  grep -q ' 4 blobs (0 uploaded, 4 already there, 0 mounted), 0 bytes sent' "$T/again$n.err" && cg_ok ||
    cg_fail "second push of $src should upload nothing: $(cat "$T/again$n.err")"
  cg_expect_eq "$IDX" "$(cat "$T/again$n.out")" "second push, same digest ($src)"
done

# ---- registry to registry (same host): the index is read whole, every blob mounted
cg_run "$T/r2r.out" "$T/r2r.err" push "docker://$REG/t/idx1:v1" "$REG/t/copy:v2"
cg_expect_rc 0 "push docker:// index -> docker://" "$T/r2r.err"
cg_expect_eq "$IDX" "$(cat "$T/r2r.out")" "registry copy prints the index digest"
cg_expect_eq "$IDX" "$(raw_digest "$REG/t/copy:v2")" "registry copy keeps the index bytes"
grep -q '4 blobs (0 uploaded, 0 already there, 4 mounted)' "$T/r2r.err" && cg_ok || cg_fail "registry copy should mount 4 blobs: $(cat "$T/r2r.err")"
expect_platform_pkgs "$REG/t/copy:v2" "registry copy"

# ---- cgate pull of the index: every platform, the index bytes, in an OCI layout
cg_run "$T/pull.out" "$T/pull.err" pull "docker://$REG/t/idx1:v1" "oci:$T/pulled"
cg_expect_rc 0 "pull of an index" "$T/pull.err"
cg_expect_eq "$IDX" "$(cat "$T/pull.out")" "pull of an index prints the index digest"
cg_expect_eq "$IDX|v1" "$(jq -r '.manifests[0] | "\(.digest)|\(.annotations["org.opencontainers.image.ref.name"])"' "$T/pulled/index.json")" \
  "index.json names the index under the source's tag"
(cd "$T/multi.oci/blobs/sha256" && ls | sort) >"$T/src.blobs"
(cd "$T/pulled/blobs/sha256" && ls | sort) >"$T/pulled.blobs"
cg_expect_same_text "$T/src.blobs" "$T/pulled.blobs" "the pulled layout holds exactly the source's blobs"
for b in $(cat "$T/pulled.blobs"); do
  cmp -s "$T/multi.oci/blobs/sha256/$b" "$T/pulled/blobs/sha256/$b" && cg_ok || cg_fail "pulled blob $b differs"
done
for pa in amd64 arm64; do
  cg_sbom "$T/pl-$pa.cdx" "$T/pl-$pa.err" -q --platform "linux/$pa" "oci:$T/pulled:v1"
  cg_expect_rc 0 "sbom --platform linux/$pa of the pulled index" "$T/pl-$pa.err" &&
    cg_expect_eq "only-$pa 1.0-1" "$(cg_pkgs "$T/pl-$pa.cdx")" "pulled index, linux/$pa"
done
cg_run "$T/pullo.out" "$T/pullo.err" pull --oci-media-types "docker://$REG/t/idx1:v1" "oci:$T/pulled-o"
cg_expect_rc 2 "pull --oci-media-types of an index" "$T/pullo.err" && cg_expect_one_error "$T/pullo.err" "oci types index" "--platform"
cg_run "$T/pull2.out" "$T/pull2.err" pull --platform linux/arm64 "docker://$REG/t/idx1:v1" "oci:$T/pulled-arm:a"
cg_expect_rc 0 "pull --platform of an index" "$T/pull2.err" && cg_expect_eq "$ARM" "$(cat "$T/pull2.out")" "pull --platform gives the platform's manifest"

# ---- REF@DIGEST must be the index's digest; by digest only, no tag
cg_run "$T/bd.out" "$T/bd.err" push "oci:$T/multi.oci" "$REG/t/bydigest@$IDX"
cg_expect_rc 0 "push to REF@index-digest" "$T/bd.err" && cg_expect_eq "$IDX" "$(raw_digest "$REG/t/bydigest@$IDX")" "pushed by digest"
cg_run "$T/bdw.out" "$T/bdw.err" push "oci:$T/multi.oci" "$REG/t/bydigest@$AMD"
cg_expect_rc 2 "push to REF@a-platform-digest" "$T/bdw.err" && cg_expect_one_error "$T/bdw.err" "wrong digest" "image's index is $IDX"

# ---- --platform: only that image, as before
cg_run "$T/arm.out" "$T/arm.err" push --platform linux/arm64 "oci:$T/multi.oci" "$REG/t/arm:v1"
cg_expect_rc 0 "push --platform linux/arm64" "$T/arm.err"
cg_expect_eq "$ARM" "$(cat "$T/arm.out")" "--platform prints the platform's manifest digest"
cg_expect_eq "$ARM" "$(raw_digest "$REG/t/arm:v1")" "--platform pushes the arm64 manifest under the tag"
cg_expect_eq "$MT_MANIFEST" "$(jq -r .mediaType "$T/.raw")" "--platform tag names a manifest, not an index"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/arm "$AMD")" "--platform does not push the other platform"

# ---- a flat layout: index.json lists the platforms and is itself the index
printf '{"index_style":"flat","platforms":[%s,%s]}\n' "$(plat amd64 only-amd64)" "$(plat arm64 only-arm64)" >"$T/flat.json"
mkimage "$T/flat.json" oci "$T/flat.oci"
FLAT="sha256:$(sha256sum <"$T/flat.oci/index.json" | cut -d' ' -f1)"
cg_run "$T/flat.out" "$T/flat.err" push "oci:$T/flat.oci" "$REG/t/flat:v1"
cg_expect_rc 0 "push of a flat layout" "$T/flat.err"
cg_expect_eq "$FLAT" "$(cat "$T/flat.out")" "a flat layout's index is index.json"
cg_expect_eq "$FLAT" "$(raw_digest "$REG/t/flat:v1")" "flat layout: skopeo reads index.json's bytes"
expect_platform_pkgs "$REG/t/flat:v1" "flat layout"
# with the tag every entry carries: the same index; sbom --platform picks among the tagged entries
cg_run "$T/flatt.out" "$T/flatt.err" push "oci:$T/flat.oci:latest" "$REG/t/flat:v2"
cg_expect_rc 0 "push of a flat layout by tag" "$T/flatt.err" && cg_expect_eq "$FLAT" "$(cat "$T/flatt.out")" "flat layout by tag"
cg_sbom "$T/flatt.cdx" "$T/flatt-sbom.err" -q --platform linux/arm64 "oci:$T/flat.oci:latest"
cg_expect_rc 0 "sbom --platform linux/arm64 of a flat layout by tag" "$T/flatt-sbom.err" &&
  cg_expect_eq "only-arm64 1.0-1" "$(cg_pkgs "$T/flatt.cdx")" "flat layout by tag, linux/arm64"

# ---- a Docker manifest list (skopeo converts the index) copied registry to registry
if skopeo copy -q --all --format v2s2 --dest-tls-verify=false "oci:$T/multi.oci" "docker://$REG/t/list:1" >/dev/null 2>"$T/list.err"; then
  LIST=$(raw_digest "$REG/t/list:1")
  cg_expect_eq application/vnd.docker.distribution.manifest.list.v2+json "$(jq -r .mediaType "$T/.raw")" "skopeo wrote a manifest list"
  cg_run "$T/list.out" "$T/list.err" push "docker://$REG/t/list:1" "$REG/t/list2:1"
  cg_expect_rc 0 "push of a Docker manifest list" "$T/list.err"
  cg_expect_eq "$LIST" "$(cat "$T/list.out")" "manifest list: digest printed"
  cg_expect_eq "$LIST" "$(raw_digest "$REG/t/list2:1")" "manifest list: the same bytes in the copy"
  expect_platform_pkgs "$REG/t/list2:1" "manifest list copy"
else
  cg_fail "skopeo copy --all --format v2s2 failed: $(head -c 300 "$T/list.err")"
fi

# ---- an attestation manifest (as BuildKit writes them) rides along
cp -r "$T/multi.oci" "$T/att.oci"
python3 - "$T/att.oci" "$AMD" >"$T/att.digest" <<'PY' || cg_die "cannot add an attestation"
import hashlib, json, os, sys
lay, subject = sys.argv[1], sys.argv[2]
def put(b):
    d = hashlib.sha256(b).hexdigest()
    with open(os.path.join(lay, "blobs/sha256", d), "wb") as f:
        f.write(b)
    return {"digest": "sha256:" + d, "size": len(b)}
stmt = put(json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
                       "subject": [{"name": "x", "digest": {"sha256": subject[7:]}}], "predicate": {}}).encode())
cfg = put(json.dumps({"architecture": "unknown", "os": "unknown", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": [stmt["digest"]]}}).encode())
man = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **cfg),
                      "layers": [dict(mediaType="application/vnd.in-toto+json", **stmt,
                                      annotations={"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"})]}).encode())
top = json.load(open(os.path.join(lay, "index.json")))
idx = json.load(open(os.path.join(lay, "blobs/sha256", top["manifests"][0]["digest"][7:])))
idx["manifests"].append(dict(mediaType="application/vnd.oci.image.manifest.v1+json", **man,
                             annotations={"vnd.docker.reference.digest": subject, "vnd.docker.reference.type": "attestation-manifest"},
                             platform={"architecture": "unknown", "os": "unknown"}))
top["manifests"][0].update(put(json.dumps(idx).encode()))
with open(os.path.join(lay, "index.json"), "w") as f:
    json.dump(top, f)
print(top["manifests"][0]["digest"], man["digest"])
PY
read -r ATT_IDX ATT_MAN <"$T/att.digest"
cg_run "$T/att.out" "$T/att.err" push "oci:$T/att.oci" "$REG/t/att:v1"
cg_expect_rc 0 "push of an index with an attestation" "$T/att.err"
cg_expect_eq "$ATT_IDX" "$(cat "$T/att.out")" "index with attestation: digest printed"
cg_expect_eq "$ATT_IDX" "$(raw_digest "$REG/t/att:v1")" "index with attestation: skopeo reads the same index"
cg_expect_eq 200 "$(reg_tag_status "$REG" t/att "$ATT_MAN")" "the attestation manifest was pushed"
grep -q 'index of 2 platform images and 1 attestation/artifact manifest, 6 blobs' "$T/att.err" && cg_ok ||
  cg_fail "attestation push summary: $(cat "$T/att.err")"
expect_platform_pkgs "$REG/t/att:v1" "index with attestation"
# to another registry: every manifest and blob (the attestation's too) is read from the first
REG1=$REG
reg_start second plain
cg_run "$T/x.out" "$T/x.err" push "docker://$REG1/t/att:v1" "$REG/t/att:v1"
cg_expect_rc 0 "push of an index with an attestation to another registry" "$T/x.err"
cg_expect_eq "$ATT_IDX" "$(raw_digest "$REG/t/att:v1")" "cross-registry copy keeps the index"
grep -q '6 blobs (6 uploaded, 0 already there, 0 mounted)' "$T/x.err" && cg_ok || cg_fail "cross-registry copy should upload 6 blobs: $(cat "$T/x.err")"
cg_expect_eq 200 "$(reg_tag_status "$REG" t/att "$ATT_MAN")" "the attestation manifest was copied across registries"
expect_platform_pkgs "$REG/t/att:v1" "cross-registry copy"
REG=$REG1

# ---- --sign-key: the before-tag hook signs the index digest (cosign's sha256-HEX.sig tag)
export COSIGN_PASSWORD
COSIGN_PASSWORD=$(cat "$CG_TESTS/data/sign/cosign.password")
cg_run "$T/sig.out" "$T/sig.err" push --sign-key "$CG_TESTS/data/sign/cosign.key" "oci:$T/multi.oci" "$REG/t/signed:v1"
cg_expect_rc 0 "index push --sign-key" "$T/sig.err"
grep -qF "signed $REG/t/signed@$IDX" "$T/sig.err" && cg_ok || cg_fail "push --sign-key should sign the index digest: $(cat "$T/sig.err")"
cg_expect_eq 200 "$(reg_tag_status "$REG" t/signed "sha256-${IDX#sha256:}.sig")" "the index's signature tag exists"
cg_run "$T/ver.out" "$T/ver.err" verify --key "$CG_TESTS/data/sign/cosign.pub" "docker://$REG/t/signed:v1"
cg_expect_rc 0 "verify the signed index tag" "$T/ver.err" &&
  cg_expect_eq "$IDX" "$(jq -r '.[0].critical.image["docker-manifest-digest"]' "$T/ver.out")" "the signature covers the index"

# ---- --require-decision
report() { # DIGEST FILE : a report whose RepoDigests name DIGEST
  printf '{"SchemaVersion": 2, "ArtifactName": "lab/multi:1", "ArtifactType": "container_image", "Metadata": {"ImageID": "sha256:%s", "RepoDigests": ["lab/multi@%s"]}, "Results": []}\n' \
    "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)" "$1" >"$2"
}
decision() { # decision PASS REPORT > file (the members cgate push reads, as cgate policy writes them)
  printf '{"apiVersion":"cgate/v1","kind":"Decision","pass":%s,"denyReasons":[%s],"inputs":[{"role":"report","path":"%s","sha256":"%s"}]}\n' \
    "$1" "$([ "$1" = true ] || echo '"1 findings blocked"')" "$2" "$(sha256sum <"$2" | cut -d' ' -f1)"
}
report "$AMD" "$T/rep-amd.json"; report "$ARM" "$T/rep-arm.json"; report "$IDX" "$T/rep-idx.json"
report "sha256:$(printf other | sha256sum | cut -d' ' -f1)" "$T/rep-other.json"
decision true "$T/rep-amd.json" >"$T/pass-amd.json"
decision true "$T/rep-arm.json" >"$T/pass-arm.json"
decision false "$T/rep-arm.json" >"$T/deny-arm.json"
decision true "$T/rep-idx.json" >"$T/pass-idx.json"
decision true "$T/rep-other.json" >"$T/pass-other.json"

cg_run "$T/g1.out" "$T/g1.err" push --require-decision "$T/pass-amd.json" "oci:$T/multi.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "index push with a decision for one platform only" "$T/g1.err" &&
  cg_expect_one_error "$T/g1.err" "one platform covered" "refused" "linux/arm64" "$ARM"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated v1)" "no tag after a decision for one platform"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated "$AMD")" "nothing pushed after a decision for one platform"
cg_run "$T/g2.out" "$T/g2.err" push --require-decision "$T/pass-amd.json" --require-decision "$T/deny-arm.json" \
  "oci:$T/multi.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "index push with a deny for one platform" "$T/g2.err" && cg_expect_one_error "$T/g2.err" "deny among" "deny"
cg_run "$T/g3.out" "$T/g3.err" push --require-decision "$T/pass-amd.json" --require-decision "$T/pass-arm.json" \
  --require-decision "$T/pass-other.json" "oci:$T/multi.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "index push with a decision about another image" "$T/g3.err" &&
  cg_expect_one_error "$T/g3.err" "unrelated decision" "another image"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated v1)" "no tag after refused decisions"
cg_run "$T/g4.out" "$T/g4.err" push --require-decision "$T/pass-arm.json" --require-decision "$T/pass-amd.json" \
  "oci:$T/multi.oci" "$REG/t/gated:v1"
cg_expect_rc 0 "index push with decisions for both platforms" "$T/g4.err"
cg_expect_eq "$IDX" "$(raw_digest "$REG/t/gated:v1")" "gated index push tagged"
cg_run "$T/g5.out" "$T/g5.err" push --require-decision "$T/pass-idx.json" "oci:$T/multi.oci" "$REG/t/gated-idx:v1"
cg_expect_rc 0 "index push with one decision naming the index" "$T/g5.err"
cg_expect_eq "$IDX" "$(raw_digest "$REG/t/gated-idx:v1")" "index-decision push tagged"
# decisions that name their image in the `image` member (as cgate policy writes them):
# arm64 by manifest digest, amd64 by config digest
AMD_CFG=$(jq -r '.images[0].config.digest' "$T/multi.info")
printf '{"apiVersion":"cgate/v1","kind":"Decision","pass":true,"image":{"manifestDigests":["%s"],"configDigest":null}}\n' "$ARM" >"$T/img-arm.json"
printf '{"apiVersion":"cgate/v1","kind":"Decision","pass":true,"image":{"manifestDigests":[],"configDigest":"%s"}}\n' "$AMD_CFG" >"$T/img-amd.json"
cg_run "$T/g8.out" "$T/g8.err" push --require-decision "$T/img-arm.json" "oci:$T/multi.oci" "$REG/t/gated-img:v1"
cg_expect_rc 1 "index push with an image-member decision for arm64 only" "$T/g8.err" &&
  cg_expect_one_error "$T/g8.err" "image member, one platform" "no passing decision covers linux/amd64"
cg_run "$T/g9.out" "$T/g9.err" push --require-decision "$T/img-arm.json" --require-decision "$T/img-amd.json" \
  "oci:$T/multi.oci" "$REG/t/gated-img:v1"
cg_expect_rc 0 "index push with image-member decisions for both platforms" "$T/g9.err"
cg_expect_eq "$IDX" "$(raw_digest "$REG/t/gated-img:v1")" "image-member decisions: index tagged"
# a single platform still takes a decision about that platform's image
cg_run "$T/g6.out" "$T/g6.err" push --platform linux/arm64 --require-decision "$T/pass-amd.json" "oci:$T/multi.oci" "$REG/t/gated-arm:v1"
cg_expect_rc 1 "--platform arm64 with the amd64 decision" "$T/g6.err" && cg_expect_one_error "$T/g6.err" "wrong platform" "another image"
cg_run "$T/g7.out" "$T/g7.err" push --platform linux/arm64 --require-decision "$T/pass-arm.json" "oci:$T/multi.oci" "$REG/t/gated-arm:v1"
cg_expect_rc 0 "--platform arm64 with its decision" "$T/g7.err"
cg_expect_eq "$ARM" "$(raw_digest "$REG/t/gated-arm:v1")" "gated single-platform push tagged"

# ---- bad input: a missing platform manifest, a nested index
cp -r "$T/multi.oci" "$T/broken.oci"
rm "$T/broken.oci/blobs/sha256/${ARM#sha256:}"
cg_run "$T/b1.out" "$T/b1.err" push "oci:$T/broken.oci" "$REG/t/broken:v1"
cg_expect_rc 3 "index entry whose manifest is missing" "$T/b1.err" &&
  cg_expect_one_error "$T/b1.err" "missing manifest" "linux/arm64" "${ARM#sha256:}"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/broken v1)" "no tag when a platform is missing"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/broken "$AMD")" "nothing pushed when a platform is missing"
cp -r "$T/multi.oci" "$T/nested.oci"
python3 - "$T/nested.oci" <<'PY' || cg_die "cannot nest the index"
import hashlib, json, os, sys
lay = sys.argv[1]
top = json.load(open(os.path.join(lay, "index.json")))
inner = dict(top["manifests"][0]); inner.pop("annotations")
outer = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [inner]}).encode()
d = hashlib.sha256(outer).hexdigest()
open(os.path.join(lay, "blobs/sha256", d), "wb").write(outer)
top["manifests"][0].update(digest="sha256:" + d, size=len(outer))
json.dump(top, open(os.path.join(lay, "index.json"), "w"))
PY
cg_run "$T/b2.out" "$T/b2.err" push "oci:$T/nested.oci" "$REG/t/nested:v1"
cg_expect_rc 3 "index of an index" "$T/b2.err" && cg_expect_one_error "$T/b2.err" "nested index" "nested indexes are not pushed"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/nested v1)" "no tag for a nested index"
cg_finish
