#!/usr/bin/env python3
"""Runs the sps-apply benchmarks against sps-sim and prints one table (see bench/README.md).

Called by scripts/bench after the Release build; arguments: --build DIR [--quick].
Measures, for N objects and a round-trip time RTT injected by `sps-sim --latency-ms`:
  plan     wall time and peak RSS of `sps-apply plan` vs the floor (1 + ceil(K / C)) x RTT
  curl     the same reads as a shell script would do them (one curl per object, sequential)
  apply    `sps-apply apply` of M changes vs the floor (M + 4) x RTT
  cpu      the CPU pipeline per object (sps_pipeline_bench, Google Benchmark)
and evaluates the targets of the design (PASS/MISS). Writes bench/results/latest.csv.
"""
import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PARALLELISM = 4  # transport::ConnectionSettings::parallelism (default)


class Sim:
    """sps-sim on a free loopback port with a seed directory and injected latency."""

    def __init__(self, binary, seed, latency_ms, work):
        self.work = work
        self.ca = os.path.join(work, "ca.pem")
        self.journal = os.path.join(work, f"journal-{time.monotonic_ns()}.jsonl")
        out = open(os.path.join(work, "sim.out"), "w+")
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--ca-out", self.ca, "--seed", seed,
             "--latency-ms", str(latency_ms), "--journal", self.journal],
            stdout=out, stderr=subprocess.DEVNULL)
        for _ in range(300):
            out.seek(0)
            line = out.readline()
            if line.startswith("listening on "):
                self.url = line.split()[-1]
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("sps-sim did not start")

    def requests(self):
        """Number of requests in the journal so far."""
        with open(self.journal) as f:
            return sum(1 for _ in f)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def run_timed(cmd, env):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS in MB, exit code)."""
    rss_file = tempfile.mktemp()
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    with open(rss_file) as f:
        rss_kb = int(f.read().split()[-1])
    os.unlink(rss_file)
    if p.returncode not in (0, 2):
        sys.stderr.write(p.stderr)
        raise RuntimeError(f"{' '.join(cmd[:2])} failed with exit code {p.returncode}")
    return elapsed, rss_kb / 1024.0, p.returncode


def gen_state(root, objects, changes):
    d = os.path.join(root, f"{objects}-{changes}")
    if not os.path.isdir(d):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_state.py"), "--objects", str(objects),
                        "--changes", str(changes), "--seed-dir", os.path.join(d, "seed"),
                        "--desired", os.path.join(d, "desired.yaml")], check=True)
    return d


def cli_env(sim):
    env = dict(os.environ)
    env.update(SPS_URL=sim.url, SPS_USERNAME="admin", SPS_PASSWORD="admin", SPS_CA_FILE=sim.ca)
    return env


def bench_plan(b, state, latency, reps):
    """Median wall time and max RSS of `sps-apply plan`; K from the simulator's journal."""
    sim = Sim(b.sim, os.path.join(state, "seed"), latency, b.work)
    try:
        times, rss = [], []
        before = sim.requests()
        for i in range(reps):
            t, r, _ = run_timed([b.cli, "plan", os.path.join(state, "desired.yaml")], cli_env(sim))
            times.append(t)
            rss.append(r)
            if i == 0:
                requests = sim.requests() - before  # login + one GET per kind
        kinds = requests - 1
        return statistics.median(times), max(rss), kinds
    finally:
        sim.stop()


def bench_curl(b, state, latency):
    """A shell script's reads: log in, GET each listing, then GET each object, one curl each."""
    sim = Sim(b.sim, os.path.join(state, "seed"), latency, b.work)
    cookies = os.path.join(b.work, "cookies")
    base = ["curl", "-sS", "--fail", "-o", "/dev/null", "--cacert", sim.ca]
    urls = []
    for dirpath, _, files in sorted(os.walk(os.path.join(state, "seed"))):
        for name in sorted(files):
            kind = os.path.relpath(os.path.join(dirpath, name), os.path.join(state, "seed"))[:-5]
            with open(os.path.join(dirpath, name)) as f:
                document = json.load(f)
            # The collections plan reads: write-once kinds cannot be listed, singletons are
            # not part of the generated state.
            if "items" not in document or kind in ("passwords", "private_keys"):
                continue
            listing = f"{sim.url}/api/configuration/{kind}"
            urls.append(listing)
            urls += [f"{listing}/{item['key']}" for item in document["items"]]
    try:
        start = time.perf_counter()
        subprocess.run(base + ["-u", "admin:admin", "--cookie-jar", cookies,
                               f"{sim.url}/api/authentication"], check=True)
        for url in urls:
            subprocess.run(base + ["--cookie", cookies, url], check=True)
        return time.perf_counter() - start
    finally:
        sim.stop()


def bench_apply(b, state, latency):
    """Wall time of `sps-apply apply --auto-approve` on a fresh simulator; requests sent."""
    sim = Sim(b.sim, os.path.join(state, "seed"), latency, b.work)
    try:
        t, _, _ = run_timed([b.cli, "apply", os.path.join(state, "desired.yaml"), "--auto-approve"],
                            cli_env(sim))
        return t, sim.requests()
    finally:
        sim.stop()


