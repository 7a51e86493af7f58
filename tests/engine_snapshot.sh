#!/usr/bin/env bash
# Records the outputs of `clopt run`, `clopt explore` (basins, sweep; each in float and
# double) and `clopt tune` for every catalogue kind into a folder, so that a change to the trajectory
# engine can be checked bit for bit: run it before and after, then `diff -r` the folders.
# usage: tests/engine_snapshot.sh build/clopt OUTDIR [BEFORE]
# With BEFORE (an earlier OUTDIR, from the binary before the change), it then compares the
# two byte for byte and fails on any difference.
set -euo pipefail
clopt=$1
out=$2
before=${3:-}
mkdir -p "$out"
kinds=$($clopt --list optimizers)
for f in rosenbrock himmelblau; do
    for k in $kinds; do
        $clopt run --function $f --optimizer "$k" --start -1.2,1.5 --start 0.5,-2 \
            --steps 2500 --every 7 >"$out/run-$f-$k.json"
        $clopt run --function $f --optimizer "$k" --steps 300 --noise 0.05 --seed 7 \
            --format csv >"$out/run-noise-$f-$k.csv"
        $clopt run --function $f --optimizer "$k" --start -1.2,1.5 --steps 2500 --every 7 \
            --noise 0.05 --seed 7 --precision double >"$out/run-double-$f-$k.json"
        for p in float double; do
            $clopt explore basins --function $f --optimizer "$k" --grid 7,5 --steps 1200 \
                --precision $p --json >"$out/basins-$f-$k-$p.json"
            $clopt explore sweep --function $f --optimizer "$k" --vary lr=0.001:0.1:5:log \
                --steps 400 --precision $p --json >"$out/sweep-$f-$k-$p.json"
        done
    done
done
# The options that change a kind's state or its loop: momentum, amsgrad, Nesterov, clipping.
i=0
for k in 'sgd(momentum=0.9)' 'sgd(momentum=0.9, nesterov=True)' 'adam(amsgrad=True)' \
    'adamw(amsgrad=True, weight_decay=0.01)' 'adam(clipnorm=1.0)' 'rmsprop(clipvalue=0.5)'; do
    i=$((i + 1))
    $clopt run --function rosenbrock --optimizer "$k" --start -1.2,1.5 --start 0.5,-2 \
        --steps 2500 --every 7 >"$out/run-options-$i.json"
    $clopt explore basins --function himmelblau --optimizer "$k" --grid 7,5 --steps 1200 \
        --json >"$out/basins-options-$i.json"
done
all=()
for k in $kinds; do all+=(--optimizer "$k"); done
$clopt run --function 'x^2 + 3*y^2 + sin(x*y)' "${all[@]}" --steps 1100 --every 50 \
    --noise 0.01 --seed 3 >"$out/run-expr-all.json"
$clopt explore basins --function himmelblau "${all[@]}" --grid 9,6 --steps 700 --json \
    >"$out/basins-all.json"
sched='adam(lr=0.05, schedule=cosine(steps=500, warmup=10))'
for p in float double; do
    $clopt explore sweep --function rosenbrock --optimizer "$sched" \
        --vary schedule.warmup=0:400:3 --vary lr=0.01:0.1:3:log --steps 1500 --precision $p \
        --json >"$out/sweep-schedule-$p.json"
done
$clopt tune --function rosenbrock --optimizer adam --optimizer 'sgd(momentum=0.9)' \
    --optimizer "$sched" --starts 8 --seeds 2 --noise 0.1 --steps 300 --score auc --json \
    >"$out/tune-auc.json"
$clopt tune --function himmelblau --optimizer lion --optimizer sgd_schedulefree --starts 5 \
    --steps 200 --score final --json >"$out/tune-final.json"
if [ -n "$before" ]; then
    diff -r "$before" "$out"
    echo "identical: $(ls "$out" | wc -l) outputs"
fi
