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
check "help states the exit statuses" 0 "exit status: 0 success, 1 failure" -- "$clopt" --help
check "help's usage error status" 0 "2 usage error" -- "$clopt" --help
check "help names the catalogue's optimizers" 0 "Adam, Adamax, Nadam" -- "$clopt" --help
check "every command takes --help" 0 "usage: clopt bench trajectories" -- "$clopt" bench trajectories --help
check "--man writes roff" 0 ".SH EXIT STATUS" -- "$clopt" --man
check "--list commands" 0 "landscape" -- "$clopt" --list commands
check "--list options names the value each takes" 0 "--format json|csv" -- "$clopt" --list options run
check "--list devices gives selectors" 0 "0:0" -- "$clopt" --list devices
check "no arguments is a usage error" 2 "usage: clopt" -- "$clopt"
check "version" 0 "clopt 0.1.0" -- "$clopt" --version
check "unknown command" 2 "unknown command 'frobnicate'" -- "$clopt" frobnicate
check "devices lists PoCL as 0:0, the default" 0 "* 0:0" -- "$clopt" devices
check "devices does not cut the platform name" 0 "Portable Computing Language" -- "$clopt" devices
check "devices reports a bad CLOPT_DEVICE" 0 "CLOPT_DEVICE selects nothing" -- env CLOPT_DEVICE=nope "$clopt" devices
check "bench step names a bad CLOPT_TUNING" 1 "CLOPT_TUNING='x': expected cpu, gpu" -- env CLOPT_TUNING=x "$clopt" bench step --size 64 --repeat 1
check "bench step on the GPU row (PoCL)" 0 '"optimizer": "Adam()"' -- env CLOPT_TUNING=gpu "$clopt" bench step --optimizer adam --size 100000 --repeat 2 --json
check "optimizers lists Nadam's schedule_decay" 0 "schedule_decay  = 0.004" -- "$clopt" optimizers
check "optimizers lists ranges" 0 "a number in [0, 1)" -- "$clopt" optimizers
check "optimizers --json" 0 '"name": "Adadelta"' -- "$clopt" optimizers --json
check "optimizers --json has Korean text" 0 '"ko": "학습률"' -- "$clopt" optimizers --json
check "optimizers rejects unknown options" 2 "unknown option '--xml'" -- "$clopt" optimizers --xml
# The man page lists each hyperparameter as clopt optimizers does: its default and range.
check "man: Muon's ns_steps range" 0 '\fIns_steps\fR = 5 (a whole number in [1, 99])' -- "$clopt" --man
check "man: Muon's a range" 0 '\fIa\fR = 3.4445 (a finite number)' -- "$clopt" --man
check "man: Muon's adjust_lr words and default" 0 '\fIadjust_lr\fR = original ("original" or "match_rms_adamw")' -- "$clopt" --man
check "man: clipping off unless set" 0 '\fIclipnorm\fR (off unless set, a finite number > 0)' -- "$clopt" --man
# -h and --help anywhere among a command's arguments
check "run takes --help after options" 0 "usage: clopt run --function F" -- "$clopt" run --steps 2 --help
check "serve takes --help after options" 0 "usage: clopt serve" -- "$clopt" serve --port 0 --help
check "train takes -h after options" 0 "usage: clopt train" -- "$clopt" train --epochs 1 -h
check "bench step takes --help after options" 0 "usage: clopt bench step" -- "$clopt" bench step --size 64 --help
check "--man takes --help" 0 "usage: clopt <command>" -- "$clopt" --man --help
check "functions prints six_hump_camel's minimum whole" 0 "= -1.031628453489877 (and others)" -- "$clopt" functions
check "schedules: inverse_sqrt's warmup is >= 1" 0 "warmup          = (needed) a whole number >= 1" -- "$clopt" optimizers --schedules
check "schedules --json: inverse_sqrt's warmup is >= 1" 0 "inverse_sqrt a whole number >= 1" -- bash -c '"$0" optimizers --schedules --json | python3 -c "import json, sys; [print(s[\"name\"], p[\"range_text\"]) for s in json.load(sys.stdin) for p in s[\"parameters\"] if p[\"name\"] == \"warmup\"]"' "$clopt"
check "--list options tune keeps [:log]" 0 "--vary NAME=LO:HI:N[:log]" -- bash -c '"$0" --list options tune | grep -x -- "--vary NAME=LO:HI:N\[:log\]"' "$clopt"
check "--list options explore sweep keeps [:log]" 0 "--vary NAME=LO:HI:N[:log]" -- bash -c '"$0" --list options explore sweep | grep -x -- "--vary NAME=LO:HI:N\[:log\]"' "$clopt"

