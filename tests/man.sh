#!/usr/bin/env bash
# The man page clopt(1) that the build writes: it renders with `man -l` and groff finds
# nothing to warn about, and it has a section per subcommand naming every option that the
# subcommand's --help names, every optimizer and function, and the exit statuses.
# usage: tests/man.sh path/to/clopt path/to/clopt.1
set -uo pipefail
clopt=$1 page=$2
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

"$clopt" --man | cmp -s - "$page" || fail "$page is not what clopt --man writes (stale build?)"
warnings=$(groff -ww -man -z "$page" 2>&1)
[ -z "$warnings" ] || fail "groff warns: $warnings"
text=$(MANWIDTH=100 man -l "$page" 2>&1) || fail "man -l $page: $text"
has() { grep -qF -- "$1" <<<"$text" || fail "the page lacks '$1'"; }

for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS OPTIMIZERS "TEST FUNCTIONS" \
  ENVIRONMENT "DEVICE SELECTORS" FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
  grep -qx "$section" <<<"$text" || fail "no section $section"
done
n=0
while read -r cmd; do
  subs=$("$clopt" --list commands "$cmd")
  for sub in ${subs:-""}; do
    # the subsection "clopt run" (indented three spaces by man), then every option of it
    grep -qx "   clopt $cmd${sub:+ $sub}" <<<"$text" || fail "no subsection 'clopt $cmd${sub:+ $sub}'"
    while read -r opt _; do
      [ "$opt" = -h ] || has "$opt"
    done < <("$clopt" --list options "$cmd" $sub)
    n=$((n + 1))
  done
done < <("$clopt" --list commands)
[ "$n" -ge 9 ] || fail "only $n subcommand sections"
"$clopt" optimizers --json | python3 -c 'import json,sys; [print(o["name"]) for o in json.load(sys.stdin)]' |
  while read -r name; do grep -qx "       $name.*" <<<"$text" || { echo "FAIL the page lacks optimizer $name"; exit 1; }; done ||
  fails=$((fails + 1))
while read -r name; do has "$name"; done < <("$clopt" --list functions)
for s in 0 1 2; do grep -qE "^       $s +[A-Z]" <<<"$text" || fail "exit status $s is not described"; done
grep -qE "Usage +error" <<<"$text" || fail "the page does not say that 2 is a usage error"
has "CLOPT_DEVICE"

[ "$fails" -eq 0 ] && echo "ok   man page: $n command sections" || { echo "$fails man page check(s) failed"; exit 1; }
