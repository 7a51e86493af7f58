#!/usr/bin/env bash
# tools/run as the README uses it: `tools/run optimizers --json | python3 -m json.tool`.
# Installing and building must not write to stdout; stdout is the command's alone.
# usage: tests/tools_run.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
for args in "optimizers --json" "functions --json" "devices --json"; do
  # shellcheck disable=SC2086
  CLOPT_BUILD_DIR=$build "$src/tools/run" $args >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne 0 ] || ! python3 -m json.tool "$tmp/out" >/dev/null; then
    echo "FAIL tools/run $args: status $rc, stdout is not JSON:"; head -5 "$tmp/out"; head -5 "$tmp/err"
    fails=$((fails + 1))
  elif ! grep -q "Built target clopt-cli" "$tmp/err"; then
    echo "FAIL tools/run $args: the build's progress is not on stderr:"; head -5 "$tmp/err"
    fails=$((fails + 1))
  else
    echo "ok   tools/run $args | python3 -m json.tool"
  fi
done
[ "$fails" -eq 0 ] || exit 1
