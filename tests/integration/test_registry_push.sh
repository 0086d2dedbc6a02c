#!/usr/bin/env bash
# test_registry_push.sh - cgate push and the docker:// transport against Debian's
# docker-registry on 127.0.0.1 (no auth):
# - a two-layer Debian image (gzip + zstd layers) from every transport cgate
#   writes or reads (oci:, oci-archive:, docker-archive: classic and OCI-style)
#   is pushed; skopeo sees the manifest digest cgate printed, and for the OCI
#   layouts that digest is the source's own manifest digest;
# - `cgate sbom docker://...` of each pushed image gives the same package set as
#   the source, and every blob pulled back hashes to its digest (skopeo copy to a
#   fresh OCI layout, compared blob by blob with the source);
# - a second push uploads nothing; a registry-to-registry push mounts every blob;
# - chunked (PATCH) uploads give the same digest;
# - cgate pull brings the image back into an OCI layout: the same blobs byte for
#   byte, the same digest for skopeo, nothing written twice, corrupt blobs replaced;
# - --require-decision: a denied decision and a passing decision for another
#   image are refused (exit 1) before anything is pushed, and the tag does not
#   exist afterwards; a passing decision for this image pushes.  Both with
#   hand-built decisions of the older form (bound through the report under
#   inputs[]) and with real `cgate policy` decisions of a `cgate scan` report,
#   which bind through their `image` member with the report deleted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"
cg_setup registry_push
reg_need
command -v skopeo >/dev/null || cg_skip "skopeo is not installed"
reg_start plain plain

mkdir -p "$T/src"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$T/src/os-release"
cat >"$T/src/status" <<'ST'
Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5

Package: bash
Status: install ok installed
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2

ST
cat >"$T/spec.json" <<SPEC
{"repo": "lab/app", "tag": "1.0",
 "layers": [
  {"compression": "gzip", "entries": [
    {"path": "etc/os-release", "content_file": "$T/src/os-release"},
    {"path": "var/lib/dpkg/status", "content_file": "$T/src/status"}]},
  {"compression": "zstd", "entries": [
    {"path": "opt/app/data.bin", "repeat": "cgate-registry-test ", "size": 300000}]}
 ]}
SPEC
mkimage "$T/spec.json" all "$T/img" --info "$T/info.json"
OCI_DIGEST=$(jq -r '.oci.images[0].manifest.digest' "$T/info.json")

cg_sbom "$T/want.cdx" "$T/err" -q "oci:$T/img/image.oci"
cg_expect_rc 0 "sbom of the source" "$T/err"
cg_pkgs "$T/want.cdx" >"$T/want.pkgs"
[ -s "$T/want.pkgs" ] || cg_fail "source image has no packages"

