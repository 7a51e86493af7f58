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
exit $((fails > 0))
