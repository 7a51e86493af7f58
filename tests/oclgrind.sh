#!/usr/bin/env bash
# Runs the device suites under oclgrind, which checks every memory access of every
# work-item, and fails if it reports anything.
# usage: tests/oclgrind.sh path/to/clopt_tests [[ROW:]SUITE...]   (default: every device suite)
# ROW is a row of the tuning table (auto, cpu, gpu, accelerator; default: CLOPT_TUNING, else
# auto): gpu:numerics checks the GPU row's shapes, the step kernels' strided indexing and
# 256-wide work-groups, one trajectory per work-item.
# oclgrind simulates on one thread, so the suites run side by side, one per core (name the
# longest first): one process per suite and row, each with its own log.
set -euo pipefail
tests=$1
shift
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(numerics optimizer checkpoint functions trajectory explore)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# One suite on one row; its log in $logs/ROW-SUITE.log, one summary line on stdout (with its
# seconds, to balance the lanes).
check() {
  local row=$1 suite=$2 log=$logs/$1-$2.log status=0 t0=$SECONDS
  # Bounds of every access (always on), data races and API misuse. Not --uninitialized:
  # in oclgrind 21.10 it flags every store of a value derived from the by-value scalar
  # struct, even at -O0 and on host-initialised buffers (its plugin has known false
  # positives and no origin tracking: Oclgrind issues #105, #126).
  CLOPT_TUNING=$row oclgrind --data-races --check-api "$tests" --suite "$suite" >"$log" 2>&1 ||
    status=1
  if grep -qE 'Invalid (read|write)|data race|Uninitiali[sz]ed|runtime error detected|^Oclgrind' "$log" \
     || ! grep -qE '^ +tests +[0-9]+ +[0-9]+ +[0-9]+ +0 ' "$log"; then
    status=1
  fi
  echo "oclgrind $suite (row $row, $((SECONDS - t0)) s): $(grep -E '^ +(tests|asserts) ' "$log" | tr -s ' ' | tr '\n' ';')"
  return $status
}

lanes=$(nproc)
running=0
failed=()
declare -A job_of
collect() { # waits for one job; remembers it when it failed
  local pid
  if ! wait -n -p pid; then failed+=("${job_of[$pid]}"); fi
  running=$((running - 1))
}
for job in "${jobs[@]}"; do
  case $job in
    *:*) row=${job%%:*} suite=${job#*:} ;;
    *) row=${CLOPT_TUNING:-auto} suite=$job ;;
  esac
  [ "$running" -lt "$lanes" ] || collect
  check "$row" "$suite" &
  job_of[$!]=$row-$suite
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do collect; done
for f in "${failed[@]}"; do
  echo "---- oclgrind: $f failed; its log:"
  cat "$logs/$f.log"
done
[ ${#failed[@]} -eq 0 ]
