#!/usr/bin/env bash
# test_secrets_image.sh - secret scanning of a real image built here (mkimage.py):
# planted secrets of every rule family in files, ENV, labels, history, a file that a
# later layer deletes and a .git folder; decoys (documented example keys, hashes,
# UUIDs, placeholders, a public key, secrets under test paths).  Every planted secret
# is found with its rule, no decoy is reported, the deleted file says "deleted in
# layer 2", and no planted value appears unredacted in any output (JSON, SARIF,
# table, stderr), with Hyperscan and with the POSIX fallback alike.
. "$(dirname "$0")/lib.sh"
cg_setup secrets_image

python3 - "$T" <<'PY' || cg_die "building the test image"
import json, random, string, base64, sys, os
T = sys.argv[1]
rnd = random.Random(20261206)
def r(alpha, n): return "".join(rnd.choice(alpha) for _ in range(n))
AN = string.ascii_letters + string.digits
UP = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = AN + "+/"
S = {}  # rule id -> planted value
S["aws-access-key-id"] = "AKIA" + r(UP, 16)
S["aws-secret-access-key"] = r(B64, 40)
S["github-pat"] = "ghp_" + r(AN, 36)
S["github-fine-grained-pat"] = "github_pat_" + r(AN, 22) + "_" + r(AN, 59)
S["gitlab-pat"] = "glpat-" + r(AN, 20)
S["slack-access-token"] = "xoxb-" + r(string.digits, 12) + "-" + r(string.digits, 13) + "-" + r(AN, 24)
S["slack-web-hook"] = "https://hooks.slack.com/services/T" + r(UP, 10) + "/B" + r(UP, 10) + "/" + r(AN, 24)
S["stripe-secret-token"] = "sk_live_" + r(AN, 24)
S["twilio-api-key"] = "SK" + r(HEX, 32)
S["sendgrid-api-token"] = "SG." + r(AN, 22) + "." + r(AN, 43)
S["npm-access-token"] = "npm_" + r(AN, 36)
S["pypi-upload-token"] = "pypi-AgEIcHlwaS5vcmc" + r(AN, 60)
S["gcp-api-key"] = "AIza" + r(AN, 35)
S["gcp-service-account"] = r(HEX, 40)
S["azure-storage-account-key"] = r(B64, 86) + "=="
S["azure-client-secret"] = r(AN, 3) + "8Q~" + r(AN, 32)
S["jwt-token"] = "eyJ" + r(AN, 30) + ".eyJ" + r(AN, 40) + "." + r(AN, 43)
S["hugging-face-access-token"] = "hf_" + r(string.ascii_letters, 34)
S["dockerconfig-secret"] = base64.b64encode(("ci-bot:" + r(AN, 24)).encode()).decode()
S["private-key"] = "\n".join(r(B64, 64) for _ in range(6))
# where each is planted
env_secret = "GITHUB_TOKEN=" + S["github-pat"]
label_secret = S["stripe-secret-token"]
hist_secret = "/bin/sh -c #(nop) ARG NPM_TOKEN=" + S["npm-access-token"]
files = {
    "app/.env": "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nSENDGRID=%s\n" % (
        S["aws-access-key-id"], S["aws-secret-access-key"], S["sendgrid-api-token"]),
    "root/.docker/config.json": json.dumps({"auths": {"registry.local": {"auth": S["dockerconfig-secret"]}}}, indent=2),
    "app/config/settings.py": "SLACK = '%s'\nHOOK = '%s'\nTWILIO = '%s'\n" % (
        S["slack-access-token"], S["slack-web-hook"], S["twilio-api-key"]),
    "app/gcp-key.json": json.dumps({"type": "service_account", "private_key_id": S["gcp-service-account"],
                                    "api_key": S["gcp-api-key"]}, indent=2),
    "etc/app/azure.conf": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=%s;EndpointSuffix=core\nclient_secret=%s\n" % (
        S["azure-storage-account-key"], S["azure-client-secret"]),
    "home/app/.pypirc": "[pypi]\nusername = __token__\npassword = %s\n" % S["pypi-upload-token"],
    "home/app/session.txt": "Authorization: Bearer %s\nhf=%s\n" % (S["jwt-token"], S["hugging-face-access-token"]),
    "root/.ssh/id_rsa": "-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----\n" % S["private-key"],
    "app/.git/config": "[remote \"origin\"]\n\turl = https://oauth2:%s@gitlab.local/x/y.git\n" % S["gitlab-pat"],
}
deleted = ("app/deploy-token.txt", "token=%s\n" % S["github-fine-grained-pat"])
decoys = {
    "app/docs.txt": "AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "app/hashes.txt": "\n".join([r(HEX, 64), r(HEX, 40), "%s-%s-%s-%s-%s" % (r(HEX, 8), r(HEX, 4), r(HEX, 4), r(HEX, 4), r(HEX, 12)),
                                 "sha256:" + r(HEX, 64)]) + "\n",
    "app/placeholder.env": "GITHUB_TOKEN=ghp_" + "x" * 36 + "\nSTRIPE=sk_live_" + "0" * 24 + "\n",
    "app/public.pem": "-----BEGIN PUBLIC KEY-----\n" + r(B64, 64) + "\n-----END PUBLIC KEY-----\n",
    "app/tests/fixtures/token.txt": "ghp_" + r(AN, 36) + "\n",
    "usr/share/doc/tool/README": "export GITHUB_TOKEN=ghp_" + r(AN, 36) + "\n",
}
spec = {
    "repo": "test/secrets", "tag": "1",
    "image_config": {"Env": ["PATH=/usr/bin:/bin", env_secret, "LANG=C.UTF-8"],
                     "Labels": {"org.opencontainers.image.title": "t", "deploy.key": label_secret}},
    "history": ["ADD rootfs /", hist_secret, "RUN rm /app/deploy-token.txt"],
    "layers": [
        {"entries": [{"path": p, "content": c} for p, c in sorted(files.items())] +
                    [{"path": p, "content": c} for p, c in sorted(decoys.items())]},
        {"entries": [{"path": deleted[0], "content": deleted[1]}]},
        {"entries": [{"path": deleted[0], "type": "whiteout"}]},
    ],
}
json.dump(spec, open(os.path.join(T, "spec.json"), "w"))
planted = dict(S)
json.dump({"planted": planted, "where": {"github-pat": "config.json", "stripe-secret-token": "config.json",
           "npm-access-token": "config.json", "github-fine-grained-pat": "/" + deleted[0]}},
          open(os.path.join(T, "planted.json"), "w"))