n=0
for src in "oci:$T/img/image.oci" "oci-archive:$T/img/image.oci.tar" "docker-archive:$T/img/image.docker.tar" \
           "docker-archive:$T/img/image.docker-oci.tar"; do
  n=$((n + 1))
  repo="t/src$n"
  cg_run "$T/push$n.out" "$T/push$n.err" push "$src" "docker://$REG/$repo:v1"
  cg_expect_rc 0 "push $src" "$T/push$n.err" || continue
  d=$(cat "$T/push$n.out")
  [[ "$d" =~ ^sha256:[0-9a-f]{64}$ ]] && cg_ok || cg_fail "push $src printed '$d', not a digest"
  cg_expect_eq "$d" "$(reg_manifest_digest "$REG/$repo:v1")" "skopeo sees the digest cgate printed ($src)"
  case "$src" in oci*) [ -n "$OCI_DIGEST" ] && cg_expect_eq "$OCI_DIGEST" "$d" "push keeps the OCI manifest digest ($src)" ;; esac
  grep -q '(.* uploaded, 0 already there' "$T/push$n.err" && cg_ok || cg_fail "first push of $src should upload: $(cat "$T/push$n.err")"
  # pull back through cgate
  cg_sbom "$T/got$n.cdx" "$T/sbom$n.err" -q "docker://$REG/$repo:v1"
  cg_expect_rc 0 "sbom docker://$REG/$repo:v1" "$T/sbom$n.err" && cg_expect_pkgs "$T/got$n.cdx" "$T/want.pkgs" "pulled $src"
  # bare HOST/REPO:TAG and @digest forms
  cg_sbom "$T/gotd$n.cdx" "$T/sbomd$n.err" -q "$REG/$repo@$d"
  cg_expect_rc 0 "sbom $REG/$repo@digest" "$T/sbomd$n.err" && cg_expect_pkgs "$T/gotd$n.cdx" "$T/want.pkgs" "pulled by digest $src"
  # the second push uploads nothing
  cg_run "$T/again$n.out" "$T/again$n.err" push "$src" "docker://$REG/$repo:v1"
  cg_expect_rc 0 "second push $src" "$T/again$n.err"
  grep -q ' (0 uploaded, [0-9]* already there, 0 mounted), 0 bytes sent' "$T/again$n.err" && cg_ok ||
    cg_fail "second push of $src should skip every blob: $(cat "$T/again$n.err")"
  cg_expect_eq "$d" "$(cat "$T/again$n.out")" "second push, same digest ($src)"
done

# every blob of a pushed image, pulled by skopeo, hashes to its digest and equals the source's
rm -rf "$T/back"
skopeo copy -q --src-tls-verify=false "docker://$REG/t/src1:v1" "oci:$T/back:x" >/dev/null 2>"$T/skopeo.err" ||
  cg_fail "skopeo copy back failed: $(head -c 300 "$T/skopeo.err")"
