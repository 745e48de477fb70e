#!/usr/bin/env python3
"""Generates a benchmark state: an sps-sim seed directory (the fresh-appliance seed sim/seed/
plus N objects spread over the catalog's user-managed collections: backup, audit and
archive/cleanup policies; the simulator validates the whole configuration on commit, so the
other kinds must keep their valid defaults), and a
desired-state YAML file naming the same N objects, of which the first M differ from the
seed (so plan and apply have M updates to do).

Usage: bench/gen_state.py --objects N --changes M --seed-dir DIR --desired FILE

The desired state is written in YAML's JSON-compatible flow style (one object per line),
which the loader reads like any other YAML; keys in the seed are fixed ("b000001"), so a
seeded simulator is identical across restarts.
"""
import argparse
import json
import os


def backup(i, changed):
    return {
        "name": f"backup-{i:06d}",
        "include_node_id_in_path": True,
        "notification_event": {"type": "errors-only"},
        "target": {"type": "nfs", "server": {"selection": "fqdn", "value": f"nfs{i % 50}.example.com"},
                   "path": f"/exports/sps/{i}"},
        "start_times": ["2:30" if changed else "1:30"],
    }


def audit(i, changed):
    return {
        "name": f"audit-{i:06d}",
        "encryption": {"enabled": False},
        "signing": {"enabled": False},
        "timestamping": {"enabled": False},
        "signing_and_timestamping_interval": 45 if changed else 30,
    }


def archive(i, changed):
    return {
        "name": f"archive-{i:06d}",
        "include_node_id_in_path": False,
        "notification_event": {"type": "none"},
        "target": {"type": "none"},
        "start_times": ["4:45"],
        "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/",
        "retention_days": 30 if changed else 14,
    }


# kind path -> (body generator, key prefix)
KINDS = {
    "policies/backup_policies": (backup, "b"),
    "policies/audit_policies": (audit, "a"),
    "policies/archive_cleanup_policies": (archive, "c"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, required=True)
    parser.add_argument("--changes", type=int, default=0)
    parser.add_argument("--seed-dir", required=True)
    parser.add_argument("--desired", required=True)
    args = parser.parse_args()
    if args.changes > args.objects:
        parser.error("--changes must not exceed --objects")

    kinds = list(KINDS)
    seed = {k: [] for k in kinds}
    desired = {k: [] for k in kinds}
    for i in range(args.objects):
        kind = kinds[i % len(kinds)]
        make, prefix = KINDS[kind]
        seed[kind].append({"key": f"{prefix}{i:06d}", "body": make(i, False)})
        desired[kind].append(make(i, i < args.changes))

    default_seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim", "seed")
    for dirpath, _, files in os.walk(default_seed):
        for name in files:
            kind = os.path.relpath(os.path.join(dirpath, name), default_seed)[:-len(".json")]
            with open(os.path.join(dirpath, name)) as f:
                document = json.load(f)
            if kind in seed:
                document["items"] += seed[kind]
            path = os.path.join(args.seed_dir, kind + ".json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(document, f)
    with open(args.desired, "w") as f:
        f.write(f"# {args.objects} objects, {args.changes} changed (bench/gen_state.py)\n")
        for kind, bodies in desired.items():
            f.write(f"{kind}:\n")
            for body in bodies:
                f.write(f"  - {json.dumps(body)}\n")


if __name__ == "__main__":
    main()