# clopt devices --json: every device with its selector, one of them the default.
json=$("$clopt" devices --json)
if python3 - "$json" <<'PY'; then echo "ok   devices --json"; else echo "FAIL devices --json"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
assert d[0]["selector"] == "0:0" and d[0]["platform"] == "Portable Computing Language", d
assert d[0]["type"] == "CPU" and d[0]["compute_units"] >= 1 and d[0]["global_memory"] > 0, d
assert [x["default"] for x in d].count(True) == 1, d
PY
# clopt run / functions / landscape
check "functions lists the catalogue" 0 "goldstein_price" -- "$clopt" functions
check "functions --json has TeX" 0 '"tex": "(1-x)^2 + 100\\,(y-x^2)^2"' -- "$clopt" functions --json
check "run prints the documented JSON" 0 '{"function": "rosenbrock", "steps": 3, "every": 1,' -- "$clopt" run --function rosenbrock --optimizer 'adam(lr=0.01)' --steps 3
check "run starts at the default start" 0 '"start": [-1.5, 2.0]' -- "$clopt" run --function rosenbrock --steps 2
check "run: first Adam step on Rosenbrock" 0 '"points": [[-1.5, 2.0, 12.5], [-1.49, 2.01, 10.614298]' -- "$clopt" run --function rosenbrock --optimizer 'adam(lr=0.01)' --steps 1
check "run reports divergence" 0 '"diverged_at": 5}' -- "$clopt" run --function rosenbrock --optimizer sgd --steps 20
check "run csv" 0 "1,SGD(),2," -- "$clopt" run --function sphere --optimizer adam --optimizer sgd --steps 4 --every 2 --format csv
check "run csv quotes labels with commas" 0 '0,"SGD(lr=0.1, momentum=0.9)",0,-4.0,3.0,25.0' -- "$clopt" run --function sphere --optimizer 'sgd(lr=0.1,momentum=0.9)' --steps 2 --format csv

# clopt run --precision double: the points unrounded, on repeat the same bytes, and a basin
# map's cell in double the same double as the run.
dbl=$("$clopt" run --function rosenbrock --optimizer 'adam(lr=0.01)' --steps 2 --precision double)
if python3 - "$dbl" <<'PY'; then echo "ok   run --precision double: the first Adam step in double"; else echo "FAIL run --precision double"; fails=$((fails + 1)); fi
import json, math, sys
d = json.loads(sys.argv[1])
assert list(d) == ["function", "precision", "steps", "every", "trajectories"] and d["precision"] == "double", d
p = d["trajectories"][0]["points"]
# Adam's first step is lr g / (|g| + eps / sqrt(1 - beta_2)) per coordinate (Keras 1):
# g = (-155, -50) at (-1.5, 2), so x moves by 0.01 (1 - 2.04e-9): digits float cannot hold
gx, gy, e = -155.0, -50.0, 1e-8 / math.sqrt(1 - 0.999)
want = [-1.5 - 0.01 * gx / (abs(gx) + e), 2.0 - 0.01 * gy / (abs(gy) + e)]
assert all(abs(p[1][c] - want[c]) <= 4e-16 * abs(want[c]) for c in range(2)), (p[1], want)
assert p[1][0] != -1.49, p[1]
PY
check "run --precision double repeats byte for byte" 0 "same" -- bash -c 'a=$("$0" run --function himmelblau --optimizer "sgd(lr=0.01,momentum=0.9)" --optimizer muon --noise 0.1 --steps 300 --precision double --format csv); b=$("$0" run --function himmelblau --optimizer "sgd(lr=0.01,momentum=0.9)" --optimizer muon --noise 0.1 --steps 300 --precision double --format csv); [ "$a" = "$b" ] && [ ${#a} -gt 10000 ] && echo same' "$clopt"
check "run --precision double csv has 17 digits" 0 "0,Adam(),1,-3.9990000000395285,2.9990000000527046," -- "$clopt" run --function sphere --optimizer adam --steps 1 --precision double --format csv
check "run --precision single is a usage error" 2 "--precision = 'single': expected float or double" -- "$clopt" run --function sphere --precision single
basins_d=$("$clopt" explore basins --function himmelblau --optimizer 'sgd(lr=0.01,momentum=0.9)' --grid 9,7 --view -5,5,-4,5 --steps 200 --precision double --json)
cell_d=$("$clopt" run --function himmelblau --optimizer 'sgd(lr=0.01,momentum=0.9)' --start -3.75,0.5 --steps 200 --every 200 --precision double)
if python3 - "$basins_d" "$cell_d" <<'PY'; then echo "ok   a double basin cell equals clopt run --precision double"; else echo "FAIL double basin cell vs run"; fails=$((fails + 1)); fi
import json, sys
d, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
m, c = d["maps"][0], 3 * 9 + 1
assert [m["x"][c], m["y"][c], m["f"][c]] == r["trajectories"][0]["points"][-1], (m["x"][c], r)
PY
check "landscape JSON" 0 '"nx":3,"ny":2,"view":[-1.0,1.0,0.0,1.0],"min":0.0,"max":2.0' -- "$clopt" landscape --function sphere --nx 3 --ny 2 --view -1,1,0,1
check "landscape values" 0 '"values":[1.0,0.0,1.0,2.0,1.0,2.0]' -- "$clopt" landscape --function sphere --nx 3 --ny 2 --view -1,1,0,1

