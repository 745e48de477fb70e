#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a working tree: the expected files in
# GNUInstallDirs places, and the installed sps-apply validates desired-state/ and plans
# against the installed sps-sim over TLS.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1 source_dir=$2
work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [[ -n $sim_pid ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"

failed=0
expect_file() {
  if [[ -f $prefix/$1 ]]; then echo "ok: installed $1"; else echo "FAILED: $1 is not installed" >&2; failed=1; fi
}
expect_file bin/sps-apply
expect_file bin/sps-sim
expect_file share/man/man1/sps-apply.1
expect_file share/man/man1/sps-sim.1
expect_file share/bash-completion/completions/sps-apply
expect_file share/zsh/site-functions/_sps-apply
expect_file share/sps-apply/schemas/policies/backup_policies.json
expect_file share/sps-apply/schemas/management/webinterface.json
schemas_in_tree=$(cd "$source_dir/schemas" && find . -name '*.json' | wc -l)
schemas_installed=$(cd "$prefix/share/sps-apply/schemas" && find . -name '*.json' | wc -l)
if [[ $schemas_in_tree -eq $schemas_installed ]]; then echo "ok: all $schemas_installed schemas installed"
else echo "FAILED: $schemas_installed of $schemas_in_tree schemas installed" >&2; failed=1; fi

# Run the installed binaries from a directory that is neither the source nor the build tree.
cp -r "$source_dir/desired-state" "$work/desired-state"
cd "$work"
export PATH="$prefix/bin:$PATH" NO_COLOR=1
export SPS_SPLUNK_TOKEN=install-test-token SPS_ARCHIVE_SMB_PASSWORD=install-test-password
[[ $(command -v sps-apply) == "$prefix/bin/sps-apply" ]]
sps-apply --version
sps-apply validate desired-state/

sps-sim --listen 127.0.0.1:0 --ca-out "$work/ca.pem" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/sim.out")
[[ -n $url ]] || { cat "$work/sim.err" >&2; echo "FAILED: the installed sps-sim did not start" >&2; exit 1; }
code=0
SPS_PASSWORD=admin sps-apply plan desired-state/ --url "$url" --username admin --ca-file "$work/ca.pem" \
  --detailed-exitcode --out plan.json >"$work/plan.txt" || code=$?
if [[ $code -eq 2 ]] && grep -q '^Plan: ' "$work/plan.txt" && [[ -s plan.json ]]; then
  echo "ok: installed sps-apply plans against the installed sps-sim ($(grep '^Plan: ' "$work/plan.txt"))"
else
  echo "FAILED: plan exited $code (expected 2, changes pending)" >&2; cat "$work/plan.txt" >&2; failed=1
fi
# The installed man pages render without warnings.
if command -v man >/dev/null; then
  for page in sps-apply sps-sim; do
    warnings=$(LC_ALL=C.UTF-8 man --warnings -l "$prefix/share/man/man1/$page.1" 2>&1 >/dev/null || true)
    if [[ -z $warnings ]]; then echo "ok: man page $page renders cleanly"
    else echo "FAILED: man $page: $warnings" >&2; failed=1; fi
  done
fi
exit $failed
