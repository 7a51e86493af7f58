"""Optimizer.rate, Optimizer.average and clopt.torch's eval_params() and schedule= against
the double-precision reference (tests/reference.py, from docs/semantics.md "Schedules" and
"Schedule-free SGD and AdamW").

The gradients here are fixed random arrays (not functions of the parameters), so clopt
(float32) and the reference (double) run side by side without resynchronising; the
tolerances cover the float32 rounding accumulated over the steps (a few 1e-7 relative per
step of |z|, |x|), far below what a wrong rule gives (O(lr |g|) per step).
"""
import math

import numpy as np
import pytest
import torch

import clopt
import clopt.torch as ct
import reference

SHAPES = [(3, 4), (5,)]
SF_SPECS = [
    "sgd_schedulefree(lr=0.5, weight_decay=0.1, warmup_steps=3, r=1)",
    "adamw_schedulefree(lr=0.05, weight_decay=0.1, warmup_steps=3, r=0.5, "
    "weight_lr_power=1, clipnorm=2)",
    "adamw_schedulefree(lr=0.05, schedule=cosine(steps=12, warmup=2))",
]


def _grads(steps, seed=3):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(steps)]


def _params(seed=5):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def _close(got, want, scale, what):
    err = np.abs(np.asarray(got, np.float64).reshape(-1) - want.reshape(-1))
    bound = 2e-6 * (scale + np.abs(want.reshape(-1)))
    assert np.all(err <= bound), f"{what}: max error {err.max():.3g} (bound {bound.max():.3g})"


def test_multiplier_by_hand():
    cos = {"name": "cosine", "steps": 100, "warmup": 10}
    assert reference.multiplier(cos, 0) == pytest.approx(0.1)
    assert reference.multiplier(cos, 9) == pytest.approx(1.0)
    assert reference.multiplier(cos, 10) == pytest.approx(1.0)
    assert reference.multiplier(cos, 55) == pytest.approx(0.5)
    assert reference.multiplier(cos, 100) == pytest.approx(0.0, abs=1e-15)
    assert reference.multiplier({"name": "step", "every": 10}, 25) == pytest.approx(0.01)
    assert reference.multiplier({"name": "inverse_sqrt", "warmup": 4}, 15) == pytest.approx(0.5)


@pytest.mark.parametrize("spec", SF_SPECS + ["adam(lr=0.1, decay=0.1)"])
def test_average_and_rate_follow_the_reference(spec):
    steps = 12
    params = _params()
    opt = clopt.Optimizer(spec, params)
    ref = reference.Reference(opt.config, params)
    assert opt.schedule_free == spec.startswith(("sgd_s", "adamw_s"))
    # Before the first step the evaluation point is the parameters.
    for a, p in zip(opt.average(), params):
        np.testing.assert_array_equal(a, p)
    scale = 0.0
    for k, g in enumerate(_grads(steps)):
        assert opt.rate == pytest.approx(ref.rate(), rel=1e-12), f"step {k}"
        opt.step(g)
        ref.step(g)
        scale = max(scale, max(float(np.abs(z).max()) for z in ref.p))
        xs = opt.average()
        assert [a.shape for a in xs] == SHAPES and all(a.dtype == np.float32 for a in xs)
        for i in range(len(SHAPES)):
            _close(params[i], ref.p[i], scale, f"{spec} step {k + 1} y[{i}]")
            _close(xs[i], ref.average(i), scale, f"{spec} step {k + 1} x[{i}]")
            if not opt.schedule_free:
                np.testing.assert_array_equal(xs[i], params[i])
    if opt.schedule_free:
        assert max(float(np.abs(a - p).max()) for a, p in zip(xs, params)) > 1e-3
    opt.close()


def test_average_into_given_arrays_and_over_the_tensors():
    params = _params()
    opt = clopt.Optimizer(SF_SPECS[0], params)
    for g in _grads(4):
        opt.step(g)
    want = opt.average()
    out = [np.full(s, np.nan, np.float32) for s in SHAPES]
    res = opt.average(out=out)
    assert len(res) == 2 and all(a is b for a, b in zip(res, out))
    for a, b in zip(out, want):
        np.testing.assert_array_equal(a, b)
    y = [p.copy() for p in params]
    opt.average(out=params)  # x over y (the optimizer's own buffers), then y back
    for a, b in zip(params, want):
        np.testing.assert_array_equal(a, b)
    for p, v in zip(params, y):
        p[...] = v
    opt.step(_grads(1, seed=9)[0])
    ref = clopt.Optimizer(SF_SPECS[0], _params())
    for g in _grads(4) + _grads(1, seed=9):
        ref.step(g)
    for a, b in zip(params, ref.tensors):
        np.testing.assert_array_equal(a, b)
    # One array in, one array out; torch tensors too.
    t = torch.from_numpy(_params()[1].copy())
    one = clopt.Optimizer(SF_SPECS[1], t)
    one.step(torch.ones(5))
    x = one.average()
    assert isinstance(x, torch.Tensor) and x.shape == (5,)
    assert not torch.equal(x, t)
    for bad, words in (([out[0]], "expected 2 arrays"), ([out[0], out[0]], "expected 5"),
                       ([out[0].astype(np.float64), out[1]], "float32")):
        with pytest.raises(clopt.InvalidArgument, match=words):
            opt.average(out=bad)


