#!/usr/bin/env bash
# Every OpenCL function the library calls must go through src/fault.h (or the fault-injection
# sweep would silently skip it). usage: tests/fault_coverage.sh SOURCE_ROOT
set -euo pipefail
root=$1
missing=0
for f in $(grep -hoE '\bcl[A-Z][A-Za-z]*\(' "$root"/src/*.c | sort -u | tr -d '('); do
  if ! grep -qE "^#define $f\(" "$root/src/fault.h"; then
    echo "src/fault.h has no macro for $f, which src/ calls"
    missing=1
  fi
done
exit $missing