PY
python3 "$MKIMAGE" "$T/spec.json" oci "$T/img.oci" >/dev/null || cg_die "mkimage"

for engine in hyperscan posix; do
  nh=0; [ $engine = posix ] && nh=1
  for fmt in json sarif table; do
    CGATE_NO_HYPERSCAN=$nh "$CGATE" scan --scanners secret -f $fmt -o "$T/out.$engine.$fmt" "oci:$T/img.oci" \
      2>"$T/err.$engine.$fmt"
    rc=$?
    [ $rc = 0 ] && cg_ok || cg_fail "$engine $fmt: exit $rc: $(cat "$T/err.$engine.$fmt")"
  done
done
cmp -s "$T/out.hyperscan.json" "$T/out.posix.json" && cg_ok || cg_fail "Hyperscan and POSIX engines disagree"

python3 - "$T" <<'PY' || cg_fail "findings"
import json, sys, os, glob
T = sys.argv[1]
p = json.load(open(os.path.join(T, "planted.json")))
rep = json.load(open(os.path.join(T, "out.hyperscan.json")))
found = {}
for res in rep["Results"]:
    assert res["Class"] == "secret", res
    for s in res["Secrets"]:
        found.setdefault(s["RuleID"], []).append((res["Target"], s))
bad = 0
for rule in p["planted"]:
    if rule not in found:
        print("not found:", rule, file=sys.stderr); bad += 1
for rule, where in p["where"].items():
    if not any(t == where for t, _ in found.get(rule, [])):
        print("not found at", where, rule, file=sys.stderr); bad += 1
# the deleted file
dl = [s for t, s in found.get("github-fine-grained-pat", []) if t == "/app/deploy-token.txt"]
if not dl or dl[0]["cgate"].get("deletedInLayer") != 2 or dl[0]["cgate"].get("layer") != 1:
    print("deleted file not marked:", dl, file=sys.stderr); bad += 1
# sources of the config findings
srcs = {s["cgate"]["source"] for t, s in sum(found.values(), []) if t == "config.json"}
if srcs != {"env", "label", "history"}:
    print("config sources:", srcs, file=sys.stderr); bad += 1