# An expression of 993 characters whose canonical text once printed 1e14 as 100000000000000
# (2,555 characters, refused when read again): what run prints runs again.
long=$(python3 -c 'print("+".join(["1e14*x"] * 142))')
canon=$("$clopt" run --function "$long" --optimizer 'sgd(lr=0)' --steps 1 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["function"])')
check "run: a long expression's canonical text runs again" 0 '"steps": 1' -- "$clopt" run --function "$canon" --optimizer 'sgd(lr=0)' --steps 1

check "run: clipnorm with a gradient of 3.5e21 still moves" 0 '"points": [[0.45, 1.0, 3.493427e+19], [0.35, 1.0,' -- "$clopt" run --function 'exp(100*x)+y^2' --start 0.45,1 --optimizer 'sgd(lr=0.1,clipnorm=1)' --steps 1

check "explore sweep takes values the user gave, between 16-digit ends" 0 'varies beta_2 over 3 values, 0.9999999999999992 .. 0.9999999999999999' -- "$clopt" explore sweep --function sphere --optimizer adam --vary beta_2=0.9999999999999992:0.9999999999999999:3 --steps 2
check "run: hypot's gradient at its kink is 0, not 0/0" 0 '"points": [[1.0, 0.0, 1.0], [0.5, 0.0, 0.5], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],' -- "$clopt" run --function 'hypot(x,y)' --start 1,0 --optimizer 'sgd(lr=0.5)' --steps 3
# Under a comma-decimal locale (set before main, as a program that calls setlocale does;
# tests/locale_preload.c), numbers still read and print with a point.
de() { env LD_PRELOAD="${CLOPT_LOCALE_PRELOAD:?set by tests/CMakeLists.txt}" CLOPT_TEST_LOCALE=de_DE.UTF-8 "$@"; }
check "run under de_DE reads 0.5 and prints a point" 0 '"points": [[1.0, 2.0, 1.0], [0.75, 1.875, 0.84375]]' -- de "$clopt" run --function 'x*0.5 + y*0.25' --optimizer 'sgd(lr=0.5)' --start 1,2 --steps 1
check "run under de_DE takes adam(lr=0.01)" 0 '"name": "Adam", "lr": 0.01,' -- de "$clopt" run --function sphere --optimizer 'adam(lr=0.01)' --steps 1
check "landscape under de_DE compiles (3/2)*x" 0 '"values":[-1.5,0.0,1.5,' -- de "$clopt" landscape --function '(3/2)*x' --nx 3 --ny 2 --view -1,1,0,1

# bad input: one line on stderr, exit status 2, nothing on stdout
refuse() { # refuse NAME NEEDLE -- command...
  local name=$1 needle=$2; shift 3
  local out err; out=$("$@" 2>/tmp/clopt-cli-err.$$); local got=$?
  err=$(cat /tmp/clopt-cli-err.$$); rm -f /tmp/clopt-cli-err.$$
  if [ "$got" -ne 2 ] || [ -n "$out" ] || ! grep -qF -- "$needle" <<<"$err" || [ "$(wc -l <<<"$err")" -ne 1 ]; then
    echo "FAIL $name: status $got (want 2), stdout '$out', stderr:"; echo "$err" | head -5; fails=$((fails+1))
  else
    echo "ok   $name"
  fi
}
refuse "unknown function" "did you mean 'rosenbrock'" -- "$clopt" run --function rosenbrok
refuse "unknown option: did you mean" "unknown option '--funtion'; did you mean '--function'?" -- "$clopt" run --funtion rosenbrock
refuse "unknown option=value: did you mean" "unknown option '--stpes'; did you mean '--steps'?" -- "$clopt" run --function sphere --stpes=3
refuse "unknown option far from all: the list" "unknown option '--grid'; expected one of --function, --nx, --ny, --view, --device, --help" -- "$clopt" landscape --grid 3
refuse "unknown command: did you mean" "unknown command 'rn'; did you mean 'run'?" -- "$clopt" rn
refuse "unknown command far from all: the list" "unknown command 'frobnicate'; expected one of devices, optimizers" -- "$clopt" frobnicate
refuse "unknown benchmark: did you mean" "unknown benchmark 'stpe'; did you mean 'step'?" -- "$clopt" bench stpe
refuse "unknown devices option" "did you mean '--json'?" -- "$clopt" devices --jsno
refuse "unknown serve option" "did you mean '--allow-host'?" -- "$clopt" serve --allow-hots x
refuse "unknown train option" "did you mean '--resume'?" -- "$clopt" train --resum x
refuse "unknown bench step option" "did you mean '--tensors'?" -- "$clopt" bench step --tensor 3
refuse "unknown clopt option" "did you mean '--version'?" -- "$clopt" --verison
refuse "unknown --list" "did you mean 'devices'?" -- "$clopt" --list device
refuse "an argument is quoted whole" "unexpected argument 'sgd_schedulefree(lr=0.01)'" -- "$clopt" run 'sgd_schedulefree(lr=0.01)'
refuse "a flag given a value" "clopt devices: --json takes no value; given '--json=1'" -- "$clopt" devices --json=1
refuse "--list options of a group needs its subcommand" "explore needs its subcommand: basins, sweep or trainability" -- "$clopt" --list options explore
refuse "start is not two numbers" "--start = '1': expected 2 finite numbers" -- "$clopt" run --function sphere --start 1
refuse "start is not finite" "--start = '1,nan'" -- "$clopt" run --function sphere --start 1,nan
refuse "steps < 1" "--steps = '0': expected an integer in 1 .. 10000000" -- "$clopt" run --function sphere --steps 0
refuse "steps too many" "--steps = '10000001'" -- "$clopt" run --function sphere --steps 10000001
refuse "every > steps" "--every = 11 is more than --steps = 10" -- "$clopt" run --function sphere --steps 10 --every 11
refuse "every < 1" "--every = '0'" -- "$clopt" run --function sphere --every 0
refuse "negative noise" "noise = -1; expected a finite standard deviation >= 0" -- "$clopt" run --function sphere --noise -1
refuse "bad optimizer" "optimizer 1: unknown optimizer 'adma'" -- "$clopt" run --function sphere --optimizer adma
refuse "bad format" "--format = 'xml'" -- "$clopt" run --function sphere --format xml
refuse "missing function" "--function is required" -- "$clopt" run
refuse "landscape nx" "--nx = '1': expected an integer in 2 .. 4096" -- "$clopt" landscape --function sphere --nx 1
refuse "landscape ny" "--ny = '4097'" -- "$clopt" landscape --function sphere --ny 4097
refuse "landscape view" "expected x0 < x1 and y0 < y1" -- "$clopt" landscape --function sphere --view 1,0,0,1
refuse "landscape function" "did you mean 'sphere'" -- "$clopt" landscape --function spere
refuse "bench step size" "--size = '1': expected an integer in 4 .. 268435456" -- "$clopt" bench step --size 1
refuse "bench step optimizer" "did you mean 'adam'" -- "$clopt" bench step --optimizer adma
refuse "bench gemm hidden" "--hidden = '0': expected an integer in 1 .. 4096" -- "$clopt" bench gemm --hidden 0
check "bench gemm times both contenders" 0 '"openblas_gflops":' -- "$clopt" bench gemm --batch 8 --hidden 16 --repeat 1 --json

