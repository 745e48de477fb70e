#!/usr/bin/env python3
"""Runs the sps-apply benchmarks against sps-sim and prints one table (see bench/README.md).

Called by scripts/bench after the Release build; arguments: --build DIR [--quick], or
--only apply [--reps N] for the apply row alone (median of N runs, each on a fresh simulator).
Every row is a ratio measured in this run, against an ideal or a baseline measured alongside:
  plan of the demo at 20 / 100 ms RTT     vs 2 x RTT (login + one parallel wave)
  plan of the demo at 0 ms, --version     wall time and instructions (valgrind callgrind),
                                          next to /bin/true (this machine's process start)
  plan with the system CA store           vs the same plan with one CA file
  plan of N objects at RTT                vs a read-only Python `requests` script (sequential
                                          and 4 threads), a curl loop and an Ansible `uri`
                                          playbook reading the same endpoints
  normalize + diff + plan per object      sps_pipeline_bench
  apply of M changes (1,000 objects)      vs (M + 4) x RTT
  peak RSS, plan of the largest state     /usr/bin/time
Writes bench/results/latest.csv.
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

    def get_paths(self):
        """The GET paths of the journal (the reads of a run), without the login."""
        with open(self.journal) as f:
            entries = [json.loads(line) for line in f]
        return [e["path"] for e in entries if e["method"] == "GET" and e["path"] != "/api/authentication"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


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


def cli_env(sim, ca=True):
    env = dict(os.environ)
    env.update(SPS_URL=sim.url, SPS_USERNAME="admin", SPS_PASSWORD="admin",
               SPS_SPLUNK_TOKEN="bench-token", SPS_ARCHIVE_SMB_PASSWORD="bench-password")
    # The system store as Debian configures it: no OpenSSL overrides in the environment.
    for name in ("SPS_CA_FILE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(name, None)
    if ca:
        env["SPS_CA_FILE"] = sim.ca
    return env


def wall(cmd, env, reps, ok=(0, 2)):
    """Median wall time (s) of reps runs of cmd and the largest peak RSS (MB)."""
    times, rss = [], []
    for _ in range(reps):
        t, r, code = run_timed(cmd, env)
        if code not in ok:
            raise RuntimeError(f"{cmd[0]} exited {code}")
        times.append(t)
        rss.append(r)
    return statistics.median(times), max(rss)


def instructions(cmd, env):
    """Instructions executed by cmd (valgrind --tool=callgrind, the whole process)."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split()[-1])
    raise RuntimeError("callgrind printed no count:\n" + p.stderr[-2000:])



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


DEMO = os.path.join(HERE, "..", "desired-state")