# decoys: nothing from these files
decoy_paths = {"/app/docs.txt", "/app/hashes.txt", "/app/placeholder.env", "/app/public.pem",
               "/app/tests/fixtures/token.txt", "/usr/share/doc/tool/README"}
for t, s in sum(found.values(), []):
    if t in decoy_paths:
        print("decoy reported:", t, s["RuleID"], file=sys.stderr); bad += 1
n = sum(len(v) for v in found.values())
print(f"{n} findings, {len(p['planted'])} planted families", file=sys.stderr)
# no planted value (nor a 12-character piece of one) in any output
for f in glob.glob(os.path.join(T, "out.*")) + glob.glob(os.path.join(T, "err.*")):
    text = open(f, errors="replace").read()
    for rule, v in p["planted"].items():
        pieces = [ln for ln in v.split("\n") if ln] if rule == "private-key" else [v]
        for piece in pieces:
            for k in range(0, max(1, len(piece) - 12), 6):
                if piece[k:k + 12] in text and len(piece) >= 12:
                    print("UNREDACTED", rule, "in", os.path.basename(f), file=sys.stderr); bad += 1
                    break
sys.exit(1 if bad else 0)
PY

# --secret-config: a custom rule, a disabled built-in rule, a global allow rule
cat >"$T/trivy-secret.yaml" <<'EOF'
rules:
  - id: internal-token
    category: Internal
    title: Internal service token
    severity: HIGH
    keywords: [SECRET]
    regex: (?i)(?P<key>settings)\s*=\s*'(?P<secret>[a-z0-9]{8,})'
    secret-group-name: secret
disable-rules:
  - twilio-api-key
allow-rules:
  - id: skip-azure
    description: skip the azure file
    path: etc/app/.*\.conf
EOF
"$CGATE" scan --scanners secret --secret-config "$T/trivy-secret.yaml" "oci:$T/img.oci" >"$T/cfg.json" 2>"$T/cfg.err" \
  && cg_ok || cg_fail "--secret-config: $(cat "$T/cfg.err")"
jq -e '[.Results[].Secrets[].RuleID] | index("twilio-api-key") == null' "$T/cfg.json" >/dev/null \
  && cg_ok || cg_fail "disabled rule still reported"
jq -e '[.Results[] | select(.Target == "/etc/app/azure.conf")] | length == 0' "$T/cfg.json" >/dev/null \
  && cg_ok || cg_fail "allow rule by path ignored"
printf 'rules:\n  - id: bad\n    regex: (?=x)y\n' >"$T/bad.yaml"
"$CGATE" scan --scanners secret --secret-config "$T/bad.yaml" "oci:$T/img.oci" >/dev/null 2>"$T/bad.err"
[ $? = 3 ] && grep -q "bad.yaml:3" "$T/bad.err" && cg_ok || cg_fail "untranslatable regex: $(cat "$T/bad.err")"

# with the vuln scanner the secrets ride on the SBOM's pass: the same secrets
mkdir -p "$T/osv"
printf '{"id":"CGATE-T-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"nothing"},"versions":["1.0.0"]}]}' >"$T/osv/a.json"
"$CGATE" db import --db "$T/db.sqlite" "$T/osv" >/dev/null 2>"$T/db.err" || cg_die "db import: $(cat "$T/db.err")"
"$CGATE" scan --db "$T/db.sqlite" -q "oci:$T/img.oci" >"$T/both.json" 2>"$T/both.err" && cg_ok || cg_fail "vuln,secret: $(cat "$T/both.err")"
jq -S '[.Results[] | select(.Class == "secret")]' "$T/both.json" >"$T/both.sec"
jq -S '[.Results[] | select(.Class == "secret")]' "$T/out.hyperscan.json" >"$T/only.sec"
cmp -s "$T/both.sec" "$T/only.sec" && cg_ok || cg_fail "secrets differ between the SBOM pass and the secret-only pass"
"$CGATE" scan --db "$T/db.sqlite" -q --scanners vuln "oci:$T/img.oci" >"$T/vuln.json" 2>&1
jq -e '[.Results[] | select(.Class == "secret")] | length == 0' "$T/vuln.json" >/dev/null && cg_ok || cg_fail "--scanners vuln scanned secrets"

# exit code and the gate
"$CGATE" scan --scanners secret --exit-code 7 "oci:$T/img.oci" >/dev/null 2>&1
[ $? = 7 ] && cg_ok || cg_fail "--exit-code with secrets"
cg_finish