# The step benchmark runs and prints valid JSON with the documented fields (no timing check).
json=$("$clopt" bench step --size 4096 --tensors 20 --repeat 2 --json)
if python3 - "$json" <<'PY'; then echo "ok: bench step --json"; else echo "FAIL: bench step --json"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
need = ["optimizer", "size", "tensors", "seconds_best", "seconds_median", "gbps", "bound_gbps",
        "c_loop_gbps", "ratio_bound", "ratio_c_loop", "small_step_seconds", "ratio_one_tensor"]
assert all(k in d for k in need), [k for k in need if k not in d]
assert d["optimizer"] == "Adam()" and d["tensors"] == 20 and d["seconds_best"] > 0
PY
# Every flat kind (element-wise and Lamb) races a hand-written C loop, which the bench first
# checks against the kind's rule (it refuses to time one that differs); the options the
# defaults leave off (Nesterov, decoupled decay) are checked too. Bytes per parameter: 12 and
# 8 per state buffer; Lamb's second pass reads p and its two buffers again and writes p.
json=$("$clopt" bench step --all --size 4099 --repeat 1 --json)
if python3 - "$json" <<'PY'; then echo "ok   bench step --all: a hand-written loop per flat kind"; else echo "FAIL bench step --all hand-written loops"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
missing = [r["optimizer"] for r in d if r["c_hand_gbps"] is None]
assert missing == [], missing
assert all(r["ratio_c_best"] > 0 for r in d), d
bytes = {r["optimizer"]: r["bytes_per_element"] for r in d}
assert bytes["SGD()"] == 12 and bytes["Adam()"] == 28 and bytes["Lamb()"] == 44, bytes
PY
for spec in 'sgd(momentum=0.9,nesterov=True)' 'lion(weight_decay=0.1)' 'lamb(weight_decay=0.1)' \
  'sgd_schedulefree(weight_decay=0.1)' 'adamw_schedulefree(weight_decay=0.1)'; do
  check "bench step: the hand-written loop of $spec is the rule's" 0 '"c_hand_gbps": ' -- \
    "$clopt" bench step --optimizer "$spec" --size 4099 --repeat 1 --json
done

