#!/usr/bin/python3
"""Checks sps-apply's real JSON outputs against schemas/output/ with Debian's python3-jsonschema,
a validator independent of the project's own (src/schema).

Usage: validate_outputs.py SCHEMA_DIR OUTPUT_DIR

Every OUTPUT_DIR/<case>.<schema>.json (one document) and OUTPUT_DIR/<case>.<schema>.jsonl (one
document per line) is validated against SCHEMA_DIR/<schema>.schema.json; every schema must be
a valid draft-7 schema and must have been used at least once. Prints one line per problem and
exits 1 when there is any.
"""
import importlib.metadata
import json
import pathlib
import sys

import jsonschema


def main() -> int:
    schema_dir, output_dir = (pathlib.Path(a) for a in sys.argv[1:3])
    validators = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft7Validator.check_schema(schema)
        validators[path.name[: -len(".schema.json")]] = jsonschema.Draft7Validator(schema)
    problems = []
    used = {name: 0 for name in validators}
    for path in sorted(output_dir.iterdir()):
        parts = path.name.split(".")
        if len(parts) < 3 or parts[-1] not in ("json", "jsonl"):
            continue
        validator = validators.get(parts[-2])
        if validator is None:
            problems.append(f"{path.name}: no schema {parts[-2]}.schema.json")
            continue
        text = path.read_text(encoding="utf-8")
        docs = [json.loads(line) for line in text.splitlines() if line] if parts[-1] == "jsonl" else [json.loads(text)]
        for number, doc in enumerate(docs, 1):
            used[parts[-2]] += 1
            for error in validator.iter_errors(doc):
                where = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"{path.name} (document {number}) at /{where}: {error.message}")
    problems += [f"{name}.schema.json: no output was checked against it" for name, n in used.items() if n == 0]
    for p in problems:
        print("FAILED:", p)
    print(f"python3-jsonschema {importlib.metadata.version('jsonschema')}: {sum(used.values())} documents against {len(validators)} schemas, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
