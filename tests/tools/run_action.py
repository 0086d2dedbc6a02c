#!/usr/bin/env python3
"""run_action.py - check and run cgate's CI integrations locally, as their CI would.

  run_action.py github ACTION_YML INPUTS_JSON WORKDIR
      Checks the composite action's metadata (the parts of GitHub's action
      metadata schema a composite action must satisfy: name, description,
      runs.using "composite", steps that each have exactly one of run/uses,
      a shell for every run step, unique step ids, every ${{ inputs.X }} a
      declared input, every ${{ steps.ID.outputs.K }} an earlier step, required
      inputs given).  Then runs it: each step's `if` is evaluated, ${{ }}
      expressions in env/with are substituted, run steps execute with
      `bash --noprofile --norc -eo pipefail` (GitHub's bash), GITHUB_OUTPUT
      is collected per step; a `uses` step cannot run here, so its `with`
      values are checked instead (sarif_file is a SARIF 2.1.0 file, path
      exists).  Prints one JSON object: steps (name, ran, rc) and outputs.
      Exit status: the first failing run step's code, else 0.

  run_action.py gitlab TEMPLATE_YML JOB VARS_JSON WORKDIR
      Runs the job's before_script and script lines in one `bash -eo pipefail`
      with its variables (overridden by VARS_JSON) in the environment.
"""
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REF = re.compile(r"\b(inputs\.[A-Za-z0-9_-]+|steps\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]+)")


def die(msg):
    print("run_action: " + msg, file=sys.stderr)
    sys.exit(90)


def check_metadata(a, inputs):
    for k in ("name", "description", "runs"):
        if not a.get(k):
            die("missing top-level %r" % k)
    allowed = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
    if set(a) - allowed:
        die("unknown top-level keys %s" % sorted(set(a) - allowed))
    decl = a.get("inputs") or {}
    for name, spec in decl.items():
        if not isinstance(spec, dict) or "description" not in spec:
            die("input %s has no description" % name)
        if spec.get("required") and "default" not in spec and name not in inputs:
            die("required input %s not given" % name)
    runs = a["runs"]
    if runs.get("using") != "composite" or not isinstance(runs.get("steps"), list):
        die("runs.using must be composite with a list of steps")
    ids = []
    for i, s in enumerate(runs["steps"]):
        if ("run" in s) == ("uses" in s):
            die("step %d must have exactly one of run / uses" % i)
        if "run" in s and "shell" not in s:
            die("run step %d has no shell" % i)
        if "uses" in s and not re.match(r"^[\w.-]+/[\w./-]+@[\w.-]+$", s["uses"]):
            die("step %d: uses %r is not OWNER/REPO[/PATH]@REF" % (i, s["uses"]))
        text = json.dumps(s)
        for ref in REF.findall(text):
            parts = ref.split(".")
            if parts[0] == "inputs" and parts[1] not in decl:
                die("step %d refers to undeclared %s" % (i, ref))
            if parts[0] == "steps" and parts[1] not in ids:
                die("step %d refers to %s before that step" % (i, ref))
        if "id" in s:
            if s["id"] in ids:
                die("duplicate step id %s" % s["id"])
            ids.append(s["id"])
    for name, o in (a.get("outputs") or {}).items():
        for ref in REF.findall(str(o.get("value", ""))):
            if ref.split(".")[0] == "steps" and ref.split(".")[1] not in ids:
                die("output %s refers to unknown %s" % (name, ref))


def evaluate(expr, ctx, status_ok):
    """The few expression forms the action uses: refs, 'strings', ==, !=, &&, ||, !, always(), success()."""
    py = expr.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = py.replace("always()", "True").replace("success()", repr(status_ok)).replace("failure()", repr(not status_ok))
    py = REF.sub(lambda m: repr(lookup(m.group(1), ctx)), py)
    return eval(py, {"__builtins__": {}}, {})


def lookup(ref, ctx):
    p = ref.split(".")
    if p[0] == "inputs":
        return ctx["inputs"].get(p[1], "")
    return ctx["steps"].get(p[1], {}).get(p[3], "")


def subst(value, ctx):
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx, True)), str(value))


def parse_output_file(path):
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            out[k] = v
    return out


def run_github(action_yml, inputs, workdir):
    a = yaml.safe_load(open(action_yml))
    check_metadata(a, inputs)
    decl = a.get("inputs") or {}
    ctx = {"inputs": {k: str(inputs.get(k, v.get("default", ""))) for k, v in decl.items()}, "steps": {}}
    path = os.path.dirname(os.path.abspath(action_yml))
    temp = os.path.join(workdir, "runner-temp")
    os.makedirs(temp, exist_ok=True)
    ok, first_rc, report = True, 0, []
    for i, s in enumerate(a["runs"]["steps"]):
        cond = s.get("if")
        run_it = evaluate(cond, ctx, ok) if cond else ok
        entry = {"name": s.get("name", "step %d" % i), "ran": bool(run_it)}
        if run_it and "run" in s:
            outfile = os.path.join(temp, "output.%d" % i)
            open(outfile, "w").close()
            env = dict(os.environ, GITHUB_ACTION_PATH=path, RUNNER_TEMP=temp, GITHUB_OUTPUT=outfile)
            env.update({k: subst(v, ctx) for k, v in (s.get("env") or {}).items()})
            script = os.path.join(temp, "step.%d.sh" % i)
            open(script, "w").write(subst(s["run"], ctx) if EXPR.search(s["run"]) else s["run"])
            rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env, cwd=workdir,
                                 stdout=sys.stderr)
            entry["rc"] = rc
            if "id" in s:
                ctx["steps"][s["id"]] = parse_output_file(outfile)
            if rc != 0 and ok:
                ok, first_rc = False, rc
        elif run_it:
            w = {k: subst(v, ctx) for k, v in (s.get("with") or {}).items()}
            entry["uses"], entry["with"] = s["uses"], w
            if "sarif_file" in w:
                f = os.path.join(workdir, w["sarif_file"])
                if json.load(open(f)).get("version") != "2.1.0":
                    die("sarif_file %s is not SARIF 2.1.0" % f)
            if "path" in w and not os.path.exists(os.path.join(workdir, w["path"])):
                die("upload path %s does not exist" % w["path"])
        report.append(entry)
    outputs = {k: subst(v.get("value", ""), ctx) for k, v in (a.get("outputs") or {}).items()}
    print(json.dumps({"steps": report, "outputs": outputs}, indent=2))
    return first_rc


def run_gitlab(template, job, variables, workdir):
    t = yaml.safe_load(open(template))
    j = t.get(job)
    if not isinstance(j, dict) or not isinstance(j.get("script"), list):
        die("no job %s with a script" % job)
    env = dict(os.environ)
    env.update({k: str(v) for k, v in (j.get("variables") or {}).items()})
    env.update({k: str(v) for k, v in variables.items()})
    lines = list(j.get("before_script") or []) + list(j["script"])
    script = os.path.join(workdir, "gitlab-job.sh")
    open(script, "w").write("\n".join(lines) + "\n")
    return subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env, cwd=workdir)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "github":
        sys.exit(run_github(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]))
    if len(sys.argv) == 6 and sys.argv[1] == "gitlab":
        sys.exit(run_gitlab(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5]))
    die(__doc__)


if __name__ == "__main__":
    main()
