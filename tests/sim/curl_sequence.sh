#!/usr/bin/env bash
# The documented curl sequence (sim/README.md, "A session with curl"), run unchanged against
# the real sps-sim binary: login with a cookie jar, open a transaction, change an object,
# read the changelog, commit; then a second transaction that is rolled back with DELETE.
# Usage: curl_sequence.sh PATH/TO/sps-sim
set -euo pipefail
sim=${1:?usage: curl_sequence.sh PATH/TO/sps-sim}
work=$(mktemp -d)
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

help=$("$sim" --help)
for option in --listen --ca-out --seed --user --latency-ms --fault --transaction-timeout \
  --session-timeout --journal; do
  grep -q -- "$option" <<<"$help" || fail "--help does not document $option"
done
set +e
"$sim" --fault colour=red 2>"$work/bad"
bad_status=$?
set -e
[[ $bad_status == 2 ]] && grep -q "invalid --fault" "$work/bad" || fail "bad --fault: exit $bad_status, $(cat "$work/bad")"

"$sim" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" >"$work/out" 2>"$work/err" &
sim_pid=$!
for _ in $(seq 100); do
  [[ -s $work/out ]] && break
  sleep 0.1
done
line=$(head -n1 "$work/out")
[[ $line =~ ^listening\ on\ (https://127\.0\.0\.1:[0-9]+)$ ]] || fail "unexpected first line: '$line' $(cat "$work/err")"
SPS=${BASH_REMATCH[1]}

# --- the sequence as documented ---------------------------------------------------------
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie-jar "$work/cookies" -u admin:admin \
  "$SPS/api/authentication" >"$work/login.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" -X POST --data '' \
  "$SPS/api/transaction" >"$work/open.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" -X PUT \
  -H 'Content-Type: application/json' --data '{"timeout": 15}' \
  "$SPS/api/configuration/management/webinterface" >"$work/put.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" \
  "$SPS/api/transaction/changes" >"$work/changes.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" -X PUT \
  -H 'Content-Type: application/json' --data '{"status": "commit", "commit_message": "curl demo"}' \
  "$SPS/api/transaction" >"$work/commit.json"
# Second transaction: change, then roll back.
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" -X PUT \
  -H 'Content-Type: application/json' --data '{"timeout": 30}' \
  "$SPS/api/configuration/management/webinterface" >"$work/put2.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" -X DELETE \
  "$SPS/api/transaction" >"$work/rollback.json"
curl -sS --fail-with-body --cacert "$work/ca.pem" --cookie "$work/cookies" \
  "$SPS/api/configuration/management/webinterface" >"$work/final.json"

# --- checks -----------------------------------------------------------------------------
grep -q 'session_id' "$work/cookies" || fail "no session_id cookie in the jar"
grep -q '"href":"/api/authentication"' "$work/login.json" || fail "login body: $(cat "$work/login.json")"
grep -q '"status":"open"' "$work/open.json" || fail "open: $(cat "$work/open.json")"
grep -q '"key":"webinterface"' "$work/put.json" || fail "put: $(cat "$work/put.json")"
grep -q '"type":"replace"' "$work/changes.json" || fail "changes: $(cat "$work/changes.json")"
grep -q '"path":"/api/configuration/management/webinterface"' "$work/changes.json" ||
  fail "changes path: $(cat "$work/changes.json")"
grep -q '"status":"closed"' "$work/commit.json" || fail "commit: $(cat "$work/commit.json")"
grep -q '"commit_message":"curl demo"' "$work/commit.json" || fail "commit message: $(cat "$work/commit.json")"
grep -q '{"meta":{"href":"/api/transaction","parent":"/api"}}' "$work/rollback.json" ||
  fail "rollback: $(cat "$work/rollback.json")"
grep -q '"timeout":15' "$work/final.json" || fail "committed value lost or rollback ineffective: $(cat "$work/final.json")"
# Without Content-Length, opening a transaction is refused with 411.
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" --cookie "$work/cookies" \
  -X POST "$SPS/api/transaction")
[[ $status == 411 ]] || fail "POST without Content-Length returned $status, want 411"

# SIGTERM stops the simulator cleanly.
kill -TERM "$sim_pid"
wait "$sim_pid" || fail "sps-sim exited with $? after SIGTERM"
sim_pid=
echo "curl sequence OK against $SPS"
