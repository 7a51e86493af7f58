#!/usr/bin/env bash
# clopt explore trainability as a person uses it: the JSON's keys exactly as docs/trainability.md
# names them, and the --data round trip (the seed's data dumped, read back: the same cells).
# usage: tests/trainability_cli.sh path/to/clopt
set -uo pipefail
clopt=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL $1"; fails=$((fails+1)); }

common=(--width 4 --steps 30 --grid 12,9 --window -1,2,-1.5,2.5)
"$clopt" explore trainability "${common[@]}" --seed 3 --dump-data > "$dir/data.json" || fail "dump-data"
"$clopt" explore trainability "${common[@]}" --seed 3 --json > "$dir/seed.json" || fail "seed run"
"$clopt" explore trainability "${common[@]}" --data "$dir/data.json" --json > "$dir/file.json" || fail "data run"
"$clopt" explore trainability "${common[@]}" --seed 3 --json --precision double > "$dir/double.json" || fail "double run"
python3 - "$dir" <<'PY' || fails=$((fails+1))
import json, sys
d = sys.argv[1]
seed, file, dbl = (json.load(open(f"{d}/{n}.json")) for n in ("seed", "file", "double"))
data = json.load(open(f"{d}/data.json"))
want = ["kind", "width", "activation", "steps", "grid", "window", "precision", "seed", "measure", "converged", "dimension"]
assert list(seed) == want, list(seed)
assert seed["kind"] == "trainability" and seed["grid"] == [12, 9] and seed["window"] == [-1, 2, -1.5, 2.5]
assert len(seed["measure"]) == 9 and all(len(r) == 12 for r in seed["measure"])
assert all((m < 0) == c for mr, cr in zip(seed["measure"], seed["converged"]) for m, c in zip(mr, cr))
assert [len(data[k]) for k in ("X", "Y", "W1", "W2")] == [20, 20, 4, 4] and len(data["X"][0]) == 4
assert file["measure"] == seed["measure"] and file["converged"] == seed["converged"], "--data differs from --seed"
assert dbl["precision"] == "double" and seed["precision"] == "float"
print("ok   trainability JSON keys, --data round trip, double")
PY
out=$("$clopt" explore trainability --precision quad 2>&1); st=$?
if [ $st -ne 2 ] || ! grep -qF "expected float or double" <<<"$out"; then fail "bad precision: $st $out"; else echo "ok   bad precision"; fi
out=$("$clopt" explore trainability --seed 1 --data x.json 2>&1); st=$?
if [ $st -ne 2 ] || ! grep -qF "exclude each other" <<<"$out"; then fail "seed and data: $st $out"; else echo "ok   seed and data exclude each other"; fi
# A --data path with a quote and a backslash is a JSON string in the output.
cp "$dir/data.json" "$dir/a\"b\\c.json"
"$clopt" explore trainability "${common[@]}" --data "$dir/a\"b\\c.json" --json > "$dir/quoted.json" || fail "quoted data run"
if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["data"] == sys.argv[2], d["data"]' "$dir/quoted.json" "$dir/a\"b\\c.json"; then
  echo "ok   --data's path escaped in the JSON"; else fail "--data's path in the JSON"; fi
# The summary rounds the dimension to 4 decimals, as docs/trainability.md shows it; the JSON
# has the full double.
out=$("$clopt" explore trainability "${common[@]}" --seed 3)
if grep -qE '^[0-9]+ of 108 cells trained \([0-9.]+%\); boundary dimension [0-9]\.[0-9]{4}$' <<<"$out" &&
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "%.4f" % d["dimension"] == sys.argv[2].split()[-1], (d["dimension"], sys.argv[2])' "$dir/seed.json" "$out"; then
  echo "ok   summary: the dimension to 4 decimals"; else fail "summary: $out"; fi
# Every `clopt explore WORD` that docs/trainability.md names is a command.
docs=$(dirname "$0")/../docs/trainability.md
for word in $(grep -o 'clopt explore [a-z]*' "$docs" | awk '{print $3}' | sort -u); do
  "$clopt" --list commands explore | grep -qx "$word" || fail "docs/trainability.md names clopt explore $word"
done
exit $((fails > 0))
