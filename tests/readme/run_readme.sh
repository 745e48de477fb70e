#!/usr/bin/env bash
# The README cannot rot: runs every fenced block of README.md that follows a marker comment
# (the convention is described at the end of README.md), in order, in a temporary directory
# with a copy of desired-state/ and the built binaries first on PATH.
#   <!-- test: sim -->          replaced by: sps-sim on a free port, SPS_* exported
#   <!-- test: source -->       sourced here (exports hold for later blocks)
#   <!-- test: run [exit=N] --> bash -euo pipefail; must exit N (default 0)
#   <!-- test: validate -->     YAML written to a file, `sps-apply validate` must pass
# Usage: run_readme.sh README.md SPS_APPLY_BINARY SPS_SIM_BINARY SOURCE_DIR
set -uo pipefail
readme=$1 apply_bin=$2 sim_bin=$3 source_dir=$4

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [[ -n $sim_pid ]]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The binaries under the names the README uses.
mkdir -p "$work/bin" "$work/blocks" "$work/run"
ln -s "$(realpath "$apply_bin")" "$work/bin/sps-apply"
ln -s "$(realpath "$sim_bin")" "$work/bin/sps-sim"
export PATH="$work/bin:$PATH"
cp -r "$source_dir/desired-state" "$work/run/desired-state"
# Nothing from the caller's environment may decide the outcome.
unset SPS_URL SPS_USERNAME SPS_PASSWORD SPS_CA_FILE SPS_SPLUNK_TOKEN SPS_ARCHIVE_SMB_PASSWORD
export NO_COLOR=1

# Split the README into blocks/NNN.<marker> files; the first line of each is the marker.
awk -v dir="$work/blocks" '
  /^<!-- test: .* -->$/ { marker = $0; sub(/^<!-- test: /, "", marker); sub(/ -->$/, "", marker); next }
  /^```/ {
    if (inside) { inside = 0; close(file); next }
    if (marker != "") { n++; file = sprintf("%s/%03d", dir, n); print marker > file; inside = 1; marker = ""; next }
  }
  inside { print > file }
  /^[^`<]/ && !inside && $0 !~ /^[[:space:]]*$/ { marker = "" }
' "$readme"

blocks=("$work"/blocks/*)
if [[ ! -e ${blocks[0]} ]]; then echo "readme: no marked blocks in $readme" >&2; exit 1; fi

start_sim() {
  sps-sim --listen 127.0.0.1:0 --ca-out "$work/sps-ca.pem" >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$work/sim.out" 2>/dev/null && break
    sleep 0.1
  done
  local url
  url=$(sed -n 's/^listening on //p' "$work/sim.out")
  if [[ -z $url ]]; then echo "readme: sps-sim did not start:" >&2; cat "$work/sim.err" >&2; return 1; fi
  export SPS_URL=$url SPS_USERNAME=admin SPS_PASSWORD=admin SPS_CA_FILE="$work/sps-ca.pem"
}

passed=0 failed=0
cd "$work/run"
for block in "${blocks[@]}"; do
  marker=$(head -1 "$block")
  body=$(tail -n +2 "$block")
  name="block $(basename "$block") ($marker)"
  expected=0
  code=0
  case $marker in
    sim) start_sim || code=1 ;;
    source) eval "$body" || code=$? ;;
    run*)
      if [[ $marker =~ exit=([0-9]+) ]]; then expected=${BASH_REMATCH[1]}; fi
      bash -euo pipefail -c "$body" >"$work/out" 2>&1 || code=$? ;;
    validate)
      printf '%s\n' "$body" >"$work/run/readme-example.yaml"
      sps-apply validate "$work/run/readme-example.yaml" >"$work/out" 2>&1 || code=$? ;;
    *) echo "readme: unknown marker '$marker' in $name" >&2; code=1 ;;
  esac
  if [[ $code -eq $expected ]]; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name: exit $code, expected $expected" >&2
    printf '%s\n' "$body" | sed 's/^/  | /' >&2
    [[ -f $work/out ]] && sed 's/^/  > /' "$work/out" >&2
    failed=$((failed + 1))
  fi
  rm -f "$work/out"
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