class Table:
    """Rows of (measure, sps-apply figure, reference figure, ratio, target, verdict)."""

    def __init__(self):
        self.rows = []

    def add(self, measure, ours, reference, ratio, target=None, ok=None):
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        self.rows.append([measure, ours, reference, "-" if ratio is None else f"{ratio:.2f}x", target or "", verdict])
        print(f"{verdict:4}  {measure}: {ours} vs {reference}" + (f" = {ratio:.2f}x" if ratio else "")
              + (f" (target {target})" if target else ""), flush=True)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def demo_rows(b, t, reps):
    """Plan of the demo at 20 and 100 ms against its ideal; fixed cost at 0 ms; --version."""
    for rtt in (20, 100):
        with Sim(b.sim, b.demo_seed, rtt, b.work) as sim:
            w, _ = wall([b.cli, "plan", DEMO], cli_env(sim), reps)
        ideal = 2 * rtt / 1000.0
        t.add(f"plan of the demo at {rtt} ms RTT", ms(w), f"ideal 2 x RTT {ms(ideal)}", w / ideal, "<= 1.5x",
              w / ideal <= 1.5)
    true_wall, _ = wall(["/bin/true"], None, reps * 3)
    with Sim(b.sim, b.demo_seed, 0, b.work) as sim:
        w, _ = wall([b.cli, "plan", DEMO], cli_env(sim), reps * 3)
        ir = instructions([b.cli, "plan", DEMO], cli_env(sim))
        t.add("plan of the demo at 0 ms (fixed cost)", ms(w), f"/bin/true {ms(true_wall)}", None, "<= 15 ms",
              w <= 0.015)
        t.add("  instructions of that plan (callgrind)", f"{ir / 1e6:.1f} M", "-", None)
        # The system store: the simulator's CA in a hashed directory of its own (SSL_CERT_DIR),
        # next to the system's ~145 certificates, against the same plan with one CA file.
        certs = os.path.join(b.work, "certs")
        os.makedirs(certs, exist_ok=True)
        h = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", sim.ca], capture_output=True, text=True,
                           check=True).stdout.strip()
        dest = os.path.join(certs, h + ".0")
        if not os.path.exists(dest):
            os.symlink(sim.ca, dest)
        store = cli_env(sim, ca=False)
        store["SSL_CERT_DIR"] = certs
        one = cli_env(sim)
        ws, wo = [], []
        for _ in range(reps * 3):  # interleaved, so load on the machine hits both alike
            ws.append(run_timed([b.cli, "plan", DEMO], store)[0])
            wo.append(run_timed([b.cli, "plan", DEMO], one)[0])
        ir_store = instructions([b.cli, "plan", DEMO], store)
        ir_one = instructions([b.cli, "plan", DEMO], one)
        eager = dict(store, SSL_CERT_FILE="/etc/ssl/certs/ca-certificates.crt")
        ir_eager = instructions([b.cli, "plan", DEMO], eager)
        t.add("plan with the system CA store (~145 CAs)", ms(statistics.median(ws)),
              f"one CA file {ms(statistics.median(wo))}", statistics.median(ws) / statistics.median(wo))
        t.add("  instructions, system store / one CA", f"{ir_store / 1e6:.1f} M", f"{ir_one / 1e6:.1f} M",
              ir_store / ir_one, "<= 1.1x", ir_store / ir_one <= 1.1)
        t.add("  instructions, the bundle parsed eagerly", f"{ir_eager / 1e6:.1f} M", f"{ir_one / 1e6:.1f} M",
              ir_eager / ir_one)
    w, _ = wall([b.cli, "--version"], None, reps * 3)
    t.add("--version", ms(w), f"/bin/true {ms(true_wall)}", w / true_wall, "<= 5 ms", w <= 0.005)
    t.add("  instructions of --version", f"{instructions([b.cli, '--version'], None) / 1e6:.2f} M",
          f"/bin/true {instructions(['/bin/true'], None) / 1e6:.2f} M", None)


def read_baselines(b, sim, paths, quick, with_ansible):
    """Wall times (s) of the baselines reading `paths`, by name."""
    pf = os.path.join(b.work, "paths.txt")
    with open(pf, "w") as f:
        f.write("\n".join(paths) + "\n")
    env = cli_env(sim)
    out = {}
    script = os.path.join(HERE, "baseline_read.py")
    out["python requests, 4 threads"] = wall(["/usr/bin/python3", script, sim.url, sim.ca, pf, "--threads", "4"],
                                             env, 1 if quick else 3, ok=(0,))[0]
    out["python requests, sequential"] = wall(["/usr/bin/python3", script, sim.url, sim.ca, pf], env, 1, ok=(0,))[0]
    cookies = os.path.join(b.work, "cookies")
    curl = ["curl", "-sS", "--fail", "-o", "/dev/null", "--cacert", sim.ca]
    loop = (f"{' '.join(curl)} -u admin:admin -c {cookies} {sim.url}/api/authentication && "
            f"for p in $(cat {pf}); do {' '.join(curl)} -b {cookies} {sim.url}$p || exit 1; done")
    out["curl loop"] = wall(["bash", "-c", loop], env, 1, ok=(0,))[0]
    if with_ansible:
        out["ansible uri playbook"] = ansible(b, sim, paths)
    return out


def ansible(b, sim, paths):
    book = os.path.join(b.work, "read.yml")
    with open(book, "w") as f:
        f.write(f"""- hosts: localhost
  gather_facts: false
  tasks:
    - uri: {{url: "{sim.url}/api/authentication", url_username: admin, url_password: admin,
            force_basic_auth: true, ca_path: "{sim.ca}"}}
      register: login
    - uri: {{url: "{sim.url}{{{{ item }}}}", ca_path: "{sim.ca}", headers: {{Cookie: "{{{{ login.cookies_string }}}}"}}}}
      loop: {json.dumps(paths)}
""")
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False")
    return wall(["ansible-playbook", "-i", "localhost,", "-c", "local", book], env, 1, ok=(0,))[0]