# clopt explore: the documented JSON, cells equal to clopt run, bad input refused.
basins=$("$clopt" explore basins --function himmelblau --optimizer 'adam(lr=0.05)' --optimizer 'sgd(lr=0.01,momentum=0.9)' --grid 9,7 --view -5,5,-4,5 --steps 200 --json)
cell=$("$clopt" run --function himmelblau --optimizer 'sgd(lr=0.01,momentum=0.9)' --start -3.75,0.5 --steps 200 --every 200)
if python3 - "$basins" "$cell" <<'PY'; then echo "ok   explore basins JSON, a cell equals clopt run"; else echo "FAIL explore basins JSON"; fails=$((fails + 1)); fi
import json, sys
d, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert list(d) == ["kind", "function", "precision", "steps", "grid", "view", "maps"], list(d)
assert d["kind"] == "basins" and d["grid"] == [9, 7] and d["view"] == [-5, 5, -4, 5], d
m = d["maps"][1]
assert list(m) == ["optimizer", "x", "y", "f", "converged_at", "minimum", "diverged_at"], list(m)
assert m["optimizer"] == r["trajectories"][0]["optimizer"], m["optimizer"]
c = 3 * 9 + 1  # (i, j) = (1, 3): x = -5 + 1.25, y = -4 + 4.5
assert [m["x"][c], m["y"][c], m["f"][c]] == r["trajectories"][0]["points"][-1], (m["x"][c], r)
assert all(len(m[k]) == 63 for k in m if k != "optimizer")
assert set(m["minimum"]) <= {-1, 0, 1, 2, 3} and max(m["converged_at"]) <= 200
PY
sweep=$("$clopt" explore sweep --function rosenbrock --optimizer 'sgd(momentum=0.5)' --vary lr=0.0001:0.01:5:log --vary momentum=0:0.9:3 --steps 100 --json)
if python3 - "$sweep" <<'PY'; then echo "ok   explore sweep JSON"; else echo "FAIL explore sweep JSON"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["kind", "function", "precision", "start", "steps", "optimizer", "axes", "x", "y", "f", "converged_at", "diverged_at"], list(d)
assert d["kind"] == "sweep" and d["start"] == [-1.5, 2.0] and d["optimizer"]["momentum"] == 0.5
assert d["axes"][0] == {"name": "lr", "values": [0.0001, 0.000316227766016838, 0.001, 0.00316227766016838, 0.01]}, d["axes"]
assert d["axes"][1] == {"name": "momentum", "values": [0.0, 0.45, 0.9]}, d["axes"]
assert len(d["f"]) == 15 and d["diverged_at"][14] > 0 and d["x"][14] is None, d
PY
check "explore basins summary" 0 "ended at minimum 3:" -- "$clopt" explore basins --function himmelblau --grid 16 --optimizer 'adam(lr=0.1)' --steps 300
check "explore sweep summary" 0 "varies lr over 4 values" -- "$clopt" explore sweep --function sphere --vary lr=0.01:0.1:4 --steps 10
refuse "explore kind" "unknown kind 'basin'; did you mean 'basins'?" -- "$clopt" explore basin
refuse "explore basins grid" "--grid = '1': expected N or NX,NY, each an integer in 2 .. 4096" -- "$clopt" explore basins --function sphere --grid 1
refuse "explore basins grid pair" "--grid = '4,x': expected N or NX,NY" -- "$clopt" explore basins --function sphere --grid 4,x
refuse "explore basins grid of three" "--grid = '4,4,4': expected N or NX,NY, each an integer in 2 .. 4096" -- "$clopt" explore basins --function sphere --grid 4,4,4
refuse "explore basins needs a grid" "--grid is required" -- "$clopt" explore basins --function sphere
refuse "explore basins view" "expected x0 < x1 and y0 < y1" -- "$clopt" explore basins --function sphere --grid 4 --view 1,0,0,1
refuse "explore basins tol" "tol = -1; expected a finite number >= 0" -- "$clopt" explore basins --function sphere --grid 4 --tol -1
refuse "explore basins runs" "is more than 4194304 runs" -- "$clopt" explore basins --function sphere --grid 4096 --optimizer adam --optimizer sgd
refuse "explore sweep needs vary" "--vary is required" -- "$clopt" explore sweep --function sphere
refuse "explore sweep vary syntax" "--vary = 'lr=1:2': expected NAME=LO:HI:N or NAME=LO:HI:N:log" -- "$clopt" explore sweep --function sphere --vary lr=1:2
refuse "explore sweep vary name" "vary 1: unknown argument 'lrr' for Adam; did you mean 'lr'?" -- "$clopt" explore sweep --function sphere --vary lrr=0.1:1:3
refuse "explore sweep vary range" "vary 2: SGD: momentum=-1.0 is out of range" -- "$clopt" explore sweep --function sphere --optimizer sgd --vary lr=0.1:1:3 --vary momentum=-1:1:3
refuse "explore sweep one optimizer" "a sweep varies one" -- "$clopt" explore sweep --function sphere --optimizer adam --optimizer sgd --vary lr=0.1:1:3
refuse "explore sweep three axes" "more than two --vary options" -- "$clopt" explore sweep --function sphere --vary lr=0.1:1:3 --vary beta_1=0.1:0.2:3 --vary beta_2=0.1:0.2:3
refuse "explore sweep start" "--start = '1': expected 2 finite numbers" -- "$clopt" explore sweep --function sphere --start 1 --vary lr=0.1:1:3
refuse "explore unknown option" "unknown option '--grid'" -- "$clopt" explore sweep --function sphere --grid 4
# 5,000 steps, so that about 150 of the 4,096 runs converge and the C loop's convergence
# steps are compared on them (the bench's Adam never diverges: those steps are all -1).
json=$("$clopt" bench explore --grid 64 --steps 5000 --repeat 1 --json)
if python3 - "$json" <<'PY'; then echo "ok   bench explore --json"; else echo "FAIL bench explore --json"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
need = ["runs", "steps", "seconds", "gps", "trajectories_gps", "blocked_c_gps", "ratio_blocked",
        "blocked_reduce_c_gps", "ratio_blocked_reduce", "runs_converged",
        "runs_converging_differently_c", "runs_diverging_differently_c"]
