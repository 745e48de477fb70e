#!/usr/bin/env python3
"""Structural checks of examples/ (the CI pipelines and the pre-commit hook definition).

Every *.yml/*.yaml parses; the GitHub workflow has on/jobs, every job runs-on and steps, every
step exactly one of uses/run; the GitLab pipeline has stages, every job a known stage and a
script (or extends a template with one), needs/extends name existing jobs; the pre-commit hooks
have id/name/entry/language; every shell script in a workflow parses with `bash -n`.
With SPS_APPLY_BINARY, every `sps-apply` command line of the fleet examples (Kubernetes
containers, matrix jobs) goes through the real binary's argument parser: run in an empty
directory without credentials, it may fail (no inventory there), but never as a usage error.
Usage: check_examples.py EXAMPLES_DIR [SPS_APPLY_BINARY]. Prints one line per check, exits 1
on any failure.
"""
import glob
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

import yaml

failures = []


def check(condition, what):
    print(("ok: " if condition else "FAILED: ") + what, file=sys.stdout if condition else sys.stderr)
    if not condition:
        failures.append(what)


def bash_parses(script, where):
    result = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    check(result.returncode == 0, f"{where}: shell parses{': ' + result.stderr.strip() if result.returncode else ''}")


def check_github(path, doc):
    # YAML 1.1 reads the key `on` as the boolean true.
    triggers = doc.get("on", doc.get(True))
    check(isinstance(triggers, (dict, list, str)), f"{path}: has on:")
    jobs = doc.get("jobs")
    check(isinstance(jobs, dict) and jobs, f"{path}: has jobs:")
    for name, job in (jobs or {}).items():
        check("runs-on" in job, f"{path}: job {name} has runs-on")
        steps = job.get("steps")
        check(isinstance(steps, list) and steps, f"{path}: job {name} has steps")
        for i, step in enumerate(steps or []):
            check(("uses" in step) != ("run" in step), f"{path}: job {name} step {i + 1} has exactly one of uses/run")
            if "run" in step:
                bash_parses(step["run"], f"{path}: job {name} step {i + 1}")


GITLAB_KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services",
                   "before_script", "after_script", "cache"}


def check_gitlab(path, doc):
    stages = doc.get("stages")
    check(isinstance(stages, list) and stages, f"{path}: has stages:")
    jobs = {k: v for k, v in doc.items() if k not in GITLAB_KEYWORDS and isinstance(v, dict)}
    real_jobs = {k: v for k, v in jobs.items() if not k.startswith(".")}
    check(bool(real_jobs), f"{path}: has jobs")
    for name, job in real_jobs.items():
        check(job.get("stage") in (stages or []), f"{path}: job {name} has a stage listed in stages:")
        merged = dict(jobs.get(job.get("extends"), {})) if isinstance(job.get("extends"), str) else {}
        if "extends" in job:
            check(job["extends"] in jobs, f"{path}: job {name} extends an existing template")
        merged.update(job)
        check(isinstance(merged.get("script"), list) and merged["script"], f"{path}: job {name} has a script")
        for need in job.get("needs", []):
            check(need in real_jobs, f"{path}: job {name} needs existing job {need}")
        lines = [line for key in ("before_script", "script") for line in merged.get(key, [])]
        bash_parses("\n".join(lines), f"{path}: job {name}")


def check_pre_commit_hooks(path, doc):
    check(isinstance(doc, list) and doc, f"{path}: is a list of hooks")
    for hook in doc or []:
        for key in ("id", "name", "entry", "language"):
            check(key in hook, f"{path}: hook {hook.get('id')} has {key}")


# Values for the variables the fleet examples' command lines use.
SAMPLE_VALUES = {"$(JOB_COMPLETION_INDEX)": "0", "${APPLIANCE}": "sps-prod-1", "$APPLIANCE": "sps-prod-1",
                 '"$GITHUB_STEP_SUMMARY"': "summary.md"}


def sps_apply_lines(path, doc):
    """The sps-apply command lines of a manifest or pipeline, as argument lists."""
    lines = []

    def from_shell(text):
        for part in text.replace("\\\n", " ").replace(";", "\n").replace("||", "\n").replace(">>", "\n").split("\n"):
            part = part.strip()
            if part.startswith("sps-apply "):
                for name, value in SAMPLE_VALUES.items():
                    part = part.replace(name, value)
                lines.append(shlex.split(part)[1:])

    def walk(node):
        if isinstance(node, dict):
            command = node.get("command")
            if command == ["sps-apply"] and isinstance(node.get("args"), list):
                args = [str(a) for a in node["args"]]
                for name, value in SAMPLE_VALUES.items():
                    args = [a.replace(name, value) for a in args]
                lines.append(args)
            elif command == ["sh", "-c"]:
                for a in node.get("args", []):
                    from_shell(a)
            for key in ("run", "script"):
                value = node.get(key)
                if isinstance(value, str):
                    from_shell(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            from_shell(item)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return lines


def check_command_lines(path, docs, binary):
    lines = [line for doc in docs for line in sps_apply_lines(path, doc)]
    check(bool(lines), f"{path}: has sps-apply command lines")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPS_")}
    env["NO_COLOR"] = "1"
    for args in lines:
        with tempfile.TemporaryDirectory() as work:
            os.makedirs(os.path.join(work, "results"))
            pathlib.Path(work, "results", "0.json").write_text("{}")
            args = [a.replace("/results/", "results/") for a in args]
            expanded = []
            for a in args:
                matches = sorted(glob.glob(a, root_dir=work)) if "*" in a else []
                expanded.extend(matches or [a])
            result = subprocess.run([binary] + expanded, cwd=work, env=env, capture_output=True, text=True,
                                    timeout=60)
            output = result.stdout + result.stderr
            usage_error = "Run with --help" in output or "was not expected" in output
            check(not usage_error, f"{path}: `sps-apply {' '.join(args)}` parses"
                                   f"{'' if not usage_error else ': ' + output.strip()}")


def main():
    root = pathlib.Path(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and "drift" not in p.parts)
    check(len(files) >= 3, f"{root}: at least 3 YAML examples ({len(files)} found)")
    for path in files:
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
            doc = docs[0] if docs else None
        except yaml.YAMLError as e:
            check(False, f"{path}: YAML parses: {e}")
            continue
        check(True, f"{path}: YAML parses")
        if "github" in str(path):
            check_github(path, doc)
        elif path.name == ".gitlab-ci.yml":
            check_gitlab(path, doc)
        elif path.name == ".pre-commit-hooks.yaml":
            check_pre_commit_hooks(path, doc)
        if binary and ("kubernetes" in path.parts or path.name.startswith("fleet")):
            check_command_lines(path, list(yaml.safe_load_all(path.read_text())), binary)
    print(f"{sum(1 for _ in files)} files checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
