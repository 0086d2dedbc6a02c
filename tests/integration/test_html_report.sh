#!/usr/bin/env bash
# test_html_report.sh - `cgate scan -f html` and `cgate policy -f html` of the
# img-node image (the lab's, or when it is absent an image made here from the
# same app's package versions), checked in a real browser: Debian's chromium
# renders each page headless to a PNG (must not be one colour) and dumps the
# DOM after the page's script ran (image name, a CVE id, "blocked", the
# filter's count the script writes; findings of loaded packages first).  Also:
# the same inputs give the same bytes; the page fetches nothing; and hostile
# values (a package named <script>..., a javascript: URL, markup in titles and
# exception reasons) stay text in the browser's DOM.  Skipped (77) only
# without chromium.
. "$(dirname "$0")/lib.sh"
cg_setup html_report
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || cg_skip "chromium is not installed (Debian package chromium)"
LAB=${CG_LAB_IMAGES:-/tmp/lab/images}
OSV="$CG_TEST_DATA/scan/osv"
NOW=2026-12-01T00:00:00Z

if [ -f "$LAB/img-node.docker.tar" ]; then
  IMG="docker-archive:$LAB/img-node.docker.tar"
else # the app's packages at the lab image's versions, in a two-layer image
  python3 - "$OSV/ghsa-node-app/expected-matches.tsv" >"$T/spec.json" <<'PY'
import json, sys
pk = {}
for line in open(sys.argv[1]).read().splitlines()[1:]:
    f = line.split("\t")
    pk[f[0]] = f[1]
ents = [{"path": "app/package.json", "content": json.dumps({"name": "lab-vulnerable-app", "version": "1.0.0",
                                                           "dependencies": pk})}]
for n, v in sorted(pk.items()):
    ents.append({"path": "app/node_modules/%s/package.json" % n, "content": json.dumps({"name": n, "version": v})})
    ents.append({"path": "app/node_modules/%s/index.js" % n, "content": "module.exports = {};\n"})
print(json.dumps({"repo": "lab/img-node", "tag": "latest", "layers": [
    {"entries": [{"path": "etc/os-release", "content": "ID=debian\nVERSION_ID=\"12\"\n"}]},
    {"entries": ents}]}))
PY
  mkimage "$T/spec.json" docker-archive "$T/img-node.docker.tar"
  IMG="docker-archive:$T/img-node.docker.tar"
  cg_info "lab image absent: using an image with the app's package versions"
fi

cg_run "$T/imp.out" "$T/imp.err" db import --db "$T/db.sqlite" "$OSV/ghsa-node-app" \
  "$CG_TEST_DATA/scan/debian/bookworm-labels-img-debian/osv"
cg_expect_rc 0 "db import" "$T/imp.err"
printf '# what the app opened\n/app/node_modules/lodash/package.json\n/app/node_modules/qs/package.json\n' >"$T/paths.txt"
scan() { cg_run "$1" "$T/scan.err" scan --db "$T/db.sqlite" --now "$NOW" --runtime-evidence "$T/paths.txt" "${@:2}" "$IMG"; }
scan "$T/scan.html" -f html
cg_expect_rc 0 "scan -f html" "$T/scan.err"
scan "$T/scan2.html" -f html
cmp -s "$T/scan.html" "$T/scan2.html" && cg_ok || cg_fail "scan -f html: two runs differ"
scan "$T/report.json" -f json
cg_expect_rc 0 "scan -f json" "$T/scan.err"
n=$(jq '[.Results[].Vulnerabilities[]?] | length' "$T/report.json")
[ "$n" -gt 10 ] && cg_ok || cg_fail "only $n findings in img-node"
cat >"$T/policy.yaml" <<'Y'
apiVersion: cgate/v1
severities:
  critical: {block: true}
  high: {block: true}
exceptions:
  - id: CVE-2021-3749
    package: axios
    reason: "axios is only called with trusted URLs <b>here</b>"
    approvedBy: security@example.com
    expires: 2026-12-20
Y
pol() { cg_run "$1" "$T/pol.err" policy "$T/report.json" --policy "$T/policy.yaml" --now 2026-12-01 -f html; }
pol "$T/decision.html"
cg_expect_rc 1 "policy -f html denies (critical/high findings)" "$T/pol.err"
pol "$T/decision2.html"
cmp -s "$T/decision.html" "$T/decision2.html" && cg_ok || cg_fail "policy -f html: two runs differ"
cg_run "$T/o" "$T/e" policy "$T/report.json" --policy "$T/policy.yaml" -f htm
cg_expect_rc 2 "policy -f htm is a usage error" "$T/e"

# self-contained: a CSP that forbids fetches, and nothing that would fetch
for f in scan decision; do
  grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$T/$f.html" && cg_ok || cg_fail "$f.html: no CSP"
  if grep -Eiq '<(link|img|iframe|object|embed)[ >]|<script[^>]+src=|url\(' "$T/$f.html"; then
    cg_fail "$f.html refers to something outside itself"
  else cg_ok; fi
done

