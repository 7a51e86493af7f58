#!/usr/bin/env bash
# The command-line tool, as a person uses it: exit codes and what it prints.
# usage: tests/cli.sh path/to/clopt
set -uo pipefail
clopt=$1
fails=0
check() { # check NAME EXPECTED_STATUS NEEDLE -- command...
  local name=$1 want=$2 needle=$3; shift 4
  local out; out=$("$@" 2>&1); local got=$?
  if [ "$got" -ne "$want" ] || ! grep -qF -- "$needle" <<<"$out"; then
    echo "FAIL $name: status $got (want $want), output:"; echo "$out" | head -20; fails=$((fails+1))
  else
    echo "ok   $name"
  fi
}
check "help" 0 "usage: clopt <command>" -- "$clopt" --help
check "no arguments is a usage error" 2 "usage: clopt" -- "$clopt"
check "version" 0 "clopt 0.1.0" -- "$clopt" --version
check "unknown command" 2 "unknown command 'frobnicate'" -- "$clopt" frobnicate
check "devices lists PoCL as 0:0, the default" 0 "* 0:0" -- "$clopt" devices
check "devices reports a bad CLOPT_DEVICE" 0 "CLOPT_DEVICE selects nothing" -- env CLOPT_DEVICE=nope "$clopt" devices
check "optimizers lists Nadam's schedule_decay" 0 "schedule_decay  = 0.004" -- "$clopt" optimizers
check "optimizers lists ranges" 0 "a number in [0, 1)" -- "$clopt" optimizers
check "optimizers --json" 0 '"name": "Adadelta"' -- "$clopt" optimizers --json
check "optimizers --json has Korean text" 0 '"ko": "학습률"' -- "$clopt" optimizers --json
check "optimizers rejects unknown options" 2 "unknown option '--xml'" -- "$clopt" optimizers --xml
[ "$fails" -eq 0 ] || { echo "$fails CLI check(s) failed"; exit 1; }