def scale_rows(b, t, sizes, rtts, quick):
    """Plan of N objects at RTT against the baselines; peak RSS of the largest."""
    for n in sizes:
        state = gen_state(b.root, n, n // 10)
        for rtt in rtts:
            with Sim(b.sim, os.path.join(state, "seed"), rtt, b.work) as sim:
                before = len(sim.get_paths())
                w, rss = wall([b.cli, "plan", os.path.join(state, "desired.yaml")], cli_env(sim), 1 if quick else 3)
                paths = sim.get_paths()[before:]
                paths = paths[: len(paths) // (1 if quick else 3)]  # one run's reads
                base = read_baselines(b, sim, paths, quick, with_ansible=(n == 1000 and not quick))
            best = base["python requests, 4 threads"]
            t.add(f"plan, {n:,} objects at {rtt} ms ({len(paths)} reads)", ms(w),
                  f"python requests 4 threads {ms(best)}", best / w, "> 1x (faster)", w < best)
            for name, v in base.items():
                if name != "python requests, 4 threads":
                    t.add(f"  {name}", ms(v), "-", v / w)
            if n == sizes[-1] and rtt == 0:
                t.add(f"peak RSS, plan of {n:,} objects", f"{rss:.1f} MB", "-", None, "<= 100 MB", rss <= 100)


def apply_rows(b, t, reps=1):
    """Each run applies to a fresh simulator (an applied state has nothing left to do)."""
    state = gen_state(b.root, 1000, 10)
    rtt = 20
    times, counts = [], []
    for _ in range(reps):
        with Sim(b.sim, os.path.join(state, "seed"), rtt, b.work) as sim:
            w, _ = wall([b.cli, "apply", os.path.join(state, "desired.yaml"), "--auto-approve"], cli_env(sim), 1)
            times.append(w)
            counts.append(sim.requests())
    w = statistics.median(times)
    floor = (10 + 4) * rtt / 1000.0
    spread = f", {reps} runs {ms(min(times))} to {ms(max(times))}" if reps > 1 else ""
    t.add(f"apply of 10 changes (1,000 objects) at {rtt} ms ({counts[-1]} requests{spread})", ms(w),
          f"floor (M + 4) x RTT {ms(floor)}", w / floor, "<= 1.3x", w / floor <= 1.3)


def cpu_rows(b, t, sizes):
    cpu = bench_cpu(b, b.root, sizes)
    for n in sizes:
        us = cpu[("normalize_diff_plan", n)]
        t.add(f"normalize + diff + plan, {n:,} objects", f"{us:.2f} us/object", "-", None, "<= 2 us",
              us <= 2 if n == sizes[-1] else None)
        t.add(f"  load (YAML + validation), {n:,} objects", f"{cpu[('load', n)]:.2f} us/object", "-", None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["apply"], help="run only this row (apply: the median of --reps runs)")
    ap.add_argument("--reps", type=int, default=5, help="runs of the row chosen with --only")
    ap.add_argument("--csv", help="where to write the table (default: bench/results/latest.csv; none with --only)")
    b = ap.parse_args()
    b.cli = os.path.join(b.build, "src/cli/sps-apply")
    b.sim = os.path.join(b.build, "sim/sps-sim")
    b.pipeline = os.path.join(b.build, "bench/sps_pipeline_bench")
    b.demo_seed = os.path.join(HERE, "..", "sim", "seed")
    sizes = [100, 1000] if b.quick else [100, 1000, 10000]
    rtts = [0, 20] if b.quick else [0, 20, 100]
    reps = 1 if b.quick else 5
    t = Table()
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    with tempfile.TemporaryDirectory(prefix="sps-bench-") as work:
        b.work = work
        b.root = os.path.join(work, "state")
        if b.only == "apply":
            apply_rows(b, t, b.reps)
        else:
            demo_rows(b, t, reps)
            scale_rows(b, t, sizes, rtts, b.quick)
            apply_rows(b, t)
            cpu_rows(b, t, sizes)
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]
    header = ["measure", "sps-apply", "reference", "ratio", "target", "verdict"]
    widths = [max(len(x) for x in col) for col in zip(header, *t.rows)]
    print(f"\nload average before {' '.join(load_before)}, after {' '.join(load_after)} ({os.cpu_count()} cores)\n")
    for line in [header] + t.rows:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    if b.csv is None and b.only:
        return
    b.csv = b.csv or os.path.join(HERE, "results", "latest.csv")
    os.makedirs(os.path.dirname(b.csv), exist_ok=True)
    with open(b.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(t.rows)
        w.writerow(["load average", " ".join(load_before), " ".join(load_after), "", "", ""])
    print(f"\nwritten {os.path.relpath(b.csv)}")


if __name__ == "__main__":
    main()
