"""Every catalogue optimizer, through clopt.torch, stepping a small PyTorch MLP, against the
double-precision reference of docs/semantics.md (tests/reference.py) fed the same gradients.

Tolerance: clopt computes in float32 from the same float32 gradients, so the two differ by
rounding only: each step adds a few float32 ulps of |p| (the subtraction) plus a relative
1e-6 of the update (the rule's float32 arithmetic, about 8 operations of 2^-24 each).
After each step the reference takes clopt's parameters (its state stays its own, in double), so
each step is compared alone: |p_clopt - p_ref| <= 4 (4 ulp(|p|) + 1e-6 |largest step seen|).
The schedule-free rows' p is y; the reference's z and x are not reset (y feeds only their
weight decay), so there the bound also covers 12 steps of float32 rounding in z and x.
"""
import numpy as np
import pytest
import torch

import clopt
import clopt.torch as ct
import reference

STEPS = 12
ROWS = clopt.optimizers()


def test_every_catalogue_row_has_a_class_and_a_reference():
    missing = [r["name"] for r in ROWS if not reference.has(r["key"])]
    assert not missing, f"rows without a Python reference (tests/reference.py): {missing}"
    for r in ROWS:
        cls = getattr(ct, r["name"])
        assert issubclass(cls, torch.optim.Optimizer)


def _variants(row):
    """Defaults with a livelier lr; then every switch on, momentum and decay, clipping."""
    names = {h["name"]: h for h in row["hyperparameters"]}
    base = {"lr": max(names["lr"]["default"], 0.01)} if "lr" in names else {}
    loud = dict(base)
    for n, h in names.items():
        if h["range"] and h["range"].get("type") == "boolean":
            loud[n] = True
    if "momentum" in names:
        loud["momentum"] = 0.9
    if "decay" in names:
        loud["decay"] = 0.05
    if "weight_decay" in names:
        loud["weight_decay"] = 0.1
    if "warmup_steps" in names:  # the schedule-free rows: a warmup and a weighted average
        loud["warmup_steps"] = 4
    if "r" in names:
        loud["r"] = 1.0
    clip_n = dict(base, clipnorm=0.5)
    clip_v = dict(base, clipvalue=0.01)
    return [("defaults", base), ("switches", loud), ("clipnorm", clip_n),
            ("clipvalue", clip_v)]


def _model(bias=True):
    torch.manual_seed(7)
    return torch.nn.Sequential(torch.nn.Linear(6, 16, bias=bias), torch.nn.Tanh(),
                               torch.nn.Linear(16, 3, bias=bias))


def _muon_bound(config, shape, step):
    """Muon's float32 error per step (as tests/test_muon.c derives it): the input's eps (20 +
    t) and each iteration's eps (m + 2n + 4) rounding, grown by L = max |p'| of the
    Newton-Schulz polynomial on [0, 1.25] per iteration, times lr_e s."""
    a, b, c, k = config["a"], config["b"], config["c"], int(config["ns_steps"])
    s = np.linspace(0, 1.25, 1001)
    ell = float(np.max(np.abs(a + 3 * b * s**2 + 5 * c * s**4)))
    pmax = max(1.0, float(np.max(np.abs(s * (a + b * s**2 + c * s**4)))))
    lk = ell**k
    geo = (lk - 1) / (ell - 1) if ell != 1 else k
    n, m = min(shape), max(shape)
    eps = float(np.finfo(np.float32).eps)
    o_err = eps * ((20 + step) * lk + (m + 2 * n + 4) * pmax**5 * geo)
    rows, cols = shape
    sc = (0.2 * np.sqrt(max(rows, cols)) if config["adjust_lr"] == "match_rms_adamw"
          else np.sqrt(max(1.0, rows / cols)))
    return config["lr"] * sc * o_err


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_matches_reference_on_an_mlp(row):
    if not reference.has(row["key"]):
        pytest.fail(f"{row['name']}: no reference in tests/reference.py")
    x = torch.randn(32, 6, generator=torch.Generator().manual_seed(1))
    y = torch.randn(32, 3, generator=torch.Generator().manual_seed(2))
    for label, kw in _variants(row):
        muon = row["key"] == "muon"  # matrices only: biases are AdamW's (docs/muon.md)
        model = _model(bias=not muon)
        opt = getattr(ct, row["name"])(model.parameters(), **kw)
        config = opt._clopt_engines[0].opt.config
        ref = reference.Reference(config, [p.detach().numpy() for p in model.parameters()])
        biggest = 0.0
        for step in range(STEPS):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            before = [p.detach().numpy().astype(np.float64).copy() for p in model.parameters()]
            ref.step([p.grad.numpy() for p in model.parameters()])
            opt.step()
            for i, p in enumerate(model.parameters()):
                got = p.detach().numpy().astype(np.float64).reshape(-1)
                biggest = max(biggest, float(np.max(np.abs(got - before[i].reshape(-1)))))
                ulp = np.spacing(np.abs(ref.p[i]).astype(np.float32)).astype(np.float64)
                bound = 4 * (4 * ulp + 1e-6 * biggest)
                if muon:
                    bound = bound + _muon_bound(config, tuple(p.shape), step + 1)
                err = np.abs(got - ref.p[i])
                assert np.all(err <= bound), (
                    f"{row['name']} ({label}, {config}) step {step + 1}, tensor {i}: "
                    f"max error {err.max():.3g} > bound {bound[np.argmax(err - bound)]:.3g}")
                # Keep the reference on clopt's path so that the next gradient is shared.
                ref.p[i] = got.copy()
        assert opt.iterations == STEPS
        assert biggest > 0, f"{row['name']} ({label}) never moved a parameter"