def bench_cpu(b, root, sizes):
    """us/object of the pipeline stages from sps_pipeline_bench, per object count."""
    cpu_root = os.path.join(root, "cpu")
    os.makedirs(cpu_root, exist_ok=True)
    for n in sizes:
        link = os.path.join(cpu_root, str(n))
        if not os.path.exists(link):
            os.symlink(gen_state(root, n, n // 10), link)
    out = subprocess.run([b.pipeline, "--state-root", cpu_root, "--benchmark_format=json",
                          "--benchmark_min_time=0.5"], check=True, capture_output=True, text=True)
    result = {}
    for bm in json.loads(out.stdout)["benchmarks"]:
        stage, n = bm["name"].split("/")[:2]
        result[(stage, int(n))] = bm["us_per_object"]
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--csv", default=os.path.join(HERE, "results", "latest.csv"))
    b = ap.parse_args()
    b.cli = os.path.join(b.build, "src/cli/sps-apply")
    b.sim = os.path.join(b.build, "sim/sps-sim")
    b.pipeline = os.path.join(b.build, "bench/sps_pipeline_bench")
    sizes = [100, 1000] if b.quick else [100, 1000, 10000]
    latencies = [0, 20] if b.quick else [0, 5, 20]
    changes = [10, 100] if b.quick else [10, 100, 1000]
    reps = 1 if b.quick else 3
    rows = []  # (measure, objects, changes, rtt_ms, seconds, floor_s, ratio, rss_mb, note)
    targets = []

    with tempfile.TemporaryDirectory(prefix="sps-bench-") as work:
        b.work = work
        root = os.path.join(work, "state")
        for n in sizes:
            state = gen_state(root, n, n // 10)
            for rtt in latencies:
                t, rss, kinds = bench_plan(b, state, rtt, reps)
                floor = (1 + math.ceil(kinds / PARALLELISM)) * rtt / 1000.0
                ratio = t / floor if floor else None
                rows.append(("plan", n, n // 10, rtt, t, floor, ratio, rss, f"K={kinds}"))
                print(f"plan  N={n:<6} rtt={rtt:>2}ms  {t*1000:8.1f} ms  floor {floor*1000:6.1f} ms"
                      f"  RSS {rss:6.1f} MB", flush=True)
                if n == 1000:  # the curl baseline's target is at 1,000 objects
                    c = bench_curl(b, state, rtt)
                    rows.append(("curl-per-object", n, 0, rtt, c, None, c / t, None,
                                 f"plan is {c / t:.1f}x faster"))
                    print(f"curl  N={n:<6} rtt={rtt:>2}ms  {c*1000:8.1f} ms  plan is {c / t:.1f}x faster",
                          flush=True)
                    if rtt == latencies[-1]:
                        targets.append((f"plan >= 10x faster than curl per object (N=1000, {rtt} ms)",
                                        c / t >= 10, f"{c / t:.1f}x"))
                if rtt == 20 and n == sizes[-1]:
                    targets.append((f"plan within 1.5x of its floor (N={n}, 20 ms)", ratio <= 1.5, f"{ratio:.2f}x"))
            if n == sizes[-1]:
                targets.append((f"plan peak RSS < 200 MB (N={n})", rss < 200, f"{rss:.1f} MB"))
        for m in changes:
            state = gen_state(root, 1000, m)
            for rtt in latencies:
                t, requests = bench_apply(b, state, rtt)
                floor = (m + 4) * rtt / 1000.0
                ratio = t / floor if floor else None
                rows.append(("apply", 1000, m, rtt, t, floor, ratio, None, f"{requests} requests"))
                print(f"apply M={m:<6} rtt={rtt:>2}ms  {t*1000:8.1f} ms  floor {floor*1000:6.1f} ms"
                      f"  {requests} requests", flush=True)
                if rtt == 20:
                    targets.append((f"apply within 1.3x of its floor (M={m}, 20 ms)", ratio <= 1.3,
                                    f"{ratio:.2f}x, {requests} requests for {m + 4}"))
        cpu = bench_cpu(b, root, sizes)
        for (stage, n), us in sorted(cpu.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            rows.append((f"cpu-{stage}", n, n // 10, 0, None, None, None, None, f"{us:.2f} us/object"))
            print(f"cpu   N={n:<6} {stage:<20} {us:8.2f} us/object", flush=True)
        n = sizes[-1]
        targets.append((f"CPU normalize+diff+plan < 2 us/object (N={n})",
                        cpu[("normalize_diff_plan", n)] < 2, f"{cpu[('normalize_diff_plan', n)]:.2f} us"))
        targets.append((f"CPU load+normalize+diff+plan < 2 us/object (N={n})",
                        cpu[("pipeline", n)] < 2, f"{cpu[('pipeline', n)]:.2f} us"))

    def fmt(v, scale=1000.0, digits=1):
        return "-" if v is None else f"{v * scale:.{digits}f}"

    header = ["measure", "objects", "changes", "rtt_ms", "wall_ms", "floor_ms", "ratio", "rss_mb", "note"]
    table = [[r[0], str(r[1]), str(r[2]), str(r[3]), fmt(r[4]), fmt(r[5]), fmt(r[6], 1, 2),
              fmt(r[7], 1, 1), r[8]] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header, *table)]
    print()
    for line in [header] + table:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    print()
    for name, ok, value in targets:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")
    os.makedirs(os.path.dirname(b.csv), exist_ok=True)
    with open(b.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(table)
        for name, ok, value in targets:
            w.writerow(["target", "", "", "", "", "", "", "", f"{'PASS' if ok else 'MISS'} {name}: {value}"])
    print(f"\nwritten {os.path.relpath(b.csv)}")


if __name__ == "__main__":
    main()
