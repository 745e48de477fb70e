#!/usr/bin/env python3
"""Renders every golden Markdown plan (tests/golden/*/plan.md) with Debian's cmark-gfm, as a Git
forge would, and checks the HTML structure a reviewer relies on: the title, the header table,
the summary table per kind, destructive changes first, every step visible (not collapsed) with
its number, steps in the order they run, only long values inside <details>, and no Markdown
syntax left over as text (a value that broke out of its code span or block).

Usage: check_markdown.py CMARK_GFM GOLDEN_DIR
"""
import html.parser
import json
import pathlib
import re
import subprocess
import sys

LEAKS = ["```", "|---", "**", "<details", "<summary", "\\|", "`"]


class Structure(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.headings = []        # (tag, text)
        self.tables = []          # list of rows (list of cell texts)
        self.code_blocks = 0
        self.details = 0
        self.details_open = 0
        self.steps_in_details = []
        self.text_outside_code = []
        self._heading = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = [tag, ""]
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "pre":
            self.code_blocks += 1
        elif tag == "details":
            self.details += 1
            self.details_open += 1

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag in ("h1", "h2", "h3", "h4") and self._heading:
            self.headings.append(tuple(self._heading))
            if self.details_open and self._heading[1].startswith("Step "):
                self.steps_in_details.append(self._heading[1])
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None
        elif tag == "details":
            self.details_open -= 1

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data
        if self._cell is not None:
            self._cell += data
        if "code" not in self.stack and "pre" not in self.stack:
            self.text_outside_code.append(data)


def check(cmark, case):
    problems = []
    markdown = (case / "plan.md").read_text()
    plan = json.loads((case / "plan.json").read_text())
    rendered = subprocess.run([cmark, "--unsafe", "--extension", "table", "--extension", "strikethrough"],
                              input=markdown, capture_output=True, text=True, check=True).stdout
    s = Structure()
    s.feed(rendered)
    steps = plan["steps"]
    if not s.headings or s.headings[0][0] != "h2" or not s.headings[0][1].startswith("sps-apply plan:"):
        problems.append("the first heading is not the h2 title")
    header = s.tables[0] if s.tables else []
    if [row[0] for row in header[1:]] != ["Appliance", "User", "Time (UTC)", "Desired state", "Plan digest"]:
        problems.append("no header table (appliance, user, time, desired state, plan digest) first")
    elif plan["header"]["appliance"] not in header[1][1]:
        problems.append("the header table does not name the appliance")
    if steps:
        summary = [t for t in s.tables if t and t[0] == ["kind", "create", "update", "delete"]]
        if len(summary) != 1:
            problems.append("no summary table per kind")
        else:
            kinds = {row[0] for row in summary[0][1:-1]}
            if kinds != {step["kind"] for step in steps}:
                problems.append(f"the summary table lists {sorted(kinds)}, the plan changes {sorted({st['kind'] for st in steps})}")
            total = summary[0][-1]
            want = [str(plan["summary"][a]) for a in ("create", "update", "delete")]
            if total[0] != "total" or total[1:] != want:
                problems.append(f"the total row is {total}, expected {want}")
    titles = [text for tag, text in s.headings]
    numbers = [int(m.group(1)) for tag, text in s.headings if tag == "h4" and (m := re.match(r"Step (\d+): ", text))]
    if sorted(numbers) != [st["index"] for st in steps]:
        problems.append(f"step headings {numbers}, the plan has steps {[st['index'] for st in steps]}")
    deletes = [st["index"] for st in steps if st["action"] == "delete"]
    others = [st["index"] for st in steps if st["action"] != "delete"]
    if numbers != deletes + others:
        problems.append(f"steps shown as {numbers}: destructive ones first, then the others in the order they run")
    if deletes and titles.index("Destructive changes") > min(
            (i for i, t in enumerate(titles) if t.startswith("Step ")), default=len(titles)):
        problems.append("the destructive changes are not first")
    if s.steps_in_details:
        problems.append(f"steps hidden in <details>: {s.steps_in_details}")
    if s.code_blocks < len(steps):
        problems.append(f"{s.code_blocks} code blocks for {len(steps)} steps")
    if ("long value" in markdown) != (s.details > 0):
        problems.append("long values are not (only) what <details> holds")
    text = "".join(s.text_outside_code)
    for leak in LEAKS:
        if leak in text:
            problems.append(f"raw Markdown {leak!r} left in the rendered text")
    return problems


def main():
    cmark, golden = sys.argv[1], pathlib.Path(sys.argv[2])
    cases = sorted(p for p in golden.iterdir() if (p / "plan.md").exists())
    failed = 0
    for case in cases:
        for problem in check(cmark, case):
            print(f"{case.name}/plan.md: {problem}")
            failed += 1
    if len(cases) < 12:
        print(f"only {len(cases)} golden cases")
        failed += 1
    print(f"checked {len(cases)} Markdown plans, {failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
