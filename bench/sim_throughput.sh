#!/usr/bin/env bash
# Measures sps-sim GET throughput on keep-alive TLS connections with wrk and prints the
# figure. Target: at least 5,000 GET/s on a 2-core machine (Release build).
# Usage: bench/sim_throughput.sh [PATH/TO/sps-sim] [SECONDS] [CONNECTIONS]
#   default binary: build/release/sim/sps-sim (build it with scripts/build)
set -euo pipefail
cd "$(dirname "$0")/.."
sim=${1:-build/release/sim/sps-sim}
duration=${2:-10}
connections=${3:-32}
[[ -x $sim ]] || { echo "no sps-sim binary at $sim (build with scripts/build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$sim" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" >"$work/out" 2>"$work/err" &
sim_pid=$!
for _ in $(seq 100); do [[ -s $work/out ]] && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
[[ -n $url ]] || { echo "sps-sim did not start: $(cat "$work/err")" >&2; exit 1; }

# One session shared by all connections (the cookie is all a GET needs).
curl -sS --fail --cacert "$work/ca.pem" -u admin:admin --cookie-jar "$work/cookies" \
  "$url/api/authentication" >/dev/null
session=$(awk '$6 == "session_id" { print $7 }' "$work/cookies")
[[ -n $session ]] || { echo "login failed" >&2; exit 1; }

path=/api/configuration/policies/audit_policies
echo "sps-sim $sim: GET $path, $connections keep-alive connections, ${duration}s, wrk 2 threads"
wrk -t2 -c"$connections" -d"${duration}s" -H "Cookie: session_id=$session" "$url$path" | tee "$work/wrk"
rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$work/wrk")
non2xx=$(awk '/Non-2xx/ { print $5 }' "$work/wrk")
echo "RESULT sim_throughput_get_per_second=$rps (target >= 5000)${non2xx:+, non-2xx responses: $non2xx}"