def test_average_of_pyopencl_arrays():
    cla = pytest.importorskip("pyopencl.array")
    ctx = clopt.default_context()
    _, queue = ctx.pyopencl()
    host = _params()
    dev = [cla.to_device(queue, p) for p in host]
    opt = clopt.Optimizer(SF_SPECS[1], dev, context=ctx)
    ref = clopt.Optimizer(SF_SPECS[1], host)
    for g in _grads(3):
        opt.step([cla.to_device(queue, x) for x in g])
        ref.step(g)
    xs = opt.average()
    for a, b in zip(xs, ref.average()):
        np.testing.assert_allclose(a.get(), b, rtol=0, atol=1e-6)


def _mlp():
    torch.manual_seed(11)
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))


def test_torch_eval_params_swaps_x_in_and_y_back():
    model = _mlp()
    opt = ct.AdamWScheduleFree(model.parameters(), lr=0.05, weight_decay=0.1, warmup_steps=2)
    assert opt.schedule_free and "eval_params" in type(opt).__doc__
    ref = reference.Reference(opt._clopt_engines[0].opt.config,
                              [p.detach().numpy() for p in model.parameters()])
    rng = np.random.default_rng(1)
    for _ in range(8):
        grads = [rng.standard_normal(tuple(p.shape)).astype(np.float32)
                 for p in model.parameters()]
        for p, g in zip(model.parameters(), grads):
            p.grad = torch.from_numpy(g)
        opt.step()
        ref.step(grads)
    y = [p.detach().clone() for p in model.parameters()]
    x_in = torch.randn(3, 4)
    with opt.eval_params():
        for i, p in enumerate(model.parameters()):
            _close(p.detach().numpy(), ref.average(i), 1.0, f"x[{i}]")
        out_x = model(x_in)
        with pytest.raises(clopt.Error, match="eval_params"):
            opt.step()
    for p, v in zip(model.parameters(), y):
        assert torch.equal(p.detach(), v)
    assert not torch.allclose(out_x, model(x_in))
    with pytest.raises(RuntimeError, match="boom"):
        with opt.eval_params():
            raise RuntimeError("boom")
    for p, v in zip(model.parameters(), y):
        assert torch.equal(p.detach(), v)
    # Another row: x is the parameters, the block changes nothing.
    plain = ct.Adam(model.parameters())
    assert not plain.schedule_free
    with plain.eval_params():
        for p, v in zip(model.parameters(), y):
            assert torch.equal(p.detach(), v)


@pytest.mark.parametrize("how", ["keyword", "spec"])
def test_torch_schedule_follows_the_reference(how):
    """SGD with a cosine schedule with warmup over 100 steps: each step moves p by
    lr m(t) g (to float32 rounding), and opt.rate is lr m(t) before it."""
    steps, lr = 100, 0.1
    sched = "cosine(steps=90, warmup=10, alpha=0.1)"
    model = _mlp()
    if how == "keyword":
        opt = ct.SGD(model.parameters(), lr=lr, schedule=sched)
    else:
        opt = ct.Optimizer(model.parameters(), f"sgd(lr={lr}, schedule={sched})")
    config = opt._clopt_engines[0].opt.config
    assert config["schedule"] == {"name": "cosine", "steps": 90, "alpha": 0.1, "warmup": 10}
    assert opt.param_groups[0]["lr"] == lr
    ref = reference.Reference(config, [p.detach().numpy() for p in model.parameters()])
    x = torch.randn(16, 4, generator=torch.Generator().manual_seed(2))
    rates = []
    for t in range(steps):
        want = lr * reference.multiplier(config["schedule"], t)
        assert opt.rate == pytest.approx(want, rel=1e-12, abs=1e-15), f"step {t}"
        assert ref.rate() == pytest.approx(want, rel=1e-12, abs=1e-15)
        rates.append(want)
        opt.zero_grad()
        model(x).square().mean().backward()
        grads = [p.grad.numpy().copy() for p in model.parameters()]
        before = [p.detach().numpy().astype(np.float64) for p in model.parameters()]
        opt.step()
        ref.p = [b.reshape(-1).copy() for b in before]
        ref.step(grads)
        for i, p in enumerate(model.parameters()):
            got = p.detach().numpy().astype(np.float64).reshape(-1)
            ulp = np.spacing(np.abs(ref.p[i]).astype(np.float32)).astype(np.float64)
            # float32: lr_e, lr_e g and p - lr_e g each rounded once.
            bound = ulp + 2.0 ** -22 * np.abs(ref.p[i] - before[i].reshape(-1))
            assert np.all(np.abs(got - ref.p[i]) <= bound), f"step {t}, tensor {i}"
    # The shape itself: linear warmup, the peak, the cosine down to alpha.
    assert rates[0] == pytest.approx(0.01) and rates[9] == pytest.approx(lr)
    assert rates[50] == pytest.approx(lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 0.5))))
    assert rates[-1] == pytest.approx(lr * 0.1)
    assert opt.iterations == steps


def test_torch_schedule_refusals_and_state_dict():
    model = _mlp()
    with pytest.raises(clopt.InvalidArgument, match="schedule"):
        ct.Adam(model.parameters(), schedule="cosine(warmup=3)")  # steps is required
    with pytest.raises(clopt.InvalidArgument, match="schedule"):
        ct.Adam(model.parameters(), schedule=3)
    opt = ct.Adam(model.parameters(), lr=0.1, schedule={"name": "step", "every": 2})
    model(torch.ones(4)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    opt.step()
    opt.load_state_dict(sd)
    assert opt.iterations == 1 and opt.rate == pytest.approx(0.1)
    assert opt.param_groups[0]["schedule"]["every"] == 2
    opt.step()
    assert opt.rate == pytest.approx(0.1 * 0.1)
    opt.param_groups[0]["schedule"] = "cosine(steps=10)"
    with pytest.raises(clopt.InvalidArgument, match="only numeric"):
        opt.step()