# ---- in the browser ---------------------------------------------------------
render() { # HTML PNG WIDTH HEIGHT
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/chr" \
    --screenshot="$2" --window-size="$3,$4" "file://$1" >"$T/chr.out" 2>&1
  [ -s "$2" ] || cg_fail "chromium wrote no screenshot of $1: $(tail -2 "$T/chr.out")"
  local c; c=$(python3 "$CG_TESTS/tools/png_colours.py" "$2" | awk '{print $2}')
  [ "${c:-0}" -gt 20 ] && cg_ok || cg_fail "$(basename "$2"): ${c:-0} colours - blank page?"
}
dom() { # HTML OUT
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$T/chr" --virtual-time-budget=2000 \
    --dump-dom "file://$1" >"$2" 2>"$T/chr.err"
  [ -s "$2" ] || cg_fail "chromium --dump-dom of $1 gave nothing: $(tail -2 "$T/chr.err")"
}
render "$T/scan.html" "$T/scan.png" 1280 2000
render "$T/decision.html" "$T/decision.png" 1280 2000
render "$T/decision.html" "$T/decision-phone.png" 390 1600
dom "$T/scan.html" "$T/scan.dom"
dom "$T/decision.html" "$T/decision.dom"
for f in scan decision; do
  grep -q 'img-node' "$T/$f.dom" && cg_ok || cg_fail "$f: the image name is not in the DOM"
  grep -q 'CVE-2021-44906' "$T/$f.dom" && cg_ok || cg_fail "$f: CVE-2021-44906 (minimist) is not in the DOM"
  grep -Eq "[0-9]+ of $n shown" "$T/$f.dom" && cg_ok || cg_fail "$f: the filter count was not written (did the script run?)"
done
grep -q 'DENY' "$T/decision.dom" && grep -q '>blocked<' "$T/decision.dom" && grep -q 'Blocked findings (' "$T/decision.dom" \
  && cg_ok || cg_fail "decision: DENY / blocked not in the DOM"
grep -q '2026-12-20' "$T/decision.dom" && grep -q '19 days left' "$T/decision.dom" \
  && cg_ok || cg_fail "decision: the exception's expiry is not shown"
grep -q 'axios is only called with trusted URLs &lt;b&gt;here&lt;/b&gt;' "$T/decision.dom" \
  && cg_ok || cg_fail "decision: the exception's reason is not shown as text"
# loaded first: the first rows of the findings table are the lodash/qs findings
first=$(grep -o '<tr data-i="0"[^>]*>' "$T/scan.dom" | head -1)
case "$first" in *'data-loaded="1"'*) cg_ok ;; *) cg_fail "scan: the first finding is not a loaded package's: $first" ;; esac
loaded_rows=$(grep -c 'data-loaded="1"' "$T/scan.dom")
[ "$loaded_rows" -ge 2 ] && cg_ok || cg_fail "scan: $loaded_rows loaded findings (lodash and qs have some)"

# ---- hostile values ---------------------------------------------------------
# The npm cataloger refuses invalid package names, so the scan page gets its
# hostile text from the advisory (title, a javascript: URL) and the image's
# path; the policy page reads a report whose PkgName is a script element.
mkdir -p "$T/evil"
cat >"$T/evil/GHSA-evil-0000-0000.json" <<'J'
{"schema_version":"1.3.0","id":"GHSA-evil-0000-0000","modified":"2024-01-01T00:00:00Z",
 "aliases":["CVE-2099-0001"],"summary":"\"><img src=x onerror=alert(2)><script>alert(3)</script>",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"npm","name":"evil-pkg"},
   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]}],
 "references":[{"type":"ADVISORY","url":"javascript:alert(4)"}]}
J
cat >"$T/evil.json" <<'J'
{"layers":[{"entries":[
 {"path":"etc/os-release","content":"ID=debian\nVERSION_ID=\"12\"\n"},
 {"path":"app/node_modules/evil-pkg/package.json","content":"{\"name\":\"evil-pkg\",\"version\":\"1.0.0\"}"}]}]}
J
EV="$T/x<svg onload=alert(5)>.oci"
mkimage "$T/evil.json" oci "$EV"
cg_run "$T/ei.out" "$T/ei.err" db import --db "$T/evil.sqlite" "$T/evil"
cg_expect_rc 0 "import the hostile record" "$T/ei.err"
cg_run "$T/evil.html" "$T/ee.err" scan --db "$T/evil.sqlite" --now "$NOW" -f html "oci:$EV"
cg_expect_rc 0 "scan -f html of the hostile image" "$T/ee.err"
grep -q 'CVE-2099-0001' "$T/evil.html" && cg_ok || cg_fail "the hostile advisory did not match"
cg_run "$T/evil.rep.json" "$T/ee.err" scan --db "$T/evil.sqlite" --now "$NOW" "oci:$EV"
jq '(.Results[].Vulnerabilities[]?.PkgName) |= "<script>alert(1)</script>"' "$T/evil.rep.json" >"$T/evil.rep2.json"
cg_run "$T/evil.dec.html" "$T/ed.err" policy "$T/evil.rep2.json" --policy "$T/policy.yaml" --now 2026-12-01 -f html
cg_expect_rc 1 "policy -f html of the hostile report" "$T/ed.err"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/evil.dec.html" && cg_ok || cg_fail "the package name is not escaped text"
grep -q 'x&lt;svg onload=alert(5)&gt;.oci' "$T/evil.html" && cg_ok || cg_fail "the image path is not escaped text"
for f in evil evil.dec; do
  if grep -Eq '<script>alert|<img src=x|<svg onload|href="javascript:' "$T/$f.html"; then cg_fail "$f.html: hostile markup got through"
  else cg_ok; fi
  grep -q '&lt;img src=x onerror=alert(2)&gt;' "$T/$f.html" && cg_ok || cg_fail "$f.html: the advisory title is not escaped text"
  dom "$T/$f.html" "$T/$f.dom"
  s=$(grep -o '<script' "$T/$f.dom" | wc -l)
  [ "$s" = 1 ] && cg_ok || cg_fail "$f: $s script elements in the DOM (want only cgate's)"
  if grep -Eq '<img|onload=alert\(5\)"|<a [^>]*javascript:' "$T/$f.dom"; then cg_fail "$f: hostile element in the DOM"; else cg_ok; fi
done
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/evil.dec.dom" && cg_ok || cg_fail "evil.dec: the name is not text in the DOM"
cg_finish