assert all(k in d for k in need), [k for k in need if k not in d]
assert d["runs"] == 4096 and d["steps"] == 5000 and d["runs_differing_from_trajectories"] == 0, d
# the C loops compute the map: points and f to rounding, the same convergence steps but for
# the odd run whose f lands within rounding of the tolerance, the same divergence steps
assert d["runs_converged"] >= 100, d
assert d["max_difference_c"] < 1e-3 and d["runs_converging_differently_c"] <= 4, d
assert d["runs_diverging_differently_c"] == 0, d
# where the map's time went, from the profiling queue (PoCL times its commands): the three
# shares of one round add up to its wall time (each printed to 3 decimals)
assert 0 < d["ratio_kernel"] <= 1.01 and d["transfers_share"] >= 0, d
assert abs(d["ratio_kernel"] + d["transfers_share"] + d["host_share"] - 1) < 2e-3, d
assert d["kernel_gps"] >= 0.99 * d["gps"], d
PY
json=$("$clopt" bench trajectories --starts 1000 --steps 50 --repeat 3 --json)
if python3 - "$json" <<'PY'; then echo "ok   bench trajectories --json"; else echo "FAIL bench trajectories --json"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
need = ["engine_gps", "naive_c_gps", "blocked_c_gps", "blocked_record_c_gps", "ratio_blocked",
        "ratio_blocked_record", "ratio_naive", "ratio_best"]
assert all(k in d for k in need), [k for k in need if k not in d]
# every C loop ends where the engine ends, and the record loop's two records (x, y, f at
# steps 0 and 50) are the engine's, to rounding
assert d["starts"] == 1000 and d["max_difference"] < 1e-4, d
# three rounds: each share is a median of the rounds' own (wall and device time of one round)
assert 0 < d["ratio_kernel"] <= 1.01 and d["transfers_share"] > 0 and d["host_share"] > -0.01, d
assert d["kernel_gps"] >= 0.99 * d["engine_gps"], d
PY

refuse "train epochs" "--epochs = '0': expected an integer in 1 .. 50" -- "$clopt" train --epochs 0
refuse "train optimizer" "did you mean 'adam'" -- "$clopt" train --optimizer adma
check "train without data names the file" 1 "cannot open /nonexistent/train-images-idx3-ubyte" -- "$clopt" train --data /nonexistent
refuse "train: a selector that matches no device" "no OpenCL device matches 'nosuch'" -- "$clopt" train --device nosuch --epochs 1 --limit 100
refuse "train --limit beyond the data set" "--limit = '70000': expected an integer in 1 .. 60000" -- "$clopt" train --limit 70000 --epochs 1

# One epoch on 2,000 real Fashion-MNIST examples learns (chance is 0.1).
json=$("$clopt" train --epochs 1 --limit 2000 --hidden 64 --json)
if python3 - "$json" <<'PY'; then echo "ok: train learns"; else echo "FAIL: train learns"; fails=$((fails + 1)); fi
import json, sys
d = json.loads(sys.argv[1])
assert d[0]["optimizer"] == "Adam()", d
assert d[0]["epochs"][0]["test_accuracy"] > 0.6, d
PY

