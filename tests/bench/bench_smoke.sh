#!/usr/bin/env bash
# Smoke test of bench/ (the benchmarks themselves are not part of the suite: no test is timed).
# The state generator's seed and desired state agree (a plan against a simulator seeded with
# it finds exactly the changes asked for, in one wave of reads bounded by --parallel), the
# system-store setup of the benchmark verifies the simulator, and the bench scripts parse.
# Usage: bench_smoke.sh PATH/TO/sps-apply PATH/TO/sps-sim SOURCE_DIR PYTHON3
set -euo pipefail
cli=$1 sim=$2 src=$3 py=$4
work=$(mktemp -d)
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$py" -c 'import ast, sys
for f in sys.argv[1:]: ast.parse(open(f).read(), f)' \
  "$src/bench/run_bench.py" "$src/bench/baseline_read.py" "$src/bench/gen_state.py"
"$py" "$src/bench/gen_state.py" --objects 30 --changes 4 --seed-dir "$work/seed" --desired "$work/desired.yaml"

"$sim" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" --seed "$work/seed" --journal "$work/journal" \
  >"$work/out" 2>"$work/err" &
sim_pid=$!
for _ in $(seq 100); do
  [[ -s $work/out ]] && break
  sleep 0.1
done
line=$(head -n1 "$work/out")
[[ $line =~ ^listening\ on\ (https://127\.0\.0\.1:[0-9]+)$ ]] || fail "sps-sim did not start: $(cat "$work/err")"
url=${BASH_REMATCH[1]}
set +e
SPS_URL=$url SPS_USERNAME=admin SPS_PASSWORD=admin SPS_CA_FILE=$work/ca.pem \
  "$cli" plan "$work/desired.yaml" --detailed-exitcode --parallel 3 --verbose >"$work/plan" 2>"$work/log"
status=$?
set -e
[[ $status == 2 ]] || fail "plan exited $status: $(cat "$work/plan" "$work/log")"
grep -q "Plan: 0 to create, 4 to update, 0 to delete." "$work/plan" || fail "unexpected plan: $(cat "$work/plan")"
# One wave, over as many connections as the login's measured round trip pays for (transport/
# retry.h: on loopback that depends on the machine's load), never more than --parallel.
wave=$(grep -oE "[0-9]+ reads over [0-9]+ connection" "$work/log" || true)
[[ $(grep -c . <<<"$wave") == 1 && -n $wave ]] || fail "not one wave of reads: $(cat "$work/log")"
planned=$(awk '{print $4}' <<<"$wave")
connections=$(grep -c " established" "$work/log")
[[ $connections == "$planned" && $connections -ge 1 && $connections -le 3 ]] ||
  fail "--parallel 3: $connections connections opened for a wave planned over $planned: $(cat "$work/log")"
# The system store measure: no --ca-file, the simulator's CA in a hashed directory of its own
# (SSL_CERT_DIR), which sps-apply reads on demand next to the system's.
mkdir "$work/certs"
ln -s "$work/ca.pem" "$work/certs/$(openssl x509 -hash -noout -in "$work/ca.pem").0"
set +e
SPS_URL=$url SPS_USERNAME=admin SPS_PASSWORD=admin SSL_CERT_DIR=$work/certs \
  "$cli" plan "$work/desired.yaml" --detailed-exitcode >"$work/plan" 2>"$work/log"
status=$?
set -e
[[ $status == 2 ]] || fail "plan with SSL_CERT_DIR exited $status: $(cat "$work/plan" "$work/log")"
echo "bench smoke: OK"
