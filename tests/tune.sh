#!/usr/bin/env bash
# clopt tune as a person uses it: its per-value medians, quartiles and diverged shares equal
# the same runs done by `clopt run` (value for value, seed for seed, start for start), the
# tuned value is their argmin, the ranking is ordered; bad input is refused in one line.
# usage: tests/tune.sh path/to/clopt
set -uo pipefail
clopt=$1
fails=0
refuse() { # refuse NAME NEEDLE -- command...: status 2, nothing on stdout, one line on stderr
  local name=$1 needle=$2; shift 3
  local out err; out=$("$@" 2>/tmp/clopt-tune-err.$$); local got=$?
  err=$(cat /tmp/clopt-tune-err.$$); rm -f /tmp/clopt-tune-err.$$
  if [ "$got" -ne 2 ] || [ -n "$out" ] || ! grep -qF -- "$needle" <<<"$err" || [ "$(wc -l <<<"$err")" -ne 1 ]; then
    echo "FAIL $name: status $got (want 2), stdout '$out', stderr:"; echo "$err" | head -5; fails=$((fails+1))
  else
    echo "ok   $name"
  fi
}

if python3 - "$clopt" <<'PY'; then echo "ok   tune equals clopt run value for value"; else echo "FAIL tune against clopt run"; fails=$((fails + 1)); fi
import json, math, struct, subprocess, sys
clopt = sys.argv[1]

def run(*args):
    return json.loads(subprocess.run([clopt, *args], check=True, capture_output=True, text=True).stdout)

def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]

def quantile(s, p):  # numpy's default (linear), +inf allowed
    h = (len(s) - 1) * p
    lo = math.floor(h)
    frac = h - lo
    if frac == 0 or lo + 1 >= len(s) or s[lo] == s[lo + 1]:
        return s[lo]
    return math.inf if math.isinf(s[lo + 1]) else s[lo] + frac * (s[lo + 1] - s[lo])

def summary(scores, diverged):
    s = sorted(scores)
    return [quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), diverged / len(s)]

def same(got, want, tol=0.0):
    if want is math.inf or (isinstance(want, float) and math.isinf(want)):
        return got is None
    return got is not None and abs(got - want) <= tol

def order(o, v):  # the tuned value: lowest median, then diverged share, q1, q3 (null: inf)
    inf = lambda x: math.inf if x is None else x
    return (inf(o["median"][v]), o["diverged"][v], inf(o["q1"][v]), inf(o["q3"][v]))

def check_curves(t, reference, tol=0.0):
    """reference[k][v] = [median, q1, q3, diverged share] from clopt run's points."""
    for k, o in enumerate(t["optimizers"]):
        for v in range(len(o["values"])):
            want = reference[k][v]
            got = [o["median"][v], o["q1"][v], o["q3"][v], o["diverged"][v]]
            assert all(same(g, w, tol) for g, w in zip(got, want)), (o["optimizer"], v, got, want)
        best = min(range(len(o["values"])), key=lambda v: order(o, v) + (v,))
        assert o["best"] == o["values"][best], (o["best"], o["values"], o["median"])
    at = {o["optimizer"]: (o, o["values"].index(o["best"])) for o in t["optimizers"]}
    key = lambda spec: order(*at[spec])
    assert sorted(t["ranking"], key=key) == t["ranking"], (t["ranking"], best)
    assert sorted(t["ranking"]) == sorted(o["optimizer"] for o in t["optimizers"])

# Plan 1, score final, no noise: 2 optimizers x 3 values x 7 starts, 150 steps, on Rosenbrock
# (SGD with momentum diverges from some starts at the larger rates). clopt run does all 42
# runs at once, recording steps 0 and 150.
specs = ["adam", "sgd(lr=0.001,momentum=0.9)"]
t = run("tune", "--function", "rosenbrock", *sum((["--optimizer", s] for s in specs), []),
        "--vary", "lr=0.0005:0.004:3:log", "--starts", "7", "--steps", "150", "--json")
assert list(t) == ["function", "score", "steps", "starts", "seeds", "noise", "optimizers", "ranking"], list(t)
assert t["function"] == "rosenbrock" and t["score"] == "final" and t["steps"] == 150
assert t["seeds"] == 1 and t["noise"] == 0.0 and len(t["starts"]) == 7
o0 = t["optimizers"][0]
assert list(o0) == ["optimizer", "vary", "values", "median", "q1", "q3", "diverged", "best", "tuned"], list(o0)
assert o0["optimizer"] == "adam" and o0["vary"] == "lr" and o0["values"] == [0.0005, 0.00141421356237310, 0.004], o0["values"]
assert all(-2 <= x <= 2 and -1 <= y <= 3 for x, y in t["starts"]), t["starts"]  # Rosenbrock's view
assert t["optimizers"][1]["tuned"].startswith("SGD(lr=") and "momentum=0.9" in t["optimizers"][1]["tuned"]
runspecs = [f"adam(lr={v!r})" for v in o0["values"]] + [f"sgd(lr={v!r},momentum=0.9)" for v in o0["values"]]
r = run("run", "--function", "rosenbrock", *sum((["--optimizer", s] for s in runspecs), []),
        *sum((["--start", f"{x!r},{y!r}"] for x, y in t["starts"]), []), "--steps", "150", "--every", "150")
