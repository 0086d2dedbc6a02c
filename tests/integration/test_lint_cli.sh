#!/usr/bin/env bash
# test_lint_cli.sh - cgate lint as a user meets it: BuildKit syntax (escape
# directive, continuations with comments, heredocs, JSON form, ARG in FROM,
# ONBUILD), the Conftest-shaped document, inline `# hadolint ignore`,
# .hadolint.yaml (ignored, trustedRegistries, failure-threshold), exit codes, a
# directory with Kubernetes manifests (Pod Security Standards), an image's
# config and file system, and SARIF valid against the 2.1.0 schema.
. "$(dirname "$0")/lib.sh"
cg_setup lint_cli
cd "$T" || cg_die "cd $T"

cat >Dockerfile <<'EOF'
# syntax=docker/dockerfile:1
# escape=`
ARG BASE=debian
ARG TAG=12
FROM ${BASE}:${TAG} AS build
RUN apt-get update && `
    # a comment inside the continuation
    apt-get install -y curl
# hadolint ignore=DL3059,DS029
RUN apt-get install -y git
RUN <<EOF2
apk add bash
cd /tmp
EOF2
FROM build
ONBUILD RUN sudo true
CMD ["app", "--flag"]
EOF
"$CGATE" lint -f conftest Dockerfile >doc.json 2>err || cg_fail "conftest doc: $(cat err)"
jq -e '.[0].Cmd == "arg" and .[2].Cmd == "from" and .[2].Value == ["${BASE}:${TAG}", "AS", "build"]' doc.json >/dev/null \
  && cg_ok || cg_fail "FROM record: $(jq -c '.[2]' doc.json)"
jq -e '.[3].Cmd == "run" and .[3].StartLine == 6 and .[3].EndLine == 8 and (.[3].Value[0] | test("apt-get update &&     apt-get install"))' doc.json >/dev/null \
  && cg_ok || cg_fail "escape + continuation: $(jq -c '.[3]' doc.json)"
jq -e '.[5].Heredocs[0].Content == "apk add bash\ncd /tmp" and .[5].EndLine == 14' doc.json >/dev/null \
  && cg_ok || cg_fail "heredoc: $(jq -c '.[5]' doc.json)"
jq -e '.[7].Cmd == "onbuild" and .[7].SubCmd == "run" and .[8].JSON == true and .[8].Value == ["app","--flag"] and .[8].Stage == 1' doc.json >/dev/null \
  && cg_ok || cg_fail "onbuild/json: $(jq -c '.[7], .[8]' doc.json)"

"$CGATE" lint Dockerfile >r.json 2>err
rc=$?
[ $rc = 1 ] && cg_ok || cg_fail "findings at/above info: exit $rc, want 1 ($(cat err))"
ids() { jq -r '[.Results[].Misconfigurations[]? | "\(.cgate.id)@\(.CauseMetadata.StartLine // 0)"] | join(" ")' "$1"; }
got=$(ids r.json)
for want in CG-DF-029@6 CG-DF-025@11 CG-DF-013@11 CG-DF-010@16 CG-DF-002@0 CG-DF-026@0; do
  case " $got " in *" $want "*) cg_ok ;; *) cg_fail "missing $want in: $got" ;; esac
done
case " $got " in *" CG-DF-029@10 "*) cg_fail "inline ignore of DS029 not honoured" ;; *) cg_ok ;; esac
case " $got " in *"CG-DF-001"*|*"CG-DF-101"*) cg_fail "ARG-substituted tag not seen: $got" ;; *) cg_ok ;; esac
jq -e '[.Results[].Misconfigurations[] | select(.cgate.id == "CG-DF-029")][0] | .ID == "DS029" and .AVDID == "AVD-DS-0029" and .cgate.hadolintId == "DL3015"' r.json >/dev/null \
  && cg_ok || cg_fail "ids of a finding"

# .hadolint.yaml
cat >.hadolint.yaml <<'EOF'
ignored:
  - DL3015
  - CG-DF-026
trustedRegistries:
  - registry.local
failure-threshold: error
EOF
"$CGATE" lint Dockerfile >h.json 2>err
rc=$?
got=$(ids h.json)
case " $got " in *CG-DF-029*|*CG-DF-026*) cg_fail ".hadolint.yaml ignored not honoured: $got" ;; *) cg_ok ;; esac
case " $got " in *CG-DF-114@5*) cg_ok ;; *) cg_fail "trustedRegistries: $got" ;; esac
[ $rc = 1 ] && cg_ok || cg_fail "HIGH findings with threshold error: exit $rc"
printf 'FROM registry.local/base:1\nUSER app\nHEALTHCHECK CMD ["true"]\nRUN echo ok\n' >Dockerfile.ok
"$CGATE" lint Dockerfile.ok >/dev/null 2>err && cg_ok || cg_fail "clean file should pass: $(cat err)"
rm .hadolint.yaml
"$CGATE" lint --exit-code 0 Dockerfile >/dev/null 2>&1 && cg_ok || cg_fail "--exit-code 0"
printf 'FROM x\nFROBNICATE y\n' >Dockerfile.bad
"$CGATE" lint Dockerfile.bad >/dev/null 2>err
[ $? = 3 ] && grep -q "Dockerfile.bad:2" err && cg_ok || cg_fail "unknown instruction: $(cat err)"
"$CGATE" lint --frob x >/dev/null 2>&1; [ $? = 2 ] && cg_ok || cg_fail "usage error"

# a directory: Dockerfiles and Kubernetes manifests
mkdir -p proj/k8s
cp Dockerfile proj/
cat >proj/k8s/pod.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostPID: true
  containers:
    - name: c
      image: x
      securityContext:
        privileged: true
EOF
"$CGATE" lint --exit-code 0 -f sarif proj >d.sarif 2>err || cg_fail "dir lint: $(cat err)"
jq -e '[.runs[0].results[].ruleId] | (index("CG-K8S-001") != null) and (index("CG-K8S-002") != null) and (index("CG-DF-029") != null)' d.sarif >/dev/null \
  && cg_ok || cg_fail "SARIF results: $(jq -c '[.runs[0].results[].ruleId]' d.sarif)"
tools="$CG_TESTS/tools/schema-validate"
if command -v node >/dev/null 2>&1 && [ -d "$tools/node_modules/ajv" ]; then
  sh "$tools/validate" sarif-2.1.0 d.sarif >v 2>&1 && cg_ok || cg_fail "SARIF invalid: $(cat v)"
fi
"$CGATE" lint --exit-code 0 -f table proj >t.txt 2>err && grep -q "CG-K8S-001 \[KSV017\] (HIGH)" t.txt \
  && cg_ok || cg_fail "table: $(head -5 t.txt)"

# an image: config and file system
cat >spec.json <<'EOF'
{"image_config": {"Env": ["DB_PASSWORD=hunter2hunter2", "PATH=/bin"], "ExposedPorts": {"22/tcp": {}}},
 "history": ["/bin/sh -c #(nop) ARG API_TOKEN=abcdef123456", "RUN chmod"],
 "layers": [{"entries": [{"path": "usr/bin/sx", "content": "x", "mode": "04755"},
                         {"path": "srv/drop", "type": "dir", "mode": "0777"},
                         {"path": "tmp", "type": "dir", "mode": "01777"}]},
            {"entries": [{"path": "usr/bin/gone", "content": "x", "mode": "04755"}]}]}
EOF
python3 - <<'EOF'
import json; s = json.load(open("spec.json"))
s["layers"].append({"entries": [{"path": "usr/bin/gone", "type": "whiteout"}]})
s["history"].append("RUN rm")
json.dump(s, open("spec.json", "w"))
EOF
python3 "$MKIMAGE" spec.json oci img.oci >/dev/null || cg_die mkimage
"$CGATE" lint --exit-code 0 "oci:img.oci" >i.json 2>err || cg_fail "image lint: $(cat err)"
got=$(jq -r '[.Results[].Misconfigurations[] | .cgate.id + ":" + .Message] | join("\n")' i.json)
for want in "CG-IMG-001:" "CG-IMG-002:" "CG-IMG-003:Port 22/tcp" "CG-IMG-004:Env DB_PASSWORD" "CG-IMG-005:history entry 0 sets API_TOKEN" \
            "CG-IMG-006:/usr/bin/sx is setuid" "CG-IMG-007:/srv/drop"; do
  grep -qF "$want" <<<"$got" && cg_ok || cg_fail "image check $want missing: $got"
done
grep -q "usr/bin/gone\|/tmp " <<<"$got" && cg_fail "deleted file or sticky /tmp reported" || cg_ok
grep -q "hunter2hunter2\|abcdef123456" i.json && cg_fail "a value was printed" || cg_ok
# `# syntax=`: recorded in the document; a frontend other than docker/dockerfile:1.x
# is named with file and line on stderr (not for 1.x, not with -q)
printf '# syntax=docker/dockerfile:1.7\nFROM alpine:3.19\nUSER 1000\n' >Dockerfile.v1
printf '# check=skip=all\n# syntax = docker/dockerfile-upstream:master-labs\nFROM alpine:3.19\nRUN --security=insecure true\nUSER 1000\n' >Dockerfile.labs
"$CGATE" lint --exit-code 0 Dockerfile.v1 >o.json 2>err && [ ! -s err ] && cg_ok || cg_fail "syntax 1.7 warned: $(cat err)"
"$CGATE" lint --exit-code 0 Dockerfile.labs >o.json 2>err || cg_fail "lint of a labs Dockerfile failed: $(cat err)"
grep -q "warning: Dockerfile.labs:2: # syntax=docker/dockerfile-upstream:master-labs is not docker/dockerfile:1.x; the Dockerfile may use syntax cgate does not implement" err &&
  cg_ok || cg_fail "no syntax warning naming file and line: $(cat err)"
"$CGATE" lint -q --exit-code 0 Dockerfile.labs >o.json 2>err && [ ! -s err ] && cg_ok || cg_fail "-q still warns: $(cat err)"
"$CGATE" lint -f conftest Dockerfile.labs >c.json 2>err && grep -q "Dockerfile.labs:2: # syntax" err && cg_ok ||
  cg_fail "-f conftest: no warning: $(cat err)"
cg_expect_eq "docker/dockerfile-upstream:master-labs 3" "$(jq -r '"\(.[0].Syntax) \([.[] | select(.Syntax)] | length)"' c.json)" \
  "Syntax in the document"
cg_finish
