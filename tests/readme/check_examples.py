#!/usr/bin/env python3
"""Structural checks of examples/ (the CI pipelines and the pre-commit hook definition).

Every *.yml/*.yaml parses; the GitHub workflow has on/jobs, every job runs-on and steps, every
step exactly one of uses/run; the GitLab pipeline has stages, every job a known stage and a
script (or extends a template with one), needs/extends name existing jobs; the pre-commit hooks
have id/name/entry/language; every shell script in a workflow parses with `bash -n`.
Usage: check_examples.py EXAMPLES_DIR. Prints one line per check, exits 1 on any failure.
"""
import pathlib
import subprocess
import sys

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


def main():
    root = pathlib.Path(sys.argv[1])
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and "drift" not in p.parts)
    check(len(files) >= 3, f"{root}: at least 3 YAML examples ({len(files)} found)")
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text())
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
    print(f"{sum(1 for _ in files)} files checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
