#!/usr/bin/env bash
# Runs the device suites under oclgrind, which checks every memory access of every
# work-item, and fails if it reports anything.
# usage: tests/oclgrind.sh path/to/clopt_tests [SUITE...]   (default: every device suite)
# With CLOPT_TUNING=gpu in the environment it checks the GPU row's shapes: the step kernels'
# strided indexing and 256-wide work-groups, one trajectory per work-item.
set -euo pipefail
tests=$1
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(numerics optimizer checkpoint functions trajectory explore)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for suite in "${suites[@]}"; do
  # Bounds of every access (always on), data races and API misuse. Not --uninitialized:
  # in oclgrind 21.10 it flags every store of a value derived from the by-value scalar
  # struct, even at -O0 and on host-initialised buffers (its plugin has known false
  # positives and no origin tracking: Oclgrind issues #105, #126).
  if ! oclgrind --data-races --check-api \
       "$tests" --suite "$suite" >"$log" 2>&1; then
    status=1
  fi
  if grep -qE 'Invalid (read|write)|data race|Uninitiali[sz]ed|runtime error detected|^Oclgrind' "$log" \
     || ! grep -qE '^ +tests +[0-9]+ +[0-9]+ +[0-9]+ +0 ' "$log"; then
    status=1
  fi
  echo "oclgrind $suite (row ${CLOPT_TUNING:-auto}): $(grep -E '^ +(tests|asserts) ' "$log" | tr -s ' ' | tr '\n' ';')"
  [ $status -eq 0 ] || { cat "$log"; exit 1; }
done