# Stopped after one epoch and resumed, a training ends where one that never stopped ends.
ck=$(mktemp -d)
opts=(--limit 1500 --hidden 64 --optimizer 'sgd(lr=0.01,momentum=0.9)' --optimizer rmsprop)
straight=$("$clopt" train "${opts[@]}" --epochs 2 --json)
"$clopt" train "${opts[@]}" --epochs 1 --checkpoint "$ck/run" >/dev/null 2>&1
resumed=$("$clopt" train --resume "$ck/run" --epochs 2 --json) # saves into $ck/run again
if python3 - "$straight" "$resumed" <<'PY'; then echo "ok   train --resume equals a training that never stopped"; else echo "FAIL train --resume"; fails=$((fails + 1)); fi
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert [x["optimizer"] for x in b] == ["SGD(momentum=0.9)", "RMSprop()"], b
assert [x["epochs"] for x in a] == [x["epochs"] for x in b], (a, b)
PY
refuse "train --resume keeps its options" "--hidden 32 differs from the checkpoint's 64" -- "$clopt" train --resume "$ck/run" --hidden 32
refuse "train --resume keeps its optimizers" "--optimizer Adam() differs from the checkpoint's optimizer 1" -- "$clopt" train --resume "$ck/run" --optimizer adam --optimizer rmsprop
# --no-checkpoint leaves the checkpoint as it was; without it, the resumed training saved.
cp "$ck/run/training.json" "$ck/saved.json"
"$clopt" train --resume "$ck/run" --epochs 3 --no-checkpoint --json >/dev/null 2>&1
if python3 - "$ck/run/training.json" <<'PY' && cmp -s "$ck/run/training.json" "$ck/saved.json"; then echo "ok   train --resume saves into DIR; --no-checkpoint does not"; else echo "FAIL train --resume saves into DIR; --no-checkpoint does not"; fails=$((fails + 1)); fi
import json, sys
t = json.load(open(sys.argv[1]))
assert [o["done"] for o in t["optimizers"]] == [2, 2], t
PY
refuse "train --no-checkpoint with --checkpoint" "--no-checkpoint and --checkpoint contradict each other" -- "$clopt" train --checkpoint "$ck/x" --no-checkpoint
refuse "train --resume cannot go back" "--epochs 1, but SGD(momentum=0.9) has already done 2 epochs" -- "$clopt" train --resume "$ck/run" --epochs 1
refuse "train --resume without a checkpoint" "cannot open '/nonexistent/training.json'" -- "$clopt" train --resume /nonexistent
# Muon and its AdamW companion: the checkpoint holds both states (0.optimizer, 0.adamw).
opts=(--limit 1500 --hidden 32 --optimizer 'muon(lr=0.02, adamw_lr=0.002)' --optimizer adamw)
straight=$("$clopt" train "${opts[@]}" --epochs 2 --json)
"$clopt" train "${opts[@]}" --epochs 1 --checkpoint "$ck/muon" >/dev/null 2>&1
resumed=$("$clopt" train --resume "$ck/muon" --epochs 2 --json)
if [ -f "$ck/muon/0.adamw" ] && [ ! -e "$ck/muon/1.adamw" ] && python3 - "$straight" "$resumed" <<'PY'; then echo "ok   train --resume with Muon equals a training that never stopped"; else echo "FAIL train --resume with Muon"; fails=$((fails + 1)); fi
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert [x["optimizer"] for x in b] == ["Muon(lr=0.02) + AdamW(lr=0.002)", "AdamW()"], b
assert [x["epochs"] for x in a] == [x["epochs"] for x in b], (a, b)
PY
# A checkpoint's size is docs/library.md's "60 bytes + config + 16 per tensor + 4 x state
# floats" (an optimizer file of clopt train is clopt_optimizer_save's).
"$clopt" train --epochs 1 --limit 100 --hidden 8 --checkpoint "$ck/size" >/dev/null 2>&1
if python3 - "$ck/size/0.optimizer" "$(dirname "$0")/../docs/library.md" <<'PY'; then echo "ok   a checkpoint's size is the documented sum"; else echo "FAIL a checkpoint's size against docs/library.md"; fails=$((fails + 1)); fi
import struct, sys
b = open(sys.argv[1], "rb").read()
L = struct.unpack_from("<I", b, 12)[0]
T, S = struct.unpack_from("<II", b, 16 + L + 16)
sizes = struct.unpack_from("<%dQ" % T, b, 16 + L + 40)
assert (T, S) == (4, 2) and sum(sizes) == 784 * 8 + 8 + 8 * 10 + 10, (T, S, sizes)
assert len(b) == 60 + L + 16 * T + 4 * S * sum(sizes), (len(b), L, T, S, sizes)
assert "60 bytes + config + 16 per tensor (size and shape) + 4 × state floats" in open(sys.argv[2]).read()
PY
rm "$ck/muon/0.adamw"
check "train --resume with Muon needs its companion's state" 1 "0.adamw' (No such file or directory): model 0 trains with Muon" -- "$clopt" train --resume "$ck/muon" --epochs 3
rm -rf "$ck"

# docs/cli.md as the program prints it: the run and basins examples' output, the synopses
# of explore basins, explore sweep and tune (their --help's), their --json keys; the config
# of docs/semantics.md; the schedule-free example runs.
if python3 - "$clopt" "$(dirname "$0")/../docs" <<'PY'; then echo "ok   docs/cli.md's examples, synopses and keys are the program's"; else echo "FAIL docs/cli.md against the program"; fails=$((fails + 1)); fi
import json, re, shlex, subprocess, sys
clopt, docs = sys.argv[1], sys.argv[2]
cli = open(f"{docs}/cli.md").read()

def out(*args):
    return subprocess.run([clopt, *args], check=True, capture_output=True, text=True).stdout