for b in "$T"/img/image.oci/blobs/sha256/*; do
  h=$(basename "$b")
  if [ -f "$T/back/blobs/sha256/$h" ] && [ "$(sha256sum <"$T/back/blobs/sha256/$h" | cut -d' ' -f1)" = "$h" ]; then cg_ok
  else cg_fail "blob $h did not come back intact"; fi
done

# cgate pull: the pushed image back into an OCI layout, every blob equal to the source's
cg_run "$T/pull.out" "$T/pull.err" pull "docker://$REG/t/src1:v1" "oci:$T/pulled:v1"
cg_expect_rc 0 "pull docker:// -> oci:" "$T/pull.err"
cg_expect_eq "$(cat "$T/push1.out")" "$(cat "$T/pull.out")" "pull prints the pushed digest"
(cd "$T/img/image.oci/blobs/sha256" && ls | sort) >"$T/src.blobs"
(cd "$T/pulled/blobs/sha256" && ls | sort) >"$T/pulled.blobs"
cg_expect_same_text "$T/src.blobs" "$T/pulled.blobs" "pull brings back exactly the source's blobs"
for b in $(cat "$T/pulled.blobs"); do
  cmp -s "$T/img/image.oci/blobs/sha256/$b" "$T/pulled/blobs/sha256/$b" && cg_ok || cg_fail "pulled blob $b differs from the source's"
done
cg_expect_eq "$(cat "$T/push1.out")" "$(skopeo inspect "oci:$T/pulled:v1" 2>/dev/null | jq -r .Digest)" "skopeo reads the pulled layout, same digest"
cg_sbom "$T/pulled.cdx" "$T/pulled-sbom.err" -q "oci:$T/pulled:v1"
cg_expect_rc 0 "sbom of the pulled layout" "$T/pulled-sbom.err" && cg_expect_pkgs "$T/pulled.cdx" "$T/want.pkgs" "pulled layout"
cg_run "$T/pull2.out" "$T/pull2.err" pull "docker://$REG/t/src1:v1" "oci:$T/pulled:v1"
cg_expect_rc 0 "second pull" "$T/pull2.err" && grep -q '(0 written, 4 already there)' "$T/pull2.err" && cg_ok ||
  cg_fail "a second pull should write nothing: $(cat "$T/pull2.err")"
# a second tag in the same layout keeps the first
cg_run "$T/pull3.out" "$T/pull3.err" pull "docker://$REG/t/src1:v1" "oci:$T/pulled:other"
cg_expect_rc 0 "pull under a second tag" "$T/pull3.err"
cg_expect_eq "other v1" "$(jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"]] | sort | join(" ")' "$T/pulled/index.json")" "index.json keeps both tags"
# a corrupted blob already in the layout is replaced, not trusted
lb=$(jq -r '.layers[0].digest' "$T/pulled/blobs/sha256/$(jq -r '.manifests[0].digest' "$T/pulled/index.json" | cut -d: -f2)" | cut -d: -f2)
printf 'garbage' >"$T/pulled/blobs/sha256/$lb"
cg_run "$T/pull4.out" "$T/pull4.err" pull -q "docker://$REG/t/src1:v1" "oci:$T/pulled:v1"
cg_expect_rc 0 "pull over a corrupted blob" "$T/pull4.err"
cg_expect_eq "$lb" "$(sha256sum <"$T/pulled/blobs/sha256/$lb" | cut -d' ' -f1)" "the corrupted blob was fetched again"
# a Docker v2 manifest (a classic docker-archive): kept as is by default (cgate reads it);
# --oci-media-types rewrites it with OCI types so skopeo finds it, same blobs, same packages
cg_run "$T/pull7.out" "$T/pull7.err" pull "docker-archive:$T/img/image.docker.tar" "oci:$T/pulled-docker:d"
cg_expect_rc 0 "pull of a classic docker-archive" "$T/pull7.err"
cg_expect_eq "$(cat "$T/push3.out")" "$(cat "$T/pull7.out")" "pull keeps the Docker v2 manifest push would send"
cg_run "$T/pull8.out" "$T/pull8.err" pull --oci-media-types "docker-archive:$T/img/image.docker.tar" "oci:$T/pulled-oci:o"
cg_expect_rc 0 "pull --oci-media-types" "$T/pull8.err"
cg_expect_eq "$(cat "$T/pull8.out")" "$(skopeo inspect "oci:$T/pulled-oci:o" 2>/dev/null | jq -r .Digest)" "skopeo reads the rewritten manifest"
cg_expect_eq "application/vnd.oci.image.manifest.v1+json application/vnd.oci.image.config.v1+json" \
  "$(jq -r '"\(.mediaType) \(.config.mediaType)"' "$T/pulled-oci/blobs/sha256/$(cut -d: -f2 "$T/pull8.out")")" "OCI media types"
cg_sbom "$T/pulled-oci.cdx" "$T/pulled-oci-sbom.err" -q "oci:$T/pulled-oci:o"
cg_expect_rc 0 "sbom of the rewritten layout" "$T/pulled-oci-sbom.err" && cg_expect_pkgs "$T/pulled-oci.cdx" "$T/want.pkgs" "rewritten layout"

# into a directory that is not an OCI layout; to a destination that is not oci:
mkdir -p "$T/notlayout" && echo '{}' >"$T/notlayout/index.json"
cg_run "$T/pull5.out" "$T/pull5.err" pull "docker://$REG/t/src1:v1" "oci:$T/notlayout:v1"
cg_expect_rc 3 "pull into a directory that is not an OCI layout" "$T/pull5.err" && cg_expect_one_error "$T/pull5.err" "not a layout" "no oci-layout"
cg_run "$T/pull6.out" "$T/pull6.err" pull "docker://$REG/t/src1:v1" "$T/plain"
cg_expect_rc 2 "pull to a destination that is not oci:" "$T/pull6.err"

# registry to registry on the same host: every blob is mounted
cg_run "$T/mount.out" "$T/mount.err" push "docker://$REG/t/src1:v1" "$REG/t/copy:v2"
cg_expect_rc 0 "push docker:// -> docker://" "$T/mount.err"
grep -q '(0 uploaded, 0 already there, 3 mounted)' "$T/mount.err" && cg_ok || cg_fail "registry copy should mount 3 blobs: $(cat "$T/mount.err")"
cg_expect_eq "$(cat "$T/push1.out")" "$(cat "$T/mount.out")" "registry copy keeps the digest"

# chunked uploads (PATCH ... PUT) of the same image to a new repository
cg_run "$T/chunk.out" "$T/chunk.err" push --chunk-size 64K "oci:$T/img/image.oci" "$REG/t/chunked:v1"
cg_expect_rc 0 "chunked push" "$T/chunk.err"
cg_expect_eq "$(cat "$T/push1.out")" "$(reg_manifest_digest "$REG/t/chunked:v1")" "chunked push digest"
cg_sbom "$T/chunk.cdx" "$T/chunks.err" -q "docker://$REG/t/chunked:v1"
cg_expect_rc 0 "sbom of the chunked push" "$T/chunks.err" && cg_expect_pkgs "$T/chunk.cdx" "$T/want.pkgs" "chunked push"

# a multi-platform index in the registry (copied with skopeo --all): --platform picks
plat() { # ARCH PKG -> one platform's spec
  printf '{"os":"linux","architecture":"%s","layers":[{"compression":"gzip","entries":[{"path":"etc/os-release","content_file":"%s"},{"path":"var/lib/dpkg/status","content":"Package: %s\\nStatus: install ok installed\\nArchitecture: %s\\nVersion: 1.0-1\\n\\n"}]}]}' \
    "$1" "$T/src/os-release" "$2" "$1"
}
printf '{"index_style":"nested","platforms":[%s,%s]}\n' "$(plat amd64 only-amd64)" "$(plat arm64 only-arm64)" >"$T/multi.json"
mkimage "$T/multi.json" oci "$T/multi.oci"
if skopeo copy -q --all --dest-tls-verify=false "oci:$T/multi.oci" "docker://$REG/t/multi:1" >/dev/null 2>"$T/multi.err"; then
  for pa in amd64 arm64; do
    cg_sbom "$T/multi-$pa.cdx" "$T/multi-$pa.err" -q --platform "linux/$pa" "docker://$REG/t/multi:1"
    cg_expect_rc 0 "sbom --platform linux/$pa of a registry index" "$T/multi-$pa.err" &&
      cg_expect_eq "only-$pa 1.0-1" "$(cg_pkgs "$T/multi-$pa.cdx")" "registry index, linux/$pa"
  done
  cg_sbom "$T/multi-x.cdx" "$T/multi-x.err" -q --platform linux/s390x "docker://$REG/t/multi:1"
  cg_expect_rc 3 "registry index without the platform" "$T/multi-x.err" && cg_expect_one_error "$T/multi-x.err" "no platform" "no image for platform linux/s390x"
else
  cg_fail "skopeo copy --all of a multi-platform layout failed: $(head -c 300 "$T/multi.err")"
fi

# --require-decision
D=$(cat "$T/push1.out")
cat >"$T/report.json" <<REP
{"SchemaVersion": 2, "ArtifactName": "lab/app:1.0", "ArtifactType": "container_image",
 "Metadata": {"ImageID": "sha256:$(printf x | sha256sum | cut -d' ' -f1)", "RepoDigests": ["lab/app@$D"]}, "Results": []}
REP
# a clean report that covers packages (one target, no findings): a report of
# nothing at all would be denied (issue 11: an empty inventory fails closed)
cat >"$T/other-report.json" <<REP
{"SchemaVersion": 2, "ArtifactName": "other:1", "ArtifactType": "container_image",
 "Metadata": {"ImageID": "sha256:$(printf y | sha256sum | cut -d' ' -f1)", "RepoDigests": ["other@sha256:$(printf z | sha256sum | cut -d' ' -f1)"]},
 "Results": [{"Target": "other:1 (debian 12)", "Class": "os-pkgs", "Type": "debian"}]}
REP
decision() { # decision PASS REPORT > file (the members cgate push reads, as cgate policy writes them)
  printf '{"apiVersion":"cgate/v1","kind":"Decision","pass":%s,"denyReasons":[%s],"inputs":[{"role":"report","path":"%s","sha256":"%s"}]}\n' \
    "$1" "$([ "$1" = true ] || echo '"1 findings blocked"')" "$2" "$(sha256sum <"$2" | cut -d' ' -f1)"
}
decision false "$T/report.json" >"$T/deny.json"
decision true "$T/other-report.json" >"$T/other.json"
decision true "$T/report.json" >"$T/pass.json"
cg_run "$T/d1.out" "$T/d1.err" push --require-decision "$T/deny.json" "oci:$T/img/image.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "push with a denied decision" "$T/d1.err" && cg_expect_one_error "$T/d1.err" "denied decision" "refused" "deny"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated v1)" "no tag after a denied decision"
# a deny reason with a line break and a terminal escape stays one harmless line
printf '{"pass":false,"denyReasons":["first\\nsecond \\u001b[31mred"]}\n' >"$T/deny-ctl.json"
cg_run "$T/d1c.out" "$T/d1c.err" push --require-decision "$T/deny-ctl.json" "oci:$T/img/image.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "push with a deny reason holding control characters" "$T/d1c.err" &&
  cg_expect_one_error "$T/d1c.err" "control characters" "first second ?[31mred"
grep -q "$(printf '\033')" "$T/d1c.err" && cg_fail "an escape byte reached stderr" || cg_ok
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated "$D")" "nothing pushed after a denied decision"
cg_run "$T/d2.out" "$T/d2.err" push --require-decision "$T/other.json" "oci:$T/img/image.oci" "$REG/t/gated:v1"
cg_expect_rc 1 "push with a decision for another image" "$T/d2.err" && cg_expect_one_error "$T/d2.err" "other digest" "another image"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/gated v1)" "no tag after a decision for another image"
# a decision whose report changed since is bad input
cp "$T/report.json" "$T/report.bak"; echo ' ' >>"$T/report.json"
cg_run "$T/d3.out" "$T/d3.err" push --require-decision "$T/pass.json" "oci:$T/img/image.oci" "$REG/t/gated:v1"
cg_expect_rc 3 "push with a decision whose report changed" "$T/d3.err" && cg_expect_one_error "$T/d3.err" "changed report" "changed since the decision"
cp "$T/report.bak" "$T/report.json"
cg_run "$T/d4.out" "$T/d4.err" push --require-decision "$T/pass.json" "oci:$T/img/image.oci" "$REG/t/gated:v1"
cg_expect_rc 0 "push with a passing decision for this image" "$T/d4.err"
cg_expect_eq "$D" "$(reg_manifest_digest "$REG/t/gated:v1")" "gated push tagged"

# --require-decision with decisions `cgate policy` wrote: they name the image
# themselves (image.manifestDigests, image.configDigest), so the push needs
# neither the report nor its path any more.  The report is a real `cgate scan`
# of the pushed source against a one-record DB (bash below its fix).
mkdir -p "$T/osv"
cat >"$T/osv/CGATE-TEST-BASH.json" <<'J'
{"id":"CGATE-TEST-BASH","modified":"2025-01-01T00:00:00Z","published":"2025-01-01T00:00:00Z",
 "summary":"test record: critical, fixed","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"Debian:12","name":"bash"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.2.15-3"}]}]}]}
J
printf '{"apiVersion": "cgate/v1"}\n' >"$T/policy.json" # the seed's rules, any CVSS source
printf 'exceptions:\n  - {id: CGATE-TEST-BASH, reason: test, approvedBy: test@example.com, expires: 2099-12-31}\n' >"$T/exc.yaml"
cg_run "$T/db.out" "$T/db.err" db import --db "$T/db.sqlite" "$T/osv"
cg_expect_rc 0 "db import of the bash record" "$T/db.err"
cg_run "$T/scan.json" "$T/scan.err" scan --db "$T/db.sqlite" --now 2026-01-01T00:00:00Z "oci:$T/img/image.oci"
cg_expect_rc 0 "scan of the pushed source" "$T/scan.err"
cg_expect_eq CGATE-TEST-BASH "$(jq -r '[.Results[].Vulnerabilities[]?.VulnerabilityID] | join(",")' "$T/scan.json")" \
  "the scan finds the bash record"
CFG=$(jq -r .Metadata.ImageID "$T/scan.json")
[[ "$CFG" =~ ^sha256:[0-9a-f]{64}$ ]] && cg_ok || cg_fail "scan report has no ImageID: '$CFG'"
cg_expect_eq "$CFG" "$(skopeo inspect --raw "oci:$T/img/image.oci" | jq -r .config.digest)" "ImageID is the config digest"
policy() { # policy OUT REPORT [ARGS...]: a real decision
  local out=$1 rep=$2; shift 2
  cg_run "$out" "$out.err" policy "$rep" --policy "$T/policy.json" --now 2026-01-01 "$@"
}
policy "$T/real-deny.json" "$T/scan.json"
cg_expect_rc 1 "policy denies the scan" "$T/real-deny.json.err"
policy "$T/real-pass.json" "$T/scan.json" --exceptions "$T/exc.yaml"
cg_expect_rc 0 "policy passes the scan with the exception" "$T/real-pass.json.err"
cg_expect_eq "$CFG" "$(jq -r .image.configDigest "$T/real-pass.json")" "decision names the scanned config digest"
cg_expect_eq "[\"$D\"]" "$(jq -c .image.manifestDigests "$T/real-pass.json")" "decision names the scanned manifest digest"
# a decision whose image names no digest is refused, even though the report
# under its inputs (still there) would match: no silent fallback
jq '.image = {name: null, manifestDigests: [], configDigest: null}' "$T/real-pass.json" >"$T/real-nodigest.json"
cg_run "$T/r0.out" "$T/r0.err" push --require-decision "$T/real-nodigest.json" "oci:$T/img/image.oci" "$REG/t/real:v1"
cg_expect_rc 1 "push with a decision whose image names no digest" "$T/r0.err" &&
  cg_expect_one_error "$T/r0.err" "no image digest" "names no image digest"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/real v1)" "no tag after a decision naming no digest"
# the same from a real decision: a report without Metadata
jq 'del(.Metadata)' "$T/scan.json" >"$T/bare-report.json"
policy "$T/real-bare.json" "$T/bare-report.json" --exceptions "$T/exc.yaml"
cg_expect_rc 0 "policy passes the report without Metadata" "$T/real-bare.json.err"
# a passing decision for another image (the hand-written report above)
policy "$T/real-other.json" "$T/other-report.json"
cg_expect_rc 0 "policy passes the other image's clean report" "$T/real-other.json.err"
# a passing decision naming this image only by manifest digest (RepoDigests),
# with the ImageID of another image
jq --arg d "lab/app@$D" '.Metadata.RepoDigests = [$d] | .Metadata.ImageID = "sha256:\("y" * 64 | gsub("y"; "e"))"' \
  "$T/scan.json" >"$T/md-report.json"
policy "$T/real-md.json" "$T/md-report.json" --exceptions "$T/exc.yaml"
cg_expect_rc 0 "policy passes the manifest-digest report" "$T/real-md.json.err"
cg_expect_eq "[\"$D\"]" "$(jq -c .image.manifestDigests "$T/real-md.json")" "decision names the manifest digest"
# ... and one naming it only by config digest (no RepoDigests)
jq '.Metadata.RepoDigests = []' "$T/scan.json" >"$T/cfg-report.json"
policy "$T/real-cfg.json" "$T/cfg-report.json" --exceptions "$T/exc.yaml"
cg_expect_rc 0 "policy passes the config-digest report" "$T/real-cfg.json.err"
cg_expect_eq "[] $CFG" "$(jq -r '"\(.image.manifestDigests) \(.image.configDigest)"' "$T/real-cfg.json")" \
  "decision names the config digest only"
# from here on no report exists: the decisions alone must bind
rm -f "$T/scan.json" "$T/bare-report.json" "$T/other-report.json" "$T/md-report.json" "$T/cfg-report.json"
cg_run "$T/r1.out" "$T/r1.err" push --require-decision "$T/real-deny.json" "oci:$T/img/image.oci" "$REG/t/real:v1"
cg_expect_rc 1 "push with a real denied decision" "$T/r1.err" && cg_expect_one_error "$T/r1.err" "real deny" "refused" "deny"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/real v1)" "no tag after a real denied decision"
cg_run "$T/r2.out" "$T/r2.err" push --require-decision "$T/real-other.json" "oci:$T/img/image.oci" "$REG/t/real:v1"
cg_expect_rc 1 "push with a real decision for another image" "$T/r2.err" &&
  cg_expect_one_error "$T/r2.err" "real other" "another image"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/real v1)" "no tag after a real decision for another image"
cg_run "$T/r3.out" "$T/r3.err" push --require-decision "$T/real-bare.json" "oci:$T/img/image.oci" "$REG/t/real:v1"
cg_expect_rc 1 "push with a real decision naming no digest" "$T/r3.err" &&
  cg_expect_one_error "$T/r3.err" "real no digest" "names no image digest"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/real v1)" "no tag after a real decision naming no digest"
cg_run "$T/r4.out" "$T/r4.err" push --require-decision "$T/real-pass.json" "oci:$T/img/image.oci" "$REG/t/real:v1"
cg_expect_rc 0 "push with a real passing decision, report deleted" "$T/r4.err"
cg_expect_eq "$D" "$(reg_manifest_digest "$REG/t/real:v1")" "real gated push tagged"
cg_run "$T/r5.out" "$T/r5.err" push --require-decision "$T/real-md.json" "oci:$T/img/image.oci" "$REG/t/real-md:v1"
cg_expect_rc 0 "push with a real passing decision, report deleted (manifest digest)" "$T/r5.err"
cg_expect_eq "$D" "$(reg_manifest_digest "$REG/t/real-md:v1")" "manifest-digest gated push tagged"
cg_run "$T/r7.out" "$T/r7.err" push --require-decision "$T/real-cfg.json" "oci:$T/img/image.oci" "$REG/t/real-cfg:v1"
cg_expect_rc 0 "push with a real passing decision, report deleted (config digest)" "$T/r7.err"
cg_expect_eq "$D" "$(reg_manifest_digest "$REG/t/real-cfg:v1")" "config-digest gated push tagged"
# a malformed image member is bad input, not a pass
jq '.image.manifestDigests = ["sha256:1234"]' "$T/real-md.json" >"$T/bad-image.json"
cg_run "$T/r6.out" "$T/r6.err" push --require-decision "$T/bad-image.json" "oci:$T/img/image.oci" "$REG/t/real-bad:v1"
cg_expect_rc 3 "push with a malformed image member" "$T/r6.err" &&
  cg_expect_one_error "$T/r6.err" "malformed image" "image.manifestDigests[0]: not a sha256 digest"
cg_expect_eq 404 "$(reg_tag_status "$REG" t/real-bad v1)" "no tag after a malformed decision"

# a dir: image cannot be pushed (usage), a bad reference is a usage error
cg_run "$T/u1.out" "$T/u1.err" push "dir:$T/img/image.rootfs" "$REG/t/dir:v1"
cg_expect_rc 2 "push of dir:" "$T/u1.err" && cg_expect_one_error "$T/u1.err" "dir push" "root filesystem"
cg_run "$T/u2.out" "$T/u2.err" push "oci:$T/img/image.oci" "$REG/T/Upper:v1"
cg_expect_rc 2 "push to an invalid reference" "$T/u2.err" && cg_expect_one_error "$T/u2.err" "bad ref" "invalid image reference"
cg_finish