traj = r["trajectories"]
assert len(traj) == 42 and traj[3]["start"] == t["starts"][3]
reference, diverged_any = [], 0
for k in range(2):
    reference.append([])
    for v in range(3):
        runs = traj[(k * 3 + v) * 7:(k * 3 + v + 1) * 7]
        scores = [math.inf if q["diverged_at"] is not None else math.log10(max(f32(q["points"][-1][2]), 0) + 1e-12) for q in runs]
        div = sum(q["diverged_at"] is not None for q in runs)
        diverged_any += div
        reference[k].append(summary(scores, div))
check_curves(t, reference)
assert diverged_any > 0, "the plan should include diverged runs"
print("  plan 1: 42 runs, %d diverged; ranking %s" % (diverged_any, t["ranking"]), file=sys.stderr)

# Plan 2, score reach and auc, noise 0.01 with 2 seeds on the sphere: run k with seed s is
# trajectory k of clopt run from the same starts with --seed s; every step recorded.
base = ["--function", "sphere", "--optimizer", "sgd", "--vary", "lr=0.02:0.2:2", "--starts", "5",
        "--seeds", "2", "--noise", "0.01", "--steps", "60"]
reach = run("tune", *base, "--score", "reach", "--json")
auc = run("tune", *base, "--score", "auc", "--json")
assert reach["seeds"] == 2 and reach["noise"] == 0.01 and reach["score"] == "reach" and auc["score"] == "auc"
tol32 = f32(1e-4)
ref_reach, ref_auc = [[]], [[]]
for v in reach["optimizers"][0]["values"]:
    sr, sa, div = [], [], 0
    for seed in range(2):
        r = run("run", "--function", "sphere", "--optimizer", f"sgd(lr={v!r})", "--steps", "60",
                "--noise", "0.01", "--seed", str(seed), *sum((["--start", f"{x!r},{y!r}"] for x, y in reach["starts"]), []))
        for q in r["trajectories"]:
            f = [f32(p[2]) for p in q["points"]]  # the float32 the device computed
            if q["diverged_at"] is not None:
                sr.append(math.inf); sa.append(math.inf); div += 1
                continue
            sr.append(next((i for i, x in enumerate(f) if abs(x) <= tol32), 61))
            sa.append(sum(math.log10(max(x, 0) + 1e-12) for x in f) / len(f))
    ref_reach[0].append(summary(sr, div))
    ref_auc[0].append(summary(sa, div))
check_curves(reach, ref_reach)
# auc: the device sums float32 log10 terms (Kahan); each term within a few ulps of |q| <= 12
# (about 4e-6), so the mean is within 1e-5 of the double sum.
check_curves(auc, ref_auc, 1e-5)
assert reach["optimizers"][0]["median"] != [61, 61], "the plan should reach the minimum"
PY

refuse "tune needs a function" "--function is required" -- "$clopt" tune --optimizer adam
refuse "tune needs an optimizer" "--optimizer is required" -- "$clopt" tune --function sphere
refuse "tune score name" "--score = 'best': expected final, auc or reach" -- "$clopt" tune --function sphere --optimizer adam --score best
refuse "tune reach needs a minimum" "score reach: saddle has no known minimum to reach; expected final or auc" -- "$clopt" tune --function saddle --optimizer adam --score reach
refuse "tune default axis needs lr > 0" "optimizer 2: lr = 0, so the default sweep over 0.0001 .. 10 x lr is empty" -- "$clopt" tune --function sphere --optimizer adam --optimizer 'sgd(lr=0)'
refuse "tune vary name per optimizer" "optimizer 2: vary 1: unknown argument 'momentum' for Adam" -- "$clopt" tune --function sphere --optimizer sgd --optimizer adam --vary momentum=0:0.9:3
refuse "tune spec" "optimizer 1: unknown optimizer 'adamm'; did you mean 'adam'?" -- "$clopt" tune --function sphere --optimizer adamm
refuse "tune starts" "--starts = '0': expected an integer in 1 .. 4194304" -- "$clopt" tune --function sphere --optimizer adam --starts 0
refuse "tune seeds" "--seeds = '2000': expected an integer in 1 .. 1024" -- "$clopt" tune --function sphere --optimizer adam --seeds 2000
refuse "tune tol is the tuning's, not an optimizer's" "clopt tune: tol = -1; expected a finite number >= 0" -- "$clopt" tune --function sphere --optimizer adam --tol -1
refuse "tune noise" "noise = -1; expected a finite standard deviation >= 0" -- "$clopt" tune --function sphere --optimizer adam --noise -1
refuse "tune runs" "optimizer 1: 25 values x 1024 seeds x 200 starts is more than 4194304 runs" -- "$clopt" tune --function sphere --optimizer adam --seeds 1024 --starts 200
refuse "tune vary syntax" "--vary = 'lr=1': expected NAME=LO:HI:N or NAME=LO:HI:N:log" -- "$clopt" tune --function sphere --optimizer adam --vary lr=1
refuse "tune unknown option" "unknown option '--seed'; did you mean '--seeds'?" -- "$clopt" tune --function sphere --optimizer adam --seed 1

if [ "$fails" -ne 0 ]; then echo "$fails failed"; exit 1; fi
echo "all passed"