# the examples: ```sh build/clopt ...```, the output comment, then the output itself
example = re.compile(r"```sh\n(build/clopt (?:run|explore basins) [^`]*)```\n<!-- output of the command above, on PoCL -->\n```\w*\n(.*?)```", re.S)
found = 0
for cmd, shown in example.findall(cli):
    args = shlex.split(cmd.replace("\\\n", " "))[1:]
    assert out(*args) == shown, (args, out(*args), shown)
    found += 1
assert found == 2, found

# the synopses: **`clopt WORD ...`** as the first lines of its --help
def synopsis(*cmd):
    text = out(*cmd, "--help").split("\n\n")[0]
    return " ".join(text.replace("usage: ", "", 1).split())
for cmd in (["explore", "basins"], ["explore", "sweep"], ["tune"]):
    m = re.search(r"\*\*`(clopt %s [^`]*)`\*\*" % " ".join(cmd), cli)
    assert m and " ".join(m.group(1).split()) == synopsis(*cmd), (m and m.group(1), synopsis(*cmd))

def top_keys(template):  # the keys of a {"a","b":[..],"c":{..}} template at its top level
    keys, depth, prev = [], 0, ""
    for m in re.finditer(r'"[^"]*"|[\[\]{}:,]', template):
        t = m.group(0)
        if t in "[{":
            depth += 1
        elif t in "]}":
            depth -= 1
        elif t[0] == '"' and depth == 1 and prev in "{,":
            keys.append(t.strip('"'))
        prev = t if t[0] != '"' else '"'  # a string: the next one is no key after it
    return keys
for kind, args in (("basins", ["--grid", "2"]), ("sweep", ["--vary", "lr=0.1:1:2"])):
    m = re.search(r'`(\{"kind":"%s".*?\})`' % kind, cli, re.S)
    got = list(json.loads(out("explore", kind, "--function", "sphere", "--steps", "1", "--json", *args)))
    assert m and top_keys(" ".join(m.group(1).split())) == got, (m and m.group(1), got)

# Adam's config in docs/semantics.md: what clopt prints for adam
adam = out("explore", "basins", "--function", "sphere", "--grid", "2", "--steps", "1").split("\n")[1]
assert f"`{adam}`" in open(f"{docs}/semantics.md").read(), adam
# the schedule-free example is a command that runs
m = re.search(r"`clopt run (--function [^`]*sgd_schedulefree[^`]*)`", cli)
assert m and '"average": ' in out("run", *shlex.split(" ".join(m.group(1).split()))), m
PY

# Your own function: the issue's errors with their carets, and the built-in written out
expr_error() { # expr_error TEXT MESSAGE CARET-LINE
  local out; out=$("$clopt" run --function "$1" 2>&1); local got=$?
  if [ "$got" -eq 2 ] && [ "$out" = "$(printf 'clopt run: %s\n  %s\n  %s' "$2" "$1" "$3")" ]; then
    echo "ok   expression error: $1"
  else
    echo "FAIL expression error: $1: status $got, output:"; echo "$out"; fails=$((fails+1))
  fi
}
expr_error 'x^^2' "expected a number, x, y, a function or '(' at column 3" '  ^'
expr_error 'sin(x' "missing ')' for '(' at column 4" '   ^'
expr_error 'z + 1' "unknown name 'z' at column 1; the variables are x and y" '^'
expr_error 'sinn(x)' "unknown function 'sinn'; did you mean 'sin'?" '^^^^'
expr_error 'max(x)' "max takes 2 arguments, given 1" '^^^^^^'
check "a misspelt name is still a name" 2 "unknown function 'rosenbrok'; did you mean 'rosenbrock'?" -- "$clopt" run --function rosenbrok
check "landscape of an expression" 0 '{"function":"x^2+y","nx":2,"ny":2,"view":[-2.0,2.0,-2.0,2.0],"min":2.0,"max":6.0,"values":[2.0,2.0,6.0,6.0]}' -- "$clopt" landscape --function 'x^2 + y' --nx 2 --ny 2
check "an expression's default start" 0 '"start": [1.5, 1.5]' -- "$clopt" run --function 'x^2 + y^2' --steps 1
builtin=$("$clopt" run --function rosenbrock --optimizer 'adam(lr=0.01)' --start -1.5,2 --steps 1000 --every 50)
written=$("$clopt" run --function '(1-x)^2 + 100*(y-x^2)^2' --optimizer 'adam(lr=0.01)' --start -1.5,2 --steps 1000 --every 50)
if python3 - "$builtin" "$written" <<'PY'; then echo "ok   rosenbrock written out equals the built-in within float32 accuracy"; else echo "FAIL rosenbrock written out"; fails=$((fails + 1)); fi
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert b["function"] == "(1-x)^2+100*(y-x^2)^2", b["function"]
p, q = a["trajectories"][0]["points"], b["trajectories"][0]["points"]
assert len(p) == len(q) == 21
worst = max(abs(u - v) / (1 + abs(u)) for s, t in zip(p, q) for u, v in zip(s, t))
assert worst < 1e-5, worst  # a few float32 ulps (measured: 5e-7)
PY

[ "$fails" -eq 0 ] || { echo "$fails CLI check(s) failed"; exit 1; }
