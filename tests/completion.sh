#!/usr/bin/env bash
# The bash completion (src/cli/completion.bash), exercised as bash calls it: COMP_WORDS split
# at blanks, ':' and '=' like bash does, COMP_LINE, COMP_POINT, then _clopt.
# usage: tests/completion.sh path/to/clopt path/to/completion.bash
set -uo pipefail
clopt=$1
# shellcheck source=/dev/null
source "$2" || { echo "FAIL: cannot source $2"; exit 1; }
fails=0

# complete LINE: runs _clopt with the cursor at the end of LINE ("clopt" is $clopt).
complete_line() {
  local line=$1 word= c i
  COMP_WORDS=() COMP_LINE=$line COMP_POINT=${#line}
  for ((i = 0; i < ${#line}; i++)); do
    c=${line:i:1}
    if [[ $c == " " ]]; then
      [[ -n $word ]] && COMP_WORDS+=("$word")
      word=
    elif [[ $c == [:=] ]]; then
      [[ -n $word ]] && COMP_WORDS+=("$word")
      COMP_WORDS+=("$c")
      word=
    else
      word+=$c
    fi
  done
  # The word under the cursor: what follows the last blank or break (maybe empty).
  if [[ -n $word || $line == *" " ]]; then COMP_WORDS+=("$word"); fi
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_WORDS[0]=$clopt
  COMPREPLY=()
  _clopt
}

# expect NAME LINE WORD...: the completions are exactly WORD... (in any order).
expect() {
  local name=$1 line=$2; shift 2
  complete_line "$line"
  local got want
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [[ ${#COMPREPLY[@]} -eq 0 ]] && got=""
  [[ $# -eq 0 ]] && want=""
  if [[ $got == "$want" ]]; then echo "ok   $name"; else
    echo "FAIL $name: '$line' completes to '$got', expected '$want'"; fails=$((fails + 1)); fi
}

# has NAME LINE WORD...: the completions include each WORD.
has() {
  local name=$1 line=$2 w missing=; shift 2
  complete_line "$line"
  for w in "$@"; do
    printf "%s\n" "${COMPREPLY[@]}" | grep -xF -- "$w" >/dev/null || missing+=" $w"
  done
  if [[ -z $missing ]]; then echo "ok   $name"; else
    echo "FAIL $name: '$line' completes to '${COMPREPLY[*]}', missing$missing"; fails=$((fails + 1)); fi
}

mapfile -t commands < <("$clopt" --list commands)
mapfile -t optimizers < <("$clopt" --list optimizers)
mapfile -t functions < <("$clopt" --list functions)
[[ ${#optimizers[@]} -ge 7 && ${#functions[@]} -ge 10 ]] || { echo "FAIL: clopt --list"; exit 1; }
a_optimizers=()
for o in "${optimizers[@]}"; do [[ $o == a* ]] && a_optimizers+=("$o"); done
ros=()
for f in "${functions[@]}"; do [[ $f == ros* ]] && ros+=("$f"); done

expect "clopt <TAB>: every command" "clopt " "${commands[@]}"
has "clopt <TAB> includes run, train and bench" "clopt " run train bench serve
expect "clopt r<TAB>" "clopt r" run
expect "clopt --<TAB>: clopt's own options" "clopt --" --help --version --man --list
expect "clopt run --optimizer a<TAB>: the optimizers clopt lists" "clopt run --optimizer a" "${a_optimizers[@]}"
has "... among them adam" "clopt run --optimizer a" adam
expect "clopt run --optimizer <TAB>: every optimizer" "clopt run --optimizer " "${optimizers[@]}"
expect "clopt train --optimizer=a<TAB>" "clopt train --optimizer=a" "${a_optimizers[@]}"
expect "clopt run --function ros<TAB>" "clopt run --function ros" "${ros[@]}"
has "clopt landscape --function <TAB>: every function" "clopt landscape --function " "${functions[@]}"
expect "clopt run --fun<TAB>" "clopt run --fun" --function
has "clopt run --<TAB>: run's options" "clopt run --" --function --optimizer --start --steps --every --noise --seed --precision --format --device --help
expect "clopt run --steps 10 --ev<TAB>" "clopt run --steps 10 --ev" --every
expect "clopt run --format <TAB>: the choices of the synopsis" "clopt run --format " json csv
expect "clopt run --precision <TAB>: float or double" "clopt run --precision " float double
expect "clopt run --precision=d<TAB>" "clopt run --precision=d" double
has "clopt run --device <TAB>: selectors" "clopt run --device " cpu gpu 0:0
expect "clopt run --device 0:<TAB>: bash keeps '0:'" "clopt run --device 0:" 0
expect "clopt serve --device=c<TAB>" "clopt serve --device=c" cpu
expect "clopt run --steps <TAB>: a number, nothing to offer" "clopt run --steps "
expect "clopt bench <TAB>: the benchmarks" "clopt bench " trajectories step explore tune gemm
expect "clopt tune --score <TAB>: the scores" "clopt tune --score " final auc reach
has "clopt tune --<TAB>: its options" "clopt tune --" --vary --starts --seeds --noise --score
expect "clopt bench step --a<TAB>" "clopt bench step --a" --all
expect "clopt bench trajectories --st<TAB>" "clopt bench trajectories --st" --starts --steps
expect "clopt devices --<TAB>" "clopt devices --" --json --help
has "clopt train --<TAB>" "clopt train --" --resume --checkpoint --no-checkpoint --epochs
expect "clopt train --json <TAB> completes options, not a value" "clopt train --json --no" --no-checkpoint
expect "clopt --list <TAB>" "clopt --list " commands options optimizers functions devices
expect "clopt --list options b<TAB>" "clopt --list options b" bench
expect "clopt run --optimizer 'ad<TAB>: a quoted spec gets nothing, quietly" "clopt run --optimizer 'ad"

tmp=$(mktemp -d)
mkdir "$tmp/run1" "$tmp/run2"
touch "$tmp/runfile"
expect "clopt train --resume DIR<TAB>: directories" "clopt train --resume $tmp/run" "$tmp/run1" "$tmp/run2"
rm -rf "$tmp"

# The script names no optimizer and no function: they come from clopt.
for name in "${optimizers[@]}" "${functions[@]}"; do
  if grep -qiw -- "$name" "$2"; then echo "FAIL: the completion script names '$name'"; fails=$((fails + 1)); fi
done

[ "$fails" -eq 0 ] || { echo "$fails completion check(s) failed"; exit 1; }
