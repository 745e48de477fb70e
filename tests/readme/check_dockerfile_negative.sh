#!/usr/bin/env bash
# scripts/check-dockerfile must fail when the runtime stage lacks a library the binaries need
# or installs a package Debian 12 does not have; otherwise its passing means nothing.
# Usage: check_dockerfile_negative.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SPS_APT_CACHE_DIR=$work  # one apt cache for the three runs
failed=0
expect_failure() {  # $1 = description, $2 = sed expression applied to the Dockerfile, $3 = build dir or ""
  sed -e "$2" "$src/Dockerfile" >"$work/Dockerfile"
  if cmp -s "$src/Dockerfile" "$work/Dockerfile"; then echo "FAILED: $1: the edit changed nothing" >&2; failed=1; return; fi
  if SPS_DOCKERFILE="$work/Dockerfile" "$src/scripts/check-dockerfile" ${3:+"$3"} >"$work/out" 2>&1; then
    echo "FAILED: $1: check-dockerfile passed" >&2; failed=1
  else
    echo "ok: $1: $(grep -m1 '^FAILED' "$work/out")"
  fi
}
# Only the first case needs the binaries (the library check, the slow part); the other two
# fail on the Dockerfile alone.
expect_failure "runtime stage without libyaml-cpp0.7" 's/ libyaml-cpp0\.7 / /' "$build"
expect_failure "a package that is not in Debian 12" 's/libssl3 /libssl3 libno-such-package9 /' ""
expect_failure "runtime stage running as root" 's/^USER sps$/USER root/' ""
exit $failed
